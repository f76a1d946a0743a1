// Unit tests for torn-mut-self (U04), aborting-closure-in-unwind-build (U06) and catch-unwind-misuse
// (U07) beyond their fixtures: the `earlyReturns` option of U04 (fixtures run with default settings),
// the early-return index of rust/tear-points.ts, and path segments of generic closure constructors.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_LINT_SETTINGS, type Grammars, Linter, type LintSettings, ParsedDocument } from '../src/analysis/index';
import { pathSegments } from '../src/analysis/rust/index';
import { earlyReturnsIn } from '../src/analysis/rust/tear-points';
import catchUnwindMisuse from '../src/analysis/rules/rust/catch-unwind-misuse';
import tornMutSelf from '../src/analysis/rules/rust/torn-mut-self';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace, type FixtureSection } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const PARTIAL_UPDATE = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Counter { count: u32, last: u32 }

#[wasm_bindgen]
impl Counter {
    pub fn bump(&mut self, input: &str) -> Result<u32, JsError> {
        self.count += 1;
        let v: u32 = input.parse().map_err(|_| JsError::new("not a number"))?;
        self.last = v;
        Ok(v)
    }
}
`;

function lintU04(text: string, settings: LintSettings, buildMode: FixtureSection['buildMode'] = 'abort') {
  const section: FixtureSection = { title: 'unit', buildMode, text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, tornMutSelf, 'unit.rs', section, 0);
  try {
    return new Linter([tornMutSelf], grammars).lintFile(workspace, casePath, { settings }).findings;
  } finally {
    workspace.dispose();
  }
}

describe('torn-mut-self option earlyReturns', () => {
  it('is off by default', () => {
    assert.deepEqual(lintU04(PARTIAL_UPDATE, DEFAULT_LINT_SETTINGS).map((f) => f.message), []);
  });

  it('reports fields torn by a `?` as info when enabled, in any build mode', () => {
    const settings: LintSettings = { ...DEFAULT_LINT_SETTINGS, rules: { 'torn-mut-self': { options: { earlyReturns: true } } } };
    for (const mode of ['abort', 'unwind'] as const) {
      const findings = lintU04(PARTIAL_UPDATE, settings, mode);
      assert.equal(findings.length, 1, mode);
      assert.equal(findings[0].severity, 'info');
      assert.match(findings[0].message, /^`input\.parse\(\)\.map_err\(\.\.\)\?` can return early after `self\.count` was modified \(`self\.count \+= 1`\) and before `self\.last = v`: the caller gets the error and `Counter` keeps `self\.count` and `self\.last` out of step, in every build mode$/);
      assert.equal(PARTIAL_UPDATE.slice(findings[0].range.start, findings[0].range.end).endsWith('?'), true);
    }
  });
});

describe('earlyReturnsIn', () => {
  it('lists `?` and `return` of the function itself, not of closures or async blocks', () => {
    const text = `fn f(x: Option<u32>) -> Option<u32> {
    let a = x?;
    let g = |y: Option<u32>| -> Option<u32> { let b = y?; return Some(b); };
    let fut = async { let c = x?; Some(c) };
    if a > 3 { return None; }
    Some(a)
}`;
    const doc = new ParsedDocument(grammars, 'rust', text);
    try {
      const fn = doc.tree.rootNode.namedChild(0)!;
      const found = earlyReturnsIn(fn).map((r) => `${r.kind}:${r.node.text}`);
      assert.deepEqual(found, ['?:x?', 'return:return None']);
    } finally {
      doc.dispose();
    }
  });
});

describe('pathSegments', () => {
  it('keeps the owner of a constructor whose generic argument has a return arrow', () => {
    const text = 'fn f() { Closure::<dyn FnMut(u32) -> u32>::wrap_aborting(x); }';
    const doc = new ParsedDocument(grammars, 'rust', text);
    try {
      let callee: import('web-tree-sitter').Node | undefined;
      const stack = [doc.tree.rootNode];
      while (stack.length > 0 && !callee) {
        const n = stack.pop()!;
        if (n.type === 'call_expression') callee = n.childForFieldName('function') ?? undefined;
        for (const c of n.namedChildren) stack.push(c);
      }
      assert.ok(callee);
      assert.deepEqual(pathSegments(callee), ['Closure', 'wrap_aborting']);
    } finally {
      doc.dispose();
    }
  });
});

describe('catch-unwind-misuse in a crate that also builds natively', () => {
  const MULTI_TARGET = `[package]
name = "fixture-case"
version = "0.1.0"
edition = "2021"

[target.'cfg(target_arch = "wasm32")'.dependencies]
wasm-bindgen = "0.2.127"
`;
  const CODE = `use wasm_bindgen::prelude::*;

pub fn shared(f: impl FnOnce() -> u32) -> u32 {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => 0,
    }
}

#[cfg(target_arch = "wasm32")]
pub fn wasm_only(f: impl FnOnce() -> u32) -> u32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(0)
}
`;
  it('reports inert catch_unwind only in wasm-only code', () => {
    const section: FixtureSection = { title: 'unit', buildMode: 'abort', text: CODE, expectations: [], fileLine: 1 };
    const { workspace, casePath } = buildCaseWorkspace(grammars, catchUnwindMisuse, 'unit.rs', section, 0);
    try {
      workspace.setFile(casePath.replace(/src\/lib\.rs$/, 'Cargo.toml'), MULTI_TARGET);
      const findings = new Linter([catchUnwindMisuse], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS }).findings;
      assert.deepEqual(findings.map((f) => CODE.slice(0, f.range.start).split('\n').length), [12]);
      assert.match(findings[0].message, /is inert in this panic=abort build/);
    } finally {
      workspace.dispose();
    }
  });
});
