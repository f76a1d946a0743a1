// The failure-class inventory (`wasm-safety report`): the pure `buildInventory` on the sample workspace
// and on small crafted workspaces (receivers, async, panic points, state, JS calls under a borrow,
// abort handling, TS failure handling, totals), the Markdown rendering, and the CLI command end to end
// (Markdown and JSON, -o, exit codes).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ALL_RULES, buildInventory, DEFAULT_LINT_SETTINGS, type ExportInventory, type Grammars, type Inventory, inventoryMarkdown, Linter,
  totalsOf, Workspace,
} from '../src/analysis/index';
import { scanIntoWorkspace } from '../src/host/disk-workspace';
import { loadGrammars } from '../src/host/wasm-files';
import { type CliEnvironment, run } from '../src/cli/run';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SAMPLE = path.join(REPO_ROOT, 'test-fixtures', 'sample-workspace');

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const tempRoots: string[] = [];
after(() => {
  for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
});

/** Lints every file with every rule (for the totals) and builds the inventory of an in-memory workspace. */
function inventoryOf(files: Record<string, string>): Inventory {
  const ws = new Workspace(grammars, { roots: ['/p'] });
  try {
    for (const [p, text] of Object.entries(files)) ws.setFile(p, text);
    const lintable = ws.lintablePaths();
    const linter = new Linter(ALL_RULES, grammars);
    const findings = lintable.flatMap((p) => linter.lintFile(ws, p, { settings: DEFAULT_LINT_SETTINGS }).findings)
      .map((f) => ({ ruleId: f.ruleId, family: f.family, severity: f.severity, suppressed: f.suppression !== undefined }));
    return buildInventory({ workspace: ws, grammars, files: lintable, rules: ALL_RULES, findings });
  } finally {
    ws.dispose();
  }
}

const exportNamed = (inv: Inventory, jsName: string): ExportInventory => {
  const e = inv.exports.find((x) => x.jsName === jsName);
  assert.ok(e, `export ${jsName} in ${inv.exports.map((x) => x.jsName).join(', ')}`);
  return e;
};

const MANIFEST = (name: string) => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm-bindgen = "0.2"\n`;

const COUNTER_RS = `use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! { static LOG: RefCell<Vec<String>> = RefCell::new(Vec::new()); }

#[wasm_bindgen]
extern "C" {
    fn notify(n: u32);
}

#[wasm_bindgen]
pub struct Counter {
    count: u32,
    items: Vec<u32>,
}

#[wasm_bindgen]
impl Counter {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Counter {
        Counter { count: 0, items: Vec::new() }
    }

    pub fn bump(&mut self, i: usize) -> u32 {
        self.count += 1;
        notify(self.count);
        self.items[i]
    }

    #[wasm_bindgen(getter)]
    pub fn count(&self) -> u32 {
        self.count
    }

    pub async fn later(&self) -> u32 {
        wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await.unwrap();
        self.count
    }

    pub fn zero() -> u32 {
        let later = Closure::<dyn FnMut(JsValue)>::new(|v: JsValue| {
            let _ = v.as_f64().unwrap();
        });
        later.forget();
        0
    }
}

