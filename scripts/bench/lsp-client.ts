// A minimal LSP client for the benchmark: starts the real language server (`node dist/cli.js lsp
// --stdio`) as a child process, talks JSON-RPC with vscode-jsonrpc, and lets the caller wait for the
// publishDiagnostics of a given document version. Reads the server's RSS from /proc.

import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export interface PublishedDiagnostics {
  readonly uri: string;
  readonly version?: number;
  readonly diagnostics: readonly unknown[];
}

export class BenchLspClient {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  private readonly waiters = new Map<string, { version: number; resolve: (p: PublishedDiagnostics) => void }>();
  private progressDone: (() => void) | undefined;
  private stderr = '';
  /** The version of the last publish per URI (for error messages). */
  readonly lastPublished = new Map<string, number | undefined>();

  constructor(cliPath: string, extraNodeArgs: readonly string[] = [], env: NodeJS.ProcessEnv = process.env) {
    this.process = spawn(process.execPath, [...extraNodeArgs, cliPath, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      this.lastPublished.set(p.uri, p.version);
      const waiter = this.waiters.get(p.uri);
      if (waiter && p.version !== undefined && p.version >= waiter.version) {
        this.waiters.delete(p.uri);
        waiter.resolve(p);
      }
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onNotification('$/progress', (p: { value?: { kind?: string } }) => {
      if (p.value?.kind === 'end') this.progressDone?.();
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  get pid(): number {
    return this.process.pid!;
  }

  get recentStderr(): string {
    return this.stderr;
  }

  /** initialize + initialized; resolves when the start-up workspace scan reported its end (true), or after `timeoutMs` (false). */
  async start(rootPath: string, timeoutMs = 60_000): Promise<boolean> {
    const uri = `file://${rootPath}`;
    const scanned = new Promise<void>((resolve) => {
      this.progressDone = resolve;
    });
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'bench' }],
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return Promise.race([scanned.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs))]);
  }

  /** Resolves with the first publish for `uri` whose version is at least `version`. */
  diagnosticsFor(uri: string, version: number, timeoutMs = 60_000): Promise<PublishedDiagnostics> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(uri);
        reject(new Error(`no diagnostics for ${uri} version ${version} within ${timeoutMs} ms (last published: version ${this.lastPublished.get(uri)}); server stderr: ${this.stderr}`));
      }, timeoutMs);
      this.waiters.set(uri, { version, resolve: (p) => { clearTimeout(timer); resolve(p); } });
    });
  }

  open(uri: string, languageId: string, version: number, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, changes: readonly unknown[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Asks the server to collect garbage (only answered when started with the bench hook); returns its memory breakdown. */
  async collectGarbage(): Promise<{ collected: boolean; memory: NodeJS.MemoryUsage } | undefined> {
    return (await this.connection.sendRequest('wasmSafety/test/gc', {})) as { collected: boolean; memory: NodeJS.MemoryUsage };
  }

  /** VmRSS of the server process, in bytes. */
  rss(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    if (!kb) throw new Error('no VmRSS in /proc status');
    return Number(kb[1]) * 1024;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 5000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // the process may be gone already
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    this.connection.dispose();
    if (this.process.exitCode === null) this.process.kill();
  }
}
