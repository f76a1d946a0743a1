// The lint worker of `wasm-safety check --concurrency N` (a worker_threads thread; see lint-pool.ts).
// It builds its own Workspace from disk exactly as the main thread did (same roots, same ancestor
// configs, same limits) — or, for the language server's scan, from a copy of the server's workspace —
// so every cross-file fact (crates, build modes, the crate index, glue modules) is the same as in a
// one-thread run; then it takes crate jobs, summaries and lint batches from the pool
// (lint-pool.ts) and posts back plain-data results. It never writes to stdout/stderr: the main thread reports everything.
// `answerWork` is the work itself, shared with the main thread, which takes its own share (lint-pool.ts).

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ALL_RULES, Linter, type LintResult, type LintSettings, type RustFileSummary, Workspace } from '../analysis/index';
import { loadAncestorConfigs, scanIntoWorkspace, toWorkspacePath } from '../host/disk-workspace';
import { loadGrammars } from '../host/wasm-files';

/** Everything a worker needs to rebuild the main thread's workspace: plain, serialisable data. */
export interface WorkerSetup {
  readonly indexRoots: readonly string[];
  /** The checked paths: the scan's `contextOutside` (disk-workspace.ts), so the worker indexes what the main thread does. */
  readonly contextOutside?: readonly string[];
  readonly ancestorConfigDirs: readonly string[];
  readonly maxFileBytes: number;
  readonly parseBudgetMs: number;
  readonly ruleIds: readonly string[];
  readonly withFixes: boolean;
  readonly faultInjection?: string;
  /**
   * The workspace as the starting thread holds it (the language server: its workspace folders' files,
   * open documents' unsaved text included): the worker copies it instead of reading `indexRoots` from
   * disk, and `indexRoots` are then workspace paths already. Without it the worker reads the disk, as
   * `check` does.
   */
  readonly files?: readonly WorkspaceFileCopy[];
}

/** One file of a WorkerSetup's workspace copy: its text, or null for a file known without text. */
export interface WorkspaceFileCopy {
  readonly path: string;
  readonly text: string | null;
}

/**
 * The Rust files of one crate for one thread to summarise and lint (lint-pool.ts): its summaries are
 * computed from the trees the lint then reuses, so each of its files is parsed once.
 */
export interface CrateJob {
  /** The crate's Rust files (its index). */
  readonly index: readonly string[];
  /** Those to lint, in order. */
  readonly lint: readonly { readonly path: string; readonly settings: LintSettings }[];
}

/**
 * Trees a thread keeps between a crate's summaries and its lint: up to this many characters of source
 * (about 45 bytes of memory per character; Workspace.keepSummaryTrees). Crate jobs are smaller than this
 * on the benchmark's corpus; a larger crate has its first files' trees reused.
 */
export const SUMMARY_TREE_BUDGET_CHARS = 2_000_000;

export type ToWorker =
  | { readonly kind: 'setup'; readonly setup: WorkerSetup }
  | { readonly kind: 'crateJobs'; readonly jobs: readonly CrateJob[]; readonly claims: SharedArrayBuffer }
  | { readonly kind: 'summarize'; readonly files: readonly string[] }
  | { readonly kind: 'adopt'; readonly summaries: readonly RustFileSummary[] }
  | { readonly kind: 'lint'; readonly files: readonly { readonly path: string; readonly settings: LintSettings }[] }
  | { readonly kind: 'stop' };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'summaries'; readonly summaries: readonly RustFileSummary[] }
  | { readonly kind: 'crateResults'; readonly results: readonly LintResult[]; readonly summaries: readonly RustFileSummary[] }
  | { readonly kind: 'adopted' }
  | { readonly kind: 'results'; readonly results: readonly LintResult[] }
  | { readonly kind: 'failed'; readonly message: string; readonly stack?: string };

/** What a lint thread (a worker, or the main thread taking its share) works with. */
export interface LintThreadState {
  readonly workspace: Workspace;
  readonly linter: Linter;
  readonly withFixes: boolean;
  readonly faultInjection?: string;
}

/** The requests that carry work (everything but setting up and stopping). */
export type WorkRequest = Extract<ToWorker, { readonly kind: 'crateJobs' | 'summarize' | 'adopt' | 'lint' }>;

