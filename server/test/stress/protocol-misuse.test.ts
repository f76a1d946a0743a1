// Protocol misuse against the real server process (issue 9.3): requests before `initialize`, a second
// `initialize`, unknown URIs and schemes, code-action ranges outside the document, a didChange for a
// document that was never opened, versions going backwards, malformed params, unknown methods,
// cancellation of every request the server handles, shutdown while the workspace scan runs, requests
// after shutdown, and exit without shutdown. The server must answer with LSP errors (or empty results)
// and keep running; the regression cases the fuzz test found in document sync (a range past the last
// line, a '\r' joined to a '\n') are pinned here too.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import type { InitializeResult } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from '../support/lsp-client';
import { type DocumentState, startHookedServer, temporaryCrate, unexpectedLogLines } from './stress-support';

const SERVER_NOT_INITIALIZED = -32002;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const REQUEST_CANCELLED = -32800;

const BUGGY_RS = `use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static COUNTS: RefCell<Vec<u32>> = RefCell::new(Vec::new());
}

#[wasm_bindgen]
extern "C" {
    fn notify_js(count: u32);
}

#[wasm_bindgen]
pub fn bump(n: u32) {
    COUNTS.with_borrow_mut(|c| {
        c.push(n);
        notify_js(n);
    });
}
`;

async function errorOf(promise: Promise<unknown>): Promise<ResponseError<unknown> | undefined> {
  try {
    await promise;
    return undefined;
  } catch (e) {
    if (e instanceof ResponseError) return e;
    throw e;
  }
}

const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

