// Unit tests of the closure predicates (server/src/analysis/rust/closures.ts) behind R05/R06 — which
// `Closure` a function constructs, its kind, where it is registered and what happens to its owner — and
// of the typed method-import call points R01 adds (server/src/analysis/rust/js-calls-typed.ts).

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { type CrateIndex, type CrateInfo, DEFAULT_SETTINGS, type Grammars, ParsedDocument } from '../src/analysis/index';
import { walkTree } from '../src/analysis/parsing/walk';
import {
  capturedAssignments, closureConstructionsIn, createRustEnv, kindOfTypeText, registrationsOf, stateResolverFor, typedJsCallPointOf,
  usesOfOwner, type RustEnv,
} from '../src/analysis/rust/index';
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

function analyze(text: string): { env: RustEnv; fn: (name: string) => Node; find: (type: string, snippet: string) => Node } {
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
  const find = (type: string, snippet: string): Node => {
    let found: Node | undefined;
    walkTree(root, (n) => {
      if (found) return false;
      if (n.type === type && n.text.startsWith(snippet)) found = n;
      return true;
    });
    assert.ok(found, `a ${type} starting with ${JSON.stringify(snippet)}`);
    return found!;
  };
  return { env, find, fn: (name) => find('function_item', `fn ${name}`) };
}

describe('closure constructions', () => {
  it('reads the kind from turbofish, let annotation, cast, return type, field type and captured assignments', () => {
    const a = analyze(`
struct W { cb: Option<Closure<dyn Fn()>> }
impl W { fn set(&mut self) { self.cb = Some(Closure::new(move || {})); } }
fn kinds() -> Closure<dyn FnMut()> {
    let a = Closure::<dyn FnMut(u32)>::new(|_x: u32| {});
    let b: Closure<dyn Fn()> = Closure::new(|| {});
    let c = Closure::wrap(Box::new(|| {}) as Box<dyn FnMut()>);
    let mut n = 0;
    let d = Closure::new(move || { n += 1; });
    let e = Closure::once(move || {});
    Closure::new(|| {})
}
`);
    const kinds = closureConstructionsIn(a.fn('kinds'), a.env).map((c) => `${c.kind}/${c.kindSource}`);
    assert.deepEqual(kinds, ['FnMut/turbofish', 'Fn/annotation', 'FnMut/cast', 'FnMut/mutation', 'FnOnce/constructor', 'FnMut/return-type']);
    const field = closureConstructionsIn(a.fn('set'), a.env);
    assert.equal(field[0].kind, 'Fn');
    assert.equal(field[0].kindSource, 'field');
    assert.equal(kindOfTypeText('Box<dyn FnMut(web_sys::Event)>'), 'FnMut');
    assert.equal(kindOfTypeText('Closure<dyn Fn(u32) -> bool>'), 'Fn');
  });

  it('follows the argument through Box::new, casts and locals to the closure expression', () => {
    const a = analyze(`
fn follow() {
    let handler = move |e: web_sys::Event| { let _ = e; };
    let handler = Box::new(handler) as Box<dyn FnMut(web_sys::Event)>;
    let cb = Closure::wrap(handler);
}
`);
    const [c] = closureConstructionsIn(a.fn('follow'), a.env);
    assert.equal(c.kind, 'FnMut');
    assert.ok(c.closure?.text.startsWith('move |e: web_sys::Event|'));
    assert.equal(c.binding?.name, 'cb');
  });

  it('counts only assignments to captured variables as mutation', () => {
    const a = analyze(`
fn m(cell: std::rc::Rc<std::cell::RefCell<u32>>) {
    let mut count = 0;
    let f = move |x: u32| { let mut local = x; local += 1; *cell.borrow_mut() += local; count += 1; };
}
`);
    const closure = a.find('closure_expression', 'move |x: u32|');
    assert.deepEqual(capturedAssignments(closure).map((n) => n.text), ['count += 1']);
  });
});

