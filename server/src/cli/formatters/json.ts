// Machine-readable output, a stable contract (version 1):
//   {"version":1,"findings":[{ruleId,family,severity,path,line,column,endLine,endColumn,message,
//     fixes:[{title,safety}],related:[{path,line,column,endLine,endColumn,message}],
//     suppression?:{kind:"inSource"|"external",justification}}],
//    "notices":[{level,path?,message,ruleId?}]}
// Paths are relative to the current directory and '/'-separated; lines and columns are 1-based,
// columns count UTF-16 code units and the end column is exclusive. Findings are sorted by path, line, column.

import type { CheckReport, ReportLocation } from '../report';

export const JSON_FORMAT_VERSION = 1;

export function formatJson(report: CheckReport): string {
  const document = {
    version: JSON_FORMAT_VERSION,
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      family: f.family,
      severity: f.severity,
      ...span(f.location),
      message: f.message,
      fixes: f.fixes.map((fix) => ({ title: fix.title, safety: fix.safety })),
      related: f.related.map((r) => ({ ...span(r.location), message: r.message })),
      ...(f.suppression ? { suppression: { kind: f.suppression.kind, justification: f.suppression.justification } } : {}),
    })),
    notices: report.notices.map((n) => ({
      level: n.level,
      ...(n.path !== undefined ? { path: n.path } : {}),
      message: n.message,
      ...(n.ruleId !== undefined ? { ruleId: n.ruleId } : {}),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function span(location: ReportLocation): { path: string; line: number; column: number; endLine: number; endColumn: number } {
  return { path: location.path, line: location.line, column: location.column, endLine: location.endLine, endColumn: location.endColumn };
}
