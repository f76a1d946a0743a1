// Runs the CLI's lint loop on several threads (`wasm-safety check --concurrency N`): the main thread
// and N-1 worker threads. Each worker rebuilds the workspace from disk (lint-worker.ts), so cross-file
// facts match a one-thread run; the main thread works in the workspace it already has and needs no
// start-up, so it starts at once and the workers join when they are ready (a worker's start-up —
// loading the bundle, compiling the grammars, re-reading the workspace — runs on another core instead of
// delaying the check). Three phases (planScan decides what goes where):
//   1. crate jobs: each crate small enough is summarised and linted by one thread, which keeps the
//      trees its summaries parsed for the lint (Workspace.keepSummaryTrees), so each file is parsed
//      once; threads claim jobs through a shared counter, largest first, and send back their results
//      and the crates' summaries;
//   2. index: the threads share out the other Rust files and summarise them (§B1); every summary is then
//      handed to every thread, so no thread parses another's files to build a crate index;
//   3. lint: the other files (TS/JS, large crates) are handed out in batches to whichever thread is
//      idle (a long file does not leave a thread waiting); results come back as plain data keyed by path.
// A phase ends when every item is answered: a worker still starting up by then just gets no share.
// check.ts consumes the results in sorted path order, so the report does not depend on which thread
// linted what, or when.

import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LintResult, LintSettings, RustFileSummary, Workspace } from '../analysis/index';
import { answerWork, type CrateJob, type FromWorker, LINT_WORKER_MARK, type LintThreadState, type ToWorker, type WorkerSetup, type WorkRequest } from './lint-worker';

/**
 * Without an explicit --concurrency, below this much source text to lint only the main thread works: a
 * worker's start-up (about half a second of CPU on the other core, then its own JIT warm-up) costs about
 * what its share saves, or more (1 MB here: 2.48 s with a worker, 2.58 s without, in the second round
 * of docs/performance.md; 1.41–1.51 s with, 1.30–1.32 s without, in the fifth).
 */
export const MIN_CHARS_FOR_WORKERS = 2_000_000;

export function defaultConcurrency(): number {
  return Math.max(1, os.availableParallelism());
}

/** The worker script: lint-worker.js beside this file when run from tsc output, else the bundle itself. */
function workerScript(): string {
  return path.basename(__filename) === 'lint-pool.js' ? path.join(__dirname, 'lint-worker.js') : __filename;
}

/** A thread that takes work: a worker, or the main thread itself. Requests are answered in order. */
interface LintThread {
  /** Settles when the thread can take work (rejects when it cannot start). */
  readonly ready: Promise<unknown>;
  /** Files per batch: the main thread takes small ones, so the workers' answers are not kept waiting long. */
  readonly batchScale: number;
  request(message: WorkRequest): Promise<FromWorker>;
  terminate(): Promise<void>;
}

/** The main thread's share of the work, done in its own workspace (between batches it handles the workers' messages). */
class MainThreadShare implements LintThread {
  readonly ready = Promise.resolve();
  readonly batchScale = 0.25;

  constructor(private readonly state: LintThreadState) {}

  async request(message: WorkRequest): Promise<FromWorker> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return answerWork(this.state, message);
  }

  async terminate(): Promise<void> {}
}

/** One worker thread with a request/response discipline. */
class PooledWorker implements LintThread {
  readonly ready: Promise<unknown>;
  readonly batchScale = 1;
  private readonly worker: Worker;
  /** The requests sent and not answered yet, oldest first (the worker answers one message at a time, in order). */
  private readonly pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(setup: WorkerSetup) {
    this.worker = new Worker(workerScript(), { workerData: { [LINT_WORKER_MARK]: true } });
    this.worker.on('message', (message: FromWorker) => {
      const pending = this.pending.shift();
      if (message.kind === 'failed') pending?.reject(Object.assign(new Error(`lint worker failed: ${message.message}`), { stack: message.stack }));
      else pending?.resolve(message);
    });
    this.worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => this.fail(new Error(`lint worker exited early (code ${code})`)));
    this.ready = this.request({ kind: 'setup', setup });
    this.ready.catch(() => undefined); // observed by whoever awaits it; a worker never used may fail unobserved
  }

  request(message: ToWorker): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('lint worker stopped');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.splice(0)) pending.reject(this.failure);
  }
}

/**
 * Hands `items` out in batches to whichever thread is free (a thread first awaits `ready`, then
 * `prepare`); resolves when every batch is answered, without waiting for threads that never got one.
 */
