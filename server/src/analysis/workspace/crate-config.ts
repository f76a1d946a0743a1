// Crate discovery and per-crate build mode (catalog §A1, §A11, §B1 MODE). Reads the config files the
// workspace holds — Cargo.toml, Cargo.lock, .cargo/config(.toml), package.json scripts, wrangler's
// `[build] command`, rust-toolchain(.toml) — and computes, for every package manifest, what a panic
// does at the export boundary (`abort` | `abort+handler` | `unwind`), why, and the facts rules gate on
// (overflow checks, wasm-bindgen version and `std` feature).
//
// MODE = unwind iff the panic strategy is unwind (rustflags, else the profile) AND build-std brings
// `panic_unwind` AND wasm-bindgen's `std` feature is on; `wasm-pack build --panic-unwind` and
// `worker-build --panic-unwind` imply the first two. Otherwise abort, "+handler" when the wasm-bindgen
// run enables the abort handler. Cargo's own precedence is followed where it decides the answer:
// CARGO_ENCODED_RUSTFLAGS > RUSTFLAGS > target rustflags > build.rustflags, nearer config files win,
// profiles come from the workspace root. Pure: no I/O, never throws on malformed input.

import type { Notice } from '../model';
import { jsoncToJson } from '../text/jsonc';
import { basename, dirname, isWithin, relativePath, resolvePath } from '../text/paths';
import { type BuildStep, stepsOfCommandLine, stepsOfPackageScript } from './build-scripts';
import { asBoolean, asString, asStringArray, asTable, getPath, parseToml, type TomlTable } from './toml';
import type { BuildMode, BuildModeEvidence, ConfigSetting, CrateInfo } from './types';

const WASM_TARGET = 'wasm32-unknown-unknown';
const DEFAULT_REASON = 'default `panic=abort` for wasm32-unknown-unknown';

/** True for files that feed crate discovery or build-mode detection (called on every file change). */
export function isCrateConfigFile(path: string): boolean {
  return (CONFIG_FILE.test(path) || NODE_BUILD_SCRIPT.test(path)) && !IN_NODE_MODULES.test(path);
}

const CONFIG_FILE = /(?:^|[\\/])(?:Cargo\.toml|Cargo\.lock|package\.json|rust-toolchain(?:\.toml)?|wrangler\.(?:toml|json|jsonc)|\.cargo[\\/]config(?:\.toml)?)$/;
/**
 * JS/TS build scripts a package.json script may run with `node` and that may spawn cargo themselves
 * (automerge's `scripts/compile.mjs` sets `-C panic=unwind`): files in a `scripts/` folder, and
 * `build.mjs`/`compile-wasm.js`-like files (not `builder.ts`). Only those that name cargo are kept
 * (classify). An edit of one drops the crate cache, like an edit of any config file.
 */
const NODE_BUILD_SCRIPT = /(?:^|[\\/])(?:scripts[\\/][^\\/]+|(?:build|compile)(?:[-_.][\w-]+)?)\.(?:m|c)?[jt]s$/;
const IN_NODE_MODULES = /(?:^|[\\/])node_modules[\\/]/;

// ---- versions -------------------------------------------------------------------------------------

/** The lowest version a Cargo requirement or version string allows (`"^0.2.84"` → [0, 2, 84]); undefined when unreadable. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^\s*(?:=|\^|~|>=?)?\s*v?(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?/.exec(text);
  if (!m) return undefined;
  const part = (s: string | undefined): number => (s === undefined || s === '*' ? 0 : Number(s));
  return [Number(m[1]), part(m[2]), part(m[3])];
}

/** Compares two version strings by their lowest allowed version; undefined when either is unreadable. */
export function compareVersions(a: string, b: string): number | undefined {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) return undefined;
  for (let i = 0; i < 3; i++) if (va[i] !== vb[i]) return va[i] < vb[i] ? -1 : 1;
  return 0;
}

/**
 * True when the crate's wasm-bindgen is at least `minimum` (catalog §A1 version gates). The locked
 * version is used when known, else the lowest version the Cargo.toml requirement allows. An unknown
 * version counts as new enough: rules must not claim an old wasm-bindgen without evidence.
 */
export function wasmBindgenVersionAtLeast(crate: Pick<CrateInfo, 'wasmBindgenVersion'> | undefined, minimum: string): boolean {
  const version = crate?.wasmBindgenVersion;
  if (version === undefined) return true;
  const cmp = compareVersions(version, minimum);
  return cmp === undefined ? true : cmp >= 0;
}

// ---- input classification -------------------------------------------------------------------------

interface Manifest {
  readonly path: string;
  readonly dir: string;
  readonly table: TomlTable | undefined;
  readonly error?: { readonly message: string; readonly line?: number };
  /** A `[package]` manifest (for unparsable files: the text has a `[package]` header or no `[workspace]`). */
  readonly isPackage: boolean;
  readonly isWorkspace: boolean;
}

interface CargoConfig {
  readonly path: string;
  /** The directory that holds `.cargo/`. */
  readonly dir: string;
  readonly table: TomlTable;
}

interface PackageJson {
  readonly path: string;
  readonly dir: string;
  readonly scripts: Readonly<Record<string, string>>;
}

interface Wrangler {
  readonly path: string;
  readonly dir: string;
  readonly command: string;
  readonly cwd: string;
}

