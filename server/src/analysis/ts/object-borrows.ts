// What the TS reentrancy rules (TR1–TR3) share: how a use of a wasm object borrows it on the Rust side
// (catalog §A4: every `&self`/`&mut self` method, getter, setter and `&T`/`&mut T` argument borrows the
// object's WasmRefCell for the duration of the call — for async methods from the first poll until the
// future completes), whether two borrows conflict, the "touches" of an object inside a piece of code that
// runs synchronously, and the guard error each build mode produces (§A2, §A12).

import type { Node } from 'web-tree-sitter';
import { parentOf } from '../rust/parents';
import { walkTree } from '../parsing/walk';
import type { WorkspaceQueries } from '../workspace/file-context';
import type { BuildMode, RustExport, WasmModule } from '../workspace/types';
import { borrowOfType, rustExportFor, rustExportOfCall } from './rust-join';
import { FUNCTION_TYPES, WasmCallFacts, type WasmCallSite } from './wasm-calls';
import { shortCode } from '../text/one-line';

/** How one use of the object borrows it: `unknown` when the Rust side is not in the workspace. */
export type Borrow = 'mut' | 'shared' | 'owned' | 'free' | 'none' | 'unknown';

export const RECURSIVE_USE = 'recursive use of an object detected which would lead to unsafe aliasing in rust';

/** The error a WasmRefCell conflict throws synchronously (§A4 `borrow_fail`), per build mode. */
export function guardError(mode: BuildMode | undefined): string {
  return mode === 'unwind' ? `\`PanicError\` "${RECURSIVE_USE}"` : `\`Error\` "${RECURSIVE_USE}"`;
}

/** Two borrows of one object at the same time fail (`free` claims ownership: conflicts with any borrow). */
export function conflicts(a: Borrow, b: Borrow): boolean | undefined {
  if (a === 'none' || b === 'none') return false;
  if (a === 'unknown' || b === 'unknown') return a === 'mut' || b === 'mut' || a === 'free' || b === 'free' || a === 'owned' || b === 'owned' ? true : undefined;
  return a !== 'shared' || b !== 'shared';
}

export function borrowOfReceiver(e: RustExport | undefined): Borrow {
  if (!e) return 'unknown';
  switch (e.receiver) {
    case '&mut self': return 'mut';
    case '&self': return 'shared';
    case 'self': return 'owned';
    default: return 'none';
  }
}

/** The borrow of argument position `index` of a Rust export (`none` for a non-object type). */
export function borrowOfParam(e: RustExport | undefined, index: number, objectTypes: ReadonlySet<string>): Borrow {
  if (!e) return 'unknown';
  const p = e.params[index];
  if (!p) return 'none';
  const { borrow, base } = borrowOfType(p.type);
  if (!objectTypes.has(base) && base !== 'Self') return 'none';
  return borrow;
}

/** The build mode whose errors a call into `modulePath` produces (crate configuration first, then glue markers). */
export function buildModeOf(workspace: WorkspaceQueries, modulePath: string, fallback: BuildMode | undefined): BuildMode | undefined {
  const module = workspace.wasmModule(modulePath);
  const crate = module?.crateRoot !== undefined ? workspace.crateOf(`${module.crateRoot}/Cargo.toml`) : undefined;
  return crate?.buildMode ?? module?.glueBuildMode ?? fallback;
}

/** A use of a wasm object (the receiver key `x` or `this.x`) inside some code. */
export interface Touch {
  /** The call (`x.m()`, `f(x)`), the member expression of a property access, or the `x.free()` call. */
  readonly node: Node;
  readonly kind: 'method' | 'getter' | 'setter' | 'argument' | 'free';
  /** Method or property name; for `argument`, the callee text. */
  readonly name: string;
  /** The wasm call made, for `method` and `argument`. */
  readonly site?: WasmCallSite;
  /** For `argument`: the index of the argument. */
  readonly argIndex?: number;
  /** The touch comes after an `await` of the code's own body (it runs in a later microtask). */
  readonly afterAwait: boolean;
}

/** Calls whose function argument runs before the call returns (array and iterator helpers). */
const SYNC_CALLBACK_METHODS = new Set([
  'map', 'forEach', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex',
  'flatMap', 'sort', 'toSorted', 'from',
]);

/** A nested function inside the scanned code that runs in place: an IIFE, or an array-helper callback. */
export function runsSynchronously(fn: Node): boolean {
  let child = fn;
  let parent = parentOf(fn);
  while (parent?.type === 'parenthesized_expression') {
    child = parent;
    parent = parentOf(parent);
  }
  if (!parent) return false;
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === child.id) return true;
  if (parent.type !== 'arguments') return false;
  const call = parentOf(parent);
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  return callee?.type === 'member_expression' && SYNC_CALLBACK_METHODS.has(callee.childForFieldName('property')?.text ?? '');
}

/** The identifier names a function declares as parameters (shadowing the object inside). */
export function parameterNames(fn: Node): Set<string> {
  const out = new Set<string>();
  const single = fn.childForFieldName('parameter');
  if (single?.type === 'identifier') out.add(single.text);
  const params = fn.childForFieldName('parameters');
  for (const p of params?.namedChildren ?? []) {
    const pattern = p.childForFieldName('pattern') ?? p;
    if (pattern.type === 'identifier') out.add(pattern.text);
  }
  return out;
}

