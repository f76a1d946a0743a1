// Finds and reads the tree-sitter wasm files on disk for Node hosts (CLI, language server, tests).
// Bundled builds keep them next to the bundle (dist/); development builds find them in grammars/ and
// node_modules/web-tree-sitter/ above the compiled file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Grammars, type WasmLoader } from '../analysis/index';

function candidateDirs(): string[] {
  const dirs: string[] = [];
  const override = process.env.WASM_SAFETY_GRAMMAR_DIR;
  if (override) dirs.push(override);
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    dirs.push(dir, path.join(dir, 'grammars'), path.join(dir, 'node_modules', 'web-tree-sitter'));
  }
  return dirs;
}

export const nodeWasmLoader: WasmLoader = async (fileName) => {
  for (const dir of candidateDirs()) {
    const candidate = path.join(dir, fileName);
    if (fs.existsSync(candidate)) return fs.promises.readFile(candidate);
  }
  throw new Error(`${fileName} not found (looked in ${candidateDirs().slice(0, 3).join(', ')} …)`);
};

let shared: Promise<Grammars> | undefined;

/** The process-wide grammar set (web-tree-sitter's runtime can be initialised once per process). */
export function loadGrammars(): Promise<Grammars> {
  shared ??= Grammars.load(nodeWasmLoader).catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}