interface Inputs {
  readonly manifests: Map<string, Manifest>; // by dir
  readonly locks: Map<string, string>; // dir → text
  readonly cargoConfigs: Map<string, CargoConfig>; // dir → the file cargo reads there
  readonly packageJsons: Map<string, PackageJson>; // by dir
  readonly wranglers: Map<string, Wrangler>; // by dir
  readonly toolchains: Map<string, string>; // dir → channel
  readonly nodeScripts: Map<string, string>; // path → text of a JS/TS build script that names cargo
  readonly notices: Notice[];
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseError(path: string, what: string, error: { message: string; line?: number }, consequence: string): Notice {
  const where = error.line !== undefined ? ` (line ${error.line})` : '';
  return { path, level: 'warning', message: `${what} ${path} does not parse${where}: ${error.message}. ${consequence}` };
}

function classify(configFiles: ReadonlyMap<string, string>): Inputs {
  const inputs: Inputs = {
    manifests: new Map(), locks: new Map(), cargoConfigs: new Map(), packageJsons: new Map(),
    wranglers: new Map(), toolchains: new Map(), nodeScripts: new Map(), notices: [],
  };
  const paths = [...configFiles.keys()].filter(isCrateConfigFile).sort();
  for (const path of paths) {
    const text = stripBom(configFiles.get(path) ?? '');
    const name = basename(path);
    const dir = dirname(path);
    try {
      if (!CONFIG_FILE.test(path)) {
        // A JS/TS build script (NODE_BUILD_SCRIPT): kept when it may spawn cargo.
        if (/\bcargo\b/.test(text)) inputs.nodeScripts.set(path, text);
      } else if (name === 'Cargo.toml') readManifest(path, dir, text, inputs);
      else if (name === 'Cargo.lock') inputs.locks.set(dir, text);
      else if (basename(dir) === '.cargo') readCargoConfig(path, dirname(dir), name, text, inputs);
      else if (name === 'package.json') readPackageJson(path, dir, text, inputs);
      else if (name.startsWith('wrangler.')) readWrangler(path, dir, text, inputs);
      else if (name.startsWith('rust-toolchain')) readToolchain(path, dir, text, inputs);
    } catch (error) {
      // Defensive: a reader bug must not take crate discovery down with it.
      inputs.notices.push({ path, level: 'warning', message: `Could not read ${path}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return inputs;
}

function readManifest(path: string, dir: string, text: string, inputs: Inputs): void {
  const parsed = parseToml(text);
  if (!parsed.ok) {
    const isPackage = /^\s*\[package\]/m.test(text) || !/^\s*\[workspace\]/m.test(text);
    const isWorkspace = /^\s*\[workspace\]/m.test(text);
    inputs.manifests.set(dir, { path, dir, table: undefined, error: parsed, isPackage, isWorkspace });
    if (isPackage) {
      inputs.notices.push(parseError(path, 'Cargo manifest', parsed,
        `The crate \`${basename(dir)}\` is analysed with the default build mode (panic=abort).`));
    } else {
      inputs.notices.push(parseError(path, 'Workspace manifest', parsed, 'Its [workspace.dependencies] and [profile] settings are ignored.'));
    }
    return;
  }
  const table = parsed.table;
  inputs.manifests.set(dir, { path, dir, table, isPackage: asTable(table.package) !== undefined, isWorkspace: asTable(table.workspace) !== undefined });
}

function readCargoConfig(path: string, dir: string, name: string, text: string, inputs: Inputs): void {
  const parsed = parseToml(text);
  if (!parsed.ok) {
    inputs.notices.push(parseError(path, 'Cargo config', parsed, 'Its rustflags and build-std settings are ignored.'));
    return;
  }
  // Cargo reads `.cargo/config` when both exist (and warns); `config.toml` otherwise.
  const existing = inputs.cargoConfigs.get(dir);
  if (existing && basename(existing.path) === 'config' && name === 'config.toml') return;
  inputs.cargoConfigs.set(dir, { path, dir, table: parsed.table });
}

function readPackageJson(path: string, dir: string, text: string, inputs: Inputs): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    inputs.notices.push(parseError(path, 'package.json', { message: error instanceof Error ? error.message : String(error) },
      'Its build scripts are ignored.'));
    return;
  }
  const scripts: Record<string, string> = {};
  const raw = asTable(asTable(value)?.scripts);
  for (const [name, body] of Object.entries(raw ?? {})) if (typeof body === 'string') scripts[name] = body;
  inputs.packageJsons.set(dir, { path, dir, scripts });
}

function readWrangler(path: string, dir: string, text: string, inputs: Inputs): void {
  let build: TomlTable | undefined;
  if (path.endsWith('.toml')) {
    const parsed = parseToml(text);
    if (!parsed.ok) {
      inputs.notices.push(parseError(path, 'Wrangler config', parsed, 'Its [build] command is ignored.'));
      return;
    }
    build = asTable(parsed.table.build);
  } else {
    try {
      build = asTable(asTable(JSON.parse(jsoncToJson(text)))?.build);
    } catch (error) {
      inputs.notices.push(parseError(path, 'Wrangler config', { message: error instanceof Error ? error.message : String(error) },
        'Its build command is ignored.'));
      return;
    }
  }
  const command = asString(build?.command);
  if (!command) return;
  const cwd = asString(build?.cwd);
  inputs.wranglers.set(dir, { path, dir, command, cwd: cwd ? resolvePath(dir, cwd) : dir });
}

function readToolchain(path: string, dir: string, text: string, inputs: Inputs): void {
  // rust-toolchain (legacy) may be a bare channel name; rust-toolchain.toml is `[toolchain] channel`.
  const bare = text.trim();
  if (!path.endsWith('.toml') && /^[\w.-]+$/.test(bare)) {
    inputs.toolchains.set(dir, bare);
    return;
  }
  const parsed = parseToml(text);
  if (!parsed.ok) {
    inputs.notices.push(parseError(path, 'Toolchain file', parsed, 'Its channel is ignored.'));
    return;
  }
  const channel = asString(getPath(parsed.table, 'toolchain', 'channel'));
  if (channel) inputs.toolchains.set(dir, channel);
}

// ---- discovery ------------------------------------------------------------------------------------

/** Directories from `dir` up to the root, nearest first. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  let current = dir;
  for (let guard = 0; guard < 256; guard++) {
    out.push(current);
    const parent = dirname(current);
    if (parent === current || parent === '.') break;
    current = parent;
  }
  return out;
}

function nearest<T>(map: ReadonlyMap<string, T>, dir: string): { dir: string; value: T } | undefined {
  for (const d of ancestors(dir)) {
    const value = map.get(d);
    if (value !== undefined) return { dir: d, value };
  }
  return undefined;
}

/** The `[workspace]` manifest `m` belongs to (itself when it is the root or stands alone). */
function workspaceRootOf(m: Manifest, manifests: ReadonlyMap<string, Manifest>): Manifest {
  const explicit = asString(getPath(m.table, 'package', 'workspace'));
  if (explicit !== undefined) {
    const root = manifests.get(resolvePath(m.dir, explicit));
    return root?.isWorkspace ? root : m;
  }
  for (const d of ancestors(m.dir)) {
    const candidate = manifests.get(d);
    if (!candidate?.isWorkspace) continue;
    if (candidate === m) return m;
    const excluded = (asStringArray(getPath(candidate.table, 'workspace', 'exclude')) ?? [])
      .some((e) => isWithin(resolvePath(candidate.dir, e), m.dir));
    return excluded ? m : candidate;
  }
  return m;
}