#[wasm_bindgen]
pub fn record(s: String) {
    LOG.with_borrow_mut(|log| {
        log.push(s);
        notify(log.len() as u32);
    });
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}
`;

describe('inventory: Rust exports and crates (crafted crate)', () => {
  let inv: Inventory;
  before(() => {
    inv = inventoryOf({ '/p/Cargo.toml': MANIFEST('counter'), '/p/src/lib.rs': COUNTER_RS });
  });

  it('receivers: constructor, &mut self, &self getter, async &self, static method, free, start', () => {
    const receivers = Object.fromEntries(inv.exports.map((e) => [e.jsName, e.receiver + (e.accessor ? `/${e.accessor}` : '') + (e.isAsync ? '/async' : '')]));
    assert.deepEqual(receivers, {
      'new Counter': 'constructor',
      'Counter.bump': '&mut self',
      'Counter.count': '&self/getter',
      'Counter.later': '&self/async',
      'Counter.zero': 'static',
      record: 'free',
      start: 'start',
    });
  });

  it('panic points with their kinds, and none where there are none', () => {
    const bump = exportNamed(inv, 'Counter.bump');
    const kinds = bump.panicPoints.map((p) => p.kind).sort();
    assert.ok(kinds.includes('index'), `self.items[i] is a panic point: ${kinds.join(', ')}`);
    assert.ok(kinds.includes('foreign'), `notify(..) can throw: ${kinds.join(', ')}`);
    assert.equal(bump.panicPoints.find((p) => p.kind === 'index')?.line, COUNTER_RS.split('\n').findIndex((l) => l.includes('self.items[i]')) + 1);
    assert.deepEqual(exportNamed(inv, 'Counter.zero').panicPoints, []);
    assert.ok(exportNamed(inv, 'Counter.later').panicPoints.some((p) => p.kind === 'unwrap'));
  });

  it('state touched: fields written and read, a thread_local borrowed mutably', () => {
    assert.deepEqual(exportNamed(inv, 'Counter.bump').state.map((s) => `${s.name} ${s.access}`), ['self.count write', 'self.items read']);
    assert.deepEqual(exportNamed(inv, 'Counter.count').state.map((s) => `${s.name} ${s.access}`), ['self.count read']);
    assert.deepEqual(exportNamed(inv, 'record').state.map((s) => `${s.name} ${s.kind} ${s.access}`), ['LOG thread_local write'], 'written inside the borrow: the strongest access wins');
  });

  it('JS calls while borrowed: a guard on shared state, the &mut self object, an await under &self', () => {
    assert.deepEqual(exportNamed(inv, 'record').jsCallsWhileBorrowed.map((c) => `${c.call} ${c.borrowed} ${c.mode}`), ['notify(..) LOG mutable']);
    assert.deepEqual(exportNamed(inv, 'Counter.bump').jsCallsWhileBorrowed.map((c) => `${c.call} ${c.borrowed} ${c.mode}`), ['notify(..) self mutable']);
    assert.deepEqual(exportNamed(inv, 'Counter.later').jsCallsWhileBorrowed.map((c) => `${c.call} ${c.borrowed} ${c.mode}`), ['.await self shared']);
    assert.deepEqual(exportNamed(inv, 'Counter.count').jsCallsWhileBorrowed, []);
  });

  it('crate: build mode, abort handling (set_on_abort in start, schedule_reinit, panic hook), global state', () => {
    assert.equal(inv.crates.length, 1);
    const [crate] = inv.crates;
    assert.equal(crate.name, 'counter');
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.exportCount, 7);
    assert.equal(crate.abortHandling.verdict, 'reinit');
    assert.deepEqual(crate.abortHandling.setOnAbort.map((s) => s.inStart), [true]);
    assert.equal(crate.abortHandling.scheduleReinit, true);
    assert.deepEqual(crate.abortHandling.panicHooks.map((h) => h.call), ['console_error_panic_hook::set_once']);
    assert.deepEqual(crate.globalState.map((s) => `${s.name} ${s.kind}`), ['LOG thread_local']);
  });

  it('abort handling verdicts: none, hook only, handler without reinit', () => {
    const plain = 'use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\npub fn f() -> u32 { 1 }\n';
    const verdict = (lib: string) => inventoryOf({ '/p/Cargo.toml': MANIFEST('v'), '/p/src/lib.rs': lib }).crates[0].abortHandling.verdict;
    assert.equal(verdict(plain), 'none');
    assert.equal(verdict(`${plain}#[wasm_bindgen(start)]\nfn start() { std::panic::set_hook(Box::new(|_| {})); }\n`), 'hook-only');
    assert.equal(verdict(`${plain}#[wasm_bindgen(start)]\nfn start() { wasm_bindgen::handler::set_on_abort(|| {}); }\n`), 'handler');
  });
});

const GLUE_JS = 'export function parse(s) { return s; }\nexport function load(u) { return Promise.resolve(u); }\nexport class Parser { feed(x) { return x; } free() {} }\nexport default function init() {}\n';
const GLUE_DTS = 'export function parse(s: string): string;\nexport function load(u: string): Promise<string>;\nexport class Parser { free(): void; feed(x: string): string; }\nexport default function init(): Promise<void>;\n';

