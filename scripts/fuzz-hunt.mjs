#!/usr/bin/env node
// Runs the language-server fuzz test (server/test/stress/fuzz-edits.test.ts) over many random seeds,
// one seed per run, a few runs at a time, and lists the seeds that fail with their logs. CI's
// `test:stress` draws new random seeds on every run, so a bug it can hit is best found here first:
// this is how the bugs of seeds 800133 and 950088 were found before CI met them. Needs the compiled
// tests (`npm run fuzz:hunt` builds first). Replay a failing seed with
// `WASM_SAFETY_FUZZ_SEED=<seed> npm run test:stress`.
//
//   node scripts/fuzz-hunt.mjs [--seeds N] [--start S] [--jobs J]
//     --seeds  how many seeds (default 200)
//     --start  first seed; the next ones follow (default: a random one)
//     --jobs   runs at a time (default: the number of CPUs)

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST = path.join(ROOT, 'out', 'server', 'test', 'stress', 'fuzz-edits.test.js');
const LOGS = path.join(ROOT, 'bench-output', 'fuzz-hunt');

function parseArgs(argv) {
  const options = { seeds: 200, start: Math.floor(Math.random() * 2_000_000_000), jobs: os.availableParallelism() };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${argv[i - 1]} needs a whole number, got ${argv[i]}`);
      return v;
    };
    switch (argv[i]) {
      case '--seeds': options.seeds = value(); break;
      case '--start': options.start = value(); break;
      case '--jobs': options.jobs = Math.max(1, value()); break;
      case '--help': case '-h':
        process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 13).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${argv[i]} (see --help)`);
    }
  }
  return options;
}

/** One run of the fuzz test with `seed`; resolves to its exit code and combined output. */
function runSeed(seed) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=dot', TEST], {
      cwd: ROOT,
      env: { ...process.env, WASM_SAFETY_STRESS: '1', WASM_SAFETY_FUZZ_SEED: String(seed) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(TEST)) throw new Error(`${path.relative(ROOT, TEST)} is missing: run \`npm run build\` first`);
  fs.mkdirSync(LOGS, { recursive: true });
  const seeds = Array.from({ length: options.seeds }, (_, i) => options.start + i);
  const failed = [];
  let done = 0;
  const started = Date.now();
  const worker = async () => {
    for (let seed = seeds.shift(); seed !== undefined; seed = seeds.shift()) {
      const { code, output } = await runSeed(seed);
      done++;
      if (code !== 0) {
        const log = path.join(LOGS, `${seed}.log`);
        fs.writeFileSync(log, output);
        failed.push(seed);
        process.stdout.write(`\nseed ${seed} FAILED (exit ${code}): ${path.relative(ROOT, log)}\n`);
      } else if (done % 20 === 0) {
        process.stdout.write(`${done}/${options.seeds} seeds, ${failed.length} failed, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, options.seeds) }, worker));
  process.stdout.write(`fuzz hunt: seeds ${options.start}–${options.start + options.seeds - 1}, ${done} run, ${failed.length} failed`
    + `${failed.length > 0 ? ` (${failed.sort((a, b) => a - b).join(', ')}; replay: WASM_SAFETY_FUZZ_SEED=<seed> npm run test:stress)` : ''}`
    + `, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 2;
});
