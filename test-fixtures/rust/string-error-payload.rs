use wasm_bindgen::prelude::*;

fn inner(b: &[u8], k: &[u8]) -> Result<Vec<u8>, String> {
    if k.is_empty() { Err("empty key".to_string()) } else { Ok(b.to_vec()) }
}

// ### map_err into JsValue::from_str (the catalog's decrypt)
#[wasm_bindgen]
pub fn decrypt(b: &[u8], k: &[u8]) -> Result<Vec<u8>, JsValue> {
    inner(b, k).map_err(|e| JsValue::from_str(&e))
//                          ^^^^^^^^^^^^^^^^^^^^^ string-error-payload: `JsValue::from_str(&e)` in export `decrypt` reaches JS as a bare string (no `name`, `message` or stack), so `e.message` is `undefined` and no classifier can tell it from a wasm failure; build the error with `JsError::new(..)` [fix]
}

// ### Err("…".into()) and format!().into() in one export
#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    if input.is_empty() {
        return Err("empty header".into());
//                 ^^^^^^^^^^^^^^^^^^^^^ string-error-payload [fix]
    }
    input.trim().parse::<u32>().map_err(|e| format!("bad header: {e}").into())
}

// ### ok_or with a string literal, then ?
#[wasm_bindgen]
pub struct Store {
    items: Vec<String>,
}

#[wasm_bindgen]
impl Store {
    pub fn get(&self, i: usize) -> Result<String, JsValue> {
        let item = self.items.get(i).ok_or("no such item")?;
//                                         ^^^^^^^^^^^^^^ string-error-payload [fix]
        Ok(item.clone())
    }
}

// ### map_err(|e| e.to_string())? in an async export
#[wasm_bindgen]
pub async fn load(url: String) -> Result<JsValue, JsValue> {
    let body = fetch_text(&url).await.map_err(|e| e.to_string())?;
//                                                ^^^^^^^^^^^^^ string-error-payload [fix]
    Ok(JsValue::from_str(&body))
}

async fn fetch_text(url: &str) -> Result<String, std::io::Error> {
    Ok(url.to_string())
}

// ### JsValue::from(e.as_str()) in a map_err closure
#[wasm_bindgen]
pub fn query(selector: &str) -> Result<u32, JsValue> {
    let n = count_matches(selector).map_err(|e| JsValue::from(e.as_str()))?;
//                                              ^^^^^^^^^^^^^^^^^^^^^^^^^ string-error-payload [fix]
    Ok(n)
}

fn count_matches(selector: &str) -> Result<u32, String> {
    if selector.is_empty() { Err("empty selector".to_string()) } else { Ok(1) }
}

// ### Result<_, String> export
#[wasm_bindgen]
pub fn version_of(s: &str) -> Result<u32, String> {
//                            ^^^^^^^^^^^^^^^^^^^ string-error-payload
    s.parse().map_err(|_| "not a number".to_string())
}

// ### Result<_, JsString> export (a JS string primitive: noir's compressWitness)
#[wasm_bindgen]
pub fn compress(s: &str) -> Result<u32, js_sys::JsString> {
//                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string-error-payload: export `compress` returns `Result<_, js_sys::JsString>`: its `Err` reaches JS as a bare string (no `name`, `message` or stack), so `e.message` is `undefined` and no classifier can tell it from a wasm failure; return `Result<_, JsError>` with `JsError::new(..)`
    Ok(s.len() as u32)
}

// ### map_err(JsValue::from) and ? on a same-file function's Result<_, String>
#[wasm_bindgen]
pub fn decrypt_mapped(b: &[u8], k: &[u8]) -> Result<Vec<u8>, JsValue> {
    inner(b, k).map_err(JsValue::from)
//                      ^^^^^^^^^^^^^ string-error-payload: `.map_err(JsValue::from)` on `inner(b, k)`, whose error is a `String`, in export `decrypt_mapped` reaches JS as a bare string (no `name`, `message` or stack), so `e.message` is `undefined` and no classifier can tell it from a wasm failure; build the error with `JsError::new(..)` [fix]
}

#[wasm_bindgen]
pub async fn decrypt_tried(b: Vec<u8>, k: Vec<u8>) -> Result<Vec<u8>, JsValue> {
    let plain = inner(&b, &k)?;
//              ^^^^^^^^^^^^^ string-error-payload: `?` on `inner(&b, &k)`, whose error is a `String`, in export `decrypt_tried` reaches JS as a bare string (no `name`, `message` or stack), so `e.message` is `undefined` and no classifier can tell it from a wasm failure; build the error with `JsError::new(..)` (1 more in this function) [fix]
    let key = Keys::lookup(&k).await.map(|v| v + 1).map_err(Into::into)?;
    Ok([plain, vec![key]].concat())
}

