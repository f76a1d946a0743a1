// Recognises wasm-bindgen output (catalog §A10) from file names and texts alone: which JS/`.d.ts` file
// is generated glue, why we think so, what it exports (functions with their async-ness, classes with
// their methods, the `default` init), the build mode its markers reveal, and the Rust crate that
// produced it (joined by lib name, §B4). It runs for every import target and every linted JS file, so
// the order of checks is cheapest first: path shape, sibling lookups, then `includes` before any regex.
// A path that does not exist but points into a crate's output location is that crate's unbuilt glue
// (unbuilt-glue.ts: exports derived from the Rust index).

import { basename, dirname, isWithin, joinPath, resolvePath } from '../text/paths';
import type { BuildMode, CrateInfo, WasmModule, WasmModuleExport } from '../workspace/types';
import { type DeclaredExport, readDeclarationExports, readGlueJsExports } from './source-scan';
import { linkedPathDependencies, outputLocations, unbuiltGlueModule, unbuiltGlueTarget } from './unbuilt-glue';
import type { CrateIndex } from '../workspace/types';

/** What recognition needs from the workspace (no I/O: answered from the workspace's file map). */
export interface GlueFiles {
  fileExists(path: string): boolean;
  fileText(path: string): string | undefined;
  /** The §B1 index of a crate, to derive the exports of unbuilt glue (optional: without it they are unknown). */
  crateIndex?(crateRoot: string | undefined): CrateIndex;
  /** True for paths the configuration declares to be wasm-bindgen bindings (`bindingModules` globs). */
  isConfiguredBindingModule?(path: string): boolean;
  /** Directories of package.json files whose scripts run wasm-pack/wasm-bindgen (ts/unbuilt-glue.ts; optional). */
  wasmBuildPackages?(): readonly string[];
}

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

/** Splits `pkg/foo_bar.js` into directory, glue base name (`foo_bar`, also for `foo_bar_bg.js`) and kind. */
function glueParts(path: string): { dir: string; stem: string; base: string; kind: 'js' | 'dts' } | undefined {
  const name = basename(path);
  let stem: string | undefined;
  let kind: 'js' | 'dts' = 'js';
  if (name.endsWith('.d.ts')) {
    stem = name.slice(0, -'.d.ts'.length);
    kind = 'dts';
  } else {
    for (const ext of JS_EXTENSIONS) if (name.endsWith(ext)) stem = name.slice(0, -ext.length);
  }
  if (!stem) return undefined;
  const base = stem.endsWith('_bg') && stem.length > 3 ? stem.slice(0, -3) : stem;
  return { dir: dirname(path), stem, base, kind };
}

/** Identifiers only generated glue contains (two different prefixes must both appear). */
const GLUE_PREFIXES = ['__wbindgen_', '__wbg_'] as const;
const GLUE_HELPERS = [
  'getStringFromWasm0', 'passStringToWasm0', 'takeFromExternrefTable0', 'addToExternrefTable0', 'getUint8ArrayMemory0',
  '__wbg_ptr', '__destroy_into_raw', 'handleError', 'wasm_bindgen__convert__closures', 'FinalizationRegistry',
] as const;

function hasGlueIdentifiers(text: string): boolean {
  if (!GLUE_PREFIXES.every((p) => text.includes(p))) return false;
  return GLUE_HELPERS.some((h) => text.includes(h)) || /\b__wbg_(?:init|get_imports|finalize_init|set_wasm|load)\b/.test(text);
}

function hasSelfTypesHeader(text: string, stem: string): boolean {
  if (!text.startsWith('/* @ts-self-types=')) return false;
  const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  return firstLine.includes(`"./${stem}.d.ts"`);
}

function hasBundlerEntryShape(text: string, stem: string): boolean {
  return text.includes('__wbg_set_wasm') && text.includes(`${stem}_bg.wasm`) && text.includes(`${stem}_bg.js`);
}

