// Unit tests of rust/object-reentry.ts, the exported-object facts R02 and R03 share: which borrows a
// method really holds, exclusive accesses of a class, where a callback comes from, own suspension
// points of an async fn, and whether `&mut self` could become `&self` without touching the body.

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { type CrateIndex, type CrateInfo, DEFAULT_SETTINGS, type Grammars, ParsedDocument } from '../src/analysis/index';
import { walkTree } from '../src/analysis/parsing/walk';
import { asMethodCall, createRustEnv, stateResolverFor, type RustEnv } from '../src/analysis/rust/index';
import {
  callbackSourceOf, conflictingAccessesOf, heldObjectBorrows, ownYieldPoints, sharedReceiverSuffices,
} from '../src/analysis/rust/object-reentry';
import { summarizeRustFile } from '../src/analysis/workspace/rust-summary';
import { loadGrammars } from '../src/host/wasm-files';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const docs: ParsedDocument[] = [];
after(() => {
  for (const d of docs) d.dispose();
});

const PATH = '/crate/src/lib.rs';

function analyze(text: string): { env: RustEnv; fn(name: string): Node; call(snippet: string): Node } {
  const doc = new ParsedDocument(grammars, 'rust', text);
  docs.push(doc);
  const root = doc.tree.rootNode;
  const summary = summarizeRustFile(PATH, root, text);
  const crate = {
    root: '/crate', manifestPath: '/crate/Cargo.toml', name: 'c', libName: 'c', buildMode: 'abort', buildModeReason: 'test',
    overflowChecks: false, wasmBindgenStd: true, usesWasmBindgen: true, configPath: '/crate/Cargo.toml',
  } as CrateInfo;
  const index: CrateIndex = {
    crate, files: [PATH], exports: summary.exports,
    imports: new Map(summary.imports.map((i) => [i.name, i])),
    structs: new Map(summary.structs.map((s) => [s.name, s])),
    stateRoots: new Map(summary.stateRoots.map((r) => [r.name, r])),
    startFunctions: summary.startFunctions, setOnAbortCalls: [], usesScheduleReinit: summary.usesScheduleReinit,
  };
  const env = createRustEnv({ path: PATH, text, root, crate, index, settings: DEFAULT_SETTINGS });
  const first = (pred: (n: Node) => boolean, what: string): Node => {
    let found: Node | undefined;
    walkTree(root, (n) => {
      if (found) return false;
      if (pred(n)) found = n;
      return true;
    });
    assert.ok(found, what);
    return found!;
  };
  return {
    env,
    fn: (name) => first((n) => n.type === 'function_item' && n.childForFieldName('name')?.text === name, `fn ${name}`),
    call: (snippet) => first((n) => n.type === 'call_expression' && n.text.startsWith(snippet), `call ${snippet}`),
  };
}

const CLASS = `
use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub struct Editor { doc: String, pub size: u32, #[wasm_bindgen(readonly)] pub id: u32, cells: std::cell::RefCell<Vec<u32>>, count: std::cell::Cell<u32>,
  listeners: Vec<js_sys::Function>, on_change: Option<js_sys::Function>, el: web_sys::Element }
#[wasm_bindgen]
impl Editor {
  pub fn read(&mut self) -> usize { self.doc.len() + self.cells.borrow().len() }
  pub fn cells(&mut self) { self.cells.borrow_mut().push(1); self.count.set(self.count.get() + 1); self.el.set_id("x"); }
  pub fn helper_ok(&mut self) -> usize { self.peek() }
  pub fn assign(&mut self) { self.doc = String::new(); }
  pub fn compound(&mut self) { self.size += 1; }
  pub fn push(&mut self) { self.doc.push('x'); }
  pub fn mut_ref(&mut self) { let d = &mut self.doc; d.clear(); }
  pub fn ref_mut(&mut self) { if let Some(ref mut f) = self.on_change { drop(f); } }
  pub fn mut_helper(&mut self) { self.bump(); }
  pub fn bare(&mut self) { touch(self); }
  pub fn writes(&mut self) { use std::fmt::Write; write!(self.doc, "x").unwrap(); }
  pub fn logs(&mut self) { log::info!("{}", self.doc); }
  pub fn index_set(&mut self) { self.doc_bytes()[0] = 1; }
  pub fn iter_mut(&mut self) { for l in self.listeners.iter_mut() { drop(l); } }
  pub fn close(self) {}
  pub fn new() -> Editor { todo!() }
  pub fn shared(&self) -> usize { 0 }
  #[wasm_bindgen(setter)] pub fn set_title(&mut self, t: String) { self.doc = t; }
}
impl Editor {
  fn peek(&self) -> usize { 0 }
  fn bump(&mut self) { self.size += 1; }
  fn doc_bytes(&self) -> Vec<u8> { vec![] }
}
fn touch(_e: &mut Editor) {}
`;

