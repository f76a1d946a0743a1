// Fixture for closure-dropped-while-registered (R06). Sections start with `// ### <title>`; this prelude is prepended
// to each one. `// @build-mode: unwind` in a section changes its crate's build mode. A caret line
// (`//   ^^^ closure-dropped-while-registered`) marks the expected finding on the line above; a section without one must stay
// clean.
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
}

// ### reported: the catalog's example, an onload handler dropped when the function returns
pub fn watch(img: &web_sys::HtmlImageElement) {
    let onload = Closure::<dyn FnMut()>::new(|| log("loaded"));
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
      //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered: `onload` is dropped at the end of `watch` while `img.set_onload(..)` still holds its JS function; when JS calls it (on the next `load` event), it throws `Error: closure invoked recursively or after being dropped`: the callback never runs [fix]
}

// ### reported: an event listener added in a &mut self method (fixes: forget, or keep it in a new field)
pub struct Toolbar {
    button: web_sys::HtmlElement,
    clicks: Rc<RefCell<u32>>,
}

impl Toolbar {
    pub fn new(button: web_sys::HtmlElement) -> Self {
        Toolbar { button, clicks: Rc::new(RefCell::new(0)) }
    }

    pub fn attach(&mut self) -> Result<(), JsValue> {
        let clicks = self.clicks.clone();
        let on_click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |_e: web_sys::MouseEvent| {
            *clicks.borrow_mut() += 1;
        });
        self.button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
                  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered [fix]
        Ok(())
    }
}

// ### reported: a promise reaction attached in a Drop impl (the wasm-streams#24 shape)
pub struct Reader {
    closed: js_sys::Promise,
}

impl Drop for Reader {
    fn drop(&mut self) {
        let ignore = Closure::wrap(Box::new(|_e: JsValue| {}) as Box<dyn FnMut(JsValue)>);
        let _ = self.closed.catch(&ignore);
                          //^^^^^^^^^^^^^^ closure-dropped-while-registered [fix]
    }
}

// ### reported: a timer and an animation frame, each dropped at the end of its block
pub fn schedule(window: &web_sys::Window) -> Result<(), JsValue> {
    {
        let tick = Closure::<dyn FnMut()>::new(|| log("tick"));
        window.set_timeout_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 100)?;
             //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered [fix]
    }
    let frame = Closure::once(move || log("frame"));
    window.request_animation_frame(frame.as_ref().unchecked_ref())
         //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered [fix]
        .map(|_| ())
}

// ### reported: a load handler registered inside a Promise executor, which returns before the image loads
pub async fn load_image(img: web_sys::HtmlImageElement, src: &str) -> Result<(), JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_load = Closure::once(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        img.set_onload(Some(on_load.as_ref().unchecked_ref()));
          //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered [fix]
        img.set_src(src);
    });
    wasm_bindgen_futures::JsFuture::from(promise).await?;
    Ok(())
}

// ### reported: the JS function is taken out of the closure first, then registered
pub fn on_scroll(window: &web_sys::Window) -> Result<(), JsValue> {
    let scrolled = Closure::<dyn FnMut()>::new(|| log("scrolled"));
    let function: &js_sys::Function = scrolled.as_ref().unchecked_ref();
    window.add_event_listener_with_callback("scroll", function)?;
         //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered [fix]
    Ok(())
}

// ### reported: an observer callback, and a listener registered inside a macro
macro_rules! or_log {
    ($e:expr) => {
        if let Err(e) = $e {
            web_sys::console::error_1(&e);
        }
    };
}

pub fn observe(target: &web_sys::Node, el: &web_sys::Element) -> Result<(), JsValue> {
    let changed = Closure::<dyn FnMut(js_sys::Array)>::new(|_records: js_sys::Array| log("changed"));
    let observer = web_sys::MutationObserver::new(changed.as_ref().unchecked_ref())?;
                 //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered
    observer.observe(target)?;
    let on_focus = Closure::<dyn FnMut()>::new(|| log("focus"));
    or_log!(el.add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref()));
             //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ closure-dropped-while-registered
    Ok(())
}

