// Unit tests for static-mutex-lock-unwrap (U02), panicking-lazy-initializer (U03) and
// unwind-safety-asserted-without-proof (U05) beyond their fixtures: severities (fixture annotations do
// not check them), U03's `includeConstantInputs` option, related locations, and the helper modules
// they introduced (rust/justification.ts, rust/server-code.ts, rust/reach.ts).

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_LINT_SETTINGS, type Grammars, Linter, type LintSettings, type Rule } from '../src/analysis/index';
import { isJustification, justificationComment, UNWIND_SAFETY_TEMPLATE } from '../src/analysis/rust/justification';
import { cfgRequiresServerFeature } from '../src/analysis/rust/server-code';
import panickingLazyInitializer from '../src/analysis/rules/rust/panicking-lazy-initializer';
import staticMutexLockUnwrap from '../src/analysis/rules/rust/static-mutex-lock-unwrap';
import unwindSafetyAssertedWithoutProof from '../src/analysis/rules/rust/unwind-safety-asserted-without-proof';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace, type FixtureSection } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

function lint(rule: Rule, text: string, buildMode: FixtureSection['buildMode'], settings: LintSettings = DEFAULT_LINT_SETTINGS) {
  const section: FixtureSection = { title: 'unit', buildMode, text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, rule, 'unit.rs', section, 0);
  try {
    const result = new Linter([rule], grammars).lintFile(workspace, casePath, { settings, withFixes: true });
    assert.deepEqual(result.internalErrors, []);
    return result.findings;
  } finally {
    workspace.dispose();
  }
}

const CACHE = `use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use wasm_bindgen::prelude::*;

static CACHE: LazyLock<Mutex<HashMap<String, u32>>> = LazyLock::new(Default::default);

#[wasm_bindgen]
pub fn load(name: String, raw: &str) {
    let mut c = CACHE.lock().unwrap();
    c.insert(name, raw.parse().unwrap());
}

#[wasm_bindgen]
pub fn count() -> usize {
    CACHE.lock().unwrap().len()
}
`;

describe('static-mutex-lock-unwrap', () => {
  it('is an error where the guard is held across a panic point, a warning at the other lock sites', () => {
    const findings = lint(staticMutexLockUnwrap, CACHE, 'unwind');
    assert.deepEqual(findings.map((f) => f.severity), ['error', 'warning']);
    const [poisoner, victim] = findings;
    assert.equal(CACHE.slice(poisoner.range.start, poisoner.range.end), 'CACHE.lock().unwrap()');
    assert.ok(poisoner.related?.some((r) => CACHE.slice(r.range.start, r.range.end) === 'raw.parse().unwrap()'));
    assert.ok(poisoner.related?.some((r) => CACHE.slice(r.range.start, r.range.end) === 'CACHE'), 'the declaration');
    assert.ok(victim.related?.some((r) => r.message.startsWith('a panic here poisons')));
    assert.ok(victim.related?.some((r) => r.message.includes('export `count`')));
  });

  it('offers the PoisonError::into_inner suggestion, as an unsafe fix', () => {
    const [finding] = lint(staticMutexLockUnwrap, CACHE, 'unwind');
    const fixes = finding.fixes ?? [];
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0].safety, 'unsafe');
    assert.deepEqual(fixes[0].edits.map((e) => e.newText), ['unwrap_or_else(std::sync::PoisonError::into_inner)']);
  });

  it('is silent in abort and abort+handler builds', () => {
    assert.deepEqual(lint(staticMutexLockUnwrap, CACHE, 'abort'), []);
    assert.deepEqual(lint(staticMutexLockUnwrap, CACHE, 'abort+handler'), []);
  });
});

const SETTINGS_LAZY = `use std::sync::LazyLock;
use wasm_bindgen::prelude::*;

pub struct Regex(String);
impl Regex {
    pub fn new(p: &str) -> Result<Regex, String> { Ok(Regex(p.to_owned())) }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new("^[0-9]+$").unwrap());

#[wasm_bindgen]
pub fn check() -> bool {
    DATE.0.is_empty()
}
`;

