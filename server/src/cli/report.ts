// The CLI's resolved view of a check, shared by every formatter: findings with 1-based line/column
// locations (columns in UTF-16 code units, end column exclusive, as in SARIF and ESLint) and paths
// relative to the current directory, sorted by path, line and column; plus the notices the run
// produced. Built once from the workspace texts, so the formatters never touch the analysis layer.

import * as path from 'node:path';
import { type Finding, type FindingSuppression, type FixSafety, type Family, LineIndex, type RuleMeta, type Severity } from '../analysis/index';

export interface ReportLocation {
  /** Relative to the current directory, '/'-separated (absolute when on another drive). */
  readonly path: string;
  /** Absolute OS path. */
  readonly absolutePath: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface ReportedFinding {
  readonly ruleId: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly message: string;
  readonly location: ReportLocation;
  /** Text of the finding's first line (for SARIF fingerprints). */
  readonly lineText: string;
  readonly related: readonly { readonly location: ReportLocation; readonly message: string }[];
  readonly fixes: readonly { readonly title: string; readonly safety: FixSafety }[];
  /** Set when a comment or the baseline suppresses it: kept for SARIF, left out of text output and the exit code. */
  readonly suppression?: FindingSuppression;
}

export type NoticeLevel = 'error' | 'warning' | 'info';

/** Something about the run rather than the code: skipped files, a missing path, a rule that crashed. */
export interface ReportNotice {
  readonly level: NoticeLevel;
  /** Relative display path, when the notice is about a file or folder. */
  readonly path?: string;
  readonly absolutePath?: string;
  readonly message: string;
  readonly ruleId?: string;
  /** Internal errors only: shown on stderr, never in machine output. */
  readonly stack?: string;
}

export interface CheckReport {
  /** Absolute OS path of the directory paths are relative to. */
  readonly cwd: string;
  readonly toolVersion: string;
  /** Every registered rule (SARIF lists them all, not only those that fired). */
  readonly rules: readonly RuleMeta[];
  readonly findings: readonly ReportedFinding[];
  readonly notices: readonly ReportNotice[];
  readonly filesChecked: number;
  /** False when a path was missing or the analysis failed somewhere (exit code 2). */
  readonly executionSuccessful: boolean;
}

/** `target` relative to `cwd`, '/'-separated; '.' for cwd itself. */
export function displayPath(cwd: string, target: string): string {
  const relative = path.relative(cwd, target);
  if (relative === '') return '.';
  if (path.isAbsolute(relative)) return relative.replace(/\\/g, '/');
  return relative.split(path.sep).join('/');
}

/** Converts findings' UTF-16 offsets to 1-based locations, reusing one LineIndex per file. */
export class LocationResolver {
  private readonly indexes = new Map<string, LineIndex | null>();

  constructor(private readonly cwd: string, private readonly textOf: (path: string) => string | undefined) {}

  location(filePath: string, range: { readonly start: number; readonly end: number }): ReportLocation {
    const index = this.index(filePath);
    const start = index?.positionAt(range.start) ?? { line: 0, character: 0 };
    const end = index?.positionAt(range.end) ?? start;
    return {
      path: displayPath(this.cwd, filePath),
      absolutePath: path.resolve(filePath),
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
  }

  lineText(filePath: string, line: number): string {
    return this.index(filePath)?.lineText(line - 1) ?? '';
  }

  resolve(finding: Finding): ReportedFinding {
    const location = this.location(finding.path, finding.range);
    return {
      ruleId: finding.ruleId,
      family: finding.family,
      severity: finding.severity,
      message: finding.message,
      location,
      lineText: this.lineText(finding.path, location.line),
      related: finding.related.map((r) => ({ location: this.location(r.path, r.range), message: r.message })),
      fixes: finding.fixes.map((f) => ({ title: f.title, safety: f.safety })),
      ...(finding.suppression ? { suppression: finding.suppression } : {}),
    };
  }

  private index(filePath: string): LineIndex | undefined {
    let index = this.indexes.get(filePath);
    if (index === undefined) {
      const text = this.textOf(filePath);
      index = text === undefined ? null : new LineIndex(text);
      this.indexes.set(filePath, index);
    }
    return index ?? undefined;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Report order: path, line, column, then rule id and message so the output is fully deterministic. */
export function compareFindings(a: ReportedFinding, b: ReportedFinding): number {
  return (
    compareStrings(a.location.path, b.location.path) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message)
  );
}

/** Counts unsuppressed findings per severity (suppressed ones never count: text summary, exit code, --max-warnings). */
export function countBySeverity(findings: readonly ReportedFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) if (!f.suppression) counts[f.severity]++;
  return counts;
}

/** The findings a person should see: suppressed ones are only in machine output (SARIF, JSON). */
export function unsuppressed(findings: readonly ReportedFinding[]): readonly ReportedFinding[] {
  return findings.filter((f) => !f.suppression);
}
