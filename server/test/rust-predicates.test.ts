// Unit tests of the shared Rust predicates (catalog §B2) that the unwind-safety and reentrancy rules
// build on: test-code detection, state origins and bindings, borrow scopes, JS call and yield points,
// synchronous execution, panic/throw/foreign points, bounds-check dominance, mutations, analysis units.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { type CrateIndex, type CrateInfo, DEFAULT_SETTINGS, type Grammars, ParsedDocument } from '../src/analysis/index';
import { advanceCursor, walkTree } from '../src/analysis/parsing/walk';
import { collectFunctionFacts, FILE_NODE_TYPES } from '../src/analysis/rust/facts';
import {
  borrowScopesIn, callbackKindOf, cfgExcludesWasm, cfgMentionsTest, createRustEnv, exportedObjectBorrows, exportOfFunction, guardedType, isBoundsChecked,
  jsCallPointOf, mutationOf, panicPointOf, quotedExpression, returnsResultOfJsError, runsSynchronouslyWithin, stateResolverFor,
  type RustEnv,
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

interface Analyzed {
  readonly env: RustEnv;
  readonly text: string;
  /** The first node of `type` whose text starts with `snippet` (after `from`, a preceding marker text). */
  find(type: string, snippet: string, from?: string): Node;
}

function analyze(text: string, opts: { overflowChecks?: boolean; extraJsCallPoints?: string[]; path?: string } = {}): Analyzed {
  const path = opts.path ?? PATH;
  const doc = new ParsedDocument(grammars, 'rust', text);
  docs.push(doc);
  const root = doc.tree.rootNode;
  const summary = summarizeRustFile(path, root, text);
  const crate: CrateInfo = {
    root: '/crate', manifestPath: '/crate/Cargo.toml', name: 'c', libName: 'c', buildMode: 'unwind', buildModeReason: 'test',
    overflowChecks: opts.overflowChecks ?? false, wasmBindgenStd: true, usesWasmBindgen: true, configPath: '/crate/Cargo.toml',
  } as CrateInfo;
  const index: CrateIndex = {
    crate, files: [path], exports: summary.exports,
    imports: new Map(summary.imports.map((i) => [i.name, i])),
    structs: new Map(summary.structs.map((s) => [s.name, s])),
    stateRoots: new Map(summary.stateRoots.map((r) => [r.name, r])),
    startFunctions: summary.startFunctions, setOnAbortCalls: [], usesScheduleReinit: summary.usesScheduleReinit,
  };
  const env = createRustEnv({ path, text, root, crate, index, settings: { ...DEFAULT_SETTINGS, extraJsCallPoints: opts.extraJsCallPoints ?? [] } });
  return {
    env,
    text,
    find(type, snippet, from) {
      const min = from ? text.indexOf(from) : 0;
      assert.ok(min >= 0, `marker ${from} in text`);
      let found: Node | undefined;
      walkTree(root, (n) => {
        if (found) return false;
        if (n.type === type && n.startIndex >= min && n.text.startsWith(snippet)) found = n;
        return true;
      });
      assert.ok(found, `a ${type} starting with ${JSON.stringify(snippet)}`);
      return found!;
    },
  };
}

const PRELUDE = `
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

struct Store { items: Vec<u32>, names: HashMap<u32, String>, count: u32 }
struct Runtime { nodes: RefCell<Vec<u32>>, plain: Vec<u32> }

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
    static CACHE: Rc<RefCell<Vec<u32>>> = Rc::new(RefCell::new(Vec::new()));
    static HITS: Cell<u32> = Cell::new(0);
    static RUNTIME: Runtime = Runtime::new();
}
static REGISTRY: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static mut LAST: u32 = 0;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn on_change(id: u32);
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
    #[wasm_bindgen(catch, js_namespace = app)]
    fn risky() -> Result<(), JsValue>;
    type Listener;
    #[wasm_bindgen(method)]
    fn notify_listener(this: &Listener, v: u32);
    #[wasm_bindgen(method)]
    fn push(this: &Listener, v: u32);
    #[wasm_bindgen(method, getter)]
    fn current(this: &Listener) -> u32;
    #[wasm_bindgen(static_method_of = Listener)]
    fn create() -> Listener;
}

#[wasm_bindgen]
pub struct Doc { inner: RefCell<Vec<u32>>, plain: Vec<u32>, shared: Rc<RefCell<u32>> }
`;

describe('test code', () => {
  it('reads cfg predicates', () => {
    assert.equal(cfgMentionsTest('(test)'), true);
    assert.equal(cfgMentionsTest('(all(test, feature = "x"))'), true);
    assert.equal(cfgMentionsTest('(not(test))'), false);
    assert.equal(cfgMentionsTest('(any(test, feature = "testing"))'), false);
    assert.equal(cfgMentionsTest('(feature = "test")'), false);
    assert.equal(cfgExcludesWasm('(not(target_arch = "wasm32"))'), true);
    assert.equal(cfgExcludesWasm('(all(not(target_family = "wasm"), feature = "napi"))'), true);
    assert.equal(cfgExcludesWasm('(target_arch = "wasm32")'), false);
    assert.equal(cfgExcludesWasm('(any(not(target_arch = "wasm32"), test))'), false);
  });

  it('marks #[cfg(test)] modules, #[test] and #[wasm_bindgen_test] functions, not #[cfg(not(test))]', () => {
    const a = analyze(`
#[cfg(test)]
mod tests { fn helper() { x.unwrap(); } }
#[wasm_bindgen_test]
fn browser() { y.unwrap(); }
#[tokio::test]
async fn t() { w.unwrap(); }
#[cfg(not(test))]
fn real() { z.unwrap(); }
`);
    assert.equal(a.env.tests.isTestCode(a.find('call_expression', 'x.unwrap')), true);
    assert.equal(a.env.tests.isTestCode(a.find('call_expression', 'y.unwrap')), true);
    assert.equal(a.env.tests.isTestCode(a.find('call_expression', 'w.unwrap')), true);
    assert.equal(a.env.tests.isTestCode(a.find('call_expression', 'z.unwrap')), false);
  });
});

describe('state origins and bindings', () => {
  it('resolves statics, thread_locals, aliases, `with` parameters and exported-struct fields', () => {
    const a = analyze(`${PRELUDE}
fn f() {
    STORE.with(|s| s.borrow_mut());
    let cache = CACHE.with(Rc::clone);
    let again = Rc::clone(&cache);
    let via_closure = CACHE.with(|c| c.clone());
    REGISTRY.lock();
    RUNTIME.with(|rt| rt.nodes.borrow_mut());
    RUNTIME.with(|rt| rt.plain.borrow_mut());
}
impl Doc {
    pub fn m(&self) { self.inner.borrow_mut(); self.plain.borrow_mut(); }
}
`);
    const fnNode = a.find('function_item', 'fn f');
    const r = stateResolverFor(a.env, fnNode)!;
    const origin = (snippet: string, from = 'fn f') => r.acquisitionAt(a.find('call_expression', snippet, from))?.origin.name;
    assert.equal(origin('s.borrow_mut()'), 'STORE');
    assert.equal(r.bindings.lookup('cache', a.text.indexOf('let again'))?.origin?.name, 'CACHE');
    assert.equal(r.bindings.lookup('again', a.text.indexOf('let via_closure'))?.origin?.name, 'CACHE');
    assert.equal(r.bindings.lookup('via_closure', a.text.indexOf('REGISTRY.lock'))?.origin?.name, 'CACHE');
    assert.equal(origin('REGISTRY.lock()'), 'REGISTRY');
    assert.equal(origin('rt.nodes.borrow_mut()'), 'RUNTIME.nodes');
    assert.equal(origin('rt.plain.borrow_mut()'), undefined, 'a Vec field is not a cell');
    const m = a.find('function_item', 'pub fn m');
    const rm = stateResolverFor(a.env, m)!;
    assert.equal(rm.acquisitionAt(a.find('call_expression', 'self.inner.borrow_mut()'))?.origin.name, 'self.inner');
    assert.equal(rm.acquisitionAt(a.find('call_expression', 'self.plain.borrow_mut()')), undefined);
  });

  it('honours shadowing by closure parameters and lets', () => {
    const a = analyze(`${PRELUDE}
fn f(items: &[u32]) {
    let c = CACHE.with(Rc::clone);
    items.iter().for_each(|c| { c.borrow_mut(); });
    let c = 5;
    c.borrow_mut();
}
`);
    const r = stateResolverFor(a.env, a.find('function_item', 'fn f'))!;
    assert.equal(r.acquisitionAt(a.find('call_expression', 'c.borrow_mut()', 'for_each')), undefined);
    assert.equal(r.acquisitionAt(a.find('call_expression', 'c.borrow_mut()', 'let c = 5')), undefined);
  });

  it('treats a local Rc<RefCell<_>> as shared state only when it is cloned or captured', () => {
    const a = analyze(`${PRELUDE}
fn shared() {
    let state = Rc::new(RefCell::new(State::default()));
    let handler = { let state = state.clone(); Closure::<dyn FnMut()>::new(move || { state.borrow_mut().clicks += 1; }) };
    state.borrow_mut();
}
fn private() {
    let local = Rc::new(RefCell::new(0));
    local.borrow_mut();
}
fn param(state: Rc<RefCell<State>>, plain: &RefCell<u8>) {
    state.borrow_mut();
    plain.borrow_mut();
}
`);
    const at = (fnName: string, snippet: string) => stateResolverFor(a.env, a.find('function_item', fnName))!.acquisitionAt(a.find('call_expression', snippet, fnName));
    assert.equal(at('fn shared', 'state.borrow_mut()')?.origin.kind, 'shared_local');
    assert.equal(at('fn private', 'local.borrow_mut()'), undefined);
    assert.equal(at('fn param', 'state.borrow_mut()')?.origin.kind, 'shared_param');
    assert.equal(at('fn param', 'plain.borrow_mut()'), undefined);
  });

  it('extracts the guarded type', () => {
    assert.equal(guardedType('RefCell<Store>'), 'Store');
    assert.equal(guardedType('Rc<RefCell<Vec<u8>>>'), 'Vec<u8>');
    assert.equal(guardedType('Mutex<HashMap<u32, String>>'), 'HashMap<u32, String>');
  });
});

describe('borrow scopes', () => {
  const scopeText = (a: Analyzed, fnName: string) => {
    const fn = a.find('function_item', fnName);
    return borrowScopesIn(fn, a.env).map((s) => ({
      kind: s.kind, guard: s.guardName, origin: s.acquisition.origin.name, mode: s.acquisition.mode, handling: s.acquisition.handling,
      live: a.text.slice(s.start, s.end).replace(/\s+/g, ' ').trim(),
    }));
  };

  it('let guards live to the end of their block, cut by drop(g) or an inner block', () => {
    const a = analyze(`${PRELUDE}
fn f() {
    let mut g = REGISTRY.lock().unwrap();
    g.push(1);
    drop(g);
    on_change(1);
    {
        let s = STORE.with(|s| s.borrow().count);
        let inner = CACHE.with(Rc::clone);
        let r = inner.borrow();
        log("x");
    }
    on_change(2);
}
`);
    const scopes = scopeText(a, 'fn f');
    const lock = scopes.find((s) => s.guard === 'g')!;
    assert.equal(lock.origin, 'REGISTRY');
    assert.equal(lock.live, 'g.push(1);');
    const r = scopes.find((s) => s.guard === 'r')!;
    assert.equal(r.origin, 'CACHE');
    assert.equal(r.mode, 'shared');
    assert.equal(r.live, 'log("x"); }');
    const temp = scopes.find((s) => s.kind === 'temporary')!;
    assert.equal(temp.origin, 'STORE');
    assert.equal(temp.live, '.count', 'a temporary in a closure body dies with the body');
  });

  it('temporaries live to the end of the statement, through match arms and if-let bodies, not past an if condition', () => {
    const a = analyze(`${PRELUDE}
fn f() {
    CACHE.with(|c| c.borrow_mut().push(1));
    let n = CACHE.with(|c| c.borrow().len());
    let c = CACHE.with(Rc::clone);
    c.borrow_mut().push(on_change(1));
    match c.borrow().first() { Some(x) => on_change(*x), None => {} }
    if let Some(x) = c.borrow().last() { on_change(*x); } else { log("none"); }
    if c.borrow().is_empty() { on_change(0); }
    let v = &mut *c.borrow_mut();
}
`);
    const live = scopeText(a, 'fn f').filter((s) => s.kind === 'temporary' || s.kind === 'let').map((s) => s.live);
    assert.deepEqual(live, [
      '.push(1)',
      '.len()',
      '.push(on_change(1));',
      '.first() { Some(x) => on_change(*x), None => {} }',
      '.last() { on_change(*x); }',
      '.is_empty()',
      '}',
    ]);
  });

  it('an assignment target is borrowed after the assigned value; async locks are not guards', () => {
    const a = analyze(`${PRELUDE}
static QUEUE: tokio::sync::Mutex<Vec<u32>> = tokio::sync::Mutex::const_new(Vec::new());
async fn f(c: Rc<RefCell<Vec<u32>>>) {
    *c.borrow_mut() = load().await;
    let q = QUEUE.lock().await;
    let g = REGISTRY.lock().unwrap();
}
`);
    const scopes = scopeText(a, 'async fn f');
    assert.deepEqual(scopes.map((s) => [s.kind, s.origin]), [['temporary', 'c'], ['let', 'REGISTRY']]);
    assert.equal(scopes[0].live, ';', 'the guard is taken after `load().await` and dropped at the end of the statement');
  });

  it('with_borrow_mut bodies are scopes; try_borrow_mut is graceful unless unwrapped', () => {
    const a = analyze(`${PRELUDE}
fn f() -> Result<(), JsError> {
    STORE.with_borrow_mut(|s| { s.count += 1; });
    STORE.with_borrow(|_| on_change(1));
    let c = CACHE.with(Rc::clone);
    let g = c.try_borrow_mut()?;
    let h = c.try_borrow_mut().unwrap();
    if let Ok(k) = c.try_borrow_mut() { k.push(1); }
    Ok(())
}
`);
    const scopes = scopeText(a, 'fn f');
    assert.deepEqual(scopes.filter((s) => s.kind === 'closure').map((s) => [s.guard, s.mode, s.live]), [
      ['s', 'mutable', '{ s.count += 1; }'],
      [undefined, 'shared', 'on_change(1)'],
    ]);
    assert.equal(scopes.find((s) => s.guard === 'g')?.handling, 'graceful');
    assert.equal(scopes.find((s) => s.guard === 'h')?.handling, 'unwrapped');
    const k = scopes.find((s) => s.guard === 'k')!;
    assert.equal(k.kind, 'if-let');
    assert.equal(k.handling, 'graceful');
  });
});

describe('exported object borrows', () => {
  it('holds the receiver and exported-struct reference arguments for the whole export body', () => {
    const a = analyze(`${PRELUDE}
#[wasm_bindgen]
impl Doc {
    pub fn merge(&mut self, other: &Doc, plain: &str) {}
    pub async fn sync(&self) {}
    pub fn consume(self) {}
    fn helper(&mut self) {}
}
`);
    const of = (name: string) => exportedObjectBorrows(a.find('function_item', name), a.env).map((b) => [b.kind, b.name, b.type, b.mode, b.acrossAwaits]);
    assert.deepEqual(of('pub fn merge'), [['receiver', 'self', 'Doc', 'mutable', false], ['argument', 'other', 'Doc', 'shared', false]]);
    assert.deepEqual(of('pub async fn sync'), [['receiver', 'self', 'Doc', 'shared', true]]);
    assert.deepEqual(of('pub fn consume'), []);
    assert.deepEqual(of('fn helper'), []);
  });
});

describe('JS call points', () => {
  const kindOf = (a: Analyzed, snippet: string, from?: string) => {
    const p = jsCallPointOf(a.find('call_expression', snippet, from), a.env);
    return p ? `${p.kind}/${p.certainty}` : undefined;
  };

  it('recognises crate imports and allow-lists harmless ones', () => {
    const a = analyze(`${PRELUDE}
fn f(l: &Listener, v: &mut Vec<u32>) {
    on_change(1);
    crate::bridge::on_change(2);
    Other::on_change(3);
    log("x");
    l.notify_listener(1);
    v.push(1);
    l.current();
    Listener::create();
    risky();
}
`);
    assert.equal(kindOf(a, 'on_change(1)'), 'import/direct');
    assert.equal(kindOf(a, 'crate::bridge::on_change(2)'), 'import/direct');
    assert.equal(kindOf(a, 'Other::on_change(3)'), undefined);
    assert.equal(kindOf(a, 'log("x")'), undefined);
    assert.equal(kindOf(a, 'l.notify_listener(1)'), 'import/direct');
    assert.equal(kindOf(a, 'v.push(1)'), undefined, 'an ambiguous method name is not matched to a method import');
    assert.equal(kindOf(a, 'l.current()'), undefined, 'getters are property reads');
    assert.equal(kindOf(a, 'Listener::create()'), 'import/direct');
    assert.equal(kindOf(a, 'risky()'), 'import/direct', 'a catch import still runs JS');
  });

  it('recognises js_sys Function calls, Reflect, DOM dispatch and reactions, Array callbacks, eval', () => {
    const a = analyze(`${PRELUDE}
fn f(cb: &js_sys::Function, el: &web_sys::HtmlElement, arr: &js_sys::Array, xs: Vec<u32>, m: &mut HashMap<u32, u32>) {
    cb.call0(&JsValue::NULL);
    cb.call1(&JsValue::NULL, &JsValue::from(1));
    cb.call2(&JsValue::NULL, &a);
    cb.apply(&JsValue::NULL, &args);
    service.call(request);
    js_sys::Reflect::apply(cb, &JsValue::NULL, &args);
    Reflect::get(&obj, &key);
    el.dispatch_event(&event);
    el.click();
    game.click(3, 4);
    el.remove();
    m.remove(&1);
    el.append_child(&node);
    arr.for_each(&mut |v, _, _| {});
    xs.iter().for_each(|v| {});
    js_sys::eval("1");
    js_sys::Date::now();
    JsValue::from_str("x");
}
`);
    assert.equal(kindOf(a, 'cb.call0'), 'function-call/direct');
    assert.equal(kindOf(a, 'cb.call1'), 'function-call/direct');
    assert.equal(kindOf(a, 'cb.call2(&JsValue::NULL, &a)'), undefined, 'call2 takes three arguments');
    assert.equal(kindOf(a, 'cb.apply'), 'function-call/direct');
    assert.equal(kindOf(a, 'service.call(request)'), undefined);
    assert.equal(kindOf(a, 'js_sys::Reflect::apply'), 'reflect/direct');
    assert.equal(kindOf(a, 'Reflect::get'), 'reflect/indirect');
    assert.equal(kindOf(a, 'el.dispatch_event'), 'dom-dispatch/direct');
    assert.equal(kindOf(a, 'el.click()'), 'dom-dispatch/direct');
    assert.equal(kindOf(a, 'game.click(3, 4)'), undefined);
    assert.equal(kindOf(a, 'el.remove()'), 'dom-reaction/indirect');
    assert.equal(kindOf(a, 'm.remove(&1)'), undefined);
    assert.equal(kindOf(a, 'el.append_child'), 'dom-reaction/indirect');
    assert.equal(kindOf(a, 'arr.for_each'), 'array-callback/indirect');
    assert.equal(kindOf(a, 'xs.iter().for_each'), undefined);
    assert.equal(kindOf(a, 'js_sys::eval'), 'eval/direct');
    assert.equal(kindOf(a, 'js_sys::Date::now'), undefined);
    assert.equal(kindOf(a, 'JsValue::from_str'), undefined);
  });

  it('reads inline_js glue: only glue that calls an argument or dispatches runs foreign JS', () => {
    const a = analyze(`
#[wasm_bindgen(inline_js = "export function store(channel, v) { channel.values.push(v); }\\n export function fire(cb, id) { cb(id); }\\n export function poke(el) { el.dispatchEvent(new Event('x')); }")]
extern "C" {
    fn store(channel: &JsValue, v: u32);
    fn fire(cb: &js_sys::Function, id: u32);
    fn poke(el: &JsValue);
}
fn f(c: &JsValue, cb: &js_sys::Function) { store(c, 1); fire(cb, 2); poke(c); }
`);
    assert.match(a.env.importNamed('store')?.inlineJs ?? '', /^function store\(channel, v\) \{/);
    assert.equal(kindOf(a, 'store(c, 1)'), 'import/indirect');
    assert.equal(kindOf(a, 'fire(cb, 2)'), 'import/direct');
    assert.equal(kindOf(a, 'poke(c)'), 'import/direct');
  });

  it('does not take a method of a Rust value for a same-named method import', () => {
    const a = analyze(`${PRELUDE}
struct Hub { listeners: Vec<u32> }
thread_local! { static HUB: RefCell<Hub> = RefCell::new(Hub { listeners: vec![] }); }
fn f(l: &Listener) {
    HUB.with(|h| h.borrow().listeners.notify_listener(1));
    l.notify_listener(2);
}
`);
    const fn = a.find('function_item', 'fn f');
    const resolver = stateResolverFor(a.env, fn)!;
    assert.equal(jsCallPointOf(a.find('call_expression', 'h.borrow().listeners.notify_listener(1)'), a.env, resolver), undefined);
    assert.equal(jsCallPointOf(a.find('call_expression', 'l.notify_listener(2)'), a.env, resolver)?.kind, 'import');
  });

  it('honours settings.extraJsCallPoints for functions, methods and paths', () => {
    const a = analyze(`${PRELUDE}
fn f(bus: &Bus) { emit_event(1); bus.publish(2); events::Hub::fire(3); other(4); }
`, { extraJsCallPoints: ['emit_event', '.publish', 'Hub::fire'] });
    assert.equal(kindOf(a, 'emit_event(1)'), 'configured/direct');
    assert.equal(kindOf(a, 'bus.publish(2)'), 'configured/direct');
    assert.equal(kindOf(a, 'events::Hub::fire(3)'), 'configured/direct');
    assert.equal(kindOf(a, 'other(4)'), undefined);
  });

  it('knows which nested code runs synchronously', () => {
    const a = analyze(`${PRELUDE}
fn f(items: &[u32]) {
    items.iter().for_each(|i| on_change(*i));
    let cb = Closure::<dyn FnMut()>::new(move || on_change(2));
    wasm_bindgen_futures::spawn_local(async move { on_change(3); });
    let later = || on_change(4);
    STORE.with(|s| on_change(5));
}
`);
    const fn = a.find('function_item', 'fn f');
    const sync = (snippet: string) => runsSynchronouslyWithin(a.find('call_expression', snippet), fn);
    assert.equal(sync('on_change(*i)'), true);
    assert.equal(sync('on_change(2)'), false);
    assert.equal(sync('on_change(3)'), false);
    assert.equal(sync('on_change(4)'), false);
    assert.equal(sync('on_change(5)'), true);
  });
});

describe('panic points', () => {
  const kindOf = (a: Analyzed, type: string, snippet: string, from?: string) => {
    const fn = a.find('function_item', 'fn f');
    const p = panicPointOf(a.find(type, snippet, from), a.env, { resolver: stateResolverFor(a.env, fn) });
    return p ? `${p.kind}/${p.failure}` : undefined;
  };

  it('classifies macros, unwraps, indexing, division and clocks', () => {
    const a = analyze(`${PRELUDE}
fn f(v: &[u32], i: usize, d: u32, x: f64) {
    panic!("boom");
    assert_eq!(i, 1);
    debug_assert!(i > 0);
    format!("{}", i);
    let a = Some(1).unwrap();
    let b = Some(1).unwrap_or(0);
    let c = v[i];
    let w = &v[..];
    let q = i / d;
    let r = i / 2;
    let s = x / 2.0;
    let t = i % d;
    let now = std::time::Instant::now();
    let sum = i + 1;
}
`);
    assert.equal(kindOf(a, 'macro_invocation', 'panic!'), 'macro/panic');
    assert.equal(kindOf(a, 'macro_invocation', 'assert_eq!'), 'assert/panic');
    assert.equal(kindOf(a, 'macro_invocation', 'debug_assert!'), undefined, 'debug assertions are off without overflow checks');
    assert.equal(kindOf(a, 'macro_invocation', 'format!'), undefined);
    assert.equal(kindOf(a, 'call_expression', 'Some(1).unwrap()'), 'unwrap/panic');
    assert.equal(kindOf(a, 'call_expression', 'Some(1).unwrap_or(0)'), undefined);
    assert.equal(kindOf(a, 'index_expression', 'v[i]'), 'index/panic');
    assert.equal(kindOf(a, 'index_expression', 'v[..]'), undefined);
    assert.equal(kindOf(a, 'binary_expression', 'i / d'), 'division/panic');
    assert.equal(kindOf(a, 'binary_expression', 'i / 2'), undefined);
    assert.equal(kindOf(a, 'binary_expression', 'x / 2.0'), undefined);
    assert.equal(kindOf(a, 'binary_expression', 'i % d'), 'division/panic');
    assert.equal(kindOf(a, 'call_expression', 'std::time::Instant::now()'), 'clock/panic');
    assert.equal(kindOf(a, 'binary_expression', 'i + 1'), undefined, 'no overflow checks in release');
  });

  it('counts arithmetic and debug assertions only with overflow checks', () => {
    const a = analyze(`${PRELUDE}
fn f(i: u32, x: f64, s: String) {
    let sum = i + 1;
    let f = x + 1.5;
    let t = s + "x";
    let mut n = 0; n += i;
    debug_assert!(i > 0);
}
`, { overflowChecks: true });
    assert.equal(kindOf(a, 'binary_expression', 'i + 1'), 'overflow/panic');
    assert.equal(kindOf(a, 'binary_expression', 'x + 1.5'), undefined);
    assert.equal(kindOf(a, 'binary_expression', 's + "x"'), undefined);
    assert.equal(kindOf(a, 'compound_assignment_expr', 'n += i'), 'overflow/panic');
    assert.equal(kindOf(a, 'macro_invocation', 'debug_assert!'), 'assert/panic');
  });

  it('tells throws and foreign exceptions from panics', () => {
    const a = analyze(`${PRELUDE}
fn f(v: JsValue) {
    let s = v.as_string().unwrap_throw();
    wasm_bindgen::throw_str("bad");
    on_change(1);
    risky();
    log("x");
}
`);
    assert.equal(kindOf(a, 'call_expression', 'v.as_string().unwrap_throw()'), 'throw/throw');
    assert.equal(kindOf(a, 'call_expression', 'wasm_bindgen::throw_str'), 'throw/throw');
    assert.equal(kindOf(a, 'call_expression', 'on_change(1)'), 'foreign/foreign');
    assert.equal(kindOf(a, 'call_expression', 'risky()'), undefined, 'catch imports return Err');
    assert.equal(kindOf(a, 'call_expression', 'log("x")'), undefined);
  });

  it('uses declared types for Vec index methods and leaves maps alone', () => {
    const a = analyze(`${PRELUDE}
fn f() {
    STORE.with_borrow_mut(|s| {
        s.items.remove(0);
        s.names.remove(&1);
        s.items.insert(0, 1);
        s.names.insert(1, String::new());
        unknown.remove(0);
    });
}
`);
    assert.equal(kindOf(a, 'call_expression', 's.items.remove(0)'), 'collection/panic');
    assert.equal(kindOf(a, 'call_expression', 's.names.remove(&1)'), undefined);
    assert.equal(kindOf(a, 'call_expression', 's.items.insert(0, 1)'), 'collection/panic');
    assert.equal(kindOf(a, 'call_expression', 's.names.insert'), undefined);
    assert.equal(kindOf(a, 'call_expression', 'unknown.remove(0)'), undefined);
  });

  it('sees explicit bounds checks that dominate an index', () => {
    const a = analyze(`${PRELUDE}
fn f(v: &mut Vec<u64>, i: usize, j: usize, k: usize, from: u32) {
    if i < v.len() { v[i] += 1; }
    if j >= v.len() { return; }
    v[j] = 0;
    for n in 0..v.len() { v[n] = 1; }
    let f = from as usize;
    let len = v.len();
    if f >= len { return Err(JsError::new("out of range")); }
    v[f] -= 1;
    v[k] = 2;
}
`);
    assert.equal(isBoundsChecked(a.find('index_expression', 'v[i]')), true);
    assert.equal(isBoundsChecked(a.find('index_expression', 'v[j]')), true);
    assert.equal(isBoundsChecked(a.find('index_expression', 'v[n]')), true);
    assert.equal(isBoundsChecked(a.find('index_expression', 'v[f]')), true);
    assert.equal(isBoundsChecked(a.find('index_expression', 'v[k]')), false);
  });
});

describe('mutations', () => {
  const originOf = (a: Analyzed, type: string, snippet: string, from = 'fn f', options = {}) => {
    const node = a.find(type, snippet, from);
    const m = mutationOf(node, stateResolverFor(a.env, node)!, options);
    return m?.origin.name;
  };

  it('finds writes through guards, derived references, cells and static mut', () => {
    const a = analyze(`${PRELUDE}
fn f() {
    STORE.with_borrow_mut(|s| {
        s.count += 1;
        s.items.push(2);
        let n = s.items.len();
        s.items.iter().take(1);
        if let Some(first) = s.items.first_mut() { *first = 0; }
        std::mem::take(&mut s.items);
    });
    STORE.with_borrow(|s| s.items.len());
    HITS.set(HITS.get() + 1);
    CACHE.with(|c| c.borrow_mut().push(1));
    let mut g = REGISTRY.lock().unwrap();
    *g = Vec::new();
    unsafe { LAST = 3; }
    let local = vec![1];
    local.push(1);
}
`);
    assert.equal(originOf(a, 'compound_assignment_expr', 's.count += 1'), 'STORE');
    assert.equal(originOf(a, 'call_expression', 's.items.push(2)'), 'STORE');
    assert.equal(originOf(a, 'call_expression', 's.items.len()'), undefined);
    assert.equal(originOf(a, 'call_expression', 's.items.iter().take(1)'), undefined);
    assert.equal(originOf(a, 'assignment_expression', '*first = 0'), 'STORE');
    assert.equal(originOf(a, 'call_expression', 'std::mem::take'), 'STORE');
    assert.equal(originOf(a, 'call_expression', 'HITS.set'), 'HITS');
    assert.equal(originOf(a, 'call_expression', 'c.borrow_mut().push(1)'), 'CACHE');
    assert.equal(originOf(a, 'assignment_expression', '*g = Vec::new()'), 'REGISTRY');
    assert.equal(originOf(a, 'assignment_expression', 'LAST = 3'), 'LAST');
    assert.equal(originOf(a, 'call_expression', 'local.push(1)'), undefined);
  });

  it('reports plain self fields only when asked (for U04)', () => {
    const a = analyze(`${PRELUDE}
impl Doc {
    pub fn f(&mut self) { self.plain.push(1); self.inner.borrow_mut().push(2); }
}
`);
    assert.equal(originOf(a, 'call_expression', 'self.plain.push(1)'), undefined);
    assert.equal(originOf(a, 'call_expression', 'self.plain.push(1)', 'fn f', { selfFields: true }), 'self.plain');
    assert.equal(originOf(a, 'call_expression', 'self.inner.borrow_mut().push(2)'), 'self.inner');
  });
});

describe('analysis units', () => {
  it('finds exports and callback closures', () => {
    const a = analyze(`${PRELUDE}
#[wasm_bindgen]
pub fn exported() {
    let a = Closure::<dyn FnMut()>::new(move || {});
    let b = Closure::wrap(Box::new(move |e: web_sys::Event| {}) as Box<dyn FnMut(_)>);
    let c = Closure::once_into_js(move || {});
    let d = Closure::own_aborting(move || {});
    spawn_local(async move {});
    let p = future_to_promise(async move { Ok(JsValue::NULL) });
    let e = xs.iter().map(|x| x + 1);
}
pub fn helper() {}
`);
    assert.equal(exportOfFunction(a.find('function_item', 'pub fn exported'), a.env)?.name, 'exported');
    assert.equal(exportOfFunction(a.find('function_item', 'pub fn helper'), a.env), undefined);
    assert.equal(callbackKindOf(a.find('closure_expression', 'move || {}')), 'closure');
    assert.equal(callbackKindOf(a.find('closure_expression', 'move |e: web_sys::Event|')), 'closure');
    assert.equal(callbackKindOf(a.find('closure_expression', 'move || {}', 'once_into_js')), 'closure');
    assert.equal(callbackKindOf(a.find('closure_expression', 'move || {}', 'own_aborting')), 'closure-aborting');
    assert.equal(callbackKindOf(a.find('async_block', 'async move {}')), 'spawn_local');
    assert.equal(callbackKindOf(a.find('async_block', 'async move { Ok')), 'future_to_promise');
    assert.equal(callbackKindOf(a.find('closure_expression', '|x| x + 1')), undefined);
  });

  it('reads Result<_, JsError> return types', () => {
    assert.equal(returnsResultOfJsError('Result<(), JsError>'), true);
    assert.equal(returnsResultOfJsError('Result<Vec<u8>, wasm_bindgen::JsError>'), true);
    assert.equal(returnsResultOfJsError('std::result::Result<HashMap<u32, u32>, JsError>'), true);
    assert.equal(returnsResultOfJsError('Result<(), JsValue>'), false);
    assert.equal(returnsResultOfJsError('Result<JsError, String>'), false);
    assert.equal(returnsResultOfJsError(undefined), false);
  });
});

describe('function facts', () => {
  /** The reference: a cursor walk over every node, filing by type (what collectFunctionFacts did before it searched in wasm). */
  function factsByCursor(owner: Node): Record<string, string[]> {
    const filed: Record<string, string> = {
      call_expression: 'calls', await_expression: 'awaits', macro_invocation: 'macros', index_expression: 'indexes', binary_expression: 'binaries',
      assignment_expression: 'assignments', compound_assignment_expr: 'compoundAssignments', closure_expression: 'closures', async_block: 'asyncBlocks',
      let_declaration: 'lets', let_condition: 'letConditions', for_expression: 'forLoops', match_arm: 'matchArms', if_expression: 'ifs',
    };
    const skipped = new Set(['function_item', 'line_comment', 'block_comment', 'attribute_item', 'macro_definition', 'token_tree']);
    const out: Record<string, string[]> = {};
    for (const key of Object.values(filed)) out[key] = [];
    const cursor = owner.walk();
    try {
      if (!cursor.gotoFirstChild()) return out;
      for (;;) {
        const type = cursor.nodeType;
        const descend = !skipped.has(type);
        if (descend && filed[type]) out[filed[type]].push(`${type}@${cursor.startIndex}-${cursor.endIndex}`);
        if (!advanceCursor(cursor, descend)) break;
      }
    } finally {
      cursor.delete();
    }
    return out;
  }

  it('files the same nodes as a cursor walk, for every function, closure and async block of the Rust fixtures, whole and cut short; also from a whole-file node list', () => {
    const dir = path.join(__dirname, '..', '..', '..', 'test-fixtures', 'rust');
    const texts = fs.readdirSync(dir).filter((f) => f.endsWith('.rs')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    // Broken code too: each fixture cut in the middle of a line (ERROR and MISSING nodes).
    const cut = texts.map((t) => t.slice(0, Math.floor(t.length * 0.6)));
    let owners = 0;
    for (const text of [...texts, ...cut]) {
      const doc = new ParsedDocument(grammars, 'rust', text);
      docs.push(doc);
      // What the Linter's search hands the environment in scans: more types than the facts file (rust/env.ts provideFileNodes).
      const fileNodes = doc.tree.rootNode.descendantsOfType([...FILE_NODE_TYPES, 'source_file', 'static_item', 'impl_item', 'identifier']);
      for (const owner of doc.tree.rootNode.descendantsOfType(['function_item', 'closure_expression', 'async_block'])) {
        const expected = factsByCursor(owner);
        for (const [how, facts] of [['own search', collectFunctionFacts(owner)], ['file list', collectFunctionFacts(owner, fileNodes)]] as const) {
          const actual: Record<string, string[]> = {};
          for (const key of Object.keys(expected)) actual[key] = (facts[key as keyof typeof facts] as Node[]).map((n) => `${n.type}@${n.startIndex}-${n.endIndex}`);
          assert.deepEqual(actual, expected, `facts of ${owner.type} at ${owner.startIndex} (${how})`);
        }
        owners++;
      }
    }
    assert.ok(owners > 500, `${owners} functions compared`);
  });
});

describe('quotedExpression (how messages quote a panic point)', () => {
  it('keeps short text as it is, on one line', () => {
    assert.equal(quotedExpression('map\n    .get(&id)'), 'map.get(&id)');
  });

  it('shrinks the arguments of a long call before cutting anything', () => {
    assert.equal(quotedExpression('js_set(&result, "numChanges", JsValue::from(stats.num_changes as u32))', 'end'), 'js_set(..)');
    assert.equal(quotedExpression('img.write_to(&mut Cursor::new(&mut buffer), ImageOutputFormat::Png)', 'end'), 'img.write_to(..)');
    // A `)` inside a string does not end the argument list.
    assert.equal(quotedExpression('format_value(&values, ") closing paren in a string", options.precision.unwrap_or(2))'), 'format_value(..)');
  });

  it('keeps grouping parentheses (only argument lists shrink)', () => {
    const text = 'image_buffer[(i * 4 * img_width as usize)..((i + 1) * 4 * img_width as usize)]';
    assert.equal(quotedExpression(text), `${text.slice(0, 45)}…`);
  });

  it("drops whole leading links of a long chain when the end is what counts (a method call's receiver)", () => {
    const chain = 'len.split(\'\\n\').filter(|n| !n.is_empty()).next_back().expect("expected at least one non-empty value").parse::<usize>()';
    assert.equal(quotedExpression(chain, 'end'), '….next_back().expect(..).parse::<usize>()');
    assert.equal(quotedExpression(chain), `${'len.split(..).filter(..).next_back().expect(..).parse::<usize>()'.slice(0, 45)}…`);
  });

  it('tolerates broken text (an argument list that never closes)', () => {
    assert.equal(quotedExpression('compute_something_long(first_argument, second_argument, third'), 'compute_something_long(..');
  });
});
