// Feeds a Workspace from disk for Node hosts (CLI and language server): walks directories
// iteratively (symlink loops are detected by real path), reads Rust/TS/JS sources and the config
// files that decide crates and build modes, records binary artefacts (`*_bg.wasm`) by path only,
// and turns unreadable, binary or oversized files into notices instead of failures.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isCrateConfigFile, isTsConfigFile, isWithin, languageOfPath, normalizePath, type Notice, type Workspace } from '../analysis/index';

/** Directories never scanned: dependencies, build output of cargo, VCS metadata. */
const SKIPPED_DIRS = new Set(['node_modules', 'target', '.git', '.hg', '.svn', '.editor-tools', '.vscode-test']);

export interface DiskScanOptions {
  /** Files larger than this many bytes are not read (a notice says so). */
  readonly maxFileBytes: number;
  /** Extra directory names to skip. */
  readonly skipDirs?: readonly string[];
  /** Called between batches so long scans can report progress or be cancelled (return false to stop). */
  readonly onProgress?: (scannedFiles: number) => boolean | void;
  /**
   * The paths the user asked about, when the roots also hold context around them (`indexRootsOf`):
   * outside these paths (and the folders leading to them), a folder the scanned root's `.gitignore` names
   * is not entered (build output, generated corpora, coverage: context nobody imports), unless it holds
   * wasm-bindgen output itself (a `*_bg.wasm`: `pkg/` is usually git-ignored and is exactly the context a
   * check needs). Without it every folder is entered.
   */
  readonly contextOutside?: readonly string[];
}

export interface DiskScanResult {
  /** Lintable files found (absolute, '/'-separated), sorted. */
  readonly lintable: string[];
  readonly notices: Notice[];
  /** False when onProgress asked to stop. */
  readonly completed: boolean;
}

export function toWorkspacePath(p: string): string {
  return normalizePath(path.resolve(p));
}

/** Folders a scan does not enter: build output, dependencies, VCS data, hidden folders (`.cargo` is read). */
function isSkippedDirectory(name: string, skip: ReadonlySet<string>): boolean {
  return skip.has(name) || (name.startsWith('.') && name !== '.cargo');
}

function isInteresting(name: string): 'text' | 'binary' | undefined {
  if (languageOfPath(name) || isCrateConfigFile(name) || isTsConfigFile(name)) return 'text';
  if (name.endsWith('.wasm')) return 'binary';
  return undefined;
}

