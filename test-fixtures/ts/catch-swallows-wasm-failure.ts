import init, { load, parse, Parser } from '../pkg/fixture_case.js';
import * as wasm from '../pkg/fixture_case.js';

// ### catch without a parameter swallows every failure of a wasm function
export function tryParse(src: string): string | null {
  try {
    return parse(src);
  } catch {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `parse(…)` neither classifies nor rethrows: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory [fix]
    return null;
  }
}

// ### logging catch on one line
export function safeParse(src: string) {
  try { return parse(src); }
  catch (e) { console.warn('parse failed', e); return null; }
//^^^^^ catch-swallows-wasm-failure [fix]
}

// ### .catch(console.error) on an async wasm call (info: only the promise's rejections reach it)
export function preload(url: string): void {
  load(url).catch(console.error);
//          ^^^^^ catch-swallows-wasm-failure: `.catch()` handler on wasm call `load(…)` neither classifies nor rethrows: it sees only the promise's rejections (the export's `Err` values, or an abort of wasm re-entered from a JS callback that came back as an `Err`); a panic or trap while the future runs never settles the promise [fix]
}

// ### .catch() on an async helper whose synchronous wasm call rejects its promise (warning)
async function parseLater(src: string): Promise<string> {
  await Promise.resolve();
  return parse(src);
}

export function parseInBackground(src: string): void {
  parseLater(src).catch((e) => console.warn('background parse failed', e));
//                ^^^^^ catch-swallows-wasm-failure: `.catch()` handler on `parseLater(…)` (which calls wasm `parse(…)`) neither classifies nor rethrows: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory [fix]
}

// ### rejection handler of .then(ok, h)
export function show(url: string, render: (tree: unknown) => void): void {
  load(url).then(render, (err) => {
//          ^^^^ catch-swallows-wasm-failure [fix]
    console.warn('could not load', url, err);
  });
}

// ### a same-file helper that calls wasm
function normalize(src: string): string {
  return parse(src.trim());
}

export function normalizeAll(sources: string[]): string[] {
  const out: string[] = [];
  for (const source of sources) {
    try {
      out.push(normalize(source));
    } catch (e) {
//    ^^^^^ catch-swallows-wasm-failure: `catch` around `normalize(…)` (which calls wasm `parse(…)`) neither classifies nor rethrows: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory [fix]
      console.warn('skipping unparsable source', e);
    }
  }
  return out;
}

