// unobserved-async-wasm-failure (catalog C07, TS part; the Rust part is unobserved-spawn-local-panic):
// a statement that starts an async call into wasm-bindgen glue — an async export or method, a same-file
// async function that calls wasm, or a `.then()` chain whose callbacks call wasm — and drops the promise:
// not awaited, returned, assigned or given a rejection handler (`.catch(h)`, `.then(ok, h)`). A Rust panic
// then becomes an unhandled rejection (Node ≥ 15 exits), and in panic=abort builds a trap during a poll
// is thrown from a microtask while the promise never settles. `void p` discards the promise knowingly:
// reported as info.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation } from '../../model';
import { TEST_FILE, buildModeOfModule } from '../../ts/failure-context';
import { describeCall, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';

interface Candidate {
  readonly statement: Node;
  readonly enclosingFunction: Node | undefined;
}

interface FileState {
  readonly facts: WasmCallFacts;
  readonly statements: Candidate[];
}

const states = new WeakMap<RuleContext, FileState>();

/** Names of functions that report an error somewhere useful, usable as `.catch(name)`. */
const REPORTER = /^(?:report\w*Error|handle\w*Error|on\w*Error|log\w*Error|notify\w*Error)$/;

export default defineRule({
  id: 'unobserved-async-wasm-failure',
  catalogId: 'C07',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'warning',
  summary: 'promise of an async wasm call is neither awaited nor given a rejection handler',
  fix: 'unsafe',
  docs: 'docs/rules/unobserved-async-wasm-failure.md',
  nodeTypes: ['expression_statement', ...WASM_FACT_NODE_TYPES],

  visit(node, ctx) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), statements: [] };
      states.set(ctx, state);
    }
    if (!state.facts.active) return;
    state.facts.collect(node);
    if (node.type === 'expression_statement') state.statements.push({ statement: node, enclosingFunction: state.facts.enclosingFunction() });
  },

  finish(ctx) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active || TEST_FILE.test(ctx.path)) return;
    let reporter: string | null | undefined;
    const reporterName = () => (reporter === undefined ? (reporter = findReporter(ctx)) : reporter);
    for (const c of state.statements) check(ctx, state.facts, c, reporterName);
  },
});

function check(ctx: RuleContext, facts: WasmCallFacts, { statement, enclosingFunction }: Candidate, reporterName: () => string | null): void {
  let expr = statement.namedChild(0);
  let voided: Node | undefined;
  if (expr?.type === 'unary_expression' && expr.child(0)?.type === 'void') {
    voided = expr;
    expr = expr.namedChild(0);
  }
  while (expr?.type === 'parenthesized_expression') expr = expr.namedChild(0);
  if (!expr || expr.type !== 'call_expression') return;
  const site = floatingSource(facts, expr);
  if (!site) return;
  // `main();` at the top of a script: Node reports the rejection and exits — the failure is seen.
  if (!enclosingFunction && site.kind === 'helper' && site.node.id === expr.id) return;
  const related: RelatedLocation[] = [];
  if (site.node.id !== expr.id) related.push({ path: ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: 'the wasm call whose failure is dropped' });
  if (site.kind === 'helper' && site.inner) related.push({ path: ctx.path, range: { start: site.inner.node.startIndex, end: site.inner.node.endIndex }, message: 'the wasm call inside the helper' });
  const what = site.node.id === expr.id
    ? (site.kind === 'helper' && site.inner ? `the promise of \`${describeCall(site)}\` (which calls wasm \`${describeCall(site.inner)}\`)` : `the promise of async wasm call \`${describeCall(site)}\``)
    : `this promise chain, which calls wasm \`${describeCall(site)}\`,`;
  const dropped = voided ? 'is discarded with `void`' : 'is neither awaited nor given a rejection handler';
  ctx.report({
    node: voided ?? expr,
    message: `${what} ${dropped}: ${consequence(ctx, site)}`,
    severity: voided ? 'info' : undefined,
    related,
    fixes: () => fixes(ctx, voided ?? expr!, expr!, enclosingFunction, reporterName()),
  });
}

/**
 * The wasm call whose failure the statement's promise carries: an async wasm call (or async helper)
 * itself, or the wasm call in a `.then`/`.finally` callback of a chain without a rejection handler.
 */
