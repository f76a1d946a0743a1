// STUB — replaced by the Rust index implementation (catalog §B1).
import type { Node } from 'web-tree-sitter';
import type { RustFileSummary } from './types';

export function summarizeRustFile(path: string, _root: Node, _text: string): RustFileSummary {
  return { path, exports: [], imports: [], structs: [], stateRoots: [], startFunctions: [], setOnAbortCalls: [], usesScheduleReinit: false };
}
