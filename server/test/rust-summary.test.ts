// Unit tests of the per-file Rust index (catalog §B1): exports (free functions, `#[wasm_bindgen] impl`
// methods, js_name/js_class/constructor, receivers, async), start functions, workers-rs entry points,
// exported structs, imports from `extern "C"` blocks with their flags, state roots (statics, `static mut`,
// `thread_local!`/`lazy_static!` token trees, interior-mutable fields), set_on_abort/schedule_reinit,
// and resilience to test code and broken code.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Grammars, ParsedDocument, type RustFileSummary } from '../src/analysis/index';
import { summarizeRustFile } from '../src/analysis/workspace/rust-summary';
import { loadGrammars } from '../src/host/wasm-files';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

function summarize(text: string, path = '/crate/src/lib.rs'): RustFileSummary {
  const doc = new ParsedDocument(grammars, 'rust', text);
  try {
    return summarizeRustFile(path, doc.tree.rootNode, text);
  } finally {
    doc.dispose();
  }
}

describe('rust summary: exports', () => {
  it('finds free-function exports with js_name, async, params and return types, behind doc comments and other attributes', () => {
    const text = `
use wasm_bindgen::prelude::*;

/// Sets an item.
#[wasm_bindgen(js_name = setItem)]
#[allow(clippy::needless_pass_by_value)]
// a plain comment between attributes
pub async fn set_item(id: u32, value: String) -> Result<(), JsError> { Ok(()) }

#[wasm_bindgen]
pub fn plain() {}

pub fn not_exported() {}

#[wasm_bindgen::prelude::wasm_bindgen(js_name = "quoted")]
pub fn pathed() {}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen(js_name = viaCfgAttr))]
pub fn conditional() {}
`;
    const s = summarize(text);
    const byName = new Map(s.exports.map((e) => [e.name, e]));
    assert.deepEqual([...byName.keys()].sort(), ['conditional', 'pathed', 'plain', 'set_item']);
    const setItem = byName.get('set_item')!;
    assert.equal(setItem.jsName, 'setItem');
    assert.equal(setItem.isAsync, true);
    assert.equal(setItem.receiver, 'none');
    assert.deepEqual(setItem.params, [{ name: 'id', type: 'u32' }, { name: 'value', type: 'String' }]);
    assert.equal(setItem.returnType, 'Result<(), JsError>');
    assert.equal(text.slice(setItem.nameRange.start, setItem.nameRange.end), 'set_item');
    assert.equal(byName.get('plain')!.isAsync, false);
    assert.equal(byName.get('pathed')!.jsName, 'quoted');
    assert.equal(byName.get('conditional')!.jsName, 'viaCfgAttr');
  });

  it('exports pub methods of #[wasm_bindgen] impl blocks with receivers, js_class and constructors', () => {
    const s = summarize(`
#[wasm_bindgen(js_class = Document)]
impl Doc {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Doc { Doc { inner: RefCell::new(0) } }
    pub fn apply(&mut self, patch: JsValue) {}
    pub fn read(&self) -> u32 { 0 }
    pub fn into_bytes(self) -> Vec<u8> { vec![] }
    pub fn lifetime<'a>(&'a self) {}
    #[wasm_bindgen(js_name = doAsync)]
    pub async fn do_async(&self) {}
    fn private_helper(&self) {}
}

impl Doc {
    pub fn not_exported(&self) {}
}
`);
    const names = s.exports.map((e) => e.name);
    assert.deepEqual(names, ['new', 'apply', 'read', 'into_bytes', 'lifetime', 'do_async']);
    const by = new Map(s.exports.map((e) => [e.name, e]));
    assert.equal(by.get('new')!.isConstructor, true);
    assert.equal(by.get('apply')!.receiver, '&mut self');
    assert.equal(by.get('read')!.receiver, '&self');
    assert.equal(by.get('into_bytes')!.receiver, 'self');
    assert.equal(by.get('lifetime')!.receiver, '&self');
    assert.equal(by.get('do_async')!.jsName, 'doAsync');
    assert.equal(by.get('do_async')!.isAsync, true);
    for (const e of s.exports) {
      assert.equal(e.implType, 'Doc');
      assert.equal(e.jsClass, 'Document');
    }
  });

  it('records start functions as exports and as start functions', () => {
    const s = summarize(`
#[wasm_bindgen(start)]
fn init() {
    console_error_panic_hook::set_once();
    wasm_bindgen::handler::set_on_abort(on_abort);
}
fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
fn elsewhere() { set_on_abort(on_abort); }
`);
    assert.deepEqual(s.startFunctions.map((e) => e.name), ['init']);
    assert.equal(s.exports.find((e) => e.name === 'init')?.isStart, true);
    assert.deepEqual(s.setOnAbortCalls.map((c) => c.inStart), [true, false]);
    assert.equal(s.usesScheduleReinit, true);
  });

  it('does not count a `use` of schedule_reinit as using it', () => {
    const s = summarize('use wasm_bindgen::handler::schedule_reinit;\nfn f() {}\n');
    assert.equal(s.usesScheduleReinit, false);
    assert.equal(summarize('fn f() { set_on_abort(wasm_bindgen::handler::schedule_reinit); }').usesScheduleReinit, true);
  });

  it('treats workers-rs #[event] functions and Durable Object impls as exports', () => {
    const s = summarize(`
#[event(fetch)]
async fn main(req: Request, env: Env, _ctx: Context) -> Result<Response> { todo!() }

#[event(start)]
fn start() { set_on_abort(on_abort); }

#[durable_object]
pub struct Counter { count: RefCell<u32>, state: State }

impl DurableObject for Counter {
    fn new(state: State, env: Env) -> Self { todo!() }
    async fn fetch(&self, req: Request) -> Result<Response> { todo!() }
}

#[durable_object]
impl DurableObject for Legacy {
    async fn fetch(&mut self, req: Request) -> Result<Response> { todo!() }
}
`);
    const by = new Map(s.exports.map((e) => [`${e.implType ?? ''}::${e.name}`, e]));
    assert.ok(by.has('::main'));
    assert.equal(by.get('::main')!.jsName, 'fetch');
    assert.equal(by.get('::start')!.isStart, true);
    assert.equal(by.get('Counter::fetch')!.receiver, '&self');
    assert.ok(by.has('Counter::new'));
    assert.equal(by.get('Legacy::fetch')!.receiver, '&mut self');
    assert.deepEqual(s.setOnAbortCalls.map((c) => c.inStart), [true]);
    assert.deepEqual(s.structs.map((x) => x.name), ['Counter']);
    assert.deepEqual(s.stateRoots.map((r) => `${r.owner}.${r.name}`), ['Counter.count']);
  });
});

