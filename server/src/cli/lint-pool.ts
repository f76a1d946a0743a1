// Runs the CLI's lint loop on worker threads (`wasm-safety check --concurrency N`). Each worker rebuilds
// the workspace from disk (lint-worker.ts), so cross-file facts match a one-thread run. Two phases:
//   1. index: the workers share out the Rust files and summarise them (§B1); every summary is then
//      handed to every worker, so no worker parses another's files to build a crate index;
//   2. lint: files are handed out in small batches to whichever worker is idle (a long file does not
//      leave a thread waiting); results come back as plain data keyed by path.
// check.ts consumes the results in sorted path order, so the report does not depend on which worker
// linted what, or when.

import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LintResult, LintSettings, RustFileSummary } from '../analysis/index';
import { type FromWorker, LINT_WORKER_MARK, type ToWorker, type WorkerSetup } from './lint-worker';

/**
 * Without an explicit --concurrency, below this much source text to lint the in-process loop is used:
 * starting a worker (loading the bundle, compiling the grammars, re-reading the workspace) costs about
 * a second of CPU, more than it saves on a small check.
 */
export const MIN_CHARS_FOR_WORKERS = 2_000_000;

export function defaultConcurrency(): number {
  return Math.max(1, os.availableParallelism());
}

/** The worker script: lint-worker.js beside this file when run from tsc output, else the bundle itself. */
function workerScript(): string {
  return path.basename(__filename) === 'lint-pool.js' ? path.join(__dirname, 'lint-worker.js') : __filename;
}

/** One worker with a request/response discipline (one message in flight at a time). */
class PooledWorker {
  private readonly worker: Worker;
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(workerScript(), { workerData: { [LINT_WORKER_MARK]: true } });
    this.worker.on('message', (message: FromWorker) => {
      const pending = this.pending;
      this.pending = undefined;
      if (message.kind === 'failed') pending?.reject(Object.assign(new Error(`lint worker failed: ${message.message}`), { stack: message.stack }));
      else pending?.resolve(message);
    });
    this.worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => this.fail(new Error(`lint worker exited early (code ${code})`)));
  }

  request(message: ToWorker): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('lint worker stopped');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.failure);
  }
}

/** Hands `items` out in batches to whichever worker is free; resolves when every batch is answered. */
async function runPhase<T>(workers: readonly PooledWorker[], items: readonly T[], batchSize: number, send: (batch: T[]) => ToWorker, receive: (m: FromWorker) => void): Promise<void> {
  let next = 0;
  await Promise.all(workers.map(async (worker) => {
    while (next < items.length) {
      const batch = items.slice(next, next + batchSize);
      next += batch.length;
      receive(await worker.request(send(batch)));
    }
  }));
}

export async function lintInWorkers(
  files: readonly { readonly path: string; readonly settings: LintSettings }[],
  rustFilesToIndex: readonly string[],
  concurrency: number,
  setup: WorkerSetup,
): Promise<Map<string, LintResult>> {
  const results = new Map<string, LintResult>();
  const threads = Math.max(1, Math.min(concurrency, files.length));
  const workers = Array.from({ length: threads }, () => new PooledWorker());
  try {
    await Promise.all(workers.map((w) => w.request({ kind: 'setup', setup })));

    const summaries: RustFileSummary[] = [];
    const indexBatch = Math.max(1, Math.min(32, Math.ceil(rustFilesToIndex.length / (threads * 8))));
    await runPhase(workers, rustFilesToIndex, indexBatch, (batch) => ({ kind: 'summarize', files: batch }), (m) => {
      if (m.kind === 'summaries') summaries.push(...m.summaries);
    });
    await Promise.all(workers.map((w) => w.request({ kind: 'adopt', summaries })));

    // Batches small enough to balance the load, large enough to keep messaging cheap.
    const lintBatch = Math.max(1, Math.min(16, Math.ceil(files.length / (threads * 8))));
    await runPhase(workers, files, lintBatch, (batch) => ({ kind: 'lint', files: batch }), (m) => {
      if (m.kind === 'results') for (const result of m.results) results.set(result.path, result);
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
