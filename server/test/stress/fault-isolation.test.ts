// Fault isolation (issue 9.5), against the real server process and the CLI: a rule made to throw
// (WASM_SAFETY_FAULT_INJECTION, honoured by the server only together with WASM_SAFETY_TEST_HOOKS=1)
// yields an internal-error entry in the log naming the rule and no diagnostics from it, while the
// other rules still report; the same variable without the hooks flag changes nothing; a grammar that
// fails to load is reported with its file name by the server (initialize error + log) and the CLI
// (exit 2). The client side (a killed server is restarted and the open documents re-sent) is an
// extension-host test: client/src/test/suite/restart.test.ts.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-jsonrpc/node';
import { fileUri, LspTestClient, REPO_ROOT } from '../support/lsp-client';
import { startHookedServer, temporaryCrate } from './stress-support';

const FAULTY_RULE = 'abort-build-throw-inside-borrow';
/** A fixture on which the faulty rule and at least one other rule report. */
const FIXTURE = fs.readFileSync(path.join(REPO_ROOT, 'test-fixtures', 'rust', `${FAULTY_RULE}.rs`), 'utf8');

function codes(diagnostics: readonly { code?: number | string }[]): Set<string> {
  return new Set(diagnostics.map((d) => String(d.code)));
}

describe('fault isolation: a rule that throws in the server', () => {
  let crate: ReturnType<typeof temporaryCrate>;
  const clients: LspTestClient[] = [];

  before(() => {
    crate = temporaryCrate('wasm-safety-fault-');
  });

  after(() => {
    for (const c of clients) c.dispose();
    crate?.dispose();
  });

  async function diagnosticsWith(env: { hooks: boolean; fault?: string }): Promise<{ client: LspTestClient; codes: Set<string> }> {
    const client = env.hooks
      ? startHookedServer({ faultInjection: env.fault })
      : LspTestClient.start(undefined, { env: { WASM_SAFETY_FAULT_INJECTION: env.fault ?? '' } });
    clients.push(client);
    client.settings = { enable: true, debounceMs: 0 };
    await client.initialize(crate.root);
    const uri = fileUri(path.join(crate.src, 'lib.rs'));
    await client.open(uri, 'rust', 1, FIXTURE);
    const published = await client.waitForDiagnostics(uri, 'diagnostics for version 1', (p) => p.version === 1);
    return { client, codes: codes(published.diagnostics) };
  }

  it('the faulty rule reports nothing and is named in the log; the other rules still report', async () => {
    const healthy = await diagnosticsWith({ hooks: true });
    assert.ok(healthy.codes.has(FAULTY_RULE) && healthy.codes.size >= 2, `without the fault: ${[...healthy.codes].join(', ')}`);
    const faulty = await diagnosticsWith({ hooks: true, fault: FAULTY_RULE });
    assert.ok(!faulty.codes.has(FAULTY_RULE), `no ${FAULTY_RULE} diagnostics with the fault injected`);
    assert.deepEqual([...faulty.codes].sort(), [...healthy.codes].filter((c) => c !== FAULTY_RULE).sort(), 'every other rule still reports');
    await faulty.client.waitFor('the internal error in the log', () =>
      faulty.client.log.some((l) => l.includes(`internal error [${FAULTY_RULE}]`) && l.includes('fault injected for testing')));
    assert.equal(faulty.client.hasExited, false);
    assert.equal(await faulty.client.shutdown(), 0);
    assert.equal(await healthy.client.shutdown(), 0);
  });

  it('WASM_SAFETY_FAULT_INJECTION alone (without WASM_SAFETY_TEST_HOOKS=1) changes nothing', async () => {
    const run = await diagnosticsWith({ hooks: false, fault: FAULTY_RULE });
    assert.ok(run.codes.has(FAULTY_RULE), `${FAULTY_RULE} still reports: ${[...run.codes].join(', ')}`);
    assert.ok(!run.client.log.some((l) => /test hooks|fault injected/.test(l)), 'no trace of the hooks in the log');
    const state = await run.client.connection.sendRequest('wasmSafety/test/documentState', { uri: 'file:///x.rs' }).then(() => 'answered', (e: unknown) => (e instanceof ResponseError ? e.code : e));
    assert.equal(state, -32601, 'the test-only request does not exist (MethodNotFound)');
    assert.equal(await run.client.shutdown(), 0);
  });
});

describe('fault isolation: a grammar that fails to load', () => {
  let brokenDir: string;

  before(() => {
    brokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-broken-grammar-'));
    // Not a wasm module at all: found first through WASM_SAFETY_GRAMMAR_DIR, so loading it fails.
    fs.writeFileSync(path.join(brokenDir, 'tree-sitter-rust.wasm'), 'this is not WebAssembly');
  });

  after(() => fs.rmSync(brokenDir, { recursive: true, force: true }));

  it('the server answers initialize with an error naming the grammar file, logs it, and does not crash', async () => {
    const client = LspTestClient.start(undefined, { env: { WASM_SAFETY_GRAMMAR_DIR: brokenDir } });
    try {
      const error = await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof ResponseError, `initialize fails: ${String(error)}`);
      assert.match(error.message, /failed to load grammar tree-sitter-rust\.wasm/);
      await client.waitFor('the grammar failure in the log', () => client.log.some((l) => l.includes('tree-sitter-rust.wasm')));
      assert.equal(client.hasExited, false, 'still running: the client decides what to do');
      await client.request('shutdown', null);
      await client.notify('exit', null);
      assert.equal(await client.whenExited(), 0);
    } finally {
      client.dispose();
    }
  });

  it('the CLI exits 2 with a message naming the grammar file', () => {
    const crate = temporaryCrate('wasm-safety-broken-cli-');
    try {
      fs.writeFileSync(path.join(crate.src, 'lib.rs'), 'pub fn f() {}\n');
      const bundled = path.join(REPO_ROOT, 'dist', 'cli.js');
      const cli = fs.existsSync(bundled) ? bundled : path.join(REPO_ROOT, 'out', 'server', 'src', 'cli', 'bin.js');
      const run = spawnSync(process.execPath, [cli, 'check', '.'], { cwd: crate.root, encoding: 'utf8', env: { ...process.env, WASM_SAFETY_GRAMMAR_DIR: brokenDir }, timeout: 60_000 });
      assert.equal(run.status, 2, `exit 2; stderr: ${run.stderr}`);
      assert.match(run.stderr, /tree-sitter-rust\.wasm/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'a message, not a stack trace');
    } finally {
      crate.dispose();
    }
  });
});
