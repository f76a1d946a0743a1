// The language server process (bundled to dist/server.js). createConnection picks the transport from
// the command line: node IPC when vscode-languageclient starts it with --node-ipc, stdio with --stdio.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
