#!/usr/bin/env node
// Packages the built extension (run `npm run build` first; `npm run package` does both) into
// wasm-safety-<version>.vsix with @vscode/vsce, then lists it and checks that the files the extension
// needs at run time are inside: the three bundles, the five wasm files, the manifest and the docs.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsixName = `${pkg.name}-${pkg.version}.vsix`;
const vsixPath = path.join(ROOT, vsixName);

const REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/dist/cli.js',
  'extension/dist/web-tree-sitter.wasm',
  'extension/dist/tree-sitter-rust.wasm',
  'extension/dist/tree-sitter-typescript.wasm',
  'extension/dist/tree-sitter-tsx.wasm',
  'extension/dist/tree-sitter-javascript.wasm',
  'extension/schemas/wasm-safety.schema.json',
];
/** Anything matching these in the .vsix is a .vscodeignore mistake. */
const FORBIDDEN = [/\/node_modules\//, /\.ts$/, /\.map$/, /^extension\/(server|client|scripts|test-fixtures|out)\//];

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

for (const bundle of ['client.js', 'server.js', 'cli.js']) {
  if (!fs.existsSync(path.join(ROOT, 'dist', bundle))) fail(`dist/${bundle} is missing: run \`npm run build\` first`);
}

const vsce = path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
const vsceArgs = ['package', '--no-dependencies', '--out', vsixPath];
if (!pkg.repository) vsceArgs.push('--allow-missing-repository');
execFileSync(vsce, vsceArgs, { cwd: ROOT, stdio: 'inherit' });

// A .vsix is a zip; `unzip -Z1` lists entry names only, one per line.
let entries;
try {
  entries = execFileSync('unzip', ['-Z1', vsixPath], { encoding: 'utf8' }).split('\n').filter(Boolean);
} catch (e) {
  fail(`cannot list ${vsixName} with unzip: ${e.message}`);
}
const docsDir = path.join(ROOT, 'docs', 'rules');
const docPages = fs.existsSync(docsDir) ? fs.readdirSync(docsDir).filter((f) => f.endsWith('.md')) : [];
const required = [...REQUIRED_ENTRIES, ...docPages.map((f) => `extension/docs/rules/${f}`)];
const absent = required.filter((e) => !entries.includes(e));
const unwanted = entries.filter((e) => FORBIDDEN.some((re) => re.test(e)));

const size = fs.statSync(vsixPath).size;
console.log(`\n${vsixName}: ${(size / 1024 / 1024).toFixed(2)} MiB (${size} bytes), ${entries.length} entries`);
for (const entry of entries) console.log(`  ${entry}`);
if (absent.length > 0) fail(`missing from ${vsixName}:\n  ${absent.join('\n  ')}`);
if (unwanted.length > 0) fail(`unexpected files in ${vsixName} (fix .vscodeignore):\n  ${unwanted.join('\n  ')}`);
console.log(`\nInstall with: code --install-extension ${vsixName}`);
