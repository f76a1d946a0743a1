// reinit-by-calling-init (catalog C04, TS side): after a call into wasm fails, the handler calls the
// glue's `init()`/`initSync()` (default import, `initSync`, `__wbg_init`, or `ns.default`/`ns.initSync`)
// to "get a fresh instance". wasm-bindgen's init returns early once the module is initialised
// (`if (wasm !== undefined) return wasm;`, §A3), so nothing is re-created: unwind and abort+handler
// builds keep throwing `Module terminated`, abort builds keep running on the corrupted instance.
//
// Reported: a `catch` clause (or the function given to `.catch(h)`/`.then(_, h)`) whose protected code
// calls a wasm export and whose handler calls init — directly or through a same-file helper (one level).
// Not reported: a handler whose protected code itself calls init (a fallback load: if the first init
// failed, the second one does instantiate), test files, dynamically re-imported glue (a fresh copy).
// Documented in docs/rules/reinit-by-calling-init.md; cases in test-fixtures/ts/reinit-by-calling-init.ts.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, FileEdit } from '../../model';
import { walkTree } from '../../parsing/walk';
import { promiseRejectionHandler } from '../../ts/catch-analysis';
import { buildModeOfModule, TEST_FILE } from '../../ts/failure-context';
import { glueExportsResetState } from '../../ts/reinit-glue';
import { describeCall, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';
import type { BuildMode, WasmBinding } from '../../workspace/types';

const INIT_NAMES = new Set(['default', 'initSync', '__wbg_init']);
const FUNCTION_VALUE_TYPES = new Set(['arrow_function', 'function_expression', 'function']);

interface FileState {
  readonly facts: WasmCallFacts;
  readonly tries: Node[];
  readonly handlerCalls: Node[];
}

const states = new WeakMap<RuleContext, FileState>();

interface InitCall {
  readonly node: Node;
  readonly binding: WasmBinding;
  /** `init`, `initSync`, `wasm.default` … as written. */
  readonly callee: string;
  /** Set when the init call is inside a helper the handler calls: the helper's call site. */
  readonly via?: Node;
}

export default defineRule({
  id: 'reinit-by-calling-init',
  catalogId: 'C04',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'error',
  summary: '`init()`/`initSync()` called again after a wasm failure: a no-op once the module is initialised, the instance stays dead',
  fix: 'unsafe',
  docs: 'docs/rules/reinit-by-calling-init.md',
  nodeTypes: ['try_statement', 'call_expression', ...WASM_FACT_NODE_TYPES],

  visit(node, ctx) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), tries: [], handlerCalls: [] };
      states.set(ctx, state);
    }
    if (!state.facts.active || TEST_FILE.test(ctx.path)) return;
    state.facts.collect(node);
    if (node.type === 'try_statement') {
      if (node.childForFieldName('handler')) state.tries.push(node);
    } else if (promiseRejectionHandler(node)) {
      state.handlerCalls.push(node);
    }
  },

  finish(ctx) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active || TEST_FILE.test(ctx.path)) return;
    const { facts } = state;
    for (const tryNode of state.tries) {
      const body = tryNode.childForFieldName('body');
      const handlerBody = tryNode.childForFieldName('handler')?.childForFieldName('body');
      if (!body || !handlerBody) continue;
      if (initCallsIn(body, facts, false).length > 0) continue; // fallback loading, not recovery
      const init = initCallsIn(handlerBody, facts, true)[0];
      if (!init) continue;
      const site = facts.callsIn(body, { firstOnly: true, asyncMustBeAwaited: true })[0];
      if (site) report(ctx, facts, init, site);
    }
    for (const call of state.handlerCalls) {
      const receiver = call.childForFieldName('function')?.childForFieldName('object');
      const handler = promiseRejectionHandler(call);
      if (!receiver || !handler || !FUNCTION_VALUE_TYPES.has(handler.type)) continue;
      if (initCallsIn(receiver, facts, false).length > 0) continue;
      const handlerBody = handler.childForFieldName('body');
      const init = handlerBody ? initCallsIn(handlerBody, facts, true)[0] : undefined;
      if (!init) continue;
      const site = facts.callsIn(receiver, { firstOnly: true, asyncMustBeAwaited: false, returnedCounts: true })[0];
      if (site) report(ctx, facts, init, site);
    }
  },
});

/** Calls of the glue's init functions inside `scope` (nested callbacks included: they run later, still a no-op). */
function initCallsIn(scope: Node, facts: WasmCallFacts, followHelpers: boolean): InitCall[] {
  const out: InitCall[] = [];
  walkTree(scope, (node) => {
    if (node.type !== 'call_expression') return true;
    const direct = asInitCall(node, facts);
    if (direct) {
      out.push(direct);
      return true;
    }
    if (followHelpers) {
      const fn = node.childForFieldName('function');
      const key = fn?.type === 'identifier' ? fn.text
        : fn?.type === 'member_expression' && fn.childForFieldName('object')?.type === 'this' ? `this.${fn.childForFieldName('property')?.text ?? ''}` : undefined;
      const helper = key ? facts.helperBody(key, node.startIndex) : undefined;
      const inner = helper ? initCallsIn(helper, facts, false)[0] : undefined;
      if (inner) out.push({ ...inner, via: node });
    }
    return true;
  });
  return out;
}

