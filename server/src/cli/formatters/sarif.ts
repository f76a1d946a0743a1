// SARIF 2.1.0 output for CI code scanning (GitHub, Azure DevOps, SonarQube). One run; the driver lists
// every registered rule (GitHub needs rule metadata even for rules with no result) with the rule's doc
// page as `help`; results point at files relative to %SRCROOT% — the git checkout root when the
// current directory is inside one (GitHub resolves alert paths against the repository root), else the
// current directory; suppressed findings are emitted with `suppressions[]` (their justification), so
// code scanning shows them as suppressed instead of losing them; notices and internal errors become
// toolExecutionNotifications of the single invocation.
// Constraints honoured (GitHub rejects the whole upload otherwise; the SARIF Multitool's `Gh` and
// `Sarif` rule kinds check them in server/test/sarif-validation.test.ts): absolute `helpUri`, unique
// rule ids, non-empty artifact URIs, `version` = "2.1.0" (never the tool version), descriptions ≤ 1024
// characters, a trailing slash on base URIs.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pageWithoutTitle, parseRuleDocPage, resolveRelativeLinks, type RuleMeta, type Severity } from '../../analysis/index';
import { REPOSITORY_URL, ruleDocUrl } from '../../analysis/rule-docs';
import { readRuleDoc } from '../../host/rule-doc-files';
import type { CheckReport, NoticeLevel, ReportedFinding, ReportLocation, ReportNotice } from '../report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const MAX_DESCRIPTION = 1024;
/**
 * GitHub's `precision` property (very-high/high/medium/low) ranks alerts. Every rule is a syntactic
 * analysis without type information or a call graph, tuned against real projects to report few false
 * positives: "high" would overstate it for cross-file facts, so all rules say "medium".
 */
const RULE_PRECISION = 'medium';

type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifOptions {
  /** Folder artifact URIs are relative to (%SRCROOT%). Default: the report's cwd. */
  readonly srcRoot?: string;
  /** The Markdown of a rule's doc page, for `help`; undefined falls back to the summary and the link. */
  readonly ruleDoc?: (ruleId: string) => string | undefined;
}

/** What the CLI passes: the git checkout around `cwd` (else `cwd`) and the installed doc pages. */
export function sarifOptionsFor(cwd: string): SarifOptions {
  return { srcRoot: gitRootOf(cwd) ?? cwd, ruleDoc: readRuleDoc };
}

/** The nearest folder at or above `start` holding `.git` (a folder, or a file in worktrees and submodules). */
export function gitRootOf(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

export function formatSarif(report: CheckReport, options: SarifOptions = {}): string {
  const srcRoot = options.srcRoot ?? report.cwd;
  const ruleIndex = new Map<string, number>();
  report.rules.forEach((rule, i) => ruleIndex.set(rule.id, i));
  const occurrences = new Map<string, number>();

  const results = report.findings.map((finding) => {
    const index = ruleIndex.get(finding.ruleId);
    return {
      ruleId: finding.ruleId,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: sarifLevel(finding.severity),
      message: { text: finding.message },
      locations: [{ physicalLocation: physicalLocation(finding.location, srcRoot) }],
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((related, i) => ({
              id: i + 1,
              physicalLocation: physicalLocation(related.location, srcRoot),
              message: { text: related.message },
            })),
          }
        : {}),
      partialFingerprints: fingerprints(finding, srcRoot, occurrences),
      ...(finding.suppression
        ? { suppressions: [{ kind: finding.suppression.kind, status: 'accepted', justification: finding.suppression.justification }] }
        : {}),
    };
  });

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'wasm-safety',
            semanticVersion: report.toolVersion,
            informationUri: REPOSITORY_URL,
            rules: report.rules.map((rule) => sarifRule(rule, options.ruleDoc?.(rule.id))),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(srcRoot) } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: report.executionSuccessful,
            toolExecutionNotifications: report.notices.map((n) => notification(n, srcRoot, ruleIndex)),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRule(rule: RuleMeta, docPage: string | undefined): object {
  const helpUri = ruleDocUrl(rule);
  const fixText = rule.fix === 'none' ? 'no automatic fix' : rule.fix === 'safe' ? 'has a safe automatic fix' : 'offers suggested (unsafe) fixes';
  // The suppression rules (side `both`) check comments, not a catalog entry.
  const hasCatalogEntry = rule.side !== 'both';
  const catalog = hasCatalogEntry ? `Catalog entry: WBG-${rule.catalogId}.` : 'Checks the suppression comments themselves.';
  const about = `Family: ${rule.family}. ${catalog} Default severity: ${rule.defaultSeverity}; ${fixText}.`;
  const page = docPage !== undefined ? parseRuleDocPage(docPage) : undefined;
  const whatItDoes = page?.sections.find((s) => s.heading.startsWith('What it does'))?.body;
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: truncate(rule.summary) },
    fullDescription: { text: truncate(`${rule.summary}. ${about}`) },
    help: {
      text: `${rule.summary}. ${about}${whatItDoes ? `\n\n${whatItDoes}` : ''}\n\nDocumentation: ${helpUri}`,
      markdown: page
        ? `${resolveRelativeLinks(pageWithoutTitle(page), helpUri)}\n\n[Full documentation](${helpUri})`
        : `**${rule.id}**: ${rule.summary}.\n\n${about}\n\n[Documentation](${helpUri})`,
    },
    helpUri,
    defaultConfiguration: { level: sarifLevel(rule.defaultSeverity) },
    properties: {
      tags: [rule.family, 'wasm-bindgen', ...(rule.side === 'both' ? ['rust', 'typescript'] : [rule.side === 'rust' ? 'rust' : 'typescript'])],
      precision: RULE_PRECISION,
      'problem.severity': rule.defaultSeverity === 'error' ? 'error' : rule.defaultSeverity === 'warning' ? 'warning' : 'recommendation',
      ...(hasCatalogEntry ? { catalogId: `WBG-${rule.catalogId}` } : {}),
    },
  };
}

