// Language-server tests of suppressions and fix-all, against a server started in this process with
// every rule and a temporary project on disk (a crate plus a wasm-pack `pkg/`): suppressed findings are
// not published; "Disable <rule> for this line / file" insert the right comment at the right
// indentation in Rust, TS and TSX (JSX children get `{/* … */}`), as a plain edit with an empty reason
// (which then shows the missing-reason finding) or, for a client that declared a snippet command, as
// that command with a `${1:…}` tab stop; the fix-all command applies the safe fixes through a versioned
// `workspace/applyEdit`, and refuses when the document version changed.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApplyWorkspaceEditParams, CodeAction, Diagnostic, PublishDiagnosticsParams, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../src/lsp/server';
import { REPO_ROOT } from './support/fixture-runner';
import { fileUri, LspTestClient } from './support/lsp-client';

const CARGO_TOML = `[package]
name = "fixture-case"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
wasm-bindgen = "0.2"
`;

const LIB_RS = `// Copyright header: the file-level comment goes below it.
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    // wasm-safety-ignore-next-line string-error-payload -- the page only logs the text
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}

#[wasm_bindgen]
pub fn parse_footer(input: &str) -> Result<u32, JsValue> {
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}
`;

const CASE_TS = `import { parse } from '../pkg/fixture_case.js';

export function tryParse(src: string): string | null {
    try {
        return parse(src);
    } catch {
        return null;
    }
}
`;

const VIEW_TSX = `import { parse } from '../pkg/fixture_case.js';

export function View({ src }: { src: string }) {
  return (
    <div>
      {(() => { try { return parse(src); } catch { return null; } })()}
    </div>
  );
}
`;

