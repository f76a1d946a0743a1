// Integration tests that run inside a real VS Code extension host (code-server's VS Code build here,
// @vscode/test-electron where a VS Code build can be had), against a copy of the sample workspace.
// They drive the editor only through the `vscode` API and wait on events, never on fixed sleeps.

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';

const SOURCE = 'wasm-safety';
const EXTENSION_ID = 'wasm-safety.wasm-safety';
const DOCS_PREFIX = 'https://github.com/wasm-safety/wasm-safety/blob/main/docs/rules/';

function root(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri;
}

const fileUri = (rel: string) => vscode.Uri.joinPath(root(), rel);
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

function show(list: readonly vscode.Diagnostic[]): string {
  if (list.length === 0) return '(no wasm-safety diagnostics)';
  return list.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)} ${d.message}`).join('\n  ');
}

/** Resolves when the diagnostics of `uri` satisfy `ready`; waits on onDidChangeDiagnostics. */
function waitForDiagnostics(uri: vscode.Uri, ready: (d: vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 45_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      subscription.dispose();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(ours(uri));
    };
    const check = () => {
      if (ready(ours(uri))) finish();
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => finish(new Error(`expected ${what} in ${vscode.workspace.asRelativePath(uri)} within ${timeoutMs} ms; the editor shows:\n  ${show(ours(uri))}`)), timeoutMs);
    check();
  });
}

const withCode = (code: string) => (list: vscode.Diagnostic[]) => list.some((d) => codeOf(d) === code);
const withoutCode = (code: string) => (list: vscode.Diagnostic[]) => !list.some((d) => codeOf(d) === code);

async function open(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Code actions at a range; retried while other providers (tsserver) are still starting and cancel. */
async function codeActions(uri: vscode.Uri, range: vscode.Range, kind: string): Promise<vscode.CodeAction[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function lineOf(doc: vscode.TextDocument, needle: string, after = 0): number {
  const offset = doc.getText().indexOf(needle, doc.offsetAt(new vscode.Position(after, 0)));
  assert.ok(offset >= 0, `"${needle}" occurs in ${vscode.workspace.asRelativePath(doc.uri)}`);
  return doc.positionAt(offset).line;
}

/** Checks one diagnostic's fields: code, source, docs link, range line, related information. */
function assertDiagnostic(d: vscode.Diagnostic, code: string, line: number, wantRelated: boolean): void {
  assert.equal(d.source, SOURCE);
  assert.equal(codeOf(d), code);
  assert.ok(typeof d.code === 'object', 'code carries a documentation target');
  assert.equal(d.code.target.toString(true), `${DOCS_PREFIX}${code}.md`);
  assert.equal(d.range.start.line, line, `finding on line ${line + 1}, got ${d.range.start.line + 1}: ${d.message}`);
  assert.equal(d.range.end.line, line, 'single-line range');
  if (wantRelated) assert.ok((d.relatedInformation?.length ?? 0) > 0, 'related information points to the other end');
}

/** Applies our quick fix titled `title` (or the first one of ours) and waits for the finding to go. */
async function applyQuickFix(doc: vscode.TextDocument, d: vscode.Diagnostic, pick: (a: vscode.CodeAction) => boolean): Promise<vscode.CodeAction> {
  const all = await codeActions(doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  // The API command drops `CodeAction.diagnostics`, so our actions are recognised by their titles.
  const action = all.find(pick);
  assert.ok(action?.edit, `a wasm-safety quick fix is offered for ${codeOf(d)}; the editor offered: ${all.map((a) => a.title).join(' | ') || '(nothing)'}`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), 'the fix applies');
  return action;
}

/** Resolves when a Markdown preview tab whose label contains `label` is open; waits on onDidChangeTabs. */
function waitForMarkdownPreview(label: string, timeoutMs = 30_000): Promise<vscode.Tab> {
  const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) =>
    t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && t.label.includes(label));
  const describeTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? `webview ${t.input.viewType}` : 'editor'})`).join(', ') || '(no tabs)';
  return new Promise((resolve, reject) => {
    const found = find();
    if (found) return resolve(found);
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = find();
      if (!tab) return;
      subscription.dispose();
      clearTimeout(timer);
      resolve(tab);
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`expected a Markdown preview tab "${label}" within ${timeoutMs} ms; open tabs: ${describeTabs()}`));
    }, timeoutMs);
  });
}

