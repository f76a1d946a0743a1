// Wires an LSP connection to the analysis: lifecycle (initialize loads the grammars and builds the
// session; initialized starts the workspace scan; shutdown disposes documents and trees), document
// sync, file events, settings and code actions. Every handler is guarded: an exception is logged and,
// for requests, answered with an LSP error; it never ends the process. Used by main.ts (the bundled
// server) and by the CLI's `wasm-safety lsp --stdio`.

import {
  type Connection, ErrorCodes, FileChangeType, type InitializeParams, type InitializeResult, ResponseError,
  TextDocumentSyncKind, type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { ALL_RULES, languageOfPath, type Rule } from '../analysis/index';
import { loadGrammars } from '../host/wasm-files';
import { BackgroundLinter, scanThreads } from './background';
import { CODE_ACTION_KINDS, CodeActionProvider, FIX_ALL_COMMAND } from './code-actions';
import { DiagnosticsPublisher } from './diagnostics';
import { OpenDocuments } from './documents';
import { clientFeatures, filePath } from './from-lsp';
import { ServerLog } from './log';
import { Session, type WorkspaceFolder } from './session';
import { SettingsStore } from './settings-store';
import { registerTestRequests, type TestHooks, testHooksFromEnv } from './test-hooks';
import { fileUri } from './to-lsp';
import { registerInventoryRequest } from './inventory-request';
import { RuleDocumentation } from './rule-documentation';

export interface StartServerOptions {
  /** The rules to run (default: every registered rule). */
  readonly rules?: readonly Rule[];
  /** Test-only hooks (default: from WASM_SAFETY_TEST_HOOKS in the environment, see test-hooks.ts). */
  readonly testHooks?: TestHooks;
}

/** Folders never worth hearing about from file events (the disk scan skips them too). */
const IGNORED_DIRECTORY = /\/(node_modules|target|\.git|\.hg|\.svn)\//;

interface Services {
  readonly session: Session;
  readonly diagnostics: DiagnosticsPublisher;
  readonly background: BackgroundLinter;
  readonly codeActions: CodeActionProvider;
  readonly docs: RuleDocumentation;
}

/** Registers every handler on `connection` and starts listening. */
export function startServer(connection: Connection, options: StartServerOptions = {}): void {
  const log = new ServerLog(connection.console);
  const rules = options.rules ?? ALL_RULES;
  const documents = new OpenDocuments();
  const testHooks = options.testHooks ?? testHooksFromEnv(process.env);
  let services: Services | undefined;
  let initializeReceived = false;
  // LSP: a request before `initialize` is answered with ServerNotInitialized (-32002), one after
  // `shutdown` with InvalidRequest.
  const requireServices = (): Services => {
    if (!services) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'wasm-safety: the server has not been initialized');
    if (services.session.isShutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'wasm-safety: the server is shut down');
    return services;
  };
  let scanDone: Promise<void> = Promise.resolve();

  connection.onInitialize(
    log.guardRequest('initialize', async (params: InitializeParams): Promise<InitializeResult> => {
      // `initialize` may be sent once; a second one would build a second session and leak the first's trees.
      if (initializeReceived) throw new ResponseError(ErrorCodes.InvalidRequest, 'wasm-safety: initialize was already received');
      initializeReceived = true;
      const client = clientFeatures(params.capabilities);
      const grammars = await loadGrammars();
      const settings = new SettingsStore(connection, client.configuration, rules, log);
      const session = new Session(connection, log, client, documents, settings, workspaceFolders(params), grammars, rules, testHooks?.faultInjection);
      const diagnostics = new DiagnosticsPublisher(session);
      const docs = new RuleDocumentation(params);
      const codeActions = new CodeActionProvider(session, snippetCommandOf(params.initializationOptions), docs);
      services = { session, diagnostics, background: new BackgroundLinter(session, diagnostics, scanThreads(testHooks?.scanWorkersMinChars)), codeActions, docs };
      return {
        capabilities: {
          textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
          codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
          executeCommandProvider: { commands: [FIX_ALL_COMMAND, ...docs.serverCommands()] },
          ...docs.capabilities(),
          // Folders added later are scanned, removed ones forgotten (multi-root workspaces).
          ...(client.workspaceFolders ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
        },
        serverInfo: { name: 'wasm-safety' },
      };
    }),
  );

  connection.onInitialized(
    log.guard('initialized', () => {
      if (!services) return;
      const { session } = services;
      session.log.info(`wasm-safety: ${rules.length} rules; workspace folders: ${session.folders.map((f) => f.path).join(', ') || '(none)'}`);
      if (testHooks) session.log.warn(`test hooks are on (WASM_SAFETY_TEST_HOOKS=1)${testHooks.faultInjection ? `; rule ${testHooks.faultInjection} is made to throw` : ''}`);
      scanDone = services.background.scanWorkspaceFolders();
      if (session.client.workspaceFolders) connection.workspace.onDidChangeWorkspaceFolders(log.guard('didChangeWorkspaceFolders', onFoldersChanged));
    }),
  );

  const onFoldersChanged = (event: WorkspaceFoldersChangeEvent): void => {
    if (!services) return;
    const { session, diagnostics, background } = services;
    const added = event.added.map((f) => folderOfUri(f.uri)).filter((f): f is WorkspaceFolder => f !== undefined);
    const removed = event.removed.map((f) => folderOfUri(f.uri)?.path).filter((p): p is string => p !== undefined);
    const change = session.changeFolders(added, removed);
    session.log.info(`workspace folders: ${session.folders.map((f) => f.path).join(', ') || '(none)'}`);
    for (const path of change.dropped) diagnostics.clear(path);
    // The other files' findings may depend on what came or went (crates, imported glue, config files).
    diagnostics.relintOpenDocuments();
    if (change.added.length > 0) void background.scanAddedFolders(change.added);
    else if (removed.length > 0) background.requestRelint();
  };

  documents.listen(
    connection,
    {
      opened: ({ path, document }) => {
        if (!services) return;
        const { session, diagnostics } = services;
        if (!session.isTracked(path)) return;
        const text = document.getText();
        const changed = session.workspace.fileText(path) !== text;
        session.setEditorText(path, text);
        diagnostics.schedule(path, 0, changed ? 'edit' : 'open');
      },
      changed: ({ path, document }) => {
        if (!services) return;
        const { session, diagnostics } = services;
        if (!session.isTracked(path)) return;
        session.setEditorText(path, document.getText(), document.takeChange());
        diagnostics.schedule(path, session.settings.peek(document.uri).debounceMs, 'edit');
      },
      closed: ({ path, document }) => {
        if (!services) return;
        const { session, diagnostics, codeActions, background } = services;
        diagnostics.cancel(path);
        codeActions.forget(path);
        services.docs.forget(path);
        diagnostics.releaseMemoryWhenNothingOpen(); // (the closed file's re-lint below restarts the wait)
        if (!session.isTracked(path)) return;
        const editorText = document.getText();
        // The closed file's diagnostics fall back to its on-disk version (or go away with it).
        const exists = session.loadFromDisk(path, session.settings.peek(undefined).lint.analysis.maxFileSize);
        if (exists && languageOfPath(path)) void diagnostics.lintClosedFile(path);
        else diagnostics.clear(path);
        if (session.workspace.fileText(path) !== editorText && session.affectsOtherFiles(path)) {
          diagnostics.relintOpenDocuments();
          background.requestRelint();
        }
      },
      saved: ({ path }) => {
        if (!services) return;
        // Files that are not open are re-linted on save (not per keystroke) when the saved file feeds them.
        if (services.session.affectsOtherFiles(path)) services.background.requestRelint();
      },
    },
    (where, handler) => log.guard(where, handler),
  );

  connection.onDidChangeWatchedFiles(
    log.guard('didChangeWatchedFiles', (params) => {
      if (!services) return;
      const { session, diagnostics, background } = services;
      let affectsOthers = false;
      for (const change of params.changes) {
        const path = filePath(change.uri);
        if (path === undefined || IGNORED_DIRECTORY.test(path)) continue;
        if (session.config.isConfigRelated(path)) {
          // wasm-safety.json or a baseline: settings and baselined findings of every file may change.
          session.config.changed();
          affectsOthers = true;
          continue;
        }
        if (session.documents.isOpen(path)) continue;
        if (!session.isTracked(path) && !path.endsWith('.wasm')) continue;
        const exists = change.type !== FileChangeType.Deleted && session.loadFromDisk(path, session.settings.peek(undefined).lint.analysis.maxFileSize);
        if (!exists) {
          session.workspace.removeFile(path);
          diagnostics.clear(path);
        } else if (languageOfPath(path)) {
          void diagnostics.lintClosedFile(path);
        }
        affectsOthers ||= session.affectsOtherFiles(path);
      }
      session.touch();
      if (affectsOthers) {
        diagnostics.relintOpenDocuments();
        background.requestRelint();
      }
    }),
  );

  connection.onDidChangeConfiguration(
    log.guard('didChangeConfiguration', (params) => {
      if (!services) return;
      services.session.settings.changed(params.settings);
      services.diagnostics.relintOpenDocuments();
      services.background.requestRelint();
    }),
  );

  connection.onCodeAction(
    log.guardRequest('codeAction', async (params) => requireServices().codeActions.provide(params)),
  );

  connection.onHover(log.guardRequest('hover', async (params) => {
    const { docs, session } = requireServices();
    return docs.hover(session, params);
  }));
  connection.onExecuteCommand(
    log.guardRequest('executeCommand', async (params) => {
      const { codeActions, docs } = requireServices();
      if (params.command === FIX_ALL_COMMAND) return codeActions.executeFixAll(params.arguments?.[0]);
      return docs.executeCommand(connection, params);
    }),
  );
  registerInventoryRequest(connection, log, () => requireServices().session, () => scanDone);

  connection.onShutdown(
    log.guardRequest('shutdown', () => {
      if (!services) return;
      services.diagnostics.dispose();
      services.session.dispose();
    }),
  );

  if (testHooks) registerTestRequests(connection, () => services?.session);

  connection.listen();
}

/** The client command that inserts a snippet (VS Code extension: `suppressionSnippetCommand`), if declared. */
function snippetCommandOf(initializationOptions: unknown): string | undefined {
  const command = (initializationOptions as { suppressionSnippetCommand?: unknown } | null | undefined)?.suppressionSnippetCommand;
  return typeof command === 'string' && command.length > 0 ? command : undefined;
}

/** A workspace folder from its URI; undefined for URIs that are not `file:` (virtual workspaces). */
function folderOfUri(uri: string): WorkspaceFolder | undefined {
  const path = filePath(uri);
  return path === undefined ? undefined : { path, uri };
}

function workspaceFolders(params: InitializeParams): WorkspaceFolder[] {
  const folders: WorkspaceFolder[] = [];
  const add = (uri: string): void => {
    const folder = folderOfUri(uri);
    if (folder && !folders.some((f) => f.path === folder.path)) folders.push(folder);
  };
  if (params.workspaceFolders) for (const folder of params.workspaceFolders) add(folder.uri);
  else if (params.rootUri) add(params.rootUri);
  else if (params.rootPath) add(fileUri(params.rootPath));
  return folders;
}
