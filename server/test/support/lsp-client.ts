// A real JSON-RPC client for the language-server tests: spawns the built server over stdio, answers
// the requests a client must answer (configuration, progress creation, registrations), records every
// notification, and lets a test wait for an event with a timeout whose failure message says what was
// expected and what did arrive (publishes, server log, stderr). No fixed sleeps anywhere.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { SERVER_NODE_FLAGS } from '../../src/lsp/node-flags';
import {
  createMessageConnection, type MessageConnection, type MessageReader, type MessageWriter, StreamMessageReader, StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities, CodeAction, CodeActionParams, ConfigurationParams, Diagnostic, InitializeResult,
  PublishDiagnosticsParams, TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * The server to test: the bundle (`dist/server.js`, built by `npm run bundle`) when it exists and is not
 * older than the tsc output of the server sources, else the tsc output (`out/server/src/lsp/main.js`),
 * so `npm run test:unit` after an edit never tests a stale bundle. `WASM_SAFETY_TEST_SERVER` overrides both.
 */
export function serverEntryPoint(): string {
  chosenEntryPoint ??= chooseEntryPoint();
  return chosenEntryPoint;
}

let chosenEntryPoint: string | undefined;

function chooseEntryPoint(): string {
  const override = process.env.WASM_SAFETY_TEST_SERVER;
  if (override) return path.resolve(override);
  const compiledSources = path.join(REPO_ROOT, 'out', 'server', 'src');
  const compiled = path.join(compiledSources, 'lsp', 'main.js');
  const bundled = path.join(REPO_ROOT, 'dist', 'server.js');
  if (!fs.existsSync(bundled)) return compiled;
  if (fs.existsSync(compiled) && fs.statSync(bundled).mtimeMs < newestModification(compiledSources)) {
    process.stderr.write(`lsp test: ${path.relative(REPO_ROOT, bundled)} is older than the compiled sources; testing ${path.relative(REPO_ROOT, compiled)}\n`);
    return compiled;
  }
  return bundled;
}

function newestModification(dir: string): number {
  let newest = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name.endsWith('.js')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Capabilities of a full-featured editor (VS Code-like) for the parts the server adapts to. */
export const FULL_CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    didChangeConfiguration: { dynamicRegistration: false },
    workspaceFolders: true,
  },
  window: { workDoneProgress: true },
  textDocument: {
    synchronization: { didSave: true, dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
      dataSupport: true,
    },
  },
};

interface Waiter {
  readonly probe: () => boolean;
  readonly fail: (error: Error) => void;
}

export class LspTestClient {
  readonly connection: MessageConnection;
  /** Every textDocument/publishDiagnostics, in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** window/logMessage and window/showMessage texts. */
  readonly log: string[] = [];
  /** Methods of the requests the server sent to the client. */
  readonly serverRequests: string[] = [];
  readonly progress: unknown[] = [];
  /** What `workspace/configuration` answers for the `wasmSafety` section. */
  settings: Record<string, unknown> = {};
  private stderr = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;
  private readonly waiters = new Set<Waiter>();

