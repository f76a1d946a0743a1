// borrow-held-across-js-call (catalog R01, reentrancy): a RefCell/Mutex/RwLock guard on shared state
// (thread_local/static cells, `Rc<RefCell<_>>` shared with closures, interior-mutable fields of exported
// structs) is alive while Rust calls something that synchronously runs JS, or while the future is
// suspended at an `.await`. JS that calls back into any export touching the same state finds it
// borrowed: `RefCell already borrowed` (a `PanicError` under panic=unwind; a trap that leaves the
// outer borrow stuck forever under panic=abort). A shared borrow (read lock) of a global cell that no
// code of the crate borrows mutably (write-locks) is not reported: shared borrows coexist, so no
// re-entrant call can fail on it (rust/exclusive-access.ts).
// Documented in docs/rules/borrow-held-across-js-call.md; cases in test-fixtures/rust/borrow-held-across-js-call.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation } from '../../model';
import {
  asMethodCall, borrowScopesIn, GUARD_CALL, enclosingBlock, enclosingStatement, identifiersIn, indentationAt, isHeldAt, jsCallPointOf, macroArgumentJsCalls,
  parentOf, returnsResultOfJsError, runsSynchronouslyWithin, rustEnv, stateResolverFor, suspendedContextOf, typedJsCallPointOf, yieldPointRange,
  type BorrowScope, type JsCallPoint, type RustEnv, type StateResolver,
  isWasmBindgenCode,
} from '../../rust/index';
import { heldObjectBorrows, isOwnedFieldOf } from '../../rust/object-reentry';
import { mayBeBorrowedMutably } from '../../rust/exclusive-access';
import type { BuildMode } from '../../workspace/types';

export default defineRule({
  id: 'borrow-held-across-js-call',
  catalogId: 'R01',
  family: 'reentrancy',
  side: 'rust',
  defaultSeverity: 'error',
  summary: 'a RefCell/Mutex guard on shared state is held across a call into JS or an `.await`',
  fix: 'unsafe',
  docs: 'docs/rules/borrow-held-across-js-call.md',
  options: { indirectJsCalls: { type: 'boolean', default: false, description: 'Also count calls that run JS only in special cases (Reflect::get getters, JSON::stringify, DOM tree mutations, js_sys::Array callbacks).' } },
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): every finding needs a guard acquired in this function (state.ts GUARD_CALL).
  textGate: [GUARD_CALL],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (!node.childForFieldName('body') || env.tests.isTestCode(node)) return;
    // A crate that does not use wasm-bindgen (a native CLI in the same workspace) calls no JS.
    if (!isWasmBindgenCode(env)) return;
    // Guards acquired with `try_*` and handled (`?`, `if let Ok`, `match`) are the documented remedy.
    // Shared borrows of a global cell nothing in the crate borrows mutably cannot conflict with anything.
    const scopes = borrowScopesIn(node, env).filter((s) => s.acquisition.handling !== 'graceful' &&
      (s.acquisition.mode !== 'shared' || mayBeBorrowedMutably(s.acquisition.origin, env.index)));
    if (scopes.length === 0) return;
    const resolver = stateResolverFor(env, node);
    if (!resolver) return;
    const facts = env.facts(node);
    const includeIndirect = ctx.options.indirectJsCalls === true;
    const exclusiveSelf = heldObjectBorrows(node, env).find((b) => b.kind === 'receiver' && b.mode === 'mutable');

    // Awaits first: `js_async_fn().await` under a guard is reported once, at the `.await`.
    const reportedAwaits = new Set<number>();
    for (const awaitNode of facts.awaits) {
      const suspended = suspendedContextOf(awaitNode);
      const scope = pickScope(scopes, (s) => suspended !== null && suspended.id === s.context.id && s.start < awaitNode.endIndex && awaitNode.endIndex <= s.end);
      if (!scope) continue;
      reportedAwaits.add(awaitNode.id);
      if (exclusiveSelf?.acrossAwaits && suspended?.id === node.id && isOwnedFieldOf(scope.acquisition.origin, exclusiveSelf)) continue;
      report(ctx, env, resolver, scope, { kind: 'await', node: awaitNode });
    }
    for (const call of facts.calls) {
      // Method imports with common names (`emit`, `update`) count when the receiver is declared with the import's type.
      const js = jsCallPointOf(call, env, resolver) ?? typedJsCallPointOf(call, env, resolver);
      if (!js || (js.certainty === 'indirect' && !includeIndirect)) continue;
      const callParent = parentOf(call);
      if (callParent?.type === 'await_expression' && reportedAwaits.has(callParent.id)) continue;
      const scope = pickScope(scopes, (s) => isHeldAt(s, call));
      if (!scope) continue;
      if (exclusiveSelf && isOwnedFieldOf(scope.acquisition.origin, exclusiveSelf) && runsSynchronouslyWithin(call, node)) continue;
      report(ctx, env, resolver, scope, { kind: 'call', node: call, js });
    }
    // Calls written in `format!`/`vec!` arguments (unparsed tokens).
    for (const macro of facts.macros) {
      for (const js of macroArgumentJsCalls(macro, env)) {
        if (js.certainty === 'indirect' && !includeIndirect) continue;
        const scope = pickScope(scopes, (s) => isHeldAt(s, js.node));
        if (!scope) continue;
        if (exclusiveSelf && isOwnedFieldOf(scope.acquisition.origin, exclusiveSelf) && runsSynchronouslyWithin(js.node, node)) continue;
        report(ctx, env, resolver, scope, { kind: 'call', node: js.node, js });
      }
    }
  },
});