/** Reads a text file for the analysis: BOM stripped (as editors do), invalid UTF-8 replaced. */
export function readSourceFile(file: string, maxFileBytes: number): { text?: string; notice?: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return { notice: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  // A FIFO or device named like a source file would block the read forever; a directory cannot be read.
  if (!stat.isFile()) return { notice: `skipped: not a regular file (${stat.isDirectory() ? 'a directory' : 'a FIFO, socket or device'})` };
  if (stat.size > maxFileBytes) return { notice: `skipped: ${stat.size} bytes is over the ${maxFileBytes}-byte limit (maxFileSize)` };
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    return { notice: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  if (bytes.subarray(0, 8192).includes(0)) return { notice: 'skipped: binary file (contains NUL bytes)' };
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

/**
 * Loads every relevant file below `roots` into `workspace`. Paths that are files are loaded alone.
 * Throws only for a root that does not exist (a usage error for the caller to report).
 */
export async function scanIntoWorkspace(workspace: Workspace, roots: readonly string[], options: DiskScanOptions): Promise<DiskScanResult> {
  const lintable = new Set<string>();
  const notices: Notice[] = [];
  const visitedDirs = new Set<string>();
  const skip = new Set([...SKIPPED_DIRS, ...(options.skipDirs ?? [])]);
  let scanned = 0;

  const loadFile = (file: string, kind: 'text' | 'binary'): void => {
    const wsPath = toWorkspacePath(file);
    if (kind === 'binary') {
      workspace.addPath(wsPath);
      return;
    }
    const { text, notice } = readSourceFile(file, options.maxFileBytes);
    if (notice !== undefined) {
      notices.push({ path: wsPath, level: 'warning', message: notice });
      workspace.addPath(wsPath);
      return;
    }
    workspace.setFile(wsPath, text!);
    if (languageOfPath(wsPath)) lintable.add(wsPath);
  };

  const asked = options.contextOutside?.map(toWorkspacePath);
  for (const root of roots) {
    const absolute = path.resolve(root);
    const stat = fs.statSync(absolute); // throws ENOENT for a missing root: the caller's usage error
    if (stat.isFile()) {
      loadFile(absolute, isInteresting(path.basename(absolute)) ?? 'text');
      continue;
    }
    const ignored = asked ? gitignoredFolders(absolute) : undefined;
    /**
     * A git-ignored folder (or one inside a git-ignored folder entered on the way to a checked path) that is
     * only context: neither asked about, nor on the way to what was, nor wasm-bindgen output.
     */
    const onlyIgnoredContext = (dir: string): boolean => {
      const at = toWorkspacePath(dir);
      if (ignored === undefined || asked!.some((t) => isWithin(at, t) || isWithin(t, at))) return false;
      const segments = path.relative(absolute, dir).split(path.sep);
      const inIgnored = segments.some((_, i) => ignored.matches(segments.slice(0, i + 1).join('/')));
      return inIgnored && !holdsWasmBindgenOutput(dir);
    };
    const stack = [absolute];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let real: string;
      try {
        real = fs.realpathSync(dir);
      } catch {
        continue;
      }
      if (visitedDirs.has(real)) continue; // symlink loop or a directory reached twice
      visitedDirs.add(real);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        notices.push({ path: toWorkspacePath(dir), level: 'warning', message: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          try {
            const target = fs.statSync(full);
            isDir = target.isDirectory();
            isFile = target.isFile();
          } catch {
            continue; // dangling link
          }
        }
        if (isDir) {
          if (isSkippedDirectory(entry.name, skip) || onlyIgnoredContext(full)) continue;
          stack.push(full);
        } else if (isFile) {
          const kind = isInteresting(full); // full path: `.cargo/config.toml` is recognised by its directory
          if (!kind) continue;
          loadFile(full, kind);
          scanned++;
          if (scanned % 200 === 0) {
            if (options.onProgress?.(scanned) === false) return { lintable: [...lintable].sort(), notices, completed: false };
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      }
    }
  }
  loadImportedWasmPackages(workspace, [...lintable], options.maxFileBytes);
  return { lintable: [...lintable].sort(), notices, completed: true };
}

/** Bare specifiers of `import … from '…'`, `export … from '…'`, `import('…')`, `require('…')`. */
const BARE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"./][^'"]*)\1/gm;

/**
 * The wasm-bindgen packages the scanned TS/JS files import from `node_modules` (which the walk skips): a
 * package whose folder holds a `*_bg.wasm` (wasm-pack's output published to npm, `@resvg/resvg-wasm`,
 * `my-wasm-pkg`) has its package.json, the JS and `.d.ts` files beside it and the wasm file's path loaded,
 * so calls into it are recognised like calls into a local `pkg/`. Only what the files import is looked
 * up, each package once; nothing of it is linted.
 */
function loadImportedWasmPackages(workspace: Workspace, files: readonly string[], maxFileBytes: number): void {
  /** node_modules/<name> folder → whether it holds a package (Node's resolution stops at the first that does). */
  const exists = new Map<string, boolean>();
  for (const file of files) {
    const language = languageOfPath(file);
    if (language !== 'typescript' && language !== 'tsx' && language !== 'javascript') continue;
    const text = workspace.fileText(file);
    if (text === undefined || !/node_modules|from\s*['"][^'"./]|import\s*\(|require\s*\(|^\s*import\s+['"]/m.test(text)) continue;
    for (const m of text.matchAll(BARE_IMPORT)) {
      const specifier = m[2];
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (!name || name.startsWith('node:') || /[\s\\]/.test(name)) continue;
      for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
        const pkgDir = path.join(dir, 'node_modules', name);
        let found = exists.get(pkgDir);
        if (found === undefined) {
          found = fs.existsSync(path.join(pkgDir, 'package.json'));
          exists.set(pkgDir, found);
          if (found) loadWasmPackage(workspace, pkgDir, maxFileBytes);
        }
        if (found || path.dirname(dir) === dir) break;
      }
    }
  }
}

/** Loads a `node_modules` package's top folder when it is wasm-bindgen output (see loadImportedWasmPackages). */
function loadWasmPackage(workspace: Workspace, pkgDir: string, maxFileBytes: number): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(pkgDir, { withFileTypes: true });
  } catch {
    return;
  }
  if (!entries.some((e) => e.isFile() && e.name.endsWith('_bg.wasm'))) return;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = path.join(pkgDir, entry.name);
    if (entry.name.endsWith('.wasm')) {
      workspace.addPath(toWorkspacePath(full));
    } else if (entry.name === 'package.json' || /\.(?:[cm]?js|d\.[cm]?ts)$/.test(entry.name)) {
      const { text } = readSourceFile(full, maxFileBytes);
      if (text !== undefined) workspace.setFile(toWorkspacePath(full), text);
    }
  }
}

function holdsWasmBindgenOutput(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => name.endsWith('_bg.wasm'));
  } catch {
    return false;
  }
}

/** The folders a root's `.gitignore` names, as `gitignoredFolderPatterns` reads them; undefined when it has none. */
function gitignoredFolders(root: string): GitignoredFolders | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  return gitignoredFolderPatterns(text);
}