// ### method and awaited async method on an instance, in a panic=unwind build
// @build-mode: unwind
export async function parseDocument(chunks: string[]): Promise<unknown> {
  const parser = new Parser('');
  try {
    for (const chunk of chunks) parser.feed(chunk);
    return await parser.finish();
  } catch (error) {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `parser.feed(…)` neither classifies nor rethrows: a recoverable `PanicError` and an abort are handled alike, and after an abort every later call throws `Module terminated` [fix]
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

// ### instance kept in a class field, in a build with the abort handler
// @build-mode: abort+handler
export class Editor {
  private parser = new Parser('');
  lastError = '';

  update(text: string): number {
    try {
      return this.parser.feed(text);
    } catch (e) {
//    ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `this.parser.feed(…)` neither classifies nor rethrows: a trap arrives as `WebAssembly.RuntimeError` and terminates the instance, so every later call throws `Module terminated` [fix]
      this.lastError = String(e);
      return 0;
    }
  }
}

// ### namespace import and an init().then(run) chain
function run(): void {
  document.body.textContent = wasm.parse(location.hash.slice(1));
}

init().then(run).catch(() => {});
//               ^^^^^ catch-swallows-wasm-failure [fix]

// ### Promise.allSettled whose rejections are dropped
export async function warm(urls: string[]): Promise<number> {
  const results = await Promise.allSettled(urls.map((u) => load(u)));
//                              ^^^^^^^^^^ catch-swallows-wasm-failure
  return results.filter((r) => r.status === 'fulfilled').length;
}

// ### a glue object destructured from typed props (an interface, and a type literal)
interface FeedProps {
  onDone?: (n: number) => void;
  parser: Parser;
  text: string;
}

export function FeedButton({ parser, text }: FeedProps): number {
  try {
    return parser.feed(text);
  } catch {
//  ^^^^^ catch-swallows-wasm-failure [fix]
    return 0;
  }
}

export function FeedInline({ parser: p }: { parser: Parser; text?: string }): number {
  try {
    return p.feed('');
  } catch {
//  ^^^^^ catch-swallows-wasm-failure [fix]
    return 0;
  }
}

// ### a glue object reached through a typed parameter's member, a Map of glue objects, and `const self = this`
interface Session {
  parser: Parser;
  label: string;
}
const parsers = new Map<string, Parser>();
export function feedSession(session: Session, chunk: string): void {
  try {
    session.parser.feed(chunk);
  } catch {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `session.parser.feed(…)` neither classifies nor rethrows: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory [fix]
  }
}
export function feedById(id: string, chunk: string): void {
  try {
    const parser = parsers.get(id);
    parser?.feed(chunk);
  } catch (e) {
//  ^^^^^ catch-swallows-wasm-failure [fix]
    console.warn(e);
  }
}
export class Feeder {
  private parser = new Parser('');
  feedLater(chunk: string): void {
    const self = this;
    setTimeout(function () {
      try {
        self.parser.feed(chunk);
      } catch {
//      ^^^^^ catch-swallows-wasm-failure [fix]
      }
    }, 0);
  }
}

// ### a long callee keeps the method it calls; the receiver is cut
export class Session {
  private incomingDocumentStreamParserOfThisEditingSessionForTheUser = new Parser('');
  feed(chunk: string): void {
    try {
      this.incomingDocumentStreamParserOfThisEditingSessionForTheUser.feed(chunk);
    } catch {
//    ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `this.incomingDocumentStreamParserOfThisEditingSessio….feed(…)` neither classifies nor rethrows: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory [fix]
    }
  }
}

// ### a glue class passed around as a value (`C: typeof Parser`, rerun's WebHandle_class)
export function openWith(ParserClass: typeof Parser, src: string): Parser | null {
  try {
    return new ParserClass(src);
  } catch {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `new ParserClass(…)` neither classifies nor rethrows: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory [fix]
    return null;
  }
}

// ### valid: members, maps and aliases that are not glue objects
interface Labels {
  parser: { feed(chunk: string): void };
  label: string;
}
const counts = new Map<string, number>();
export function feedLabels(labels: Labels, id: string, chunk: string): number {
  try {
    labels.parser.feed(chunk);
    const n = counts.get(id);
    return n ?? 0;
  } catch {
    return 0;
  }
}

// ### valid: a destructured property of another type shadows nothing it should not
export function FeedOther({ parser }: { parser: { feed(s: string): number } }): number {
  try {
    return parser.feed('');
  } catch {
    return 0;
  }
}

// ### a function a local module imports from the glue and exports again
// @file: src/wasm.ts
// | import { parse as parseSource } from '../pkg/fixture_case.js';
// | export { parseSource };
import { parseSource } from './wasm';

export function tryParseSource(src: string): string | null {
  try {
    return parseSource(src);
  } catch {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `parseSource(…)` neither classifies nor rethrows: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory [fix]
    return null;
  }
}

// ### async wasm calls mapped into an awaited Promise.all
export async function loadAll(urls: string[]): Promise<unknown[]> {
  try {
    return await Promise.all(urls.map((url) => load(url)));
  } catch (e) {
//  ^^^^^ catch-swallows-wasm-failure [fix]
    console.warn('some documents failed to load', e);
    return [];
  }
}

// ### a try around an awaited async export only (panic=abort: info, it sees only the rejection)
export async function find(url: string): Promise<unknown> {
  try {
    return await load(url);
  } catch {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `load(…)` neither classifies nor rethrows: it sees only the promise's rejections (the export's `Err` values, or an abort of wasm re-entered from a JS callback that came back as an `Err`); a panic or trap while the future runs never settles the promise [fix]
    return undefined;
  }
}

// ### a try around an awaited async export in a panic=unwind build (warning: `Module terminated` is thrown into it)
// @build-mode: unwind
export async function findOrNothing(url: string): Promise<unknown> {
  try {
    return await load(url);
  } catch {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `load(…)` neither classifies nor rethrows: a recoverable `PanicError` and an abort are handled alike, and after an abort every later call throws `Module terminated` [fix]
    return undefined;
  }
}

// ### .catch() on an async export in a panic=unwind build: a panic rejects, only a trap strands the promise
// @build-mode: unwind
export function preloadQuietly(url: string): void {
  load(url).catch(() => undefined);
//          ^^^^^ catch-swallows-wasm-failure: `.catch()` handler on wasm call `load(…)` neither classifies nor rethrows: it sees only the promise's rejections (the export's `Err` values, a recoverable `PanicError`, or an abort of wasm re-entered from a JS callback that came back as an `Err`); a trap while the future runs never settles the promise [fix]
}

// ### valid: mapped async wasm calls whose promises are not awaited in the try
export function startAll(urls: string[]): Promise<unknown>[] {
  try {
    return urls.map((url) => load(url));
  } catch {
    return [];
  }
}

// ### valid: the handler logs and rethrows
export function strictParse(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    console.error('parse failed', e);
    throw e;
  }
}

