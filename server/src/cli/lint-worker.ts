// The lint worker of `wasm-safety check --concurrency N` (a worker_threads thread; see lint-pool.ts).
// It builds its own Workspace from disk exactly as the main thread did (same roots, same ancestor
// configs, same limits), so every cross-file fact (crates, build modes, the crate index, glue modules)
// is the same as in a one-thread run; then it lints the files the pool hands it, in batches, and posts
// back plain-data results. It never writes to stdout/stderr: the main thread reports everything.

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

/** Runs the worker loop on `parentPort` (called by the worker entry; a no-op on the main thread). */
export function runLintWorker(): void {
  const port = parentPort;
  if (!port) return;
  let state: { workspace: Workspace; linter: Linter; setup: WorkerSetup } | undefined;
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
            state = { workspace, linter: new Linter(ALL_RULES.filter((r) => wanted.has(r.id)), grammars), setup };
            post({ kind: 'ready' });
            break;
          }
          case 'summarize': {
            // The index phase: each worker summarises a share of the Rust files, the pool hands every
            // summary to every worker, so no crate index is built twice. A file whose summary fails
            // (parse budget) is left out: the lint phase meets the same failure lazily, as one thread would.
            if (!state) throw new Error('summarize before setup');
            const summaries: RustFileSummary[] = [];
            for (const path of message.files) {
              try {
                const summary = state.workspace.rustSummary(path);
                if (summary) summaries.push(summary);
              } catch {
                // reported by the lint phase
              }
            }
            post({ kind: 'summaries', summaries });
            break;
          }
          case 'adopt':
            if (!state) throw new Error('adopt before setup');
            for (const summary of message.summaries) state.workspace.adoptRustSummary(summary);
            post({ kind: 'adopted' });
            break;
          case 'lint': {
            if (!state) throw new Error('lint before setup');
            const { workspace, linter, setup } = state;
            const results = message.files.map(({ path, settings }) =>
              linter.lintFile(workspace, path, { settings, withFixes: setup.withFixes, faultInjection: setup.faultInjection }));
            post({ kind: 'results', results });
            break;
          }
          case 'stop':
            state?.workspace.dispose();
            state = undefined;
            port.close();
            break;
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
