// What a rule may know about the file it checks and the workspace around it. Built by the engine
// for each lint run; everything here is read-only and valid only during that run.

import type { Node } from 'web-tree-sitter';
import type { LanguageId } from '../model';
import type { AnalysisSettings } from '../settings';
import type { LineIndex } from '../text/line-index';
import type { CrateIndex, CrateInfo, RustFileSummary, TsFileSummary, WasmModule } from './types';

/** Cross-file questions a rule may ask (answered from cached indexes, never by I/O). */
export interface WorkspaceQueries {
  /** The crate whose Cargo.toml is the nearest above `path`. */
  crateOf(path: string): CrateInfo | undefined;
  /** The §B1 index of the crate rooted at `crateRoot` (or of loose files when undefined). */
  crateIndex(crateRoot: string | undefined): CrateIndex;
  rustSummary(path: string): RustFileSummary | undefined;
  tsSummary(path: string): TsFileSummary | undefined;
  /** The wasm-bindgen glue module at `path` (§A10), if it is one. */
  wasmModule(path: string): WasmModule | undefined;
  fileExists(path: string): boolean;
  fileText(path: string): string | undefined;
  /** The workspace folders (absolute). */
  readonly roots: readonly string[];
}

export interface FileContext {
  readonly path: string;
  readonly language: LanguageId;
  readonly text: string;
  readonly root: Node;
  readonly lines: LineIndex;
  /** Rust files: their crate. TS files: the crate of the glue they import, when joined (§B4). */
  readonly crate: CrateInfo | undefined;
  /** Rust files: the crate-wide index. */
  readonly rust: CrateIndex | undefined;
  /** TS/JS files: the identifiers bound to wasm modules. */
  readonly ts: TsFileSummary | undefined;
  readonly workspace: WorkspaceQueries;
  readonly settings: AnalysisSettings;
}

const UNTRACKED = Symbol('the file context without read tracking');

/**
 * The context the engine hands a rule: the same facts, but reading the whole file (`text`, `root`,
 * `lines`) or other files (`workspace`) is recorded (engine/file-reads.ts), so the incremental Linter
 * knows which results it may reuse for an unchanged item.
 */
export function trackedFileContext(file: FileContext, readsWholeFile: () => void): FileContext {
  return {
    path: file.path,
    language: file.language,
    crate: file.crate,
    rust: file.rust,
    ts: file.ts,
    settings: file.settings,
    get text() {
      readsWholeFile();
      return file.text;
    },
    get root() {
      readsWholeFile();
      return file.root;
    },
    get lines() {
      readsWholeFile();
      return file.lines;
    },
    get workspace() {
      readsWholeFile();
      return file.workspace;
    },
    [UNTRACKED]: file,
  } as FileContext;
}

/** The context behind a tracked one (for shared environments built once per run), else `ctx` itself. */
export function untrackedFileContext(ctx: FileContext): FileContext {
  return (ctx as { [UNTRACKED]?: FileContext })[UNTRACKED] ?? ctx;
}
