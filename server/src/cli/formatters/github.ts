// GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per unsuppressed finding,
// which the Actions runner turns into an annotation on the pull request's diff, then a plain summary
// line for the log. Paths are relative to the git checkout root (GitHub resolves annotation paths
// against the repository), else to the current directory. Related locations are appended to the
// message on their own lines. Escaping follows the runner's rules (actions/toolkit `command.ts`):
// in the message `%`, CR and LF; in property values also `:` and `,`.
// Run-level notices (a missing path, an internal error) become annotations without a position.

import * as path from 'node:path';
import type { Severity } from '../../analysis/index';
import { type CheckReport, countBySeverity, type NoticeLevel, unsuppressed } from '../report';

type AnnotationCommand = 'error' | 'warning' | 'notice';

const COMMAND: Readonly<Record<Severity, AnnotationCommand>> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
const NOTICE_COMMAND: Readonly<Record<NoticeLevel, AnnotationCommand>> = { error: 'error', warning: 'warning', info: 'notice' };

export interface GithubFormatOptions {
  /** Folder annotation paths are relative to (the git root, see sarif.ts gitRootOf). Default: the report's cwd. */
  readonly srcRoot?: string;
}

export function formatGithub(report: CheckReport, options: GithubFormatOptions = {}): string {
  const srcRoot = options.srcRoot ?? report.cwd;
  const file = (absolutePath: string): string => {
    const relative = path.relative(srcRoot, absolutePath);
    return (relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolutePath : relative).split(path.sep).join('/');
  };
  let out = '';
  for (const notice of report.notices) {
    // A notice about the checked folder itself (or none) has no file to annotate.
    const about = notice.absolutePath !== undefined && path.resolve(notice.absolutePath) !== path.resolve(srcRoot) ? file(notice.absolutePath) : undefined;
    const properties: Record<string, string> = about !== undefined ? { file: about, title: 'wasm-safety' } : { title: 'wasm-safety' };
    const rule = notice.ruleId !== undefined ? ` [${notice.ruleId}]` : '';
    out += command(NOTICE_COMMAND[notice.level], properties, `${notice.message}${rule}`);
  }
  const shown = unsuppressed(report.findings);
  for (const finding of shown) {
    const { location } = finding;
    let message = finding.message;
    for (const related of finding.related) {
      message += `\n↳ ${file(related.location.absolutePath)}:${related.location.line}:${related.location.column}: ${related.message}`;
    }
    const properties = {
      file: file(location.absolutePath),
      line: String(location.line),
      endLine: String(location.endLine),
      col: String(location.column),
      endColumn: String(location.endColumn),
      title: `wasm-safety(${finding.ruleId})`,
    };
    out += command(COMMAND[finding.severity], properties, message);
  }
  const counts = countBySeverity(report.findings);
  const suppressed = report.findings.length - shown.length;
  const informational = counts.info + counts.hint;
  out += `wasm-safety: ${shown.length} problem${shown.length === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ` +
    `${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${informational} info${suppressed > 0 ? `; ${suppressed} suppressed` : ''}) ` +
    `in ${report.filesChecked} file${report.filesChecked === 1 ? '' : 's'}\n`;
  return out;
}

/** `::name key=value,…::message` with the runner's escaping. */
export function command(name: AnnotationCommand, properties: Readonly<Record<string, string>>, message: string): string {
  const props = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',');
  return `::${name}${props.length > 0 ? ` ${props}` : ''}::${escapeData(message)}\n`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
