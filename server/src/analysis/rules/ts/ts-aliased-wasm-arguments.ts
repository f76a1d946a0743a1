// WBG-TR3 ts-aliased-wasm-arguments: one wasm object passed twice to a wasm call — as receiver and
// argument (`m.mulAssign(m)`) or as two arguments (`merge(a, a)`) — where the Rust export borrows one of
// those positions mutably. wasm-bindgen borrows each object position of the call in turn (catalog §A4), so
// the second borrow of the same WasmRefCell throws "recursive use of an object detected…"; in panic=abort
// builds the borrow already taken is not released (§A2, [inferred]).
//
// Which positions borrow mutably is only known from the Rust side (ts/rust-join.ts): without the crate's
// sources nothing is reported (two shared borrows are fine, and the `.d.ts` cannot tell them apart).

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import { resetParentIndex } from '../../rust/parents';
import type { Fix } from '../../model';
import { type Borrow, borrowOfParam, borrowOfReceiver, buildModeOf, callText, keyOf, RECURSIVE_USE } from '../../ts/object-borrows';
import { borrowOfType, crateIndexesOfModule, exportedStructNames, rustExportOfCall, rustLocation, rustMethodsOfClass, rustRelated, rustSignature } from '../../ts/rust-join';
import { WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';
import type { RustExport } from '../../workspace/types';

interface FileState {
  readonly facts: WasmCallFacts;
  readonly calls: Node[];
}

const states = new WeakMap<RuleContext, FileState>();

export default defineRule({
  id: 'ts-aliased-wasm-arguments',
  catalogId: 'TR3',
  family: 'reentrancy',
  side: 'ts',
  defaultSeverity: 'warning',
  summary: 'the same wasm object passed twice to a wasm call that borrows one position mutably',
  fix: 'unsafe',
  docs: 'docs/rules/ts-aliased-wasm-arguments.md',
  nodeTypes: ['call_expression', 'new_expression', ...WASM_FACT_NODE_TYPES],

  visit(node: Node, ctx: RuleContext) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), calls: [] };
      states.set(ctx, state);
      resetParentIndex(ctx.root); // parent look-ups (rust/parents.ts) keep no nodes of an earlier run
    }
    if (!state.facts.active) return;
    state.facts.collect(node);
    if (node.type !== 'call_expression' && node.type !== 'new_expression') return;
    const argCount = node.childForFieldName('arguments')?.namedChildCount ?? 0;
    const hasReceiver = node.type === 'call_expression' && node.childForFieldName('function')?.type === 'member_expression';
    if (argCount + (hasReceiver ? 1 : 0) >= 2) state.calls.push(node);
  },

  finish(ctx: RuleContext) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active) return;
    for (const call of state.calls) checkCall(ctx, state.facts, call);
  },
});

/** One object position of a call: the receiver or an argument, with the Rust borrow it takes. */
interface Slot {
  readonly key: string;
  readonly node: Node;
  readonly borrow: Borrow;
  /** `&mut self`, or `dst: &mut Doc`. */
  readonly label: string;
  /** The Rust type of the object (for the `clone` fix). */
  readonly rustType?: string;
  readonly isReceiver: boolean;
}

