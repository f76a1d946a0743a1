// End-to-end tests of the `wasm-safety` CLI: the compiled (or bundled) entry point runs as a child
// process on crates written to temp folders, and its exit codes and its text, JSON and SARIF outputs
// are checked field by field. The formatters are also checked in-process on a synthetic report, so
// their shape is covered even for findings no registered rule produces yet.

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { formatJson } from '../src/cli/formatters/json';
import { formatSarif } from '../src/cli/formatters/sarif';
import { formatText } from '../src/cli/formatters/text';
import { DOCS_BASE_URL } from '../src/analysis/rule-docs';
import { makeTempTree, removeTempTrees } from './support/temp-tree';
import type { CheckReport } from '../src/cli/report';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BUNDLED_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
/** The entry point compiled alongside this test (out/server/src/cli/bin.js). */
const COMPILED_CLI = path.resolve(__dirname, '..', 'src', 'cli', 'bin.js');
const COMPILED_SERVER = path.resolve(__dirname, '..', 'src', 'lsp', 'server.js');

/** The bundle when it is at least as new as the compiled code (a stale dist/ must not be tested). */
function cliUnderTest(): string {
  if (process.env.WASM_SAFETY_CLI) return path.resolve(process.env.WASM_SAFETY_CLI);
  if (fs.existsSync(BUNDLED_CLI) && (!fs.existsSync(COMPILED_CLI) || fs.statSync(BUNDLED_CLI).mtimeMs >= fs.statSync(COMPILED_CLI).mtimeMs)) return BUNDLED_CLI;
  return COMPILED_CLI;
}
const CLI = cliUnderTest();
const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const R01 = 'borrow-held-across-js-call';

const CARGO_TOML = `[package]
name = "demo"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
wasm-bindgen = "0.2"
`;

const PRELUDE = `use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Store {
    items: HashMap<u32, String>,
}

thread_local! { static STORE: RefCell<Store> = RefCell::new(Store::default()); }

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn on_change(id: u32);
}

#[wasm_bindgen]
pub fn get_item(id: u32) -> Option<String> {
    STORE.with_borrow(|s| s.items.get(&id).cloned())
}
`;

/** Catalog WBG-R01 "Bad": the JS listener can re-enter `get_item` while STORE is mutably borrowed. */
const EMOJI_LINE = '        let _mood = "😀"; on_change(id);';
const BAD_LIB = `${PRELUDE}
#[wasm_bindgen]
pub fn set_item(id: u32, v: String) {
    STORE.with_borrow_mut(|s| {
        s.items.insert(id, v);
${EMOJI_LINE}
    });
}
`;

/** Catalog WBG-R01 "Good": the borrow ends before JS runs; C04 "Good": an abort handler reinitialises. */
const GOOD_LIB = `${PRELUDE}
#[wasm_bindgen]
pub fn set_item(id: u32, v: String) {
    STORE.with_borrow_mut(|s| { s.items.insert(id, v); });
    on_change(id);
}

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}
`;

const SYNTAX_ERROR_RS = `pub fn broken(x: u32 -> u32 {
    let y = ;
    x +
}
`;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tempRoots: string[] = [];
after(() => removeTempTrees(tempRoots));

/** A temp folder (with a `.git` marker so project-root detection stops there) holding the given files. */
function makeTree(files: Readonly<Record<string, string | Uint8Array>>): string {
  return makeTempTree('wasm-safety-cli-', files, tempRoots);
}

function badCrate(extra: Readonly<Record<string, string | Uint8Array>> = {}): string {
  return makeTree({ 'crate/Cargo.toml': CARGO_TOML, 'crate/src/lib.rs': BAD_LIB, ...extra });
}

function goodCrate(extra: Readonly<Record<string, string | Uint8Array>> = {}): string {
  return makeTree({ 'crate/Cargo.toml': CARGO_TOML, 'crate/src/lib.rs': GOOD_LIB, ...extra });
}

interface JsonFinding {
  ruleId: string;
  family: string;
  severity: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  fixes: { title: string; safety: string }[];
  related?: { path: string; line: number; column: number; endLine: number; endColumn: number; message: string }[];
}

interface JsonReport {
  version: number;
  findings: JsonFinding[];
  notices?: { level: string; path?: string; message: string }[];
}

function parseJsonReport(text: string): JsonReport {
  const report = JSON.parse(text) as JsonReport;
  assertJsonShape(report);
  return report;
}

