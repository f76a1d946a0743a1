// The cross-language join (catalog §B4) for TS rules: given what a TS file calls in wasm-bindgen glue
// (a function, a class's constructor/static/method, a getter or setter) find the Rust export behind it
// in the crate that produced the glue (`WasmModule.crateRoot`: joined by lib name for built glue, by the
// output location for unbuilt glue), and describe it for messages and `related` locations.
//
// Names: a function's or method's JS name is its `js_name`, else the Rust identifier (wasm-bindgen does
// not camelCase); a class's JS name is the struct's `js_name` (or the impl's `js_class`), else the type.
//
// Typical use in a rule:
//   const site = facts.classify(callNode);                 // ts/wasm-calls.ts
//   const rust = site && rustExportOfCall(ctx.workspace, site);
//   if (rust?.receiver === '&mut self') ctx.report({ …, message: `… is \`${rustSignature(rust)}\` in ${rustLocation(ctx.workspace, rust)}`,
//                                                   related: [rustRelated(rust, 'the Rust method')] });
// Everything here reads the workspace's cached indexes; nothing is kept between calls.

import type { RelatedLocation } from '../model';
import { isWithin, relativePath } from '../text/paths';
import type { WorkspaceQueries } from '../workspace/file-context';
import type { CrateIndex, RustExport, RustStruct, WasmBinding, WasmModule } from '../workspace/types';
import { jsClassOf } from './unbuilt-glue';
import type { WasmCallSite } from './wasm-calls';

/** How a TS expression reaches the export. */
export type JoinKind = 'function' | 'constructor' | 'static' | 'method' | 'getter' | 'setter';

export interface JoinTarget {
  readonly kind: JoinKind;
  /** The JS name: function, method, or property (getter/setter). Ignored for constructors. */
  readonly name: string;
  /** The JS class, for everything but free functions. */
  readonly className?: string;
}

/** The Rust index of the crate that produced `module`, when that crate is in the workspace. */
export function crateIndexOfModule(workspace: WorkspaceQueries, module: WasmModule | undefined): CrateIndex | undefined {
  if (module?.crateRoot === undefined) return undefined;
  const index = workspace.crateIndex(module.crateRoot);
  return index.files.length > 0 ? index : undefined;
}

/** The crate index of `module` followed by those of the path dependencies linked into it (`linkedCrateRoots`). */
export function crateIndexesOfModule(workspace: WorkspaceQueries, module: WasmModule | undefined): CrateIndex[] {
  const index = crateIndexOfModule(workspace, module);
  if (!index) return [];
  return [index, ...(module?.linkedCrateRoots ?? []).map((root) => workspace.crateIndex(root))];
}

/** Rust names of the exported structs of `module`'s crate and the crates linked into it. */
export function exportedStructNames(workspace: WorkspaceQueries, module: WasmModule | undefined): Set<string> {
  const out = new Set<string>();
  for (const index of crateIndexesOfModule(workspace, module)) for (const name of index.structs.keys()) out.add(name);
  return out;
}

/** The module a call site entered (cached by the workspace). */
export function moduleOfSite(workspace: WorkspaceQueries, site: Pick<WasmCallSite, 'modulePath'>): WasmModule | undefined {
  return workspace.wasmModule(site.modulePath);
}

/** The Rust export behind `target` in `module`'s crate, or undefined (crate not in the workspace, name not exported). */
export function rustExportFor(workspace: WorkspaceQueries, module: WasmModule | undefined, target: JoinTarget): RustExport | undefined {
  // The crate's own items first, then those of the path dependencies linked into the module.
  for (const index of crateIndexesOfModule(workspace, module)) {
    const found = exportIn(index, target);
    if (found) return found;
  }
  return undefined;
}

function exportIn(index: CrateIndex, target: JoinTarget): RustExport | undefined {
  const classOfRust = classNames(index);
  for (const e of index.exports) {
    if (e.isStart) continue;
    if (target.kind === 'function') {
      if (e.implType === undefined && e.jsName === target.name) return e;
      continue;
    }
    if (e.implType === undefined || jsClassOf(e, classOfRust) !== target.className) continue;
    switch (target.kind) {
      case 'constructor':
        if (e.isConstructor) return e;
        break;
      case 'getter':
      case 'setter':
        if (e.accessor?.kind === target.kind && e.accessor.property === target.name) return e;
        break;
      case 'static':
        if (!e.isConstructor && !e.accessor && e.receiver === 'none' && e.jsName === target.name) return e;
        break;
      case 'method':
        if (!e.isConstructor && !e.accessor && e.receiver !== 'none' && e.jsName === target.name) return e;
        break;
    }
  }
  return undefined;
}

