// Whole-workspace work that runs behind the editor: the start-up scan (read every Rust/TS/JS file and
// config of the workspace folders, then lint each file that is not open and publish the ones with
// findings, with work-done progress; the same for folders added later) and later re-lints of the
// files that are not open (after a dependency-relevant save, file events or a settings change). One
// pass runs at a time; a newer re-lint request cancels a running re-lint; every pass yields to the
// event loop between files so didChange, debounced lints and code actions stay responsive. A pass over
// enough source goes to lint workers instead (cli/lint-pool.ts, as `check` does), each linting a copy of
// the server's workspace, and this thread only publishes their results.

import * as os from 'node:os';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { ALL_RULES, DEFAULT_SETTINGS, type LintResult, type LintSettings, type Workspace } from '../analysis/index';
import { lintOnThreads, MIN_CHARS_FOR_WORKERS, oneThreadLintOrder, scanLayoutOf } from '../cli/lint-pool';
import type { WorkerSetup, WorkspaceFileCopy } from '../cli/lint-worker';
import { scanIntoWorkspace } from '../host/disk-workspace';
import type { DiagnosticsPublisher } from './diagnostics';
import type { Session, WorkspaceFolder } from './session';

/** Quiet time before a requested re-lint starts, so a burst of file events (a checkout) becomes one pass. */
const RELINT_DELAY_MS = 300;

/**
 * Source characters whose summary trees a pass keeps for the lint that follows (Workspace.keepSummaryTrees;
 * about 45 bytes of wasm memory per character). Half of `check`'s budget: the server lives on, and the
 * wasm memory a pass grows is not given back.
 */
const SUMMARY_TREE_BUDGET_CHARS = 1_000_000;

/**
 * Lint workers for a pass over the files that are not open. Each holds a copy of the workspace's text
 * and its own parse trees while the pass runs (the copy of the 16 MB benchmark corpus: about 150 MB a
 * worker, given back when the pass ends), so they are few: the cores beyond the first, up to 4.
 */
const MAX_SCAN_WORKERS = 4;

/** How a pass over the closed files uses threads. */
export interface ScanThreads {
  /** Lint workers (0: every pass lints on this thread, between messages). */
  readonly workers: number;
  /** Source characters to lint below which a pass stays on this thread (a worker's start-up costs more). */
  readonly minChars: number;
}

/**
 * Source characters below which a pass stays on this thread: four times `check`'s threshold, since here
 * this thread does not take a share and the workers' start-up and copy are all overhead. Measured on
 * this 2-core VM, one thread against two workers: dioxus (6.8 MB) 2.9 → 3.2 s, the wasm-bindgen
 * repository (16 MB) 7.3 → 7.5 s, the 16 MB benchmark corpus 9.1–9.8 → 6.7–7.2 s (docs/performance.md).
 */
const SCAN_MIN_CHARS_FOR_WORKERS = 4 * MIN_CHARS_FOR_WORKERS;

