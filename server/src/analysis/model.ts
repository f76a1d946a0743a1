// Plain, serialisable data shared by every layer: findings, fixes, edits and ranges.
// Offsets are UTF-16 code units (= JS string index = web-tree-sitter startIndex); they are
// converted to line/column only at the boundaries (LSP adapter, CLI formatters).

export interface TextRange {
  readonly start: number;
  readonly end: number;
}

export interface TextEdit {
  readonly range: TextRange;
  readonly newText: string;
}

/** A fix edits one or more files; edits without `path` apply to the file the finding is in. */
export interface FileEdit extends TextEdit {
  /** Absolute, '/'-separated path of another file, or a file the fix creates (range 0..0 on a new file). */
  readonly path?: string;
}

/** `safe`: cannot change behaviour, runs in fix-all. `unsafe`: a suggestion, applied only on request. */
export type FixSafety = 'safe' | 'unsafe';

export interface Fix {
  readonly title: string;
  readonly safety: FixSafety;
  readonly edits: readonly FileEdit[];
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type ConfiguredSeverity = Severity | 'off';

/** The three bug families, plus `suppression` for the rules that check suppression comments themselves. */
export type Family = 'unwind-safety' | 'reentrancy' | 'failure-classification' | 'suppression';

export type LanguageId = 'rust' | 'typescript' | 'tsx' | 'javascript';

/** Another place a finding spans (the borrow and the JS call, the catch and the wasm call). */
export interface RelatedLocation {
  readonly path: string;
  readonly range: TextRange;
  readonly message: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly message: string;
  /** Absolute '/'-separated path of the file the finding is in. */
  readonly path: string;
  readonly range: TextRange;
  readonly related: readonly RelatedLocation[];
  readonly fixes: readonly Fix[];
  /**
   * Set when the finding is suppressed: `inSource` by a `wasm-safety-ignore…` comment (justification =
   * its reason), `external` by the baseline file. Suppressed findings are kept (SARIF reports them with
   * their justification) but hidden from diagnostics, text output and the exit code.
   */
  readonly suppression?: FindingSuppression;
}

export interface FindingSuppression {
  readonly kind: 'inSource' | 'external';
  readonly justification: string;
}

/** Something went wrong inside the tool (a rule threw, a grammar failed): logged, never fatal. */
export interface InternalError {
  readonly path: string;
  readonly ruleId?: string;
  readonly message: string;
  readonly stack?: string;
}

/** A note for the user about the analysis itself (a Cargo.toml that does not parse, a file too large). */
export interface Notice {
  readonly path: string;
  readonly level: 'warning' | 'info';
  readonly message: string;
}
