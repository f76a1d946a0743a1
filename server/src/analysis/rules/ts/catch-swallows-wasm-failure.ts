// WBG-C01 catch-swallows-wasm-failure: a try/catch, `.catch(h)`, `.then(ok, h)` or `Promise.allSettled`
// around calls into wasm-bindgen glue whose handler neither classifies nor rethrows the failure. After an
// abort the program carries on: unwind builds then fail every call with `Module terminated`, abort builds
// keep running on corrupted linear memory. Misclassifying handlers (`instanceof PanicError`, message
// regexes, RuntimeError-only checks) are WBG-C02's findings and are left alone here.
//
// Facts (bindings, instances, helper functions) are collected during the engine's traversal; the checks
// run in `finish`, when every declaration of the file has been seen.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, FileEdit, TextEdit } from '../../model';
import { handlerClassifies, handlerInspects, handlerRethrows, handlerWrapsWithoutOriginal, storedErrorTargets } from '../../ts/catch-analysis';
import {
  abortGuard, classifierGuard, classifierModulePath, displayModulePath, freshName, type GuardStatement,
  guardPromiseHandler, importClassifier, insertAtBlockStart, RECOVERABLE_CLASSIFIER, sourceStyleOf,
} from '../../ts/classifier-module';
import { buildModeOfModule, retryLoopOf, selfCallIn, TEST_FILE } from '../../ts/failure-context';
import { describeCall, FUNCTION_TYPES, outermostChain, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';

/**
 * The handler's only wasm failure source is the promise an async export returned (`load(url).catch(h)`),
 * not a same-file function whose own synchronous wasm calls reject its promise, nor a synchronous wasm
 * call in a `.then` callback of the chain: see `rejectionOnly` for what can still arrive.
 */
function seesOnlyRejection(site: WasmCallSite): boolean {
  return site.isAsync && site.kind !== 'helper';
}

/** A node to check, with the functions around it (recorded during the traversal, where they are cheap). */
interface Candidate {
  readonly node: Node;
  readonly enclosingFunction: Node | undefined;
  readonly outermostFunction: Node | undefined;
}

interface FileState {
  readonly facts: WasmCallFacts;
  readonly tries: Candidate[];
  readonly handlerCalls: Candidate[];
  readonly settled: Candidate[];
}

const states = new WeakMap<RuleContext, FileState>();

const FRESH_INSTANCE = /WebAssembly\.instantiate(?:Streaming)?\s*\(|new\s+WebAssembly\.Instance\s*\(|\bimport\s*\(\s*`[^`]*\$\{/g;
const FORWARDING_HANDLERS = new Set(['reject', 'rej', 'next', 'done', 'cb', 'callback', 'fail']);

export default defineRule({
  id: 'catch-swallows-wasm-failure',
  catalogId: 'C01',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'warning',
  summary: 'try/catch or `.catch()` around wasm calls that neither classifies nor rethrows the failure',
  fix: 'unsafe',
  docs: 'docs/rules/catch-swallows-wasm-failure.md',
  nodeTypes: ['try_statement', 'call_expression', ...WASM_FACT_NODE_TYPES],

  visit(node, ctx) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), tries: [], handlerCalls: [], settled: [] };
      states.set(ctx, state);
    }
    const { facts } = state;
    if (!facts.active) return;
    facts.collect(node);
    const candidate = (): Candidate => ({ node, enclosingFunction: facts.enclosingFunction(), outermostFunction: facts.outermostFunction() });
    if (node.type === 'try_statement') {
      if (node.childForFieldName('handler')) state.tries.push(candidate());
    } else if (node.type === 'call_expression') {
      const fn = node.childForFieldName('function');
      if (fn?.type !== 'member_expression') return;
      const prop = fn.childForFieldName('property')?.text;
      const argCount = prop === 'catch' || prop === 'then' ? node.childForFieldName('arguments')?.namedChildCount ?? 0 : 0;
      if ((prop === 'catch' && argCount >= 1) || (prop === 'then' && argCount >= 2)) state.handlerCalls.push(candidate());
      else if (prop === 'allSettled' && fn.childForFieldName('object')?.text === 'Promise') state.settled.push(candidate());
    }
  },

  finish(ctx) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active) return;
    const check = new Checker(ctx, state.facts);
    for (const candidate of state.tries) check.tryStatement(candidate);
    for (const candidate of state.handlerCalls) check.handlerCall(candidate);
    for (const candidate of state.settled) check.allSettled(candidate);
  },
});

class Checker {
  private readonly classifierNames: ReadonlySet<string>;
  private freshInstanceOffsets: number[] | undefined;

