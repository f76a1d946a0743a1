// Fixture for abort-build-throw-inside-borrow (U09). Sections start with `// ### <title>`; this prelude
// is prepended to each one. The rule applies to panic=abort builds (the default: no `@build-mode`
// line); under abort+handler only throw points count, under unwind it is silent. A caret line
// (`//   ^^^ abort-build-throw-inside-borrow`) marks the expected finding on the line above; a section
// without one must stay clean.
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

#[derive(serde::Deserialize)]
struct Patch {
    ops: Vec<u32>,
}

#[derive(Default)]
struct Inner {
    ops: Vec<u32>,
}

impl Inner {
    fn apply(&mut self, p: Patch) {
        self.ops.extend(p.ops);
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<String, u32>> = RefCell::new(HashMap::new());
}

static SESSIONS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

// ### reported: the catalog's Doc::apply — expect_throw inside a &mut self method, fixed with Result and ?
#[wasm_bindgen]
pub struct Doc {
    inner: Inner,
}

#[wasm_bindgen]
impl Doc {
    pub fn apply(&mut self, patch: JsValue) {
        let p: Patch = serde_wasm_bindgen::from_value(patch).expect_throw("bad patch");
//                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `serde_wasm_bindgen::from_value(patch).expect_throw(..)` throws a JS exception while wasm-bindgen holds the exclusive borrow of `self` (`Doc`); under panic=abort no destructor runs on the way out, so the borrow is never released: the caller gets the exception, then every later call on this `Doc` throws 'recursive use of an object detected which would lead to unsafe aliasing in rust' [fix]
        self.inner.apply(p);
    }
}

// ### reported: unwrap_throw in a &self getter-like method that returns a value
#[wasm_bindgen]
pub struct Table {
    values: HashMap<String, u32>,
}

#[wasm_bindgen]
impl Table {
    pub fn set(&mut self, key: String, value: u32) {
        self.values.insert(key, value);
    }

