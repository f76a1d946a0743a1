// SARIF 2.1.0 output for CI code scanning (GitHub, SonarQube, Azure DevOps). One run; the driver lists
// every registered rule (GitHub needs rule metadata even for rules with no result); results point at
// files relative to %SRCROOT% (the current directory); notices and internal errors become
// toolExecutionNotifications of the single invocation.
// Constraints honoured (GitHub rejects the whole upload otherwise): absolute `helpUri`, unique rule ids,
// non-empty artifact URIs, `version` = "2.1.0" (never the tool version), descriptions ≤ 1024 characters.

import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { RuleMeta, Severity } from '../../analysis/index';
import { REPOSITORY_URL, ruleDocUrl } from '../../analysis/rule-docs';
import type { CheckReport, NoticeLevel, ReportLocation, ReportNotice } from '../report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const MAX_DESCRIPTION = 1024;

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

export function formatSarif(report: CheckReport): string {
  const ruleIndex = new Map<string, number>();
  report.rules.forEach((rule, i) => ruleIndex.set(rule.id, i));
  const occurrences = new Map<string, number>();

  const results = report.findings.map((finding) => {
    const lineHash = hashLine(finding.lineText);
    const occurrenceKey = `${finding.location.path}\u0000${finding.ruleId}\u0000${lineHash}`;
    const occurrence = (occurrences.get(occurrenceKey) ?? 0) + 1;
    occurrences.set(occurrenceKey, occurrence);
    const index = ruleIndex.get(finding.ruleId);
    return {
      ruleId: finding.ruleId,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: sarifLevel(finding.severity),
      message: { text: finding.message },
      locations: [{ physicalLocation: physicalLocation(finding.location) }],
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((related, i) => ({
              id: i + 1,
              physicalLocation: physicalLocation(related.location),
              message: { text: related.message },
            })),
          }
        : {}),
      partialFingerprints: { primaryLocationLineHash: `${lineHash}:${occurrence}` },
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
            rules: report.rules.map(sarifRule),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(report.cwd) } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: report.executionSuccessful,
            toolExecutionNotifications: report.notices.map(notification),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRule(rule: RuleMeta): object {
  const helpUri = ruleDocUrl(rule);
  const fixText = rule.fix === 'none' ? 'no automatic fix' : rule.fix === 'safe' ? 'has a safe automatic fix' : 'offers suggested (unsafe) fixes';
  const about = `Family: ${rule.family}. Catalog entry: WBG-${rule.catalogId}. Default severity: ${rule.defaultSeverity}; ${fixText}.`;
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: truncate(rule.summary) },
    fullDescription: { text: truncate(`${rule.summary}. ${about}`) },
    help: {
      text: `${rule.summary}. ${about} Documentation: ${helpUri}`,
      markdown: `**${rule.id}**: ${rule.summary}.\n\n${about}\n\n[Documentation](${helpUri})`,
    },
    helpUri,
    defaultConfiguration: { level: sarifLevel(rule.defaultSeverity) },
    properties: { tags: [rule.family] },
  };
}

function physicalLocation(location: ReportLocation): object {
  return {
    artifactLocation: artifactLocation(location.path, location.absolutePath),
    region: { startLine: location.line, startColumn: location.column, endLine: location.endLine, endColumn: location.endColumn },
  };
}

/** Relative to %SRCROOT% when under the current directory; an absolute file URI otherwise. */
function artifactLocation(relativePath: string, absolutePath: string): { uri: string; uriBaseId?: string } {
  if (relativePath === '..' || relativePath.startsWith('../') || /^([A-Za-z]:)?\//.test(relativePath)) {
    return { uri: pathToFileURL(absolutePath).href };
  }
  return { uri: relativePath.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function notification(notice: ReportNotice): object {
  const level: Record<NoticeLevel, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };
  return {
    level: level[notice.level],
    message: { text: notice.message },
    ...(notice.path !== undefined && notice.absolutePath !== undefined && notice.path !== '.'
      ? { locations: [{ physicalLocation: { artifactLocation: artifactLocation(notice.path, notice.absolutePath) } }] }
      : {}),
    ...(notice.ruleId !== undefined ? { associatedRule: { id: notice.ruleId } } : {}),
  };
}

/** The `file://` URI of a directory, with the trailing slash SARIF requires for a base URI. */
function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * A stable hash of the line's text with whitespace normalised, so re-indenting or moving the code to
 * another line keeps the alert's identity; the occurrence suffix tells identical lines apart.
 */
function hashLine(lineText: string): string {
  const normalised = lineText.trim().replace(/\s+/g, ' ');
  return createHash('sha256').update(normalised).digest('hex').slice(0, 16);
}

function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
}

function truncate(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}
