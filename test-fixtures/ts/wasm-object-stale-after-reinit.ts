// Fixture for wasm-object-stale-after-reinit (C06, TS side). The support glue's crate `fixture-case`
// reinitialises only when a section gives it a Rust side that calls `schedule_reinit()` (`// @file:
// src/lib.rs`) or a build with `--experimental-reset-state-function` (`// @file: package.json`).
import { parse, Parser } from '../pkg/fixture_case.js';
import * as wasm from '../pkg/fixture_case.js';

// ### reported: a module-level object in a crate whose abort handler schedules a reinit
// @file: src/lib.rs
// | use wasm_bindgen::prelude::*;
// | #[wasm_bindgen(start)]
// | fn start() { wasm_bindgen::handler::set_on_abort(on_abort); }
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
const parser = new Parser('');
//             ^^^^^^^^^^^^^^ wasm-object-stale-after-reinit: `parser` keeps a `Parser` created at module load, but `fixture-case` re-creates its wasm instance after an abort (it calls `schedule_reinit()`): from then on every call on this object throws `Error('Invalid stale object from previous Wasm instance')` — create it where it is used, or re-create it when the instance changes (compare an instance generation the start function bumps)

export function feed(chunk: string): number {
  return parser.feed(chunk);
}

// ### reported: an article that fits the class name
// @file: src/lib.rs
// | use wasm_bindgen::prelude::*;
// | #[wasm_bindgen(start)]
// | fn start() { wasm_bindgen::handler::set_on_abort(on_abort); }
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
import { Editor } from '../pkg/fixture_case.js';

const editor = new Editor('');
//             ^^^^^^^^^^^^^^ wasm-object-stale-after-reinit: `editor` keeps an `Editor` created at module load, but `fixture-case` re-creates its wasm instance after an abort (it calls `schedule_reinit()`): from then on every call on this object throws `Error('Invalid stale object from previous Wasm instance')` — create it where it is used, or re-create it when the instance changes (compare an instance generation the start function bumps)

export function text(): string {
  return editor.text();
}

// ### reported: a lazy singleton filled once, in a build with --experimental-reset-state-function
// @file: package.json
// | { "name": "fixture-case", "scripts": { "build": "cargo build --release --target wasm32-unknown-unknown && wasm-bindgen --experimental-reset-state-function --target web --out-dir pkg target/wasm32-unknown-unknown/release/fixture_case.wasm" } }
let cached: Parser | undefined;

export function getParser(): Parser {
  cached ??= new Parser('');
//           ^^^^^^^^^^^^^^ wasm-object-stale-after-reinit
  return cached;
}

// ### reported: an exported object from a static factory, through the namespace
// @file: src/lib.rs
// | #[wasm_bindgen(start)]
// | fn start() { wasm_bindgen::handler::set_on_abort(|| wasm_bindgen::handler::schedule_reinit()); }
export const shared = wasm.Parser.with_capacity(64);
//                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ wasm-object-stale-after-reinit

// ### reported: assigned later by an init function
// @file: src/lib.rs
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
var engine: Parser;

export function setup(): void {
  engine = new Parser('setup');
//         ^^^^^^^^^^^^^^^^^^^ wasm-object-stale-after-reinit
}

// ### reported: a class static field, created when the class is
// @file: src/lib.rs
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
export class Tokenizer {
  static shared = new Parser('');
//                ^^^^^^^^^^^^^^ wasm-object-stale-after-reinit: `Tokenizer.shared` keeps a `Parser` created at module load, but `fixture-case` re-creates its wasm instance after an abort (it calls `schedule_reinit()`): from then on every call on this object throws `Error('Invalid stale object from previous Wasm instance')` — create it where it is used, or re-create it when the instance changes (compare an instance generation the start function bumps)
  private own = new Parser('per object');

  count(chunk: string): number {
    return Tokenizer.shared.feed(chunk) + this.own.feed(chunk);
  }
}

// ### not reported: no reinit in this crate (the object lives as long as the instance)
const parser = new Parser('');

export function feed(chunk: string): number {
  return parser.feed(chunk);
}

// ### not reported: objects created per call, and a local that shadows the module's name
// @file: src/lib.rs
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
let engine: Parser | undefined;

export function feed(chunk: string): number {
  const p = new Parser(chunk);
  try { return p.feed(chunk); } finally { p.free(); }
}

export function other(): number {
  let engine = new Parser('');
  engine = new Parser('x');
  return engine.feed('y');
}

// ### not reported: the cache is re-created when the instance generation changes
// @file: src/lib.rs
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
let parser: Parser | undefined;
let generation = -1;

export function getParser(currentInstanceId: () => number): Parser {
  const instanceId = currentInstanceId();
  if (!parser || instanceId !== generation) { parser = new Parser(''); generation = instanceId; }
  return parser;
}

// ### not reported: module-level values that are not wasm objects
// @file: src/lib.rs
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
const normalized = parse('x');
const cache = new Map<string, string>();

// ### not reported: broken code does not crash the rule
// @file: src/lib.rs
// | fn on_abort() { wasm_bindgen::handler::schedule_reinit(); }
const parser = new Parser(
