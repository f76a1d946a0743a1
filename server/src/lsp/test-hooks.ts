// Test-only hooks of the language server, for the reliability tests (server/test/stress/). They are
// OFF unless the server process is started with WASM_SAFETY_TEST_HOOKS=1 in its environment (nothing
// a user sets by accident; the server logs a warning when they are on). With the hooks on:
//   - `wasmSafety/test/documentState` answers what the server holds for an open document (its text
//     and version as synchronised, the Workspace's copy of the text, and whether the incrementally
//     updated tree equals a fresh parse of that text), so a fuzz test can compare it with its model;
//   - `wasmSafety/test/gc` runs a full garbage collection when node runs with --expose-gc and answers
//     process.memoryUsage() (the memory test and the benchmark's RSS readings);
//   - WASM_SAFETY_FAULT_INJECTION=<rule id> makes that rule throw on every visit (fault isolation),
//     as the CLI's hook of the same name does;
//   - WASM_SAFETY_SCAN_WORKERS_MIN_CHARS=<n> lets the background scan use lint workers from n characters
//     of source on (background.ts; the default is too large for test workspaces).
// Without the flag none of this is registered: the requests answer MethodNotFound like any unknown method.

import type { Connection } from 'vscode-languageserver';
import { ParsedDocument } from '../analysis/index';
import { loadGrammars } from '../host/wasm-files';
import type { Session } from './session';

export const TEST_HOOKS_ENV = 'WASM_SAFETY_TEST_HOOKS';
export const FAULT_INJECTION_ENV = 'WASM_SAFETY_FAULT_INJECTION';
export const SCAN_WORKERS_MIN_CHARS_ENV = 'WASM_SAFETY_SCAN_WORKERS_MIN_CHARS';

export interface TestHooks {
  /** Rule id to make throw (Linter fault injection). */
  readonly faultInjection?: string;
  /** Source characters from which the background scan uses lint workers (instead of its default). */
  readonly scanWorkersMinChars?: number;
}

/** The hooks requested by the environment, or undefined when WASM_SAFETY_TEST_HOOKS is not `1`. */
export function testHooksFromEnv(env: NodeJS.ProcessEnv): TestHooks | undefined {
  if (env[TEST_HOOKS_ENV] !== '1') return undefined;
  const minChars = Number(env[SCAN_WORKERS_MIN_CHARS_ENV]);
  return { faultInjection: env[FAULT_INJECTION_ENV] || undefined, scanWorkersMinChars: env[SCAN_WORKERS_MIN_CHARS_ENV] && Number.isFinite(minChars) ? minChars : undefined };
}

export interface DocumentState {
  readonly version: number;
  /** The text as synchronised from didOpen/didChange. */
  readonly text: string;
  /** The Workspace's copy of the text (what the analysis lints). */
  readonly workspaceText: string | undefined;
  /** True when the kept tree (updated incrementally) prints the same as a fresh parse of `text`; undefined without a tree. */
  readonly treeMatchesFreshParse: boolean | undefined;
  /** The fresh parse has ERROR or MISSING nodes (tree-sitter's error recovery may then differ between incremental and fresh parses). */
  readonly freshTreeHasErrors: boolean | undefined;
}

export function registerTestRequests(connection: Connection, session: () => Session | undefined): void {
  connection.onRequest('wasmSafety/test/documentState', async (params: { uri: string; compareTree?: boolean }): Promise<DocumentState | null> => {
    const current = session();
    const open = current?.documents.get(params.uri);
    if (!current || !open) return null;
    const text = open.document.getText();
    let treeMatchesFreshParse: boolean | undefined;
    let freshTreeHasErrors: boolean | undefined;
    const language = current.workspace.languageOf(open.path);
    if (params.compareTree && language && current.workspace.hasTree(open.path)) {
      const kept = current.workspace.withDocument(open.path, (doc) => doc.tree.rootNode.toString());
      const fresh = new ParsedDocument(await loadGrammars(), language, current.workspace.fileText(open.path) ?? '');
      try {
        treeMatchesFreshParse = fresh.tree.rootNode.toString() === kept;
        freshTreeHasErrors = fresh.tree.rootNode.hasError;
      } finally {
        fresh.dispose();
      }
    }
    return { version: open.document.version, text, workspaceText: current.workspace.fileText(open.path), treeMatchesFreshParse, freshTreeHasErrors };
  });
  connection.onRequest('wasmSafety/test/gc', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    return { collected: gc !== undefined, memory: process.memoryUsage() };
  });
}
