#!/usr/bin/env node
// Bundles the extension client, the language server and the CLI with esbuild into dist/, and copies
// the tree-sitter runtime and grammar wasm files next to them (server/src/host/wasm-files.ts looks in
// the bundle's own directory first, so dist/ is self-contained: the .vsix and `npx wasm-safety` need
// nothing from node_modules at run time).
//
// Not minified: measured on 0.1.0, minifying the three bundles (2.7 MB -> 1.3 MB) shrinks the .vsix
// only from 1.04 MB to about 0.9 MB (zip compresses plain JS well, and the grammar wasm dominates),
// while readable stack traces in users' output channels and CLI crash reports are worth more.
// Source maps are written for local debugging and left out of the .vsix (.vscodeignore).

import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const DIST = path.join(ROOT, 'dist');

const ENTRY_POINTS = [
  { source: 'client/src/extension.ts', output: 'client.js', what: 'VS Code extension client' },
  { source: 'server/src/lsp/main.ts', output: 'server.js', what: 'language server' },
  { source: 'server/src/cli/bin.ts', output: 'cli.js', what: 'command-line interface', executable: true },
];

const RUNTIME_WASM = 'node_modules/web-tree-sitter/web-tree-sitter.wasm';
const GRAMMAR_DIR = 'grammars';
const EXPECTED_GRAMMARS = ['tree-sitter-javascript.wasm', 'tree-sitter-rust.wasm', 'tree-sitter-tsx.wasm', 'tree-sitter-typescript.wasm'];

function fail(message) {
  console.error(`bundle: ${message}`);
  process.exit(1);
}

const missing = ENTRY_POINTS.filter((e) => !fs.existsSync(path.join(ROOT, e.source)));
if (missing.length > 0) {
  fail(`missing entry point(s):\n${missing.map((e) => `  ${e.source} (the ${e.what})`).join('\n')}\nnothing was bundled.`);
}
for (const file of [RUNTIME_WASM, ...EXPECTED_GRAMMARS.map((g) => path.join(GRAMMAR_DIR, g))]) {
  if (!fs.existsSync(path.join(ROOT, file))) fail(`missing ${file} (run \`npm ci\`; grammars: see grammars/README.md)`);
}

fs.rmSync(DIST, { recursive: true, force: true });
fs.mkdirSync(DIST, { recursive: true });

const WEB_TREE_SITTER_CJS = path.join(ROOT, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.cjs');

/**
 * One edit to web-tree-sitter's `Node` class, for speed only (docs/performance.md, fifth round): a
 * `Node` keeps its wasm handle word under the index key `[0]`, so every node object the API hands out
 * (hundreds of thousands per MB of source) gets an elements store of its own, and defining it as a class
 * field goes through the runtime: creating a node cost about 190 ns against 40 ns with a named property
 * (micro-benchmark). The handle is only ever read by `marshalNode`, so the edit names it `other_` in the
 * three places that touch it. Each pattern must match exactly once in the `Node` class or `marshalNode`,
 * else the bundle fails: a new web-tree-sitter version is then checked again by hand, not patched blind.
 */
const NODE_HANDLE_EDITS = [
  { region: 'var Node = class {', find: '[0] = 0;', replace: '' },
  { region: 'var Node = class {', find: 'this[0] = other;', replace: 'this.other_ = other;' },
  { region: 'function marshalNode(node', find: 'C.setValue(address, node[0], "i32");', replace: 'C.setValue(address, node.other_, "i32");' },
];

/** The text of the top-level declaration starting with `head` (it ends at the first `}` in column 0). */
function declarationSpan(source, head) {
  const start = source.indexOf(head);
  if (start < 0 || source.indexOf(head, start + 1) >= 0) fail(`web-tree-sitter patch: \`${head}\` not found exactly once`);
  const end = source.indexOf('\n}', start);
  return { start, end: end < 0 ? source.length : end };
}

function patchWebTreeSitter(source) {
  let out = source;
  for (const { region, find, replace } of NODE_HANDLE_EDITS) {
    const { start, end } = declarationSpan(out, region);
    const text = out.slice(start, end);
    const at = text.indexOf(find);
    if (at < 0 || text.indexOf(find, at + 1) >= 0) fail(`web-tree-sitter patch: \`${find}\` not found exactly once in \`${region}\``);
    out = out.slice(0, start) + text.slice(0, at) + replace + text.slice(at + find.length) + out.slice(end);
  }
  for (const region of new Set(NODE_HANDLE_EDITS.map((e) => e.region))) {
    const { start, end } = declarationSpan(out, region);
    if (/(?<!tree)\[0\]/.test(out.slice(start, end))) fail(`web-tree-sitter patch: \`${region}\` still uses a node's [0]`);
  }
  return out;
}

/**
 * web-tree-sitter ships ESM and CJS builds. The TypeScript sources import it with ESM syntax, which
 * would make esbuild pick the ESM build (and its `import.meta.url`, empty in a CJS bundle). Pin the CJS
 * build: the same file the tsc-compiled tests load, so the bundle runs the code the tests ran — but for
 * the node-handle edit above, which the bundle's own tests (CLI, language server, stress) exercise.
 */
const pinWebTreeSitterCjs = {
  name: 'pin-web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: WEB_TREE_SITTER_CJS }));
    build.onLoad({ filter: /web-tree-sitter\.cjs$/ }, (args) => ({
      contents: patchWebTreeSitter(fs.readFileSync(args.path, 'utf8')),
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

for (const entry of ENTRY_POINTS) {
  const sourcePath = path.join(ROOT, entry.source);
  // esbuild keeps an entry point's own hashbang; add one only if the source has none.
  const hasHashbang = fs.readFileSync(sourcePath, 'utf8').startsWith('#!');
  const outfile = path.join(DIST, entry.output);
  const result = await esbuild.build({
    entryPoints: [sourcePath],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: true,
    minify: false,
    logLevel: 'warning',
    plugins: [pinWebTreeSitterCjs],
    banner: entry.executable && !hasHashbang ? { js: '#!/usr/bin/env node' } : undefined,
    metafile: true,
    // server/src/cli/version.ts: the bundle knows its version without finding package.json at run time.
    define: { __WASM_SAFETY_VERSION__: JSON.stringify(version) },
  }).catch(() => fail(`esbuild failed on ${entry.source} (errors above)`));
  if (entry.executable) fs.chmodSync(outfile, 0o755);
  const bytes = result.metafile.outputs[path.relative(ROOT, outfile).split(path.sep).join('/')]?.bytes ?? fs.statSync(outfile).size;
  console.log(`bundle: ${path.relative(ROOT, outfile)} (${(bytes / 1024).toFixed(0)} KiB) ← ${entry.source}`);
}

for (const file of [RUNTIME_WASM, ...EXPECTED_GRAMMARS.map((g) => path.join(GRAMMAR_DIR, g))]) {
  fs.copyFileSync(path.join(ROOT, file), path.join(DIST, path.basename(file)));
}
console.log(`bundle: copied web-tree-sitter.wasm and ${EXPECTED_GRAMMARS.length} grammars into dist/`);