interface CrateDraft {
  readonly manifest: Manifest;
  readonly root: string;
  readonly name: string;
  readonly libName: string;
  readonly workspace: Manifest;
}

export function discoverCrates(configFiles: ReadonlyMap<string, string>): { crates: CrateInfo[]; notices: Notice[] } {
  const inputs = classify(configFiles);
  const drafts: CrateDraft[] = [];
  for (const m of inputs.manifests.values()) {
    if (!m.isPackage) continue;
    const pkgName = asString(getPath(m.table, 'package', 'name'));
    const name = pkgName && pkgName.trim() !== '' ? pkgName : basename(m.dir);
    const libName = asString(getPath(m.table, 'lib', 'name')) ?? name.replace(/-/g, '_');
    drafts.push({ manifest: m, root: m.dir, name, libName, workspace: workspaceRootOf(m, inputs.manifests) });
  }
  drafts.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  const scripts = new ScriptIndex(inputs, drafts);
  const crates: CrateInfo[] = [];
  for (const draft of drafts) {
    try {
      crates.push(describeCrate(draft, inputs, scripts));
    } catch (error) {
      // Defensive: one odd manifest must not hide every other crate.
      crates.push(fallbackCrate(draft, DEFAULT_REASON));
      inputs.notices.push({ path: draft.manifest.path, level: 'warning', message: `Build mode of ${draft.manifest.path} could not be computed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return { crates, notices: inputs.notices };
}

function fallbackCrate(draft: CrateDraft, reason: string): CrateInfo {
  return {
    root: draft.root, manifestPath: draft.manifest.path, name: draft.name, libName: draft.libName,
    buildMode: 'abort', buildModeReason: reason, overflowChecks: false, wasmBindgenStd: true, usesWasmBindgen: false,
    configPath: draft.manifest.path,
  };
}

// ---- dependencies ---------------------------------------------------------------------------------

interface Dependency {
  readonly key: string;
  readonly version?: string;
  readonly defaultFeatures: boolean;
  readonly features: readonly string[];
}

const sameCrateName = (a: string, b: string): boolean => a.replace(/_/g, '-') === b.replace(/_/g, '-');

/** The dependency tables that apply to a wasm32-unknown-unknown build (plain and matching `[target.*]`). */
function dependencyTables(manifest: TomlTable): TomlTable[] {
  const tables: TomlTable[] = [];
  const plain = asTable(manifest.dependencies);
  if (plain) tables.push(plain);
  for (const [target, value] of Object.entries(asTable(manifest.target) ?? {})) {
    const deps = asTable(asTable(value)?.dependencies);
    if (deps && targetMatches(target) !== false) tables.push(deps);
  }
  return tables;
}

/** Finds dependency `name` (also renamed via `package = "…"`, and `workspace = true`), merged across tables. */
function findDependency(manifest: TomlTable | undefined, workspaceDeps: TomlTable | undefined, name: string): Dependency | undefined {
  if (!manifest) return undefined;
  let found: { key: string; version?: string; defaultFeatures: boolean; features: string[] } | undefined;
  for (const deps of dependencyTables(manifest)) {
    for (const [key, raw] of Object.entries(deps)) {
      const spec = asTable(raw);
      if (!sameCrateName(asString(spec?.package) ?? key, name)) continue;
      let version = asString(raw) ?? asString(spec?.version);
      let defaultFeatures = asBoolean(spec?.['default-features']) ?? asBoolean(spec?.default_features) ?? true;
      const features = asStringArray(spec?.features) ?? [];
      if (spec?.workspace === true) {
        const inherited = workspaceDeps?.[key];
        const base = asTable(inherited);
        version = asString(inherited) ?? asString(base?.version);
        // With `workspace = true`, default-features comes from the workspace entry (cargo ignores the member's `false`).
        defaultFeatures = asBoolean(base?.['default-features']) ?? asBoolean(base?.default_features) ?? true;
        features.push(...(asStringArray(base?.features) ?? []));
      }
      if (!found) found = { key, version, defaultFeatures, features };
      else {
        found.version ??= version;
        found.defaultFeatures ||= defaultFeatures; // cargo unifies features across the tables
        found.features.push(...features);
      }
    }
  }
  return found;
}

/** Crates whose default `std` feature turns on `wasm-bindgen/std` (feature unification). */
const STD_ENABLING_DEPENDENCIES = ['js-sys', 'web-sys', 'wasm-bindgen-futures'];

function wasmBindgenStdEnabled(manifest: TomlTable, workspaceDeps: TomlTable | undefined, wasmBindgen: Dependency): boolean {
  if (wasmBindgen.defaultFeatures || wasmBindgen.features.includes('std')) return true;
  for (const other of STD_ENABLING_DEPENDENCIES) {
    const dep = findDependency(manifest, workspaceDeps, other);
    if (dep && (dep.defaultFeatures || dep.features.includes('std'))) return true;
  }
  // The crate's own default features may enable it: `default = ["std"]`, `std = ["wasm-bindgen/std"]`.
  const features = asTable(manifest.features) ?? {};
  const wanted = new Set([`${wasmBindgen.key}/std`, `${wasmBindgen.key}?/std`]);
  const queue = ['default'];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const feature = queue.pop()!;
    if (seen.has(feature)) continue;
    seen.add(feature);
    for (const entry of asStringArray(features[feature]) ?? []) {
      if (wanted.has(entry)) return true;
      if (!entry.includes('/') && !entry.startsWith('dep:')) queue.push(entry);
    }
  }
  return false;
}

/** The locked wasm-bindgen version for `crateName` (cargo's generated lock format, read line-wise). */
function lockedWasmBindgen(lockText: string, crateName: string, crateVersion: string | undefined): string | undefined {
  const blocks = lockText.split(/^\[\[package\]\]\s*$/m).slice(1);
  const field = (block: string, key: string): string | undefined => new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm').exec(block)?.[1];
  const versions: string[] = [];
  let fromCrate: string | undefined;
  let dependsBare = false;
  for (const block of blocks) {
    const name = field(block, 'name');
    if (name === 'wasm-bindgen') {
      const v = field(block, 'version');
      if (v) versions.push(v);
    } else if (name === crateName && (crateVersion === undefined || field(block, 'version') === crateVersion)) {
      const deps = /^dependencies\s*=\s*\[([\s\S]*?)\]/m.exec(block)?.[1] ?? '';
      for (const m of deps.matchAll(/"wasm-bindgen(?: ([^ "]+))?[^"]*"/g)) {
        if (m[1]) fromCrate = m[1];
        else dependsBare = true;
      }
    }
  }
  if (fromCrate) return fromCrate;
  // A bare "wasm-bindgen" entry means the lock holds one version; otherwise assume the newest.
  if (dependsBare && versions.length === 1) return versions[0];
  return versions.sort((a, b) => compareVersions(b, a) ?? 0)[0];
}

// ---- cfg() expressions ----------------------------------------------------------------------------

/** cfg values of wasm32-unknown-unknown. */
const WASM_CFG: Record<string, string> = {
  target_arch: 'wasm32', target_family: 'wasm', target_os: 'unknown', target_env: '', target_vendor: 'unknown',
  target_pointer_width: '32', target_endian: 'little', panic: '',
};

/**
 * Whether a `[target.<key>]` table applies to wasm32-unknown-unknown: a triple compares by name, a
 * `cfg(…)` is evaluated; undefined when it depends on something unknown (features, target_feature).
 */
export function targetMatches(key: string): boolean | undefined {
  const trimmed = key.trim();
  if (!trimmed.startsWith('cfg(')) return trimmed === WASM_TARGET;
  const tokens = trimmed.match(/"[^"]*"|[A-Za-z_][A-Za-z0-9_]*|[(),=]/g) ?? [];
  let pos = 0;
  // Recursive descent over a cfg expression (a short string, not a syntax tree); depth is bounded.
  const expr = (depth: number): boolean | undefined => {
    if (depth > 32) return undefined;
    const ident = tokens[pos++];
    if (ident === undefined) return undefined;
    if ((ident === 'all' || ident === 'any' || ident === 'not' || ident === 'cfg') && tokens[pos] === '(') {
      pos++;
      const values: (boolean | undefined)[] = [];
      while (pos < tokens.length && tokens[pos] !== ')') {
        values.push(expr(depth + 1));
        if (tokens[pos] === ',') pos++;
      }
      pos++;
      if (ident === 'not') return values[0] === undefined ? undefined : !values[0];
      if (ident === 'cfg') return values[0];
      if (ident === 'all') return values.includes(false) ? false : values.includes(undefined) ? undefined : true;
      return values.includes(true) ? true : values.includes(undefined) ? undefined : false;
    }
    if (tokens[pos] === '=') {
      pos++;
      const value = (tokens[pos++] ?? '').replace(/^"|"$/g, '');
      if (ident === 'target_feature' || ident === 'feature') return undefined;
      if (ident === 'target_has_atomic') return undefined;
      return ident in WASM_CFG ? WASM_CFG[ident] === value : undefined;
    }
    if (ident === 'wasm') return true;
    if (ident === 'unix' || ident === 'windows' || ident === 'test') return false;
    return undefined; // debug_assertions, custom cfgs: depend on flags we do not model
  };
  return expr(0);
}

// ---- build scripts --------------------------------------------------------------------------------

interface ScriptEntry {
  readonly path: string;
  /** Directory that "owns" crates below it (package.json / wrangler dir). */
  readonly dir: string;
  readonly label: string; // "package.json script `build`" relative later; here the script part
  readonly rank: number;
  readonly order: number;
  readonly steps: readonly BuildStep[];
}

/** How likely a script is the production build: `build` first, dev/test/watch scripts last. */
function scriptRank(name: string): number {
  if (name === 'build') return 0;
  if (/(^|[:_-])(dev|watch|start|serve|test|debug|bench|lint|check|clean|fmt|doc)([:_-]|$)/i.test(name)) return 3;
  if (/(^|[:_-])(build|wasm|release|prod|production|compile|deploy|publish|bundle|pack)([:_-]|$)/i.test(name)) return 1;
  return 2;
}

/** Every package.json script and wrangler command, read once, with the crates each step applies to. */
class ScriptIndex {
  readonly entries: ScriptEntry[] = [];
  private readonly cratesByRoot = new Map<string, CrateDraft>();
  private readonly virtualWorkspaces = new Map<string, CrateDraft[]>();

  constructor(private readonly inputs: Inputs, drafts: readonly CrateDraft[]) {
    for (const d of drafts) this.cratesByRoot.set(d.root, d);
    for (const d of drafts) {
      if (d.workspace !== d.manifest && !d.workspace.isPackage) {
        const list = this.virtualWorkspaces.get(d.workspace.dir) ?? [];
        list.push(d);
        this.virtualWorkspaces.set(d.workspace.dir, list);
      }
    }
    const wranglerBuildCommand = (dir: string): { command: string; cwd: string } | undefined => inputs.wranglers.get(dir);
    const nodeScript = (path: string): string | undefined => inputs.nodeScripts.get(path);
    let order = 0;
    for (const pkg of inputs.packageJsons.values()) {
      for (const name of Object.keys(pkg.scripts)) {
        // npm runs `pre<x>`/`post<x>` with x; they are read as part of x.
        if (/^(pre|post)/.test(name) && pkg.scripts[name.replace(/^(pre|post)/, '')] !== undefined) continue;
        const steps = stepsOfPackageScript(name, { scripts: pkg.scripts, packageDir: pkg.dir, wranglerBuildCommand, nodeScript });
        if (steps.length > 0) this.entries.push({ path: pkg.path, dir: pkg.dir, label: `script \`${name}\``, rank: scriptRank(name), order: order++, steps });
      }
    }
    for (const w of inputs.wranglers.values()) {
      const steps = stepsOfCommandLine(w.command, w.cwd, { packageDir: w.dir, nodeScript });
      if (steps.length > 0) this.entries.push({ path: w.path, dir: w.dir, label: '`[build] command`', rank: 0, order: order++, steps });
    }
  }

  /** The crates a compile step builds: the package at or above its target directory, or a virtual workspace's members. */
  private cratesBuiltBy(step: BuildStep): CrateDraft[] {
    if (step.targetDir === undefined) return [];
    for (const d of ancestors(step.targetDir)) {
      const crate = this.cratesByRoot.get(d);
      const members = this.virtualWorkspaces.get(d);
      if (!crate && !members) continue;
      const pool = crate ? [crate, ...[...this.cratesByRoot.values()].filter((c) => c.workspace === crate.manifest && c !== crate)] : members!;
      if (step.packages.length > 0) return pool.filter((c) => step.packages.some((p) => sameCrateName(p, c.name)));
      return crate ? [crate] : members!;
    }
    return [];
  }

  /** Whether the entry's file is the nearest one of its kind at or above the crate (it owns the crate). */
  private owns(entry: ScriptEntry, crate: CrateDraft): boolean {
    const map: ReadonlyMap<string, unknown> = basename(entry.path) === 'package.json' ? this.inputs.packageJsons : this.inputs.wranglers;
    return nearest(map, crate.root)?.dir === entry.dir;
  }

  applies(step: BuildStep, entry: ScriptEntry, crate: CrateDraft): boolean {
    switch (step.tool) {
      case 'wasm-bindgen':
        return step.wasmInput !== undefined ? step.wasmInput === crate.libName : this.owns(entry, crate);
      case 'env-only':
        return this.owns(entry, crate);
      default:
        if (step.targetTriple !== undefined && !step.targetTriple.startsWith('wasm32')) return false;
        return this.cratesBuiltBy(step).includes(crate);
    }
  }

  /** Entries ordered for a crate: by rank, then entries owning it (nearest first), then file order. */
  ordered(crate: CrateDraft): ScriptEntry[] {
    const distance = (e: ScriptEntry): number => (isWithin(e.dir, crate.root) ? crate.root.length - e.dir.length : Number.MAX_SAFE_INTEGER);
    return [...this.entries].sort((a, b) => a.rank - b.rank || distance(a) - distance(b) || a.order - b.order);
  }
}

