// PANIC_POINT, THROW_POINT and FOREIGN_POINT (catalog §B2): where control can leave a Rust function
// abnormally. Panic points are panicking macros, `unwrap`/`expect`, indexing, integer division, slice
// methods that check lengths, `Vec` methods that check indices (only when the receiver's type is known
// to be a `Vec`/`VecDeque`/`String`), `Instant::now`/`SystemTime::now` (unimplemented on
// wasm32-unknown-unknown), and — only when the crate builds with overflow checks — `+ - * <<`.
// `debug_assert*` count only with overflow checks too (the dev-profile proxy). Throw points
// (`throw_str`, `unwrap_throw` …) and foreign points (calls to non-`catch` imports) leave by a JS
// exception instead. `?` is never a panic point. Each point carries the offset at which it fires, so
// callers can order it against mutations.

import type { Node } from 'web-tree-sitter';
import type { RustEnv } from './env';
import { nodesWithin, type FunctionFacts } from './facts';
import { jsCallPointOf, type JsCallPoint } from './js-calls';
import { receiverType, type StateResolver } from './state';
import { accessRoot, asMethodCall, asPathCall, macroName, mentionsWord, rootName, stripTransparent } from './syntax';
import { parentOf } from './parents';
import { oneLineCode } from '../text/one-line';
import { expressionMacroArguments, isGroup, receiverTokens, tokenGroups, tokensText } from './macro-tokens';

export type PanicKind =
  | 'macro' | 'assert' | 'unwrap' | 'index' | 'division' | 'overflow' | 'borrow' | 'slice' | 'collection' | 'clock' | 'throw' | 'foreign';

/** How the failure leaves the function: a Rust panic, a JS exception thrown by Rust, or one from an import. */
export type FailureClass = 'panic' | 'throw' | 'foreign';

export interface PanicPoint {
  /** The node to report (the index expression, the call, the macro, the operator expression). */
  readonly node: Node;
  readonly kind: PanicKind;
  readonly failure: FailureClass;
  /** How messages name it: `` `x.unwrap()` ``-ready text without backticks. */
  readonly display: string;
  /** Offset at which it fires: effects that end before this offset have happened. */
  readonly position: number;
  /** For `foreign`: the import call. */
  readonly jsCall?: JsCallPoint;
}

export interface PanicPointOptions {
  /** Count `borrow()`/`borrow_mut()` on shared state as panic points (needs `resolver`). Default false. */
  readonly borrows?: boolean;
  /** Count calls to non-`catch` imports (FOREIGN_POINT). Default true. */
  readonly foreign?: boolean;
  /** Count THROW_POINTs. Default true. */
  readonly throws?: boolean;
  /** Skip index expressions dominated by an explicit bounds check on the same index. Default false. */
  readonly skipBoundsChecked?: boolean;
  /** Needed for borrows and for typing `Vec` receivers. */
  readonly resolver?: StateResolver;
  /**
   * Only nodes that end after `after` and at or before `upTo` (a caller that keeps only points inside
   * borrow scopes, `isHeldAt`): the others are not examined at all.
   */
  readonly endingWithin?: { readonly after: number; readonly upTo: number };
}

export const PANIC_NODE_TYPES: ReadonlySet<string> = new Set(['macro_invocation', 'call_expression', 'index_expression', 'binary_expression', 'compound_assignment_expr']);

