// Rule documentation and the failure-class report through the language server (the built server over
// stdio): hover on a finding shows the rule's page excerpt, every finding gets a "Show documentation"
// action — a client command for VS Code (initializationOptions), `window/showDocument` through a server
// command for other editors, nothing for clients with neither — and `wasmSafety/failureClassReport`
// answers with the inventory as Markdown. Also: every registered rule (including ones added later)
// has a bundled page the hover can excerpt.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { ALL_RULES, EXCERPT_SECTIONS, parseRuleDocPage, ruleDocExcerpt } from '../src/analysis/index';
import { readRuleDoc, ruleDocFile } from '../src/host/rule-doc-files';
import { RuleDocumentation, SHOW_DOCUMENTATION_SERVER_COMMAND } from '../src/lsp/rule-documentation';
import { FULL_CLIENT_CAPABILITIES, fileUri, LspTestClient } from './support/lsp-client';

const RULE_ID = 'borrow-held-across-js-call';
const VSCODE_COMMAND = 'wasmSafety.showDocumentation';

const CARGO_TOML = '[package]\nname = "store"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm-bindgen = "0.2"\n';
const LIB_RS = `use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! { static STORE: RefCell<Vec<u32>> = RefCell::new(Vec::new()); }

#[wasm_bindgen]
extern "C" {
    fn on_change(id: u32);
}

#[wasm_bindgen]
pub fn set_item(id: u32) {
    STORE.with_borrow_mut(|s| {
        s.push(id);
        on_change(id);
    });
}
`;

function writeCrate(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-docs-')));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'Cargo.toml'), CARGO_TOML);
  fs.writeFileSync(path.join(root, 'src', 'lib.rs'), LIB_RS);
  return root;
}

async function openAndWait(client: LspTestClient, uri: string): Promise<Diagnostic> {
  await client.open(uri, 'rust', 1, LIB_RS);
  const published = await client.waitForDiagnostics(uri, `a ${RULE_ID} finding`, (p) => p.version === 1 && p.diagnostics.some((d) => d.code === RULE_ID));
  return published.diagnostics.find((d) => d.code === RULE_ID)!;
}

function docActions(actions: readonly (CodeAction | { command: string })[] | null): CodeAction[] {
  return (actions ?? []).filter((a): a is CodeAction => 'title' in a && a.title.startsWith('Show documentation for '));
}

describe('rule documentation and the report in a VS Code-like client', () => {
  let root: string;
  let client: LspTestClient;
  let uri: string;
  let finding: Diagnostic;

  before(async () => {
    root = writeCrate();
    uri = fileUri(path.join(root, 'src', 'lib.rs'));
    client = LspTestClient.start();
    client.settings = { enable: true, debounceMs: 0 };
    const init = await client.initialize(root, FULL_CLIENT_CAPABILITIES, { showDocumentationCommand: VSCODE_COMMAND });
    assert.equal(init.capabilities.hoverProvider, true);
    assert.ok(!(init.capabilities.executeCommandProvider?.commands ?? []).includes(SHOW_DOCUMENTATION_SERVER_COMMAND), 'VS Code uses its own command');
    finding = await openAndWait(client, uri);
  });

  after(() => {
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('hover on the finding: rule id, family, message, summary and the page excerpt, over the finding range', async () => {
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: finding.range.start });
    assert.ok(hover, 'a hover');
    const value = (hover.contents as MarkupContent).value;
    assert.equal((hover.contents as MarkupContent).kind, 'markdown');
    assert.match(value, /^\*\*wasm-safety\*\* `borrow-held-across-js-call` · reentrancy · WBG-R01/);
    assert.ok(value.includes('`STORE` is mutably borrowed'), value.slice(0, 400));
    for (const section of EXCERPT_SECTIONS) assert.ok(value.includes(`### ${section}`), `section ${section}`);
    assert.ok(!value.includes('### Build modes'), 'trimmed to the four sections');
    assert.match(value, /```rust\n[\s\S]*on_change[\s\S]*```/, 'the Example code block, whole');
    assert.match(value, /\[Full documentation of borrow-held-across-js-call\]\(https:\/\/[^)]+\/docs\/rules\/borrow-held-across-js-call\.md\)/);
    assert.deepEqual(hover.range, finding.range);
  });

  it('no hover away from findings', async () => {
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 4 } });
    assert.equal(hover, null);
  });

  it('a "Show documentation" action runs the client command with the bundled page', async () => {
    const actions = await client.codeActions({ textDocument: { uri }, range: finding.range, context: { diagnostics: [finding], only: ['quickfix'] } });
    const docs = docActions(actions);
    assert.deepEqual(docs.map((a) => a.title), [`Show documentation for ${RULE_ID}`]);
    const [ruleId, page] = docs[0].command!.arguments as [string, string];
    assert.equal(docs[0].command!.command, VSCODE_COMMAND);
    assert.equal(ruleId, RULE_ID);
    const file = fileURLToPath(page);
    assert.ok(file.endsWith(path.join('docs', 'rules', `${RULE_ID}.md`)), file);
    assert.match(fs.readFileSync(file, 'utf8'), /^# borrow-held-across-js-call/);
    assert.ok((actions ?? []).findIndex((a) => a === docs[0]) > 0, 'after the fixes');
    const fixAllOnly = await client.codeActions({ textDocument: { uri }, range: finding.range, context: { diagnostics: [finding], only: ['source.fixAll.wasm-safety'] } });
    assert.deepEqual(docActions(fixAllOnly), [], 'not offered when only source actions are asked for');
  });

  it('wasmSafety/failureClassReport answers with the inventory as Markdown, linked to the files', async () => {
    const { markdown } = await client.request<{ markdown: string }>('wasmSafety/failureClassReport', {});
    assert.match(markdown, /^# wasm-safety failure-class report\n\nworkspace folder `wasm-safety-docs-\w+`: 1 crate, 1 export, 0 TS\/JS call sites into wasm, \d+ findings\./);
    assert.match(markdown, /\| `store` \(\.\) \| \*\*abort\*\* \|/);
    const line = (needle: string) => LIB_RS.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const [exportLine, callLine] = [line('pub fn set_item'), line('on_change(id);')];
    const row = `| \`set_item\` | free |  | 1 (foreign) | \`STORE\` write | \`on_change(..)\` with \`STORE\` borrowed mutably (line ${callLine}) | ` +
      `[src/lib.rs:${exportLine}](${fileUri(path.join(root, 'src', 'lib.rs'))}#L${exportLine}) |`;
    assert.ok(markdown.includes(row), `${row}\nnot in\n${markdown}`);
    assert.match(markdown, /\| reentrancy \| 1 \| 1 \| 0 \| 0 \| 0 \|/);
  });
});