interface ChosenSteps {
  readonly build?: { readonly step: BuildStep; readonly entry: ScriptEntry };
  readonly bindgen?: { readonly step: BuildStep; readonly entry: ScriptEntry };
}

const COMPILE_TOOLS = new Set(['wasm-pack', 'cargo', 'worker-build', 'trunk']);

function chooseSteps(crate: CrateDraft, scripts: ScriptIndex): ChosenSteps {
  const ordered = scripts.ordered(crate);
  const first = (entries: readonly ScriptEntry[], accept: (s: BuildStep) => boolean): ChosenSteps['build'] => {
    for (const entry of entries) {
      for (const step of entry.steps) if (accept(step) && scripts.applies(step, entry, crate)) return { step, entry };
    }
    return undefined;
  };
  const build = first(ordered, (s) => COMPILE_TOOLS.has(s.tool)) ?? first(ordered, (s) => s.tool === 'env-only');
  const isBindgen = (s: BuildStep): boolean => s.tool === 'wasm-bindgen' || s.tool === 'worker-build';
  // The wasm-bindgen run that goes with the chosen build (same script) wins over other scripts.
  const bindgen = (build ? first([build.entry], isBindgen) : undefined) ?? first(ordered, isBindgen);
  return { build, bindgen };
}

// ---- cargo config and profiles --------------------------------------------------------------------

