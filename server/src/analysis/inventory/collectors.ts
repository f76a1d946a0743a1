// The inventory's per-file fact collectors. They have the shape of rules (so the engine parses the file,
// builds the FileContext, walks the tree once and isolates a crash) but report nothing: they record
// facts into a sink. Every fact comes from the shared predicates the rules use — exports from the crate
// index, panic points, borrow scopes, JS call points and mutations from `rust/`, wasm call sites and
// handler verdicts from `ts/` — so the report and the findings agree on what a panic point or a
// classifying handler is. Not registered in ALL_RULES: only inventory.ts runs them.

import type { Node } from 'web-tree-sitter';
import { defineRule, type Rule, type RuleContext } from '../engine/rule';
import {
  asPathCall, borrowScopesIn, identifiersIn, isHeldAt, jsCallPointOf, mutationsIn, panicPointsIn, parentOf, runsSynchronouslyWithin,
  rustEnv, selfFieldOf, stateResolverFor, suspendedContextOf, typedJsCallPointOf, exportOfFunction, unitBody,
  type BorrowScope, type RustEnv,
} from '../rust/index';
import { walkTree } from '../parsing/walk';
import { handlerClassifies, handlerRethrows, handlerWrapsWithoutOriginal } from '../ts/catch-analysis';
import { classifierCallPredicate, TEST_FILE } from '../ts/failure-context';
import { FUNCTION_SCOPE_TYPES, isAwaited, runsImmediately, WASM_FACT_NODE_TYPES, WasmCallFacts, type WasmCallSite } from '../ts/wasm-calls';
import type { RustExport } from '../workspace/types';
import type {
  CallSiteHandling, CallSiteInventory, ExportInventory, ExportReceiver, InventoryLocation, JsCallWhileBorrowed, StateTouched,
} from './types';

/** Where the collectors put what they find, per lint run. */
export interface InventorySink {
  readonly exports: ExportInventory[];
  readonly callSites: CallSiteInventory[];
  /** Panic hooks by crate root ('' for files outside a crate). */
  readonly panicHooks: Map<string, (InventoryLocation & { call: string })[]>;
}

export function newInventorySink(): InventorySink {
  return { exports: [], callSites: [], panicHooks: new Map() };
}

/** Callbacks handed to `.catch(h)` that pass the failure on. */
const FORWARDING_HANDLERS = new Set(['reject', 'rej', 'next', 'done', 'cb', 'callback', 'fail']);
const ACCESS_STRENGTH: Readonly<Record<StateTouched['access'], number>> = { read: 0, borrow: 1, borrow_mut: 2, write: 3 };

function location(ctx: RuleContext, offset: number): InventoryLocation {
  const position = ctx.lines.positionAt(offset);
  return { path: ctx.path, line: position.line + 1, column: position.character + 1 };
}

const COLLECTOR_META = {
  catalogId: 'C04',
  family: 'failure-classification',
  defaultSeverity: 'info',
  summary: 'inventory fact collector (reports nothing)',
  fix: 'none',
  docs: '',
} as const;

/** The two collectors writing into `sink`. */
export function inventoryCollectors(sink: InventorySink): Rule[] {
  return [rustCollector(sink), tsCollector(sink)];
}

// ---- Rust: exports and panic hooks ------------------------------------------------------------

function rustCollector(sink: InventorySink): Rule {
  return defineRule({
    ...COLLECTOR_META,
    id: 'inventory-rust-facts',
    side: 'rust',
    nodeTypes: ['function_item', 'call_expression'],
    visit(node: Node, ctx: RuleContext) {
      const env = rustEnv(ctx);
      if (node.type === 'call_expression') {
        const hook = panicHookCall(node);
        if (hook && !env.tests.isTestCode(node)) {
          const key = env.crate?.root ?? '';
          const list = sink.panicHooks.get(key) ?? [];
          list.push({ ...location(ctx, node.startIndex), call: hook });
          sink.panicHooks.set(key, list);
        }
        return;
      }
      const exported = exportOfFunction(node, env);
      if (!exported || env.tests.isTestCode(node)) return;
      sink.exports.push(exportFacts(node, exported, env, ctx));
    },
  });
}

