// End-to-end test of the language server: spawns the built server (dist/server.js, else the tsc
// output) over stdio with a real JSON-RPC client and a temporary crate on disk, and checks the
// protocol behaviour an editor relies on: the background scan publishes findings of files never
// opened; diagnostics of an open document carry source, code, doc link, range, related locations and
// the document version, and follow incremental edits; a quick fix applied client-side clears its
// diagnostic; settings turn a rule off and the analysis off; requests for unknown documents do not
// crash the server; shutdown/exit ends the process with code 0. A server started in-process with
// test-only rules covers what no real rule offers yet: safe fixes (preferred, fix-all), fixes that
// create a file, and a rule that throws (logged, the server carries on).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  CodeAction, Diagnostic, PublishDiagnosticsParams, TextDocumentEdit, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { dirname, joinPath } from '../src/analysis/index';
import { defineRule } from '../src/analysis/engine/rule';
import { startServer } from '../src/lsp/server';
import { fileUri, LspTestClient } from './support/lsp-client';

const RULE_ID = 'borrow-held-across-js-call';

const CARGO_TOML = `[package]
name = "store"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
wasm-bindgen = "0.2"
`;

/** Catalog §R01's bad example: the JS listener runs while STORE is mutably borrowed. */
const THE_CALL = '        on_change(id);\n';
const LIB_RS = `use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[derive(Default)]
pub struct Store {
    items: HashMap<u32, String>,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = app)]
    fn on_change(id: u32);
}

#[wasm_bindgen]
pub fn set_item(id: u32, v: String) {
    STORE.with_borrow_mut(|s| {
        s.items.insert(id, v);
${THE_CALL}    });
}

#[wasm_bindgen]
pub fn get_item(id: u32) -> Option<String> {
    STORE.with_borrow(|s| s.items.get(&id).cloned())
}
`;

/** A second module with the same bug, never opened in the editor: only the background scan sees it. */
const SCANNED_RS = `use std::cell::RefCell;
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

/** Two modules of one crate: the JS import is declared in one and called under a borrow in the other. */
const JS_RS = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    pub fn notify(id: u32);
}
`;

const USER_RS = `use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use crate::js::notify;

thread_local! {
    static USERS: RefCell<Vec<u32>> = RefCell::new(Vec::new());
}

#[wasm_bindgen]
pub fn add_user(id: u32) {
    USERS.with_borrow_mut(|u| {
        u.push(id);
        notify(id);
    });
}
`;

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `the test text contains ${JSON.stringify(needle)}`);
  return text.slice(0, index).split('\n').length - 1;
}

function findingsOf(params: PublishDiagnosticsParams): Diagnostic[] {
  return params.diagnostics.filter((d) => d.code === RULE_ID);
}

/** Applies a WorkspaceEdit's edits for `uri` to `text` (what an editor does), checking the version it targets. */
function applyWorkspaceEdit(edit: WorkspaceEdit, uri: string, text: string, version: number): { text: string; edits: TextEdit[] } {
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    assert.ok('textDocument' in change, `only text edits expected, got ${JSON.stringify(change)}`);
    const docEdit = change as TextDocumentEdit;
    assert.equal(docEdit.textDocument.uri, uri, 'the fix edits the document it was asked for');
    assert.equal(docEdit.textDocument.version, version, 'the edit targets the current document version');
    edits.push(...(docEdit.edits as TextEdit[]));
  }
  for (const [changeUri, changeEdits] of Object.entries(edit.changes ?? {})) {
    assert.equal(changeUri, uri);
    edits.push(...changeEdits);
  }
  assert.ok(edits.length > 0, 'the fix has at least one edit');
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }): number => lineStarts[p.line] + p.character;
  // Applied back to front so each edit's positions still refer to the original text.
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return { text: out, edits: sorted };
}

