// Client commands that show things as rendered Markdown previews: a rule's bundled documentation page
// ("Show documentation for <rule-id>", the code action the server offers on every finding) and the
// failure-class report the server renders on request ("wasm-safety: Show failure-class report"). The
// server does the work; these only open what it returns, so they stay analysis-free.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const SHOW_DOCUMENTATION_COMMAND = 'wasmSafety.showDocumentation';
export const SHOW_REPORT_COMMAND = 'wasmSafety.showFailureClassReport';
/** Must match server/src/lsp/inventory-request.ts. */
const FAILURE_CLASS_REPORT_REQUEST = 'wasmSafety/failureClassReport';
const REPORT_FILE = 'failure-class-report.md';

/** What the server needs to know to offer the "Show documentation" action with our command. */
export const documentationInitializationOptions = { showDocumentationCommand: SHOW_DOCUMENTATION_COMMAND };

export function registerDocCommands(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(SHOW_DOCUMENTATION_COMMAND, (ruleId?: string, pageUri?: string) => showDocumentation(context, ruleId, pageUri)),
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, () => showFailureClassReport(context, client())),
  ];
}

/**
 * Opens the bundled page of `ruleId` as a Markdown preview. Without arguments (from the command palette)
 * it asks which rule. Returns the page's URI, or undefined when nothing was opened.
 */
async function showDocumentation(context: vscode.ExtensionContext, ruleId?: string, pageUri?: string): Promise<vscode.Uri | undefined> {
  const docsFolder = vscode.Uri.file(path.join(context.extensionPath, 'docs', 'rules'));
  if (!ruleId) {
    const pages = await vscode.workspace.fs.readDirectory(docsFolder).then(
      (entries) => entries.filter(([name]) => name.endsWith('.md')).map(([name]) => name.slice(0, -3)).sort(),
      () => [] as string[],
    );
    ruleId = await vscode.window.showQuickPick(pages, { placeHolder: 'Show the documentation of which wasm-safety rule?' });
    if (!ruleId) return undefined;
  }
  const page = pageUri ? vscode.Uri.parse(pageUri) : vscode.Uri.joinPath(docsFolder, `${ruleId}.md`);
  await vscode.commands.executeCommand('markdown.showPreview', page);
  return page;
}

/** Asks the server for the report, writes it to the extension's storage and opens it as a preview. */
async function showFailureClassReport(context: vscode.ExtensionContext, client: LanguageClient | undefined): Promise<vscode.Uri | undefined> {
  if (!client?.isRunning()) {
    void vscode.window.showErrorMessage('wasm-safety: the language server is not running (see the wasm-safety output channel).');
    return undefined;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'wasm-safety: building the failure-class report…' },
    () => client.sendRequest<{ markdown: string }>(FAILURE_CLASS_REPORT_REQUEST, {}),
  );
  // A file (not an untitled buffer), so the preview resolves the report's file: links and can be refreshed.
  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  const file = vscode.Uri.joinPath(context.globalStorageUri, REPORT_FILE);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(result.markdown));
  await vscode.commands.executeCommand('markdown.showPreview', file);
  return file;
}
