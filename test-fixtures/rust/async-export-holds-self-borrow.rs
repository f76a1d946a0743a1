// Fixture for async-export-holds-self-borrow (R03). Sections start with `// ### <title>`; this prelude
// is prepended to each one. `// @build-mode: unwind` in a section changes its crate's build mode. A
// caret line marks the expected finding on the line above; a section without one stays clean.
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = api, js_name = fetchState)]
    async fn fetch_state(url: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
}

// ### reported: the catalog's Client — &mut self across the await of a mutating method
#[wasm_bindgen]
pub struct Client {
    url: String,
    height: u32,
}

#[wasm_bindgen]
impl Client {
    pub async fn sync_state(&mut self) -> Result<(), JsError> {
        let s = fetch_state(&self.url).await;
//                                    ^^^^^^ async-export-holds-self-borrow: `&mut self` keeps this `Client` exclusively borrowed until the future completes, across this `.await`; any other use of the same `Client` from JS while the promise is pending — a method call, a field read — throws an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust"); an overlapping async call throws it inside a microtask, so its promise never settles, and `free()` throws "attempted to take ownership of Rust value while it was borrowed"
        self.height = s.as_f64().unwrap_or(0.0) as u32;
        Ok(())
    }
    pub fn height(&self) -> u32 {
        self.height
    }
}

// ### reported: read-only &mut self method (0xMiden/rust-sdk#2079), fixed by taking &self, panic=unwind build
// @build-mode: unwind
#[wasm_bindgen]
pub struct Reader {
    url: String,
}

#[wasm_bindgen]
impl Reader {
    pub async fn get_account(&mut self, id: String) -> JsValue {
        let path = format!("{}/{}", self.url, id);
        let first = fetch_state(&path).await;
//                                    ^^^^^^ async-export-holds-self-borrow: `&mut self` keeps this `Reader` exclusively borrowed until the future completes, across this `.await` (and 1 more suspension point); any other use of the same `Reader` from JS while the promise is pending — a method call, a field read — fails with a `PanicError` ("recursive use of an object detected which would lead to unsafe aliasing in rust") — an overlapping async call's promise rejects with it, and `free()` throws "attempted to take ownership of Rust value while it was borrowed" [fix]
        let _ = JsFuture::from(js_sys::Promise::resolve(&first)).await;
        first
    }
    pub fn url(&self) -> String {
        self.url.clone()
    }
}

// ### reported: &self across an await when the class has a &mut self method and a pub field (warning)
#[wasm_bindgen]
pub struct Wallet {
    pub fee: u32,
    balance: u64,
}

#[wasm_bindgen]
impl Wallet {
    pub async fn refresh(&self) -> JsValue {
        fetch_state("/balance").await
//                             ^^^^^^ async-export-holds-self-borrow: `&self` keeps this `Wallet` borrowed until the future completes, across this `.await`; a call to `deposit()` or the `fee` setter on the same `Wallet` while the promise is pending throws an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust"); an overlapping async call throws it inside a microtask, so its promise never settles
    }
    pub fn deposit(&mut self, amount: u64) {
        self.balance += amount;
    }
}

// ### reported: &self across an await when the class's only exclusive access is a method taking self: it fails on the ownership check (warning)
#[wasm_bindgen]
pub struct Session {
    url: String,
}

#[wasm_bindgen]
impl Session {
    pub async fn ping(&self) -> JsValue {
        fetch_state(&self.url).await
//                            ^^^^^^ async-export-holds-self-borrow: `&self` keeps this `Session` borrowed until the future completes, across this `.await`; a call to `close()` on the same `Session` while the promise is pending throws an `Error` ("attempted to take ownership of Rust value while it was borrowed")
    }
    pub fn close(self) {}
}

// ### reported: &self across an await when the only exclusive access is an async method taking self (its promise never settles)
#[wasm_bindgen]
pub struct Tx {
    url: String,
}

#[wasm_bindgen]
impl Tx {
    pub async fn preview(&self) -> JsValue {
        fetch_state(&self.url).await
//                            ^^^^^^ async-export-holds-self-borrow: `&self` keeps this `Tx` borrowed until the future completes, across this `.await`; a call to `apply()` on the same `Tx` while the promise is pending fails at its first poll with an `Error` ("attempted to take ownership of Rust value while it was borrowed"), thrown in a microtask, so its promise never settles
    }
    pub async fn apply(self) -> JsValue {
        fetch_state(&self.url).await
    }
}

// ### reported: &self across an await when a free export takes the object by value (libxmtp's handle consumed by registerIdentity)
#[wasm_bindgen]
pub struct Request {
    text: String,
}

#[wasm_bindgen]
impl Request {
    pub async fn sign(&self) -> JsValue {
        fetch_state(&self.text).await
//                             ^^^^^^ async-export-holds-self-borrow: `&self` keeps this `Request` borrowed until the future completes, across this `.await`; a call to `Queue.stamp()` or `submit()` on the same `Request` while the promise is pending throws an `Error` ("recursive use of an object detected which would lead to unsafe aliasing in rust"); an overlapping async call throws it inside a microtask, so its promise never settles; `submit()` throws an `Error` ("attempted to take ownership of Rust value while it was borrowed")
    }
}

