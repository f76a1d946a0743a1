// Fixture for unwind-safety-asserted-without-proof (U05). Sections start with `// ### <title>`; this
// prelude is prepended to each one. The rule reports only in panic=unwind builds, so most sections say
// `// @build-mode: unwind`. A caret line marks the expected finding on the line above; a section without
// one must stay clean.
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, RefUnwindSafe, UnwindSafe};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[derive(Default)]
pub struct Stats {
    received: u64,
    sum: u64,
}

// ### reported: the catalog's on_msg — an Rc<RefCell<Stats>> asserted unwind-safe for a closure JS calls
// @build-mode: unwind
#[wasm_bindgen]
pub fn listen(target: &web_sys::EventTarget) -> Result<(), JsValue> {
    let stats = Rc::new(RefCell::new(Stats::default()));
    let st = AssertUnwindSafe(Rc::clone(&stats));
//           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unwind-safety-asserted-without-proof: `AssertUnwindSafe(..)` asserts without a justification that a panic cannot leave `stats` inconsistent, and `Closure::new(..)` captures it for JS to call; under panic=unwind a panic there is caught (`PanicError`) and the instance keeps running on whatever state the panic left — explain in a `// UNWIND-SAFETY:` comment why a panic cannot leave it inconsistent
    let on_msg = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        let mut s = st.borrow_mut();
        s.received += 1;
        let n = v.as_f64().unwrap() as u64;
        s.sum += n;
    });
    target.add_event_listener_with_callback("message", on_msg.as_ref().unchecked_ref())?;
    on_msg.forget();
    Ok(())
}

// ### reported: a manual RefUnwindSafe impl for an exported struct with a RefCell field
// @build-mode: unwind
#[wasm_bindgen]
pub struct Parser {
    state: RefCell<Vec<u8>>,
}

impl RefUnwindSafe for Parser {}
//   ^^^^^^^^^^^^^^^^^^^^^^^^ unwind-safety-asserted-without-proof

#[wasm_bindgen]
impl Parser {
    pub fn feed(&self, chunk: &[u8]) {
        self.state.borrow_mut().extend_from_slice(chunk);
    }
}

// ### reported: an AssertUnwindSafe<RefCell<_>> field of an exported struct
// @build-mode: unwind
#[wasm_bindgen]
pub struct Session {
    history: AssertUnwindSafe<RefCell<Vec<String>>>,
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unwind-safety-asserted-without-proof
    hits: AssertUnwindSafe<Cell<u32>>,
}

// ### reported: an *_assert_unwind_safe closure constructor over captured shared state
// @build-mode: unwind
#[wasm_bindgen]
pub fn tick(target: &web_sys::EventTarget) -> Result<(), JsValue> {
    let stats = Rc::new(RefCell::new(Stats::default()));
    let on_tick = Closure::<dyn FnMut()>::own_assert_unwind_safe(move || {
//                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unwind-safety-asserted-without-proof: `Closure::<dyn FnMut()>::own_assert_unwind_safe` skips the compile-time unwind-safety check of its captures (`stats`) without a justification; under panic=unwind a panic there is caught (`PanicError`) and the instance keeps running on whatever state the panic left when JS calls it — explain in a `// UNWIND-SAFETY:` comment why a panic cannot leave it inconsistent
        stats.borrow_mut().received += 1;
    });
    target.add_event_listener_with_callback("tick", on_tick.as_ref().unchecked_ref())?;
    on_tick.forget();
    Ok(())
}

// ### reported: a future asserted unwind-safe and handed to future_to_promise; a placeholder comment is not a justification
// @build-mode: unwind
use wasm_bindgen_futures::future_to_promise;

pub fn start_sync(stats: Rc<RefCell<Stats>>) -> js_sys::Promise {
    // UNWIND-SAFETY: <why a panic here cannot leave this state inconsistent>
    future_to_promise(AssertUnwindSafe(async move {
//                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unwind-safety-asserted-without-proof
        stats.borrow_mut().received += 1;
        Ok(JsValue::UNDEFINED)
    }))
}

