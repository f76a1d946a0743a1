// Fixture for ts-callback-reenters-wasm (TR1). The Rust side is test-fixtures/ts/_support/src/lib.rs:
// `Editor::map_lines(&mut self, f: &Function)`, `for_each_line(&self, f: &Function)`,
// `on_change(&mut self, listener: Function)` (stored; `insert` and `map_lines` call JS functions),
// `text(&self)`, `set_text(&mut self)`, getter `length(&self)`; `Doc` has no callback methods.
import { Doc, Editor } from '../pkg/fixture_case.js';

declare function render(text: string): void;
declare function log(message: string): void;
declare function save(line: string): Promise<void>;

// ### a getter read inside the callback of a `&mut self` method always fails
export function annotate(ed: Editor): void {
  ed.mapLines((line: string) => {
    log(`${ed.length} lines`);
//         ^^^^^^^^^ ts-callback-reenters-wasm: reading `ed.length` re-enters `ed` while `ed.mapLines(…)` is still running: `mapLines` is `fn map_lines(&mut self, …)` in src/lib.rs:117, which holds `ed` exclusively until it returns, so this always throws `Error` "recursive use of an object detected which would lead to unsafe aliasing in rust" [fix]
    return line.trim();
  });
}

// ### a `&mut self` call inside the callback of a `&self` method, in a panic=unwind build
// @build-mode: unwind
export function normalise(ed: Editor): void {
  ed.forEachLine((line: string) => {
    if (line.includes('\t')) ed.setText(ed.text().replace(/\t/g, '  '));
//                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ts-callback-reenters-wasm [fix]
  });
}

// ### the callback is a same-file function that frees the object
function closeOnEmpty(this: void, line: string): void {
  if (line === '') current.free();
//                 ^^^^^^^^^^^^^^ ts-callback-reenters-wasm
}
const current = new Editor();
current.forEachLine(closeOnEmpty);

// ### a callback stored by the object, which `&mut self` methods call
export function mount(ed: Editor): void {
  ed.onChange(() => render(ed.text()));
//                         ^^^^^^^^^ ts-callback-reenters-wasm [fix]
  ed.insert('x');
}

// ### the object comes from unbuilt glue (no pkg/node/ in the workspace): exports from the Rust sources
import { Editor as NodeEditor } from '../pkg/node/fixture_case';

export function upper(ed: NodeEditor): void {
  ed.mapLines((line: string) => {
    log(ed.text());
//      ^^^^^^^^^ ts-callback-reenters-wasm [fix]
    return line.toUpperCase();
  });
}

// ### a callback taken by value that the method calls itself, right away (not stored)
// @file: src/lib.rs
// | use wasm_bindgen::prelude::*;
// | #[wasm_bindgen]
// | pub struct Editor { lines: Vec<String> }
// | #[wasm_bindgen]
// | impl Editor {
// |     #[wasm_bindgen(js_name = mapLines)]
// |     pub fn map_lines(&mut self, f: js_sys::Function) {
// |         for line in self.lines.iter_mut() {
// |             let _ = f.call1(&JsValue::NULL, &JsValue::from_str(line));
// |         }
// |     }
// |     pub fn text(&self) -> String { self.lines.join("\n") }
// | }
import { Editor as ByValueEditor } from '../pkg/node/fixture_case';

export function upperByValue(ed: ByValueEditor): void {
  ed.mapLines((line: string) => {
    log(ed.text());
//      ^^^^^^^^^ ts-callback-reenters-wasm [fix]
    return line.toUpperCase();
  });
}

// ### without the Rust declaration the rule warns about a direct callback
// @file: src/lib.rs
// | // the Rust sources are not part of this case
export function dump(ed: Editor): void {
  ed.forEachLine((line: string) => {
    log(ed.text() + line);
//      ^^^^^^^^^ ts-callback-reenters-wasm [fix]
  });
}

// ### not reported: both borrows are shared (`&self` method, `&self` method and getter)
export function print(ed: Editor): void {
  ed.forEachLine((line: string) => {
    log(`${ed.length}: ${line} of ${ed.text()}`);
  });
}

// ### not reported: the re-entrant call is deferred until the outer call returned
export function retab(ed: Editor): void {
  ed.forEachLine((line: string) => {
    if (line.includes('\t')) queueMicrotask(() => ed.setText(ed.text().replace(/\t/g, '  ')));
  });
}

// ### not reported: the callback uses another object
export function copyInto(source: Editor, target: Editor): void {
  source.forEachLine((line: string) => {
    target.insert(line);
  });
}

// ### not reported: uses after an await run after the (synchronous) outer call returned
export function persist(ed: Editor): void {
  ed.forEachLine(async (line: string) => {
    await save(line);
    ed.setText('');
  });
}

// ### not reported: a callback parameter shadows the object
export function shadow(ed: Editor, docs: Doc[]): void {
  ed.mapLines((ed: string) => ed.trim());
  docs.forEach((d) => d.free());
}

// ### not reported: without the Rust declaration a registration is left alone
// @file: src/lib.rs
// | // the Rust sources are not part of this case
export function watch(ed: Editor): void {
  ed.onChange(() => render(ed.text()));
}

// ### not reported: broken code does not crash the rule
export function broken(ed: Editor) {
  ed.mapLines((line: string) => { ed.text( ;
}
