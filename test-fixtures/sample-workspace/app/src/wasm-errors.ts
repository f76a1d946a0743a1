// Classifies failures coming out of wasm-bindgen glue (>= 0.2.127 for the PanicError name), so a
// catch can tell a recoverable Rust panic or JS error from an instance that has trapped.

export type WasmFailureKind =
  | 'panic' // recoverable Rust panic (panic=unwind): instance alive, Rust state may be torn
  | 'abort' // trap / OOM / stack overflow / escaped Rust exception / "Critical error": instance dead or unreliable
  | 'terminated' // call into an instance already marked terminated
  | 'stale' // object/closure created before a reinit
  | 'guard' // wasm-bindgen runtime guard: aliasing, moved/freed object, closure reuse
  | 'foreign'; // anything else: JS errors from callbacks/imports, Rust Err(..) payloads

const GUARD = [
  'recursive use of an object detected',
  'attempted to take ownership of Rust value while it was borrowed',
  'null pointer passed to rust',
  'Attempt to use a moved value',
  'closure invoked recursively or',
  'FnOnce called more than once',
];

export function classifyWasmError(e: unknown): WasmFailureKind {
  if (e instanceof WebAssembly.RuntimeError) return 'abort';
  if (typeof WebAssembly.Exception === 'function' && e instanceof WebAssembly.Exception) return 'abort';
  if (e instanceof Error) {
    const m = e.message;
    if (e.name === 'PanicError') return GUARD.some((g) => m.startsWith(g)) ? 'guard' : 'panic';
    if (m === 'Module terminated') return 'terminated';
    if (m === 'Critical error' && 'cause' in e) return 'abort';
    if (m === 'Invalid stale object from previous Wasm instance' || m === 'Cannot invoke closure from previous WASM instance') {
      return 'stale';
    }
    if (GUARD.some((g) => m.startsWith(g))) return 'guard';
    if (e instanceof RangeError && /call stack/i.test(m)) return 'abort';
    if (e.name === 'InternalError' && /too much recursion/i.test(m)) return 'abort';
  }
  return 'foreign';
}

export const isWasmFatal = (e: unknown): boolean => {
  const kind = classifyWasmError(e);
  return kind === 'abort' || kind === 'terminated';
};

export const isRecoverableWasmError = (e: unknown): boolean => {
  const kind = classifyWasmError(e);
  return kind === 'panic' || kind === 'foreign';
};

/** The store module is loaded once per page (web target, no reinit): a trapped instance needs a reload. */
export function recoverWasm(): void {
  location.reload();
}
