// Fixture for global-state-torn-by-panic (U01). Sections start with `// ### <title>`; this prelude is
// prepended to each one. The rule applies to panic=unwind builds only, so most sections say
// `// @build-mode: unwind`. A caret line (`//   ^^^ global-state-torn-by-panic`) marks the expected
// finding on the line above; a section without one must stay clean.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

#[derive(Default, Clone)]
struct Ledger {
    balances: Vec<u64>,
    journal: Vec<(u32, u32, u64)>,
    total: u64,
}

#[derive(Default)]
struct Registry {
    slots: Vec<u64>,
    users: HashMap<u32, String>,
    active: Vec<u32>,
    total: u64,
}

thread_local! {
    static LEDGER: RefCell<Ledger> = RefCell::new(Ledger::default());
    static BUSY: Cell<bool> = Cell::new(false);
}

lazy_static::lazy_static! {
    static ref REGISTRY: Mutex<Registry> = Mutex::new(Registry::default());
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn decode(input: &str) -> Option<u32>;
}

// ### reported: the catalog's transfer — an index can panic between two ledger updates
// @build-mode: unwind
#[wasm_bindgen]
pub fn transfer(from: u32, to: u32, amount: u64) {
    LEDGER.with_borrow_mut(|l| {
        l.balances[from as usize] -= amount;
        l.balances[to as usize] += amount;
//      ^^^^^^^^^^^^^^^^^^^^^^^ global-state-torn-by-panic: `l.balances[to as usize]` can panic after `LEDGER` was modified (`l.balances[from as usize] -= amount`) and before `l.balances[to as usize] += amount` completes; under panic=unwind the caller gets a `PanicError` now and every later call sees a half-updated `LEDGER`
        l.journal.push((from, to, amount));
    });
}

// ### reported: clear, then a failing parse, then refill — fixed by returning the error
// @build-mode: unwind
#[wasm_bindgen]
pub fn reload(input: &str) -> Result<(), JsError> {
    LEDGER.with_borrow_mut(|l| {
        l.journal.clear();
        let opening: u64 = input.trim().parse().unwrap();
//                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ global-state-torn-by-panic [fix]
        l.total = opening;
        Ok(())
    })
}

// ### reported: a busy flag set before an import that can throw is never reset
// @build-mode: unwind
#[wasm_bindgen]
pub fn process(input: &str) -> u32 {
    BUSY.set(true);
    let value = decode(input).expect("undecodable input");
//              ^^^^^^^^^^^^^ global-state-torn-by-panic
    BUSY.set(false);
    value
}

// ### reported: a Cell and a RefCell imported under other names, updated around a panic point
// @build-mode: unwind
use std::cell::{Cell as Flag, RefCell as Shared};

thread_local! {
    static LOADING: Flag<bool> = Flag::new(false);
    static QUEUE: Shared<Vec<u32>> = Shared::new(Vec::new());
}

#[wasm_bindgen]
pub fn load(input: &str) -> u32 {
    LOADING.set(true);
    let value = decode(input).expect("undecodable input");
//              ^^^^^^^^^^^^^ global-state-torn-by-panic
    LOADING.set(false);
    value
}

#[wasm_bindgen]
pub fn enqueue(ids: Vec<u32>, at: usize) {
    QUEUE.with_borrow_mut(|q| {
        q.clear();
        q.push(ids[at]);
//             ^^^^^^^ global-state-torn-by-panic
        q.extend(ids);
    });
}

// ### not reported: the same renamed cells, the fallible work done before the first update
// @build-mode: unwind
use std::cell::{Cell as Flag, RefCell as Shared};

thread_local! {
    static LOADING: Flag<bool> = Flag::new(false);
    static QUEUE: Shared<Vec<u32>> = Shared::new(Vec::new());
}

#[wasm_bindgen]
pub fn load(input: &str) -> u32 {
    let value = decode(input).expect("undecodable input");
    LOADING.set(true);
    LOADING.set(false);
    value
}

#[wasm_bindgen]
pub fn enqueue(ids: Vec<u32>, at: usize) {
    let first = ids[at];
    QUEUE.with_borrow_mut(|q| {
        q.clear();
        q.push(first);
        q.extend(ids);
    });
}

// ### reported: a closure handed to JS updates a shared Rc<RefCell> around an unwrap
// @build-mode: unwind
#[derive(Default)]
struct Clicks {
    count: u32,
    labels: Vec<String>,
}

#[wasm_bindgen]
pub fn watch(target: &web_sys::EventTarget) -> Result<(), JsValue> {
    let state = Rc::new(RefCell::new(Clicks::default()));
    let handler_state = state.clone();
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        handler_state.borrow_mut().count += 1;
        let label = e.type_().strip_prefix("x-").unwrap().to_owned();
//                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ global-state-torn-by-panic
        handler_state.borrow_mut().labels.push(label);
    });
    target.add_event_listener_with_callback("x-click", handler.as_ref().unchecked_ref())?;
    handler.forget();
    Ok(())
}

