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

// ### Result<_, String> export
#[wasm_bindgen]
pub fn version_of(s: &str) -> Result<u32, String> {
//                            ^^^^^^^^^^^^^^^^^^^ string-error-payload
    s.parse().map_err(|_| "not a number".to_string())
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
