// Code actions: one `quickfix` per fix of each finding that overlaps the requested range (or that the
// client names through a diagnostic's `data`), the first safe fix of a finding preferred; and
// `source.fixAll.wasm-safety`, which applies only safe fixes to a fixed point with the same
// `fixToFixedPoint` the CLI uses. Fixes are computed on demand (lint with `withFixes`) and cached per
// document version and workspace revision. A request whose diagnostics belong to an older document
// version is refused: its ranges no longer match the text.

import { type CodeAction, CodeActionKind, type CodeActionParams } from 'vscode-languageserver';
import {
  editsForOtherFiles, type Fix, fixToFixedPoint, type Finding, LineIndex, type LintResult, type TextEdit, type TextRange,
} from '../analysis/index';
import type { OpenDocument } from './documents';
import type { RuleDocumentation } from './rule-documentation';
import { diagnosticRef, type ServerSettings, textRange } from './from-lsp';
import type { Session } from './session';
import { DIAGNOSTIC_SOURCE, fileUri, findingFingerprint, toDiagnostic, toWorkspaceEdit, type WorkspaceEditOptions } from './to-lsp';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.wasm-safety`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

interface CachedLint {
  readonly key: string;
  readonly result: LintResult;
}

export class CodeActionProvider {
  private readonly cache = new Map<string, CachedLint>();
  private readonly editOptions: WorkspaceEditOptions;

  constructor(private readonly session: Session, private readonly docs?: RuleDocumentation) {
    this.editOptions = {
      documentChanges: session.client.documentChanges,
      createFiles: session.client.createFiles,
      target: (path) => session.editTarget(path),
      newFileUri: fileUri,
    };
  }

  /** Drops the cached fixes of a closed document. */
  forget(path: string): void {
    this.cache.delete(path);
  }

  async provide(params: CodeActionParams): Promise<CodeAction[]> {
    const { session } = this;
    const open = session.documents.get(params.textDocument.uri);
    if (!open || session.workspace.languageOf(open.path) === undefined) return [];
    const version = open.document.version;
    for (const diagnostic of params.context.diagnostics) {
      const ref = diagnostic.source === DIAGNOSTIC_SOURCE ? diagnosticRef(diagnostic.data) : undefined;
      if (ref?.version !== undefined && ref.version !== version) return []; // stale request
    }
    const settings = await session.settingsFor(open.path);
    if (session.isShutDown || session.documents.get(params.textDocument.uri) !== open || open.document.version !== version) return [];
    if (!settings.enable) return [];

    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (wants(only, CodeActionKind.QuickFix)) actions.push(...this.quickFixes(open, params, settings), ...(this.docs?.codeActions(params) ?? []));
    // Fix-all runs only when asked for by kind (on save, or the Source Action menu).
    if (only !== undefined && wants(only, FIX_ALL_KIND)) {
      const fixAll = this.fixAll(open, settings);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  }

  private quickFixes(open: OpenDocument, params: CodeActionParams, settings: ServerSettings): CodeAction[] {
    const { session } = this;
    const file = { uri: open.document.uri, lines: new LineIndex(open.document.getText()) };
    const requested = textRange(params.range, file.lines);
    const named = new Map(params.context.diagnostics.flatMap((d) => {
      const ref = d.source === DIAGNOSTIC_SOURCE ? diagnosticRef(d.data) : undefined;
      return ref ? [[ref.fingerprint, d] as const] : [];
    }));
    const actions: CodeAction[] = [];
    for (const finding of this.lintWithFixes(open, settings).findings) {
      const clientDiagnostic = named.get(findingFingerprint(finding));
      if (!clientDiagnostic && !overlaps(finding.range, requested)) continue;
      const diagnostic = clientDiagnostic ?? toDiagnostic(finding, file, open.document.version, session.diagnosticOptions);
      let preferred = false;
      for (const fix of finding.fixes) {
        const edit = toWorkspaceEdit(fix.edits, open.path, this.editOptions);
        if (!edit) {
          session.log.once('info', `cannot-create:${fix.title}`, `fix "${fix.title}" creates a file, which this editor cannot do; not offered`);
          continue;
        }
        const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit };
        if (fix.safety === 'safe' && !preferred) {
          action.isPreferred = true;
          preferred = true;
        }
        actions.push(action);
      }
    }
    return actions;
  }

  /**
   * All safe fixes of the document, applied pass after pass until nothing changes. Fixes that also
   * edit other files are left out: fix-all edits this document only, and half a fix would break it.
   */
  private fixAll(open: OpenDocument, settings: ServerSettings): CodeAction | undefined {
    const { workspace, linter } = this.session;
    const { path } = open;
    const original = open.document.getText();
    const localSafeFixes = (findings: readonly Finding[]): Fix[] =>
      findings.flatMap((f) => f.fixes).filter((fix) => fix.safety === 'safe' && editsForOtherFiles(fix, path).length === 0);
    const initial = localSafeFixes(this.lintWithFixes(open, settings).findings);
    if (initial.length === 0) return undefined;

    // Later passes lint candidate texts in place (the crate index must see them) and restore the buffer after.
    const keepTree = workspace.hasTree(path);
    let fixed: { text: string; fixesApplied: number };
    try {
      fixed = fixToFixedPoint(original, path, (text) => {
        if (text === original) return initial;
        workspace.setFile(path, text, keepTree);
        return localSafeFixes(linter.lintFile(workspace, path, { settings: settings.lint, withFixes: true }).findings);
      });
    } finally {
      workspace.setFile(path, original, keepTree);
    }
    if (fixed.fixesApplied === 0 || fixed.text === original) return undefined;
    const edit = toWorkspaceEdit([singleEdit(original, fixed.text)], path, this.editOptions);
    return edit && { title: `Fix all safe wasm-safety problems (${fixed.fixesApplied})`, kind: FIX_ALL_KIND, edit };
  }

  private lintWithFixes(open: OpenDocument, settings: ServerSettings): LintResult {
    const key = `${open.document.version}|${this.session.revision}`;
    const cached = this.cache.get(open.path);
    if (cached?.key === key) return cached.result;
    const result = this.session.linter.lintFile(this.session.workspace, open.path, { settings: settings.lint, withFixes: true });
    this.session.log.internalErrors(result.internalErrors);
    this.cache.set(open.path, { key, result });
    return result;
  }
}

/** True when a requested kind in `only` is `kind` or one of its parents (`source` covers `source.fixAll.x`). */
function wants(only: readonly string[] | undefined, kind: string): boolean {
  return only === undefined || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/** Touching counts: a cursor at either end of a finding's range asks for its fixes. */
function overlaps(a: TextRange, b: TextRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** The one edit (common prefix and suffix kept) that turns `before` into `after`. */
function singleEdit(before: string, after: string): TextEdit {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  // Never cut a surrogate pair: widen the edit to whole code points.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { range: { start, end: endBefore }, newText: after.slice(start, endAfter) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