describe('inventory: TS call sites and their failure handling (crafted project)', () => {
  let inv: Inventory;
  const MAIN_TS = `import init, { parse, load, Parser } from '../pkg/demo.js';
import { isWasmFatal } from './wasm-errors';

export function swallows(s: string) {
  try { return parse(s); } catch (e) { console.warn(e); return null; }
}

export function classifies(s: string) {
  try { return parse(s); } catch (e) { if (isWasmFatal(e)) throw e; return null; }
}

export function rethrows(s: string) {
  try { return parse(s); } catch (e) { console.error(e); throw e; }
}

export function wraps(s: string) {
  try { return parse(s); } catch (e) { throw new Error('parse failed'); }
}

export function propagates(s: string) {
  const p = new Parser();
  return p.feed(s);
}

export function unobserved(u: string) {
  load(u);
}

export async function awaited(u: string) {
  return await load(u).catch((e) => { if (isWasmFatal(e)) throw e; return ''; });
}

export async function raced(u: string, timeout: Promise<never>) {
  const pending = load(u);
  return Promise.race([pending, timeout]);
}

parse('top');
`;

  before(() => {
    inv = inventoryOf({
      '/p/pkg/demo.js': GLUE_JS,
      '/p/pkg/demo.d.ts': GLUE_DTS,
      '/p/pkg/demo_bg.wasm': '',
      '/p/src/wasm-errors.ts': 'export function isWasmFatal(e: unknown): boolean { return e instanceof WebAssembly.RuntimeError; }\n',
      '/p/src/main.ts': MAIN_TS,
      '/p/src/main.test.ts': "import { parse } from '../pkg/demo.js';\nparse('x');\n",
    });
  });

  it('one entry per call into the glue, with the handling its failure meets', () => {
    const lineOf = (needle: string) => MAIN_TS.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const got = inv.callSites.filter((c) => c.path === '/p/src/main.ts').map((c) => `${c.line} ${c.callee} ${c.handling}`);
    assert.deepEqual(got, [
      `${lineOf('console.warn(e)')} parse swallows`,
      `${lineOf('isWasmFatal(e)) throw e; return null')} parse classifies`,
      `${lineOf('console.error(e)')} parse rethrows`,
      `${lineOf("new Error('parse failed')")} parse wraps`,
      `${lineOf('new Parser()')} new Parser propagates`,
      `${lineOf('p.feed(s)')} p.feed propagates`,
      `${lineOf('  load(u);')} load unobserved`,
      `${lineOf('await load(u)')} load classifies`,
      `${lineOf('const pending = load(u)')} load propagates`,
      `${lineOf("parse('top')")} parse top-level`,
    ]);
    const swallowed = inv.callSites.find((c) => c.handling === 'swallows')!;
    assert.ok(swallowed.handler && swallowed.handler.line === swallowed.line, 'the handler location is the catch');
    assert.equal(inv.callSites.find((c) => c.callee === 'load' && c.handling === 'classifies')?.isAsync, true);
  });

  it('marks call sites in test files', () => {
    const inTest = inv.callSites.filter((c) => c.inTest);
    assert.deepEqual(inTest.map((c) => c.path), ['/p/src/main.test.ts']);
  });

  it('totals per family and rule agree with the findings, zero counts included', () => {
    const families = inv.totals.map((f) => f.family);
    assert.deepEqual(families, ['reentrancy', 'unwind-safety', 'failure-classification', 'suppression'], 'the bug families, then the suppression rules');
    const ruleCount = inv.totals.reduce((n, f) => n + f.rules.length, 0);
    assert.equal(ruleCount, ALL_RULES.length);
    const c01 = inv.totals.flatMap((f) => f.rules).find((r) => r.ruleId === 'catch-swallows-wasm-failure')!;
    assert.ok(c01.findings >= 1, 'the swallowing catch is a C01 finding');
  });
});