// ### not reported: the catalog's fixed version, the closure is forgotten (or converted into a JsValue)
pub fn watch(img: &web_sys::HtmlImageElement) {
    let onload = Closure::<dyn FnMut()>::new(|| log("loaded"));
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    let onerror = Closure::<dyn FnMut()>::new(|| log("failed"));
    img.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    let _keep = onerror.into_js_value();
}

// ### not reported: the handle is stored, returned, or moved into the closure that removes the listener
pub struct Listener {
    target: web_sys::EventTarget,
    callback: Option<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Listener {
    pub fn listen(&mut self) -> Result<(), JsValue> {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(|_e: web_sys::Event| log("event"));
        self.target.add_event_listener_with_callback("input", callback.as_ref().unchecked_ref())?;
        self.callback = Some(callback);
        Ok(())
    }
}

pub fn on_resize(window: &web_sys::Window) -> Result<Closure<dyn FnMut()>, JsValue> {
    let handler = Closure::<dyn FnMut()>::new(|| log("resized"));
    window.add_event_listener_with_callback("resize", handler.as_ref().unchecked_ref())?;
    Ok(handler)
}

pub fn add_listener(el: web_sys::Element, name: &'static str) -> Box<dyn FnOnce()> {
    let cb = Closure::<dyn FnMut()>::new(|| log("event"));
    let _ = el.add_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
    Box::new(move || {
        let _ = el.remove_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
    })
}

// ### not reported: the scope awaits the promise the closure is attached to
pub async fn settle(p: js_sys::Promise) -> Result<JsValue, JsValue> {
    let on_done = Closure::<dyn FnMut(JsValue)>::new(|v: JsValue| log(&format!("{:?}", v)));
    let chained = p.then(&on_done);
    wasm_bindgen_futures::JsFuture::from(chained).await
}

// ### not reported: the registration inside the awaited expression
pub async fn settle_inline(p: js_sys::Promise) -> Result<JsValue, JsValue> {
    let on_done = Closure::new(|v: JsValue| v);
    let value = wasm_bindgen_futures::JsFuture::from(p.then(&on_done)).await?;
    Ok(value)
}

// ### not reported: synchronous APIs that do not keep the function, ScopedClosure, once_into_js
pub fn immediate(items: &js_sys::Array, window: &web_sys::Window) {
    let each = Closure::<dyn FnMut(JsValue, u32, js_sys::Array)>::new(|v: JsValue, _i: u32, _a: js_sys::Array| log(&format!("{:?}", v)));
    let _ = each.as_ref().unchecked_ref::<js_sys::Function>().call0(&JsValue::NULL);
    let mut sum = 0u32;
    let mut add = |v: u32| sum += v;
    let scoped = ScopedClosure::borrow_mut(&mut add);
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(scoped.as_ref().unchecked_ref(), 0);
    let once = Closure::once_into_js(move || log("later"));
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(once.unchecked_ref(), 0);
}

// ### not reported: the listener is removed (or the timer cancelled) before the closure is dropped
pub fn probe(el: &web_sys::Element, window: &web_sys::Window) -> Result<(), JsValue> {
    let probe = Closure::<dyn FnMut()>::new(|| log("probe"));
    el.add_event_listener_with_callback("scroll", probe.as_ref().unchecked_ref())?;
    el.scroll_into_view();
    el.remove_event_listener_with_callback("scroll", probe.as_ref().unchecked_ref())?;
    let later = Closure::<dyn FnMut()>::new(|| log("later"));
    let handle = window.set_timeout_with_callback_and_timeout_and_arguments_0(later.as_ref().unchecked_ref(), 10)?;
    window.clear_timeout_with_handle(handle);
    Ok(())
}

// ### not reported: a gloo EventListener removes itself when dropped
pub fn gloo(el: &web_sys::Element) {
    let _listener = gloo_events::EventListener::new(el, "click", |_e| log("click"));
}

// ### not reported: test code
#[cfg(test)]
mod tests {
    use super::*;
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn registers() {
        let window = web_sys::window().unwrap();
        let c = Closure::<dyn FnMut()>::new(|| {});
        window.request_animation_frame(c.as_ref().unchecked_ref()).unwrap();
    }
}

// ### not reported: broken code does not crash the rule
pub fn broken(img: &web_sys::HtmlImageElement {
    let onload = Closure::<dyn FnMut()>::new(|| log("loaded");
    img.set_onload(Some(onload.as_ref().unchecked_ref()))
