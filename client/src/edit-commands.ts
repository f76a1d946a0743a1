// The client side of two editing features whose logic lives in the server (server/src/lsp/code-actions.ts):
//   - "Disable <rule> for this line / file": the server's code action runs INSERT_SUPPRESSION_COMMAND
//     with a snippet, which this inserts with `editor.insertSnippet`, so the reason is a tab stop the
//     cursor lands on (a WorkspaceEdit cannot carry a snippet). The server learns that this command
//     exists from `initializationOptions.suppressionSnippetCommand`.
//   - "Fix all auto-fixable problems" (FIX_ALL_COMMAND, in the command palette): asks the server to
//     apply the active document's safe fixes; the server refuses when the document changed meanwhile.

import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

export const INSERT_SUPPRESSION_COMMAND = 'wasmSafety.insertSuppressionSnippet';
export const FIX_ALL_COMMAND = 'wasmSafety.executeAutofix';
/** The server's command (server/src/lsp/code-actions.ts FIX_ALL_COMMAND). */
const SERVER_FIX_ALL_COMMAND = 'wasm-safety.applyFixAll';

/** What the server's code action passes to INSERT_SUPPRESSION_COMMAND. */
interface InsertSnippetArguments {
  readonly uri: string;
  readonly version: number;
  readonly position: { readonly line: number; readonly character: number };
  readonly snippet: string;
}

/** What the server's fix-all command answers. */
export interface FixAllResult {
  readonly applied: boolean;
  readonly fixesApplied: number;
  readonly refused?: string;
}

/** `initializationOptions` that tell the server which client commands it may use. */
export const INITIALIZATION_OPTIONS = { suppressionSnippetCommand: INSERT_SUPPRESSION_COMMAND };

export function registerEditCommands(client: () => LanguageClient | undefined): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(INSERT_SUPPRESSION_COMMAND, insertSuppressionSnippet),
    vscode.commands.registerCommand(FIX_ALL_COMMAND, () => fixAll(client())),
  ];
}

async function insertSuppressionSnippet(args: InsertSnippetArguments): Promise<boolean> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === vscode.Uri.parse(args.uri).toString())
    ?? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
  if (document.version !== args.version) {
    void vscode.window.showWarningMessage('wasm-safety: the file changed since the action was offered; run it again.');
    return false;
  }
  const editor = await vscode.window.showTextDocument(document);
  return editor.insertSnippet(new vscode.SnippetString(args.snippet), new vscode.Position(args.position.line, args.position.character));
}

async function fixAll(client: LanguageClient | undefined): Promise<FixAllResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('wasm-safety: open a Rust, TypeScript or JavaScript file to fix.');
    return undefined;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('wasm-safety: the server is not running.');
    return undefined;
  }
  const { document } = editor;
  const result = await client.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_FIX_ALL_COMMAND,
    arguments: [{ uri: client.code2ProtocolConverter.asUri(document.uri), version: document.version }],
  }) as FixAllResult | null;
  if (!result) return undefined;
  if (result.refused) void vscode.window.showWarningMessage(`wasm-safety: fix-all not applied: ${result.refused}.`);
  else if (result.fixesApplied === 0) void vscode.window.showInformationMessage('wasm-safety: no auto-fixable problems in this file.');
  return result;
}