// ### reported: the shared Rc<RefCell> wrapped in AssertUnwindSafe for the closure (catalog U05's on_msg)
// @build-mode: unwind
#[derive(Default)]
struct Received {
    count: u64,
    sum: u64,
}

#[wasm_bindgen]
pub fn on_message() -> JsValue {
    let stats = Rc::new(RefCell::new(Received::default()));
    let st = std::panic::AssertUnwindSafe(Rc::clone(&stats));
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        let mut s = st.borrow_mut();
        s.count += 1;
        let n = v.as_f64().unwrap() as u64;
//              ^^^^^^^^^^^^^^^^^^^ global-state-torn-by-panic
        s.sum += n;
    });
    handler.into_js_value()
}

// ### reported: a future handed to future_to_promise inside AssertUnwindSafe
// @build-mode: unwind
#[wasm_bindgen]
pub fn settle(v: JsValue) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(std::panic::AssertUnwindSafe(async move {
        LEDGER.with_borrow_mut(|l| {
            l.total += 1;
            let n = v.as_f64().unwrap() as u64;
//                  ^^^^^^^^^^^^^^^^^^^ global-state-torn-by-panic
            l.balances.push(n);
        });
        Ok(JsValue::UNDEFINED)
    }))
}

// ### reported: the panic point is the whole right-hand side of the second update
// @build-mode: unwind
#[wasm_bindgen]
pub fn latest(i: usize) {
    LEDGER.with_borrow_mut(|l| {
        l.total += 1;
        l.total = l.balances[i];
//                ^^^^^^^^^^^^^ global-state-torn-by-panic
    });
}

// ### reported: a static Mutex guard, an index that can be out of range, then the write; fixed with get_mut
// @build-mode: unwind
#[wasm_bindgen]
pub fn assign(slot: usize, amount: u64) -> Result<(), JsError> {
    let mut reg = REGISTRY.lock().unwrap();
    reg.total += amount;
    reg.slots[slot] = amount;
//  ^^^^^^^^^^^^^^^ global-state-torn-by-panic [fix]
    Ok(())
}

// ### reported: unwrap_throw unwinds like a JS exception between two updates
// @build-mode: unwind
#[wasm_bindgen]
pub fn login(id: u32, name: JsValue) {
    let mut reg = REGISTRY.lock().unwrap();
    reg.active.push(id);
    let name = name.as_string().unwrap_throw();
//             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ global-state-torn-by-panic: `name.as_string().unwrap_throw()` can throw a JS exception after `REGISTRY` was modified (`reg.active.push(id)`) and before `reg.users.insert(id, name)`; under panic=unwind the exception unwinds out of the export and every later call sees a half-updated `REGISTRY`
    reg.users.insert(id, name);
}

// ### reported: a RefCell field of an exported struct, updated around a panic point
// @build-mode: unwind
#[wasm_bindgen]
pub struct History {
    entries: RefCell<Vec<u32>>,
}

#[wasm_bindgen]
impl History {
    pub fn record(&self, raw: &str) {
        self.entries.borrow_mut().push(0);
        let value = u32::from_str_radix(raw, 16).unwrap();
//                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ global-state-torn-by-panic
        self.entries.borrow_mut().push(value);
    }
}

// ### not reported: the catalog's fix — validate first, commit last, errors as Err
// @build-mode: unwind
#[wasm_bindgen]
pub fn transfer(from: u32, to: u32, amount: u64) -> Result<(), JsError> {
    LEDGER.with_borrow_mut(|l| {
        let (f, t) = (from as usize, to as usize);
        let n = l.balances.len();
        if f >= n || t >= n || l.balances[f] < amount { return Err(JsError::new("invalid transfer")); }
        l.balances[f] -= amount;
        l.balances[t] += amount;
        l.journal.push((from, to, amount));
        Ok(())
    })
}

// ### not reported: the new state is built in a local and assigned once
// @build-mode: unwind
#[wasm_bindgen]
pub fn transfer_atomically(from: u32, to: u32, amount: u64) {
    LEDGER.with_borrow_mut(|l| {
        let mut next = l.clone();
        next.balances[from as usize] -= amount;
        next.balances[to as usize] += amount;
        next.journal.push((from, to, amount));
        *l = next;
    });
}

// ### not reported: the same torn update in a panic=abort build is U09's business
#[wasm_bindgen]
pub fn transfer(from: u32, to: u32, amount: u64) {
    LEDGER.with_borrow_mut(|l| {
        l.balances[from as usize] -= amount;
        l.balances[to as usize] += amount;
        l.journal.push((from, to, amount));
    });
}

// ### not reported: arithmetic is not a panic point without overflow checks (release profile)
// @build-mode: unwind
#[wasm_bindgen]
pub fn deposit(amount: u64) {
    LEDGER.with_borrow_mut(|l| {
        l.total += amount;
        l.journal.push((0, 0, amount));
        l.total = l.total * 2 + amount;
    });
}

