// Fixture for borrow-held-across-js-call (R01). Sections start with `// ### <title>`; this prelude is
// prepended to each one. `// @build-mode: unwind` in a section changes its crate's build mode. A caret
// line (`//   ^^^ borrow-held-across-js-call`) marks the expected finding on the line above; a section
// without one must stay clean.
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Store {
    items: HashMap<u32, String>,
    version: u32,
}

#[derive(Default)]
struct Cache {
    data: Vec<u8>,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
    static CACHE: Rc<RefCell<Cache>> = Rc::new(RefCell::new(Cache::default()));
}

lazy_static::lazy_static! {
    static ref SESSIONS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn on_change(id: u32);
    #[wasm_bindgen(js_namespace = app, js_name = fetchData)]
    async fn fetch_data() -> JsValue;
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
}

// ### reported: a JS import called inside with_borrow_mut (the catalog's example), fixed by moving the call out
#[wasm_bindgen]
pub fn set_item(id: u32, v: String) {
    STORE.with_borrow_mut(|s| {
        s.items.insert(id, v);
        on_change(id);
      //^^^^^^^^^^^^^ borrow-held-across-js-call: `STORE` is mutably borrowed (guard `s`) across `on_change(..)`, which runs JS; if JS calls back into an export that touches `STORE`, that call traps on `RefCell already borrowed`, and since a trap runs no destructors `STORE` stays borrowed, so every later call that touches it fails too [fix]
    });
}

// ### reported: a guard on an Rc<RefCell> clone held across an .await, fixed with try_borrow_mut
#[wasm_bindgen]
pub async fn refresh() -> Result<(), JsError> {
    let cache = CACHE.with(Rc::clone);
    let mut c = cache.borrow_mut();
    c.data = fetch_data().await.as_string().unwrap_or_default().into_bytes();
                       //^^^^^^ borrow-held-across-js-call: `CACHE` is mutably borrowed (guard `c`) across `.await`; any call into an export that touches `CACHE` while this future is pending traps on `RefCell already borrowed` (a `RuntimeError` in JS) and leaves whatever that call had borrowed stuck [fix]
    Ok(())
}

// ### reported: a temporary guard is alive while its method's arguments call JS
#[wasm_bindgen]
pub fn record(cb: &js_sys::Function) {
    STORE.with(|s| s.borrow_mut().items.insert(0, cb.call0(&JsValue::NULL).unwrap().as_string().unwrap()));
                                                //^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call
}

// ### reported: a let guard on a shared Rc<RefCell> across dispatch_event, fixed by dropping the guard first
#[wasm_bindgen]
pub fn install(target: web_sys::EventTarget) -> Result<(), JsValue> {
    let clicks = Rc::new(RefCell::new(0u32));
    let counter = clicks.clone();
    let listener = Closure::<dyn FnMut()>::new(move || *counter.borrow_mut() += 1);
    target.add_event_listener_with_callback("ping", listener.as_ref().unchecked_ref())?;
    listener.forget();
    let mut count = clicks.borrow_mut();
    *count += 1;
    target.dispatch_event(&web_sys::Event::new("ping")?)?;
  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call [fix]
    Ok(())
}

// ### reported: a static Mutex locked across a callback (every re-entrant lock panics on wasm32)
pub fn broadcast(listeners: &[js_sys::Function]) {
    let sessions = SESSIONS.lock().unwrap();
    for f in listeners {
        let _ = f.call1(&JsValue::NULL, &JsValue::from(sessions.len() as u32));
              //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call
    }
}

// ### reported: a RefCell field of an exported struct borrowed across a callback, in a panic=unwind build
// @build-mode: unwind
#[wasm_bindgen]
pub struct Editor {
    undo: RefCell<Vec<String>>,
    on_edit: js_sys::Function,
}

#[wasm_bindgen]
impl Editor {
    pub fn edit(&self, text: String) {
        let mut undo = self.undo.borrow_mut();
        undo.push(text.clone());
        let _ = self.on_edit.call1(&JsValue::NULL, &JsValue::from_str(&text));
              //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call: `self.undo` is mutably borrowed (guard `undo`) across `self.on_edit.call1(..)`, which runs JS; if JS calls back into an export that touches `self.undo`, that call fails with a `PanicError` (`RefCell already borrowed`) [fix]
    }
}

