// Fixture for abort-handler-misconfigured (C08). Sections are the `src/lib.rs` of a cdylib crate; a
// `// @file: package.json` block gives a section a known build command.
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::prelude::*;

// ### reported: registered in an export JS calls, in a crate that schedules reinits
// @build-mode: unwind
#[wasm_bindgen]
pub fn init_app() {
    wasm_bindgen::handler::set_on_abort(on_abort);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-handler-misconfigured: the abort handler is registered in `init_app`, which runs only when it is called: until then an abort goes unhandled, and a reinit resets every static (the registered handler included) and re-runs only the `#[wasm_bindgen(start)]` function, so the abort after the first reinit goes unhandled too; register it in the start function [fix]
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### reported: moved into the existing start function by the fix
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[wasm_bindgen]
pub fn enable_recovery() {
    wasm_bindgen::handler::set_on_abort(on_abort);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-handler-misconfigured [fix]
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### reported: a registration spanning lines, moved whole into the start function by the fix
// @build-mode: unwind
static RECOVERING: AtomicBool = AtomicBool::new(false);

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[wasm_bindgen]
pub fn enable_recovery() {
    wasm_bindgen::handler::set_on_abort(|| {
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-handler-misconfigured [fix]
        RECOVERING.store(true, Ordering::SeqCst);
        wasm_bindgen::handler::schedule_reinit();
    });
}

// ### reported: a handler that formats and logs before scheduling the reinit (the catalog's example)
// @build-mode: unwind
thread_local! { static CONFIG: RefCell<String> = RefCell::new(String::new()); }

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(|| {
        let msg = format!("aborted; cfg={:?}", CONFIG.with(|c| c.clone()));
//                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-handler-misconfigured: the abort handler calls `format!`, which allocates: it runs after the instance aborted — possibly out of memory or with corrupted memory — and a panic or throw inside it is swallowed, so the `schedule_reinit()` after it may never run; keep it to `schedule_reinit()` and flag writes
        web_sys::console::error_1(&msg.into());
        wasm_bindgen::handler::schedule_reinit();
    });
}

// ### reported: a named handler that reads shared state and calls JS
// @build-mode: unwind
thread_local! { static SESSION: RefCell<Vec<u8>> = RefCell::new(Vec::new()); }

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    SESSION.with_borrow_mut(|s| s.clear());
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-handler-misconfigured
}

// ### reported: a panic=abort build command without --force-enable-abort-handler (the handler never fires)
// @file: package.json
// | { "name": "fixture-case", "scripts": { "build": "cargo build --release --target wasm32-unknown-unknown && wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/fixture_case.wasm" } }
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-handler-misconfigured [fix]
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### not reported: the reference registration (start function, handler only schedules a reinit)
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### not reported: registered in a helper that the start function calls
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    install_hooks();
}

fn install_hooks() {
    console_error_panic_hook::set_once();
    register_abort_handler();
}

fn register_abort_handler() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### reported: a helper called from an export and from a closure in the start function
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    let _later = Closure::<dyn Fn()>::new(|| register_abort_handler());
}

#[wasm_bindgen]
pub fn enable_recovery() {
    register_abort_handler();
}

fn register_abort_handler() {
    wasm_bindgen::handler::set_on_abort(on_abort);
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-handler-misconfigured
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### not reported: a handler that only writes flags (the guide's example), with the handler enabled
// @build-mode: abort+handler
static ABORTED: AtomicBool = AtomicBool::new(false);
static mut ABORT_COUNT: u32 = 0;

#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(|| {
        ABORTED.store(true, Ordering::SeqCst);
        unsafe { ABORT_COUNT += 1; }
    });
}

// ### not reported: a plain abort library whose build command is not known (its consumer builds it)
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### not reported: workers-rs style start event, and an unrelated `set_on_abort` method
// @build-mode: unwind
#[event(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn configure(ctl: &Controller) {
    ctl.set_on_abort(1);
}

// ### not reported: test code
// @build-mode: unwind
#[cfg(test)]
mod tests {
    #[test]
    fn registers() {
        assert!(wasm_bindgen::handler::set_on_abort(super::noop).is_none());
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen]
pub fn broken() {
    wasm_bindgen::handler::set_on_abort(
