// Fixture for panic-error-check-in-abort-build (C09, TS side). The support glue's crate `fixture-case`
// builds with panic=abort unless a section says `// @build-mode: unwind`.
import { load, parse, Parser } from '../pkg/fixture_case.js';
import { classifyWasmError } from './wasm-errors';

// ### reported: a catch that treats PanicError as the recoverable case, in a panic=abort build
export function tryParse(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof Error && e.name === 'PanicError') return null;
//                                       ^^^^^^^^^^^^ panic-error-check-in-abort-build: no failure is ever named `PanicError` here: `fixture-case` builds with panic=abort (default `panic=abort` for wasm32-unknown-unknown), so a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory; this test never matches — treat `WebAssembly.RuntimeError` as fatal (`classifyWasmError`), or build with panic=unwind
    throw e;
  }
}

// ### reported: the name written as a template literal
export function tryParseTemplate(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if ((e as Error).name === `PanicError`) return null;
//                            ^^^^^^^^^^^^ panic-error-check-in-abort-build
    throw e;
  }
}

// ### reported: switch on the error name, in a build with the abort handler
// @build-mode: abort+handler
export function feed(p: Parser, chunk: string): number {
  try {
    return p.feed(chunk);
  } catch (e: any) {
    switch (e?.name) {
      case 'PanicError':
//         ^^^^^^^^^^^^ panic-error-check-in-abort-build
        return -1;
      default:
        throw e;
    }
  }
}

// ### reported: a rejection handler that only lets panics through
export function preload(url: string): Promise<unknown> {
  return load(url).catch((err) => (err.name !== 'PanicError' ? Promise.reject(err) : undefined));
//                                              ^^^^^^^^^^^^ panic-error-check-in-abort-build
}

// ### reported: a same-file predicate used to decide what is recoverable
function isRecoverable(e: unknown): boolean {
  return e instanceof Error && 'PanicError' == e.name;
//                             ^^^^^^^^^^^^ panic-error-check-in-abort-build
}

export function safeParse(src: string): string | null {
  try { return parse(src); } catch (e) { if (isRecoverable(e)) return null; throw e; }
}

// ### not reported: the crate builds with panic=unwind
// @build-mode: unwind
export function tryParse(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof Error && e.name === 'PanicError') return null;
    throw e;
  }
}

// ### not reported: the handler also handles aborts
export function tryParse(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e;
    if (e instanceof Error && e.name === 'PanicError') return null;
    throw e;
  }
}

// ### not reported: a configured classifier decides
export function tryParse(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    if (classifyWasmError(e) === 'panic' || (e as Error).name === 'PanicError') return null;
    throw e;
  }
}

// ### not reported: the word in a message, and constructor.name (catch-misclassifies' business)
export function tryParse(src: string): string | null {
  try {
    return parse(src);
  } catch (e) {
    console.warn('PanicError or not:', e);
    if ((e as Error).constructor.name === 'PanicError') return null;
    throw e;
  }
}

// ### not reported: broken code does not crash the rule
export function broken(src: string) {
  try { parse(src) } catch (e) { if (e.name === 'Panic
