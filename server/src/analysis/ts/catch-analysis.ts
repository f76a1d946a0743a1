// What a failure handler (a `catch` clause body, or the function given to `.catch()`/`.then(_, h)`) does
// with the error, per catalog §B3: CLASSIFIES (looks at the failure class at all — A13 tokens, a
// configured classifier, or one of the shapes WBG-C02 reports as misclassification) and RETHROWS (every
// path ends in `throw`, a rejected promise, a forwarded rejection, or ending the process/worker/page).
// Walks are local to the handler and iterative.

import type { Node } from 'web-tree-sitter';
import { walkTree } from '../parsing/walk';

/** Words in a message test that show the handler is trying to tell wasm failures apart (C02 judges how well). */
const WASM_FAILURE_WORDS = /PanicError|RuntimeError|Module terminated|Critical error|unreachable|out of bounds|memory access|already (?:mutably )?borrowed|recursive use|call stack|too much recursion|panicked|Invalid stale object/i;
const FAILURE_CLASS_IDENTIFIERS = new Set(['RuntimeError', 'PanicError', 'CompileError', 'LinkError']);

/** Calls that end the process, worker or page: nothing runs on in the poisoned instance afterwards. */
const TERMINATING_CALLS = /^(?:process\.(?:exit|abort|kill)|Deno\.exit|(?:self|globalThis|window)\.close|close|(?:(?:window|globalThis|self|document)\.)?location\.reload|[\w$.]+\.terminate)$/;
/** Callbacks that hand the error on to someone else (`reject(e)`, Express `next(e)`, node-style `cb(e)`). */
const FORWARDING_CALLS = new Set(['reject', 'rej', 'next', 'done', 'cb', 'callback', 'fail']);

/** Assertion calls that mark a handler as test code inspecting the failure. */
const ASSERTION_CALLEE = /^(?:expect|assert(?:\.\w+)?|t\.(?:is|true|false|throws|throwsAsync|regex|match|deepEqual|equal)|should|chai\.\w+)$/;

function calleeName(call: Node): string {
  const fn = call.childForFieldName('function');
  return fn ? fn.text.replace(/\s+/g, '').replace(/\?\./g, '.') : '';
}

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/**
 * The rejection handler of a promise-handler call — the argument of `p.catch(h)`, the second argument
 * of `p.then(ok, h)` — else undefined (any other call, or `.then(ok)` without one).
 */
export function promiseRejectionHandler(call: Node): Node | undefined {
  if (call.type !== 'call_expression') return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'member_expression') return undefined;
  const prop = fn.childForFieldName('property')?.text;
  if (prop !== 'catch' && prop !== 'then') return undefined;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return prop === 'catch' ? args[0] : args[1];
}

/**
 * True when the handler looks at the failure class: mentions `WebAssembly.RuntimeError`/`Exception`,
 * `PanicError`, `'Module terminated'`, wasm failure texts in strings/regexes, `.constructor.name`, or calls a
 * classifier (`isClassifier(name)` — configured names and same-file helpers that classify).
 */
export function handlerClassifies(handler: Node, isClassifier: (calleeLastSegment: string, call: Node) => boolean): boolean {
  let found = false;
  walkTree(handler, (node) => {
    if (found) return false;
    switch (node.type) {
      case 'call_expression':
        if (isClassifier(lastSegment(calleeName(node)), node)) found = true;
        break;
      case 'identifier':
      case 'property_identifier':
      case 'type_identifier':
        if (FAILURE_CLASS_IDENTIFIERS.has(node.text)) found = true;
        break;
      case 'member_expression': {
        const text = node.text.replace(/\s+/g, '').replace(/\?\./g, '.');
        if (text === 'WebAssembly.Exception' || text.endsWith('.constructor.name')) found = true;
        break;
      }
      case 'regex_pattern':
        if (WASM_FAILURE_WORDS.test(node.text)) found = true;
        break;
      case 'string_fragment':
        // Only strings the handler tests against count; a log message mentioning "panicked" does not.
        if (WASM_FAILURE_WORDS.test(node.text) && node.parent && isComparedString(node.parent)) found = true;
        break;
    }
    return !found;
  });
  return found;
}

