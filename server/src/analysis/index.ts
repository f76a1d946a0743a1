// Public API of the pure analysis layer, used by the language server and the CLI alike.
// Nothing below this folder imports LSP, vscode, the file system or the console (a test enforces it).

export * from './model';
export * from './settings';
export { Grammars, GrammarLoadError, languageOfPath, GRAMMAR_FILES, RUNTIME_WASM_FILE, type WasmLoader } from './parsing/grammars';
export { ParsedDocument, ParseTimeoutError } from './parsing/parsed-document';
export { AnalysisTimeoutError } from './parsing/budget';
export { Workspace, type WorkspaceOptions } from './workspace/workspace';
export { isCrateConfigFile } from './workspace/crate-config';
export { isTsConfigFile } from './ts/tsconfig-paths';
export type * from './workspace/types';
export { Linter, rangesTouch, type LintOptions, type LintResult } from './engine/lint';
export type { Rule, RuleMeta, RuleOptionMeta, RuleContext, ReportDescriptor } from './engine/rule';
export { applyEdits, editsForFile, editsForOtherFiles, fixToFixedPoint, selectNonOverlapping, MAX_FIX_PASSES } from './engine/fixes';
export { ALL_RULES } from './rules/index';
export { ruleDocUrl, DOCS_BASE_URL, REPOSITORY_URL } from './rule-docs';
export { LineIndex } from './text/line-index';
export { composeChanges, type TextChange } from './text/text-change';
export * from './text/paths';
export { parseRuleDocPage, ruleDocExcerpt, docSection, pageWithoutTitle, resolveRelativeLinks, EXCERPT_SECTIONS, type RuleDocPage, type RuleDocSection } from './rule-doc-page';
export { buildInventory, totalsOf, FAMILY_ORDER, type InventoryInput, type CountedFinding } from './inventory/inventory';
export { inventoryMarkdown, type MarkdownOptions } from './inventory/markdown';
export type * from './inventory/types';
export { anchorGlob, globMatcher, matchesGlob, type PathMatcher } from './text/glob';
export * from './config/config-file';
export * from './config/baseline';
export { configSchema, configSchemaText } from './config/schema';
export { readJson, type JsonPosition } from './config/json-with-positions';