/** The Rust export a WASM_CALL site enters (helpers: the call inside the helper is not followed). */
export function rustExportOfCall(workspace: WorkspaceQueries, site: WasmCallSite): RustExport | undefined {
  if (site.exportName === undefined && site.kind !== 'constructor') return undefined;
  const module = moduleOfSite(workspace, site);
  switch (site.kind) {
    case 'function':
    case 'namespace':
      return rustExportFor(workspace, module, { kind: 'function', name: site.exportName! });
    case 'constructor':
      return rustExportFor(workspace, module, { kind: 'constructor', name: 'constructor', className: site.className });
    case 'static':
    case 'method':
      return rustExportFor(workspace, module, { kind: site.kind, name: site.exportName!, className: site.className });
    default:
      return undefined;
  }
}

/** The Rust export behind an imported binding (a function), or behind `member` of a class binding. */
export function rustExportOfBinding(
  workspace: WorkspaceQueries, binding: WasmBinding, member?: { readonly name: string; readonly kind: Exclude<JoinKind, 'function'> },
): RustExport | undefined {
  const module = workspace.wasmModule(binding.modulePath);
  if (binding.kind === 'function' || (binding.kind === 'unknown' && !member)) {
    return rustExportFor(workspace, module, { kind: 'function', name: binding.importedName });
  }
  if (!member) return undefined;
  return rustExportFor(workspace, module, { ...member, className: binding.importedName });
}

/** Every method export of a JS class (for rules that ask "does the class have a `&mut self` method / a `clone`?"). */
export function rustMethodsOfClass(workspace: WorkspaceQueries, module: WasmModule | undefined, className: string): RustExport[] {
  return crateIndexesOfModule(workspace, module).flatMap((index) => {
    const classOfRust = classNames(index);
    return index.exports.filter((e) => e.implType !== undefined && jsClassOf(e, classOfRust) === className);
  });
}

/** The exported struct behind a JS class. */
export function rustStructOfClass(workspace: WorkspaceQueries, module: WasmModule | undefined, className: string): RustStruct | undefined {
  const indexes = crateIndexesOfModule(workspace, module);
  for (const index of indexes) for (const s of index.structs.values()) if (s.jsName === className) return s;
  for (const index of indexes) {
    const s = index.structs.get(className);
    if (s) return s;
  }
  return undefined;
}

/** The Rust struct name of a JS class (`Doc` for a struct `Doc` exported as `Document`), for matching parameter types. */
export function rustTypeOfClass(workspace: WorkspaceQueries, module: WasmModule | undefined, className: string): string | undefined {
  return rustStructOfClass(workspace, module, className)?.name;
}

/** How a parameter type borrows an exported object: `&mut T`, `&T`, by value, or not an object position. */
export type ParamBorrow = 'mut' | 'shared' | 'owned';

/** The borrow of a Rust parameter type text (`&mut Doc` → mut, `&Doc` → shared, `Doc` → owned; `Option<&mut Doc>` → mut). */
export function borrowOfType(type: string): { readonly borrow: ParamBorrow; readonly base: string } {
  let t = type.replace(/\s+/g, ' ').trim();
  const opt = /^(?:(?:std|core)::option::)?Option\s*<\s*(.*)>$/s.exec(t);
  if (opt) t = opt[1].trim();
  const m = /^&\s*(?:'[A-Za-z_]\w*\s*)?(mut\b)?\s*(.*)$/s.exec(t);
  const base = (m ? m[2] : t).replace(/<.*$/s, '').replace(/^.*::/, '').trim();
  return { borrow: m ? (m[1] ? 'mut' : 'shared') : 'owned', base };
}

/** `async fn sync(&mut self)`, `fn merge(dst: &mut Doc, src: &Doc)`: the signature as a user reads it in messages. */
export function rustSignature(e: RustExport, options: { readonly params?: boolean } = {}): string {
  const parts: string[] = [];
  if (e.receiver !== 'none') parts.push(e.receiver);
  if (options.params || e.receiver === 'none') for (const p of e.params) parts.push(`${p.name}: ${p.type.replace(/\s+/g, ' ')}`);
  else if (e.params.length > 0) parts.push('…');
  return `${e.isAsync ? 'async ' : ''}fn ${e.name}(${parts.join(', ')})`;
}

/** `src/client.rs:42` (path relative to the crate root when known, 1-based line of the function name). */
export function rustLocation(workspace: WorkspaceQueries, e: RustExport, crateRoot?: string): string {
  const root = crateRoot ?? workspace.crateOf(e.path)?.root;
  const shown = root !== undefined && isWithin(root, e.path) ? relativePath(root, e.path) : e.path;
  const text = workspace.fileText(e.path);
  if (text === undefined) return shown;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < e.nameRange.start; i = text.indexOf('\n', i + 1)) line++;
  return `${shown}:${line}`;
}

/** A related location on the Rust function name. */
export function rustRelated(e: RustExport, message: string): RelatedLocation {
  return { path: e.path, range: e.nameRange, message };
}

function classNames(index: CrateIndex): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of index.structs.values()) out.set(s.name, s.jsName);
  return out;
}