// ### valid: the handler ends the process
export function parseOrExit(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
}

// ### valid: the handler calls a configured classifier
import { isWasmFatal, recoverWasm } from './wasm-errors';

export function parseWithRecovery(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (isWasmFatal(e)) recoverWasm();
    return null;
  }
}

// ### valid: the handler rethrows what it does not handle
export function parseConfig(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
}

// ### valid: test assertions inspect the failure
describe('parse', () => {
  it('rejects unbalanced input', async () => {
    assert.throws(() => parse('(('));
    await assert.rejects(load('bad://url'));
    try {
      parse('((');
      assert.fail('expected a failure');
    } catch (e) {
      assert.match(String(e), /unbalanced/);
    }
  });
});

// ### valid: the wasm call only runs later, in a registered callback
export function bind(input: HTMLInputElement, output: HTMLElement): void {
  try {
    input.addEventListener('input', () => {
      output.textContent = parse(input.value);
    });
  } catch (e) {
    console.warn('could not bind', e);
  }
}

// ### valid: a fresh instance per call has nothing left to poison
export async function parseIsolated(bytes: BufferSource, src: string): Promise<string | null> {
  const { instance } = await WebAssembly.instantiate(bytes, {});
  void instance;
  try {
    return parse(src);
  } catch {
    return null;
  }
}

// ### valid: misclassification is catch-misclassifies' finding, not this rule's
export function parseOrNull(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof Error && /unreachable|out of bounds/.test(e.message)) console.error('wasm crashed', e);
    return null;
  }
}

// ### valid: stored and rethrown after cleanup
export function parseAll(sources: string[]): string[] {
  const out: string[] = [];
  let failure: unknown;
  for (const s of sources) {
    try {
      out.push(parse(s));
    } catch (e) {
      failure = e;
      break;
    }
  }
  if (failure) throw failure;
  return out;
}

// ### valid: failures collected and rethrown together
export function parseEach(sources: string[]): string[] {
  const errors: unknown[] = [];
  const out = sources.map((s) => {
    try {
      return parse(s);
    } catch (e) {
      errors.push(e);
      return '';
    }
  });
  if (errors.length > 0) throw new AggregateError(errors, 'some sources failed');
  return out;
}

// ### valid: an instanceof test decides what is rethrown (catch-misclassifies judges it)
export function parseUserInput(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof Error) {
      console.warn('invalid input', e.message);
      return null;
    } else {
      throw e;
    }
  }
}

// ### valid: rejections forwarded to reject() and rethrown from .then(ok, h)
export function loadWithTimeout(url: string, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('timeout')), ms);
    load(url).then(resolve).catch(reject);
    load(url).then(resolve, (e) => { console.warn(e); throw e; });
  });
}

// ### valid: an un-awaited async call never reaches the catch, and free() only releases memory
export function fireAndForget(url: string, parser: Parser): void {
  try {
    void load(url);
    parser.free();
  } catch {
    // free() only releases memory; load()'s rejection floats past this catch (unobserved-async-wasm-failure)
  }
}

