// Unit tests for panic-in-no-unwind-context (U08), abort-build-throw-inside-borrow (U09) and
// abort-prone-input-sized-work (U10) beyond their fixtures (which do not check severities or the text
// a fix produces): per-class severities and build modes, the edits of U09's Result fix, U10's fix
// conditions, and the shared helpers rust/jserror-rewrite.ts and rust/clippy-allow.ts.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits, DEFAULT_LINT_SETTINGS, type Finding, type Grammars, Linter, type Rule } from '../src/analysis/index';
import abortBuildThrowInsideBorrow from '../src/analysis/rules/rust/abort-build-throw-inside-borrow';
import abortProneInputSizedWork from '../src/analysis/rules/rust/abort-prone-input-sized-work';
import panicInNoUnwindContext from '../src/analysis/rules/rust/panic-in-no-unwind-context';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace, type FixtureSection } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

function lint(rule: Rule, text: string, buildMode: FixtureSection['buildMode'] = 'abort'): Finding[] {
  const section: FixtureSection = { title: 'unit', buildMode, text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, rule, 'unit.rs', section, 0);
  try {
    return new Linter([rule], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS, withFixes: true }).findings;
  } finally {
    workspace.dispose();
  }
}

const DOC = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Doc { ops: Vec<u32> }

#[wasm_bindgen]
impl Doc {
    pub fn apply(&mut self, patch: JsValue, at: &str) {
        let n: u32 = patch.as_f64().expect_throw("not a number") as u32;
        let i: usize = at.parse().unwrap();
        self.ops[i] = n;
    }
}
`;

describe('abort-build-throw-inside-borrow', () => {
  it('reports a throw as error and the panics as one info finding, in abort builds', () => {
    const findings = lint(abortBuildThrowInsideBorrow, DOC);
    assert.deepEqual(findings.map((f) => f.severity), ['error', 'info']);
    assert.match(findings[1].message, /\(1 more panic point in this method\)$/);
  });

  it('keeps only the throw under abort+handler and is silent under unwind', () => {
    assert.deepEqual(lint(abortBuildThrowInsideBorrow, DOC, 'abort+handler').map((f) => f.severity), ['error']);
    assert.deepEqual(lint(abortBuildThrowInsideBorrow, DOC, 'unwind'), []);
  });

  it('rewrites the export to return Result<(), JsError> with `?`', () => {
    const [throwFinding] = lint(abortBuildThrowInsideBorrow, DOC);
    assert.equal(throwFinding.fixes.length, 1);
    const fixed = applyEdits(DOC, throwFinding.fixes[0].edits).text;
    assert.match(fixed, /pub fn apply\(&mut self, patch: JsValue, at: &str\) -> Result<\(\), JsError> \{/);
    assert.match(fixed, /patch\.as_f64\(\)\.ok_or_else\(\|\| JsError::new\("not a number"\)\)\? as u32;/);
    assert.match(fixed, /self\.ops\[i\] = n;\n {8}Ok\(\(\)\)\n {4}\}/);
  });

  it('wraps returns and the tail of a value-returning export, and offers no fix for throws in closures', () => {
    const text = `use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub struct Doc { ops: Vec<u32> }
#[wasm_bindgen]
impl Doc {
    pub fn first(&mut self, key: JsValue) -> u32 {
        let k = key.as_string().unwrap_throw();
        if k.is_empty() { return 0; }
        self.ops.len() as u32
    }
    pub fn each(&mut self, items: js_sys::Array) {
        items.to_vec().iter().for_each(|v| { v.as_f64().expect_throw("number"); });
    }
}
`;
    const findings = lint(abortBuildThrowInsideBorrow, text);
    assert.equal(findings.length, 2);
    const fixed = applyEdits(text, findings[0].fixes[0].edits).text;
    assert.match(fixed, /-> Result<u32, JsError> \{/);
    assert.match(fixed, /return Ok\(0\);/);
    assert.match(fixed, /Ok\(self\.ops\.len\(\) as u32\)/);
    assert.match(fixed, /"called `Option::unwrap_throw\(\)` on a `None` value"/);
    assert.deepEqual(findings[1].fixes, []);
  });
});

describe('panic-in-no-unwind-context', () => {
  const DROP = `use wasm_bindgen::prelude::*;
struct S { v: Vec<u32> }
impl Drop for S {
    fn drop(&mut self) {
        self.v.pop().unwrap();
        let _ = self.v[0];
    }
}
`;
  it('is silent under panic=abort and abort+handler, one warning per drop under unwind', () => {
    assert.deepEqual(lint(panicInNoUnwindContext, DROP, 'abort'), []);
    assert.deepEqual(lint(panicInNoUnwindContext, DROP, 'abort+handler'), []);
    const findings = lint(panicInNoUnwindContext, DROP, 'unwind');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /\(1 more panic point in this drop\)$/);
    // The index cannot become `let _ =`: no fix for the drop as a whole.
    assert.deepEqual(findings[0].fixes, []);
  });

  it('honours #[allow(clippy::unwrap_used)] and never counts drain(..)', () => {
    const text = `use wasm_bindgen::prelude::*;
struct S { v: Vec<u32> }
impl Drop for S {
    #[allow(clippy::unwrap_used)]
    fn drop(&mut self) {
        self.v.drain(..);
        self.v.pop().unwrap();
    }
}
`;
    assert.deepEqual(lint(panicInNoUnwindContext, text, 'unwind'), []);
  });
});

describe('abort-prone-input-sized-work', () => {
  it('offers no clamp when the function sets the length by hand', () => {
    const text = `use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub fn zeroed(n: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    unsafe { v.set_len(n); }
    v
}
`;
    const findings = lint(abortProneInputSizedWork, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('reports a recursive helper once, at its self-call, naming the export', () => {
    const text = `use wasm_bindgen::prelude::*;
fn walk(v: &serde_json::Value) -> usize {
    match v { serde_json::Value::Array(a) => a.iter().map(|x| walk(x)).sum(), _ => 1 }
}
#[wasm_bindgen]
pub fn count(json: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    walk(&v)
}
#[wasm_bindgen]
pub fn count_again(json: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    walk(&v) + walk(&v)
}
`;
    const findings = lint(abortProneInputSizedWork, text, 'unwind');
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^`walk` calls itself \(`walk\(\.\.\)`\) with no depth limit, and the export `count` runs it on the JS argument `json`/);
    assert.match(findings[0].message, /every later call throws 'Module terminated'$/);
    assert.equal(findings[0].related.length, 4);
  });

  it('does not treat the length of copied-in data or a clamped value as input-sized', () => {
    const text = `use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub fn f(data: &[u8], n: u32) -> usize {
    let a: Vec<u8> = Vec::with_capacity(data.len());
    let n = std::cmp::min(n as usize, 4096);
    let b = vec![0u8; n];
    a.capacity() + b.len()
}
`;
    assert.deepEqual(lint(abortProneInputSizedWork, text), []);
  });
});
