// Fixture for static-mutex-lock-unwrap (U02). Sections start with `// ### <title>`; this prelude is
// prepended to each one. The rule reports only in panic=unwind builds (in abort builds nothing is ever
// poisoned), so most sections say `// @build-mode: unwind`. A caret line marks the expected finding on
// the line above; a section without one must stay clean.
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, MutexGuard, OnceLock, RwLock};
use wasm_bindgen::prelude::*;

pub struct Model {
    weights: Vec<f32>,
}

impl Model {
    pub fn parse(bytes: &[u8]) -> Result<Model, String> {
        if bytes.is_empty() {
            return Err("empty".into());
        }
        Ok(Model { weights: bytes.iter().map(|b| *b as f32).collect() })
    }
}

// ### reported: the catalog's cache — a parse that can panic while the guard is held
// @build-mode: unwind
static CACHE: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

#[wasm_bindgen]
pub fn load(name: String, bytes: Vec<u8>) {
    let mut c = CACHE.lock().unwrap();
//              ^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap: `CACHE.lock().unwrap()` holds `CACHE` while `Model::parse(&bytes).unwrap()` can panic; under panic=unwind that panic poisons `CACHE` and every later `.lock().unwrap()` on it panics with `PoisonError`: export `load` fails with a `PanicError` on every later call; no abort hook or reinit repairs it [fix]
    c.insert(name, Model::parse(&bytes).unwrap());
}

// ### reported: the other lock sites of a static that one site can poison (warning)
// @build-mode: unwind
static CACHE: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

#[wasm_bindgen]
pub fn load(name: String, bytes: Vec<u8>) {
    CACHE.lock().expect("cache").insert(name, Model::parse(&bytes).unwrap());
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
}

#[wasm_bindgen]
pub fn cached() -> usize {
    CACHE.lock().unwrap().len()
//  ^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap: `CACHE.lock().unwrap()` panics with `PoisonError` once `CACHE` is poisoned: under panic=unwind a panic while a guard of `CACHE` is held (at another lock site) poisons it, and export `cached` fails with a `PanicError` on every later call; no abort hook or reinit repairs it [fix]
}

// ### reported: a panic in the chain on the guard temporary itself (index, unwrap) poisons the lock
// @build-mode: unwind
static NAMES: RwLock<Vec<String>> = RwLock::new(Vec::new());

#[wasm_bindgen]
pub fn name_at(i: usize) -> String {
    NAMES.read().unwrap()[i].clone()
//  ^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap: `NAMES.read().unwrap()` holds `NAMES` while `NAMES.read().unwrap()[i]` can panic; under panic=unwind that panic poisons `NAMES` and every later `.read().unwrap()` on it panics with `PoisonError`: export `name_at` fails with a `PanicError` on every later call; no abort hook or reinit repairs it [fix]
}

// ### reported: lazy_static! RwLock written with an index that can be out of range
// @build-mode: unwind
lazy_static::lazy_static! {
    static ref SLOTS: RwLock<Vec<u64>> = RwLock::new(vec![0; 16]);
}

#[wasm_bindgen]
pub fn assign(slot: usize, value: u64) {
    let mut slots = SLOTS.write().unwrap();
//                  ^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
    slots[slot] = value;
}

// ### reported: a thread_local! Mutex locked in a helper that calls user code under the guard
// @build-mode: unwind
thread_local! {
    static QUEUE: Mutex<Vec<String>> = Mutex::new(Vec::new());
}

fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

fn enqueue(item: &str) {
    QUEUE.with(|q| q.lock().expect("queue lock").push(normalise(item)));
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
}

#[wasm_bindgen]
pub fn submit(item: &str) {
    enqueue(item);
}

// ### reported: a OnceLock<Mutex<_>> registry, and a helper that hands its guard to callers
// @build-mode: unwind
#[derive(Default)]
pub struct Registry {
    names: Vec<String>,
}

static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.get_or_init(Default::default).lock().unwrap()
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
}

