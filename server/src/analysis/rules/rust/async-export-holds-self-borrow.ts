// async-export-holds-self-borrow (catalog R03, reentrancy): an `async fn` method of a
// `#[wasm_bindgen] impl` with `&mut self`/`&self` (or an async export with a `&T`/`&mut T` argument of
// an exported struct) converts the receiver inside the future: wasm-bindgen's `WasmRefCell` borrow is
// taken at the first poll and released only when the future completes, so it is held across every
// `.await` (§A4, wasm-bindgen#4440). While the promise is pending, any other call on that object (for
// `&mut self`), or any exclusive access (`&mut self` method, consuming method, field setter — for
// `&self`), fails with "recursive use of an object detected…". `&self` methods of classes with no
// exclusive access are not reported (shared borrows nest), nor async methods that never await, nor
// Durable Object impls (their generated wrappers release the borrow before the future runs).
// Documented in docs/rules/async-export-holds-self-borrow.md; cases in test-fixtures/rust/async-export-holds-self-borrow.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation } from '../../model';
import { exportOfFunction, rustEnv, yieldPointRange, type ObjectBorrow, type RustEnv } from '../../rust/index';
import {
  conflictingAccessesOf, conflictRelatedMessage, heldObjectBorrows, ownYieldPoints, sharedReceiverSuffices, splitConflicts, consumingFailure,
  type ConflictingAccess,
} from '../../rust/object-reentry';
import type { BuildMode } from '../../workspace/types';

const RECURSIVE_USE = '"recursive use of an object detected which would lead to unsafe aliasing in rust"';

export default defineRule({
  id: 'async-export-holds-self-borrow',
  catalogId: 'R03',
  family: 'reentrancy',
  side: 'rust',
  defaultSeverity: 'error',
  summary: 'an `async` export keeps its object borrowed across every `.await`',
  fix: 'unsafe',
  docs: 'docs/rules/async-export-holds-self-borrow.md',
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): the held borrow is wasm-bindgen's own: the method or its impl carries `wasm_bindgen` (heldObjectBorrows).
  textGate: ['wasm_bindgen'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (!node.childForFieldName('body') || env.tests.isTestCode(node)) return;
    const exported = exportOfFunction(node, env);
    if (!exported?.isAsync) return;
    const borrows = heldObjectBorrows(node, env).filter((b) => b.acrossAwaits);
    if (borrows.length === 0) return;
    const yields = ownYieldPoints(node, env);
    if (yields.length === 0) return;
    const held = primaryBorrow(borrows, env, exported.name);
    if (!held) return;
    report(ctx, env, node, held, yields);
  },
});

interface HeldBorrow {
  readonly borrow: ObjectBorrow;
  readonly conflicts: readonly ConflictingAccess[];
}

/** Exclusive borrows first (the receiver before arguments); a shared one only if the class has exclusive accesses. */
function primaryBorrow(borrows: readonly ObjectBorrow[], env: RustEnv, fnName: string): HeldBorrow | undefined {
  const rank = (b: ObjectBorrow) => (b.mode === 'mutable' ? 0 : 2) + (b.kind === 'receiver' ? 0 : 1);
  for (const b of [...borrows].sort((x, y) => rank(x) - rank(y))) {
    if (b.mode === 'mutable') return { borrow: b, conflicts: [] };
    const conflicts = conflictingAccessesOf(b.type, env, fnName);
    if (conflicts.length > 0) return { borrow: b, conflicts };
  }
  return undefined;
}

