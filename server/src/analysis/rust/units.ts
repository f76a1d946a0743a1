// The code a rule analyses as one unit of execution entered from JS: a wasm-bindgen export (found in
// the crate index, or recognised from its attributes when the index is stale), and closures or futures
// handed to JS — `Closure::new/wrap/once/…` (directly or through `Box::new`), `spawn_local(async …)`,
// `future_to_promise(async …)`.

import type { Node } from 'web-tree-sitter';
import type { CrateIndex, RustExport } from '../workspace/types';
import type { RustEnv } from './env';
import { asPathCall, attributeArguments, attributesOf, isWasmBindgenAttribute, lastSegment, resultErrorType } from './syntax';
import { parentOf } from './parents';

export type CallbackKind = 'closure' | 'closure-aborting' | 'spawn_local' | 'future_to_promise';

const CLOSURE_OWNERS = new Set(['Closure', 'ScopedClosure']);
const CLOSURE_CONSTRUCTORS = /^(new|own|wrap|once|once_into_js|borrow|borrow_mut|new_with_into_js|wrap_assert_unwind_safe|own_assert_unwind_safe|once_assert_unwind_safe|borrow_assert_unwind_safe|borrow_mut_assert_unwind_safe|(own|wrap|once|borrow|borrow_mut|new)_aborting)$/;

/** The export a `function_item` is, if any. */
export function exportOfFunction(fn: Node, env: RustEnv): RustExport | undefined {
  if (fn.type !== 'function_item' || !env.index) return undefined;
  const nameNode = fn.childForFieldName('name');
  if (!nameNode) return undefined;
  const candidates = exportsByNameStart(env.index, env.path).get(nameNode.startIndex);
  if (!candidates) return undefined;
  const name = nameNode.text;
  return candidates.find((e) => e.name === name);
}

/** Per crate index: each file's exports by the offset of their name, in index order (asked for every function of every rule). */
const EXPORTS_BY_FILE = new WeakMap<CrateIndex, Map<string, Map<number, RustExport[]>>>();

function exportsByNameStart(index: CrateIndex, path: string): ReadonlyMap<number, RustExport[]> {
  let byFile = EXPORTS_BY_FILE.get(index);
  if (!byFile) {
    byFile = new Map();
    for (const e of index.exports) {
      let byStart = byFile.get(e.path);
      if (!byStart) byFile.set(e.path, (byStart = new Map()));
      const list = byStart.get(e.nameRange.start);
      if (list) list.push(e);
      else byStart.set(e.nameRange.start, [e]);
    }
    EXPORTS_BY_FILE.set(index, byFile);
  }
  return byFile.get(path) ?? NO_EXPORTS;
}

const NO_EXPORTS: ReadonlyMap<number, RustExport[]> = new Map();

/** True when `fn` looks like an export from its own attributes (or its impl's), independent of the index. */
export function hasExportAttributes(fn: Node): boolean {
  const attrs = attributesOf(fn);
  if (attrs.some((a) => isWasmBindgenAttribute(a) && !attributeArguments(a.args).has('start'))) return true;
  if (attrs.some((a) => a.name === 'event')) return true;
  const list = parentOf(fn);
  const impl = list?.type === 'declaration_list' ? parentOf(list) : null;
  if (impl?.type === 'impl_item') {
    const implAttrs = attributesOf(impl);
    if (implAttrs.some((a) => a.name === 'durable_object')) return true;
    const isPub = fn.namedChildren.some((c) => c.type === 'visibility_modifier' && c.text === 'pub');
    if (isPub && implAttrs.some(isWasmBindgenAttribute)) return true;
  }
  return false;
}

/** How a closure or async block is handed to JS, if it is. */
export function callbackKindOf(node: Node): CallbackKind | undefined {
  if (node.type !== 'closure_expression' && node.type !== 'async_block') return undefined;
  let arg: Node = node;
  for (let hops = 0; hops < 3; hops++) {
    // `Closure::wrap(Box::new(|e| …) as Box<dyn FnMut(_)>)`
    for (let up = parentOf(arg); up && (up.type === 'type_cast_expression' || up.type === 'parenthesized_expression'); up = parentOf(up)) arg = up;
    const args = parentOf(arg);
    if (args?.type !== 'arguments') return undefined;
    const call = parentOf(args);
    const p = call ? asPathCall(call) : undefined;
    if (!call || !p) return undefined;
    const owner = p.segments.length >= 2 ? p.segments[p.segments.length - 2] : undefined;
    if (node.type === 'closure_expression' && owner && CLOSURE_OWNERS.has(owner) && CLOSURE_CONSTRUCTORS.test(p.name)) {
      return /_aborting$/.test(p.name) ? 'closure-aborting' : 'closure';
    }
    if (node.type === 'async_block' && (p.name === 'spawn_local' || p.name === 'future_to_promise')) return p.name;
    // `Closure::wrap(Box::new(move || …))`; `future_to_promise(AssertUnwindSafe(async move { … }))`, the
    // wrapper panic=unwind builds need for a future that holds `&mut` state.
    if ((p.name === 'new' && owner === 'Box') || p.name === 'AssertUnwindSafe') {
      arg = call;
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** The body an analysis unit executes (function body, closure body, async block). */
export function unitBody(unit: Node): Node | null {
  if (unit.type === 'function_item' || unit.type === 'closure_expression') return unit.childForFieldName('body');
  if (unit.type === 'async_block') return unit.namedChildren.find((c) => c.type === 'block') ?? null;
  return null;
}

/** `Result<T, JsError>` (any path to JsError). */
export function returnsResultOfJsError(returnType: string | undefined): boolean {
  const error = returnType === undefined ? undefined : resultErrorType(returnType);
  return error !== undefined && lastSegment(error.replace(/\s+/g, '')) === 'JsError';
}
