// Fixture for panicking-lazy-initializer (U03). Sections start with `// ### <title>`; this prelude is
// prepended to each one. `// @build-mode: …` sets a section's build mode (default abort). A caret line
// marks the expected finding on the line above; a section without one must stay clean.
use std::cell::{LazyCell, OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};
use wasm_bindgen::prelude::*;

pub struct Regex(String);

impl Regex {
    pub fn new(pattern: &str) -> Result<Regex, String> {
        if pattern.is_empty() { Err("empty pattern".into()) } else { Ok(Regex(pattern.to_owned())) }
    }
    pub fn is_match(&self, s: &str) -> bool {
        s.contains(&self.0)
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = settings)]
    fn pattern_from_js() -> String;
    #[wasm_bindgen(js_namespace = settings)]
    fn read_setting(name: &str) -> String;
}

// ### reported: the catalog's MATCHER — a thread_local! LazyCell built from a pattern JS supplies
// @build-mode: unwind
thread_local! {
    static MATCHER: LazyCell<Regex> = LazyCell::new(|| Regex::new(&pattern_from_js()).unwrap());
//                                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer: `Regex::new(&pattern_from_js()).unwrap()` can panic in the initializer of `MATCHER`, which runs on the first access (from export `matches`); under panic=unwind that poisons `MATCHER`: the call gets a `PanicError` and every later access panics again ('instance has previously been poisoned'), which no abort hook or reinit repairs (and 1 more place in the initializer that can fail)
}

#[wasm_bindgen]
pub fn matches(s: &str) -> bool {
    MATCHER.with(|m| m.is_match(s))
}

// ### reported: a LazyLock that reads the clock — always fails on wasm32-unknown-unknown (abort build)
pub struct Stamp(std::time::Instant);

static STARTED: LazyLock<Stamp> = LazyLock::new(|| Stamp(std::time::Instant::now()));
//                                                       ^^^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer: `Instant::now()` always panics on wasm32-unknown-unknown, in the initializer of `STARTED`, which runs on the first access (from export `uptime_ms`); under panic=abort it traps (`RuntimeError: unreachable`) with `STARTED` left mid-initialisation, and every later access panics and traps again

#[wasm_bindgen]
pub fn uptime_ms() -> u64 {
    STARTED.0.elapsed().as_millis() as u64
}

// ### reported: lazy_static! reading the environment (always an error on wasm32-unknown-unknown)
lazy_static::lazy_static! {
    static ref CONFIG: String = std::env::var("APP_CONFIG").unwrap();
//                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer
}

#[wasm_bindgen]
pub fn config() -> String {
    CONFIG.clone()
}

// ### reported: a Lazy built by a helper function that parses a setting JS provides
// @build-mode: unwind
use once_cell::sync::Lazy;

fn load_limits() -> HashMap<String, u32> {
    let raw = read_setting("limits");
    let fallback = Regex::new("default").unwrap();
    let mut limits = HashMap::new();
    for part in raw.split(',') {
        let (key, value) = part.split_once('=').expect("limit entries look like key=value");
//                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer
        limits.insert(key.to_owned(), value.parse().unwrap());
    }
    let _ = fallback;
    limits
}

static LIMITS: Lazy<HashMap<String, u32>> = Lazy::new(load_limits);

#[wasm_bindgen]
pub fn limit(name: &str) -> u32 {
    LIMITS.get(name).copied().unwrap_or(0)
}

// ### reported: a LazyLock whose initializer reads a JS global through js_sys
// @build-mode: unwind
static ORIGIN: LazyLock<String> = LazyLock::new(|| {
    let global = js_sys::global();
    let location = js_sys::Reflect::get(&global, &JsValue::from_str("origin")).unwrap();
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer
    location.as_string().unwrap_or_default()
});

#[wasm_bindgen]
pub fn origin() -> String {
    ORIGIN.clone()
}

// ### reported: a thread_local! LazyCell that reaches the DOM through web_sys (a path call is still input)
// @build-mode: unwind
thread_local! {
    static BODY: LazyCell<web_sys::HtmlElement> = LazyCell::new(|| web_sys::window().unwrap().document().unwrap().body().unwrap());
//                                                                 ^^^^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer
}

#[wasm_bindgen]
pub fn body_width() -> i32 {
    BODY.with(|b| b.client_width())
}

