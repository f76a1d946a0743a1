// Fixture for invalid-suppression (both sides; this file: TypeScript).
import { parse } from '../pkg/fixture_case.js';

// ### reported: no reason after the separator
export function tryParse(src: string): string | null {
  try {
    return parse(src);
    // wasm-safety-ignore-next-line catch-swallows-wasm-failure --
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ invalid-suppression
  } catch {
    return null;
  }
}

// ### reported: a Rust rule in a TS file
export function size(src: string): number {
  return src.length; // wasm-safety-ignore-line string-error-payload -- wrong file
//                                              ^^^^^^^^^^^^^^^^^^^^ invalid-suppression
}

// ### reported: a suppression rule cannot be suppressed by a comment
// wasm-safety-ignore-file unused-suppression -- keep old comments
//                         ^^^^^^^^^^^^^^^^^^ invalid-suppression
export function size(src: string): number {
  return src.length;
}

// ### valid: block comment form with a reason
export function tryParse(src: string): string | null {
  try {
    return parse(src);
    /* wasm-safety-ignore-next-line catch-swallows-wasm-failure -- the caller retries with a new instance */
  } catch {
    return null;
  }
}

// ### valid: the marker inside a template string
export function help(): string {
  return `// wasm-safety-ignore-next-line unknown-rule`;
}

// ### valid: JSDoc
/** wasm-safety-ignore-file no-such-rule */
export function size(src: string): number {
  return src.length;
}