const PANIC_MACROS = new Set(['panic', 'unreachable', 'todo', 'unimplemented']);
const ASSERT_MACROS = new Set(['assert', 'assert_eq', 'assert_ne', 'assert_matches']);
const DEBUG_ASSERT_MACROS = new Set(['debug_assert', 'debug_assert_eq', 'debug_assert_ne']);
const UNWRAP_METHODS = new Set(['unwrap', 'expect', 'unwrap_err', 'expect_err']);
const THROW_METHODS = new Set(['unwrap_throw', 'expect_throw']);
const THROW_FUNCTIONS = new Set(['throw_str', 'throw_val']);
const SLICE_METHODS: Readonly<Record<string, (argc: number) => boolean>> = {
  split_at: (n) => n === 1,
  split_at_mut: (n) => n === 1,
  copy_from_slice: (n) => n === 1,
  clone_from_slice: (n) => n === 1,
  copy_within: (n) => n === 2,
  swap: (n) => n === 2,
  chunks: (n) => n === 1,
  windows: (n) => n === 1,
};
/** Index-checking methods of `Vec`/`VecDeque`/`String` (the same names on maps and sets never panic). */
const INDEXED_COLLECTION_METHODS: Readonly<Record<string, (argc: number) => boolean>> = {
  remove: (n) => n === 1,
  insert: (n) => n === 2,
  swap_remove: (n) => n === 1,
  drain: (n) => n === 1,
  split_off: (n) => n === 1,
  insert_str: (n) => n === 2,
};
const INDEXED_COLLECTION_TYPE = /^(std::vec::|alloc::vec::|std::collections::)?(Vec|VecDeque|String)\b/;

/** The panic/throw/foreign point at `node`, if it is one. */
export function panicPointOf(node: Node, env: RustEnv, options: PanicPointOptions = {}): PanicPoint | undefined {
  switch (node.type) {
    case 'macro_invocation':
      return macroPanic(node, env);
    case 'call_expression':
      return callPanic(node, env, options);
    case 'index_expression':
      return indexPanic(node, options);
    case 'binary_expression':
      return binaryPanic(node, env, options);
    case 'compound_assignment_expr':
      return compoundPanic(node, env, options);
    default:
      return undefined;
  }
}

/** Every point in `facts` within [start, end), ordered by the offset at which it fires. */
export function panicPointsIn(facts: FunctionFacts, start: number, end: number, env: RustEnv, options: PanicPointOptions = {}): PanicPoint[] {
  const out: PanicPoint[] = [];
  const ending = options.endingWithin;
  for (const list of [facts.macros, facts.calls, facts.indexes, facts.binaries, facts.compoundAssignments]) {
    for (const n of nodesWithin(list, start, end)) {
      if (ending && (n.endIndex <= ending.after || n.endIndex > ending.upTo)) continue;
      const p = panicPointOf(n, env, options);
      if (p) out.push(p);
    }
  }
  for (const n of nodesWithin(facts.macros, start, end)) {
    for (const p of macroArgumentPoints(n, env, options)) {
      if (ending && (p.position <= ending.after || p.position > ending.upTo)) continue;
      out.push(p);
    }
  }
  return out.sort((a, b) => a.position - b.position || a.node.startIndex - b.node.startIndex);
}

function macroPanic(node: Node, env: RustEnv): PanicPoint | undefined {
  const name = macroName(node);
  if (PANIC_MACROS.has(name)) return { node, kind: 'macro', failure: 'panic', display: `${name}!(..)`, position: node.startIndex };
  if (ASSERT_MACROS.has(name) || (env.overflowChecks && DEBUG_ASSERT_MACROS.has(name))) {
    return { node, kind: 'assert', failure: 'panic', display: `${name}!(..)`, position: node.startIndex };
  }
  return undefined;
}

/** Guard acquisitions that return a `Result` (std's `Mutex`/`RwLock`, `RefCell`'s `try_` forms). */
export const RESULT_ACQUISITIONS: ReadonlySet<string> = new Set(['lock', 'try_lock', 'read', 'write', 'try_read', 'try_write', 'try_borrow', 'try_borrow_mut']);

const KEYWORD_TOKEN = /^(let|return|in|if|else|match|move|mut|ref|as|where|for|while|loop|break|continue|async|await|fn|impl|dyn|unsafe|const|static|use|mod|pub|type|struct|enum|yield)$/;

/**
 * Points written in the arguments of an expression macro (`format!("{}", v[i])`, `vec![x.unwrap()]`,
 * see expressionMacroArguments): `.unwrap()`/`.expect(..)` (and the throwing variants) after a
 * receiver, and indexing `a[i]` after a name, a call or another index. Nested macros' tokens are read
 * like their parent's.
 */