interface Layer {
  readonly path: string;
  readonly where: string;
  readonly table: TomlTable;
}

interface Flag {
  readonly flag: string;
  readonly layer: { readonly path: string; readonly where: string };
}

/** Merges a list-valued config key across layers as cargo does: arrays join (nearer later), a string replaces. */
function mergedList(layers: readonly Layer[], read: (t: TomlTable) => unknown): Flag[] {
  let out: Flag[] = [];
  for (const layer of layers) {
    const value = read(layer.table);
    if (typeof value === 'string') out = splitFlags(value).map((flag) => ({ flag, layer }));
    else if (Array.isArray(value)) out.push(...(asStringArray(value) ?? []).map((flag) => ({ flag, layer })));
  }
  return out;
}

function splitFlags(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** The last `-C panic=…` in a flag list (rustc: the last one wins). */
function lastPanicFlag(flags: readonly Flag[]): { value: string; flag: Flag } | undefined {
  let found: { value: string; flag: Flag } | undefined;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i].flag;
    let setting: string | undefined;
    if ((f === '-C' || f === '--codegen') && flags[i + 1]) setting = flags[i + 1].flag;
    else if (f.startsWith('-C')) setting = f.slice(2);
    else if (f.startsWith('--codegen=')) setting = f.slice('--codegen='.length);
    const m = setting !== undefined ? /^panic=([\w-]+)$/.exec(setting) : null;
    if (m) found = { value: m[1], flag: flags[i] };
  }
  return found;
}

/** The last `-C overflow-checks[=…]` in a flag list. */
function lastOverflowFlag(flags: readonly Flag[]): boolean | undefined {
  let found: boolean | undefined;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i].flag;
    let setting: string | undefined;
    if ((f === '-C' || f === '--codegen') && flags[i + 1]) setting = flags[i + 1].flag;
    else if (f.startsWith('-C')) setting = f.slice(2);
    const m = setting !== undefined ? /^overflow-checks(?:=(\w+))?$/.exec(setting) : null;
    if (m) found = m[1] === undefined || ['on', 'yes', 'y', 'true'].includes(m[1]);
  }
  return found;
}

const BUILTIN_PROFILE_PARENT: Record<string, string> = { test: 'dev', bench: 'release', doc: 'dev' };