function asInitCall(call: Node, facts: WasmCallFacts): InitCall | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') {
    const b = facts.binding(fn.text, fn.startIndex);
    return b && b.kind === 'init' ? { node: call, binding: b, callee: fn.text } : undefined;
  }
  if (fn.type === 'member_expression') {
    const object = fn.childForFieldName('object');
    const prop = fn.childForFieldName('property')?.text ?? '';
    const b = object?.type === 'identifier' ? facts.binding(object.text, object.startIndex) : undefined;
    return b && b.kind === 'namespace' && INIT_NAMES.has(prop) ? { node: call, binding: b, callee: fn.text } : undefined;
  }
  return undefined;
}

function report(ctx: RuleContext, facts: WasmCallFacts, init: InitCall, site: WasmCallSite): void {
  const mode = buildModeOfModule(ctx, init.binding.modulePath);
  const at = init.via ?? init.node;
  const helper = init.via ? ` (through \`${init.via.childForFieldName('function')?.text ?? 'helper'}()\`)` : '';
  const message = `\`${init.callee}()\`${helper} does not recover from a failure of \`${describeCall(site)}\`: wasm-bindgen's init returns ` +
    `the existing instance once the module is initialised, so ${consequence(mode)}; recover with \`__wbg_reset_state()\` ` +
    `(built with \`--experimental-reset-state-function\`), \`set_on_abort(schedule_reinit)\` in Rust, or a fresh Worker`;
  const related = [{ path: ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: 'the wasm call whose failure this handles' }];
  if (init.via) related.push({ path: ctx.path, range: { start: init.node.startIndex, end: init.node.endIndex }, message: 'the init call that does nothing' });
  ctx.report({ node: at, message, related, fixes: () => resetFix(ctx, facts, init) });
}

function consequence(mode: BuildMode | undefined): string {
  switch (mode) {
    case 'unwind':
    case 'abort+handler':
      return 'after an abort every later call still throws `Error(\'Module terminated\')`';
    case 'abort':
      return 'after a panic (a `RuntimeError` in this panic=abort build) later calls keep running on the same, possibly corrupted instance';
    default:
      return 'after an abort later calls keep reaching the same dead or corrupted instance';
  }
}

/**
 * When the glue exports `__wbg_reset_state` (built with `--experimental-reset-state-function`): call it
 * instead of init — through the namespace, or imported next to the init binding.
 */
function resetFix(ctx: RuleContext, facts: WasmCallFacts, init: InitCall): Fix[] {
  if (init.via) return [];
  // `exports = await init()`: init's result (the instance's exports) is used; `__wbg_reset_state()` returns nothing.
  let value: Node = init.node;
  while (value.parent && (value.parent.type === 'await_expression' || value.parent.type === 'parenthesized_expression')) value = value.parent;
  if (value.parent?.type !== 'expression_statement') return [];
  if (!glueExportsResetState(ctx.workspace, init.binding.modulePath)) return [];
  const call: FileEdit = { range: { start: init.node.startIndex, end: init.node.endIndex }, newText: '' };
  if (init.binding.kind === 'namespace') {
    return [{
      title: `Reset the instance with \`${init.binding.localName}.__wbg_reset_state()\` instead of \`${init.callee}()\``,
      safety: 'unsafe',
      edits: [{ ...call, newText: `${init.binding.localName}.__wbg_reset_state()` }],
    }];
  }
  const existing = facts.binding('__wbg_reset_state');
  const name = existing && existing.modulePath === init.binding.modulePath ? existing.localName : '__wbg_reset_state';
  const edits: FileEdit[] = [{ ...call, newText: `${name}()` }];
  if (!existing) {
    const specifier = ctx.ts?.importSpecifiers.find((s) => s.resolved === init.binding.modulePath);
    if (!specifier) return [];
    // Only next to an ESM `import … from '…'` (a `require()` file gets no `import` statement).
    const lineStart = ctx.text.lastIndexOf('\n', specifier.range.start) + 1;
    if (!/^\s*import\b[^;]*\bfrom\s*$/.test(ctx.text.slice(lineStart, specifier.range.start))) return [];
    const statementEnd = endOfStatement(ctx.text, specifier.range.end);
    edits.push({ range: { start: statementEnd, end: statementEnd }, newText: `\nimport { __wbg_reset_state } from ${ctx.text.slice(specifier.range.start, specifier.range.end)};` });
  } else if (existing.modulePath !== init.binding.modulePath) {
    return [];
  }
  return [{ title: `Reset the instance with \`__wbg_reset_state()\` instead of \`${init.callee}()\``, safety: 'unsafe', edits }];
}

/** The end of the line that holds an import's specifier (after its `;`, if any). */
function endOfStatement(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  const end = newline < 0 ? text.length : newline;
  return text[end - 1] === '\r' ? end - 1 : end;
}
