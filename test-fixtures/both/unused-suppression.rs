// Fixture for unused-suppression (both sides; this file: Rust). Every rule runs on these cases, so a
// suppression that silences a real finding is used, and one that matches nothing is reported.
use wasm_bindgen::prelude::*;

// ### reported: next-line suppression above a line with nothing to suppress
#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsError> {
    // wasm-safety-ignore-next-line string-error-payload -- callers only log the text
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: unused suppression: `string-error-payload` reported nothing on the next line [fix]
    input.trim().parse::<u32>().map_err(|e| JsError::new(&e.to_string()))
}

// ### reported: trailing same-line suppression on a clean line
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    input.len() // wasm-safety-ignore-line string-error-payload -- legacy API
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: unused suppression: `string-error-payload` reported nothing on this line [fix]
}

// ### reported: one of two ids is unused (the fix keeps the other)
#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    // wasm-safety-ignore-next-line string-error-payload, static-mut-export-state -- JS shows the text as is
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: unused suppression: `static-mut-export-state` reported nothing on the next line [fix]
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}

// ### reported: file-level suppression of a rule that reports nothing in the file
  /* wasm-safety-ignore-file static-mutex-lock-unwrap -- the cache is rebuilt on poison */
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression: unused suppression: `static-mutex-lock-unwrap` reported nothing in this file [fix]
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    input.len()
}

// ### valid: the suppression silences a real finding
#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    // wasm-safety-ignore-next-line string-error-payload -- the JS side only logs the text
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}

// ### valid: a suppression of a rule turned off or not run cannot be judged (no rule runs on a
// ### doc comment, and a doc comment is not a directive)
/// wasm-safety-ignore-next-line string-error-payload -- only documentation mentions the syntax
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    let s = "// wasm-safety-ignore-line string-error-payload -- inside a string";
    input.len() + s.len()
}

// ### valid: file-level suppression that silences a finding further down
// wasm-safety-ignore-file string-error-payload -- errors are strings by contract with the host page
#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}
