// Fixture for exported-method-calls-back-into-js (R02). Sections start with `// ### <title>`; this
// prelude is prepended to each one. `// @build-mode: unwind` in a section changes its crate's build
// mode. A caret line marks the expected finding on the line above; a section without one stays clean.
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn on_change(id: u32);
    #[wasm_bindgen(js_namespace = app)]
    fn on_reset();
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
}

// ### reported: the catalog's listener loop, the error swallowed by `let _ =`
#[wasm_bindgen]
pub struct Editor {
    doc: String,
    listeners: Vec<js_sys::Function>,
}

#[wasm_bindgen]
impl Editor {
    pub fn insert(&mut self, text: &str) {
        self.doc.push_str(text);
        for l in &self.listeners {
            let _ = l.call0(&JsValue::NULL);
//                  ^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js: `l.call0(..)` runs the JS callback stored in `self.listeners` while `&mut self` holds an exclusive borrow of this `Editor`; if it calls any method of this `Editor` or reads one of its fields, that call fails with an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust"); the result is discarded, so the failure goes unnoticed and the callback silently does not do its work
        }
    }
    pub fn text(&self) -> String {
        self.doc.clone()
    }
}

// ### reported: a callback passed in by JS to a method that does not mutate self, fixed by taking &self
#[wasm_bindgen]
pub struct Scores {
    values: Vec<u32>,
}

#[wasm_bindgen]
impl Scores {
    pub fn each(&mut self, cb: &js_sys::Function) -> Result<(), JsValue> {
        for v in self.values.iter() {
            cb.call1(&JsValue::NULL, &JsValue::from(*v))?;
//          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js: `cb.call1(..)` runs the JS callback `cb` passed in by the caller while `&mut self` holds an exclusive borrow of this `Scores`; if it calls any method of this `Scores` or reads one of its fields, that call fails with an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust") [fix]
        }
        Ok(())
    }
    pub fn total(&self) -> u32 {
        self.values.iter().sum()
    }
}

// ### reported: a stored Option<Function> unwrapped, in a panic=unwind build
// @build-mode: unwind
#[wasm_bindgen]
pub struct Counter {
    count: u32,
    on_change: Option<js_sys::Function>,
}

#[wasm_bindgen]
impl Counter {
    pub fn increment(&mut self) {
        self.count += 1;
        if let Some(cb) = &self.on_change {
            cb.call1(&JsValue::NULL, &JsValue::from(self.count)).unwrap();
//          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js: `cb.call1(..)` runs the JS callback stored in `self.on_change` while `&mut self` holds an exclusive borrow of this `Counter`; if it calls any method of this `Counter` or reads one of its fields, that call fails with a `PanicError` ("recursive use of an object detected which would lead to unsafe aliasing in rust"); the `.unwrap()` turns it into a `PanicError` from this method as well
        }
    }
    pub fn set_listener(&mut self, cb: js_sys::Function) {
        self.on_change = Some(cb);
    }
    pub fn count(&self) -> u32 {
        self.count
    }
}

// ### reported: the callback runs in a helper method the export calls
#[wasm_bindgen]
pub struct Model {
    value: f64,
    subscribers: Vec<js_sys::Function>,
}

#[wasm_bindgen]
impl Model {
    pub fn set(&mut self, value: f64) {
        self.value = value;
        self.notify();
//      ^^^^^^^^^^^^^ exported-method-calls-back-into-js
    }
    pub fn get(&self) -> f64 {
        self.value
    }
}

impl Model {
    fn notify(&self) {
        self.subscribers.iter().for_each(|s| {
            let _ = s.call0(&JsValue::NULL);
        });
    }
}

// ### reported: a plain JS import called from a &mut self method is a warning, once per method
#[wasm_bindgen]
pub struct Store {
    items: Vec<u32>,
}

#[wasm_bindgen]
impl Store {
    pub fn add(&mut self, id: u32) {
        self.items.push(id);
        on_change(id);
//      ^^^^^^^^^^^^^ exported-method-calls-back-into-js: `on_change(..)` calls into JS while `&mut self` holds an exclusive borrow of this `Store`; if it calls any method of this `Store` or reads one of its fields, that call fails with an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust"); if JS lets that error propagate, it crosses this method without running destructors and `Store` stays borrowed for good (1 more call into JS in this method)
        log("added");
        on_reset();
    }
}

