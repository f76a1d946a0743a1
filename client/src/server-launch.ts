// How the client starts and talks to the bundled language server: the server module path, the
// transport (Node IPC, with an --inspect port when the extension host runs in debug mode), the
// documents it serves and the files whose changes it must hear about. Pure configuration: no analysis.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/node-flags';
import { explicitSection } from './explicit-settings';
import {
  type ConfigurationParams,
  type Middleware,
  RevealOutputChannelOn,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** Client id = settings prefix, so vscode-languageclient reads `wasmSafety.trace.server` itself. */
export const CLIENT_ID = 'wasmSafety';
export const CLIENT_NAME = 'wasm-safety';
export const CONFIGURATION_SECTION = 'wasmSafety';

/** VS Code language ids the server analyses (Rust crates and the TS/JS that calls their glue). */
export const SERVED_LANGUAGES = ['rust', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'] as const;

/** On disk (`file`) and never-saved (`untitled`) documents; virtual file systems are not supported. */
export const DOCUMENT_SELECTOR: DocumentSelector = SERVED_LANGUAGES.flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

/**
 * Files that change findings in OTHER files: crate configuration decides the build mode (Rust rules),
 * wasm-pack output decides which TS imports are wasm glue, and sources feed the cross-file indexes.
 */
export const WATCHED_FILE_GLOBS = [
  '**/{Cargo.toml,Cargo.lock,package.json,*.rs,*.ts,*.tsx,*.js,*.mjs,*.cjs,*.wasm}',
  // tsconfig/jsconfig `paths` decide where imports go (also `tsconfig.base.json` and other `extends` targets).
  '**/{tsconfig,jsconfig}*.json',
  '**/.cargo/config{,.toml}',
  // wasm-safety.json and baseline files (named wasm-safety*.json to be noticed without a restart).
  '**/wasm-safety*.json',
] as const;

/** A fixed port so a "Attach to Node process" launch configuration can find a debug-mode server. */
const DEBUG_INSPECT_PORT = 6019;

export function serverOptions(extensionPath: string): ServerOptions {
  const module = path.join(extensionPath, 'dist', 'server.js');
  return {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', `--inspect=${DEBUG_INSPECT_PORT}`] },
    },
  };
}

export function clientOptions(outputChannel: vscode.OutputChannel): {
  options: LanguageClientOptions;
  watchers: vscode.FileSystemWatcher[];
} {
  const watchers = WATCHED_FILE_GLOBS.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  return {
    watchers,
    options: {
      documentSelector: DOCUMENT_SELECTOR,
      synchronize: { fileEvents: watchers, configurationSection: CONFIGURATION_SECTION },
      outputChannel,
      middleware: settingsMiddleware,
      // Findings are in the Problems view; the log is there for bug reports, not to pop up.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    },
  };
}

/** The `wasmSafety` settings the server reads (everything in package.json's configuration but the client's own `trace.server`). */
const SERVER_SETTING_KEYS = ['enable', 'rules', 'debounceMs', 'classifierNames', 'classifierModule', 'extraJsCallPoints', 'maxFileSize', 'parseBudgetMs', 'analysisBudgetMs'] as const;

/**
 * Answers the server's `workspace/configuration` requests for `wasmSafety` with only the settings the
 * user set explicitly (see explicit-settings.ts): defaults must not override wasm-safety.json.
 */
const settingsMiddleware: Middleware = {
  workspace: {
    configuration: async (params: ConfigurationParams, token, next) => {
      const answers = await next(params, token);
      if (!Array.isArray(answers)) return answers;
      return params.items.map((item, i) => {
        if (item.section !== CONFIGURATION_SECTION) return answers[i];
        const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
        const configuration = vscode.workspace.getConfiguration(CONFIGURATION_SECTION, scope);
        return explicitSection(SERVER_SETTING_KEYS, (key) => configuration.inspect(key));
      });
    },
  },
};