describe('protocol misuse', () => {
  let crate: ReturnType<typeof temporaryCrate>;
  let client: LspTestClient;
  let initialized: InitializeResult;
  let libUri: string;

  before(() => {
    crate = temporaryCrate('wasm-safety-misuse-');
    fs.writeFileSync(path.join(crate.src, 'lib.rs'), BUGGY_RS);
    libUri = fileUri(path.join(crate.src, 'lib.rs'));
    client = startHookedServer();
    client.settings = { enable: true, debounceMs: 0 };
  });

  after(() => {
    client?.dispose();
    crate?.dispose();
  });

  it('answers a request before initialize with ServerNotInitialized and drops notifications', async () => {
    const error = await errorOf(client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: libUri }, range: ZERO, context: { diagnostics: [] } }));
    assert.equal(error?.code, SERVER_NOT_INITIALIZED, `expected error -32002, got ${JSON.stringify(error)}`);
    await client.change(libUri, 5, [{ text: 'fn x() {}' }]);
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    initialized = await client.initialize(crate.root);
    assert.ok(initialized.capabilities.textDocumentSync);
  });

  it('refuses a second initialize with InvalidRequest', async () => {
    const error = await errorOf(client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }));
    assert.equal(error?.code, INVALID_REQUEST, `expected error -32600, got ${JSON.stringify(error)}`);
  });

  it('answers unknown methods with MethodNotFound and malformed params with an error, and keeps running', async () => {
    const unknown = await errorOf(client.connection.sendRequest('wasmSafety/noSuchMethod', {}));
    assert.equal(unknown?.code, METHOD_NOT_FOUND);
    const malformed = await errorOf(client.connection.sendRequest('textDocument/codeAction', null));
    assert.ok(malformed, 'codeAction without params is an error response');
    const wrongTypes = await errorOf(client.connection.sendRequest('textDocument/codeAction', { textDocument: 42, range: 'x', context: null }));
    assert.ok(wrongTypes === undefined || typeof wrongTypes.code === 'number');
    await client.notify('textDocument/didOpen', { textDocument: null });
    await client.notify('textDocument/didChange', { textDocument: { uri: 7 }, contentChanges: 'no' });
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file:///nowhere/x.rs', type: 3 }, { uri: 'not a uri', type: 1 }, { uri: fileUri(path.join(crate.src, 'ghost.rs')), type: 1 }] });
    const after = await client.codeActions({ textDocument: { uri: libUri }, range: ZERO, context: { diagnostics: [] } });
    assert.deepEqual(after ?? [], [], 'still answering (lib.rs is not open)');
  });

  it('answers code actions for unknown URIs, other schemes and out-of-document ranges without errors', async () => {
    await client.open(libUri, 'rust', 1, BUGGY_RS);
    await client.waitForDiagnostics(libUri, 'diagnostics of version 1', (p) => p.version === 1 && p.diagnostics.length > 0);
    const ranges = [
      { start: { line: 9999, character: 0 }, end: { line: 10_000, character: 5 } },
      { start: { line: 16, character: 500 }, end: { line: 2, character: 0 } },
      { start: { line: -1, character: -4 }, end: { line: 0, character: 1_000_000 } },
      { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 1_000_000 } },
    ];
    for (const range of ranges) {
      const actions = await client.codeActions({ textDocument: { uri: libUri }, range, context: { diagnostics: [] } });
      assert.ok(Array.isArray(actions ?? []), `code actions for ${JSON.stringify(range)}`);
    }
    // A range covering the document (past its end) still finds the finding's fixes.
    const all = await client.codeActions({ textDocument: { uri: libUri }, range: ranges[3], context: { diagnostics: [] } });
    assert.ok((all ?? []).length > 0, 'fixes for the whole (over-long) range');
    for (const uri of [fileUri(path.join(crate.src, 'never-opened.rs')), 'untitled:Untitled-9', 'vscode-notebook-cell:/x.ipynb#W1', 'file://host/share/x.rs', 'garbage']) {
      const actions = await client.codeActions({ textDocument: { uri }, range: ranges[1], context: { diagnostics: [{ range: ZERO, message: 'x', source: 'wasm-safety', data: { ruleId: 1 } }] } });
      assert.deepEqual(actions ?? [], [], `no actions for ${uri}`);
    }
  });

  it('ignores a didChange for a document that is not open, and tolerates versions going backwards', async () => {
    const ghost = fileUri(path.join(crate.src, 'ghost.rs'));
    const since = client.published.length;
    await client.change(ghost, 2, [{ range: ZERO, text: 'fn f() { panic!() }' }]);
    const state = await client.request<DocumentState | null>('wasmSafety/test/documentState', { uri: ghost });
    assert.equal(state, null, 'the server does not invent a document');
    // An older version number than the open one: applied (the server follows the client's order), published with that version.
    await client.change(libUri, 0, [{ range: ZERO, text: '// back\n' }]);
    await client.waitForDiagnostics(libUri, 'a publish for version 0', (p) => p.version === 0, { since });
    assert.ok(!client.published.slice(since).some((p) => p.uri === ghost && p.diagnostics.length > 0), 'nothing published for the unopened document');
  });

  it('keeps the text right after a change whose range is past the last line, and after joining \\r and \\n', async () => {
    // Regression (found by fuzz-edits): vscode-languageserver-textdocument's incremental line offsets broke here.
    const uri = fileUri(path.join(crate.src, 'lines.rs'));
    await client.open(uri, 'rust', 1, '');
    await client.change(uri, 2, [{ range: ZERO, text: 'a' }]);
    await client.change(uri, 3, [{ range: { start: { line: 2, character: 0 }, end: { line: 1, character: 0 } }, text: '\r' }]);
    await client.change(uri, 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: '' }]);
    let state = await client.request<DocumentState | null>('wasmSafety/test/documentState', { uri });
    assert.equal(state?.text, '\r');
    await client.change(uri, 5, [{ range: ZERO, text: 'x\n' }]); // "x\n\r"
    await client.change(uri, 6, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'y' }]); // "x\ny\r"
    await client.change(uri, 7, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: '\r' }]); // "x\r\ny\r": \r joins \n
    await client.change(uri, 8, [{ range: { start: { line: 1, character: 1 }, end: { line: 1, character: 1 } }, text: 'z' }]); // line 1 is "y"
    state = await client.request<DocumentState | null>('wasmSafety/test/documentState', { uri });
    assert.equal(state?.text, 'x\r\nyz\r');
    await client.notify('textDocument/didClose', { textDocument: { uri } });
  });

  it('answers every request kind it supports when the request is cancelled (a result or RequestCancelled)', async () => {
    const requests: [string, unknown][] = [
      ['textDocument/codeAction', { textDocument: { uri: libUri }, range: ZERO, context: { diagnostics: [] } }],
      ['textDocument/codeAction', { textDocument: { uri: libUri }, range: ZERO, context: { diagnostics: [], only: ['source.fixAll'] } }],
      ['wasmSafety/test/documentState', { uri: libUri, compareTree: true }],
    ];
    if (initialized.capabilities.hoverProvider) requests.push(['textDocument/hover', { textDocument: { uri: libUri }, position: { line: 15, character: 9 } }]);
    for (const [method, params] of requests) {
      for (const when of ['before sending', 'right after sending']) {
        const source = new CancellationTokenSource();
        if (when === 'before sending') source.cancel();
        const pending = client.connection.sendRequest(method, params, source.token);
        if (when !== 'before sending') source.cancel();
        const error = await errorOf(pending);
        assert.ok(error === undefined || error.code === REQUEST_CANCELLED, `${method} cancelled ${when}: ${JSON.stringify(error)}`);
      }
    }
    // Cancelling a request id that does not exist is harmless.
    await client.notify('$/cancelRequest', { id: 987654 });
    await client.notify('window/workDoneProgress/cancel', { token: 'no-such-token' });
    const state = await client.request<DocumentState | null>('wasmSafety/test/documentState', { uri: libUri });
    assert.ok(state, 'still answering after the cancellations');
  });

  it('shuts down, refuses requests after shutdown with InvalidRequest, and exits with 0 after exit', async () => {
    await client.request('shutdown', null);
    const error = await errorOf(client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: libUri }, range: ZERO, context: { diagnostics: [] } }));
    assert.equal(error?.code, INVALID_REQUEST);
    assert.deepEqual(unexpectedLogLines(client.log), [], 'no guard failure or internal error logged');
    await client.notify('exit', null);
    assert.equal(await client.whenExited(), 0);
  });
});

