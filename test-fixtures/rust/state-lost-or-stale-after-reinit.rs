// Fixture for state-lost-or-stale-after-reinit (C06, Rust side). Sections are the `src/lib.rs` of a crate
// whose instance is re-created after an abort: most register `set_on_abort(on_abort)` with `on_abort`
// calling `schedule_reinit()`; one is built with `--experimental-reset-state-function` instead.
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

// ### reported: a setter export stores configuration the start function does not restore
// @build-mode: unwind
thread_local! { static LOCALE: RefCell<String> = RefCell::new(String::from("en-US")); }

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn set_locale(tag: String) {
    LOCALE.with_borrow_mut(|l| *l = tag);
//                             ^^^^^^^^ state-lost-or-stale-after-reinit: `set_locale()` stores what JS configures in `LOCALE`, but this crate calls `schedule_reinit()` after an abort: a reinit resets every static and re-runs only the `#[wasm_bindgen(start)]` function, so afterwards calls silently run with the initial `LOCALE` until JS calls `set_locale()` again — restore it in the start function, or have JS re-apply it when the instance is re-created
}

// ### reported: a listener registered by an export JS calls once, handed over with forget()
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn install_listeners() {
    let cb = Closure::<dyn Fn(web_sys::Event)>::new(on_resize);
    web_sys::window().unwrap().add_event_listener_with_callback("resize", cb.as_ref().unchecked_ref()).unwrap();
    cb.forget();
//  ^^^^^^^^^^^ state-lost-or-stale-after-reinit
}

fn on_resize(_e: web_sys::Event) {}

// ### reported: a js_name setter writing a static Mutex, in a build with --experimental-reset-state-function
// @file: package.json
// | { "name": "fixture-case", "scripts": { "build": "cargo build --release --target wasm32-unknown-unknown && wasm-bindgen --experimental-reset-state-function --target web --out-dir pkg target/wasm32-unknown-unknown/release/fixture_case.wasm" } }
use std::sync::Mutex;

static LIMITS: Mutex<Option<u32>> = Mutex::new(None);

#[wasm_bindgen(js_name = configureLimits)]
pub fn configure_limits(max: u32) {
    *LIMITS.lock().unwrap() = Some(max);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ state-lost-or-stale-after-reinit
}

// ### reported: Closure::once_into_js-style hand-over through into_js_value()
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn on_message(target: &web_sys::EventTarget) -> JsValue {
    let handler = Closure::wrap(Box::new(|_e: JsValue| {}) as Box<dyn FnMut(JsValue)>);
    let f = handler.into_js_value();
//          ^^^^^^^^^^^^^^^^^^^^^^^ state-lost-or-stale-after-reinit
    f
}

// ### reported: an export whose name says it registers something adds to a registry static
// @build-mode: unwind
thread_local! { static HANDLERS: RefCell<Vec<js_sys::Function>> = RefCell::new(Vec::new()); }

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn register_handler(f: js_sys::Function) {
    HANDLERS.with_borrow_mut(|h| h.push(f));
//                               ^^^^^^^^^ state-lost-or-stale-after-reinit: `register_handler()` stores what JS configures in `HANDLERS`, but this crate calls `schedule_reinit()` after an abort: a reinit resets every static and re-runs only the `#[wasm_bindgen(start)]` function, so afterwards calls silently run with the initial `HANDLERS` until JS calls `register_handler()` again — restore it in the start function, or have JS re-apply it when the instance is re-created
}

// ### not reported: no reinit in this crate (a static configured once stays configured)
thread_local! { static LOCALE: RefCell<String> = RefCell::new(String::new()); }

#[wasm_bindgen]
pub fn set_locale(tag: String) {
    LOCALE.with_borrow_mut(|l| *l = tag);
}

// ### not reported: the start function restores the configuration (reinit re-runs it)
// @build-mode: unwind
thread_local! { static LOCALE: RefCell<String> = RefCell::new(String::new()); }

#[wasm_bindgen(start)]
fn start() {
    LOCALE.with_borrow_mut(|l| *l = load_saved_locale());
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

fn load_saved_locale() -> String { String::from("en-US") }

#[wasm_bindgen]
pub fn set_locale(tag: String) {
    LOCALE.with_borrow_mut(|l| *l = tag);
}

// ### not reported: working state written by an ordinary export, and listeners registered at start
// @build-mode: unwind
thread_local! { static ITEMS: RefCell<Vec<u32>> = RefCell::new(Vec::new()); }

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
    let cb = Closure::<dyn Fn()>::new(|| {});
    cb.forget();
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn add_item(v: u32) {
    ITEMS.with_borrow_mut(|items| items.push(v));
}

#[wasm_bindgen]
pub fn set_flag(flag: &Flag) {
    flag.store(true);
}

// ### not reported: one-shot closures (a timeout, a promise callback) made per call
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn tick_later(ms: i32) {
    let cb = Closure::once(move || {});
    web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(cb.as_ref().unchecked_ref(), ms).unwrap();
    cb.forget();
}

#[wasm_bindgen]
pub fn when_done(p: &js_sys::Promise) -> js_sys::Promise {
    let typed = Closure::<dyn FnOnce(JsValue) -> JsValue>::once(|v| v);
    p.then(&Closure::once(|v: JsValue| v).into_js_value().unchecked_into()).then(&typed.into_js_value().unchecked_into())
}

// ### not reported: test code
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(|| wasm_bindgen::handler::schedule_reinit());
}

#[cfg(test)]
mod tests {
    #[wasm_bindgen]
    pub fn set_mode(m: u32) { super::MODE.with(|c| c.set(m)); }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() { wasm_bindgen::handler::schedule_reinit(); }

#[wasm_bindgen]
pub fn set_x(v: u32) {
    X.with(|x| x.set(v)