// ### not reported: a RefCell the exported object owns, borrowed in a `&mut self` method (JS re-entering the object fails on wasm-bindgen's own borrow first: exported-method-calls-back-into-js reports that)
#[wasm_bindgen]
pub struct Timeline {
    listeners: RefCell<Vec<js_sys::Function>>,
    frames: Vec<u32>,
}

#[wasm_bindgen]
impl Timeline {
    pub fn push_frame(&mut self, frame: u32) {
        self.frames.push(frame);
        for l in self.listeners.borrow().iter() {
            let _ = l.call1(&JsValue::NULL, &JsValue::from(frame));
        }
    }
    pub fn add_listener(&self, f: js_sys::Function) {
        self.listeners.borrow_mut().push(f);
    }
}

// ### reported: the same shape with the cell shared (an Rc other code also holds), or a global cell, under `&mut self`
#[wasm_bindgen]
pub struct Channel {
    subscribers: Rc<RefCell<Vec<js_sys::Function>>>,
    sent: u32,
}

#[wasm_bindgen]
impl Channel {
    pub fn send(&mut self, value: u32) {
        self.sent += 1;
        for s in self.subscribers.borrow().iter() {
            let _ = s.call1(&JsValue::NULL, &JsValue::from(value));
                  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call
        }
    }
    pub fn record(&mut self, id: u32) {
        STORE.with_borrow_mut(|s| {
            s.version += 1;
            on_change(id);
          //^^^^^^^^^^^^^ borrow-held-across-js-call
        });
    }
}

// ### reported: a match scrutinee keeps its temporary guard through the arms
#[wasm_bindgen]
pub fn notify_first() {
    match CACHE.with(Rc::clone).borrow().data.first() {
        Some(byte) => on_change(*byte as u32),
                    //^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call
        None => {}
    }
}

// ### reported: an Rc<RefCell> shared by the tasks a click handler spawns, borrowed across an .await (no export involved)
struct Sink {
    sent: u32,
}

impl Sink {
    async fn send(&mut self, v: u32) -> Result<(), ()> {
        self.sent = v;
        Ok(())
    }
}

#[wasm_bindgen]
pub fn wire(button: web_sys::HtmlElement) {
    let sink = Rc::new(RefCell::new(Sink { sent: 0 }));
    let on_click = Closure::<dyn FnMut()>::new(move || {
        let sink = sink.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let mut s = sink.borrow_mut();
            let _ = s.send(1).await;
//                           ^^^^^^ borrow-held-across-js-call: `sink` is mutably borrowed (guard `s`) across `.await`; any other callback or task that borrows `sink` while this future is pending traps on `RefCell already borrowed` (a `RuntimeError` in JS) and leaves whatever that call had borrowed stuck
        });
    });
    button.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    on_click.forget();
}

// ### reported: a RefCell and a Mutex imported under other names, borrowed across a callback
use std::cell::RefCell as StdRefCell;
use std::sync::{Mutex as Lock, OnceLock};

thread_local! {
    static PENDING: StdRefCell<Vec<u32>> = StdRefCell::new(Vec::new());
}
static JOURNAL: Lock<Vec<u32>> = Lock::new(Vec::new());

#[wasm_bindgen]
pub fn queue(id: u32) {
    PENDING.with_borrow_mut(|p| {
        p.push(id);
        on_change(id);
//      ^^^^^^^^^^^^^ borrow-held-across-js-call [fix]
    });
}

#[wasm_bindgen]
pub fn journal(id: u32) {
    let mut j = JOURNAL.lock().unwrap();
    j.push(id);
    on_change(id);
//  ^^^^^^^^^^^^^ borrow-held-across-js-call [fix]
}

// ### not reported: the same aliased cells released before JS runs
use std::cell::RefCell as StdRefCell;
use std::sync::{Mutex as Lock, OnceLock};

thread_local! {
    static PENDING: StdRefCell<Vec<u32>> = StdRefCell::new(Vec::new());
}
static JOURNAL: Lock<Vec<u32>> = Lock::new(Vec::new());

#[wasm_bindgen]
pub fn queue(id: u32) {
    PENDING.with_borrow_mut(|p| p.push(id));
    on_change(id);
    let mut j = JOURNAL.lock().unwrap();
    j.push(id);
    drop(j);
    on_change(id);
}

// ### not reported: a thread_local RefCell that nothing in the crate borrows mutably, borrowed shared across a callback
// @build-mode: unwind
thread_local! {
    static SETTINGS: RefCell<Vec<String>> = RefCell::new(vec![String::from("dark")]);
}