function runPhase<T>(
  threads: readonly LintThread[],
  items: readonly T[],
  batchSize: number,
  send: (batch: T[]) => WorkRequest,
  receive: (m: FromWorker, thread: LintThread) => void,
  prepare?: (thread: LintThread) => Promise<unknown>,
): Promise<void> {
  if (items.length === 0) return Promise.resolve();
  let next = 0;
  let answered = 0;
  return new Promise((resolve, reject) => {
    for (const thread of threads) {
      void (async () => {
        await thread.ready;
        if (next >= items.length) return;
        await prepare?.(thread);
        while (next < items.length) {
          const batch = items.slice(next, next + Math.max(1, Math.round(batchSize * thread.batchScale)));
          next += batch.length;
          receive(await thread.request(send(batch)), thread);
          answered += batch.length;
          if (answered === items.length) resolve();
        }
      })().catch(reject);
    }
  });
}

/** What the pool needs to know of the workspace to share out crates (answered by the main thread's workspace). */
export interface ScanLayout {
  /** The crate of a Rust file: its root, or '' for files in no crate. */
  crateOf(path: string): string;
  /** The length of a file's text. */
  charsOf(path: string): number;
  isRust(path: string): boolean;
}

/**
 * The order in which one thread lints `files` so that each is parsed once: every crate's Rust files
 * together (the first builds the crate's index, which parses all of them; their trees wait for their
 * own lint within Workspace.keepSummaryTrees' budget), crates in path order, then every other file
 * (TS/JS need crate indexes, never the crates' trees). Plain path order breaks this whenever a TS file
 * sorts before the crate it imports (`app/` before `crates/`): its lint builds the crate's index and
 * the kept trees are pushed out by other crates' before the crate's own files come (16 MB corpus: 366
 * of 611 parsed files parsed twice). Stable within a group, so a crate's files keep their path order.
 */
export function oneThreadLintOrder<T extends { readonly path: string }>(files: readonly T[], layout: ScanLayout): T[] {
  const key = (file: T): string => (layout.isRust(file.path) ? `0${layout.crateOf(file.path)}` : '1');
  const keys = new Map(files.map((f) => [f, key(f)]));
  return [...files].sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  });
}

/** The layout of a workspace as the pool reads it, and the Rust files its crate indexes cover. */
export function scanLayoutOf(workspace: Workspace): { layout: ScanLayout; rustFiles: string[] } {
  return {
    layout: {
      crateOf: (file) => workspace.crateOf(file)?.root ?? '',
      charsOf: (file) => workspace.fileText(file)?.length ?? 0,
      isRust: (file) => workspace.languageOf(file) === 'rust',
    },
    rustFiles: workspace.lintablePaths().filter((p) => workspace.languageOf(p) === 'rust'),
  };
}

export interface ScanPlan {
  /** Whole crates, each summarised and linted by one thread (largest first). */
  readonly crateJobs: CrateJob[];
  /** Rust files of the other crates, summarised by all threads together (shared index phase). */
  readonly sharedIndex: string[];
  /** Everything else to lint (TS/JS, the other crates' Rust files), after every thread has every summary. */
  readonly sharedLint: { readonly path: string; readonly settings: LintSettings }[];
}

/**
 * A crate larger than this share of all Rust source is not one thread's job: the threads summarise and
 * lint it together (a job of its size would leave the other threads idle at the end).
 */
const MAX_JOB_SHARE_PER_THREAD = 1 / 4;

/**
 * Shares out the work: each crate with files to lint and at most `1/(4 × threads)` of the Rust source
 * is one job (a thread summarises it and lints its files, parsing each file once); larger crates, crates
 * with nothing to lint and TS/JS files go through the shared phases. Deterministic: jobs by size, then root.
 */
