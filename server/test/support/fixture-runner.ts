// The fixture runner: reads a rule's fixture file (sections + caret annotations), lints each section in
// a virtual crate of its own, and reports Noisy (reported, not annotated) and Missing (annotated, not
// reported) findings. Every fix of every finding is applied alone, re-parsed (no new ERROR/MISSING node)
// and re-linted (the finding is gone). This is the single place that exercises rules end to end.
//
// Fixture grammar (test-fixtures/<rust|ts>/<rule-id>.<rs|ts|tsx>):
//   text before the first `// ### <title>` header is a prelude prepended to every section;
//   `// @build-mode: abort|abort+handler|unwind` inside a section sets the crate's build mode (default abort);
//   `//   ^^^^ rule-id` (optionally `: exact message`, optionally `[fix]`) annotates the nearest
//   non-annotation line above: caret column and width give the expected start and first-line extent.
//   A section with no annotation is a valid case. Files under test-fixtures/<side>/_support/ are copied
//   into every section's virtual crate root (e.g. a wasm-pack `pkg/` for TS fixtures).
//   `// @file: <path relative to the case root>` followed by lines `// | <content>` writes that file
//   into the section's crate (after the defaults and support files, so `// @file: Cargo.toml` replaces
//   the default manifest; `// @file: src/lib.rs` gives a TS case a Rust side). The block ends at the
//   first line that does not start with `// |`; its lines stay in the linted text as comments, so line
//   numbers and annotations are unaffected. Doc-page examples may use the same blocks.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALL_RULES, applyEdits, editsForFile, editsForOtherFiles, type Finding, type Grammars, Linter, type LintSettings,
  DEFAULT_LINT_SETTINGS, type Rule, Workspace, ParsedDocument,
} from '../../src/analysis/index';
import { countSyntaxErrors } from '../../src/analysis/parsing/walk';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const FIXTURE_ROOT = path.join(REPO_ROOT, 'test-fixtures');

export type BuildModeDirective = 'abort' | 'abort+handler' | 'unwind';

export interface Expectation {
  readonly line: number; // 0-based line in the case text
  readonly column: number;
  readonly width: number;
  readonly ruleId: string;
  readonly message?: string;
  readonly wantsFix: boolean;
}

export interface FixtureSection {
  readonly title: string;
  readonly buildMode: BuildModeDirective;
  /** prelude + section body, as linted. */
  readonly text: string;
  readonly expectations: readonly Expectation[];
  /** 1-based line of the section header in the fixture file, for messages. */
  readonly fileLine: number;
}

const ANNOTATION = /^(\s*)\/\/(\s*)(\^+)\s+([a-z0-9-]+)(?::\s*(.*?))?\s*(\[fix\])?\s*$/;