function macroArgumentPoints(macro: Node, env: RustEnv, options: PanicPointOptions): PanicPoint[] {
  // Most macro arguments are plain names and literals: no `.unwrap`, no `[`, nothing to read.
  const body = expressionMacroArguments(macro, /\.\s*(unwrap|expect)|\w\s*\[|[)\]]\s*\[/);
  if (!body) return [];
  const out: PanicPoint[] = [];
  for (const tokens of tokenGroups(body)) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.type === 'token_tree') {
        const prev = tokens[i - 1];
        // The macro's own opening `vec![…]` is the body, not an index; `name![…]` is a nested macro.
        if (i > 0 && isGroup(t, '[') && prev && isIndexable(prev) && !isFullRange(t)) {
          const receiver = receiverTokens(t);
          if (receiver.length === 0) continue;
          if (options.skipBoundsChecked && isIndexTokenChecked(t, macro)) continue;
          const display = quotedExpression(`${tokensText(receiver, env.text)}${t.text}`);
          out.push({ node: t, kind: 'index', failure: 'panic', display, position: t.endIndex });
        }
        continue;
      }
      if (t.type !== '.') continue;
      const method = tokens[i + 1];
      const args = tokens[i + 2];
      if (!method || method.type !== 'identifier' || !args || !isGroup(args, '(')) continue;
      const unwrap = UNWRAP_METHODS.has(method.text);
      const thrown = THROW_METHODS.has(method.text) && options.throws !== false;
      if (!unwrap && !thrown) continue;
      const receiver = receiverTokens(t);
      if (receiver.length === 0 || unwrapsAcquisitionTokens(receiver)) continue;
      const display = `${quotedExpression(tokensText(receiver, env.text), 'end')}.${method.text}(${args.childCount > 2 ? '..' : ''})`;
      out.push({ node: method, kind: unwrap ? 'unwrap' : 'throw', failure: unwrap ? 'panic' : 'throw', display, position: method.startIndex });
    }
  }
  return out;
}

/** A token after which `[…]` indexes: a name (not a keyword), `self`, a call's or an index's group, `?`. */
function isIndexable(prev: Node): boolean {
  if (prev.type === 'identifier') return !KEYWORD_TOKEN.test(prev.text);
  if (prev.type === 'self' || prev.type === '?') return true;
  return isGroup(prev, '(') || isGroup(prev, '[');
}

/**
 * `M.lock()` / `c.try_borrow_mut()` before the unwrap: a poisoned or busy lock, which the rules treat
 * apart from tear points (see unwrapsAcquisition).
 */
function unwrapsAcquisitionTokens(receiver: readonly Node[]): boolean {
  const n = receiver.length;
  return n >= 3 && receiver[n - 3].type === '.' && RESULT_ACQUISITIONS.has(receiver[n - 2].text) &&
    isGroup(receiver[n - 1], '(') && receiver[n - 1].childCount === 2;
}

/** `[..]`: the whole slice, never out of range. */
function isFullRange(group: Node): boolean {
  return group.childCount === 3 && group.child(1)?.type === '..';
}

/** `[i]` in a macro's tokens, with `i` a plain name that a check around the macro bounds (`isBoundsChecked`). */
function isIndexTokenChecked(group: Node, macro: Node): boolean {
  if (group.childCount !== 3) return false;
  const index = group.child(1);
  if (!index || index.type !== 'identifier') return false;
  return isCheckedBefore(macro, index.text);
}

