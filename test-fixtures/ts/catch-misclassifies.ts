import { load, parse, Parser } from '../pkg/fixture_case.js';

declare function showToast(message: string): void;

// ### instanceof Error as the only discriminator: Errors are handled, the rest rethrown
export function decryptOrToast(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof Error) {
//      ^^^^^^^^^^^^^^^^^^ catch-misclassifies: `e instanceof Error` around wasm call `parse(…)` does not tell a domain error from a wasm failure: in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError`, also an `Error`, so it is handled as a domain error and the possibly corrupted instance is used again [fix]
      showToast(e.message);
      return null;
    }
    throw e;
  }
}

// ### negated instanceof Error in a panic=unwind build
// @build-mode: unwind
export function parseOrMessage(src: string): string {
  try {
    return parse(src);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
//        ^^^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
    return `invalid input: ${err.message}`;
  }
}

// ### message regex on trap texts (the catalog's wrong-recovery-key example)
export function restore(backup: string): void {
  try {
    parse(backup);
  } catch (e) {
    if (e instanceof Error && !/unreachable|out of bounds/.test(e.message)) showToast('Wrong recovery key');
//                             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
  }
}

// ### a switch on the message with a trap text among its cases (no fix: a case label is not an expression)
export function restoreBySwitch(backup: string): string | null {
  try {
    return parse(backup);
  } catch (e) {
    switch ((e as Error).message) {
      case 'unreachable':
//    ^^^^^^^^^^^^^^^^^^ catch-misclassifies: `case 'unreachable':` around wasm call `parse(…)` guesses the failure class from message text: trap texts differ per engine, RefCell texts changed across Rust versions and panic messages are free-form, so a panic (`WebAssembly.RuntimeError`) can take the wrong branch
        showToast('crashed');
        return null;
      default:
        return null;
    }
  }
}

// ### RefCell text in a .catch() handler
export function preload(url: string): Promise<unknown> {
  return load(url).catch((err: unknown) => {
    if (String(err).includes('already borrowed')) return null;
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ catch-misclassifies
    console.warn('load failed', err);
    return undefined;
  });
}

// ### constructor.name comparison
export function feedAll(chunks: string[]): number {
  const parser = new Parser('');
  try {
    for (const c of chunks) parser.feed(c);
    return parser.token_count;
  } catch (e: any) {
    if (e.constructor.name === 'RuntimeError') return -1;
//      ^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
    return 0;
  }
}

// ### instanceof PanicError never matches
// @build-mode: unwind
class PanicError extends Error {}

export function tryParse(src: string): string | undefined {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof PanicError) return undefined;
//      ^^^^^^^^^^^^^^^^^^^^^^^ catch-misclassifies: `e instanceof PanicError` around wasm call `parse(…)` never matches: the glue does not export `PanicError`, so a Rust panic is not an instance of any class you can import or declare; test `e.name === 'PanicError'` [fix]
    console.error(e);
    return '';
  }
}

// ### only RuntimeError is fatal in a build with the abort handler
// @build-mode: abort+handler
export function render(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
      location.reload();
    }
    return 'error';
  }
}

// ### instanceof Error in a conditional expression: Errors become a value, the rest is rejected
export function loadOrError(url: string): Promise<unknown> {
  return load(url).catch((e) => (e instanceof Error ? { error: e.message } : Promise.reject(e)));
//                               ^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
}

// ### valid: a conditional expression that only builds a message, everything rethrown
export function parseOrThrow(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    throw new Error(e instanceof Error ? `parse failed: ${e.message}` : 'parse failed', { cause: e });
  }
}

// ### valid: the handler calls a configured classifier
import { classifyWasmError } from './wasm-errors';

export function decrypt(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (classifyWasmError(e) === 'foreign' && e instanceof Error) return null;
    throw e;
  }
}

// ### valid: no wasm call in the try
export function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (e instanceof Error) return { error: e.message };
    throw e;
  }
}

// ### valid: a domain-specific test, everything else rethrown
export function unlock(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('bad MAC')) return null;
    throw e;
  }
}

// ### valid: instanceof Error only to get a message
export function describe(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    throw new Error(`parse failed: ${text}`, { cause: e });
  }
}

// ### valid: test code asserts the error class
it('traps on bad input', () => {
  try {
    parse('((');
  } catch (e) {
    assert.ok(e instanceof WebAssembly.RuntimeError);
    assert.match(String(e), /unreachable/);
  }
});

// ### valid: `e.name === 'PanicError'` in a panic=abort build is panic-error-check-in-abort-build's finding
export function parseLenient(src: string): string | null {
  try {
    return parse(src);
  } catch (e: any) {
    if (e.name === 'PanicError') return null;
    console.error(e);
    return '';
  }
}

// ### constructor.name and instanceof PanicError are reported in a panic=abort build too
export function parseLenientToo(src: string): string | null {
  try {
    return parse(src);
  } catch (e: any) {
    if (e.constructor.name === 'PanicError') return null;
//      ^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
    if (e instanceof PanicError) return null;
//      ^^^^^^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
    console.error(e);
    return '';
  }
}
declare class PanicError extends Error {}

// ### valid: RuntimeError plus Module terminated
// @build-mode: unwind
export function renderChecked(src: string): string {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || (e instanceof Error && e.message === 'Module terminated')) location.reload();
    return 'error';
  }
}

// ### instanceof Error in a block handler that rejects everything else
export function loadOrFallback(url: string): Promise<unknown> {
  return load(url).catch((e) => {
    if (e instanceof Error) return { fallback: true };
//      ^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
    return Promise.reject(e);
  });
}

// ### constructor.name behind optional chaining
export function tokenCount(src: string): number {
  try {
    return parse(src).length;
  } catch (e: any) {
    if (e?.constructor?.name === 'PanicError') console.warn('rust bug', e);
//      ^^^^^^^^^^^^^^^^^^^^ catch-misclassifies [fix]
    return 0;
  }
}

// ### RuntimeError and PanicError tests, but `Module terminated` goes to the generic branch
// @build-mode: unwind
export function renderOrNull(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return null;
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ catch-misclassifies
    if (e instanceof Error && e.name === 'PanicError') return null;
    return 'unknown failure';
  }
}

// ### valid: broken code does not crash the rule
export function broken(src: string) {
  try { return parse(src) } catch (e) { if (e instanceof Error {