describe('registrations and owner uses', () => {
  it('classifies uses: registrations, aliases, forget, moves', () => {
    const a = analyze(`
fn uses(el: &web_sys::Element, window: &web_sys::Window, p: js_sys::Promise) {
    let a = Closure::<dyn FnMut()>::new(|| {});
    el.add_event_listener_with_callback("click", a.as_ref().unchecked_ref()).unwrap();
    let b = Closure::<dyn FnMut()>::new(|| {});
    el.set_onload(Some(b.as_ref().unchecked_ref()));
    b.forget();
    let c = Closure::<dyn FnMut(JsValue)>::new(|_v: JsValue| {});
    let _ = p.then(&c);
    let d = Closure::<dyn FnMut()>::new(|| {});
    let f: &js_sys::Function = d.as_ref().unchecked_ref();
    window.set_timeout_with_callback(f).unwrap();
    let e = Closure::<dyn FnMut()>::new(|| {});
    let keep = vec![e];
    let g = Closure::<dyn FnMut()>::new(|| {});
    el.set_onclick(Some(g.as_ref().unchecked_ref()));
    el.set_onclick(None);
}
`);
    const cs = closureConstructionsIn(a.fn('uses'), a.env);
    const describe = (i: number) => usesOfOwner(cs[i], a.env).map((u) => u.kind + (u.registration ? `:${u.registration.kind}:${u.registration.eventType ?? ''}` : ''));
    assert.deepEqual(describe(0), ['borrow:event-listener:click']);
    assert.deepEqual(describe(1), ['borrow:handler-property:load', 'forget']);
    assert.deepEqual(describe(2), ['borrow:promise:']);
    assert.deepEqual(describe(3), ['borrow:timer:']);
    assert.deepEqual(describe(4), ['escape']);
    assert.deepEqual(describe(5), ['borrow:handler-property:click']);
  });

  it('finds inline registrations and gloo listeners', () => {
    const a = analyze(`
fn inline(document: &web_sys::Document) {
    document.add_event_listener_with_callback_and_bool("focus", Closure::<dyn FnMut()>::new(|| {}).into_js_value().unchecked_ref(), true).unwrap();
    let l = gloo_events::EventListener::new(document, "keydown", move |_e| {});
}
`);
    const [inline, gloo] = closureConstructionsIn(a.fn('inline'), a.env);
    const r1 = registrationsOf(inline, a.env);
    assert.equal(r1[0].kind, 'event-listener');
    assert.equal(r1[0].eventType, 'focus');
    assert.equal(r1[0].capture, true);
    const r2 = registrationsOf(gloo, a.env);
    assert.equal(r2[0].kind, 'gloo-listener');
    assert.equal(r2[0].eventType, 'keydown');
  });
});

describe('typed method-import call points (R01)', () => {
  it('counts a common-named method import only on a receiver declared with its type', () => {
    const a = analyze(`
#[wasm_bindgen]
extern "C" {
    pub type Bus;
    #[wasm_bindgen(method)]
    fn emit(this: &Bus, e: &str);
    #[wasm_bindgen(method, getter)]
    fn size(this: &Bus) -> u32;
}
struct Log { lines: Vec<String> }
impl Log { fn emit(&mut self, e: &str) { self.lines.push(e.into()); } }
fn calls(bus: &Bus, raw: JsValue, log: &mut Log) {
    bus.emit("a");
    raw.unchecked_ref::<Bus>().emit("b");
    log.emit("c");
    let n = bus.size();
}
`);
    const fn = a.fn('calls');
    const resolver = stateResolverFor(a.env, fn);
    const at = (snippet: string) => typedJsCallPointOf(a.find('call_expression', snippet), a.env, resolver);
    assert.equal(at('bus.emit')?.certainty, 'direct');
    assert.equal(at('raw.unchecked_ref::<Bus>().emit')?.certainty, 'direct');
    assert.equal(at('log.emit'), undefined);
    assert.equal(at('bus.size')?.certainty, 'indirect');
  });
});
