// Fault isolation on the client side (issue 9.5), in a real VS Code extension host: the language-server
// process is killed (SIGKILL, as a crash or the OOM killer would), the client starts a new one and
// re-sends the open documents. Proof that the document was re-sent, not just that old diagnostics
// stayed on screen: after the restart an incremental edit that removes the bug clears the diagnostic and
// undoing it brings it back, which only a server holding the document's text can do (a didChange for a
// document it never saw opened is ignored). Waits on diagnostics events and on the new process showing
// up in /proc; no fixed sleeps.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';

const SOURCE = 'wasm-safety';
const EXTENSION_ID = 'wasm-safety.wasm-safety';
const CODE = 'borrow-held-across-js-call';

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
const hasCode = (uri: vscode.Uri): boolean => ours(uri).some((d) => codeOf(d) === CODE);

/** Resolves when `ready()` holds, checked now and on every diagnostics change of `uri`. */
function waitForDiagnostics(uri: vscode.Uri, ready: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error): void => {
      subscription.dispose();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && ready()) finish();
    });
    const timer = setTimeout(() => {
      const shown = ours(uri).map((d) => `${d.range.start.line + 1}: ${codeOf(d)}`).join(', ') || '(none)';
      finish(new Error(`expected ${what} within ${timeoutMs} ms; the editor shows: ${shown}`));
    }, timeoutMs);
    if (ready()) finish();
  });
}

/** Pids of the wasm-safety server processes this extension host started (children running <extension>/dist/server.js; tsserver.js is not one). */
function serverPids(): number[] {
  const serverModule = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'server.js');
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (after the parenthesised command name) is the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg === serverModule)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** Polls /proc (every 100 ms, up to `timeoutMs`) until `probe` returns a value. */
async function poll<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('wasm-safety server restart after a crash', function () {
  this.timeout(120_000);
  let doc: vscode.TextDocument;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'store/src/lib.rs'));
    await vscode.window.showTextDocument(doc);
    await extension.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a killed server is restarted, gets the open document again and reports on it', async () => {
    await waitForDiagnostics(doc.uri, () => hasCode(doc.uri), `${CODE} before the crash`);
    const running = await poll(() => (serverPids().length > 0 ? serverPids() : undefined), 'the server process');
    assert.equal(running.length, 1, `one wasm-safety server process: ${running.join(', ')}`);
    const [oldPid] = running;
    process.kill(oldPid, 'SIGKILL');
    const newPid = await poll(() => serverPids().find((pid) => pid !== oldPid), 'a new server process after the kill');
    assert.notEqual(newPid, oldPid);

    // Remove the JS call under the borrow with an incremental edit: only a server that has the document clears the finding.
    const call = ours(doc.uri).find((d) => codeOf(d) === CODE)!;
    const line = doc.lineAt(call.range.start.line);
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, line.rangeIncludingLineBreak);
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
    await waitForDiagnostics(doc.uri, () => !hasCode(doc.uri), `no ${CODE} once the call is deleted (the new server has the document)`);
    await vscode.commands.executeCommand('undo');
    await waitForDiagnostics(doc.uri, () => hasCode(doc.uri), `${CODE} back after undo`);
    assert.deepEqual(serverPids(), [newPid], 'one server, the restarted one');
  });
});
