// Young-generation garbage collection between keystrokes. An incremental lint of a large file allocates
// a few MB (moved findings and records, summaries, diagnostics); V8 collects its young generation when
// that fills up, which happened during about every other lint of the benchmark's 10,000-line file and
// added a scavenge (about 6 ms there) to that keystroke's feedback. Collecting once the server has been
// idle for a moment after publishing moves that work to the pause between keystrokes: the same work,
// not charged to the next edit. Needs `gc` (node --expose-gc, SERVER_NODE_FLAGS); without it, nothing
// happens. Any new work (a lint being scheduled) cancels a pending collection.
//
// The same timer gives memory back once no document is open. An editing session grows V8's young
// generation (up to --max-semi-space-size) and the heap keeps that capacity; V8 shrinks it again in a
// full collection only when the allocation it measured since the collections before was low (under about
// 1 MB/s over the last 5 s). An idle server collects nothing, so the memory stayed at its editing size
// until the next piece of work. Two full collections once the last document has closed and the server is
// quiet (tens of milliseconds each, with nothing open): the first ends the busy period's measurement,
// the second, seconds of no allocation later, lets V8 shrink the heap.

/** Quiet time after a publish before the young generation is collected (keystrokes come ≥ 50 ms apart). */
export const IDLE_GC_DELAY_MS = 30;

/** The quiet times before the full collections that give memory back once nothing is open (see the header). */
export const RELEASE_DELAYS_MS: readonly number[] = [1000, 5500];

type GcFunction = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => unknown;

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  private readonly delaysMs: readonly number[];

  /**
   * `collect`: the collection (see minorCollection, fullCollection); undefined disables the collector.
   * `delaysMs`: the quiet time before it, or before each of several collections in turn.
   */
  constructor(private readonly collect: (() => void) | undefined, delaysMs: number | readonly number[] = IDLE_GC_DELAY_MS) {
    this.delaysMs = typeof delaysMs === 'number' ? [delaysMs] : delaysMs;
  }

  /** Work just ended: collect once nothing else starts for the first delay (then after each further one). */
  workDone(): void {
    if (!this.collect) return;
    this.busy();
    this.collectAfter(0);
  }

  private collectAfter(step: number): void {
    const collect = this.collect;
    if (!collect || step >= this.delaysMs.length) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      collect();
      this.collectAfter(step + 1);
    }, this.delaysMs[step]);
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

/** A full collection through the `gc` global node exposes with --expose-gc, if it does (see the header). */
export function fullCollection(): (() => void) | undefined {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  return typeof gc === 'function' ? () => void gc() : undefined;
}
