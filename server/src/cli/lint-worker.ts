// The lint worker of `wasm-safety check --concurrency N` (a worker_threads thread; see lint-pool.ts).
// It builds its own Workspace from disk exactly as the main thread did (same roots, same ancestor
// configs, same limits), so every cross-file fact (crates, build modes, the crate index, glue modules)
// is the same as in a one-thread run; then it lints the files the pool hands it, in batches, and posts
// back plain-data results. It never writes to stdout/stderr: the main thread reports everything.
// `answerWork` is the work itself, shared with the main thread, which takes its own share (lint-pool.ts).

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ALL_RULES, Linter, type LintResult, type LintSettings, type RustFileSummary, Workspace } from '../analysis/index';
import { loadAncestorConfigs, scanIntoWorkspace, toWorkspacePath } from '../host/disk-workspace';
import { loadGrammars } from '../host/wasm-files';

/** Everything a worker needs to rebuild the main thread's workspace: plain, serialisable data. */
export interface WorkerSetup {
  readonly indexRoots: readonly string[];
  readonly ancestorConfigDirs: readonly string[];
  readonly maxFileBytes: number;
  readonly parseBudgetMs: number;
  readonly ruleIds: readonly string[];
  readonly withFixes: boolean;
  readonly faultInjection?: string;
}

export type ToWorker =
  | { readonly kind: 'setup'; readonly setup: WorkerSetup }
  | { readonly kind: 'summarize'; readonly files: readonly string[] }
  | { readonly kind: 'adopt'; readonly summaries: readonly RustFileSummary[] }
  | { readonly kind: 'lint'; readonly files: readonly { readonly path: string; readonly settings: LintSettings }[] }
  | { readonly kind: 'stop' };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'summaries'; readonly summaries: readonly RustFileSummary[] }
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
export type WorkRequest = Extract<ToWorker, { readonly kind: 'summarize' | 'adopt' | 'lint' }>;

/** Does the work of one request in `state`'s workspace: the same code on the workers and the main thread. */
export function answerWork(state: LintThreadState, message: WorkRequest): FromWorker {
  switch (message.kind) {
    case 'summarize': {
      // The index phase: the threads share out the Rust files, the pool hands every summary to every
      // thread, so no crate index is built twice. A file whose summary fails (parse budget) is left
      // out: the lint phase meets the same failure lazily, as one thread would.
      const summaries: RustFileSummary[] = [];
      for (const path of message.files) {
        try {
          const summary = state.workspace.rustSummary(path);
          if (summary) summaries.push(summary);
        } catch {
          // reported by the lint phase
        }
      }
      return { kind: 'summaries', summaries };
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

/** Runs the worker loop on `parentPort` (called by the worker entry; a no-op on the main thread). */
export function runLintWorker(): void {
  const port = parentPort;
  if (!port) return;
  let state: LintThreadState | undefined;
  const post = (message: FromWorker): void => port.postMessage(message);
  port.on('message', (message: ToWorker) => {
    void (async () => {
      try {
        switch (message.kind) {
          case 'setup': {
            const { setup } = message;
            const grammars = await loadGrammars();
            const workspace = new Workspace(grammars, { roots: setup.indexRoots.map(toWorkspacePath), parseBudgetMs: setup.parseBudgetMs });
            await scanIntoWorkspace(workspace, setup.indexRoots, { maxFileBytes: setup.maxFileBytes });
            for (const dir of setup.ancestorConfigDirs) loadAncestorConfigs(workspace, dir, setup.maxFileBytes);
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
    })();
  });
}

/** Marks the worker threads the pool starts (the bundle runs the same file as the CLI). */
export const LINT_WORKER_MARK = 'wasmSafetyLintWorker';

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[LINT_WORKER_MARK] === true) runLintWorker();
