// Unit tests of the analysis core: grammars, incremental parsing, iterative walks on deep files,
// line/offset conversion, path helpers, fix application and the engine's fault isolation.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import {
  applyEdits, DEFAULT_LINT_SETTINGS, fixToFixedPoint, GRAMMAR_FILES, Grammars, GrammarLoadError, LineIndex, Linter,
  ParsedDocument, relativePath, normalizePath, selectNonOverlapping, Workspace, composeChanges, type Fix, type LanguageId, type TextChange,
} from '../src/analysis/index';
import { defineRule, methodCallPattern, type Rule } from '../src/analysis/engine/rule';
import { ALL_RULES } from '../src/analysis/rules/index';
import { countSyntaxErrors, walkTree } from '../src/analysis/parsing/walk';
import { installFastTransfers } from '../src/analysis/parsing/fast-transfer';
import { runtimeUsesFastTransfers } from '../src/analysis/parsing/grammars';
import { loadGrammars, nodeWasmLoader } from '../src/host/wasm-files';
import { random as seeded } from '../../scripts/bench/corpus';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

describe('grammars', () => {
  it('loads every grammar and parses a sample in each language', () => {
    const samples: Record<LanguageId, string> = {
      rust: 'fn main() { let x = 1; }',
      typescript: 'const x: number = 1;',
      tsx: 'const e = <div className="a">{x}</div>;',
      javascript: 'const x = require("y");',
    };
    for (const language of Object.keys(GRAMMAR_FILES) as LanguageId[]) {
      const doc = new ParsedDocument(grammars, language, samples[language]);
      try {
        assert.equal(doc.tree.rootNode.hasError, false, `${language} sample parses without errors`);
        assert.ok(grammars.language(language).abiVersion >= 13, `${language} ABI in web-tree-sitter's range`);
      } finally {
        doc.dispose();
      }
    }
  });

  it('reads and writes the transfer buffer directly, and falls back for other types and a grown memory', () => {
    // The pinned web-tree-sitter exposes what fast-transfer.ts needs: a change of its runtime shows here.
    assert.equal(runtimeUsesFastTransfers(), true);
    const slow: string[] = [];
    let heap = new Int32Array(8);
    const runtime = {
      get HEAP32() { return heap; },
      setValue: (ptr: number, value: number, type?: string) => { slow.push(`set ${ptr} ${type}`); heap[ptr >> 2] = value; },
      getValue: (ptr: number, type?: string) => { slow.push(`get ${ptr} ${type}`); return heap[ptr >> 2]; },
    };
    assert.equal(installFastTransfers(runtime), true);
    runtime.setValue(8, -7, 'i32');
    assert.equal(heap[2], -7);
    assert.equal(runtime.getValue(8, 'i32'), -7);
    assert.deepEqual(slow, [], 'aligned i32 words bypass the generic functions');
    runtime.getValue(6, 'i16');
    runtime.setValue(4, 1, 'i8');
    runtime.getValue(2, 'i32');
    assert.deepEqual(slow, ['get 6 i16', 'set 4 i8', 'get 2 i32'], 'other types and unaligned addresses go to the originals');
    // Memory growth: the old buffer is detached and the runtime publishes a larger view.
    const grown = new Int32Array(64);
    structuredClone(heap.buffer, { transfer: [heap.buffer] });
    heap = grown;
    runtime.setValue(160, 42, 'i32');
    assert.equal(grown[40], 42);
    assert.equal(runtime.getValue(160, 'i32'), 42);
    assert.equal(slow.length, 3);
  });

  it('names the grammar that fails to load', async () => {
    await assert.rejects(
      Grammars.load(async (file) => (file === 'tree-sitter-tsx.wasm' ? new Uint8Array([0, 1, 2, 3]) : nodeWasmLoader(file))),
      (e: unknown) => e instanceof GrammarLoadError && e.grammarFile === 'tree-sitter-tsx.wasm' && /tree-sitter-tsx\.wasm/.test(e.message),
    );
  });
});