/** Does the work of one request in `state`'s workspace: the same code on the workers and the main thread. */
export function answerWork(state: LintThreadState, message: WorkRequest): FromWorker {
  switch (message.kind) {
    case 'crateJobs': {
      // Every thread gets the same list and claims the next job through a shared counter: no thread
      // waits for another to hand it work (the main thread, busy with its own jobs, could not).
      const claims = new Int32Array(message.claims);
      const results: LintResult[] = [];
      const summaries: RustFileSummary[] = [];
      for (let i = Atomics.add(claims, 0, 1); i < message.jobs.length; i = Atomics.add(claims, 0, 1)) {
        const job = message.jobs[i];
        state.workspace.keepSummaryTrees(SUMMARY_TREE_BUDGET_CHARS);
        try {
          for (const { path, settings } of job.lint) {
            results.push(state.linter.lintFile(state.workspace, path, { settings, withFixes: state.withFixes, faultInjection: state.faultInjection }));
          }
        } finally {
          state.workspace.keepSummaryTrees(0);
        }
        // For the TS files linted later (the lint computed most of them: its crate index).
        summaries.push(...summarize(state, job.index));
      }
      return { kind: 'crateResults', results, summaries };
    }
    case 'summarize': {
      // The index phase: the threads share out the Rust files, the pool hands every summary to every
      // thread, so no crate index is built twice.
      return { kind: 'summaries', summaries: summarize(state, message.files) };
    }
    case 'adopt':
      for (const summary of message.summaries) state.workspace.adoptRustSummary(summary);
      return { kind: 'adopted' };
    case 'lint': {
      const results = message.files.map(({ path, settings }) =>
        state.linter.lintFile(state.workspace, path, { settings, withFixes: state.withFixes, faultInjection: state.faultInjection }));
      return { kind: 'results', results };
    }
  }
}

/**
 * The summaries of `files` (computed now unless the lint already did). A file whose summary fails
 * (parse budget) is left out: the lint meets the same failure lazily, as one thread would.
 */
function summarize(state: LintThreadState, files: readonly string[]): RustFileSummary[] {
  const summaries: RustFileSummary[] = [];
  for (const path of files) {
    try {
      const summary = state.workspace.rustSummary(path);
      if (summary) summaries.push(summary);
    } catch {
      // reported by the lint phase
    }
  }
  return summaries;
}

/** Runs the worker loop on `parentPort` (called by the worker entry; a no-op on the main thread). */
export function runLintWorker(): void {
  const port = parentPort;
  if (!port) return;
  let state: LintThreadState | undefined;
  const post = (message: FromWorker): void => port.postMessage(message);
  // One message at a time, in order: the pool may send work before setup has finished.
  let previous = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    previous = previous.then(async () => {
      try {
        switch (message.kind) {
          case 'setup': {
            const { setup } = message;
            const grammars = await loadGrammars();
            const workspace = new Workspace(grammars, { roots: setup.files ? setup.indexRoots : setup.indexRoots.map(toWorkspacePath), parseBudgetMs: setup.parseBudgetMs });
            if (setup.files) {
              for (const file of setup.files) {
                if (file.text === null) workspace.addPath(file.path);
                else workspace.setFile(file.path, file.text);
              }
            } else {
              await scanIntoWorkspace(workspace, setup.indexRoots, { maxFileBytes: setup.maxFileBytes, contextOutside: setup.contextOutside });
              for (const dir of setup.ancestorConfigDirs) loadAncestorConfigs(workspace, dir, setup.maxFileBytes);
            }
            const wanted = new Set(setup.ruleIds);
            state = { workspace, linter: new Linter(ALL_RULES.filter((r) => wanted.has(r.id)), grammars), withFixes: setup.withFixes, faultInjection: setup.faultInjection };
            post({ kind: 'ready' });
            break;
          }
          case 'stop':
            state?.workspace.dispose();
            state = undefined;
            port.close();
            break;
          default:
            if (!state) throw new Error(`${message.kind} before setup`);
            post(answerWork(state, message));
        }
      } catch (e) {
        post({ kind: 'failed', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
      }
    });
  });
}

/** Marks the worker threads the pool starts (the bundle runs the same file as the CLI). */
export const LINT_WORKER_MARK = 'wasmSafetyLintWorker';

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[LINT_WORKER_MARK] === true) runLintWorker();
