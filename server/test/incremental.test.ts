// The incremental Linter (engine/incremental.ts) against the plain one: after every edit of a random
// series — characters typed and deleted anywhere, lines duplicated or removed, braces and quotes that
// break the parse — an incremental run must give exactly the findings and errors of a run from scratch
// (and, every third edit, the same findings and fixes for a quick-fix request at a random range),
// for every Rust rule fixture (abort and unwind builds), the sample workspace's Rust files and a
// generated many-export module. A second group checks that reuse really happens (an edit inside one
// function re-visits only that item) and that what reads the whole file is never reused.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { DEFAULT_LINT_SETTINGS, type Grammars, Linter } from '../src/analysis/index';
import { defineRule, type Rule } from '../src/analysis/engine/rule';
import { SPLIT_COUNTS, splitIntoUnits, type Unit } from '../src/analysis/engine/incremental';
import { ParsedDocument } from '../src/analysis/parsing/parsed-document';
import { ALL_RULES } from '../src/analysis/rules/index';
import { Workspace } from '../src/analysis/workspace/workspace';
import { loadGrammars } from '../src/host/wasm-files';
import { largeRustModule, random } from '../../scripts/bench/corpus';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUST_RULES = ALL_RULES.filter((r) => r.side === 'rust');
const EDITS_PER_FILE = process.env.WASM_SAFETY_STRESS === '1' ? 120 : 30;

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

function cargoToml(buildMode: 'abort' | 'unwind'): string {
  const profile = buildMode === 'unwind' ? '\n[profile.release]\npanic = "unwind"\n' : '';
  return `[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm-bindgen = "0.2.100"\n${profile}`;
}

const TYPED = [' ', 'x', ';', '{', '}', '(', ')', '"', '\n', '// ', '.unwrap()', 'panic!("x");', 'borrow_mut()', '#[wasm_bindgen]\n', 'fn f() {}\n'];

/** One random edit: insert a snippet, delete a short range, duplicate or delete a line. */
function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const kind = next();
  if (kind < 0.5) return text.slice(0, at) + TYPED[Math.floor(next() * TYPED.length)] + text.slice(at);
  if (kind < 0.8) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 4)));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at) + 1;
  return kind < 0.9 ? text.slice(0, lineEnd) + text.slice(lineStart, lineEnd) + text.slice(lineEnd) : text.slice(0, lineStart) + text.slice(lineEnd);
}

function checkSeries(name: string, text: string, buildMode: 'abort' | 'unwind', seed: number): void {
  const workspace = new Workspace(grammars, { roots: ['/w'] });
  const file = '/w/c/src/lib.rs';
  try {
    workspace.setFile('/w/c/Cargo.toml', cargoToml(buildMode));
    workspace.setFile(file, text, true);
    const incremental = new Linter(RUST_RULES, grammars, { incremental: true });
    const plain = new Linter(RUST_RULES, grammars);
    const options = { settings: DEFAULT_LINT_SETTINGS };
    const next = random(seed);
    let current = text;
    for (let step = 0; step <= EDITS_PER_FILE; step++) {
      if (step > 0) {
        current = edit(current, next);
        workspace.setFile(file, current, true);
      }
      const got = incremental.lintFile(workspace, file, options);
      const want = plain.lintFile(workspace, file, options);
      assert.deepEqual(got.findings, want.findings, `${name} (${buildMode}), edit ${step} (seed ${seed}): findings differ`);
      assert.deepEqual(got.internalErrors.map((e) => e.message), want.internalErrors.map((e) => e.message), `${name}, edit ${step}: internal errors differ`);
      assert.deepEqual(got.notices, want.notices);
      if (step % 3 === 2) {
        // A quick-fix request: fixes for the findings touching a cursor range, the rest reused.
        const at = Math.floor(next() * current.length);
        const within = [{ start: at, end: Math.min(current.length, at + Math.floor(next() * 200)) }];
        const withFixes = { settings: DEFAULT_LINT_SETTINGS, withFixes: true, fixesWithin: within };
        const gotFixes = incremental.lintFile(workspace, file, withFixes);
        const wantFixes = plain.lintFile(workspace, file, withFixes);
        assert.deepEqual(gotFixes.findings, wantFixes.findings, `${name} (${buildMode}), edit ${step} (seed ${seed}): findings with fixes within ${JSON.stringify(within)} differ`);
      }
    }
  } finally {
    workspace.dispose();
  }
}

