// Fixture for ts-aliased-wasm-arguments (TR3). The Rust side is test-fixtures/ts/_support/src/lib.rs:
// `merge(dst: &mut Doc, src: &Doc)`, `diff(a: &Doc, b: &Doc)`, `Doc::append(&mut self, other: &Doc)`,
// `Doc::equals(&self, other: &Doc)`, `Doc::clone(&self)` (js_name), `Matrix::mul_assign(&mut self, other: &Matrix)`
// (Matrix has no `clone`).
import { diff, Doc, Matrix, merge } from '../pkg/fixture_case.js';

// ### the same document as `&mut` destination and `&` source of a free function
export function double(a: Doc): void {
  merge(a, a);
//         ^ ts-aliased-wasm-arguments: `a` is passed to `merge(…)` both as `dst: &mut Doc` and as `src: &Doc` (`fn merge(dst: &mut Doc, src: &Doc)` in src/lib.rs:224): wasm-bindgen borrows `a` exclusively for `dst: &mut Doc`, so borrowing it again for `src: &Doc` always throws `Error` "recursive use of an object detected which would lead to unsafe aliasing in rust", and in this panic=abort build the borrow already taken is likely never released, leaving `a` unusable [fix]
}

// ### receiver `&mut self` and argument, in a panic=unwind build (no clone to offer)
// @build-mode: unwind
export function square(m: Matrix): void {
  m.mulAssign(m);
//            ^ ts-aliased-wasm-arguments
}

// ### a method whose receiver is borrowed mutably and whose argument is the same object held in a field
export class Editor {
  private doc = new Doc('');
  repeat(): void {
    this.doc.append(this.doc);
//                  ^^^^^^^^ ts-aliased-wasm-arguments [fix]
  }
}

// ### unbuilt glue: the join works from the Rust sources alone
import { merge as mergeNode, Doc as NodeDoc } from '../pkg/node/fixture_case';

export function doubleNode(a: NodeDoc): void {
  mergeNode(a, a);
//             ^ ts-aliased-wasm-arguments [fix]
}

// ### not reported: both positions are shared borrows
export function same(a: Doc): boolean {
  return a.equals(a) && diff(a, a) === '';
}

// ### not reported: the second position gets a copy
export function doubleCopy(a: Doc): void {
  merge(a, a.clone());
}

// ### not reported: different objects
export function combine(a: Doc, b: Doc, m: Matrix, n: Matrix): void {
  merge(a, b);
  m.mulAssign(n);
}

// ### not reported: without the Rust declarations the borrows are unknown
// @file: src/lib.rs
// | // the Rust sources are not part of this case
export function doubleUnknown(a: Doc): void {
  merge(a, a);
}

// ### not reported: broken code does not crash the rule
export function broken(a: Doc) {
  merge(a, a
}
