// Unit tests for the failure-classification rules catch-misclassifies, string-error-payload (C02),
// retry-after-abort (C03), cleanup-masks-abort (C05), unobserved-async-wasm-failure,
// unobserved-spawn-local-panic (C07) and abort-handler-misconfigured (C08) beyond their fixtures: severities per shape, the text fixes produce,
// and the shape that needs glue the fixtures' support package does not have (pre-0.2.127 PanicError name).

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits, DEFAULT_LINT_SETTINGS, type Finding, type Grammars, type InternalError, Linter, type Rule } from '../src/analysis/index';
import abortHandlerMisconfigured from '../src/analysis/rules/rust/abort-handler-misconfigured';
import catchMisclassifies from '../src/analysis/rules/ts/catch-misclassifies';
import catchSwallowsWasmFailure from '../src/analysis/rules/ts/catch-swallows-wasm-failure';
import cleanupMasksAbort from '../src/analysis/rules/ts/cleanup-masks-abort';
import retryAfterAbort from '../src/analysis/rules/ts/retry-after-abort';
import unobservedAsyncWasmFailure from '../src/analysis/rules/ts/unobserved-async-wasm-failure';
import stringErrorPayload from '../src/analysis/rules/rust/string-error-payload';
import unobservedSpawnLocalPanic from '../src/analysis/rules/rust/unobserved-spawn-local-panic';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace, type FixtureSection } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

interface LintOptions {
  readonly buildMode?: FixtureSection['buildMode'];
  /** Text appended to the support glue `pkg/fixture_case.js`. */
  readonly glueExtra?: string;
  /** Put a package.json next to the linted file. */
  readonly ownPackage?: boolean;
}

function lint(rule: Rule, text: string, options: LintOptions = {}): { findings: Finding[]; casePath: string; internalErrors: readonly InternalError[] } {
  const section: FixtureSection = { title: 'unit', buildMode: options.buildMode ?? 'abort', text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, rule, rule.side === 'rust' ? 'unit.rs' : 'unit.ts', section, 0);
  try {
    if (options.glueExtra) {
      const glue = `/fixture/${rule.id}/case-1/pkg/fixture_case.js`;
      workspace.setFile(glue, (workspace.fileText(glue) ?? '') + options.glueExtra);
    }
    // A package of its own around the linted file (a monorepo member).
    if (options.ownPackage) workspace.setFile(`${casePath.slice(0, casePath.lastIndexOf('/'))}/package.json`, '{ "name": "member" }');
    const result = new Linter([rule], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS, withFixes: true });
    return { findings: result.findings, casePath, internalErrors: result.internalErrors };
  } finally {
    workspace.dispose();
  }
}

function fixed(text: string, finding: Finding, fixIndex: number, casePath: string): string {
  return applyEdits(text, finding.fixes[fixIndex].edits.filter((e) => !e.path || e.path === casePath)).text;
}

const TS_PRELUDE = `import { load, parse, Parser } from '../pkg/fixture_case.js';\n`;