describe('rust summary: structs and imports', () => {
  it('lists exported struct fields with pub flags, and interior-mutable fields as state roots', () => {
    const s = summarize(`
#[wasm_bindgen(js_name = Editor)]
pub struct EditorState {
    pub width: u32,
    #[wasm_bindgen(skip)]
    pub hidden: String,
    text: String,
    undo: RefCell<Vec<String>>,
    hits: Cell<u32>,
    shared: Rc<RefCell<Cache>>,
    lock: std::sync::Mutex<u8>,
    guarded: AssertUnwindSafe<RefCell<u8>>,
}
struct NotExported { x: RefCell<u8> }
`);
    assert.equal(s.structs.length, 1);
    const st = s.structs[0];
    assert.equal(st.name, 'EditorState');
    assert.equal(st.jsName, 'Editor');
    assert.deepEqual(st.fields.map((f) => [f.name, f.isPub]), [
      ['width', true], ['hidden', false], ['text', false], ['undo', false], ['hits', false], ['shared', false], ['lock', false], ['guarded', false],
    ]);
    assert.deepEqual(s.stateRoots.map((r) => [r.name, r.kind, r.owner]), [
      ['undo', 'struct_field', 'EditorState'], ['hits', 'struct_field', 'EditorState'], ['shared', 'struct_field', 'EditorState'],
      ['lock', 'struct_field', 'EditorState'], ['guarded', 'struct_field', 'EditorState'],
    ]);
  });

  it('reads extern "C" imports with their own and their block\'s flags', () => {
    const s = summarize(`
#[wasm_bindgen(module = "/js/bridge.js")]
extern "C" {
    #[wasm_bindgen(js_name = onChange)]
    fn on_change(id: u32);
    #[wasm_bindgen(catch)]
    fn risky() -> Result<JsValue, JsValue>;
    pub type Listener;
    #[wasm_bindgen(method)]
    fn notify(this: &Listener, v: u32);
    #[wasm_bindgen(method, getter)]
    fn value(this: &Listener) -> u32;
    #[wasm_bindgen(static_method_of = Listener, js_name = create)]
    fn create_listener() -> Listener;
    #[wasm_bindgen(constructor)]
    fn new() -> Listener;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
    #[wasm_bindgen(js_namespace = ["app", "events"])]
    fn emit(name: &str);
}

extern "C" { fn not_wasm_bindgen(); }
`);
    const by = new Map(s.imports.map((i) => [i.name, i]));
    assert.deepEqual([...by.keys()], ['on_change', 'risky', 'notify', 'value', 'create_listener', 'new', 'log', 'emit']);
    assert.equal(by.get('on_change')!.jsName, 'onChange');
    assert.equal(by.get('on_change')!.module, '/js/bridge.js');
    assert.equal(by.get('on_change')!.catch, false);
    assert.equal(by.get('risky')!.catch, true);
    assert.equal(by.get('risky')!.returnType, 'Result<JsValue, JsValue>');
    assert.equal(by.get('notify')!.method, true);
    assert.equal(by.get('notify')!.selfType, 'Listener');
    assert.equal(by.get('value')!.isGetter, true);
    assert.equal(by.get('create_listener')!.staticMethodOf, 'Listener');
    assert.equal(by.get('new')!.isConstructor, true);
    assert.equal(by.get('log')!.jsNamespace, 'console');
    assert.equal(by.get('log')!.module, undefined);
    assert.equal(by.get('emit')!.jsNamespace, 'app.events');
  });

  it('does not export functions declared inside extern blocks', () => {
    const s = summarize('#[wasm_bindgen]\nextern "C" { #[wasm_bindgen] fn alert(s: &str); }\n');
    assert.deepEqual(s.exports, []);
    assert.equal(s.imports.length, 1);
  });
});

