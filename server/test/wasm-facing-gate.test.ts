// The "is this wasm code?" gate of the reentrancy rules that also run outside exports
// (borrow-held-across-js-call, fnmut-closure-reentered, closure-dropped-while-registered): a crate that
// reaches wasm-bindgen only through wasm-bindgen-futures / js-sys / web-sys (a gloo or yew app, a
// browser `bin` target) is wasm code when the file names one of those crates; a native crate that names
// none stays out. Fixtures cannot test this: their prelude always mentions `wasm_bindgen`.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_LINT_SETTINGS, type Finding, type Grammars, Linter, type Rule } from '../src/analysis/index';
import borrowHeldAcrossJsCall from '../src/analysis/rules/rust/borrow-held-across-js-call';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace, type FixtureSection } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

/** A browser app crate: no direct wasm-bindgen dependency (it comes through gloo / wasm-bindgen-futures). */
const APP_MANIFEST = `[package]
name = "click-app"
version = "0.1.0"
edition = "2021"

[dependencies]
futures = "0.3"
gloo = "0.11"
wasm-bindgen-futures = "0.4"
`;

const NATIVE_MANIFEST = `[package]
name = "native-tool"
version = "0.1.0"
edition = "2021"

[dependencies]
futures = "0.3"
`;

function lint(rule: Rule, text: string, manifest: string): Finding[] {
  const section: FixtureSection = { title: 'unit', buildMode: 'abort', text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, rule, 'unit.rs', section, 0);
  try {
    workspace.setFile(casePath.replace(/src\/lib\.rs$/, 'Cargo.toml'), manifest);
    return new Linter([rule], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS }).findings;
  } finally {
    workspace.dispose();
  }
}

const lineOf = (text: string, f: Finding): number => text.slice(0, f.range.start).split('\n').length;

// Two clicks start two tasks; the second `borrow_mut()` panics while the first task awaits.
const SPAWNED = (spawn: string) => `use std::cell::RefCell;
use std::rc::Rc;
${spawn}

pub struct Sink { sent: u32 }

impl Sink {
    pub async fn send(&mut self, v: u32) -> Result<(), ()> { self.sent = v; Ok(()) }
}

pub fn on_clicks(sink: Rc<RefCell<Sink>>, clicks: u32) {
    for i in 0..clicks {
        let sink = sink.clone();
        spawn_local(async move {
            let mut s = sink.borrow_mut();
            let _ = s.send(i).await;
        });
    }
}
`;

describe('borrow-held-across-js-call in crates that reach wasm-bindgen indirectly', () => {
  it('reports a guard across an .await in a file that uses wasm_bindgen_futures', () => {
    const text = SPAWNED('use wasm_bindgen_futures::spawn_local;');
    const findings = lint(borrowHeldAcrossJsCall, text, APP_MANIFEST);
    assert.deepEqual(findings.map((f) => lineOf(text, f)), [16]);
    assert.match(findings[0].message, /`sink` is mutably borrowed \(guard `s`\) across `\.await`/);
  });

  it('reports the same with web_sys / js_sys named in the file', () => {
    const text = SPAWNED('use gloo::spawn_local;\n#[allow(unused)] fn now() -> f64 { js_sys::Date::now() }');
    assert.deepEqual(lint(borrowHeldAcrossJsCall, text, APP_MANIFEST).map((f) => lineOf(text, f)), [17]);
  });

  it('stays silent in a native crate whose file names none of them', () => {
    const text = SPAWNED('use futures::executor::LocalPool as _; fn spawn_local<F: std::future::Future<Output = ()>>(_f: F) {}');
    assert.deepEqual(lint(borrowHeldAcrossJsCall, text, NATIVE_MANIFEST), []);
  });
});