// ### reported: a &self method whose class also has &mut self methods and a pub field (warning)
#[wasm_bindgen]
pub struct Player {
    pub volume: u32,
    on_tick: js_sys::Function,
    position: u32,
}

#[wasm_bindgen]
impl Player {
    pub fn tick(&self) {
        let _ = self.on_tick.call1(&JsValue::NULL, &JsValue::from(self.position));
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js: `self.on_tick.call1(..)` runs the JS callback stored in `self.on_tick` while `&self` holds a shared borrow of this `Player`; if it calls `seek()` or the `volume` setter on this `Player`, that call fails with an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust"); the result is discarded, so the failure goes unnoticed and the callback silently does not do its work
    }
    pub fn seek(&mut self, to: u32) {
        self.position = to;
    }
}

// ### reported: a &self method whose class's exclusive accesses include methods taking self: those fail on the ownership check, not the borrow guard (warning)
#[wasm_bindgen]
pub struct Session {
    on_ping: js_sys::Function,
}

#[wasm_bindgen]
impl Session {
    pub fn ping(&self) {
        let _ = self.on_ping.call0(&JsValue::NULL);
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js: `self.on_ping.call0(..)` runs the JS callback stored in `self.on_ping` while `&self` holds a shared borrow of this `Session`; if it calls `close()` on this `Session`, that call throws an `Error` ("attempted to take ownership of Rust value while it was borrowed"); the result is discarded, so the failure goes unnoticed and the callback silently does not do its work
    }
    pub fn close(self) {}
}

#[wasm_bindgen]
pub struct Meter {
    on_read: js_sys::Function,
    count: u32,
}

#[wasm_bindgen]
impl Meter {
    pub fn into_count(self) -> u32 {
        self.count
    }
    pub fn read(&self) {
        let _ = self.on_read.call0(&JsValue::NULL);
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js: `self.on_read.call0(..)` runs the JS callback stored in `self.on_read` while `&self` holds a shared borrow of this `Meter`; if it calls `bump()` or `into_count()` on this `Meter`, that call fails with an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust"), or `into_count()` throws an `Error` ("attempted to take ownership of Rust value while it was borrowed"); the result is discarded, so the failure goes unnoticed and the callback silently does not do its work
    }
    pub fn bump(&mut self) {
        self.count += 1;
    }
}

// ### reported: a &mut argument of an exported type, and a synchronous dispatch_event (warning)
#[wasm_bindgen]
pub struct Doc {
    text: String,
}

#[wasm_bindgen]
pub fn merge(target: &mut Doc, cb: &js_sys::Function) -> Result<(), JsValue> {
    target.text.push('!');
    cb.call0(&JsValue::NULL)?;
//  ^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js
    Ok(())
}

#[wasm_bindgen]
impl Doc {
    pub fn announce(&mut self, el: web_sys::EventTarget) -> Result<(), JsValue> {
        self.text.clear();
        el.dispatch_event(&web_sys::Event::new("changed")?)?;
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js
        Ok(())
    }
}

// ### reported: an async method that never awaits runs its callback under the borrow too
#[wasm_bindgen]
pub struct Job {
    done: bool,
}

#[wasm_bindgen]
impl Job {
    pub async fn finish(&mut self, cb: js_sys::Function) {
        self.done = true;
        let _ = cb.call0(&JsValue::NULL);
//              ^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js
    }
}

// ### not reported: every method is &self and there is no pub field (shared borrows nest)
#[wasm_bindgen]
pub struct Feed {
    items: RefCell<Vec<String>>,
    on_item: js_sys::Function,
}

#[wasm_bindgen]
impl Feed {
    pub fn push(&self, item: String) {
        self.items.borrow_mut().push(item.clone());
        let _ = self.on_item.call1(&JsValue::NULL, &JsValue::from_str(&item));
    }
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }
}

// ### not reported: a &self method calling JS values from a parameter not declared as functions
#[wasm_bindgen]
pub struct Runner {
    filter: u32,
}

#[wasm_bindgen]
impl Runner {
    pub fn run(&self, tests: Vec<JsValue>) {
        for test in tests {
            let _ = test
                .unchecked_into::<js_sys::Function>()
                .call0(&JsValue::NULL);
        }
    }
    pub fn set_filter(&mut self, filter: u32) {
        self.filter = filter;
    }
}

