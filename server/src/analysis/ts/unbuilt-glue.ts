// Recognises wasm-bindgen glue that is not in the workspace (catalog §A10, §B4): wasm-pack's output
// directory is usually git-ignored, so real repositories import `../pkg/node/foo`, `../pkg`, a package
// named by a `file:../crate/pkg` dependency, or the crate directory itself as a workspace package, and
// none of those resolve to a file. When such a path points into the output location of a crate that
// uses wasm-bindgen, the module is that crate's glue and its exports are derived from the crate's Rust
// export index: `js_name` else the Rust identifier, classes from exported structs and `js_class` impls,
// methods with async-ness and static-ness, getters/setters left out (they are properties). The
// `#[wasm_bindgen]` items of the crate's path dependencies that use wasm-bindgen are linked into the
// same module, so their exports are added (`linkedCrateRoots`; the Rust join looks there too).
//
// Output locations: `<crate>/pkg` with the lib name (wasm-pack's defaults), plus every `wasm-pack build
// [--out-dir d] [--out-name n]` and `wasm-bindgen x.wasm --out-dir d [--out-name n]` found in the
// scripts of the package.json files in the crate directory and its ancestors.

import { basename, dirname, isWithin, joinPath, resolvePath } from '../text/paths';
import { splitCommands, tokenize } from '../workspace/build-scripts';
import { crateManifest, crateTypes } from '../workspace/crate-project';
import type { CrateIndex, CrateInfo, RustExport, WasmModule, WasmModuleExport } from '../workspace/types';

export interface UnbuiltGlueFiles {
  fileExists(path: string): boolean;
  fileText(path: string): string | undefined;
  /** The §B1 index of a crate (the Workspace's cached one). Without it no exports can be derived. */
  crateIndex?(crateRoot: string | undefined): CrateIndex;
  /**
   * Directories of the workspace's package.json files whose scripts run wasm-pack or wasm-bindgen
   * (optional): a web app often builds the crate from its own package.json, which is not above the crate.
   */
  wasmBuildPackages?(): readonly string[];
}

/** Where a crate's glue is written: a directory and the glue's base name. */
export interface OutputLocation {
  readonly dir: string;
  readonly name: string;
  /** `pkg (wasm-pack default)` or the script that says so, for messages. */
  readonly source: string;
}

/** Directories below an output location that may hold one target each (`pkg/node`, `pkg/web/esm`). */
const MAX_TARGET_DEPTH = 2;
/** How many directories above the crate may hold the package.json whose scripts build it. */
const MAX_SCRIPT_ANCESTORS = 3;
const GLUE_SUFFIX = /(?:_bg)?(?:\.d\.ts|\.[cm]?js|\.[cm]?ts)?$/;

const locationCache = new WeakMap<CrateInfo, readonly OutputLocation[]>();

/** The output locations of `crate` (memoised per CrateInfo object: a config change replaces it). */
export function outputLocations(crate: CrateInfo, files: Pick<UnbuiltGlueFiles, 'fileText' | 'wasmBuildPackages'>): readonly OutputLocation[] {
  const cached = locationCache.get(crate);
  if (cached) return cached;
  const out: OutputLocation[] = [{ dir: joinPath(crate.root, 'pkg'), name: crate.libName, source: 'pkg/ (wasm-pack default)' }];
  const seen = new Set<string>();
  let dir = crate.root;
  for (let i = 0; i <= MAX_SCRIPT_ANCESTORS; i++) {
    seen.add(dir);
    const text = files.fileText(joinPath(dir, 'package.json'));
    if (text !== undefined && text.includes('wasm-')) out.push(...locationsFromScripts(text, dir, crate));
    const up = dirname(dir);
    if (up === dir || up === '.') break;
    dir = up;
  }
  // Scripts elsewhere count when they name this crate: `wasm-pack build ../../crates/x` resolves to the
  // crate root, `wasm-bindgen …/x.wasm` names its lib (both checked in locationsFromScripts).
  for (const pkgDir of files.wasmBuildPackages?.() ?? []) {
    if (seen.has(pkgDir)) continue;
    const text = files.fileText(joinPath(pkgDir, 'package.json'));
    if (text !== undefined) out.push(...locationsFromScripts(text, pkgDir, crate));
  }
  const unique = out.filter((l, i) => out.findIndex((o) => o.dir === l.dir && o.name === l.name) === i);
  locationCache.set(crate, unique);
  return unique;
}

