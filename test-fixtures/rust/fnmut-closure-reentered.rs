// Fixture for fnmut-closure-reentered (R05). Sections start with `// ### <title>`; this prelude is prepended
// to each one. `// @build-mode: unwind` in a section changes its crate's build mode. A caret line
// (`//   ^^^ fnmut-closure-reentered`) marks the expected finding on the line above; a section without one must stay
// clean.
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Event, HtmlElement, MouseEvent};

fn forward_target(e: &Event) -> Option<HtmlElement> {
    e.target()?.dyn_into::<HtmlElement>().ok()
}

// ### reported: the catalog's example, a delegated document listener that clicks another element
pub fn install(document: &Document) -> Result<(), JsValue> {
    let mut clicks = 0u32;
    let handler = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        clicks += 1;
        if let Some(btn) = forward_target(&e) {
            let next = btn.next_element_sibling().unwrap().dyn_into::<HtmlElement>().unwrap();
            next.click();
          //^^^^^^^^^^^^ fnmut-closure-reentered: `handler` is a `Closure<dyn FnMut>` listening for `click` on `document`, and `next.click()` dispatches a `click` that propagates up to it while it is still running: the nested call throws `Error: closure invoked recursively or after being dropped` (reported as an uncaught error) and the nested handler does not run
        }
    });
    document.add_event_listener_with_callback("click", handler.as_ref().unchecked_ref())?;
    handler.forget();
    Ok(())
}

// ### reported: a click handler that clicks its own element (a real click is not a synthetic one), fixed with dyn Fn
pub fn echo(button: &HtmlElement) {
    let again = button.clone();
    let on_click = Closure::<dyn FnMut(MouseEvent)>::new(move |e: MouseEvent| {
        if e.shift_key() {
            again.click();
          //^^^^^^^^^^^^^ fnmut-closure-reentered [fix]
        }
    });
    button.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    on_click.forget();
}

// ### reported: custom events dispatched where the listener hears them (bubbling to the document, or on the same target)
pub fn relay(document: &Document, item: HtmlElement, panel: web_sys::EventTarget) -> Result<(), JsValue> {
    let changed = Closure::wrap(Box::new(move |_e: Event| {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        let ev = web_sys::CustomEvent::new_with_event_init_dict("app:changed", &init).unwrap();
        let _ = item.dispatch_event(&ev);
              //^^^^^^^^^^^^^^^^^^^^^^^^ fnmut-closure-reentered
    }) as Box<dyn FnMut(Event)>);
    document.add_event_listener_with_callback("app:changed", changed.as_ref().unchecked_ref())?;
    changed.forget();

    let target = panel.clone();
    let refresh: Closure<dyn FnMut(Event)> = Closure::new(move |e: Event| {
        if e.is_trusted() {
            let _ = target.dispatch_event(&Event::new("refresh").unwrap());
                  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ fnmut-closure-reentered [fix]
        }
    });
    panel.add_event_listener_with_callback("refresh", refresh.as_ref().unchecked_ref())?;
    refresh.forget();
    Ok(())
}

// ### reported: a closure that calls its own JS function through the Rc<RefCell<Option<Closure>>> it is stored in
pub fn countdown(depth: Rc<RefCell<u32>>) {
    let f: Rc<RefCell<Option<Closure<dyn FnMut()>>>> = Rc::new(RefCell::new(None));
    let g = f.clone();
    *g.borrow_mut() = Some(Closure::<dyn FnMut()>::new(move || {
        let left = *depth.borrow();
        if left > 0 {
            *depth.borrow_mut() = left - 1;
            let _ = f.borrow().as_ref().unwrap().as_ref().unchecked_ref::<js_sys::Function>().call0(&JsValue::NULL);
                  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ fnmut-closure-reentered [fix]
        }
    }));
}