// ### reported: the clock itself as the initializer function (abort build)
static BOOTED: LazyLock<std::time::Instant> = LazyLock::new(std::time::Instant::now);
//                                                          ^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer: `Instant::now()` always panics on wasm32-unknown-unknown, in the initializer of `BOOTED`, which runs on the first access (from export `uptime_s`); under panic=abort it traps (`RuntimeError: unreachable`) with `BOOTED` left mid-initialisation, and every later access panics and traps again

#[wasm_bindgen]
pub fn uptime_s() -> u64 {
    BOOTED.elapsed().as_secs()
}

// ### not reported: the catalog's fix — OnceCell filled by a fallible export
thread_local! {
    static MATCHER: OnceCell<Regex> = const { OnceCell::new() };
}

#[wasm_bindgen]
pub fn set_pattern(p: &str) -> Result<(), JsError> {
    let re = Regex::new(p).map_err(|e| JsError::new(&e))?;
    MATCHER.with(|m| {
        let _ = m.set(re);
    });
    Ok(())
}

#[wasm_bindgen]
pub fn matches(s: &str) -> Result<bool, JsError> {
    MATCHER.with(|m| m.get().map(|r| r.is_match(s)).ok_or_else(|| JsError::new("pattern not set")))
}

// ### not reported: literal patterns — deterministic, a test run shows whether they fail
// @build-mode: unwind
static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").unwrap());

lazy_static::lazy_static! {
    static ref WORD: Regex = Regex::new(r"\w+").expect("valid regex");
}

static TABLE: Lazy<[u32; 256]> = Lazy::new(|| {
    let mut table = [0u32; 256];
    for i in 0..256 {
        table[i] = (i as u32).wrapping_mul(0x9E37_79B9) / 7;
    }
    table
});

#[wasm_bindgen]
pub fn check(s: &str) -> bool {
    DATE.is_match(s) && WORD.is_match(s) && TABLE[0] == 0
}

// ### not reported: OnceLock::get_or_init stays empty after a panic and retries; plain thread_local! (catalog F4)
static NAMES: OnceLock<Vec<String>> = OnceLock::new();

thread_local! {
    static PATTERN: RefCell<Regex> = RefCell::new(Regex::new(&pattern_from_js()).unwrap());
}

#[wasm_bindgen]
pub fn names() -> usize {
    NAMES.get_or_init(|| read_setting("names").split(',').map(str::to_owned).collect()).len()
        + PATTERN.with_borrow(|p| p.0.len())
}

// ### not reported: abort+handler — the first panic terminates the instance like any other
// @build-mode: abort+handler
thread_local! {
    static MATCHER: LazyCell<Regex> = LazyCell::new(|| Regex::new(&pattern_from_js()).unwrap());
}

#[wasm_bindgen]
pub fn matches(s: &str) -> bool {
    MATCHER.with(|m| m.is_match(s))
}

// ### reported: the message names the export that calls the helper's own type (`Worker::spawn`), not another type's `spawn`
// @build-mode: unwind
static POOL_SIZE: LazyLock<usize> = LazyLock::new(|| {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("poolSize")).unwrap().as_f64().unwrap_or(4.0) as usize
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panicking-lazy-initializer: `js_sys::Reflect::get(..).unwrap()` can panic in the initializer of `POOL_SIZE`, which runs on the first access (from export `start_worker`, through `spawn`); under panic=unwind that poisons `POOL_SIZE`: the call gets a `PanicError` and every later access panics again ('instance has previously been poisoned'), which no abort hook or reinit repairs
});

pub struct Logger;

impl Logger {
    fn spawn() -> Logger {
        Logger
    }
}

pub struct Worker(usize);

impl Worker {
    fn spawn() -> Worker {
        Worker(*POOL_SIZE)
    }
}

#[wasm_bindgen]
pub fn init_logger() {
    let _ = Logger::spawn();
}

#[wasm_bindgen]
pub fn start_worker() -> usize {
    Worker::spawn().0
}

// ### not reported: server-only code of a full-stack crate
#[cfg(feature = "ssr")]
pub mod db {
    use super::*;

    pub static DATABASE_URL: LazyLock<String> = LazyLock::new(|| std::env::var("DATABASE_URL").unwrap());
}

// ### not reported: a lazy static in test code
#[cfg(test)]
mod tests {
    use super::*;

    static FIXTURE: LazyLock<String> = LazyLock::new(|| std::env::var("FIXTURE").unwrap());

    #[test]
    fn reads() {
        assert!(!FIXTURE.is_empty());
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
static BROKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(&pattern_from_js().unwrap();

lazy_static::lazy_static! {
    static ref HALF: Regex = Regex::new(