// ### reported: a &self method runs a callback whose parameter type is an imported JS function type, converted with dyn_into in a match
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "(chunk: string) => boolean")]
    pub type ChunkVisitor;
}

#[wasm_bindgen]
pub struct Rope {
    chunks: Vec<String>,
}

#[wasm_bindgen]
impl Rope {
    pub fn each_chunk(&self, visitor: ChunkVisitor) -> Result<(), JsValue> {
        let visitor: JsValue = visitor.into();
        let visitor: js_sys::Function = match visitor.dyn_into() {
            Ok(f) => f,
            Err(_) => return Err(JsValue::from_str("expected a function")),
        };
        self.chunks.iter().for_each(|c| {
            let _ = visitor.call1(&JsValue::NULL, &JsValue::from_str(c));
//                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js
        });
        Ok(())
    }
    pub fn append(&mut self, chunk: &str) {
        self.chunks.push(chunk.to_owned());
    }
}

// ### not reported: a &self method calling a parameter whose imported type is not a function type
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "{ onChunk: (chunk: string) => void }")]
    pub type ChunkSink;
}

#[wasm_bindgen]
pub struct Buffer {
    chunks: Vec<String>,
}

#[wasm_bindgen]
impl Buffer {
    pub fn drain_to(&self, sink: ChunkSink) -> Result<(), JsValue> {
        for c in &self.chunks {
            sink.unchecked_ref::<js_sys::Function>().call1(&JsValue::NULL, &JsValue::from_str(c))?;
        }
        Ok(())
    }
    pub fn push(&mut self, chunk: &str) {
        self.chunks.push(chunk.to_owned());
    }
}

// ### reported: the callback runs inside a closure a walker borrows (`&mut |..|`) or a visitor `iter(|..|)` runs on the spot
struct Tree {
    nodes: Vec<u32>,
}

impl Tree {
    fn walk(&self, visit: &mut dyn FnMut(u32)) {
        for n in &self.nodes {
            visit(*n);
        }
    }
    fn iter(&self, mut visit: impl FnMut(u32) -> bool) {
        for n in &self.nodes {
            if !visit(*n) {
                break;
            }
        }
    }
}

#[wasm_bindgen]
pub struct Outline {
    tree: Tree,
}

#[wasm_bindgen]
impl Outline {
    pub fn walk(&self, f: &js_sys::Function) {
        self.tree.walk(&mut |n| {
            let _ = f.call1(&JsValue::NULL, &JsValue::from(n));
//                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js
        });
    }
    pub fn visit(&self, f: &js_sys::Function) {
        self.tree.iter(|n| f.call1(&JsValue::NULL, &JsValue::from(n)).is_ok());
//                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js
    }
    pub fn add(&mut self, n: u32) {
        self.tree.nodes.push(n);
    }
}

// ### not reported: a closure handed over by value to an unknown method may run later (outside this borrow)
#[wasm_bindgen]
pub struct Feed {
    items: Vec<u32>,
    pending: Vec<Box<dyn FnMut(u32)>>,
}

impl Feed {
    fn on_item(&mut self, cb: Box<dyn FnMut(u32)>) {
        self.pending.push(cb);
    }
}

#[wasm_bindgen]
impl Feed {
    pub fn subscribe(&mut self, f: js_sys::Function) {
        self.on_item(Box::new(move |n| {
            let _ = f.call1(&JsValue::NULL, &JsValue::from(n));
        }));
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

// ### not reported: a tuple field of a Rust type whose method shares a JS import's name
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "Hasher")]
    pub type JsHasher;
    #[wasm_bindgen(structural, method)]
    pub fn digest(this: &JsHasher, input: &[u8]) -> Vec<u8>;
}

pub struct Sha256Hasher;
impl Sha256Hasher {
    pub fn digest(&self, input: &[u8]) -> Vec<u8> { input.to_vec() }
}

#[wasm_bindgen]
pub struct Hasher(Sha256Hasher, Vec<u8>);

#[wasm_bindgen]
impl Hasher {
    pub fn update(&mut self, input: &[u8]) {
        self.1 = self.0.digest(input);
    }
}

