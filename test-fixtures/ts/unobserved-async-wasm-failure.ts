import { load, parse, Parser } from '../pkg/fixture_case.js';
import * as wasm from '../pkg/fixture_case.js';

// ### floating async export call inside an async function
// @build-mode: unwind
export async function refresh(url: string): Promise<void> {
  load(url);
//^^^^^^^^^ unobserved-async-wasm-failure: the promise of async wasm call `load(…)` is neither awaited nor given a rejection handler: a `PanicError` rejects it with nobody listening: an unhandled rejection, which ends a Node ≥ 15 process [fix]
  console.log('refresh started');
}

// ### floating async method in a panic=abort build, with a reporter in scope
declare function reportError(e: unknown): void;

export function finishLater(parser: Parser): void {
  parser.finish();
//^^^^^^^^^^^^^^^ unobserved-async-wasm-failure: the promise of async wasm call `parser.finish(…)` is neither awaited nor given a rejection handler: an `Err` the export returns becomes an unhandled rejection, and in this panic=abort build a panic while the future runs traps inside a microtask, so the error is reported as uncaught and the promise never settles [fix]
}

// ### then() without a rejection handler, wasm in the callback
export function showLater(url: string, out: HTMLElement): void {
  fetch(url).then((r) => r.text()).then((t) => { out.textContent = wasm.parse(t); });
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unobserved-async-wasm-failure: this promise chain, which calls wasm `wasm.parse(…)`, is neither awaited nor given a rejection handler: a Rust panic or abort in the callback rejects it with nobody listening: an unhandled rejection, which ends a Node ≥ 15 process
}

// ### void discards the rejection
// @build-mode: unwind
export async function kick(url: string): Promise<void> {
  void wasm.load(url);
//^^^^^^^^^^^^^^^^^^^ unobserved-async-wasm-failure [fix]
}

// ### a same-file async helper that calls wasm
async function sync(url: string): Promise<void> {
  const tree = await load(url);
  console.log(tree);
}

export function onClick(url: string): void {
  sync(url);
//^^^^^^^^^ unobserved-async-wasm-failure
}

// ### an async helper whose wasm call is synchronous: its promise rejects, it does not hang
async function reparse(src: string): Promise<void> {
  await Promise.resolve();
  console.log(parse(src));
}

export function onEdit(src: string): void {
  reparse(src);
//^^^^^^^^^^^^ unobserved-async-wasm-failure: the promise of `reparse(…)` (which calls wasm `parse(…)`) is neither awaited nor given a rejection handler: a Rust panic or abort in the synchronous wasm call rejects it with nobody listening: an unhandled rejection, which ends a Node ≥ 15 process
}

// ### valid: awaited, returned, assigned
export async function all(url: string, parser: Parser): Promise<unknown> {
  await load(url);
  const pending = parser.finish();
  return Promise.all([pending, load(url)]);
}

// ### valid: a rejection handler is attached
declare function report(e: unknown): void;

export function warm(url: string, parser: Parser): void {
  load(url).catch(report);
  void parser.finish().then(console.log, report);
}

// ### valid: sync wasm calls are not promises
export function run(src: string): void {
  parse(src);
  wasm.parse(src);
}

// ### valid: a helper that handles its own failures
async function syncQuietly(url: string): Promise<void> {
  try {
    await load(url);
  } catch (e) {
    report(e);
  }
}

export function onTick(url: string): void {
  syncQuietly(url);
}

// ### valid: a parameter named like the async export is not the export
export function withLoader(load: (url: string) => void, url: string): void {
  load(url);
}

// ### valid: broken code does not crash the rule
export function broken(url: string) {
  load(url
