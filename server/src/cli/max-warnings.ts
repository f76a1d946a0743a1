// `check --max-warnings N` with ESLint's semantics: the run fails (exit 1) when the number of
// unsuppressed warning-level findings is greater than N. Info and hint findings never count; errors
// already fail the run on their own.

import { type CheckReport, countBySeverity } from './report';

/** The line to print when the limit is exceeded, else undefined (no limit given, or within it). */
export function maxWarningsExceeded(report: CheckReport, maxWarnings: number | undefined): string | undefined {
  if (maxWarnings === undefined) return undefined;
  const warnings = countBySeverity(report.findings).warning;
  if (warnings <= maxWarnings) return undefined;
  return `wasm-safety: too many warnings: ${warnings} found, at most ${maxWarnings} allowed (--max-warnings ${maxWarnings})`;
}
