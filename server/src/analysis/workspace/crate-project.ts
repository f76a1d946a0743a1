// Project-level facts for rules about a crate as a whole or about its configuration (catalog C04, C08,
// C09): where a crate-wide finding is anchored so that the CLI and the editor report it exactly once,
// what the crate's Cargo.toml says beyond the build mode (crate-type, dependencies), and where a
// setting sits inside a config file (for `related` locations and for fixes that edit that file).
//
// Anchor: config files are not linted, so a crate-wide finding lives in the crate's root Rust file —
// `[lib] path`, else `src/lib.rs`, else `src/main.rs`, else the first Rust file of the crate by path —
// on its first item. The choice depends only on the workspace's files, never on which file is open.
// Pure: reads texts the workspace already holds; no I/O.

import type { Node } from 'web-tree-sitter';
import type { TextRange } from '../model';
import { resolvePath } from '../text/paths';
import type { WorkspaceQueries } from './file-context';
import { asStringArray, asTable, getPath, parseToml, type TomlTable, asString } from './toml';
import type { ConfigSetting, CrateIndex, CrateInfo } from './types';

/** The parsed Cargo.toml of the crate, when it parses. */
export function crateManifest(workspace: Pick<WorkspaceQueries, 'fileText'>, crate: CrateInfo): TomlTable | undefined {
  const text = workspace.fileText(crate.manifestPath);
  if (text === undefined) return undefined;
  const parsed = parseToml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  return parsed.ok ? parsed.table : undefined;
}

/** `[lib] crate-type`, as written (empty when absent: cargo then builds an rlib only). */
export function crateTypes(manifest: TomlTable | undefined): readonly string[] {
  return asStringArray(getPath(manifest, 'lib', 'crate-type')) ?? asStringArray(getPath(manifest, 'lib', 'crate_type')) ?? [];
}

/** True when the crate depends on `name` (plain or target-specific dependencies; dev-dependencies do not count). */
export function dependsOn(manifest: TomlTable | undefined, name: string): boolean {
  if (!manifest) return false;
  const same = (a: string) => a.replace(/_/g, '-') === name.replace(/_/g, '-');
  const tables: TomlTable[] = [];
  const plain = asTable(manifest.dependencies);
  if (plain) tables.push(plain);
  for (const t of Object.values(asTable(manifest.target) ?? {})) {
    const deps = asTable(asTable(t)?.dependencies);
    if (deps) tables.push(deps);
  }
  return tables.some((deps) => Object.entries(deps).some(([key, spec]) => same(asString(asTable(spec)?.package) ?? key)));
}

/**
 * The Rust file a crate-wide finding is reported in: `[lib] path`, `src/lib.rs`, `src/main.rs`, else the
 * crate's first Rust file by path. Undefined when the crate has no Rust file in the workspace.
 */
export function crateRootFile(workspace: WorkspaceQueries, crate: CrateInfo, index: CrateIndex | undefined): string | undefined {
  // CrateInfo objects are rebuilt whenever a config file or the set of files changes, so they key the cache.
  const cached = ROOT_FILES.get(crate);
  if (cached !== undefined) return cached ?? undefined;
  const found = findRootFile(workspace, crate, index);
  ROOT_FILES.set(crate, found ?? null);
  return found;
}

const ROOT_FILES = new WeakMap<CrateInfo, string | null>();

function findRootFile(workspace: WorkspaceQueries, crate: CrateInfo, index: CrateIndex | undefined): string | undefined {
  const candidates: string[] = [];
  const libPath = asString(getPath(crateManifest(workspace, crate), 'lib', 'path'));
  if (libPath) candidates.push(resolvePath(crate.root, libPath));
  candidates.push(`${crate.root}/src/lib.rs`, `${crate.root}/src/main.rs`);
  for (const c of candidates) if (workspace.fileText(c) !== undefined) return c;
  const files = [...(index?.files ?? [])].sort();
  return files[0];
}

/**
 * Where a crate-wide finding is shown in the root file: the name (else the first line) of its first
 * item — inner attributes, comments and `use`/`mod x;`/`extern crate` lines are skipped when something
 * else follows — else the first line of the file.
 */
export function crateAnchorRange(root: Node, text: string): TextRange {
  const ignored = new Set(['line_comment', 'block_comment', 'inner_attribute_item', 'attribute_item']);
  let fallback: Node | undefined;
  let item: Node | undefined;
  for (let i = 0; i < root.namedChildCount && !item; i++) {
    const child = root.namedChild(i);
    if (!child || ignored.has(child.type)) continue;
    const preamble = child.type === 'use_declaration' || child.type === 'extern_crate_declaration' ||
      (child.type === 'mod_item' && !child.childForFieldName('body'));
    if (preamble) fallback ??= child;
    else item = child;
  }
  // An item's name is the most precise place (and the item keyword line is what a reader scans for).
  const name = item?.childForFieldName('name');
  if (name) return { start: name.startIndex, end: name.endIndex };
  const start = (item ?? fallback)?.startIndex ?? 0;
  return lineRangeAt(text, start);
}

