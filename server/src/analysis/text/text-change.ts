// Known edits between two versions of a text, as offsets: the editor reports where each change went,
// so the parser's `tree.edit` and the line index need not compare the two texts (a pass over the whole
// file per keystroke) to find it. Several edits compose into one envelope edit.

/** `[start, oldEnd)` of the old text became `[start, newEnd)` of the new one; the rest is unchanged. */
export interface TextChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** Whether `change` can turn a text of `oldLength` into one of `newLength` (a cheap sanity check). */
export function fitsLengths(change: TextChange, oldLength: number, newLength: number): boolean {
  const { start, oldEnd, newEnd } = change;
  return start >= 0 && start <= oldEnd && start <= newEnd && oldEnd <= oldLength && newEnd <= newLength && oldLength - oldEnd === newLength - newEnd;
}

/**
 * One change equivalent to `first` then `second` (offsets of `second` are in the text `first` produced):
 * the smallest range covering both, so prefix and suffix outside it are unchanged.
 */
export function composeChanges(first: TextChange, second: TextChange): TextChange {
  const secondDelta = second.newEnd - second.oldEnd;
  const firstDelta = first.newEnd - first.oldEnd;
  // Where the end of `first`'s new text lands after `second`, and where `second`'s old end was before `first`.
  const firstEndAfter = first.newEnd <= second.start ? first.newEnd : first.newEnd >= second.oldEnd ? first.newEnd + secondDelta : second.newEnd;
  const secondEndBefore = second.oldEnd <= first.start ? second.oldEnd : second.oldEnd >= first.newEnd ? second.oldEnd - firstDelta : first.oldEnd;
  return {
    start: Math.min(first.start, second.start),
    oldEnd: Math.max(first.oldEnd, secondEndBefore),
    newEnd: Math.max(second.newEnd, firstEndAfter),
  };
}