#[wasm_bindgen]
pub fn register(name: String) -> usize {
    let mut r = registry();
    r.names.push(name);
    r.names.len()
}

// ### reported: a OnceLock<Mutex<_>> reached through an accessor returning the Mutex
// @build-mode: unwind
static TOTALS: OnceLock<Mutex<Vec<u64>>> = OnceLock::new();

fn totals() -> &'static Mutex<Vec<u64>> {
    TOTALS.get_or_init(Default::default)
}

#[wasm_bindgen]
pub fn add_total(i: usize, v: u64) {
    let mut t = totals().lock().unwrap();
//              ^^^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
    t[i] += v;
}

// ### reported: with PoisonError already imported, the fix uses the short name
// @build-mode: unwind
use std::sync::PoisonError;

static TOTALS: Mutex<Vec<u64>> = Mutex::new(Vec::new());

#[wasm_bindgen]
pub fn add(index: usize, amount: u64) -> u64 {
    let mut totals = TOTALS.lock().unwrap();
//                   ^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
    totals[index] += amount;
    totals.iter().sum()
}

#[wasm_bindgen]
pub fn reset() {
    TOTALS.lock().unwrap_or_else(PoisonError::into_inner).clear();
}

// ### reported: std locks imported under other names (`use … as …`, alone or in a use list)
// @build-mode: unwind
use std::sync::Mutex as StdMutex;
use std::sync::{RwLock as Table, TryLockError};

static REGISTRY: StdMutex<Vec<String>> = StdMutex::new(Vec::new());
static SLOTS: LazyLock<Table<Vec<u64>>> = LazyLock::new(|| Table::new(vec![0; 16]));

#[wasm_bindgen]
pub fn register(name: String, bytes: Vec<u8>) {
    let mut names = REGISTRY.lock().unwrap();
//                  ^^^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
    names.push(name);
    names.push(String::from_utf8(bytes).unwrap());
}

#[wasm_bindgen]
pub fn assign(slot: usize, value: u64) -> bool {
    SLOTS.write().unwrap()[slot] = value;
//  ^^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
    !matches!(REGISTRY.try_lock(), Err(TryLockError::WouldBlock))
}

// ### reported: a std lock named by its path, in a file that imports parking_lot's Mutex
// @build-mode: unwind
use parking_lot::Mutex;

static FAST: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static SLOTS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

#[wasm_bindgen]
pub fn set_slot(i: usize, v: u8) {
    FAST.lock().push(v);
    let mut slots = SLOTS.lock().unwrap();
//                  ^^^^^^^^^^^^^^^^^^^^^ static-mutex-lock-unwrap [fix]
    slots[i] = v;
}

// ### not reported: parking_lot and spin locks imported under other names in a use list do not poison
// @build-mode: unwind
use parking_lot::{Mutex as FastMutex, RwLock as FastRwLock};
use spin::Mutex as SpinLock;

static EVENTS: FastMutex<Vec<String>> = FastMutex::new(Vec::new());
static TABLE: FastRwLock<Vec<u64>> = FastRwLock::new(Vec::new());
static TICKS: SpinLock<Vec<u64>> = SpinLock::new(Vec::new());

#[wasm_bindgen]
pub fn record(event: String, slot: usize, input: &[u8]) {
    let mut events = EVENTS.lock();
    events.push(event);
    TABLE.write()[slot] = input[0] as u64;
    TICKS.lock().push(input[1] as u64);
}

// ### not reported: the catalog's fix — thread_local! + RefCell, fallible work outside any guard
// @build-mode: unwind
use std::cell::RefCell;

thread_local! {
    static CACHE: RefCell<HashMap<String, Model>> = RefCell::default();
}

#[wasm_bindgen]
pub fn load(name: String, bytes: Vec<u8>) -> Result<(), JsError> {
    let model = Model::parse(&bytes).map_err(|e| JsError::new(&e))?;
    CACHE.with_borrow_mut(|c| {
        c.insert(name, model);
    });
    Ok(())
}

