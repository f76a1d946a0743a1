// Fixture for catch-unwind-misuse (U07). Sections start with `// ### <title>`; this prelude is prepended
// to each one. `// @build-mode: unwind` in a section changes its crate's build mode (default abort). A
// caret line (`//   ^^^ catch-unwind-misuse`) marks the expected finding on the line above; a section
// without one must stay clean.
use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Cache {
    items: Vec<String>,
    html: String,
}

impl Cache {
    fn build(doc: &str) -> Cache {
        Cache { items: vec![doc.to_owned()], html: doc.to_owned() }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

fn parse(doc: &str) -> Option<String> {
    Some(doc.to_owned())
}

// ### reported: the catalog's render — the caught panic is thrown away and a half-rebuilt cache served
// @build-mode: unwind
#[wasm_bindgen]
pub fn render(doc: &str) -> String {
    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| {
//          ^^^^^^^^^^^^^^^^^^^^^^^^ catch-unwind-misuse: the result of `std::panic::catch_unwind` is discarded: under panic=unwind a panic inside is swallowed here, no `PanicError` reaches the caller, and `CACHE`, which it modifies, is left as the panic found it [fix]
        CACHE.with_borrow_mut(|c| {
            c.items.clear();
            c.items.push(parse(doc).unwrap());
        })
    }));
    CACHE.with_borrow(|c| c.html.clone())
}

// ### reported: inert in a panic=abort build — the Err arm never runs
#[wasm_bindgen]
pub fn safe_len(doc: &str) -> usize {
    match std::panic::catch_unwind(|| parse(doc).unwrap().len()) {
//        ^^^^^^^^^^^^^^^^^^^^^^^^ catch-unwind-misuse: `std::panic::catch_unwind` is inert in this panic=abort build (default `panic=abort` for wasm32-unknown-unknown): a panic inside traps with a `RuntimeError` instead of returning `Err`, so the `Err` handling here never runs
        Ok(n) => n,
        Err(_) => 0,
    }
}

// ### reported: the imported catch_unwind, beside a function of that name in a nested module
use std::panic::catch_unwind;

#[wasm_bindgen]
pub fn safe_count(doc: &str) -> usize {
    catch_unwind(|| parse(doc).unwrap().len()).unwrap_or(0)
//  ^^^^^^^^^^^^ catch-unwind-misuse
}

mod compat {
    pub fn catch_unwind<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
        Ok(f())
    }
}

// ### reported: expected to catch a JS exception it cannot catch
// @build-mode: unwind
#[wasm_bindgen]
pub fn name_of(v: JsValue) -> String {
    match std::panic::catch_unwind(AssertUnwindSafe(|| v.as_string().unwrap_throw())) {
//        ^^^^^^^^^^^^^^^^^^^^^^^^ catch-unwind-misuse: `v.as_string().unwrap_throw()` throws a JS exception, which `catch_unwind` does not catch on wasm (it only catches Rust panics): the exception goes straight past it to the export's caller
        Ok(s) => s,
        Err(_) => String::from("?"),
    }
}

// ### reported: a future's caught panic discarded after an await
// @build-mode: unwind
use futures::FutureExt;

#[wasm_bindgen]
pub async fn refresh(doc: String) {
    let _ = AssertUnwindSafe(async move {
        CACHE.with_borrow_mut(|c| c.items.push(parse(&doc).unwrap()));
    })
    .catch_unwind()
//   ^^^^^^^^^^^^ catch-unwind-misuse [fix]
    .await;
}

// ### reported: inert with the abort handler — the instance is terminated instead
// @build-mode: abort+handler
use std::panic::catch_unwind;

#[wasm_bindgen]
pub fn checked(doc: &str) -> bool {
    if catch_unwind(|| parse(doc).expect("unparsable")).is_err() {
//     ^^^^^^^^^^^^ catch-unwind-misuse
        return false;
    }
    true
}

// ### not reported: the catalog's fix — build a new value, commit only on success, report the error
// @build-mode: unwind
#[wasm_bindgen]
pub fn render(doc: &str) -> Result<String, JsError> {
    let fresh = std::panic::catch_unwind(AssertUnwindSafe(|| Cache::build(doc)))
        .map_err(|_| JsError::new("render failed"))?;
    CACHE.with_borrow_mut(|c| *c = fresh);
    Ok(CACHE.with_borrow(|c| c.html.clone()))
}

// ### not reported: the panic is resumed in the Err arm
// @build-mode: unwind
#[wasm_bindgen]
pub fn len_or_resume(doc: &str) -> usize {
    match std::panic::catch_unwind(|| parse(doc).unwrap().len()) {
        Ok(n) => n,
        Err(p) => std::panic::resume_unwind(p),
    }
}

// ### not reported: gated on panic=unwind in an abort crate, and a local function named catch_unwind
#[cfg(all(target_family = "wasm", panic = "unwind"))]
pub fn guarded(doc: &str) -> Option<usize> {
    std::panic::catch_unwind(|| parse(doc).unwrap().len()).ok()
}

fn catch_unwind<F: FnOnce() -> u32>(f: F) -> u32 {
    f()
}

#[wasm_bindgen]
pub fn local(doc: &str) -> u32 {
    catch_unwind(|| doc.len() as u32);
    catch_unwind(|| 1)
}

// ### not reported: native-only code and test code
#[cfg(not(target_arch = "wasm32"))]
pub fn native(doc: &str) -> usize {
    std::panic::catch_unwind(|| parse(doc).unwrap().len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn panics() {
        let _ = std::panic::catch_unwind(|| panic!("boom"));
    }
}

// ### not reported: a library whose wasm-bindgen dependency is optional also builds natively (a fuzz/test helper)
// @file: Cargo.toml
// | [package]
// | name = "doc-core"
// | version = "0.1.0"
// | [dependencies]
// | wasm-bindgen = { version = "0.2.127", optional = true }
// | [features]
// | wasm = ["wasm-bindgen"]
pub fn shrink_failing_case(cases: Vec<String>) -> Option<String> {
    for c in cases {
        if std::panic::catch_unwind(|| parse(&c).unwrap()).is_err() {
            return Some(c);
        }
    }
    None
}

// ### reported: with an optional wasm-bindgen dependency, a catch_unwind inside an export is still inert
// @file: Cargo.toml
// | [package]
// | name = "doc-core"
// | version = "0.1.0"
// | [dependencies.wasm-bindgen]
// | version = "0.2.127"
// | optional = true
#[wasm_bindgen]
pub fn checked_len(doc: &str) -> u32 {
    match std::panic::catch_unwind(|| parse(doc).unwrap().len() as u32) {
//        ^^^^^^^^^^^^^^^^^^^^^^^^ catch-unwind-misuse
        Ok(n) => n,
        Err(_) => 0,
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen]
pub fn broken(doc: &str) {
    let r = std::panic::catch_unwind(|| { parse(doc).unwrap( });
    match std::panic::catch_unwind(