describe('catch-swallows-wasm-failure on promise handlers', () => {
  // An async export's future runs from a microtask: a panic or trap there never settles the promise, so a
  // handler on that promise sees only rejections (info); a same-file async function that calls wasm
  // synchronously rejects with the abort itself (warning).
  const text = `${TS_PRELUDE}
export function preload(url: string): void { load(url).catch(console.error); }
export async function settle(urls: string[]): Promise<void> { await Promise.allSettled(urls.map((u) => load(u))); }
async function parseLater(src: string): Promise<string> { await Promise.resolve(); return parse(src); }
export function background(src: string): void { parseLater(src).catch(console.error); }
export function chained(url: string): void { load(url).then((t) => parse(String(t))).catch(console.error); }
`;
  const severities = (mode: FixtureSection['buildMode']): string[] =>
    lint(catchSwallowsWasmFailure, text, { buildMode: mode }).findings.map((f) => `${f.severity} ${f.message.slice(0, f.message.indexOf(' neither') > 0 ? f.message.indexOf(' neither') : 40)}`);

  it('reports a handler on an async export only as information, in every build mode', () => {
    for (const mode of ['abort', 'unwind'] as const) {
      const found = severities(mode);
      assert.ok(found.includes('info `.catch()` handler on wasm call `load(…)`'), `${mode}: ${found.join(' | ')}`);
      assert.ok(found.some((f) => f.startsWith('info `Promise.allSettled`')), `${mode}: ${found.join(' | ')}`);
      assert.ok(found.includes('warning `.catch()` handler on `parseLater(…)` (which calls wasm `parse(…)`)'), `${mode}: ${found.join(' | ')}`);
      assert.ok(found.includes('warning `.catch()` handler on wasm call `parse(…)`'), `${mode}: ${found.join(' | ')}`);
    }
  });

  it('names a recoverable PanicError among what reaches the handler only in a panic=unwind build', () => {
    const message = (mode: FixtureSection['buildMode']): string =>
      lint(catchSwallowsWasmFailure, text, { buildMode: mode }).findings.find((f) => f.severity === 'info' && f.message.startsWith('`.catch()`'))!.message;
    assert.match(message('unwind'), /a recoverable `PanicError`/);
    assert.doesNotMatch(message('abort'), /PanicError/);
  });
});

describe('catch-misclassifies', () => {
  const byName = `${TS_PRELUDE}
export function f(src: string): string | null {
  try { return parse(src); }
  catch (e: any) {
    if (e.name === 'PanicError') return null;
    console.error(e);
    return '';
  }
}
`;
  const OLD_GLUE = `\nclass PanicError extends Error {}\nObject.defineProperty(PanicError.prototype, 'name', { value: PanicError.name });\n`;

  it('reports `e.name === \'PanicError\'` as a warning only with pre-0.2.127 glue in an unwind build', () => {
    const old = lint(catchMisclassifies, byName, { buildMode: 'unwind', glueExtra: OLD_GLUE }).findings;
    assert.equal(old.length, 1);
    assert.equal(old[0].severity, 'warning');
    assert.match(old[0].message, /wasm-bindgen < 0\.2\.127/);
    assert.deepEqual(lint(catchMisclassifies, byName, { buildMode: 'unwind' }).findings, []);
    assert.deepEqual(lint(catchMisclassifies, byName, { buildMode: 'abort', glueExtra: OLD_GLUE }).findings, []);
  });

  it('reports instanceof Error as an error and message texts as a warning', () => {
    const text = `${TS_PRELUDE}
export function a(src: string) {
  try { return parse(src); } catch (e) { if (e instanceof Error) { return null; } throw e; }
}
export function b(src: string) {
  try { return parse(src); } catch (e) { if (String(e).includes('unreachable')) return null; console.log(e); return 1; }
}
`;
    const findings = lint(catchMisclassifies, text).findings;
    assert.deepEqual(findings.map((f) => f.severity), ['error', 'warning']);
  });

  it('replaces `e instanceof Error` with a classifier test and imports it, creating the module', () => {
    const text = `${TS_PRELUDE}
export function a(src: string) {
  try { return parse(src); } catch (e) { if (e instanceof Error) { return null; } throw e; }
}
`;
    const { findings, casePath } = lint(catchMisclassifies, text);
    const classifierFix = findings[0].fixes[1];
    assert.ok(classifierFix.edits.some((e) => e.path?.endsWith('/src/wasm-errors.ts')), 'creates src/wasm-errors.ts');
    const out = fixed(text, findings[0], 1, casePath);
    assert.match(out, /if \(e instanceof Error && isRecoverableWasmError\(e\)\) \{ return null; \}/);
    assert.match(out, /^import \{ isRecoverableWasmError \} from '\.\/wasm-errors';$/m);
  });

  it('creates the classifier module in the package of the file (a monorepo member), not at the workspace root', () => {
    const text = `${TS_PRELUDE}
export function a(src: string) {
  try { return parse(src); } catch (e) { if (e instanceof Error) { return null; } throw e; }
}
`;
    const { findings, casePath } = lint(catchMisclassifies, text, { ownPackage: true });
    const created = findings[0].fixes[1].edits.find((e) => e.path !== undefined && e.path !== casePath)?.path;
    assert.equal(created, `${casePath.slice(0, casePath.lastIndexOf('/'))}/src/wasm-errors.ts`);
    const out = fixed(text, findings[0], 1, casePath);
    assert.match(out, /^import \{ isRecoverableWasmError \} from '\.\/src\/wasm-errors';$/m);
  });
});