function callPanic(node: Node, env: RustEnv, options: PanicPointOptions): PanicPoint | undefined {
  const m = asMethodCall(node);
  if (m) {
    // Built only for a call that is a point (most calls are not).
    const display = (): string => `${quotedExpression(m.receiver.text, 'end')}.${m.method}(${m.args.length > 0 ? '..' : ''})`;
    const position = m.methodNode.startIndex;
    if (UNWRAP_METHODS.has(m.method) && m.args.length <= 1) return { node, kind: 'unwrap', failure: 'panic', display: display(), position };
    if (THROW_METHODS.has(m.method) && options.throws !== false) return { node, kind: 'throw', failure: 'throw', display: display(), position };
    if (SLICE_METHODS[m.method]?.(m.args.length)) return { node, kind: 'slice', failure: 'panic', display: display(), position };
    if (INDEXED_COLLECTION_METHODS[m.method]?.(m.args.length) && options.resolver) {
      const type = receiverType(m.receiver, env, options.resolver);
      // `VecDeque::remove` returns an `Option` instead of panicking.
      if (type && INDEXED_COLLECTION_TYPE.test(type) && !(m.method === 'remove' && /\bVecDeque\b/.test(type))) {
        return { node, kind: 'collection', failure: 'panic', display: display(), position };
      }
    }
    if (options.borrows && options.resolver && (m.method === 'borrow' || m.method === 'borrow_mut')) {
      const acq = options.resolver.acquisitionAt(node);
      if (acq) return { node, kind: 'borrow', failure: 'panic', display: display(), position };
    }
    if (options.foreign !== false) {
      const js = jsCallPointOf(node, env, options.resolver);
      if (js?.kind === 'import' && js.import && !js.import.catch) return { node, kind: 'foreign', failure: 'foreign', display: js.display, position: node.endIndex, jsCall: js };
    }
    return undefined;
  }
  const p = asPathCall(node);
  if (!p) return undefined;
  const qualifier = p.segments.length >= 2 ? p.segments[p.segments.length - 2] : undefined;
  if (THROW_FUNCTIONS.has(p.name) && (qualifier === undefined || qualifier === 'wasm_bindgen') && options.throws !== false && !env.localFunctionNames.has(p.name)) {
    return { node, kind: 'throw', failure: 'throw', display: `${p.segments.slice(-2).join('::')}(..)`, position: node.endIndex };
  }
  if (p.name === 'now' && (qualifier === 'Instant' || qualifier === 'SystemTime') && !env.usesWasmSafeClock && !p.segments.includes('web_time') && !p.segments.includes('instant')) {
    return { node, kind: 'clock', failure: 'panic', display: `${qualifier}::now()`, position: node.endIndex };
  }
  if (options.foreign !== false) {
    const js = jsCallPointOf(node, env, options.resolver);
    if (js?.kind === 'import' && js.import && !js.import.catch) return { node, kind: 'foreign', failure: 'foreign', display: js.display, position: node.endIndex, jsCall: js };
  }
  return undefined;
}

function indexPanic(node: Node, options: PanicPointOptions): PanicPoint | undefined {
  const index = node.namedChild(1);
  if (!index) return undefined;
  if (index.type === 'range_expression' && index.namedChildCount === 0) return undefined; // `v[..]` never panics
  if (options.skipBoundsChecked && isBoundsChecked(node)) return undefined;
  return { node, kind: 'index', failure: 'panic', display: quotedExpression(node.text), position: node.endIndex };
}

const FLOATISH = /(^|[^A-Za-z0-9_.])(\d+\.\d*([eE][+-]?\d+)?|\d+([eE][+-]?\d+)|\d+(\.\d*)?_?f(32|64))([^A-Za-z0-9_]|$)|\bas\s+f(32|64)\b|\bf(32|64)::/;

function operatorOf(node: Node): string {
  return node.childForFieldName('operator')?.type ?? '';
}

function binaryPanic(node: Node, env: RustEnv, options: PanicPointOptions): PanicPoint | undefined {
  const op = operatorOf(node);
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return undefined;
  if (op === '/' || op === '%') {
    if (isSafeDivisor(right) || FLOATISH.test(left.text) || FLOATISH.test(right.text)) return undefined;
    if (isDeclaredFloat(left, env, options) || isDeclaredFloat(right, env, options)) return undefined;
    return { node, kind: 'division', failure: 'panic', display: quotedExpression(node.text), position: node.endIndex };
  }
  if (env.overflowChecks && (op === '+' || op === '-' || op === '*' || op === '<<')) {
    if (FLOATISH.test(left.text) || FLOATISH.test(right.text) || isStringOperand(left) || isStringOperand(right)) return undefined;
    return { node, kind: 'overflow', failure: 'panic', display: quotedExpression(node.text), position: node.endIndex };
  }
  return undefined;
}