function locationsFromScripts(packageJson: string, packageDir: string, crate: CrateInfo): OutputLocation[] {
  let scripts: Record<string, unknown>;
  try {
    const json = JSON.parse(packageJson) as { scripts?: unknown };
    if (typeof json.scripts !== 'object' || json.scripts === null) return [];
    scripts = json.scripts as Record<string, unknown>;
  } catch {
    return [];
  }
  const out: OutputLocation[] = [];
  for (const [name, body] of Object.entries(scripts)) {
    if (typeof body !== 'string' || !body.includes('wasm-')) continue;
    let cwd = packageDir;
    for (const command of splitCommands(body)) {
      const words = tokenize(command, new Map()).filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
      if (words[0] === 'cd' && words[1] !== undefined) {
        cwd = resolvePath(cwd, words[1]);
        continue;
      }
      const tool = words.findIndex((w) => basename(w) === 'wasm-pack' || basename(w) === 'wasm-bindgen');
      if (tool < 0) continue;
      const args = words.slice(tool + 1);
      const found = basename(words[tool]) === 'wasm-pack' ? wasmPackLocation(args, cwd, crate) : wasmBindgenLocation(args, cwd, crate);
      if (found) out.push({ ...found, source: `package.json script \`${name}\`` });
    }
  }
  return out;
}

const WASM_PACK_VALUE_OPTIONS = new Set(['-t', '--target', '-d', '--out-dir', '--out-name', '-s', '--scope', '-m', '--mode', '--profile', '-l', '--log-level', '--features', '-F', '-Z', '--config']);

function optionValue(args: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n && args[i + 1] !== undefined) return args[i + 1];
      if (args[i].startsWith(`${n}=`)) return args[i].slice(n.length + 1);
    }
  }
  return undefined;
}

function wasmPackLocation(args: readonly string[], cwd: string, crate: CrateInfo): { dir: string; name: string } | undefined {
  const build = args.indexOf('build');
  if (build < 0) return undefined;
  const rest = args.slice(build + 1);
  let path: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--') break;
    if (WASM_PACK_VALUE_OPTIONS.has(rest[i])) i++;
    else if (!rest[i].startsWith('-')) {
      path = rest[i];
      break;
    }
  }
  const crateDir = resolvePath(cwd, path ?? '.');
  if (crateDir !== crate.root) return undefined;
  // wasm-pack resolves --out-dir against the crate directory.
  const outDir = optionValue(rest, ['--out-dir', '-d']);
  return { dir: resolvePath(crateDir, outDir ?? 'pkg'), name: optionValue(rest, ['--out-name']) ?? crate.libName };
}

function wasmBindgenLocation(args: readonly string[], cwd: string, crate: CrateInfo): { dir: string; name: string } | undefined {
  const input = args.find((a) => !a.startsWith('-') && /\.wasm$/i.test(a));
  if (!input || basename(input).replace(/\.wasm$/i, '') !== crate.libName) return undefined;
  const outDir = optionValue(args, ['--out-dir']);
  if (!outDir) return undefined;
  return { dir: resolvePath(cwd, outDir), name: optionValue(args, ['--out-name']) ?? crate.libName };
}

/**
 * Where `path` (a file or directory that does not exist) would find the glue of one of `crates`: the
 * crate, the location and the canonical glue path `<dir>[/<target>]/<name>.js`.
 */