describe('rust summary: state roots', () => {
  it('finds statics with interior mutability and every static mut', () => {
    const s = summarize(`
static COUNTER: AtomicU32 = AtomicU32::new(0);
static mut LAST: Option<String> = None;
pub static REGISTRY: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static LAZY: LazyLock<RwLock<Config>> = LazyLock::new(|| RwLock::new(Config::default()));
static CONSTANT: [&str; 2] = ["a", "b"];
const NOT_STATE: RefCell<u8> = RefCell::new(0);
fn f() {
    static LOCAL: OnceLock<Mutex<u8>> = OnceLock::new();
}
`);
    assert.deepEqual(s.stateRoots.map((r) => [r.name, r.kind]), [
      ['COUNTER', 'static'], ['LAST', 'static mut'], ['REGISTRY', 'static'], ['LAZY', 'static'], ['LOCAL', 'static'],
    ]);
    assert.equal(s.stateRoots[2].type, 'Mutex<Vec<u8>>');
    assert.equal(s.stateRoots[2].init, 'Mutex::new(Vec::new())');
  });

  it('resolves `use … as …` renames of cell types in state roots and exported struct fields, also unit by unit', () => {
    const text = (rename: string) => `
use std::sync::Mutex as ${rename};
use std::cell::{Cell as Flag, RefCell as Shared};
use parking_lot::{RwLock as FastLock};
mod inner { pub use std::sync::OnceLock as Once; }
static REGISTRY: ${rename}<Vec<u8>> = ${rename}::new(Vec::new());
static TABLE: FastLock<Vec<u8>> = FastLock::new(Vec::new());
static PLAIN: Plain<u8> = Plain::new(0);
thread_local! { static BUSY: Flag<bool> = Flag::new(false); }
#[wasm_bindgen]
pub struct Editor { undo: Shared<Vec<String>>, other: my::Shared<u8> }
`;
    const expected = [
      ['REGISTRY', 'Mutex<Vec<u8>>'], ['TABLE', 'parking_lot::RwLock<Vec<u8>>'], ['BUSY', 'Cell<bool>'], ['undo', 'RefCell<Vec<String>>'],
    ];
    const plain = summarize(text('StdMutex'));
    assert.deepEqual(plain.stateRoots.map((r) => [r.name, r.type]), expected);
    assert.deepEqual(plain.structs[0].fields.map((f) => f.type), ['RefCell<Vec<String>>', 'my::Shared<u8>']);
    // Unit by unit: a changed rename re-walks the units it affects (the `use` line is a unit of its own).
    const next = new Map();
    const first = new ParsedDocument(grammars, 'rust', text('StdMutex'));
    const second = new ParsedDocument(grammars, 'rust', text('Guarded'));
    try {
      const a = summarizeRustFile('/crate/src/lib.rs', first.tree.rootNode, text('StdMutex'), { next });
      assert.deepEqual(a.stateRoots.map((r) => [r.name, r.type]), expected);
      const b = summarizeRustFile('/crate/src/lib.rs', second.tree.rootNode, text('Guarded'), { previous: next, next: new Map() });
      assert.deepEqual(b.stateRoots.map((r) => [r.name, r.type]), expected);
      const unrenamed = text('StdMutex').replace('use std::sync::Mutex as StdMutex;', 'use std::sync::Mutex;');
      const third = new ParsedDocument(grammars, 'rust', unrenamed);
      try {
        const c = summarizeRustFile('/crate/src/lib.rs', third.tree.rootNode, unrenamed, { previous: next, next: new Map() });
        assert.deepEqual(c.stateRoots.map((r) => r.name), ['TABLE', 'BUSY', 'undo']);
      } finally {
        third.dispose();
      }
    } finally {
      first.dispose();
      second.dispose();
    }
  });

  it('resolves renames in a file so broken at its end that tree-sitter roots it in an ERROR node', () => {
    const text = `
use std::sync::Mutex as Lock;
static JOURNAL: Lock<Vec<u32>> = Lock::new(Vec::new());
pub fn broken(id: u32 {
    STORE.with_borrow_mut(|s| {
        s.version = ;
    }
    let x = ;
}
fn after() {}
`;
    const doc = new ParsedDocument(grammars, 'rust', text);
    try {
      // The premise: the root is not a source_file (if a grammar update changes that, find another tail).
      assert.equal(doc.tree.rootNode.type, 'ERROR');
      const s = summarizeRustFile('/crate/src/lib.rs', doc.tree.rootNode, text);
      assert.deepEqual(s.stateRoots.map((r) => [r.name, r.type]), [['JOURNAL', 'Mutex<Vec<u32>>']]);
    } finally {
      doc.dispose();
    }
  });

  it('re-tokenises thread_local! bodies: attributes, doc comments, visibility, const initialisers, no trailing semicolon', () => {
    const text = `
thread_local! {
    /// The store.
    #[allow(unused)]
    pub(crate) static STORE: RefCell<HashMap<u32, String>> = RefCell::new(HashMap::new());
    static CACHE: Rc<RefCell<Cache>> = const { Rc::new(RefCell::new(Cache::EMPTY)) };
    static HITS: Cell<u32> = Cell::new(0)
}
thread_local!(static PAREN: RefCell<u8> = RefCell::new(1));
`;
    const s = summarize(text);
    assert.deepEqual(s.stateRoots.map((r) => [r.name, r.kind, r.type]), [
      ['STORE', 'thread_local', 'RefCell<HashMap<u32, String>>'],
      ['CACHE', 'thread_local', 'Rc<RefCell<Cache>>'],
      ['HITS', 'thread_local', 'Cell<u32>'],
      ['PAREN', 'thread_local', 'RefCell<u8>'],
    ]);
    assert.equal(s.stateRoots[0].init, 'RefCell::new(HashMap::new())');
    assert.equal(s.stateRoots[1].init, '{ Rc::new(RefCell::new(Cache::EMPTY)) }');
    assert.equal(s.stateRoots[2].init, 'Cell::new(0)');
    const store = s.stateRoots[0];
    assert.equal(text.slice(store.nameRange.start, store.nameRange.end), 'STORE');
  });

  it('re-tokenises lazy_static! bodies with `static ref`', () => {
    const s = summarize(`
lazy_static::lazy_static! {
    static ref SESSIONS: Mutex<HashMap<u32, Session>> = Mutex::new(HashMap::new());
    pub static ref NAMES: Vec<&'static str> = vec!["a"];
}
`);
    assert.deepEqual(s.stateRoots.map((r) => [r.name, r.kind, r.type]), [
      ['SESSIONS', 'lazy_static', 'Mutex<HashMap<u32, Session>>'],
      ['NAMES', 'lazy_static', "Vec<&'static str>"],
    ]);
  });
});

