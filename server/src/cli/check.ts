// `wasm-safety check`: turns path arguments into a CheckReport. Reads files through the Node host
// helpers, runs the analysis layer's Linter, and resolves findings to 1-based locations. No lint logic.
//
// Indexing versus linting: only files under the given paths are LINTED, but rules ask cross-file
// questions (which crate and build mode a file belongs to, which exports a crate has, which imports are
// wasm-bindgen glue), so more is INDEXED around them:
//   - every argument, file or directory, also scans its project root (`indexRootsOf`: the enclosing git
//     checkout or the outermost manifest folder), so the rest of its crate and the glue modules it
//     imports are known and a sub-folder's findings are the ones a check of the whole project has there;
//   - for every argument the config files of all ancestor folders are loaded (`loadAncestorConfigs`),
//     so a Cargo.toml or .cargo/config.toml above a checked sub-folder still decides the build mode.
// Indexing only reads text; parsing happens lazily when a summary is needed (and not at all for Rust
// files whose text cannot contribute to the crate index, see workspace.ts), so a file is parsed at most
// twice (once for its summary, once for linting), and usually once: the lint takes the tree its summary
// parsed when the crate's files are linted right after its index is built (Workspace.keepSummaryTrees,
// within a memory budget; the crate jobs of lint-pool.ts). Nothing iterates over pairs of files.
//
// Linting runs on this thread alone (concurrency 1, or a small check) or on this thread and
// `concurrency - 1` worker threads (lint-pool.ts); `shard` keeps a deterministic part of the files to
// lint (shard.ts) while indexing still
// sees everything. Results are consumed in sorted path order either way, so the report is the same.
// Settings travel with each file as plain data; --fix, the baseline and formatting run here, on the
// collected results.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALL_RULES, dirname, type Finding, type Grammars, isWithin, type InternalError, Linter, type LintResult, type Notice, type Rule, Workspace,
} from '../analysis/index';
import { indexRootsOf, loadAncestorConfigs, scanIntoWorkspace, sourceBytesAtLeast, toWorkspacePath } from '../host/disk-workspace';
import { loadGrammars } from '../host/wasm-files';
import { applySafeFixesOnDisk, type FixSummary } from './fix';
import { CheckConfiguration } from './check-config';
import { defaultConcurrency, lintOnThreads, MIN_CHARS_FOR_WORKERS, oneThreadLintOrder, scanLayoutOf, StartedWorkers } from './lint-pool';
import { SUMMARY_TREE_BUDGET_CHARS, type WorkerSetup } from './lint-worker';
import { inShard, type Shard } from './shard';
import { compareFindings, type CheckReport, displayPath, LocationResolver, type ReportNotice } from './report';

export interface CheckOptions {
  /** Paths as the user typed them (resolved against `cwd`). */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly toolVersion: string;
  /** Defaults to every registered rule. */
  readonly rules?: readonly Rule[];
  /** Test-only: make this rule throw (Linter fault injection), to exercise the internal-error path end to end. */
  readonly faultInjection?: string;
  /** `--fix`: apply safe fixes on disk before reporting (fix.ts); the summary goes to `onFixed`. */
  readonly fix?: boolean;
  readonly onFixed?: (summary: FixSummary) => void;
  /** Config files, per-file settings, ignored paths and the baseline (default: nearest config files, baseline applied). */
  readonly configuration?: CheckConfiguration;
  /**
   * Compute (and syntax-check) fixes: needed by outputs that list fixes; text, SARIF and GitHub output
   * do not show them (--fix computes its own). Default true.
   */
  readonly withFixes?: boolean;
  /** Lint threads (this one and concurrency-1 workers); 1: this thread alone. Default: os.availableParallelism() for large checks. */
  readonly concurrency?: number;
  /**
   * With concurrency > 1: false leaves all the work to `concurrency` workers (tests use it, so every file
   * goes through a worker even when this thread would have finished before they started). Default true.
   */
  readonly mainThreadWorks?: boolean;
  /** Lint only this deterministic part of the files (CI matrices); indexing still covers everything. */
  readonly shard?: Shard;
  /** Told how the lint ran: on how many threads (0 = this thread alone, no workers). For tests and diagnostics. */
  readonly onLintThreads?: (threads: number) => void;
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

  const indexRoots = new Set(indexRootsOf(targets.map((t) => t.absolute)));