export function parseFixture(source: string): FixtureSection[] {
  const lines = source.split(/\r?\n/);
  const headerLines = lines.map((l, i) => (/^\s*\/\/ ### /.test(l) ? i : -1)).filter((i) => i >= 0);
  const prelude = headerLines.length > 0 ? lines.slice(0, headerLines[0]) : [];
  const sections: FixtureSection[] = [];
  headerLines.forEach((start, k) => {
    const end = k + 1 < headerLines.length ? headerLines[k + 1] : lines.length;
    const body = lines.slice(start, end);
    const caseLines = [...prelude, ...body];
    const offset = prelude.length;
    let buildMode: BuildModeDirective = 'abort';
    const expectations: Expectation[] = [];
    body.forEach((line, i) => {
      const mode = /^\s*\/\/\s*@build-mode:\s*(abort\+handler|abort|unwind)\s*$/.exec(line);
      if (mode) buildMode = mode[1] as BuildModeDirective;
      const m = ANNOTATION.exec(line);
      if (!m) return;
      let target = offset + i - 1;
      while (target >= 0 && ANNOTATION.test(caseLines[target])) target--;
      if (target < 0) throw new Error(`annotation without a code line above: ${line}`);
      expectations.push({
        line: target,
        column: m[1].length + 2 + m[2].length,
        width: m[3].length,
        ruleId: m[4],
        message: m[5] || undefined,
        wantsFix: Boolean(m[6]),
      });
    });
    sections.push({ title: body[0].replace(/^\s*\/\/ ### /, '').trim(), buildMode, text: caseLines.join('\n'), expectations, fileLine: start + 1 });
  });
  return sections;
}

const CARGO_TOML = `[package]
name = "fixture-case"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
wasm-bindgen = "0.2.127"
`;

const UNWIND_CONFIG = `[build]
target = "wasm32-unknown-unknown"
rustflags = ["-C", "panic=unwind"]

[unstable]
build-std = ["std", "panic_unwind"]
`;

const ABORT_HANDLER_PACKAGE = JSON.stringify({
  name: 'fixture-case',
  private: true,
  scripts: {
    build: 'cargo build --release --target wasm32-unknown-unknown && wasm-bindgen --force-enable-abort-handler --target web --out-dir pkg target/wasm32-unknown-unknown/release/fixture_case.wasm',
  },
}, null, 2);

function readSupportFiles(side: 'rust' | 'ts'): Map<string, string | null> {
  const dir = path.join(FIXTURE_ROOT, side, '_support');
  const out = new Map<string, string | null>();
  if (!fs.existsSync(dir)) return out;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else out.set(path.relative(dir, full).split(path.sep).join('/'), full.endsWith('.wasm') ? null : fs.readFileSync(full, 'utf8'));
    }
  }
  return out;
}

const FILE_DIRECTIVE = /^\s*\/\/\s*@file:\s*(\S+)\s*$/;
const FILE_LINE = /^\s*\/\/ \|(?: (.*))?$/;

/** The `// @file: <path>` blocks of a section: relative path → content (see the header). */
export function fileDirectives(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = FILE_DIRECTIVE.exec(lines[i]);
    if (!m) continue;
    const content: string[] = [];
    while (i + 1 < lines.length && FILE_LINE.test(lines[i + 1])) content.push(FILE_LINE.exec(lines[++i])![1] ?? '');
    if (m[1].startsWith('/') || m[1].split('/').includes('..')) throw new Error(`@file path must stay inside the case: ${m[1]}`);
    out.set(m[1], content.length > 0 ? content.join('\n') + '\n' : '');
  }
  return out;
}

export interface CaseWorkspace {
  readonly workspace: Workspace;
  readonly casePath: string;
}

/** Builds the virtual crate for one section: Cargo.toml, build-mode files, support files, the case file. */
export function buildCaseWorkspace(grammars: Grammars, rule: Rule, fixtureFile: string, section: FixtureSection, index: number): CaseWorkspace {
  const root = `/fixture/${rule.id}/case-${index + 1}`;
  const workspace = new Workspace(grammars, { roots: [root] });
  const ext = path.extname(fixtureFile);
  const side = sideOfFixture(rule, fixtureFile);
  const hasSupportManifest = [...readSupportFiles(side).keys()].includes('Cargo.toml');
  if (!hasSupportManifest) workspace.setFile(`${root}/Cargo.toml`, CARGO_TOML);
  if (section.buildMode === 'unwind') workspace.setFile(`${root}/.cargo/config.toml`, UNWIND_CONFIG);
  if (section.buildMode === 'abort+handler') workspace.setFile(`${root}/package.json`, ABORT_HANDLER_PACKAGE);
  for (const [rel, text] of readSupportFiles(side)) {
    if (text === null) workspace.addPath(`${root}/${rel}`);
    else workspace.setFile(`${root}/${rel}`, text);
  }
  for (const [rel, text] of fileDirectives(section.text)) workspace.setFile(`${root}/${rel}`, text);
  const casePath = side === 'rust' ? `${root}/src/lib.rs` : `${root}/src/case${ext}`;
  workspace.setFile(casePath, section.text);
  return { workspace, casePath };
}

export interface SectionReport {
  readonly problems: string[];
  readonly findings: readonly Finding[];
  readonly fixesChecked: number;
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

const FIXTURE_SETTINGS: LintSettings = DEFAULT_LINT_SETTINGS;

/** Lints one section and compares with its annotations; applies and checks every fix. */
export function checkSection(grammars: Grammars, rule: Rule, fixtureFile: string, section: FixtureSection, index: number): SectionReport {
  const problems: string[] = [];
  const linter = new Linter(linterRulesFor(rule), grammars);
    const { workspace, casePath } = buildCaseWorkspace(grammars, rule, fixtureFile, section, index);
  const where = `${path.relative(REPO_ROOT, fixtureFile)}:${section.fileLine} "${section.title}"`;
  let fixesChecked = 0;
  try {
    const result = linter.lintFile(workspace, casePath, { settings: FIXTURE_SETTINGS, withFixes: true });
    for (const e of result.internalErrors) problems.push(`${where}: internal error: ${e.message}`);
    const findings = result.findings.filter((f) => f.ruleId === rule.id);
    const unmatched = new Set(findings);
    const textLines = section.text.split('\n');
    for (const exp of section.expectations) {
      const match = findings.find((f) => {
        if (!unmatched.has(f)) return false;
        const start = lineCol(section.text, f.range.start);
        const end = lineCol(section.text, f.range.end);
        const firstLineEnd = end.line === start.line ? end.column : textLines[start.line].length;
        return f.ruleId === exp.ruleId && start.line === exp.line && start.column === exp.column && firstLineEnd === exp.column + exp.width;
      });
      if (!match) {
        const near = findings.filter((f) => lineCol(section.text, f.range.start).line === exp.line)
          .map((f) => { const s = lineCol(section.text, f.range.start); const e = lineCol(section.text, f.range.end); return `${s.line + 1}:${s.column}-${e.line + 1}:${e.column}`; });
        problems.push(`${where}: Missing: ${exp.ruleId} at line ${exp.line + 1}, column ${exp.column}, width ${exp.width}` + (near.length ? ` (reported on that line at ${near.join(', ')})` : ''));
        continue;
      }
      unmatched.delete(match);
      if (exp.message !== undefined && match.message !== exp.message) {
        problems.push(`${where}: message differs at line ${exp.line + 1}:\n  expected: ${exp.message}\n  actual:   ${match.message}`);
      }
      if (exp.wantsFix && match.fixes.length === 0) problems.push(`${where}: expected a fix at line ${exp.line + 1}, none offered`);
    }
    for (const f of unmatched) {
      const s = lineCol(section.text, f.range.start);
      problems.push(`${where}: Noisy: ${f.ruleId} reported at line ${s.line + 1}, column ${s.column}: ${f.message}`);
    }
    for (const finding of findings) {
      for (const fix of finding.fixes) {
        fixesChecked++;
        problems.push(...checkFix(grammars, rule, fixtureFile, section, index, casePath, finding, fix, findings.length).map((p) => `${where}: fix "${fix.title}": ${p}`));
      }
    }
    return { problems, findings, fixesChecked };
  } finally {
    workspace.dispose();
  }
}

function checkFix(
  grammars: Grammars, rule: Rule, fixtureFile: string, section: FixtureSection, index: number, casePath: string,
  finding: Finding, fix: Finding['fixes'][number], countBefore: number,
): string[] {
  const problems: string[] = [];
  const applied = applyEdits(section.text, editsForFile(fix, casePath));
  if (applied.dropped > 0) problems.push('has overlapping or out-of-range edits');
  const language = sideOfFixture(rule, fixtureFile) === 'rust' ? 'rust' : path.extname(fixtureFile) === '.tsx' ? 'tsx' : 'typescript';
  const before = new ParsedDocument(grammars, language, section.text);
  const after = new ParsedDocument(grammars, language, applied.text);
  try {
    const added = countSyntaxErrors(after.tree.rootNode) - countSyntaxErrors(before.tree.rootNode);
    if (added > 0) problems.push(`adds ${added} syntax error(s):\n${applied.text}`);
  } finally {
    before.dispose();
    after.dispose();
  }
  const { workspace } = buildCaseWorkspace(grammars, rule, fixtureFile, { ...section, text: applied.text }, index);
  try {
    for (const edit of editsForOtherFiles(fix, casePath)) {
      const old = workspace.fileText(edit.path!) ?? '';
      workspace.setFile(edit.path!, applyEdits(old, [edit]).text);
    }
    const relint = new Linter(linterRulesFor(rule), grammars).lintFile(workspace, casePath, { settings: FIXTURE_SETTINGS });
    const countAfter = relint.findings.filter((f) => f.ruleId === rule.id).length;
    if (countAfter >= countBefore) {
      problems.push(`finding "${finding.message}" is still reported after the fix (${countBefore} → ${countAfter}):\n${applied.text}`);
    }
  } finally {
    workspace.dispose();
  }
  return problems;
}

/**
 * Rules are independent: a rule's findings in a section, with every rule of its side enabled, must be what
 * it finds alone (`alone`, from checkSection). Rules share per-run facts (rust/env.ts, ts/wasm-calls.ts);
 * a shared fact that depended on which rules ran would show here. Returns the differences.
 */
export function checkWithAllRules(grammars: Grammars, rule: Rule, fixtureFile: string, section: FixtureSection, index: number, alone: readonly Finding[]): string[] {
  if (rule.side === 'both') return [];
  const { workspace, casePath } = buildCaseWorkspace(grammars, rule, fixtureFile, section, index);
  try {
    const all = new Linter(ALL_RULES.filter((r) => r.side === rule.side), grammars).lintFile(workspace, casePath, { settings: FIXTURE_SETTINGS });
    const show = (fs: readonly Finding[]): string[] => fs.map((f) => `${f.range.start}-${f.range.end} ${f.severity} ${f.message}`);
    const together = show(all.findings.filter((f) => f.ruleId === rule.id));
    const byItself = show(alone);
    const where = `${path.relative(REPO_ROOT, fixtureFile)}:${section.fileLine} "${section.title}"`;
    if (JSON.stringify(together) === JSON.stringify(byItself)) return [];
    return [`${where}: with all rules enabled, ${rule.id} finds\n  ${together.join('\n  ')}\nbut alone\n  ${byItself.join('\n  ')}`];
  } finally {
    workspace.dispose();
  }
}

/** The side whose support files and case path a fixture uses: a `both` rule's by the file extension. */
function sideOfFixture(rule: Rule, fixtureFile: string): 'rust' | 'ts' {
  if (rule.side !== 'both') return rule.side;
  return path.extname(fixtureFile) === '.rs' ? 'rust' : 'ts';
}

/** A rule runs alone, except the suppression rules (side `both`): they judge the other rules' findings. */
function linterRulesFor(rule: Rule): readonly Rule[] {
  return rule.side === 'both' ? ALL_RULES : [rule];
}

/** The fixture files of a rule: test-fixtures/<side>/<id>.<ext> (side `both`: .rs, .ts, .tsx, .js). */
export function fixtureFilesOf(rule: Rule): string[] {
  const dir = path.join(FIXTURE_ROOT, rule.side);
  const exts = rule.side === 'rust' ? ['.rs'] : rule.side === 'ts' ? ['.ts', '.tsx', '.js'] : ['.rs', '.ts', '.tsx', '.js'];
  return exts.map((e) => path.join(dir, rule.id + e)).filter((f) => fs.existsSync(f));
}