describe('lifecycle misuse', () => {
  let crate: ReturnType<typeof temporaryCrate>;

  before(() => {
    // A workspace big enough that the start-up scan is still running when shutdown arrives.
    crate = temporaryCrate('wasm-safety-lifecycle-');
    for (let i = 0; i < 1500; i++) fs.writeFileSync(path.join(crate.src, `m${i}.rs`), BUGGY_RS.replace('bump', `bump${i}`));
  });

  after(() => crate?.dispose());

  it('shuts down cleanly in the middle of the workspace scan', async () => {
    const client = LspTestClient.start();
    try {
      await client.initialize(crate.root);
      // Shutdown as soon as the scan has published its first file (it has ~1500 to go).
      await client.waitForDiagnostics(fileUri(path.join(crate.src, 'm0.rs')), 'the scan under way', () => true, { timeoutMs: 60_000 }).catch(() => undefined);
      const scannedBefore = client.published.length;
      await client.request('shutdown', null);
      await client.notify('exit', null);
      assert.equal(await client.whenExited(), 0, 'exit code 0 after shutdown + exit');
      assert.ok(scannedBefore < 1500, `shutdown arrived during the scan (${scannedBefore} files published before it)`);
      assert.deepEqual(unexpectedLogLines(client.log), [], 'nothing failed on the way down');
    } finally {
      client.dispose();
    }
  });

  it('exits with code 1 on exit without shutdown, also during the scan and before initialize', async () => {
    for (const when of ['before initialize', 'during the scan']) {
      const client = LspTestClient.start();
      try {
        if (when === 'during the scan') await client.initialize(crate.root);
        await client.notify('exit', null);
        assert.equal(await client.whenExited(), 1, `exit without shutdown (${when}) ends the process with 1, as LSP says`);
        assert.doesNotMatch(client.stderrText, /Error|at /, `no stack trace on stderr (${when})`);
      } finally {
        client.dispose();
      }
    }
  });
});
