// Text-level scanning of JS/TS sources that the analysis does not parse with tree-sitter: generated
// wasm-bindgen glue and its `.d.ts` (catalog §A10) and files that only re-export glue (§B3). These are
// read through `fileText` during module resolution, where no parser is at hand, so everything here is
// plain string work: mask comments (and optionally string contents) so that brace matching and regexes
// see only code, then read declarations with bounded, linear scans.

/** Replaces comment text (and, when `strings` is true, string/template contents) with spaces, keeping offsets and newlines. */
export function maskSource(text: string, strings: boolean): string {
  const out = text.split('');
  let i = 0;
  const n = text.length;
  let lastSignificant = '';
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const start = i;
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === '\\') i++;
        else if (c !== '`' && text[i] === '\n') break; // unterminated literal: stop at the line end
        i++;
      }
      if (strings) blank(start + 1, i);
      i++;
      lastSignificant = c;
      continue;
    }
    if (c === '/' && regexMayStartAfter(lastSignificant)) {
      // A regex literal: skip it so quotes and brackets inside do not confuse the scan.
      const start = i;
      i++;
      let inClass = false;
      while (i < n && text[i] !== '\n') {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        else if (text[i] === '/' && !inClass) break;
        i++;
      }
      if (strings) blank(start + 1, i);
      i++;
      lastSignificant = '/';
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') lastSignificant = c;
    i++;
  }
  return out.join('');
}

function regexMayStartAfter(previous: string): boolean {
  return previous === '' || '(,=:[!&|?{};+-*%<>~^'.includes(previous);
}

const OPENERS: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/**
 * Index just past the bracket that closes the one at `open` in masked text, or -1. Only (), {} and []
 * are tracked: `<>` cannot be balanced reliably because of `=>`.
 */