/** One unused suppression (safe fix: delete it) and one unused id in a two-id comment. */
const UNUSED_RS = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn size(input: &str) -> usize {
    // wasm-safety-ignore-next-line string-error-payload -- was needed before the refactor
    input.len() // wasm-safety-ignore-line torn-mut-self -- old
}
`;

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length - 1;
const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => String(d.code)).sort();

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

function editsOf(edit: WorkspaceEdit, uri: string, version: number): TextEdit[] {
  const changes = (edit.documentChanges ?? []) as TextDocumentEdit[];
  assert.equal(changes.length, 1, `one document edit: ${JSON.stringify(edit)}`);
  assert.deepEqual(changes[0].textDocument, { uri, version }, 'a versioned edit of this document');
  return changes[0].edits as TextEdit[];
}

function makeProject(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-lsp-suppress-'));
  fs.cpSync(path.join(REPO_ROOT, 'test-fixtures', 'ts', '_support'), root, { recursive: true });
  fs.writeFileSync(path.join(root, 'Cargo.toml'), CARGO_TOML);
  fs.writeFileSync(path.join(root, 'src', 'lib.rs'), LIB_RS);
  fs.writeFileSync(path.join(root, 'src', 'case.ts'), CASE_TS);
  fs.writeFileSync(path.join(root, 'src', 'view.tsx'), VIEW_TSX);
  fs.writeFileSync(path.join(root, 'src', 'unused.rs'), UNUSED_RS);
  return root;
}

function startInProcess(): LspTestClient {
  return LspTestClient.inProcess((reader, writer) => startServer(createConnection(ProposedFeatures.all, reader, writer)));
}

async function quickFixes(client: LspTestClient, uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return ((await client.codeActions({ textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } })) ?? []) as CodeAction[];
}

describe('language server: suppressions and fix-all (plain-edit client)', () => {
  let root: string;
  let client: LspTestClient;
  const applied: ApplyWorkspaceEditParams[] = [];

  before(async () => {
    root = makeProject();
    client = startInProcess();
    client.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      applied.push(params);
      return { applied: true };
    });
    const result = await client.initialize(root);
    assert.deepEqual(result.capabilities.executeCommandProvider?.commands, ['wasm-safety.applyFixAll']);
  });

  after(async () => {
    await client?.shutdown().catch(() => undefined);
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('does not publish suppressed findings; the unsuppressed one is published', async () => {
    const uri = fileUri(path.join(root, 'src', 'lib.rs'));
    await client.open(uri, 'rust', 1, LIB_RS);
    const published = await client.waitForDiagnostics(uri, 'version 1', (p) => p.version === 1);
    assert.deepEqual(codes(published), ['string-error-payload'], 'only the finding without a suppression comment');
    assert.equal(published.diagnostics[0].range.start.line, lineOf(LIB_RS, 'pub fn parse_footer') + 1, 'on parse_footer, not on the suppressed parse_header');
  });

  it('offers "Disable … for this line / file" after the fixes, inserting the comment with the line\'s indentation (Rust)', async () => {
    const uri = fileUri(path.join(root, 'src', 'lib.rs'));
    const [diagnostic] = [...client.published].reverse().find((p) => p.uri === uri)!.diagnostics;
    const actions = await quickFixes(client, uri, diagnostic);
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles.slice(-2), ['Disable string-error-payload for this line', 'Disable string-error-payload for this file']);
    assert.ok(titles.length > 2, `the rule's own fix comes first: ${titles.join(' | ')}`);
    const line = diagnostic.range.start.line;
    const [lineEdit] = editsOf(actions.at(-2)!.edit!, uri, 1);
    assert.deepEqual(lineEdit, {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      newText: '    // wasm-safety-ignore-next-line string-error-payload --\n',
    });
    const [fileEdit] = editsOf(actions.at(-1)!.edit!, uri, 1);
    assert.deepEqual(fileEdit, {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      newText: '// wasm-safety-ignore-file string-error-payload --\n',
    }, 'below the header comment');

    // Applied as is, the comment has no reason: the finding stays and the missing reason is reported.
    const withComment = applyEdits(LIB_RS, [lineEdit]);
    const since = client.published.length;
    await client.change(uri, 2, [{ text: withComment }]);
    const after = await client.waitForDiagnostics(uri, 'version 2', (p) => p.version === 2, { since });
    assert.deepEqual(codes(after), ['invalid-suppression', 'string-error-payload']);
    assert.match(after.diagnostics.find((d) => d.code === 'invalid-suppression')!.message, /gives no reason/);

    // Typing the reason makes both go away.
    const justified = withComment.replace('string-error-payload --\n', 'string-error-payload -- logged only\n');
    await client.change(uri, 3, [{ text: justified }]);
    const clean = await client.waitForDiagnostics(uri, 'version 3', (p) => p.version === 3, { since: client.published.length });
    assert.deepEqual(codes(clean), []);
  });

  it('a second "Disable … for this line" for the same line adds the id to the existing comment', async () => {
    const uri = fileUri(path.join(root, 'src', 'lib.rs'));
    const text = LIB_RS.replace('pub fn parse_footer(input: &str) -> Result<u32, JsValue> {\n', 'pub fn parse_footer(input: &str) -> Result<u32, JsValue> {\n    // wasm-safety-ignore-next-line torn-mut-self -- kept for the test\n');
    await client.change(uri, 4, [{ text }]);
    const published = await client.waitForDiagnostics(uri, 'version 4', (p) => p.version === 4, { since: client.published.length });
    const diagnostic = published.diagnostics.find((d) => d.code === 'string-error-payload')!;
    const action = (await quickFixes(client, uri, diagnostic)).find((a) => a.title === 'Disable string-error-payload for this line')!;
    const [edit] = editsOf(action.edit!, uri, 4);
    assert.equal(applyEdits(text, [edit]).split('\n')[diagnostic.range.start.line - 1], '    // wasm-safety-ignore-next-line torn-mut-self, string-error-payload -- kept for the test');
  });

  it('TS: copies the indentation of the finding\'s line', async () => {
    const uri = fileUri(path.join(root, 'src', 'case.ts'));
    await client.open(uri, 'typescript', 1, CASE_TS);
    const published = await client.waitForDiagnostics(uri, 'a catch-swallows-wasm-failure finding', (p) => p.version === 1 && p.diagnostics.length > 0);
    const diagnostic = published.diagnostics.find((d) => d.code === 'catch-swallows-wasm-failure')!;
    const action = (await quickFixes(client, uri, diagnostic)).find((a) => a.title === 'Disable catch-swallows-wasm-failure for this line');
    assert.ok(action?.edit);
    const [edit] = editsOf(action.edit, uri, 1);
    assert.equal(edit.newText, '    // wasm-safety-ignore-next-line catch-swallows-wasm-failure --\n');
    assert.equal(edit.range.start.line, lineOf(CASE_TS, '} catch'));
    assert.equal(edit.range.start.character, 0);
  });

  it('TSX: a finding on a line of JSX children gets a `{/* … */}` comment', async () => {
    const uri = fileUri(path.join(root, 'src', 'view.tsx'));
    await client.open(uri, 'typescriptreact', 1, VIEW_TSX);
    const published = await client.waitForDiagnostics(uri, 'a catch-swallows-wasm-failure finding', (p) => p.version === 1 && p.diagnostics.length > 0);
    const diagnostic = published.diagnostics.find((d) => d.code === 'catch-swallows-wasm-failure')!;
    const action = (await quickFixes(client, uri, diagnostic)).find((a) => a.title === 'Disable catch-swallows-wasm-failure for this line');
    assert.ok(action?.edit);
    const [edit] = editsOf(action.edit, uri, 1);
    assert.equal(edit.newText, '      {/* wasm-safety-ignore-next-line catch-swallows-wasm-failure -- */}\n');
    // With a reason, the JSX comment suppresses the finding.
    const since = client.published.length;
    await client.change(uri, 2, [{ text: applyEdits(VIEW_TSX, [edit]).replace('-- */}', '-- preview only */}') }]);
    const after = await client.waitForDiagnostics(uri, 'version 2', (p) => p.version === 2, { since });
    assert.deepEqual(codes(after), []);
  });

  it('the fix-all command applies the safe fixes through a versioned workspace/applyEdit', async () => {
    const uri = fileUri(path.join(root, 'src', 'unused.rs'));
    await client.open(uri, 'rust', 7, UNUSED_RS);
    const published = await client.waitForDiagnostics(uri, 'two unused-suppression findings', (p) => p.version === 7 && p.diagnostics.length === 2);
    assert.deepEqual(codes(published), ['unused-suppression', 'unused-suppression']);
    assert.deepEqual(published.diagnostics[0].tags, [1], 'faded as unnecessary');
    const before = applied.length;
    const result = await client.request<{ applied: boolean; fixesApplied: number }>('workspace/executeCommand', { command: 'wasm-safety.applyFixAll', arguments: [{ uri, version: 7 }] });
    assert.deepEqual(result, { applied: true, fixesApplied: 2 });
    assert.equal(applied.length, before + 1, 'one workspace/applyEdit request');
    const fixed = applyEdits(UNUSED_RS, editsOf(applied.at(-1)!.edit, uri, 7));
    assert.equal(fixed, 'use wasm_bindgen::prelude::*;\n\n#[wasm_bindgen]\npub fn size(input: &str) -> usize {\n    input.len()\n}\n');
  });

  it('the fix-all command refuses a document whose version changed, and sends no edit', async () => {
    const uri = fileUri(path.join(root, 'src', 'unused.rs'));
    await client.change(uri, 8, [{ text: UNUSED_RS }]);
    const before = applied.length;
    const result = await client.request<{ applied: boolean; refused?: string }>('workspace/executeCommand', { command: 'wasm-safety.applyFixAll', arguments: [{ uri, version: 7 }] });
    assert.equal(result.applied, false);
    assert.match(result.refused ?? '', /changed/);
    assert.equal(applied.length, before, 'no workspace/applyEdit for a stale version');
    const unknown = await client.request<{ applied: boolean; refused?: string }>('workspace/executeCommand', { command: 'wasm-safety.applyFixAll', arguments: [{ uri: fileUri(path.join(root, 'nope.rs')), version: 1 }] });
    assert.match(unknown.refused ?? '', /not open/);
  });
});

