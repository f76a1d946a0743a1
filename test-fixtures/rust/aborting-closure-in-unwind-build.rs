// Fixture for aborting-closure-in-unwind-build (U06). Sections start with `// ### <title>`; this prelude
// is prepended to each one. The rule applies to panic=unwind builds only, so most sections say
// `// @build-mode: unwind`. A caret line (`//   ^^^ aborting-closure-in-unwind-build`) marks the expected
// finding on the line above; a section without one must stay clean.
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::closure::ScopedClosure;

#[wasm_bindgen]
extern "C" {
    fn on_message(cb: &Closure<dyn FnMut(JsValue)>);
    fn each(cb: &ScopedClosure<dyn FnMut(u32)>);
}

fn handle(text: String) {
    let _ = text;
}

// ### reported: the catalog's message handler — one bad message kills the instance
// @build-mode: unwind
#[wasm_bindgen]
pub fn listen() {
    let on_msg = Closure::own_aborting(move |msg: JsValue| {
//               ^^^^^^^^^^^^^^^^^^^^^ aborting-closure-in-unwind-build: `Closure::own_aborting` does not catch panics: under panic=unwind, if `msg.as_string().unwrap()` panics when JS calls this closure, the Rust panic escapes to JS, the instance is terminated and every later call into the module throws `Module terminated` [fix]
        handle(msg.as_string().unwrap());
    });
    on_message(&on_msg);
    on_msg.forget();
}

// ### reported: wrap_aborting around a boxed closure that indexes
// @build-mode: unwind
#[wasm_bindgen]
pub fn pick(items: Vec<u32>) -> JsValue {
    let cb = Closure::<dyn FnMut(usize) -> u32>::wrap_aborting(Box::new(move |i: usize| items[i]) as Box<dyn FnMut(usize) -> u32>);
//           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ aborting-closure-in-unwind-build [fix]
    cb.into_js_value()
}

// ### reported: a scoped closure borrowed from a local closure with an assertion
// @build-mode: unwind
#[wasm_bindgen]
pub fn visit(limit: u32) -> u32 {
    let mut seen = 0;
    let mut func = |x: u32| {
        assert!(x < limit, "out of range");
        seen += x;
    };
    let closure = ScopedClosure::borrow_mut_aborting(&mut func);
//                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ aborting-closure-in-unwind-build [fix]
    each(&closure);
    drop(closure);
    seen
}

// ### reported: once_aborting in a crate that re-creates the instance after an abort
// @build-mode: unwind
#[wasm_bindgen(start)]
pub fn start() {
    wasm_bindgen::handler::set_on_abort(|| wasm_bindgen::handler::schedule_reinit());
}

#[wasm_bindgen]
pub fn later(config: String) -> JsValue {
    Closure::once_aborting(move || {
//  ^^^^^^^^^^^^^^^^^^^^^^ aborting-closure-in-unwind-build: `Closure::once_aborting` does not catch panics: under panic=unwind, if `config.parse::<u32>().expect(..)` panics when JS calls this closure, the Rust panic escapes to JS, the instance is terminated and every later call into the module throws `Module terminated` (`schedule_reinit()` re-creates it on the next call, with all Rust state reset) [fix]
        let n = config.parse::<u32>().expect("bad config");
        n + 1
    })
    .into_js_value()
}

// ### not reported: the catalog's fix — a catching constructor and no panic point
// @build-mode: unwind
#[wasm_bindgen]
pub fn listen() {
    // UNWIND-SAFETY: handle() keeps no partially-updated shared state.
    let on_msg = Closure::own_assert_unwind_safe(move |msg: JsValue| {
        if let Some(s) = msg.as_string() {
            handle(s)
        }
    });
    on_message(&on_msg);
    on_msg.forget();
}

// ### not reported: an aborting closure with no panic point, and one that only throws JS exceptions
// @build-mode: unwind
#[wasm_bindgen]
pub fn flag(hit: Rc<Cell<bool>>) -> JsValue {
    let set = Closure::own_aborting(move || hit.set(true));
    let strict = Closure::own_aborting(move |v: JsValue| {
        let s = v.as_string().unwrap_throw();
        if s.is_empty() {
            wasm_bindgen::throw_str("empty");
        }
    });
    strict.forget();
    set.into_js_value()
}

// ### not reported: panic=abort builds trap on every panic anyway
#[wasm_bindgen]
pub fn listen() {
    let on_msg = Closure::own_aborting(move |msg: JsValue| {
        handle(msg.as_string().unwrap());
    });
    on_message(&on_msg);
    on_msg.forget();
}

// ### not reported: fail-fast on purpose, said in a comment
// @build-mode: unwind
#[wasm_bindgen]
pub fn watchdog() -> JsValue {
    // Fail fast: a broken invariant here must take the whole instance down.
    let check = Closure::own_aborting(move |n: u32| {
        assert!(n < 10);
    });
    check.into_js_value()
}

// ### not reported: the panic is in a closure that runs later, and aborting closures in test code
// @build-mode: unwind
#[wasm_bindgen]
pub fn defer() -> JsValue {
    let outer = Closure::own_aborting(move |v: JsValue| {
        let inner = Closure::once(move || v.as_f64().unwrap());
        inner.forget();
    });
    outer.into_js_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aborts() {
        let c = Closure::own_aborting(move |x: u32| assert_eq!(x, 1));
        drop(c);
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen]
pub fn broken() {
    let c = Closure::own_aborting(move |x: u32| { x.unwrap( });
    let d = ScopedClosure::borrow_aborting(&);
