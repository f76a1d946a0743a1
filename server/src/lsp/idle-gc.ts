// Young-generation garbage collection between keystrokes. An incremental lint of a large file allocates
// a few MB (moved findings and records, summaries, diagnostics); V8 collects its young generation when
// that fills up, which happened during about every other lint of the benchmark's 10,000-line file and
// added a scavenge (about 6 ms there) to that keystroke's feedback. Collecting once the server has been
// idle for a moment after publishing moves that work to the pause between keystrokes: the same work,
// not charged to the next edit. Needs `gc` (node --expose-gc, SERVER_NODE_FLAGS); without it, nothing
// happens. Any new work (a lint being scheduled) cancels a pending collection.

/** Quiet time after a publish before the young generation is collected (keystrokes come ≥ 50 ms apart). */
export const IDLE_GC_DELAY_MS = 30;

type GcFunction = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => unknown;

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  /** `collect`: the young-generation collection (see minorCollection); undefined disables the collector. */
  constructor(private readonly collect: (() => void) | undefined, private readonly delayMs = IDLE_GC_DELAY_MS) {}

  /** Work just ended: collect once nothing else starts for `delayMs`. */
  workDone(): void {
    if (!this.collect) return;
    this.busy();
    const collect = this.collect;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      collect();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Work is starting: no collection now. */
  busy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }
}

/** A young-generation collection through the `gc` global node exposes with --expose-gc, if it does. */
export function minorCollection(): (() => void) | undefined {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  return typeof gc === 'function' ? () => void gc({ type: 'minor' }) : undefined;
}