describe('language server: suppression actions for a client with a snippet command', () => {
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = makeProject();
    client = startInProcess();
    await client.initialize(root, undefined, { suppressionSnippetCommand: 'test.insertSnippet' });
  });

  after(async () => {
    await client?.shutdown().catch(() => undefined);
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs the client command with a snippet whose tab stop is the reason', async () => {
    const uri = fileUri(path.join(root, 'src', 'lib.rs'));
    await client.open(uri, 'rust', 5, LIB_RS);
    const published = await client.waitForDiagnostics(uri, 'version 5', (p) => p.version === 5 && p.diagnostics.length > 0);
    const diagnostic = published.diagnostics[0];
    const actions = await quickFixes(client, uri, diagnostic);
    const line = actions.find((a) => a.title === 'Disable string-error-payload for this line');
    assert.ok(line?.command, JSON.stringify(actions));
    assert.equal(line.edit, undefined);
    assert.deepEqual(line.command, {
      title: 'Disable string-error-payload for this line',
      command: 'test.insertSnippet',
      arguments: [{ uri, version: 5, position: { line: diagnostic.range.start.line, character: 0 }, snippet: '    // wasm-safety-ignore-next-line string-error-payload -- ${1:why this is safe}\n' }],
    });
    const file = actions.find((a) => a.title === 'Disable string-error-payload for this file');
    assert.deepEqual(file?.command?.arguments?.[0].position, { line: 1, character: 0 });
  });

  it('TSX: the snippet escapes the closing brace of `{/* … */}`', async () => {
    const uri = fileUri(path.join(root, 'src', 'view.tsx'));
    await client.open(uri, 'typescriptreact', 1, VIEW_TSX);
    const published = await client.waitForDiagnostics(uri, 'a finding', (p) => p.version === 1 && p.diagnostics.length > 0);
    const action = (await quickFixes(client, uri, published.diagnostics[0])).find((a) => a.title.endsWith('for this line'));
    assert.equal(action?.command?.arguments?.[0].snippet, '      {/* wasm-safety-ignore-next-line catch-swallows-wasm-failure -- ${1:why this is safe} */\\}\n');
  });
});