export function matchBracket(masked: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < masked.length; i++) {
    const c = masked[i];
    if (c in OPENERS) stack.push(OPENERS[c]);
    else if (c === ')' || c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/** Index of the first `stop` character at bracket depth 0 from `from`, or the text length. */
export function indexAtDepthZero(masked: string, from: number, stop: string): number {
  let depth = 0;
  for (let i = from; i < masked.length; i++) {
    const c = masked[i];
    if (depth === 0 && stop.includes(c)) return i;
    if (c in OPENERS) depth++;
    else if (c === ')' || c === '}' || c === ']') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return masked.length;
}

/** The statement-level pieces of a bracket body (between `start` and `end`), split at `;` or newline-separated members. */
function topLevelSegments(masked: string, start: number, end: number, separators: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let segStart = start;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = masked[i];
    if (c in OPENERS) depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (depth === 0 && separators.includes(c)) {
      out.push({ start: segStart, end: i });
      segStart = i + 1;
    }
  }
  out.push({ start: segStart, end });
  return out.filter((s) => masked.slice(s.start, s.end).trim() !== '');
}

export interface DeclaredMethod {
  readonly name: string;
  readonly isStatic: boolean;
  readonly isAsync: boolean;
  readonly returnType?: string;
}

export interface DeclaredExport {
  readonly name: string;
  readonly kind: 'function' | 'class';
  readonly isAsync: boolean;
  readonly returnType?: string;
  readonly methods?: readonly DeclaredMethod[];
}

const IDENT = '[A-Za-z_$][\\w$]*';

function isPromiseType(type: string | undefined): boolean {
  return type !== undefined && /^Promise\s*</.test(type.trim());
}

/** Functions and classes exported by a declaration file (wasm-bindgen `.d.ts`), with return types and methods. */
export function readDeclarationExports(text: string): DeclaredExport[] {
  const masked = maskSource(text, true);
  const out: DeclaredExport[] = [];
  const fnRe = new RegExp(`\\bexport\\s+(default\\s+)?(?:declare\\s+)?function\\s*(${IDENT})?\\s*(?:<[^(]*>)?\\s*\\(`, 'g');
  for (let m = fnRe.exec(masked); m; m = fnRe.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = matchBracket(masked, open);
    if (close < 0) continue;
    const returnType = readReturnType(text, masked, close);
    const name = m[1] ? 'default' : m[2];
    if (!name) continue;
    out.push({ name, kind: 'function', isAsync: isPromiseType(returnType), returnType });
    fnRe.lastIndex = close;
  }
  const classRe = new RegExp(`\\bexport\\s+(?:declare\\s+)?(?:abstract\\s+)?class\\s+(${IDENT})[^{]*\\{`, 'g');
  for (let m = classRe.exec(masked); m; m = classRe.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = matchBracket(masked, open);
    if (close < 0) continue;
    const methods: DeclaredMethod[] = [];
    for (const seg of topLevelSegments(masked, open + 1, close - 1, ';\n')) {
      const member = readDeclaredMember(text, masked, seg.start, seg.end);
      if (member) methods.push(member);
    }
    out.push({ name: m[1], kind: 'class', isAsync: false, methods });
    classRe.lastIndex = close;
  }
  return out;
}

const MEMBER_HEAD = new RegExp(
  `^\\s*(?:(?:public|private|protected)\\s+)?(static\\s+)?(?:readonly\\s+)?(?:async\\s+)?(?:(get|set)\\s+)?(${IDENT}|\\[[^\\]]*\\])\\s*\\??\\s*(?:<[^(]*>)?\\s*\\(`,
);

function readDeclaredMember(text: string, masked: string, start: number, end: number): DeclaredMethod | undefined {
  const m = MEMBER_HEAD.exec(masked.slice(start, end));
  if (!m || m[2]) return undefined; // properties and accessors are not calls
  const name = m[3].startsWith('[') ? m[3].replace(/\s+/g, '') : m[3];
  if (name === 'constructor') return undefined;
  const open = start + m[0].length - 1;
  const close = matchBracket(masked, open);
  if (close < 0 || close > end) return undefined;
  const returnType = readReturnType(text, masked, close, end);
  return { name, isStatic: Boolean(m[1]), isAsync: isPromiseType(returnType), returnType };
}

/** The type after `): ` up to the end of the declaration (`;`, a newline member boundary, or `limit`). */
function readReturnType(text: string, masked: string, afterParams: number, limit = masked.length): string | undefined {
  let i = afterParams;
  while (i < limit && /\s/.test(masked[i])) i++;
  if (masked[i] !== ':') return undefined;
  const stop = Math.min(indexAtDepthZero(masked, i + 1, ';{'), limit);
  const type = text.slice(i + 1, stop).trim();
  return type === '' ? undefined : type.replace(/\s+/g, ' ');
}

/** Exports of generated glue JavaScript (ESM or CommonJS), used when no `.d.ts` is available. */
export interface GlueJsExports {
  readonly exports: DeclaredExport[];
  /** Specifiers of `export * from` / `export { … } from` (bundler entry → `_bg.js`). */
  readonly reexportFrom: string[];
}

export function readGlueJsExports(text: string): GlueJsExports {
  const masked = maskSource(text, true);
  const commentsOnly = maskSource(text, false);
  const localFunctions = new Map<string, { isAsync: boolean }>();
  const localClasses = new Map<string, DeclaredMethod[]>();
  const exported = new Map<string, DeclaredExport>();
  const reexportFrom: string[] = [];

  const fnRe = new RegExp(`(^|[\\n;}])\\s*(export\\s+)?(async\\s+)?function\\s*\\*?\\s*(${IDENT})\\s*\\(`, 'g');
  for (let m = fnRe.exec(masked); m; m = fnRe.exec(masked)) {
    const name = m[4];
    const keywordAt = m.index + m[1].length + m[0].slice(m[1].length).search(/\S/);
    const isAsync = Boolean(m[3]) || jsDocReturnsPromise(text, keywordAt);
    localFunctions.set(name, { isAsync });
    if (m[2]) exported.set(name, { name, kind: 'function', isAsync });
  }
  const classRe = new RegExp(`(^|[\\n;}])\\s*(export\\s+)?class\\s+(${IDENT})[^{]*\\{`, 'g');
  for (let m = classRe.exec(masked); m; m = classRe.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = matchBracket(masked, open);
    if (close < 0) continue;
    const methods = readJsClassMethods(text, masked, open + 1, close - 1);
    localClasses.set(m[3], methods);
    if (m[2]) exported.set(m[3], { name: m[3], kind: 'class', isAsync: false, methods });
    classRe.lastIndex = close;
  }
  const lookup = (local: string, name: string): DeclaredExport | undefined => {
    const cls = localClasses.get(local);
    if (cls) return { name, kind: 'class', isAsync: false, methods: cls };
    const fn = localFunctions.get(local);
    if (fn) return { name, kind: 'function', isAsync: fn.isAsync };
    return undefined;
  };
  // `export { initSync, __wbg_init as default };` and `export { a, b } from "./x_bg.js";`
  const listRe = /\bexport\s*\{([^}]*)\}\s*(?:from\s*(['"])([^'"]*)\2)?/g;
  for (let m = listRe.exec(commentsOnly); m; m = listRe.exec(commentsOnly)) {
    if (m[3] !== undefined) {
      reexportFrom.push(m[3]);
      continue;
    }
    for (const part of m[1].split(',')) {
      const spec = /^\s*([\w$]+)(?:\s+as\s+([\w$]+))?\s*$/.exec(part);
      if (!spec) continue;
      const found = lookup(spec[1], spec[2] ?? spec[1]);
      if (found) exported.set(found.name, found);
    }
  }
  const starRe = /\bexport\s*\*\s*from\s*(['"])([^'"]*)\1/g;
  for (let m = starRe.exec(commentsOnly); m; m = starRe.exec(commentsOnly)) reexportFrom.push(m[2]);
  // CommonJS (nodejs target): `module.exports.parse = parse;`, `exports.parse = function(…) {…}`.
  const cjsRe = new RegExp(`(?:\\bmodule\\.)?\\bexports\\.(${IDENT})\\s*=\\s*(function\\b|${IDENT})?`, 'g');
  for (let m = cjsRe.exec(masked); m; m = cjsRe.exec(masked)) {
    const name = m[1];
    if (name.startsWith('__wbg') || name.startsWith('__wbindgen')) continue;
    const found = m[2] === 'function' ? { name, kind: 'function' as const, isAsync: jsDocReturnsPromise(text, m.index) } : m[2] ? lookup(m[2], name) : undefined;
    if (found) exported.set(name, found);
  }
  for (const name of [...exported.keys()]) if (name.startsWith('__wbg') || name.startsWith('__wbindgen')) exported.delete(name);
  return { exports: [...exported.values()], reexportFrom };
}

function readJsClassMethods(text: string, masked: string, start: number, end: number): DeclaredMethod[] {
  const out: DeclaredMethod[] = [];
  let i = start;
  while (i < end) {
    const brace = masked.indexOf('{', i);
    if (brace < 0 || brace >= end) break;
    const head = masked.slice(i, brace);
    const m = /(static\s+)?(async\s+)?(?:(get|set)\s+)?([A-Za-z_$][\w$]*|\[[^\]]*\])\s*\([^)]*\)\s*$/.exec(head);
    const close = matchBracket(masked, brace);
    if (close < 0) break;
    if (m && !m[3]) {
      const name = m[4].startsWith('[') ? m[4].replace(/\s+/g, '') : m[4];
      if (name !== 'constructor' && !name.startsWith('__')) {
        out.push({ name, isStatic: Boolean(m[1]), isAsync: Boolean(m[2]) || jsDocReturnsPromise(text, i + head.search(/\S/)) });
      }
    }
    i = close;
  }
  return out;
}

/** True when the JSDoc block right before `at` says `@returns {Promise<…>}` (glue annotates async exports so). */
function jsDocReturnsPromise(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 2000), at).trimEnd();
  if (!before.endsWith('*/')) return false;
  const open = before.lastIndexOf('/**');
  return open >= 0 && /@returns?\s*\{\s*Promise\s*</.test(before.slice(open));
}

/**
 * `export … from` statements of a hand-written module, and `export { a }` / `export default a` of names it
 * imports (`import { parse } from './pkg/x.js'; export { parse };`), read without a parser (one-level
 * re-export following).
 */
export interface ReexportScan {
  /** exported name → (specifier, name in that module; `*` for a namespace import). `default` included. */
  readonly named: ReadonlyMap<string, { readonly specifier: string; readonly importedName: string }>;
  /** `export * from 'spec'`. */
  readonly stars: readonly string[];
  /** `export * as ns from 'spec'`. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** Every `export` keyword in the file is one of the re-exports above. */
  readonly onlyReexports: boolean;
}

/** One name of an import or export list: `name`, `name as alias`, `type name` (group 1: `type`). */
const SPECIFIER_PART = /^\s*(type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?\s*$/;

export function scanReexports(text: string): ReexportScan | undefined {
  // Cheap test on the raw text first: most modules import things but re-export nothing.
  if (!/\bexport\s+(?:type\s+)?(?:\*|\{)|\bexport\s+default\s+[\w$]+\s*(?:;|$)/m.test(text)) return undefined;
  const code = maskSource(text, false);
  const named = new Map<string, { specifier: string; importedName: string }>();
  const stars: string[] = [];
  const namespaces = new Map<string, string>();
  let statements = 0;
  const listRe = /\bexport\s+(type\s+)?\{([^}]*)\}\s*from\s*(['"])([^'"\n]+)\3/g;
  for (let m = listRe.exec(code); m; m = listRe.exec(code)) {
    statements++;
    if (m[1]) continue;
    for (const part of m[2].split(',')) {
      const spec = SPECIFIER_PART.exec(part);
      if (!spec || spec[1]) continue;
      named.set(spec[3] ?? spec[2], { specifier: m[4], importedName: spec[2] });
    }
  }
  const starRe = /\bexport\s+(type\s+)?\*\s*(?:as\s+([\w$]+)\s*)?from\s*(['"])([^'"\n]+)\3/g;
  for (let m = starRe.exec(code); m; m = starRe.exec(code)) {
    statements++;
    if (m[1]) continue;
    if (m[2]) namespaces.set(m[2], m[4]);
    else stars.push(m[4]);
  }
  statements += scanImportedReexports(code, named);
  if (statements === 0) return undefined;
  const exportKeywords = code.match(/\bexport\b/g)?.length ?? 0;
  return { named, stars, namespaces, onlyReexports: exportKeywords === statements };
}

/**
 * `export { a, b as c };` and `export default a;` whose names the file imports: recorded in `named` as
 * re-exports of the imported module. Returns how many of those statements re-export imports only.
 */
function scanImportedReexports(code: string, named: Map<string, { specifier: string; importedName: string }>): number {
  const localRe = /\bexport\s+(type\s+)?\{([^}]*)\}(?!\s*from\b)/g;
  const defaultRe = /\bexport\s+default\s+([\w$]+)\s*(?:;|$)/gm;
  if (!localRe.test(code) && !defaultRe.test(code)) return 0;
  localRe.lastIndex = 0;
  defaultRe.lastIndex = 0;
  const imported = new Map<string, { specifier: string; importedName: string }>();
  const importRe = /\bimport\s+(?!type\b)(?:([\w$]+)\s*(?:,\s*)?)?(?:\*\s*as\s+([\w$]+)|\{([^}]*)\})?\s*from\s*(['"])([^'"\n]+)\4/g;
  for (let m = importRe.exec(code); m; m = importRe.exec(code)) {
    const specifier = m[5];
    if (m[1]) imported.set(m[1], { specifier, importedName: 'default' });
    if (m[2]) imported.set(m[2], { specifier, importedName: '*' });
    for (const part of m[3]?.split(',') ?? []) {
      const spec = SPECIFIER_PART.exec(part);
      if (spec && !spec[1]) imported.set(spec[3] ?? spec[2], { specifier, importedName: spec[2] });
    }
  }
  if (imported.size === 0) return 0;
  let statements = 0;
  for (let m = localRe.exec(code); m; m = localRe.exec(code)) {
    if (m[1]) continue;
    let all = true;
    for (const part of m[2].split(',')) {
      if (part.trim() === '') continue;
      const spec = SPECIFIER_PART.exec(part);
      const source = spec && !spec[1] ? imported.get(spec[2]) : undefined;
      if (spec && source) named.set(spec[3] ?? spec[2], source);
      else all = false;
    }
    if (all) statements++;
  }
  for (let m = defaultRe.exec(code); m; m = defaultRe.exec(code)) {
    const source = imported.get(m[1]);
    if (!source) continue;
    named.set('default', source);
    statements++;
  }
  return statements;
}
