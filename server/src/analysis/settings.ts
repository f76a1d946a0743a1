// Analysis settings shared by the CLI and the server (filled from the config file / VS Code settings
// by the adapters). Plain data with defaults; rules read only what they need.

import type { ConfiguredSeverity } from './model';

export interface AnalysisSettings {
  /** Functions whose call in a catch handler counts as classifying the failure (C01, C02). */
  readonly classifierNames: readonly string[];
  /** Path of the classifier module a fix creates or reuses (C01): relative to the file's package (nearest package.json folder), else the workspace root. */
  readonly classifierModule: string;
  /** Extra Rust function/method names that call out to JS synchronously (R01). */
  readonly extraJsCallPoints: readonly string[];
  /**
   * Absolute glob patterns (text/glob.ts `anchorGlob`) of modules to treat as wasm-bindgen bindings even
   * without glue markers (config file `bindingModules`): their imports become wasm calls and they are not linted.
   */
  readonly bindingModules: readonly string[];
  /** Files larger than this (UTF-16 code units) are skipped with a notice. */
  readonly maxFileSize: number;
  /** A file's parse is abandoned after this many milliseconds, with a notice. */
  readonly parseBudgetMs: number;
  /**
   * A file's analysis after parsing (traversal, rules) is abandoned after this many milliseconds, with a
   * notice (default DEFAULT_ANALYSIS_BUDGET_MS). Optional so settings built before it existed stay valid.
   */
  readonly analysisBudgetMs?: number;
}

export const DEFAULT_ANALYSIS_BUDGET_MS = 10_000;

export const DEFAULT_SETTINGS: AnalysisSettings = {
  classifierNames: ['classifyWasmError', 'isWasmFatal', 'isRecoverableWasmError', 'isPanicError'],
  classifierModule: 'src/wasm-errors.ts',
  extraJsCallPoints: [],
  bindingModules: [],
  maxFileSize: 4 * 1024 * 1024,
  parseBudgetMs: 5000,
  analysisBudgetMs: DEFAULT_ANALYSIS_BUDGET_MS,
};

/** Per-rule configuration: severity override and options. */
export interface RuleSettings {
  readonly severity?: ConfiguredSeverity;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface LintSettings {
  readonly analysis: AnalysisSettings;
  readonly rules: Readonly<Record<string, RuleSettings>>;
}

export const DEFAULT_LINT_SETTINGS: LintSettings = { analysis: DEFAULT_SETTINGS, rules: {} };
