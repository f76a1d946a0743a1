// `npm run bench`: the performance benchmark of issue 8 (a measurement, not a test: it never fails on
// a target, it prints a table and writes bench-output/bench.json). Sections:
//   scan    `wasm-safety check` (dist/cli.js, the real CLI) over a directory: MB/s, files/s, beside the
//           one-thread web-tree-sitter parse-only floor for the same files, measured in the same run;
//   edit    edit → diagnostics latency through the real language server over stdio;
//   memory  server RSS after 100 and after N edits, after opening and closing many documents;
//   growth  scan time per MB at several corpus sizes; a deeply nested file.
// Run `node out/scripts/bench/run.js --help` for the flags (sizes, a quick run, a directory to scan).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { languageOfPath } from '../../server/src/analysis/index';
import { loadGrammars } from '../../server/src/host/wasm-files';
import { generateCorpus, generateDeepFile, largeRustModule, largeTsModule } from './corpus';
import { BenchLspClient } from './lsp-client';
import { filesCheckMustParse, measureParseBound } from './parse-bound';
import { RELEASE_DELAYS_MS } from '../../server/src/lsp/idle-gc';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/node-flags';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/**
 * Where the generated workspaces live: outside this repository, so each is a project of its own. A check
 * indexes the project around the checked folder (host/disk-workspace.ts `indexRootsOf`): inside this git
 * checkout every corpus check would also read the repository, which is not what the scan measures.
 */
const WORK = path.join(os.tmpdir(), 'wasm-safety-bench');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MB = 1024 * 1024;
const TIME = '/usr/bin/time';
const TIME_MARK = 'wasm-safety-bench-cpu:';

interface Flags {
  scanMb: number;
  sizes: number[];
  edits: number;
  memoryEdits: number;
  memoryBurst: number;
  editSeconds: number;
  documents: number;
  concurrency?: string;
  dir?: string;
  seed: number;
  sections: Set<string>;
  out: string;
  rustLines: number;
  tsLines: number;
  tsEdits: number;
  /** Where the language server of the edit/memory sections writes a V8 CPU profile (--cpu-prof), if set. */
  profileServer?: string;
}

const HELP = `Usage: npm run bench -- [options]

  --quick                 small sizes (scan 4 MB; growth 1,4 MB; 100 edits; 30 TS edits; 1,000 memory edits; 100 documents)
  --scan-mb <n>           MB of generated Rust for the scan section (default 16)
  --sizes <a,b,...>       corpus sizes in MB for the growth section (default 1,4,16,64)
  --edits <n>             edits timed for latency (default 500)
  --memory-edits <n>      edits before the second RSS reading (default 10000)
  --edit-seconds <s>      stop the timed edits after <s> seconds (at least 100 edits; default 240)
  --memory-burst <n>      edits after the timed ones are sent in bursts of <n> (default 250)
  --documents <n>         documents opened and closed (default 1000)
  --rust-lines <n>        lines of the edited Rust document (default 10000)
  --ts-lines <n>          lines of the open TS document (default 5000)
  --ts-edits <n>          edits of the TS document timed before the Rust ones (information; default 100)
  --profile-server <dir>  the edit/memory sections' language server writes a V8 CPU profile there (--cpu-prof; slows it)
  --concurrency <n>       passed to \`wasm-safety check --concurrency\` (default: the CLI's default)
  --dir <path>            scan this directory instead of the generated corpus (scan section only)
  --only <a,b,...>        sections to run: scan, growth, edit, memory (default all)
  --seed <n>              corpus seed (default 1)
  --out <file>            JSON output (default bench-output/bench.json)
`;

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    scanMb: 16, sizes: [1, 4, 16, 64], edits: 500, memoryEdits: 10_000, memoryBurst: 250, editSeconds: 240, documents: 1000, seed: 1,
    sections: new Set(['scan', 'growth', 'edit', 'memory']), out: path.join(ROOT, 'bench-output', 'bench.json'),
    rustLines: 10_000, tsLines: 5_000, tsEdits: 100,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--help': case '-h': process.stdout.write(HELP); process.exit(0); break;
      case '--quick': Object.assign(flags, { scanMb: 4, sizes: [1, 4], edits: 100, tsEdits: 30, memoryEdits: 1000, documents: 100 }); break;
      case '--scan-mb': flags.scanMb = Number(value()); break;
      case '--sizes': flags.sizes = value().split(',').map(Number); break;
      case '--edits': flags.edits = Number(value()); break;
      case '--memory-edits': flags.memoryEdits = Number(value()); break;
      case '--documents': flags.documents = Number(value()); break;
      case '--memory-burst': flags.memoryBurst = Number(value()); break;
      case '--edit-seconds': flags.editSeconds = Number(value()); break;
      case '--rust-lines': flags.rustLines = Number(value()); break;
      case '--ts-lines': flags.tsLines = Number(value()); break;
      case '--ts-edits': flags.tsEdits = Number(value()); break;
      case '--profile-server': flags.profileServer = path.resolve(value()); break;
      case '--concurrency': flags.concurrency = value(); break;
      case '--dir': flags.dir = path.resolve(value()); break;
      case '--only': flags.sections = new Set(value().split(',')); break;
      case '--seed': flags.seed = Number(value()); break;
      case '--out': flags.out = path.resolve(value()); break;
      default: throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  return flags;
}