describe('language server over stdio', () => {
  let root: string;
  let client: LspTestClient;
  let libUri: string;
  let scannedUri: string;
  let text = LIB_RS;
  let version = 1;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-lsp-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'Cargo.toml'), CARGO_TOML);
    fs.writeFileSync(path.join(root, 'src', 'lib.rs'), LIB_RS);
    fs.writeFileSync(path.join(root, 'src', 'scanned.rs'), SCANNED_RS);
    fs.writeFileSync(path.join(root, 'src', 'js.rs'), JS_RS);
    fs.writeFileSync(path.join(root, 'src', 'user.rs'), USER_RS);
    libUri = fileUri(path.join(root, 'src', 'lib.rs'));
    scannedUri = fileUri(path.join(root, 'src', 'scanned.rs'));
    client = LspTestClient.start();
    client.settings = { enable: true, debounceMs: 200 };
  });

  after(() => {
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('initializes with incremental sync and the quick-fix and fix-all code action kinds', async () => {
    const result = await client.initialize(root);
    const sync = result.capabilities.textDocumentSync;
    assert.equal(typeof sync === 'object' ? sync.change : sync, 2, 'TextDocumentSyncKind.Incremental');
    const codeActions = result.capabilities.codeActionProvider;
    assert.ok(typeof codeActions === 'object');
    assert.deepEqual(codeActions.codeActionKinds, ['quickfix', 'source.fixAll.wasm-safety']);
  });

  it('the background scan publishes diagnostics for a file that was never opened, with progress', async () => {
    const scanned = await client.waitForDiagnostics(scannedUri, `a ${RULE_ID} finding`, (p) => findingsOf(p).length > 0);
    assert.equal(scanned.version, undefined, 'no version for a file that is not open');
    assert.equal(findingsOf(scanned)[0].range.start.line, lineOf(SCANNED_RS, 'notify_js(n);'));
    assert.ok(client.serverRequests.includes('window/workDoneProgress/create'), 'progress was created');
    await client.waitFor('the end of the scan progress', () => client.progress.some((p) => (p as { value?: { kind?: string } }).value?.kind === 'end'));
  });

  it('publishes diagnostics for an opened document with source, code, doc link, range, related locations and version', async () => {
    await client.open(libUri, 'rust', version, text);
    const published = await client.waitForDiagnostics(libUri, `a ${RULE_ID} finding for version 1`, (p) => p.version === 1 && findingsOf(p).length > 0);
    const [diagnostic] = findingsOf(published);
    assert.equal(diagnostic.source, 'wasm-safety');
    assert.equal(diagnostic.code, RULE_ID);
    assert.equal(diagnostic.severity, 1, 'R01 is an error by default');
    assert.equal(diagnostic.codeDescription?.href, `https://github.com/wasm-safety/wasm-safety/blob/main/docs/rules/${RULE_ID}.md`);
    const callLine = lineOf(text, THE_CALL);
    assert.deepEqual(diagnostic.range, { start: { line: callLine, character: 8 }, end: { line: callLine, character: 8 + 'on_change(id)'.length } }, 'on the JS call');
    const related = diagnostic.relatedInformation ?? [];
    assert.ok(related.length > 0, 'related locations (where the borrow is taken, where the state is declared)');
    for (const r of related) {
      assert.equal(r.location.uri, libUri);
      assert.ok(r.message.length > 0);
    }
    const borrowLine = lineOf(text, 'STORE.with_borrow_mut');
    assert.ok(related.some((r) => r.location.range.start.line === borrowLine), `a related location on the borrow (line ${borrowLine}): ${JSON.stringify(related)}`);
    assert.deepEqual(Object.keys(diagnostic.data as object).sort(), ['fingerprint', 'ruleId', 'version']);
  });

  it('follows incremental edits: removing the bug clears the diagnostic, adding it back returns it with the new version', async () => {
    const callLine = lineOf(text, THE_CALL);
    let since = client.published.length;
    await client.change(libUri, ++version, [{ range: { start: { line: callLine, character: 0 }, end: { line: callLine + 1, character: 0 } }, text: '' }]);
    text = text.replace(THE_CALL, '');
    const cleared = await client.waitForDiagnostics(libUri, `version ${version} without ${RULE_ID}`, (p) => p.version === version, { since });
    assert.deepEqual(findingsOf(cleared), []);

    since = client.published.length;
    await client.change(libUri, ++version, [{ range: { start: { line: callLine, character: 0 }, end: { line: callLine, character: 0 } }, text: THE_CALL }]);
    text = LIB_RS;
    const back = await client.waitForDiagnostics(libUri, `version ${version} with ${RULE_ID} again`, (p) => p.version === version, { since });
    assert.equal(findingsOf(back).length, 1);
  });

  it('publishes only for the latest version when edits arrive faster than the debounce', async () => {
    const since = client.published.length;
    const first = version + 1;
    // Three edits in a row: insert a comment line at the top, one character at a time.
    for (const ch of ['/', '/', ' ']) {
      await client.change(libUri, ++version, [{ range: { start: { line: 0, character: text.indexOf('\n') }, end: { line: 0, character: text.indexOf('\n') } }, text: ch }]);
      text = text.replace('\n', `${ch}\n`);
    }
    await client.waitForDiagnostics(libUri, `version ${version}`, (p) => p.version === version, { since });
    const outdated = client.published.slice(since).filter((p) => p.uri === libUri && (p.version ?? 0) < version && (p.version ?? 0) >= first);
    assert.deepEqual(outdated.map((p) => p.version), [], 'no publish for a version that was already superseded');
  });

  it('offers a quick fix whose edit, applied client-side, removes the diagnostic', async () => {
    const latest = [...client.published].reverse().find((p) => p.uri === libUri)!;
    assert.equal(latest.version, version);
    const [diagnostic] = findingsOf(latest);
    const actions = (await client.codeActions({
      textDocument: { uri: libUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const fixes = (actions ?? []).filter((a) => a.kind === 'quickfix' && a.edit);
    assert.ok(fixes.length > 0, `a quick fix for ${RULE_ID}; got ${JSON.stringify(actions)}`);
    const fix = fixes.find((a) => a.isPreferred) ?? fixes[0];
    assert.equal(fix.diagnostics?.[0].code, RULE_ID);
    assert.ok(fixes.every((a) => !a.isPreferred), 'R01 fixes change behaviour (unsafe): none is preferred');

    // Fix-all applies safe fixes only: R01's are all unsafe, so there is nothing to do.
    const fixAll = await client.codeActions({
      textDocument: { uri: libUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.wasm-safety'] },
    });
    assert.deepEqual(fixAll ?? [], []);

    const applied = applyWorkspaceEdit(fix.edit!, libUri, text, version);
    const since = client.published.length;
    await client.change(libUri, ++version, applied.edits.map((e) => ({ range: e.range, text: e.newText })));
    text = applied.text;
    const after = await client.waitForDiagnostics(libUri, `version ${version} after the fix`, (p) => p.version === version, { since });
    assert.deepEqual(findingsOf(after), [], `the fix removed the finding; text now:\n${text}`);

    // A request that names diagnostics of an older version is refused (their ranges no longer match).
    const stale = await client.codeActions({ textDocument: { uri: libUri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    assert.deepEqual(stale ?? [], []);
  });

  it('re-lints another open document when a Rust file it depends on changes', async () => {
    const jsUri = fileUri(path.join(root, 'src', 'js.rs'));
    const userUri = fileUri(path.join(root, 'src', 'user.rs'));
    await client.open(jsUri, 'rust', 1, JS_RS);
    await client.open(userUri, 'rust', 1, USER_RS);
    await client.waitForDiagnostics(userUri, `a ${RULE_ID} finding for version 1`, (p) => p.version === 1 && findingsOf(p).length > 0);

    // Rename the import in js.rs: \`notify\` in user.rs no longer calls into JS.
    const declaration = lineOf(JS_RS, 'fn notify(');
    const at = JS_RS.split('\n')[declaration].indexOf('notify') + 'notify'.length;
    let since = client.published.length;
    await client.change(jsUri, 2, [{ range: { start: { line: declaration, character: at }, end: { line: declaration, character: at } }, text: '_renamed' }]);
    const cleared = await client.waitForDiagnostics(userUri, `user.rs republished without ${RULE_ID}`, (p) => findingsOf(p).length === 0, { since });
    assert.equal(cleared.version, 1, 'republished for the unchanged document version');

    since = client.published.length;
    await client.change(jsUri, 3, [{ range: { start: { line: declaration, character: at }, end: { line: declaration, character: at + '_renamed'.length } }, text: '' }]);
    await client.waitForDiagnostics(userUri, `user.rs republished with ${RULE_ID} again`, (p) => findingsOf(p).length > 0, { since });

    await client.notify('textDocument/didClose', { textDocument: { uri: jsUri } });
    await client.notify('textDocument/didClose', { textDocument: { uri: userUri } });
  });

  it('settings: a rule turned off, then the analysis disabled, clear the diagnostics', async () => {
    // Bring the bug back first.
    let since = client.published.length;
    await client.change(libUri, ++version, [{ range: { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } }, text: LIB_RS }]);
    text = LIB_RS;
    await client.waitForDiagnostics(libUri, `version ${version} with ${RULE_ID}`, (p) => p.version === version && findingsOf(p).length > 0, { since });

    since = client.published.length;
    client.settings = { enable: true, debounceMs: 200, rules: { [RULE_ID]: 'off' } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(libUri, `${RULE_ID} gone after turning it off`, (p) => findingsOf(p).length === 0, { since });

    since = client.published.length;
    client.settings = { enable: true, debounceMs: 200, rules: { [RULE_ID]: 'warning' } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const warning = await client.waitForDiagnostics(libUri, `${RULE_ID} back as a warning`, (p) => findingsOf(p).length > 0, { since });
    assert.equal(findingsOf(warning)[0].severity, 2);

    since = client.published.length;
    client.settings = { enable: false };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(libUri, 'diagnostics cleared with wasmSafety.enable = false', (p) => p.diagnostics.length === 0, { since });
    await client.waitForDiagnostics(scannedUri, 'the scanned file cleared too', (p) => p.diagnostics.length === 0, { since });
    client.settings = { enable: true, debounceMs: 200 };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
  });

  it('closing a document falls back to its on-disk version', async () => {
    // The buffer has the bug and so does the file on disk: after close, the finding is published without a version.
    const since = client.published.length;
    await client.notify('textDocument/didClose', { textDocument: { uri: libUri } });
    const closed = await client.waitForDiagnostics(libUri, 'the on-disk version linted after close', (p) => p.version === undefined, { since });
    assert.equal(findingsOf(closed).length, 1);
  });

  it('answers requests for unknown documents without crashing', async () => {
    const unknown = fileUri(path.join(root, 'src', 'never-opened.rs'));
    const actions = await client.codeActions({
      textDocument: { uri: unknown },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions ?? [], []);
    const weird = await client.codeActions({
      textDocument: { uri: 'untitled:nothing-here' },
      range: { start: { line: 5, character: 99 }, end: { line: 1, character: 0 } },
      context: { diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'x', source: 'wasm-safety', data: 42 }] },
    });
    assert.deepEqual(weird ?? [], []);
    // Still alive and answering.
    const again = await client.codeActions({ textDocument: { uri: unknown }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.deepEqual(again ?? [], []);
  });

  it('scans a workspace folder added after start, and forgets it when it is removed', async () => {
    const added = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-lsp-added-'));
    try {
      fs.mkdirSync(path.join(added, 'src'));
      fs.writeFileSync(path.join(added, 'Cargo.toml'), CARGO_TOML);
      fs.writeFileSync(path.join(added, 'src', 'lib.rs'), 'mod scanned;\n');
      fs.writeFileSync(path.join(added, 'src', 'scanned.rs'), SCANNED_RS);
      const addedScanned = fileUri(path.join(added, 'src', 'scanned.rs'));
      const folder = { uri: fileUri(added), name: path.basename(added) };
      await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [] } });
      // Never opened: only a scan of the new folder can find it.
      const found = await client.waitForDiagnostics(addedScanned, `a ${RULE_ID} finding in the added folder`, (p) => findingsOf(p).length > 0);
      assert.equal(findingsOf(found)[0].range.start.line, lineOf(SCANNED_RS, 'notify_js(n);'));
      const since = client.published.length;
      await client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
      await client.waitForDiagnostics(addedScanned, 'the removed folder\'s diagnostics cleared', (p) => p.diagnostics.length === 0, { since });
    } finally {
      fs.rmSync(added, { recursive: true, force: true });
    }
  });

  it('shuts down and exits with code 0', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('language server with a minimal client (no configuration, progress, documentChanges or related information)', () => {
  let client: LspTestClient;

  before(() => {
    client = LspTestClient.start();
  });

  after(() => client?.dispose());

  it('lints a never-saved buffer with default settings and offers fixes as plain `changes`', async () => {
    await client.initialize(undefined, {});
    const uri = 'untitled:Untitled-1';
    await client.open(uri, 'rust', 1, LIB_RS);
    const published = await client.waitForDiagnostics(uri, `a ${RULE_ID} finding for version 1`, (p) => p.version === 1 && findingsOf(p).length > 0);
    const [diagnostic] = findingsOf(published);
    assert.equal(diagnostic.relatedInformation, undefined, 'no relatedInformation for a client that does not support it');
    const actions = (await client.codeActions({ textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
    const fix = (actions ?? []).find((a) => a.kind === 'quickfix' && a.edit);
    assert.ok(fix, `a quick fix; got ${JSON.stringify(actions)}`);
    assert.equal(fix.edit!.documentChanges, undefined);
    assert.deepEqual(Object.keys(fix.edit!.changes ?? {}), [uri]);
    assert.deepEqual(client.serverRequests, [], 'the server asked nothing the client does not support');
    assert.equal(await client.shutdown(), 0);
  });
});

/** Test-only rule with a safe fix (rename) and an unsafe one that creates a module: real rules offer neither yet. */
const LEGACY_NAME_RULE = defineRule({
  id: 'test-legacy-name', catalogId: 'T01', family: 'reentrancy', side: 'rust', defaultSeverity: 'warning',
  summary: 'Test only: `legacy_name` is deprecated', fix: 'safe', docs: 'docs/rules/test-legacy-name.md',
  nodeTypes: ['identifier'],
  visit(node, ctx) {
    if (node.text !== 'legacy_name') return;
    const range = { start: node.startIndex, end: node.endIndex };
    ctx.report({
      node,
      message: '`legacy_name` is deprecated',
      fixes: () => [
        { title: 'Rename to `new_name`', safety: 'safe', edits: [{ range, newText: 'new_name' }] },
        {
          title: 'Use `moved::new_name`',
          safety: 'unsafe',
          edits: [{ range, newText: 'moved::new_name' }, { path: joinPath(dirname(ctx.path), 'moved.rs'), range: { start: 0, end: 0 }, newText: 'pub fn new_name() {}\n' }],
        },
      ],
    });
  },
});

/** Test-only rule that always throws: its error must reach the log and not stop the other rules. */
const THROWING_RULE = defineRule({
  id: 'test-throws', catalogId: 'T02', family: 'reentrancy', side: 'rust', defaultSeverity: 'error',
  summary: 'Test only: throws', fix: 'none', docs: 'docs/rules/test-throws.md',
  nodeTypes: ['source_file'],
  visit() {
    throw new Error('deliberate failure for the test');
  },
});

describe('language server in process with test-only rules (safe fixes, fix-all, file creation, a throwing rule)', () => {
  const LEGACY = 'pub fn a() {\n    legacy_name();\n    legacy_name();\n}\n\nfn legacy_name() {}\n';
  let root: string;
  let client: LspTestClient;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-lsp-fixes-'));
    client = LspTestClient.inProcess((reader, writer) =>
      startServer(createConnection(ProposedFeatures.all, reader, writer), { rules: [LEGACY_NAME_RULE, THROWING_RULE] }),
    );
  });

  after(() => {
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('prefers the safe fix, creates files through documentChanges, and fix-all applies only safe fixes', async () => {
    await client.initialize(undefined);
    const uri = fileUri(path.join(root, 'lib.rs'));
    const movedUri = fileUri(path.join(root, 'moved.rs'));
    await client.open(uri, 'rust', 1, LEGACY);
    const published = await client.waitForDiagnostics(uri, 'three test-legacy-name findings', (p) => p.version === 1 && p.diagnostics.length === 3);
    assert.ok(published.diagnostics.every((d) => d.code === 'test-legacy-name' && d.severity === 2));
    await client.waitFor('the throwing rule in the log', () => client.log.some((l) => l.includes('test-throws') && l.includes('deliberate failure')));

    const [first] = published.diagnostics;
    const actions = (await client.codeActions({ textDocument: { uri }, range: first.range, context: { diagnostics: [first] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred ?? false]), [
      ['Rename to `new_name`', 'quickfix', true],
      ['Use `moved::new_name`', 'quickfix', false],
      ['Disable test-legacy-name for this line', 'quickfix', false],
      ['Disable test-legacy-name for this file', 'quickfix', false],
    ]);
    assert.deepEqual(actions[0].edit?.documentChanges, [
      { textDocument: { uri, version: 1 }, edits: [{ range: first.range, newText: 'new_name' }] },
    ]);
    const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    assert.deepEqual(actions[1].edit?.documentChanges, [
      { textDocument: { uri, version: 1 }, edits: [{ range: first.range, newText: 'moved::new_name' }] },
      { kind: 'create', uri: movedUri, options: { ignoreIfExists: true } },
      { textDocument: { uri: movedUri, version: null }, edits: [{ range: zero, newText: 'pub fn new_name() {}\n' }] },
    ]);

    const fixAll = (await client.codeActions({ textDocument: { uri }, range: zero, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    assert.equal(fixAll.length, 1);
    assert.equal(fixAll[0].kind, 'source.fixAll.wasm-safety');
    const fixed = applyWorkspaceEdit(fixAll[0].edit!, uri, LEGACY, 1);
    assert.equal(fixed.edits.length, 1, 'fix-all is one edit');
    assert.equal(fixed.text, LEGACY.replaceAll('legacy_name', 'new_name'), 'all safe fixes, no unsafe one');

    // The buffer itself is untouched by computing fix-all: its diagnostics are unchanged.
    const again = (await client.codeActions({ textDocument: { uri }, range: first.range, context: { diagnostics: [first] } })) as CodeAction[];
    assert.equal(again.length, 4);
    await client.shutdown();
  });
});
