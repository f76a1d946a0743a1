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
import { handlerClassifies, handlerInspects, handlerRethrows, storedErrorTargets } from '../../ts/catch-analysis';
import {
  abortGuard, classifierGuard, classifierModulePath, displayModulePath, formatGuard, freshName, type GuardStatement,
  importClassifier, insertAtBlockStart, RECOVERABLE_CLASSIFIER, type SourceStyle, sourceStyleOf,
} from '../../ts/classifier-module';
import { describeCall, FUNCTION_TYPES, outermostChain, WASM_FACT_NODE_TYPES, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';
import type { BuildMode } from '../../workspace/types';

/** A node to check, with the functions around it (recorded during the traversal, where they are cheap). */
interface Candidate {
  readonly node: Node;
  readonly enclosingFunction: Node | undefined;
  readonly outermostFunction: Node | undefined;
}

interface FileState {
  readonly facts: WasmCallFacts;
  readonly tries: Candidate[];
  readonly handlerCalls: Node[];
  readonly settled: Candidate[];
}

const states = new WeakMap<RuleContext, FileState>();

const FRESH_INSTANCE = /WebAssembly\.instantiate(?:Streaming)?\s*\(|new\s+WebAssembly\.Instance\s*\(|\bimport\s*\(\s*`[^`]*\$\{/g;
const TEST_FILE = /(?:[._-](?:test|spec)\.[cm]?[jt]sx?$)|\/(?:__tests__|tests?)\//;
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
      state = { facts: new WasmCallFacts(ctx), tries: [], handlerCalls: [], settled: [] };
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
      if ((prop === 'catch' && argCount >= 1) || (prop === 'then' && argCount >= 2)) state.handlerCalls.push(node);
      else if (prop === 'allSettled' && fn.childForFieldName('object')?.text === 'Promise') state.settled.push(candidate());
    }
  },

  finish(ctx) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active) return;
    const check = new Checker(ctx, state.facts);
    for (const candidate of state.tries) check.tryStatement(candidate);
    for (const node of state.handlerCalls) check.handlerCall(node);
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
    if (this.accountable(handlerBody)) return;
    const paramNode = handler.childForFieldName('parameter');
    const param = paramNode?.type === 'identifier' ? paramNode.text : undefined;
    if (param && this.storedForLater(node, handlerBody, param, outermostFunction)) return;
    if (enclosingFunction && this.createsFreshInstance(enclosingFunction)) return;
    const site = this.facts.callsIn(tryBody, { firstOnly: true, consumed: (s) => this.consumedInOwnChain(s) })[0];
    if (!site) return;
    const keyword = handler.child(0);
    if (!keyword) return;
    this.ctx.report({
      range: { start: keyword.startIndex, end: keyword.endIndex },
      message: `\`catch\` around ${this.describe(site)} neither classifies nor rethrows: ${this.consequence(site)}`,
      related: this.related(site),
      fixes: () => this.catchClauseFixes(handler, handlerBody, paramNode),
    });
  }

  /** The handler rethrows, classifies (or tries to: C02's business), or asserts on the error (tests). */
  private accountable(handlerBody: Node): boolean {
    return handlerRethrows(handlerBody) || handlerInspects(handlerBody, (name, call) => this.isClassifierCall(name, call));
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

  handlerCall(call: Node): void {
    const fn = call.childForFieldName('function');
    const propNode = fn?.childForFieldName('property');
    const receiver = fn?.childForFieldName('object');
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (!fn || !propNode || !receiver) return;
    const handler = propNode.text === 'catch' ? args[0] : args.length >= 2 ? args[1] : undefined;
    if (!handler) return;
    const site = this.wasmSourceOfChain(receiver);
    if (!site) return;
    if (this.handlerFunctionAccountable(handler)) return;
    if (isConsumedByAssertion(outermostChain(call))) return;
    const what = propNode.text === 'catch' ? '`.catch()` handler' : 'rejection handler of `.then()`';
    this.ctx.report({
      node: propNode,
      message: `${what} on ${this.describe(site)} neither classifies nor rethrows: ${this.consequence(site)}`,
      related: this.related(site),
      fixes: () => this.promiseHandlerFixes(handler),
    });
  }

  /** The wasm call whose rejection reaches the end of `receiver`'s promise chain. */
  private wasmSourceOfChain(receiver: Node): WasmCallSite | undefined {
    let current: Node | null = receiver;
    while (current) {
      while (current && current.type === 'parenthesized_expression') current = current.namedChild(0);
      if (!current || current.type !== 'call_expression') return undefined;
      const direct = this.facts.classify(current);
      if (direct) return direct;
      const fn = current.childForFieldName('function');
      const prop = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
      if (!fn || (prop !== 'then' && prop !== 'finally')) return undefined;
      const callback = current.childForFieldName('arguments')?.namedChild(0);
      if (callback) {
        const inCallback = this.callbackEntersWasm(callback);
        if (inCallback) return inCallback;
      }
      // `.then(ok, h)` earlier in the chain: failures before it are h's business.
      if (prop === 'then' && (current.childForFieldName('arguments')?.namedChildCount ?? 0) >= 2) return undefined;
      current = fn.childForFieldName('object');
    }
    return undefined;
  }

  private callbackEntersWasm(callback: Node): WasmCallSite | undefined {
    if (FUNCTION_TYPES.has(callback.type)) {
      const body = callback.childForFieldName('body');
      return body ? this.facts.callsIn(body, { returnedCounts: true, firstOnly: true })[0] : undefined;
    }
    // `.then(render)`, `.then(wasm.parse)`: a function passed by name.
    return this.facts.functionReference(callback, callback);
  }

  private handlerFunctionAccountable(handler: Node): boolean {
    if (FUNCTION_TYPES.has(handler.type)) {
      const body = handler.childForFieldName('body');
      return !body || this.accountable(body);
    }
    if (handler.type === 'identifier' || handler.type === 'member_expression') {
      const name = lastSegment(handler.text);
      if (this.classifierNames.has(name) || FORWARDING_HANDLERS.has(name)) return true;
      const key = handler.type === 'member_expression' && handler.childForFieldName('object')?.type === 'this' ? `this.${name}` : name;
      const helper = this.facts.helperBody(key, handler.startIndex);
      return helper !== undefined && this.accountable(helper);
    }
    return true; // a handler built by an expression we cannot read: stay quiet
  }

  // ---- Promise.allSettled ---------------------------------------------------------------------------

  allSettled({ node: call, enclosingFunction }: Candidate): void {
    const arg = call.childForFieldName('arguments')?.namedChild(0);
    if (!arg) return;
    const site = this.facts.callsIn(arg, { asyncMustBeAwaited: false }).find((s) => s.isAsync) ?? this.mappedReference(arg);
    if (!site || !this.settledResultsIgnored(call, enclosingFunction)) return;
    const prop = call.childForFieldName('function')?.childForFieldName('property');
    if (!prop) return;
    this.ctx.report({
      node: prop,
      message: `\`Promise.allSettled\` over ${this.describe(site)} ignores the rejected results: ${this.consequence(site)}`,
      related: this.related(site),
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

  private buildMode(site: WasmCallSite): BuildMode | undefined {
    const module = this.ctx.workspace.wasmModule(site.modulePath);
    // The crate's configuration is what the next build produces; glue markers describe the last one.
    const crate = module?.crateRoot !== undefined ? this.ctx.workspace.crateOf(`${module.crateRoot}/Cargo.toml`) : undefined;
    return crate?.buildMode ?? module?.glueBuildMode ?? this.ctx.crate?.buildMode;
  }

  private consequence(site: WasmCallSite): string {
    switch (this.buildMode(site)) {
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

  private related(site: WasmCallSite): { path: string; range: { start: number; end: number }; message: string }[] {
    const out = [{ path: this.ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: 'call into wasm that can abort' }];
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
    const build = (guardOf: (param: string) => GuardStatement): FileEdit[] => this.guardPromiseHandler(handler, guardOf, style);
    const imported = importClassifier(this.ctx, style);
    return [
      { title: 'Rethrow wasm aborts (`RuntimeError`, `Module terminated`) before handling the rejection', safety: 'unsafe', edits: build((p) => abortGuard(p, style)) },
      { title: this.classifierFixTitle('e'), safety: 'unsafe', edits: [...build(classifierGuard), ...imported.edits] },
    ];
  }

  private classifierFixTitle(param: string): string {
    const { path } = classifierModulePath(this.ctx);
    const created = !this.ctx.workspace.fileExists(path);
    return `Rethrow unless \`${RECOVERABLE_CLASSIFIER}(${param})\` (${created ? 'creates' : 'imported from'} ${displayModulePath(this.ctx, path)})`;
  }

  /** Puts the guard first in a `.catch()`/`.then()` rejection handler, wrapping handlers given by name. */
  private guardPromiseHandler(handler: Node, guardOf: (param: string) => GuardStatement, style: SourceStyle): FileEdit[] {
    const text = this.ctx.text;
    const semi = style.semicolons ? ';' : '';
    if (FUNCTION_TYPES.has(handler.type)) {
      const body = handler.childForFieldName('body');
      const params = handler.childForFieldName('parameters');
      const single = handler.childForFieldName('parameter');
      const first = single ?? params?.namedChildren[0];
      const firstName = first?.type === 'identifier' ? first.text
        : first && (first.type === 'required_parameter' || first.type === 'optional_parameter') && first.childForFieldName('pattern')?.type === 'identifier'
          ? first.childForFieldName('pattern')!.text : undefined;
      if (body && (firstName || (!first && params))) {
        const name = firstName ?? freshName(body.text);
        const edits: FileEdit[] = [];
        if (!first && params) edits.push({ range: { start: params.startIndex, end: params.endIndex }, newText: `(${name})` });
        const guard = guardOf(name);
        if (body.type === 'statement_block') edits.push(insertAtBlockStart(text, body, guard, style));
        else edits.push({ range: { start: body.startIndex, end: body.endIndex }, newText: `{ ${formatGuard(guard, style, false)[0]} return ${body.text}${semi} }` });
        return edits;
      }
    }
    const name = freshName(handler.text);
    const callee = handler.type === 'identifier' || handler.type === 'member_expression' ? handler.text : `(${handler.text})`;
    return [{
      range: { start: handler.startIndex, end: handler.endIndex },
      newText: `(${name}) => { ${formatGuard(guardOf(name), style, false)[0]} return ${callee}(${name})${semi} }`,
    }];
  }
}

function isConsumedByAssertion(chain: Node): boolean {
  let n = chain;
  while (n.parent && (n.parent.type === 'await_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const call = n.parent?.type === 'arguments' ? n.parent.parent : null;
  const callee = call?.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
  return /^(?:assert\.\w+|expect|t\.\w+)$/.test(callee);
}

function lastSegment(text: string): string {
  const t = text.replace(/\s+/g, '');
  return t.slice(t.lastIndexOf('.') + 1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