function compoundPanic(node: Node, env: RustEnv, options: PanicPointOptions): PanicPoint | undefined {
  const op = operatorOf(node);
  const right = node.childForFieldName('right');
  const left = node.childForFieldName('left');
  if (!right) return undefined;
  const position = right.endIndex;
  if (op === '/=' || op === '%=') {
    if (isSafeDivisor(right) || FLOATISH.test(right.text)) return undefined;
    if (isDeclaredFloat(right, env, options) || (left && isDeclaredFloat(left, env, options))) return undefined;
    return { node, kind: 'division', failure: 'panic', display: quotedExpression(node.text), position };
  }
  if (env.overflowChecks && (op === '+=' || op === '-=' || op === '*=' || op === '<<=')) {
    if (FLOATISH.test(right.text) || isStringOperand(right)) return undefined;
    return { node, kind: 'overflow', failure: 'panic', display: quotedExpression(node.text), position };
  }
  return undefined;
}

/**
 * An operand declared as a float: a local or parameter written `x: f64` / `x: &f32` in the enclosing
 * function (parameters, closure parameters, typed `let`s before it), or a field whose declared type is
 * one (`self.ratio`, with a resolver). Float division never panics.
 */
function isDeclaredFloat(operand: Node, env: RustEnv, options: PanicPointOptions): boolean {
  const n = stripTransparent(operand);
  if (n.type === 'identifier') {
    let fn: Node | null = n;
    while (fn && fn.type !== 'function_item') fn = parentOf(fn);
    if (!fn) return false;
    const before = env.text.slice(fn.startIndex, n.startIndex);
    return new RegExp(`(?:^|[^\\w.])${n.text}\\s*:\\s*&?\\s*(?:mut\\s+)?f(?:32|64)\\b`).test(before);
  }
  if (n.type === 'field_expression' && options.resolver) {
    const type = receiverType(n, env, options.resolver);
    return type !== undefined && /^&?\s*f(?:32|64)$/.test(type.trim());
  }
  return false;
}

/** A non-zero integer literal divisor cannot panic (`MIN / -1` aside). */
function isSafeDivisor(node: Node): boolean {
  const n = stripTransparent(node);
  return n.type === 'integer_literal' && !/^0+(_?[iu](8|16|32|64|128|size))?$/.test(n.text.replace(/_/g, ''));
}

function isStringOperand(node: Node): boolean {
  return node.type === 'string_literal' || node.type === 'raw_string_literal' || node.type === 'reference_expression' || /\bformat!\s*\(/.test(node.text);
}

/**
 * How messages quote an expression: on one line, and at most 48 characters. A longer one first has its
 * call arguments shrunk to `(..)` (`js_set(&result, "numOps", …).unwrap()` reads `js_set(..).unwrap()`);
 * then, for `keep: 'end'` (a method call's receiver: the end of a chain says which call it is), whole
 * leading links of the chain give way to `…`, else the end gives way to `…`.
 */
export function quotedExpression(text: string, keep: 'start' | 'end' = 'start'): string {
  const oneLine = oneLineCode(text);
  if (oneLine.length <= 48) return oneLine;
  const collapsed = collapseArguments(oneLine);
  if (collapsed.length <= 48) return collapsed;
  if (keep === 'end') {
    for (let i = collapsed.indexOf('.'); i > 0; i = collapsed.indexOf('.', i + 1)) {
      const isLink = collapsed[i - 1] !== '.' && collapsed[i + 1] !== '.' && collapsed[i + 1] !== ')';
      if (isLink && collapsed.length - i <= 47) return `…${collapsed.slice(i)}`;
    }
  }
  return `${collapsed.slice(0, 45)}…`;
}

/**
 * `text` with the contents of each outermost argument list (a `(` after a name, `>` or `!`) replaced by
 * `..`; grouping parentheses stay (strings respected; broken text tolerated).
 */
function collapseArguments(text: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  let hasContent = false;
  /** The last character at depth 0 that is not a space. */
  let lastOut = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const before = lastOut;
    if (depth === 0 && c !== ' ') lastOut = c;
    if (inString) {
      if (c === '\\') {
        if (depth === 0) out += text.slice(i, i + 2);
        i++;
      } else {
        if (depth === 0) out += c;
        if (c === '"') inString = false;
      }
      continue;
    }
    if (c === '"') inString = true;
    if (c === '(' && (depth > 0 || /[\w>!]/.test(before))) {
      if (depth === 0) {
        out += c;
        hasContent = false;
      } else {
        hasContent = true;
      }
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += hasContent ? '..)' : ')';
    } else if (depth === 0) {
      out += c;
    } else if (c !== ' ') {
      hasContent = true;
    }
  }
  return depth > 0 && hasContent ? `${out}..` : out;
}

