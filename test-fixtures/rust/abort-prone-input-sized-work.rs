// Fixture for abort-prone-input-sized-work (U10). Sections start with `// ### <title>`; this prelude is
// prepended to each one. The rule applies in every build mode. A caret line
// (`//   ^^^ abort-prone-input-sized-work`) marks the expected finding on the line above; a section
// without one must stay clean.
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

const MAX_ITEMS: usize = 1 << 16;

fn inflate_into(_input: &[u8], _out: &mut Vec<u8>) {}

// ### reported: the catalog's decode — a declared size read from the input sizes the buffer
#[wasm_bindgen]
pub fn decode(data: &[u8]) -> Vec<u8> {
    let declared = u32::from_le_bytes(data[..4].try_into().unwrap()) as usize;
    let mut out = Vec::with_capacity(declared);
//                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work: `Vec::with_capacity(declared)` allocates by `declared`, which comes from a size decoded from the JS argument `data`, with no upper bound: a huge value fails the allocation ('memory allocation of … bytes failed'), which aborts even under panic=unwind — the caller gets a `WebAssembly.RuntimeError` and the instance keeps running with whatever the call left borrowed or half-done [fix]
    inflate_into(&data[4..], &mut out);
    out
}

// ### reported: a count parsed from a string argument
#[wasm_bindgen]
pub fn spaces(spec: &str) -> String {
    let n: usize = spec.trim().parse().unwrap_or(0);
    let mut out = String::with_capacity(n);
//                ^^^^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work [fix]
    for _ in 0..n {
        out.push(' ');
    }
    out
}

// ### reported: an image buffer sized by width * height from JS
#[wasm_bindgen]
pub fn blank(width: u32, height: u32) -> Vec<u8> {
    vec![0u8; (width * height * 4) as usize]
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work
}

// ### reported: a range up to a JS number collected through length-keeping adaptors (allocated up front: the rayon demo's palette)
#[wasm_bindgen]
pub fn palette(max_iterations: u32) -> Vec<u32> {
    (0..max_iterations).map(|i| i.wrapping_mul(31)).collect()
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work
}

// ### not reported: a filtered or bounded range, an open range, and a range over data JS passed
#[wasm_bindgen]
pub fn sampled(count: u32, data: &[u8]) -> usize {
    let evens: Vec<u32> = (0..count).filter(|i| i % 2 == 0).collect();
    let firsts: Vec<u32> = (0..count).take(16).collect();
    let open: Vec<u32> = (count..).take(3).collect();
    let idx: Vec<usize> = (0..data.len()).map(|i| i * 2).collect();
    evens.len() + firsts.len() + open.len() + idx.len()
}

// ### reported: a string repeated a JS-chosen number of times (panic=unwind: the instance is terminated)
// @build-mode: unwind
#[wasm_bindgen]
pub fn pad(unit: &str, count: u32) -> String {
    unit.repeat(count as usize)
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work: `unit.repeat(count as usize)` allocates by `count as usize`, which comes from the JS argument `count` (`u32`), with no upper bound: a huge value fails the allocation ('memory allocation of … bytes failed'), which aborts even under panic=unwind — the caller gets a `WebAssembly.RuntimeError` and every later call throws 'Module terminated'
}

// ### reported: reserve on a method's buffer, fixed by clamping the hint
#[wasm_bindgen]
pub struct Log {
    lines: Vec<String>,
}

#[wasm_bindgen]
impl Log {
    pub fn expect_lines(&mut self, n: usize) {
        self.lines.reserve(n);
//      ^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work [fix]
    }
}

// ### reported: the length of a JS array (sparse arrays have a length but no memory)
#[wasm_bindgen]
pub fn to_vec(items: &js_sys::Array) -> Vec<f64> {
    let n = items.length() as usize;
    let mut out = Vec::with_capacity(n);
//                ^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work [fix]
    for i in 0..n as u32 {
        out.push(items.get(i).as_f64().unwrap_or(0.0));
    }
    out
}

// ### reported: a recursive-descent parser with no nesting limit, called on the JS string
fn parse_expr(chars: &mut std::iter::Peekable<std::str::Chars>) -> f64 {
    match chars.next() {
        Some('(') => {
            let v = parse_expr(chars);
//                  ^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work
            chars.next();
            v
        }
        Some(c) => c.to_digit(10).map(f64::from).unwrap_or(0.0),
        None => 0.0,
    }
}

#[wasm_bindgen]
pub fn eval(src: &str) -> f64 {
    let mut chars = src.chars().peekable();
    parse_expr(&mut chars)
}

// ### reported: a recursive method of a parser built from the JS string, called on the local
struct Nester<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Nester<'a> {
    fn nest(&mut self) -> u32 {
        if self.src.get(self.pos) != Some(&b'(') {
            return 0;
        }
        self.pos += 1;
        self.nest() + 1
//      ^^^^^^^^^^^ abort-prone-input-sized-work
    }
}

#[wasm_bindgen]
pub fn depth(src: &str) -> u32 {
    let mut p = Nester { src: src.as_bytes(), pos: 0 };
    p.nest()
}