describe('ParsedDocument', () => {
  it('re-parses incrementally to the same tree as a fresh parse', () => {
    const texts = [
      'fn a() { let x = 1; }\nfn b() {}\n',
      'fn a() { let x = 12; }\nfn b() {}\n',
      'fn a() { let x = 12; }\n// é😀\nfn b() {}\n',
      'fn a() { let x = ; }\n// é😀\nfn b() {}\n',
      '',
      'fn z() {}',
    ];
    const doc = new ParsedDocument(grammars, 'rust', texts[0]);
    try {
      for (const text of texts.slice(1)) {
        doc.update(text);
        const fresh = new ParsedDocument(grammars, 'rust', text);
        try {
          assert.equal(doc.tree.rootNode.toString(), fresh.tree.rootNode.toString());
          assert.equal(doc.tree.rootNode.endIndex, text.length);
        } finally {
          fresh.dispose();
        }
      }
    } finally {
      doc.dispose();
    }
  });

  it('walks a 10,000-level nested file without overflowing the stack', () => {
    const depth = 10_000;
    const text = 'fn f() { let x = ' + '('.repeat(depth) + '1' + ')'.repeat(depth) + '; }';
    const doc = new ParsedDocument(grammars, 'rust', text);
    try {
      let nodes = 0;
      walkTree(doc.tree.rootNode, () => {
        nodes++;
      });
      assert.ok(nodes > depth, `visited ${nodes} nodes`);
      assert.equal(countSyntaxErrors(doc.tree.rootNode), 0);
    } finally {
      doc.dispose();
    }
  });
});