#[wasm_bindgen]
pub fn show(id: u32) -> usize {
    SETTINGS.with_borrow(|s| {
        on_change(id);
        s.len()
    })
}

#[wasm_bindgen]
pub fn show_first(id: u32) -> Option<String> {
    SETTINGS.with(|s| {
        let g = s.borrow();
        on_change(id);
        g.first().cloned()
    })
}

// ### reported: the same shared borrows once some code borrows the cell mutably, or hands it to code we do not follow
// @build-mode: unwind
thread_local! {
    static SETTINGS: RefCell<Vec<String>> = RefCell::new(vec![String::from("dark")]);
    static THEMES: RefCell<Vec<String>> = RefCell::new(Vec::new());
}

#[wasm_bindgen]
pub fn show(id: u32) -> usize {
    SETTINGS.with_borrow(|s| {
        on_change(id);
//      ^^^^^^^^^^^^^ borrow-held-across-js-call
        s.len()
    })
}

#[wasm_bindgen]
pub fn add_setting(v: String) {
    SETTINGS.with(|s| s.borrow_mut().push(v));
}

#[wasm_bindgen]
pub fn show_theme(id: u32) -> usize {
    THEMES.with_borrow(|t| {
        on_change(id);
//      ^^^^^^^^^^^^^ borrow-held-across-js-call
        t.len()
    })
}

fn reset(themes: &RefCell<Vec<String>>) {
    themes.replace(Vec::new());
}

#[wasm_bindgen]
pub fn reset_themes() {
    THEMES.with(|t| reset(t));
}

// ### not reported: the catalog's fixed version (borrow ends before the call, no guard across the await)
#[wasm_bindgen]
pub fn set_item(id: u32, v: String) {
    STORE.with_borrow_mut(|s| { s.items.insert(id, v); });
    on_change(id);
}

#[wasm_bindgen]
pub async fn refresh() -> Result<(), JsError> {
    let data = fetch_data().await.as_string().unwrap_or_default().into_bytes();
    CACHE.with(|c| c.borrow_mut().data = data);
    Ok(())
}

// ### not reported: the guard is dropped, or its block has ended, before JS runs
#[wasm_bindgen]
pub fn bump(id: u32) {
    let cache = CACHE.with(Rc::clone);
    let mut c = cache.borrow_mut();
    c.data.push(1);
    drop(c);
    on_change(id);
    {
        let again = CACHE.with(Rc::clone);
        let mut inner = again.borrow_mut();
        inner.data.clear();
    }
    on_change(id);
}

// ### not reported: a value copied out of a temporary borrow, the temporary dies with its `let`
#[wasm_bindgen]
pub fn announce() {
    let version = STORE.with(|s| s.borrow().version);
    let first = CACHE.with(|c| c.borrow().data.first().copied());
    on_change(version);
    on_change(first.unwrap_or(0) as u32);
}

// ### not reported: try_borrow_mut whose Err is handled gracefully
#[wasm_bindgen]
pub fn guarded(id: u32) {
    STORE.with(|s| {
        if let Ok(mut store) = s.try_borrow_mut() {
            store.version = id;
            on_change(id);
        }
    });
}

// ### not reported: allow-listed calls (console, Date::now, casts) never re-enter
#[wasm_bindgen]
pub fn trace(v: JsValue) {
    STORE.with_borrow_mut(|s| {
        s.version = js_sys::Date::now() as u32;
        log(&format!("version {}", s.version));
        web_sys::console::log_1(&v);
        let _n: Option<&js_sys::Number> = v.dyn_ref();
    });
}

// ### not reported: JS calls deferred to later (spawn_local, Closure, a stored callback) do not run under the borrow
#[wasm_bindgen]
pub fn defer(id: u32) {
    STORE.with_borrow_mut(|s| {
        s.version = id;
        wasm_bindgen_futures::spawn_local(async move { on_change(id) });
        let cb = Closure::<dyn FnMut()>::new(move || on_change(id));
        cb.forget();
    });
}

// ### not reported: an assignment target is borrowed only after the awaited value is computed
#[wasm_bindgen]
pub async fn reload() {
    let cache = CACHE.with(Rc::clone);
    cache.borrow_mut().data = fetch_data().await.as_string().unwrap_or_default().into_bytes();
}

// ### not reported: async mutexes wait instead of panicking, and inline_js glue that cannot call back
static QUEUE: tokio::sync::Mutex<Vec<u32>> = tokio::sync::Mutex::const_new(Vec::new());