describe('retry-after-abort', () => {
  it('inserts `if (isWasmFatal(e)) throw e;` with the file\'s indentation and a parameter for `catch {}`', () => {
    const text = `${TS_PRELUDE}
export function f(src: string) {
    for (let i = 0; i < 3; i++) {
        try {
            return parse(src);
        } catch {
            console.warn('again');
        }
    }
}
`;
    const { findings, casePath } = lint(retryAfterAbort, text);
    assert.equal(findings.length, 1);
    const out = fixed(text, findings[0], 1, casePath);
    assert.match(out, /\} catch \(e\) \{\n {12}if \(isWasmFatal\(e\)\) throw e;\n {12}console\.warn/);
    assert.match(out, /^import \{ isWasmFatal \} from '\.\/wasm-errors';$/m);
  });
});

describe('cleanup-masks-abort', () => {
  it('wraps free() and is silent in plain abort builds', () => {
    const text = `${TS_PRELUDE}
export function f(src: string) {
  const p = new Parser(src);
  try {
    return p.feed(src);
  } finally {
    p.free();
  }
}
`;
    assert.deepEqual(lint(cleanupMasksAbort, text).findings, []);
    const { findings, casePath } = lint(cleanupMasksAbort, text, { buildMode: 'unwind' });
    assert.equal(findings[0].severity, 'info');
    assert.match(fixed(text, findings[0], 0, casePath), /\n {4}try \{ p\.free\(\); \} catch \{ \/\* instance already terminated \*\/ \}\n/);
  });
});

describe('unobserved-async-wasm-failure', () => {
  it('reports `void` as info and offers `await` in async functions', () => {
    const text = `${TS_PRELUDE}
export async function f(url: string) {
  void load(url);
}
`;
    const { findings, casePath } = lint(unobservedAsyncWasmFailure, text);
    assert.equal(findings[0].severity, 'info');
    assert.match(fixed(text, findings[0], 0, casePath), /\n {2}await load\(url\);\n/);
  });

  it('leaves `main();` at the top of a script alone', () => {
    const text = `${TS_PRELUDE}
async function main() { console.log(await load('x')); }
main();
`;
    assert.deepEqual(lint(unobservedAsyncWasmFailure, text).findings, []);
  });
});

