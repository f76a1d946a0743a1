// Fixture for torn-mut-self (U04). Sections start with `// ### <title>`; this prelude is prepended
// to each one. `// @build-mode: unwind` in a section changes its crate's build mode (default abort). A
// caret line (`//   ^^^ torn-mut-self`) marks the expected finding on the line above; a section without
// one must stay clean.
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct State {
    depth: u32,
    tokens: Vec<String>,
}

impl State {
    fn consume(&mut self, chunk: &[u8]) -> Result<u32, String> { Ok(chunk.len() as u32) }
    fn step(&mut self) -> Result<(), JsError> { Ok(()) }
}

#[derive(Default, Clone)]
struct Stats {
    count: u32,
    items: Vec<f64>,
}

enum Phase {
    Idle,
    Busy,
    Done(u32),
}

#[wasm_bindgen]
pub struct Parser {
    state: Option<State>,
    bytes_seen: u64,
    count: u32,
    buf: Vec<f64>,
    len: usize,
    stats: Stats,
    phase: Phase,
    cache: RefCell<HashMap<u32, String>>,
}

// ### reported: the catalog's feed — take, a panic point, restore; fixed by working in place
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn feed(&mut self, chunk: &[u8]) -> u32 {
        let mut st = self.state.take().unwrap();
//                   ^^^^^^^^^^^^^^^^^ torn-mut-self: `self.state` is taken out here and put back only after `st.consume(chunk).expect(..)`, which can panic: under panic=unwind the caller gets a `PanicError` and `Parser` keeps serving with `self.state` left `None` [fix]
        let n = st.consume(chunk).expect("malformed chunk");
        self.bytes_seen += chunk.len() as u64;
        self.state = Some(st);
        self.count + n
    }
}

// ### reported: the catalog's push — a length updated before an index that can be out of range
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn push(&mut self, v: f64, at: usize) {
        self.len += 1;
        self.buf[at] = v;
//      ^^^^^^^^^^^^ torn-mut-self: `self.buf[at]` can panic after `self.len` was modified (`self.len += 1`) and before `self.buf[at] = v` completes; under panic=unwind the caller gets a `PanicError` and `Parser` stays usable with `self.len` and `self.buf` out of step
    }
}

// ### reported: the panic point is the whole right-hand side of the second write
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn pick(&mut self, at: usize) {
        self.count += 1;
        self.len = self.len / at;
//                 ^^^^^^^^^^^^^ torn-mut-self
    }
}

// ### reported: an early return between take and restore loses the value in every build mode (abort)
#[wasm_bindgen]
impl Parser {
    pub fn advance(&mut self) -> Result<(), JsError> {
        let mut st = self.state.take().ok_or_else(|| JsError::new("parser unusable"))?;
//                   ^^^^^^^^^^^^^^^^^ torn-mut-self: `self.state` is taken out here and put back only after `st.step()?`, which can return early: the restore is skipped and `Parser` keeps serving with `self.state` left `None`, in every build mode [fix]
        st.step()?;
        st.depth += 1;
        self.state = Some(st);
        Ok(())
    }
}

// ### reported: `if let` take with an early return inside (abort+handler)
// @build-mode: abort+handler
#[wasm_bindgen]
impl Parser {
    pub fn tick(&mut self) -> Result<u32, JsError> {
        if let Some(mut st) = self.state.take() {
//                            ^^^^^^^^^^^^^^^^^ torn-mut-self [fix]
            st.step()?;
            self.state = Some(st);
        }
        Ok(self.count)
    }
}

// ### reported: a JS exception (unwrap_throw) between writes through a local alias of a field
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn record(&mut self, value: JsValue) {
        let stats = &mut self.stats;
        stats.count += 1;
        let v = value.as_f64().unwrap_throw();
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ torn-mut-self: `value.as_f64().unwrap_throw()` can throw a JS exception after `self.stats` was modified (`stats.count += 1`) and before `stats.items.push(v)`; under panic=unwind it unwinds to the caller and `Parser` stays usable with `self.stats` half-updated
        stats.items.push(v);
    }
}

// ### reported: a placeholder swapped in by mem::replace stays when the method panics
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn finish(&mut self, parts: Vec<u32>) -> u32 {
        let old = std::mem::replace(&mut self.phase, Phase::Busy);
//                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ torn-mut-self: `self.phase` is taken out here and put back only after `parts[0]`, which can panic: under panic=unwind the caller gets a `PanicError` and `Parser` keeps serving with `self.phase` left as `Phase::Busy`
        let first = parts[0];
        self.phase = match old { Phase::Idle => Phase::Done(first), other => other };
        first
    }
}

// ### reported: mem::take of a Vec, refilled after a panic point; fixed by borrowing the field
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn scale(&mut self, by: &str) {
        let mut items = std::mem::take(&mut self.buf);
//                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ torn-mut-self [fix]
        let k: f64 = by.parse().unwrap();
        items.iter_mut().for_each(|x| *x *= k);
        self.buf = items;
    }
}

