// Unit tests for closure-dropped-while-registered (R06) beyond its fixture: the exact text of the
// "leak it with `forget()`" fix after a complete statement, and no fix (and no dropped-fix internal
// error) when the statement with the closure's last use is broken — the fuzz test's seed 950088 found
// the fix inserting `frame.forget();` between a call cut short and the junk typed after it. Two guards
// make the broken cases pass: the rule no longer offers the fix there, and the engine drops a fix that
// breaks an already broken item without logging it (analysis-core.test.ts tests that part alone);
// with neither (the rule and engine before f69b475) both cases fail.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits, DEFAULT_LINT_SETTINGS, type Finding, type Grammars, type InternalError, Linter } from '../src/analysis/index';
import closureDroppedWhileRegistered from '../src/analysis/rules/rust/closure-dropped-while-registered';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace, type FixtureSection } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

function lint(text: string): { findings: Finding[]; casePath: string; internalErrors: readonly InternalError[] } {
  const rule = closureDroppedWhileRegistered;
  const section: FixtureSection = { title: 'unit', buildMode: 'abort', text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, rule, 'unit.rs', section, 0);
  try {
    const result = new Linter([rule], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS, withFixes: true });
    return { findings: result.findings, casePath, internalErrors: result.internalErrors };
  } finally {
    workspace.dispose();
  }
}

const PRELUDE = 'use wasm_bindgen::prelude::*;\nuse wasm_bindgen::JsCast;\n\n';
const LEAK = /^Leak `frame`/;

describe('closure-dropped-while-registered: the forget() fix', () => {
  it('inserts `frame.forget();` on its own line after the statement that registers the closure', () => {
    const text = `${PRELUDE}pub fn schedule(window: &web_sys::Window) -> Result<(), JsValue> {
    let frame = Closure::once(move || {});
    window.request_animation_frame(frame.as_ref().unchecked_ref())?;
    Ok(())
}
`;
    const { findings, casePath, internalErrors } = lint(text);
    assert.deepEqual(internalErrors, []);
    assert.equal(findings.length, 1);
    const fix = findings[0].fixes.find((f) => LEAK.test(f.title));
    assert.ok(fix, `a forget() fix among ${findings[0].fixes.map((f) => f.title).join(' | ')}`);
    const out = applyEdits(text, fix.edits.filter((e) => !e.path || e.path === casePath)).text;
    assert.ok(out.includes('    window.request_animation_frame(frame.as_ref().unchecked_ref())?;\n    frame.forget();\n    Ok(())\n'), out);
  });

  it('offers no forget() fix when the statement with the last use is broken, and logs nothing', () => {
    // The `?;` of the registration replaced by junk (what the fuzz test typed).
    const text = `${PRELUDE}pub fn schedule(window: &web_sys::Window) -> Result<(), JsValue> {
    let frame = Closure::once(move || {});
    window.request_animation_frame(frame.as_ref().unchecked_ref())\u279c\ubf24\u3d13
}
`;
    const { findings, internalErrors } = lint(text);
    assert.deepEqual(internalErrors, [], 'no fix was dropped for adding a syntax error');
    for (const f of findings) assert.ok(!f.fixes.some((x) => LEAK.test(x.title)), `no forget() fix: ${f.fixes.map((x) => x.title).join(' | ')}`);
  });

  it('offers no forget() fix after a call statement that lacks its semicolon', () => {
    const text = `${PRELUDE}pub fn schedule(window: &web_sys::Window) {
    let frame = Closure::once(move || {});
    window.request_animation_frame(frame.as_ref().unchecked_ref())
    let _later = 1;
}
`;
    const { findings, internalErrors } = lint(text);
    assert.deepEqual(internalErrors, []);
    for (const f of findings) assert.ok(!f.fixes.some((x) => LEAK.test(x.title)));
  });
});