export function unbuiltGlueTarget(
  path: string, files: UnbuiltGlueFiles, crates: readonly CrateInfo[],
): { crate: CrateInfo; location: OutputLocation; gluePath: string } | undefined {
  for (const crate of crates) {
    if (!crate.usesWasmBindgen) continue;
    const locations = outputLocations(crate, files);
    // A package.json in the crate directory: the crate is consumed as a workspace package, also through a
    // subpath its `exports` lists (`@acme/wasm/testnet.js` for one of several builds).
    if (path === crate.root || (dirname(path) === crate.root && exportsSubpath(files.fileText(joinPath(crate.root, 'package.json')), basename(path)))) {
      if (!files.fileExists(joinPath(crate.root, 'package.json'))) continue;
      const location = locations[locations.length > 1 ? 1 : 0];
      return { crate, location, gluePath: joinPath(location.dir, `${location.name}.js`) };
    }
    for (const location of locations) {
      if (!isWithin(location.dir, path)) continue;
      const rel = path.slice(location.dir.length).split('/').filter(Boolean);
      if (rel.includes('snippets') || rel.includes('node_modules')) continue;
      const last = rel.length > 0 ? rel[rel.length - 1].replace(GLUE_SUFFIX, '') : undefined;
      if (last === location.name && rel.length - 1 <= MAX_TARGET_DEPTH) {
        return { crate, location, gluePath: joinPath(dirname(path), `${location.name}.js`) };
      }
      // The output directory, or a per-target directory below it (`pkg/node`), imported as a package.
      if (rel.length <= MAX_TARGET_DEPTH && rel.every((seg) => !seg.includes('.'))) {
        return { crate, location, gluePath: joinPath(path, `${location.name}.js`) };
      }
    }
  }
  return libNamedTarget(path, crates, files);
}

/**
 * A missing file named after a wasm-bindgen crate's lib name (`dist/ruffle_web`, `out/web/my_crate.js`):
 * wasm-bindgen names its glue so, and a build script in JS/TS or a Makefile the linter does not read
 * chose the directory. Only `cdylib` crates count (wasm-bindgen needs a `.wasm`; a library crate of the
 * same name is more likely a JS package of that name, like the `../../corelib` an automerge benchmark
 * requires). Among crates of that
 * lib name the one nearest by path wins.
 */
function libNamedTarget(
  path: string, crates: readonly CrateInfo[], files: Pick<UnbuiltGlueFiles, 'fileText'>,
): { crate: CrateInfo; location: OutputLocation; gluePath: string } | undefined {
  const segments = path.split('/');
  if (segments.includes('node_modules') || segments.includes('snippets')) return undefined;
  const last = segments[segments.length - 1].replace(GLUE_SUFFIX, '');
  const named = crates.filter((c) => c.usesWasmBindgen && c.libName === last && isCdylib(c, files));
  if (named.length === 0) return undefined;
  const shared = (c: CrateInfo) => {
    const a = c.root.split('/');
    let i = 0;
    while (i < a.length && i < segments.length && a[i] === segments[i]) i++;
    return i;
  };
  const crate = [...named].sort((a, b) => shared(b) - shared(a) || (a.root < b.root ? -1 : 1))[0];
  const dir = dirname(path);
  return {
    crate,
    location: { dir, name: crate.libName, source: `a file named after its lib name \`${crate.libName}\`` },
    gluePath: joinPath(dir, `${crate.libName}.js`),
  };
}

/** True when a package.json's `exports` has the key `./<subpath>`. */
function exportsSubpath(packageJson: string | undefined, subpath: string): boolean {
  if (packageJson === undefined || !packageJson.includes(`"./${subpath}"`)) return false;
  try {
    const exp = (JSON.parse(packageJson) as { exports?: unknown }).exports;
    return typeof exp === 'object' && exp !== null && `./${subpath}` in exp;
  } catch {
    return false;
  }
}