describe('LineIndex', () => {
  it('converts UTF-16 offsets and positions with CRLF, CR and astral characters', () => {
    const text = 'a😀b\r\ncd\re\n\nf';
    const index = new LineIndex(text);
    assert.equal(index.lineCount, 5);
    assert.deepEqual(index.positionAt(3), { line: 0, character: 3 });
    assert.deepEqual(index.positionAt(6), { line: 1, character: 0 });
    assert.deepEqual(index.positionAt(9), { line: 2, character: 0 });
    assert.equal(index.offsetAt({ line: 4, character: 0 }), text.length - 1);
    assert.equal(index.offsetAt({ line: 99, character: 0 }), text.length);
    assert.equal(index.lineText(0), 'a😀b');
  });

  it('afterEdit gives the same index as a fresh one, for random edits among CR, LF and CRLF breaks', () => {
    const random = seeded(11);
    const alphabet = ['a', 'b', '\r', '\n', '\r\n', '😀', ' '];
    const piece = (max: number): string => Array.from({ length: Math.floor(random() * max) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    let text = piece(40);
    let index = new LineIndex(text);
    for (let step = 0; step < 3000; step++) {
      const start = Math.floor(random() * (text.length + 1));
      const oldEnd = Math.min(text.length, start + Math.floor(random() * 4));
      const inserted = piece(4);
      const next = text.slice(0, start) + inserted + text.slice(oldEnd);
      index = index.afterEdit(next, { start, oldEnd, newEnd: start + inserted.length });
      const fresh = new LineIndex(next);
      assert.equal(index.lineCount, fresh.lineCount, `step ${step}: ${JSON.stringify(next)}`);
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(index.lineStart(line), fresh.lineStart(line), `step ${step}, line ${line}: ${JSON.stringify(next)}`);
      text = next.length > 200 ? next.slice(0, 100) : next;
      if (text !== next) index = new LineIndex(text);
    }
  });

  it('afterEdit falls back to a fresh index when the change does not fit the texts', () => {
    const index = new LineIndex('a\nb\n');
    const after = index.afterEdit('a\nbc\nd\n', { start: 3, oldEnd: 3, newEnd: 4 }); // 2 characters were added, not 1
    assert.equal(after.lineCount, 4);
    assert.equal(after.lineStart(2), 5);
  });
});

describe('composeChanges', () => {
  it('composes random edits into one change whose outside is unchanged', () => {
    const random = seeded(5);
    for (let run = 0; run < 500; run++) {
      const original = 'x'.repeat(Math.floor(random() * 30)).replace(/x/g, () => String.fromCharCode(97 + Math.floor(random() * 26)));
      let text = original;
      let composed: TextChange | undefined;
      for (let step = 0; step < 1 + Math.floor(random() * 4); step++) {
        const start = Math.floor(random() * (text.length + 1));
        const oldEnd = Math.min(text.length, start + Math.floor(random() * 5));
        const inserted = 'XYZ'.slice(0, Math.floor(random() * 4));
        text = text.slice(0, start) + inserted + text.slice(oldEnd);
        const change = { start, oldEnd, newEnd: start + inserted.length };
        composed = composed ? composeChanges(composed, change) : change;
      }
      const { start, oldEnd, newEnd } = composed!;
      assert.equal(original.length - oldEnd, text.length - newEnd, `run ${run}`);
      assert.equal(text.slice(0, start), original.slice(0, start), `run ${run}: prefix`);
      assert.equal(text.slice(newEnd), original.slice(oldEnd), `run ${run}: suffix`);
    }
  });

  it('lets ParsedDocument re-parse from a known change to the same tree as a fresh parse', () => {
    let text = 'fn a() { let x = 1; }\nfn b() {}\n';
    const doc = new ParsedDocument(grammars, 'rust', text);
    try {
      const random = seeded(3);
      for (let step = 0; step < 200; step++) {
        const start = Math.floor(random() * (text.length + 1));
        const oldEnd = Math.min(text.length, start + Math.floor(random() * 3));
        const inserted = ['{', '}', ';', 'x', '\n', ' ', 'fn c() {}'][Math.floor(random() * 7)];
        text = text.slice(0, start) + inserted + text.slice(oldEnd);
        doc.update(text, { start, oldEnd, newEnd: start + inserted.length });
        const fresh = new ParsedDocument(grammars, 'rust', text);
        try {
          assert.equal(doc.tree.rootNode.toString(), fresh.tree.rootNode.toString(), `step ${step}`);
        } finally {
          fresh.dispose();
        }
      }
    } finally {
      doc.dispose();
    }
  });
});

describe('paths', () => {
  it('normalises and relativises', () => {
    assert.equal(normalizePath('/a/./b/../c//d'), '/a/c/d');
    assert.equal(normalizePath('C:\\x\\y'), 'C:/x/y');
    assert.equal(relativePath('/a/b', '/a/c/d.ts'), '../c/d.ts');
  });

  it('returns a path already in normal form as it is, and normalises every other form', () => {
    const normal = ['/', '/a', '/a/b.rs', '/a/.hidden/b', '/a/..b/c', '/a/b./c', '/a/b c/d', 'C:/x/y'];
    for (const p of normal) assert.equal(normalizePath(p), p, p);
    const cases: [string, string][] = [
      ['/a/', '/a'], ['//a//b', '/a/b'], ['/a/.', '/a'], ['/a/..', '/'], ['/a/./b', '/a/b'], ['/a/../b', '/b'], ['/a\\b', '/a/b'],
      ['a/b', 'a/b'], ['./a', 'a'], ['../a', '../a'], ['', '.'], ['C:\\x\\..\\y', 'C:/y'],
    ];
    for (const [p, want] of cases) assert.equal(normalizePath(p), want, p);
  });
});

describe('fixes', () => {
  const fix = (start: number, end: number, newText: string, safety: Fix['safety'] = 'safe'): Fix => ({ title: 't', safety, edits: [{ range: { start, end }, newText }] });

  it('applies sorted edits and drops overlapping ones', () => {
    const r = applyEdits('abcdef', [{ range: { start: 4, end: 5 }, newText: 'X' }, { range: { start: 0, end: 2 }, newText: 'Y' }, { range: { start: 1, end: 3 }, newText: 'Z' }]);
    assert.equal(r.text, 'YcdXf');
    assert.equal(r.dropped, 1);
  });

  it('selects non-overlapping fixes in document order', () => {
    const chosen = selectNonOverlapping([fix(5, 8, 'a'), fix(0, 3, 'b'), fix(2, 6, 'c')], '/f');
    assert.deepEqual(chosen.map((f) => f.edits[0].range.start), [0, 5]);
  });

  it('fix-all reaches a fixed point, applies only safe fixes, and stops on cycles', () => {
    const lint = (text: string): Fix[] => {
      const i = text.indexOf('bad');
      return i < 0 ? [fix(0, 0, '', 'unsafe')] : [fix(i, i + 3, 'good')];
    };
    const r = fixToFixedPoint('bad bad bad', '/f', lint);
    assert.equal(r.text, 'good good good');
    assert.equal(r.fixesApplied, 3);
    const cycle = fixToFixedPoint('ab', '/f', (t) => [fix(0, 2, t === 'ab' ? 'ba' : 'ab')]);
    assert.ok(cycle.passes <= 3);
  });
});

describe('engine', () => {
  const throwing = defineRule({
    id: 'test-throwing-rule', catalogId: 'T00', family: 'reentrancy', side: 'rust', defaultSeverity: 'error',
    summary: 'test rule that throws', fix: 'none', docs: 'docs/rules/none.md', nodeTypes: ['function_item'],
    visit() {
      throw new Error('boom');
    },
  });
  const reporting = defineRule({
    id: 'test-reporting-rule', catalogId: 'T01', family: 'unwind-safety', side: 'rust', defaultSeverity: 'warning',
    summary: 'test rule that reports every function', fix: 'safe', docs: 'docs/rules/none.md', nodeTypes: ['function_item'],
    visit(node, ctx) {
      const name = node.childForFieldName('name')!;
      ctx.report({
        node: name, message: `function \`${name.text}\``,
        fixes: () => [
          { title: 'rename', safety: 'safe', edits: [{ range: { start: name.startIndex, end: name.endIndex }, newText: name.text + '_x' }] },
          { title: 'break the file', safety: 'safe', edits: [{ range: { start: name.startIndex, end: name.endIndex }, newText: '{{{' }] },
        ],
      });
    },
  });

  it('isolates a rule that throws; the other rules still report', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      workspace.setFile('/w/src/lib.rs', 'fn a() {}\nfn b( {}\n');
      const result = new Linter([throwing, reporting], grammars).lintFile(workspace, '/w/src/lib.rs', { settings: DEFAULT_LINT_SETTINGS, withFixes: true });
      assert.equal(result.internalErrors.filter((e) => e.ruleId === 'test-throwing-rule').length, 1);
      assert.match(result.internalErrors[0].message, /boom/);
      assert.ok(result.findings.length >= 1);
      assert.ok(result.findings.every((f) => f.ruleId === 'test-reporting-rule'));
      // The fix that would add syntax errors is dropped; the other one stays.
      assert.deepEqual(result.findings[0].fixes.map((f) => f.title), ['rename']);
    } finally {
      workspace.dispose();
    }
  });

  it('logs a fix that would add a syntax error as an internal error only when the item it edits parses', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      const linter = new Linter([reporting], grammars);
      const dropped = (text: string): string[] => {
        workspace.setFile('/w/src/lib.rs', text);
        const result = linter.lintFile(workspace, '/w/src/lib.rs', { settings: DEFAULT_LINT_SETTINGS, withFixes: true });
        for (const f of result.findings) assert.deepEqual(f.fixes.map((x) => x.title), ['rename'], 'the breaking fix is dropped either way');
        return result.internalErrors.map((e) => e.message);
      };
      // Valid code: a rule bug, logged.
      assert.deepEqual(dropped('fn a() {}\n'), ['fix "break the file" would add a syntax error; dropped']);
      // The same fix in a function that is already broken (half-typed): dropped without a log line; the
      // valid function next to it still logs.
      assert.deepEqual(dropped('fn a() { let x = ; }\n'), []);
      assert.deepEqual(dropped('fn a() { let x = ; }\nfn b() {}\n'), ['fix "break the file" would add a syntax error; dropped']);
    } finally {
      workspace.dispose();
    }
  });

  it('publishes messages and related messages on one line, whatever code a rule quotes', () => {
    const quoting = defineRule({
      id: 'test-quoting-rule', catalogId: 'T02', family: 'unwind-safety', side: 'rust', defaultSeverity: 'warning',
      summary: 'test rule that quotes a whole call', fix: 'none', docs: 'docs/rules/none.md', nodeTypes: ['call_expression'],
      visit(node, ctx) {
        ctx.report({ node, message: `call \`${node.text}\``, related: [{ path: ctx.path, range: { start: node.startIndex, end: node.endIndex }, message: `here:\r\n${node.text}` }] });
      },
    });
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      workspace.setFile('/w/src/lib.rs', 'fn a() {\n    builder\n        .name("x")\n        .spawn(job);\n}\n');
      const result = new Linter([quoting], grammars).lintFile(workspace, '/w/src/lib.rs', { settings: DEFAULT_LINT_SETTINGS, withFixes: false });
      const messages = result.findings.map((f) => f.message).sort();
      assert.deepEqual(messages, ['call `builder.name("x").spawn(job)`', 'call `builder.name("x")`']);
      assert.ok(result.findings.every((f) => f.related.every((r) => !/[\r\n]/.test(r.message) && r.message.startsWith('here: builder.name'))));
    } finally {
      workspace.dispose();
    }
  });

  it('applies configured severities and turns rules off', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      workspace.setFile('/w/src/lib.rs', 'fn a() {}');
      const linter = new Linter([reporting], grammars);
      const info = linter.lintFile(workspace, '/w/src/lib.rs', { settings: { ...DEFAULT_LINT_SETTINGS, rules: { 'test-reporting-rule': { severity: 'info' } } } });
      assert.equal(info.findings[0].severity, 'info');
      const off = linter.lintFile(workspace, '/w/src/lib.rs', { settings: { ...DEFAULT_LINT_SETTINGS, rules: { 'test-reporting-rule': { severity: 'off' } } } });
      assert.equal(off.findings.length, 0);
    } finally {
      workspace.dispose();
    }
  });

  describe('text gates', () => {
    const visited: string[] = [];
    const gated = defineRule({
      id: 'test-gated-rule', catalogId: 'T02', family: 'reentrancy', side: 'rust', defaultSeverity: 'warning',
      summary: 'test rule that reports every function of a file that says `needle` or `pin`', fix: 'none', docs: 'docs/rules/none.md',
      nodeTypes: ['function_item'], textGate: ['needle', 'pin'],
      visit(node, ctx) {
        // Reports every function of a file that has the word somewhere: an edit elsewhere changes its findings here.
        // (Sound, as a gate must be: without the words it reports nothing, visited or not.)
        visited.push(node.childForFieldName('name')!.text);
        if (ctx.text.includes('needle') || ctx.text.includes('pin')) ctx.report({ node, message: 'found' });
      },
    });
    const lint = (text: string, rules: Rule[], options: { linter?: Linter; workspace?: Workspace } = {}) => {
      const workspace = options.workspace ?? new Workspace(grammars, { roots: ['/w'] });
      const parsed: string[] = [];
      const withDocument = workspace.withDocument.bind(workspace);
      workspace.withDocument = (path, use) => {
        parsed.push(path);
        return withDocument(path, use);
      };
      try {
        workspace.setFile('/w/src/lib.rs', text);
        visited.length = 0;
        const linter = options.linter ?? new Linter(rules, grammars);
        const result = linter.lintFile(workspace, '/w/src/lib.rs', { settings: DEFAULT_LINT_SETTINGS });
        return { result, parsed, visited: [...visited] };
      } finally {
        if (!options.workspace) workspace.dispose();
      }
    };

    it('a rule visits only files that contain one of its words', () => {
      const without = lint('fn a() {}\nfn b() {}\n', [gated, reporting]);
      assert.deepEqual(without.visited, []);
      assert.deepEqual(without.result.findings.map((f) => f.ruleId), ['test-reporting-rule', 'test-reporting-rule'], 'ungated rules still run');
      const withWord = lint('fn a() {}\nfn b() { pin(); }\n', [gated, reporting]);
      assert.deepEqual(withWord.visited, ['a', 'b']);
      assert.deepEqual(withWord.result.findings.map((f) => f.ruleId), ['test-gated-rule', 'test-reporting-rule', 'test-gated-rule', 'test-reporting-rule']);
    });

    it('a file no enabled rule can report in is not parsed, unless a suppression comment needs judging', () => {
      const plain = lint('fn a() {}\n', [gated]);
      assert.deepEqual(plain.parsed, []);
      assert.deepEqual(plain.result, { path: '/w/src/lib.rs', findings: [], internalErrors: [], notices: [] });
      assert.deepEqual(lint('fn a() { needle(); }\n', [gated]).parsed, ['/w/src/lib.rs']);
      // A suppression of a rule that cannot report here is unused: still parsed, still reported.
      const suppressed = lint('// wasm-safety-ignore-next-line test-gated-rule -- x\nfn a() {}\n', [gated, ALL_RULES.find((r) => r.id === 'unused-suppression')!]);
      assert.deepEqual(suppressed.parsed, ['/w/src/lib.rs']);
      assert.deepEqual(suppressed.result.findings.map((f) => f.ruleId), ['unused-suppression']);
    });

    it('a method-call pattern matches calls (arguments, turbofish, comment before them), not macros or longer words', () => {
      const lock = methodCallPattern(['lock', 'write', 'with_borrow_mut']);
      for (const call of ['m.lock()', 'm.lock ()', 'm.lock/* c */()', 'm.lock // c\n()', 'K.with_borrow_mut::<_, ()>(|v| v.push(1))', 'w.write(\n)']) assert.ok(lock.test(call), call);
      for (const other of ['write!(f, "x")', 'thread::spawn(f)', 'self.locked()', 'unlock(m)', 'let lock = 1;', 'already']) assert.ok(!lock.test(other), other);
    });

    it('lose no finding of the real rules: every Rust fixture, whole and item by item, reports the same without gates', () => {
      const ungated = ALL_RULES.map((r) => ({ ...r, textGate: undefined, alsoInCrateRoot: undefined }));
      assert.ok(ALL_RULES.filter((r) => r.textGate).length >= 20, 'the Rust rules declare gates');
      const dir = path.join(__dirname, '..', '..', '..', 'test-fixtures', 'rust');
      const workspace = new Workspace(grammars, { roots: ['/w'] });
      try {
        const gatedLinter = new Linter(ALL_RULES, grammars);
        const ungatedLinter = new Linter(ungated, grammars);
        let files = 0;
        let findings = 0;
        for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.rs'))) {
          const text = fs.readFileSync(path.join(dir, name), 'utf8');
          // Each top-level item alone as well: most of them lack most rules' words.
          const doc = new ParsedDocument(grammars, 'rust', text);
          const items = doc.tree.rootNode.namedChildren.map((n) => text.slice(n!.startIndex, n!.endIndex));
          doc.dispose();
          for (const [i, piece] of [text, ...items].entries()) {
            const file = `/w/src/${name}.${i}.rs`;
            workspace.setFile(file, piece);
            const a = gatedLinter.lintFile(workspace, file, { settings: DEFAULT_LINT_SETTINGS });
            const b = ungatedLinter.lintFile(workspace, file, { settings: DEFAULT_LINT_SETTINGS });
            assert.deepEqual(a.findings.map((f) => `${f.ruleId} ${f.range.start} ${f.message}`), b.findings.map((f) => `${f.ruleId} ${f.range.start} ${f.message}`), file);
            workspace.removeFile(file);
            files++;
            findings += a.findings.length;
          }
        }
        assert.ok(files > 500 && findings > 150, `${files} files, ${findings} findings compared`);
      } finally {
        workspace.dispose();
      }
    });

    it('an incremental Linter (which does not narrow by gates) reports what a gated one does as words come and go', () => {
      const workspace = new Workspace(grammars, { roots: ['/w'] });
      try {
        const linter = new Linter([gated, reporting], grammars, { incremental: true });
        const texts = ['fn a() {}\nfn b() {}\n', 'fn a() {}\nfn b() { pin(); }\n', 'fn a() {}\nfn b() {}\n', 'fn a() { needle }\nfn b() {}\n'];
        for (const text of texts) {
          const incremental = lint(text, [], { linter, workspace });
          const fresh = lint(text, [gated, reporting]);
          assert.deepEqual(incremental.result.findings, fresh.result.findings, text);
        }
      } finally {
        workspace.dispose();
      }
    });
  });

  it('turns the fault-injection switch into an internal error, never a crash', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      workspace.setFile('/w/src/lib.rs', 'fn a() {}');
      const result = new Linter([reporting], grammars).lintFile(workspace, '/w/src/lib.rs', { settings: DEFAULT_LINT_SETTINGS, faultInjection: 'test-reporting-rule' });
      assert.equal(result.findings.length, 0);
      assert.equal(result.internalErrors.length, 1);
    } finally {
      workspace.dispose();
    }
  });
});

