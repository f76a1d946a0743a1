// Fixture for invalid-suppression (both sides; this file: Rust). Every rule runs on these cases.
use wasm_bindgen::prelude::*;

// ### reported: no reason (the finding stays until one is written)
#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    // wasm-safety-ignore-next-line string-error-payload
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ invalid-suppression: suppression of `string-error-payload` gives no reason: add ` -- <why this is safe>`; it takes effect once it has one
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}

// ### reported: unknown rule id, with a suggestion
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    // wasm-safety-ignore-next-line string-eror-payload -- typo
//                                  ^^^^^^^^^^^^^^^^^^^ invalid-suppression: unknown rule `string-eror-payload` (did you mean `string-error-payload`?)
    input.len()
}

// ### reported: a TS rule in a Rust file
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    input.len() // wasm-safety-ignore-line catch-swallows-wasm-failure -- wrong file
//                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^ invalid-suppression: `catch-swallows-wasm-failure` checks TypeScript/JavaScript files only, so it never reports here
}

// ### reported: misspelt form
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    // wasm-safety-ignore-nextline string-error-payload -- typo in the form
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ invalid-suppression: unknown suppression form `wasm-safety-ignore-nextline`: use wasm-safety-ignore-next-line, wasm-safety-ignore-line or wasm-safety-ignore-file
    input.len()
}

// ### reported: rule ids separated by spaces instead of commas
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    /* wasm-safety-ignore-file string-error-payload static-mut-export-state -- two ids */
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ invalid-suppression: `string-error-payload static-mut-export-state` is not a rule id: separate rule ids with commas, and the reason with ` -- `
    input.len()
}

// ### reported: no rule named
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    input.len() // wasm-safety-ignore-line -- everything here is fine
//              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ invalid-suppression: `wasm-safety-ignore-line` names no rule: list the rule ids it suppresses (suppressing every rule is not supported)
}

// ### valid: a well-formed suppression with a reason
#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    // wasm-safety-ignore-next-line string-error-payload -- the JS side only logs the text
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}

// ### valid: prose that mentions the marker is not a directive
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    // see the README for wasm-safety-ignore-next-line
    input.len()
}

// ### valid: doc comments are never directives
//! wasm-safety-ignore-file nothing-at-all
/// wasm-safety-ignore-next-line
#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    input.len()
}