describe('string-error-payload', () => {
  it('rewrites every string-built error of the export into JsError', () => {
    const text = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn f(s: &str) -> Result<u32, JsValue> {
    if s.is_empty() {
        return Err(JsValue::from_str("empty"));
    }
    s.parse::<u32>().map_err(|e| e.to_string().into())
}
`;
    const { findings, casePath } = lint(stringErrorPayload, text);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /\(1 more in this function\)$/);
    const out = fixed(text, findings[0], 0, casePath);
    assert.match(out, /return Err\(JsValue::from\(JsError::new\("empty"\)\)\);/);
    assert.match(out, /map_err\(\|e\| JsValue::from\(JsError::new\(&e\.to_string\(\)\)\)\)/);
  });
});

describe('unobserved-spawn-local-panic', () => {
  it('adapts the message to the build mode', () => {
    const text = `use wasm_bindgen::prelude::*;
async fn get() -> Result<u32, JsValue> { Ok(1) }
#[wasm_bindgen]
pub fn go() {
    wasm_bindgen_futures::spawn_local(async { get().await.unwrap(); });
}
`;
    assert.match(lint(unobservedSpawnLocalPanic, text, { buildMode: 'unwind' }).findings[0].message, /under panic=unwind the `PanicError`/);
    assert.match(lint(unobservedSpawnLocalPanic, text, { buildMode: 'abort+handler' }).findings[0].message, /terminates the instance/);
  });
});

describe('abort-handler-misconfigured: moving the registration', () => {
  const HEAD = `use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::prelude::*;

static ABORTED: AtomicBool = AtomicBool::new(false);
`;
  const EXPORT = `
#[wasm_bindgen]
pub fn init_app() {
    wasm_bindgen::handler::set_on_abort(|| {
        ABORTED.store(true, Ordering::SeqCst);
    });
    let _ready = true;
}
`;

  it('moves a registration that spans lines whole, re-indented, into the existing start function', () => {
    const text = `${HEAD}
mod boot {
    #[wasm_bindgen::prelude::wasm_bindgen(start)]
    fn start() {
        let _x = 1;
    }
}
${EXPORT}`;
    const { findings, casePath } = lint(abortHandlerMisconfigured, text, { buildMode: 'unwind' });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].fixes[0].title, 'Move the `set_on_abort` registration into the start function `start`');
    assert.equal(fixed(text, findings[0], 0, casePath), `${HEAD}
mod boot {
    #[wasm_bindgen::prelude::wasm_bindgen(start)]
    fn start() {
        wasm_bindgen::handler::set_on_abort(|| {
            ABORTED.store(true, Ordering::SeqCst);
        });
        let _x = 1;
    }
}

#[wasm_bindgen]
pub fn init_app() {
    let _ready = true;
}
`);
  });

  it('moves a registration that spans lines whole into a new start function', () => {
    const text = `${HEAD}${EXPORT}`;
    const { findings, casePath } = lint(abortHandlerMisconfigured, text, { buildMode: 'unwind' });
    assert.equal(findings[0].fixes[0].title, 'Move the `set_on_abort` registration into a new `#[wasm_bindgen(start)]` function');
    assert.equal(fixed(text, findings[0], 0, casePath), `${HEAD}
#[wasm_bindgen]
pub fn init_app() {
    let _ready = true;
}

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(|| {
        ABORTED.store(true, Ordering::SeqCst);
    });
}
`);
  });

  it('moves the registration of an export nested in the start function to the top of that function', () => {
    const text = `${HEAD}
#[wasm_bindgen(start)]
fn start() {
    let _x = 1;
    #[wasm_bindgen]
    pub fn init_app() {
        wasm_bindgen::handler::set_on_abort(|| {
            ABORTED.store(true, Ordering::SeqCst);
        });
    }
}
`;
    const { findings, casePath } = lint(abortHandlerMisconfigured, text, { buildMode: 'unwind' });
    assert.equal(fixed(text, findings[0], 0, casePath), `${HEAD}
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(|| {
        ABORTED.store(true, Ordering::SeqCst);
    });
    let _x = 1;
    #[wasm_bindgen]
    pub fn init_app() {
    }
}
`);
  });

  it('offers no move into a start function that lies inside the registration itself', () => {
    const text = `${HEAD}
#[wasm_bindgen]
pub fn init_app() {
    wasm_bindgen::handler::set_on_abort({
        #[wasm_bindgen(start)]
        fn start() {}
        on_abort
    });
}

fn on_abort() {
    ABORTED.store(true, Ordering::SeqCst);
}
`;
    const { findings, internalErrors } = lint(abortHandlerMisconfigured, text, { buildMode: 'unwind' });
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].fixes, []);
    assert.deepEqual(internalErrors, [], 'no fix with overlapping edits was offered');
  });
});
