// The VS Code extension entry point: starts the bundled wasm-safety language server (dist/server.js)
// and wires the output channel, the language status item and the commands (edit-commands.ts: fix-all
// and the suppression snippet; doc-commands.ts: rule documentation and the failure-class report).
// All analysis happens
// in the server; the client only launches it and forwards documents, file events and settings.

import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { documentationInitializationOptions, registerDocCommands } from './doc-commands';
import { INITIALIZATION_OPTIONS, registerEditCommands } from './edit-commands';
import { CLIENT_ID, CLIENT_NAME, clientOptions, serverOptions } from './server-launch';
import { SHOW_OUTPUT_COMMAND, ServerStatus } from './status';

const RESTART_COMMAND = 'wasmSafety.restartServer';

let client: LanguageClient | undefined;
let status: ServerStatus | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  status = new ServerStatus();
  const { options, watchers } = clientOptions(outputChannel);
  // Added to whatever else the launch options send, so other features can use the same channel.
  const launchOptions: unknown = options.initializationOptions;
  options.initializationOptions = { ...(typeof launchOptions === 'object' && launchOptions !== null ? launchOptions : {}), ...INITIALIZATION_OPTIONS, ...documentationInitializationOptions };
  const languageClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions(context.extensionPath), options);
  client = languageClient;
  const serverStatus = status;

  context.subscriptions.push(
    outputChannel,
    serverStatus,
    ...watchers,
    languageClient.onDidChangeState((event) => serverStatus.show(event.newState)),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => outputChannel.show(true)),
    ...registerEditCommands(() => client),
    ...registerDocCommands(context, () => client),
    vscode.commands.registerCommand(RESTART_COMMAND, async () => {
      outputChannel.appendLine('Restarting the wasm-safety server…');
      serverStatus.expectStop(true);
      try {
        await languageClient.restart();
      } catch (e) {
        reportStartFailure(outputChannel, serverStatus, e);
      }
    }),
  );

  try {
    await languageClient.start();
  } catch (e) {
    // The extension stays active so the restart command and the output channel remain usable.
    reportStartFailure(outputChannel, serverStatus, e);
  }
}

export async function deactivate(): Promise<void> {
  status?.expectStop(true);
  const running = client;
  client = undefined;
  status = undefined;
  if (running) await running.dispose();
}

function reportStartFailure(outputChannel: vscode.OutputChannel, serverStatus: ServerStatus, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  outputChannel.appendLine(`The wasm-safety server failed to start: ${message}`);
  serverStatus.showFailure('server failed to start — see the output channel');
}