// ### wraps the failure into a new Error without the original
export function parseStrict(src: string): string {
  try {
    return parse(src);
  } catch (e) {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `parse(…)` throws a new error that does not carry the original (no `cause`): callers can no longer tell a Rust panic (`WebAssembly.RuntimeError` in this panic=abort build) from an ordinary failure and keep using the possibly corrupted instance [fix]
    throw new Error(`could not parse: ${e}`);
  }
}

// ### valid: an expression-bodied handler that keeps one error class and rejects the rest
export function loadUnlessTypeError(url: string): Promise<unknown> {
  return load(url).catch((e) => (e instanceof TypeError ? { fallback: true } : Promise.reject(e)));
}

// ### wraps the rejection into a new Error in a .catch() handler
// @build-mode: unwind
export function loadStrict(url: string): Promise<unknown> {
  return load(url).catch(() => {
//                 ^^^^^ catch-swallows-wasm-failure [fix]
    throw new Error('load failed');
  });
}

// ### throws a string made from the failure (`String(e)`, a template, `e.message`): class and stack are gone
export function parseAsText(src: string): string {
  try {
    return parse(src);
  } catch (e) {
//  ^^^^^ catch-swallows-wasm-failure: `catch` around wasm call `parse(…)` throws a new error that does not carry the original (no `cause`): callers can no longer tell a Rust panic (`WebAssembly.RuntimeError` in this panic=abort build) from an ordinary failure and keep using the possibly corrupted instance [fix]
    if (src.length > 10) throw String(e);
    if (src.length > 5) throw `parse failed: ${e}`;
    throw (e as Error).message;
  }
}

// ### valid: the original passed on through a cast or a non-null assertion, or thrown as it is
export class WasmError extends Error {}
export function parseTyped(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    throw new WasmError(e as string);
  }
}
export function parseCaused(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    throw new Error('could not parse', { cause: e! });
  }
}
export function parseOrThrow(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    throw e || new Error('unknown');
  }
}

// ### valid: wrapped with the original as cause
export function parseWithCause(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    throw new Error('could not parse', { cause: e });
  }
}

// ### valid: a catch that only handles PanicError in a panic=abort build is panic-error-check-in-abort-build's finding
export function parseOrPanicNull(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof Error && e.name === 'PanicError') return null;
    console.error(e);
    return null;
  }
}

// ### valid: a swallowing catch in a retry loop is retry-after-abort's finding
export function parseRetrying(src: string): string {
  for (let i = 0; i < 3; i++) {
    try {
      return parse(src);
    } catch (e) {
      console.warn('retrying', e);
    }
  }
  return '';
}

// ### valid: a catch that calls its own function again is retry-after-abort's finding
export function parseAgain(src: string, attempt = 0): string {
  try {
    return parse(src);
  } catch (e) {
    console.warn(e);
    return attempt < 3 ? parseAgain(src, attempt + 1) : '';
  }
}

export const loadAgain = (url: string): Promise<unknown> => load(url).catch(() => loadAgain(url));

// ### valid: a parameter or a local function that shadows the imported wasm function
export function parseWith(parse: (s: string) => string, src: string): string | null {
  try {
    return parse(src);
  } catch {
    return null;
  }
}

export function parseTrimmed(src: string): string | null {
  const parse = (s: string) => s.trim();
  try {
    return parse(src);
  } catch {
    return null;
  }
}

export const parseEach = (srcs: string[], load: (s: string) => string) => srcs.map((s) => {
  try { return load(s); } catch { return null; }
});

// ### a field typed with a class imported only as a type (`import type`), the object built elsewhere
import type { Parser as ParserHandle } from '../pkg/fixture_case.js';

export class PlayerView {
  private handle: ParserHandle | null = null;

  attach(handle: ParserHandle): void {
    this.handle = handle;
  }

  push(chunk: string): void {
    try {
      this.handle?.feed(chunk);
    } catch (e) {
//    ^^^^^ catch-swallows-wasm-failure [fix]
      console.warn('player error', e);
    }
  }
}

// ### `import { type X }` types a parameter
import { type Parser as InputParser } from '../pkg/fixture_case.js';

export function pushAll(p: InputParser, chunks: string[]): void {
  for (const c of chunks) {
    try {
      p.feed(c);
    } catch {
//    ^^^^^ catch-swallows-wasm-failure [fix]
    }
  }
}
