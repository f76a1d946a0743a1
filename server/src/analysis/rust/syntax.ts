// Small, reusable views over tree-sitter-rust syntax: attributes (which are sibling `attribute_item`
// nodes preceding an item, possibly wrapped in `cfg_attr`), method and path calls, the identifier an
// expression is rooted at, the lifetime of temporaries, and mutually exclusive branches. Everything
// here is iterative and allocation-light; nothing keeps a Node beyond the call that received it.

import type { Node } from 'web-tree-sitter';
import type { TextRange } from '../model';
import { parentOf } from './parents';

// ---- attributes ------------------------------------------------------------------------------------

/** One attribute as written (`#[wasm_bindgen(js_name = foo)]`) or as expanded from `cfg_attr`. */
export interface Attribute {
  /** The whole `attribute_item` (`#[…]`) it came from: what a finding or fix points at. */
  readonly item: Node;
  /** The attribute path as written, e.g. `wasm_bindgen`, `wasm_bindgen::prelude::wasm_bindgen`, `cfg`. */
  readonly path: string;
  /** The last path segment: `wasm_bindgen`, `cfg`, `test`, `event`. */
  readonly name: string;
  /** The argument token tree (`(js_name = foo)`), when present. */
  readonly args: Node | null;
  /** True when this attribute was found inside `cfg_attr(cond, …)`. */
  readonly conditional: boolean;
}

const ATTRIBUTE_SKIPPABLE = new Set(['line_comment', 'block_comment']);

/** The `attribute_item`s that apply to `item`: its preceding siblings, skipping comments and doc comments. */
export function attributeItemsOf(item: Node): Node[] {
  const out: Node[] = [];
  for (let n = item.previousNamedSibling; n; n = n.previousNamedSibling) {
    if (n.type === 'attribute_item') out.push(n);
    else if (!ATTRIBUTE_SKIPPABLE.has(n.type)) break;
  }
  return out.reverse();
}

/** The attributes of `item`, with `cfg_attr(cond, a, b(..))` expanded into `a` and `b(..)`. */
export function attributesOf(item: Node): Attribute[] {
  const out: Attribute[] = [];
  for (const attributeItem of attributeItemsOf(item)) {
    const attribute = attributeItem.namedChildren.find((c) => c.type === 'attribute');
    if (!attribute) continue;
    const pathNode = attribute.namedChild(0);
    if (!pathNode || pathNode.type === 'token_tree') continue;
    const path = pathNode.text;
    const args = attribute.childForFieldName('arguments');
    const name = lastSegment(path);
    if (name === 'cfg_attr' && args) {
      // cfg_attr(condition, attr1, attr2(args)…): every group after the first is an attribute.
      const groups = splitTokenTree(args);
      for (const group of groups.slice(1)) {
        const head = group[0];
        if (!head || (head.type !== 'identifier' && head.type !== 'crate' && head.type !== 'self')) continue;
        const tokens = group.filter((t) => t.type !== '::');
        const pathTokens = tokens.filter((t) => t.type === 'identifier');
        const innerArgs = group.find((t) => t.type === 'token_tree') ?? null;
        const innerPath = pathTokens.map((t) => t.text).join('::');
        out.push({ item: attributeItem, path: innerPath, name: lastSegment(innerPath), args: innerArgs, conditional: true });
      }
      continue;
    }
    out.push({ item: attributeItem, path, name, args, conditional: false });
  }
  return out;
}

export function lastSegment(path: string): string {
  const i = path.lastIndexOf('::');
  return (i >= 0 ? path.slice(i + 2) : path).trim();
}

export function isWasmBindgenAttribute(a: Attribute): boolean {
  return a.name === 'wasm_bindgen' && (a.path === 'wasm_bindgen' || a.path.endsWith('::wasm_bindgen'));
}