describe('inventory: Markdown', () => {
  it('names crates without wasm-bindgen and exports instead of giving each a row', () => {
    const inv = inventoryOf({
      '/p/web/Cargo.toml': MANIFEST('web'),
      '/p/web/src/lib.rs': 'use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\npub fn f() -> u32 { 1 }\n',
      '/p/native/Cargo.toml': '[package]\nname = "native"\nversion = "0.1.0"\n',
      '/p/native/src/main.rs': 'fn main() { println!("hi"); }\n',
    });
    assert.deepEqual(inv.crates.map((c) => c.name), ['native', 'web']);
    const md = inventoryMarkdown(inv, { displayPath: (p) => p.slice(3) });
    assert.match(md, /\| `web` \(web\) \| \*\*abort\*\* \|/);
    assert.doesNotMatch(md, /\| `native`/);
    assert.ok(md.includes('1 other crate without wasm-bindgen and without exports: `native`.'), md);
  });
});

describe('inventory: totals', () => {
  it('counts suppressed findings apart, and findings of unlisted rules under their family', () => {
    const rules = ALL_RULES.filter((r) => r.id === 'borrow-held-across-js-call' || r.id === 'catch-swallows-wasm-failure');
    const totals = totalsOf([
      { ruleId: 'borrow-held-across-js-call', family: 'reentrancy', severity: 'error', suppressed: false },
      { ruleId: 'borrow-held-across-js-call', family: 'reentrancy', severity: 'warning', suppressed: true },
      { ruleId: 'unused-suppression', family: 'failure-classification', severity: 'warning', suppressed: false },
    ], rules);
    const reentrancy = totals.find((f) => f.family === 'reentrancy')!;
    assert.deepEqual([reentrancy.findings, reentrancy.suppressed, reentrancy.bySeverity.error, reentrancy.bySeverity.warning], [1, 1, 1, 0]);
    const fc = totals.find((f) => f.family === 'failure-classification')!;
    assert.deepEqual(fc.rules.map((r) => `${r.ruleId}:${r.findings}`), ['catch-swallows-wasm-failure:0', 'unused-suppression:1']);
    assert.equal(totals.find((f) => f.family === 'unwind-safety')!.findings, 0);
  });
});