/** The corpus for `mb` MB of Rust, generated once and reused by later runs (same seed, same bytes). */
function corpus(mb: number, seed: number): { dir: string; files: number; bytes: number } {
  const dir = path.join(WORK, 'corpus', `${mb}MB-seed${seed}`);
  const marker = path.join(dir, '.corpus.json');
  if (fs.existsSync(marker)) return { dir, ...JSON.parse(fs.readFileSync(marker, 'utf8')) };
  fs.rmSync(dir, { recursive: true, force: true });
  const summary = generateCorpus(dir, { rustBytes: mb * MB, seed });
  fs.writeFileSync(marker, JSON.stringify(summary));
  return { dir, ...summary };
}

const SKIPPED_DIRS = new Set(['node_modules', 'target']);

/** The source files `check` lints under `dir` (the same skip rules as the CLI's disk scan). */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !(entry.name.startsWith('.') && entry.name !== '.cargo')) stack.push(full);
      } else if (entry.isFile() && languageOfPath(full)) {
        out.push(full);
      }
    }
  }
  return out.sort();
}

/** One-thread parse-only time of `files` (each parsed once, tree deleted), in seconds. */
async function parseFloor(files: readonly string[]): Promise<{ seconds: number; cpuSeconds: number; bytes: number }> {
  const grammars = await loadGrammars();
  const texts = files.map((f) => [languageOfPath(f)!, fs.readFileSync(f, 'utf8')] as const);
  const bytes = texts.reduce((n, [, t]) => n + Buffer.byteLength(t), 0);
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  for (const [language, text] of texts) {
    const tree = grammars.parser(language).parse(text);
    tree?.delete();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  grammars.dispose();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, bytes };
}

interface ScanRun {
  seconds: number;
  /** User + system CPU seconds of the check process (all its threads), from /usr/bin/time when present. */
  cpuSeconds?: number;
  exitCode: number | null;
  files: number;
  bytes: number;
  stderr: string;
}

