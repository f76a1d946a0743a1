// global-state-torn-by-panic (catalog U01, unwind-safety): inside an export (or a closure/future handed
// to JS), shared state — a static, `thread_local!`/`lazy_static!` cell, an interior-mutable field of an
// exported struct, an `Rc<RefCell<_>>` — is modified, then something can panic, then it is modified
// again. Under panic=unwind the export catches the panic, drops the guard, and every later call sees
// the half-applied update (PR #5128 never checks globals). Abort builds are U09's business: silent here.
// Documented in docs/rules/global-state-torn-by-panic.md; cases in test-fixtures/rust/global-state-torn-by-panic.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation } from '../../model';
import {
  asMethodCall, asPathCall, callbackKindOf, enclosingFunction, executionContextOf, exportOfFunction, hasExportAttributes,
  inExclusiveBranches, MUTATING_METHODS, mutationsIn, panicPointsIn, returnsResultOfJsError, runsSynchronouslyWithin, rustEnv,
  parentOf, stateResolverFor, unitBody, type Mutation, type PanicPoint, type RustEnv,
} from '../../rust/index';
import { unwrapsAcquisition } from '../../rust/tear-points';

export default defineRule({
  id: 'global-state-torn-by-panic',
  catalogId: 'U01',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'shared state is modified, then a panic point, then modified again inside an export (panic=unwind)',
  fix: 'unsafe',
  docs: 'docs/rules/global-state-torn-by-panic.md',
  nodeTypes: ['function_item', 'closure_expression', 'async_block'],
  // Text gate (Rule.textGate): only code JS enters is judged: an export is recognised from its own attributes (`wasm_bindgen`, `#[event]`, `durable_object`: rust-summary.ts, units.ts), or a closure/future handed to JS (callbackKindOf).
  textGate: ['wasm_bindgen', 'event', 'durable_object', 'Closure', 'spawn_local', 'future_to_promise'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (env.buildMode !== 'unwind') return;
    if (!isUnit(node, env) || env.tests.isTestCode(node)) return;
    const body = unitBody(node);
    const fn = enclosingFunction(node);
    const resolver = stateResolverFor(env, node);
    if (!body || !fn || !resolver) return;
    if (hasRestoringGuard(body, env)) return;
    const facts = env.facts(fn);
    const inUnit = (n: Node) => runsSynchronouslyWithin(n, node);
    const mutations = mutationsIn(facts, body.startIndex, body.endIndex, resolver).filter((m) => inUnit(m.node));
    if (mutations.length < 2) return;
    // `.lock().unwrap()` / `.try_borrow_mut().unwrap()` panic only on poisoning or re-entry: U02's and R01's business.
    const panics = panicPointsIn(facts, body.startIndex, body.endIndex, env, { resolver, skipBoundsChecked: true })
      .filter((p) => inUnit(p.node) && !unwrapsAcquisition(p, resolver));
    if (panics.length === 0) return;

    const byOrigin = new Map<string, Mutation[]>();
    for (const m of mutations) {
      const list = byOrigin.get(m.origin.key);
      if (list) list.push(m);
      else byOrigin.set(m.origin.key, [m]);
    }
    const reported = new Set<number>();
    for (const list of byOrigin.values()) {
      if (list.length < 2) continue;
      const torn = tornWindows(list, panics);
      const first = torn.find((t) => !reported.has(t.panic.node.id));
      if (!first) continue;
      reported.add(first.panic.node.id);
      report(ctx, env, first, torn.length - 1);
    }
  },
});


interface TornWindow {
  readonly before: Mutation;
  readonly panic: PanicPoint;
  readonly after: Mutation;
}

/** Units of execution entered from JS: exports, and closures/futures handed to JS (not `*_aborting` ones). */
function isUnit(node: Node, env: RustEnv): boolean {
  if (node.type === 'function_item') return exportOfFunction(node, env) !== undefined || hasExportAttributes(node);
  const kind = callbackKindOf(node);
  return kind === 'closure' || kind === 'spawn_local' || kind === 'future_to_promise';
}

/** Panic points with a completed mutation of the same state before them and one still to come after them. */
function tornWindows(mutations: readonly Mutation[], panics: readonly PanicPoint[]): TornWindow[] {
  const out: TornWindow[] = [];
  for (const panic of panics) {
    const before = mutations.find((m) => m.effect <= panic.position && !inExclusiveBranches(m.node, panic.node));
    if (!before) continue;
    const after = mutations.find((m) => m.effect > panic.position && m !== before && !inExclusiveBranches(m.node, panic.node) &&
      !inExclusiveBranches(m.node, before.node) && !leavesBefore(panic.node, m.node));
    if (!after) continue;
    out.push({ before, panic, after });
  }
  return out;
}

/**
 * True when every path from `from` leaves its block (`return`, `break`, `continue`, a panic) before it
 * could reach `to`: a block around `from` that does not contain `to` ends in a diverging statement.
 */