const cdylibCache = new WeakMap<CrateInfo, boolean>();

/** `[lib] crate-type` of the crate's Cargo.toml includes `cdylib` (memoised per CrateInfo object). */
function isCdylib(crate: CrateInfo, files: Pick<UnbuiltGlueFiles, 'fileText'>): boolean {
  let known = cdylibCache.get(crate);
  if (known === undefined) {
    known = crateTypes(crateManifest(files, crate)).includes('cdylib');
    cdylibCache.set(crate, known);
  }
  return known;
}

/** The WasmModule of a crate's glue that is not in the workspace (`target` from unbuiltGlueTarget). */
export function unbuiltGlueModule(
  target: { crate: CrateInfo; location: OutputLocation; gluePath: string }, files: UnbuiltGlueFiles, crates: readonly CrateInfo[] = [],
): WasmModule {
  const { crate, location, gluePath } = target;
  const index = files.crateIndex?.(crate.root);
  const exports = index ? exportsFromRust(index) : new Map<string, WasmModuleExport>();
  // wasm-bindgen exports every `#[wasm_bindgen]` item linked into the module: those of the crate's path
  // dependencies too (a workspace whose exports live in member crates the cdylib depends on).
  const byRoot = new Map(crates.map((c) => [c.root, c]));
  const linked = index ? linkedPathDependencies(crate, (dir) => byRoot.get(dir)).map((dep) => dep.root) : [];
  for (const root of linked) {
    for (const [name, exp] of exportsFromRust(files.crateIndex!(root))) if (!exports.has(name)) exports.set(name, exp);
  }
  return {
    path: gluePath,
    evidence: `unbuilt wasm-pack output of crate \`${crate.name}\` (${location.source}; exports read from its Rust sources)`,
    exports,
    crateRoot: crate.root,
    ...(linked.length > 0 ? { linkedCrateRoots: linked } : {}),
    unbuilt: true,
  };
}

/** How many levels of path dependencies are followed (each level costs an index of every crate in it). */
const MAX_DEPENDENCY_DEPTH = 3;

/** The crate's path dependencies that use wasm-bindgen, transitively (breadth first, each once, up to a depth). */
export function linkedPathDependencies(crate: CrateInfo, crateOf: (dir: string) => CrateInfo | undefined): CrateInfo[] {
  const out: CrateInfo[] = [];
  const seen = new Set<string>([crate.root]);
  let level: CrateInfo[] = [crate];
  for (let depth = 0; depth < MAX_DEPENDENCY_DEPTH && level.length > 0; depth++) {
    const next: CrateInfo[] = [];
    for (const c of level) {
      for (const dir of c.pathDependencies ?? []) {
        if (seen.has(dir)) continue;
        seen.add(dir);
        const dep = crateOf(dir);
        if (!dep || !dep.usesWasmBindgen) continue;
        out.push(dep);
        next.push(dep);
      }
    }
    level = next;
  }
  return out;
}

// ---- exports from the Rust index (§B4) ------------------------------------------------------------

type MethodInfo = NonNullable<WasmModuleExport['methods']> extends ReadonlyMap<string, infer V> ? V : never;

