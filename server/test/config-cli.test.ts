// End-to-end tests of the configuration file and the baseline through the `wasm-safety` CLI (the
// compiled or bundled entry point as a child process, on copies of the sample workspace): the nearest
// wasm-safety.json per file (nested crates), --config, ignored paths, binding-module globs, clear
// messages for a broken config, and the baseline workflow (create, hide, moved code stays baselined,
// changed code reported, stale entries noticed, prune, --no-baseline).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SAMPLE = path.join(REPO_ROOT, 'test-fixtures', 'sample-workspace');
const BUNDLED_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const COMPILED_CLI = path.resolve(__dirname, '..', 'src', 'cli', 'bin.js');

/** The bundle when it is at least as new as the compiled code (a stale dist/ must not be tested). */
const CLI = process.env.WASM_SAFETY_CLI
  ? path.resolve(process.env.WASM_SAFETY_CLI)
  : fs.existsSync(BUNDLED_CLI) && fs.statSync(BUNDLED_CLI).mtimeMs >= fs.statSync(COMPILED_CLI).mtimeMs ? BUNDLED_CLI : COMPILED_CLI;

const R01 = 'borrow-held-across-js-call';
const U01 = 'global-state-torn-by-panic';
const C01 = 'catch-swallows-wasm-failure';
const C04 = 'no-abort-recovery';

interface JsonFinding {
  ruleId: string;
  severity: string;
  path: string;
  line: number;
  column: number;
  suppression?: { kind: string; justification: string };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], cwd: string): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function checkJson(args: readonly string[], cwd: string): { status: number | null; findings: JsonFinding[]; notices: { level: string; path?: string; message: string }[]; stderr: string } {
  const run = runCli(['check', ...args, '--format', 'json'], cwd);
  assert.ok(run.stdout.startsWith('{'), `expected JSON, got stdout=${run.stdout} stderr=${run.stderr}`);
  const doc = JSON.parse(run.stdout) as { findings: JsonFinding[]; notices: { level: string; path?: string; message: string }[] };
  return { status: run.status, findings: doc.findings, notices: doc.notices, stderr: run.stderr };
}

