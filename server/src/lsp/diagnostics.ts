// Linting and publishing diagnostics. An edited document is linted as soon as the server is idle
// (`debounceMs`, default 0, adds an optional quiet time): the lint runs once every message already
// received has been handled (see schedule), so edits that arrive while a lint is running are
// coalesced into one run for the newest version (the Workspace re-parses lazily, so they
// also cost one incremental parse). A fixed debounce was dropped because it adds its whole delay to
// every keystroke's feedback even when the server has nothing else to do. A run is dropped when a
// newer version arrived meanwhile, so every publish carries the version it was computed for and that
// version is the latest. After a change to a file that other files depend on (Rust, config, possible
// glue), the other open documents are re-linted once the edits pause (DEPENDENTS_DELAY_MS, pushed back
// by each new edit: the edited file's own feedback comes first) and republished only if their
// diagnostics changed. Files that are not open are linted on demand (background scan, file events,
// close) and published without a version.

import { type Diagnostic, PublishDiagnosticsNotification } from 'vscode-languageserver';
import { type Finding, LineIndex, type LintResult } from '../analysis/index';
import type { Session } from './session';
import { fullCollection, IdleCollector, minorCollection, RELEASE_DELAYS_MS } from './idle-gc';
import { toDiagnostic } from './to-lsp';

/**
 * Why an open document is linted, strongest first: `edit` (its text changed: publish, then re-lint the
 * documents that depend on it), `open` (publish), `dependency` (another file or the settings changed:
 * publish only if the diagnostics changed).
 */
export type LintTrigger = 'edit' | 'open' | 'dependency';

const STRENGTH: Readonly<Record<LintTrigger, number>> = { edit: 2, open: 1, dependency: 0 };

/** Quiet time after an edit before the open documents that depend on the edited file are re-linted. */
export const DEPENDENTS_DELAY_MS = 250;

type PendingLint = { readonly kind: 'timeout'; readonly handle: NodeJS.Timeout } | { readonly kind: 'immediate'; readonly handle: NodeJS.Immediate };

function cancelPending(pending: PendingLint): void {
  if (pending.kind === 'timeout') clearTimeout(pending.handle);
  else clearImmediate(pending.handle);
}

interface Published {
  readonly uri: string;
  /** The diagnostics as sent, to tell whether a re-lint changed anything (as JSON once compared). */
  readonly diagnostics: readonly Diagnostic[];
  json?: string;
}