function report(ctx: RuleContext, env: RustEnv, fn: Node, held: HeldBorrow, yields: readonly Node[]): void {
  const { borrow } = held;
  const object = `\`${borrow.jsClass}\``;
  const which = borrow.kind === 'receiver' ? 'this' : 'that';
  const first = yields[0];
  const at = first.type === 'await_expression' ? 'this `.await`' : `this \`${first.text.replace(/!.*$/s, '')}!\``;
  const more = yields.length > 1 ? ` (and ${yields.length - 1} more suspension point${yields.length === 2 ? '' : 's'})` : '';
  const param = `\`${borrow.node.text.replace(/\s+/g, ' ')}\``;
  let message: string;
  if (borrow.mode === 'mutable') {
    message = `${param} keeps ${which} ${object} exclusively borrowed until the future completes, across ${at}${more}; `
      + `any other use of the same ${object} from JS while the promise is pending — a method call, a field read — ${failure(env.buildMode)}, and \`free()\` throws "attempted to take ownership of Rust value while it was borrowed"`;
  } else {
    message = `${param} keeps ${which} ${object} borrowed until the future completes, across ${at}${more}; `
      + `a call to ${conflictList(held.conflicts)} on the same ${object} while the promise is pending ${sharedConflictFailure(held.conflicts, env.buildMode)}`;
  }
  const range = first.type === 'await_expression' ? yieldPointRange(first) : { start: first.startIndex, end: first.endIndex };
  const related: RelatedLocation[] = [{
    path: env.path, range: { start: borrow.node.startIndex, end: borrow.node.endIndex },
    message: `${object} is borrowed ${borrow.mode === 'mutable' ? 'exclusively ' : ''}from the first poll until \`${fn.childForFieldName('name')?.text ?? 'this method'}\` completes`,
  }];
  if (borrow.mode === 'shared') {
    const c = held.conflicts[0];
    related.push({ path: c.path, range: c.range, message: conflictRelatedMessage(c, object) });
  }
  ctx.report({
    range,
    message,
    severity: borrow.mode === 'mutable' ? undefined : 'warning',
    related,
    fixes: () => receiverFix(env, fn, borrow),
  });
}

function failure(mode: BuildMode): string {
  if (mode === 'unwind') return `fails with a \`PanicError\` (${RECURSIVE_USE}) — an overlapping async call's promise rejects with it`;
  return `throws an \`Error\` (${RECURSIVE_USE}); an overlapping async call throws it inside a microtask, so its promise never settles`;
}

/**
 * How the accesses named under a shared borrow fail: `&mut self` methods and setters on the borrow guard,
 * a method taking `self` (a synchronous call) on the ownership check, with its own message.
 */
function sharedConflictFailure(conflicts: readonly ConflictingAccess[], mode: BuildMode): string {
  const { guarded, consuming } = splitConflicts(conflicts);
  if (consuming.length === 0) return failure(mode);
  if (guarded.length === 0) return consumingFailure(consuming[0]);
  return `${failure(mode)}; \`${consuming[0].display}\` ${consumingFailure(consuming[0])}`;
}

function conflictList(conflicts: readonly ConflictingAccess[]): string {
  const shown = conflicts.slice(0, 2).map((c) => (c.kind === 'setter' ? c.display : `\`${c.display}\``));
  const rest = conflicts.length - shown.length;
  return shown.join(' or ') + (rest > 0 ? ` (or ${rest} other exclusive access${rest === 1 ? '' : 'es'})` : '');
}

/** `&mut self` → `&self` when the body compiles unchanged with a shared receiver. */
function receiverFix(env: RustEnv, fn: Node, borrow: ObjectBorrow): Fix[] {
  if (borrow.kind !== 'receiver' || borrow.mode !== 'mutable') return [];
  // Offered only when it settles the matter: with other exclusive accesses left, a shared borrow still conflicts.
  if (conflictingAccessesOf(borrow.type, env, fn.childForFieldName('name')?.text).length > 0) return [];
  const selfParam = sharedReceiverSuffices(fn, env, borrow.type);
  if (!selfParam) return [];
  return [{
    title: 'Take `&self` instead of `&mut self` (the pending future then holds a shared borrow, so overlapping reads succeed)',
    safety: 'unsafe',
    edits: [{ range: { start: selfParam.startIndex, end: selfParam.endIndex }, newText: selfParam.text.replace(/\bmut\s+self\b/, 'self') }],
  }];
}