describe('rust summary: test code and broken code', () => {
  it('leaves out #[cfg(test)] modules, #[test] functions and files under tests/', () => {
    const s = summarize(`
#[wasm_bindgen]
pub fn real() {}

#[cfg(test)]
mod tests {
    thread_local! { static T: RefCell<u8> = RefCell::new(0); }
    #[wasm_bindgen]
    pub fn test_only() {}
}

#[cfg(not(test))]
#[wasm_bindgen]
pub fn not_test() {}
`);
    assert.deepEqual(s.exports.map((e) => e.name), ['real', 'not_test']);
    assert.deepEqual(s.stateRoots, []);
    assert.deepEqual(summarize('#[wasm_bindgen]\npub fn f() {}\n', '/crate/tests/web.rs').exports, []);
  });

  it('survives syntax errors and keeps what parsed', () => {
    const s = summarize(`
thread_local! { static OK: RefCell<u8> = RefCell::new(0); }
#[wasm_bindgen]
pub fn good() {}
#[wasm_bindgen]
pub fn broken( {
    let x = ;
}
thread_local! { static : = ; static }
#[wasm_bindgen]
extern "C" { fn half(
`);
    assert.ok(s.exports.some((e) => e.name === 'good'));
    assert.ok(s.stateRoots.some((r) => r.name === 'OK'));
  });

  it('handles deeply nested code without recursion', () => {
    const depth = 3000;
    const text = `#[wasm_bindgen]\npub fn deep() { ${'{'.repeat(depth)} ${'}'.repeat(depth)} }\nthread_local! { static S: Cell<u8> = Cell::new(0); }\n`;
    const s = summarize(text);
    assert.deepEqual(s.exports.map((e) => e.name), ['deep']);
    assert.deepEqual(s.stateRoots.map((r) => r.name), ['S']);
  });
});