/** `.d.ts` shapes wasm-bindgen writes (§A10). */
function declarationEvidence(text: string): string | undefined {
  if (text.includes('export type InitInput') && text.includes('export interface InitOutput')) return '`InitInput`/`InitOutput` declarations';
  if (text.includes('export function initSync(') && text.includes('export default function __wbg_init')) return '`initSync`/`__wbg_init` declarations';
  if (text.includes('free(): void;')) {
    if (/\[Symbol\.dispose\]\(\): void;/.test(text)) return 'classes declaring `free()` and `[Symbol.dispose]()`';
    if (/^\/\* tslint:disable \*\/\s*\/\* eslint-disable \*\//.test(text)) return 'wasm-bindgen declaration header and `free(): void`';
  }
  if (text.includes('declare namespace wasm_bindgen')) return 'no-modules `wasm_bindgen` namespace';
  return undefined;
}

/** wasm-pack writes `files: ["<name>_bg.wasm", …]` into the package's package.json. */
function packageListsWasm(text: string | undefined, base: string): boolean {
  if (!text || !text.includes(`${base}_bg.wasm`)) return false;
  try {
    const json = JSON.parse(text) as { files?: unknown };
    return Array.isArray(json.files) && json.files.some((f) => typeof f === 'string' && f.endsWith(`${base}_bg.wasm`));
  } catch {
    return false;
  }
}

/** Build mode from glue markers (§A10); undefined when no glue JavaScript was read. */
export function glueBuildModeOf(jsTexts: readonly string[]): BuildMode | undefined {
  if (jsTexts.length === 0) return undefined;
  const has = (needle: string) => jsTexts.some((t) => t.includes(needle));
  if (has('__wbindgen_rethrow_critical') || has('"Critical error"') || has("'Critical error'")) return 'abort+handler';
  if (has('class PanicError extends Error') || has('__wbindgen_wrapped_jstag') || has('WebAssembly.JSTag')) return 'unwind';
  // The termination guard without PanicError is what --force-enable-abort-handler adds to panic=abort glue.
  if (has('__wbg_call_guard') || has('__wbg_handle_catch')) return 'abort+handler';
  return 'abort';
}

function toModuleExport(d: DeclaredExport): WasmModuleExport {
  const methods = d.methods
    ? new Map(d.methods.map((m) => [m.name, { isAsync: m.isAsync, isStatic: m.isStatic, returnType: m.returnType }]))
    : undefined;
  return { name: d.name, kind: d.kind, isAsync: d.isAsync, ...(d.returnType ? { returnType: d.returnType } : {}), ...(methods ? { methods } : {}) };
}

/** The crate whose lib name is the glue's base name (§B4); the one containing the glue, else the nearest by path. */
export function joinCrate(gluePath: string, base: string, crates: readonly CrateInfo[], files?: GlueFiles): CrateInfo | undefined {
  const candidates = crates.filter((c) => c.libName === base);
  if (candidates.length === 0 && files) {
    // `--out-name index`: the glue is named by the build script, not after the crate.
    const named = crates.filter((c) => c.usesWasmBindgen && isWithin(c.root, gluePath) && outputLocations(c, files).some((l) => l.name === base));
    // Prefer the crate whose output directory holds the glue, else the only crate around it with that out-name
    // (a bundled copy of the glue committed next to the build output, e.g. `wasm/index.js` for `wasm/dist/index.js`).
    return named.find((c) => outputLocations(c, files).some((l) => l.name === base && isWithin(l.dir, gluePath))) ?? (named.length === 1 ? named[0] : undefined);
  }
  if (candidates.length <= 1) return candidates[0];
  const containing = candidates.filter((c) => isWithin(c.root, gluePath)).sort((a, b) => b.root.length - a.root.length);
  if (containing.length > 0) return containing[0];
  const shared = (c: CrateInfo) => {
    const a = c.root.split('/');
    const b = gluePath.split('/');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  return [...candidates].sort((a, b) => shared(b) - shared(a) || (a.root < b.root ? -1 : 1))[0];
}

const STAR_REEXPORT = /\bexport\s*\*\s*from\s*(['"])(\.\.?\/[^'"\n]+)\1/g;

/** The unbuilt glue a recognised module re-exports with `export * from './…'` (first one found). */
function unbuiltReexports(
  dir: string, texts: readonly (string | undefined)[], files: GlueFiles, crates: readonly CrateInfo[],
): { module: WasmModule; crate: CrateInfo } | undefined {
  for (const text of texts) {
    if (text === undefined || !text.includes('export')) continue;
    for (const m of text.matchAll(STAR_REEXPORT)) {
      const target = resolvePath(dir, m[2]);
      if (files.fileExists(target)) continue;
      const found = unbuiltGlueTarget(target, files, crates);
      if (found && !files.fileExists(found.gluePath)) return { module: unbuiltGlueModule(found, files, crates), crate: found.crate };
    }
  }
  return undefined;
}

/** The wasm-bindgen module at `path` (a glue `.js`/`.mjs`/`.cjs`/`_bg.js` or its `.d.ts`), or undefined. */
export function recogniseGlue(path: string, files: GlueFiles, crates: readonly CrateInfo[]): WasmModule | undefined {
  if (!files.fileExists(path)) {
    const target = unbuiltGlueTarget(path, files, crates);
    if (target && !files.fileExists(target.gluePath)) return unbuiltGlueModule(target, files, crates);
    // The canonical glue file exists (the import named a directory or left out the extension).
    if (target && target.gluePath !== path) return recogniseGlue(target.gluePath, files, crates);
  }
  const parts = glueParts(path);
  if (!parts) return undefined;
  const { dir, stem, base, kind } = parts;
  const sibling = (name: string) => joinPath(dir, name);

  // The JS entry and declaration file that belong together.
  const dtsPath = kind === 'dts' ? path : files.fileExists(sibling(`${stem}.d.ts`)) ? sibling(`${stem}.d.ts`) : sibling(`${base}.d.ts`);
  const jsPath = kind === 'js' ? path : JS_EXTENSIONS.map((e) => sibling(stem + e)).find((p) => files.fileExists(p));
  const jsText = jsPath ? files.fileText(jsPath) : undefined;
  if (kind === 'js' && jsText === undefined && !files.fileExists(path)) return undefined;

  let evidence: string | undefined;
  if (files.fileExists(sibling(`${base}_bg.wasm`))) evidence = `sibling ${base}_bg.wasm`;
  else if (files.fileExists(sibling(`${base}_bg.js`)) && files.fileExists(sibling(`${base}_bg.wasm.d.ts`))) {
    evidence = `siblings ${base}_bg.js and ${base}_bg.wasm.d.ts`;
  }
  if (!evidence && jsText !== undefined) {
    if (hasBundlerEntryShape(jsText, stem)) evidence = `bundler entry importing ${stem}_bg.wasm`;
    else if (hasGlueIdentifiers(jsText)) {
      evidence = hasSelfTypesHeader(jsText, stem) ? '`@ts-self-types` header and wasm-bindgen glue identifiers' : 'wasm-bindgen glue identifiers';
    }
  }
  const dtsText = files.fileText(dtsPath);
  if (!evidence && dtsText !== undefined) {
    const shape = declarationEvidence(dtsText);
    if (shape) evidence = shape;
  }
  if (!evidence && packageListsWasm(files.fileText(sibling('package.json')), base)) evidence = `package.json lists ${base}_bg.wasm`;
  if (!evidence && files.isConfiguredBindingModule) {
    const declared = [path, jsPath, dtsPath].find((p) => p !== undefined && files.fileExists(p) && files.isConfiguredBindingModule!(p));
    if (declared) evidence = 'listed in the configuration (bindingModules)';
  }
  if (!evidence) return undefined;

  // Exports: the declaration file knows async-ness and classes; otherwise read the glue itself.
  const exports = new Map<string, WasmModuleExport>();
  const jsTexts: string[] = [];
  if (jsText !== undefined) jsTexts.push(jsText);
  const bgPath = sibling(`${base}_bg.js`);
  const bgText = bgPath !== jsPath ? files.fileText(bgPath) : undefined;
  if (bgText !== undefined) jsTexts.push(bgText);
  if (dtsText !== undefined) {
    for (const d of readDeclarationExports(dtsText)) exports.set(d.name, toModuleExport(d));
  } else if (jsText !== undefined) {
    const own = readGlueJsExports(jsText);
    for (const d of own.exports) exports.set(d.name, toModuleExport(d));
    if (bgText !== undefined && own.reexportFrom.some((s) => s.endsWith(`${base}_bg.js`))) {
      for (const d of readGlueJsExports(bgText).exports) if (!exports.has(d.name)) exports.set(d.name, toModuleExport(d));
    }
  }
  for (const name of [...exports.keys()]) if (name.startsWith('__wbg') || name.startsWith('__wbindgen')) exports.delete(name);

  // A loader that sets up the glue and `export * from "./pkg/x_bg.js"` while pkg/ is not built: the
  // re-exported glue's exports (from the Rust index) are its exports, and its crate is the loader's.
  const reexported = unbuiltReexports(dir, [jsText, dtsText], files, crates);
  if (reexported) for (const [name, e] of reexported.module.exports) if (!exports.has(name)) exports.set(name, e);

  const crate = joinCrate(path, base, crates, files) ?? reexported?.crate;
  const glueBuildMode = glueBuildModeOf(jsTexts.filter((t) => hasGlueIdentifiers(t) || t.includes('__wbg_set_wasm')));
  // The path dependencies whose `#[wasm_bindgen]` items are linked into this glue: the Rust join looks there too.
  const byRoot = new Map(crates.map((c) => [c.root, c]));
  const linked = crate ? linkedPathDependencies(crate, (dir) => byRoot.get(dir)).map((c) => c.root) : [];
  return {
    path: jsPath ?? dtsPath,
    evidence,
    exports,
    ...(glueBuildMode ? { glueBuildMode } : {}),
    ...(crate ? { crateRoot: crate.root } : {}),
    ...(linked.length > 0 ? { linkedCrateRoots: linked } : {}),
  };
}
