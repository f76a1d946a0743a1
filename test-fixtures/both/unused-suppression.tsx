// Fixture for unused-suppression (both sides; this file: TSX). JSX children take `{/* … */}` comments.
import { parse } from '../pkg/fixture_case.js';

// ### reported: JSX comment suppression before an element that reports nothing
export function View({ src }: { src: string }) {
  return (
    <div>
      {/* wasm-safety-ignore-next-line catch-swallows-wasm-failure -- shown as an empty view */}
//    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression [fix]
      <span>{src}</span>
    </div>
  );
}

// ### reported: TS line comment before a clean statement
export function size(src: string): number {
  // wasm-safety-ignore-next-line catch-swallows-wasm-failure -- parse errors are expected here
//^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression [fix]
  return src.length;
}

// ### reported: trailing block comment on a clean line
export function twice(src: string): string {
  return src + src; /* wasm-safety-ignore-line catch-swallows-wasm-failure -- fine */
//                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ unused-suppression [fix]
}

// ### valid: the suppression silences a real finding
export function tryParse(src: string): string | null {
  try {
    return parse(src);
    // wasm-safety-ignore-next-line catch-swallows-wasm-failure -- a failed parse shows the raw text; the page reloads on abort
  } catch {
    return null;
  }
}

// ### valid: a comment that only mentions wasm-safety-ignore-next-line in prose
export function size(src: string): number {
  const hint = '// wasm-safety-ignore-line catch-swallows-wasm-failure -- in a string';
  return src.length + hint.length;
}

// ### valid: a JSDoc comment is documentation, not a directive
/** wasm-safety-ignore-next-line catch-swallows-wasm-failure -- how to write a suppression */
export function size(src: string): number {
  return src.length;
}