describe('wasm-safety in a real VS Code', function () {
  this.timeout(120_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await open('store/src/lib.rs'); // activation event: onLanguage:rust
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lints in restricted mode (untrusted workspace) when the run asks for it', function () {
    if (process.env.WASM_SAFETY_E2E_RESTRICTED !== '1') this.skip();
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is untrusted');
    // Every later test of this run then shows that diagnostics and fixes work in restricted mode.
  });

  it('reentrancy: R01 on a Rust file, with docs link and related locations; its quick fix removes it', async () => {
    const doc = await open('store/src/lib.rs');
    const [d] = (await waitForDiagnostics(doc.uri, withCode('borrow-held-across-js-call'), 'borrow-held-across-js-call'))
      .filter((x) => codeOf(x) === 'borrow-held-across-js-call');
    assertDiagnostic(d, 'borrow-held-across-js-call', lineOf(doc, 'on_change(', lineOf(doc, 'pub fn set_item')), true);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    await applyQuickFix(doc, d, (a) => /after the borrow of `STORE` ends|before the call/.test(a.title));
    await waitForDiagnostics(doc.uri, withoutCode('borrow-held-across-js-call'), 'no borrow-held-across-js-call after the fix');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('unwind-safety: U01 on a Rust file of a panic=unwind crate; its quick fix removes it', async () => {
    const doc = await open('ledger/src/lib.rs');
    const list = await waitForDiagnostics(doc.uri, withCode('global-state-torn-by-panic'), 'global-state-torn-by-panic');
    const d = list.find((x) => codeOf(x) === 'global-state-torn-by-panic')!;
    assertDiagnostic(d, 'global-state-torn-by-panic', d.range.start.line, true);
    assert.match(d.message, /PanicError/);

    // A fixable shape (the export returns Result<_, JsError>), typed into a new file of the same crate.
    const extra = fileUri('ledger/src/fixable.rs');
    await vscode.workspace.fs.writeFile(extra, Buffer.from([
      'use std::cell::RefCell;',
      'use wasm_bindgen::prelude::*;',
      '',
      'thread_local! { static TOTALS: RefCell<Vec<u64>> = RefCell::new(vec![0; 4]); }',
      '',
      '#[wasm_bindgen]',
      'pub fn move_total(from: usize, to: usize, amount: u64) -> Result<(), JsError> {',
      '    TOTALS.with_borrow_mut(|t| {',
      '        t[from] -= amount;',
      '        t[to] += amount;',
      '        Ok(())',
      '    })',
      '}',
      '',
    ].join('\n')));
    const fixable = await open('ledger/src/fixable.rs');
    const [f] = (await waitForDiagnostics(fixable.uri, withCode('global-state-torn-by-panic'), 'global-state-torn-by-panic in the new file'))
      .filter((x) => codeOf(x) === 'global-state-torn-by-panic');
    assertDiagnostic(f, 'global-state-torn-by-panic', lineOf(fixable, 't[to] += amount'), true);
    await applyQuickFix(fixable, f, (a) => /JsError/.test(a.title));
    await waitForDiagnostics(fixable.uri, withoutCode('global-state-torn-by-panic'), 'no global-state-torn-by-panic after the fix');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('failure-classification: C01 on a TS file; the quick fix inserts the rethrow and the finding goes', async () => {
    const doc = await open('app/src/main.ts');
    const [d] = (await waitForDiagnostics(doc.uri, withCode('catch-swallows-wasm-failure'), 'catch-swallows-wasm-failure'))
      .filter((x) => codeOf(x) === 'catch-swallows-wasm-failure');
    assertDiagnostic(d, 'catch-swallows-wasm-failure', lineOf(doc, 'catch', lineOf(doc, 'saveItem')), true);
    await applyQuickFix(doc, d, (a) => a.title.startsWith('Rethrow wasm aborts'));
    assert.match(doc.getText(), /WebAssembly\.RuntimeError/);
    await waitForDiagnostics(doc.uri, withoutCode('catch-swallows-wasm-failure'), 'no catch-swallows-wasm-failure after the fix');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('failure-classification: C01 on a TSX file', async () => {
    const uri = fileUri('app/src/Broken.tsx');
    await vscode.workspace.fs.writeFile(uri, Buffer.from([
      "import { get_item } from '../../store/pkg/store.js';",
      '',
      'export function Item({ id }: { id: number }) {',
      '  let text = "";',
      '  try {',
      '    text = get_item(id) ?? "";',
      '  } catch (e) {',
      '    console.warn(e);',
      '  }',
      '  return <li>{text}</li>;',
      '}',
      '',
    ].join('\n')));
    const doc = await open('app/src/Broken.tsx');
    const [d] = (await waitForDiagnostics(doc.uri, withCode('catch-swallows-wasm-failure'), 'catch-swallows-wasm-failure in TSX'))
      .filter((x) => codeOf(x) === 'catch-swallows-wasm-failure');
    assertDiagnostic(d, 'catch-swallows-wasm-failure', lineOf(doc, '} catch'), true);
  });

  it('source.fixAll.wasm-safety applies only safe fixes: unsafe suggestions stay unapplied', async () => {
    const doc = await open('store/src/lib.rs');
    await waitForDiagnostics(doc.uri, withCode('borrow-held-across-js-call'), 'borrow-held-across-js-call');
    const before = doc.getText();
    const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(before.length));
    const actions = await codeActions(doc.uri, whole, 'source.fixAll.wasm-safety');
    for (const action of actions) if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit));
    // R01's fixes change behaviour (unsafe), so fix-all must leave the file and the finding alone.
    assert.equal(doc.getText(), before, 'fix-all did not apply an unsafe fix');
    assert.ok(ours(doc.uri).some((d) => codeOf(d) === 'borrow-held-across-js-call'), 'the finding is still reported');
  });

  it('"Disable <rule> for this line" inserts the comment with the reason as a snippet tab stop; typing it suppresses the finding', async () => {
    const doc = await open('app/src/main.ts');
    const [d] = (await waitForDiagnostics(doc.uri, withCode('catch-swallows-wasm-failure'), 'catch-swallows-wasm-failure'))
      .filter((x) => codeOf(x) === 'catch-swallows-wasm-failure');
    const line = d.range.start.line;
    const all = await codeActions(doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const titles = all.map((a) => a.title);
    const disable = all.find((a) => a.title === 'Disable catch-swallows-wasm-failure for this line');
    assert.ok(disable?.command, `a "Disable … for this line" action running a command; the editor offered: ${titles.join(' | ')}`);
    assert.ok(titles.includes('Disable catch-swallows-wasm-failure for this file'), `a "… for this file" action; offered: ${titles.join(' | ')}`);
    assert.equal(disable.command.command, 'wasmSafety.insertSuppressionSnippet');
    assert.equal(await vscode.commands.executeCommand(disable.command.command, ...(disable.command.arguments ?? [])), true, 'the snippet was inserted');

    const indent = /^\s*/.exec(doc.lineAt(line + 1).text)![0];
    assert.equal(doc.lineAt(line).text, `${indent}// wasm-safety-ignore-next-line catch-swallows-wasm-failure -- why this is safe`);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document === doc);
    assert.equal(doc.getText(editor.selection), 'why this is safe', 'the placeholder is selected, ready to be typed over');
    await vscode.commands.executeCommand('type', { text: 'the caller shows the error and reloads the page' });
    assert.match(doc.lineAt(line).text, /-- the caller shows the error and reloads the page$/);
    await waitForDiagnostics(doc.uri, (list) => withoutCode('catch-swallows-wasm-failure')(list) && withoutCode('invalid-suppression')(list),
      'no catch-swallows-wasm-failure (suppressed) and no invalid-suppression once the reason is written');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('"Fix all auto-fixable problems" applies the safe fixes; the server refuses a stale version', async () => {
    const uri = fileUri('store/src/stale_comments.rs');
    await vscode.workspace.fs.writeFile(uri, Buffer.from([
      'use wasm_bindgen::prelude::*;',
      '',
      '#[wasm_bindgen]',
      'pub fn size(input: &str) -> usize {',
      '    // wasm-safety-ignore-next-line string-error-payload -- needed before the refactor',
      '    input.len()',
      '}',
      '',
    ].join('\n')));
    const doc = await open('store/src/stale_comments.rs');
    await waitForDiagnostics(doc.uri, withCode('unused-suppression'), 'unused-suppression');
    const [unused] = ours(doc.uri).filter((x) => codeOf(x) === 'unused-suppression');
    assert.ok(unused.tags?.includes(vscode.DiagnosticTag.Unnecessary), 'an unused suppression is faded');

    // The server's command with an old version is refused and changes nothing.
    const stale = await vscode.commands.executeCommand<{ applied: boolean; refused?: string }>(
      'wasm-safety.applyFixAll', { uri: doc.uri.toString(), version: doc.version - 1 });
    assert.equal(stale?.applied, false, `refused: ${JSON.stringify(stale)}`);
    assert.match(stale?.refused ?? '', /changed/);
    assert.match(doc.getText(), /wasm-safety-ignore-next-line/);

    const result = await vscode.commands.executeCommand<{ applied: boolean; fixesApplied: number }>('wasmSafety.executeAutofix');
    assert.deepEqual(result, { applied: true, fixesApplied: 1 });
    assert.doesNotMatch(doc.getText(), /wasm-safety-ignore/);
    assert.match(doc.getText(), /usize \{\n    input\.len\(\)\n\}/, 'the comment line is gone, nothing else changed');
    await waitForDiagnostics(doc.uri, withoutCode('unused-suppression'), 'no unused-suppression after fix-all');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('editing a Rust export (unsaved) updates the diagnostic of an open TS file that calls it', async () => {
    // TR3: the TS call passes one object twice where the Rust export borrows one position mutably.
    // The finding exists only because of the Rust signature, so editing it must re-lint the TS file.
    await vscode.workspace.fs.writeFile(fileUri('store/src/docs.rs'), Buffer.from([
      'use wasm_bindgen::prelude::*;',
      '',
      '#[wasm_bindgen]',
      'pub struct Doc {',
      '    text: String,',
      '}',
      '',
      '#[wasm_bindgen]',
      'impl Doc {',
      '    #[wasm_bindgen(constructor)]',
      '    pub fn new() -> Doc {',
      '        Doc { text: String::new() }',
      '    }',
      '}',
      '',
      '#[wasm_bindgen]',
      'pub fn merge(dst: &mut Doc, src: &Doc) {',
      '    let copy = src.text.clone();',
      '    dst.text.push_str(&copy);',
      '}',
      '',
    ].join('\n')));
    await vscode.workspace.fs.writeFile(fileUri('app/src/merge.ts'), Buffer.from([
      "import { Doc, merge } from '../../store/pkg/store.js';",
      '',
      'export function selfMerge(): void {',
      '  const doc = new Doc();',
      '  merge(doc, doc);',
      '}',
      '',
    ].join('\n')));
    // Opening the Rust file hands its text to the server directly (no file watcher involved).
    const rust = await open('store/src/docs.rs');
    const ts = await open('app/src/merge.ts');
    const [d] = (await waitForDiagnostics(ts.uri, withCode('ts-aliased-wasm-arguments'), 'ts-aliased-wasm-arguments'))
      .filter((x) => codeOf(x) === 'ts-aliased-wasm-arguments');
    assertDiagnostic(d, 'ts-aliased-wasm-arguments', lineOf(ts, 'merge(doc, doc)'), true);
    assert.match(d.message, /fn merge\(dst: &mut Doc, src: &Doc\)/, 'the message names the Rust signature');
    assert.ok(d.relatedInformation?.some((r) => r.location.uri.path.endsWith('/store/src/docs.rs')), 'related information points to the Rust export');

    // Edit the export in the Rust editor without saving: `&mut Doc` becomes `&Doc`.
    const line = lineOf(rust, 'pub fn merge');
    const column = rust.lineAt(line).text.indexOf('&mut Doc');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(rust.uri, new vscode.Range(line, column, line, column + '&mut Doc'.length), '&Doc');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(rust.isDirty, true, 'the Rust change is unsaved');
    await waitForDiagnostics(ts.uri, withoutCode('ts-aliased-wasm-arguments'), 'no ts-aliased-wasm-arguments once the export borrows `&Doc`');
    await vscode.window.showTextDocument(rust);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('hover on a finding shows the rule page excerpt; "Show documentation" opens the bundled page as a Markdown preview', async () => {
    const doc = await open('store/src/lib.rs');
    const [d] = (await waitForDiagnostics(doc.uri, withCode('borrow-held-across-js-call'), 'borrow-held-across-js-call'))
      .filter((x) => codeOf(x) === 'borrow-held-across-js-call');
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, d.range.start)) ?? [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.ok(text.includes('`borrow-held-across-js-call`') && text.includes('### Why is this bad') && text.includes('### Use instead'),
      `the hover shows the rule page excerpt; the editor showed: ${text.slice(0, 300) || '(no hover)'}`);

    const all = await codeActions(doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const action = all.find((a) => a.title === 'Show documentation for borrow-held-across-js-call');
    assert.ok(action?.command, `a "Show documentation" action; the editor offered: ${all.map((a) => a.title).join(' | ') || '(nothing)'}`);
    const page = await vscode.commands.executeCommand<vscode.Uri | undefined>(action.command.command, ...(action.command.arguments ?? []));
    assert.ok(page && page.path.endsWith('/docs/rules/borrow-held-across-js-call.md'), `the bundled page: ${page?.toString()}`);
    assert.ok(page.path.includes('/extensions/') || page.scheme === 'file', 'a local file, not a web page');
    await waitForMarkdownPreview('borrow-held-across-js-call');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('wasm-safety.json: the schema checks it in the JSON editor, it turns a rule off, and an explicit editor setting overrides it', async () => {
    const config = fileUri('wasm-safety.json');
    const rust = await open('store/src/lib.rs');
    await waitForDiagnostics(rust.uri, withCode('borrow-held-across-js-call'), 'borrow-held-across-js-call before any config');
    try {
      await vscode.workspace.fs.writeFile(config, Buffer.from(JSON.stringify({
        rules: { 'borrow-held-across-js-call': 'off', 'no-such-rule': 'error' },
      }, null, 2)));
      // The server re-reads the file on its file event: the rule is off for the whole folder.
      await waitForDiagnostics(rust.uri, withoutCode('borrow-held-across-js-call'), 'no borrow-held-across-js-call once wasm-safety.json turns it off');

      // VS Code's JSON language service validates the open file against the contributed schema
      // (jsonValidation): the unknown rule id is flagged without any help from our server.
      const json = await vscode.workspace.openTextDocument(config);
      await vscode.window.showTextDocument(json);
      const schemaProblem = await new Promise<vscode.Diagnostic>((resolve, reject) => {
        const find = () => vscode.languages.getDiagnostics(config).find((d) => d.source !== SOURCE && /no-such-rule|not allowed/i.test(
          `${d.message} ${json.getText(d.range)}`));
        const found = find();
        if (found) return resolve(found);
        const subscription = vscode.languages.onDidChangeDiagnostics(() => {
          const d = find();
          if (!d) return;
          subscription.dispose();
          clearTimeout(timer);
          resolve(d);
        });
        const timer = setTimeout(() => {
          subscription.dispose();
          reject(new Error(`expected a JSON schema problem on the unknown rule id; the editor shows: ${vscode.languages.getDiagnostics(config).map((d) => `${d.source}: ${d.message}`).join(' | ') || '(nothing)'}`));
        }, 45_000);
      });
      assert.equal(json.getText(schemaProblem.range).replace(/"/g, ''), 'no-such-rule', 'the schema problem is on the unknown key');
      // Our server reports the same mistake on the file itself (for editors without a JSON schema service).
      await waitForDiagnostics(config, (list) => list.some((d) => /no-such-rule/.test(d.message)), 'the server\'s own warning about the unknown rule id');

      // An explicitly set editor setting wins over the file; defaults never do.
      await vscode.workspace.getConfiguration('wasmSafety', root()).update('rules', { 'borrow-held-across-js-call': 'warning' }, vscode.ConfigurationTarget.WorkspaceFolder);
      const [d] = (await waitForDiagnostics(rust.uri, withCode('borrow-held-across-js-call'), 'borrow-held-across-js-call back, from the editor setting'))
        .filter((x) => codeOf(x) === 'borrow-held-across-js-call');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, 'with the severity the setting gives');
    } finally {
      await vscode.workspace.getConfiguration('wasmSafety', root()).update('rules', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(config);
    }
    const restored = await open('store/src/lib.rs');
    const [back] = (await waitForDiagnostics(restored.uri, withCode('borrow-held-across-js-call'), 'borrow-held-across-js-call with the file and the setting gone'))
      .filter((x) => codeOf(x) === 'borrow-held-across-js-call');
    assert.equal(back.severity, vscode.DiagnosticSeverity.Error, 'the default severity again');
  });

  it('"wasm-safety: Show failure-class report" opens the report of the workspace as a Markdown preview', async () => {
    await open('store/src/lib.rs');
    const report = await vscode.commands.executeCommand<vscode.Uri | undefined>('wasmSafety.showFailureClassReport');
    assert.ok(report, 'the command wrote a report');
    const markdown = new TextDecoder().decode(await vscode.workspace.fs.readFile(report));
    assert.match(markdown, /^# wasm-safety failure-class report\n/);
    assert.match(markdown, /\| `store` \(store\) \| \*\*abort\*\* \|/, 'the store crate and its build mode');
    assert.match(markdown, /`on_change\(\.\.\)` with `STORE` borrowed mutably/, 'the planted reentrancy bug as a JS call under a borrow');
    assert.match(markdown, /### swallows \(\d+\)/, 'the planted swallowing catch');
    await waitForMarkdownPreview('failure-class-report');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
