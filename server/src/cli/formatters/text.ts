// Human-readable output in the style of ESLint's "stylish" formatter: a header per file, aligned
// `line:col  severity  message  rule-id` rows, related locations indented below, and a summary line.
// Colours are the caller's decision (only for a TTY without NO_COLOR); the layout is the same either way.

import type { Severity } from '../../analysis/index';
import { type CheckReport, countBySeverity, type ReportedFinding, unsuppressed } from '../report';

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  underline: '\u001b[4m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
} as const;

type Style = keyof typeof ANSI;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan', hint: 'cyan' };

export interface TextFormatOptions {
  readonly color: boolean;
}

export function formatText(report: CheckReport, options: TextFormatOptions): string {
  const paint = (text: string, ...styles: Style[]): string =>
    options.color && styles.length > 0 ? styles.map((s) => ANSI[s]).join('') + text + ANSI.reset : text;

  // Suppressed findings (comment or baseline) are not shown; the summary says how many there were.
  const shown = unsuppressed(report.findings);
  const suppressedCount = report.findings.length - shown.length;
  const byFile = new Map<string, ReportedFinding[]>();
  for (const finding of shown) {
    const list = byFile.get(finding.location.path) ?? [];
    list.push(finding);
    byFile.set(finding.location.path, list);
  }

  let out = '';
  const MESSAGE_COLUMN = 100;
  for (const [file, findings] of byFile) {
    out += `\n${paint(file, 'underline')}\n`;
    const positions = findings.map((f) => `${f.location.line}:${f.location.column}`);
    const messages = findings.map((f) => oneLine(f.message));
    const positionWidth = Math.max(...positions.map((p) => p.length));
    const severityWidth = Math.max(...findings.map((f) => f.severity.length));
    // Rule ids line up after messages of up to MESSAGE_COLUMN characters; a longer message is followed
    // by its rule id directly (padding every row to a 400-character message made every line that wide).
    const messageWidth = Math.max(0, ...messages.map((m) => m.length).filter((n) => n <= MESSAGE_COLUMN));
    findings.forEach((finding, i) => {
      const position = positions[i].padEnd(positionWidth);
      const severity = finding.severity.padEnd(severityWidth);
      const message = messages[i].padEnd(messageWidth);
      out += `  ${paint(position, 'dim')}  ${paint(severity, SEVERITY_STYLE[finding.severity])}  ${message}  ${paint(finding.ruleId, 'dim')}\n`;
      const indent = ' '.repeat(2 + positionWidth + 2);
      for (const related of finding.related) {
        const where = `${related.location.path}:${related.location.line}:${related.location.column}`;
        out += `${indent}${paint('↳', 'dim')} ${paint(where, 'dim')}  ${oneLine(related.message)}\n`;
      }
    });
  }

  const counts = countBySeverity(report.findings);
  const total = shown.length;
  const suppressedNote = suppressedCount > 0 ? `; ${suppressedCount} suppressed` : '';
  if (total > 0) {
    const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
    const informational = counts.info + counts.hint;
    if (informational > 0) parts.push(`${informational} info`);
    const summary = `✖ ${plural(total, 'problem')} (${parts.join(', ')}${suppressedNote})`;
    out += `\n${paint(summary, 'bold', counts.error > 0 ? 'red' : 'yellow')}\n`;
  } else {
    out += `${paint(`✔ No problems found (${plural(report.filesChecked, 'file')} checked${suppressedNote})`, 'green')}\n`;
  }
  return out;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Rows stay one line each so the columns line up; tabs and newlines become spaces. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\t/g, ' ');
}