  const config = options.configuration ?? new CheckConfiguration({ cwd: options.cwd, rules });
  // Read and parse limits for the whole run (the Linter still applies each file's own maxFileSize).
  const { maxFileBytes, parseBudgetMs } = config.runLimits(targets.map((t) => (t.isDirectory ? t.workspacePath : dirname(t.workspacePath))));
  const concurrency = options.concurrency ?? defaultConcurrency();
  const allRegistered = rules.every((r) => ALL_RULES.includes(r));
  const withFixes = options.withFixes ?? true;
  const mainThreadWorks = options.mainThreadWorks !== false;
  const workerSetup: WorkerSetup = {
    indexRoots: [...indexRoots],
    contextOutside: targets.map((t) => t.absolute),
    ancestorConfigDirs: targets.map((t) => (t.isDirectory ? t.absolute : path.dirname(t.absolute))),
    maxFileBytes,
    parseBudgetMs,
    ruleIds: rules.map((r) => r.id),
    withFixes,
    faultInjection: options.faultInjection,
  };
  // Workers read the workspace themselves: started now, they do it while this thread does. Not with
  // --fix, which changes files before the lint (a worker must read them after); by default only when
  // the checked paths hold enough source for workers (a look at file sizes, stopping at the limit).
  // Stopped unused when the check turns out too small for them after all.
  const wantWorkersEarly = concurrency > 1 && allRegistered && !options.fix && targets.length > 0
    && (options.concurrency !== undefined || sourceBytesAtLeast(targets.map((t) => t.absolute), MIN_CHARS_FOR_WORKERS));
  const started = wantWorkersEarly ? new StartedWorkers(mainThreadWorks ? concurrency - 1 : concurrency, workerSetup) : undefined;
  let grammars: Grammars;
  try {
    grammars = await loadGrammars();
  } catch (e) {
    await started?.stop(); // a started worker would keep the process alive
    throw e;
  }
  const workspace = new Workspace(grammars, { roots: [...indexRoots].map(toWorkspacePath), parseBudgetMs });
  try {
    // One call for all roots: the scanner remembers visited folders, so nested roots are read once.
    const scan = await scanIntoWorkspace(workspace, [...indexRoots], { maxFileBytes, contextOutside: workerSetup.contextOutside });
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
    for (const notice of scan.notices) if (isInTargets(notice.path) && !config.isIgnored(notice.path)) addNotice(notice);

    const toLint = new Set<string>();
    for (const target of targets) {
      if (target.isDirectory) {
        for (const file of scan.lintable) if (isWithin(target.workspacePath, file) && !config.isIgnored(file)) toLint.add(file);
      } else if (config.isIgnored(target.workspacePath)) {
        // Named explicitly but ignored by the config file: not linted, not reported (like ESLint's ignore files).
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

    const linter = new Linter(rules, grammars);
    if (options.fix) {
      const fixed = applySafeFixesOnDisk({
        workspace, linter, files: [...toLint].sort(), settingsFor: (file) => config.settingsFor(file),
        markSuppressed: (file, found, text) => config.applyBaseline(found, (p) => (p === file ? text : workspace.fileText(p)), (p) => p === file).findings,
      });
      for (const notice of fixed.notices) addNotice(notice);
      options.onFixed?.(fixed.summary);
    }
    const resolver = new LocationResolver(options.cwd, (p) => workspace.fileText(p));
    const linted: Finding[] = [];
    const internalErrors: InternalError[] = [];
    const files = [...toLint].sort().map((file) => ({ path: file, settings: config.settingsFor(file) }));
    // An explicit --concurrency is obeyed; the default only uses workers when there is enough to do.
    const charsToLint = files.reduce((n, f) => n + (workspace.fileText(f.path)?.length ?? 0), 0);
    const worthWorkers = options.concurrency !== undefined ? files.length > 1 : charsToLint >= MIN_CHARS_FOR_WORKERS;
    let results: ReadonlyMap<string, LintResult>;
    if (concurrency > 1 && worthWorkers && allRegistered) {
      options.onLintThreads?.(Math.min(concurrency, files.length));
      const { layout, rustFiles } = scanLayoutOf(workspace);
      const main = mainThreadWorks ? { workspace, linter, withFixes, faultInjection: options.faultInjection } : undefined;
      results = await lintOnThreads(files, rustFiles, concurrency, main, workerSetup, layout, started);
    } else {
      void started?.stop(); // this thread alone: the workers need not finish reading the workspace
      options.onLintThreads?.(0);
      const inProcess = new Map<string, LintResult>();
      // A crate's summaries are computed when its first file is linted; its files follow (oneThreadLintOrder).
      workspace.keepSummaryTrees(SUMMARY_TREE_BUDGET_CHARS);
      for (const { path: file, settings } of oneThreadLintOrder(files, scanLayoutOf(workspace).layout)) {
        inProcess.set(file, linter.lintFile(workspace, file, { settings, withFixes, faultInjection: options.faultInjection }));
      }
      workspace.keepSummaryTrees(0);
      results = inProcess;
    }
    for (const { path: file } of files) {
      const result = results.get(file);
      if (!result) throw new Error(`no lint result for ${file}`);
      linted.push(...result.findings);
      for (const notice of result.notices) addNotice(notice);
      internalErrors.push(...result.internalErrors);
    }
    // Post-lint, in the main thread: the baseline marks accepted findings (suppression: external).
    const baselined = config.applyBaseline(linted, (p) => workspace.fileText(p), isInTargets);
    const findings = baselined.findings.map((f) => resolver.resolve(f));
    notices.push(...config.notices(), ...baselined.notices);
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
    await started?.stop();
    workspace.dispose();
  }
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
