// Fixture for static-mut-export-state (R04). Sections start with `// ### <title>`; this prelude is
// prepended to each one. A caret line marks the expected finding on the line above; a section without
// one stays clean.
use std::ptr::addr_of_mut;
use wasm_bindgen::prelude::*;

#[derive(Default)]
struct Game {
    frame: u32,
    score: u32,
}

impl Game {
    fn step(&mut self) {
        self.frame += 1;
    }
}

static mut GAME: Option<Game> = None;
static mut COUNTER: u32 = 0;
static mut LOG: Vec<String> = Vec::new();

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn render(frame: u32);
    #[wasm_bindgen(js_namespace = app, js_name = loadLevel)]
    async fn load_level() -> JsValue;
}

// ### reported: the catalog's tick — a &mut into the static held across a callback (warning)
#[wasm_bindgen]
pub fn tick(cb: &js_sys::Function) {
    let g = unsafe { GAME.as_mut().unwrap() };
    g.step();
    let _ = cb.call0(&JsValue::NULL);
//          ^^^^^^^^^^^^^^^^^^^^^^^^ static-mut-export-state: `cb.call0(..)` runs JS while `g`, a reference into the `static mut` `GAME` (taken with `GAME.as_mut()`), is still in use; if JS calls an export that touches `GAME` meanwhile, two references alias the static — undefined behaviour that surfaces as silent corruption, not as an error, in every build mode
    g.frame += 1;
}

// ### reported: a reference into the static from an export, no JS call while it lives (info)
#[wasm_bindgen]
pub fn score() -> u32 {
    let g = unsafe { GAME.as_ref() };
//                   ^^^^^^^^^^^^^ static-mut-export-state: export `score` takes a reference into the `static mut` `GAME` with `GAME.as_ref()`; a `static mut` has no runtime guard, so if JS re-enters an export that touches `GAME` while the reference is live, two references alias it — undefined behaviour that surfaces as silent corruption, not as an error
    g.map(|g| g.score).unwrap_or(0)
}

// ### reported: addr_of_mut! and &mut through a path, once per static and export
#[wasm_bindgen]
pub fn reset() {
    unsafe {
        let g = &mut *addr_of_mut!(GAME);
//                    ^^^^^^^^^^^^^^^^^^ static-mut-export-state
        *g = Some(Game::default());
        let log = &mut crate::LOG;
//                ^^^^^^^^^^^^^^^ static-mut-export-state
        log.clear();
        LOG.push(String::new());
    }
}

// ### reported: a closure handed to JS pushes into a static Vec (autoref), and a reference held across an await
#[wasm_bindgen]
pub fn install(target: web_sys::EventTarget) -> Result<(), JsValue> {
    let listener = Closure::<dyn FnMut()>::new(move || unsafe {
        LOG.push("click".to_string());
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ static-mut-export-state
    });
    target.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref())?;
    listener.forget();
    Ok(())
}

#[wasm_bindgen]
pub async fn next_level() {
    let g = unsafe { GAME.as_mut().unwrap() };
    let level = load_level().await;
//                          ^^^^^^ static-mut-export-state
    g.score = level.as_f64().unwrap_or(0.0) as u32;
}

// ### reported: JS callbacks that forward to handler functions taking a reference, and a #[no_mangle] export
fn on_frame(timestamp: u32) {
    let game = unsafe { GAME.as_mut().unwrap() };
    game.frame = timestamp;
}

#[wasm_bindgen]
pub fn install_loop(window: web_sys::Window) -> Result<(), JsValue> {
    let frame = Closure::<dyn FnMut(u32)>::new(move |t: u32| {
        on_frame(t);
//      ^^^^^^^^^^^ static-mut-export-state: this closure (called by JS) reaches the `static mut` `GAME` through `on_frame(..)`, which takes a reference into it with `GAME.as_mut()`; a `static mut` has no runtime guard, so if JS re-enters an export that touches `GAME` while the reference is live, two references alias it — undefined behaviour that surfaces as silent corruption, not as an error
    });
    window.request_animation_frame(frame.as_ref().unchecked_ref())?;
    frame.forget();
    Ok(())
}

#[no_mangle]
pub extern "C" fn on_resize(width: u32) {
    unsafe { LOG.push(format!("resize {}", width)) };
//           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ static-mut-export-state
}

// ### reported: indexing a Vec static, and a ref mut binding into the static
#[wasm_bindgen]
pub fn rename(i: usize, name: String) {
    unsafe { LOG[i] = name };
//           ^^^^^^ static-mut-export-state
}

#[wasm_bindgen]
pub fn score_up() {
    unsafe {
        if let Some(ref mut g) = GAME {
//                               ^^^^ static-mut-export-state
            g.score += 1;
        }
    }
}

// ### not reported: an array static indexed in place, and a by-value pattern on a Copy static
static mut SLOTS: [u32; 8] = [0; 8];

#[wasm_bindgen]
pub fn set_slot(i: usize, v: u32) -> u32 {
    unsafe {
        SLOTS[i] = v;
        match COUNTER {
            0 => 1,
            n => n,
        }
    }
}

// ### not reported: by-value reads and writes of a Copy scalar, no reference held
#[wasm_bindgen]
pub fn bump() -> u32 {
    unsafe {
        COUNTER += 1;
        render(COUNTER);
        let n = COUNTER;
        COUNTER = n.wrapping_mul(2);
        COUNTER.count_ones()
    }
}

// ### not reported: statics touched only in the start function and in private helpers
#[wasm_bindgen(start)]
pub fn start() {
    unsafe {
        GAME = Some(Game::default());
        let g = GAME.as_mut().unwrap();
        g.step();
    }
}

fn helper() -> u32 {
    unsafe { GAME.as_ref().map(|g| g.frame).unwrap_or(0) }
}

// ### not reported: thread_local RefCell state (the catalog's fix), and a local that shadows the static
thread_local! {
    static STATE: std::cell::RefCell<Option<Game>> = const { std::cell::RefCell::new(None) };
}

#[wasm_bindgen]
pub fn tick(cb: &js_sys::Function) {
    STATE.with_borrow_mut(|g| g.as_mut().map(Game::step));
    let _ = cb.call0(&JsValue::NULL);
    STATE.with_borrow_mut(|g| {
        if let Some(g) = g {
            g.frame += 1;
        }
    });
    let mut GAME: Option<Game> = None;
    let local = GAME.as_mut();
    drop(local);
}

// ### not reported: test code
#[cfg(test)]
mod tests {
    use super::*;
    #[wasm_bindgen]
    pub fn poke() {
        unsafe { GAME.as_mut().unwrap().step() };
    }
}

// ### reported: broken code does not crash the rule (the reference still parses)
#[wasm_bindgen]
pub fn broken( {
    let g = unsafe { GAME.as_mut() };
//                   ^^^^^^^^^^^^^ static-mut-export-state
    g. = ;
}
