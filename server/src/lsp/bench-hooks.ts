// Benchmark-only requests (scripts/bench): registered only when the server runs with
// WASM_SAFETY_BENCH_HOOKS=1, so no client sees them. `wasmSafety/bench/collectGarbage` runs a full
// garbage collection (the bench starts the server with --expose-gc) before it reads the server's RSS,
// so memory figures measure what is still referenced, not when V8 last chose to collect, and answers
// with process.memoryUsage().

import type { Connection } from 'vscode-languageserver';

export function registerBenchHooks(connection: Connection, env: Readonly<Record<string, string | undefined>>): void {
  if (env.WASM_SAFETY_BENCH_HOOKS !== '1') return;
  connection.onRequest('wasmSafety/bench/collectGarbage', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    // The breakdown tells the V8 heap from the tree-sitter wasm heap (in arrayBuffers/external).
    return { collected: gc !== undefined, memory: process.memoryUsage() };
  });
}