struct Keys;

impl Keys {
    async fn lookup(k: &[u8]) -> Result<u8, &'static str> {
        k.first().copied().ok_or("no key")
    }
}

#[wasm_bindgen]
pub fn parse_mapped(input: &str) -> Result<u32, JsValue> {
    input.trim().parse::<u32>().map_err(|e| e.to_string()).map_err(|e| JsValue::from(e))
//                                                                 ^^^^^^^^^^^^^^^^^^^^ string-error-payload [fix]
}

// ### map_err naming a function of this file that builds the JsValue from a string (lol-html's write)
fn to_js(err: std::num::ParseIntError) -> JsValue {
    JsValue::from(err.to_string())
}

#[wasm_bindgen]
pub fn parse_count(s: &str) -> Result<u32, JsValue> {
    s.parse::<u32>().map_err(to_js)
//                           ^^^^^ string-error-payload: `.map_err(to_js)`, whose function builds a `JsValue` from a string, in export `parse_count` reaches JS as a bare string (no `name`, `message` or stack), so `e.message` is `undefined` and no classifier can tell it from a wasm failure; build the error with `JsError::new(..)`
}

// ### valid: map_err naming a function of this file that builds a JS Error
fn to_js_error(err: std::num::ParseIntError) -> JsValue {
    JsError::new(&err.to_string()).into()
}

#[wasm_bindgen]
pub fn parse_count_checked(s: &str) -> Result<u32, JsValue> {
    s.parse::<u32>().map_err(to_js_error)
}

// ### through a crate-local Result alias (the error type is JsValue wherever the alias is used)
pub type JsResult<T> = std::result::Result<T, JsValue>;

#[wasm_bindgen]
pub fn parse_count(input: &str) -> JsResult<u32> {
    input.parse::<u32>().map_err(|_| JsValue::from_str("not a number"))
//                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string-error-payload [fix]
}

// ### valid: an alias whose error type is a real error
pub type Checked<T> = Result<T, JsError>;

#[wasm_bindgen]
pub fn parse_checked(input: &str) -> Checked<u32> {
    input.parse::<u32>().map_err(|_| JsError::new("not a number"))
}

// ### valid: map_err(JsValue::from) and ? on errors that are not visibly strings
#[derive(Debug)]
pub struct DecodeError;

impl From<DecodeError> for JsValue {
    fn from(_: DecodeError) -> JsValue {
        js_sys::Error::new("decode error").into()
    }
}

fn decode(b: &[u8]) -> Result<u32, DecodeError> {
    b.first().map(|x| *x as u32).ok_or(DecodeError)
}

fn checked(b: &[u8]) -> Result<u32, js_sys::Error> {
    b.first().map(|x| *x as u32).ok_or_else(|| js_sys::Error::new("empty"))
}

#[wasm_bindgen]
pub fn typed(b: &[u8]) -> Result<u32, JsValue> {
    let first = decode(b).map_err(JsValue::from)?;
    let second = checked(b)?;
    let third = checked(b).map_err(JsValue::from)?;
    let fourth = serde_wasm_bindgen::to_value(&first).map_err(JsValue::from)?;
    let _ = fourth;
    let fifth = inner(b, b).map_err(|e| JsValue::from(js_sys::Error::new(&e)))?;
    let nested = || -> Result<Vec<u8>, String> { Ok(inner(b, b)?) };
    let _ = (fifth, nested);
    Ok(first + second + third)
}

// ### valid: JsError
#[wasm_bindgen]
pub fn decrypt_ok(b: &[u8], k: &[u8]) -> Result<Vec<u8>, JsError> {
    inner(b, k).map_err(|e| JsError::new(&e))
}

// ### valid: a JS Error converted into JsValue
#[wasm_bindgen]
pub fn check(x: u32) -> Result<u32, JsValue> {
    if x == 0 {
        return Err(JsValue::from(js_sys::Error::new("zero")));
    }
    Err(JsError::new("odd").into())
}

// ### valid: not an export
fn helper(s: &str) -> Result<u32, JsValue> {
    s.parse().map_err(|_| JsValue::from_str("nope"))
}

// ### valid: test code
#[cfg(test)]
mod tests {
    use super::*;
    #[wasm_bindgen]
    pub fn fake() -> Result<(), JsValue> {
        Err(JsValue::from_str("test"))
    }
}

// ### valid: broken code does not crash the rule
#[wasm_bindgen]
pub fn broken(s: &str) -> Result<u32, JsValue> {
    Err(JsValue::from_str(s