// ### reported: delegated focusin with a boxed FnMut, a gloo listener, and an inline registration
pub fn delegated(document: &Document, next: HtmlElement, other: HtmlElement, form: web_sys::HtmlFormElement) -> Result<(), JsValue> {
    let on_focus = Closure::wrap(Box::new(move |_e: web_sys::FocusEvent| next.focus().unwrap()) as Box<dyn FnMut(web_sys::FocusEvent)>);
                                                                       //^^^^^^^^^^^^ fnmut-closure-reentered [fix]
    document.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref())?;
    on_focus.forget();

    let listener = gloo_events::EventListener::new(document, "click", move |_e| other.click());
                                                                              //^^^^^^^^^^^^^ fnmut-closure-reentered
    listener.forget();

    document.add_event_listener_with_callback(
        "submit",
        Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
            let _ = form.request_submit();
                  //^^^^^^^^^^^^^^^^^^^^^ fnmut-closure-reentered [fix]
        })
        .into_js_value()
        .unchecked_ref(),
    )?;
    Ok(())
}

// ### reported: an element found below the listener's element, or below the clicked item (if let bindings followed)
pub fn expand(parent: &HtmlElement, list: &HtmlElement) -> Result<(), JsValue> {
    let toggle = parent.first_element_child().unwrap().dyn_into::<HtmlElement>().unwrap();
    let on_click = Closure::<dyn FnMut()>::new(move || toggle.click());
                                                     //^^^^^^^^^^^^^^ fnmut-closure-reentered: `on_click` is a `Closure<dyn FnMut>` listening for `click` on `parent`, and `toggle.click()` dispatches a `click` that propagates up to it while it is still running: the nested call throws `Error: closure invoked recursively or after being dropped` (reported as an uncaught error) and the nested handler does not run [fix]
    parent.set_onclick(Some(on_click.as_ref().unchecked_ref()));
    on_click.forget();

    let on_item = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        let item = e.target().unwrap().dyn_into::<web_sys::Element>().unwrap();
        if let Ok(Some(link)) = item.query_selector("a.primary") {
            link.unchecked_ref::<HtmlElement>().click();
          //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ fnmut-closure-reentered
        }
    });
    list.add_event_listener_with_callback("click", on_item.as_ref().unchecked_ref())?;
    on_item.forget();
    Ok(())
}

// ### reported: the event's target converted in an and_then closure, and an event bound by if let
pub fn bounce(el: &HtmlElement, document: &Document, twin: HtmlElement) -> Result<(), JsValue> {
    let on_click = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            t.click();
          //^^^^^^^^^ fnmut-closure-reentered [fix]
        }
    });
    el.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    on_click.forget();

    let on_input = Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(ev) = Event::new_with_event_init_dict("input", &init) {
            let _ = twin.dispatch_event(&ev);
                  //^^^^^^^^^^^^^^^^^^^^^^^^ fnmut-closure-reentered [fix]
        }
    });
    document.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref())?;
    on_input.forget();
    Ok(())
}

// ### not reported: the catalog's fixed version, a dyn Fn closure may be re-entered
pub fn install(document: &Document) -> Result<(), JsValue> {
    let clicks = Rc::new(std::cell::Cell::new(0u32));
    let handler = Closure::<dyn Fn(Event)>::new({
        let clicks = clicks.clone();
        move |e: Event| {
            clicks.set(clicks.get() + 1);
            if let Some(btn) = forward_target(&e) {
                btn.click();
            }
        }
    });
    document.add_event_listener_with_callback("click", handler.as_ref().unchecked_ref())?;
    handler.forget();
    Ok(())
}

// ### not reported: another event type, or another element that is not an ancestor (a hidden file input)
pub fn pick(button: &HtmlElement, file_input: HtmlElement, search: HtmlElement) {
    let open = Closure::<dyn FnMut()>::new(move || file_input.click());
    button.set_onclick(Some(open.as_ref().unchecked_ref()));
    open.forget();
    let jump = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |_e: web_sys::KeyboardEvent| search.focus().unwrap());
    button.set_onkeydown(Some(jump.as_ref().unchecked_ref()));
    jump.forget();
}