const COMPARISON_OPERATORS = new Set(['===', '!==', '==', '!=']);
const STRING_TESTS = new Set(['includes', 'startsWith', 'endsWith', 'match', 'matchAll', 'test', 'indexOf', 'search']);

/** A string literal used as a comparison operand, a `case` label, or the argument of a string test. */
function isComparedString(str: Node): boolean {
  const parent = str.parent;
  if (!parent) return false;
  if (parent.type === 'binary_expression') return COMPARISON_OPERATORS.has(parent.childForFieldName('operator')?.type ?? '');
  if (parent.type === 'switch_case') return true;
  if (parent.type === 'arguments') {
    const call = parent.parent;
    return call?.type === 'call_expression' && STRING_TESTS.has(lastSegment(calleeName(call))) || call?.type === 'new_expression';
  }
  return false;
}

function isTerminatingExpression(expr: Node | null): boolean {
  let e = expr;
  while (e && (e.type === 'await_expression' || e.type === 'parenthesized_expression')) e = e.namedChild(0);
  if (!e || e.type !== 'call_expression') return false;
  const name = calleeName(e);
  if (name === 'Promise.reject' || TERMINATING_CALLS.test(name)) return true;
  const args = e.childForFieldName('arguments');
  return FORWARDING_CALLS.has(name) && (args?.namedChildCount ?? 0) > 0;
}

function isTerminalStatement(stmt: Node): boolean {
  if (stmt.type === 'throw_statement') return true;
  if (stmt.type === 'return_statement') return isTerminatingExpression(stmt.namedChild(0));
  if (stmt.type === 'expression_statement') return isTerminatingExpression(stmt.namedChild(0));
  return false;
}

function statementsOf(block: Node): Node[] {
  return block.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'empty_statement');
}

/**
 * RETHROWS: every path through the handler ends the failure's journey elsewhere. Approximation (§B3): a
 * terminal statement at the top level of the body, or a last statement that is terminal, or an if/else
 * whose every branch is. Conditional early returns before a final `throw` are accepted: that is the
 * "rethrow what you do not handle" shape.
 */
export function handlerRethrows(body: Node): boolean {
  return rethrows(body, false);
}

/**
 * RETHROWS with no way around it: as handlerRethrows, but a `continue`, `break` or `return` that leaves
 * the handler before its final `throw` is a path that does not rethrow (`if (attempt < 3) continue;
 * throw e;` retries). For retry-after-abort, where that path is the retry.
 */
export function handlerRethrowsOnEveryPath(body: Node): boolean {
  return rethrows(body, true);
}

function rethrows(body: Node, strict: boolean): boolean {
  if (body.type !== 'statement_block') return isTerminatingExpression(body); // expression-bodied arrow
  const pending: Node[] = [body];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'statement_block') {
      const statements = statementsOf(node);
      const terminal = statements.findIndex(isTerminalStatement);
      if (terminal >= 0) {
        if (strict && statements.slice(0, terminal).some(leavesEarly)) return false;
        continue;
      }
      const last = statements[statements.length - 1];
      if (!last) return false;
      pending.push(last);
    } else if (node.type === 'if_statement') {
      const consequence = node.childForFieldName('consequence');
      const alternative = node.childForFieldName('alternative');
      if (!consequence || !alternative) return false;
      pending.push(consequence);
      const elseBody = alternative.type === 'else_clause' ? alternative.namedChildren.find((c) => c.type !== 'comment') : alternative;
      if (!elseBody) return false;
      pending.push(elseBody);
    } else if (!isTerminalStatement(node)) {
      return false;
    }
  }
  return true;
}

/** JS/TS loop statements (a `continue`/`break` inside one stays in it). */
export const LOOP_TYPES: ReadonlySet<string> = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);

/** A statement with a `return` (not of a rejection), or a `continue`/`break` that leaves the statement's own loops. */
function leavesEarly(statement: Node): boolean {
  let found = false;
  const visit = (node: Node, inLoop: boolean, inSwitch: boolean): void => {
    if (found || FUNCTION_LIKE.has(node.type)) return;
    if (node.type === 'return_statement' && !isTerminalStatement(node)) found = true;
    else if (node.type === 'continue_statement' && !inLoop) found = true;
    else if (node.type === 'break_statement' && !inLoop && !inSwitch) found = true;
    const loop = inLoop || LOOP_TYPES.has(node.type);
    const sw = inSwitch || node.type === 'switch_statement';
    for (const c of node.namedChildren) if (c) visit(c, loop, sw);
  };
  visit(statement, false, false);
  return found;
}