/** `std::panic::set_hook(..)` / `panic::set_hook(..)` / `set_hook(..)`, `console_error_panic_hook::set_once()`. */
function panicHookCall(node: Node): string | undefined {
  const call = asPathCall(node);
  if (!call) return undefined;
  if (call.name === 'set_hook' && (call.segments.length === 1 || call.segments.includes('panic'))) return call.segments.join('::');
  if (call.name === 'set_once' && call.segments[0] === 'console_error_panic_hook') return call.segments.join('::');
  return undefined;
}

function receiverOf(e: RustExport): ExportReceiver {
  if (e.isStart) return 'start';
  if (e.isConstructor) return 'constructor';
  if (e.receiver === 'none') return e.implType ? 'static' : 'free';
  return e.receiver;
}

function jsNameOf(e: RustExport, receiver: ExportReceiver): string {
  const cls = e.jsClass ?? e.implType;
  if (!cls) return e.jsName;
  if (receiver === 'constructor') return `new ${cls}`;
  if (e.accessor) return `${cls}.${e.accessor.property}`;
  return `${cls}.${e.jsName}`;
}

function exportFacts(fn: Node, e: RustExport, env: RustEnv, ctx: RuleContext): ExportInventory {
  const receiver = receiverOf(e);
  const base = {
    ...location(ctx, e.nameRange.start),
    ...(env.crate ? { crate: env.crate.root } : {}),
    name: e.implType ? `${e.implType}::${e.name}` : e.name,
    jsName: jsNameOf(e, receiver),
    receiver,
    isAsync: e.isAsync,
    ...(e.accessor ? { accessor: e.accessor.kind } : {}),
  };
  const body = unitBody(fn);
  const resolver = stateResolverFor(env, fn);
  if (!body || !resolver) return { ...base, panicPoints: [], state: [], jsCallsWhileBorrowed: [] };
  const facts = env.facts(fn);

  // Points of the export's own run: not those of closures and tasks it hands to JS (a panic hook, a listener).
  const panicPoints = panicPointsIn(facts, body.startIndex, body.endIndex, env, { resolver }).filter((p) => runsSynchronouslyWithin(p.node, fn)).map((p) => ({
    ...location(ctx, p.node.startIndex),
    kind: p.kind,
    failure: p.failure,
    display: p.display,
  }));

  // State: guards taken, writes, and reads of statics/thread-locals/`self` fields (strongest access wins).
  const state = new Map<string, StateTouched>();
  const touch = (name: string, kind: string, access: StateTouched['access']): void => {
    const previous = state.get(name);
    if (!previous || ACCESS_STRENGTH[access] > ACCESS_STRENGTH[previous.access]) state.set(name, { name, kind, access });
  };
  const scopes = borrowScopesIn(fn, env);
  for (const s of scopes) touch(s.acquisition.origin.name, s.acquisition.origin.kind, s.acquisition.mode === 'mutable' ? 'borrow_mut' : 'borrow');
  for (const m of mutationsIn(facts, body.startIndex, body.endIndex, resolver, { selfFields: true })) touch(m.origin.name, m.origin.kind, 'write');
  for (const name of identifiersIn(body)) {
    const root = env.globalRoot(name);
    if (root) touch(root.name, root.kind, 'read');
  }
  if (e.receiver !== 'none') {
    walkTree(body, (n) => {
      if (n.type !== 'field_expression') return true;
      const field = selfFieldOf(n);
      const parent = parentOf(n);
      const isMethodCallee = parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === n.id;
      if (field && !isMethodCallee && n.childForFieldName('value')?.text === 'self') touch(`self.${field}`, 'struct_field', 'read');
      return true;
    });
  }

  return {
    ...base,
    panicPoints,
    state: [...state.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    jsCallsWhileBorrowed: jsCallsWhileBorrowed(fn, e, env, ctx, scopes, resolver),
  };
}

/**
 * Calls into JS (and `.await`s) made while a guard is held — a guard on shared state (the R01 question),
 * or, for `&self`/`&mut self` methods, the borrow wasm-bindgen holds on the object for the whole call (R02/R03).
 */
function jsCallsWhileBorrowed(
  fn: Node, e: RustExport, env: RustEnv, ctx: RuleContext, scopes: readonly BorrowScope[], resolver: NonNullable<ReturnType<typeof stateResolverFor>>,
): JsCallWhileBorrowed[] {
  const facts = env.facts(fn);
  const out: JsCallWhileBorrowed[] = [];
  const selfMode = e.receiver === '&mut self' ? 'mutable' : e.receiver === '&self' ? 'shared' : undefined;
  const held = (node: Node): BorrowScope | undefined => {
    let best: BorrowScope | undefined;
    for (const s of scopes) if (isHeldAt(s, node) && (!best || (s.acquisition.mode === 'mutable' && best.acquisition.mode !== 'mutable'))) best = s;
    return best;
  };
  for (const call of facts.calls) {
    const js = jsCallPointOf(call, env, resolver) ?? typedJsCallPointOf(call, env, resolver);
    if (!js || js.certainty === 'indirect') continue;
    const scope = held(call);
    if (scope) out.push({ ...location(ctx, call.startIndex), call: js.display, borrowed: scope.acquisition.origin.name, mode: scope.acquisition.mode });
    else if (selfMode && runsSynchronouslyWithin(call, fn)) out.push({ ...location(ctx, call.startIndex), call: js.display, borrowed: 'self', mode: selfMode });
  }
  for (const awaitNode of facts.awaits) {
    const suspended = suspendedContextOf(awaitNode);
    const scope = scopes.find((s) => suspended !== null && suspended.id === s.context.id && s.start < awaitNode.endIndex && awaitNode.endIndex <= s.end);
    if (scope) out.push({ ...location(ctx, awaitNode.startIndex), call: '.await', borrowed: scope.acquisition.origin.name, mode: scope.acquisition.mode });
    else if (selfMode && suspended?.id === fn.id) out.push({ ...location(ctx, awaitNode.startIndex), call: '.await', borrowed: 'self', mode: selfMode });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

// ---- TS/JS: call sites into wasm and their failure handling ------------------------------------

interface TsState {
  readonly facts: WasmCallFacts;
  readonly calls: Node[];
}

function tsCollector(sink: InventorySink): Rule {
  const states = new WeakMap<RuleContext, TsState>();
  return defineRule({
    ...COLLECTOR_META,
    id: 'inventory-ts-facts',
    side: 'ts',
    nodeTypes: [...WASM_FACT_NODE_TYPES, 'call_expression', 'new_expression'],
    visit(node: Node, ctx: RuleContext) {
      let state = states.get(ctx);
      if (!state) {
        state = { facts: new WasmCallFacts(ctx), calls: [] };
        states.set(ctx, state);
      }
      if (!state.facts.active) return;
      state.facts.collect(node);
      if (node.type === 'call_expression' || node.type === 'new_expression') state.calls.push(node);
    },
    finish(ctx: RuleContext) {
      const state = states.get(ctx);
      states.delete(ctx);
      if (!state?.facts.active) return;
      const isClassifier = classifierCallPredicate(ctx, state.facts);
      for (const call of state.calls) {
        const site = state.facts.classify(call);
        // Helper calls are same-file functions that call wasm: their inner call is listed itself.
        if (!site || site.kind === 'helper' || site.node.id !== call.id) continue;
        const { handling, handler } = handlingOf(site, state.facts, isClassifier);
        sink.callSites.push({
          ...location(ctx, call.startIndex),
          callee: site.callee,
          kind: site.kind,
          isAsync: site.isAsync,
          module: site.modulePath,
          handling,
          ...(handler ? { handler: location(ctx, handler.startIndex) } : {}),
          inTest: TEST_FILE.test(ctx.path),
        });
      }
    },
  });
}

type Classifier = (name: string, call: Node) => boolean;

/** The expression is a statement of its own (`x.run();`, `void x.run();`): its value goes nowhere. */
function isDroppedByItsStatement(expr: Node): boolean {
  let n = expr;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  if (n.parent?.type === 'unary_expression' && n.parent.child(0)?.type === 'void') n = n.parent;
  return n.parent?.type === 'expression_statement';
}

/** What happens to a failure of `site`: the first handler on the way out of its function decides. */
function handlingOf(site: WasmCallSite, facts: WasmCallFacts, isClassifier: Classifier): { handling: CallSiteHandling; handler?: Node } {
  let n: Node = site.node;
  // An async call's failure travels along its promise chain first: `.catch(h)` / `.then(ok, h)`.
  if (site.isAsync) {
    for (;;) {
      const member = n.parent;
      if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== n.id) break;
      const call = member.parent;
      const prop = member.childForFieldName('property')?.text;
      if (call?.type !== 'call_expression' || !prop || !['then', 'catch', 'finally'].includes(prop)) break;
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      const handler = prop === 'catch' ? args[0] : prop === 'then' ? args[1] : undefined;
      if (handler) return { handling: promiseHandlerVerdict(handler, facts, isClassifier), handler: call };
      n = call;
    }
    // Unobserved as unobserved-async-wasm-failure sees it: a promise dropped by its statement. One that is
    // stored or passed on (`const p = x.run(); await Promise.race([p, timeout])`) goes where the code takes it.
    const scope = enclosingFunction(site.node);
    if (!isAwaited(n, scope) && !isReturned(n, scope) && isDroppedByItsStatement(n)) return { handling: 'unobserved' };
  }
  // A handler that rethrows hands the failure to the next one out, which may classify it; the first
  // one that does not rethrow decides. Only rethrowing handlers up to the function: `rethrows`.
  let rethrownBy: Node | undefined;
  for (let child: Node = n, parent = n.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'try_statement' && parent.childForFieldName('body')?.id === child.id) {
      const handler = parent.childForFieldName('handler');
      const body = handler?.childForFieldName('body');
      if (handler && body) {
        const paramNode = handler.childForFieldName('parameter');
        const verdict = handlerVerdict(body, paramNode?.type === 'identifier' ? paramNode.text : undefined, isClassifier);
        const keyword = handler.child(0) ?? handler;
        if (verdict !== 'rethrows') return { handling: verdict, handler: keyword };
        rethrownBy ??= keyword;
      }
    }
    if (FUNCTION_SCOPE_TYPES.has(parent.type) && !runsImmediately(parent)) break;
    if (!parent.parent) return rethrownBy ? { handling: 'rethrows', handler: rethrownBy } : { handling: 'top-level' };
  }
  return rethrownBy ? { handling: 'rethrows', handler: rethrownBy } : { handling: 'propagates' };
}

function handlerVerdict(body: Node, param: string | undefined, isClassifier: Classifier): CallSiteHandling {
  if (handlerClassifies(body, isClassifier)) return 'classifies';
  if (!handlerRethrows(body)) return 'swallows';
  return handlerWrapsWithoutOriginal(body, param) ? 'wraps' : 'rethrows';
}

function promiseHandlerVerdict(handler: Node, facts: WasmCallFacts, isClassifier: Classifier): CallSiteHandling {
  if (FUNCTION_SCOPE_TYPES.has(handler.type)) {
    const body = handler.childForFieldName('body');
    if (!body) return 'swallows';
    const params = handler.childForFieldName('parameters')?.namedChildren ?? [];
    const first = handler.childForFieldName('parameter') ?? params[0]?.childForFieldName('pattern') ?? params[0];
    return handlerVerdict(body, first?.type === 'identifier' ? first.text : undefined, isClassifier);
  }
  const name = handler.text.slice(handler.text.lastIndexOf('.') + 1);
  if (FORWARDING_HANDLERS.has(name)) return 'rethrows';
  const helper = facts.helperBody(handler.text, handler.startIndex);
  return helper ? handlerVerdict(helper, undefined, isClassifier) : 'swallows';
}

function enclosingFunction(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_SCOPE_TYPES.has(p.type)) return p;
  return null;
}

/** `return call` or an arrow function whose expression body is the call: the caller gets the promise. */
function isReturned(node: Node, scope: Node | null): boolean {
  for (let p = node.parent; p && (!scope || p.id !== scope.id); p = p.parent) {
    if (p.type === 'return_statement') return true;
    if (p.type === 'arrow_function' && p.childForFieldName('body')?.id === node.id) return true;
    if (p.type !== 'parenthesized_expression' && p.type !== 'as_expression' && p.type !== 'await_expression') return false;
    node = p;
  }
  return scope?.type === 'arrow_function' && scope.childForFieldName('body')?.id === node.id;
}