describe('incremental linting gives the findings of a lint from scratch', () => {
  const fixtures = fs.readdirSync(path.join(ROOT, 'test-fixtures', 'rust')).filter((f) => f.endsWith('.rs')).sort();
  for (const [i, fixture] of fixtures.entries()) {
    it(`after random edits of ${fixture}`, () => {
      const text = fs.readFileSync(path.join(ROOT, 'test-fixtures', 'rust', fixture), 'utf8');
      checkSeries(fixture, text, 'abort', 1000 + i);
      checkSeries(fixture, text, 'unwind', 2000 + i);
    });
  }

  it('after random edits of the sample workspace and a generated 1,500-line module', () => {
    const sample: string[] = [];
    const stack = [path.join(ROOT, 'test-fixtures', 'sample-workspace')];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) stack.push(path.join(dir, entry.name));
        else if (entry.name.endsWith('.rs')) sample.push(path.join(dir, entry.name));
      }
    }
    assert.ok(sample.length > 0);
    for (const [i, file] of sample.sort().entries()) checkSeries(path.basename(file), fs.readFileSync(file, 'utf8'), 'unwind', 3000 + i);
    checkSeries('generated module', largeRustModule(1500, 3), 'abort', 4000);
  });
});

describe('incremental linting reuses what an edit cannot change', () => {
  /** A probe that records every function it visits and reports each one. */
  function probe(readsText: boolean): { rule: Rule; visited: string[] } {
    const visited: string[] = [];
    const rule = defineRule({
      id: 'test-probe', catalogId: 'T00', family: 'reentrancy', side: 'rust', defaultSeverity: 'warning', summary: 'probe', fix: 'none',
      docs: 'docs/rules/test-probe.md', nodeTypes: ['function_item'],
      visit(node, ctx) {
        const name = node.childForFieldName('name')?.text ?? '?';
        visited.push(name);
        if (readsText && ctx.text.length < 0) return;
        ctx.report({ node, message: `function ${name}` });
      },
    });
    return { rule, visited };
  }

  function lintTwice(readsText: boolean): { visitedAfterEdit: string[]; messages: string[]; ranges: number[] } {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      const file = '/w/c/src/lib.rs';
      workspace.setFile('/w/c/Cargo.toml', cargoToml('abort'));
      workspace.setFile(file, 'fn a() {}\n\n#[inline]\nfn b() { let x = 1; }\n\nfn c() {}\n', true);
      const { rule, visited } = probe(readsText);
      const linter = new Linter([rule], grammars, { incremental: true });
      linter.lintFile(workspace, file, { settings: DEFAULT_LINT_SETTINGS });
      assert.deepEqual(visited, ['a', 'b', 'c']);
      visited.length = 0;
      workspace.setFile(file, 'fn a() {}\n\n#[inline]\nfn b() { let xy = 1; }\n\nfn c() {}\n', true);
      const result = linter.lintFile(workspace, file, { settings: DEFAULT_LINT_SETTINGS });
      return { visitedAfterEdit: [...visited], messages: result.findings.map((f) => f.message), ranges: result.findings.map((f) => f.range.start) };
    } finally {
      workspace.dispose();
    }
  }

  it('re-visits only the edited item and moves the findings after it', () => {
    const { visitedAfterEdit, messages, ranges } = lintTwice(false);
    assert.deepEqual(visitedAfterEdit, ['b']);
    assert.deepEqual(messages, ['function a', 'function b', 'function c']);
    // `fn c` moved by the one inserted character.
    assert.deepEqual(ranges, [0, 21, 45]);
  });

  it('never reuses work that read the whole file', () => {
    const { visitedAfterEdit } = lintTwice(true);
    assert.deepEqual(visitedAfterEdit, ['a', 'b', 'c']);
  });
});