type Point = { readonly kind: 'call'; readonly node: Node; readonly js: JsCallPoint } | { readonly kind: 'await'; readonly node: Node };


/** Prefer exclusive guards, then the innermost (latest) one. */
function pickScope(scopes: readonly BorrowScope[], holds: (s: BorrowScope) => boolean): BorrowScope | undefined {
  let best: BorrowScope | undefined;
  for (const s of scopes) {
    if (!holds(s)) continue;
    if (!best) best = s;
    else if (s.acquisition.mode === 'mutable' && best.acquisition.mode !== 'mutable') best = s;
    else if (s.acquisition.mode === best.acquisition.mode && s.start > best.start) best = s;
  }
  return best;
}

function report(ctx: RuleContext, env: RustEnv, resolver: StateResolver, scope: BorrowScope, point: Point): void {
  const acq = scope.acquisition;
  const state = `\`${acq.origin.name}\``;
  const exclusive = acq.mode === 'mutable';
  const verb = acq.primitive === 'Mutex' ? 'locked' : acq.primitive === 'RwLock' ? (exclusive ? 'write-locked' : 'read-locked') : exclusive ? 'mutably borrowed' : 'borrowed';
  const guard = scope.guardName ? ` (guard \`${scope.guardName}\`)` : scope.kind === 'temporary' ? ' (temporary guard)' : '';
  const conflict = conflictText(acq.primitive, exclusive);
  const reenter = exclusive ? `an export that touches ${state}` : `an export that ${acq.primitive === 'RefCell' ? 'mutably borrows' : 'write-locks'} ${state}`;
  const mode = env.buildMode;
  let message: string;
  let range: { start: number; end: number };
  if (point.kind === 'call') {
    range = { start: point.node.startIndex, end: point.node.endIndex };
    // `indirect` calls (opt-in) run JS only in special cases: a getter/setter, a proxy, `toJSON`, a custom element.
    const runs = point.js.certainty === 'indirect' ? 'which can run JS (an accessor, a proxy, `toJSON` or a custom element)' : 'which runs JS';
    message = `${state} is ${verb}${guard} across \`${point.js.display}\`, ${runs}; if JS calls back into ${reenter}, ${consequenceOfCallback(conflictMode(mode, acq.primitive), conflict, state)}`;
  } else {
    range = yieldPointRange(point.node);
    // A local `Rc` cell is reachable only by the closures and tasks it was cloned into (a second click
    // spawning the same task), not by an export directly.
    const waiter = acq.origin.kind === 'shared_local'
      ? `any other callback or task that ${exclusive ? 'borrows' : acq.primitive === 'RefCell' ? 'mutably borrows' : 'write-locks'} ${state}`
      : `any call into ${reenter}`;
    message = `${state} is ${verb}${guard} across \`.await\`; ${waiter} while this future is pending ${consequenceOfAwait(conflictMode(mode, acq.primitive), conflict)}`;
  }
  const related: RelatedLocation[] = [
    {
      path: env.path,
      range: { start: acq.call.startIndex, end: acq.call.endIndex },
      message: scope.guardName ? `guard \`${scope.guardName}\` on ${state} taken here` : `${state} ${verb} here`,
    },
  ];
  if (acq.origin.declaration) related.push({ path: acq.origin.declaration.path, range: acq.origin.declaration.range, message: `${state} declared here` });
  ctx.report({
    range,
    message,
    severity: exclusive && !(point.kind === 'call' && point.js.certainty === 'indirect') ? undefined : 'warning',
    related,
    fixes: () => fixesFor(env, resolver, scope, point),
  });
}

function conflictText(primitive: BorrowScope['acquisition']['primitive'], exclusive: boolean): string {
  if (primitive === 'Mutex') return '`cannot recursively acquire mutex`';
  // std's RwLock without threads (wasm32 without atomics) aborts on a conflicting lock rather than panicking.
  if (primitive === 'RwLock') return exclusive ? '`rwlock locked for writing`' : '`rwlock locked for reading`';
  return exclusive ? '`RefCell already borrowed`' : '`RefCell already borrowed` (`BorrowMutError`)';
}

