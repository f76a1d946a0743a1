// The suppression comment grammar, one for Rust and TS/JS (README "Suppressing a finding"):
//
//   // wasm-safety-ignore-next-line <rule-id>[, <rule-id>…] -- <reason>   the next line with code
//   <code> // wasm-safety-ignore-line <rule-id>[, …] -- <reason>          the line the comment is on
//   // wasm-safety-ignore-file <rule-id>[, …] -- <reason>                 the whole file (anywhere in it)
//
// Block comments (`/* … */`, and `{/* … */}` inside JSX, where it is the only comment there is) work
// the same way. Doc comments (`///`, `//!`, `/** */`, `/*! */`) are documentation, never directives.
// Only real comment nodes of the syntax tree count, so text in strings is ignored; a file whose text
// does not contain the marker at all is never looked at (callers check `hasSuppressionMarker` first).
// This module only reads comments; applying them to findings is suppressions.ts.

import type { Node } from 'web-tree-sitter';
import type { LanguageId, TextRange } from '../model';
import type { LineIndex } from '../text/line-index';

export const SUPPRESSION_MARKER = 'wasm-safety-ignore';

export type SuppressionScope = 'next-line' | 'line' | 'file';

const KEYWORDS: Readonly<Record<string, SuppressionScope>> = {
  'wasm-safety-ignore-next-line': 'next-line',
  'wasm-safety-ignore-line': 'line',
  'wasm-safety-ignore-file': 'file',
};

export const SUPPRESSION_KEYWORD: Readonly<Record<SuppressionScope, string>> = {
  'next-line': 'wasm-safety-ignore-next-line',
  line: 'wasm-safety-ignore-line',
  file: 'wasm-safety-ignore-file',
};

const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export interface SuppressedRuleRef {
  readonly id: string;
  readonly range: TextRange;
}

export interface SuppressionDirective {
  /** The comment node (for `{/* … *\/}` alone in a JSX expression: the braces too). */
  readonly comment: TextRange;
  /** The text an "unused" fix deletes: the whole line when the comment is alone on it, else the comment. */
  readonly removal: TextRange;
  /** Undefined when the comment is malformed (then `problem` says why). */
  readonly scope?: SuppressionScope;
  readonly rules: readonly SuppressedRuleRef[];
  /** From the first ` -- ` to the end of the comment, whitespace collapsed; '' when missing. */
  readonly reason: string;
  /** 0-based line the directive applies to (`line`, `next-line`); undefined for `file` or no such line. */
  readonly targetLine?: number;
  /** Set for a malformed comment: it suppresses nothing. */
  readonly problem?: string;
}

export function hasSuppressionMarker(text: string): boolean {
  return text.includes(SUPPRESSION_MARKER);
}

const COMMENT_TYPES: Readonly<Record<'rust' | 'ts', ReadonlySet<string>>> = {
  rust: new Set(['line_comment', 'block_comment']),
  ts: new Set(['comment']),
};

/**
 * Every suppression directive in the file, in document order. Finds the marker in the text and asks the
 * tree which node holds it (no walk over the whole tree), keeping only ordinary comments.
 */
export function findSuppressionDirectives(root: Node, text: string, language: LanguageId, lines: LineIndex): SuppressionDirective[] {
  const commentTypes = COMMENT_TYPES[language === 'rust' ? 'rust' : 'ts'];
  const out: SuppressionDirective[] = [];
  let scannedTo = 0;
  for (let at = text.indexOf(SUPPRESSION_MARKER); at >= 0; at = text.indexOf(SUPPRESSION_MARKER, Math.max(at + 1, scannedTo))) {
    let node: Node | null = root.descendantForIndex(at, at + 1);
    // Rust doc comments put their text in a `doc_comment` child: climb to the comment itself.
    for (let climb = 0; node && !commentTypes.has(node.type) && climb < 2; climb++) node = node.parent;
    if (!node || !commentTypes.has(node.type)) continue;
    const range = { start: node.startIndex, end: trimLineBreak(text, node.startIndex, node.endIndex) };
    scannedTo = range.end;
    const directive = parseComment(text, range, language, node, lines);
    if (directive) out.push(directive);
  }
  return out;
}

function trimLineBreak(text: string, start: number, end: number): number {
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return end;
}

// `///`, `//!`, `/** */` and `/*! */` (but not `////` or `/**/`) are documentation.
function isDocComment(raw: string, language: LanguageId): boolean {
  if (raw.startsWith('/**') && !raw.startsWith('/***') && raw !== '/**/') return true;
  if (language !== 'rust') return false;
  return (raw.startsWith('///') && !raw.startsWith('////')) || raw.startsWith('//!') || raw.startsWith('/*!');
}

