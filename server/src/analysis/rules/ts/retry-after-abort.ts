// retry-after-abort (catalog C03, failure-classification): code that tries a call into wasm again after
// it failed, without first rethrowing aborts or recovering the instance — a `for`/`while`/`do` loop whose
// `try` leaves the loop on success and whose `catch` goes round again, a function whose `catch` (or
// `.catch()` handler) calls the function itself, and retry helpers (`retry(() => wasm.f())`, `pRetry`,
// `asyncRetry`, `backoff` …) with a callback that calls wasm. After an abort the instance is dead (unwind,
// abort+handler: every attempt throws `Module terminated`) or corrupted (abort: attempts run on it).
// Swallowing catches in retry loops are this rule's findings, not catch-swallows-wasm-failure's.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, TextEdit } from '../../model';
import { handlerClassifies, handlerRethrowsOnEveryPath } from '../../ts/catch-analysis';
import {
  abortGuard, classifierModulePath, displayModulePath, FATAL_CLASSIFIER, fatalClassifierGuard, freshName, type GuardStatement,
  guardPromiseHandler, importClassifier, insertAtBlockStart, sourceStyleOf,
} from '../../ts/classifier-module';
import { buildModeOfModule, classifierCallPredicate, handlerRecovers, retryLoopOf, selfCallIn, TEST_FILE } from '../../ts/failure-context';
import { describeCall, FUNCTION_TYPES, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';
import { oneLineCode } from '../../text/one-line';

interface Candidate {
  readonly node: Node;
  readonly enclosingFunction: Node | undefined;
}

interface FileState {
  readonly facts: WasmCallFacts;
  readonly tries: Candidate[];
  readonly calls: Candidate[];
}

const states = new WeakMap<RuleContext, FileState>();

/** Retry helpers from npm (`p-retry`, `async-retry`, `exponential-backoff`, `promise-retry` …) and common local names. */
const RETRY_HELPER = /^(?:p[Rr]etry|retry|asyncRetry|retryAsync|withRetry|withRetries|promiseRetry|backOff|backoff|exponentialBackoff|retryWithBackoff)$/;
/** Options through which the caller decides what is retried. */
const RETRY_POLICY = /\b(?:shouldRetry|retryIf|retryCondition|onFailedAttempt|retryOn|isRetryable)\b/;
const LOOP_KEYWORDS: Readonly<Record<string, string>> = { for_statement: 'for', for_in_statement: 'for', while_statement: 'while', do_statement: 'do' };

export default defineRule({
  id: 'retry-after-abort',
  catalogId: 'C03',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'warning',
  summary: 'retry loop or retry helper re-enters a wasm instance after an abort without rethrowing or recovering',
  fix: 'unsafe',
  docs: 'docs/rules/retry-after-abort.md',
  nodeTypes: ['try_statement', 'call_expression', ...WASM_FACT_NODE_TYPES],

  visit(node, ctx) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), tries: [], calls: [] };
      states.set(ctx, state);
    }
    const { facts } = state;
    if (!facts.active) return;
    facts.collect(node);
    if (node.type === 'try_statement') {
      if (node.childForFieldName('handler')) state.tries.push({ node, enclosingFunction: facts.enclosingFunction() });
    } else if (node.type === 'call_expression') {
      const fn = node.childForFieldName('function');
      const name = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : fn?.text;
      if (name === 'catch' || name === 'then' || (name && RETRY_HELPER.test(name))) state.calls.push({ node, enclosingFunction: facts.enclosingFunction() });
    }
  },

  finish(ctx) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active || TEST_FILE.test(ctx.path)) return;
    const checker = new Checker(ctx, state.facts);
    for (const t of state.tries) checker.tryStatement(t);
    for (const c of state.calls) checker.call(c);
  },
});

class Checker {
  private readonly isClassifier: (name: string, call: Node) => boolean;

  constructor(private readonly ctx: RuleContext, private readonly facts: WasmCallFacts) {
    this.isClassifier = classifierCallPredicate(ctx, facts);
  }

  private protectedHandler(body: Node): boolean {
    return handlerRethrowsOnEveryPath(body) || handlerClassifies(body, this.isClassifier) || handlerRecovers(body, (key, at) => this.facts.helperBody(key, at));
  }

  // ---- try/catch in a loop, or calling its own function --------------------------------------------

  tryStatement({ node, enclosingFunction }: Candidate): void {
    const handler = node.childForFieldName('handler');
    const body = handler?.childForFieldName('body');
    const tryBody = node.childForFieldName('body');
    const keyword = handler?.child(0);
    if (!handler || !body || !tryBody || !keyword) return;
    const loop = retryLoopOf(node);
    const recursion = loop ? undefined : selfCallIn(body, enclosingFunction);
    if (!loop && !recursion) return;
    if (this.protectedHandler(body)) return;
    const site = this.facts.callsIn(tryBody, { firstOnly: true })[0];
    if (!site) return;
    const how = loop
      ? `\`catch\` makes this \`${LOOP_KEYWORDS[loop.type] ?? 'loop'}\` loop call wasm \`${describeCall(site)}\` again after any failure`
      : `\`catch\` calls \`${oneLineCode(recursion!.text.replace(/\(.*$/s, ''))}(…)\` again after any failure of wasm call \`${describeCall(site)}\``;
    const related = [this.relatedCall(site)];
    if (loop) related.push({ path: this.ctx.path, range: { start: loop.startIndex, end: loop.startIndex + (LOOP_KEYWORDS[loop.type] ?? '').length }, message: 'the retry loop' });
    if (recursion) related.push({ path: this.ctx.path, range: { start: recursion.startIndex, end: recursion.endIndex }, message: 'the retry' });
    const paramNode = handler.childForFieldName('parameter');
    this.ctx.report({
      range: { start: keyword.startIndex, end: keyword.endIndex },
      message: `${how}: ${this.consequence(site)}`,
      related,
      fixes: () => this.catchFixes(keyword, body, paramNode),
    });
  }

