use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

thread_local! {
    static STORE: RefCell<Vec<String>> = RefCell::new(Vec::new());
}

async fn fetch_json(url: &str) -> Result<String, JsValue> {
    Ok(url.to_string())
}

// ### unwrap inside the spawned future (the catalog's start_sync)
#[wasm_bindgen]
pub fn start_sync(url: String) {
    wasm_bindgen_futures::spawn_local(async move {
        let r = fetch_json(&url).await.unwrap();
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unobserved-spawn-local-panic: `fetch_json(&url).await.unwrap()` can panic inside a `spawn_local` task that nobody awaits: in this panic=abort build the panic traps the instance from a microtask: no caller sees the `RuntimeError`, pending promises never settle and later calls run on possibly corrupted memory; return the error to a caller (an async export returning `Result<_, JsError>`) or handle it in the task
        STORE.with_borrow_mut(|s| s.push(r));
    });
}

// ### expect and assert in a panic=unwind build
// @build-mode: unwind
#[wasm_bindgen]
pub fn watch(url: String) {
    spawn_local(async move {
        let body = fetch_json(&url).await.expect("fetch failed");
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unobserved-spawn-local-panic
        assert!(!body.is_empty());
    });
}

// ### the future bound to a local first, then spawned
#[wasm_bindgen]
pub fn refresh(url: String) {
    let task = async move {
        let body = fetch_json(&url).await.unwrap();
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unobserved-spawn-local-panic
        STORE.with_borrow_mut(|s| s.push(body));
    };
    spawn_local(task);
}

// ### unwrap_throw inside a closure-invoked spawn
pub fn on_click() {
    let handler = move || {
        spawn_local(async {
            let v = fetch_json("/x").await.unwrap_throw();
//                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unobserved-spawn-local-panic
            web_sys::console::log_1(&v.into());
        });
    };
    handler();
}

// ### a same-file async fn that can panic, spawned by calling it
// @build-mode: unwind
async fn sync_store(url: String) {
    let body = fetch_json(&url).await.expect("fetch failed");
    STORE.with_borrow_mut(|s| s.push(body));
}

struct Poller;

impl Poller {
    async fn poll(url: String) {
        let body = fetch_json(&url).await.unwrap();
        assert!(!body.is_empty());
    }

    pub fn start(url: String) {
        spawn_local(Self::poll(url));
//                  ^^^^^^^^^^^^^^^ unobserved-spawn-local-panic: `Self::poll(..)` is an `async fn` whose body can panic (`fetch_json(&url).await.unwrap()`), spawned as a `spawn_local` task that nobody awaits: under panic=unwind the `PanicError` is thrown from the microtask queue as an uncaught error no caller sees, and other tasks woken in the same tick may stay queued; return the error to a caller (an async export returning `Result<_, JsError>`) or handle it in the task (1 more in this task)
    }
}

#[wasm_bindgen]
pub fn start_sync_store(url: String) {
    wasm_bindgen_futures::spawn_local(sync_store(url));
//                                    ^^^^^^^^^^^^^^^ unobserved-spawn-local-panic
}

// ### a task handed to the crate's own spawn helper, declared in another module
// @file: src/util.rs
// | pub fn spawn<F>(future: F)
// | where
// |     F: std::future::Future<Output = ()> + 'static,
// | {
// |     #[cfg(target_arch = "wasm32")]
// |     wasm_bindgen_futures::spawn_local(future);
// | }
// |
// | pub fn spawn_native<F: std::future::Future<Output = ()> + Send + 'static>(future: F) {
// |     drop(future);
// | }
mod util;

#[wasm_bindgen]
pub fn start_background(url: String) {
    util::spawn(async move {
        let body = fetch_json(&url).await.expect("fetch failed");
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unobserved-spawn-local-panic
        STORE.with_borrow_mut(|s| s.push(body));
    });
    util::spawn_native(async move {
        let _ = fetch_json("x").await.unwrap();
    });
}

// ### valid: spawned async fns that handle their errors, are not async, or panic only in a closure they store
async fn sync_store_ok(url: String) {
    match fetch_json(&url).await {
        Ok(body) => STORE.with_borrow_mut(|s| s.push(body)),
        Err(e) => web_sys::console::error_1(&e),
    }
}

fn not_async(url: String) -> impl std::future::Future<Output = ()> {
    async move {
        let _ = fetch_json(&url).await;
    }
}

async fn stores_callback(url: String) {
    let cb = Closure::<dyn FnMut()>::new(move || {
        let _n: u32 = url.parse().unwrap();
    });
    cb.forget();
}

async fn elsewhere(url: String) {
    let _ = fetch_json(&url).await;
}

mod other {
    pub async fn elsewhere(url: String) {
        let _n: u32 = url.parse().unwrap();
    }
}

#[wasm_bindgen]
pub fn start_all(url: String) {
    spawn_local(sync_store_ok(url.clone()));
    spawn_local(not_async(url.clone()));
    spawn_local(stores_callback(url.clone()));
    spawn_local(elsewhere(url.clone()));
    spawn_local(undeclared_here(url));
}

// ### valid: the task handles its errors
#[wasm_bindgen]
pub fn start_sync_ok(url: String) {
    spawn_local(async move {
        match fetch_json(&url).await {
            Ok(r) => STORE.with_borrow_mut(|s| s.push(r)),
            Err(e) => web_sys::console::error_1(&e),
        }
    });
}

// ### valid: an async export returns the failure to its caller
#[wasm_bindgen]
pub async fn sync(url: String) -> Result<(), JsError> {
    let r = fetch_json(&url).await.map_err(|_| JsError::new("fetch failed"))?;
    STORE.with_borrow_mut(|s| s.push(r));
    Ok(())
}

// ### valid: an unwrap in a closure the task only stores
#[wasm_bindgen]
pub fn later() {
    spawn_local(async {
        let f = |x: Option<u32>| x.unwrap();
        let _ = f;
    });
}

// ### valid: an unwrap checked by is_some() earlier in the task
#[wasm_bindgen]
pub fn navigate_later(target: Option<String>) {
    spawn_local(async move {
        if target.is_none() {
            return;
        }
        let t = target.unwrap();
        web_sys::console::log_1(&t.into());
    });
}

// ### valid: a future bound to a local and awaited by the caller, not spawned
#[wasm_bindgen]
pub async fn refresh_now(url: String) -> Result<(), JsError> {
    let task = async move {
        let body = fetch_json(&url).await.unwrap();
        STORE.with_borrow_mut(|s| s.push(body));
    };
    task.await;
    Ok(())
}

// ### valid: test code
#[cfg(test)]
mod tests {
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn spawns() {
        wasm_bindgen_futures::spawn_local(async { super::fetch_json("/").await.unwrap(); });
    }
}

// ### valid: broken code does not crash the rule
pub fn broken() {
    spawn_local(async move {
        let x = fetch_json("/").await.unwrap(
