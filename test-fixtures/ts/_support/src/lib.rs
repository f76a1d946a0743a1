//! The Rust side of the TS fixtures: crate `fixture-case` (lib `fixture_case`), whose wasm-pack output is
//! `../pkg/` (`--target web`). Every export here is declared in `pkg/fixture_case.d.ts` and implemented in
//! `pkg/fixture_case.js`, and nothing else is: keep the three consistent when adding to one of them.
//! TS rules join calls to these declarations (catalog §B4, `server/src/analysis/ts/rust-join.ts`); TS
//! sections that import a path under `pkg/` that does not exist (`../pkg/node/fixture_case`) see this
//! crate as unbuilt glue whose exports come from this file.
//! A section can replace this file with `// @file: src/lib.rs` blocks (see the fixture runner).
//! Fixture messages cite `src/lib.rs:<line>`: add new exports at the end of the file.

use std::collections::HashMap;
use wasm_bindgen::prelude::*;

// ---- Parser: used by the failure-classification fixtures ------------------------------------------

/// Incremental parser over a source text; `feed` adds input, `finish` resolves the tree.
#[wasm_bindgen]
pub struct Parser {
    src: String,
    tokens: u32,
}

#[wasm_bindgen]
impl Parser {
    #[wasm_bindgen(constructor)]
    pub fn new(src: &str) -> Parser {
        Parser { src: src.to_owned(), tokens: 0 }
    }

    /// Parses everything fed so far and resolves with the syntax tree as a JS object.
    pub async fn finish(&mut self) -> Result<JsValue, JsError> {
        let tree = syntax_tree(&self.src)?;
        Ok(serde_wasm_bindgen::to_value(&tree)?)
    }

    /// Adds a chunk of input and returns the number of tokens read so far.
    pub fn feed(&mut self, chunk: &str) -> u32 {
        self.src.push_str(chunk);
        self.tokens = self.src.split_whitespace().count() as u32;
        self.tokens
    }

    pub fn with_capacity(capacity: u32) -> Parser {
        Parser { src: String::with_capacity(capacity as usize), tokens: 0 }
    }

    #[wasm_bindgen(getter)]
    pub fn token_count(&self) -> u32 {
        self.tokens
    }
}

/// Fetches `url` and parses the body.
#[wasm_bindgen]
pub async fn load(url: String) -> Result<JsValue, JsValue> {
    let body = fetch_text(&url).await?;
    let tree = syntax_tree(&body).map_err(JsValue::from)?;
    Ok(serde_wasm_bindgen::to_value(&tree)?)
}

/// Parses `src` and returns the canonical printed form.
#[wasm_bindgen]
pub fn parse(src: &str) -> Result<String, JsError> {
    Ok(print_tree(&syntax_tree(src)?))
}

// ---- Editor: JS callbacks that can re-enter the object (reentrancy fixtures) -----------------------

/// A text buffer that calls JS back: listeners after each change, visitors per line.
#[wasm_bindgen]
pub struct Editor {
    lines: Vec<String>,
    listeners: Vec<js_sys::Function>,
}

#[wasm_bindgen]
impl Editor {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Editor {
        Editor { lines: vec![String::new()], listeners: Vec::new() }
    }

    /// The whole text.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// Inserts `s` at the end and calls every change listener before returning (`self` stays borrowed).
    pub fn insert(&mut self, s: &str) {
        self.lines.last_mut().unwrap().push_str(s);
        for listener in &self.listeners {
            let _ = listener.call0(&JsValue::NULL);
        }
    }

    /// Replaces the text.
    #[wasm_bindgen(js_name = setText)]
    pub fn set_text(&mut self, text: &str) {
        self.lines = text.lines().map(str::to_owned).collect();
    }

    /// Registers a listener that `insert` calls after each change.
    #[wasm_bindgen(js_name = onChange)]
    pub fn on_change(&mut self, listener: js_sys::Function) {
        self.listeners.push(listener);
    }

    /// Calls `f(line)` for each line, synchronously (a shared borrow of `self` is held meanwhile).
    #[wasm_bindgen(js_name = forEachLine)]
    pub fn for_each_line(&self, f: &js_sys::Function) {
        for line in &self.lines {
            let _ = f.call1(&JsValue::NULL, &JsValue::from_str(line));
        }
    }

    /// Replaces each line with `f(line)`, synchronously (an exclusive borrow of `self` is held meanwhile).
    #[wasm_bindgen(js_name = mapLines)]
    pub fn map_lines(&mut self, f: &js_sys::Function) {
        for line in self.lines.iter_mut() {
            if let Some(s) = f.call1(&JsValue::NULL, &JsValue::from_str(line)).ok().and_then(|v| v.as_string()) {
                *line = s;
            }
        }
    }

    /// Number of lines.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.lines.len() as u32
    }
}

// ---- Client: async methods on one object (overlapping-call fixtures) ------------------------------

/// A connection to a node; its async methods hold their borrow of `self` until the promise settles.
#[wasm_bindgen]
pub struct Client {
    url: String,
    height: u64,
    accounts: HashMap<String, u64>,
}

