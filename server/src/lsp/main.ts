// The language server process (bundled to dist/server.js). createConnection picks the transport from
// the command line: node IPC when vscode-languageclient starts it with --node-ipc, stdio with --stdio.
// The same bundle is the script of the server's lint workers (background.ts, cli/lint-pool.ts): in a
// worker thread it runs the lint worker (cli/lint-worker.ts starts itself) and no connection.

import { isMainThread } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

if (isMainThread) startServer(createConnection(ProposedFeatures.all));
