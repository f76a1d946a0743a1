// Whole-workspace work that runs behind the editor: the start-up scan (read every Rust/TS/JS file and
// config of the workspace folders, then lint each file that is not open and publish the ones with
// findings, with work-done progress; the same for folders added later) and later re-lints of the
// files that are not open (after a dependency-relevant save, file events or a settings change). One
// pass runs at a time; a newer re-lint request cancels a running re-lint; every pass yields to the
// event loop between files so didChange, debounced lints and code actions stay responsive.

import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { Workspace } from '../analysis/index';
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

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class BackgroundLinter {
  private queue: Promise<void> = Promise.resolve();
  private relintQueued = false;
  private relintGeneration = 0;

  constructor(private readonly session: Session, private readonly diagnostics: DiagnosticsPublisher) {}

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
    const { workspace } = this.session;
    // A crate's index parses all its files when the first is linted; their trees wait for their own lint
    // (in path order, so a crate's files follow each other) instead of each file being parsed twice.
    workspace.keepSummaryTrees(SUMMARY_TREE_BUDGET_CHARS);
    try {
      return await this.lintEach(workspace.lintablePaths(), cancelled, progress);
    } finally {
      workspace.keepSummaryTrees(0);
    }
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
