// Meta-tests that keep the rule set consistent: metadata, registry order, fixtures with valid and
// invalid cases, fix metadata matching behaviour, doc pages whose examples really produce (bad) and
// do not produce (good) the finding, and message style.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ALL_RULES, type Grammars } from '../src/analysis/index';
import { SUPPRESSION_RULE_IDS } from '../src/analysis/engine/suppressions';
import { loadGrammars } from '../src/host/wasm-files';
import { checkSection, fixtureFilesOf, parseFixture, REPO_ROOT, type FixtureSection, type BuildModeDirective } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const FAMILIES = new Set(['unwind-safety', 'reentrancy', 'failure-classification', 'suppression']);
const SEVERITIES = new Set(['error', 'warning', 'info', 'hint']);

describe('rule metadata', () => {
  it('has at least one rule per family', () => {
    for (const family of FAMILIES) assert.ok(ALL_RULES.some((r) => r.family === family), `a rule of family ${family}`);
  });

  it('ids are unique, kebab-case and the registry is sorted', () => {
    const ids = ALL_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids, [...ids].sort());
    for (const id of ids) assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
  });

  for (const rule of ALL_RULES) {
    describe(rule.id, () => {
      it('has complete, valid metadata', () => {
        assert.ok(FAMILIES.has(rule.family));
        assert.ok(SEVERITIES.has(rule.defaultSeverity));
        if (rule.side === 'both') {
          // The suppression rules: reported by the Linter's suppression pass, no catalog entry, no visitor.
          assert.ok(SUPPRESSION_RULE_IDS.has(rule.id), 'side both is only for the suppression rules the Linter reports');
          assert.equal(rule.family, 'suppression');
          assert.equal(rule.catalogId, '—');
          assert.equal(rule.nodeTypes.length, 0, 'a Linter-reported rule subscribes to no node type');
        } else {
          assert.ok(['rust', 'ts'].includes(rule.side));
          assert.notEqual(rule.family, 'suppression');
          assert.match(rule.catalogId, /^(R0[1-6]|TR[1-3]|U(0[1-9]|10)|C0[1-9])$/);
          assert.ok(rule.nodeTypes.length > 0);
        }
        assert.ok(['none', 'safe', 'unsafe'].includes(rule.fix));
        assert.match(rule.summary, /^[a-z`].*[^.]$/, 'summary: one line, lowercase start, no trailing period');
        assert.ok(!rule.summary.includes('\n'));
        assert.equal(rule.docs, `docs/rules/${rule.id}.md`);
      });

      it('lives in a file named after its id', () => {
        const file = path.join(REPO_ROOT, 'server', 'src', 'analysis', 'rules', rule.side, `${rule.id}.ts`);
        assert.ok(fs.existsSync(file), `${path.relative(REPO_ROOT, file)} exists`);
      });

      it('has a fixture with valid and invalid cases, and its fix metadata matches its fixtures', () => {
        const files = fixtureFilesOf(rule);
        assert.ok(files.length > 0, `a fixture test-fixtures/${rule.side}/${rule.id}.*`);
        if (rule.side === 'both') {
          assert.ok(files.some((f) => f.endsWith('.rs')), 'a suppression rule has a Rust fixture');
          assert.ok(files.some((f) => !f.endsWith('.rs')), 'a suppression rule has a TS/JS fixture');
        }
        const sections = files.flatMap((f) => parseFixture(fs.readFileSync(f, 'utf8')).map((s, i) => ({ f, s, i })));
        const invalid = sections.filter(({ s }) => s.expectations.length > 0);
        const valid = sections.filter(({ s }) => s.expectations.length === 0);
        assert.ok(invalid.length >= 3, `at least 3 invalid cases (has ${invalid.length})`);
        assert.ok(valid.length >= 3, `at least 3 valid cases (has ${valid.length})`);
        const offered = invalid.flatMap(({ f, s, i }) => checkSection(grammars, rule, f, s, i).findings.flatMap((x) => x.fixes));
        if (rule.fix === 'none') assert.equal(offered.length, 0, 'fix: none, yet a fix was offered');
        else assert.ok(offered.length > 0, `declares fix: ${rule.fix} but no fixture case offers a fix`);
        if (rule.fix === 'safe') assert.ok(offered.some((x) => x.safety === 'safe'), 'declares safe fixes but offers none');
      });

      it('messages start lowercase or with code, and have no trailing period', () => {
        for (const file of fixtureFilesOf(rule)) {
          parseFixture(fs.readFileSync(file, 'utf8')).forEach((s, i) => {
            for (const f of checkSection(grammars, rule, file, s, i).findings) {
              assert.match(f.message, /^[a-z`]/, `message style: ${f.message}`);
              assert.doesNotMatch(f.message, /\.$/, `no trailing period: ${f.message}`);
            }
          });
        }
      });
    });
  }
});

/** Splits a doc page into its `## ` sections. */
function docSections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^## /m);
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    out.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return out;
}

function firstCodeBlock(section: string | undefined): string | undefined {
  const m = section && /```[a-z]*\n([\s\S]*?)```/.exec(section);
  return m ? m[1] : undefined;
}

/** The info string of the first code block (`rust`, `ts` …), which says how a `both` rule's example is linted. */
function firstCodeBlockLanguage(section: string | undefined): string | undefined {
  return (section && /```([a-z]*)\n/.exec(section)?.[1]) || undefined;
}

describe('rule documentation', () => {
  const REQUIRED = ['What it does', 'Why is this bad', 'Example', 'Use instead', 'Build modes', 'Fixes'];
  for (const rule of ALL_RULES) {
    it(`${rule.id}: has a page with the required sections whose examples behave as documented`, () => {
      const file = path.join(REPO_ROOT, rule.docs);
      assert.ok(fs.existsSync(file), `${rule.docs} exists`);
      const markdown = fs.readFileSync(file, 'utf8');
      assert.match(markdown, new RegExp(`^# ${rule.id}\\s*$`, 'm'));
      const sections = docSections(markdown);
      for (const name of REQUIRED) assert.ok([...sections.keys()].some((k) => k.startsWith(name)), `section "## ${name}"`);
      const mode = (/<!--\s*build-mode:\s*(abort\+handler|abort|unwind)\s*-->/.exec(markdown)?.[1] ?? 'abort') as BuildModeDirective;
      const exampleLanguage = firstCodeBlockLanguage([...sections.entries()].find(([k]) => k.startsWith('Example'))?.[1]);
      const fixtureName = rule.side === 'rust' || (rule.side === 'both' && exampleLanguage === 'rust') ? 'doc.rs' : 'doc.ts';
      const lint = (code: string) => {
        const section: FixtureSection = { title: 'doc example', buildMode: mode, text: code, expectations: [], fileLine: 1 };
        return checkSection(grammars, rule, fixtureName, section, 0).findings;
      };
      const bad = firstCodeBlock([...sections.entries()].find(([k]) => k.startsWith('Example'))?.[1]);
      const good = firstCodeBlock([...sections.entries()].find(([k]) => k.startsWith('Use instead'))?.[1]);
      assert.ok(bad && good, 'Example and Use instead each have a code block');
      assert.ok(lint(bad).length > 0, 'the Example produces the finding');
      assert.deepEqual(lint(good).map((f) => f.message), [], 'the Use instead block produces no finding');
    });
  }
});