// ### not reported: poisoning handled — into_inner, match on the LockResult, map_err + ?
// @build-mode: unwind
static CACHE: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

#[wasm_bindgen]
pub fn load(name: String, bytes: Vec<u8>) {
    let mut c = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    c.insert(name, Model::parse(&bytes).unwrap());
}

#[wasm_bindgen]
pub fn count() -> usize {
    match CACHE.lock() {
        Ok(c) => c.len(),
        Err(poisoned) => poisoned.into_inner().len(),
    }
}

#[wasm_bindgen]
pub fn names() -> Result<Vec<String>, JsError> {
    let c = CACHE.lock().map_err(|_| JsError::new("cache poisoned"))?;
    Ok(c.keys().cloned().collect())
}

// ### not reported: a private static whose every lock site runs only code that cannot panic
// @build-mode: unwind
static SEEN: Mutex<Vec<u32>> = Mutex::new(Vec::new());

#[wasm_bindgen]
pub fn see(id: u32) {
    SEEN.lock().unwrap().push(id);
}

#[wasm_bindgen]
pub fn seen() -> usize {
    SEEN.lock().unwrap().len()
}

// ### not reported: abort build — nothing unwinds, so nothing is ever poisoned (U09 reports the held guard)
// @build-mode: abort
static CACHE: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

#[wasm_bindgen]
pub fn load(name: String, bytes: Vec<u8>) {
    let mut c = CACHE.lock().unwrap();
    c.insert(name, Model::parse(&bytes).unwrap());
}

// ### not reported: abort+handler build
// @build-mode: abort+handler
static CACHE: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

#[wasm_bindgen]
pub fn load(name: String, bytes: Vec<u8>) {
    let mut c = CACHE.lock().unwrap();
    c.insert(name, Model::parse(&bytes).unwrap());
}

// ### not reported: parking_lot and async mutexes do not poison; a local Arc<Mutex> is not a static
// @build-mode: unwind
use parking_lot::Mutex as PlMutex;
use std::sync::Arc;

static EVENTS: PlMutex<Vec<String>> = PlMutex::new(Vec::new());
static JOBS: futures::lock::Mutex<Vec<u32>> = futures::lock::Mutex::new(Vec::new());

#[wasm_bindgen]
pub fn record(event: String, input: &[u8]) {
    let mut events = EVENTS.lock();
    events.push(event);
    let _first = input[0];
}

#[wasm_bindgen]
pub async fn schedule(job: u32) {
    JOBS.lock().await.push(job);
}

#[wasm_bindgen]
pub fn local(values: Vec<u32>) -> u32 {
    let shared = Arc::new(Mutex::new(values));
    let guard = shared.lock().unwrap();
    guard[0]
}

// ### not reported: server-only code of a full-stack crate (a server function, a cfg(feature = "ssr") module)
// @build-mode: unwind
#[cfg(feature = "ssr")]
mod progress {
    use super::*;

    static FILES: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

    pub fn add(name: String, bytes: &[u8]) {
        let mut files = FILES.lock().unwrap();
        files.insert(name, Model::parse(bytes).unwrap());
    }
}

static TICKETS: Mutex<Vec<u64>> = Mutex::new(Vec::new());

#[server]
pub async fn take_ticket(index: usize) -> Result<u64, ServerFnError> {
    let tickets = TICKETS.lock().unwrap();
    Ok(tickets[index])
}

// ### not reported: test code
// @build-mode: unwind
static CACHE: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads() {
        let mut c = CACHE.lock().unwrap();
        c.insert("a".into(), Model::parse(b"x").unwrap());
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
static CACHE: LazyLock<Mutex<HashMap<String, Model>>> = LazyLock::new(Default::default);

#[wasm_bindgen]
pub fn load(name: String, bytes: Vec<u8>) {
    let mut c = CACHE.lock().unwrap(
    c.insert(name, Model::parse(&bytes).unwrap());