/** What the generated `.d.ts` would export, derived from the crate's Rust export index. */
export function exportsFromRust(index: CrateIndex): Map<string, WasmModuleExport> {
  const out = new Map<string, WasmModuleExport>();
  const classOfRust = new Map<string, string>();
  for (const s of index.structs.values()) classOfRust.set(s.name, s.jsName);
  const methods = new Map<string, Map<string, MethodInfo>>();
  const classMethods = (jsClass: string): Map<string, MethodInfo> => {
    let m = methods.get(jsClass);
    if (!m) {
      m = new Map([['free', { isAsync: false, isStatic: false, returnType: 'void' }], ['[Symbol.dispose]', { isAsync: false, isStatic: false, returnType: 'void' }]]);
      methods.set(jsClass, m);
    }
    return m;
  };
  for (const s of index.structs.values()) classMethods(s.jsName);
  for (const e of index.exports) {
    if (e.isStart) continue;
    if (e.implType === undefined) {
      if (!out.has(e.jsName)) out.set(e.jsName, { name: e.jsName, kind: 'function', isAsync: returnsPromise(e), returnType: tsReturnType(e, classOfRust) });
      continue;
    }
    const jsClass = jsClassOf(e, classOfRust);
    const m = classMethods(jsClass);
    if (e.isConstructor || e.accessor) continue;
    if (!m.has(e.jsName)) m.set(e.jsName, { isAsync: returnsPromise(e), isStatic: e.receiver === 'none', returnType: tsReturnType(e, classOfRust) });
  }
  for (const [jsClass, m] of methods) if (!out.has(jsClass)) out.set(jsClass, { name: jsClass, kind: 'class', isAsync: false, methods: m });
  return out;
}

/** The JS class of a method export: `js_class`, else the JS name of its struct. */
export function jsClassOf(e: RustExport, classOfRust: ReadonlyMap<string, string>): string {
  if (e.jsClass !== undefined && e.jsClass !== e.implType) return e.jsClass;
  return classOfRust.get(e.implType ?? '') ?? e.jsClass ?? e.implType ?? '';
}

/**
 * The `.d.ts` declares a `Promise` for `async fn` and for functions returning `js_sys::Promise` (which
 * borrow their object only while they run: rules that care about borrows read `RustExport.isAsync`).
 */
function returnsPromise(e: RustExport): boolean {
  return e.isAsync || /^(?:js_sys::)?Promise$/.test(e.returnType?.replace(/^->\s*/, '').trim() ?? '');
}

/** The TS return type wasm-bindgen would declare, as far as class names go (`Result<T, E>` → `T`, `Self` → the class). */
function tsReturnType(e: RustExport, classOfRust: ReadonlyMap<string, string>): string | undefined {
  let t = e.returnType?.replace(/^->\s*/, '').trim();
  if (t === undefined || t === '') return e.isAsync ? 'Promise<void>' : 'void';
  if (/^(?:js_sys::)?Promise$/.test(t)) return 'Promise<any>';
  let optional = false;
  for (;;) {
    // `Result<T, E>`, `Option<T>`, and crate aliases such as `WasmResult<T>` / `JsResult<T>`.
    const m = /^(?:[A-Za-z_]\w*::)*(\w*Result|Option)\s*<\s*(.*)>$/s.exec(t);
    if (!m) break;
    if (m[1] === 'Option') optional = true;
    t = m[1] === 'Option' ? m[2].trim() : splitFirstGeneric(m[2]);
  }
  const base = t === 'Self' ? e.implType ?? t : t.replace(/^.*::/, '');
  const named = classOfRust.get(base) ?? PRIMITIVES[base] ?? base;
  const full = optional ? `${named} | undefined` : named;
  return e.isAsync ? `Promise<${full}>` : full;
}

/** How wasm-bindgen declares common Rust return types in the `.d.ts` (others are kept as written). */
const PRIMITIVES: Readonly<Record<string, string>> = {
  '()': 'void', bool: 'boolean', String: 'string', '&str': 'string', char: 'string', JsValue: 'any',
  u8: 'number', u16: 'number', u32: 'number', usize: 'number', i8: 'number', i16: 'number', i32: 'number', isize: 'number',
  f32: 'number', f64: 'number', u64: 'bigint', i64: 'bigint', u128: 'bigint', i128: 'bigint',
};

/** The first argument of a generic argument list (`T, E` → `T`), respecting nesting. */
function splitFirstGeneric(args: string): string {
  let depth = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '<' || c === '(' || c === '[') depth++;
    else if (c === '>' || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) return args.slice(0, i).trim();
  }
  return args.trim();
}
