#!/usr/bin/env node
// Refreshes grammars/*.wasm from the npm packages that publish them (`npm pack <pkg>@<version>`,
// then extract the .wasm from the tarball), verifies each file against the pinned sha256, and prints
// the ABI version web-tree-sitter reads from it. Provenance and the procedure: grammars/README.md.
//
//   node scripts/update-grammars.mjs            download, verify the pinned sha256, write grammars/
//   node scripts/update-grammars.mjs --check    download and verify only; also compare with grammars/
//   node scripts/update-grammars.mjs --accept   after bumping a version below: write files whose hash
//                                              changed and print the new hashes to pin here and in the README

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GRAMMAR_DIR = path.join(ROOT, 'grammars');

/** Pinned: package, exact version, and the wasm files taken from the package root with their sha256. */
const GRAMMARS = [
  {
    pkg: 'tree-sitter-javascript',
    version: '0.25.0',
    files: { 'tree-sitter-javascript.wasm': '5fb488d0cabb4775a594bab85682de5ad6ce83c0d6ac997a9f82dd084d571240' },
  },
  {
    pkg: 'tree-sitter-rust',
    version: '0.24.0',
    files: { 'tree-sitter-rust.wasm': 'f65f354215611fd94ad34134b3427eb3d58cbb745df7b6509ba722184db73d57' },
  },
  {
    pkg: 'tree-sitter-typescript',
    version: '0.23.2',
    files: {
      'tree-sitter-typescript.wasm': '778025db5a8be0e70f8ccc3671e486dfeddd048c25d9e8a70c26de2e1bf6f97d',
      'tree-sitter-tsx.wasm': '79e5da75ea62855a0cd67177685f0164eac87d5f630b3cbe1e0a099751ad30f8',
    },
  },
];

const mode = process.argv.includes('--check') ? 'check' : process.argv.includes('--accept') ? 'accept' : 'update';
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-grammars-'));
const problems = [];
const fetched = new Map();
try {
  for (const { pkg, version, files } of GRAMMARS) {
    const spec = `${pkg}@${version}`;
    const out = execFileSync(npm, ['pack', spec, '--pack-destination', work, '--json', '--silent'], {
      cwd: work,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    });
    const tarball = path.join(work, JSON.parse(out)[0].filename);
    const into = path.join(work, pkg);
    fs.mkdirSync(into);
    execFileSync('tar', ['-xzf', tarball, '-C', into]);
    for (const [file, pinned] of Object.entries(files)) {
      const extracted = path.join(into, 'package', file);
      if (!fs.existsSync(extracted)) {
        problems.push(`${spec} has no ${file} at its root`);
        continue;
      }
      const bytes = fs.readFileSync(extracted);
      const actual = sha256(bytes);
      fetched.set(file, { bytes, actual, pinned, spec });
      const status = actual === pinned ? 'ok' : 'HASH CHANGED';
      console.log(`${file.padEnd(30)} ${spec.padEnd(30)} ${String(bytes.length).padStart(8)} B  sha256 ${actual}  ${status}`);
      if (actual !== pinned && mode !== 'accept') problems.push(`${file} from ${spec}: sha256 ${actual}, pinned ${pinned}`);
      if (mode === 'check') {
        const committed = path.join(GRAMMAR_DIR, file);
        const committedHash = fs.existsSync(committed) ? sha256(fs.readFileSync(committed)) : 'missing';
        if (committedHash !== actual) problems.push(`grammars/${file} (${committedHash}) differs from ${spec} (${actual})`);
      }
    }
  }

  // The ABI each grammar declares must be one the pinned web-tree-sitter runtime accepts.
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  for (const [file, { bytes }] of fetched) {
    try {
      const language = await Language.load(bytes);
      console.log(`${file.padEnd(30)} ABI ${language.abiVersion}`);
    } catch (e) {
      problems.push(`${file} does not load under web-tree-sitter: ${e.message}`);
    }
  }

  if (problems.length > 0) {
    console.error(`\nupdate-grammars: nothing written:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else if (mode === 'check') {
    console.log('\nupdate-grammars: grammars/ matches the pinned packages');
  } else {
    for (const [file, { bytes, actual, pinned }] of fetched) {
      fs.writeFileSync(path.join(GRAMMAR_DIR, file), bytes);
      if (actual !== pinned) console.log(`pin ${file}: '${actual}' (here and in grammars/README.md)`);
    }
    console.log(`\nupdate-grammars: wrote ${fetched.size} files to grammars/; run \`npm test\``);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
