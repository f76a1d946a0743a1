// Entry point of the `wasm-safety` command (bundled by esbuild to dist/cli.js, which adds the
// `#!/usr/bin/env node` banner; no hashbang here or the bundle would get two). It wires the process
// to run() and turns anything unexpected into exit code 2: a crash must never look like success (0)
// or like "findings" (1).

import { isMainThread } from 'node:worker_threads';
import { run } from './run';
import { toolVersion } from './version';

const EXIT_INTERNAL = 2;

/** Exit codes only go up: a late crash is never hidden by an earlier, milder result. */
function raiseExitCode(code: number): void {
  const current = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = Math.max(current, code);
}

function reportCrash(what: string, e: unknown): void {
  try {
    process.stderr.write(`wasm-safety: ${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  } finally {
    raiseExitCode(EXIT_INTERNAL);
  }
}

process.on('uncaughtException', (e) => reportCrash('internal error', e));
process.on('unhandledRejection', (e) => reportCrash('internal error (unhandled rejection)', e));
// A closed pipe (`wasm-safety check | head`) is not a crash of ours: stop writing quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') reportCrash('cannot write to stdout', e);
});

async function main(): Promise<void> {
  try {
    const code = await run(process.argv.slice(2), {
      cwd: process.cwd(),
      env: process.env,
      stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true },
      stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY === true },
      version: toolVersion(),
    });
    raiseExitCode(code);
  } catch (e) {
    reportCrash('internal error', e);
  }
}

// In the bundle this file is also the lint workers' script (lint-pool.ts): they run the worker loop
// (started by lint-worker.ts when its module loads), not the command line.
if (isMainThread) void main();