// ---- locations inside config files ----------------------------------------------------------------

/** The range of the whole line that contains `offset`. */
export function lineRangeAt(text: string, offset: number): TextRange {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  if (end > start && text[end - 1] === '\r') end--;
  return { start, end };
}

/**
 * Where a setting recorded by build-mode detection sits in its file: its text (`-Cpanic=unwind` also
 * matches `"-C", "panic=unwind"`, `RUSTFLAGS` matches `RUSTFLAGS=`), else the start of the file.
 */
export function settingRange(workspace: WorkspaceQueries, setting: ConfigSetting): TextRange {
  const text = workspace.fileText(setting.path);
  if (text === undefined) return { start: 0, end: 0 };
  const raw = setting.text.replace(/^`|`$/g, '');
  const needles = [raw];
  const panic = /^-C\s*panic=([\w-]+)$/.exec(raw);
  if (panic) needles.push(`panic=${panic[1]}`);
  const eq = /^([A-Z_]+)=/.exec(raw);
  if (eq) needles.push(`${eq[1]}=`);
  if (/^[A-Z_]+$/.test(raw)) needles.push(`${raw}=`);
  for (const n of needles) {
    const at = text.indexOf(n);
    if (at >= 0) return { start: at, end: at + n.length };
  }
  // TOML `key = "value"` as shown may be written with other spacing or single quotes.
  const kv = /^([\w.-]+)\s*=\s*"([^"]*)"$/.exec(raw);
  if (kv) {
    const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`\\b${escape(kv[1])}\\s*=\\s*["']${escape(kv[2])}["']`).exec(text);
    if (m) return { start: m.index, end: m.index + m[0].length };
  }
  return { start: 0, end: 0 };
}

/** A dependency entry in a Cargo.toml text, found line by line (TOML parsers keep no positions). */
export interface TomlDependencyEntry {
  /** `inline`: `name = "1"` / `name = { … }` on one line; `table`: a `[dependencies.name]` section. */
  readonly form: 'inline' | 'table';
  /** The entry's line (inline) or the section header line (table). */
  readonly line: TextRange;
  /** For `table`: the end of the section (start of the next header or end of text). */
  readonly sectionEnd: number;
}

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

/**
 * Finds dependency `name` in `[dependencies]`, `[target.*.dependencies]` or `[workspace.dependencies]`
 * of a Cargo.toml text (also spelled with `_` for `-`). The first entry wins.
 */
export function findTomlDependency(text: string, name: string): TomlDependencyEntry | undefined {
  const names = new Set([name, name.replace(/-/g, '_'), name.replace(/_/g, '-')].map((n) => n.toLowerCase()));
  const isDepsTable = (h: string) => /^(?:target\.[^\]]*?\.|workspace\.)?dependencies$/.test(h.replace(/\s+/g, ''));
  let section = '';
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineStart = offset;
    offset += line.length + 1;
    const header = HEADER.exec(line);
    if (header) {
      section = header[1].replace(/\s+/g, '');
      const m = /^(.*dependencies)\.("?)([A-Za-z0-9_-]+)\2$/.exec(section);
      if (m && isDepsTable(m[1]) && names.has(m[3].toLowerCase())) {
        let end = offset;
        for (let j = i + 1; j < lines.length; j++) {
          if (HEADER.test(lines[j])) break;
          end += lines[j].length + 1;
        }
        return { form: 'table', line: lineRangeAt(text, lineStart), sectionEnd: Math.min(end, text.length) };
      }
      continue;
    }
    if (!isDepsTable(section)) continue;
    const key = /^\s*"?([A-Za-z0-9_-]+)"?\s*=/.exec(line);
    if (key && names.has(key[1].toLowerCase())) return { form: 'inline', line: lineRangeAt(text, lineStart), sectionEnd: offset };
  }
  return undefined;
}

/** Where the crate's build mode is decided, as a related location for findings that depend on it. */
export function buildModeLocation(workspace: WorkspaceQueries, crate: CrateInfo): { path: string; range: TextRange; message: string } {
  const e = crate.buildEvidence;
  const setting = crate.buildMode === 'abort+handler' ? e?.abortHandler
    : crate.buildMode === 'unwind' ? e?.panicSetting
    : e?.discardedRustflags?.discardedBy ?? e?.panicSetting;
  const message = `build mode of \`${crate.name}\`: ${crate.buildModeReason}`;
  if (setting) return { path: setting.path, range: settingRange(workspace, setting), message };
  return { path: crate.configPath, range: { start: 0, end: 0 }, message };
}