#[wasm_bindgen(inline_js = "export function store_value(channel, value) { channel.values.push(value); }")]
extern "C" {
    fn store_value(channel: &JsValue, value: u32);
}

#[wasm_bindgen]
pub async fn enqueue(channel: JsValue, id: u32) {
    let mut queue = QUEUE.lock().await;
    queue.push(id);
    fetch_data().await;
    STORE.with_borrow_mut(|s| {
        s.version = id;
        store_value(&channel, id);
    });
}

// ### reported: inline_js glue that calls one of its arguments can re-enter
#[wasm_bindgen(inline_js = "export function notify(cb, id) { cb(id); }")]
extern "C" {
    fn notify(cb: &js_sys::Function, id: u32);
}

#[wasm_bindgen]
pub fn changed(cb: js_sys::Function, id: u32) {
    STORE.with_borrow_mut(|s| {
        s.version = id;
        notify(&cb, id);
      //^^^^^^^^^^^^^^^ borrow-held-across-js-call [fix]
    });
}

// ### reported: a method import with a common name, called on a receiver declared with the import's type
#[wasm_bindgen]
extern "C" {
    pub type Bus;
    #[wasm_bindgen(method)]
    fn emit(this: &Bus, event: &str);
}

#[wasm_bindgen]
pub fn publish(bus: &Bus, id: u32) {
    STORE.with_borrow_mut(|s| {
        s.version = id;
        bus.emit("changed");
      //^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call: `STORE` is mutably borrowed (guard `s`) across `bus.emit(..)`, which runs JS; if JS calls back into an export that touches `STORE`, that call traps on `RefCell already borrowed`, and since a trap runs no destructors `STORE` stays borrowed, so every later call that touches it fails too [fix]
    });
    let cache = CACHE.with(Rc::clone);
    let c = cache.borrow();
    let relay: Bus = JsValue::NULL.unchecked_into();
    relay.emit(if c.data.is_empty() { "empty" } else { "full" });
  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call
}

// ### reported: a guard dropped only after the callback, fixed by moving the drop before it
#[wasm_bindgen]
pub fn bump_then_notify(cb: &js_sys::Function) {
    let cache = CACHE.with(Rc::clone);
    let mut c = cache.borrow_mut();
    c.data.push(1);
    let _ = cb.call0(&JsValue::NULL);
          //^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call [fix]
    drop(c);
}

// ### reported: a guard dropped in one branch only is still held on the other path (not after the drop)
#[wasm_bindgen]
pub fn maybe_notify(cb: &js_sys::Function, early: bool) {
    let cache = CACHE.with(Rc::clone);
    let mut c = cache.borrow_mut();
    c.data.push(1);
    if early {
        drop(c);
        let _ = cb.call1(&JsValue::NULL, &JsValue::TRUE);
        return;
    }
    let _ = cb.call0(&JsValue::NULL);
          //^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call
}

// ### reported: a lock guard bound by if let Ok(..) (a re-entrant lock() panics instead of returning Err)
#[wasm_bindgen]
pub fn add_session(id: u32, cb: &js_sys::Function) {
    if let Ok(mut sessions) = SESSIONS.lock() {
        sessions.push(id);
        let _ = cb.call0(&JsValue::NULL);
              //^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call
    }
}

// ### reported: a std RwLock write guard across a callback aborts a re-entrant call even under panic=unwind
// @build-mode: unwind
static TABLE: std::sync::RwLock<Vec<u32>> = std::sync::RwLock::new(Vec::new());

#[wasm_bindgen]
pub fn grow(cb: &js_sys::Function) {
    let mut t = TABLE.write().unwrap();
    t.push(1);
    let _ = cb.call0(&JsValue::NULL);
          //^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call: `TABLE` is write-locked (guard `t`) across `cb.call0(..)`, which runs JS; if JS calls back into an export that touches `TABLE`, that call traps on `rwlock locked for writing` and the instance is terminated (`Module terminated` on every later call)
}

// ### reported: a guard whose value the call needs, in a function returning Result<_, JsValue> (fix: try_borrow_mut)
#[wasm_bindgen]
pub fn push_and_report() -> Result<(), JsValue> {
    let cache = CACHE.with(Rc::clone);
    let mut c = cache.borrow_mut();
    c.data.push(1);
    on_change(c.data.len() as u32);
  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ borrow-held-across-js-call [fix]
    Ok(())
}

