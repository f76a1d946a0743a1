// STUB — replaced by the TS binding implementation (catalog §A10, §B3).
import type { Node } from 'web-tree-sitter';
import type { CrateInfo, TsFileSummary, WasmModule } from './types';

export interface RawTsImports {
  readonly path: string;
}

export interface ModuleResolver {
  fileExists(path: string): boolean;
  fileText(path: string): string | undefined;
  wasmModule(path: string): WasmModule | undefined;
}

export function extractTsImports(path: string, _root: Node, _text: string): RawTsImports {
  return { path };
}

export function resolveTsBindings(raw: RawTsImports, _resolver: ModuleResolver): TsFileSummary {
  return { path: raw.path, bindings: new Map(), importSpecifiers: [] };
}

/** True for files whose presence or text can change which modules are glue (§A10). */
export function affectsWasmModules(path: string): boolean {
  return /(_bg\.wasm|_bg\.js|\.d\.ts|\.js|\.mjs|package\.json)$/.test(path);
}

export function recogniseWasmModule(_path: string, _resolver: Omit<ModuleResolver, 'wasmModule'>, _crates: readonly CrateInfo[]): WasmModule | undefined {
  return undefined;
}