#[wasm_bindgen]
impl Client {
    /// Connects to `url` and reads the current height.
    pub async fn connect(url: String) -> Result<Client, JsError> {
        let height = fetch_text(&format!("{url}/height")).await.map_err(|_| JsError::new("unreachable node"))?;
        Ok(Client { url, height: height.trim().parse()?, accounts: HashMap::new() })
    }

    /// Fetches new blocks and updates the local state.
    pub async fn sync(&mut self) -> Result<(), JsError> {
        let height = fetch_text(&format!("{}/height", self.url)).await.map_err(|_| JsError::new("sync failed"))?;
        self.height = height.trim().parse()?;
        Ok(())
    }

    /// Fetches new blocks and returns the new state (exclusive borrow across the fetch).
    #[wasm_bindgen(js_name = syncState)]
    pub async fn sync_state(&mut self) -> Result<JsValue, JsError> {
        self.sync().await?;
        Ok(JsValue::from_f64(self.height as f64))
    }

    /// The height as of the last sync, re-read from the node (shared borrow across the fetch).
    #[wasm_bindgen(js_name = fetchHeight)]
    pub async fn fetch_height(&self) -> Result<f64, JsError> {
        let height = fetch_text(&format!("{}/height", self.url)).await.map_err(|_| JsError::new("fetch failed"))?;
        Ok(height.trim().parse::<f64>()?)
    }

    /// The known accounts (shared borrow across the fetch).
    #[wasm_bindgen(js_name = getAccounts)]
    pub async fn get_accounts(&self) -> Result<JsValue, JsError> {
        let _ = fetch_text(&format!("{}/accounts", self.url)).await;
        Ok(serde_wasm_bindgen::to_value(&self.accounts)?)
    }

    /// The node URL.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Points the client at another node.
    #[wasm_bindgen(js_name = setUrl)]
    pub fn set_url(&mut self, url: String) {
        self.url = url;
    }
}

// ---- Doc and Matrix: objects passed as arguments (aliasing fixtures) ------------------------------

/// A document that can be merged with others.
#[wasm_bindgen]
pub struct Doc {
    text: String,
}

#[wasm_bindgen]
impl Doc {
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str) -> Doc {
        Doc { text: text.to_owned() }
    }

    /// Appends the text of `other` to this document.
    pub fn append(&mut self, other: &Doc) {
        self.text.push_str(&other.text);
    }

    /// True when both documents hold the same text.
    pub fn equals(&self, other: &Doc) -> bool {
        self.text == other.text
    }

    /// A copy of this document (a new object).
    #[wasm_bindgen(js_name = clone)]
    pub fn clone_doc(&self) -> Doc {
        Doc { text: self.text.clone() }
    }
}

/// Merges `src` into `dst`.
#[wasm_bindgen]
pub fn merge(dst: &mut Doc, src: &Doc) {
    dst.text.push_str(&src.text);
}

/// A line-based diff of two documents.
#[wasm_bindgen]
pub fn diff(a: &Doc, b: &Doc) -> String {
    a.text.lines().zip(b.text.lines()).filter(|(x, y)| x != y).map(|(x, _)| x).collect::<Vec<_>>().join("\n")
}

/// A 2×2 matrix without a `clone` export.
#[wasm_bindgen]
pub struct Matrix {
    m: [f64; 4],
}

#[wasm_bindgen]
impl Matrix {
    #[wasm_bindgen(constructor)]
    pub fn new(a: f64, b: f64, c: f64, d: f64) -> Matrix {
        Matrix { m: [a, b, c, d] }
    }

    /// `self = self × other`.
    #[wasm_bindgen(js_name = mulAssign)]
    pub fn mul_assign(&mut self, other: &Matrix) {
        let [a, b, c, d] = self.m;
        let [e, f, g, h] = other.m;
        self.m = [a * e + b * g, a * f + b * h, c * e + d * g, c * f + d * h];
    }

    /// The determinant.
    pub fn det(&self) -> f64 {
        self.m[0] * self.m[3] - self.m[1] * self.m[2]
    }
}

// ---- private helpers --------------------------------------------------------------------------------

#[derive(serde::Serialize)]
struct Node {
    kind: String,
    children: Vec<Node>,
}

fn syntax_tree(src: &str) -> Result<Node, JsError> {
    if src.contains('\u{0}') {
        return Err(JsError::new("NUL byte in source"));
    }
    Ok(Node { kind: "root".into(), children: src.split_whitespace().map(|w| Node { kind: w.into(), children: vec![] }).collect() })
}

fn print_tree(node: &Node) -> String {
    node.children.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>().join(" ")
}

async fn fetch_text(url: &str) -> Result<String, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await?.dyn_into()?;
    let text = wasm_bindgen_futures::JsFuture::from(response.text()?).await?;
    text.as_string().ok_or_else(|| JsValue::from_str("body is not text"))
}

// ---- Client, continued: a method that returns a promise without holding `self` ----------------------

#[wasm_bindgen]
impl Client {
    /// Starts a balance query; the returned promise owns a copy of the URL and does not borrow `self`.
    #[wasm_bindgen(js_name = queryBalance)]
    pub fn query_balance(&mut self, account: String) -> js_sys::Promise {
        let url = format!("{}/balance/{account}", self.url);
        wasm_bindgen_futures::future_to_promise(async move { fetch_text(&url).await.map(|t| JsValue::from_str(&t)) })
    }
}
