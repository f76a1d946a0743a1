// Conversions from the analysis model to LSP data: paths to URIs, offsets to UTF-16 positions,
// findings to diagnostics (source, code, doc link, severity, related locations, and a `data` payload
// that lets code actions find the finding again) and fix edits to WorkspaceEdits. The opposite
// direction lives in from-lsp.ts; nothing else in the server builds LSP shapes from model data.

import { pathToFileURL } from 'node:url';
import {
  type CreateFile, type Diagnostic, DiagnosticSeverity, DiagnosticTag, type DiagnosticRelatedInformation, type Range, type TextDocumentEdit,
  type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import { type ConfigProblem, type FileEdit, type Finding, type LineIndex, type RuleMeta, type Severity, type TextRange, ruleDocUrl } from '../analysis/index';
import type { DiagnosticRef } from './from-lsp';

export const DIAGNOSTIC_SOURCE = 'wasm-safety';

/** The `file:` URI of an absolute workspace path. */
export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

export function lspRange(range: TextRange, lines: LineIndex): Range {
  return { start: lines.positionAt(range.start), end: lines.positionAt(range.end) };
}

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function lspSeverity(severity: Severity): DiagnosticSeverity {
  return SEVERITY[severity];
}

/** Identifies a finding within one version of a file: rule, range and (hashed) message. */
export function findingFingerprint(finding: Finding): string {
  return `${finding.ruleId}@${finding.range.start}-${finding.range.end}#${fnv1a(finding.message)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}

/** How to reach a file other than the one being converted (a related location, the target of an edit). */
export interface FileLocator {
  /** URI and line index of a file whose text is known, else undefined. */
  locate(path: string): { readonly uri: string; readonly lines: LineIndex } | undefined;
}

export interface DiagnosticOptions {
  readonly rules: ReadonlyMap<string, RuleMeta>;
  /** The client shows relatedInformation (else it is left out). */
  readonly relatedInformation: boolean;
  readonly files: FileLocator;
}

/**
 * The diagnostic of a finding in `file` (its URI and the line index of the text it was found in).
 * `version` is the document version it was computed for (undefined for files that are not open).
 */
export function toDiagnostic(
  finding: Finding,
  file: { readonly uri: string; readonly lines: LineIndex },
  version: number | undefined,
  options: DiagnosticOptions,
): Diagnostic {
  const rule = options.rules.get(finding.ruleId);
  const data: DiagnosticRef = { ruleId: finding.ruleId, version, fingerprint: findingFingerprint(finding) };
  const diagnostic: Diagnostic = {
    range: lspRange(finding.range, file.lines),
    severity: lspSeverity(finding.severity),
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    message: finding.message,
    data,
  };
  if (rule) diagnostic.codeDescription = { href: ruleDocUrl(rule) };
  // An unused suppression is dead text: editors fade it, as they do unused code.
  if (finding.ruleId === 'unused-suppression') diagnostic.tags = [DiagnosticTag.Unnecessary];
  if (options.relatedInformation && finding.related.length > 0) {
    const related: DiagnosticRelatedInformation[] = [];
    for (const r of finding.related) {
      const where = r.path === finding.path ? file : options.files.locate(r.path);
      if (!where) continue; // a file the server no longer knows: nothing to point at
      related.push({ location: { uri: where.uri, range: lspRange(r.range, where.lines) }, message: r.message });
    }
    if (related.length > 0) diagnostic.relatedInformation = related;
  }
  return diagnostic;
}

/** A file a WorkspaceEdit may touch: its URI, its open version (null when not open) and its text's line index. */
export interface EditTarget {
  readonly uri: string;
  readonly version: number | null;
  readonly lines: LineIndex;
}

export interface WorkspaceEditOptions {
  /** Use `documentChanges` (versioned edits, file creation) rather than `changes`. */
  readonly documentChanges: boolean;
  readonly createFiles: boolean;
  /** The file at `path`, or undefined when it does not exist (the edit then creates it). */
  target(path: string): EditTarget | undefined;
  /** URI for a file that does not exist yet. */
  newFileUri(path: string): string;
}

/**
 * The WorkspaceEdit for `edits` (edits without `path` apply to `path`). Returns undefined when the
 * client cannot express it (an edit creates a file but the client cannot create files).
 */
export function toWorkspaceEdit(edits: readonly FileEdit[], path: string, options: WorkspaceEditOptions): WorkspaceEdit | undefined {
  const byPath = new Map<string, FileEdit[]>();
  for (const edit of edits) {
    const target = edit.path ?? path;
    const list = byPath.get(target) ?? [];
    list.push(edit);
    byPath.set(target, list);
  }
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  const changes: Record<string, TextEdit[]> = {};
  for (const [file, fileEdits] of byPath) {
    const target = options.target(file);
    if (!target) {
      if (!options.createFiles) return undefined;
      const uri = options.newFileUri(file);
      // Edits into a file that does not exist yet are insertions at its start (in order).
      const insertAtStart = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: insertAtStart, newText: fileEdits.map((e) => e.newText).join('') }] });
      continue;
    }
    const textEdits = fileEdits.map((e) => ({ range: lspRange(e.range, target.lines), newText: e.newText }));
    if (options.documentChanges) documentChanges.push({ textDocument: { uri: target.uri, version: target.version }, edits: textEdits });
    else changes[target.uri] = textEdits;
  }
  return options.documentChanges ? { documentChanges } : { changes };
}

/**
 * A problem in a wasm-safety.json file as a warning on that file (shown in the Problems view even when
 * the file is not open). Positions point at the key; without one, at the file's start.
 */
export function configProblemDiagnostic(problem: ConfigProblem): Diagnostic {
  const line = (problem.position?.line ?? 1) - 1;
  const character = (problem.position?.column ?? 1) - 1;
  const keyName = problem.key?.replace(/\[\d+\]$/, '').split('.').pop() ?? '';
  const width = problem.position && keyName !== '' ? keyName.length + 2 : 1;
  return {
    range: { start: { line, character }, end: { line, character: character + width } },
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message: `${problem.key ? `${problem.key}: ` : ''}${problem.message}`,
  };
}
