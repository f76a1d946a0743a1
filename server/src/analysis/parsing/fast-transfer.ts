// Cheaper reads and writes of web-tree-sitter's transfer buffer.
//
// Every node property web-tree-sitter hands out (a node's type, a child, a field, a cursor step) first
// writes the node or cursor into a small buffer in wasm memory and reads the answer back, one 32-bit
// word at a time, through the emscripten runtime's generic `setValue(ptr, value, type)` /
// `getValue(ptr, type)`: a string switch and a DataView call per word. In a workspace scan those two
// functions were about 11 % of all CPU time. web-tree-sitter's emscripten module object IS the options
// object passed to `Parser.init` (emscripten's MODULARIZE build: `var Module = moduleArg`), and the
// library calls them as `Module.setValue` / `Module.getValue`, so replacing both with versions that go
// straight to the `HEAP32` view for aligned `i32` words (and to the originals for everything else)
// makes every node access cheaper without touching the library. Installed only when the runtime looks
// as expected and the host is little-endian (wasm memory is little-endian; `HEAP32` uses the host's
// order); otherwise nothing changes.

interface EmscriptenTransfer {
  setValue: (ptr: number, value: number, type?: string) => void;
  getValue: (ptr: number, type?: string) => number;
  HEAP32?: Int32Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Replaces `setValue`/`getValue` of an initialised emscripten module (see the header). Returns whether it did. */
export function installFastTransfers(module: object): boolean {
  const m = module as Partial<EmscriptenTransfer>;
  if (!LITTLE_ENDIAN || typeof m.setValue !== 'function' || typeof m.getValue !== 'function' || !(m.HEAP32 instanceof Int32Array)) return false;
  const originalSet = m.setValue;
  const originalGet = m.getValue;
  const runtime = m as EmscriptenTransfer;
  // A growing wasm memory replaces its buffer (the old one is detached: length 0) and the runtime
  // publishes new views on the module object, so the cached view is refreshed when an index falls outside it.
  let heap = runtime.HEAP32 as Int32Array;
  runtime.setValue = (ptr: number, value: number, type = 'i8'): void => {
    if (type === 'i32' && (ptr & 3) === 0) {
      const index = ptr >>> 2;
      if (index >= heap.length) heap = runtime.HEAP32 as Int32Array;
      if (index < heap.length) {
        heap[index] = value;
        return;
      }
    }
    originalSet(ptr, value, type);
  };
  runtime.getValue = (ptr: number, type = 'i8'): number => {
    if (type === 'i32' && (ptr & 3) === 0) {
      const index = ptr >>> 2;
      if (index >= heap.length) heap = runtime.HEAP32 as Int32Array;
      if (index < heap.length) return heap[index];
    }
    return originalGet(ptr, type);
  };
  return true;
}