describe('inventory: the sample workspace', () => {
  let inv: Inventory;
  before(async () => {
    const ws = new Workspace(grammars, { roots: [SAMPLE] });
    try {
      const scan = await scanIntoWorkspace(ws, [SAMPLE], { maxFileBytes: 4 * 1024 * 1024 });
      const linter = new Linter(ALL_RULES, grammars);
      const findings = scan.lintable.flatMap((p) => linter.lintFile(ws, p, { settings: DEFAULT_LINT_SETTINGS }).findings)
        .map((f) => ({ ruleId: f.ruleId, family: f.family, severity: f.severity, suppressed: f.suppression !== undefined }));
      inv = buildInventory({ workspace: ws, grammars, files: scan.lintable, rules: ALL_RULES, findings });
    } finally {
      ws.dispose();
    }
  });

  it('both crates with their build modes and no abort recovery', () => {
    assert.deepEqual(inv.crates.map((c) => `${c.name} ${c.buildMode} ${c.abortHandling.verdict}`), ['ledger unwind none', 'store abort none']);
  });

  it('the planted reentrancy bug is a JS call under a borrow; the planted torn state has panic points', () => {
    const setItem = exportNamed(inv, 'set_item');
    assert.deepEqual(setItem.jsCallsWhileBorrowed.map((c) => `${c.call} ${c.borrowed} ${c.mode}`), ['on_change(..) STORE mutable']);
    assert.ok(exportNamed(inv, 'transfer').panicPoints.some((p) => p.kind === 'index'));
    assert.equal(inv.exports.filter((e) => e.jsCallsWhileBorrowed.length > 0).length, 1, 'only the planted one');
  });

  it('the planted swallowing catch, and the classifying ones', () => {
    const byHandling = (h: string) => inv.callSites.filter((c) => c.handling === h).map((c) => `${path.basename(c.path)}:${c.callee}`);
    assert.deepEqual(byHandling('swallows'), ['main.ts:set_item']);
    assert.ok(byHandling('classifies').length >= 1);
  });

  it('totals: one finding or more in each family (the sample plants one bug per family)', () => {
    for (const f of inv.totals.filter((t) => t.family !== 'suppression')) assert.ok(f.findings >= 1, `${f.family}: ${f.findings}`);
  });

  it('renders Markdown with the sections and the planted bug, paths as given', () => {
    const md = inventoryMarkdown(inv, { displayPath: (p) => path.relative(SAMPLE, p), link: (l) => `${path.relative(SAMPLE, l.path)}#L${l.line}` });
    for (const heading of ['# wasm-safety failure-class report', '## Findings per family', '## Crates', '## Exports', '## TS/JS call sites into wasm']) {
      assert.ok(md.includes(`\n${heading}\n`) || md.startsWith(`${heading}\n`), heading);
    }
    assert.match(md, /\| `set_item` \| free \|  \| 1 \(foreign\) \| `STORE` write \| `on_change\(\.\.\)` with `STORE` borrowed mutably \(line \d+\) \| \[store\/src\/lib\.rs:\d+\]\(store\/src\/lib\.rs#L\d+\) \|/);
    assert.match(md, /\| `ledger` \(ledger\) \| \*\*unwind\*\* \|/);
    // Table rows never break: every row of a table has the header's column count.
    for (const table of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const rows = table.split('\n').filter((row) => row.length > 0);
      const columns = (row: string) => row.replace(/\\\|/g, '').split('|').length;
      for (const row of rows) assert.equal(columns(row), columns(rows[0]), row);
    }
  });
});

// ---- CLI ---------------------------------------------------------------------------------------

async function runInProcess(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const environment: CliEnvironment = {
    cwd, env: {}, version: '0.0.0-test',
    stdout: { write: (t) => void (stdout += t), isTTY: false },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
  };
  return { code: await run(args, environment), stdout, stderr };
}

describe('cli: wasm-safety report', () => {
  it('prints Markdown by default; exit 0 even with findings', async () => {
    const r = await runInProcess(['report', 'test-fixtures/sample-workspace'], REPO_ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# wasm-safety failure-class report\n\n`test-fixtures\/sample-workspace`: 2 crates, \d+ exports, \d+ TS\/JS call sites into wasm, \d+ findings\./);
    assert.match(r.stdout, /\[test-fixtures\/sample-workspace\/store\/src\/lib\.rs:\d+\]\(test-fixtures\/sample-workspace\/store\/src\/lib\.rs#L\d+\)/);
  });

  it('--format json -o FILE writes version 1 with relative paths', async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-report-')));
    tempRoots.push(dir);
    const out = path.join(dir, 'nested', 'report.json');
    const r = await runInProcess(['report', 'test-fixtures/sample-workspace', '--format', 'json', '-o', out], REPO_ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const json = JSON.parse(fs.readFileSync(out, 'utf8')) as { version: number } & Inventory;
    assert.equal(json.version, 1);
    assert.deepEqual(Object.keys(json), ['version', 'crates', 'exports', 'callSites', 'totals', 'problems']);
    assert.deepEqual(json.crates.map((c) => c.root), ['test-fixtures/sample-workspace/ledger', 'test-fixtures/sample-workspace/store']);
    assert.ok(json.exports.every((e) => e.path.startsWith('test-fixtures/sample-workspace/') && e.crate?.startsWith('test-fixtures/')));
    assert.ok(json.callSites.every((c) => c.module.startsWith('test-fixtures/sample-workspace/')));
  });

  it('Markdown written with -o links relative to the file', async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(REPO_ROOT, 'test-output-report-')));
    tempRoots.push(dir);
    const r = await runInProcess(['report', 'test-fixtures/sample-workspace', '-o', path.join(dir, 'r.md')], REPO_ROOT);
    assert.equal(r.code, 0, r.stderr);
    const md = fs.readFileSync(path.join(dir, 'r.md'), 'utf8');
    assert.match(md, /\]\(\.\.\/test-fixtures\/sample-workspace\/store\/src\/lib\.rs#L\d+\)/);
  });

  it('usage errors and a missing path exit 2', async () => {
    assert.equal((await runInProcess(['report', '--format', 'sarif'], REPO_ROOT)).code, 2);
    const missing = await runInProcess(['report', 'no/such/path'], REPO_ROOT);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /path does not exist/);
    const help = await runInProcess(['report', '--help'], REPO_ROOT);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: wasm-safety report/);
  });
});
