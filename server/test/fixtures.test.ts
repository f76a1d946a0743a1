// Runs every rule's fixture: each section must produce exactly its annotated findings, and every fix
// must apply, re-parse without new syntax errors and remove its finding; and the rule must find the same
// with every other rule of its side enabled (rules share per-run facts, never results).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, before } from 'node:test';
import { ALL_RULES, type Grammars } from '../src/analysis/index';
import { loadGrammars } from '../src/host/wasm-files';
import { checkSection, checkWithAllRules, fixtureFilesOf, parseFixture, REPO_ROOT } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

for (const rule of ALL_RULES) {
  describe(`fixture ${rule.id}`, () => {
    for (const file of fixtureFilesOf(rule)) {
      const sections = parseFixture(fs.readFileSync(file, 'utf8'));
      sections.forEach((section, index) => {
        const kind = section.expectations.length > 0 ? 'invalid' : 'valid';
        it(`${path.relative(REPO_ROOT, file)} · ${kind}: ${section.title}`, () => {
          const report = checkSection(grammars, rule, file, section, index);
          assert.deepEqual(report.problems, [], report.problems.join('\n\n'));
          const coupled = checkWithAllRules(grammars, rule, file, section, index, report.findings);
          assert.deepEqual(coupled, [], coupled.join('\n\n'));
        });
      });
    }
  });
}
