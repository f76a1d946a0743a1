// `wasm-safety check --concurrency N` and `--shard i/n` (issue 7 item 8): linting on several threads
// (this one and workers, or workers alone) gives exactly the one-thread report, and the shards of a
// split cover every file exactly once with the same findings as the unsharded run. Runs runCheck
// in-process over the rule fixtures and the sample workspace (many files, cross-file facts: crates,
// build modes, glue, TS bindings); the workers run the tsc output's lint-worker.js.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../src/cli/args';
import { runCheck } from '../src/cli/check';
import type { CheckReport } from '../src/cli/report';
import { inShard, parseShard } from '../src/cli/shard';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(REPO_ROOT, 'test-fixtures');

function comparable(report: CheckReport): { findings: string[]; notices: string[]; filesChecked: number; ok: boolean } {
  return {
    findings: report.findings.map((f) => JSON.stringify(f)),
    notices: report.notices.map((n) => JSON.stringify(n)),
    filesChecked: report.filesChecked,
    ok: report.executionSuccessful,
  };
}

/** Runs a check and asserts it linted on the expected number of threads (0: this thread alone). */
async function check(extra: { concurrency?: number; mainThreadWorks?: boolean; shard?: { index: number; count: number } }): Promise<CheckReport> {
  let threads: number | undefined;
  const report = await runCheck({ paths: ['.'], cwd: FIXTURES, toolVersion: 'test', withFixes: true, ...extra, onLintThreads: (n) => (threads = n) });
  assert.equal(threads, (extra.concurrency ?? 1) > 1 ? extra.concurrency : 0, 'lint threads');
  return report;
}

describe('check --concurrency and --shard', () => {
  it('reports the same findings, notices and file count on 2 threads as in one thread', async () => {
    const one = comparable(await check({ concurrency: 1 }));
    const two = comparable(await check({ concurrency: 2 }));
    assert.ok(one.findings.length > 50, `the fixtures give many findings (got ${one.findings.length})`);
    assert.deepEqual(two, one);
    // Every file through the workers (the main thread may finish the fixtures before a worker starts).
    const workersOnly = comparable(await check({ concurrency: 2, mainThreadWorks: false }));
    assert.deepEqual(workersOnly, one);
  });

  it('splits the files into shards whose union is the unsharded result, each file in exactly one shard', async () => {
    const whole = await check({ concurrency: 1 });
    const count = 3;
    const shards: CheckReport[] = [];
    for (let index = 1; index <= count; index++) shards.push(await check({ concurrency: 1, shard: { index, count } }));
    assert.equal(shards.reduce((n, r) => n + r.filesChecked, 0), whole.filesChecked, 'file counts add up');
    assert.ok(shards.every((r) => r.filesChecked > 0), `every shard gets files: ${shards.map((r) => r.filesChecked).join(', ')}`);
    const byFile = new Map<string, number>();
    for (const [i, r] of shards.entries()) {
      for (const f of r.findings) {
        const owner = byFile.get(f.location.path);
        assert.ok(owner === undefined || owner === i, `${f.location.path} has findings in shards ${owner} and ${i}`);
        byFile.set(f.location.path, i);
      }
    }
    const union = shards.flatMap((r) => r.findings.map((f) => JSON.stringify(f))).sort();
    assert.deepEqual(union, whole.findings.map((f) => JSON.stringify(f)).sort());
    // A shard run on workers agrees with the same shard in one thread.
    assert.deepEqual(comparable(await check({ concurrency: 2, shard: { index: 2, count } })), comparable(shards[1]));
  });

  it('assigns a file to a shard by its path alone', () => {
    const paths = Array.from({ length: 200 }, (_, i) => `crates/c${i % 7}/src/m${i}.rs`);
    for (const count of [1, 2, 5]) {
      for (const p of paths) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) => inShard(p, { index, count }));
        assert.equal(owners.length, 1, `${p} in exactly one of ${count} shards`);
      }
    }
    assert.equal(inShard('a/b.rs', { index: 1, count: 1 }), true);
  });

  it('parses --shard and --concurrency, rejecting malformed values', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', '2/0', 'a/b', '1/2/3', '-1/2']) assert.equal(parseShard(bad), undefined, bad);
    const ok = parseCommandLine(['check', '--shard', '1/2', '--concurrency', '3', 'src']);
    assert.equal(ok.kind, 'check');
    if (ok.kind === 'check') assert.deepEqual([ok.shard, ok.concurrency, ok.paths], [{ index: 1, count: 2 }, 3, ['src']]);
    for (const argv of [['check', '--shard', '3/2'], ['check', '--concurrency', '0'], ['check', '--concurrency', 'two']]) {
      const parsed = parseCommandLine(argv);
      assert.equal(parsed.kind, 'usage-error', argv.join(' '));
    }
  });
});
