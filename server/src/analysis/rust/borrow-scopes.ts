// BORROW_SCOPE (catalog §B2): the live ranges of guards on shared state inside one function —
// (a) `let g = X.borrow_mut()` (also `.lock().unwrap()`, `.write()`, `try_*` forms, `&mut *…`, `&X.borrow().f`)
//     from the end of the `let` to the end of its block, cut at `drop(g)`;
// (b) the closure body of `X.with_borrow_mut(|s| …)` / `with_borrow`;
// (c) temporaries: `X.borrow_mut().push(ARGS)` is live while ARGS run and until the temporary scope ends
//     (end of statement; through the arms of a `match`; through the body of `if let`);
// (d) guards bound by `if let Ok(g) = X.try_borrow_mut()` for the body (handled gracefully by definition).
// Each scope records its origin, mode, how the guard was acquired, and the execution context it is
// live in, so callers can ask which calls and awaits run while it is held.

import type { Node } from 'web-tree-sitter';
import type { RustEnv } from './env';
import { runsSynchronouslyWithin } from './js-calls';
import { mayAcquireGuard, stateResolverFor, WITH_BORROW_METHODS, type Acquisition, type Binding, type StateResolver } from './state';
import { asMethodCall, asPathCall, executionContextOf, temporaryScopeEnd, typeBaseName } from './syntax';
import { exportOfFunction } from './units';
import { parentOf } from './parents';

export type BorrowScopeKind = 'let' | 'closure' | 'temporary' | 'if-let';

export interface BorrowScope {
  readonly kind: BorrowScopeKind;
  readonly acquisition: Acquisition;
  /** The guard's name (`g`, the closure parameter `s`), when it has one. */
  readonly guardName?: string;
  readonly guardBinding?: Binding;
  /** Offsets: the guard is live from `start` to `end`. */
  readonly start: number;
  readonly end: number;
  /** The closure/async block/function whose execution holds the guard. */
  readonly context: Node;
  /** (a): the `let`; (b): the closure; (c): the statement-level node the temporary lives in. */
  readonly holder: Node;
  /** (a): the `drop(g)` that ends it early (one among the statements of the guard's own block). */
  readonly dropCall?: Node;
  /**
   * (a): where a `drop(g)` inside a nested block (`if early { drop(g); … }`) released it: from that drop
   * to the end of its block. The guard stays held after that block, on the paths that did not drop it.
   */
  readonly released?: readonly { readonly start: number; readonly end: number }[];
}

/** Every borrow scope over shared state in `fn` (a `function_item`; nested fn items excluded). */
export function borrowScopesIn(fn: Node, env: RustEnv): BorrowScope[] {
  return env.memo('borrow-scopes', fn, () => computeScopes(fn, env));
}

function computeScopes(fn: Node, env: RustEnv): BorrowScope[] {
  // Every scope starts at an acquisition (below): most functions have none to find.
  if (!mayAcquireGuard(fn.text)) return [];
  const resolver = stateResolverFor(env, fn);
  if (!resolver) return [];
  const facts = env.facts(fn);
  const scopes: BorrowScope[] = [];
  const consumed = new Set<number>();

  // (a), (b), (d): guards with names come from the bindings.
  for (const b of resolver.bindings.all()) {
    if (b.kind !== 'guard' || !b.acquisition) continue;
    const acq = b.acquisition;
    consumed.add(acq.call.id);
    if (b.binder.type === 'let_declaration') {
      const { drop, released } = dropsOf(b, facts.calls, resolver);
      scopes.push({
        kind: 'let', acquisition: acq, guardName: b.name, guardBinding: b, start: b.visibleFrom, end: drop ? drop.startIndex : b.visibleTo,
        context: executionContextOf(b.binder) ?? fn, holder: b.binder, dropCall: drop, ...(released.length > 0 ? { released } : {}),
      });
    } else if (b.binder.type === 'closure_expression') {
      scopes.push({ kind: 'closure', acquisition: acq, guardName: b.name, guardBinding: b, start: b.visibleFrom, end: b.visibleTo, context: b.binder, holder: b.binder });
    } else if (b.binder.type === 'let_condition') {
      scopes.push({ kind: 'if-let', acquisition: acq, guardName: b.name, guardBinding: b, start: b.visibleFrom, end: b.visibleTo, context: executionContextOf(b.binder) ?? fn, holder: b.binder });
    }
  }

  for (const call of facts.calls) {
    if (consumed.has(call.id)) continue;
    const acq = resolver.acquisitionAt(call);
    if (!acq) continue;
    if (acq.method in WITH_BORROW_METHODS) {
      // (b) without a named parameter (`|_|`) or with a function argument: the closure body still runs borrowed.
      const closure = asMethodCall(call)?.args[0];
      if (closure?.type === 'closure_expression') {
        const body = closure.childForFieldName('body');
        if (body) scopes.push({ kind: 'closure', acquisition: acq, start: body.startIndex, end: body.endIndex, context: closure, holder: closure });
      }
      continue;
    }
    // (c) a temporary guard; in an assignment target it is taken only after the assigned value is computed.
    scopes.push({
      kind: 'temporary', acquisition: acq, start: assignedValueEnd(call) ?? call.endIndex, end: temporaryScopeEnd(call),
      context: executionContextOf(call) ?? fn, holder: call,
    });
  }
  return scopes.sort((a, b) => a.start - b.start);
}