describe('panicking-lazy-initializer', () => {
  it('skips initializers built from constants unless includeConstantInputs is set, then reports them as info', () => {
    assert.deepEqual(lint(panickingLazyInitializer, SETTINGS_LAZY, 'unwind'), []);
    const settings: LintSettings = { ...DEFAULT_LINT_SETTINGS, rules: { 'panicking-lazy-initializer': { options: { includeConstantInputs: true } } } };
    const findings = lint(panickingLazyInitializer, SETTINGS_LAZY, 'unwind', settings);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'info');
    assert.match(findings[0].message, /its inputs are constant/);
  });

  it('reports always-failing clock reads as warnings in abort builds and names the export', () => {
    const text = `use std::sync::LazyLock;
use wasm_bindgen::prelude::*;
static START: LazyLock<std::time::SystemTime> = LazyLock::new(std::time::SystemTime::now);
static T0: LazyLock<u128> = LazyLock::new(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis());
#[wasm_bindgen]
pub fn started() -> u64 { *T0 as u64 }
`;
    const findings = lint(panickingLazyInitializer, text, 'abort');
    // The clock passed as the initializer function is std's: known to panic on wasm32-unknown-unknown.
    assert.equal(findings.length, 2);
    assert.ok(findings.every((f) => f.severity === 'warning'));
    assert.match(findings[0].message, /^`SystemTime::now\(\)` always panics on wasm32-unknown-unknown, in the initializer of `START`, which runs on the first access; under panic=abort/);
    assert.match(findings[1].message, /always panics on wasm32-unknown-unknown, in the initializer of `T0`, which runs on the first access \(from export `started`\); under panic=abort/);
  });
});

describe('unwind-safety-asserted-without-proof', () => {
  it('reports as info in unwind builds only', () => {
    const text = `use std::cell::RefCell;
use std::panic::RefUnwindSafe;
use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub struct Doc { inner: RefCell<Vec<u8>> }
impl RefUnwindSafe for Doc {}
`;
    const findings = lint(unwindSafetyAssertedWithoutProof, text, 'unwind');
    assert.deepEqual(findings.map((f) => f.severity), ['info']);
    assert.deepEqual(lint(unwindSafetyAssertedWithoutProof, text, 'abort'), []);
  });
});

describe('justification comments', () => {
  it('accept a marker with an explanation, or an explanation in terms of panics', () => {
    assert.ok(isJustification('// UNWIND-SAFETY: both fields are written in one assignment'));
    assert.ok(isJustification('// SAFETY: nothing panics while borrowed'));
    assert.ok(isJustification('/* unwind-safe: the cell only holds a counter */'));
    assert.ok(isJustification('// A panic in any method leaves `state` as it was before the call'));
  });

  it('reject placeholders, restated type names and short notes', () => {
    assert.equal(isJustification(UNWIND_SAFETY_TEMPLATE), false);
    assert.equal(isJustification('// UNWIND-SAFETY: TODO'), false);
    assert.equal(isJustification('// UNWIND-SAFETY: ...'), false);
    assert.equal(isJustification('// needed because Closure::new wants the captures to be UnwindSafe'), false);
    assert.equal(isJustification('// panic ok'), false);
  });

  it('are found on the line, above it, and above a run of sibling impls', () => {
    const text = [
      'fn f() {',
      '    let a = AssertUnwindSafe(x); // SAFETY: x is only read after a panic',
      '    // UNWIND-SAFETY: the closure restores the cell in a drop guard',
      '    #[allow(unused)]',
      '    let b = AssertUnwindSafe(y);',
      '}',
      '// A panic cannot leave Foo inconsistent: it has a single Cell counter.',
      'impl RefUnwindSafe for Foo {}',
      'impl UnwindSafe for Foo {}',
    ].join('\n');
    const at = (s: string) => text.indexOf(s);
    assert.ok(justificationComment(text, at('AssertUnwindSafe(x)')));
    assert.ok(justificationComment(text, at('let b')));
    assert.ok(justificationComment(text, at('impl UnwindSafe')));
    assert.equal(justificationComment(text, at('fn f')), undefined);
  });
});

describe('server-only code', () => {
  it('recognises the server features of full-stack frameworks, not their negation', () => {
    assert.ok(cfgRequiresServerFeature('(feature = "ssr")'));
    assert.ok(cfgRequiresServerFeature('(all(feature = "server", not(target_arch = "wasm32")))'));
    assert.equal(cfgRequiresServerFeature('(not(feature = "ssr"))'), false);
    assert.equal(cfgRequiresServerFeature('(any(feature = "ssr", feature = "hydrate"))'), false);
    assert.equal(cfgRequiresServerFeature('(feature = "hydrate")'), false);
  });
});