  /** `child`: the server process; undefined for a server running in this process (see `inProcess`). */
  private constructor(fromServer: Readable, toServer: Writable, private readonly child: ChildProcessWithoutNullStreams | undefined) {
    this.connection = createMessageConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
    child?.stderr.setEncoding('utf8');
    child?.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child?.on('exit', (code) => {
        this.exitCode = code;
        resolve(code);
        this.wake();
      });
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      this.wake();
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.log.push(params.message);
      this.wake();
    });
    this.connection.onNotification('window/showMessage', (params: { message: string }) => this.log.push(`[showMessage] ${params.message}`));
    this.connection.onNotification('$/progress', (params: unknown) => {
      this.progress.push(params);
      this.wake();
    });
    this.connection.onRequest('workspace/configuration', (params: ConfigurationParams) => {
      this.serverRequests.push('workspace/configuration');
      return params.items.map((item) => (item.section === 'wasmSafety' ? this.settings : null));
    });
    this.connection.onRequest('window/workDoneProgress/create', () => {
      this.serverRequests.push('window/workDoneProgress/create');
      return null;
    });
    this.connection.onRequest('client/registerCapability', () => {
      this.serverRequests.push('client/registerCapability');
      return null;
    });
    this.connection.onClose(() => this.wake());
    this.connection.listen();
  }

  /**
   * Spawns the built server (`node <entry> --stdio`). `options.env` is added to this process's
   * environment (e.g. WASM_SAFETY_TEST_HOOKS=1); `options.nodeArgs` go before the entry point (default:
   * the flags the VS Code extension starts it with, SERVER_NODE_FLAGS).
   */
  static start(entryPoint = serverEntryPoint(), options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[] } = {}): LspTestClient {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? SERVER_NODE_FLAGS), entryPoint, '--stdio'], {
      stdio: 'pipe', cwd: REPO_ROOT, env: { ...process.env, ...options.env },
    });
    return new LspTestClient(child.stdout, child.stdin, child);
  }

  /** The server process id (undefined for an in-process server). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True once the server process has exited. */
  get hasExited(): boolean {
    return this.exitCode !== undefined;
  }

  /** What the server wrote to stderr so far. */
  get stderrText(): string {
    return this.stderr;
  }

  /** Resolves with the exit code when the server process ends (never, for an in-process server). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /**
   * A server started in this process by `start` (e.g. with test-only rules), connected through
   * in-memory streams. `exit` is never sent to it (the server would end this process).
   */
  static inProcess(start: (reader: MessageReader, writer: MessageWriter) => void): LspTestClient {
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    start(new StreamMessageReader(toServer), new StreamMessageWriter(fromServer));
    return new LspTestClient(fromServer, toServer, undefined);
  }

  /** initialize + initialized; `rootDir` undefined: no workspace folder (a single-file session). */
  async initialize(rootDir: string | undefined, capabilities: ClientCapabilities = FULL_CLIENT_CAPABILITIES, initializationOptions?: unknown): Promise<InitializeResult> {
    const rootUri = rootDir === undefined ? null : fileUri(rootDir);
    const result = await this.request<InitializeResult>('initialize', {
      // An in-process server must not watch for its parent to die (its timer would keep the tests running).
      processId: this.child ? process.pid : null,
      rootUri,
      workspaceFolders: rootDir === undefined ? null : [{ uri: rootUri, name: path.basename(rootDir) }],
      capabilities,
      initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** A request that fails with a message naming the method when the server answers with an error or dies. */
  async request<R>(method: string, params: unknown): Promise<R> {
    return this.until(`a response to ${method}`, this.connection.sendRequest<R>(method, params));
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  open(uri: string, languageId: string, version: number, text: string): Promise<void> {
    return this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  codeActions(params: CodeActionParams): Promise<(CodeAction | { command: string })[] | null> {
    return this.request('textDocument/codeAction', params);
  }

  /**
   * The first publish for `uri` (at index `since` or later in `published`) that satisfies `accept`.
   * `expectation` describes it for the failure message.
   */
  waitForDiagnostics(
    uri: string,
    expectation: string,
    accept: (params: PublishDiagnosticsParams) => boolean,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<PublishDiagnosticsParams> {
    const since = options.since ?? 0;
    let found: PublishDiagnosticsParams | undefined;
    return this.waitFor(
      `publishDiagnostics for ${uri}: ${expectation}`,
      () => {
        found = this.published.slice(since).find((p) => p.uri === uri && accept(p));
        return found !== undefined;
      },
      options.timeoutMs,
    ).then(() => found!);
  }

  /** Resolves when `probe` holds (checked now and after every event); rejects on timeout or server exit. */
  waitFor(expectation: string, probe: () => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (probe()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${expectation}\n${this.whatArrived()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        probe: () => {
          if (!probe()) return false;
          clearTimeout(timer);
          resolve();
          return true;
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** shutdown + exit; resolves with the process exit code (in-process servers: shutdown only, resolves null). */
  async shutdown(): Promise<number | null> {
    await this.request('shutdown', null);
    if (!this.child) return null;
    await this.notify('exit', null);
    let code: number | null | undefined;
    await this.until('the server process to exit after `exit`', this.exited.then((c) => {
      code = c;
    }), true);
    return code ?? null;
  }

  /** Kills the server if it is still running (after a failed test). */
  dispose(): void {
    this.connection.dispose();
    if (this.child && this.exitCode === undefined) this.child.kill();
  }

  /** A summary of everything received, for failure messages. */
  whatArrived(): string {
    const publishes = this.published.map((p) => {
      const codes = p.diagnostics.map((d: Diagnostic) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`).join(', ');
      return `  ${p.uri} v${p.version ?? '-'}: [${codes}]`;
    });
    return [
      `Received ${this.published.length} publishDiagnostics:`,
      ...(publishes.length ? publishes.slice(-30) : ['  (none)']),
      `Server log (last 30 lines):`,
      ...this.log.slice(-30).map((l) => `  ${l}`),
      `Server stderr: ${this.stderr.trim() === '' ? '(empty)' : '\n' + this.stderr.trim().slice(-3000)}`,
      this.exitCode !== undefined ? `Server process exited with code ${this.exitCode}` : 'Server process still running',
    ].join('\n');
  }

  private async until<T>(expectation: string, promise: Promise<T>, exitExpected = false): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${DEFAULT_TIMEOUT_MS} ms waiting for ${expectation}\n${this.whatArrived()}`)), DEFAULT_TIMEOUT_MS);
    });
    const died = exitExpected
      ? new Promise<never>(() => undefined)
      : this.exited.then((code) => Promise.reject(new Error(`The server exited (code ${code}) while waiting for ${expectation}\n${this.whatArrived()}`)));
    try {
      return await Promise.race([promise, timeout, died]);
    } catch (e) {
      if (e instanceof Error && !e.message.includes('Server stderr:')) e.message += `\n${this.whatArrived()}`;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (this.exitCode !== undefined) {
        this.waiters.delete(waiter);
        if (!waiter.probe()) waiter.fail(new Error(`The server exited (code ${this.exitCode}) before the expected event arrived\n${this.whatArrived()}`));
        continue;
      }
      if (waiter.probe()) this.waiters.delete(waiter);
    }
  }
}

export function fileUri(file: string): string {
  return pathToFileURL(path.resolve(file)).href;
}