const FINDING_KEYS = ['ruleId', 'family', 'severity', 'path', 'line', 'column', 'endLine', 'endColumn', 'message', 'fixes'];

function assertPosition(where: string, o: { line: number; column: number; endLine: number; endColumn: number }): void {
  for (const key of ['line', 'column', 'endLine', 'endColumn'] as const) {
    assert.ok(Number.isInteger(o[key]) && o[key] >= 1, `${where}.${key} must be a 1-based integer, got ${o[key]}`);
  }
  assert.ok(o.endLine > o.line || (o.endLine === o.line && o.endColumn >= o.column), `${where}: end before start`);
}

function assertRelativePath(where: string, p: string): void {
  assert.equal(typeof p, 'string', `${where} must be a string`);
  assert.ok(!path.isAbsolute(p) && !p.includes('\\'), `${where} must be relative and '/'-separated: ${p}`);
}

/** The JSON contract: exact top-level and finding keys (plus the allowed `related`/`notices`), types of every field. */
function assertJsonShape(report: JsonReport): void {
  assert.deepEqual(Object.keys(report).filter((k) => k !== 'notices'), ['version', 'findings']);
  assert.equal(report.version, 1);
  assert.ok(Array.isArray(report.findings));
  report.findings.forEach((f, i) => {
    const where = `findings[${i}]`;
    assert.deepEqual(Object.keys(f).filter((k) => k !== 'related'), FINDING_KEYS, `${where} keys`);
    assert.equal(typeof f.ruleId, 'string');
    assert.ok(['unwind-safety', 'reentrancy', 'failure-classification'].includes(f.family), `${where}.family ${f.family}`);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity), `${where}.severity ${f.severity}`);
    assertRelativePath(`${where}.path`, f.path);
    assertPosition(where, f);
    assert.equal(typeof f.message, 'string');
    assert.ok(f.message.length > 0);
    assert.ok(Array.isArray(f.fixes));
    for (const fix of f.fixes) {
      assert.deepEqual(Object.keys(fix), ['title', 'safety']);
      assert.equal(typeof fix.title, 'string');
      assert.ok(fix.safety === 'safe' || fix.safety === 'unsafe');
    }
    for (const [j, r] of (f.related ?? []).entries()) {
      assertRelativePath(`${where}.related[${j}].path`, r.path);
      assertPosition(`${where}.related[${j}]`, r);
      assert.equal(typeof r.message, 'string');
    }
  });
  const sorted = [...report.findings].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || a.column - b.column);
  assert.deepEqual(report.findings.map((f) => `${f.path}:${f.line}:${f.column}`), sorted.map((f) => `${f.path}:${f.line}:${f.column}`), 'findings sorted by path, line, column');
  if (report.notices !== undefined) {
    assert.ok(Array.isArray(report.notices));
    for (const n of report.notices) {
      assert.ok(['error', 'warning', 'info'].includes(n.level));
      assert.equal(typeof n.message, 'string');
      if (n.path !== undefined) assertRelativePath('notice.path', n.path);
    }
  }
}

// ---- SARIF structural validation (the parts GitHub code scanning checks) -------------------------

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifPhysicalLocation {
  artifactLocation: { uri: string; uriBaseId?: string };
  region?: SarifRegion;
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
    results: SarifResult[];
  }[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[] };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: SarifPhysicalLocation }[];
  relatedLocations?: { physicalLocation: SarifPhysicalLocation; message: { text: string } }[];
  partialFingerprints: { primaryLocationLineHash: string };
}

const SARIF_LEVELS = ['error', 'warning', 'note', 'none'];

function assertPhysicalLocation(where: string, location: SarifPhysicalLocation, cwdRelative: boolean): void {
  const { artifactLocation, region } = location;
  assert.ok(artifactLocation.uri.length > 0, `${where}: empty uri`);
  if (cwdRelative) {
    assert.equal(artifactLocation.uriBaseId, '%SRCROOT%', `${where}.uriBaseId`);
    assert.ok(!artifactLocation.uri.startsWith('/') && !/^[a-z]+:/i.test(artifactLocation.uri), `${where}: uri must be relative: ${artifactLocation.uri}`);
  }
  assert.ok(region, `${where}: region`);
  assertPosition(where, { line: region.startLine, column: region.startColumn, endLine: region.endLine, endColumn: region.endColumn });
}

