// Fixture for panic-strategy-misconfigured (C09), a crate-level rule about configuration: each section
// is the `src/lib.rs` of a crate whose Cargo.toml, Cargo.lock, .cargo/config.toml or package.json the
// section writes with `// @file:` blocks. Findings sit on the first item of the file.
use wasm_bindgen::prelude::*;

// ### reported: default-features = false drops std, so panic=unwind catches nothing
// @build-mode: unwind
// @file: Cargo.toml
// | [package]
// | name = "no-std-bindgen"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib"]
// | [dependencies]
// | wasm-bindgen = { version = "0.2.127", default-features = false }
#[wasm_bindgen]
pub fn parse(src: &str) -> u32 { src.len() as u32 }
//     ^^^^^ panic-strategy-misconfigured: `no-std-bindgen` asks for panic=unwind (`-Cpanic=unwind` in .cargo/config.toml) but depends on wasm-bindgen with `default-features = false` and no `std` feature: exports do not catch panics, so every panic escapes as a `WebAssembly.Exception`, terminates the instance and later calls throw `Module terminated` instead of a recoverable `PanicError` [fix]

// ### reported: RUSTFLAGS in the build script discards the config file's -Cpanic=unwind
// @file: .cargo/config.toml
// | [build]
// | target = "wasm32-unknown-unknown"
// | rustflags = ["-C", "panic=unwind"]
// | [unstable]
// | build-std = ["std", "panic_unwind"]
// @file: package.json
// | { "name": "fixture-case", "scripts": { "build": "RUSTFLAGS='-C target-feature=+simd128' cargo +nightly build --release --target wasm32-unknown-unknown && wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/fixture_case.wasm" } }
#[wasm_bindgen]
pub fn render(n: u32) -> u32 { n + 1 }
//     ^^^^^^ panic-strategy-misconfigured

// ### reported: panic=unwind without build-std cannot take effect
// @file: .cargo/config.toml
// | [build]
// | target = "wasm32-unknown-unknown"
// | rustflags = ["-C", "panic=unwind"]
#[wasm_bindgen]
pub struct Engine { ticks: u32 }
//         ^^^^^^ panic-strategy-misconfigured

// ### reported: an unwind build on a locked wasm-bindgen older than 0.2.127
// @build-mode: unwind
// @file: Cargo.toml
// | [package]
// | name = "fixture-case"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib", "rlib"]
// | [dependencies]
// | wasm-bindgen = "0.2.110"
// @file: Cargo.lock
// | version = 3
// |
// | [[package]]
// | name = "fixture-case"
// | version = "0.1.0"
// | dependencies = [
// |  "wasm-bindgen",
// | ]
// |
// | [[package]]
// | name = "wasm-bindgen"
// | version = "0.2.110"
#[wasm_bindgen]
pub fn tick() -> u32 { 1 }
//     ^^^^ panic-strategy-misconfigured: `fixture-case` uses wasm-bindgen 0.2.110 (locked in Cargo.lock), older than it needs: 0.2.127 stops escaping panics from leaking their export's shadow-stack frame (#5245: later calls fail with `memory access out of bounds` or `Module terminated`) and gives `PanicError` a literal name minifiers cannot rename (#5260) [fix]

// ### reported: schedule_reinit with a wasm-bindgen pinned below 0.2.118
// @file: Cargo.toml
// | [package]
// | name = "fixture-case"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib"]
// | [dependencies.wasm-bindgen]
// | version = "=0.2.116"
#[wasm_bindgen(start)]
fn start() {
// ^^^^^ panic-strategy-misconfigured [fix]
    wasm_bindgen::handler::set_on_abort(on_abort);
}

fn on_abort() {
    wasm_bindgen::handler::schedule_reinit();
}

// ### reported: after the switch to panic=unwind, a Closure capturing an Rc<RefCell> stops compiling (caveat F6)
// @build-mode: unwind
use std::{cell::RefCell, rc::Rc};

#[wasm_bindgen]
pub fn watch(target: &web_sys::EventTarget) {
    let clicks = Rc::new(RefCell::new(0u32));
    let counter = clicks.clone();
    let cb = Closure::<dyn FnMut()>::new(move || {
        *counter.borrow_mut() += 1;
//       ^^^^^^^ panic-strategy-misconfigured
    });
    target.add_event_listener_with_callback("click", cb.as_ref().unchecked_ref()).unwrap();
    cb.forget();
}

// ### not reported: the same capture with an asserting constructor, or in a panic=abort build
use std::{cell::RefCell, rc::Rc};

#[wasm_bindgen]
pub fn watch(target: &web_sys::EventTarget) {
    let clicks = Rc::new(RefCell::new(0u32));
    let counter = clicks.clone();
    let cb = Closure::<dyn FnMut()>::new(move || {
        *counter.borrow_mut() += 1;
    });
    cb.forget();
}

// ### not reported: an asserting constructor in a panic=unwind build
// @build-mode: unwind
use std::{cell::RefCell, rc::Rc};

#[wasm_bindgen]
pub fn watch() {
    let clicks = Rc::new(RefCell::new(0u32));
    let counter = clicks.clone();
    let cb = Closure::<dyn FnMut()>::own_assert_unwind_safe(move || {
        *counter.borrow_mut() += 1;
    });
    cb.forget();
}

// ### not reported: the captured Rc<RefCell> wrapped in AssertUnwindSafe (the capture is UnwindSafe)
// @build-mode: unwind
use std::{cell::RefCell, rc::Rc};

#[wasm_bindgen]
pub fn watch() {
    let clicks = Rc::new(RefCell::new(0u32));
    // UNWIND-SAFETY: a single counter, incremented in one step; a panic cannot tear it.
    let counter = std::panic::AssertUnwindSafe(clicks.clone());
    let cb = Closure::<dyn FnMut()>::new(move || {
        *counter.borrow_mut() += 1;
    });
    cb.forget();
}

// ### not reported: the default panic=abort build on a current wasm-bindgen
#[wasm_bindgen]
pub fn parse(src: &str) -> u32 { src.len() as u32 }

// ### not reported: a complete panic=unwind setup
// @build-mode: unwind
#[wasm_bindgen]
pub fn parse(src: &str) -> u32 { src.len() as u32 }

// ### not reported: default-features = false in an abort build (panics are aborts either way)
// @file: Cargo.toml
// | [package]
// | name = "tiny"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib"]
// | [dependencies]
// | wasm-bindgen = { version = "0.2.127", default-features = false }
#[wasm_bindgen]
pub fn parse(src: &str) -> u32 { src.len() as u32 }

// ### not reported: std re-enabled explicitly, and a caret requirement with no lock (resolves to the newest release)
// @build-mode: unwind
// @file: Cargo.toml
// | [package]
// | name = "fixture-case"
// | version = "0.1.0"
// | [lib]
// | crate-type = ["cdylib"]
// | [dependencies]
// | wasm-bindgen = { version = "0.2.100", default-features = false, features = ["std"] }
#[wasm_bindgen]
pub fn parse(src: &str) -> u32 { src.len() as u32 }

// ### not reported: an rlib whose consumer decides how it is built
// @file: Cargo.toml
// | [package]
// | name = "helpers"
// | version = "0.1.0"
// | [dependencies]
// | wasm-bindgen = "0.2.127"
// @file: .cargo/config.toml
// | [build]
// | rustflags = ["-C", "panic=unwind"]
#[wasm_bindgen]
pub fn helper() -> u32 { 1 }

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen]
pub fn broken( -> {