// ### not reported: the catalog's fix — listeners cloned and called after the method returned
#[wasm_bindgen]
pub struct Editor {
    doc: String,
    listeners: Vec<js_sys::Function>,
}

#[wasm_bindgen]
impl Editor {
    pub fn insert(&mut self, text: &str) {
        self.doc.push_str(text);
        let listeners = self.listeners.clone();
        wasm_bindgen_futures::spawn_local(async move {
            for l in listeners {
                let _ = l.call0(&JsValue::NULL);
            }
        });
        let later = self.listeners.clone();
        let timer = Closure::once(move || {
            for l in &later {
                let _ = l.call0(&JsValue::NULL);
            }
        });
        timer.forget();
    }
}

// ### not reported: allow-listed calls (console, Date::now, Math::random, casts)
#[wasm_bindgen]
pub struct Clock {
    last: f64,
}

#[wasm_bindgen]
impl Clock {
    pub fn tick(&mut self, v: JsValue) {
        self.last = js_sys::Date::now() + js_sys::Math::random();
        log("tick");
        web_sys::console::log_1(&v);
        let _n: Option<&js_sys::Number> = v.dyn_ref();
    }
}

// ### not reported: no object borrow — a struct without #[wasm_bindgen] impl, a free function, a Durable Object
pub struct Internal {
    cb: js_sys::Function,
}

impl Internal {
    pub fn fire(&mut self) {
        let _ = self.cb.call0(&JsValue::NULL);
    }
}

#[wasm_bindgen]
pub fn run(cb: &js_sys::Function) {
    let _ = cb.call0(&JsValue::NULL);
}

#[durable_object]
pub struct Room {
    on_join: js_sys::Function,
}

impl DurableObject for Room {
    fn new(state: State, env: Env) -> Self {
        todo!()
    }
    async fn fetch(&self, req: Request) -> Result<Response> {
        let _ = self.on_join.call0(&JsValue::NULL);
        Response::ok("ok")
    }
}

// ### not reported: an async method that awaits is R03's (the whole method holds the borrow)
#[wasm_bindgen]
pub struct Sync {
    height: u32,
}

#[wasm_bindgen]
impl Sync {
    pub async fn run(&mut self, cb: js_sys::Function) {
        let v = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await;
        self.height = 1;
        let _ = cb.call1(&JsValue::NULL, &v.unwrap());
    }
}

// ### not reported: a &self method holding a RefCell guard across the callback is R01's
#[wasm_bindgen]
pub struct Log {
    lines: RefCell<Vec<String>>,
    on_line: js_sys::Function,
}

#[wasm_bindgen]
impl Log {
    pub fn add(&self, line: String) {
        let mut lines = self.lines.borrow_mut();
        lines.push(line);
        let _ = self.on_line.call0(&JsValue::NULL);
    }
    pub fn clear(&mut self) {
        self.lines.borrow_mut().clear();
    }
}

// ### not reported: test code
#[cfg(test)]
mod tests {
    use super::*;
    #[wasm_bindgen]
    pub struct T {
        cb: js_sys::Function,
    }
    #[wasm_bindgen]
    impl T {
        pub fn go(&mut self) {
            let _ = self.cb.call0(&JsValue::NULL);
        }
    }
}

// ### reported: broken code does not crash the rule (the call still parses)
#[wasm_bindgen]
pub struct Broken {
    cb: js_sys::Function,
}

#[wasm_bindgen]
impl Broken {
    pub fn go(&mut self {
        let _ = self.cb.call0(&JsValue::NULL;
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exported-method-calls-back-into-js
    }
}

// ### reported: a callback called in a format! argument
#[wasm_bindgen]
pub struct Ticker {
    ticks: u32,
}

#[wasm_bindgen]
impl Ticker {
    pub fn describe(&mut self, f: &js_sys::Function) -> String {
        self.ticks += 1;
        format!("{} {:?}", self.ticks, f.call0(&JsValue::NULL))
//                                       ^^^^^ exported-method-calls-back-into-js: `f.call0(..)` runs the JS callback `f` passed in by the caller while `&mut self` holds an exclusive borrow of this `Ticker`; if it calls any method of this `Ticker` or reads one of its fields, that call fails with an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust")
    }
}
