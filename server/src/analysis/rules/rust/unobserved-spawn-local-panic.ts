// unobserved-spawn-local-panic (catalog C07, Rust part; the TS part is unobserved-async-wasm-failure): a
// future handed to `spawn_local(async move { … })` contains panic points — `unwrap`/`expect`, panicking
// macros and assertions, `unwrap_throw`/`throw_str`, `Instant::now()` — and nothing awaits the task, so
// its failure reaches no caller: under panic=unwind the `PanicError` is thrown from the microtask queue as
// an uncaught error (other tasks woken in that tick may stay queued); under panic=abort the panic traps
// the instance from a microtask and pending promises never settle. Indexing, division and overflow are
// left out: too common in code whose bounds the rule cannot see. The future may also be the call of an
// `async fn` declared in the same file (`spawn_local(sync(url))`, `spawn_local(Self::poll(url))`): the
// function's body is then searched the same way and the finding sits on the spawned call. Functions of
// other files are not followed (the crate index holds no function bodies). A crate's own spawn helper
// (a function of any file of the crate, named `spawn…`, that hands its future parameter to `spawn_local`:
// `CrateIndex.spawnWrappers`) spawns the same unawaited tasks and is treated like `spawn_local`. The rule
// has its own id because a rule has one side (engine/rule.ts).

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { RelatedLocation } from '../../model';
import {
  asMethodCall, asPathCall, callbackKindOf, forEachDescendant, enclosingFunction, isAsyncFunction, localFunctionOfCall, panicPointsIn, parentOf,
  runsSynchronouslyWithin, rustEnv, stripTransparent, unitBody, type PanicKind, type PanicPoint, type RustEnv,
} from '../../rust/index';

const REPORTED_KINDS: ReadonlySet<PanicKind> = new Set(['macro', 'assert', 'unwrap', 'clock', 'throw']);

export default defineRule({
  id: 'unobserved-spawn-local-panic',
  catalogId: 'C07',
  family: 'failure-classification',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: '`spawn_local` future that can panic: the failure reaches no caller',
  fix: 'none',
  docs: 'docs/rules/unobserved-spawn-local-panic.md',
  nodeTypes: ['async_block', 'call_expression'],
  // Text gate (Rule.textGate): every finding is on a future passed to `spawn_local` or to one of the
  // crate's spawn helpers, which are followed only when their name contains `spawn`.
  textGate: ['spawn'],
  visit(node: Node, ctx: RuleContext) {
    if (node.type === 'call_expression') {
      visitSpawnedCall(node, ctx);
      return;
    }
    const env = rustEnv(ctx);
    const spawn = callbackKindOf(node) === 'spawn_local' ? spawnCallOf(node) : spawnCallOf(node, env) ?? spawnOfBoundFuture(node, env);
    if (!spawn) return;
    if (env.tests.isTestCode(node)) return;
    const body = unitBody(node);
    const fn = enclosingFunction(node);
    if (!body || !fn) return;
    const points = panicPointsIn(env.facts(fn), body.startIndex, body.endIndex, env, { foreign: false })
      .filter((p) => REPORTED_KINDS.has(p.kind) && runsSynchronouslyWithin(p.node, node) && !settlesPromise(p.node) && !checkedBefore(p.node, body, env.text));
    if (points.length === 0) return;
    const [first, ...rest] = points;
    const related: RelatedLocation[] = [];
    related.push({ path: ctx.path, range: { start: spawn.startIndex, end: spawn.startIndex + spawn.text.indexOf('(') }, message: 'the task nobody awaits' });
    for (const p of rest.slice(0, 4)) related.push({ path: ctx.path, range: { start: p.node.startIndex, end: p.node.endIndex }, message: `\`${p.display}\` ${p.failure === 'throw' ? 'can throw' : 'can panic'} here too` });
    const what = first.failure === 'throw' ? 'can throw a JS exception' : 'can panic';
    const more = rest.length > 0 ? ` (${rest.length} more in this task)` : '';
    ctx.report({
      node: first.node,
      message: `\`${first.display}\` ${what} inside ${taskOf(spawn, env)} that nobody awaits: ${first.failure === 'throw' ? throwConsequence(env) : consequence(env)}${more}`,
      related,
    });
  },
});