// ### reported: an export that recurses as deep as the number JS passes
#[wasm_bindgen]
pub fn fib(n: u32) -> u64 {
    if n < 2 { n as u64 } else { fib(n - 1) + fib(n - 2) }
//                               ^^^^^^^^^^ abort-prone-input-sized-work
}

// ### reported: the header bytes bound by a let before the size is decoded
#[wasm_bindgen]
pub fn decode_header(data: &[u8]) -> Vec<u8> {
    let hdr: [u8; 4] = data[..4].try_into().unwrap();
    let declared = u32::from_le_bytes(hdr) as usize;
    Vec::with_capacity(declared)
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ abort-prone-input-sized-work [fix]
}

// ### not reported: the catalog's fix — a limit, then try_reserve_exact
#[wasm_bindgen]
pub fn decode(data: &[u8]) -> Result<Vec<u8>, JsError> {
    const MAX: usize = 64 << 20;
    let hdr: [u8; 4] = data.get(..4).and_then(|h| h.try_into().ok()).ok_or_else(|| JsError::new("short input"))?;
    let declared = u32::from_le_bytes(hdr) as usize;
    if declared > MAX { return Err(JsError::new("declared size too large")); }
    let mut out = Vec::new();
    out.try_reserve_exact(declared).map_err(|_| JsError::new("out of memory"))?;
    inflate_into(&data[4..], &mut out);
    Ok(out)
}

// ### not reported: clamped sizes (min in place, a clamped shadowing let, an assert)
#[wasm_bindgen]
pub fn buffers(n: usize, m: u32, k: usize) -> usize {
    let a: Vec<u8> = Vec::with_capacity(n.min(MAX_ITEMS));
    let m = (m as usize).min(MAX_ITEMS);
    let b = vec![0u8; m];
    assert!(k <= MAX_ITEMS, "too many");
    let c = vec![0u8; k];
    a.capacity() + b.len() + c.len()
}

// ### not reported: an assert whose bound is on a cast of the input
#[wasm_bindgen]
pub fn cast_bound(n: u32) -> usize {
    assert!(n as usize <= MAX_ITEMS);
    let v = vec![0u8; n as usize];
    v.len()
}

// ### not reported: the size of data JS already copied in, and small integer types
#[wasm_bindgen]
pub fn copy(data: &[u8], tile: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 2);
    out.extend_from_slice(data);
    out.extend(vec![0u8; tile as usize]);
    out
}

// ### not reported: a parsed document's own sizes, and a length minus an offset
#[wasm_bindgen]
pub fn rows(src: &str, skip: usize) -> usize {
    let doc = src.parse::<serde_json::Value>().unwrap_or_default();
    let keys: Vec<String> = Vec::with_capacity(doc.as_object().map_or(0, |o| o.len()));
    let lines: Vec<&str> = src.lines().collect();
    let rest: Vec<&str> = Vec::with_capacity(lines.len() - skip);
    keys.len() + rest.capacity()
}

// ### not reported: the value is checked before the allocation, or the allocation is inside the check
#[wasm_bindgen]
pub fn grid(width: u32, height: u32) -> Vec<u8> {
    if width > 4096 || height > 4096 {
        return Vec::new();
    }
    let size = (width * height) as usize;
    vec![0u8; size]
}

#[wasm_bindgen]
pub fn line(n: usize) -> String {
    if n < 80 { "-".repeat(n) } else { String::new() }
}

// ### not reported: the allocation is in a match arm whose range pattern bounds the value
#[wasm_bindgen]
pub fn padding(n: usize) -> Vec<u8> {
    match n {
        0 => Vec::new(),
        1..=4096 => vec![0u8; n],
        _ => vec![0u8; 4096],
    }
}

// ### not reported: a recursion driven only by a u8 from JS (at most 255 frames)
fn countdown(n: u8) -> u32 {
    if n == 0 { 0 } else { 1 + countdown(n - 1) }
}

#[wasm_bindgen]
pub fn steps(n: u8, verbose: bool) -> u32 {
    let _ = verbose;
    countdown(n)
}

// ### not reported: recursion with a depth limit, and allocation outside exports
fn depth_of(v: &serde_json::Value, depth: usize) -> usize {
    if depth > 64 {
        return depth;
    }
    match v {
        serde_json::Value::Array(items) => items.iter().map(|i| depth_of(i, depth + 1)).max().unwrap_or(depth),
        _ => depth,
    }
}

#[wasm_bindgen]
pub fn nesting(json: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    depth_of(&v, 0)
}

fn scratch(n: usize) -> Vec<u8> {
    vec![0; n]
}

// ### not reported: test code
#[cfg(test)]
mod tests {
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn big(n: usize) {
        let _v: Vec<u8> = Vec::with_capacity(n);
    }
}

// ### not reported: broken code does not crash the rule
#[wasm_bindgen]
pub fn broken(n: usize -> Vec<u8> {
    let v = vec![0u8; n
    Vec::with_capacity(
}