#[wasm_bindgen]
pub fn submit(req: Request) -> String {
    req.text
}

#[wasm_bindgen]
pub struct Queue {
    count: u32,
}

#[wasm_bindgen]
impl Queue {
    pub fn stamp(&self, req: &mut Request) {
        req.text.push('!');
    }
}

// ### not reported: free exports that take the object by shared reference, or another class by value
#[wasm_bindgen]
pub struct Ticket {
    text: String,
}

#[wasm_bindgen]
pub struct Receipt {
    id: u32,
}

#[wasm_bindgen]
impl Ticket {
    pub async fn check(&self) -> JsValue {
        fetch_state(&self.text).await
    }
}

#[wasm_bindgen]
pub fn describe(t: &Ticket) -> String {
    t.text.clone()
}

#[wasm_bindgen]
pub fn archive(r: Receipt, tickets: Vec<u32>) -> u32 {
    r.id + tickets.len() as u32
}

// ### reported: a &mut argument of an exported struct in a free async export
#[wasm_bindgen]
pub struct Session {
    token: String,
}

#[wasm_bindgen]
pub async fn renew(session: &mut Session) {
    let t = fetch_state("/token").await;
//                               ^^^^^^ async-export-holds-self-borrow
    session.token = t.as_string().unwrap_or_default();
}

// ### reported: a join! macro suspends the future like an .await
#[wasm_bindgen]
pub struct Loader {
    done: bool,
}

#[wasm_bindgen]
impl Loader {
    pub async fn load_both(&mut self) {
        let (a, b) = futures::join!(fetch_state("/a"), fetch_state("/b"));
//                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ async-export-holds-self-borrow
        self.done = a.is_truthy() && b.is_truthy();
    }
}

// ### not reported: the catalog's fix — a sync method returning a Promise built from an Rc clone (reference counts, not borrows, across the await)
#[wasm_bindgen]
pub struct Client {
    inner: Rc<RefCell<ClientInner>>,
}

struct ClientInner {
    url: String,
    height: u32,
}

#[wasm_bindgen]
impl Client {
    pub fn sync_state(&self) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            let url = inner.borrow().url.clone();
            let s = fetch_state(&url).await;
            inner.borrow_mut().height = s.as_f64().unwrap_or(0.0) as u32;
            Ok(JsValue::UNDEFINED)
        })
    }
    pub fn set_url(&mut self, url: String) {
        self.inner.borrow_mut().url = url;
    }
}

// ### not reported: only &self methods and no pub field — shared borrows nest
#[wasm_bindgen]
pub struct ParquetFile {
    url: String,
}

#[wasm_bindgen]
impl ParquetFile {
    pub async fn read(&self) -> JsValue {
        fetch_state(&self.url).await
    }
    pub fn url(&self) -> String {
        self.url.clone()
    }
}

// ### not reported: an async method that never awaits (no window), and an await only inside a spawned task
#[wasm_bindgen]
pub struct Tracker {
    hits: u32,
}

#[wasm_bindgen]
impl Tracker {
    pub async fn hit(&mut self) -> u32 {
        self.hits += 1;
        log("hit");
        self.hits
    }
    pub async fn report(&mut self) {
        let hits = self.hits;
        wasm_bindgen_futures::spawn_local(async move {
            fetch_state(&format!("/hits/{}", hits)).await;
        });
    }
}

// ### not reported: a Durable Object — the generated wrapper holds no borrow across the future
#[durable_object]
pub struct Counter {
    state: State,
}

impl DurableObject for Counter {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }
    async fn fetch(&self, _req: Request) -> Result<Response> {
        let n: u32 = self.state.storage().get("n").await.unwrap_or(0);
        Response::ok(n.to_string())
    }
}

// ### not reported: async methods of a plain impl, and an owned receiver
pub struct Internal {
    url: String,
}

impl Internal {
    pub async fn fetch(&mut self) -> JsValue {
        fetch_state(&self.url).await
    }
}

#[wasm_bindgen]
pub struct Once {
    url: String,
}

#[wasm_bindgen]
impl Once {
    pub async fn consume(self) -> JsValue {
        fetch_state(&self.url).await
    }
}

// ### not reported: test code
#[cfg(test)]
mod tests {
    use super::*;
    #[wasm_bindgen]
    pub struct T {
        n: u32,
    }
    #[wasm_bindgen]
    impl T {
        pub async fn go(&mut self) {
            fetch_state("/").await;
            self.n += 1;
        }
    }
}

// ### reported: broken code does not crash the rule (the await still parses)
#[wasm_bindgen]
pub struct Broken {
    n: u32,
}

#[wasm_bindgen]
impl Broken {
    pub async fn go(&mut self {
        fetch_state("/").await;
//                      ^^^^^^ async-export-holds-self-borrow
        self.n = ;
    }
}