/**
 * `spawn_local(name(args))` / `spawn_local(Self::name(args))` where `name` is an `async fn` of this file
 * whose body (outside closures and async blocks it only creates) has a reported panic point.
 */
function visitSpawnedCall(spawn: Node, ctx: RuleContext): void {
  const p = asPathCall(spawn);
  if (!p || p.args.length !== 1 || !p.name.includes('spawn')) return;
  const env = rustEnv(ctx);
  if (!isSpawner(p.name, env)) return;
  const future = stripTransparent(p.args[0]);
  const callee = asPathCall(future);
  if (!callee) return;
  if (env.tests.isTestCode(spawn)) return;
  // Only an `async fn` declared once in this file is followed (its body is the task's body).
  const target = localFunctionOfCall(future, env);
  const body = target?.childForFieldName('body');
  if (!target || !body || !isAsyncFunction(target) || env.tests.isTestCode(target)) return;
  const points = panicPointsIn(env.facts(target), body.startIndex, body.endIndex, env, { foreign: false })
    .filter((pt) => REPORTED_KINDS.has(pt.kind) && runsSynchronouslyWithin(pt.node, target) && !settlesPromise(pt.node) && !checkedBefore(pt.node, body, env.text));
  if (points.length === 0) return;
  const [first, ...rest] = points;
  const name = `${callee.segments.slice(-2).join('::')}(..)`;
  const related: RelatedLocation[] = [];
  related.push({ path: ctx.path, range: rangeOf(first.node), message: `\`${first.display}\` ${failureVerb(first)} here, in the spawned \`async fn\`` });
  for (const pt of rest.slice(0, 4)) related.push({ path: ctx.path, range: rangeOf(pt.node), message: `\`${pt.display}\` ${failureVerb(pt)} here too` });
  const what = first.failure === 'throw' ? 'can throw a JS exception' : 'can panic';
  const more = rest.length > 0 ? ` (${rest.length} more in this task)` : '';
  ctx.report({
    node: future,
    message: `\`${name}\` is an \`async fn\` whose body ${what} (\`${first.display}\`), spawned as ${taskOf(spawn, env)} that nobody awaits: ` +
      `${first.failure === 'throw' ? throwConsequence(env) : consequence(env)}${more}`,
    related,
  });
}

function failureVerb(p: PanicPoint): string {
  return p.failure === 'throw' ? 'can throw' : 'can panic';
}

function rangeOf(node: Node): { start: number; end: number } {
  return { start: node.startIndex, end: node.endIndex };
}

/**
 * The call an async block is the argument of: any (the block is known to go to `spawn_local`), or with
 * `env`, only a call of one of the crate's spawn helpers.
 */
function spawnCallOf(asyncBlock: Node, env?: RustEnv): Node | undefined {
  const args = parentOf(asyncBlock);
  const call = args?.type === 'arguments' ? parentOf(args) : null;
  if (!call || !env) return call ?? undefined;
  const p = asPathCall(call);
  return p && p.args.length === 1 && p.name !== 'spawn_local' && isSpawner(p.name, env) ? call : undefined;
}

/** `spawn_local`, or a spawn helper of the crate (named `spawn…`, handing its future to `spawn_local`). */
function isSpawner(name: string, env: RustEnv): boolean {
  return name === 'spawn_local' || (name.includes('spawn') && env.index?.spawnWrappers?.has(name) === true);
}