describe('the split of an edited document', () => {
  /** A split as comparable data: each unit's fields and its nodes' extents and types. */
  function comparable(units: readonly Unit[]): unknown[] {
    return units.map((u) => [u.kind, u.start, u.end, u.key, u.type, u.context, u.nodes.map((n) => [n.startIndex, n.endIndex, n.type]), u.body ? [u.body.startIndex, u.body.endIndex] : null]);
  }

  it('equals a split from scratch when error recovery turns a group after the edit into an ERROR of the same extent', () => {
    // Found by the fuzz test (seed 800133): text typed into the first comment makes the file's last
    // `impl` an ERROR node with the same range; only the first group after the edit used to be checked.
    const original = fs.readFileSync(path.join(ROOT, 'test-fixtures', 'rust', 'abort-build-throw-inside-borrow.rs'), 'utf8');
    const inserted = ']//\r\nawait thread_local! { static S: RefCell<u32> = RefCell::new(0); }\n*/>;';
    const doc = new ParsedDocument(grammars, 'rust', original);
    try {
      splitIntoUnits(doc.tree.rootNode, original, doc);
      const text = original.slice(0, 139) + inserted + original.slice(139);
      doc.update(text, { start: 139, oldEnd: 139, newEnd: 139 + inserted.length });
      const scratch = comparable(splitIntoUnits(doc.tree.rootNode, text));
      assert.ok(scratch.some((u) => (u as unknown[])[4] === 'ERROR'), 'the edit leaves ERROR groups');
      assert.deepEqual(comparable(splitIntoUnits(doc.tree.rootNode, text, doc)), scratch);
    } finally {
      doc.dispose();
    }
  });

  it('is derived from the previous version and equals a split from scratch, after random edits', () => {
    const texts = [largeRustModule(1500, 5), ...fs.readdirSync(path.join(ROOT, 'test-fixtures', 'rust')).filter((f) => f.endsWith('.rs')).sort().slice(0, 12)
      .map((f) => fs.readFileSync(path.join(ROOT, 'test-fixtures', 'rust', f), 'utf8'))];
    const before = { ...SPLIT_COUNTS };
    let edits = 0;
    for (const [i, original] of texts.entries()) {
      const doc = new ParsedDocument(grammars, 'rust', original);
      try {
        let text = original;
        splitIntoUnits(doc.tree.rootNode, text, doc);
        const next = random(500 + i);
        for (let step = 0; step < 40; step++) {
          if (step % 10 === 9) {
            // An attribute or comment typed on the line above an item (the item itself untouched) joins its unit.
            const items = [...text.matchAll(/\n(pub )?fn /g)];
            const at = items.length > 0 ? items[Math.floor(next() * items.length)].index : 0;
            const inserted = step % 20 === 9 ? '\n#[inline]' : '\n// note';
            text = text.slice(0, at) + inserted + text.slice(at);
            // As the editor reports it (before the newline; a diff would put it after, at the item).
            doc.update(text, { start: at, oldEnd: at, newEnd: at + inserted.length });
          } else {
            text = edit(text, next);
            doc.update(text);
          }
          edits++;
          const derived = comparable(splitIntoUnits(doc.tree.rootNode, text, doc));
          assert.deepEqual(derived, comparable(splitIntoUnits(doc.tree.rootNode, text)), `text ${i}, edit ${step}`);
        }
      } finally {
        doc.dispose();
      }
    }
    const derived = SPLIT_COUNTS.derived - before.derived;
    const whole = SPLIT_COUNTS.whole - before.whole;
    assert.equal(derived + whole, edits + texts.length);
    // Most edits take the derived path (the rest: borders that moved, e.g. an opened brace swallowing the rest).
    assert.ok(derived >= edits * 0.6, `derived ${derived} of ${edits} splits (whole: ${whole})`);
  });
});