describe('sharedReceiverSuffices', () => {
  const a = () => analyze(CLASS);
  for (const name of ['read', 'cells', 'helper_ok', 'logs', 'index_set']) {
    it(`accepts \`${name}\``, () => {
      const x = a();
      assert.ok(sharedReceiverSuffices(x.fn(name), x.env, 'Editor'), name);
    });
  }
  for (const name of ['assign', 'compound', 'push', 'mut_ref', 'ref_mut', 'mut_helper', 'bare', 'writes', 'iter_mut', 'shared', 'close']) {
    it(`rejects \`${name}\``, () => {
      const x = a();
      assert.equal(sharedReceiverSuffices(x.fn(name), x.env, 'Editor'), undefined, name);
    });
  }
});

describe('conflictingAccessesOf', () => {
  it('lists &mut self and consuming methods and pub field setters, not constructors or shared methods', () => {
    const x = analyze(CLASS);
    const shown = conflictingAccessesOf('Editor', x.env, 'read').map((c) => `${c.kind}:${c.display}`);
    assert.ok(shown.includes('mut-method:cells()'));
    assert.ok(!shown.includes('mut-method:read()'));
    assert.ok(shown.includes('consuming-method:close()'));
    assert.ok(shown.includes('setter:the `size` setter'));
    assert.ok(!shown.some((s) => s.includes('`id`')), 'readonly field');
    assert.ok(shown.includes('setter:the `title` setter'), shown.join());
    assert.ok(!shown.some((s) => s.includes('new()') || s.includes('shared()')));
  });
});

describe('heldObjectBorrows', () => {
  it('holds for #[wasm_bindgen] impls and free functions with &mut T of an exported struct', () => {
    const x = analyze(`${CLASS}
#[wasm_bindgen] pub fn merge(target: &mut Editor, other: &Editor, n: u32) {}`);
    assert.deepEqual(heldObjectBorrows(x.fn('read'), x.env).map((b) => `${b.kind}:${b.mode}`), ['receiver:mutable']);
    assert.deepEqual(heldObjectBorrows(x.fn('merge'), x.env).map((b) => `${b.name}:${b.mode}`), ['target:mutable', 'other:shared']);
  });
  it('does not hold for Durable Object impls', () => {
    const x = analyze(`
#[durable_object] pub struct Room { n: u32 }
impl DurableObject for Room { async fn fetch(&self, req: Request) -> Result<Response> { todo!() } }`);
    assert.deepEqual(heldObjectBorrows(x.fn('fetch'), x.env), []);
  });
});

describe('callbackSourceOf', () => {
  const text = `
use wasm_bindgen::prelude::*;
#[wasm_bindgen] pub struct C { listeners: Vec<js_sys::Function>, cb: Option<js_sys::Function> }
#[wasm_bindgen] impl C {
  pub fn go(&mut self, f: &js_sys::Function, list: Vec<JsValue>) {
    for l in &self.listeners { l.call0(&JsValue::NULL); }
    if let Some(cb) = &self.cb { cb.call0(&JsValue::NULL); }
    self.listeners.iter().for_each(|x| { x.call0(&JsValue::NULL); });
    let g = f.clone(); g.call0(&JsValue::NULL);
    for t in list { t.unchecked_into::<js_sys::Function>().call0(&JsValue::NULL); }
    let h = js_sys::Function::new_no_args("1"); h.call0(&JsValue::NULL);
  }
}`;
  const cases: [string, string][] = [
    ['l.call0', 'field:self.listeners'], ['cb.call0', 'field:self.cb'], ['x.call0', 'field:self.listeners'], ['g.call0', 'parameter:f'],
    ['t.unchecked_into', 'parameter:list'], ['h.call0', 'unknown'],
  ];
  for (const [snippet, want] of cases) {
    it(`${snippet} → ${want}`, () => {
      const x = analyze(text);
      const fn = x.fn('go');
      const call = x.call(snippet.endsWith('unchecked_into') ? `${snippet}::<js_sys::Function>().call0` : snippet);
      const source = callbackSourceOf(asMethodCall(call)!.receiver, fn, stateResolverFor(x.env, fn)!);
      assert.equal(source.kind === 'unknown' ? 'unknown' : `${source.kind}:${source.name}`, want);
    });
  }
});

describe('ownYieldPoints', () => {
  it('counts awaits and join!/select! of the fn itself, not those of spawned tasks', () => {
    const x = analyze(`
async fn f() {
  a().await;
  let (p, q) = futures::join!(b(), c());
  wasm_bindgen_futures::spawn_local(async move { d().await; });
  let h = async { e().await };
  tokio::select! { _ = g() => {} }
}
async fn none() { wasm_bindgen_futures::spawn_local(async move { d().await; }); }`);
    assert.equal(ownYieldPoints(x.fn('f'), x.env).length, 3);
    assert.equal(ownYieldPoints(x.fn('none'), x.env).length, 0);
  });
});