/**
 * When `node` is part of an assignment's target (`*X.borrow_mut() = value`, `X.borrow_mut().f += v`), the
 * end of the assigned value: Rust evaluates the value first, then the place.
 */
function assignedValueEnd(node: Node): number | undefined {
  let child = node;
  for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
    switch (n.type) {
      case 'field_expression':
      case 'index_expression':
      case 'unary_expression':
      case 'parenthesized_expression':
        if (n.namedChild(0)?.id !== child.id) return undefined;
        continue;
      case 'call_expression': {
        const m = asMethodCall(n);
        if (!m || m.receiver.id !== child.id) return undefined;
        continue;
      }
      case 'assignment_expression':
      case 'compound_assignment_expr': {
        if (n.childForFieldName('left')?.id !== child.id) return undefined;
        return n.childForFieldName('right')?.endIndex;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * The `drop(g)` / `mem::drop(g)` calls of a let-bound guard after it is bound: the first one that is a
 * statement of the guard's own block ends the scope on every path (`drop`); one inside a nested block
 * (a branch) releases it only until that block ends (`released`).
 */
function dropsOf(guard: Binding, calls: readonly Node[], resolver: StateResolver): { drop?: Node; released: { start: number; end: number }[] } {
  const released: { start: number; end: number }[] = [];
  const ownBlock = parentOf(guard.binder);
  for (const call of calls) {
    if (call.startIndex < guard.visibleFrom || call.startIndex >= guard.visibleTo) continue;
    const p = asPathCall(call);
    if (!p || p.name !== 'drop' || p.args.length !== 1) continue;
    const arg = p.args[0];
    if (arg.type !== 'identifier' || arg.text !== guard.name) continue;
    if (resolver.bindings.lookup(guard.name, arg.startIndex) !== guard) continue;
    // The block (or braceless match arm, or `a && drop(g)`-style operand) the drop sits in.
    let inner: Node = call;
    let branch: Node | undefined;
    for (let up = parentOf(inner); up && up.type !== 'block'; inner = up, up = parentOf(up)) {
      if (up.type === 'match_arm' || up.type === 'binary_expression' || up.type === 'closure_expression') branch ??= up;
    }
    const block = parentOf(inner);
    if (!branch && (!block || !ownBlock || block.id === ownBlock.id)) return { drop: call, released };
    released.push({ start: call.startIndex, end: (branch ?? block ?? call).endIndex });
  }
  return { released };
}

/**
 * True when `node` (a call or an await) runs while `scope`'s guard is held. A call runs once its
 * receiver and arguments are evaluated — at its end — so `f(X.borrow().len())` calls `f` under the
 * temporary guard. It must run synchronously in the guard's context (not in a deferred closure).
 */
export function isHeldAt(scope: BorrowScope, node: Node): boolean {
  if (node.endIndex <= scope.start || node.endIndex > scope.end) return false;
  if (scope.released?.some((r) => node.endIndex > r.start && node.endIndex <= r.end)) return false;
  if (node.id === scope.acquisition.call.id) return false;
  return runsSynchronouslyWithin(node, scope.context);
}

/**
 * BORROW_SCOPE (d): while an export method runs, wasm-bindgen holds a `WasmRefCell` borrow of the
 * exported object — shared for `&self`, exclusive for `&mut self` — and of every `&T`/`&mut T` argument
 * whose type is an exported struct. For `async` methods the borrow lasts until the future completes,
 * across every `.await`.
 */
export interface ObjectBorrow {
  readonly kind: 'receiver' | 'argument';
  /** `self`, or the parameter name. */
  readonly name: string;
  /** The exported struct (Rust name) and the JS class name. */
  readonly type: string;
  readonly jsClass: string;
  readonly mode: 'mutable' | 'shared';
  /** The `self_parameter` or `parameter` node. */
  readonly node: Node;
  readonly start: number;
  readonly end: number;
  /** True for `async` exports: the borrow is held across awaits. */
  readonly acrossAwaits: boolean;
}

export function exportedObjectBorrows(fn: Node, env: RustEnv): ObjectBorrow[] {
  const exported = exportOfFunction(fn, env);
  const body = fn.childForFieldName('body');
  const params = fn.childForFieldName('parameters');
  if (!exported || !body || !params) return [];
  const out: ObjectBorrow[] = [];
  const base = { start: body.startIndex, end: body.endIndex, acrossAwaits: exported.isAsync };
  for (const p of params.namedChildren) {
    if (p.type === 'self_parameter' && exported.implType && (exported.receiver === '&self' || exported.receiver === '&mut self')) {
      const struct = env.index?.structs.get(exported.implType);
      out.push({
        kind: 'receiver', name: 'self', type: exported.implType, jsClass: exported.jsClass ?? struct?.jsName ?? exported.implType,
        mode: exported.receiver === '&mut self' ? 'mutable' : 'shared', node: p, ...base,
      });
    } else if (p.type === 'parameter') {
      const typeText = p.childForFieldName('type')?.text ?? '';
      const m = /^&\s*(mut\s+)?(.+)$/.exec(typeText.trim());
      if (!m) continue;
      const struct = env.index?.structs.get(typeBaseName(m[2]));
      if (!struct) continue;
      out.push({
        kind: 'argument', name: p.childForFieldName('pattern')?.text ?? '', type: struct.name, jsClass: struct.jsName,
        mode: m[1] ? 'mutable' : 'shared', node: p, ...base,
      });
    }
  }
  return out;
}

