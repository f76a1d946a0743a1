// Converts UTF-16 offsets to 0-based line/character pairs and back, for one text.
// LSP and web-tree-sitter both count UTF-16 code units, so no byte conversion happens anywhere.

import { fitsLengths, type TextChange } from './text-change';

export interface LineCharacter {
  readonly line: number;
  readonly character: number;
}

export class LineIndex {
  /** (A typed array: an edit of a large document copies it once, off the JS heap, with no regrowth.) */
  private readonly lineStarts: Uint32Array;

  /** `starts`: the line starts of `text`, when already known (afterEdit). */
  constructor(private readonly text: string, starts?: Uint32Array) {
    if (!starts) {
      const found = [0];
      scanLineStarts(text, 0, text.length + 1, found);
      starts = Uint32Array.from(found);
    }
    this.lineStarts = starts;
  }

  /**
   * The index of `newText`, which is this index's text with `change` applied: the line starts before
   * and after the change are reused (the ones after moved), only the changed lines are scanned — an
   * editor's keystroke costs an array copy instead of a pass over the whole file.
   */
  afterEdit(newText: string, change: TextChange): LineIndex {
    const { start, oldEnd, newEnd } = change;
    if (!fitsLengths(change, this.text.length, newText.length)) return new LineIndex(newText);
    const old = this.lineStarts;
    // Whether a line starts at p depends on the characters at p-2..p ('\r\n' is one break, a lone '\r'
    // one of its own): starts up to start-1 and from oldEnd+2 on cannot have changed.
    const keepUntil = Math.max(0, start - 1);
    const kept = upperBound(old, keepUntil); // old[0..kept) <= keepUntil
    const middle: number[] = [];
    scanLineStarts(newText, old[kept - 1], Math.min(newEnd + 2, newText.length + 1), middle);
    const tail = upperBound(old, oldEnd + 1); // old[tail..) moves by delta
    const starts = new Uint32Array(kept + middle.length + old.length - tail);
    starts.set(old.subarray(0, kept));
    let at = kept;
    for (const p of middle) starts[at++] = p;
    const delta = newEnd - oldEnd;
    for (let k = tail; k < old.length; k++) starts[at++] = old[k] + delta;
    return new LineIndex(newText, starts);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): LineCharacter {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  offsetAt(position: LineCharacter): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const lineStart = this.lineStarts[position.line];
    const nextLineStart = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return Math.max(lineStart, Math.min(lineStart + position.character, nextLineStart));
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** The text of a line without its line terminator. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }
}

/**
 * Appends to `starts` every line start p with from < p < before, scanning `text` from `from` (itself a
 * line start, or 0). Line breaks are '\n', '\r\n' and a lone '\r' (as in LSP).
 */
function scanLineStarts(text: string, from: number, before: number, starts: number[]): void {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let next: number;
    if (c === 13 /* \r */) next = text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
    else if (c === 10 /* \n */) next = i + 1;
    else continue;
    if (next >= before) return;
    starts.push(next);
    i = next - 1;
  }
}

/** The number of entries of the sorted `values` that are <= `limit`. */
function upperBound(values: ArrayLike<number>, limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid] <= limit) low = mid + 1;
    else high = mid;
  }
  return low;
}