    pub fn lookup(&self, key: &str) -> u32 {
        *self.values.get(key).unwrap_throw()
//       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `self.values.get(key).unwrap_throw()` throws a JS exception while wasm-bindgen holds a shared borrow of `self` (`Table`); under panic=abort no destructor runs on the way out, so the borrow is never released: the caller gets the exception, then every later `&mut self` call on this `Table` throws 'recursive use of an object detected which would lead to unsafe aliasing in rust' and `free()` fails [fix]
    }
}

// ### reported: a class with only &self methods — the stuck shared borrow breaks free() (a warning)
#[wasm_bindgen]
pub struct Encoder {
    ranks: HashMap<String, u32>,
}

#[wasm_bindgen]
impl Encoder {
    pub fn rank(&self, token: &str) -> u32 {
        *self.ranks.get(token).expect_throw("unknown token")
//       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `self.ranks.get(token).expect_throw(..)` throws a JS exception while wasm-bindgen holds a shared borrow of `self` (`Encoder`); under panic=abort no destructor runs on the way out, so the borrow is never released: the caller gets the exception, then `free()` on this `Encoder` throws 'attempted to take ownership of Rust value while it was borrowed' and the object leaks [fix]
    }
}

// ### reported: throw_str inside with_borrow_mut leaves the thread_local borrowed
#[wasm_bindgen]
pub fn remember(key: String, value: u32) {
    CACHE.with_borrow_mut(|c| {
        if c.contains_key(&key) {
            wasm_bindgen::throw_str("duplicate key");
//          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `wasm_bindgen::throw_str(..)` throws a JS exception while `CACHE` is mutably borrowed; under panic=abort no destructor runs on the way out, so the borrow is never released: the caller gets the exception, then every later borrow of `CACHE` panics ('RefCell already borrowed')
        }
        c.insert(key, value);
    });
}

// ### reported: a throw under a shared borrow of a thread_local that another export writes
#[wasm_bindgen]
pub fn get(key: &str) -> u32 {
    CACHE.with_borrow(|c| *c.get(key).expect_throw("unknown key"))
//                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `c.get(key).expect_throw(..)` throws a JS exception while `CACHE` is borrowed; under panic=abort no destructor runs on the way out, so the borrow is never released: the caller gets the exception, then every later `borrow_mut()` of `CACHE` panics ('RefCell already borrowed')
}

#[wasm_bindgen]
pub fn put(key: String, value: u32) {
    CACHE.with_borrow_mut(|c| c.insert(key, value));
}

// ### reported: a static Mutex guard and expect_throw, fixed with Result and ?
#[wasm_bindgen]
pub fn join(id: JsValue) {
    let mut sessions = SESSIONS.lock().unwrap();
    sessions.push(id.as_f64().expect_throw("id must be a number") as u32);
//                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `id.as_f64().expect_throw(..)` throws a JS exception while `SESSIONS` is locked; under panic=abort no destructor runs on the way out, so the borrow is never released: the caller gets the exception, then every later `lock()` of `SESSIONS` panics 'cannot recursively acquire mutex' [fix]
}

// ### reported: panics in a &mut self method — one info finding that counts the rest
#[wasm_bindgen]
pub struct Buffer {
    items: Vec<f64>,
}

#[wasm_bindgen]
impl Buffer {
    pub fn scale(&mut self, index: usize, by: &str) {
        let factor: f64 = by.parse().unwrap();
//                        ^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `by.parse().unwrap()` can panic while wasm-bindgen holds the exclusive borrow of `self` (`Buffer`); under panic=abort the panic traps (`WebAssembly.RuntimeError`) without releasing the borrow and the instance keeps running: every later call on this `Buffer` throws 'recursive use of an object detected which would lead to unsafe aliasing in rust' (1 more panic point in this method)
        self.items[index] *= factor;
    }
}

// ### reported: a throw and a panic in the same method are two findings; the throw fix returns Result
#[wasm_bindgen]
pub struct Counter {
    counts: Vec<u32>,
}

#[wasm_bindgen]
impl Counter {
    pub fn bump(&mut self, slot: JsValue) -> u32 {
        let i = slot.as_f64().expect_throw("slot must be a number") as usize;
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow [fix]
        self.counts[i] += 1;
//      ^^^^^^^^^^^^^^ abort-build-throw-inside-borrow
        self.counts[i]
    }
}

// ### reported: abort+handler — a throw stays non-fatal, so the borrow is still stuck
// @build-mode: abort+handler
#[wasm_bindgen]
pub struct Doc {
    inner: Inner,
}

#[wasm_bindgen]
impl Doc {
    pub fn apply(&mut self, patch: JsValue) -> Result<(), JsValue> {
        let p: Patch = serde_wasm_bindgen::from_value(patch).unwrap_throw();
//                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `serde_wasm_bindgen::from_value(patch).unwrap_throw()` throws a JS exception while wasm-bindgen holds the exclusive borrow of `self` (`Doc`); under panic=abort a thrown JS exception stays non-fatal even with the abort handler, and no destructor runs on the way out, so the borrow is never released: the caller gets the exception, then every later call on this `Doc` throws 'recursive use of an object detected which would lead to unsafe aliasing in rust' [fix]
        let first = p.ops[0];
        self.inner.apply(p);
        if first == 0 {
            return Err(JsValue::from_str("empty"));
        }
        Ok(())
    }
}

// ### reported: a panic under a guard on a cell the &mut self object owns names the object's stuck borrow (the next call fails on it first)
#[wasm_bindgen]
pub struct RowIterator {
    rows: RefCell<Vec<u32>>,
}

#[wasm_bindgen]
impl RowIterator {
    pub fn next_row(&mut self) -> u32 {
        let mut rows = self.rows.borrow_mut();
        match rows.pop() {
            Some(r) => r,
            None => panic!("no rows"),
//                  ^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow: `panic!(..)` can panic while wasm-bindgen holds the exclusive borrow of `self` (`RowIterator`); under panic=abort the panic traps (`WebAssembly.RuntimeError`) without releasing the borrow and the instance keeps running: every later call on this `RowIterator` throws 'recursive use of an object detected which would lead to unsafe aliasing in rust'
        }
    }
}

// ### reported: a &mut argument of an exported type stays borrowed
#[wasm_bindgen]
pub struct Doc {
    inner: Inner,
}

#[wasm_bindgen]
pub fn merge(target: &mut Doc, patch: JsValue) -> usize {
    let p: Patch = serde_wasm_bindgen::from_value(patch).expect_throw("bad patch");
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow [fix]
    target.inner.apply(p);
    return target.inner.ops.len();
}

// ### reported: a closure handed to JS panics while it holds a shared RefCell
#[wasm_bindgen]
pub fn watch(target: &web_sys::EventTarget) {
    let state = std::rc::Rc::new(RefCell::new(Vec::<String>::new()));
    let inner = state.clone();
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let mut s = inner.borrow_mut();
        s.push(e.type_().strip_prefix("x-").unwrap().to_owned());
//             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow
    });
    handler.forget();
}