export interface GitignoredFolders {
  /** Whether the folder at `relative` (to the `.gitignore`'s folder, any separator) is named by a pattern. */
  matches(relative: string): boolean;
}

/**
 * The plain folder patterns of a `.gitignore`: `dist/`, `bench-output`, `/out`, `web/build/`. Globs,
 * negations and escapes are left out (a folder they would name is simply scanned), so a folder is skipped
 * only when a line names it outright. A name without a `/` inside matches at any depth; one with a leading
 * or inner `/` is relative to the `.gitignore`'s folder.
 */
export function gitignoredFolderPatterns(text: string): GitignoredFolders {
  const names = new Set<string>();
  const anchored = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!') || /[*?[\]\\]/.test(line)) continue;
    const body = line.replace(/\/+$/, '');
    if (body === '' || body === '.' || body.includes('..')) continue;
    if (body.startsWith('/') || body.includes('/')) anchored.add(body.replace(/^\/+/, ''));
    else names.add(body);
  }
  return {
    matches(relative: string): boolean {
      const rel = relative.split(path.sep).join('/');
      if (anchored.has(rel)) return true;
      const slash = rel.lastIndexOf('/');
      return names.has(slash >= 0 ? rel.slice(slash + 1) : rel);
    },
  };
}

/**
 * True when the Rust/TS/JS files under `roots` (walked as `scanIntoWorkspace` walks them, without
 * reading any) add up to at least `limitBytes`; stops as soon as they do. A cheap look before the scan,
 * for decisions that pay only on large workspaces (the CLI's early worker start).
 */
export function sourceBytesAtLeast(roots: readonly string[], limitBytes: number): boolean {
  let total = 0;
  const visitedDirs = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const entryPath = stack.pop()!;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(entryPath);
    } catch {
      continue;
    }
    if (stat.isFile()) {
      if (languageOfPath(entryPath)) total += stat.size;
      if (total >= limitBytes) return true;
      continue;
    }
    if (!stat.isDirectory()) continue;
    let real: string;
    try {
      real = fs.realpathSync(entryPath);
    } catch {
      continue;
    }
    if (visitedDirs.has(real)) continue;
    visitedDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(entryPath, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory() || entry.isSymbolicLink()) {
        if (isSkippedDirectory(entry.name, SKIPPED_DIRS)) continue;
        stack.push(path.join(entryPath, entry.name));
      } else if (entry.isFile() && languageOfPath(entry.name)) {
        stack.push(path.join(entryPath, entry.name));
      }
    }
  }
  return false;
}

/**
 * Loads the config files above `dir` (Cargo.toml, .cargo/config.toml, package.json …) up to the
 * file-system root, so a check of one file or sub-folder still knows its crate and build mode.
 */
export function loadAncestorConfigs(workspace: Workspace, dir: string, maxFileBytes: number): void {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    for (const name of ['Cargo.toml', 'Cargo.lock', 'package.json', 'tsconfig.json', 'jsconfig.json', 'rust-toolchain.toml', 'rust-toolchain', path.join('.cargo', 'config.toml'), path.join('.cargo', 'config')]) {
      const file = path.join(current, name);
      const wsPath = toWorkspacePath(file);
      if (workspace.fileExists(wsPath) || !fs.existsSync(file)) continue;
      const { text } = readSourceFile(file, maxFileBytes);
      if (text !== undefined) workspace.setFile(wsPath, text);
    }
    if (path.dirname(current) === current) break;
  }
}

/**
 * The folders to index for a check of `targets`: each target, and the project root around it
 * (`projectRootOf`), so the crate, its configuration and the wasm-bindgen glue a checked sub-folder or file
 * relies on are known, and a check of `web/` finds what a check of the whole project finds in `web/`. A
 * target inside a folder the project scan skips (node_modules/, target/, hidden) is read because it is
 * listed itself.
 */
export function indexRootsOf(targets: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const target of targets) {
    roots.add(projectRootOf(target));
    roots.add(target);
  }
  return [...roots];
}

/**
 * The folder to index for a check of `target`: the nearest ancestor holding `.git`, else the
 * outermost ancestor (below the file-system root) holding a Cargo.toml or package.json, else the target's folder.
 */
export function projectRootOf(target: string): string {
  const start = path.resolve(target);
  let dir = fs.existsSync(start) && fs.statSync(start).isDirectory() ? start : path.dirname(start);
  let outermostManifest: string | undefined;
  for (;;) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (fs.existsSync(path.join(dir, 'Cargo.toml')) || fs.existsSync(path.join(dir, 'package.json'))) outermostManifest = dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return outermostManifest ?? (fs.existsSync(start) && fs.statSync(start).isDirectory() ? start : path.dirname(start));
}
