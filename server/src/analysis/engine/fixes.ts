// Applying fixes to text: sorting, dropping overlaps, multi-pass fix-all to a fixed point, and the
// syntax check that keeps a fix from making a file fail to parse. Shared by the server and the CLI.

import type { Fix, FileEdit, TextEdit } from '../model';

/** Applies non-overlapping edits to `text` (edits are sorted here; overlapping ones are dropped). */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; applied: number; dropped: number } {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  let out = '';
  let cursor = 0;
  let applied = 0;
  let dropped = 0;
  for (const edit of sorted) {
    if (edit.range.start < cursor || edit.range.end < edit.range.start || edit.range.end > text.length) {
      dropped++;
      continue;
    }
    out += text.slice(cursor, edit.range.start) + edit.newText;
    cursor = edit.range.end;
    applied++;
  }
  return { text: out + text.slice(cursor), applied, dropped };
}

/** The edits of `fix` that target the file being fixed (edits with no path or with this path). */
export function editsForFile(fix: Fix, path: string): FileEdit[] {
  return fix.edits.filter((e) => e.path === undefined || e.path === path);
}

/** The edits of `fix` that touch other files (e.g. a classifier module the fix creates). */
export function editsForOtherFiles(fix: Fix, path: string): FileEdit[] {
  return fix.edits.filter((e) => e.path !== undefined && e.path !== path);
}

/**
 * Picks a set of fixes whose edits do not overlap each other, in document order: ESLint's rule that a
 * pass applies what fits and the next pass (after re-linting) picks up the rest.
 */
export function selectNonOverlapping(fixes: readonly Fix[], path: string): Fix[] {
  const withSpan = fixes
    .map((fix) => {
      const edits = editsForFile(fix, path);
      const start = Math.min(...edits.map((e) => e.range.start));
      const end = Math.max(...edits.map((e) => e.range.end));
      return { fix, start, end, edits };
    })
    .filter((f) => f.edits.length > 0)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const chosen: Fix[] = [];
  let lastEnd = -1;
  for (const f of withSpan) {
    if (f.start < lastEnd || (f.start === lastEnd && f.start === f.end && lastEnd !== -1)) continue;
    chosen.push(f.fix);
    lastEnd = Math.max(f.end, f.start);
  }
  return chosen;
}

export const MAX_FIX_PASSES = 10;

/**
 * Fix-all to a fixed point: `lintFixes(text)` returns the safe fixes for the current text; each pass
 * applies the non-overlapping ones and lints again, at most MAX_FIX_PASSES times. Stops early when a
 * pass changes nothing or reproduces an earlier text (a cycle).
 */
export function fixToFixedPoint(
  text: string,
  path: string,
  lintFixes: (text: string) => readonly Fix[],
): { text: string; passes: number; fixesApplied: number } {
  const seen = new Set<string>([text]);
  let current = text;
  let fixesApplied = 0;
  let passes = 0;
  while (passes < MAX_FIX_PASSES) {
    const fixes = selectNonOverlapping(lintFixes(current).filter((f) => f.safety === 'safe'), path);
    if (fixes.length === 0) break;
    const next = applyEdits(current, fixes.flatMap((f) => editsForFile(f, path)));
    passes++;
    if (next.applied === 0 || seen.has(next.text)) break;
    seen.add(next.text);
    fixesApplied += fixes.length;
    current = next.text;
  }
  return { text: current, passes, fixesApplied };
}