// ### not reported: the catalog's fix — Result and ?, the borrow is released before the glue throws
#[wasm_bindgen]
pub struct Doc {
    inner: Inner,
}

#[wasm_bindgen]
impl Doc {
    pub fn apply(&mut self, patch: JsValue) -> Result<(), JsError> {
        let p: Patch = serde_wasm_bindgen::from_value(patch)?;
        self.inner.apply(p);
        Ok(())
    }
}

// ### not reported: panic=unwind — the borrow is released while unwinding
// @build-mode: unwind
#[wasm_bindgen]
pub struct Doc {
    inner: Inner,
}

#[wasm_bindgen]
impl Doc {
    pub fn apply(&mut self, patch: JsValue) {
        let p: Patch = serde_wasm_bindgen::from_value(patch).expect_throw("bad patch");
        self.inner.apply(p);
    }
}

// ### not reported: a free function with owned arguments throws before any borrow
#[wasm_bindgen]
pub fn parse_id(s: &str) -> u32 {
    let id: u32 = s.parse().expect_throw("not a number");
    CACHE.with_borrow_mut(|c| c.insert(s.to_owned(), id));
    id
}

// ### not reported: abort+handler — a panic terminates the instance, nothing stays stuck
// @build-mode: abort+handler
#[wasm_bindgen]
pub struct Buffer {
    items: Vec<f64>,
}

#[wasm_bindgen]
impl Buffer {
    pub fn scale(&mut self, index: usize, by: &str) {
        let factor: f64 = by.parse().unwrap();
        self.items[index] *= factor;
    }
}

// ### not reported: the guard is gone before the throw (block scope, drop)
#[wasm_bindgen]
pub fn lookup(key: &str) -> u32 {
    let found = {
        let c = CACHE.with(|c| c.borrow().get(key).copied());
        c
    };
    let mut sessions = SESSIONS.lock().unwrap();
    sessions.push(1);
    drop(sessions);
    found.expect_throw("unknown key")
}

// ### not reported: a panic in a helper that JS does not call directly; an unwrapped lock alone
fn refresh(key: &str) {
    CACHE.with_borrow_mut(|c| {
        let v = c.get(key).copied().unwrap();
        c.insert(key.to_owned(), v + 1);
    });
}

#[wasm_bindgen]
pub fn count() -> usize {
    let sessions = SESSIONS.lock().unwrap();
    sessions.len()
}

// ### not reported: the unwrap of a lock on a field of an argument (no poisoning without unwinding)
#[wasm_bindgen]
pub struct Session {
    client: std::sync::Arc<Mutex<Vec<u32>>>,
}

#[wasm_bindgen]
pub struct Renderer {
    scale: f32,
}

