// The canonical failure classifier of catalog §A13 (what quick fixes import, creating the module when the
// workspace does not have it yet) and the text-editing helpers fixes around failure handlers share:
// the file's quote/semicolon/indent style, the guard statements, inserting a statement at the top of a
// handler body (adding a `catch` parameter when missing) and adding an import of the classifier.

import type { Node } from 'web-tree-sitter';
import type { FileEdit, TextEdit } from '../model';
import { basename, dirname, isWithin, joinPath, relativePath, resolvePath } from '../text/paths';
import type { FileContext } from '../workspace/file-context';
import { requiresImportExtensions } from './tsconfig-paths';

export const RECOVERABLE_CLASSIFIER = 'isRecoverableWasmError';
export const FATAL_CLASSIFIER = 'isWasmFatal';
export const CLASSIFY_FUNCTION = 'classifyWasmError';

const TS_CLASSIFIER = `// wasm-errors.ts — classify failures coming out of wasm-bindgen glue (≥ 0.2.127 for the PanicError name).
// Created by wasm-safety; see docs/rules/catch-swallows-wasm-failure.md.
export type WasmFailureKind =
  | 'panic'       // recoverable Rust panic (panic=unwind): instance alive, Rust state may be torn
  | 'abort'       // trap / OOM / stack overflow / escaped Rust exception / "Critical error": instance dead or unreliable
  | 'terminated'  // call into an instance already marked terminated
  | 'stale'       // object/closure created before a reinit
  | 'guard'       // wasm-bindgen runtime guard: aliasing, moved/freed object, closure reuse
  | 'foreign';    // anything else: JS errors from callbacks/imports, Rust Err(..) payloads

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
  // An escaped Rust exception; tested by its tag because WebAssembly.Exception is missing from older TS libs and runtimes.
  if (Object.prototype.toString.call(e) === '[object WebAssembly.Exception]') return 'abort';
  if (e instanceof Error) {
    const m = e.message;
    if (e.name === 'PanicError') return GUARD.some((g) => m.startsWith(g)) ? 'guard' : 'panic';
    if (m === 'Module terminated') return 'terminated';
    if (m === 'Critical error' && 'cause' in e) return 'abort';
    if (m === 'Invalid stale object from previous Wasm instance' ||
        m === 'Cannot invoke closure from previous WASM instance') return 'stale';
    if (GUARD.some((g) => m.startsWith(g))) return 'guard';
    if (e instanceof RangeError && /call stack/i.test(m)) return 'abort';      // ambiguous: may be a JS-side overflow
    if (e.name === 'InternalError' && /too much recursion/i.test(m)) return 'abort';
  }
  return 'foreign';
}
export const isWasmFatal = (e: unknown) => { const k = classifyWasmError(e); return k === 'abort' || k === 'terminated'; };
export const isRecoverableWasmError = (e: unknown) => { const k = classifyWasmError(e); return k === 'panic' || k === 'foreign'; };

// Project-specific: pick ONE strategy that matches the build.
export function recoverWasm(): void {
  // (a) built with --experimental-reset-state-function:   glue.__wbg_reset_state();
  // (b) Rust calls set_on_abort(|| schedule_reinit()):     nothing to do, next call reinitialises
  // (c) otherwise: terminate the Worker hosting the module / re-import a fresh copy of the glue
}
`;

