// `wasm-safety check`: turns path arguments into a CheckReport. Reads files through the Node host
// helpers, runs the analysis layer's Linter, and resolves findings to 1-based locations. No lint logic.
//
// Indexing versus linting: only files under the given paths are LINTED, but rules ask cross-file
// questions (which crate and build mode a file belongs to, which exports a crate has, which imports are
// wasm-bindgen glue), so more is INDEXED around them:
//   - a directory argument is scanned whole (its crates, glue modules and callers are all inside it);
//   - a file argument also scans its project root (`projectRootOf`: the enclosing git checkout or the
//     outermost manifest folder), so the rest of its crate and the glue modules it imports are known;
//   - for every argument the config files of all ancestor folders are loaded (`loadAncestorConfigs`),
//     so a Cargo.toml or .cargo/config.toml above a checked sub-folder still decides the build mode.
// Indexing only reads text; parsing happens lazily when a summary is needed (and not at all for Rust
// files whose text cannot contribute to the crate index, see workspace.ts), so a file is parsed at most
// twice (once for its summary, once for linting; its own summary reuses the lint's tree), and nothing
// iterates over pairs of files.
//
// Linting runs on worker threads (`concurrency`, lint-pool.ts) or in this thread (concurrency 1, or few
// files); `shard` keeps a deterministic part of the files to lint (shard.ts) while indexing still sees
// everything. Results are consumed in sorted path order either way, so the report is the same.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALL_RULES, DEFAULT_LINT_SETTINGS, DEFAULT_SETTINGS, dirname, isWithin, type InternalError, Linter,
  type LintResult, type LintSettings, type Notice, type Rule, Workspace,
} from '../analysis/index';
import { loadAncestorConfigs, projectRootOf, scanIntoWorkspace, toWorkspacePath } from '../host/disk-workspace';
import { loadGrammars } from '../host/wasm-files';
import { defaultConcurrency, lintInWorkers, MIN_CHARS_FOR_WORKERS } from './lint-pool';
import { inShard, type Shard } from './shard';
import { compareFindings, type CheckReport, displayPath, LocationResolver, type ReportedFinding, type ReportNotice } from './report';

export interface CheckOptions {
  /** Paths as the user typed them (resolved against `cwd`). */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly toolVersion: string;
  /** Defaults to every registered rule. */
  readonly rules?: readonly Rule[];
  /** Test-only: make this rule throw (Linter fault injection), to exercise the internal-error path end to end. */
  readonly faultInjection?: string;
  /**
   * Compute (and syntax-check) fixes: needed by outputs that list fixes and by --fix; plain text
   * output does not show them. Default true.
   */
  readonly withFixes?: boolean;
  /** Lint worker threads; 1 lints in this thread. Default: os.availableParallelism(). */
  readonly concurrency?: number;
  /** Lint only this deterministic part of the files (CI matrices); indexing still covers everything. */
  readonly shard?: Shard;
}

interface Target {
  readonly given: string;
  readonly absolute: string;
  readonly workspacePath: string;
  readonly isDirectory: boolean;
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const rules = options.rules ?? ALL_RULES;
  const notices: ReportNotice[] = [];
  const targets: Target[] = [];

  for (const given of options.paths) {
    const absolute = path.resolve(options.cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' || code === 'ENOTDIR' ? 'path does not exist' : `cannot access path (${code ?? String(e)})`;
      notices.push({ level: 'error', path: displayPath(options.cwd, absolute), absolutePath: absolute, message });
      continue;
    }
    targets.push({ given, absolute, workspacePath: toWorkspacePath(absolute), isDirectory: stat.isDirectory() });
  }

  const indexRoots = new Set<string>();
  for (const target of targets) {
    if (target.isDirectory) {
      indexRoots.add(target.absolute);
    } else {
      indexRoots.add(projectRootOf(target.absolute));
      // Listed on its own too: the project scan skips target/, node_modules/ and hidden folders.
      indexRoots.add(target.absolute);
    }
  }

