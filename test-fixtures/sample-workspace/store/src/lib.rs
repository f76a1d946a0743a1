//! Key-value store shared with the page. The page registers `app.on_change` and re-reads the
//! changed item through `get_item`, so every call into JS may re-enter this module.

use std::cell::RefCell;
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Store {
    items: BTreeMap<u32, String>,
    revision: u64,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

#[wasm_bindgen]
extern "C" {
    /// The page's change listener (app/src/main.ts); it calls `get_item(id)`.
    #[wasm_bindgen(js_namespace = app)]
    fn on_change(id: u32);
}

/// Stores `value` under `id` and notifies the page.
#[wasm_bindgen]
pub fn set_item(id: u32, value: String) {
    STORE.with_borrow_mut(|store| {
        store.items.insert(id, value);
        store.revision += 1;
        on_change(id);
    });
}

/// Removes `id`; the listener runs after the borrow has ended, so it may read the store.
#[wasm_bindgen]
pub fn remove_item(id: u32) -> bool {
    let removed = STORE.with_borrow_mut(|store| {
        store.revision += 1;
        store.items.remove(&id).is_some()
    });
    if removed {
        on_change(id);
    }
    removed
}

#[wasm_bindgen]
pub fn get_item(id: u32) -> Option<String> {
    STORE.with_borrow(|store| store.items.get(&id).cloned())
}

#[wasm_bindgen]
pub fn item_count() -> usize {
    STORE.with_borrow(|store| store.items.len())
}

#[wasm_bindgen]
pub fn revision() -> u64 {
    STORE.with_borrow(|store| store.revision)
}