/** The published diagnostics as JSON, computed on the first comparison (an edit's publish needs none). */
function publishedJson(published: Published): string {
  return (published.json ??= JSON.stringify(published.diagnostics));
}

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, PendingLint>();
  /** The strongest trigger of each pending lint. */
  private readonly pendingTrigger = new Map<string, LintTrigger>();
  /** Paths with non-empty published diagnostics. */
  private readonly published = new Map<string, Published>();
  /** Collects V8's young generation once the server is idle after a publish (idle-gc.ts). */
  private readonly idleCollector = new IdleCollector(minorCollection());
  /** Gives memory back once the last document has closed and the server is quiet (idle-gc.ts). */
  private readonly memoryReleaser = new IdleCollector(fullCollection(), RELEASE_DELAYS_MS);

  constructor(private readonly session: Session) {}

  /** Lints the open document at `path` once `delayMs` passed without a newer schedule for it. */
  schedule(path: string, delayMs: number, trigger: LintTrigger): void {
    // A lint due now cancels an idle collection; one due later (dependents) cancels it when it starts.
    if (delayMs === 0) this.idleCollector.busy();
    this.memoryReleaser.busy();
    const existing = this.timers.get(path);
    if (existing) cancelPending(existing);
    this.mergeTrigger(path, trigger);
    let pending: PendingLint;
    const run = this.session.log.guard(`lint ${path}`, async () => {
      if (this.timers.get(path) !== pending) return;
      this.idleCollector.busy();
      this.timers.delete(path);
      await this.lintOpenDocument(path);
    });
    if (delayMs > 0) {
      pending = { kind: 'timeout', handle: setTimeout(run, delayMs) };
    } else {
      // 0: once the messages already received are handled. vscode-jsonrpc handles one queued message
      // per event-loop turn (setImmediate), so a lint due on the next turn would run between every two
      // queued edits; due two turns later, it is pushed back by each further queued edit (which
      // reschedules it) and runs once the queue is empty, for the newest version.
      const firstTurn: PendingLint = {
        kind: 'immediate',
        handle: setImmediate(() => {
          if (this.timers.get(path) !== firstTurn) return;
          pending = { kind: 'immediate', handle: setImmediate(run) };
          this.timers.set(path, pending);
        }),
      };
      pending = firstTurn;
    }
    this.timers.set(path, pending);
  }

  /** Re-lints every open document (settings changed, the background scan completed the indexes). */
  relintOpenDocuments(): void {
    for (const doc of this.session.documents.all()) if (!this.timers.has(doc.path)) this.schedule(doc.path, 0, 'dependency');
  }

  /** Forgets the pending lint of a document (it was closed). */
  cancel(path: string): void {
    const pending = this.timers.get(path);
    if (pending) cancelPending(pending);
    this.timers.delete(path);
    this.pendingTrigger.delete(path);
  }

  /** Lints a file that is not open (its on-disk text) and publishes if its diagnostics changed. */
  async lintClosedFile(path: string): Promise<void> {
    const { session } = this;
    if (session.documents.isOpen(path)) return; // its own schedule covers it
    const settings = await session.settingsFor(path);
    if (session.isShutDown || session.documents.isOpen(path)) return;
    if (!settings.enable || session.workspace.languageOf(path) === undefined) {
      this.clear(path);
      return;
    }
    this.publishClosedResult(path, session.closedFileLinter.lintFile(session.workspace, path, { settings: settings.lint }));
  }

  /**
   * Publishes the lint of a file that is not open, computed from its current text (here, or by a lint
   * worker of the background scan from a copy of the workspace).
   */
  publishClosedResult(path: string, result: LintResult): void {
    const { session } = this;
    this.logResult(result);
    const text = session.workspace.fileText(path) ?? '';
    const file = { uri: session.uriOf(path), lines: new LineIndex(text) };
    const diagnostics = visible(session.config.markBaselined(path, result.findings, text)).map((f) => toDiagnostic(f, file, undefined, session.diagnosticOptions));
    this.publish(path, file.uri, diagnostics, undefined, true);
    this.releaseMemoryWhenNothingOpen();
  }

  /** Removes the published diagnostics of `path` (file deleted, analysis disabled). */
  clear(path: string): void {
    const previous = this.published.get(path);
    if (!previous) return;
    this.published.delete(path);
    const open = this.session.documents.atPath(path);
    const version = open?.document.uri === previous.uri ? open.document.version : undefined;
    void this.session.connection.sendNotification(PublishDiagnosticsNotification.type, { uri: previous.uri, version, diagnostics: [] });
  }

  /**
   * A document was closed, or a file that is not open was linted: once no document is open, memory goes
   * back after a few quiet seconds (each such piece of work restarts the wait; opening a document cancels it).
   */
  releaseMemoryWhenNothingOpen(): void {
    const { session } = this;
    if (!session.documents.all().some((open) => session.isTracked(open.path))) this.memoryReleaser.workDone();
  }

  dispose(): void {
    this.idleCollector.busy();
    this.memoryReleaser.busy();
    for (const pending of this.timers.values()) cancelPending(pending);
    this.timers.clear();
    this.pendingTrigger.clear();
  }

  private async lintOpenDocument(path: string): Promise<void> {
    const { session } = this;
    const trigger = this.pendingTrigger.get(path) ?? 'dependency';
    this.pendingTrigger.delete(path);
    const open = session.documents.atPath(path);
    if (!open || session.isShutDown) return;
    const version = open.document.version;
    const settings = await session.settingsFor(path);
    if (session.isShutDown || session.documents.atPath(path) !== open) return;
    if (open.document.version !== version || this.timers.has(path)) {
      // A newer version arrived while the settings were read: its own (pending) run publishes.
      this.mergeTrigger(path, trigger);
      return;
    }
    if (!settings.enable || session.workspace.languageOf(path) === undefined) {
      this.clear(path);
    } else {
      const result = session.linter.lintFile(session.workspace, path, { settings: settings.lint });
      this.logResult(result);
      const file = { uri: open.document.uri, lines: open.document.lines };
      const findings = visible(session.config.markBaselined(path, result.findings, open.document.getText()));
      const diagnostics = findings.map((f) => toDiagnostic(f, file, version, session.diagnosticOptions));
      this.publish(path, file.uri, diagnostics, version, trigger === 'dependency');
      this.idleCollector.workDone();
    }
    if (trigger === 'edit' && session.affectsOtherFiles(path)) {
      for (const other of session.documents.all()) {
        if (other.path === path) continue;
        // A pending lint of its own (edit/open) is not delayed; a pending dependency re-lint is pushed back.
        const pendingTrigger = this.pendingTrigger.get(other.path);
        if (!this.timers.has(other.path) || pendingTrigger === 'dependency') this.schedule(other.path, DEPENDENTS_DELAY_MS, 'dependency');
      }
    }
  }

  private mergeTrigger(path: string, trigger: LintTrigger): void {
    const pending = this.pendingTrigger.get(path);
    if (pending === undefined || STRENGTH[trigger] > STRENGTH[pending]) this.pendingTrigger.set(path, trigger);
  }

  private publish(path: string, uri: string, diagnostics: Diagnostic[], version: number | undefined, onlyIfChanged: boolean): void {
    const previous = this.published.get(path);
    const next: Published = { uri, diagnostics };
    if (onlyIfChanged && (previous ? previous.uri === uri && publishedJson(previous) === publishedJson(next) : diagnostics.length === 0)) return;
    if (previous && previous.uri !== uri) {
      // The file is now known under another URI (opened in the editor): clear the old entry.
      void this.session.connection.sendNotification(PublishDiagnosticsNotification.type, { uri: previous.uri, diagnostics: [] });
    }
    if (diagnostics.length > 0) this.published.set(path, next);
    else this.published.delete(path);
    void this.session.connection.sendNotification(PublishDiagnosticsNotification.type, { uri, version, diagnostics });
  }

  private logResult(result: LintResult): void {
    this.session.log.internalErrors(result.internalErrors);
    this.session.log.notices(result.notices);
  }
}

/** Suppressed findings (suppression comment, baseline) are kept in results but never shown. */
function visible(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppression);
}
