// Fixture for no-abort-recovery (C04), a crate-level rule: each section is the whole `src/lib.rs` of a
// cdylib crate (default Cargo.toml: crate-type cdylib + rlib, wasm-bindgen 0.2.127). The finding sits on
// the start function when there is one, else on the first item of the file. `// @file:` blocks replace
// the crate's Cargo.toml or add a package.json.
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

// ### reported: unwind build, exports, no handler (even without state: the instance is bricked)
// @build-mode: unwind
#[wasm_bindgen]
pub fn parse(src: &str) -> String {
//     ^^^^^ no-abort-recovery: crate `fixture-case` builds with panic=unwind (`-Cpanic=unwind` and `build-std = ["std", "panic_unwind"]` in .cargo/config.toml) but has no abort recovery: after a hard abort (out of memory, stack overflow, a panic in `Drop` or while panicking) every later call to `parse()` throws `Error('Module terminated')` for as long as the host lives; register `wasm_bindgen::handler::set_on_abort(on_abort)` in a `#[wasm_bindgen(start)]` function, with `on_abort` calling `schedule_reinit()` [fix]
    src.trim().to_string()
}

// ### reported: abort+handler build with an exported class
// @build-mode: abort+handler
#[wasm_bindgen]
pub struct Session { items: Vec<u32> }
//         ^^^^^^^ no-abort-recovery [fix]

#[wasm_bindgen]
impl Session {
    pub fn push(&mut self, v: u32) { self.items.push(v); }
}

// ### reported (info): plain abort build whose globals outlive a failed call
#[wasm_bindgen]
pub fn add(v: u32) -> usize {
//     ^^^ no-abort-recovery [fix]
    STORE.with_borrow_mut(|s| { s.push(v); s.len() })
}

thread_local! {
    static STORE: RefCell<Vec<u32>> = RefCell::new(Vec::new());
}

// ### reported (info): the state named is the globals, then the classes JS holds objects of, those with `&mut self` methods first; a class of static functions only has no objects
#[wasm_bindgen]
pub struct Point { x: f64 }
//         ^^^^^ no-abort-recovery: crate `fixture-case` builds with panic=abort (default `panic=abort` for wasm32-unknown-unknown) and has no abort recovery: after a panic or trap (`RuntimeError`) the host keeps calling `Point.x()` and the other exports on the same instance, whose state (`LOG` and objects of `Editor` and `Point`) stays as the failed call left it (leaked borrows, half-written data); pass `--force-enable-abort-handler` to wasm-bindgen (≥ 0.2.125) and register `wasm_bindgen::handler::set_on_abort(on_abort)` in a `#[wasm_bindgen(start)]` function, with `on_abort` calling `schedule_reinit()` [fix]

#[wasm_bindgen]
impl Point {
    #[wasm_bindgen(constructor)]
    pub fn new(x: f64) -> Point { Point { x } }
    pub fn x(&self) -> f64 { self.x }
}

#[wasm_bindgen]
pub struct Editor { text: String }

#[wasm_bindgen]
impl Editor {
    pub fn open() -> Editor { Editor { text: String::new() } }
    pub fn insert(&mut self, s: &str) { self.text.push_str(s); }
}

#[wasm_bindgen]
pub struct Tools;

#[wasm_bindgen]
impl Tools {
    pub fn version() -> String { String::from("1") }
}

thread_local! {
    static LOG: RefCell<Vec<String>> = RefCell::new(Vec::new());
}

// ### reported on the existing start function, which the fix extends
// @build-mode: unwind
#[wasm_bindgen(start)]
fn main() {
// ^^^^ no-abort-recovery [fix]
    console_error_panic_hook::set_once();
}

#[wasm_bindgen]
pub fn render(n: u32) -> u32 { n * 2 }