// ### not reported: the catalog's fix — no take, errors returned, nothing torn
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn feed(&mut self, chunk: &[u8]) -> Result<u32, JsError> {
        let st = self.state.as_mut().ok_or_else(|| JsError::new("parser unusable"))?;
        st.consume(chunk).map_err(|e| JsError::new(&e))?;
        self.bytes_seen += chunk.len() as u64;
        Ok(self.count)
    }

    pub fn push(&mut self, v: f64) {
        self.buf.push(v);
        self.len = self.buf.len();
    }
}

// ### not reported: state committed at the end on a copy
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn add(&mut self, v: f64, at: usize) {
        let mut next = self.stats.clone();
        next.count += 1;
        next.items[at] = v;
        let ratio = next.items.len() / next.count as usize;
        next.items.truncate(ratio);
        self.stats = next;
    }
}

// ### not reported: a drop guard restores the state on unwind
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn guarded(&mut self, v: f64, at: usize) {
        let len = self.len;
        let mut this = scopeguard::guard(self, |p| p.len = len);
        this.len += 1;
        this.buf[at] = v;
        this.count += 1;
    }
}

// ### not reported: try_borrow_mut with an error path, and a `?` between writes (default options)
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn remember(&mut self, key: u32, value: String) -> Result<(), JsError> {
        self.count += 1;
        let mut cache = self.cache.try_borrow_mut().map_err(|_| JsError::new("busy"))?;
        cache.insert(key, value);
        self.len = cache.len();
        Ok(())
    }
}

// ### not reported: panics only in test code, work on local data, a `&self` method and a private helper
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn total(&mut self, xs: &[f64]) -> f64 {
        let mut local = Vec::new();
        local.push(xs[0]);
        let last = xs[xs.len() - 1];
        local.push(last);
        self.count = local.len() as u32;
        local.iter().sum()
    }

    pub fn peek(&self, at: usize) -> f64 {
        self.buf[at]
    }

    fn reset(&mut self, at: usize) {
        self.len = 0;
        self.buf[at] = 0.0;
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen]
    impl Parser {
        pub fn poke(&mut self, at: usize) {
            self.len += 1;
            self.buf[at] = 1.0;
            self.count += 1;
        }
    }
}

// ### not reported: under panic=abort a panic inside the method is abort-build-throw-inside-borrow's business
#[wasm_bindgen]
impl Parser {
    pub fn push(&mut self, v: f64, at: usize) {
        self.len += 1;
        self.buf[at] = v;
    }

    pub fn feed(&mut self, chunk: &[u8]) -> u32 {
        let mut st = self.state.take().unwrap();
        let n = st.consume(chunk).expect("malformed chunk");
        self.state = Some(st);
        n
    }
}

// ### not reported: nothing taken when the else branch returns, restored before an error return, bounds checked
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn next(&mut self) -> Result<u32, JsError> {
        let Some(mut st) = self.state.take() else { return Err(JsError::new("done")) };
        if let Err(e) = st.step() {
            self.state = Some(st);
            return Err(e);
        }
        self.state = Some(st);
        Ok(self.count)
    }

    pub fn set(&mut self, at: usize, v: f64) {
        if at < self.buf.len() {
            self.len += 1;
            self.buf[at] = v;
        }
    }
}

// ### not reported: a panic in the `None` arm or the `unwrap_or_else` closure of a take runs only when nothing was taken
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn resume(&mut self) -> u32 {
        let mut st = match self.state.take() {
            Some(st) => st,
            None => panic!("parser already finished"),
        };
        st.depth += 1;
        self.state = Some(st);
        self.count
    }

    pub fn rewind(&mut self) -> u32 {
        let mut st = self.state.take().unwrap_or_else(|| unreachable!("no state"));
        st.depth = 0;
        self.state = Some(st);
        self.count
    }
}

// ### not reported: interior-mutable field torn on both ends is global-state-torn-by-panic's
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn index(&mut self, key: u32, words: Vec<String>) {
        self.cache.borrow_mut().insert(key, words[0].clone());
        self.cache.borrow_mut().insert(key + 1, words[1].clone());
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn broken(&mut self, at: usize {
        let mut st = self.state.take(.unwrap();
        self.buf[at] = ;
        self.state = Some(st
    }

// ### reported: an index in a vec! argument between two field writes
// @build-mode: unwind
#[wasm_bindgen]
impl Parser {
    pub fn snapshot(&mut self, i: usize) {
        self.count += 1;
        let picked = vec![self.buf[i]];
//                                ^^^ torn-mut-self: `self.buf[i]` can panic after `self.count` was modified (`self.count += 1`) and before `self.buf = picked`; under panic=unwind the caller gets a `PanicError` and `Parser` stays usable with `self.count` and `self.buf` out of step
        self.buf = picked;
    }
}