/**
 * True when an index expression is dominated by an explicit check on the same index: inside
 * `if i < v.len() { … v[i] … }`, after `if i >= n { return …; }`, in `for i in 0..v.len()`, or after an
 * `assert!` on it. Ranges and computed indexes are never considered checked.
 */
export function isBoundsChecked(indexNode: Node): boolean {
  const index = indexNode.namedChild(1);
  if (!index) return false;
  const core = stripTransparent(index);
  const name = rootName(accessRoot(core));
  if (!name || core.type !== 'identifier' && core.type !== 'field_expression') return false;
  return isCheckedBefore(indexNode, name);
}

/** True when a check on `name` dominates `indexNode` (see isBoundsChecked). */
function isCheckedBefore(indexNode: Node, name: string): boolean {
  const mentions = (text: string) => mentionsWord(text, name) && /(<=?|>=?|\.len\(\)|\.get\(|is_empty\(\))/.test(text.replace(/<</g, ''));
  let child: Node = indexNode;
  for (let n = parentOf(indexNode); n; child = n, n = parentOf(n)) {
    if (n.type === 'function_item' || n.type === 'closure_expression') break;
    if (n.type === 'if_expression' || n.type === 'while_expression') {
      const cond = n.childForFieldName('condition');
      const body = n.childForFieldName(n.type === 'if_expression' ? 'consequence' : 'body');
      if (cond && body && body.id === child.id && mentions(cond.text)) return true;
    }
    if (n.type === 'for_expression') {
      const pattern = n.childForFieldName('pattern');
      const value = n.childForFieldName('value');
      if (pattern && value && mentionsWord(pattern.text, name) && /\.\.|\.len\(\)|indices\(\)|enumerate\(\)/.test(value.text)) return true;
    }
    if (n.type === 'block') {
      // Earlier statements of this block that exit when the index is out of range.
      for (let s = child.previousNamedSibling; s; s = s.previousNamedSibling) {
        if (isExitingCheck(s, mentions)) return true;
      }
    }
  }
  return false;
}

function isExitingCheck(statement: Node, mentions: (text: string) => boolean): boolean {
  const n = statement.type === 'expression_statement' ? statement.namedChild(0) : statement;
  if (!n) return false;
  if (n.type === 'macro_invocation') {
    const name = macroName(n);
    return (ASSERT_MACROS.has(name) || DEBUG_ASSERT_MACROS.has(name)) && mentions(n.text);
  }
  if (n.type === 'if_expression') {
    const cond = n.childForFieldName('condition');
    const body = n.childForFieldName('consequence');
    if (!cond || !body || !mentions(cond.text)) return false;
    return /\b(return|break|continue)\b|\b(panic|unreachable)!|\bthrow_str\s*\(/.test(body.text);
  }
  if (n.type === 'let_declaration') {
    // `let Some(x) = v.get(i) else { return … };`
    const alt = n.childForFieldName('alternative');
    return alt !== null && mentions(n.text);
  }
  return false;
}