function leavesBefore(from: Node, to: Node): boolean {
  for (let n = parentOf(from); n; n = parentOf(n)) {
    if (n.startIndex <= to.startIndex && to.endIndex <= n.endIndex) return false;
    if (n.type !== 'block') continue;
    const last = lastCodeChild(n);
    const expr = last?.type === 'expression_statement' ? last.namedChild(0) : last;
    if (!expr) continue;
    if (expr.type === 'return_expression' || expr.type === 'break_expression' || expr.type === 'continue_expression') return true;
    if (expr.type === 'macro_invocation' && /^(panic|unreachable|todo|unimplemented)!/.test(expr.text)) return true;
  }
  return false;
}

/**
 * A restoring guard makes the update atomic on unwind: `scopeguard::guard`/`defer!`, `catch_unwind`,
 * or a local bound to a guard-like value (`let _rollback = Rollback::new(..)`).
 */
function hasRestoringGuard(body: Node, env: RustEnv): boolean {
  const text = env.text.slice(body.startIndex, body.endIndex);
  if (/\bscopeguard::|\bguard(_on_unwind|_on_success)?\s*\(|\bdefer!\s*[({[]|\bcatch_unwind\s*\(/.test(text)) return true;
  return /\blet\s+(mut\s+)?_?(guard|restore|restorer|rollback|undo|txn|transaction)\w*\s*(:[^=]*)?=\s*[A-Z]\w*(::\w+)*\s*(::\s*new|\s*\{|\s*\()/i.test(text);
}

function report(ctx: RuleContext, env: RustEnv, torn: TornWindow, more: number): void {
  const { before, panic, after } = torn;
  const state = `\`${before.origin.name}\``;
  const afterText = after.node.id === panic.node.id || contains(after.node, panic.node) ? `\`${after.display}\` completes` : `\`${after.display}\``;
  const what = panic.failure === 'panic' ? 'can panic' : panic.failure === 'throw' ? 'can throw a JS exception' : 'can throw a JS exception (non-`catch` import)';
  const consequence = panic.failure === 'panic'
    ? `the caller gets a \`PanicError\` now and every later call sees a half-updated ${state}`
    : `the exception unwinds out of the export and every later call sees a half-updated ${state}`;
  const moreText = more > 0 ? ` (${more} more panic point${more > 1 ? 's' : ''} in the same window)` : '';
  const message = `\`${panic.display}\` ${what} after ${state} was modified (\`${before.display}\`) and before ${afterText}; under panic=unwind ${consequence}${moreText}`;
  const related: RelatedLocation[] = [
    { path: env.path, range: { start: before.node.startIndex, end: before.node.endIndex }, message: `${state} modified here first` },
    { path: env.path, range: { start: after.node.startIndex, end: after.node.endIndex }, message: `this update of ${state} is skipped when the panic happens` },
  ];
  if (before.origin.declaration) related.push({ path: before.origin.declaration.path, range: before.origin.declaration.range, message: `${state} declared here` });
  ctx.report({ node: panic.node, message, related, fixes: () => fixesFor(panic) });
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

// ---- fixes -----------------------------------------------------------------------------------------

/**
 * When `?` can return a `JsError` from where the panic point is (the export returns `Result<_, JsError>`,
 * or the point is in the closure whose `Ok(..)` the export returns): `X[I]` → `X.get_mut(I)…?`,
 * `.unwrap()`/`.expect(m)` → `.ok_or_else(..)?` / `.map_err(..)?`.
 */
function fixesFor(panic: PanicPoint): Fix[] {
  if (!questionMarkReturnsJsError(panic.node)) return [];
  if (panic.kind === 'index') {
    const fix = indexFix(panic.node);
    return fix ? [fix] : [];
  }
  if (panic.kind === 'unwrap') {
    const fix = unwrapFix(panic.node);
    return fix ? [fix] : [];
  }
  return [];
}

function questionMarkReturnsJsError(node: Node): boolean {
  const context = executionContextOf(node);
  if (!context) return false;
  if (context.type === 'function_item') return returnsResultOfJsError(context.childForFieldName('return_type')?.text);
  if (context.type !== 'closure_expression') return false;
  // `X.with_borrow_mut(|l| { …; Ok(()) })` as the export's tail expression: the closure returns the export's Result.
  const body = context.childForFieldName('body');
  const tail = body?.type === 'block' ? lastCodeChild(body) : null;
  if (!tail || tail.type === 'expression_statement' || !/^Ok\s*\(/.test(tail.text)) return false;
  const args = parentOf(context);
  const call = args?.type === 'arguments' ? parentOf(args) : null;
  const fnBody = call ? parentOf(call) : null;
  const fn = fnBody ? parentOf(fnBody) : null;
  if (!call || fnBody?.type !== 'block' || fn?.type !== 'function_item' || lastCodeChild(fnBody)?.id !== call.id) return false;
  return returnsResultOfJsError(fn.childForFieldName('return_type')?.text);
}

function indexFix(index: Node): Fix | undefined {
  const base = index.namedChild(0);
  const key = index.namedChild(1);
  if (!base || !key) return undefined;
  const mutable = isWrittenPlace(index);
  const method = mutable ? 'get_mut' : 'get';
  const parent = parentOf(index);
  const autoDeref = parent !== null && (
    (parent.type === 'field_expression' && parent.childForFieldName('value')?.id === index.id) ||
    (parent.type === 'index_expression' && parent.namedChild(0)?.id === index.id));
  const access = `${base.text}.${method}(${key.text}).ok_or_else(|| JsError::new("index out of range"))?`;
  return {
    title: `Return a \`JsError\` instead of panicking when the index is out of range (\`.${method}(..)\`)`,
    safety: 'unsafe',
    edits: [{ range: { start: index.startIndex, end: index.endIndex }, newText: autoDeref ? access : `*${access}` }],
  };
}

/** The index expression is (part of) a place being written: assignment target, `&mut`, mutating receiver. */
function isWrittenPlace(index: Node): boolean {
  let child: Node = index;
  for (let n = parentOf(index); n; child = n, n = parentOf(n)) {
    if (n.type === 'field_expression' || n.type === 'index_expression') {
      if (n.namedChild(0)?.id !== child.id && n.childForFieldName('value')?.id !== child.id) return false;
      continue;
    }
    if (n.type === 'assignment_expression' || n.type === 'compound_assignment_expr') return n.childForFieldName('left')?.id === child.id;
    if (n.type === 'reference_expression') return n.children.some((c) => c.type === 'mutable_specifier');
    if (n.type === 'call_expression') {
      const m = asMethodCall(n);
      return m !== undefined && m.receiver.id === child.id && (MUTATING_METHODS.has(m.method) || /_mut$/.test(m.method));
    }
    return false;
  }
  return false;
}

const OPTION_PRODUCERS = new Set([
  'get', 'get_mut', 'first', 'last', 'first_mut', 'last_mut', 'pop', 'pop_front', 'pop_back', 'find', 'find_map', 'next', 'nth',
  'peek', 'position', 'rposition', 'max', 'min', 'max_by', 'min_by', 'max_by_key', 'min_by_key', 'checked_add', 'checked_sub',
  'checked_mul', 'checked_div', 'checked_rem', 'checked_pow', 'strip_prefix', 'strip_suffix', 'take', 'last_key_value',
  'first_key_value', 'split_once', 'rsplit_once', 'char_indices', 'to_digit', 'from_u32', 'as_string', 'as_f64', 'dyn_ref',
]);
const RESULT_PRODUCERS = new Set([
  'parse', 'try_into', 'try_from', 'from_str', 'from_value', 'to_value', 'from_utf8', 'dyn_into', 'from_slice', 'from_reader',
  'try_borrow', 'try_borrow_mut', 'serialize', 'deserialize', 'decode', 'encode', 'read_to_string', 'lock', 'write', 'read',
]);

function unwrapFix(call: Node): Fix | undefined {
  const m = asMethodCall(call);
  if (!m || (m.method !== 'unwrap' && m.method !== 'expect')) return undefined;
  const producer = producerName(m.receiver);
  if (!producer) return undefined;
  const isOption = OPTION_PRODUCERS.has(producer);
  const isResult = RESULT_PRODUCERS.has(producer);
  if (isOption === isResult) return undefined;
  const messageArg = m.method === 'expect' ? m.args[0]?.text : undefined;
  const jsError = messageArg && /^"/.test(messageArg) ? `JsError::new(${messageArg})` : `JsError::new("${isOption ? 'missing value' : 'unexpected error'}")`;
  const replacement = isOption ? `ok_or_else(|| ${jsError})?` : `map_err(|_| ${jsError})?`;
  return {
    title: `Return a \`JsError\` instead of panicking (\`.${isOption ? 'ok_or_else' : 'map_err'}(..)?\`)`,
    safety: 'unsafe',
    edits: [{ range: { start: m.methodNode.startIndex, end: call.endIndex }, newText: replacement }],
  };
}

/** The method or function whose result is unwrapped: `v.get(i).unwrap()` → `get`, `s.parse::<u32>()` → `parse`. */
function producerName(receiver: Node): string | undefined {
  const m = asMethodCall(receiver);
  if (m) return m.method;
  const p = asPathCall(receiver);
  return p?.name;
}

function lastCodeChild(block: Node): Node | null {
  for (let i = block.namedChildCount - 1; i >= 0; i--) {
    const c = block.namedChild(i);
    if (c && c.type !== 'line_comment' && c.type !== 'block_comment') return c;
  }
  return null;
}
