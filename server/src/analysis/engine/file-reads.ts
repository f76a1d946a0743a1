// Which rule work read the whole file. The incremental Linter (engine/incremental.ts) reuses a rule's
// findings for a top-level item whose text did not change, which is only sound when that work read
// nothing of the file beyond the item and the file-level facts it keys its cache on. Everything that
// hands out the whole file — the rule context's `text`, `root`, `lines`, `workspace`, the Rust
// environment's `text` and `root` — calls `readsWholeFile()`; work running inside `trackFileReads`
// then learns it did. Memoised values carry the flag with them (rust/env.ts), so a rule that reuses
// another rule's whole-file result is marked too. With no tracking frame open (the CLI, fixes) the
// calls cost one length check.

interface Frame {
  wholeFile: boolean;
}

const frames: Frame[] = [];

/** Marks every open tracking frame: the work running now depends on the whole file. */
export function readsWholeFile(): void {
  for (let i = 0; i < frames.length; i++) frames[i].wholeFile = true;
}

/** Runs `work` in a fresh frame; nested frames also mark their enclosing ones. */
export function trackFileReads<T>(work: () => T): { readonly value: T; readonly wholeFile: boolean } {
  const frame: Frame = { wholeFile: false };
  frames.push(frame);
  try {
    const value = work();
    return { value, wholeFile: frame.wholeFile };
  } finally {
    frames.pop();
  }
}

/** True while some tracking frame is open (memo tables only need to record flags then). */
export function trackingFileReads(): boolean {
  return frames.length > 0;
}