  constructor(private readonly ctx: RuleContext, private readonly facts: WasmCallFacts) {
    this.classifierNames = new Set(ctx.settings.classifierNames);
  }

  // ---- try/catch ------------------------------------------------------------------------------------

  tryStatement({ node, enclosingFunction, outermostFunction }: Candidate): void {
    const handler = node.childForFieldName('handler');
    const handlerBody = handler?.childForFieldName('body');
    const tryBody = node.childForFieldName('body');
    if (!handler || !handlerBody || !tryBody) return;
    const paramNode = handler.childForFieldName('parameter');
    const param = paramNode?.type === 'identifier' ? paramNode.text : undefined;
    const verdict = this.verdict(handlerBody, param);
    if (verdict === 'accountable') return;
    if (param && this.storedForLater(node, handlerBody, param, outermostFunction)) return;
    if (enclosingFunction && this.createsFreshInstance(enclosingFunction)) return;
    // A swallowing catch that makes a loop go round again is a retry: retry-after-abort (C03) reports it.
    if (verdict === 'swallows' && (retryLoopOf(node) || selfCallIn(handlerBody, enclosingFunction))) return;
    const consumed = (s: WasmCallSite): boolean => this.consumedInOwnChain(s);
    const site = this.facts.callsIn(tryBody, { firstOnly: true, consumed })[0];
    if (!site) return;
    const keyword = handler.child(0);
    if (!keyword) return;
    // In a plain panic=abort build, `try { await load(x) }` sees what `load(x).catch(h)` sees: an async
    // export converts its arguments inside the future and there is no `Module terminated` guard, so
    // nothing is thrown synchronously. (With a guard, `Module terminated` is thrown here, into the try.)
    const rejectionOnly = seesOnlyRejection(site) && buildModeOfModule(this.ctx, site.modulePath) === 'abort' &&
      this.facts.callsIn(tryBody, { consumed }).every(seesOnlyRejection);
    this.ctx.report({
      range: { start: keyword.startIndex, end: keyword.endIndex },
      message: verdict === 'wraps'
        ? `\`catch\` around ${this.describe(site)} throws a new error that does not carry the original (no \`cause\`): ${rejectionOnly ? this.rejectionOnly(site) : this.lostClass(site)}`
        : `\`catch\` around ${this.describe(site)} neither classifies nor rethrows: ${rejectionOnly ? this.rejectionOnly(site) : this.consequence(site)}`,
      severity: rejectionOnly ? 'info' : undefined,
      related: this.related(site, rejectionOnly),
      fixes: () => this.catchClauseFixes(handler, handlerBody, paramNode),
    });
  }

  /**
   * `accountable`: the handler classifies (or tries to: C02's business), asserts on the error (tests), or
   * rethrows it; `wraps`: it rethrows, but only as new errors that drop the original; `swallows`: neither.
   */
  private verdict(handlerBody: Node, param: string | undefined): 'accountable' | 'wraps' | 'swallows' {
    if (handlerInspects(handlerBody, (name, call) => this.isClassifierCall(name, call))) return 'accountable';
    if (!handlerRethrows(handlerBody)) return 'swallows';
    return handlerWrapsWithoutOriginal(handlerBody, param) ? 'wraps' : 'accountable';
  }

  private accountable(handlerBody: Node, param: string | undefined): boolean {
    return this.verdict(handlerBody, param) === 'accountable';
  }

  private isClassifierCall(name: string, call: Node): boolean {
    if (this.classifierNames.has(name)) return true;
    const fn = call.childForFieldName('function');
    const key = fn?.type === 'member_expression' && fn.childForFieldName('object')?.type === 'this' ? `this.${name}` : name;
    const helper = this.facts.helperBody(key, call.startIndex);
    // One level: a same-file function that classifies with the configured names or always throws.
    return helper !== undefined && (handlerRethrows(helper) || handlerClassifies(helper, (n) => this.classifierNames.has(n)));
  }

  /** The function instantiates wasm itself (`WebAssembly.instantiate`, a cache-busted glue import): nothing outlives the call. */
  private createsFreshInstance(fn: Node): boolean {
    this.freshInstanceOffsets ??= [...this.ctx.text.matchAll(FRESH_INSTANCE)].map((m) => m.index ?? 0);
    return this.freshInstanceOffsets.some((at) => at >= fn.startIndex && at < fn.endIndex);
  }

