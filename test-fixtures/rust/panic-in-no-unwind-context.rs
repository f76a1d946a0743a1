// Fixture for panic-in-no-unwind-context (U08). Sections start with `// ### <title>`; this prelude is
// prepended to each one. The rule applies to panic=unwind builds only (under panic=abort every panic
// aborts anyway), so most sections say `// @build-mode: unwind`. A caret line
// (`//   ^^^ panic-in-no-unwind-context`) marks the expected finding on the line above; a section
// without one must stay clean.
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    static REGISTRY: RefCell<HashMap<u32, String>> = RefCell::new(HashMap::new());
}

struct Socket;
impl Socket {
    fn close(&self) -> Result<(), String> { Ok(()) }
}

fn buf_for(len: usize) -> Option<*mut u8> { None }
fn write_log(line: &str) -> Result<(), String> { Ok(()) }

// ### reported: the catalog's Session drop — a discarded Result unwrapped, then a global borrowed
// @build-mode: unwind
struct Session {
    id: u32,
    socket: Socket,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.socket.close().unwrap();
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panic-in-no-unwind-context: `self.socket.close().unwrap()` can panic inside `Drop::drop` for `Session`: if a `Session` is dropped while another panic unwinds, this second panic aborts — under panic=unwind the caller gets a `WebAssembly.RuntimeError` instead of a `PanicError` and every later call throws 'Module terminated' (1 more panic point in this drop) [fix]
        REGISTRY.with_borrow_mut(|r| r.remove(&self.id));
    }
}

// ### reported: a panic escaping an exported extern "C" function
// @build-mode: unwind
#[no_mangle]
pub extern "C" fn raw_entry(len: usize) -> *mut u8 {
    buf_for(len).unwrap()
//  ^^^^^^^^^^^^^^^^^^^^^ panic-in-no-unwind-context: `buf_for(len).unwrap()` can panic inside `extern "C" fn raw_entry`, which cannot unwind: a panic here aborts instead of unwinding — under panic=unwind the caller gets a `WebAssembly.RuntimeError` and every later call throws 'Module terminated'
}

// ### reported: a bare `extern` (the C ABI) behind `#[unsafe(no_mangle)]`, with an index
// @build-mode: unwind
static TABLE: [u8; 4] = [1, 2, 3, 4];

#[unsafe(no_mangle)]
pub unsafe extern fn lookup(i: usize) -> u8 {
    TABLE[i]
//  ^^^^^^^^ panic-in-no-unwind-context
}

// ### reported: a panic hook that unwraps its own logging call
// @build-mode: unwind
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        write_log(&info.to_string()).unwrap();
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panic-in-no-unwind-context [fix]
    }));
}

// ### reported: a hook that extracts the payload with expect
// @build-mode: unwind
pub fn install() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info.payload().downcast_ref::<&str>().expect("string payload");
//                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panic-in-no-unwind-context
        web_sys::console::error_1(&JsValue::from_str(text));
        previous(info);
    }));
}

// ### reported: a drop that releases a shared registry through borrow_mut
// @build-mode: unwind
struct Handle {
    id: u32,
    owners: Rc<RefCell<HashMap<u32, String>>>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.owners.borrow_mut().remove(&self.id);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ panic-in-no-unwind-context [fix]
    }
}

// ### reported: a drop that throws a JS exception
// @build-mode: unwind
struct Lease {
    held: bool,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.held {
            wasm_bindgen::throw_str("lease dropped while held");
//          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ panic-in-no-unwind-context
        }
    }
}

// ### not reported: the catalog's fix — failures ignored, try_borrow_mut
// @build-mode: unwind
struct Session {
    id: u32,
    socket: Socket,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.socket.close();
        REGISTRY.with(|r| if let Ok(mut r) = r.try_borrow_mut() { r.remove(&self.id); });
    }
}

// ### not reported: extern "C-unwind" lets the panic unwind
// @build-mode: unwind
#[no_mangle]
pub extern "C-unwind" fn raw_entry(len: usize) -> *mut u8 {
    buf_for(len).unwrap_or(std::ptr::null_mut())
}

// ### not reported: panic=abort — every panic aborts anyway
struct Session {
    id: u32,
    socket: Socket,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.socket.close().unwrap();
    }
}

// ### not reported: the drop checks std::thread::panicking() first
// @build-mode: unwind
struct Session {
    id: u32,
    socket: Socket,
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        self.socket.close().unwrap();
    }
}

// ### not reported: debug_assert only, and work deferred to a future
// @build-mode: unwind
struct Pending {
    id: u32,
}

impl Drop for Pending {
    fn drop(&mut self) {
        debug_assert!(self.id != 0);
        let id = self.id;
        wasm_bindgen_futures::spawn_local(async move {
            write_log(&id.to_string()).unwrap();
        });
    }
}

// ### not reported: an extern "C" function that is not exported, and a Drop-like method of another trait
// @build-mode: unwind
extern "C" fn compare(a: *const u8, b: *const u8) -> i32 {
    0
}

trait Close {
    fn drop(&mut self);
}

impl Close for Socket {
    fn drop(&mut self) {
        self.close().unwrap();
    }
}

// ### not reported: a drop borrows a RefCell that self owns (nothing else can hold it during the drop)
// @build-mode: unwind
#[wasm_bindgen]
pub struct Pool {
    free: RefCell<Vec<u32>>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.free.borrow_mut().clear();
    }
}

// ### not reported: test code
// @build-mode: unwind
#[cfg(test)]
mod tests {
    struct Probe;
    impl Drop for Probe {
        fn drop(&mut self) {
            super::write_log("dropped").unwrap();
        }
    }
}

// ### not reported: broken code does not crash the rule
// @build-mode: unwind
impl Drop for {
    fn drop(&mut self) { self.x.unwrap(
}
#[no_mangle]
pub extern "C" fn
