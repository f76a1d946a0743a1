// The state of one language-server session, created at `initialize`: the Workspace (open buffers and
// on-disk files), the Linter, the open documents, the settings and what the client supports. Every
// write to the Workspace goes through here, so the revision counter (which keys derived caches such as
// the code-action fixes) moves with each change of any file.

import * as fs from 'node:fs';
import type { Connection } from 'vscode-languageserver';
import {
  DEFAULT_SETTINGS, type Grammars, isCrateConfigFile, isTsConfigFile, isWithin, languageOfPath, LineIndex, Linter, type LintOptions, type LintResult, type Rule, type TextChange,
  type RuleMeta, Workspace,
} from '../analysis/index';
import { readSourceFile } from '../host/disk-workspace';
import type { OpenDocuments } from './documents';
import { type ClientFeatures, isUntitledPath, type ServerSettings } from './from-lsp';
import type { ServerLog } from './log';
import type { SettingsStore } from './settings-store';
import { WorkspaceConfig } from './workspace-config';
import { configProblemDiagnostic, type DiagnosticOptions, type EditTarget, fileUri, type FileLocator } from './to-lsp';

const LINE_INDEX_CACHE_SIZE = 32;

/** A Linter whose every run makes one rule throw (the Linter's `faultInjection` option), for fault-isolation tests. */
class FaultInjectingLinter extends Linter {
  constructor(rules: readonly Rule[], grammars: Grammars, private readonly faultyRule: string, incremental: boolean) {
    super(rules, grammars, { incremental });
  }

  override lintFile(workspace: Workspace, path: string, options: LintOptions): LintResult {
    return super.lintFile(workspace, path, { ...options, faultInjection: this.faultyRule });
  }
}

export interface WorkspaceFolder {
  readonly path: string;
  readonly uri: string;
}

export class Session implements FileLocator {
  readonly workspace: Workspace;
  /** Lints open documents, incrementally (engine/incremental.ts): they are re-linted as they are typed. */
  readonly linter: Linter;
  /**
   * Lints the files that are not open (the start-up scan, re-lints after file events, the report): the
   * Linter `check` uses — text gates skip the files no rule can report in, no run is kept for files
   * nobody edits — so the editor's scan costs what `check` costs and finds what it finds.
   */
  readonly closedFileLinter: Linter;
  readonly rules: ReadonlyMap<string, RuleMeta>;
  readonly diagnosticOptions: DiagnosticOptions;
  /** Config files (`wasm-safety.json`) and baselines. */
  readonly config: WorkspaceConfig;
  private currentRevision = 0;
  private closed = false;
  private folderList: readonly WorkspaceFolder[];

  constructor(
    readonly connection: Connection,
    readonly log: ServerLog,
    readonly client: ClientFeatures,
    readonly documents: OpenDocuments,
    readonly settings: SettingsStore,
    folders: readonly WorkspaceFolder[],
    grammars: Grammars,
    rules: readonly Rule[],
    /** Test-only (test-hooks.ts): the rule made to throw on every lint. */
    readonly faultInjection?: string,
  ) {
    this.folderList = folders;
    // The parse budget applies to every parse, also of open documents (a pathological buffer must not hang the server).
    this.workspace = new Workspace(grammars, { roots: folders.map((f) => f.path), parseBudgetMs: DEFAULT_SETTINGS.parseBudgetMs });
    const linter = (incremental: boolean): Linter => faultInjection ? new FaultInjectingLinter(rules, grammars, faultInjection, incremental) : new Linter(rules, grammars, { incremental });
    this.linter = linter(true);
    this.closedFileLinter = linter(false);
    this.rules = new Map(rules.map((r) => [r.id, r]));
    this.diagnosticOptions = { rules: this.rules, relatedInformation: client.relatedInformation, files: this };
    this.config = new WorkspaceConfig(rules, () => this.folders.map((f) => f.path), log, (configPath, problems) => {
      void connection.sendDiagnostics({ uri: fileUri(configPath), diagnostics: problems.map(configProblemDiagnostic) });
    });
  }

  /** The workspace folders, as of the latest `workspace/didChangeWorkspaceFolders`. */
  get folders(): readonly WorkspaceFolder[] {
    return this.folderList;
  }

  /**
   * Applies a change of the workspace folders. Files that were only known through a removed folder
   * (not open, not within a folder that stays) leave the Workspace; their paths are returned, so their
   * diagnostics can be cleared. Returns the folders that are new (to be scanned).
   */
  changeFolders(added: readonly WorkspaceFolder[], removedPaths: readonly string[]): { added: WorkspaceFolder[]; dropped: string[] } {
    const kept = this.folderList.filter((f) => !removedPaths.includes(f.path));
    const fresh = added.filter((f, i) => !kept.some((k) => k.path === f.path) && added.findIndex((g) => g.path === f.path) === i);
    const removed = this.folderList.filter((f) => !kept.includes(f));
    this.folderList = [...kept, ...fresh];
    const dropped: string[] = [];
    if (removed.length > 0) {
      for (const path of this.workspace.paths()) {
        if (!removed.some((f) => isWithin(f.path, path)) || kept.some((f) => isWithin(f.path, path)) || this.documents.isOpen(path)) continue;
        this.workspace.removeFile(path);
        this.linter.forgetRuns(path);
        dropped.push(path);
      }
    }
    if (removed.length > 0 || fresh.length > 0) {
      this.workspace.setRoots(this.folderList.map((f) => f.path));
      this.config.changed(); // a config file is looked up to its innermost folder, which may have changed
      this.currentRevision++;
    }
    return { added: fresh, dropped };
  }