  const grammars = await loadGrammars();
  const workspace = new Workspace(grammars, { roots: [...indexRoots].map(toWorkspacePath), parseBudgetMs: DEFAULT_SETTINGS.parseBudgetMs });
  try {
    const maxFileBytes = DEFAULT_SETTINGS.maxFileSize;
    // One call for all roots: the scanner remembers visited folders, so nested roots are read once.
    const scan = await scanIntoWorkspace(workspace, [...indexRoots], { maxFileBytes });
    for (const target of targets) loadAncestorConfigs(workspace, target.isDirectory ? target.absolute : path.dirname(target.absolute), maxFileBytes);

    const isInTargets = (wsPath: string): boolean =>
      targets.some((t) => (t.isDirectory ? isWithin(t.workspacePath, wsPath) : t.workspacePath === wsPath));

    const seenNotices = new Set<string>();
    const addNotice = (notice: Notice): void => {
      const key = `${notice.path}\u0000${notice.message}`;
      if (seenNotices.has(key)) return;
      seenNotices.add(key);
      notices.push({ level: notice.level, path: displayPath(options.cwd, notice.path), absolutePath: notice.path, message: notice.message });
    };
    // Files outside the checked paths were only indexed: their read problems are not the user's question.
    for (const notice of scan.notices) if (isInTargets(notice.path)) addNotice(notice);

    const toLint = new Set<string>();
    for (const target of targets) {
      if (target.isDirectory) {
        for (const file of scan.lintable) if (isWithin(target.workspacePath, file)) toLint.add(file);
      } else if (workspace.languageOf(target.workspacePath)) {
        toLint.add(target.workspacePath);
      } else if (!seenNoticeFor(seenNotices, target.workspacePath)) {
        addNotice({ path: target.workspacePath, level: 'warning', message: 'skipped: not a Rust, TypeScript or JavaScript file' });
      }
    }

    // Crate-config problems (a Cargo.toml that does not parse …) matter when they concern a checked file's crate.
    for (const notice of workspace.notices()) if (configConcernsTargets(notice.path, targets)) addNotice(notice);

    if (targets.length > 0 && toLint.size === 0) {
      notices.push({ level: 'info', message: `no Rust, TypeScript or JavaScript files found in ${targets.map((t) => t.given).join(', ')}` });
    }

    if (options.shard) {
      const shard = options.shard;
      for (const file of [...toLint]) if (!inShard(displayPath(options.cwd, file), shard)) toLint.delete(file);
    }

    const resolver = new LocationResolver(options.cwd, (p) => workspace.fileText(p));
    const findings: ReportedFinding[] = [];
    const internalErrors: InternalError[] = [];
    const files = [...toLint].sort().map((path) => ({ path, settings: settingsFor(path) }));
    const withFixes = options.withFixes ?? true;
    const concurrency = options.concurrency ?? defaultConcurrency();
    const allRegistered = rules.every((r) => ALL_RULES.includes(r));
    let results: ReadonlyMap<string, LintResult>;
    const charsToLint = files.reduce((n, f) => n + (workspace.fileText(f.path)?.length ?? 0), 0);
    if (concurrency > 1 && charsToLint >= MIN_CHARS_FOR_WORKERS && allRegistered) {
      const rustFiles = workspace.lintablePaths().filter((p) => workspace.languageOf(p) === 'rust');
      results = await lintInWorkers(files, rustFiles, concurrency, {
        indexRoots: [...indexRoots],
        ancestorConfigDirs: targets.map((t) => (t.isDirectory ? t.absolute : path.dirname(t.absolute))),
        maxFileBytes,
        parseBudgetMs: DEFAULT_SETTINGS.parseBudgetMs,
        ruleIds: rules.map((r) => r.id),
        withFixes,
        faultInjection: options.faultInjection,
      });
    } else {
      const linter = new Linter(rules, grammars);
      const inProcess = new Map<string, LintResult>();
      for (const { path: file, settings } of files) {
        inProcess.set(file, linter.lintFile(workspace, file, { settings, withFixes, faultInjection: options.faultInjection }));
      }
      results = inProcess;
    }
    for (const { path: file } of files) {
      const result = results.get(file);
      if (!result) throw new Error(`no lint result for ${file}`);
      for (const finding of result.findings) findings.push(resolver.resolve(finding));
      for (const notice of result.notices) addNotice(notice);
      internalErrors.push(...result.internalErrors);
    }
    for (const error of internalErrors) {
      notices.push({
        level: 'error', path: displayPath(options.cwd, error.path), absolutePath: error.path, ruleId: error.ruleId,
        message: `internal error: ${error.message}`, stack: error.stack,
      });
    }

    findings.sort(compareFindings);
    return {
      cwd: options.cwd,
      toolVersion: options.toolVersion,
      rules,
      findings,
      notices,
      filesChecked: toLint.size,
      executionSuccessful: !notices.some((n) => n.level === 'error'),
    };
  } finally {
    workspace.dispose();
  }
}

/**
 * The settings a file is linted with: plain serialisable data (lint workers receive it per file).
 * The hook where per-file configuration plugs in.
 */
function settingsFor(_path: string): LintSettings {
  return DEFAULT_LINT_SETTINGS;
}

function seenNoticeFor(seen: ReadonlySet<string>, wsPath: string): boolean {
  for (const key of seen) if (key.startsWith(`${wsPath}\u0000`)) return true;
  return false;
}

/** True when a config file's folder (the crate root; for .cargo/ files its parent) is inside or above a target. */
function configConcernsTargets(configPath: string, targets: readonly Target[]): boolean {
  let folder = dirname(configPath);
  if (folder.endsWith('/.cargo')) folder = dirname(folder);
  return targets.some((t) => isWithin(t.workspacePath, configPath) || isWithin(folder, t.workspacePath));
}