  // ---- .catch(() => f()) and retry helpers ---------------------------------------------------------

  call({ node, enclosingFunction }: Candidate): void {
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    if (!fn) return;
    const prop = fn.type === 'member_expression' ? fn.childForFieldName('property') : null;
    if (prop && (prop.text === 'catch' || prop.text === 'then')) {
      const handler = prop.text === 'catch' ? args[0] : args[1];
      const receiver = fn.childForFieldName('object');
      if (!handler || !receiver || !FUNCTION_TYPES.has(handler.type)) return;
      const handlerBody = handler.childForFieldName('body');
      const retry = handlerBody ? selfCallIn(handlerBody, enclosingFunction) : undefined;
      if (!handlerBody || !retry) return;
      if (handlerBody.type === 'statement_block' && this.protectedHandler(handlerBody)) return;
      if (handlerBody.type !== 'statement_block' && handlerClassifies(handlerBody, this.isClassifier)) return;
      const site = this.facts.chainSource(receiver);
      if (!site) return;
      this.ctx.report({
        node: prop,
        message: `\`.${prop.text}()\` handler calls \`${oneLineCode(retry.text.replace(/\(.*$/s, ''))}(…)\` again after any failure of wasm call \`${describeCall(site)}\`: ${this.consequence(site)}`,
        related: [this.relatedCall(site), { path: this.ctx.path, range: { start: retry.startIndex, end: retry.endIndex }, message: 'the retry' }],
        fixes: () => this.promiseFixes(handler),
      });
      return;
    }
    const name = prop ? prop.text : fn.text;
    if (!RETRY_HELPER.test(name)) return;
    const callback = args.find((a) => FUNCTION_TYPES.has(a.type) || a.type === 'identifier' || a.type === 'member_expression');
    if (!callback) return;
    const site = this.facts.callbackEntersWasm(callback);
    if (!site) return;
    if (RETRY_POLICY.test(node.text) || this.callbackClassifies(callback)) return;
    this.ctx.report({
      node: prop ?? fn,
      message: `\`${name}(…)\` retries wasm call \`${describeCall(site)}\` after any failure: ${this.consequence(site)}`,
      related: [this.relatedCall(site)],
    });
  }

  /** The retried callback itself rethrows aborts or stops the retries on them (`throw new AbortError(..)` after a classifier). */
  private callbackClassifies(callback: Node): boolean {
    const body = FUNCTION_TYPES.has(callback.type) ? callback.childForFieldName('body') : null;
    return body !== null && handlerClassifies(body, this.isClassifier);
  }

  // ---- messages -------------------------------------------------------------------------------------

  private consequence(site: WasmCallSite): string {
    switch (buildModeOfModule(this.ctx, site.modulePath)) {
      case 'abort':
        return 'in this panic=abort build a panic leaves the instance unflagged and possibly corrupted, so the next attempt runs on that memory and may "succeed" with a wrong result';
      case 'abort+handler':
        return 'after an abort the instance is terminated, so every further attempt only throws `Module terminated`';
      case 'unwind':
        return 'after an abort the instance is terminated, so every further attempt only throws `Module terminated`, and a `PanicError` from the same input panics again';
      default:
        return 'an abort (`WebAssembly.RuntimeError`) is retried like a transient error on the same dead or corrupted instance';
    }
  }

  private relatedCall(site: WasmCallSite): { path: string; range: { start: number; end: number }; message: string } {
    return { path: this.ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: 'call into wasm that can abort' };
  }

  // ---- fixes ----------------------------------------------------------------------------------------

  private fixTitles(): { inline: string; classifier: string } {
    const { path } = classifierModulePath(this.ctx);
    const created = !this.ctx.workspace.fileExists(path);
    return {
      inline: 'Rethrow wasm aborts (`RuntimeError`, `Module terminated`) instead of retrying',
      classifier: `Rethrow when \`${FATAL_CLASSIFIER}(e)\` instead of retrying (${created ? 'creates' : 'imported from'} ${displayModulePath(this.ctx, path)})`,
    };
  }

  private catchFixes(keyword: Node, body: Node, paramNode: Node | null): Fix[] {
    if (paramNode && paramNode.type !== 'identifier') return [];
    const style = sourceStyleOf(this.ctx.text);
    const name = paramNode?.text ?? freshName(body.text);
    const paramEdits: TextEdit[] = paramNode ? [] : [{ range: { start: keyword.endIndex, end: keyword.endIndex }, newText: ` (${name})` }];
    const titles = this.fixTitles();
    return [
      { title: titles.inline, safety: 'unsafe', edits: [...paramEdits, insertAtBlockStart(this.ctx.text, body, abortGuard(name, style), style)] },
      {
        title: titles.classifier,
        safety: 'unsafe',
        edits: [...paramEdits, insertAtBlockStart(this.ctx.text, body, fatalClassifierGuard(name), style), ...importClassifier(this.ctx, style, FATAL_CLASSIFIER).edits],
      },
    ];
  }

  private promiseFixes(handler: Node): Fix[] {
    const style = sourceStyleOf(this.ctx.text);
    const titles = this.fixTitles();
    const build = (guardOf: (p: string) => GuardStatement) => guardPromiseHandler(this.ctx.text, handler, guardOf, style);
    return [
      { title: titles.inline, safety: 'unsafe', edits: build((p) => abortGuard(p, style)) },
      { title: titles.classifier, safety: 'unsafe', edits: [...build(fatalClassifierGuard), ...importClassifier(this.ctx, style, FATAL_CLASSIFIER).edits] },
    ];
  }
}
