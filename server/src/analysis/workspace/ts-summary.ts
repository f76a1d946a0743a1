// The TS/JS side of the workspace model (catalog §A10, §B3): which files are wasm-bindgen glue and which
// identifiers of a TS/JS file are bound to them. The Workspace caches `extractTsImports` per file text,
// resolution per structure generation and `recogniseWasmModule` per path. The work itself lives in
// ../ts/: imports.ts (syntax), module-resolution.ts, glue-recognition.ts, bindings.ts.

import type { Node } from 'web-tree-sitter';
import { resolveBindings } from '../ts/bindings';
import { recogniseGlue } from '../ts/glue-recognition';
import { extractImports, type RawTsImports } from '../ts/imports';
import { packageNameOf } from '../ts/module-resolution';
import { isTsConfigFile } from '../ts/tsconfig-paths';
import { dirname } from '../text/paths';
import type { CrateIndex, CrateInfo, TsFileSummary, WasmModule } from './types';

export type { RawTsImports } from '../ts/imports';

export interface ModuleResolver {
  fileExists(path: string): boolean;
  fileText(path: string): string | undefined;
  wasmModule(path: string): WasmModule | undefined;
  /** Directories of workspace packages named `name` (bare specifiers such as a wasm-pack `pkg/`). Optional. */
  packagesNamed?(name: string): readonly string[];
  /** The §B1 index of a crate: the exports of unbuilt glue come from it (ts/unbuilt-glue.ts). Optional. */
  crateIndex?(crateRoot: string | undefined): CrateIndex;
  /** Directories of package.json files whose scripts run wasm-pack/wasm-bindgen (ts/unbuilt-glue.ts). Optional. */
  wasmBuildPackages?(): readonly string[];
}

export function extractTsImports(path: string, root: Node, text: string): RawTsImports {
  return extractImports(path, root, text);
}

export function resolveTsBindings(raw: RawTsImports, resolver: ModuleResolver): TsFileSummary {
  return resolveBindings(raw, resolver);
}

/**
 * True for files whose presence or text can change which modules are glue or what they export (§A10),
 * or where an import leads (package.json, tsconfig/jsconfig `paths`).
 * Hand-written TS barrels that re-export glue are not included: re-scanning every importer on each
 * keystroke in any .ts file would cost more than a stale binding until the next structural change.
 */
export function affectsWasmModules(path: string): boolean {
  return /(_bg\.wasm|\.d\.ts|\.js|\.mjs|\.cjs|(^|\/)package\.json)$/.test(path) || isTsConfigFile(path);
}

export function recogniseWasmModule(path: string, resolver: Omit<ModuleResolver, 'wasmModule'>, crates: readonly CrateInfo[]): WasmModule | undefined {
  return recogniseGlue(path, resolver, crates);
}

/** Package name → directories, for `ModuleResolver.packagesNamed` (node_modules excluded: resolved by path). */
export function indexPackagesByName(files: Iterable<readonly [string, string | undefined]>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const [path, text] of files) {
    if (text === undefined || !(path === 'package.json' || path.endsWith('/package.json')) || path.includes('/node_modules/')) continue;
    const name = packageNameOf(text);
    if (!name) continue;
    const dirs = index.get(name) ?? [];
    dirs.push(dirname(path));
    index.set(name, dirs);
  }
  for (const dirs of index.values()) dirs.sort();
  return index;
}
