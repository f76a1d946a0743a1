// The same wasm-safety.json gives the same findings in the editor and in `check`: the language server
// (over stdio, the built entry point) and the CLI run on one temp workspace with a root config (rule
// severities, an ignored folder, binding-module globs) and a nested crate's own config, and their
// findings are compared. Then: an explicitly set editor setting overrides the file while unset ones do
// not, a changed config file re-lints, and a baseline created by the CLI hides findings in the editor.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient, REPO_ROOT } from './support/lsp-client';

const SAMPLE = path.join(REPO_ROOT, 'test-fixtures', 'sample-workspace');
const BUNDLED_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const COMPILED_CLI = path.join(REPO_ROOT, 'out', 'server', 'src', 'cli', 'bin.js');
const CLI = fs.existsSync(BUNDLED_CLI) && fs.statSync(BUNDLED_CLI).mtimeMs >= fs.statSync(COMPILED_CLI).mtimeMs ? BUNDLED_CLI : COMPILED_CLI;

const R01 = 'borrow-held-across-js-call';
const C01 = 'catch-swallows-wasm-failure';
const C04 = 'no-abort-recovery';
const SEVERITY_NAMES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

const ROOT_CONFIG = { rules: { [C04]: 'off', [C01]: 'error' }, ignore: ['ledger/'], bindingModules: ['web/vendor/*.js'] };
const ENGINE_JS = 'export function set_item(id, value) { return globalThis.engine.set(id, value); }\n';
const SAVE_TS = `import { set_item } from './vendor/engine.js';
export function save(id: number, v: string): boolean {
  try {
    set_item(id, v);
    return true;
  } catch (e) {
    console.warn(e);
    return false;
  }
}
`;