function floatingSource(facts: WasmCallFacts, expr: Node): WasmCallSite | undefined {
  const direct = facts.classify(expr);
  if (direct) return direct.isAsync ? direct : undefined;
  const fn = expr.childForFieldName('function');
  const prop = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
  if (prop !== 'then' && prop !== 'finally') return undefined;
  if (prop === 'then' && (expr.childForFieldName('arguments')?.namedChildCount ?? 0) >= 2) return undefined;
  const site = facts.chainSource(expr);
  // A sync wasm call in a `.then` callback rejects the chain just the same; a sync call as the chain's
  // receiver throws before any promise exists.
  if (!site) return undefined;
  return site.isAsync || !isReceiverOf(site.node, expr) ? site : undefined;
}

function isReceiverOf(call: Node, chain: Node): boolean {
  let n: Node | null = chain;
  while (n?.type === 'call_expression') {
    const fn = n.childForFieldName('function');
    const object: Node | null | undefined = fn?.type === 'member_expression' ? fn.childForFieldName('object') : undefined;
    if (!object) return false;
    if (object.id === call.id) return true;
    n = object;
  }
  return false;
}

function consequence(ctx: RuleContext, site: WasmCallSite): string {
  if (!site.isAsync) return 'a Rust panic or abort in the callback rejects it with nobody listening: an unhandled rejection, which ends a Node ≥ 15 process';
  // An async JS helper around a synchronous wasm call: the trap is thrown inside the helper, whose promise
  // rejects normally — no Rust future is polled, so nothing hangs.
  let innermost = site;
  while (innermost.kind === 'helper' && innermost.inner) innermost = innermost.inner;
  if (!innermost.isAsync) return 'a Rust panic or abort in the synchronous wasm call rejects it with nobody listening: an unhandled rejection, which ends a Node ≥ 15 process';
  switch (buildModeOfModule(ctx, site.modulePath)) {
    case 'abort':
      return 'an `Err` the export returns becomes an unhandled rejection, and in this panic=abort build a panic while the future runs traps inside a microtask, so the error is reported as uncaught and the promise never settles';
    case 'abort+handler':
      return 'an `Err` the export returns becomes an unhandled rejection, and a trap while the future runs terminates the instance from a microtask, so no caller learns why later calls throw `Module terminated`';
    case 'unwind':
      return 'a `PanicError` rejects it with nobody listening: an unhandled rejection, which ends a Node ≥ 15 process';
    default:
      return 'a Rust panic or abort becomes an unhandled rejection (or, in panic=abort builds, a promise that never settles)';
  }
}

/** A same-file or imported function that reports errors (`reportError`, `handleWasmError` …). */
function findReporter(ctx: RuleContext): string | null {
  const declared = /\b(?:function\s+|(?:const|let|var)\s+|import\s*\{[^}]*?\b)(report\w*Error|handle\w*Error|on\w*Error|log\w*Error|notify\w*Error)\b/.exec(ctx.text);
  return declared && REPORTER.test(declared[1]) ? declared[1] : null;
}

function isAsyncFunction(fn: Node): boolean {
  for (let i = 0; i < fn.childCount; i++) {
    const c = fn.child(i);
    if (!c) continue;
    if (c.type === 'async') return true;
    if (c.isNamed && c.type !== 'property_identifier' && c.type !== 'identifier' && c.type !== 'accessibility_modifier' && c.type !== 'decorator') break;
  }
  return false;
}

function fixes(ctx: RuleContext, reported: Node, call: Node, enclosingFunction: Node | undefined, reporter: string | null): Fix[] {
  const out: Fix[] = [];
  if (reporter) {
    out.push({
      title: `Report the failure: append \`.catch(${reporter})\``,
      safety: 'unsafe',
      edits: [
        ...(reported.id !== call.id ? [{ range: { start: reported.startIndex, end: call.startIndex }, newText: '' }] : []),
        { range: { start: call.endIndex, end: call.endIndex }, newText: `.catch(${reporter})` },
      ],
    });
  }
  if (enclosingFunction && isAsyncFunction(enclosingFunction)) {
    out.push({
      title: 'Await the call so the caller sees the failure',
      safety: 'unsafe',
      edits: [{ range: { start: reported.startIndex, end: call.startIndex }, newText: 'await ' }],
    });
  }
  return out;
}