/** Sources of `[profile.*]`, most specific first: env of the build step, config files (nearest first), workspace manifest. */
interface ProfileSource {
  readonly table: TomlTable | undefined;
  readonly path: string;
  /** The file relative to the crate, for messages. */
  readonly where: string;
}

function profileValue(
  sources: readonly ProfileSource[], env: ReadonlyMap<string, string>, profile: string, key: 'panic' | 'overflow-checks', packageName: string,
): { value: unknown; profile: string; source?: ProfileSource; envName?: string } | undefined {
  let current: string | undefined = profile;
  const seen = new Set<string>();
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const envName = `CARGO_PROFILE_${current.toUpperCase().replace(/-/g, '_')}_${key.toUpperCase().replace(/-/g, '_')}`;
    const fromEnv = env.get(envName);
    if (fromEnv !== undefined) return { value: key === 'panic' ? fromEnv : ['true', 'on', 'yes'].includes(fromEnv.toLowerCase()), profile: current, envName };
    for (const source of sources) {
      const p = asTable(getPath(source.table, 'profile', current));
      if (!p) continue;
      // Overflow checks may be overridden per package (`[profile.release.package.foo]`); panic may not.
      const candidates = key === 'overflow-checks'
        ? [getPath(p, 'package', packageName, key), getPath(p, 'package', '*', key), p[key]]
        : [p[key]];
      const value = candidates.find((v) => v !== undefined);
      if (value !== undefined) return { value, profile: current, source };
    }
    let parent: string | undefined;
    for (const source of sources) parent ??= asString(getPath(source.table, 'profile', current, 'inherits'));
    current = parent ?? BUILTIN_PROFILE_PARENT[current];
  }
  return undefined;
}

/** The root of a profile's inheritance chain (`dev` or `release`), for defaults. */
function builtinBase(sources: readonly ProfileSource[], profile: string): 'dev' | 'release' {
  let current: string | undefined = profile;
  const seen = new Set<string>();
  while (current !== undefined && !seen.has(current)) {
    if (current === 'dev' || current === 'release') return current;
    seen.add(current);
    let parent: string | undefined;
    for (const source of sources) parent ??= asString(getPath(source.table, 'profile', current, 'inherits'));
    current = parent ?? BUILTIN_PROFILE_PARENT[current];
  }
  return 'release';
}

// ---- the decision ---------------------------------------------------------------------------------

function code(text: string): string {
  return `\`${text}\``;
}