/**
 * The build mode as the conflict plays out: a RwLock conflict is a hard abort (`rtabort!` in std's
 * single-threaded RwLock), which a panic=unwind build cannot catch either: it terminates the instance.
 */
function conflictMode(mode: BuildMode, primitive: BorrowScope['acquisition']['primitive']): BuildMode {
  return primitive === 'RwLock' && mode === 'unwind' ? 'abort+handler' : mode;
}

function consequenceOfCallback(mode: BuildMode, conflict: string, state: string): string {
  switch (mode) {
    case 'unwind':
      return `that call fails with a \`PanicError\` (${conflict})`;
    case 'abort+handler':
      return `that call traps on ${conflict} and the instance is terminated (\`Module terminated\` on every later call)`;
    default:
      return `that call traps on ${conflict}, and since a trap runs no destructors ${state} stays borrowed, so every later call that touches it fails too`;
  }
}

function consequenceOfAwait(mode: BuildMode, conflict: string): string {
  switch (mode) {
    case 'unwind':
      return `fails with a \`PanicError\` (${conflict})`;
    case 'abort+handler':
      return `traps on ${conflict} and terminates the instance`;
    default:
      return `traps on ${conflict} (a \`RuntimeError\` in JS) and leaves whatever that call had borrowed stuck`;
  }
}

// ---- fixes -----------------------------------------------------------------------------------------

function fixesFor(env: RustEnv, resolver: StateResolver, scope: BorrowScope, point: Point): Fix[] {
  const fixes: Fix[] = [];
  const move = point.kind === 'call' ? moveCallAfterClosure(env, resolver, scope, point.node) : undefined;
  if (move) fixes.push(move);
  const drop = dropGuardBefore(env, scope, point.node);
  if (drop) fixes.push(drop);
  const tryBorrow = tryBorrowInstead(scope);
  if (tryBorrow) fixes.push(tryBorrow);
  return fixes;
}

/**
 * (1) The JS call is the last statement of a `with_borrow_mut` closure and uses nothing bound inside the
 * closure: move it after the statement that calls `with_borrow_mut`, where the guard is gone.
 */
function moveCallAfterClosure(env: RustEnv, resolver: StateResolver, scope: BorrowScope, call: Node): Fix | undefined {
  if (scope.kind !== 'closure') return undefined;
  const closure = scope.holder;
  const body = closure.childForFieldName('body');
  const outer = parentOf(scope.acquisition.call);
  if (!body || body.type !== 'block' || outer?.type !== 'expression_statement' || !outer.text.trimEnd().endsWith(';')) return undefined;
  const located = enclosingStatement(call);
  if (!located || located.block.id !== body.id) return undefined;
  const statement = located.statement;
  const expression = statement.type === 'expression_statement' ? statement.namedChild(0) : statement;
  if (!expression || expression.id !== call.id) return undefined;
  const last = lastCodeChild(body);
  if (!last || last.id !== statement.id) return undefined;
  for (const name of identifiersIn(statement)) {
    const b = resolver.bindings.lookup(name, call.startIndex);
    if (b && b.binder.startIndex >= closure.startIndex && b.binder.endIndex <= closure.endIndex) return undefined;
  }
  const previous = statement.previousSibling;
  const removeFrom = previous && previous.type !== '{' ? previous.endIndex : statement.startIndex;
  const callText = call.text;
  const indent = indentationAt(env.text, outer.startIndex);
  return {
    title: `Call \`${shortName(callText)}\` after the borrow of \`${scope.acquisition.origin.name}\` ends`,
    safety: 'unsafe',
    edits: [
      { range: { start: removeFrom, end: statement.endIndex }, newText: '' },
      { range: { start: outer.endIndex, end: outer.endIndex }, newText: `\n${indent}${callText};` },
    ],
  };
}

/**
 * (2) A `let` guard not used from the JS call on: `drop(g);` right before the statement that calls JS.
 * When the guard is already dropped later (`drop(g)` after the call), that `drop` moves up instead.
 */