const temps: string[] = [];
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the sample workspace (a git checkout, so it is its own project root), plus `files`. */
function sampleCopy(files: Readonly<Record<string, string>> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-config-'));
  temps.push(root);
  fs.cpSync(SAMPLE, root, { recursive: true });
  fs.mkdirSync(path.join(root, '.git'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const summary = (findings: readonly JsonFinding[]): string[] => findings.map((f) => `${f.path} ${f.ruleId} ${f.severity}${f.suppression ? ' (suppressed)' : ''}`).sort();

describe('wasm-safety.json in the CLI', () => {
  it('without a config file the defaults apply', () => {
    const root = sampleCopy();
    const { findings } = checkJson(['.'], root);
    assert.deepEqual(summary(findings), [
      `app/src/main.ts ${C01} warning`,
      `ledger/src/lib.rs ${U01} warning`,
      `ledger/src/lib.rs ${C04} warning`,
      `store/src/lib.rs ${R01} error`,
      `store/src/lib.rs ${C04} info`,
    ]);
  });

  it('each file uses the nearest config file (a nested crate\'s own file replaces the root one)', () => {
    const root = sampleCopy({
      'wasm-safety.json': JSON.stringify({ rules: { [C04]: 'off', [R01]: 'off', [C01]: 'error' } }),
      'store/wasm-safety.json': JSON.stringify({ rules: { [R01]: 'warning' } }),
    });
    const { findings, status } = checkJson(['.'], root);
    assert.deepEqual(summary(findings), [
      `app/src/main.ts ${C01} error`,
      `ledger/src/lib.rs ${U01} warning`,
      // store/ has its own file: R01 as a warning, and C04 back at its default (files do not cascade).
      `store/src/lib.rs ${R01} warning`,
      `store/src/lib.rs ${C04} info`,
    ]);
    assert.equal(status, 1, 'the error-level C01 finding');
    // Checking a sub-folder or a single file finds the same config files.
    assert.deepEqual(summary(checkJson(['store'], root).findings), [`store/src/lib.rs ${R01} warning`, `store/src/lib.rs ${C04} info`]);
    assert.deepEqual(summary(checkJson(['../ledger/src/lib.rs'], path.join(root, 'app')).findings), [`../ledger/src/lib.rs ${U01} warning`]);
  });

  it('--config replaces the nearest config file for every file', () => {
    const root = sampleCopy({
      'store/wasm-safety.json': JSON.stringify({ rules: { [R01]: 'warning' } }),
      'ci/strict.json': JSON.stringify({ rules: { [U01]: 'error', [C04]: 'off' } }),
    });
    const { findings } = checkJson(['.', '--config', 'ci/strict.json'], root);
    assert.deepEqual(summary(findings), [`app/src/main.ts ${C01} warning`, `ledger/src/lib.rs ${U01} error`, `store/src/lib.rs ${R01} error`]);
    const missing = runCli(['check', '.', '--config', 'nope.json'], root);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /config file nope\.json does not exist/);
  });

  it('ignored paths are neither linted nor reported, even when named on the command line', () => {
    const root = sampleCopy({ 'wasm-safety.json': JSON.stringify({ ignore: ['ledger/', 'main.ts'] }) });
    const { findings } = checkJson(['.'], root);
    assert.deepEqual(summary(findings), [`store/src/lib.rs ${R01} error`, `store/src/lib.rs ${C04} info`]);
    const named = checkJson(['app/src/main.ts'], root);
    assert.deepEqual(named.findings, []);
    assert.deepEqual(named.notices.filter((n) => n.level !== 'info'), []);
  });

  it('bindingModules makes a module without glue markers count as wasm-bindgen bindings', () => {
    const engine = 'export function set_item(id, value) { return globalThis.engine.set(id, value); }\n';
    const caller = `import { set_item } from './vendor/engine.js';\nexport function save(id: number, v: string): boolean {\n  try {\n    set_item(id, v);\n    return true;\n  } catch (e) {\n    console.warn(e);\n    return false;\n  }\n}\n`;
    const root = sampleCopy({ 'web/vendor/engine.js': engine, 'web/save.ts': caller });
    assert.deepEqual(checkJson(['web'], root).findings, []);
    fs.writeFileSync(path.join(root, 'wasm-safety.json'), JSON.stringify({ bindingModules: ['web/vendor/*.js'] }));
    assert.deepEqual(summary(checkJson(['web'], root).findings), [`web/save.ts ${C01} warning`]);
  });

  it('a broken config says which file, key and line:column, and the rest of the file still applies', () => {
    const root = sampleCopy({ 'wasm-safety.json': `{\n  "rules": { "${R01}": "fatal", "${C04}": "off" },\n  "maxFileSize": "big"\n}\n` });
    const run = runCli(['check', '.'], root);
    assert.match(run.stderr, new RegExp(`wasm-safety: warning: wasm-safety\\.json: line 2, column 14: rules\\.${R01}: expected one of error, warning, info, hint, off, got "fatal"; using the rule's default`));
    assert.match(run.stderr, /wasm-safety\.json: line 3, column 3: maxFileSize: expected a number greater than 0, got "big"; using the default/);
    assert.doesNotMatch(run.stdout, new RegExp(C04), `${C04} is still off`);
    assert.match(run.stdout, new RegExp(R01), `${R01} at its default severity`);

    fs.writeFileSync(path.join(root, 'wasm-safety.json'), `{\n  "rules": {\n    "${C04}": "off",\n  }\n}\n`);
    const broken = checkJson(['.'], root);
    assert.ok(
      broken.notices.some((n) => n.level === 'warning' && n.path === 'wasm-safety.json' && /^line 4, column 3: not valid JSON: trailing comma before }; the whole file is ignored$/.test(n.message)),
      JSON.stringify(broken.notices),
    );
    assert.ok(broken.findings.some((f) => f.ruleId === C04), 'defaults apply when the file is not JSON');
  });

  it('check --help documents the config file and the baseline options', () => {
    const help = runCli(['check', '--help'], REPO_ROOT);
    assert.equal(help.status, 0);
    for (const text of ['wasm-safety.json', '--config <file>', '--baseline <file>', '--no-baseline']) assert.ok(help.stdout.includes(text), text);
    const baselineHelp = runCli(['baseline', '--help'], REPO_ROOT);
    assert.match(baselineHelp.stdout, /wasm-safety baseline create/);
    const usage = runCli(['baseline', 'frobnicate'], REPO_ROOT);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /unknown baseline action 'frobnicate' \(expected create or prune\)/);
  });
});

