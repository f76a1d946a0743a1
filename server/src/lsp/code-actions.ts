// Code actions: one `quickfix` per fix of each finding that overlaps the requested range (or that the
// client names through a diagnostic's `data`), the first safe fix of a finding preferred; then, per
// finding, "Disable <rule> for this line" / "… for this file", which insert a suppression comment
// (analysis/engine/suppression-edits.ts); and `source.fixAll.wasm-safety`, which applies only safe
// fixes to a fixed point with the same `fixToFixedPoint` the CLI uses. The "Fix all auto-fixable
// problems" command (`workspace/executeCommand` FIX_ALL_COMMAND) computes the same edit and applies it
// with `workspace/applyEdit`. Suppressed findings (comment or baseline) get neither fixes nor actions. Fixes are computed on
// demand (lint with `withFixes`) and cached per document version and workspace revision. A request
// whose diagnostics (or command arguments) belong to another document version is refused: its ranges
// no longer match the text.
//
// The reason of a suppression: a client that declared a snippet command in `initializationOptions`
// (`suppressionSnippetCommand`, the VS Code extension does) gets an action that runs that command with
// a snippet whose tab stop selects the reason; other clients get a plain edit with an empty reason,
// which the invalid-suppression rule then reports, asking for one.

import { type CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic, type Position, type WorkspaceEdit } from 'vscode-languageserver';
import {
  editsForOtherFiles, type Fix, fixToFixedPoint, type Finding, LineIndex, type LintResult, rangesTouch, type TextEdit, type TextRange,
} from '../analysis/index';
import { type InsertedSuppressionScope, suppressionInsertion } from '../analysis/engine/suppression-edits';
import { SUPPRESSION_RULE_IDS } from '../analysis/engine/suppressions';
import type { OpenDocument } from './documents';
import type { RuleDocumentation } from './rule-documentation';
import { diagnosticRef, type ServerSettings, textRange } from './from-lsp';
import type { Session } from './session';
import { DIAGNOSTIC_SOURCE, fileUri, findingFingerprint, toDiagnostic, toWorkspaceEdit, type WorkspaceEditOptions } from './to-lsp';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.wasm-safety`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

/** Server command: apply every safe fix of a document. Argument: `{ uri, version? }`. */
export const FIX_ALL_COMMAND = 'wasm-safety.applyFixAll';

/** What FIX_ALL_COMMAND answers. `refused`: the document is not open, or not at the given version. */
export interface FixAllCommandResult {
  readonly applied: boolean;
  readonly fixesApplied: number;
  readonly refused?: string;
}

/** Argument of the client's snippet command: insert `snippet` at `position` if the document is still at `version`. */
export interface InsertSnippetArguments {
  readonly uri: string;
  readonly version: number;
  readonly position: Position;
  readonly snippet: string;
}

interface CachedLint {
  readonly key: string;
  readonly result: LintResult;
}

export class CodeActionProvider {
  private readonly cache = new Map<string, CachedLint>();
  private readonly editOptions: WorkspaceEditOptions;

  /**
   * `snippetCommand`: the client command that inserts a snippet (from initializationOptions), if any.
   * `docs`: adds a "Show documentation for <rule-id>" action per finding (rule-documentation.ts).
   */
  constructor(private readonly session: Session, private readonly snippetCommand?: string, private readonly docs?: RuleDocumentation) {
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
    const file = { uri: open.document.uri, lines: open.document.lines };
    const requested = textRange(params.range, file.lines);
    const named = new Map(params.context.diagnostics.flatMap((d) => {
      const ref = d.source === DIAGNOSTIC_SOURCE ? diagnosticRef(d.data) : undefined;
      return ref ? [[ref.fingerprint, d] as const] : [];
    }));
    const actions: CodeAction[] = [];
    const disable: CodeAction[] = [];
    // Fixes are needed only where this request looks: the range and the diagnostics it names.
    const wanted = [requested, ...[...named.values()].map((d) => textRange(d.range, file.lines))];
    for (const finding of this.lintWithFixes(open, settings, wanted).findings) {
      if (finding.suppression) continue;
      const clientDiagnostic = named.get(findingFingerprint(finding));
      if (!clientDiagnostic && !rangesTouch(finding.range, requested)) continue;
      const diagnostic = clientDiagnostic ?? toDiagnostic(finding, file, open.document.version, session.diagnosticOptions);
      if (!SUPPRESSION_RULE_IDS.has(finding.ruleId)) disable.push(...this.disableActions(open, finding, diagnostic, file.lines));
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
    // Fixes first, then the suppressions (ESLint's order), each rule's line and file actions once.
    const seen = new Set<string>();
    return [...actions, ...disable.filter((a) => !seen.has(a.title) && seen.add(a.title))];
  }

  /** "Disable <rule> for this line" and "… for this file" for one finding. */
  private disableActions(open: OpenDocument, finding: Finding, diagnostic: Diagnostic, lines: LineIndex): CodeAction[] {
    const { workspace } = this.session;
    const text = open.document.getText();
    const scopes: [InsertedSuppressionScope, string][] = [['next-line', 'this line'], ['file', 'this file']];
    return workspace.withDocument(open.path, (doc) => {
      if (doc.text !== text) return [];
      const actions: CodeAction[] = [];
      for (const [scope, where] of scopes) {
        const insertion = suppressionInsertion(doc.tree.rootNode, text, doc.language, lines, scope, finding.ruleId, finding.range.start);
        if (!insertion) continue;
        const title = `Disable ${finding.ruleId} for ${where}`;
        const action: CodeAction = { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] };
        if (this.snippetCommand && insertion.snippet !== undefined) {
          const args: InsertSnippetArguments = {
            uri: open.document.uri, version: open.document.version, position: lines.positionAt(insertion.edit.range.start), snippet: insertion.snippet,
          };
          action.command = { title, command: this.snippetCommand, arguments: [args] };
        } else {
          const edit = toWorkspaceEdit([insertion.edit], open.path, this.editOptions);
          if (!edit) continue;
          action.edit = edit;
        }
        actions.push(action);
      }
      return actions;
    });
  }

  /**
   * FIX_ALL_COMMAND: applies the document's fix-all edit through `workspace/applyEdit` (versioned when
   * the client supports `documentChanges`, so the client refuses it if the text changed in flight).
   */
  async executeFixAll(argument: unknown): Promise<FixAllCommandResult> {
    const { session } = this;
    const { uri, version: requested } = (argument ?? {}) as { uri?: unknown; version?: unknown };
    const open = typeof uri === 'string' ? session.documents.get(uri) : undefined;
    if (!open || session.workspace.languageOf(open.path) === undefined) return { applied: false, fixesApplied: 0, refused: 'the document is not open' };
    const version = open.document.version;
    const stale = (): FixAllCommandResult | undefined =>
      (typeof requested === 'number' && requested !== open.document.version) || open.document.version !== version || session.documents.get(open.document.uri) !== open
        ? { applied: false, fixesApplied: 0, refused: `the document changed (version ${String(requested ?? version)} → ${open.document.version}); run the command again` }
        : undefined;
    if (stale()) return stale()!;
    const settings = await session.settingsFor(open.path);
    if (session.isShutDown) return { applied: false, fixesApplied: 0, refused: 'the server is shutting down' };
    if (stale()) return stale()!;
    if (!settings.enable) return { applied: false, fixesApplied: 0 };
    const fixed = this.computeFixAll(open, settings);
    if (!fixed) return { applied: false, fixesApplied: 0 };
    const response = await session.connection.workspace.applyEdit({ label: 'Fix all auto-fixable wasm-safety problems', edit: fixed.edit });
    return { applied: response.applied, fixesApplied: response.applied ? fixed.fixesApplied : 0, refused: response.applied ? undefined : response.failureReason ?? 'the editor did not apply the edit' };
  }

  /**
   * All safe fixes of the document, applied pass after pass until nothing changes. Fixes that also
   * edit other files are left out: fix-all edits this document only, and half a fix would break it.
   */
  private fixAll(open: OpenDocument, settings: ServerSettings): CodeAction | undefined {
    const fixed = this.computeFixAll(open, settings);
    return fixed && { title: `Fix all safe wasm-safety problems (${fixed.fixesApplied})`, kind: FIX_ALL_KIND, edit: fixed.edit };
  }

  /** The one edit of fix-all (shared by the code action and FIX_ALL_COMMAND), or undefined when nothing applies. */
  private computeFixAll(open: OpenDocument, settings: ServerSettings): { edit: WorkspaceEdit; fixesApplied: number } | undefined {
    const { workspace, linter } = this.session;
    const { path } = open;
    const original = open.document.getText();
    const localSafeFixes = (findings: readonly Finding[]): Fix[] =>
      findings.filter((f) => !f.suppression).flatMap((f) => f.fixes).filter((fix) => fix.safety === 'safe' && editsForOtherFiles(fix, path).length === 0);
    const initial = localSafeFixes(this.lintWithFixes(open, settings).findings);
    if (initial.length === 0) return undefined;

    // Later passes lint candidate texts in place (the crate index must see them) and restore the buffer after.
    const keepTree = workspace.hasTree(path);
    let fixed: { text: string; fixesApplied: number };
    try {
      fixed = fixToFixedPoint(original, path, (text) => {
        if (text === original) return initial;
        workspace.setFile(path, text, keepTree);
        return localSafeFixes(this.session.config.markBaselined(path, linter.lintFile(workspace, path, { settings: settings.lint, withFixes: true }).findings, text));
      });
    } finally {
      workspace.setFile(path, original, keepTree);
    }
    if (fixed.fixesApplied === 0 || fixed.text === original) return undefined;
    const edit = toWorkspaceEdit([singleEdit(original, fixed.text)], path, this.editOptions);
    return edit && { edit, fixesApplied: fixed.fixesApplied };
  }

  /**
   * The document's findings with fixes — for findings touching `within` only, when given (a quick-fix
   * request: the incremental Linter then re-analyses just that part of a large file).
   */
  private lintWithFixes(open: OpenDocument, settings: ServerSettings, within?: readonly TextRange[]): LintResult {
    const key = `${open.document.version}|${this.session.revision}|${within ? JSON.stringify(within) : 'all'}`;
    const cached = this.cache.get(open.path);
    if (cached?.key === key) return cached.result;
    const linted = this.session.linter.lintFile(this.session.workspace, open.path, { settings: settings.lint, withFixes: true, fixesWithin: within });
    this.session.log.internalErrors(linted.internalErrors);
    // Baselined findings are hidden like commented ones: no actions, and fix-all leaves them alone.
    const result = { ...linted, findings: this.session.config.markBaselined(open.path, linted.findings, open.document.getText()) };
    this.cache.set(open.path, { key, result });
    return result;
  }
}

/** True when a requested kind in `only` is `kind` or one of its parents (`source` covers `source.fixAll.x`). */
function wants(only: readonly string[] | undefined, kind: string): boolean {
  return only === undefined || only.some((k) => kind === k || kind.startsWith(`${k}.`));
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