function describeCrate(draft: CrateDraft, inputs: Inputs, scripts: ScriptIndex): CrateInfo {
  const manifest = draft.manifest;
  if (!manifest.table) return fallbackCrate(draft, `${basename(manifest.path)} does not parse; assuming the ${DEFAULT_REASON}`);
  const table = manifest.table;
  const rel = (path: string): string => relativePath(draft.root, path);
  const inWorkspace = draft.workspace !== manifest;
  const workspaceTable = draft.workspace.table;
  const workspaceDeps = asTable(getPath(workspaceTable, 'workspace', 'dependencies'));

  // wasm-bindgen dependency, std feature and version.
  const wasmBindgen = findDependency(table, workspaceDeps, 'wasm-bindgen');
  const usesWasmBindgen = wasmBindgen !== undefined;
  const wasmBindgenStd = wasmBindgen ? wasmBindgenStdEnabled(table, workspaceDeps, wasmBindgen) : true;
  // A workspace member is locked by the workspace's Cargo.lock: cargo ignores one next to the member
  // (often a stale leftover from before the crate joined the workspace).
  const lock = nearest(inputs.locks, inWorkspace ? draft.workspace.dir : draft.root);
  // The lock also answers for crates that reach wasm-bindgen through another crate (workers-rs `worker`).
  const locked = lock ? lockedWasmBindgen(lock.value, draft.name, asString(getPath(table, 'package', 'version'))) : undefined;
  const wasmBindgenVersion = locked ?? wasmBindgen?.version;
  const wasmBindgenVersionSource = locked ? 'Cargo.lock' as const : wasmBindgen?.version ? 'Cargo.toml' as const : undefined;

  // Build scripts.
  const chosen = chooseSteps(draft, scripts);
  const buildStep = chosen.build?.step;
  const env = buildStep?.env ?? new Map<string, string>();
  const scriptWhere = (entry: ScriptEntry): string => `${rel(entry.path)} ${entry.label}`;
  const buildScript: ConfigSetting | undefined = chosen.build
    ? { text: code(chosen.build.step.command), path: chosen.build.entry.path, where: scriptWhere(chosen.build.entry) }
    : undefined;

  // Cargo config layers: ancestors first (lowest precedence), then `--config` overrides of the command.
  const layers: Layer[] = [];
  for (const d of ancestors(draft.root).reverse()) {
    const config = inputs.cargoConfigs.get(d);
    if (config) layers.push({ path: config.path, where: rel(config.path), table: config.table });
  }
  for (const override of buildStep?.configOverrides ?? []) {
    const parsed = parseToml(override);
    if (parsed.ok && chosen.build) layers.push({ path: chosen.build.entry.path, where: scriptWhere(chosen.build.entry), table: parsed.table });
  }
  // A step read from a JS/TS build script is located there (the package.json only names the script).
  const stepLayer = chosen.build
    ? chosen.build.step.scriptFile !== undefined
      ? { path: chosen.build.step.scriptFile, where: `${rel(chosen.build.step.scriptFile)} (run by ${scriptWhere(chosen.build.entry)})` }
      : { path: chosen.build.entry.path, where: scriptWhere(chosen.build.entry) }
    : undefined;

  // Rustflags for the wasm target, in cargo's precedence.
  const envFlags = (name: string, split: (s: string) => string[]): Flag[] | undefined => {
    const value = env.get(name);
    return value !== undefined && stepLayer ? split(value).map((flag) => ({ flag, layer: { ...stepLayer, where: `${stepLayer.where} (${name})` } })) : undefined;
  };
  const targetConfigFlags = mergedList(layers, (t) => {
    const targets = asTable(t.target) ?? {};
    const out: string[] = [];
    for (const [key, value] of Object.entries(targets)) {
      if (key === WASM_TARGET || (key.startsWith('cfg(') && targetMatches(key) === true)) {
        const flags = asTable(value)?.rustflags;
        if (typeof flags === 'string') out.push(...splitFlags(flags));
        else out.push(...(asStringArray(flags) ?? []));
      }
    }
    return out.length > 0 ? out : undefined;
  });
  const targetEnv = envFlags('CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS', splitFlags) ?? [];
  const buildConfigFlags = mergedList(layers, (t) => getPath(t, 'build', 'rustflags'));
  const buildEnv = envFlags('CARGO_BUILD_RUSTFLAGS', splitFlags) ?? [];
  const configFlags = targetConfigFlags.length + targetEnv.length > 0 ? [...targetConfigFlags, ...targetEnv] : [...buildConfigFlags, ...buildEnv];
  const overridingEnv = envFlags('CARGO_ENCODED_RUSTFLAGS', (s) => s.split('\u001f').filter(Boolean)) ?? envFlags('RUSTFLAGS', splitFlags);
  const rustcFlags: Flag[] = stepLayer ? (buildStep?.rustcFlags ?? []).map((flag) => ({ flag, layer: stepLayer })) : [];
  const flags = [...(overridingEnv ?? configFlags), ...rustcFlags];

  // Panic strategy: rustflags come after the profile's `-C panic`, so they win.
  const profile = buildStep?.profile ?? 'release';
  // Profiles: env of the build command, config files (nearest first), then the workspace root manifest
  // (cargo ignores `[profile]` in member manifests).
  const profileSources: ProfileSource[] = [
    ...[...layers].reverse().map((l) => ({ table: l.table, path: l.path, where: l.where })),
    { table: workspaceTable, path: draft.workspace.path, where: rel(draft.workspace.path) },
  ];
  const profilePanicRaw = profileValue(profileSources, env, profile, 'panic', draft.name);
  const profilePanic = profilePanicRaw && typeof profilePanicRaw.value === 'string'
    ? {
        value: profilePanicRaw.value,
        text: profilePanicRaw.envName ? code(`${profilePanicRaw.envName}=${profilePanicRaw.value}`) : code(`panic = "${profilePanicRaw.value}"`),
        path: profilePanicRaw.source?.path ?? stepLayer?.path ?? manifest.path,
        where: profilePanicRaw.source
          ? `[profile.${profilePanicRaw.profile}] of ${profilePanicRaw.source.where}`
          : stepLayer?.where ?? rel(manifest.path),
      }
    : undefined;
  const panicFlag = lastPanicFlag(flags);
  let requestedPanic: BuildModeEvidence['requestedPanic'] = 'abort';
  let panicSetting: ConfigSetting | undefined;
  if (buildStep?.panicUnwind && stepLayer) {
    requestedPanic = 'unwind';
    panicSetting = { text: code(`${buildStep.tool} ${buildStep.tool === 'wasm-pack' ? 'build ' : ''}--panic-unwind`), path: stepLayer.path, where: stepLayer.where };
  } else if (panicFlag) {
    requestedPanic = normalisePanic(panicFlag.value);
    panicSetting = { text: code(`-Cpanic=${panicFlag.value}`), path: panicFlag.flag.layer.path, where: panicFlag.flag.layer.where };
  } else if (profilePanic) {
    requestedPanic = normalisePanic(profilePanic.value);
    panicSetting = profilePanic;
  }

  // Config-file rustflags that ask for unwind but are discarded by RUSTFLAGS/CARGO_ENCODED_RUSTFLAGS (C09 shape 5).
  let discardedRustflags: BuildModeEvidence['discardedRustflags'];
  const configPanic = lastPanicFlag(configFlags);
  if (overridingEnv && configPanic && normalisePanic(configPanic.value) === 'unwind' && requestedPanic !== 'unwind' && stepLayer) {
    discardedRustflags = {
      text: code(`-Cpanic=${configPanic.value}`), path: configPanic.flag.layer.path, where: configPanic.flag.layer.where,
      discardedBy: { text: code(env.has('CARGO_ENCODED_RUSTFLAGS') ? 'CARGO_ENCODED_RUSTFLAGS' : 'RUSTFLAGS'), path: stepLayer.path, where: stepLayer.where },
    };
  }

  // build-std: the command line, then CARGO_UNSTABLE_BUILD_STD, then `[unstable] build-std`.
  let buildStd: BuildModeEvidence['buildStd'];
  const withUnwind = (crates: readonly string[]): boolean => crates.length === 0 || crates.includes('std') || crates.includes('panic_unwind');
  if (buildStep?.panicUnwind && stepLayer) {
    buildStd = { text: code('-Zbuild-std=std,panic_unwind'), path: stepLayer.path, where: stepLayer.where, crates: ['std', 'panic_unwind'], includesPanicUnwind: true };
  } else if (buildStep?.buildStd && stepLayer) {
    const crates = buildStep.buildStd;
    buildStd = { text: code(crates.length > 0 ? `-Zbuild-std=${crates.join(',')}` : '-Zbuild-std'), path: stepLayer.path, where: stepLayer.where, crates, includesPanicUnwind: withUnwind(crates) };
  } else if (env.get('CARGO_UNSTABLE_BUILD_STD') !== undefined && stepLayer) {
    const crates = (env.get('CARGO_UNSTABLE_BUILD_STD') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    buildStd = { text: code(`CARGO_UNSTABLE_BUILD_STD=${crates.join(',')}`), path: stepLayer.path, where: stepLayer.where, crates, includesPanicUnwind: withUnwind(crates) };
  } else {
    const merged = mergedList(layers, (t) => getPath(t, 'unstable', 'build-std'));
    const declared = layers.some((l) => getPath(l.table, 'unstable', 'build-std') !== undefined);
    if (declared) {
      const crates = merged.map((f) => f.flag.replace(/,$/, '')).flatMap((s) => s.split(',')).filter(Boolean);
      const last = [...layers].reverse().find((l) => getPath(l.table, 'unstable', 'build-std') !== undefined)!;
      buildStd = {
        text: code(`build-std = [${crates.map((c) => `"${c}"`).join(', ')}]`), path: last.path, where: last.where, crates, includesPanicUnwind: withUnwind(crates),
      };
    }
  }

  // Abort handler and reset-state function (wasm-bindgen flags; worker-build passes both by default).
  const bindgen = chosen.bindgen;
  // `--force-enable-abort-handler` exists from wasm-bindgen 0.2.125; worker-build only passes it to versions that have it.
  const handlerAvailable = bindgen?.step.tool !== 'worker-build' || wasmBindgenVersionAtLeast({ wasmBindgenVersion }, '0.2.125');
  const bindgenWhere = bindgen ? scriptWhere(bindgen.entry) : '';
  const abortHandler: ConfigSetting | undefined = bindgen?.step.abortHandler && handlerAvailable
    ? {
        text: bindgen.step.tool === 'worker-build' ? code('worker-build') : code('--force-enable-abort-handler'),
        path: bindgen.entry.path, where: bindgenWhere,
      }
    : undefined;
  const resetStateFunction: ConfigSetting | undefined = bindgen?.step.resetStateFunction && (bindgen.step.tool !== 'worker-build' || handlerAvailable)
    ? {
        text: bindgen.step.tool === 'worker-build' ? code('worker-build') : code('--experimental-reset-state-function'),
        path: bindgen.entry.path, where: bindgenWhere,
      }
    : undefined;

  // The verdict (catalog §A11).
  let buildMode: BuildMode = 'abort';
  let reason = DEFAULT_REASON;
  let configPath = manifest.path;
  const stdOk = wasmBindgenStd || !usesWasmBindgen;
  if (requestedPanic === 'unwind' && panicSetting) {
    if (buildStd?.includesPanicUnwind && stdOk) {
      buildMode = 'unwind';
      // `--panic-unwind` of wasm-pack/worker-build brings build-std itself: name it alone.
      reason = joinSettings(panicSetting, buildStep?.panicUnwind ? undefined : buildStd);
      configPath = panicSetting.path;
    } else if (!buildStd?.includesPanicUnwind) {
      reason = `${panicSetting.text} in ${panicSetting.where} has no effect without ${code('-Zbuild-std=std,panic_unwind')} (the prebuilt wasm32 std uses panic=abort)`;
      configPath = panicSetting.path;
    } else {
      reason = `${code('default-features = false')} on wasm-bindgen in ${rel(manifest.path)} drops its ${code('std')} feature, so panics are not caught at exports despite ${panicSetting.text} in ${panicSetting.where}`;
      configPath = manifest.path;
    }
  } else if (discardedRustflags) {
    reason = `${discardedRustflags.discardedBy.text} in ${discardedRustflags.discardedBy.where} replaces the rustflags of ${discardedRustflags.where}, dropping ${discardedRustflags.text}`;
    configPath = discardedRustflags.discardedBy.path;
  } else if (panicSetting) {
    reason = `${panicSetting.text} in ${panicSetting.where}`;
    configPath = panicSetting.path;
  }
  if (buildMode === 'abort' && abortHandler) {
    buildMode = 'abort+handler';
    reason = bindgen?.step.tool === 'worker-build'
      ? `${code('worker-build')} in ${bindgenWhere} passes ${code('--force-enable-abort-handler')} to wasm-bindgen`
      : `${code('--force-enable-abort-handler')} passed to wasm-bindgen in ${bindgenWhere}`;
    configPath = abortHandler.path;
  }

  // Overflow checks of the profile the build uses (rustflags may override).
  const overflowProfile = profileValue(profileSources, env, profile, 'overflow-checks', draft.name);
  let overflowChecks = typeof overflowProfile?.value === 'boolean' ? overflowProfile.value : builtinBase(profileSources, profile) === 'dev';
  overflowChecks = lastOverflowFlag(flags) ?? overflowChecks;

  const toolchain = buildStep?.toolchain ?? nearest(inputs.toolchains, draft.root)?.value;
  const buildEvidence: BuildModeEvidence = {
    profile, requestedPanic, panicSetting, profilePanic, buildStd, discardedRustflags, abortHandler, resetStateFunction, buildScript, toolchain,
  };
  return {
    root: draft.root,
    manifestPath: manifest.path,
    name: draft.name,
    libName: draft.libName,
    buildMode,
    buildModeReason: reason,
    overflowChecks,
    wasmBindgenVersion,
    wasmBindgenStd,
    usesWasmBindgen,
    configPath,
    wasmBindgenVersionSource,
    workspaceRoot: inWorkspace ? draft.workspace.dir : undefined,
    buildEvidence,
    pathDependencies: pathDependenciesOf(table, workspaceDeps, draft.root, draft.workspace.dir),
  };
}

/**
 * The directories of the crate's path dependencies for a wasm32 build (`x = { path = "../x" }`, or
 * `workspace = true` with a path in `[workspace.dependencies]`, relative to the workspace's manifest).
 */
function pathDependenciesOf(manifest: TomlTable, workspaceDeps: TomlTable | undefined, crateDir: string, workspaceDir: string): string[] | undefined {
  const out = new Set<string>();
  for (const deps of dependencyTables(manifest)) {
    for (const [key, raw] of Object.entries(deps)) {
      const spec = asTable(raw);
      const own = asString(spec?.path);
      if (own !== undefined) out.add(resolvePath(crateDir, own));
      else if (spec?.workspace === true) {
        const inherited = asString(asTable(workspaceDeps?.[key])?.path);
        if (inherited !== undefined) out.add(resolvePath(workspaceDir, inherited));
      }
    }
  }
  return out.size > 0 ? [...out].sort() : undefined;
}

function normalisePanic(value: string): BuildModeEvidence['requestedPanic'] {
  return value === 'unwind' ? 'unwind' : value === 'immediate-abort' ? 'immediate-abort' : 'abort';
}

/** "`a` and `b` in X" when both live in the same place, else "`a` in X and `b` in Y". */
function joinSettings(a: ConfigSetting, b: ConfigSetting | undefined): string {
  if (!b) return `${a.text} in ${a.where}`;
  if (a.where === b.where) return `${a.text} and ${b.text} in ${a.where}`;
  return `${a.text} in ${a.where} and ${b.text} in ${b.where}`;
}
