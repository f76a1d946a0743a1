// The custom request behind the VS Code command "wasm-safety: Show failure-class report":
// `wasmSafety/failureClassReport` → `{ markdown }`, the failure-class inventory (analysis/inventory/)
// of the workspace folders (or of one folder) as the language server sees them — open buffers
// included — rendered as Markdown whose locations are `file:` links with `#L<line>`, so the preview's
// links open the code. Waits for the start-up scan, so the report covers every file of the folders.

import type { Connection } from 'vscode-languageserver';
import { buildInventory, type CountedFinding, inventoryMarkdown, isWithin, type LintSettings } from '../analysis/index';
import { loadGrammars } from '../host/wasm-files';
import { filePath } from './from-lsp';
import type { ServerLog } from './log';
import type { Session } from './session';
import { fileUri } from './to-lsp';

export const FAILURE_CLASS_REPORT_REQUEST = 'wasmSafety/failureClassReport';

export interface FailureClassReportParams {
  /** A workspace folder URI; all folders when absent. */
  readonly folderUri?: string;
}

export interface FailureClassReportResult {
  readonly markdown: string;
}

/** `session()` returns the current session or throws the LSP error for a server not (or no longer) serving. */
export function registerInventoryRequest(
  connection: Connection, log: ServerLog, session: () => Session, scanDone: () => Promise<void>,
): void {
  connection.onRequest(
    FAILURE_CLASS_REPORT_REQUEST,
    log.guardRequest(FAILURE_CLASS_REPORT_REQUEST, async (params: FailureClassReportParams | undefined): Promise<FailureClassReportResult> => {
      session(); // before `initialize` or after `shutdown`: the LSP error, not a wait for a scan that never runs
      await scanDone();
      return { markdown: await failureClassReport(session(), params?.folderUri) };
    }),
  );
}

export async function failureClassReport(session: Session, folderUri?: string): Promise<string> {
  const folderPath = folderUri ? filePath(folderUri) : undefined;
  const folders = folderPath ? session.folders.filter((f) => f.path === folderPath) : session.folders;
  const inScope = (path: string): boolean => folders.length === 0 || folders.some((f) => isWithin(f.path, path));
  const files = session.workspace.lintablePaths().filter(inScope).sort();
  const settings = new Map<string, LintSettings>();
  const findings: CountedFinding[] = [];
  for (const path of files) {
    const fileSettings = await session.settingsFor(path);
    if (session.isShutDown) break;
    if (!fileSettings.enable) continue;
    settings.set(path, fileSettings.lint);
    const result = session.linterFor(path).lintFile(session.workspace, path, { settings: fileSettings.lint });
    for (const f of result.findings) findings.push({ ruleId: f.ruleId, family: f.family, severity: f.severity, suppressed: f.suppression !== undefined });
  }
  const inventory = buildInventory({
    workspace: session.workspace,
    grammars: await loadGrammars(),
    files: files.filter((f) => settings.has(f)),
    rules: [...session.rules.values()],
    findings,
    settingsFor: (path) => settings.get(path)!,
  });
  const rootOf = (path: string) => folders.filter((f) => isWithin(f.path, path)).sort((a, b) => b.path.length - a.path.length)[0]?.path;
  return inventoryMarkdown(inventory, {
    displayPath: (path) => {
      const root = rootOf(path);
      const relative = root && path.length > root.length ? path.slice(root.length + 1) : root === path ? '.' : path;
      return folders.length > 1 && root ? `${root.slice(root.lastIndexOf('/') + 1)}/${relative}` : relative;
    },
    link: (l) => `${fileUri(l.path)}#L${l.line}`,
    scope: folders.length === 1 ? `workspace folder \`${folders[0].path.slice(folders[0].path.lastIndexOf('/') + 1)}\`` : `${folders.length} workspace folders`,
  });
}