  /** The Linter for `path`: the incremental one while it is open, else the scan Linter. */
  linterFor(path: string): Linter {
    return this.documents.isOpen(path) ? this.linter : this.closedFileLinter;
  }

  /** Changes whenever any file's text (or the settings) changes. */
  get revision(): string {
    return `${this.currentRevision}/${this.settings.generation}/${this.config.generation}`;
  }

  get isShutDown(): boolean {
    return this.closed;
  }

  // ---- writes to the Workspace --------------------------------------------------------------------

  /** The editor's buffer for `path` (open documents keep their tree for incremental re-parsing). */
  setEditorText(path: string, text: string, change?: TextChange & { readonly previousText: string }): void {
    // A buffer over maxFileSize keeps no tree: the Linter skips it with a notice, and keeping a tree would
    // parse the whole buffer again on every keystroke.
    const small = text.length <= this.settings.peek(this.scopeUriOf(path)).lint.analysis.maxFileSize;
    this.workspace.setFile(path, text, small && languageOfPath(path) !== undefined, change);
    this.currentRevision++;
  }

  /**
   * Makes the Workspace hold the on-disk version of `path` (after a close or a file event): the file's
   * text, or nothing when it no longer exists. Returns false when the file does not exist.
   */
  loadFromDisk(path: string, maxFileBytes: number): boolean {
    this.workspace.releaseTree(path);
    this.linter.forgetRuns(path);
    this.currentRevision++;
    if (path.endsWith('.wasm')) {
      if (fs.existsSync(path)) this.workspace.addPath(path);
      else this.workspace.removeFile(path);
      return this.workspace.fileExists(path);
    }
    if (isUntitledPath(path) || !fs.existsSync(path)) {
      this.workspace.removeFile(path);
      return false;
    }
    const { text, notice } = readSourceFile(path, maxFileBytes);
    if (text === undefined) {
      // Unreadable or too large: known to exist, but not analysed.
      this.workspace.removeFile(path);
      this.workspace.addPath(path);
      if (notice) this.log.once('warn', `disk:${path}:${notice}`, `${path}: ${notice}`);
      return true;
    }
    this.workspace.setFile(path, text);
    return true;
  }

  /** Marks a change made outside the methods above (the background scan's loads). */
  touch(): void {
    this.currentRevision++;
  }

  dispose(): void {
    this.closed = true;
    this.lineIndexes.clear();
    this.workspace.dispose();
  }

  // ---- questions about paths ----------------------------------------------------------------------

  /** Files the server keeps in the Workspace: lintable sources, the configs that decide crates and build modes, and tsconfig/jsconfig files (import paths). */
  isTracked(path: string): boolean {
    return languageOfPath(path) !== undefined || isCrateConfigFile(path) || isTsConfigFile(path);
  }

  /**
   * True when a change to `path` can change the findings of OTHER files: Rust sources feed the crate
   * index that other Rust files and the TS callers read; configs decide crates and build modes; JS and
   * declaration files may be wasm-bindgen glue; tsconfig `paths` decide where imports go.
   */
  affectsOtherFiles(path: string): boolean {
    const language = languageOfPath(path);
    return language === 'rust' || language === 'javascript' || path.endsWith('.d.ts') || path.endsWith('.wasm') || isCrateConfigFile(path) || isTsConfigFile(path);
  }

  /** The URI to publish under: the open document's own URI when open, else the file URI. */
  uriOf(path: string): string {
    return this.documents.atPath(path)?.document.uri ?? fileUri(path);
  }

  /** Settings scope of a path: its open document, else its innermost workspace folder, else global. */
  scopeUriOf(path: string): string | undefined {
    const open = this.documents.atPath(path);
    if (open) return open.document.uri;
    let best: WorkspaceFolder | undefined;
    for (const folder of this.folders) if (isWithin(folder.path, path) && (!best || folder.path.length > best.path.length)) best = folder;
    return best?.uri;
  }

  /** The editor settings of the path's scope over its config file (explicitly set editor values win). */
  async settingsFor(path: string): Promise<ServerSettings> {
    return this.config.settingsFor(path, await this.settings.get(this.scopeUriOf(path)));
  }

  /** FileLocator: the URI and line index of a file whose text is known. */
  locate(path: string): { uri: string; lines: LineIndex } | undefined {
    const open = this.documents.atPath(path);
    if (open) return { uri: this.uriOf(path), lines: open.document.lines };
    const text = this.workspace.fileText(path);
    return text === undefined ? undefined : { uri: this.uriOf(path), lines: this.linesOf(path, text) };
  }

  /** Line indexes of recently located files: related locations point at the same few files over and over. */
  private readonly lineIndexes = new Map<string, { readonly text: string; readonly lines: LineIndex }>();

  private linesOf(path: string, text: string): LineIndex {
    const cached = this.lineIndexes.get(path);
    if (cached?.text === text) return cached.lines;
    if (this.lineIndexes.size >= LINE_INDEX_CACHE_SIZE) this.lineIndexes.delete(this.lineIndexes.keys().next().value!);
    const lines = new LineIndex(text);
    this.lineIndexes.set(path, { text, lines });
    return lines;
  }

  /** A file an edit may touch, with its open version; undefined when it exists neither in the editor nor on disk. */
  editTarget(path: string): EditTarget | undefined {
    const open = this.documents.atPath(path);
    if (open) return { uri: open.document.uri, version: open.document.version, lines: open.document.lines };
    let text = this.workspace.fileText(path);
    if (text === undefined) {
      if (isUntitledPath(path) || !fs.existsSync(path)) return undefined;
      text = readSourceFile(path, Number.MAX_SAFE_INTEGER).text ?? '';
    }
    return { uri: fileUri(path), version: null, lines: new LineIndex(text) };
  }
}
