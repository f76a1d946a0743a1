// The per-file analysis time budget (issue 9). Parsing has its own budget (ParsedDocument,
// `parseBudgetMs`); this one covers what the Linter does with the tree afterwards: the traversal, rule
// visits and the per-run predicate caches, some of which grow with nesting depth. The Linter arms a
// deadline around one file (`withAnalysisBudget`); the hot loops (tree walks, cursor steps, parent
// look-ups, the engine's traversal) call `checkAnalysisBudget()`, which reads the clock once every
// 256 calls and throws AnalysisTimeoutError past the deadline. The Linter turns that into a notice: the
// file is skipped, never reported half. Workspace indexing (file summaries, the crate index) runs
// `unbudgeted`: it is shared by every file and cached, and cutting it short would make each file of a
// big crate time out in turn.

export class AnalysisTimeoutError extends Error {
  constructor(readonly budgetMs: number) {
    super(`analysis took longer than ${budgetMs} ms and was abandoned`);
    this.name = 'AnalysisTimeoutError';
  }
}

let deadline: number | undefined;
let budgetMs = 0;
let calls = 0;

/** Runs `analyse` with a deadline `ms` from now (nested calls restore the outer deadline). */
export function withAnalysisBudget<T>(ms: number, analyse: () => T): T {
  const saved = { deadline, budgetMs };
  deadline = Date.now() + ms;
  budgetMs = ms;
  try {
    return analyse();
  } finally {
    ({ deadline, budgetMs } = saved);
  }
}

/** Runs `work` without a deadline (shared, cached indexing). */
export function unbudgeted<T>(work: () => T): T {
  const saved = deadline;
  deadline = undefined;
  try {
    return work();
  } finally {
    deadline = saved;
  }
}

/** @throws AnalysisTimeoutError when the armed budget has run out. */
export function checkAnalysisBudget(): void {
  if (deadline === undefined || (++calls & 255) !== 0) return;
  if (Date.now() > deadline) throw new AnalysisTimeoutError(budgetMs);
}