// ### not reported: a descendant of another element, or of the listener's element with another event type or a non-bubbling event
pub fn nested(parent: &HtmlElement, other: &HtmlElement) -> Result<(), JsValue> {
    let inner = other.first_element_child().unwrap().dyn_into::<HtmlElement>().unwrap();
    let a = Closure::<dyn FnMut()>::new(move || inner.click());
    parent.set_onclick(Some(a.as_ref().unchecked_ref()));
    a.forget();
    let first = parent.first_element_child().unwrap().dyn_into::<HtmlElement>().unwrap();
    let b = Closure::<dyn FnMut()>::new(move || {
        let _ = first.focus();
        let _ = first.dispatch_event(&Event::new("ping").unwrap());
    });
    parent.set_onclick(Some(b.as_ref().unchecked_ref()));
    parent.add_event_listener_with_callback("ping", b.as_ref().unchecked_ref())?;
    b.forget();
    Ok(())
}

// ### not reported: a detached download link clicked from a document listener, and an element looked up by id is not the document
pub fn download(document: &Document, url: String) -> Result<(), JsValue> {
    let doc = document.clone();
    let save = Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
        let a: web_sys::HtmlAnchorElement = doc.create_element("a").unwrap().dyn_into().unwrap();
        a.set_href(&url);
        a.click();
    });
    document.add_event_listener_with_callback("click", save.as_ref().unchecked_ref())?;
    save.forget();
    let app = document.get_element_by_id("app").unwrap();
    let other: HtmlElement = document.get_element_by_id("other").unwrap().dyn_into()?;
    let relay = Closure::<dyn FnMut(Event)>::new(move |_e: Event| other.click());
    app.add_event_listener_with_callback("click", relay.as_ref().unchecked_ref())?;
    relay.forget();
    Ok(())
}

// ### not reported: the re-dispatch is deferred (spawn_local, a timer)
pub fn deferred(document: &Document, btn: HtmlElement, window: web_sys::Window) -> Result<(), JsValue> {
    let handler = Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
        let b = btn.clone();
        wasm_bindgen_futures::spawn_local(async move { b.click() });
        let later = Closure::once_into_js({
            let b = btn.clone();
            move || b.click()
        });
        let _ = window.set_timeout_with_callback(later.unchecked_ref());
    });
    document.add_event_listener_with_callback("click", handler.as_ref().unchecked_ref())?;
    handler.forget();
    Ok(())
}

// ### not reported: no-ops and non-re-entrant dispatches (focus the focused element, re-dispatch the handled event, a non-bubbling event on a child)
pub fn quiet(document: &Document, input: HtmlElement, child: HtmlElement) -> Result<(), JsValue> {
    let keep = input.clone();
    let on_focus = Closure::<dyn FnMut(Event)>::new(move |_e: Event| keep.focus().unwrap());
    input.add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref())?;
    on_focus.forget();
    let again = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        let _ = e.target().unwrap().dispatch_event(&e);
    });
    document.add_event_listener_with_callback("click", again.as_ref().unchecked_ref())?;
    again.forget();
    let ping = Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
        let _ = child.dispatch_event(&Event::new("ping").unwrap());
    });
    document.add_event_listener_with_callback("ping", ping.as_ref().unchecked_ref())?;
    ping.forget();
    Ok(())
}

// ### not reported: the field the closure is stored in types it `dyn Fn`
pub struct Widget {
    on_click: Option<Closure<dyn Fn()>>,
}

impl Widget {
    pub fn arm(&mut self, button: HtmlElement) {
        let target = button.clone();
        self.on_click = Some(Closure::new(move || target.click()));
        button.set_onclick(self.on_click.as_ref().map(|c| c.as_ref().unchecked_ref()));
    }
}

// ### not reported: test code
#[cfg(test)]
mod tests {
    use super::*;
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn reenters() {
        let document = web_sys::window().unwrap().document().unwrap();
        let b: HtmlElement = document.create_element("button").unwrap().dyn_into().unwrap();
        let b2 = b.clone();
        let c = Closure::<dyn FnMut()>::new(move || b2.click());
        b.set_onclick(Some(c.as_ref().unchecked_ref()));
        c.forget();
    }
}

// ### not reported: broken code does not crash the rule
pub fn broken(document: &Document) {
    let handler = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        btn.click(
    });
    document.add_event_listener_with_callback("click", handler.as_ref().unchecked_ref()
}