#[wasm_bindgen]
impl Renderer {
    pub fn page_count(&mut self, ses: &Session) -> usize {
        let kern = ses.client.lock().unwrap();
        let pages = ses.client.lock().expect("lock");
        kern.len() + pages.len()
    }
}

// ### reported: Reflect::set on an object JS handed in can throw (a setter, a frozen object)
#[wasm_bindgen]
pub struct Exporter {
    names: Vec<String>,
}

#[wasm_bindgen]
impl Exporter {
    pub fn fill(&mut self, target: &JsValue) {
        for (i, name) in self.names.iter().enumerate() {
            js_sys::Reflect::set(target, &JsValue::from(i as u32), &JsValue::from_str(name)).unwrap();
//          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow
        }
    }

    pub fn fill_after_callback(&mut self, cb: &js_sys::Function) -> JsValue {
        let obj = js_sys::Object::new();
        for name in self.names.iter() {
            js_sys::Reflect::set(&obj, &JsValue::from_str(name), &JsValue::TRUE).unwrap();
//          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-build-throw-inside-borrow
            let _ = cb.call1(&JsValue::NULL, &obj);
        }
        obj.into()
    }
}

// ### not reported: Reflect::set on an object the method just created (it cannot throw)
#[wasm_bindgen]
pub struct Snapshot {
    names: HashMap<u32, String>,
}

#[wasm_bindgen]
impl Snapshot {
    pub fn to_js(&mut self) -> JsValue {
        let result = js_sys::Object::new();
        for (id, name) in self.names.iter() {
            js_sys::Reflect::set(&result, &JsValue::from(*id), &JsValue::from_str(name)).unwrap();
        }
        js_sys::Reflect::set(&result, &"count".into(), &JsValue::from(self.names.len() as u32)).expect("set");
        result.into()
    }
}

// ### not reported: an unwrap the author allowed explicitly (Clippy's unwrap_used)
#[wasm_bindgen]
pub struct View {
    cells: Vec<u32>,
}

#[wasm_bindgen]
impl View {
    #[allow(clippy::unwrap_used)]
    pub fn selected(&mut self) -> JsValue {
        serde_wasm_bindgen::to_value(&self.cells).unwrap()
    }
}

// ### not reported: a requestAnimationFrame loop reads its own closure under a shared borrow
#[wasm_bindgen]
pub fn animate() {
    let f = std::rc::Rc::new(RefCell::new(None::<Closure<dyn FnMut()>>));
    let g = f.clone();
    *g.borrow_mut() = Some(Closure::new(move || {
        web_sys::window()
            .unwrap_throw()
            .request_animation_frame(f.borrow().as_ref().unwrap_throw().as_ref().unchecked_ref())
            .unwrap_throw();
    }));
    web_sys::window()
        .unwrap_throw()
        .request_animation_frame(g.borrow().as_ref().unwrap_throw().as_ref().unchecked_ref())
        .unwrap_throw();
    let restart = move || {
        web_sys::window()
            .unwrap_throw()
            .request_animation_frame(g.borrow().as_ref().unwrap_throw().as_ref().unchecked_ref())
            .unwrap_throw();
    };
    let _ = Closure::<dyn FnMut()>::new(restart);
}

// ### not reported: a panic under a shared borrow of a class whose only exclusive access is free()
#[wasm_bindgen]
pub struct Reader {
    rows: Vec<String>,
}

#[wasm_bindgen]
impl Reader {
    pub fn row(&self, i: usize) -> String {
        self.rows[i].clone()
    }
}

// ### not reported: test code
#[wasm_bindgen]
pub struct Doc {
    inner: Inner,
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn apply_twice() {
        CACHE.with_borrow_mut(|c| {
            c.get("x").copied().expect_throw("missing");
        });
    }
}

// ### not reported: broken code does not crash the rule
#[wasm_bindgen]
impl Doc {
    pub fn apply(&mut self, patch: JsValue {
        let p = serde_wasm_bindgen::from_value(patch).expect_throw("bad patch"
    }