// ### reported without a fix: wasm-bindgen too old for schedule_reinit
// @build-mode: unwind
// @file: Cargo.toml
// | [package]
// | name = "old-bindgen"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib"]
// | [dependencies]
// | wasm-bindgen = "0.2.110"
#[wasm_bindgen]
pub fn work() -> u32 { 1 }
//     ^^^^ no-abort-recovery

// ### reported (info) without a fix: a plain panic=abort build on a wasm-bindgen older than the abort-handler flag names one version to upgrade to
// @file: Cargo.toml
// | [package]
// | name = "old-abort"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib"]
// | [dependencies]
// | wasm-bindgen = "0.2.74"
#[wasm_bindgen]
pub fn add(v: u32) -> usize {
//     ^^^ no-abort-recovery: crate `old-abort` builds with panic=abort (default `panic=abort` for wasm32-unknown-unknown) and has no abort recovery: after a panic or trap (`RuntimeError`) the host keeps calling `add()` on the same instance, whose state (`STORE`) stays as the failed call left it (leaked borrows, half-written data); pass `--force-enable-abort-handler` to wasm-bindgen (≥ 0.2.125) and register `wasm_bindgen::handler::set_on_abort(on_abort)` in a `#[wasm_bindgen(start)]` function, with `on_abort` calling `schedule_reinit()` (the crate uses wasm-bindgen 0.2.74)
    STORE.with_borrow_mut(|s| { s.push(v); s.len() })
}

thread_local! {
    static STORE: RefCell<Vec<u32>> = RefCell::new(Vec::new());
}

// ### not reported: the start function registers a handler that schedules a reinit
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

#[wasm_bindgen]
pub fn parse(src: &str) -> String { src.to_string() }

// ### not reported: plain abort build, stateless functions (nothing outlives a failed call)
#[wasm_bindgen]
pub fn hash(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(*b as u32))
}

// ### not reported: plain abort build whose only globals are constants (a lazy regex never changes)
#[wasm_bindgen]
pub fn is_word(s: &str) -> bool {
    WORD.is_match(s)
}

static WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| regex::Regex::new(r"^\w+$").unwrap());
static LIMIT: usize = 64;

// ### not reported: plain abort build of a browser app whose start function builds the UI
thread_local! { static CLICKS: RefCell<u32> = RefCell::new(0); }

#[wasm_bindgen(start)]
fn start() {
    let document = web_sys::window().unwrap().document().unwrap();
    document.body().unwrap().append_child(&document.create_element("canvas").unwrap()).unwrap();
}

#[wasm_bindgen]
pub fn clicked() { CLICKS.with_borrow_mut(|c| *c += 1); }

// ### not reported: an rlib (a library for other Rust crates, not the module JS loads)
// @build-mode: unwind
// @file: Cargo.toml
// | [package]
// | name = "helpers"
// | version = "0.1.0"
// | [dependencies]
// | wasm-bindgen = "0.2.127"
#[wasm_bindgen]
pub fn helper() -> u32 { 1 }

// ### not reported: workers-rs registers the handler in its own start function
// @build-mode: abort+handler
// @file: Cargo.toml
// | [package]
// | name = "my-worker"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib"]
// | [dependencies]
// | worker = "0.7"
// | wasm-bindgen = "0.2.127"
#[wasm_bindgen]
pub fn handle() -> u32 { 1 }

// ### not reported: the host resets the instance itself (__wbg_reset_state is generated)
// @build-mode: unwind
// @file: package.json
// | { "name": "fixture-case", "scripts": { "build": "cargo build --release --target wasm32-unknown-unknown && wasm-bindgen --experimental-reset-state-function --target web --out-dir pkg target/wasm32-unknown-unknown/release/fixture_case.wasm" } }
#[wasm_bindgen]
pub fn parse(src: &str) -> String { src.to_string() }

// ### not reported: only a start function, nothing JS calls later
// @build-mode: unwind
#[wasm_bindgen(start)]
fn start() {
    web_sys::console::log_1(&"ready".into());
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen]
pub fn broken( -> {