// ### not reported: justified assertions (marker comment, explanation in terms of panics, trailing comment)
// @build-mode: unwind
#[wasm_bindgen]
pub struct Counter {
    // UNWIND-SAFETY: a single Vec push; a panic before it leaves the Vec unchanged.
    log: AssertUnwindSafe<RefCell<Vec<u32>>>,
}

/// A panic in any method leaves `state` as it was: every method replaces it in one assignment.
impl RefUnwindSafe for Counter {}

#[wasm_bindgen]
pub fn listen(target: &web_sys::EventTarget) -> Result<(), JsValue> {
    let stats = Rc::new(RefCell::new(Stats::default()));
    let st = AssertUnwindSafe(Rc::clone(&stats)); // SAFETY: nothing can panic while `st` is borrowed below
    let on_msg = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        let Some(n) = v.as_f64() else { return };
        let mut s = st.borrow_mut();
        s.received += 1;
        s.sum += n as u64;
    });
    target.add_event_listener_with_callback("message", on_msg.as_ref().unchecked_ref())?;
    on_msg.forget();
    Ok(())
}

// ### not reported: one comment above a pair of impls justifies both
// @build-mode: unwind
#[wasm_bindgen]
pub struct Harness {
    state: Rc<RefCell<Vec<String>>>,
}

// The harness only appends to `state`; a panicking test leaves the entries of the tests
// that finished, which is exactly what the report should show.
impl RefUnwindSafe for Harness {}
impl UnwindSafe for Harness {}

// ### not reported: nothing a panic can tear — scalar cells, literals, closures that capture nothing
// @build-mode: unwind
#[wasm_bindgen]
pub struct Visits {
    count: AssertUnwindSafe<Cell<usize>>,
    seen: AssertUnwindSafe<Cell<bool>>,
}

#[wasm_bindgen]
impl Visits {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Visits {
        Visits { count: AssertUnwindSafe(Cell::new(0)), seen: AssertUnwindSafe(Cell::new(false)) }
    }
}

#[wasm_bindgen]
pub fn ping(target: &web_sys::EventTarget) -> Result<(), JsValue> {
    let on_ping = Closure::<dyn FnMut(JsValue)>::own_assert_unwind_safe(|v: JsValue| {
        web_sys::console::log_1(&v);
    });
    target.add_event_listener_with_callback("ping", on_ping.as_ref().unchecked_ref())?;
    on_ping.forget();
    Ok(())
}

// ### not reported: abort build — the unwind-safety bounds are no-ops and nothing is caught
// @build-mode: abort
#[wasm_bindgen]
pub struct Parser {
    state: RefCell<Vec<u8>>,
}

impl RefUnwindSafe for Parser {}

#[wasm_bindgen]
pub fn listen(target: &web_sys::EventTarget) -> Result<(), JsValue> {
    let stats = Rc::new(RefCell::new(Stats::default()));
    let st = AssertUnwindSafe(Rc::clone(&stats));
    let on_msg = Closure::<dyn FnMut(JsValue)>::new(move |_v: JsValue| {
        st.borrow_mut().received += 1;
    });
    target.add_event_listener_with_callback("message", on_msg.as_ref().unchecked_ref())?;
    on_msg.forget();
    Ok(())
}

// ### not reported: a type with no interior mutability, an opt-out impl, and AssertUnwindSafe outside JS-invoked code
// @build-mode: unwind
pub struct Plain {
    total: u64,
}

impl UnwindSafe for Plain {}

pub struct Guarded {
    inner: Rc<RefCell<u64>>,
}

impl !UnwindSafe for Guarded {}

pub fn compute(values: &mut Vec<u64>) -> Option<u64> {
    std::panic::catch_unwind(AssertUnwindSafe(|| values.iter().sum())).ok()
}

// ### not reported: test code
// @build-mode: unwind
#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn asserts() {
        let stats = Rc::new(RefCell::new(Stats::default()));
        let st = AssertUnwindSafe(Rc::clone(&stats));
        let _ = std::panic::catch_unwind(move || st.borrow_mut().received += 1);
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
impl RefUnwindSafe for {}

#[wasm_bindgen]
pub fn listen(target: &web_sys::EventTarget) {
    let st = AssertUnwindSafe(Rc::clone(&