/** Workers on every core but one (at least two when there are two cores), from SCAN_MIN_CHARS_FOR_WORKERS on. */
export function scanThreads(minChars = SCAN_MIN_CHARS_FOR_WORKERS): ScanThreads {
  const cores = os.availableParallelism();
  // Two cores: two workers, this thread being idle but for messages and publishing.
  return { workers: cores < 2 ? 0 : Math.min(MAX_SCAN_WORKERS, Math.max(2, cores - 1)), minChars };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class BackgroundLinter {
  private queue: Promise<void> = Promise.resolve();
  private relintQueued = false;
  private relintGeneration = 0;

  constructor(
    private readonly session: Session,
    private readonly diagnostics: DiagnosticsPublisher,
    private readonly threads: ScanThreads = { workers: 0, minChars: Infinity },
  ) {}

  /** Queues the start-up scan of the workspace folders. */
  scanWorkspaceFolders(): Promise<void> {
    return this.enqueue('workspace scan', () => this.scan(this.session.folders));
  }

  /**
   * Queues the scan of folders added to the workspace later: like the start-up scan, it ends with a
   * lint of every file that is not open, since files of the other folders may import the new ones.
   */
  scanAddedFolders(folders: readonly WorkspaceFolder[]): Promise<void> {
    return this.enqueue('workspace folder scan', () => this.scan(folders));
  }

  /** Queues a re-lint of every file that is not open (coalesced; cancels a re-lint in progress). */
  requestRelint(): void {
    this.relintGeneration++;
    if (this.relintQueued) return;
    this.relintQueued = true;
    void this.enqueue('workspace re-lint', async () => {
      await sleep(RELINT_DELAY_MS);
      this.relintQueued = false;
      const generation = this.relintGeneration;
      await this.lintClosedFiles(() => generation !== this.relintGeneration);
    });
  }

  private enqueue(what: string, pass: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(() => (this.session.isShutDown ? undefined : pass())).catch((e: unknown) => this.session.log.exception(what, e));
    return this.queue;
  }

  private async scan(folders: readonly WorkspaceFolder[]): Promise<void> {
    const { session } = this;
    if (folders.length === 0) return;
    const progress = await session.connection.window.createWorkDoneProgress();
    progress.begin('wasm-safety', 0, 'reading workspace files', true);
    const cancelled = (): boolean => session.isShutDown || progress.token.isCancellationRequested;
    try {
      const started = Date.now();
      const maxFileBytes = session.settings.peek(undefined).lint.analysis.maxFileSize;
      const target = skippingOpenDocuments(session.workspace, (path) => session.documents.isOpen(path));
      for (const folder of folders) {
        if (!session.folders.includes(folder)) continue; // removed again while waiting for its turn
        try {
          const result = await scanIntoWorkspace(target, [folder.path], {
            maxFileBytes,
            onProgress: (files) => {
              progress.report(`reading workspace files (${files})`);
              return !cancelled() && session.folders.includes(folder);
            },
          });
          session.log.notices(result.notices);
        } catch (e) {
          session.log.warn(`cannot scan workspace folder ${folder.path}: ${e instanceof Error ? e.message : String(e)}`);
        }
        session.touch();
        if (cancelled()) return;
      }
      session.log.notices(session.workspace.notices());
      // The indexes are complete now: findings of open documents may have changed.
      this.diagnostics.relintOpenDocuments();
      const linted = await this.lintClosedFiles(cancelled, progress);
      session.log.info(`workspace scan: ${linted} files checked in ${Date.now() - started} ms`);
    } finally {
      progress.done();
    }
  }

  /** Lints every lintable file that is not open, yielding between files. Returns how many were linted. */
  private async lintClosedFiles(cancelled: () => boolean, progress?: WorkDoneProgressServerReporter): Promise<number> {
    const onWorkers = await this.lintClosedFilesOnWorkers(cancelled, progress);
    if (onWorkers !== undefined) return onWorkers;
    const { workspace } = this.session;
    // A crate's index parses all its files when the first is linted; their trees wait for their own lint
    // (a crate's files follow each other: oneThreadLintOrder) instead of each file being parsed twice.
    workspace.keepSummaryTrees(SUMMARY_TREE_BUDGET_CHARS);
    try {
      const ordered = oneThreadLintOrder(workspace.lintablePaths().map((path) => ({ path })), scanLayoutOf(workspace).layout);
      return await this.lintEach(ordered.map((f) => f.path), cancelled, progress);
    } finally {
      workspace.keepSummaryTrees(0);
    }
  }

  /**
   * Lints the files that are not open on lint workers, `check`'s crate jobs and shared phases
   * (cli/lint-pool.ts), each worker in a copy of the server's workspace (unsaved buffers included) with
   * the scan Linter; this thread stays free for the editor. A result is published if its file is still
   * closed and its text the one copied; the others are linted here. Undefined when the pass is too small
   * for workers, workers are off, or they failed (logged): then the caller lints on this thread.
   */
  private async lintClosedFilesOnWorkers(cancelled: () => boolean, progress?: WorkDoneProgressServerReporter): Promise<number | undefined> {
    const { session, diagnostics } = this;
    const { workspace } = session;
    const ruleIds = [...session.rules.keys()];
    // Workers know only the registered rules (a test server may run others).
    if (this.threads.workers === 0 || !ruleIds.every((id) => ALL_RULES.some((r) => r.id === id))) return undefined;
    const closed = workspace.lintablePaths().filter((path) => !session.documents.isOpen(path));
    let chars = 0;
    for (const path of closed) chars += workspace.fileText(path)?.length ?? 0;
    if (chars < this.threads.minChars) return undefined;

    const files: { path: string; settings: LintSettings }[] = [];
    for (const path of closed) {
      const settings = await session.settingsFor(path);
      if (cancelled()) return 0;
      if (settings.enable) files.push({ path, settings: settings.lint });
      else diagnostics.clear(path);
    }
    // The copy the workers lint: every file as this thread holds it now.
    const copy: WorkspaceFileCopy[] = workspace.paths().map((path) => ({ path, text: workspace.fileText(path) ?? null }));
    const copied = new Map(copy.map((f) => [f.path, f.text]));
    const setup: WorkerSetup = {
      indexRoots: workspace.roots, ancestorConfigDirs: [], maxFileBytes: session.settings.peek(undefined).lint.analysis.maxFileSize,
      // The session's Workspace parses with the default budget too (session.ts).
      parseBudgetMs: DEFAULT_SETTINGS.parseBudgetMs, ruleIds, withFixes: false, faultInjection: session.faultInjection, files: copy,
    };
    const threads = Math.min(this.threads.workers, files.length);
    progress?.report(0, `checking ${files.length} files on ${threads} threads`);
    const abort = new AbortController();
    const watch = setInterval(() => {
      if (cancelled()) abort.abort();
    }, 100);
    let results: ReadonlyMap<string, LintResult>;
    try {
      const { layout, rustFiles } = scanLayoutOf(workspace);
      results = await lintOnThreads(files, rustFiles, threads, undefined, setup, layout, undefined, abort.signal);
    } catch (e) {
      if (abort.signal.aborted) return 0;
      session.log.warn(`lint workers failed, checking on one thread instead: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    } finally {
      clearInterval(watch);
    }

    let published = 0;
    let lastReport = 0;
    for (const { path } of files) {
      if (cancelled()) break;
      if (session.documents.isOpen(path)) continue; // opened meanwhile: its own lint covers it
      const result = results.get(path);
      if (result && workspace.fileText(path) === copied.get(path)) diagnostics.publishClosedResult(path, result);
      else await diagnostics.lintClosedFile(path); // changed since the copy
      published++;
      if (Date.now() - lastReport > 100) {
        lastReport = Date.now();
        progress?.report(Math.round((100 * published) / files.length), `publishing ${published}/${files.length} files`);
        await yieldToEventLoop();
      }
    }
    return published;
  }

  private async lintEach(paths: readonly string[], cancelled: () => boolean, progress?: WorkDoneProgressServerReporter): Promise<number> {
    let linted = 0;
    let lastReport = 0;
    for (const path of paths) {
      if (cancelled()) break;
      if (!this.session.documents.isOpen(path)) {
        await this.diagnostics.lintClosedFile(path);
        linted++;
      }
      if (progress && Date.now() - lastReport > 100) {
        lastReport = Date.now();
        progress.report(Math.round((100 * linted) / paths.length), `checking ${linted}/${paths.length} files`);
      }
      await yieldToEventLoop();
    }
    return linted;
  }
}

/**
 * The Workspace as the disk scan sees it: loads of files that are open in the editor are skipped, so
 * the scan never replaces a buffer's (unsaved) text, or its kept tree, with the on-disk version.
 */
function skippingOpenDocuments(workspace: Workspace, isOpen: (path: string) => boolean): Workspace {
  return new Proxy(workspace, {
    get(target, property) {
      if (property === 'setFile') {
        return (path: string, text: string, keepTree?: boolean): void => {
          if (!isOpen(path)) target.setFile(path, text, keepTree);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