/** The JavaScript flavour: the same code with JSDoc types instead of annotations. */
const JS_CLASSIFIER = `// wasm-errors.js — classify failures coming out of wasm-bindgen glue (≥ 0.2.127 for the PanicError name).
// Created by wasm-safety; see docs/rules/catch-swallows-wasm-failure.md.
/**
 * 'panic': recoverable Rust panic (panic=unwind): instance alive, Rust state may be torn;
 * 'abort': trap / OOM / stack overflow / escaped Rust exception / "Critical error": instance dead or unreliable;
 * 'terminated': call into an instance already marked terminated; 'stale': object/closure created before a reinit;
 * 'guard': wasm-bindgen runtime guard (aliasing, moved/freed object, closure reuse);
 * 'foreign': anything else (JS errors from callbacks/imports, Rust Err(..) payloads).
 * @typedef {'panic' | 'abort' | 'terminated' | 'stale' | 'guard' | 'foreign'} WasmFailureKind
 */

const GUARD = [
  'recursive use of an object detected',
  'attempted to take ownership of Rust value while it was borrowed',
  'null pointer passed to rust',
  'Attempt to use a moved value',
  'closure invoked recursively or',
  'FnOnce called more than once',
];

/** @param {unknown} e @returns {WasmFailureKind} */
export function classifyWasmError(e) {
  if (e instanceof WebAssembly.RuntimeError) return 'abort';
  // An escaped Rust exception; tested by its tag because WebAssembly.Exception is missing from older TS libs and runtimes.
  if (Object.prototype.toString.call(e) === '[object WebAssembly.Exception]') return 'abort';
  if (e instanceof Error) {
    const m = e.message;
    if (e.name === 'PanicError') return GUARD.some((g) => m.startsWith(g)) ? 'guard' : 'panic';
    if (m === 'Module terminated') return 'terminated';
    if (m === 'Critical error' && 'cause' in e) return 'abort';
    if (m === 'Invalid stale object from previous Wasm instance' ||
        m === 'Cannot invoke closure from previous WASM instance') return 'stale';
    if (GUARD.some((g) => m.startsWith(g))) return 'guard';
    if (e instanceof RangeError && /call stack/i.test(m)) return 'abort';      // ambiguous: may be a JS-side overflow
    if (e.name === 'InternalError' && /too much recursion/i.test(m)) return 'abort';
  }
  return 'foreign';
}
/** @param {unknown} e */
export const isWasmFatal = (e) => { const k = classifyWasmError(e); return k === 'abort' || k === 'terminated'; };
/** @param {unknown} e */
export const isRecoverableWasmError = (e) => { const k = classifyWasmError(e); return k === 'panic' || k === 'foreign'; };

// Project-specific: pick ONE strategy that matches the build.
export function recoverWasm() {
  // (a) built with --experimental-reset-state-function:   glue.__wbg_reset_state();
  // (b) Rust calls set_on_abort(|| schedule_reinit()):     nothing to do, next call reinitialises
  // (c) otherwise: terminate the Worker hosting the module / re-import a fresh copy of the glue
}
`;

function commonJsClassifier(): string {
  return JS_CLASSIFIER.replace('wasm-errors.js', 'wasm-errors.cjs').replace(/^export (const|function) /gm, '$1 ')
    + 'module.exports = { classifyWasmError, isWasmFatal, isRecoverableWasmError, recoverWasm };\n';
}

export type ModuleFlavour = 'ts' | 'esm' | 'cjs';

export function classifierModuleText(flavour: ModuleFlavour): string {
  return flavour === 'ts' ? TS_CLASSIFIER : flavour === 'esm' ? JS_CLASSIFIER : commonJsClassifier();
}

// ---- the file's style ----------------------------------------------------------------------------

export interface SourceStyle {
  readonly quote: "'" | '"';
  readonly semicolons: boolean;
  /** One level of indentation (`'  '`, `'    '` or a tab). */
  readonly unit: string;
}

