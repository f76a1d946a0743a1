// A crate's own spawn helpers (rust/syntax.ts `declaredSpawnWrappers`, `CrateIndex.spawnWrappers`): the
// functions unobserved-spawn-local-panic treats like `spawn_local`, read from any file of the crate.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_LINT_SETTINGS, type Grammars, Linter, Workspace } from '../src/analysis/index';
import unobservedSpawnLocalPanic from '../src/analysis/rules/rust/unobserved-spawn-local-panic';
import { declaredSpawnWrappers } from '../src/analysis/rust/syntax';
import { loadGrammars } from '../src/host/wasm-files';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

describe('declaredSpawnWrappers', () => {
  it('names the functions that hand a future parameter to spawn_local, and no others', () => {
    const text = [
      'pub fn spawn<F>(future: F) where F: Future<Output = ()> + \'static {',
      '    #[cfg(target_arch = "wasm32")]',
      '    wasm_bindgen_futures::spawn_local(future);',
      '    #[cfg(not(target_arch = "wasm32"))]',
      '    tokio::spawn(future);',
      '}',
      'pub(crate) fn spawn_task(mut fut: impl Future<Output = ()> + \'static) { spawn_local(fut) }',
      'fn spawn_logged(f: impl Future<Output = ()> + \'static) { spawn_local(async move { f.await; log(); }) }',
      'fn run_later(f: impl Future<Output = ()> + \'static) { other(f) }',
      'fn spawn_fixed() { spawn_local(async {}) }',
    ].join('\n');
    assert.deepEqual(declaredSpawnWrappers(text), ['spawn', 'spawn_task']);
    assert.deepEqual(declaredSpawnWrappers('fn spawn<F>(f: F) { tokio::spawn(f); }'), []);
    assert.deepEqual(declaredSpawnWrappers('use wasm_bindgen_futures::spawn_local as spawn;\n'), ['spawn']);
  });

  it('follows a helper of another file of the crate, and re-lints when the helper changes', () => {
    const ws = new Workspace(grammars, { roots: ['/w'] });
    try {
      ws.setFile('/w/Cargo.toml', '[package]\nname = "spawner"\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm-bindgen = "0.2.100"\n');
      ws.setFile('/w/src/util.rs', 'pub fn spawn<F: std::future::Future<Output = ()> + \'static>(f: F) { wasm_bindgen_futures::spawn_local(f) }\n');
      ws.setFile('/w/src/lib.rs', 'use wasm_bindgen::prelude::*;\nmod util;\n#[wasm_bindgen]\npub fn go(v: Option<u32>) {\n    util::spawn(async move { let _ = v.unwrap(); });\n}\n');
      const linter = new Linter([unobservedSpawnLocalPanic], grammars);
      const lint = () => linter.lintFile(ws, '/w/src/lib.rs', { settings: DEFAULT_LINT_SETTINGS }).findings.map((f) => f.message.slice(0, f.message.indexOf(' (which')));
      assert.deepEqual(lint(), ['`v.unwrap()` can panic inside a task spawned by `util::spawn`']);
      ws.setFile('/w/src/util.rs', 'pub fn spawn<F: std::future::Future<Output = ()> + Send + \'static>(f: F) { tokio::spawn(f); }\n');
      assert.deepEqual(lint(), []);
    } finally {
      ws.dispose();
    }
  });
});
