#!/usr/bin/env node
// `npm run check:sample`: runs the built CLI (`dist/cli.js check`) on test-fixtures/sample-workspace
// and prints its report as a user would see it. The sample is meant to contain bugs, so the CLI's
// "findings" exit code (1) is the expected outcome here: this script exits 0 when the report has
// findings of all three families, 1 when one is missing, and passes the CLI's 2 (internal or usage
// error) through unchanged.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const SAMPLE = path.join('test-fixtures', 'sample-workspace');
const FAMILIES = ['reentrancy', 'unwind-safety', 'failure-classification'];

if (!fs.existsSync(CLI)) {
  console.error('check:sample: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

const shown = spawnSync(process.execPath, [CLI, 'check', SAMPLE], { cwd: ROOT, stdio: 'inherit' });
if (shown.status !== 0 && shown.status !== 1) process.exit(shown.status ?? 2);

const json = spawnSync(process.execPath, [CLI, 'check', SAMPLE, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
if (json.status !== 0 && json.status !== 1) {
  process.stderr.write(json.stderr);
  process.exit(json.status ?? 2);
}
const { findings } = JSON.parse(json.stdout);
const perFamily = FAMILIES.map((family) => [family, findings.filter((f) => f.family === family).length]);
const missing = perFamily.filter(([, count]) => count === 0).map(([family]) => family);
console.log(`\ncheck:sample: ${findings.length} finding(s) — ${perFamily.map(([f, n]) => `${f} ${n}`).join(', ')}`);
if (missing.length > 0) {
  console.error(`check:sample: expected findings of every family in the sample workspace; none for ${missing.join(', ')}`);
  process.exit(1);
}
console.log('check:sample: the sample workspace\'s planted bugs were all found (see test-fixtures/sample-workspace/README.md)');
