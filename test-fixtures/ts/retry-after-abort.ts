import { load, parse, Parser } from '../pkg/fixture_case.js';
import * as wasm from '../pkg/fixture_case.js';

declare function sleep(ms: number): Promise<void>;
declare function pRetry<T>(fn: () => Promise<T>, options?: object): Promise<T>;

// ### for loop with backoff, catch without a parameter
export async function renderWithRetry(scene: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return wasm.parse(scene);
    } catch {
//    ^^^^^ retry-after-abort: `catch` makes this `for` loop call wasm `wasm.parse(…)` again after any failure: in this panic=abort build a panic leaves the instance unflagged and possibly corrupted, so the next attempt runs on that memory and may "succeed" with a wrong result [fix]
      await sleep(100 * 2 ** attempt);
    }
  }
  throw new Error('gave up');
}

// ### while loop that rethrows only after the last attempt, in a panic=unwind build
// @build-mode: unwind
export async function fetchTree(url: string): Promise<unknown> {
  let attempts = 0;
  while (true) {
    try {
      return await load(url);
    } catch (e) {
//    ^^^^^ retry-after-abort: `catch` makes this `while` loop call wasm `load(…)` again after any failure: after an abort the instance is terminated, so every further attempt only throws `Module terminated`, and a `PanicError` from the same input panics again [fix]
      if (++attempts >= 5) throw e;
      console.warn('retrying', e);
    }
  }
}

// ### a flag set on success ends the loop
export function feedUntilAccepted(parser: Parser, chunk: string): number {
  let done = false;
  let n = 0;
  while (!done) {
    try {
      n = parser.feed(chunk);
      done = true;
    } catch (err) {
//    ^^^^^ retry-after-abort [fix]
      console.warn(err);
    }
  }
  return n;
}

// ### recursive retry in a catch
// @build-mode: abort+handler
export function parseWithRetry(src: string, attempt = 0): string {
  try {
    return parse(src);
  } catch (e) {
//  ^^^^^ retry-after-abort: `catch` calls `parseWithRetry(…)` again after any failure of wasm call `parse(…)`: after an abort the instance is terminated, so every further attempt only throws `Module terminated` [fix]
    if (attempt > 2) throw e;
    return parseWithRetry(src, attempt + 1);
  }
}

// ### bounded retries written with continue before the final throw, and a bounded recursive retry
export function parseWithContinue(src: string): string {
  for (let attempt = 0; ; attempt++) {
    try {
      return parse(src);
    } catch (e) {
//    ^^^^^ retry-after-abort [fix]
      if (attempt < 2) continue;
      throw e;
    }
  }
}
export function parseCounting(src: string, left = 2): string {
  try {
    return parse(src);
  } catch (e) {
//  ^^^^^ retry-after-abort [fix]
    if (left > 0) return parseCounting(src, left - 1);
    throw e;
  }
}

// ### self-recursive .catch()
export const loadRetrying = (url: string): Promise<unknown> => load(url).catch(() => loadRetrying(url));
//                                                                       ^^^^^ retry-after-abort [fix]

// ### retry helper around a wasm call
export function loadWithPRetry(url: string): Promise<unknown> {
  return pRetry(() => load(url), { retries: 3 });
//       ^^^^^^ retry-after-abort
}

// ### valid: the catch rethrows aborts before retrying
import { isWasmFatal } from './wasm-errors';

export async function renderChecked(scene: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return wasm.parse(scene);
    } catch (e) {
      if (isWasmFatal(e)) throw e;
      await sleep(100 * 2 ** attempt);
    }
  }
  throw new Error('gave up');
}

// ### valid: a batch loop over independent inputs does not retry
export function parseAllLenient(sources: string[]): string[] {
  const out: string[] = [];
  for (const s of sources) {
    try {
      out.push(parse(s));
    } catch (e) {
      console.warn('skipping', e);
    }
  }
  return out;
}

// ### valid: retry loop around code that calls no wasm
export async function fetchText(url: string): Promise<string> {
  for (let i = 0; i < 3; i++) {
    try {
      return await (await fetch(url)).text();
    } catch {
      await sleep(100);
    }
  }
  throw new Error('offline');
}

// ### valid: the catch recovers the instance through a helper of this file before the next attempt
declare function recoverWasm(): void;
function resetEngine(): void {
  recoverWasm();
}
export function parseAfterReset(src: string): string {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return parse(src);
    } catch {
      resetEngine();
    }
  }
  throw new Error('gave up');
}

// ### valid: the catch leaves the loop
export function firstParsable(candidates: string[]): string | undefined {
  for (const c of candidates) {
    try {
      return parse(c);
    } catch (e) {
      console.warn(e);
      break;
    }
  }
  return undefined;
}

// ### valid: the catch recovers the instance before the next attempt
declare function recoverWasm(): Promise<void>;

export async function renderRecovering(scene: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return wasm.parse(scene);
    } catch (e) {
      await recoverWasm();
    }
  }
  throw new Error('gave up');
}

// ### valid: a retry policy decides what is retried
export function loadWithPolicy(url: string): Promise<unknown> {
  return pRetry(() => load(url), { retries: 3, shouldRetry: (e: unknown) => !(e instanceof WebAssembly.RuntimeError) });
}

// ### valid: broken code does not crash the rule
export function broken(src: string) {
  for (;;) { try { parse(src) } catch (e) { continue