/**
 * One walk over a handler for everything that makes it accountable short of rethrowing: it classifies,
 * discriminates by type (C02's business), or asserts (tests). Same answers as the three functions apart.
 */
export function handlerInspects(handler: Node, isClassifier: (calleeLastSegment: string, call: Node) => boolean): boolean {
  let found = false;
  walkTree(handler, (node) => {
    if (found) return false;
    switch (node.type) {
      case 'call_expression': {
        const name = calleeName(node);
        if (isClassifier(lastSegment(name), node) || ASSERTION_CALLEE.test(name)) found = true;
        break;
      }
      case 'identifier':
      case 'property_identifier':
      case 'type_identifier':
        if (FAILURE_CLASS_IDENTIFIERS.has(node.text)) found = true;
        break;
      case 'member_expression': {
        const text = node.text.replace(/\s+/g, '').replace(/\?\./g, '.');
        if (text === 'WebAssembly.Exception' || text.endsWith('.constructor.name')) found = true;
        break;
      }
      case 'regex_pattern':
        if (WASM_FAILURE_WORDS.test(node.text)) found = true;
        break;
      case 'string_fragment':
        if (WASM_FAILURE_WORDS.test(node.text) && node.parent && isComparedString(node.parent)) found = true;
        break;
      case 'if_statement':
      case 'ternary_expression':
        if (discriminates(node)) found = true;
        break;
    }
    return !found;
  });
  return found;
}

function discriminates(node: Node): boolean {
  const condition = node.childForFieldName('condition');
  if (!condition || !/\binstanceof\b/.test(condition.text) || !/\bthrow\b|\breject\s*\(/.test(node.text)) return false;
  // `e instanceof TypeError ? fallback : Promise.reject(e)`: a ternary's branch rejects instead of throwing.
  return [node.childForFieldName('consequence'), node.childForFieldName('alternative')].some((b) => b !== null && (containsThrow(b) || isTerminatingExpression(b)));
}

/** The handler asserts on the failure (test code: `expect(e)…`, `assert.match(e.message, …)`). */
export function handlerAsserts(handler: Node): boolean {
  let found = false;
  walkTree(handler, (node) => {
    if (found) return false;
    if (node.type === 'call_expression' && ASSERTION_CALLEE.test(calleeName(node))) found = true;
    return !found;
  });
  return found;
}

/** Where the handler stores the caught error: `caught = e`, `this.error = err`, `errors.push(e)`. */
export function storedErrorTargets(handler: Node, param: string): string[] {
  const out: string[] = [];
  walkTree(handler, (node) => {
    if (node.type === 'assignment_expression') {
      const right = node.childForFieldName('right');
      const left = node.childForFieldName('left');
      if (right?.type === 'identifier' && right.text === param && left) out.push(left.text.replace(/\s+/g, ''));
    } else if (node.type === 'call_expression') {
      const fn = node.childForFieldName('function');
      const args = node.childForFieldName('arguments')?.namedChildren ?? [];
      if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'push' && args.some((a) => a.type === 'identifier' && a.text === param)) {
        const target = fn.childForFieldName('object');
        if (target) out.push(target.text.replace(/\s+/g, ''));
      }
    }
    return true;
  });
  return out;
}

/**
 * The handler throws or not depending on an `instanceof` test (`if (e instanceof Error) … else throw e`):
 * an attempt to tell failure classes apart, which catch-misclassifies (WBG-C02) judges.
 */
export function handlerDiscriminatesByType(handler: Node): boolean {
  let found = false;
  walkTree(handler, (node) => {
    if (found) return false;
    if ((node.type === 'if_statement' || node.type === 'ternary_expression') && discriminates(node)) found = true;
    return !found;
  });
  return found;
}

function containsThrow(node: Node): boolean {
  let found = false;
  walkTree(node, (n) => {
    if (found || FUNCTION_LIKE.has(n.type)) return false;
    if (n.type === 'throw_statement') found = true;
    return !found;
  });
  return found;
}