function dropGuardBefore(env: RustEnv, scope: BorrowScope, point: Node): Fix | undefined {
  if (scope.kind !== 'let' || !scope.guardName) return undefined;
  const letNode = scope.holder;
  const value = letNode.childForFieldName('value');
  // `let items = &X.borrow().items` holds a reference, not the guard: dropping it releases nothing.
  if (!value || value.type === 'reference_expression') return undefined;
  const block = enclosingBlock(letNode);
  const located = enclosingStatement(point);
  if (!block || !located || located.block.id !== block.id) return undefined;
  const statement = located.statement;
  // Names that borrow from the guard keep it alive for the borrow checker.
  const tied = [scope.guardName];
  for (let s = letNode.nextNamedSibling; s && s.startIndex < statement.startIndex; s = s.nextNamedSibling) {
    if (s.type !== 'let_declaration') continue;
    const v = s.childForFieldName('value');
    const p = s.childForFieldName('pattern');
    if (!v || !p) continue;
    const used = identifiersIn(v);
    if (tied.some((t) => used.has(t))) tied.push(...identifiersIn(p));
  }
  // An existing `drop(g);` statement of this block (the scope's end) is moved, not duplicated.
  const existing = scope.dropCall ? enclosingStatement(scope.dropCall) : undefined;
  const dropStatement = existing && existing.block.id === block.id && existing.statement.type === 'expression_statement' &&
    existing.statement.namedChild(0)?.id === scope.dropCall!.id ? existing.statement : undefined;
  if (scope.dropCall && !dropStatement) return undefined;
  // Identifiers (not text: comments may name the guard) from the statement to the end of the block.
  for (let s: Node | null = statement; s; s = s.nextNamedSibling) {
    if (dropStatement && s.id === dropStatement.id) continue;
    const used = identifiersIn(s);
    if (tied.some((t) => used.has(t))) return undefined;
  }
  const indent = indentationAt(env.text, statement.startIndex);
  const insert = { range: { start: statement.startIndex, end: statement.startIndex }, newText: `drop(${scope.guardName});\n${indent}` };
  if (!dropStatement) {
    return { title: `Drop \`${scope.guardName}\` before the call`, safety: 'unsafe', edits: [insert] };
  }
  // Remove the old statement with the whitespace (and line break) in front of it.
  const lineStart = env.text.lastIndexOf('\n', dropStatement.startIndex - 1);
  const onlyIndent = /^[ \t]*$/.test(env.text.slice(lineStart + 1, dropStatement.startIndex));
  const removeFrom = onlyIndent && lineStart >= 0 ? lineStart : dropStatement.startIndex;
  return {
    title: `Move \`drop(${scope.guardName})\` before the call`,
    safety: 'unsafe',
    edits: [insert, { range: { start: removeFrom, end: dropStatement.endIndex }, newText: '' }],
  };
}

/**
 * (3) In a function returning `Result<_, JsError>` (or `Result<_, JsValue>`): `try_borrow_mut()` and return
 * an error on re-entrant use.
 */
function tryBorrowInstead(scope: BorrowScope): Fix | undefined {
  const acq = scope.acquisition;
  if (acq.primitive !== 'RefCell' || (acq.method !== 'borrow_mut' && acq.method !== 'borrow')) return undefined;
  const fn = parentOf(acq.call) ? enclosingFunctionOf(acq.call) : null;
  const returnType = fn?.childForFieldName('return_type')?.text;
  if (!fn || !returnType) return undefined;
  const error = returnsResultOfJsError(returnType) ? 'JsError::new("reentrant call")' : returnsResultOfJsValue(returnType) ? 'JsValue::from_str("reentrant call")' : undefined;
  if (!error) return undefined;
  // `?` must return from the function itself, not from a closure around the borrow.
  for (let n = parentOf(acq.call); n && n.id !== fn.id; n = parentOf(n)) if (n.type === 'closure_expression' || n.type === 'async_block') return undefined;
  const m = asMethodCall(acq.call);
  if (!m) return undefined;
  const tryMethod = acq.method === 'borrow_mut' ? 'try_borrow_mut' : 'try_borrow';
  const errorType = error.startsWith('JsError') ? 'JsError' : 'JsValue';
  return {
    title: `Use \`${tryMethod}\` and return a \`${errorType}\` when \`${acq.origin.name}\` is already borrowed`,
    safety: 'unsafe',
    edits: [{ range: { start: m.methodNode.startIndex, end: acq.call.endIndex }, newText: `${tryMethod}().map_err(|_| ${error})?` }],
  };
}

/** `Result<T, JsValue>` (any path to JsValue). */
function returnsResultOfJsValue(returnType: string): boolean {
  const t = returnType.replace(/\s+/g, '');
  return /^(?:std::result::|core::result::)?Result<.*,(?:[\w:]*::)?JsValue>$/.test(t);
}

function enclosingFunctionOf(node: Node): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === 'function_item') return n;
  return null;
}

function lastCodeChild(block: Node): Node | null {
  for (let i = block.namedChildCount - 1; i >= 0; i--) {
    const c = block.namedChild(i);
    if (c && c.type !== 'line_comment' && c.type !== 'block_comment') return c;
  }
  return null;
}

function shortName(callText: string): string {
  const head = callText.replace(/\s+/g, ' ');
  const paren = head.indexOf('(');
  return (paren > 0 ? head.slice(0, paren) : head) + '(..)';
}

