// Unit tests of the baseline (pure parts): the FNV-1a 64 hash against the reference vectors, the
// normalised code a finding is keyed by (whitespace-insensitive, line-number-free), matching with
// counts for duplicate findings, stale entries limited to the checked files, pruning, and the stable,
// sorted file format.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BaselineKey, createBaseline, findingCodeHash, fnv1a64, inTargets, matchBaseline, normalisedCode, parseBaseline,
  pruneBaseline, serializeBaseline,
} from '../src/analysis/index';

const everything = (): boolean => true;

describe('baseline hash', () => {
  it('is FNV-1a 64 over UTF-8 (reference vectors)', () => {
    assert.equal(fnv1a64(''), 'cbf29ce484222325');
    assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
    assert.equal(fnv1a64('foobar'), '85944171f73967e8');
    assert.equal(fnv1a64('é'), fnv1a64('\u00e9'));
    assert.notEqual(fnv1a64('é'), fnv1a64('e\u0301'));
  });

  it('keys a finding by the whole lines it spans without whitespace, not by where they are', () => {
    const before = 'fn a() {\n    let g = STORE.borrow_mut();\n    notify(g.len());\n}\n';
    const moved = '// a new comment\n\nfn a() {\n  let g =\n      STORE.borrow_mut();\n    notify(g.len());\n}\n';
    const range = (text: string, needle: string) => ({ start: text.indexOf(needle), end: text.indexOf(needle) + needle.length });
    assert.equal(normalisedCode(before, range(before, 'borrow_mut')), 'letg=STORE.borrow_mut();');
    assert.equal(normalisedCode(before, { start: 0, end: 2 }), 'fna(){');
    assert.equal(normalisedCode('x', { start: 0, end: 1 }), 'x');
    // Moved down and re-wrapped: the range of `let g = … ;` hashes the same.
    assert.equal(findingCodeHash(before, range(before, 'let g = STORE.borrow_mut();')), findingCodeHash(moved, range(moved, 'let g =\n      STORE.borrow_mut();')));
    // Changed code: a different key.
    const changed = before.replace('STORE', 'OTHER');
    assert.notEqual(findingCodeHash(before, range(before, 'STORE')), findingCodeHash(changed, range(changed, 'OTHER')));
  });
});

describe('baseline matching', () => {
  const key = (ruleId: string, path: string, hash = '0123456789abcdef'): BaselineKey => ({ ruleId, path, hash });

  it('accepts as many findings as an entry counts; the rest are new', () => {
    const baseline = createBaseline([key('r', '/repo/a.rs'), key('r', '/repo/a.rs'), key('s', '/repo/b.ts')], '/repo');
    assert.deepEqual(baseline.entries, [
      { rule: 'r', path: 'a.rs', hash: '0123456789abcdef', count: 2 },
      { rule: 's', path: 'b.ts', hash: '0123456789abcdef', count: 1 },
    ]);
    const match = matchBaseline(baseline, '/repo', [key('r', '/repo/a.rs'), key('r', '/repo/a.rs'), key('r', '/repo/a.rs'), key('s', '/repo/b.ts', 'ffffffffffffffff')], everything);
    assert.deepEqual(match.baselined, [true, true, false, false]);
    assert.deepEqual(match.stale, [{ rule: 's', path: 'b.ts', hash: '0123456789abcdef', count: 1 }]);
  });

  it('reports stale entries only for files the run checked', () => {
    const baseline = createBaseline([key('r', '/repo/src/a.rs'), key('r', '/repo/web/b.ts')], '/repo');
    const inScope = inTargets([{ path: '/repo/src', isDirectory: true }]);
    assert.deepEqual(matchBaseline(baseline, '/repo', [], inScope).stale.map((e) => e.path), ['src/a.rs']);
    assert.deepEqual(matchBaseline(baseline, '/repo', [], inTargets([{ path: '/repo/web/b.ts', isDirectory: false }])).stale.map((e) => e.path), ['web/b.ts']);
  });

  it('pruning removes what no longer matches in checked files, keeps the rest, and never adds', () => {
    const baseline = createBaseline([key('r', '/repo/a.rs'), key('r', '/repo/a.rs'), key('s', '/repo/b.ts'), key('t', '/repo/other/c.ts')], '/repo');
    const inScope = (p: string) => !p.startsWith('/repo/other/');
    const { baseline: pruned, removed } = pruneBaseline(baseline, '/repo', [key('r', '/repo/a.rs'), key('new', '/repo/a.rs')], inScope);
    assert.equal(removed, 2);
    assert.deepEqual(pruned.entries.map((e) => `${e.rule} ${e.path} ${e.count}`), ['r a.rs 1', 't other/c.ts 1']);
  });

  it('paths are relative to the baseline file\'s folder', () => {
    const baseline = createBaseline([key('r', '/repo/crates/x/src/lib.rs')], '/repo/ci');
    assert.equal(baseline.entries[0].path, '../crates/x/src/lib.rs');
    assert.deepEqual(matchBaseline(baseline, '/repo/ci', [key('r', '/repo/crates/x/src/lib.rs')], everything).baselined, [true]);
  });
});

describe('baseline file', () => {
  it('is sorted JSON with one entry per line, and reads back', () => {
    const baseline = createBaseline([
      { ruleId: 'z-rule', path: '/r/b.ts', hash: '00000000000000ff' },
      { ruleId: 'a-rule', path: '/r/b.ts', hash: '00000000000000aa' },
      { ruleId: 'a-rule', path: '/r/a.rs', hash: '00000000000000bb' },
    ], '/r');
    const text = serializeBaseline(baseline);
    assert.equal(text, [
      '{',
      '  "version": 1,',
      '  "entries": [',
      '    {"rule":"a-rule","path":"a.rs","hash":"00000000000000bb","count":1},',
      '    {"rule":"a-rule","path":"b.ts","hash":"00000000000000aa","count":1},',
      '    {"rule":"z-rule","path":"b.ts","hash":"00000000000000ff","count":1}',
      '  ]',
      '}',
      '',
    ].join('\n'));
    assert.deepEqual(parseBaseline(text), { baseline, problems: [] });
    assert.equal(serializeBaseline({ version: 1, entries: [] }), '{\n  "version": 1,\n  "entries": []\n}\n');
  });

  it('a damaged file says what is wrong; bad entries are skipped', () => {
    assert.match(parseBaseline('{').problems[0], /^not valid JSON/);
    assert.match(parseBaseline('{"version": 2, "entries": []}').problems[0], /unsupported version 2/);
    const { baseline, problems } = parseBaseline('{"version": 1, "entries": [{"rule":"r","path":"a","hash":"xyz","count":1}, {"rule":"r","path":"a","hash":"00000000000000bb","count":2}]}');
    assert.deepEqual(problems, ['entries[0]: expected { "rule", "path", "hash" (16 hex digits), "count" (> 0) } (ignored)']);
    assert.equal(baseline.entries.length, 1);
  });
});