/** The children of a token tree between its delimiters, split at top-level commas. */
export function splitTokenTree(tokenTree: Node): Node[][] {
  const groups: Node[][] = [];
  let current: Node[] = [];
  const count = tokenTree.childCount;
  for (let i = 0; i < count; i++) {
    const child = tokenTree.child(i);
    if (!child) continue;
    if ((i === 0 || i === count - 1) && isDelimiter(child.type)) continue;
    if (child.type === ',') {
      if (current.length > 0) groups.push(current);
      current = [];
      continue;
    }
    if (child.type === 'line_comment' || child.type === 'block_comment') continue;
    current.push(child);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function isDelimiter(type: string): boolean {
  return type === '(' || type === ')' || type === '[' || type === ']' || type === '{' || type === '}';
}

/**
 * Attribute arguments as a map: `(js_name = foo, catch, module = "/m.js")` gives
 * `js_name → foo`, `catch → true`, `module → /m.js`. String values lose their quotes.
 */
export function attributeArguments(args: Node | null): Map<string, string | true> {
  const out = new Map<string, string | true>();
  if (!args) return out;
  for (const group of splitTokenTree(args)) {
    const key = group[0];
    if (!key || (key.type !== 'identifier' && !/^[a-z_]+$/.test(key.type))) continue;
    const eq = group.findIndex((t) => t.type === '=');
    if (eq < 0) {
      out.set(key.text, true);
      continue;
    }
    const valueTokens = group.slice(eq + 1);
    if (valueTokens.length === 0) continue;
    const first = valueTokens[0];
    const last = valueTokens[valueTokens.length - 1];
    const text = (first.type === 'string_literal' || first.type === 'raw_string_literal') && valueTokens.length === 1
      ? stringLiteralValue(first)
      : sourceBetween(first, last);
    out.set(key.text, text);
  }
  return out;
}

export function stringLiteralValue(node: Node): string {
  const t = node.text;
  if (/^b?r#*"/.test(t)) return t.replace(/^b?r#*"/, '').replace(/"#*$/, '');
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0' };
  return t
    .replace(/^b?"/, '')
    .replace(/"$/, '')
    .replace(/\\\n\s*/g, '')
    .replace(/\\(["\\'nrt0])/g, (_m, c: string) => escapes[c] ?? c);
}

/** Text from the start of `first` to the end of `last` (both in the same tree). */
export function sourceBetween(first: Node, last: Node): string {
  let common: Node | null = first;
  while (common && common.endIndex < last.endIndex) common = parentOf(common);
  if (!common) return first.text;
  return common.text.slice(first.startIndex - common.startIndex, last.endIndex - common.startIndex);
}

// ---- calls -----------------------------------------------------------------------------------------

/** `receiver.method::<T>(args)` */
export interface MethodCall {
  readonly call: Node;
  readonly receiver: Node;
  readonly method: string;
  /** The `field_identifier` naming the method. */
  readonly methodNode: Node;
  /** Read when needed (computed on first read): most callers only look at the method or the path. */
  readonly args: Node[];
}

/** `a::b::name::<T>(args)` or `name(args)` */
export interface PathCall {
  readonly call: Node;
  /** Path segments as written, e.g. `['js_sys', 'Reflect', 'get']`. */
  readonly segments: string[];
  readonly name: string;
  readonly calleeNode: Node;
  /** Read when needed (computed on first read). */
  readonly args: Node[];
}

/** A call view whose arguments are listed on first read: listing them marshals every argument node. */
class CallView {
  private argumentNodes: Node[] | undefined;

  constructor(readonly call: Node) {}

  get args(): Node[] {
    return (this.argumentNodes ??= callArguments(this.call));
  }
}

class MethodCallView extends CallView implements MethodCall {
  constructor(call: Node, readonly receiver: Node, readonly method: string, readonly methodNode: Node) {
    super(call);
  }
}

class PathCallView extends CallView implements PathCall {
  constructor(call: Node, readonly segments: string[], readonly name: string, readonly calleeNode: Node) {
    super(call);
  }
}

export function callArguments(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args) return [];
  return args.namedChildren.filter((c) => c.type !== 'line_comment' && c.type !== 'block_comment' && c.type !== 'attribute_item');
}

function calleeOf(call: Node): Node | null {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  return fn;
}

export function asMethodCall(node: Node): MethodCall | undefined {
  if (node.type !== 'call_expression') return undefined;
  const fn = calleeOf(node);
  if (!fn || fn.type !== 'field_expression') return undefined;
  const receiver = fn.childForFieldName('value');
  const field = fn.childForFieldName('field');
  if (!receiver || !field || field.type !== 'field_identifier') return undefined;
  return new MethodCallView(node, receiver, field.text, field);
}

export function asPathCall(node: Node): PathCall | undefined {
  if (node.type !== 'call_expression') return undefined;
  const fn = calleeOf(node);
  if (!fn) return undefined;
  if (fn.type === 'identifier') return new PathCallView(node, [fn.text], fn.text, fn);
  if (fn.type === 'scoped_identifier') {
    const segments = pathSegments(fn);
    return new PathCallView(node, segments, segments[segments.length - 1] ?? '', fn);
  }
  return undefined;
}

/** `a::b::<T>::c` → `['a', 'b', 'c']` (generic arguments and leading `::` dropped). */
export function pathSegments(node: Node): string[] {
  return node.text
    // `Closure::<dyn FnMut(u32) -> u32>::new`: the arrow's `>` is not a closing bracket.
    .replace(/->/g, ' ')
    .replace(/<[^<>]*(<[^<>]*>[^<>]*)*>/g, '')
    .split('::')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The name of a `macro_invocation` (`panic`, `assert_eq`, `thread_local`), without any path. */
export function macroName(node: Node): string {
  const m = node.childForFieldName('macro');
  return m ? lastSegment(m.text) : '';
}

// ---- expressions -----------------------------------------------------------------------------------

const TRANSPARENT = new Set(['parenthesized_expression', 'reference_expression', 'unary_expression', 'try_expression', 'type_cast_expression']);

/** Strips parentheses, `&`/`&mut`, `*`, `!`/`-`, `?` and `as` casts. */
export function stripTransparent(node: Node): Node {
  let n = node;
  for (;;) {
    if (!TRANSPARENT.has(n.type)) return n;
    const inner = n.type === 'reference_expression' ? n.childForFieldName('value') : n.type === 'type_cast_expression' ? n.childForFieldName('value') : n.namedChild(0);
    if (!inner) return n;
    n = inner;
  }
}

/**
 * The leaf an access path starts from: `s.items[i].x` → `s`, `self.a.b` → `self`,
 * `g.list.last_mut().unwrap().n` → `g`, `*COUNTER` → `COUNTER`. Path calls (`f(x).y`) stop the descent.
 */
export function accessRoot(node: Node): Node {
  let n = node;
  for (;;) {
    n = stripTransparent(n);
    if (n.type === 'field_expression') {
      const v = n.childForFieldName('value');
      if (!v) return n;
      n = v;
      continue;
    }
    if (n.type === 'index_expression') {
      const v = n.namedChild(0);
      if (!v) return n;
      n = v;
      continue;
    }
    const call = asMethodCall(n);
    if (call) {
      n = call.receiver;
      continue;
    }
    return n;
  }
}

/** The identifier text of a root produced by {@link accessRoot} (`self` included), else undefined. */
export function rootName(root: Node): string | undefined {
  if (root.type === 'identifier' || root.type === 'self') return root.text;
  if (root.type === 'scoped_identifier') return lastSegment(root.text);
  return undefined;
}

/** Identifiers mentioned anywhere below `node` (iterative). */
export function identifiersIn(node: Node): Set<string> {
  const out = new Set<string>();
  const cursor = node.walk();
  try {
    for (;;) {
      if (cursor.nodeType === 'identifier') out.add(cursor.nodeText);
      if (cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.currentDepth === 0) return out;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
      }
    }
  } finally {
    cursor.delete();
  }
}

/** True when `word` occurs as a whole identifier in `text`. */
export function mentionsWord(text: string, word: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(word)}([^A-Za-z0-9_]|$)`).test(text);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- structure -------------------------------------------------------------------------------------

/** Nodes that start a new execution context: code inside runs when that function/closure/future runs. */
export const EXECUTION_BOUNDARIES = new Set(['function_item', 'closure_expression', 'async_block']);

/**
 * The `function_item` spanning exactly `range` (a whole item's range from an index or a record), if
 * the tree has one there: the smallest node spanning an item's range is the item itself.
 */
export function functionItemAt(root: Node, range: TextRange): Node | undefined {
  const node = root.descendantForIndex(range.start, range.end);
  return node?.type === 'function_item' && node.startIndex === range.start && node.endIndex === range.end ? node : undefined;
}

/** The nearest enclosing function item, closure or async block (not `node` itself). */
export function executionContextOf(node: Node): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (EXECUTION_BOUNDARIES.has(n.type)) return n;
  return null;
}

/** The enclosing `function_item` that is not nested inside another function item's body. */
export function outermostFunction(node: Node): Node | null {
  let found: Node | null = node.type === 'function_item' ? node : null;
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === 'function_item') found = n;
  return found;
}

/** The nearest enclosing `function_item` (or `node` itself). */
export function enclosingFunction(node: Node): Node | null {
  for (let n: Node | null = node; n; n = parentOf(n)) if (n.type === 'function_item') return n;
  return null;
}

/** The type name of the `impl` block around `node` (`impl<T> Foo<T>` → `Foo`), if any. */
export function enclosingImplType(node: Node): string | undefined {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.type === 'impl_item') {
      const t = n.childForFieldName('type');
      return t ? typeBaseName(t.text) : undefined;
    }
    if (n.type === 'function_item' && n.id !== node.id && parentOf(n)?.type !== 'declaration_list') return undefined;
  }
  return undefined;
}

/** The error type of `Result<T, E>` (any path to `Result`) as written, whitespace collapsed; undefined for other types. */
export function resultErrorType(typeText: string): string | undefined {
  const t = typeText.replace(/\s+/g, ' ').trim();
  const m = /^(?:(?:std|core)::result::)?Result\s*<(.*)>$/s.exec(t);
  if (!m) return undefined;
  const parts = splitGenericArguments(m[1]);
  return parts.length === 2 ? parts[1].trim() : undefined;
}

/**
 * The `Result` aliases `text` declares — `type Result<T> = std::result::Result<T, JsValue>;`,
 * `pub type JsResult<T> = Result<T, JsError>;`, `type Fallible = Result<(), String>;` — as [alias name,
 * error type as written]. Only aliases whose error type does not depend on their own parameters (the
 * error is then the same wherever the alias is used).
 */
export function declaredResultAliases(text: string): [string, string][] {
  if (!text.includes('type')) return [];
  const out: [string, string][] = [];
  for (const m of text.matchAll(RESULT_ALIAS)) {
    const params = (m[2] ?? '').split(',').map((p) => p.trim()).filter((p) => p.length > 0);
    const error = resultErrorType(m[3]);
    if (!error || params.some((p) => !/^[A-Za-z_]\w*$/.test(p) || new RegExp(`\\b${p}\\b`).test(error))) continue;
    out.push([m[1], error]);
  }
  return out;
}

/**
 * The free functions of a file that hand their future parameter to `spawn_local` — a crate's own spawn
 * helper (`pub fn spawn<F: Future<Output = ()> + 'static>(f: F) { wasm_bindgen_futures::spawn_local(f) }`,
 * often with a native branch beside it): their callers spawn tasks nobody awaits just the same. Read
 * from the text: a `fn` whose parameter list names `P` and whose body, up to the next `fn`, calls
 * `spawn_local(P)`.
 */
export function declaredSpawnWrappers(text: string): string[] {
  if (!text.includes('spawn_local')) return [];
  const out: string[] = [];
  for (const m of text.matchAll(SPAWN_WRAPPER_HEAD)) {
    const name = m[1];
    const params = [...m[2].matchAll(/(?:^|,)\s*(?:mut\s+)?([A-Za-z_]\w*)\s*:/g)].map((p) => p[1]);
    const from = (m.index ?? 0) + m[0].length;
    const next = text.slice(from).search(/\bfn\s+[A-Za-z_]/);
    const body = text.slice(from, next < 0 ? text.length : from + next);
    if (name !== 'spawn_local' && params.some((p) => new RegExp(`\\bspawn_local\\s*\\(\\s*${p}\\s*\\)`).test(body))) out.push(name);
  }
  // `use wasm_bindgen_futures::spawn_local as spawn;` names the same function.
  for (const m of text.matchAll(/\bspawn_local\s+as\s+([A-Za-z_]\w*)/g)) out.push(m[1]);
  return out;
}

/** `fn name<…>(params)`: parameters may hold one level of parentheses (`impl Future<Output = ()>`). */
const SPAWN_WRAPPER_HEAD = /\bfn\s+([A-Za-z_]\w*)\s*(?:<[^{;]*?>)?\s*\(((?:[^()]|\([^()]*\))*)\)/g;

const RESULT_ALIAS = /\btype\s+([A-Za-z_]\w*)\s*(?:<([^<>=;]*)>)?\s*=\s*((?:(?:std|core)\s*::\s*result\s*::\s*)?Result\s*<[^;]*>)\s*;/g;

/**
 * The error type of a function's return type through a `Result` alias of `aliases` (name → error type):
 * `Result<T>`, `crate::Result<T>`, `error::JsResult<T>`, `Fallible`; undefined when it names none.
 */
export function aliasedResultErrorType(typeText: string, aliases: ReadonlyMap<string, string> | undefined): string | undefined {
  if (!aliases || aliases.size === 0) return undefined;
  const m = /^(?:[A-Za-z_]\w*\s*::\s*)*([A-Za-z_]\w*)\s*(?:<.*>)?$/s.exec(typeText.trim());
  return m ? aliases.get(m[1]) : undefined;
}

/** Generic arguments split at their top-level commas (`<`, `(`, `[` nest; the `>` of `->` does not close). */
function splitGenericArguments(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<' || c === '(' || c === '[') depth++;
    else if ((c === '>' && s[i - 1] !== '-') || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** `crate::a::Foo<T>` → `Foo`. */
export function typeBaseName(typeText: string): string {
  return lastSegment(typeText.replace(/<[\s\S]*$/, '').trim());
}

/** The statement (direct child of a block) that contains `node`, and that block. */
export function enclosingStatement(node: Node): { statement: Node; block: Node } | undefined {
  let child: Node = node;
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.type === 'block' || n.type === 'source_file' || n.type === 'declaration_list') {
      return n.type === 'block' ? { statement: child, block: n } : undefined;
    }
    child = n;
  }
  return undefined;
}

/**
 * Where a temporary created by evaluating `node` is dropped (Rust's temporary scopes, edition 2021):
 * the end of the enclosing statement or `let`; the end of an `if` condition; the end of a `match`
 * (its scrutinee's temporaries live through the arms); for `if let`/`while let`, the end of the
 * body. Block tail expressions hand their temporaries to the enclosing statement. Function and closure
 * bodies end every temporary.
 */
export function temporaryScopeEnd(node: Node): number {
  let child: Node = node;
  for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
    switch (n.type) {
      case 'expression_statement':
      case 'let_declaration':
        return n.endIndex;
      case 'if_expression':
      case 'while_expression': {
        const condition = n.childForFieldName('condition');
        if (condition && condition.id === child.id) {
          if (child.type === 'let_condition' || child.type === 'let_chain') {
            // `if let` keeps scrutinee temporaries alive through the consequence (edition 2021 also
            // through `else`; the consequence is the part every edition agrees on).
            const body = n.childForFieldName(n.type === 'if_expression' ? 'consequence' : 'body');
            return body ? body.endIndex : n.endIndex;
          }
          return condition.endIndex;
        }
        break;
      }
      case 'match_expression': {
        const value = n.childForFieldName('value');
        if (value && value.id === child.id) return n.endIndex;
        break;
      }
      case 'match_arm': {
        // An arm's expression (not a block) is a terminating scope.
        const value = n.childForFieldName('value');
        if (value && value.id === child.id && value.type !== 'block') return value.endIndex;
        break;
      }
      case 'closure_expression': {
        const body = n.childForFieldName('body');
        if (body && body.id === child.id) return body.endIndex;
        break;
      }
      case 'function_item':
      case 'async_block':
      case 'source_file':
        return child.endIndex;
      default:
        break;
    }
  }
  return child.endIndex;
}

/** The block that encloses `node` (for a `let`, the block its binding lives in). */
export function enclosingBlock(node: Node): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === 'block') return n;
  return null;
}

/**
 * True when `a` and `b` can never both execute in one run of their function: they sit in different
 * branches of the same `if`/`match`.
 */
export function inExclusiveBranches(a: Node, b: Node): boolean {
  const chainA = ancestorsOf(a);
  const idsB = new Map<number, Node>();
  let prevB: Node = b;
  // Map each ancestor of b to the child on b's path, to compare branches at the common ancestor.
  for (let n = parentOf(b); n; prevB = n, n = parentOf(n)) idsB.set(n.id, prevB);
  let prevA: Node = a;
  for (const anc of chainA) {
    const branchB = idsB.get(anc.id);
    if (branchB) {
      if (anc.type === 'if_expression' || anc.type === 'else_clause') {
        return branchIdOfIf(anc, prevA) !== branchIdOfIf(anc, branchB) && branchIdOfIf(anc, prevA) !== 'condition' && branchIdOfIf(anc, branchB) !== 'condition';
      }
      if (anc.type === 'match_block') return prevA.id !== branchB.id;
      return false;
    }
    prevA = anc;
  }
  return false;
}

function branchIdOfIf(ifNode: Node, child: Node): string {
  if (ifNode.type === 'else_clause') return 'else';
  const condition = ifNode.childForFieldName('condition');
  if (condition && condition.id === child.id) return 'condition';
  const consequence = ifNode.childForFieldName('consequence');
  if (consequence && consequence.id === child.id) return 'then';
  return 'else';
}

function ancestorsOf(node: Node): Node[] {
  const out: Node[] = [];
  for (let n = parentOf(node); n; n = parentOf(n)) out.push(n);
  return out;
}

/** True when `inner` lies within `outer` by range. */
export function within(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Text of the line's leading whitespace at `offset` (for inserting statements). */
export function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart, offset));
  return m ? m[0] : '';
}

/**
 * The range to delete to remove `statement`: its whole lines (line break included) when nothing but
 * whitespace shares its first and last line, else the statement alone. A statement may span several
 * lines (`set_on_abort(|| {…});`): the removal must reach the line of its end, not of its start.
 */
export function statementLineRange(text: string, statement: Node): { start: number; end: number } {
  const lineStart = text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  const newline = text.indexOf('\n', statement.endIndex);
  const lineEnd = newline < 0 ? text.length : newline;
  if (/^[ \t]*$/.test(text.slice(lineStart, statement.startIndex)) && /^[ \t]*\r?$/.test(text.slice(statement.endIndex, lineEnd))) {
    return { start: lineStart, end: newline < 0 ? lineEnd : newline + 1 };
  }
  return { start: statement.startIndex, end: statement.endIndex };
}

/**
 * `node`'s text to insert at another indentation: each line after the first that starts with the
 * indentation of `node`'s own line gets `indent` in its place. Left as it is when a string literal
 * spans lines (re-indenting would change the string).
 */
export function textReindented(text: string, node: Node, indent: string): string {
  const own = node.text;
  if (!own.includes('\n')) return own;
  let multiLineString = false;
  forEachDescendant(node, (n) => {
    if ((n.type === 'string_literal' || n.type === 'raw_string_literal') && n.startPosition.row !== n.endPosition.row) multiLineString = true;
    return !multiLineString;
  });
  if (multiLineString) return own;
  const from = indentationAt(text, node.startIndex);
  return own.split('\n').map((line, i) => (i > 0 && line.startsWith(from) ? indent + line.slice(from.length) : line)).join('\n');
}

/** Visits every node below `root` (pre-order); return `false` to skip a node's children. Iterative. */
export function forEachDescendant(root: Node, visit: (node: Node) => boolean | void): void {
  const cursor = root.walk();
  try {
    if (!cursor.gotoFirstChild()) return;
    for (;;) {
      const descend = visit(cursor.currentNode) !== false;
      if (descend && cursor.gotoFirstChild()) continue;
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent() || cursor.currentDepth === 0) return;
      }
    }
  } finally {
    cursor.delete();
  }
}
