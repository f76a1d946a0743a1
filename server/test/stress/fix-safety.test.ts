// Fix safety (issue 9.4) over whole files with every rule on: the fixtures (test-fixtures/, each file
// whole rather than section by section as the fixture runner does), the sample workspace and, under
// `npm run test:stress`, the generated benchmark corpus (scripts/bench/corpus.ts; another directory can
// be given with WASM_SAFETY_FIX_CORPUS=<dir>). For every finding, every fix (safe or unsafe) applied
// alone must have in-range, non-overlapping edits, re-parse with no new ERROR/MISSING node, and remove
// its finding (re-lint: fewer findings of that rule over the fixed range). Fix-all (safe fixes,
// fixToFixedPoint) must add no syntax error, and a second lint pass of its result must offer no further
// safe fix (a fixed point). That a fix computed for an older document version is refused by the server
// is checked through the real server in lsp.test.ts and, under random edits, in fuzz-edits.test.ts.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ALL_RULES, applyEdits, DEFAULT_LINT_SETTINGS, editsForFile, editsForOtherFiles, type Finding, type Fix, fixToFixedPoint, type Grammars,
  languageOfPath, Linter, MAX_FIX_PASSES, ParsedDocument, type TextEdit, Workspace,
} from '../../src/analysis/index';
import { countSyntaxErrors } from '../../src/analysis/parsing/walk';
import { scanIntoWorkspace } from '../../src/host/disk-workspace';
import { loadGrammars } from '../../src/host/wasm-files';
import { REPO_ROOT } from '../support/lsp-client';
import { STRESS, STRESS_ONLY } from './stress-support';

/** Where a fixed range lands after the fix's edits (an edit covering an end moves it to that edit's bounds). */
function mapRange(range: { start: number; end: number }, edits: readonly TextEdit[]): { start: number; end: number } {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start);
  const map = (offset: number, side: 'start' | 'end'): number => {
    let delta = 0;
    for (const e of sorted) {
      if (e.range.end <= offset && !(e.range.start === e.range.end && e.range.start === offset && side === 'start')) {
        delta += e.newText.length - (e.range.end - e.range.start);
      } else if (e.range.start < offset) {
        return side === 'start' ? e.range.start + delta : e.range.start + delta + e.newText.length;
      }
    }
    return offset + delta;
  };
  return { start: map(range.start, 'start'), end: map(range.end, 'end') };
}

function overlapping(findings: readonly Finding[], ruleId: string, range: { start: number; end: number }): number {
  return findings.filter((f) => f.ruleId === ruleId && f.range.start <= range.end && range.start <= f.range.end).length;
}

function syntaxErrors(grammars: Grammars, file: string, text: string): number {
  const doc = new ParsedDocument(grammars, languageOfPath(file)!, text);
  try {
    return countSyntaxErrors(doc.tree.rootNode);
  } finally {
    doc.dispose();
  }
}

interface Totals {
  files: number;
  findings: number;
  fixes: number;
  fixAllFiles: number;
  fixAllApplied: number;
}

/** Checks every fix and fix-all of every lintable file under `roots`; returns the problems found. */
async function checkFixes(grammars: Grammars, roots: readonly string[], totals: Totals): Promise<string[]> {
  const workspace = new Workspace(grammars, { roots });
  const linter = new Linter(ALL_RULES, grammars);
  const problems: string[] = [];
  try {
    const scan = await scanIntoWorkspace(workspace, roots, { maxFileBytes: 4 * 1024 * 1024 });
    const lint = (file: string, withFixes: boolean): Finding[] => {
      const result = linter.lintFile(workspace, file, { settings: DEFAULT_LINT_SETTINGS, withFixes });
      for (const e of result.internalErrors) problems.push(`${file}: internal error: ${e.message}`);
      return result.findings;
    };
    for (const file of scan.lintable) {
      const original = workspace.fileText(file)!;
      const findings = lint(file, true);
      if (findings.length === 0) continue;
      totals.files++;
      totals.findings += findings.length;
      const errorsBefore = syntaxErrors(grammars, file, original);

      for (const finding of findings) {
        for (const fix of finding.fixes) {
          totals.fixes++;
          const where = `${path.basename(file)}: ${finding.ruleId} at ${finding.range.start}: fix "${fix.title}"`;
          const edits = editsForFile(fix, file);
          const applied = applyEdits(original, edits);
          if (applied.dropped > 0) problems.push(`${where}: overlapping or out-of-range edits`);
          const added = syntaxErrors(grammars, file, applied.text) - errorsBefore;
          if (added > 0) problems.push(`${where}: adds ${added} ERROR/MISSING node(s)`);
          // Apply it (other files too), re-lint, restore.
          const others = editsForOtherFiles(fix, file).map((e) => ({ path: e.path!, before: workspace.fileText(e.path!), edit: e }));
          try {
            workspace.setFile(file, applied.text);
            for (const o of others) workspace.setFile(o.path, applyEdits(workspace.fileText(o.path) ?? '', [o.edit]).text);
            const after = lint(file, false);
            const fixedRange = mapRange(finding.range, edits);
            if (overlapping(after, finding.ruleId, fixedRange) >= overlapping(findings, finding.ruleId, finding.range)) {
              problems.push(`${where}: the finding is still reported after the fix`);
            }
          } finally {
            workspace.setFile(file, original);
            for (const o of others) {
              if (o.before === undefined) workspace.removeFile(o.path);
              else workspace.setFile(o.path, o.before);
            }
          }
        }
      }

      // Fix-all: safe fixes that stay in this file, to a fixed point; then nothing safe is left to offer.
      const localSafe = (list: readonly Finding[]): Fix[] => list.flatMap((f) => f.fixes).filter((x) => x.safety === 'safe' && editsForOtherFiles(x, file).length === 0);
      if (localSafe(findings).length === 0) continue;
      totals.fixAllFiles++;
      try {
        const fixed = fixToFixedPoint(original, file, (text) => {
          workspace.setFile(file, text);
          return localSafe(lint(file, true));
        });
        totals.fixAllApplied += fixed.fixesApplied;
        const where = `${path.basename(file)}: fix-all (${fixed.fixesApplied} fixes, ${fixed.passes} passes)`;
        const added = syntaxErrors(grammars, file, fixed.text) - errorsBefore;
        if (added > 0) problems.push(`${where}: adds ${added} ERROR/MISSING node(s)`);
        workspace.setFile(file, fixed.text);
        const left = localSafe(lint(file, true));
        if (left.length > 0 && fixed.passes < MAX_FIX_PASSES) problems.push(`${where}: a second pass still offers safe fixes: ${left.map((x) => x.title).join('; ')}`);
      } finally {
        workspace.setFile(file, original);
      }
    }
  } finally {
    workspace.dispose();
  }
  return problems;
}