function physicalLocation(location: ReportLocation, srcRoot: string): object {
  return {
    artifactLocation: artifactLocation(location.absolutePath, srcRoot),
    region: { startLine: location.line, startColumn: location.column, endLine: location.endLine, endColumn: location.endColumn },
  };
}

/** Relative to %SRCROOT% when inside it; an absolute file URI otherwise (another drive, a sibling folder). */
function artifactLocation(absolutePath: string, srcRoot: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(srcRoot, absolutePath);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return { uri: pathToFileURL(absolutePath).href };
  }
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function notification(notice: ReportNotice, srcRoot: string, ruleIndex: ReadonlyMap<string, number>): object {
  const level: Record<NoticeLevel, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };
  const index = notice.ruleId !== undefined ? ruleIndex.get(notice.ruleId) : undefined;
  return {
    level: level[notice.level],
    message: { text: notice.message },
    ...(notice.absolutePath !== undefined && path.resolve(notice.absolutePath) !== path.resolve(srcRoot)
      ? { locations: [{ physicalLocation: { artifactLocation: artifactLocation(notice.absolutePath, srcRoot) } }] }
      : {}),
    ...(notice.ruleId !== undefined ? { associatedRule: { id: notice.ruleId, ...(index !== undefined ? { index } : {}) } } : {}),
  };
}

/**
 * Identities that survive unrelated edits: GitHub's `primaryLocationLineHash` (a hash of the finding's
 * line with whitespace normalised, plus an occurrence number telling identical lines apart), and our own
 * `wasmSafety/v1`, which also keys on rule and file, so moving code to another line keeps the alert.
 */
function fingerprints(finding: ReportedFinding, srcRoot: string, occurrences: Map<string, number>): Record<string, string> {
  const normalised = finding.lineText.trim().replace(/\s+/g, ' ');
  const lineHash = hash(normalised);
  const file = artifactLocation(finding.location.absolutePath, srcRoot).uri;
  const occurrenceKey = `${file}\u0000${finding.ruleId}\u0000${lineHash}`;
  const occurrence = (occurrences.get(occurrenceKey) ?? 0) + 1;
  occurrences.set(occurrenceKey, occurrence);
  return {
    primaryLocationLineHash: `${lineHash}:${occurrence}`,
    'wasmSafety/v1': `${hash(`${finding.ruleId}\u0000${file}\u0000${normalised}`)}:${occurrence}`,
  };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The `file://` URI of a directory, with the trailing slash SARIF requires for a base URI. */
function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
}

function truncate(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}
