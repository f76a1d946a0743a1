// Turns a file's raw imports into §B3 WASM_BINDINGS: each import is resolved to a file; when that file is
// wasm-bindgen glue, its identifiers become bindings (default → init, named → the module's function or
// class, namespace → namespace). One level of local re-export is followed: a workspace TS/JS file that
// does `export { parse } from './pkg/x.js'` or `export * from …` passes the glue's bindings through.
// An import that resolves to no file may still be glue that is not built (ts/unbuilt-glue.ts); then only
// names the crate's Rust sources export are bound (a hand-written wrapper's own exports are not calls
// into wasm).

import { languageOfPath } from '../parsing/grammars';
import type { TsFileSummary, WasmBinding, WasmBindingKind, WasmModule } from '../workspace/types';
import type { RawImport, RawImportBinding, RawTsImports } from './imports';
import { type ResolutionFiles, resolveSpecifier, unresolvedTargets } from './module-resolution';
import { type ReexportScan, scanReexports } from './source-scan';

export interface BindingResolver extends ResolutionFiles {
  wasmModule(path: string): WasmModule | undefined;
}

/** Named imports that are the init functions of web/no-modules glue, not calls into Rust. */
const INIT_EXPORTS = new Set(['default', 'initSync', '__wbg_init']);

/** Re-exporting files larger than this are not scanned (they are not thin barrels). */
const MAX_REEXPORT_SCAN = 256 * 1024;

export function bindingKindOf(module: WasmModule, importedName: string): WasmBindingKind {
  if (importedName === '*') return 'namespace';
  if (INIT_EXPORTS.has(importedName)) return 'init';
  const exp = module.exports.get(importedName);
  return exp ? (exp.kind === 'unknown' ? 'unknown' : exp.kind) : 'unknown';
}

interface Reexporter {
  readonly scan: ReexportScan;
  readonly path: string;
}

export function resolveBindings(raw: RawTsImports, resolver: BindingResolver): TsFileSummary {
  const bindings = new Map<string, WasmBinding>();
  const typeBindings = new Map<string, WasmBinding>();
  /** Value imports are calls; type-only ones count only when they name a class or namespace (annotations). */
  const bind = (b: RawImportBinding, binding: WasmBinding): void => {
    if (!b.typeOnly) bindings.set(b.localName, binding);
    else if (binding.kind === 'class' || binding.kind === 'namespace') typeBindings.set(b.localName, binding);
  };
  const importSpecifiers: { specifier: string; resolved?: string; range: RawImport['range'] }[] = [];
  const reexporters = new Map<string, Reexporter | null>();

  const reexporterAt = (path: string): Reexporter | undefined => {
    const cached = reexporters.get(path);
    if (cached !== undefined) return cached ?? undefined;
    let found: Reexporter | undefined;
    const language = languageOfPath(path);
    if (language && language !== 'rust' && !path.endsWith('.d.ts') && path !== raw.path) {
      const text = resolver.fileText(path);
      const scan = text !== undefined && text.length <= MAX_REEXPORT_SCAN ? scanReexports(text) : undefined;
      if (scan) found = { scan, path };
    }
    reexporters.set(path, found ?? null);
    return found;
  };
  const moduleFrom = (fromPath: string, specifier: string): WasmModule | undefined => {
    const target = resolveSpecifier(fromPath, specifier, resolver);
    return target === undefined ? unbuiltModule(fromPath, specifier, resolver) : resolver.wasmModule(target);
  };

  for (const imp of raw.imports) {
    const resolved = resolveSpecifier(raw.path, imp.specifier, resolver);
    importSpecifiers.push({ specifier: imp.specifier, ...(resolved !== undefined ? { resolved } : {}), range: imp.range });
    if (imp.bindings.length === 0) continue;
    const module = resolved === undefined ? unbuiltModule(raw.path, imp.specifier, resolver) : resolver.wasmModule(resolved);
    if (module) {
      for (const b of imp.bindings) {
        if (!bindsToGlue(module, b.importedName)) continue;
        bind(b, {
          localName: b.localName, importedName: b.importedName, kind: bindingKindOf(module, b.importedName), modulePath: module.path, range: b.range,
        });
      }
      continue;
    }
    if (resolved === undefined) continue;
    const via = reexporterAt(resolved);
    if (!via) continue;
    for (const b of imp.bindings) {
      const target = throughReexport(via, b.importedName, moduleFrom);
      if (target && bindsToGlue(target.module, target.importedName)) {
        bind(b, {
          localName: b.localName, importedName: target.importedName, kind: bindingKindOf(target.module, target.importedName), modulePath: target.module.path, range: b.range,
        });
      }
    }
  }
  return { path: raw.path, bindings, ...(typeBindings.size > 0 ? { typeBindings } : {}), importSpecifiers };
}

/** The glue of a crate that is not built, for an import that resolves to no file. */
function unbuiltModule(fromPath: string, specifier: string, resolver: BindingResolver): WasmModule | undefined {
  for (const target of unresolvedTargets(fromPath, specifier, resolver)) {
    const module = resolver.wasmModule(target);
    if (module) return module;
  }
  return undefined;
}

/**
 * Unbuilt glue knows its exports from the Rust sources: other names (a wrapper's own helpers, enums and
 * constants the index does not list) are not bound, so they are never taken for calls into wasm.
 */
function bindsToGlue(module: WasmModule, importedName: string): boolean {
  if (!module.unbuilt || module.exports.size === 0) return true;
  return importedName === '*' || INIT_EXPORTS.has(importedName) || module.exports.has(importedName);
}

/** What `importedName` of a re-exporting file is, when it comes from glue. */
function throughReexport(
  via: Reexporter,
  importedName: string,
  moduleFrom: (fromPath: string, specifier: string) => WasmModule | undefined,
): { module: WasmModule; importedName: string } | undefined {
  const { scan, path } = via;
  if (importedName === '*') {
    // A namespace of a barrel is the glue's namespace only when the barrel is nothing but one `export *`.
    if (!scan.onlyReexports || scan.named.size > 0 || scan.namespaces.size > 0 || scan.stars.length !== 1) return undefined;
    const module = moduleFrom(path, scan.stars[0]);
    return module ? { module, importedName: '*' } : undefined;
  }
  const named = scan.named.get(importedName);
  if (named) {
    const module = moduleFrom(path, named.specifier);
    return module ? { module, importedName: named.importedName } : undefined;
  }
  const ns = scan.namespaces.get(importedName);
  if (ns) {
    const module = moduleFrom(path, ns);
    return module ? { module, importedName: '*' } : undefined;
  }
  if (importedName === 'default') return undefined; // `export *` never re-exports a default
  for (const star of scan.stars) {
    const module = moduleFrom(path, star);
    if (!module) continue;
    if (module.exports.has(importedName)) return { module, importedName };
    // Exports unknown: the name can only come from the glue if the barrel defines nothing else.
    if (module.exports.size === 0 && scan.onlyReexports && scan.stars.length === 1) return { module, importedName };
  }
  return undefined;
}
