// Writing suppression comments, for the editor's "Disable <rule> for this line / file" actions: where the
// comment goes, in which comment syntax, at which indentation, and the snippet with a tab stop for the
// reason. Pure (tree + text in, edit out) so the server only converts it to LSP.
//
//   - this line: `// wasm-safety-ignore-next-line <id> -- <reason>` on a new line above the finding's
//     line, indented like it; inside JSX children `{/* … */}` (the only comment JSX has). When a
//     next-line comment for that line already exists, the id is appended to it (its reason stays).
//   - this file: `// wasm-safety-ignore-file <id> -- <reason>` at the top, after a shebang, the leading
//     comment block (license header, `//!` crate docs) and Rust `#![…]` inner attributes, so those keep
//     their place; appended to an existing file-level comment when there is one.
// The plain edit (for clients without the snippet command) leaves the reason empty, which the
// invalid-suppression rule then reports ("gives no reason"): the editor itself asks for it.

import type { Node } from 'web-tree-sitter';
import type { LanguageId, TextEdit } from '../model';
import type { LineIndex } from '../text/line-index';
import { findSuppressionDirectives, hasSuppressionMarker, SUPPRESSION_KEYWORD } from './suppression-comments';

export type InsertedSuppressionScope = 'next-line' | 'file';

export interface SuppressionInsertion {
  /** The edit without a reason (or, when appending an id to an existing comment, the whole change). */
  readonly edit: TextEdit;
  /**
   * The same insertion as a snippet (`${1:…}` tab stop for the reason), inserted at `edit.range.start`
   * (an empty range). Undefined when appending to an existing comment: it already has its reason.
   */
  readonly snippet?: string;
}

export const REASON_PLACEHOLDER = 'why this is safe';

/** Node types whose text a new line inside would change (strings) or hide (comments). */
const MULTILINE_TEXT_TYPES = new Set([
  'string_literal', 'raw_string_literal', 'string', 'template_string', 'line_comment', 'block_comment', 'comment',
]);
const LEADING_SKIPPABLE = new Set(['line_comment', 'block_comment', 'comment', 'inner_attribute_item', 'shebang', 'hash_bang_line']);

/**
 * The edit that suppresses `ruleId` for the line holding `offset` (scope `next-line`) or for the file,
 * or undefined when no comment can be placed (the line starts inside a multi-line string, or the id is
 * already listed there).
 */
export function suppressionInsertion(
  root: Node, text: string, language: LanguageId, lines: LineIndex, scope: InsertedSuppressionScope, ruleId: string, offset: number,
): SuppressionInsertion | undefined {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = lines.positionAt(offset).line;
  const existing = hasSuppressionMarker(text)
    ? findSuppressionDirectives(root, text, language, lines).find((d) =>
      !d.problem && d.rules.length > 0 && d.scope === scope && (scope === 'file' || d.targetLine === line))
    : undefined;
  if (existing) {
    if (existing.rules.some((r) => r.id === ruleId)) return undefined;
    const at = existing.rules[existing.rules.length - 1].range.end;
    return { edit: { range: { start: at, end: at }, newText: `, ${ruleId}` } };
  }

  let insertAt: number;
  let indent: string;
  let jsx = false;
  if (scope === 'next-line') {
    const lineStart = lines.lineStart(line);
    if (startsInsideMultilineText(root, lineStart)) return undefined;
    indent = /^[ \t]*/.exec(lines.lineText(line))![0];
    insertAt = lineStart;
    jsx = (language === 'tsx' || language === 'javascript') && isJsxChildLine(root, lineStart + indent.length);
  } else {
    insertAt = fileCommentOffset(root, text, lines);
    indent = '';
  }
  const keyword = SUPPRESSION_KEYWORD[scope];
  const [open, close] = jsx ? ['{/* ', ' */}'] : ['// ', ''];
  const head = `${indent}${open}${keyword} ${ruleId} --`;
  return {
    edit: { range: { start: insertAt, end: insertAt }, newText: `${head}${close}${eol}` },
    snippet: `${escapeSnippet(head)} \${1:${REASON_PLACEHOLDER}}${escapeSnippet(close + eol)}`,
  };
}

/** Text that a VS Code snippet takes literally: `$`, `}` and `\` escaped. */
function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

function startsInsideMultilineText(root: Node, lineStart: number): boolean {
  if (lineStart === 0) return false;
  for (let node: Node | null = root.descendantForIndex(lineStart); node; node = node.parent) {
    if (node.startIndex < lineStart && node.endIndex > lineStart && MULTILINE_TEXT_TYPES.has(node.type)) return true;
  }
  return false;
}

/**
 * True when the code at `at` (a line's first non-blank character) is a child of a JSX element: text,
 * an element or a `{…}` expression directly between tags, where `//` would be text, not a comment.
 */
function isJsxChildLine(root: Node, at: number): boolean {
  for (let node: Node | null = root.descendantForIndex(at); node; node = node.parent) {
    const parent = node.parent;
    if (!parent) return false;
    if (parent.type === 'jsx_element' || parent.type === 'jsx_fragment') {
      return node.type !== 'jsx_opening_element' && node.type !== 'jsx_closing_element';
    }
    // Code that started before this line (inside an arrow function in a `{…}`, say) is JavaScript.
    if (node.startIndex < at && node.type !== 'jsx_text') return false;
  }
  return false;
}

/**
 * Start of the first line after the shebang, leading comments and inner attributes (each alone on its
 * lines). A file that is nothing but such a header, without a final line break, gets the comment on top.
 */
function fileCommentOffset(root: Node, text: string, lines: LineIndex): number {
  let insertAt = 0;
  for (let i = 0; i < root.childCount; i++) {
    const child = root.child(i);
    if (!child || !LEADING_SKIPPABLE.has(child.type)) break;
    // Rust line comments end after their line break: step back onto the line they are on.
    const end = child.endIndex > child.startIndex && /[\r\n]/.test(text[child.endIndex - 1]) ? child.endIndex - 1 : child.endIndex;
    const endLine = lines.positionAt(end).line;
    const lineEnd = lines.lineStart(endLine) + lines.lineText(endLine).length;
    if (text.slice(end, lineEnd).trim() !== '') break; // code after it on its line: the header ends here
    if (endLine + 1 >= lines.lineCount) return 0;
    insertAt = lines.lineStart(endLine + 1);
  }
  return insertAt;
}