// ### not reported: property accesses (getter/setter imports, Reflect::get) run JS only for accessors, and a same-named Rust method
#[wasm_bindgen]
extern "C" {
    pub type Options;
    #[wasm_bindgen(method, getter)]
    fn limit(this: &Options) -> u32;
    #[wasm_bindgen(method, setter)]
    fn set_limit(this: &Options, v: u32);
    pub type Emitter;
    #[wasm_bindgen(method)]
    fn emit(this: &Emitter, event: &str);
}

struct Recorder {
    events: Vec<String>,
}

impl Recorder {
    fn emit(&mut self, event: &str) {
        self.events.push(event.to_string());
    }
}

#[wasm_bindgen]
pub fn configure(options: &Options, raw: &JsValue) {
    let mut recorder = Recorder { events: Vec::new() };
    STORE.with_borrow_mut(|s| {
        s.version = options.limit();
        options.set_limit(s.version + 1);
        s.version += js_sys::Reflect::get(raw, &JsValue::from_str("extra")).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
        recorder.emit("configured");
    });
}

// ### not reported: a Rust method of a lock's guarded value that shares a JS method import's name
#[wasm_bindgen]
extern "C" {
    pub type LevelDb;
    #[wasm_bindgen(method, catch)]
    fn put(this: &LevelDb, key: &[u8], value: &[u8]) -> Result<(), JsValue>;
}

pub struct MemDb(Vec<(Vec<u8>, Vec<u8>)>);
impl MemDb {
    pub fn put(&mut self, k: &[u8], v: &[u8]) -> Result<(), String> {
        self.0.push((k.to_vec(), v.to_vec()));
        Ok(())
    }
}

#[wasm_bindgen]
pub struct Shim {
    db: std::sync::Arc<Mutex<MemDb>>,
}

#[wasm_bindgen]
impl Shim {
    pub fn set(&self, k: &[u8], v: &[u8]) -> bool {
        self.db.lock().unwrap().put(k, v).is_ok()
    }
}

// ### not reported: a local RefCell nobody else can reach
#[wasm_bindgen]
pub fn private_cell(id: u32) {
    let local = Rc::new(RefCell::new(Vec::new()));
    let mut l = local.borrow_mut();
    l.push(id);
    on_change(id);
}

// ### not reported: test code
#[cfg(test)]
mod tests {
    use super::*;
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn reenters() {
        STORE.with_borrow_mut(|_s| on_change(1));
    }
}

// ### not reported: broken code does not crash the rule
#[wasm_bindgen]
pub fn broken(id: u32 {
    STORE.with_borrow_mut(|s| {
        s.version = ;
    }
    let x = ;
}

// ### reported: a JS import and a callback called in format!/vec! arguments while the guard is held
#[wasm_bindgen]
pub fn describe_item(id: u32, transform: &js_sys::Function) {
    STORE.with_borrow_mut(|s| {
        s.version += 1;
        let line = format!("{} {:?}", id, on_change(id));
//                                        ^^^^^^^^^ borrow-held-across-js-call: `STORE` is mutably borrowed (guard `s`) across `on_change(..)`, which runs JS; if JS calls back into an export that touches `STORE`, that call traps on `RefCell already borrowed`, and since a trap runs no destructors `STORE` stays borrowed, so every later call that touches it fails too
        let extra = vec![transform.call1(&JsValue::NULL, &JsValue::from(id))];
//                                 ^^^^^ borrow-held-across-js-call: `STORE` is mutably borrowed (guard `s`) across `transform.call1(..)`, which runs JS; if JS calls back into an export that touches `STORE`, that call traps on `RefCell already borrowed`, and since a trap runs no destructors `STORE` stays borrowed, so every later call that touches it fails too
        s.items.insert(id, format!("{line} {}", extra.len()));
    });
}

// ### not reported: macro arguments that call no JS under the guard — console, a call arity that is not Function::call1, a closure, a DSL macro
#[wasm_bindgen]
pub fn describe_quietly(id: u32, transform: &js_sys::Function) {
    STORE.with_borrow_mut(|s| {
        s.version += 1;
        let a = format!("{:?}", log("x"));
        let b = format!("{:?}", s.items.get(&id).map(|v| v.len()));
        let c = format!("{:?}", transform.call1(&JsValue::NULL));
        let d = html! { <button onclick={move |_| on_change(id)} /> };
        s.items.insert(id, format!("{a}{b}{c}{d:?}"));
    });
    on_change(id);
}