const FUNCTION_LIKE = new Set(['arrow_function', 'function_expression', 'function', 'function_declaration', 'method_definition', 'class_declaration', 'class']);

/**
 * The handler's throws all replace the caught error with a new one that does not carry it
 * (`throw new Error('parse failed')`, `throw new AppError(`…${e}`)`): the failure class is lost, so code
 * further up cannot tell an abort from an ordinary failure. Returns the first such `throw`, undefined when
 * some throw passes the original on (`throw e`, `new X(e)`, `{ cause: e }`) or there is no throw.
 */
export function handlerWrapsWithoutOriginal(body: Node, param: string | undefined): Node | undefined {
  if (body.type !== 'statement_block') return undefined;
  const throws: Node[] = [];
  walkTree(body, (n) => {
    if (FUNCTION_LIKE.has(n.type)) return false;
    if (n.type === 'throw_statement') throws.push(n);
    return true;
  });
  if (throws.length === 0) return undefined;
  for (const t of throws) {
    let value = t.namedChild(0);
    while (value && (value.type === 'parenthesized_expression' || value.type === 'await_expression')) value = value.namedChild(0);
    if (!value) return undefined;
    // `throw String(e)`, `` throw `failed: ${e}` ``, `throw e.message`: a string keeps neither class nor stack.
    if (isStringOfError(value, param)) continue;
    if (value.type !== 'new_expression' && value.type !== 'call_expression') return undefined;
    const callee = value.childForFieldName(value.type === 'new_expression' ? 'constructor' : 'function');
    // `throw wrap(e)`, `throw toJsError(e)`: helpers of unknown behaviour; only constructors and `Error(..)` count.
    if (value.type === 'call_expression' && !/Error$/.test(callee?.text ?? '')) return undefined;
    const args = value.childForFieldName('arguments')?.namedChildren ?? [];
    if (param !== undefined && args.some((a) => carriesOriginal(a, param))) return undefined;
  }
  return throws[0];
}

/** `e as Error`, `e!`, `(e)`, `e satisfies Error`: the same value. */
function withoutTypeWrappers(node: Node): Node {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' || n.type === 'as_expression' || n.type === 'satisfies_expression' || n.type === 'non_null_expression') {
      const inner = n.namedChild(0);
      if (!inner) return n;
      n = inner;
    } else {
      return n;
    }
  }
}

/** A string made from the caught error: `String(e)`, a template or `+` mentioning it, `e.message`, `e.toString()`. */
function isStringOfError(value: Node, param: string | undefined): boolean {
  if (param === undefined) return false;
  const mentions = (n: Node): boolean => new RegExp(`(^|[^\\w$.])${param.replace(/\$/g, '\\$')}(?![\\w$])`).test(n.text);
  switch (value.type) {
    case 'call_expression': {
      const fn = value.childForFieldName('function');
      const args = value.childForFieldName('arguments')?.namedChildren ?? [];
      if (fn?.text === 'String') return args.length === 1 && withoutTypeWrappers(args[0]).text === param;
      // `e.toString()`
      return fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'toString' && args.length === 0 &&
        withoutTypeWrappers(fn.childForFieldName('object') ?? fn).text === param;
    }
    case 'template_string':
      return mentions(value);
    case 'binary_expression':
      return value.childForFieldName('operator')?.type === '+' && mentions(value);
    case 'member_expression':
      return value.childForFieldName('property')?.text === 'message' && withoutTypeWrappers(value.childForFieldName('object') ?? value).text === param;
    default:
      return false;
  }
}

/** The argument is the caught error itself, or an options object holding it (`{ cause: e }`, `{ cause }`). */
function carriesOriginal(arg: Node, param: string): boolean {
  const a = withoutTypeWrappers(arg);
  if (a.type === 'identifier') return a.text === param;
  if (a.type !== 'object') return false;
  return a.namedChildren.some((p) => {
    if (p.type === 'shorthand_property_identifier') return p.text === param;
    const v = p.type === 'pair' ? p.childForFieldName('value') : null;
    return v !== null && withoutTypeWrappers(v).type === 'identifier' && withoutTypeWrappers(v).text === param;
  });
}