export function planScan(
  files: readonly { readonly path: string; readonly settings: LintSettings }[],
  rustFilesToIndex: readonly string[],
  threadCount: number,
  layout: ScanLayout,
): ScanPlan {
  const crates = new Map<string, { index: string[]; lint: { path: string; settings: LintSettings }[]; chars: number }>();
  let totalChars = 0;
  for (const path of rustFilesToIndex) {
    const key = layout.crateOf(path);
    let crate = crates.get(key);
    if (!crate) crates.set(key, (crate = { index: [], lint: [], chars: 0 }));
    const chars = layout.charsOf(path);
    crate.index.push(path);
    crate.chars += chars;
    totalChars += chars;
  }
  const sharedLint: { path: string; settings: LintSettings }[] = [];
  for (const file of files) {
    const crate = layout.isRust(file.path) ? crates.get(layout.crateOf(file.path)) : undefined;
    if (crate) crate.lint.push(file);
    else sharedLint.push(file);
  }
  const limit = totalChars * MAX_JOB_SHARE_PER_THREAD / Math.max(1, threadCount);
  const jobs: { root: string; chars: number; job: CrateJob }[] = [];
  const sharedIndex: string[] = [];
  for (const [root, crate] of crates) {
    if (crate.lint.length > 0 && crate.chars <= limit) {
      jobs.push({ root, chars: crate.chars, job: { index: crate.index, lint: crate.lint } });
    } else {
      sharedIndex.push(...crate.index);
      sharedLint.push(...crate.lint);
    }
  }
  jobs.sort((a, b) => b.chars - a.chars || (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  return { crateJobs: jobs.map((j) => j.job), sharedIndex, sharedLint };
}

/**
 * Workers started before the check knows how much it has to lint: each reads the workspace itself, so
 * started with the check they read it while the main thread does (a worker started after the main
 * thread's scan began its own half a second later, on 16 MB). `take` hands them to `lintOnThreads`;
 * `stop` ends those not taken (a check that turned out too small for workers).
 */
export class StartedWorkers {
  private readonly idle: PooledWorker[];

  constructor(count: number, setup: WorkerSetup) {
    this.idle = Array.from({ length: Math.max(0, count) }, () => new PooledWorker(setup));
  }

  /** Up to `count` of the started workers; the pool terminates them when its run ends. */
  take(count: number): PooledWorker[] {
    return this.idle.splice(0, count);
  }

  /** Terminates the workers not taken. */
  async stop(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}

/**
 * Lints `files` on `concurrency` threads: the main thread (working in `main`, the workspace the check
 * already built) and `concurrency - 1` workers (those of `started` first, then new ones with `setup`);
 * without `main`, on `concurrency` workers.
 * Three phases: crate jobs (planScan), then the shared index and the shared lint.
 * `signal` aborts the run: the workers are stopped at once and the returned promise rejects.
 */
export async function lintOnThreads(
  files: readonly { readonly path: string; readonly settings: LintSettings }[],
  rustFilesToIndex: readonly string[],
  concurrency: number,
  main: LintThreadState | undefined,
  setup: WorkerSetup,
  layout: ScanLayout,
  started?: StartedWorkers,
  signal?: AbortSignal,
): Promise<Map<string, LintResult>> {
  if (signal?.aborted) throw new Error('lint run aborted');
  const results = new Map<string, LintResult>();
  const threadCount = Math.max(1, Math.min(concurrency, files.length));
  const workerCount = main ? threadCount - 1 : threadCount;
  const workers = started?.take(workerCount) ?? [];
  while (workers.length < workerCount) workers.push(new PooledWorker(setup));
  const threads: LintThread[] = main ? [new MainThreadShare(main), ...workers] : workers;
  const plan = planScan(files, rustFilesToIndex, threads.length, layout);
  // A stopped worker rejects what it was asked: the phase awaiting it rejects, and so does the run.
  const stopAll = (): void => {
    for (const t of threads) void t.terminate();
  };
  signal?.addEventListener('abort', stopAll, { once: true });
  try {
    // The summaries each thread computed: before the shared lint, every thread adopts the others' (its own it has).
    const summariesBy = new Map<LintThread, RustFileSummary[]>(threads.map((t) => [t, []]));
    if (plan.crateJobs.length > 0) {
      // Sent at once (a worker queues it behind its setup), so no thread waits for the main thread to dispatch.
      const claims = new SharedArrayBuffer(4);
      const answers = await Promise.all(threads.map((t) => t.request({ kind: 'crateJobs', jobs: plan.crateJobs, claims })));
      answers.forEach((m, i) => {
        if (m.kind !== 'crateResults') return;
        for (const result of m.results) results.set(result.path, result);
        summariesBy.get(threads[i])!.push(...m.summaries);
      });
    }

    const indexBatch = Math.max(1, Math.min(32, Math.ceil(plan.sharedIndex.length / (threads.length * 8))));
    await runPhase(threads, plan.sharedIndex, indexBatch, (batch) => ({ kind: 'summarize', files: batch }), (m, thread) => {
      if (m.kind === 'summaries') summariesBy.get(thread)!.push(...m.summaries);
    });

    const othersOf = (thread: LintThread): RustFileSummary[] => [...summariesBy].flatMap(([t, list]) => (t === thread ? [] : list));
    // Batches small enough to balance the load, large enough to keep messaging cheap.
    const lintBatch = Math.max(1, Math.min(16, Math.ceil(plan.sharedLint.length / (threads.length * 8))));
    await runPhase(threads, plan.sharedLint, lintBatch, (batch) => ({ kind: 'lint', files: batch }), (m) => {
      if (m.kind === 'results') for (const result of m.results) results.set(result.path, result);
    }, (thread) => thread.request({ kind: 'adopt', summaries: othersOf(thread) }));
  } finally {
    signal?.removeEventListener('abort', stopAll);
    await Promise.all(threads.map((t) => t.terminate()));
  }
  return results;
}
