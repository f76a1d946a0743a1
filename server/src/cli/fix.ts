// `wasm-safety check --fix`: applies the safe fixes of every checked file on disk, before the report is
// made (so the report shows what remains). Per file, the same fix-all as the editor's
// `source.fixAll.wasm-safety`: safe fixes of findings that neither a comment nor the baseline
// suppresses, edits to this file only, sorted, overlapping edits left for the next pass, re-linted and
// repeated to a fixed point with a pass limit (analysis/engine/fixes.ts `fixToFixedPoint`). A file is
// written only when its text changed, with its byte-order mark kept, and only if it still holds what
// was read (else it is left alone, with a notice). The workspace gets the fixed texts, so the
// report's lint sees them. Costs one more lint of each checked file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { editsForOtherFiles, type Fix, type Finding, fixToFixedPoint, type Linter, type LintSettings, type Notice, type Workspace } from '../analysis/index';

export interface FixSummary {
  readonly fixesApplied: number;
  readonly filesFixed: number;
}

export interface FixOnDiskInput {
  readonly workspace: Workspace;
  readonly linter: Linter;
  /** Workspace paths of the files to fix (the checked files), in a stable order. */
  readonly files: readonly string[];
  readonly settingsFor: (path: string) => LintSettings;
  /** Marks the findings another mechanism suppresses (the baseline), so their fixes are left alone too. */
  readonly markSuppressed?: (path: string, findings: readonly Finding[], text: string) => readonly Finding[];
}

/** Fixes every file it can; problems (a file changed on disk meanwhile, a write that failed) become notices. */
export function applySafeFixesOnDisk(input: FixOnDiskInput): { summary: FixSummary; notices: Notice[] } {
  const { workspace, linter } = input;
  const notices: Notice[] = [];
  let fixesApplied = 0;
  let filesFixed = 0;
  for (const file of input.files) {
    const original = workspace.fileText(file);
    if (original === undefined) continue;
    const settings = input.settingsFor(file);
    const lintSafeFixes = (text: string): Fix[] => {
      if (text !== workspace.fileText(file)) workspace.setFile(file, text);
      const findings = linter.lintFile(workspace, file, { settings, withFixes: true }).findings;
      return safeLocalFixes(input.markSuppressed ? input.markSuppressed(file, findings, text) : findings, file);
    };
    let fixed: { text: string; fixesApplied: number };
    try {
      fixed = fixToFixedPoint(original, file, lintSafeFixes);
    } finally {
      workspace.setFile(file, original);
    }
    if (fixed.fixesApplied === 0 || fixed.text === original) continue;
    const problem = writeIfUnchanged(path.resolve(file), original, fixed.text);
    if (problem) {
      notices.push({ path: file, level: 'warning', message: `not fixed: ${problem}` });
      continue;
    }
    workspace.setFile(file, fixed.text);
    fixesApplied += fixed.fixesApplied;
    filesFixed++;
  }
  return { summary: { fixesApplied, filesFixed }, notices };
}

/** The fixes fix-all may apply: safe, of findings nobody suppressed, editing only this file. */
export function safeLocalFixes(findings: readonly Finding[], file: string): Fix[] {
  return findings
    .filter((f) => !f.suppression)
    .flatMap((f) => f.fixes)
    .filter((fix) => fix.safety === 'safe' && editsForOtherFiles(fix, file).length === 0);
}

/** "applied 3 fixes to 2 files" */
export function describeFixSummary(summary: FixSummary): string {
  const fixes = `${summary.fixesApplied} ${summary.fixesApplied === 1 ? 'fix' : 'fixes'}`;
  const files = `${summary.filesFixed} ${summary.filesFixed === 1 ? 'file' : 'files'}`;
  return `applied ${fixes} to ${files}`;
}

/** Writes `text` to `file` if it still holds `expected` (BOM aside); returns a problem or undefined. */
function writeIfUnchanged(file: string, expected: string, text: string): string | undefined {
  let current: string;
  try {
    // Fatal decoding: a file that is not valid UTF-8 was read with replacement characters, and
    // writing those back would destroy the bytes they stand for.
    current = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(fs.readFileSync(file));
  } catch (e) {
    if (e instanceof TypeError) return 'it is not valid UTF-8';
    return `cannot read it again (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  const bom = current.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  if (current.slice(bom.length) !== expected) return 'it changed on disk while it was being checked';
  try {
    fs.writeFileSync(file, bom + text);
  } catch (e) {
    return `cannot write it (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  return undefined;
}
