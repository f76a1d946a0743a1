#!/usr/bin/env node
// Guards performance work against changing results: records `wasm-safety check --format json` over
// each given directory (one JSON file per directory), or compares a new run with a recorded one.
//
//   node scripts/bench/findings-snapshot.mjs record  <out-dir> <dir>... [-- extra check args]
//   node scripts/bench/findings-snapshot.mjs compare <old-dir> <new-dir>
//
// Findings and notices are compared exactly (order included: the CLI sorts them); a difference prints
// the first differing entries and exits 1.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// WASM_SAFETY_CLI: another build's cli.js (e.g. a copy of dist/ made before the change under test).
const CLI = process.env.WASM_SAFETY_CLI ?? path.join(ROOT, 'dist', 'cli.js');
const [mode, ...rest] = process.argv.slice(2);

if (mode === 'record') {
  const split = rest.indexOf('--');
  const [outDir, ...dirs] = split === -1 ? rest : rest.slice(0, split);
  const extra = split === -1 ? [] : rest.slice(split + 1);
  fs.mkdirSync(outDir, { recursive: true });
  for (const dir of dirs) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...extra, path.resolve(dir)], {
      cwd: path.resolve(dir), encoding: 'utf8', maxBuffer: 1 << 30,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const name = path.basename(path.resolve(dir));
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify({ exitCode: run.status, stdout: run.stdout, stderr: run.stderr }));
    let count = '?';
    try { count = JSON.parse(run.stdout).findings.length; } catch { /* reported by compare */ }
    console.log(`${name}: exit ${run.status}, ${count} findings, ${seconds.toFixed(1)} s`);
  }
} else if (mode === 'compare') {
  const [oldDir, newDir] = rest;
  let differences = 0;
  for (const file of fs.readdirSync(oldDir).filter((f) => f.endsWith('.json')).sort()) {
    const before = JSON.parse(fs.readFileSync(path.join(oldDir, file), 'utf8'));
    const afterPath = path.join(newDir, file);
    if (!fs.existsSync(afterPath)) { console.log(`${file}: missing in ${newDir}`); differences++; continue; }
    const after = JSON.parse(fs.readFileSync(afterPath, 'utf8'));
    const problems = [];
    if (before.exitCode !== after.exitCode) problems.push(`exit code ${before.exitCode} -> ${after.exitCode}`);
    const a = JSON.parse(before.stdout);
    const b = JSON.parse(after.stdout);
    for (const key of ['findings', 'notices']) {
      const x = a[key].map((e) => JSON.stringify(e));
      const y = b[key].map((e) => JSON.stringify(e));
      if (x.length !== y.length) problems.push(`${key}: ${x.length} -> ${y.length}`);
      const ys = new Set(y);
      const xs = new Set(x);
      const gone = x.filter((e) => !ys.has(e));
      const added = y.filter((e) => !xs.has(e));
      for (const e of gone.slice(0, 3)) problems.push(`  - ${key} ${e}`);
      for (const e of added.slice(0, 3)) problems.push(`  + ${key} ${e}`);
      if (gone.length === 0 && added.length === 0 && x.join('\n') !== y.join('\n')) problems.push(`${key}: same entries, different order`);
    }
    if (problems.length > 0) { differences++; console.log(`${file}: DIFFERENT\n  ${problems.join('\n  ')}`); }
    else console.log(`${file}: identical (${a.findings.length} findings, ${a.notices.length} notices)`);
  }
  process.exit(differences > 0 ? 1 : 0);
} else {
  console.error('usage: findings-snapshot.mjs record <out-dir> <dir>... | compare <old-dir> <new-dir>');
  process.exit(2);
}