// ### not reported: float division and VecDeque::remove cannot panic
// @build-mode: unwind
thread_local! {
    static RATES: RefCell<(u64, f64, std::collections::VecDeque<u64>)> = RefCell::new((0, 0.0, std::collections::VecDeque::new()));
}

#[wasm_bindgen]
pub fn add_ratio(x: f64, y: f64, i: usize) {
    RATES.with_borrow_mut(|r| {
        r.0 += 1;
        let ratio = x / y;
        r.1 += ratio;
        let dropped = r.2.remove(i);
        r.0 += dropped.unwrap_or(0);
    });
}

// ### not reported: a restoring guard rolls the state back on unwind
// @build-mode: unwind
#[wasm_bindgen]
pub fn guarded(input: &str) {
    BUSY.set(true);
    let _reset = scopeguard::guard((), |_| BUSY.set(false));
    let _value: u32 = input.parse().unwrap();
    BUSY.set(false);
}

// ### not reported: indexes dominated by explicit bounds checks
// @build-mode: unwind
#[wasm_bindgen]
pub fn store(slot: usize, amount: u64) {
    let mut reg = REGISTRY.lock().unwrap();
    if slot < reg.slots.len() {
        reg.total += amount;
        reg.slots[slot] = amount;
        reg.active.push(slot as u32);
    }
    for i in 0..reg.slots.len() {
        reg.slots[i] = 0;
        reg.total = 0;
    }
}

// ### not reported: the panic point is in a branch exclusive with the first update, and locks are U02's business
// @build-mode: unwind
#[wasm_bindgen]
pub fn toggle(on: bool, input: Option<u32>) {
    let mut reg = REGISTRY.lock().unwrap();
    if on {
        reg.active.push(1);
    } else {
        panic!("off");
    }
    drop(reg);
    REGISTRY.lock().unwrap().active.push(input.unwrap_or(0));
    REGISTRY.lock().unwrap().active.push(2);
}

// ### not reported: the panic point is on a path that returns before the second update
// @build-mode: unwind
#[wasm_bindgen]
pub fn open(kind: &str, payload: Option<u32>) -> u32 {
    BUSY.set(true);
    if kind == "ws" {
        let id = payload.expect("websocket payload");
        return id;
    }
    BUSY.set(false);
    0
}

// ### not reported: a helper that is not an export, and test code
// @build-mode: unwind
fn helper(input: &str) {
    BUSY.set(true);
    let _v: u32 = input.parse().unwrap();
    BUSY.set(false);
}

#[cfg(test)]
mod tests {
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn torn() {
        super::BUSY.set(true);
        let _v: u32 = "x".parse().unwrap();
        super::BUSY.set(false);
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen]
pub fn broken(input: &str {
    BUSY.set(true);
    let v = input.parse().unwrap(;
    BUSY.set(
}

// ### reported: an index written in a format! argument, between two updates
// @build-mode: unwind
#[wasm_bindgen]
pub fn describe(i: usize) {
    LEDGER.with_borrow_mut(|l| {
        l.total += 1;
        let line = format!("{} {}\n", l.balances[i], l.total);
//                                              ^^^ global-state-torn-by-panic: `l.balances[i]` can panic after `LEDGER` was modified (`l.total += 1`) and before `l.journal.push((0, 0, 0))`; under panic=unwind the caller gets a `PanicError` now and every later call sees a half-updated `LEDGER`
        let _ = line;
        l.journal.push((0, 0, 0));
    });
}

// ### reported: an unwrap written in a vec! argument, between two updates
// @build-mode: unwind
#[wasm_bindgen]
pub fn describe_code(code: Option<u32>) {
    LEDGER.with_borrow_mut(|l| {
        l.total += 1;
        let line = vec![l.total, code.unwrap() as u64];
//                                    ^^^^^^ global-state-torn-by-panic: `code.unwrap()` can panic after `LEDGER` was modified (`l.total += 1`) and before `l.balances = line`; under panic=unwind the caller gets a `PanicError` now and every later call sees a half-updated `LEDGER`
        l.balances = line;
        l.journal.push((0, 0, 0));
    });
}

// ### not reported: macro arguments that cannot panic — a checked index, a whole slice, array and repeat literals, a closure's body, a DSL macro
// @build-mode: unwind
#[wasm_bindgen]
pub fn describe_safely(i: usize, code: Option<u32>) {
    LEDGER.with_borrow_mut(|l| {
        l.total += 1;
        if i < l.balances.len() {
            let _a = format!("{}", l.balances[i]);
        }
        let _b = format!("{:?} {:?}", &l.balances[..], &[1u8, 2]);
        let _c = vec![[0u8; 4]; 2];
        let _d = format!("{:?}", code.map(|c| c.checked_add(1).unwrap()));
        let _e = html! { <p>{ l.balances[i] }</p> };
        l.journal.push((0, 0, 0));
    });
}