function parseComment(text: string, range: TextRange, language: LanguageId, node: Node, lines: LineIndex): SuppressionDirective | undefined {
  const raw = text.slice(range.start, range.end);
  if (isDocComment(raw, language)) return undefined;
  const isBlock = raw.startsWith('/*');
  const bodyStart = range.start + 2;
  const bodyEnd = isBlock && raw.endsWith('*/') && raw.length >= 4 ? range.end - 2 : range.end;
  const body = text.slice(bodyStart, bodyEnd);
  const lead = (isBlock ? /^[\s*]*/ : /^[\s/]*/).exec(body)![0].length;
  if (!body.startsWith(SUPPRESSION_MARKER, lead)) return undefined; // a comment that mentions the marker in prose
  const keyword = /^[A-Za-z0-9_-]*/.exec(body.slice(lead))![0];
  const comment = jsxContainer(node, text) ?? range;
  const base = { comment, removal: removalRange(text, comment, lines), rules: [] as SuppressedRuleRef[], reason: '' };
  const scope = KEYWORDS[keyword];
  if (!scope) {
    return { ...base, problem: `unknown suppression form \`${keyword}\`: use wasm-safety-ignore-next-line, wasm-safety-ignore-line or wasm-safety-ignore-file` };
  }
  const afterKeyword = lead + keyword.length;
  const separator = /(^|\s)--(\s|$)/.exec(body.slice(afterKeyword));
  const idsEnd = separator ? afterKeyword + separator.index + separator[1].length : body.length;
  const reason = separator ? cleanReason(body.slice(idsEnd + 2)) : '';
  const rules: SuppressedRuleRef[] = [];
  const idsText = body.slice(afterKeyword, idsEnd);
  let problem: string | undefined;
  if (afterKeyword < body.length && !/\s/.test(body[afterKeyword])) {
    problem = `\`${keyword}\` must be followed by a space and the rule ids to suppress`;
  }
  let offset = afterKeyword;
  for (const part of idsText.split(',')) {
    const id = part.trim();
    const idStart = bodyStart + offset + part.indexOf(id);
    offset += part.length + 1;
    if (id === '') continue;
    if (!RULE_ID.test(id)) {
      problem ??= /\s/.test(id)
        ? `\`${id}\` is not a rule id: separate rule ids with commas, and the reason with \` -- \``
        : `\`${id}\` is not a rule id (rule ids are kebab-case, like borrow-held-across-js-call)`;
      continue;
    }
    rules.push({ id, range: { start: idStart, end: idStart + id.length } });
  }
  if (!problem && rules.length === 0) problem = `\`${keyword}\` names no rule: list the rule ids it suppresses (suppressing every rule is not supported)`;
  const targetLine = scope === 'line' ? lines.positionAt(comment.start).line : scope === 'next-line' ? nextCodeLine(lines, lines.positionAt(comment.end).line) : undefined;
  return { ...base, scope, rules, reason, targetLine, problem };
}

/** The reason with block-comment continuation stars and runs of whitespace collapsed. */
function cleanReason(text: string): string {
  return text.split(/\r?\n|\r/).map((l) => l.replace(/^\s*\*(?!\/)\s?/, '')).join(' ').replace(/\s+/g, ' ').trim();
}

/** `{/* … *\/}` in JSX: the braces belong to the comment when nothing else is inside them. */
function jsxContainer(node: Node, text: string): TextRange | undefined {
  const parent = node.parent;
  if (!parent || parent.type !== 'jsx_expression' || parent.namedChildCount !== 1) return undefined;
  const inside = text.slice(parent.startIndex + 1, parent.endIndex - 1).trim();
  return inside === text.slice(node.startIndex, node.endIndex).trim() ? { start: parent.startIndex, end: parent.endIndex } : undefined;
}

/** The first line after `line` that has code: blank lines and comment-only lines are skipped. */
function nextCodeLine(lines: LineIndex, line: number): number | undefined {
  let inBlock = false;
  for (let l = line + 1; l < lines.lineCount; l++) {
    let rest = lines.lineText(l).trim();
    if (inBlock) {
      const close = rest.indexOf('*/');
      if (close < 0) continue;
      inBlock = false;
      rest = rest.slice(close + 2).replace(/^\}/, '').trim();
    }
    // Strip leading block comments (`/* … */`, `{/* … */}`), then a line comment ends the line.
    for (;;) {
      const m = /^\{?\s*\/\*/.exec(rest);
      if (!m) break;
      const close = rest.indexOf('*/', m[0].length);
      if (close < 0) {
        inBlock = true;
        rest = '';
        break;
      }
      rest = rest.slice(close + 2).replace(/^\s*\}/, '').trim();
    }
    if (rest === '' || rest.startsWith('//')) continue;
    return l;
  }
  return undefined;
}

/**
 * What deleting the comment removes: the whole line (with its line break) when the comment is alone
 * on it, else the comment and the spaces that separate it from the code, so no trailing whitespace
 * (or double space) is left behind.
 */
export function removalRange(text: string, comment: TextRange, lines: LineIndex): TextRange {
  const startLine = lines.positionAt(comment.start).line;
  const endLine = lines.positionAt(comment.end).line;
  const lineStart = lines.lineStart(startLine);
  const endLineEnd = lines.lineStart(endLine) + lines.lineText(endLine).length;
  const before = text.slice(lineStart, comment.start);
  const after = text.slice(comment.end, endLineEnd);
  if (before.trim() === '' && after.trim() === '') {
    if (endLine + 1 < lines.lineCount) return { start: lineStart, end: lines.lineStart(endLine + 1) };
    // Last line: take the line break before it instead.
    const previousEnd = startLine > 0 ? lines.lineStart(startLine - 1) + lines.lineText(startLine - 1).length : lineStart;
    return { start: previousEnd, end: endLineEnd };
  }
  if (after.trim() === '') return { start: comment.start - (before.length - before.trimEnd().length), end: endLineEnd };
  const spacesAfter = after.length - after.trimStart().length;
  return { start: comment.start, end: comment.end + spacesAfter };
}
