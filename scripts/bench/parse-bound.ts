// The scan's lower bound, measured (an information row of the bench's scan section): the time two
// threads take just to parse the files a check cannot skip — the files whose text passes some rule's
// text gate (Rule.textGate; crate roots; suppression comments), each parsed once, split by size between
// the threads, grammars loaded before the clock starts. No analysis at all: whatever the rules cost
// comes on top of this, and a check's fixed cost (process start, bundle, grammars) on top of both. It
// shows how much of the scan target (≤ 0.6× the one-thread floor of all files) parsing alone uses up.
//
// The same file is the worker's script: started with `workerData.parseBoundFiles`, it loads the
// grammars, says it is ready, parses its share when told to, and answers with its timing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ALL_RULES, languageOfPath } from '../../server/src/analysis/index';
import { rulesForText } from '../../server/src/analysis/engine/rule';
import { hasSuppressionMarker } from '../../server/src/analysis/engine/suppression-comments';
import { loadGrammars } from '../../server/src/host/wasm-files';

export interface ParseBound {
  /** Files a check must parse, and their bytes. */
  files: number;
  bytes: number;
  threads: number;
  /** From "go" to the last thread's answer. */
  seconds: number;
  /** The slowest thread's own parse time (the others finish earlier: shares are balanced by bytes, not by time). */
  slowestThreadSeconds: number;
}

/**
 * The files among `files` that a default-settings check parses: those some enabled rule's text gate lets
 * through (crate roots count for the rules that also report there), or that carry a suppression comment.
 */
export function filesCheckMustParse(files: readonly string[]): string[] {
  // As Linter.lintFile: the rules of the file's side (the suppression rules, side 'both', only judge
  // suppression comments, counted below).
  const rustRules = ALL_RULES.filter((r) => r.side === 'rust');
  const tsRules = ALL_RULES.filter((r) => r.side === 'ts');
  return files.filter((file) => {
    const language = languageOfPath(file);
    if (!language) return false;
    const text = fs.readFileSync(file, 'utf8');
    // A crate root is the lib.rs/main.rs beside a Cargo.toml's src/ (the usual layout; enough for a bound).
    const isCrateRoot = (): boolean => /^(lib|main)\.rs$/.test(path.basename(file)) && fs.existsSync(path.join(path.dirname(file), '..', 'Cargo.toml'));
    return rulesForText(language === 'rust' ? rustRules : tsRules, text, isCrateRoot).length > 0 || hasSuppressionMarker(text);
  });
}

/** Parses `files` on `threads` worker threads (shares balanced by size), timed from a common start. */
export async function measureParseBound(files: readonly string[], threads: number): Promise<ParseBound> {
  const sized = files.map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => b.size - a.size);
  const shares: { files: string[]; bytes: number }[] = Array.from({ length: threads }, () => ({ files: [], bytes: 0 }));
  for (const { f, size } of sized) {
    const least = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.files.push(f);
    least.bytes += size;
  }
  const workers = shares.map((share) => new Worker(__filename, { workerData: { parseBoundFiles: share.files } }));
  try {
    const answer = (w: Worker): Promise<{ seconds: number }> => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await Promise.all(workers.map(answer)); // grammars loaded, texts read
    const started = process.hrtime.bigint();
    const done = workers.map(answer);
    for (const w of workers) w.postMessage('go');
    const timings = await Promise.all(done);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      files: files.length, bytes: shares.reduce((n, s) => n + s.bytes, 0), threads, seconds,
      slowestThreadSeconds: Math.max(...timings.map((t) => t.seconds)),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function runParseBoundWorker(files: readonly string[]): Promise<void> {
  const port = parentPort!;
  const grammars = await loadGrammars();
  const texts = files.map((f) => [languageOfPath(f)!, fs.readFileSync(f, 'utf8')] as const);
  port.once('message', () => {
    // Wall time of this thread's share (Node 20 has no per-thread CPU clock).
    const started = process.hrtime.bigint();
    for (const [language, text] of texts) grammars.parser(language).parse(text)?.delete();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    grammars.dispose();
    port.postMessage({ seconds });
  });
  port.postMessage({ ready: true });
}

if (!isMainThread && Array.isArray((workerData as { parseBoundFiles?: unknown } | null)?.parseBoundFiles)) {
  void runParseBoundWorker((workerData as { parseBoundFiles: string[] }).parseBoundFiles);
}