export function sourceStyleOf(text: string): SourceStyle {
  const single = (text.match(/(?:from|import|require\()\s*'/g) ?? []).length;
  const double = (text.match(/(?:from|import|require\()\s*"/g) ?? []).length;
  const quote = single === double ? ((text.match(/'/g) ?? []).length >= (text.match(/"/g) ?? []).length ? "'" : '"') : single > double ? "'" : '"';
  const statementEnds = text.match(/[;)\]}'"\w]\s*\n/g) ?? [];
  const withSemicolon = statementEnds.filter((s) => s.startsWith(';')).length;
  const semicolons = withSemicolon * 3 >= statementEnds.filter((s) => !s.startsWith('}')).length || withSemicolon > 0 && statementEnds.length < 4;
  const indents = text.match(/^[ \t]+(?=\S)/gm) ?? [];
  let unit = '  ';
  if (indents.some((i) => i.startsWith('\t'))) unit = '\t';
  else {
    const widths = indents.map((i) => i.length).filter((w) => w > 0);
    const smallest = widths.length > 0 ? Math.min(...widths) : 2;
    unit = ' '.repeat(smallest >= 4 ? 4 : smallest === 3 ? 4 : 2);
  }
  return { quote, semicolons, unit };
}

/** Leading whitespace of the line that contains `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

// ---- guards ---------------------------------------------------------------------------------------

/** A guard statement `if (<conditions>) throw <param>;`, laid out on one line or one condition per line. */
export interface GuardStatement {
  readonly conditions: readonly string[];
  readonly param: string;
}

export function formatGuard(guard: GuardStatement, style: SourceStyle, multiline: boolean): string[] {
  const semi = style.semicolons ? ';' : '';
  if (!multiline || guard.conditions.length === 1) return [`if (${guard.conditions.join(' || ')}) throw ${guard.param}${semi}`];
  return [
    'if (',
    ...guard.conditions.map((c, i) => `${style.unit}${c}${i < guard.conditions.length - 1 ? ' ||' : ''}`),
    `) throw ${guard.param}${semi}`,
  ];
}

/** Rethrows the failures after which the instance is dead or unreliable (aborts, termination, stack overflow). */
export function abortGuard(param: string, style: SourceStyle): GuardStatement {
  const q = style.quote;
  return {
    param,
    conditions: [
      `${param} instanceof WebAssembly.RuntimeError`,
      `Object.prototype.toString.call(${param}) === ${q}[object WebAssembly.Exception]${q}`,
      `(${param} instanceof Error && (${param}.message === ${q}Module terminated${q} || ${param}.message === ${q}Critical error${q}))`,
      `(${param} instanceof RangeError && /call stack/i.test(${param}.message))`,
    ],
  };
}

export function classifierGuard(param: string): GuardStatement {
  return { param, conditions: [`!${RECOVERABLE_CLASSIFIER}(${param})`] };
}

/** `if (isWasmFatal(e)) throw e;`: rethrows only aborts and termination (retry loops, C03). */
export function fatalClassifierGuard(param: string): GuardStatement {
  return { param, conditions: [`${FATAL_CLASSIFIER}(${param})`] };
}

const HANDLER_FUNCTION_TYPES = new Set(['arrow_function', 'function_expression', 'function']);

/**
 * Edits that put a guard first in a promise rejection handler (`.catch(h)`, `.then(ok, h)`): into the
 * body of a function expression (adding a parameter when it has none, turning an expression body into a
 * block), or by wrapping a handler given by name or expression: `(e) => { <guard> return h(e); }`.
 */
export function guardPromiseHandler(text: string, handler: Node, guardOf: (param: string) => GuardStatement, style: SourceStyle): TextEdit[] {
  const semi = style.semicolons ? ';' : '';
  if (HANDLER_FUNCTION_TYPES.has(handler.type)) {
    const body = handler.childForFieldName('body');
    const params = handler.childForFieldName('parameters');
    const single = handler.childForFieldName('parameter');
    const first = single ?? params?.namedChildren[0];
    const firstName = first?.type === 'identifier' ? first.text
      : first && (first.type === 'required_parameter' || first.type === 'optional_parameter') && first.childForFieldName('pattern')?.type === 'identifier'
        ? first.childForFieldName('pattern')!.text : undefined;
    if (body && (firstName || (!first && params))) {
      const name = firstName ?? freshName(body.text);
      const edits: TextEdit[] = [];
      if (!first && params) edits.push({ range: { start: params.startIndex, end: params.endIndex }, newText: `(${name})` });
      const guard = guardOf(name);
      if (body.type === 'statement_block') edits.push(insertAtBlockStart(text, body, guard, style));
      else edits.push({ range: { start: body.startIndex, end: body.endIndex }, newText: `{ ${formatGuard(guard, style, false)[0]} return ${body.text}${semi} }` });
      return edits;
    }
  }
  const name = freshName(handler.text);
  const callee = handler.type === 'identifier' || handler.type === 'member_expression' ? handler.text : `(${handler.text})`;
  return [{
    range: { start: handler.startIndex, end: handler.endIndex },
    newText: `(${name}) => { ${formatGuard(guardOf(name), style, false)[0]} return ${callee}(${name})${semi} }`,
  }];
}

/** A parameter name not used in `scopeText`. */
export function freshName(scopeText: string): string {
  for (const name of ['e', 'err', 'error', 'wasmError']) if (!new RegExp(`(?<![\\w$])${name}(?![\\w$])`).test(scopeText)) return name;
  return 'wasmFailure';
}

/**
 * The edit that puts `guard` first in a statement block: inline before the first statement when it shares
 * the brace's line, on its own lines with the statement's indentation otherwise (after leading comments),
 * after the comments of a body that has nothing else, and an expanded block for an empty body.
 */
export function insertAtBlockStart(text: string, block: Node, guard: GuardStatement, style: SourceStyle): TextEdit {
  const children = block.namedChildren;
  const first = children.find((c) => c.type !== 'comment');
  const outer = lineIndentAt(text, block.startIndex);
  const inner = outer + style.unit;
  if (first) {
    const sameLine = !text.slice(block.startIndex, first.startIndex).includes('\n');
    if (sameLine) return { range: { start: first.startIndex, end: first.startIndex }, newText: `${formatGuard(guard, style, false)[0]} ` };
    const indent = lineIndentAt(text, first.startIndex);
    return { range: { start: first.startIndex, end: first.startIndex }, newText: `${formatGuard(guard, style, true).join(`\n${indent}`)}\n${indent}` };
  }
  if (children.length > 0) {
    // Only comments (`catch { // ignore }`): keep them, put the guard after the ones on the brace's line.
    const onBraceLine = children.filter((c) => !text.slice(block.startIndex, c.startIndex).includes('\n'));
    const at = onBraceLine.length > 0 ? onBraceLine[onBraceLine.length - 1].endIndex : block.startIndex + 1;
    const closesOnSameLine = !text.slice(at, block.endIndex).includes('\n');
    const lines = formatGuard(guard, style, true).join(`\n${inner}`);
    return { range: { start: at, end: at }, newText: `\n${inner}${lines}${closesOnSameLine ? `\n${outer}` : ''}` };
  }
  return { range: { start: block.startIndex, end: block.endIndex }, newText: `{\n${inner}${formatGuard(guard, style, true).join(`\n${inner}`)}\n${outer}}` };
}

// ---- importing the classifier ---------------------------------------------------------------------

export interface ClassifierImport {
  /** Edits in the linted file (the import statement), plus the module creation when it does not exist. */
  readonly edits: FileEdit[];
}

function isCommonJsFile(ctx: FileContext): boolean {
  if (ctx.language !== 'javascript') return false;
  if (ctx.path.endsWith('.cjs')) return true;
  if (ctx.path.endsWith('.mjs')) return false;
  return !/^\s*(?:import|export)\b/m.test(ctx.text) && /\brequire\s*\(/.test(ctx.text);
}

/** The workspace root holding `path` (the longest matching root), else the file's directory. */
function workspaceRootOf(ctx: FileContext): string {
  let best: string | undefined;
  for (const root of ctx.workspace.roots) if (isWithin(root, ctx.path) && (!best || root.length > best.length)) best = root;
  return best ?? dirname(ctx.path);
}

/** The nearest folder at or above the file, up to its workspace root, that holds a package.json; else that root. */
function packageRootOf(ctx: FileContext): string {
  const root = workspaceRootOf(ctx);
  for (let dir = dirname(ctx.path); isWithin(root, dir); dir = dirname(dir)) {
    if (ctx.workspace.fileExists(joinPath(dir, 'package.json'))) return dir;
    if (dir === root || dirname(dir) === dir) break;
  }
  return root;
}

/** Absolute path of the classifier module for this file (`settings.classifierModule`, JS flavour for JS files). */
export function classifierModulePath(ctx: FileContext): { path: string; flavour: ModuleFlavour } {
  const configured = ctx.settings.classifierModule.replace(/^\.\//, '');
  // Relative: to the file's package (the nearest package.json folder up to the workspace root: in a
  // monorepo, `packages/sdk/src/wasm-errors.ts`, not one at the repository root), else the workspace root;
  // absolute: as given (a config file's setting, resolved against its folder).
  let path = resolvePath(packageRootOf(ctx), configured);
  if (ctx.language !== 'javascript') {
    if (!/\.[cm]?tsx?$/.test(path)) path += '.ts';
    return { path, flavour: 'ts' };
  }
  const cjs = isCommonJsFile(ctx);
  const stem = path.replace(/\.[cm]?[jt]sx?$/, '');
  return { path: stem + (cjs ? '.cjs' : path.endsWith('.mts') || path.endsWith('.mjs') ? '.mjs' : '.js'), flavour: cjs ? 'cjs' : 'esm' };
}

/** How this file writes relative specifiers to TS sources: with `.js`, or without an extension. */
function specifierFor(ctx: FileContext, modulePath: string, flavour: ModuleFlavour): string {
  let rel = relativePath(dirname(ctx.path), modulePath);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  if (flavour !== 'ts') return flavour === 'cjs' || ctx.path.endsWith('.mjs') || ctx.path.endsWith('.js') ? rel : rel.replace(/\.js$/, '');
  const stem = rel.replace(/\.[cm]?tsx?$/, '');
  if (ctx.path.endsWith('.mts')) return `${stem}.mjs`;
  const tsImports = (ctx.ts?.importSpecifiers ?? []).filter((s) => s.resolved && /\.[cm]?tsx?$/.test(s.resolved) && !s.resolved.endsWith('.d.ts') && s.specifier.startsWith('.'));
  if (requiresImportExtensions(ctx.path, ctx.workspace)) return `${stem}.js`;
  const withJs = tsImports.filter((s) => /\.js$/.test(s.specifier)).length;
  return withJs > 0 && withJs * 2 >= tsImports.length ? `${stem}.js` : stem;
}

/**
 * Imports `name` (default `isRecoverableWasmError`; any export of the classifier module) into the file,
 * creating the classifier module when it is missing.
 */
export function importClassifier(ctx: FileContext, style: SourceStyle, name: string = RECOVERABLE_CLASSIFIER): ClassifierImport {
  const edits: FileEdit[] = [];
  const { path: modulePath, flavour } = classifierModulePath(ctx);
  if (!ctx.workspace.fileExists(modulePath)) {
    edits.push({ path: modulePath, range: { start: 0, end: 0 }, newText: classifierModuleText(flavour) });
  }
  const alreadyImported = new RegExp(`(?:import|require)[^;]*\\b${name}\\b`).test(ctx.text)
    || new RegExp(`\\b(?:function|const|let|var)\\s+${name}\\b`).test(ctx.text);
  if (alreadyImported) return { edits };
  const q = style.quote;
  const semi = style.semicolons ? ';' : '';
  const spec = specifierFor(ctx, modulePath, flavour);
  const statement = flavour === 'cjs'
    ? `const { ${name} } = require(${q}${spec}${q})${semi}`
    : `import { ${name} } from ${q}${spec}${q}${semi}`;
  edits.push(importInsertion(ctx, statement, flavour === 'cjs'));
  return { edits };
}

function importInsertion(ctx: FileContext, statement: string, commonJs: boolean): TextEdit {
  let lastImport: Node | undefined;
  for (const node of ctx.root.namedChildren) {
    if (node.type === 'import_statement') lastImport = node;
    else if (commonJs && (node.type === 'lexical_declaration' || node.type === 'variable_declaration') && /\brequire\s*\(/.test(node.text)) lastImport = node;
    else if (node.type !== 'comment' && !(node.type === 'expression_statement' && /^['"]use strict['"]/.test(node.text)) && lastImport) break;
  }
  if (lastImport) return { range: { start: lastImport.endIndex, end: lastImport.endIndex }, newText: `\n${statement}` };
  // No imports: after a shebang and a 'use strict' directive, else at the top.
  let at = 0;
  if (ctx.text.startsWith('#!')) at = ctx.text.indexOf('\n') + 1 || ctx.text.length;
  const strict = /^(['"])use strict\1;?[^\n]*\n/.exec(ctx.text.slice(at));
  if (strict) at += strict[0].length;
  return { range: { start: at, end: at }, newText: `${statement}\n` };
}

/** For messages: `src/wasm-errors.ts` relative to the workspace root. */
export function displayModulePath(ctx: FileContext, modulePath: string): string {
  const root = workspaceRootOf(ctx);
  return isWithin(root, modulePath) ? relativePath(root, modulePath) : basename(modulePath);
}