describe('Workspace: summary trees kept for the lint (scans)', () => {
  const REPO_ROOT = path.join(__dirname, '..', '..', '..');
  const exporting = (name: string) => `use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\npub fn ${name}(n: u32) -> Vec<u8> { Vec::with_capacity(n as usize) }\n`;

  it('keeps the tree a summary parsed until the file is next used, within the budget, oldest dropped first', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      for (const name of ['a', 'b', 'c']) workspace.setFile(`/w/src/${name}.rs`, exporting(name));
      workspace.setFile('/w/src/plain.rs', 'fn plain() {}\n');
      // Off by default (the language server): nothing is kept.
      workspace.rustSummary('/w/src/a.rs');
      assert.deepEqual(workspace.keptSummaryTrees(), []);

      const size = exporting('a').length;
      workspace.keepSummaryTrees(2 * size + 10);
      workspace.setFile('/w/src/a.rs', exporting('a') + '\n'); // a new text: summarised again
      workspace.rustSummary('/w/src/a.rs');
      workspace.rustSummary('/w/src/b.rs');
      workspace.rustSummary('/w/src/plain.rs'); // nothing to summarise: not parsed, nothing kept
      assert.deepEqual(workspace.keptSummaryTrees(), ['/w/src/a.rs', '/w/src/b.rs']);
      workspace.rustSummary('/w/src/c.rs'); // over the budget: the oldest goes
      assert.deepEqual(workspace.keptSummaryTrees(), ['/w/src/b.rs', '/w/src/c.rs']);

      // The next use takes the tree (of the current text) and deletes it afterwards.
      const text = workspace.withDocument('/w/src/b.rs', (doc) => doc.tree.rootNode.text);
      assert.equal(text, exporting('b'));
      assert.deepEqual(workspace.keptSummaryTrees(), ['/w/src/c.rs']);
      // A changed text drops its kept tree; stopping drops the rest.
      workspace.setFile('/w/src/c.rs', exporting('c2'));
      assert.deepEqual(workspace.keptSummaryTrees(), []);
      workspace.rustSummary('/w/src/c.rs');
      assert.deepEqual(workspace.keptSummaryTrees(), ['/w/src/c.rs']);
      workspace.keepSummaryTrees(0);
      assert.deepEqual(workspace.keptSummaryTrees(), []);
      assert.equal(workspace.withDocument('/w/src/c.rs', (doc) => doc.text), exporting('c2'));
    } finally {
      workspace.dispose();
    }
  });

  it('gives the same findings as parsing again, over every Rust fixture as one crate', () => {
    const files = fs.readdirSync(path.join(REPO_ROOT, 'test-fixtures', 'rust')).filter((f) => f.endsWith('.rs'));
    const lintAll = (keep: boolean): string[] => {
      const workspace = new Workspace(grammars, { roots: ['/w'] });
      try {
        workspace.setFile('/w/Cargo.toml', '[package]\nname = "w"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\nwasm-bindgen = "0.2"\n');
        for (const f of files) workspace.setFile(`/w/src/${f}`, fs.readFileSync(path.join(REPO_ROOT, 'test-fixtures', 'rust', f), 'utf8'));
        if (keep) workspace.keepSummaryTrees(10_000_000);
        const linter = new Linter(ALL_RULES, grammars);
        const out = files.flatMap((f) => linter.lintFile(workspace, `/w/src/${f}`, { settings: DEFAULT_LINT_SETTINGS, withFixes: true }).findings.map((x) => JSON.stringify(x)));
        if (keep) assert.deepEqual(workspace.keptSummaryTrees(), [], 'every kept tree was used by the lint');
        return out;
      } finally {
        workspace.dispose();
      }
    };
    const fresh = lintAll(false);
    assert.ok(fresh.length > 100, `the fixtures give many findings (got ${fresh.length})`);
    assert.deepEqual(lintAll(true), fresh);
  });
});