describe('rule documentation for other LSP clients', () => {
  let root: string;
  let client: LspTestClient;

  before(() => {
    root = writeCrate();
  });

  after(() => {
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('window/showDocument support: a server command that asks the client to show the page', async () => {
    client = LspTestClient.start();
    client.settings = { enable: true, debounceMs: 0 };
    const shown: string[] = [];
    client.connection.onRequest('window/showDocument', (params: { uri: string }) => {
      shown.push(params.uri);
      return { success: true };
    });
    const capabilities = { ...FULL_CLIENT_CAPABILITIES, window: { ...FULL_CLIENT_CAPABILITIES.window, showDocument: { support: true } } };
    const init = await client.initialize(root, capabilities);
    assert.ok(init.capabilities.executeCommandProvider?.commands.includes(SHOW_DOCUMENTATION_SERVER_COMMAND));
    const uri = fileUri(path.join(root, 'src', 'lib.rs'));
    const finding = await openAndWait(client, uri);
    const [action] = docActions(await client.codeActions({ textDocument: { uri }, range: finding.range, context: { diagnostics: [finding] } }));
    assert.equal(action?.command?.command, SHOW_DOCUMENTATION_SERVER_COMMAND);
    await client.request('workspace/executeCommand', { command: action.command!.command, arguments: action.command!.arguments });
    assert.equal(shown.length, 1);
    assert.ok(fileURLToPath(shown[0]).endsWith(path.join('docs', 'rules', `${RULE_ID}.md`)));
  });

  it('a client with neither gets no documentation action (the diagnostic link remains)', () => {
    const docs = new RuleDocumentation({ processId: null, rootUri: null, capabilities: {} });
    const diagnostic: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'wasm-safety', code: RULE_ID };
    assert.deepEqual(docs.codeActions({ textDocument: { uri: 'file:///x.rs' }, range: diagnostic.range, context: { diagnostics: [diagnostic] } }), []);
    assert.deepEqual(docs.serverCommands(), []);
  });
});

describe('every registered rule has a bundled page the hover can excerpt', () => {
  for (const rule of ALL_RULES) {
    it(rule.id, () => {
      const file = ruleDocFile(rule.id);
      assert.ok(file, `docs/rules/${rule.id}.md is found next to the build`);
      const excerpt = ruleDocExcerpt(parseRuleDocPage(readRuleDoc(rule.id)!), { maxSectionChars: 900 });
      for (const section of EXCERPT_SECTIONS) assert.ok(excerpt.includes(`### ${section}`), `${rule.id}: ${section}`);
      assert.ok((excerpt.match(/```/g) ?? []).length >= 4, `${rule.id}: the Example and Use instead code blocks are whole`);
    });
  }
});