  /** `catch (e) { caught = e }` followed by `throw caught` (or a test that inspects `caught`). */
  private storedForLater(tryNode: Node, handlerBody: Node, param: string, outermostFunction: Node | undefined): boolean {
    const targets = storedErrorTargets(handlerBody, param);
    if (targets.length === 0) return false;
    if (TEST_FILE.test(this.ctx.path)) return true;
    // The store may target a variable of an outer function (`errors` collected across a `.map` callback).
    const end = outermostFunction?.endIndex ?? this.ctx.text.length;
    const after = this.ctx.text.slice(tryNode.endIndex, end);
    return targets.some((t) => new RegExp(`\\bthrow\\b[^;\\n]*${escapeRegExp(t)}(?![\\w$])`).test(after));
  }

  /** An async wasm call whose own `.catch(h)`/`.then(_, h)` handles the rejection before it reaches the try. */
  private consumedInOwnChain(site: WasmCallSite): boolean {
    if (!site.isAsync) return false;
    for (let n: Node = site.node; ;) {
      const member = n.parent;
      if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== n.id) return false;
      const call = member.parent;
      const prop = member.childForFieldName('property')?.text;
      if (call?.type !== 'call_expression' || !prop || !['then', 'catch', 'finally'].includes(prop)) return false;
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      const handler = prop === 'catch' ? args[0] : prop === 'then' ? args[1] : undefined;
      if (handler && !this.handlerRethrowsOrForwards(handler)) return true;
      n = call;
    }
  }

  private handlerRethrowsOrForwards(handler: Node): boolean {
    if (FUNCTION_TYPES.has(handler.type)) {
      const body = handler.childForFieldName('body');
      return body !== null && handlerRethrows(body);
    }
    return FORWARDING_HANDLERS.has(lastSegment(handler.text));
  }

  // ---- .catch(h) / .then(ok, h) ---------------------------------------------------------------------

  handlerCall({ node: call, enclosingFunction }: Candidate): void {
    const fn = call.childForFieldName('function');
    const propNode = fn?.childForFieldName('property');
    const receiver = fn?.childForFieldName('object');
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (!fn || !propNode || !receiver) return;
    const handler = propNode.text === 'catch' ? args[0] : args.length >= 2 ? args[1] : undefined;
    if (!handler) return;
    const site = this.facts.chainSource(receiver);
    if (!site) return;
    const verdict = this.handlerFunctionVerdict(handler);
    if (verdict === 'accountable') return;
    // `.catch(() => load(url))` inside `load`: a recursive retry, retry-after-abort's finding.
    const handlerBody = FUNCTION_TYPES.has(handler.type) ? handler.childForFieldName('body') : null;
    if (verdict === 'swallows' && handlerBody && selfCallIn(handlerBody, enclosingFunction)) return;
    if (isConsumedByAssertion(outermostChain(call))) return;
    const what = propNode.text === 'catch' ? '`.catch()` handler' : 'rejection handler of `.then()`';
    const rejectionOnly = seesOnlyRejection(site);
    this.ctx.report({
      node: propNode,
      message: verdict === 'wraps'
        ? `${what} on ${this.describe(site)} throws a new error that does not carry the original (no \`cause\`): ${rejectionOnly ? this.rejectionOnly(site) : this.lostClass(site)}`
        : `${what} on ${this.describe(site)} neither classifies nor rethrows: ${rejectionOnly ? this.rejectionOnly(site) : this.consequence(site)}`,
      severity: rejectionOnly ? 'info' : undefined,
      related: this.related(site, rejectionOnly),
      fixes: () => this.promiseHandlerFixes(handler),
    });
  }

  private handlerFunctionVerdict(handler: Node): 'accountable' | 'wraps' | 'swallows' {
    if (FUNCTION_TYPES.has(handler.type)) {
      const body = handler.childForFieldName('body');
      return body ? this.verdict(body, firstParameterName(handler)) : 'accountable';
    }
    if (handler.type === 'identifier' || handler.type === 'member_expression') {
      const name = lastSegment(handler.text);
      if (this.classifierNames.has(name) || FORWARDING_HANDLERS.has(name)) return 'accountable';
      const key = handler.type === 'member_expression' && handler.childForFieldName('object')?.type === 'this' ? `this.${name}` : name;
      const helper = this.facts.helperBody(key, handler.startIndex);
      return helper !== undefined && this.accountable(helper, undefined) ? 'accountable' : 'swallows';
    }
    return 'accountable'; // a handler built by an expression we cannot read: stay quiet
  }

  // ---- Promise.allSettled ---------------------------------------------------------------------------

  allSettled({ node: call, enclosingFunction }: Candidate): void {
    const arg = call.childForFieldName('arguments')?.namedChild(0);
    if (!arg) return;
    const site = this.facts.callsIn(arg, { asyncMustBeAwaited: false }).find((s) => s.isAsync) ?? this.mappedReference(arg);
    if (!site || !this.settledResultsIgnored(call, enclosingFunction)) return;
    const prop = call.childForFieldName('function')?.childForFieldName('property');
    if (!prop) return;
    const rejectionOnly = seesOnlyRejection(site);
    this.ctx.report({
      node: prop,
      message: `\`Promise.allSettled\` over ${this.describe(site)} ignores the rejected results: ${rejectionOnly ? this.rejectionOnly(site) : this.consequence(site)}`,
      severity: rejectionOnly ? 'info' : undefined,
      related: this.related(site, rejectionOnly),
    });
  }

  /** `urls.map(load)`: an async wasm function mapped by reference. */
  private mappedReference(arg: Node): WasmCallSite | undefined {
    const fn = arg.type === 'call_expression' ? arg.childForFieldName('function') : null;
    if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'map') return undefined;
    const ref = arg.childForFieldName('arguments')?.namedChild(0);
    const site = ref ? this.facts.functionReference(ref, arg) : undefined;
    return site?.isAsync ? site : undefined;
  }

  private settledResultsIgnored(call: Node, enclosingFunction: Node | undefined): boolean {
    let outer = call;
    while (outer.parent && (outer.parent.type === 'await_expression' || outer.parent.type === 'parenthesized_expression')) outer = outer.parent;
    const parent = outer.parent;
    if (!parent) return false;
    if (parent.type === 'expression_statement') return true;
    const mentionsRejection = (text: string) => /rejected|\.reason\b/.test(text);
    if (parent.type === 'member_expression' && parent.childForFieldName('property')?.text === 'then') {
      const thenCall = parent.parent;
      const callback = thenCall?.childForFieldName('arguments')?.namedChild(0);
      return callback !== null && callback !== undefined && FUNCTION_TYPES.has(callback.type) && !mentionsRejection(callback.text)
        && thenCall?.parent?.type === 'expression_statement';
    }
    if (parent.type !== 'variable_declarator') return false;
    const name = parent.childForFieldName('name');
    if (!name) return false;
    const names = name.type === 'identifier' ? [name.text] : name.type === 'array_pattern' ? name.namedChildren.filter((c) => c.type === 'identifier').map((c) => c.text) : [];
    if (names.length === 0) return false;
    const after = this.ctx.text.slice(outer.endIndex, enclosingFunction ? enclosingFunction.endIndex : this.ctx.text.length);
    if (mentionsRejection(after)) return false;
    // Results handed on (returned, passed, stored) may be inspected elsewhere.
    return !names.some((n) => new RegExp(`(?:\\b(?:return|yield|throw)\\s+|[(,=]\\s*)${escapeRegExp(n)}\\s*(?:[,);\\n]|$)`).test(after));
  }

  // ---- messages -------------------------------------------------------------------------------------

  private describe(site: WasmCallSite): string {
    if (site.kind === 'helper' && site.inner) return `\`${describeCall(site)}\` (which calls wasm \`${describeCall(site.inner)}\`)`;
    return `wasm call \`${describeCall(site)}\``;
  }

  private consequence(site: WasmCallSite): string {
    switch (buildModeOfModule(this.ctx, site.modulePath)) {
      case 'abort':
        return 'in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory';
      case 'abort+handler':
        return 'a trap arrives as `WebAssembly.RuntimeError` and terminates the instance, so every later call throws `Module terminated`';
      case 'unwind':
        return 'a recoverable `PanicError` and an abort are handled alike, and after an abort every later call throws `Module terminated`';
      default:
        return 'an abort (`WebAssembly.RuntimeError`) is handled like any other error and the dead or corrupted instance is used again';
    }
  }

  /**
   * For a handler that sees only an async export's rejection (`seesOnlyRejection`): what can still reach it.
   * wasm-bindgen runs the future from a microtask (`spawn_local`), so a panic or trap while it runs never
   * settles the promise (unobserved-async-wasm-failure's concern), and a failure of the call's synchronous
   * part (arguments, `Module terminated`) is thrown before the handler is attached.
   */
  private rejectionOnly(site: WasmCallSite): string {
    // Under unwind `future_to_promise` catches a panic and rejects with `PanicError`; only a trap strands the promise.
    const unwind = buildModeOfModule(this.ctx, site.modulePath) === 'unwind';
    const panic = unwind ? ', a recoverable `PanicError`' : '';
    return `it sees only the promise's rejections (the export's \`Err\` values${panic}, or an abort of wasm re-entered from a JS callback that came back as an \`Err\`); ${unwind ? 'a trap' : 'a panic or trap'} while the future runs never settles the promise`;
  }

  private lostClass(site: WasmCallSite): string {
    return buildModeOfModule(this.ctx, site.modulePath) === 'abort'
      ? 'callers can no longer tell a Rust panic (`WebAssembly.RuntimeError` in this panic=abort build) from an ordinary failure and keep using the possibly corrupted instance'
      : 'callers can no longer tell an abort from an ordinary failure and keep calling an instance that answers `Module terminated`';
  }

  private related(site: WasmCallSite, rejectionOnly = false): { path: string; range: { start: number; end: number }; message: string }[] {
    const out = [{ path: this.ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: rejectionOnly ? 'async call into wasm whose rejection the handler sees' : 'call into wasm that can abort' }];
    if (site.kind === 'helper' && site.inner) {
      out.push({ path: this.ctx.path, range: { start: site.inner.node.startIndex, end: site.inner.node.endIndex }, message: 'the wasm call inside the helper' });
    }
    return out;
  }

  // ---- fixes ----------------------------------------------------------------------------------------

  private catchClauseFixes(handler: Node, body: Node, paramNode: Node | null): Fix[] {
    if (paramNode && paramNode.type !== 'identifier') return []; // destructured: no name to rethrow
    const style = sourceStyleOf(this.ctx.text);
    const keyword = handler.child(0)!;
    const name = paramNode?.text ?? freshName(body.text);
    const paramEdits: TextEdit[] = paramNode ? [] : [{ range: { start: keyword.endIndex, end: keyword.endIndex }, newText: ` (${name})` }];
    const inline: Fix = {
      title: 'Rethrow wasm aborts (`RuntimeError`, `Module terminated`) before handling the error',
      safety: 'unsafe',
      edits: [...paramEdits, insertAtBlockStart(this.ctx.text, body, abortGuard(name, style), style)],
    };
    const imported = importClassifier(this.ctx, style);
    const withClassifier: Fix = {
      title: this.classifierFixTitle(name),
      safety: 'unsafe',
      edits: [...paramEdits, insertAtBlockStart(this.ctx.text, body, classifierGuard(name), style), ...imported.edits],
    };
    return [inline, withClassifier];
  }

  private promiseHandlerFixes(handler: Node): Fix[] {
    const style = sourceStyleOf(this.ctx.text);
    const build = (guardOf: (param: string) => GuardStatement): FileEdit[] => guardPromiseHandler(this.ctx.text, handler, guardOf, style);
    const imported = importClassifier(this.ctx, style);
    return [
      { title: 'Rethrow wasm aborts (`RuntimeError`, `Module terminated`) before handling the rejection', safety: 'unsafe', edits: build((p) => abortGuard(p, style)) },
      { title: this.classifierFixTitle(handlerParameterName(handler)), safety: 'unsafe', edits: [...build(classifierGuard), ...imported.edits] },
    ];
  }

  private classifierFixTitle(param: string): string {
    const { path } = classifierModulePath(this.ctx);
    const created = !this.ctx.workspace.fileExists(path);
    return `Rethrow unless \`${RECOVERABLE_CLASSIFIER}(${param})\` (${created ? 'creates' : 'imported from'} ${displayModulePath(this.ctx, path)})`;
  }

}

