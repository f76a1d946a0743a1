import { parse, Parser } from '../pkg/fixture_case.js';

// ### free() in finally after a method call, panic=unwind
// @build-mode: unwind
export function tokenCount(src: string): number {
  const parser = new Parser(src);
  try {
    return parser.feed(src);
  } finally {
    parser.free();
//  ^^^^^^^^^^^^^ cleanup-masks-abort: `parser.free()` in `finally` runs after wasm call `parser.feed(…)`, which can abort: in this panic=unwind build the instance is then terminated and `free()` throws `Error('Module terminated')`, which replaces the original error [fix]
  }
}

// ### free() in catch before rethrowing the caught error, panic=unwind
// @build-mode: unwind
export function tokenCountOrThrow(src: string): number {
  const parser = new Parser(src);
  try {
    const n = parser.feed(src);
    parser.free();
    return n;
  } catch (e) {
    parser.free();
//  ^^^^^^^^^^^^^ cleanup-masks-abort: `parser.free()` in `catch` runs before `throw e` when wasm call `parser.feed(…)` failed; if it aborted, in this panic=unwind build the instance is then terminated and `free()` throws `Error('Module terminated')`, which replaces the original error [fix]
    throw e;
  }
}

// ### valid: a catch that frees without rethrowing, or rethrows before freeing
// @build-mode: unwind
export function tokenCountOrZero(src: string): number {
  const parser = new Parser(src);
  try {
    return parser.feed(src);
  } catch {
    parser.free();
    return 0;
  }
}

// ### Symbol.dispose in finally, with the abort handler
// @build-mode: abort+handler
export function normalize(src: string): string {
  const parser = Parser.with_capacity(16);
  try {
    parser.feed(src);
    return parse(src);
  } finally {
    parser[Symbol.dispose]();
//  ^^^^^^^^^^^^^^^^^^^^^^^^ cleanup-masks-abort: `parser[Symbol.dispose]()` in `finally` runs after wasm call `parser.feed(…)`, which can abort: with the abort handler the instance is then terminated and `free()` throws `Error('Module terminated')`, which replaces the original error [fix]
  }
}

// ### instance kept in a class field, released conditionally
// @build-mode: unwind
export class Session {
  private parser: Parser | undefined = new Parser('');

  run(chunk: string): number {
    try {
      return this.parser!.feed(chunk);
    } catch (e) {
      console.error(e);
      return 0;
    } finally {
      if (this.parser) this.parser.free();
//                     ^^^^^^^^^^^^^^^^^^ cleanup-masks-abort [fix]
    }
  }
}

// ### using declaration of a glue object
// @build-mode: unwind
export function count(src: string): number {
  using parser = new Parser(src);
//^^^^^^^^^^^^ cleanup-masks-abort
  return parser.feed(src);
}

// ### await using declaration of a glue object, reported from its `await`
// @build-mode: unwind
export async function countLater(src: string): Promise<number> {
  await using parser = new Parser(src);
//^^^^^^^^^^^^^^^^^^ cleanup-masks-abort: `await using parser` disposes it with `free()` when the block exits, also after wasm call `parser.feed(…)` aborted: in this panic=unwind build the instance is then terminated and `free()` throws `Error('Module terminated')` and the caller gets a `SuppressedError` instead of the abort
  return parser.feed(src);
}

// ### valid: plain panic=abort build (free() has no termination guard)
export function tokenCountAbort(src: string): number {
  const parser = new Parser(src);
  try {
    return parser.feed(src);
  } finally {
    parser.free();
  }
}

// ### valid: free() already wrapped
// @build-mode: unwind
export function tokenCountWrapped(src: string): number {
  const parser = new Parser(src);
  try {
    return parser.feed(src);
  } finally {
    try { parser.free(); } catch { /* instance already terminated */ }
  }
}

// ### valid: no wasm call in the try body
// @build-mode: unwind
export function release(parser: Parser, log: string[]): void {
  try {
    log.push('releasing');
  } finally {
    parser.free();
  }
}

// ### valid: free() of something that is not a glue object
// @build-mode: unwind
export function closeAll(src: string, pool: { free(): void }): string {
  try {
    return parse(src);
  } finally {
    pool.free();
  }
}

// ### valid: a local object that shadows a module-level glue object of the same name
// @build-mode: unwind
const parser = new Parser('');

export function withPool(src: string, pool: { take(): { free(): void } }): string {
  const parser = pool.take();
  try {
    return parse(src);
  } finally {
    parser.free();
  }
}

// ### valid: broken code does not crash the rule
// @build-mode: unwind
export function broken(src: string) {
  const p = new Parser(src);
  try { p.feed(src) } finally { p.free(