function runCheck(dir: string, flags: Flags, extra: readonly string[] = []): ScanRun {
  const files = sourceFiles(dir);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const output = path.join(os.tmpdir(), `wasm-safety-bench-${process.pid}.txt`);
  const args = [CLI, 'check', dir, '-o', output, ...(flags.concurrency ? ['--concurrency', flags.concurrency] : []), ...extra];
  // /usr/bin/time adds the CPU time: on a shared machine wall time alone says little.
  const timed = fs.existsSync(TIME) ? { command: TIME, args: ['-f', `${TIME_MARK}%U %S`, process.execPath, ...args] } : { command: process.execPath, args };
  const started = process.hrtime.bigint();
  const run = spawnSync(timed.command, timed.args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(output, { force: true });
  let stderr = run.stderr;
  let cpuSeconds: number | undefined;
  const mark = stderr.lastIndexOf(TIME_MARK);
  if (mark !== -1) {
    const [user, system] = stderr.slice(mark + TIME_MARK.length).trim().split(/\s+/).map(Number);
    cpuSeconds = user + system;
    stderr = stderr.slice(0, mark);
  }
  return { seconds, cpuSeconds, exitCode: run.status, files: files.length, bytes, stderr: stderr.slice(-2000) };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, availableParallelism: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg() },
    flags: { ...flags, sections: [...flags.sections] },
  };
  const table: [string, string, string][] = [];
  const row = (what: string, value: string, target = ''): void => {
    table.push([what, value, target]);
    console.log(`  ${what}: ${value}${target ? `   (${target})` : ''}`);
  };

  if (flags.sections.has('scan')) {
    console.log('scan …');
    const target = flags.dir ? { dir: flags.dir } : corpus(flags.scanMb, flags.seed);
    const scan = runCheck(target.dir, flags);
    const floor = await parseFloor(sourceFiles(target.dir));
    const ratio = scan.seconds / floor.seconds;
    results.scan = {
      dir: target.dir, files: scan.files, bytes: scan.bytes, seconds: scan.seconds, cpuSeconds: scan.cpuSeconds, exitCode: scan.exitCode,
      mbPerSecond: scan.bytes / MB / scan.seconds, filesPerSecond: scan.files / scan.seconds,
      parseFloorSeconds: floor.seconds, parseFloorCpuSeconds: floor.cpuSeconds, ratioToFloor: ratio,
      cpuRatioToFloor: scan.cpuSeconds === undefined ? undefined : scan.cpuSeconds / floor.cpuSeconds,
      ...(scan.exitCode === 2 ? { stderr: scan.stderr } : {}),
    };
    const cpu = (s: number | undefined): string => (s === undefined ? '' : `, ${s.toFixed(2)} s CPU`);
    row(`scan ${(scan.bytes / MB).toFixed(1)} MB, ${scan.files} files`, `${scan.seconds.toFixed(2)} s${cpu(scan.cpuSeconds)}, ${(scan.bytes / MB / scan.seconds).toFixed(2)} MB/s, ${(scan.files / scan.seconds).toFixed(0)} files/s (exit ${scan.exitCode})`);
    row('parse-only floor, one thread', `${floor.seconds.toFixed(2)} s${cpu(floor.cpuSeconds)}, ${(floor.bytes / MB / floor.seconds).toFixed(2)} MB/s`);
    row('scan / floor (wall)', ratio.toFixed(2), 'target ≤ 0.60');
    if (scan.cpuSeconds !== undefined) row('scan CPU / floor CPU (all threads)', (scan.cpuSeconds / floor.cpuSeconds).toFixed(2), 'with 2 busy cores the wall target needs ≤ 1.2');
    // What parsing alone takes of the target: the files no text gate lets a check skip, on two threads.
    const bound = await measureParseBound(filesCheckMustParse(sourceFiles(target.dir)), 2);
    (results.scan as Record<string, unknown>).parseBound = { ...bound, ratioToFloor: bound.seconds / floor.seconds };
    row(`parse only of the ${bound.files} files a check must parse (${(bound.bytes / MB).toFixed(1)} MB), two threads`,
      `${bound.seconds.toFixed(2)} s = ${(bound.seconds / floor.seconds).toFixed(2)}× the floor (slowest thread ${bound.slowestThreadSeconds.toFixed(2)} s)`, 'information: no analysis, no start-up');
    const editor = await editorStartupScan(target.dir);
    (results.scan as Record<string, unknown>).editorStartupScan = editor;
    row('editor start-up scan of the same folder (language server; lint workers from 8 M characters)', editor.ended
      ? `${editor.seconds.toFixed(2)} s until the scan's progress ends, RSS then ${(editor.rss / MB).toFixed(0)} MB`
      : `did not end within ${EDITOR_SCAN_TIMEOUT_S} s`, 'information');
  }

  if (flags.sections.has('growth')) {
    console.log('growth …');
    const growth: { mb: number; bytes: number; seconds: number; secondsPerMb: number; cpuSeconds?: number; exitCode: number | null }[] = [];
    const scanned = results.scan as { seconds: number; cpuSeconds?: number; exitCode: number | null; bytes: number } | undefined;
    for (const mb of flags.sizes) {
      // The scan section's run of the same corpus is reused rather than repeated.
      const run = scanned && !flags.dir && mb === flags.scanMb ? { ...scanned } : runCheck(corpus(mb, flags.seed).dir, flags);
      growth.push({ mb, bytes: run.bytes, seconds: run.seconds, secondsPerMb: run.seconds / (run.bytes / MB), cpuSeconds: run.cpuSeconds, exitCode: run.exitCode });
      row(`scan ${(run.bytes / MB).toFixed(1)} MB`, `${run.seconds.toFixed(2)} s = ${(run.seconds / (run.bytes / MB)).toFixed(3)} s/MB${run.cpuSeconds === undefined ? '' : ` (CPU ${(run.cpuSeconds / (run.bytes / MB)).toFixed(3)} s/MB)`}, exit ${run.exitCode}`);
    }
    // ±25 % read as: every size's time per MB within 25 % of the mean over the sizes.
    const perMb = growth.map((g) => g.secondsPerMb);
    const mean = perMb.reduce((a, b) => a + b, 0) / perMb.length;
    const spread = Math.max(...perMb.map((v) => Math.abs(v / mean - 1)));
    // For reading the figures only (the target is judged on the times above): what every check costs
    // whatever its size (process start, bundle and grammar loading), measured as a check of an empty folder.
    const emptyDir = path.join(WORK, 'empty');
    fs.rmSync(emptyDir, { recursive: true, force: true });
    fs.mkdirSync(emptyDir, { recursive: true });
    const fixed = Math.min(...[0, 1, 2].map(() => runCheck(emptyDir, flags).seconds));
    const marginal = growth.map((g) => (g.seconds - fixed) / (g.bytes / MB));
    row('fixed cost of a check (empty folder, best of 3)', `${fixed.toFixed(2)} s; time per MB beyond it: ${marginal.map((v) => v.toFixed(3)).join(' / ')} s/MB`, 'information, not the target');
    const deepDir = path.join(WORK, 'deep');
    fs.rmSync(deepDir, { recursive: true, force: true });
    generateDeepFile(path.join(deepDir, 'src', 'lib.rs'), 10_000);
    const deep = runCheck(deepDir, flags);
    const overflow = /Maximum call stack|RangeError/.test(deep.stderr);
    results.growth = { runs: growth, maxDeviationFromMeanSecondsPerMb: spread, fixedCostSeconds: fixed, secondsPerMbBeyondFixedCost: marginal, deep: { levels: 10_000, seconds: deep.seconds, exitCode: deep.exitCode, stackOverflow: overflow, stderr: deep.stderr } };
    row('time per MB, largest deviation from the mean', `${(spread * 100).toFixed(0)} %`, 'target ≤ 25 %');
    row('10,000-level nested file', `${deep.seconds.toFixed(2)} s, exit ${deep.exitCode}${overflow ? ', STACK OVERFLOW' : ', no stack overflow'}`);
  }

  if (flags.sections.has('edit') || flags.sections.has('memory')) {
    await lspSections(flags, results, row);
  }

  fs.mkdirSync(path.dirname(flags.out), { recursive: true });
  fs.writeFileSync(flags.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log('\n| measurement | value | target |\n|---|---|---|');
  for (const [what, value, target] of table) console.log(`| ${what} | ${value} | ${target} |`);
  console.log(`\nwrote ${path.relative(process.cwd(), flags.out)}`);
}