function checkCall(ctx: RuleContext, facts: WasmCallFacts, call: Node): void {
  const site = facts.classify(call);
  if (!site || site.kind === 'helper') return;
  const rust = rustExportOfCall(ctx.workspace, site);
  if (!rust) return; // which positions are `&mut` is only known from the Rust side
  const objectTypes = exportedStructNames(ctx.workspace, ctx.workspace.wasmModule(site.modulePath));
  const slots: Slot[] = [];
  if (site.kind === 'method') {
    const object = call.childForFieldName('function')?.childForFieldName('object') ?? null;
    const key = keyOf(object);
    if (key && object) slots.push({ key, node: object, borrow: borrowOfReceiver(rust), label: `\`${rust.receiver}\``, rustType: rust.implType, isReceiver: true });
  }
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  args.forEach((arg, i) => {
    const key = keyOf(arg);
    const borrow = borrowOfParam(rust, i, objectTypes);
    if (!key || borrow === 'none' || borrow === 'unknown') return;
    const p = rust.params[i];
    const base = borrowOfType(p.type).base;
    slots.push({ key, node: arg, borrow, label: `\`${p.name}: ${p.type.replace(/\s+/g, ' ')}\``, rustType: base === 'Self' ? rust.implType : base, isReceiver: false });
  });
  for (let j = 1; j < slots.length; j++) {
    const second = slots[j];
    const first = slots.slice(0, j).find((s) => s.key === second.key);
    if (!first || (first.borrow !== 'mut' && second.borrow !== 'mut')) continue;
    report(ctx, site, rust, call, first, second);
    return;
  }
}

function report(ctx: RuleContext, site: WasmCallSite, rust: RustExport, call: Node, first: Slot, second: Slot): void {
  const ws = ctx.workspace;
  const mode = buildModeOf(ws, site.modulePath, ctx.crate?.buildMode);
  const key = first.key;
  const exclusive = first.borrow === 'mut' ? first : second;
  const other = exclusive === first ? second : first;
  const as = (s: Slot) => (s.isReceiver ? `the receiver (${s.label})` : s.label);
  const positions = first.isReceiver
    ? `\`${key}\` is both the receiver of \`${callText(call)}\` (${first.label}) and its argument ${second.label}`
    : `\`${key}\` is passed to \`${callText(call)}\` both as ${first.label} and as ${second.label}`;
  const error = mode === 'unwind' ? `\`PanicError\` "${RECURSIVE_USE}"` : `\`Error\` "${RECURSIVE_USE}"`;
  const leak = mode === 'unwind' ? '' : `, and in ${mode === undefined ? 'a' : 'this'} panic=abort build the borrow already taken is likely never released, leaving \`${key}\` unusable`;
  ctx.report({
    node: second.node,
    message: `${positions} (\`${rustSignature(rust, { params: true })}\` in ${rustLocation(ws, rust)}): wasm-bindgen borrows \`${key}\` exclusively for ${as(exclusive)}, so borrowing it again for ${as(other)} always throws ${error}${leak}`,
    severity: 'error',
    related: [
      { path: ctx.path, range: { start: first.node.startIndex, end: first.node.endIndex }, message: `the first use of \`${key}\` in the call` },
      rustRelated(rust, 'the Rust export and its parameter borrows'),
    ],
    fixes: () => cloneFixes(ctx, site, first, second),
  });
}

/** Pass a copy in the shared position: `merge(a, a)` → `merge(a, a.clone())`, when the class exports `clone`. */
function cloneFixes(ctx: RuleContext, site: WasmCallSite, first: Slot, second: Slot): Fix[] {
  const target = first.borrow === 'mut' && !second.isReceiver ? second : !first.isReceiver ? first : undefined;
  if (!target?.rustType) return [];
  const module = ctx.workspace.wasmModule(site.modulePath);
  const jsClass = crateIndexesOfModule(ctx.workspace, module).map((index) => index.structs.get(target.rustType!)?.jsName).find((n) => n !== undefined) ?? target.rustType;
  const clone = rustMethodsOfClass(ctx.workspace, module, jsClass).find((e) => e.jsName === 'clone' && e.receiver === '&self' && e.params.length === 0);
  if (!clone) return [];
  // Built glue must declare it too (the `.d.ts` is what the caller's code is compiled against).
  if (module && !module.unbuilt && module.exports.get(jsClass)?.methods?.has('clone') === false) return [];
  return [{
    title: `Pass a copy: \`${target.key}.clone()\` (\`${rustSignature(clone)}\`)`,
    safety: 'unsafe',
    edits: [{ range: { start: target.node.startIndex, end: target.node.endIndex }, newText: `${target.node.text}.clone()` }],
  }];
}