describe('baseline workflow in the CLI', () => {
  it('create, hide, survive moves, report changes and stale entries, prune, --no-baseline', () => {
    const root = sampleCopy({ 'wasm-safety.json': JSON.stringify({ rules: { [C04]: 'off' } }) });

    const created = runCli(['baseline', 'create'], root);
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /wrote wasm-safety-baseline\.json: 3 findings in 3 entries/);
    const baselineFile = path.join(root, 'wasm-safety-baseline.json');
    const entries = (JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as { entries: { rule: string; path: string; hash: string; count: number }[] }).entries;
    assert.deepEqual(entries.map((e) => `${e.path} ${e.rule} ${e.count}`), [`app/src/main.ts ${C01} 1`, `ledger/src/lib.rs ${U01} 1`, `store/src/lib.rs ${R01} 1`]);
    assert.ok(entries.every((e) => /^[0-9a-f]{16}$/.test(e.hash)));

    // Baselined findings are hidden (and do not fail the run), but kept, marked, in JSON.
    const text = runCli(['check', '.'], root);
    assert.equal(text.status, 0, 'the baselined R01 error no longer fails the run');
    assert.match(text.stdout, /No problems found \(7 files checked; 3 suppressed\)/);
    const json = checkJson(['.'], root);
    assert.deepEqual(summary(json.findings), [`app/src/main.ts ${C01} warning (suppressed)`, `ledger/src/lib.rs ${U01} warning (suppressed)`, `store/src/lib.rs ${R01} error (suppressed)`]);
    assert.deepEqual(json.findings[0].suppression, { kind: 'external', justification: 'baselined in wasm-safety-baseline.json' });
    const sarif = JSON.parse(runCli(['check', '.', '--format', 'sarif'], root).stdout) as { runs: { results: { ruleId: string; suppressions?: { kind: string; justification: string }[] }[] }[] };
    assert.deepEqual(
      sarif.runs[0].results.map((r) => `${r.ruleId} ${r.suppressions?.map((x) => `${x.kind}: ${x.justification}`).join()}`).sort(),
      [C01, U01, R01].sort().map((id) => `${id} external: baselined in wasm-safety-baseline.json`),
    );

    // Moved and re-indented code stays baselined.
    const storeLib = path.join(root, 'store', 'src', 'lib.rs');
    const original = fs.readFileSync(storeLib, 'utf8');
    fs.writeFileSync(storeLib, `// a comment that moves everything down\n\n${original.replace('        on_change(id);', '            on_change(id);')}`);
    assert.equal(runCli(['check', '.'], root).status, 0);

    // Changed code is reported again, and its old entry is stale.
    fs.writeFileSync(storeLib, original.replace('        on_change(id);', '        on_change(id + 0);'));
    const changed = checkJson(['.'], root);
    assert.equal(changed.status, 1);
    assert.deepEqual(summary(changed.findings.filter((f) => !f.suppression)), [`store/src/lib.rs ${R01} error`]);
    const stale = changed.notices.find((n) => n.path === 'wasm-safety-baseline.json');
    assert.ok(stale, JSON.stringify(changed.notices));
    assert.equal(stale.level, 'info');
    assert.match(stale.message, new RegExp(`^1 baselined finding is no longer reported \\(${R01} in store/src/lib\\.rs\\); run \`wasm-safety baseline prune\` to remove it$`));
    // A check of another folder does not call store/'s entry stale.
    assert.equal(checkJson(['ledger'], root).notices.filter((n) => n.path === 'wasm-safety-baseline.json').length, 0);

    // --no-baseline shows everything.
    assert.deepEqual(summary(checkJson(['.', '--no-baseline'], root).findings), [`app/src/main.ts ${C01} warning`, `ledger/src/lib.rs ${U01} warning`, `store/src/lib.rs ${R01} error`]);

    // prune drops the stale entry and adds nothing (the new finding stays reported).
    const pruned = runCli(['baseline', 'prune'], root);
    assert.equal(pruned.status, 0, pruned.stderr);
    assert.match(pruned.stdout, /wasm-safety-baseline\.json: removed 1 stale finding, 2 findings left/);
    const after = (JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as { entries: { rule: string; path: string }[] }).entries;
    assert.deepEqual(after.map((e) => `${e.path} ${e.rule}`), [`app/src/main.ts ${C01}`, `ledger/src/lib.rs ${U01}`]);
    assert.equal(checkJson(['.'], root).status, 1, 'the changed R01 finding is still new');

    // A new create for one folder replaces only that folder's entries.
    assert.equal(runCli(['baseline', 'create', 'store'], root).status, 0);
    assert.equal(checkJson(['.'], root).status, 0);
    assert.equal((JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as { entries: unknown[] }).entries.length, 3);
  });

  it('the config names the baseline file; "show": true reports baselined findings; --baseline overrides', () => {
    const root = sampleCopy({ 'wasm-safety.json': JSON.stringify({ baseline: { file: 'ci/accepted.json' } }) });
    assert.equal(runCli(['baseline', 'create'], root).status, 0);
    assert.ok(fs.existsSync(path.join(root, 'ci', 'accepted.json')));
    assert.ok(checkJson(['.'], root).findings.every((f) => f.suppression?.justification === 'baselined in ci/accepted.json'));
    fs.writeFileSync(path.join(root, 'wasm-safety.json'), JSON.stringify({ baseline: { file: 'ci/accepted.json', show: true } }));
    assert.ok(checkJson(['.'], root).findings.every((f) => f.suppression === undefined));
    const other = checkJson(['.', '--baseline', 'elsewhere.json'], root);
    assert.ok(other.findings.every((f) => f.suppression === undefined), 'a baseline file that does not exist accepts nothing');
  });

  it('identical findings in one file are counted', () => {
    const twice = `import { set_item } from '../../store/pkg/store.js';\nexport function a(): void {\n  try { set_item(1, 'x'); } catch (e) { console.warn(e); }\n}\nexport function b(): void {\n  try { set_item(1, 'x'); } catch (e) { console.warn(e); }\n}\n`;
    const root = sampleCopy({ 'app/src/twice.ts': twice });
    assert.equal(runCli(['baseline', 'create'], root).status, 0);
    const entry = (JSON.parse(fs.readFileSync(path.join(root, 'wasm-safety-baseline.json'), 'utf8')) as { entries: { path: string; count: number }[] }).entries.find((e) => e.path === 'app/src/twice.ts');
    assert.equal(entry?.count, 2);
    // A third copy is new.
    fs.writeFileSync(path.join(root, 'app', 'src', 'twice.ts'), `${twice}export function c(): void {\n  try { set_item(1, 'x'); } catch (e) { console.warn(e); }\n}\n`);
    const third = checkJson(['.'], root).findings.filter((f) => !f.suppression);
    assert.deepEqual(third.map((f) => `${f.path}:${f.line}`), ['app/src/twice.ts:9']);
  });
});