/**
 * Every use of the object `key` in `body` that runs when `body` runs: method calls, property reads and
 * writes, `free()`/`[Symbol.dispose]()`, and passing it to a wasm call. Nested functions are skipped
 * unless they run in place; uses after an `await` of `body` itself are marked.
 */
export function touchesOf(body: Node, key: string, facts: WasmCallFacts): Touch[] {
  const out: Touch[] = [];
  const awaitEnds: number[] = [];
  walkTree(body, (node) => {
    if (node.id !== body.id && FUNCTION_TYPES.has(node.type)) return runsSynchronously(node) && !parameterNames(node).has(rootName(key));
    if (node.type === 'await_expression') awaitEnds.push(node.endIndex);
    if (node.type !== 'member_expression' && node.type !== 'subscript_expression' && node.type !== 'call_expression') return true;
    const touch = touchAt(node, key, facts);
    if (touch) out.push({ ...touch, afterAwait: awaitEnds.some((end) => end <= node.startIndex) });
    return true;
  });
  return out;
}

function rootName(key: string): string {
  return key.startsWith('this.') ? 'this' : key;
}

/** The receiver key (`x`, `this.x`) of an expression, if it is one. */
export function keyOf(node: Node | null): string | undefined {
  return node ? WasmCallFacts.receiverKey(node) : undefined;
}

function touchAt(node: Node, key: string, facts: WasmCallFacts): Omit<Touch, 'afterAwait'> | undefined {
  if (node.type === 'call_expression') {
    // `f(x)` / `Cls.m(x)`: the object passed to a wasm call.
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    const argIndex = args.findIndex((a) => keyOf(a) === key);
    if (argIndex < 0) return undefined;
    if (fn?.type === 'member_expression' && keyOf(fn.childForFieldName('object')) === key) return undefined; // `x.m(x)`: the method touch covers it
    const site = facts.classify(node);
    return site ? { node, kind: 'argument', name: fn?.text ?? '', site, argIndex } : undefined;
  }
  // `x.m(…)`, `x.p`, `x.p = v`, `x[Symbol.dispose]()`
  const object = node.childForFieldName('object');
  if (keyOf(object) !== key) return undefined;
  const parent = parentOf(node);
  const propNode = node.type === 'member_expression' ? node.childForFieldName('property') : node.childForFieldName('index');
  const name = propNode ? propNode.text.replace(/\s+/g, '') : '';
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id) {
    if (name === 'free' || name === 'Symbol.dispose') return { node: parent, kind: 'free', name: name === 'free' ? 'free' : '[Symbol.dispose]' };
    const site = facts.classify(parent);
    return site ? { node: parent, kind: 'method', name, site } : undefined;
  }
  if (node.type !== 'member_expression' || name === '' || name === 'then' || name === '__wbg_ptr') return undefined;
  // A property access: a field getter, or a setter when assigned.
  const instance = facts.instanceOf(key, node.startIndex);
  if (!instance) return undefined;
  const cls = instance.module.exports.get(instance.className);
  if (cls?.methods?.has(name)) return undefined; // a method read without calling it (passed as a callback)
  const isWrite = (parent?.type === 'assignment_expression' || parent?.type === 'augmented_assignment_expression') && parent.childForFieldName('left')?.id === node.id;
  return { node, kind: isWrite ? 'setter' : 'getter', name };
}

/** The Rust borrow a touch takes, from the join (`unknown` without it). */
export function borrowOfTouch(
  workspace: WorkspaceQueries, touch: Touch, instance: { readonly className: string; readonly module: WasmModule } | undefined, objectTypes: ReadonlySet<string>,
): { borrow: Borrow; rust?: RustExport } {
  switch (touch.kind) {
    case 'free':
      return { borrow: 'free' };
    case 'method': {
      const rust = touch.site ? rustExportOfCall(workspace, touch.site) : undefined;
      return { borrow: borrowOfReceiver(rust), rust };
    }
    case 'argument': {
      const rust = touch.site ? rustExportOfCall(workspace, touch.site) : undefined;
      return { borrow: borrowOfParam(rust, touch.argIndex ?? -1, objectTypes), rust };
    }
    case 'getter':
    case 'setter': {
      const rust = instance ? rustExportFor(workspace, instance.module, { kind: touch.kind, name: touch.name, className: instance.className }) : undefined;
      // Public fields have generated accessors: a getter borrows shared, a setter exclusively.
      return { borrow: touch.kind === 'getter' ? 'shared' : 'mut', rust };
    }
  }
}

/** `x.m(…)` / `f(…)` for messages: the callee followed by `(…)` or `()`. */
export function callText(node: Node): string {
  if (node.type !== 'call_expression' && node.type !== 'new_expression') return shorten(node.text);
  const fn = node.childForFieldName(node.type === 'call_expression' ? 'function' : 'constructor');
  const args = node.childForFieldName('arguments');
  const callee = shorten(fn?.text ?? node.text);
  return `${node.type === 'new_expression' ? 'new ' : ''}${callee}(${args && args.namedChildCount > 0 ? '…' : ''})`;
}

function shorten(text: string): string {
  return shortCode(text, 48);
}
