// `wasm-safety check --concurrency N` and `--shard i/n` (issue 7 item 8): linting on several threads
// (this one and workers, or workers alone) gives exactly the one-thread report, and the shards of a
// split cover every file exactly once with the same findings as the unsharded run. Runs runCheck
// in-process over the rule fixtures and the sample workspace (many files, cross-file facts: crates,
// build modes, glue, TS bindings); the workers run the tsc output's lint-worker.js.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseCommandLine } from '../src/cli/args';
import { runCheck } from '../src/cli/check';
import type { CheckReport } from '../src/cli/report';
import { inShard, parseShard } from '../src/cli/shard';
import { oneThreadLintOrder, planScan, scanLayoutOf } from '../src/cli/lint-pool';
import { ALL_RULES, DEFAULT_LINT_SETTINGS, Linter, Workspace } from '../src/analysis/index';
import { generateCorpus } from '../../scripts/bench/corpus';
import { scanIntoWorkspace, sourceBytesAtLeast, toWorkspacePath } from '../src/host/disk-workspace';
import { loadGrammars } from '../src/host/wasm-files';

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
    // The fixtures exercise both kinds of work on two threads: whole-crate jobs and the shared phases.
    const grammars = await loadGrammars();
    const workspace = new Workspace(grammars, { roots: [toWorkspacePath(FIXTURES)] });
    try {
      await scanIntoWorkspace(workspace, [FIXTURES], { maxFileBytes: 10_000_000 });
      const lintable = workspace.lintablePaths();
      const plan = planScan(lintable.map((p) => ({ path: p, settings: DEFAULT_LINT_SETTINGS })), lintable.filter((p) => workspace.languageOf(p) === 'rust'), 2, {
        crateOf: (p) => workspace.crateOf(p)?.root ?? '',
        charsOf: (p) => workspace.fileText(p)?.length ?? 0,
        isRust: (p) => workspace.languageOf(p) === 'rust',
      });
      assert.ok(plan.crateJobs.length > 0 && plan.sharedIndex.length > 0 && plan.sharedLint.length > 0, 'crate jobs and shared work');
    } finally {
      workspace.dispose();
    }
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

  it('shares out small crates whole (one thread summarises and lints each), and the rest by file', () => {
    // Four crates of Rust (2,460 characters): a job may hold 1/(4 × threads) of it; /b has nothing to lint.
    const sizes: Record<string, number> = { '/big/a.rs': 2000, '/big/b.rs': 100, '/s1/a.rs': 100, '/s1/b.rs': 50, '/s2/a.rs': 200, '/b/x.rs': 10, '/app/x.ts': 5000 };
    const layout = {
      crateOf: (p: string) => p.split('/')[1] === 'app' ? '' : `/${p.split('/')[1]}`,
      charsOf: (p: string) => sizes[p] ?? 0,
      isRust: (p: string) => p.endsWith('.rs'),
    };
    const settings = DEFAULT_LINT_SETTINGS;
    const lint = ['/app/x.ts', '/big/a.rs', '/big/b.rs', '/s1/a.rs', '/s1/b.rs', '/s2/a.rs'].map((p) => ({ path: p, settings }));
    const rust = Object.keys(sizes).filter((p) => p.endsWith('.rs'));
    const plan = planScan(lint, rust, 2, layout);
    // Jobs largest first: /s2 (200) then /s1 (150); each indexes its whole crate.
    assert.deepEqual(plan.crateJobs.map((j) => [j.index, j.lint.map((f) => f.path)]), [
      [['/s2/a.rs'], ['/s2/a.rs']],
      [['/s1/a.rs', '/s1/b.rs'], ['/s1/a.rs', '/s1/b.rs']],
    ]);
    assert.deepEqual(plan.sharedIndex, ['/big/a.rs', '/big/b.rs', '/b/x.rs']);
    assert.deepEqual(plan.sharedLint.map((f) => f.path), ['/app/x.ts', '/big/a.rs', '/big/b.rs']);
    // One thread: a crate may take up to a quarter of the source, so /s2 and /s1 stay jobs; /big does not.
    assert.equal(planScan(lint, rust, 1, layout).crateJobs.length, 2);
  });

  it('lints on one thread in an order that parses each Rust file once: whole crates, then TS/JS', async () => {
    // The benchmark's corpus: a TS app (app/…) importing the bindings of several crates (crates/…).
    // In path order the app's files come first; each builds the index of the crate it imports, and
    // with room for one crate's trees the others' are dropped before their own files are linted.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-order-'));
    const grammars = await loadGrammars();
    try {
      generateCorpus(dir, { rustBytes: 1_100_000, seed: 3 });
      const rustParses = async (order: 'path' | 'one thread'): Promise<{ parses: number; files: number }> => {
        const workspace = new Workspace(grammars, { roots: [toWorkspacePath(dir)] });
        const parser = grammars.parser('rust');
        const parse = parser.parse;
        const parsed: string[] = [];
        parser.parse = function (this: typeof parser, ...args: Parameters<typeof parse>) {
          if (typeof args[0] === 'string') parsed.push(args[0]);
          return parse.apply(this, args);
        } as typeof parse;
        try {
          await scanIntoWorkspace(workspace, [dir], { maxFileBytes: 10_000_000 });
          const { layout, rustFiles } = scanLayoutOf(workspace);
          const crateChars = new Map<string, number>();
          for (const file of rustFiles) crateChars.set(layout.crateOf(file), (crateChars.get(layout.crateOf(file)) ?? 0) + layout.charsOf(file));
          assert.ok(crateChars.size >= 2, `several crates (got ${crateChars.size})`);
          const files = workspace.lintablePaths().map((p) => ({ path: p }));
          assert.ok(!layout.isRust(files[0].path), 'a TS file sorts first');
          const linter = new Linter(ALL_RULES, grammars);
          workspace.keepSummaryTrees(Math.max(...crateChars.values()));
          for (const file of order === 'path' ? files : oneThreadLintOrder(files, layout)) {
            linter.lintFile(workspace, file.path, { settings: DEFAULT_LINT_SETTINGS, withFixes: false });
          }
          return { parses: parsed.length, files: new Set(parsed).size };
        } finally {
          parser.parse = parse;
          workspace.dispose();
        }
      };
      const ordered = await rustParses('one thread');
      assert.ok(ordered.files > 20, `many Rust files parsed (got ${ordered.files})`);
      assert.equal(ordered.parses, ordered.files, 'each Rust file parsed once');
      // The order is what makes the difference (else this test could not fail).
      const pathOrder = await rustParses('path');
      assert.equal(pathOrder.files, ordered.files);
      assert.ok(pathOrder.parses > pathOrder.files, `path order parses files twice (${pathOrder.parses} parses of ${pathOrder.files} files)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("puts a crate's Rust files together, crates in path order, other files last", () => {
    const layout = {
      crateOf: (p: string) => (p.startsWith('/crates/') ? `/crates/${p.split('/')[2]}` : ''),
      charsOf: () => 1,
      isRust: (p: string) => p.endsWith('.rs'),
    };
    const paths = ['/app/a.ts', '/crates/b/src/lib.rs', '/app/z.ts', '/crates/a/src/x.rs', '/crates/a/src/lib.rs', '/loose.rs', '/crates/b/x.js'];
    assert.deepEqual(oneThreadLintOrder(paths.map((p) => ({ path: p })), layout).map((f) => f.path), [
      '/loose.rs', '/crates/a/src/lib.rs', '/crates/a/src/x.rs', '/crates/b/src/lib.rs', '/app/a.ts', '/app/z.ts', '/crates/b/x.js',
    ]);
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

  it('looks at source sizes before the scan as the scan walks: skipped folders and other files do not count, links loop no further', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-probe-'));
    try {
      const write = (file: string, bytes: number): void => {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), 'x'.repeat(bytes));
      };
      write('crate/src/lib.rs', 600);
      write('app/main.ts', 300);
      write('app/notes.md', 5_000);
      write('crate/target/debug/out.rs', 5_000);
      write('app/node_modules/dep/index.js', 5_000);
      write('.hidden/big.rs', 5_000);
      fs.symlinkSync(dir, path.join(dir, 'crate', 'loop'));
      assert.equal(sourceBytesAtLeast([dir], 900), true);
      assert.equal(sourceBytesAtLeast([dir], 901), false);
      assert.equal(sourceBytesAtLeast([path.join(dir, 'crate', 'src', 'lib.rs')], 600), true, 'a file argument counts itself');
      assert.equal(sourceBytesAtLeast([path.join(dir, 'missing')], 1), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
