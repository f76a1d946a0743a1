// CLI tests of suppressions and `check --fix`, against the compiled (or bundled) entry point run as a
// child process on crates written to temp folders: a suppressed error-level finding leaves the exit
// code at 0 and is hidden from the text output (counted in its summary) but kept, with its
// justification, in JSON; `--fix` applies the safe fixes on disk (an unused suppression comment is
// removed), prints how many fixes it applied to how many files, reports what remains, keeps CRLF line
// endings and the byte-order mark, and changes nothing on a second run.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const BUNDLED_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const COMPILED_CLI = path.resolve(__dirname, '..', 'src', 'cli', 'bin.js');

/** The bundle when it is at least as new as the compiled code (a stale dist/ must not be tested). */
function cliUnderTest(): string {
  if (process.env.WASM_SAFETY_CLI) return path.resolve(process.env.WASM_SAFETY_CLI);
  if (fs.existsSync(BUNDLED_CLI) && (!fs.existsSync(COMPILED_CLI) || fs.statSync(BUNDLED_CLI).mtimeMs >= fs.statSync(COMPILED_CLI).mtimeMs)) return BUNDLED_CLI;
  return COMPILED_CLI;
}
const CLI = cliUnderTest();

const CARGO_TOML = `[package]
name = "demo"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
wasm-bindgen = "0.2"
`;

/** Catalog R01 (error level), suppressed with a reason. */
const SUPPRESSED_LIB = `use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

thread_local! { static STORE: RefCell<HashMap<u32, String>> = RefCell::new(HashMap::new()); }

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn on_change(id: u32);
}

#[wasm_bindgen]
pub fn set_item(id: u32, v: String) {
    STORE.with_borrow_mut(|s| {
        s.insert(id, v);
        // wasm-safety-ignore-next-line borrow-held-across-js-call -- on_change only schedules a render
        on_change(id);
    });
}
`;

/** Two unused suppressions: each has a safe fix that removes it. */
const UNUSED = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    // wasm-safety-ignore-next-line string-error-payload -- needed before the refactor
    input.len() // wasm-safety-ignore-line torn-mut-self -- old
}
`;
const UNUSED_FIXED = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    input.len()
}
`;

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function crate(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-cli-fix-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'Cargo.toml'), CARGO_TOML);
  fs.mkdirSync(path.join(dir, 'src'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'src', name), text);
  return dir;
}

function runCli(args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: suppressed findings', () => {
  it('a suppressed error-level finding exits 0, is hidden from text and kept in JSON with its justification', () => {
    const dir = crate({ 'lib.rs': SUPPRESSED_LIB });
    const text = runCli(['check'], dir);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.doesNotMatch(text.stdout, /borrow-held-across-js-call/);
    assert.match(text.stdout, /1 suppressed\)\n/, "the summary counts the suppressed finding");
    const json = JSON.parse(runCli(['check', '--format', 'json'], dir).stdout) as { findings: { ruleId: string; suppression?: unknown }[] };
    const r01 = json.findings.filter((f) => f.ruleId === 'borrow-held-across-js-call');
    assert.equal(r01.length, 1);
    assert.deepEqual(r01[0].suppression, { kind: 'inSource', justification: 'on_change only schedules a render' });
  });

  it('without the reason the same comment suppresses nothing: exit 1, both findings shown', () => {
    const dir = crate({ 'lib.rs': SUPPRESSED_LIB.replace(' -- on_change only schedules a render', '') });
    const r = runCli(['check'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /borrow-held-across-js-call/);
    assert.match(r.stdout, /invalid-suppression/);
  });
});

describe('cli: check --fix', () => {
  it('applies the safe fixes on disk, says how many, and reports what remains', () => {
    const dir = crate({ 'lib.rs': SUPPRESSED_LIB, 'unused.rs': UNUSED });
    const before = runCli(['check'], dir);
    assert.equal((before.stdout.match(/unused-suppression/g) ?? []).length, 2, before.stdout);

    const r = runCli(['check', '--fix'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /wasm-safety: applied 2 fixes to 1 file\n/);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'unused.rs'), 'utf8'), UNUSED_FIXED);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'lib.rs'), 'utf8'), SUPPRESSED_LIB, 'a file without safe fixes is not touched');
    assert.doesNotMatch(r.stdout, /unused-suppression/, 'the report shows what remains after fixing');

    const again = runCli(['check', '--fix'], dir);
    assert.match(again.stderr, /applied 0 fixes to 0 files/);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'unused.rs'), 'utf8'), UNUSED_FIXED);
  });

  it('keeps CRLF line endings and the byte-order mark; JSON output stays valid JSON on stdout', () => {
    const crlf = '\ufeff' + UNUSED.replace(/\n/g, '\r\n');
    const dir = crate({ 'unused.rs': crlf });
    const r = runCli(['check', '--fix', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { findings: unknown[] }).findings, []);
    assert.match(r.stderr, /applied 2 fixes to 1 file/);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'unused.rs'), 'utf8'), '\ufeff' + UNUSED_FIXED.replace(/\n/g, '\r\n'));
  });

  it('without --fix nothing is written', () => {
    const dir = crate({ 'unused.rs': UNUSED });
    const r = runCli(['check'], dir);
    assert.equal(r.code, 0, 'unused suppressions are warnings');
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'unused.rs'), 'utf8'), UNUSED);
    assert.doesNotMatch(r.stderr, /applied/);
  });

  it('--help documents --fix', () => {
    const r = runCli(['check', '--help'], REPO_ROOT);
    assert.match(r.stdout, /--fix\s+Apply the safe fixes/);
  });
});

describe('cli: check --fix and the baseline', () => {
  it('leaves the fixes of baselined findings alone (they are hidden, like commented ones)', () => {
    const dir = crate({ 'unused.rs': UNUSED });
    const created = runCli(['baseline', 'create'], dir);
    assert.equal(created.code, 0, created.stdout + created.stderr);
    const r = runCli(['check', '--fix'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /applied 0 fixes to 0 files/);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'unused.rs'), 'utf8'), UNUSED);
    // With the baseline ignored, the same run fixes them.
    const ignoring = runCli(['check', '--fix', '--no-baseline'], dir);
    assert.match(ignoring.stderr, /applied 2 fixes to 1 file/);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'unused.rs'), 'utf8'), UNUSED_FIXED);
  });
});