function validateSarif(log: SarifLog, cwd: string): void {
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  const driver = run.tool.driver;
  assert.equal(driver.name, 'wasm-safety');
  assert.equal(driver.semanticVersion, PACKAGE_VERSION);
  assert.ok(/^https:\/\//.test(driver.informationUri));
  const ids = new Set<string>();
  for (const rule of driver.rules) {
    assert.ok(!ids.has(rule.id), `duplicate rule ${rule.id}`);
    ids.add(rule.id);
    assert.ok(rule.name.length > 0 && rule.name.length <= 255);
    assert.ok(rule.shortDescription.text.length > 0 && rule.shortDescription.text.length <= 1024);
    assert.ok(rule.fullDescription.text.length > 0 && rule.fullDescription.text.length <= 1024);
    assert.ok(rule.help.text.length > 0 && rule.help.markdown.length > 0);
    assert.ok(new URL(rule.helpUri).protocol === 'https:', `helpUri absolute: ${rule.helpUri}`);
    assert.ok(rule.helpUri.startsWith(DOCS_BASE_URL), rule.helpUri);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
    assert.ok(Array.isArray(rule.properties.tags) && rule.properties.tags.length >= 1);
  }
  const base = run.originalUriBaseIds['%SRCROOT%'].uri;
  assert.ok(base.startsWith('file://') && base.endsWith('/'), base);
  assert.equal(fs.realpathSync(new URL(base)), fs.realpathSync(cwd));
  assert.equal(run.invocations.length, 1);
  assert.equal(typeof run.invocations[0].executionSuccessful, 'boolean');
  assert.ok(Array.isArray(run.invocations[0].toolExecutionNotifications));
  for (const n of run.invocations[0].toolExecutionNotifications) {
    assert.ok(SARIF_LEVELS.includes(n.level));
    assert.equal(typeof n.message.text, 'string');
  }
  run.results.forEach((result, i) => {
    const where = `results[${i}]`;
    assert.ok(ids.has(result.ruleId), `${where}: unknown rule ${result.ruleId}`);
    assert.equal(driver.rules[result.ruleIndex].id, result.ruleId, `${where}.ruleIndex`);
    assert.ok(SARIF_LEVELS.includes(result.level));
    assert.ok(result.message.text.length > 0);
    assert.equal(result.locations.length, 1);
    assertPhysicalLocation(`${where}.locations[0]`, result.locations[0].physicalLocation, true);
    for (const [j, related] of (result.relatedLocations ?? []).entries()) {
      assertPhysicalLocation(`${where}.relatedLocations[${j}]`, related.physicalLocation, false);
      assert.equal(typeof related.message.text, 'string');
    }
    assert.match(result.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{16}:\d+$/);
  });
}

// ---- usage ---------------------------------------------------------------------------------------

describe('cli: usage', () => {
  it('--version prints the package version', () => {
    const r = runCli(['--version'], REPO_ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), PACKAGE_VERSION);
  });

  it('--help prints the usage on stdout and exits 0', () => {
    const r = runCli(['--help'], REPO_ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: wasm-safety/);
    assert.match(r.stdout, /check/);
    const check = runCli(['check', '--help'], REPO_ROOT);
    assert.equal(check.code, 0);
    assert.match(check.stdout, /--format/);
  });

  it('an unknown option exits 2 with a message and the usage on stderr', () => {
    const dir = goodCrate();
    const r = runCli(['check', '--bogus'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--bogus/);
    assert.match(r.stderr, /Usage: wasm-safety check/);
    assert.equal(r.stdout, '');
  });

  it('an unknown command, a missing command, a bad format and a missing option value exit 2', () => {
    const dir = goodCrate();
    for (const args of [['frobnicate'], [], ['check', '--format', 'xml'], ['check', '--format'], ['lsp'], ['lsp', '--bogus']]) {
      const r = runCli(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^wasm-safety: /, args.join(' '));
      assert.match(r.stderr, /Usage:/, args.join(' '));
    }
  });
});

// ---- exit codes ----------------------------------------------------------------------------------

describe('cli: exit codes', () => {
  it('exits 0 on a clean crate', () => {
    const dir = goodCrate();
    const r = runCli(['check'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No problems/);
    const json = parseJsonReport(runCli(['check', '--format', 'json'], dir).stdout);
    assert.deepEqual(json.findings, []);
  });

  it('exits 1 on a crate with an error-level finding (R01)', () => {
    const dir = badCrate();
    const r = runCli(['check', 'crate'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
  });

  it('exits 2 on a missing path, naming it, after still checking the other paths', () => {
    const dir = badCrate();
    const r = runCli(['check', 'does-not-exist', 'crate', '--format', 'json'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does-not-exist/);
    const json = parseJsonReport(r.stdout);
    assert.ok(json.findings.some((f) => f.ruleId === R01), 'findings of the existing path are still reported');
    assert.ok(json.notices?.some((n) => n.level === 'error' && n.path === 'does-not-exist'));
    const text = runCli(['check', 'crate', 'does-not-exist'], dir);
    assert.equal(text.code, 2);
    assert.match(text.stderr, /does-not-exist: path does not exist/);
    assert.match(text.stdout, new RegExp(R01));
  });

  it('exits 2 when a rule throws, printing the internal error on stderr', () => {
    const dir = badCrate();
    const r = runCli(['check', '--format', 'json'], dir, { WASM_SAFETY_FAULT_INJECTION: R01 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`internal error: rule ${R01} threw`));
    const json = parseJsonReport(r.stdout);
    assert.ok(json.notices?.some((n) => n.level === 'error' && /internal error/.test(n.message)));
    assert.ok(!json.findings.some((f) => f.ruleId === R01), 'a rule that threw reports nothing for the file');
  });

  it('a folder without sources exits 0 with a notice', () => {
    const dir = makeTree({ 'docs/readme.md': '# nothing to lint\n' });
    const r = runCli(['check', 'docs', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = parseJsonReport(r.stdout);
    assert.deepEqual(json.findings, []);
    assert.ok(json.notices?.some((n) => /no Rust, TypeScript or JavaScript files/.test(n.message)));
  });
});

// ---- bad input -----------------------------------------------------------------------------------

describe('cli: bad input does not crash the run', () => {
  it('a binary file is a notice (stderr in text, `notices` in JSON), not fatal', () => {
    const dir = goodCrate({ 'crate/src/blob.rs': new Uint8Array([0x66, 0x6e, 0x00, 0x01, 0x02, 0xff]) });
    const text = runCli(['check'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stderr, /crate\/src\/blob\.rs: .*binary/);
    const json = parseJsonReport(runCli(['check', '--format', 'json'], dir).stdout);
    assert.ok(json.notices?.some((n) => n.path === 'crate/src/blob.rs' && /binary/.test(n.message)));
  });

  it('a file with syntax errors is still linted and does not crash', () => {
    const dir = goodCrate({ 'crate/src/broken.rs': SYNTAX_ERROR_RS });
    const clean = runCli(['check', '--format', 'json'], dir);
    assert.equal(clean.code, 0, clean.stderr);
    parseJsonReport(clean.stdout);

    const withBadCode = badCrate({ 'crate/src/lib.rs': `${BAD_LIB}\n${SYNTAX_ERROR_RS}` });
    const r = runCli(['check', '--format', 'json'], withBadCode);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(parseJsonReport(r.stdout).findings.some((f) => f.ruleId === R01 && f.path === 'crate/src/lib.rs'));
  });

  it('a Cargo.toml that does not parse is a notice; the crate is still checked', () => {
    const dir = makeTree({ 'crate/Cargo.toml': '[package\nname = "demo', 'crate/src/lib.rs': GOOD_LIB });
    const r = runCli(['check', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = parseJsonReport(r.stdout);
    assert.ok(json.notices?.some((n) => n.path === 'crate/Cargo.toml'), JSON.stringify(json.notices));
  });
});

// ---- output formats ------------------------------------------------------------------------------

describe('cli: output formats', () => {
  it('JSON has the exact documented shape, 1-based positions and UTF-16 columns', () => {
    const dir = badCrate();
    const r = runCli(['check', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const json = parseJsonReport(r.stdout);
    const r01 = json.findings.filter((f) => f.ruleId === R01);
    assert.ok(r01.length > 0, r.stdout);
    for (const f of r01) {
      assert.equal(f.path, 'crate/src/lib.rs');
      assert.equal(f.family, 'reentrancy');
      assert.equal(f.severity, 'error');
    }
    // The emoji is two UTF-16 code units: the call after it starts at UTF-16 column 27 (code-point column 26).
    const lines = BAD_LIB.split('\n');
    const emojiLine = lines.indexOf(EMOJI_LINE) + 1;
    const expectedColumn = EMOJI_LINE.indexOf('on_change') + 1;
    assert.equal(expectedColumn, 27);
    const places = r01.flatMap((f) => [f, ...(f.related ?? [])]).filter((p) => p.line === emojiLine);
    assert.ok(places.length > 0, `a finding or related location on line ${emojiLine}: ${r.stdout}`);
    for (const p of places) assert.equal(p.column, expectedColumn);
  });

  it('SARIF 2.1.0 is structurally valid and lists every rule', () => {
    const dir = badCrate();
    const r = runCli(['check', '--format', 'sarif'], dir);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    validateSarif(log, dir);
    const run = log.runs[0];
    assert.ok(run.tool.driver.rules.some((rule) => rule.id === R01));
    assert.equal(run.invocations[0].executionSuccessful, true);
    const result = run.results.find((res) => res.ruleId === R01);
    assert.ok(result);
    assert.equal(result.level, 'error');
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'crate/src/lib.rs');
  });

  it('SARIF marks the execution unsuccessful when a path is missing', () => {
    const dir = goodCrate();
    const r = runCli(['check', '.', 'nope', '--format', 'sarif'], dir);
    assert.equal(r.code, 2);
    const log = JSON.parse(r.stdout) as SarifLog;
    validateSarif(log, dir);
    assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
    assert.ok(log.runs[0].invocations[0].toolExecutionNotifications.some((n) => n.level === 'error'));
  });

  it('text output names the relative path and the rule id, without colours when not a TTY', () => {
    const dir = badCrate();
    const r = runCli(['check'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^crate\/src\/lib\.rs$/m);
    assert.match(r.stdout, new RegExp(`^  \\d+:\\d+ +error +.+  ${R01}$`, 'm'));
    assert.match(r.stdout, /✖ \d+ problems? \(\d+ errors?, \d+ warnings?/);
    assert.ok(!r.stdout.includes('\u001b['), 'no ANSI escapes when stdout is not a TTY');
  });

  it('a file argument is linted alone, with its crate still indexed', () => {
    const dir = badCrate({ 'crate/src/other.rs': BAD_LIB });
    const r = runCli(['check', 'crate/src/other.rs', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const json = parseJsonReport(r.stdout);
    assert.ok(json.findings.length > 0);
    assert.deepEqual([...new Set(json.findings.map((f) => f.path))], ['crate/src/other.rs']);
  });

  it('a sub-folder argument finds what a check of the whole project finds there (crate and glue indexed around it)', () => {
    const dir = makeTree({
      '.gitignore': '# build output\n/pkg-old\nbench-output/\n*.log\n',
      'Cargo.toml': '[package]\nname = "sub_folder"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm-bindgen = "0.2.100"\nwasm-bindgen-futures = "0.4.50"\n',
      'src/lib.rs': [
        'use wasm_bindgen::prelude::*;',
        '#[wasm_bindgen]',
        'extern "C" {',
        '    #[wasm_bindgen(js_name = fetchHeight)]',
        '    async fn fetch_height(url: &str) -> JsValue;',
        '}',
        '#[wasm_bindgen]',
        'pub struct Client { url: String, height: u32 }',
        '#[wasm_bindgen]',
        'impl Client {',
        '    #[wasm_bindgen(constructor)]',
        '    pub fn new(url: String) -> Client { Client { url, height: 0 } }',
        '    pub async fn sync_state(&mut self) {',
        '        let h = fetch_height(&self.url).await;',
        '        self.height = h.as_f64().unwrap_or(0.0) as u32;',
        '    }',
        '}',
        '',
      ].join('\n'),
      'web/app/use.ts': "import { Client } from '../../pkg/sub_folder.js';\nexport async function syncTwice(c: Client) {\n  await Promise.all([c.sync_state(), c.sync_state()]);\n}\n",
      'bench-output/corpus/huge.ts': 'export const x = 1;\n', // git-ignored context (scan: see config-files.test.ts)
    });
    const tsFindings = (args: string[]): string[] => {
      const r = runCli(['check', ...args, '--format', 'json'], dir);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      return parseJsonReport(r.stdout).findings.filter((f) => f.path.startsWith('web/')).map((f) => `${f.path}:${f.line} ${f.ruleId} ${f.severity}`);
    };
    const whole = tsFindings(['.']);
    assert.ok(whole.some((f) => f.includes('ts-overlapping-calls-on-wasm-object error')), whole.join('\n'));
    assert.deepEqual(tsFindings(['web']), whole);
    assert.deepEqual(tsFindings(['web/app/use.ts']), whole);
    // From inside the sub-folder too.
    const r = runCli(['check', '.', '--format', 'json'], path.join(dir, 'web'));
    assert.deepEqual(parseJsonReport(r.stdout).findings.map((f) => `web/${f.path}:${f.line} ${f.ruleId} ${f.severity}`), whole);
  });

  it('recognises calls into a wasm-bindgen package installed in node_modules', () => {
    const support = path.join(REPO_ROOT, 'test-fixtures', 'ts', '_support', 'pkg');
    const pkg: Record<string, string | Uint8Array> = {};
    for (const name of fs.readdirSync(support)) pkg[`node_modules/fixture-case/${name}`] = fs.readFileSync(path.join(support, name));
    const dir = makeTree({
      ...pkg,
      'package.json': '{ "name": "app", "dependencies": { "fixture-case": "^0.1.0" } }',
      'src/main.ts': "import * as wasm from 'fixture-case';\nexport function safeParse(src: string) {\n  try { return wasm.parse(src); } catch (e) { return null; }\n}\n",
    });
    const r = runCli(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = parseJsonReport(r.stdout);
    assert.deepEqual(json.findings.map((f) => `${f.path}:${f.line} ${f.ruleId}`), ['src/main.ts:3 catch-swallows-wasm-failure']);
  });

  it('--output FILE writes the report to the file and nothing to stdout', () => {
    const dir = badCrate();
    const r = runCli(['check', '--format', 'json', '--output', 'reports/out.json'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    const json = parseJsonReport(fs.readFileSync(path.join(dir, 'reports', 'out.json'), 'utf8'));
    assert.ok(json.findings.some((f) => f.ruleId === R01));
    const sarif = runCli(['check', '-f', 'sarif', '-o', 'out.sarif'], dir);
    assert.equal(sarif.code, 1);
    validateSarif(JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as SarifLog, dir);
  });
});

// ---- formatters in-process, on a synthetic report ------------------------------------------------

function syntheticReport(cwd: string): CheckReport {
  const location = (p: string, line: number, column: number) => ({
    path: p, absolutePath: path.join(cwd, p), line, column, endLine: line, endColumn: column + 4,
  });
  return {
    cwd,
    toolVersion: PACKAGE_VERSION,
    rules: [
      { id: 'demo-rule', catalogId: 'R01', family: 'reentrancy', side: 'rust', defaultSeverity: 'error', summary: 'A demo rule', fix: 'unsafe', docs: 'docs/rules/demo-rule.md' },
      { id: 'other-rule', catalogId: 'C01', family: 'failure-classification', side: 'ts', defaultSeverity: 'hint', summary: 'Another', fix: 'none', docs: 'docs/rules/other-rule.md' },
    ],
    findings: [
      {
        ruleId: 'demo-rule', family: 'reentrancy', severity: 'error', message: 'first', location: location('a/b.rs', 3, 5), lineText: '    call();',
        related: [{ location: { ...location('x.ts', 1, 1), path: '../outside/x.ts', absolutePath: path.join(path.dirname(cwd), 'outside', 'x.ts') }, message: 'called from here' }],
        fixes: [{ title: 'do it', safety: 'unsafe' }],
      },
      { ruleId: 'demo-rule', family: 'reentrancy', severity: 'warning', message: 'second', location: location('a/b.rs', 10, 12), lineText: '    call();', related: [], fixes: [] },
      { ruleId: 'other-rule', family: 'failure-classification', severity: 'hint', message: 'third', location: location('c.ts', 1, 1), lineText: 'x', related: [], fixes: [] },
    ],
    notices: [{ level: 'warning', path: 'bin.rs', absolutePath: path.join(cwd, 'bin.rs'), message: 'skipped: binary file' }],
    filesChecked: 3,
    executionSuccessful: true,
  };
}

describe('cli: formatters', () => {
  const cwd = path.resolve(os.tmpdir(), 'wasm-safety-synthetic');

  it('text: stylish rows, related locations, summary and colours on request', () => {
    const plain = formatText(syntheticReport(cwd), { color: false });
    // Columns line up within a file: position, severity and message are padded to the widest row.
    const expectedRows = [
      'a/b.rs',
      '  3:5    error    first   demo-rule',
      '         ↳ ../outside/x.ts:1:1  called from here',
      '  10:12  warning  second  demo-rule',
    ];
    assert.ok(plain.includes(`\n${expectedRows.join('\n')}\n`), plain);
    assert.match(plain, /✖ 3 problems \(1 error, 1 warning, 1 info\)/);
    const coloured = formatText(syntheticReport(cwd), { color: true });
    assert.ok(coloured.includes('\u001b[31m'));
    // A message longer than 100 characters is followed by its rule id directly; the short ones still line up.
    const report = syntheticReport(cwd);
    const long = 'x'.repeat(140);
    const withLong = formatText({ ...report, findings: [...report.findings.slice(0, 2), { ...report.findings[1], message: long, location: { ...report.findings[1].location, line: 11 } }] }, { color: false });
    assert.ok(withLong.includes(`  11:12  warning  ${long}  demo-rule\n`), withLong);
    assert.ok(withLong.includes('  10:12  warning  second  demo-rule\n'), withLong);
    const clean = formatText({ ...syntheticReport(cwd), findings: [] }, { color: false });
    assert.equal(clean, '✔ No problems found (3 files checked)\n');
  });

  it('json: exact keys, related and notices', () => {
    const json = JSON.parse(formatJson(syntheticReport(cwd))) as JsonReport;
    assertJsonShape(json);
    assert.deepEqual(Object.keys(json), ['version', 'findings', 'notices']);
    assert.deepEqual(json.findings[0].fixes, [{ title: 'do it', safety: 'unsafe' }]);
    assert.equal(json.findings[0].related?.[0].path, '../outside/x.ts');
    assert.deepEqual(json.notices, [{ level: 'warning', path: 'bin.rs', message: 'skipped: binary file' }]);
  });

  it('sarif: levels, rule index, related locations outside %SRCROOT%, fingerprints', () => {
    fs.mkdirSync(cwd, { recursive: true });
    tempRoots.push(cwd);
    const log = JSON.parse(formatSarif(syntheticReport(cwd))) as SarifLog;
    validateSarif(log, cwd);
    const [first, second, third] = log.runs[0].results;
    assert.deepEqual([first.level, second.level, third.level], ['error', 'warning', 'note']);
    assert.deepEqual([first.ruleIndex, third.ruleIndex], [0, 1]);
    assert.equal(log.runs[0].tool.driver.rules[1].defaultConfiguration.level, 'note');
    assert.equal(log.runs[0].tool.driver.rules[0].helpUri, `${DOCS_BASE_URL}docs/rules/demo-rule.md`);
    const related = first.relatedLocations![0].physicalLocation.artifactLocation;
    assert.ok(related.uri.startsWith('file://') && related.uriBaseId === undefined, related.uri);
    // Same line text, same rule, same file: the occurrence number tells them apart.
    assert.equal(first.partialFingerprints.primaryLocationLineHash.split(':')[0], second.partialFingerprints.primaryLocationLineHash.split(':')[0]);
    assert.deepEqual([first, second].map((r) => r.partialFingerprints.primaryLocationLineHash.split(':')[1]), ['1', '2']);
  });
});

// ---- language server entry -----------------------------------------------------------------------

describe('cli: lsp', () => {
  const available = CLI === BUNDLED_CLI || fs.existsSync(COMPILED_SERVER);

  it('`lsp --stdio` answers initialize and exits after shutdown/exit', { skip: available ? false : 'language server not built yet' }, async () => {
    const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { cwd: os.tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
    const send = (message: object): void => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    let buffer = '';
    const initialized = new Promise<{ result?: { capabilities?: object } }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no initialize response; got: ${buffer}`)), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (const match of buffer.matchAll(/Content-Length: (\d+)\r\n\r\n/g)) {
          const start = match.index! + match[0].length;
          const body = buffer.slice(start, start + Number(match[1]));
          if (body.length < Number(match[1])) continue;
          const message = JSON.parse(body) as { id?: number; result?: { capabilities?: object } };
          if (message.id === 1) {
            clearTimeout(timer);
            resolve(message);
          }
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null } });
    try {
      const response = await initialized;
      assert.ok(response.result?.capabilities, 'initialize result has capabilities');
      send({ method: 'initialized', params: {} });
      send({ id: 2, method: 'shutdown' });
      send({ method: 'exit' });
      const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
      assert.equal(code, 0);
    } finally {
      child.kill();
    }
  });
});