function runCli(args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `relative/path line:column rule severity` rows of the CLI's visible findings. */
function cliRows(root: string): string[] {
  const run = runCli(['check', '.', '--format', 'json'], root);
  const doc = JSON.parse(run.stdout) as { findings: { path: string; line: number; column: number; ruleId: string; severity: string; suppression?: unknown }[] };
  return doc.findings.filter((f) => !f.suppression).map((f) => `${f.path} ${f.line}:${f.column} ${f.ruleId} ${f.severity}`).sort();
}

/** The same rows from the latest diagnostics the server published for each file under `root`. */
function publishedRows(client: LspTestClient, root: string): string[] {
  const latest = new Map<string, PublishDiagnosticsParams>();
  for (const p of client.published) latest.set(p.uri, p);
  const rows: string[] = [];
  for (const [uri, p] of latest) {
    const rel = path.relative(root, new URL(uri).pathname).split(path.sep).join('/');
    for (const d of p.diagnostics) rows.push(`${rel} ${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)} ${SEVERITY_NAMES[d.severity ?? 1]}`);
  }
  return rows.sort();
}

/** A server on `root` with the settings the VS Code client sends when the user set nothing, after its start-up scan. */
async function startScanned(root: string, timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<LspTestClient> {
  const client = LspTestClient.start(undefined, { env });
  client.settings = { enable: true, debounceMs: 50 };
  await client.initialize(root);
  await client.waitFor('the end of the workspace scan', () => client.progress.some((p) => (p as { value?: { kind?: string } }).value?.kind === 'end'), timeoutMs);
  return client;
}

describe('one configuration for the editor and the CLI', () => {
  let root: string;
  let client: LspTestClient;

  const editorRows = (): string[] => publishedRows(client, root);

  const latestFor = (rel: string): PublishDiagnosticsParams | undefined => {
    const uri = fileUri(path.join(root, rel));
    return [...client.published].reverse().find((p) => p.uri === uri);
  };

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-config-lsp-'));
    fs.cpSync(SAMPLE, root, { recursive: true });
    fs.mkdirSync(path.join(root, '.git'));
    fs.mkdirSync(path.join(root, 'web', 'vendor'), { recursive: true });
    fs.writeFileSync(path.join(root, 'web', 'vendor', 'engine.js'), ENGINE_JS);
    fs.writeFileSync(path.join(root, 'web', 'save.ts'), SAVE_TS);
    fs.writeFileSync(path.join(root, 'wasm-safety.json'), JSON.stringify(ROOT_CONFIG));
    fs.writeFileSync(path.join(root, 'store', 'wasm-safety.json'), JSON.stringify({ rules: { [R01]: 'warning' } }));
    client = await startScanned(root, 60_000);
  });

  after(() => {
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('the server and `check` report the same findings for the same config files', () => {
    const cli = cliRows(root);
    assert.deepEqual(editorRows(), cli);
    // And the config files did something: C01 raised (also through bindingModules), ledger/ ignored, C04 off at
    // the root; store/'s own file downgrades R01 and, since files do not cascade, leaves C04 at its default.
    assert.deepEqual(cli.map((r) => r.replace(/ \d+:\d+ /, ' ')), [
      `app/src/main.ts ${C01} error`,
      `store/src/lib.rs ${C04} info`,
      `store/src/lib.rs ${R01} warning`,
      `web/save.ts ${C01} error`,
    ]);
  });

  it('an editor setting the user set explicitly overrides the config file', async () => {
    const since = client.published.length;
    client.settings = { enable: true, debounceMs: 50, rules: { [R01]: 'info' } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const storeUri = fileUri(path.join(root, 'store', 'src', 'lib.rs'));
    const published = await client.waitForDiagnostics(storeUri, `${R01} as info`, (p) => p.diagnostics.some((d) => d.code === R01 && d.severity === 3), { since });
    assert.equal(published.diagnostics.filter((d) => d.code === R01).length, 1);
    // C01 in app/ still comes from the file (the editor did not set it).
    assert.equal(latestFor('app/src/main.ts')?.diagnostics[0]?.severity, 1);
    const reset = client.published.length;
    client.settings = { enable: true, debounceMs: 50 };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(storeUri, `${R01} back to the nested config's warning`, (p) => p.diagnostics.some((d) => d.code === R01 && d.severity === 2), { since: reset });
  });

  it('a changed config file re-lints open and closed files, and the CLI agrees again', async () => {
    const mainUri = fileUri(path.join(root, 'app', 'src', 'main.ts'));
    const mainText = fs.readFileSync(path.join(root, 'app', 'src', 'main.ts'), 'utf8');
    await client.open(mainUri, 'typescript', 1, mainText);
    await client.waitForDiagnostics(mainUri, `${C01} on the opened document`, (p) => p.version === 1 && p.diagnostics.length > 0);

    const since = client.published.length;
    fs.writeFileSync(path.join(root, 'wasm-safety.json'), JSON.stringify({ ...ROOT_CONFIG, rules: { [C04]: 'off', [C01]: 'off' } }));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(root, 'wasm-safety.json')), type: 2 }] });
    await client.waitForDiagnostics(mainUri, `${C01} gone from the open document after turning it off in wasm-safety.json`, (p) => p.diagnostics.length === 0, { since });
    await client.waitForDiagnostics(fileUri(path.join(root, 'web', 'save.ts')), `${C01} gone from the closed file too`, (p) => p.diagnostics.length === 0, { since });
    assert.deepEqual(editorRows(), cliRows(root));
  });

  it('a baseline created by the CLI hides findings in the editor', async () => {
    const created = runCli(['baseline', 'create'], root);
    assert.equal(created.status, 0, created.stderr);
    const storeUri = fileUri(path.join(root, 'store', 'src', 'lib.rs'));
    const since = client.published.length;
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(root, 'wasm-safety-baseline.json')), type: 1 }] });
    await client.waitForDiagnostics(storeUri, `the baselined ${R01} hidden`, (p) => p.diagnostics.length === 0, { since });

    // An open document is matched by code, not line: typing above the finding keeps it hidden.
    const text = fs.readFileSync(path.join(root, 'store', 'src', 'lib.rs'), 'utf8');
    await client.open(storeUri, 'rust', 1, `// moved\n${text}`);
    const opened = await client.waitForDiagnostics(storeUri, 'the open store/src/lib.rs linted', (p) => p.version === 1);
    assert.deepEqual(opened.diagnostics, []);
    // Changing the finding's line reports it again.
    const line = `// moved\n${text}`.split('\n').findIndex((l) => l.includes('on_change(id);'));
    await client.change(storeUri, 2, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '        let _ = 1;\n' }]);
    await client.change(storeUri, 3, [{ range: { start: { line: line + 1, character: 8 }, end: { line: line + 1, character: 22 } }, text: 'on_change(id + 1);' }]);
    await client.waitForDiagnostics(storeUri, `${R01} reported again once its code changed`, (p) => p.version === 3 && p.diagnostics.some((d) => d.code === R01));
  });

  it('mistakes in a config file are shown on that file, with the key\'s position, until fixed', async () => {
    const configPath = path.join(root, 'store', 'wasm-safety.json');
    const configUri = fileUri(configPath);
    let since = client.published.length;
    fs.writeFileSync(configPath, `{\n  "rules": { "${R01}": "fatal" },\n  "colour": "red"\n}\n`);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    const shown = await client.waitForDiagnostics(configUri, 'the config problems on store/wasm-safety.json', (p) => p.diagnostics.length === 2, { since });
    const rows = shown.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.message}`).sort();
    assert.match(rows[0], new RegExp(`^2:14 2 rules\\.${R01}: expected one of error, warning, info, hint, off, got "fatal"`));
    assert.match(rows[1], /^3:3 2 colour: unknown key/);
    // The valid rest still applies: R01 is back at its default severity (error) in store/.
    await client.waitForDiagnostics(fileUri(path.join(root, 'store', 'src', 'lib.rs')), `${R01} at its default`, (p) => p.diagnostics.some((d) => d.code === R01 && d.severity === 1), { since });

    since = client.published.length;
    fs.writeFileSync(configPath, JSON.stringify({ rules: { [R01]: 'warning' } }));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    await client.waitForDiagnostics(configUri, 'the config problems cleared once fixed', (p) => p.diagnostics.length === 0, { since });
  });
});

// Files that are not open are linted by the scan Linter (text gates, no incremental bookkeeping), open
// ones by the incremental Linter: over every rule fixture (each rule's bad and good cases), the
// editor's start-up scan publishes exactly what `check` reports.
describe('the editor\'s start-up scan and `check` agree on every rule fixture', () => {
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-agree-'));
    fs.cpSync(path.join(REPO_ROOT, 'test-fixtures'), root, { recursive: true });
    client = await startScanned(root, 120_000);
  });

  it('and so does a scan on lint workers (each linting a copy of the server\'s workspace)', async () => {
    // The fixtures are far below the size from which the scan uses workers: the test hook lowers it.
    const onWorkers = await startScanned(root, 120_000, { WASM_SAFETY_TEST_HOOKS: '1', WASM_SAFETY_SCAN_WORKERS_MIN_CHARS: '1' });
    try {
      const messages = onWorkers.progress.map((p) => (p as { value?: { message?: string } }).value?.message ?? '');
      assert.ok(messages.some((m) => /on \d+ threads/.test(m)), `the scan ran on workers: ${messages.join(' | ')}`);
      assert.deepEqual(publishedRows(onWorkers, root), cliRows(root));
    } finally {
      onWorkers.dispose();
    }
  });

  after(() => {
    client?.dispose();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('publishes the findings `check` reports, file by file', () => {
    const cli = cliRows(root);
    assert.ok(cli.length > 100, `the fixtures have findings (${cli.length})`);
    assert.deepEqual(publishedRows(client, root), cli);
  });

  it('an opened file (incremental Linter) keeps the findings of the scan', async () => {
    const rel = 'rust/borrow-held-across-js-call.rs';
    const file = path.join(root, rel);
    const uri = fileUri(file);
    const scanned = publishedRows(client, root).filter((r) => r.startsWith(`${rel} `));
    assert.ok(scanned.length > 0, `${rel} has findings`);
    const since = client.published.length;
    await client.open(uri, 'rust', 1, fs.readFileSync(file, 'utf8'));
    await client.waitForDiagnostics(uri, 'the opened file linted', (p) => p.version === 1, { since });
    assert.deepEqual(publishedRows(client, root).filter((r) => r.startsWith(`${rel} `)), scanned);
  });
});