/** How messages name the task: `a \`spawn_local\` task`, or one spawned by the crate's helper. */
function taskOf(spawn: Node, env: RustEnv): string {
  const p = asPathCall(spawn);
  if (!p || p.name === 'spawn_local' || !env.index?.spawnWrappers?.has(p.name)) return 'a `spawn_local` task';
  return `a task spawned by \`${p.segments.slice(-2).join('::')}\` (which hands it to \`spawn_local\`)`;
}

/**
 * `let task = async move { … }; spawn_local(task);` — the future bound to a local that the same block
 * later hands to `spawn_local` (and uses nowhere else).
 */
function spawnOfBoundFuture(asyncBlock: Node, env: RustEnv): Node | undefined {
  const binder = parentOf(asyncBlock);
  if (binder?.type !== 'let_declaration' || binder.childForFieldName('value')?.id !== asyncBlock.id) return undefined;
  const pattern = binder.childForFieldName('pattern');
  const name = pattern?.type === 'identifier' ? pattern.text : undefined;
  const block = parentOf(binder);
  if (!name || !block) return undefined;
  let spawn: Node | undefined;
  let uses = 0;
  forEachDescendant(block, (n) => {
    if (n.startIndex < binder.endIndex) return n.endIndex > binder.endIndex;
    if (n.type === 'identifier' && n.text === name) {
      uses++;
      const args = parentOf(n);
      const call = args?.type === 'arguments' && args.namedChildCount === 1 ? parentOf(args) : null;
      const p = call ? asPathCall(call) : undefined;
      if (p && isSpawner(p.name, env)) spawn = call!;
    }
    return true;
  });
  return uses === 1 ? spawn : undefined;
}

/** `x.unwrap()` after `x.is_some()`/`is_none()`/`is_ok()`/`is_err()` was tested in the task: cannot fail there. */
function checkedBefore(node: Node, body: Node, text: string): boolean {
  const m = asMethodCall(node);
  if (!m || (m.method !== 'unwrap' && m.method !== 'expect')) return false;
  const receiver = stripTransparent(m.receiver);
  if (receiver.type !== 'identifier' && receiver.type !== 'field_expression') return false;
  const before = text.slice(body.startIndex, node.startIndex);
  const name = receiver.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w.])${name}\\s*\\.\\s*is_(?:some|none|ok|err)\\s*\\(`).test(before);
}

/** `resolve.call1(..).unwrap_throw()`: settling a JS promise from a hand-written future_to_promise cannot fail. */
function settlesPromise(node: Node): boolean {
  const m = asMethodCall(node);
  const inner = m ? asMethodCall(stripTransparent(m.receiver)) : undefined;
  return inner !== undefined && /^call\d$|^call$/.test(inner.method) && /^(?:resolve|reject)$/.test(stripTransparent(inner.receiver).text);
}

function throwConsequence(env: RustEnv): string {
  return env.buildMode === 'abort+handler'
    ? 'with the abort handler a JS exception crossing Rust is fatal (`Critical error`): the instance is terminated from a microtask and no caller learns why'
    : `the exception is thrown from the microtask queue as an uncaught error no caller sees${env.buildMode === 'abort' ? ' (and in this panic=abort build it skips the destructors of the frames it crosses)' : ''}; return the error to a caller or handle it in the task`;
}

function consequence(env: RustEnv): string {
  switch (env.buildMode) {
    case 'unwind':
      return 'under panic=unwind the `PanicError` is thrown from the microtask queue as an uncaught error no caller sees, and other tasks woken in the same tick may stay queued; return the error to a caller (an async export returning `Result<_, JsError>`) or handle it in the task';
    case 'abort+handler':
      return 'the panic terminates the instance from a microtask, so no caller learns why every later call throws `Module terminated`; return the error to a caller (an async export returning `Result<_, JsError>`) or handle it in the task';
    default:
      return 'in this panic=abort build the panic traps the instance from a microtask: no caller sees the `RuntimeError`, pending promises never settle and later calls run on possibly corrupted memory; return the error to a caller (an async export returning `Result<_, JsError>`) or handle it in the task';
  }
}