const EDITOR_SCAN_TIMEOUT_S = 600;

/**
 * What opening the folder in an editor costs: the language server started as the extension starts it,
 * from `initialize` to the end of its start-up scan (every file read, every file that is not open linted
 * and published), with the server's RSS right after.
 */
async function editorStartupScan(dir: string): Promise<{ ended: boolean; seconds: number; rss: number }> {
  const client = new BenchLspClient(CLI, [...SERVER_NODE_FLAGS]);
  try {
    const started = process.hrtime.bigint();
    const ended = await client.start(dir, EDITOR_SCAN_TIMEOUT_S * 1000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { ended, seconds, rss: client.rss() };
  } finally {
    await client.stop();
  }
}

/** Single-character edits of `text`: a space inserted at the start of a random line, then removed again. */
function spaceEdits(initial: string, seed: number): { next: () => unknown } {
  let text = initial;
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  let state = seed;
  let pendingLine: number | undefined;
  return {
    next: (): unknown => {
      if (pendingLine === undefined) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        pendingLine = state % (lineStarts.length - 1);
        text = text.slice(0, lineStarts[pendingLine]) + ' ' + text.slice(lineStarts[pendingLine]);
        return { range: { start: { line: pendingLine, character: 0 }, end: { line: pendingLine, character: 0 } }, text: ' ' };
      }
      const line = pendingLine;
      pendingLine = undefined;
      text = text.slice(0, lineStarts[line]) + text.slice(lineStarts[line] + 1);
      return { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
    },
  };
}

async function lspSections(flags: Flags, results: Record<string, unknown>, row: (what: string, value: string, target?: string) => void): Promise<void> {
  const workspace = path.join(WORK, 'lsp-workspace');
  fs.rmSync(workspace, { recursive: true, force: true });
  const rustText = largeRustModule(flags.rustLines, flags.seed);
  const tsText = largeTsModule(flags.tsLines, '../../big/pkg/big.js', flags.seed);
  fs.mkdirSync(path.join(workspace, 'big', 'src'), { recursive: true });
  fs.mkdirSync(path.join(workspace, 'app', 'src'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'big', 'Cargo.toml'), '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm-bindgen = "0.2.100"\n');
  fs.writeFileSync(path.join(workspace, 'big', 'src', 'lib.rs'), rustText);
  fs.writeFileSync(path.join(workspace, 'app', 'src', 'main.ts'), tsText);
  const rustUri = `file://${path.join(workspace, 'big', 'src', 'lib.rs')}`;
  const tsUri = `file://${path.join(workspace, 'app', 'src', 'main.ts')}`;

  // Started as the VS Code extension starts it (server/src/lsp/node-flags.ts), plus --expose-gc for the readings.
  const profile = flags.profileServer ? ['--cpu-prof', `--cpu-prof-dir=${flags.profileServer}`] : [];
  const client = new BenchLspClient(CLI, [...SERVER_NODE_FLAGS, '--expose-gc', ...profile], { ...process.env, WASM_SAFETY_TEST_HOOKS: '1' });
  /** RSS after a forced GC (when the hook answers) and a short settle; the server's own breakdown is kept too. */
  const breakdowns: Record<string, unknown>[] = [];
  const settledRss = async (label = ''): Promise<number> => {
    await sleep(300);
    const answer = await client.collectGarbage().catch(() => undefined);
    await sleep(200);
    const rss = client.rss();
    if (answer) breakdowns.push({ label, ...answer.memory, rss });
    return rss;
  };
  /**
   * RSS once the last document has closed. The server then gives memory back on its own, after the
   * closed files' re-lint and some quiet seconds (lsp/idle-gc.ts): read once 1 s after closing (what the
   * heap holds as V8 left it, with no forced collection) and once after the server's release (the target).
   */
  const allClosedRss = async (label: string): Promise<{ oneSecondAfter: number; rss: number; seconds: number }> => {
    const closedAt = Date.now();
    await sleep(1000);
    const oneSecondAfter = client.rss();
    await sleep(Math.max(0, closedAt + RELEASE_DELAYS_MS.reduce((a, b) => a + b, 0) + 2000 - Date.now()));
    const rss = await settledRss(label);
    return { oneSecondAfter, rss, seconds: Math.round((Date.now() - closedAt) / 1000) };
  };
  const ratioText = (a: number, b: number): string => `${(a / MB).toFixed(1)} MB / ${(b / MB).toFixed(1)} MB (×${(a / b).toFixed(2)})`;
  try {
    await client.start(workspace);
    const gcHook = (await client.collectGarbage().catch(() => undefined))?.collected ?? false;
    const rssStart = await settledRss('start');
    const memory: Record<string, unknown> = { gcForced: gcHook, rssStart, breakdowns };

    if (flags.sections.has('memory')) {
      // Open and close many small documents (not on disk: closing removes them from the workspace).
      for (let i = 0; i < flags.documents; i++) {
        const rust = i % 2 === 0;
        const uri = `file://${path.join(workspace, 'scratch', `doc${i}.${rust ? 'rs' : 'ts'}`)}`;
        const text = rust ? largeRustModule(200, i) : largeTsModule(100, '../big/pkg/big.js', i);
        await client.open(uri, rust ? 'rust' : 'typescript', 1, text);
        await client.diagnosticsFor(uri, 1);
        await client.close(uri);
      }
      const closed = await allClosedRss('after open/close');
      memory.rssOneSecondAfterOpenClose = closed.oneSecondAfter;
      memory.rssAfterOpenClose = closed.rss;
      memory.openCloseRatio = closed.rss / rssStart;
      row(`RSS after opening and closing ${flags.documents} documents (${closed.seconds} s after) / at start`, ratioText(closed.rss, rssStart), `target ≤ ×1.10 (1 s after: ×${(closed.oneSecondAfter / rssStart).toFixed(2)})`);
    }

    // The two large documents.
    await client.open(rustUri, 'rust', 1, rustText);
    await client.open(tsUri, 'typescript', 1, tsText);
    await Promise.all([client.diagnosticsFor(rustUri, 1), client.diagnosticsFor(tsUri, 1)]);
    await sleep(500);

    let version = 1;
    const rustEdits = spaceEdits(rustText, 12345);
    /** The next single-character edit of the Rust document (a space inserted, the one after removes it). */
    const nextChange = (): unknown => {
      version++;
      return rustEdits.next();
    };
    /** One edit, then waits for the diagnostics of its version; returns the latency in ms. */
    const edit = async (): Promise<number> => {
      const change = nextChange();
      const published = client.diagnosticsFor(rustUri, version);
      const started = process.hrtime.bigint();
      await client.change(rustUri, version, [change]);
      const p = await published;
      if (p.version !== version) throw new Error(`diagnostics for version ${p.version}, expected ${version}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };

    // The TS document first (information: the targets are on the Rust one), timed the same way, so the
    // memory readings below, which all follow, see the same documents.
    if (flags.sections.has('edit') && flags.tsEdits > 0) {
      const tsEdits = spaceEdits(tsText, 54321);
      let tsVersion = 1;
      const tsLatencies: number[] = [];
      for (let i = 0; i < flags.tsEdits; i++) {
        const change = tsEdits.next();
        tsVersion++;
        const published = client.diagnosticsFor(tsUri, tsVersion);
        const started = process.hrtime.bigint();
        await client.change(tsUri, tsVersion, [change]);
        const p = await published;
        if (p.version !== tsVersion) throw new Error(`TS diagnostics for version ${p.version}, expected ${tsVersion}`);
        tsLatencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        await sleep(60);
      }
      const sorted = [...tsLatencies].sort((a, b) => a - b);
      const [p50, p95, max] = [percentile(sorted, 50), percentile(sorted, 95), sorted[sorted.length - 1]];
      results.tsEdit = { tsLines: tsText.split('\n').length, edits: tsLatencies.length, p50Ms: p50, p95Ms: p95, maxMs: max, latenciesMs: tsLatencies };
      row(`edit → diagnostics, ${tsText.split('\n').length}-line TS file, ${tsLatencies.length} edits`, `p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms`, 'information');
    }

    // Timed edits (the latency figures), one at a time: each waits for its own diagnostics, then a
    // typist's pause (fast typing, ~15 characters per second) so the re-lint of dependent open
    // documents, which the server starts once edits pause, is not charged to the next edit.
    const memoryOn = flags.sections.has('memory');
    const timedEdits = flags.sections.has('edit') ? flags.edits : memoryOn ? 100 : 0;
    const latencies: number[] = [];
    let rss100: number | undefined;
    const editsStarted = Date.now();
    for (let i = 0; i < timedEdits; i++) {
      // The cap keeps the default run bounded while edits are slow; it never stops before 100 edits.
      if (i >= 100 && Date.now() - editsStarted > flags.editSeconds * 1000) break;
      latencies.push(await edit());
      await sleep(60);
      if (i + 1 === 100 && memoryOn) rss100 = await settledRss('after 100 edits');
    }
    if (flags.sections.has('edit')) {
      const sorted = [...latencies].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      const max = sorted[sorted.length - 1];
      results.edit = { rustLines: rustText.split('\n').length, tsLines: tsText.split('\n').length, editsRequested: flags.edits, edits: latencies.length, p50Ms: p50, p95Ms: p95, maxMs: max, latenciesMs: latencies };
      row(`edit → diagnostics, ${rustText.split('\n').length}-line Rust file, ${latencies.length}${latencies.length < flags.edits ? ` of ${flags.edits} (time cap)` : ''} edits`, `p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms`, 'target p50 ≤ 20 ms, p95 ≤ 50 ms');
    }

    if (memoryOn) {
      rss100 ??= await settledRss('after 100 edits');
      // The rest of the edits in bursts: all didChange notifications of a burst are sent at once, then
      // the diagnostics of the burst's last version are awaited (the server coalesces a burst into one
      // parse and one lint, so this measures what edits leave behind, not 10,000 full lints).
      let sent = timedEdits;
      while (sent < flags.memoryEdits) {
        const burst = Math.min(flags.memoryBurst, flags.memoryEdits - sent);
        for (let i = 0; i < burst; i++) {
          const change = nextChange();
          void client.change(rustUri, version, [change]);
        }
        sent += burst;
        await client.diagnosticsFor(rustUri, version);
      }
      const rssN = await settledRss(`after ${flags.memoryEdits} edits`);
      await client.close(rustUri);
      await client.close(tsUri);
      const closed = await allClosedRss('all closed');
      Object.assign(memory, {
        rssAfter100Edits: rss100, rssAfterEdits: rssN, edits: flags.memoryEdits, burst: flags.memoryBurst, editRatio: rssN / rss100,
        rssOneSecondAfterClosing: closed.oneSecondAfter, rssAllClosed: closed.rss, closedRatio: closed.rss / rssStart,
      });
      row(`RSS after ${flags.memoryEdits} / 100 edits`, ratioText(rssN, rss100), 'target ≤ ×1.20');
      row(`RSS all documents closed (${closed.seconds} s after) / at start`, ratioText(closed.rss, rssStart), `target ≤ ×1.10 (1 s after: ×${(closed.oneSecondAfter / rssStart).toFixed(2)})`);
      results.memory = memory;
    }
  } finally {
    await client.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