describe('fix safety over whole files', () => {
  let grammars: Grammars;
  const temp: string[] = [];

  before(async () => {
    grammars = await loadGrammars();
  });

  after(() => {
    for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A crate holding fixture files whole: Cargo.toml, the side's _support files (the wasm-pack `pkg/` the
   * TS fixtures import), and every fixture of `dir` under src/ (as the fixture runner places one section).
   */
  function fixtureCrate(dir: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-fix-fixtures-'));
    temp.push(root);
    const support = path.join(REPO_ROOT, dir, '_support');
    if (fs.existsSync(support)) fs.cpSync(support, root, { recursive: true });
    if (!fs.existsSync(path.join(root, 'Cargo.toml'))) {
      fs.writeFileSync(path.join(root, 'Cargo.toml'), '[package]\nname = "fixture-case"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib", "rlib"]\n\n[dependencies]\nwasm-bindgen = "0.2"\n');
    }
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    for (const name of fs.readdirSync(path.join(REPO_ROOT, dir))) {
      if (languageOfPath(name)) fs.copyFileSync(path.join(REPO_ROOT, dir, name), path.join(root, 'src', name));
    }
    return root;
  }

  for (const [label, dir] of [['the Rust fixtures', 'test-fixtures/rust'], ['the TS fixtures', 'test-fixtures/ts'], ['the suppression fixtures', 'test-fixtures/both'], ['the sample workspace', 'test-fixtures/sample-workspace']] as const) {
    // The Rust and TS fixtures take ~30 s whole (the fixture runner checks their fixes section by section in npm test).
    const slow = dir === 'test-fixtures/rust' || dir === 'test-fixtures/ts';
    it(`every fix alone and fix-all are safe over ${label}`, { skip: !fs.existsSync(path.join(REPO_ROOT, dir)) ? `${dir} does not exist` : slow ? STRESS_ONLY : false }, async () => {
      const totals: Totals = { files: 0, findings: 0, fixes: 0, fixAllFiles: 0, fixAllApplied: 0 };
      const root = dir === 'test-fixtures/sample-workspace' ? path.join(REPO_ROOT, dir) : fixtureCrate(dir);
      const problems = await checkFixes(grammars, [root], totals);
      process.stdout.write(`fix-safety: ${label}: ${totals.files} files, ${totals.findings} findings, ${totals.fixes} fixes applied alone, fix-all on ${totals.fixAllFiles} files (${totals.fixAllApplied} fixes)\n`);
      assert.deepEqual(problems, []);
      if (label !== 'the sample workspace') assert.ok(totals.fixes > 10, `fixes were checked (${totals.fixes})`);
    });
  }

  it('every fix alone and fix-all are safe over the generated benchmark corpus', { skip: STRESS || process.env.WASM_SAFETY_FIX_CORPUS ? false : 'runs in `npm run test:stress` (WASM_SAFETY_STRESS=1)', timeout: 900_000 }, async () => {
    let dir = process.env.WASM_SAFETY_FIX_CORPUS;
    if (!dir) {
      // scripts/bench/corpus.ts (the perf helper's generator), compiled next to this test's sources.
      const generator = path.join(REPO_ROOT, 'out', 'scripts', 'bench', 'corpus.js');
      assert.ok(fs.existsSync(generator), `${generator} exists (npm run compile); or set WASM_SAFETY_FIX_CORPUS=<dir>`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { generateCorpus } = require(generator) as { generateCorpus(dir: string, options: { rustBytes: number; seed?: number }): { files: number; bytes: number } };
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-fix-corpus-'));
      temp.push(dir);
      const corpus = generateCorpus(dir, { rustBytes: 1_500_000, seed: 9 });
      process.stdout.write(`fix-safety: generated corpus: ${corpus.files} files, ${corpus.bytes} bytes\n`);
    }
    const totals: Totals = { files: 0, findings: 0, fixes: 0, fixAllFiles: 0, fixAllApplied: 0 };
    const problems = await checkFixes(grammars, [dir], totals);
    process.stdout.write(`fix-safety: corpus: ${totals.files} files with findings, ${totals.findings} findings, ${totals.fixes} fixes applied alone, fix-all on ${totals.fixAllFiles} files (${totals.fixAllApplied} fixes)\n`);
    assert.deepEqual(problems.slice(0, 50), [], `${problems.length} problem(s)`);
    assert.ok(totals.fixes > 0, 'the corpus offered fixes');
  });
});