function isConsumedByAssertion(chain: Node): boolean {
  let n = chain;
  while (n.parent && (n.parent.type === 'await_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const call = n.parent?.type === 'arguments' ? n.parent.parent : null;
  const callee = call?.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
  return /^(?:assert\.\w+|expect|t\.\w+)$/.test(callee);
}

/** The name the guard of `guardPromiseHandler` tests: the handler's own parameter, else the fresh name it adds. */
function handlerParameterName(handler: Node): string {
  if (!FUNCTION_TYPES.has(handler.type)) return freshName(handler.text);
  return firstParameterName(handler) ?? freshName(handler.childForFieldName('body')?.text ?? handler.text);
}

/** The name of a handler function's first parameter (`(e) => …`, `function (err: unknown) {…}`). */
function firstParameterName(fn: Node): string | undefined {
  const single = fn.childForFieldName('parameter');
  if (single?.type === 'identifier') return single.text;
  const first = fn.childForFieldName('parameters')?.namedChildren[0];
  if (first?.type === 'identifier') return first.text;
  const pattern = first && (first.type === 'required_parameter' || first.type === 'optional_parameter') ? first.childForFieldName('pattern') : null;
  return pattern?.type === 'identifier' ? pattern.text : undefined;
}

function lastSegment(text: string): string {
  const t = text.replace(/\s+/g, '');
  return t.slice(t.lastIndexOf('.') + 1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
