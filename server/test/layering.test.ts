// Enforces the layering: the analysis layer imports nothing from LSP, vscode, the file system or
// node built-ins, and uses neither the console nor process (it must run in a web worker too).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from './support/fixture-runner';

const ANALYSIS = path.join(REPO_ROOT, 'server', 'src', 'analysis');
const ALLOWED_PACKAGES = new Set(['web-tree-sitter', 'smol-toml']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    for (const e of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.name.endsWith('.ts')) out.push(full);
    }
  }
  return out;
}

it('the analysis layer imports only itself, web-tree-sitter and smol-toml, and never uses console/process', () => {
  const problems: string[] = [];
  for (const file of sourceFiles(ANALYSIS)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(REPO_ROOT, file);
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(ANALYSIS)) problems.push(`${rel}: imports ${spec} from outside the analysis layer`);
      } else if (!ALLOWED_PACKAGES.has(spec)) {
        problems.push(`${rel}: imports '${spec}'`);
      }
    }
    const code = text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    if (/\bconsole\s*\./.test(code)) problems.push(`${rel}: uses console`);
    if (/\bprocess\s*\./.test(code)) problems.push(`${rel}: uses process`);
  }
  assert.deepEqual(problems, []);
});
