// The written justification an unwind-safety assertion needs (catalog U05; U06's fix inserts the
// template): a comment on the line of the assertion, or in the comment block directly above that line
// or above the statement, field or item that contains it, which either carries a marker —
// `UNWIND-SAFETY:`, `UNWIND SAFETY:`, `unwind-safe:`, `SAFETY:`, `justification:` — followed by an
// explanation, or explains itself in terms of panics (`unwind`, `panic`, `poison`) in at least six
// words. Placeholders do not count: `<…>` spans, `TODO`, `FIXME`, `XXX`, `...` are removed before
// the check, so an inserted template stays reported until someone writes the reason. Works on text
// offsets only.

import type { Node } from 'web-tree-sitter';

/** The template a human completes (what U06's fix inserts); on its own it is not a justification. */
export const UNWIND_SAFETY_TEMPLATE = '// UNWIND-SAFETY: <why a panic here cannot leave this state inconsistent>';

const MARKER = /\b(?:UNWIND[- ]SAFETY|unwind[- ]safe(?:ty)?|SAFETY|justification)\s*:/i;
// Words of an explanation, not type names: `UnwindSafe`/`AssertUnwindSafe` only restate the assertion.
const PANIC_WORDS = /\b(unwind(s|ing)?|unwound|panic(s|ked|king)?|poison(s|ed|ing)?)\b/i;
/** A one-line sibling assertion (`impl RefUnwindSafe for T {}`) between a comment and the next one. */
const SIBLING_ASSERTION = /^(unsafe\s+)?impl\b[^{]*\b(Ref)?UnwindSafe\b[^{]*\{\s*\}$/;
const PLACEHOLDERS = /<[^<>\n]*>|\b(TODO|FIXME|XXX)\b:?|\.\.\.|…/g;

/**
 * The justification comment of a construct starting at `start`, looked for on that line, above that
 * line, and above each of `anchors` (the enclosing statement, field or item: their first line).
 */
export function justificationComment(text: string, start: number, anchors: readonly Node[] = []): string | undefined {
  const candidates = [trailingComment(text, start), commentBlockAbove(text, start)];
  for (const a of anchors) candidates.push(commentBlockAbove(text, a.startIndex));
  for (const c of candidates) if (c && isJustification(c)) return c;
  return undefined;
}

/** True when a comment's text justifies an unwind-safety assertion (see the header). */
export function isJustification(comment: string): boolean {
  const body = comment
    .replace(/^\s*(\/\/[/!]?|\/\*+|\*+\/?|\*)/gm, ' ')
    .replace(/\*\/\s*$/g, ' ')
    .replace(PLACEHOLDERS, ' ');
  const marker = MARKER.exec(body);
  if (marker) return wordCount(body.slice(marker.index + marker[0].length)) >= 2;
  return PANIC_WORDS.test(body) && wordCount(body) >= 6;
}

function wordCount(s: string): number {
  return (s.match(/[A-Za-z][A-Za-z'-]*/g) ?? []).length;
}

/** A line or block comment after code on the line that holds `offset`. */
function trailingComment(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  const line = text.slice(lineStart, end);
  const m = /(\/\/.*|\/\*.*?\*\/)\s*$/.exec(stripStrings(line));
  return m ? line.slice(m.index) : undefined;
}

/** The contiguous comment lines (and attributes) directly above the line that holds `offset`. */
function commentBlockAbove(text: string, offset: number): string | undefined {
  const lines: string[] = [];
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let inBlock = false;
  for (let i = 0; i < 40 && lineStart > 0; i++) {
    const prevEnd = lineStart - 1;
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const line = text.slice(prevStart, prevEnd).trim();
    lineStart = prevStart;
    if (inBlock) {
      lines.unshift(line);
      if (line.startsWith('/*')) inBlock = false;
      continue;
    }
    if (line.startsWith('//')) lines.unshift(line);
    else if (line.endsWith('*/')) {
      lines.unshift(line);
      if (!line.startsWith('/*')) inBlock = true;
    } else if (line.startsWith('#[') || line.startsWith('#![')) continue; // attributes between comment and item
    else if (SIBLING_ASSERTION.test(line)) continue; // one comment may cover `impl UnwindSafe` and `impl RefUnwindSafe`
    else break;
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** Blanks string literal contents so a `//` inside a string is not taken for a comment. */
function stripStrings(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"/g, (m) => '"' + ' '.repeat(Math.max(0, m.length - 2)) + '"');
}
