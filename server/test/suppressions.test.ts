// Tests of in-source suppressions: the comment grammar (every form, Rust/TS/TSX, block comments,
// malformed input, CRLF, text in strings and doc comments ignored), the removal range of the unused
// fix, and the Linter integration (suppressed findings kept and marked, unused/invalid comments
// reported, rules turned off or crashed never make a comment "unused").

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ALL_RULES, applyEdits, DEFAULT_LINT_SETTINGS, type Finding, type Grammars, type LanguageId, LineIndex, Linter,
  type LintSettings, ParsedDocument, type Rule,
} from '../src/analysis/index';
import { findSuppressionDirectives, type SuppressionDirective } from '../src/analysis/engine/suppression-comments';
import { suppressionInsertion } from '../src/analysis/engine/suppression-edits';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

function directives(language: LanguageId, text: string): SuppressionDirective[] {
  const doc = new ParsedDocument(grammars, language, text);
  try {
    return findSuppressionDirectives(doc.tree.rootNode, text, language, new LineIndex(text));
  } finally {
    doc.dispose();
  }
}

const summary = (d: SuppressionDirective) => ({ scope: d.scope, rules: d.rules.map((r) => r.id), reason: d.reason, targetLine: d.targetLine, problem: d.problem });

describe('suppression comment grammar', () => {
  it('reads the three forms in Rust, as line and block comments', () => {
    const text = [
      '// wasm-safety-ignore-file static-mut-export-state -- single-threaded host', // 0
      'fn a() {',
      '    // wasm-safety-ignore-next-line string-error-payload, torn-mut-self -- errors are text by contract',
      '',
      '    x(); /* wasm-safety-ignore-line borrow-held-across-js-call -- the callback never re-enters */', // 4
      '}',
    ].join('\n');
    assert.deepEqual(directives('rust', text).map(summary), [
      { scope: 'file', rules: ['static-mut-export-state'], reason: 'single-threaded host', targetLine: undefined, problem: undefined },
      { scope: 'next-line', rules: ['string-error-payload', 'torn-mut-self'], reason: 'errors are text by contract', targetLine: 4, problem: undefined },
      { scope: 'line', rules: ['borrow-held-across-js-call'], reason: 'the callback never re-enters', targetLine: 4, problem: undefined },
    ]);
  });

  it('reads TS line and block comments, and `{/* … */}` in JSX children (braces included in the comment)', () => {
    const text = [
      'export const View = () => (',
      '  <div>',
      '    {/* wasm-safety-ignore-next-line catch-swallows-wasm-failure -- preview only */}',
      '    <Item />',
      '  </div>',
      ');',
      'f(); // wasm-safety-ignore-line retry-after-abort -- bounded',
    ].join('\n');
    const found = directives('tsx', text);
    assert.deepEqual(found.map(summary), [
      { scope: 'next-line', rules: ['catch-swallows-wasm-failure'], reason: 'preview only', targetLine: 3, problem: undefined },
      { scope: 'line', rules: ['retry-after-abort'], reason: 'bounded', targetLine: 6, problem: undefined },
    ]);
    assert.equal(text.slice(found[0].comment.start, found[0].comment.end), '{/* wasm-safety-ignore-next-line catch-swallows-wasm-failure -- preview only */}');
    assert.deepEqual(directives('typescript', '/* wasm-safety-ignore-file retry-after-abort -- x */\nf();\n').map((d) => d.scope), ['file']);
    assert.deepEqual(directives('javascript', 'f(); // wasm-safety-ignore-line retry-after-abort -- x\n').map((d) => d.targetLine), [0]);
  });

  it('joins a multi-line block comment reason and drops its continuation stars', () => {
    const text = '/*\n * wasm-safety-ignore-next-line torn-mut-self -- the state is\n *   rebuilt on the next call\n */\nfn a() {}\n';
    assert.deepEqual(directives('rust', text).map(summary), [
      { scope: 'next-line', rules: ['torn-mut-self'], reason: 'the state is rebuilt on the next call', targetLine: 4, problem: undefined },
    ]);
  });

  it('reports malformed comments with a message, and a missing reason as an empty one', () => {
    const cases: [string, RegExp | undefined, string][] = [
      ['// wasm-safety-ignore-nextline torn-mut-self -- x', /unknown suppression form `wasm-safety-ignore-nextline`/, ''],
      ['// wasm-safety-ignore torn-mut-self -- x', /unknown suppression form `wasm-safety-ignore`/, ''],
      ['// wasm-safety-ignore-line -- x', /names no rule/, 'x'],
      ['// wasm-safety-ignore-line', /names no rule/, ''],
      ['// wasm-safety-ignore-line torn-mut-self static-mut-export-state -- x', /separate rule ids with commas/, 'x'],
      ['// wasm-safety-ignore-line Torn_Mut -- x', /not a rule id/, 'x'],
      ['// wasm-safety-ignore-line torn-mut-self', undefined, ''],
      ['// wasm-safety-ignore-line torn-mut-self --', undefined, ''],
      ['// wasm-safety-ignore-line torn-mut-self --   ', undefined, ''],
      ['// wasm-safety-ignore-line torn-mut-self --no space', /not a rule id/, ''],
    ];
    for (const [comment, problem, reason] of cases) {
      const [d] = directives('rust', `fn a() {} ${comment}\n`);
      assert.ok(d, comment);
      if (problem) assert.match(d.problem ?? '', problem, comment);
      else assert.equal(d.problem, undefined, comment);
      assert.equal(d.reason, reason, comment);
    }
  });

  it('ignores the marker in strings, template strings, doc comments and prose', () => {
    const rust = [
      '/// wasm-safety-ignore-next-line torn-mut-self -- docs show the syntax',
      '//! wasm-safety-ignore-file torn-mut-self -- crate docs',
      '/** wasm-safety-ignore-file torn-mut-self -- block doc */',
      '// see wasm-safety-ignore-line in the README',
      'fn a() { let s = "// wasm-safety-ignore-line torn-mut-self -- in a string"; let r = r#"/* wasm-safety-ignore-file x */"#; }',
    ].join('\n');
    assert.deepEqual(directives('rust', rust), []);
    const ts = [
      '/** wasm-safety-ignore-file retry-after-abort -- JSDoc */',
      "const a = '// wasm-safety-ignore-line retry-after-abort -- string';",
      'const b = `/* wasm-safety-ignore-file retry-after-abort -- template */`;',
      'const re = /wasm-safety-ignore-line/;',
    ].join('\n');
    assert.deepEqual(directives('typescript', ts), []);
    // `////` and `/***` are ordinary comments in Rust, so they count.
    assert.equal(directives('rust', '//// wasm-safety-ignore-file torn-mut-self -- x\n').length, 1);
  });

  it('finds the next line with code past blank lines, line comments and block comments (also multi-line)', () => {
    const text = [
      '// wasm-safety-ignore-next-line torn-mut-self -- x',
      '',
      '// an explanation',
      '/* more',
      '   explanation */',
      '  {/* jsx */}',
      '    let a = 1;', // 6
    ].join('\n');
    assert.equal(directives('rust', text)[0].targetLine, 6);
    assert.equal(directives('rust', '// wasm-safety-ignore-next-line torn-mut-self -- x\n\n// nothing after\n')[0].targetLine, undefined);
  });

  it('counts lines correctly in CRLF files', () => {
    const text = 'fn a() {\r\n    // wasm-safety-ignore-next-line torn-mut-self -- x\r\n\r\n    b(); // wasm-safety-ignore-line torn-mut-self -- y\r\n}\r\n';
    const found = directives('rust', text);
    assert.deepEqual(found.map((d) => d.targetLine), [3, 3]);
    // Removing the first comment takes its whole line, CRLF included.
    assert.equal(applyEdits(text, [{ range: found[0].removal, newText: '' }]).text, 'fn a() {\r\n\r\n    b(); // wasm-safety-ignore-line torn-mut-self -- y\r\n}\r\n');
    assert.equal(applyEdits(text, [{ range: found[1].removal, newText: '' }]).text, 'fn a() {\r\n    // wasm-safety-ignore-next-line torn-mut-self -- x\r\n\r\n    b();\r\n}\r\n');
  });

  it('removal ranges leave no empty comment line and no trailing whitespace', () => {
    const remove = (language: LanguageId, text: string, index = 0) => {
      const d = directives(language, text)[index];
      return applyEdits(text, [{ range: d.removal, newText: '' }]).text;
    };
    assert.equal(remove('rust', 'fn a() {\n    // wasm-safety-ignore-next-line torn-mut-self -- x\n    b();\n}\n'), 'fn a() {\n    b();\n}\n');
    assert.equal(remove('rust', 'fn a() {\n    b();   // wasm-safety-ignore-line torn-mut-self -- x   \n}\n'), 'fn a() {\n    b();\n}\n');
    assert.equal(remove('typescript', 'f(/* wasm-safety-ignore-line retry-after-abort -- x */ a);\n'), 'f(a);\n');
    assert.equal(remove('rust', 'fn a() {}\n// wasm-safety-ignore-file torn-mut-self -- x'), 'fn a() {}');
    assert.equal(remove('tsx', 'const v = (\n  <div>\n    {/* wasm-safety-ignore-next-line retry-after-abort -- x */}\n    <b />\n  </div>\n);\n'), 'const v = (\n  <div>\n    <b />\n  </div>\n);\n');
  });
});

// ---- Linter integration -------------------------------------------------------------------------------

const ruleById = (id: string): Rule => {
  const r = ALL_RULES.find((x) => x.id === id);
  assert.ok(r, id);
  return r;
};

const STRING_ERROR = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn parse_header(input: &str) -> Result<u32, JsValue> {
    SUPPRESSION
    input.trim().parse::<u32>().map_err(|e| JsValue::from_str(&e.to_string()))
}
`;

function lintRust(text: string, options: { rules?: readonly Rule[]; settings?: LintSettings; faultInjection?: string } = {}): { findings: Finding[]; text: string } {
  const rules = options.rules ?? ALL_RULES;
  const section = { title: 'unit', buildMode: 'abort' as const, text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, ruleById('unused-suppression'), 'unit.rs', section, 0);
  try {
    const result = new Linter(rules, grammars).lintFile(workspace, casePath, {
      settings: options.settings ?? DEFAULT_LINT_SETTINGS, withFixes: true, faultInjection: options.faultInjection,
    });
    return { findings: result.findings, text };
  } finally {
    workspace.dispose();
  }
}

const withComment = (comment: string) => STRING_ERROR.replace('SUPPRESSION', comment);
const brief = (findings: readonly Finding[]) => findings.map((f) => ({ ruleId: f.ruleId, suppressed: f.suppression?.justification }));

describe('Linter: in-source suppressions', () => {
  it('without a suppression comment the finding is reported and unmarked', () => {
    const { findings } = lintRust(withComment(''));
    assert.deepEqual(brief(findings), [{ ruleId: 'string-error-payload', suppressed: undefined }]);
  });

  it('keeps a suppressed finding, marked inSource with the reason as justification', () => {
    const { findings } = lintRust(withComment('// wasm-safety-ignore-next-line string-error-payload -- the page only logs it'));
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].suppression, { kind: 'inSource', justification: 'the page only logs it' });
  });

  it('a file-level suppression anywhere in the file covers every line', () => {
    const text = withComment('') + '// wasm-safety-ignore-file string-error-payload -- legacy API\n';
    assert.deepEqual(brief(lintRust(text).findings), [{ ruleId: 'string-error-payload', suppressed: 'legacy API' }]);
  });

  it('a suppression without a reason does not suppress and is reported', () => {
    const { findings } = lintRust(withComment('// wasm-safety-ignore-next-line string-error-payload'));
    assert.deepEqual(brief(findings), [
      { ruleId: 'invalid-suppression', suppressed: undefined },
      { ruleId: 'string-error-payload', suppressed: undefined },
    ]);
    assert.match(findings[0].message, /gives no reason/);
  });

  it('an unknown rule id is reported on the id; the known ids of the comment still apply', () => {
    const { findings, text } = lintRust(withComment('// wasm-safety-ignore-next-line string-error-payload, no-such-rule -- x'));
    assert.deepEqual(brief(findings), [
      { ruleId: 'invalid-suppression', suppressed: undefined },
      { ruleId: 'string-error-payload', suppressed: 'x' },
    ]);
    assert.equal(text.slice(findings[0].range.start, findings[0].range.end), 'no-such-rule');
  });

  it('an unused suppression is reported with a safe fix that removes its line', () => {
    const { findings, text } = lintRust(withComment('// wasm-safety-ignore-next-line torn-mut-self -- x').replace('JsValue::from_str(&e.to_string())', 'JsError::new(&e.to_string())').replace('Result<u32, JsValue>', 'Result<u32, JsError>'));
    assert.deepEqual(brief(findings), [{ ruleId: 'unused-suppression', suppressed: undefined }]);
    const [fix] = findings[0].fixes;
    assert.equal(fix.safety, 'safe');
    const fixed = applyEdits(text, fix.edits).text;
    assert.ok(!fixed.includes('wasm-safety-ignore'), fixed);
    assert.ok(fixed.includes('Result<u32, JsError> {\n    input.trim()'), fixed);
  });

  it('when only some ids are unused, the fix removes just those', () => {
    const { findings, text } = lintRust(withComment('// wasm-safety-ignore-next-line torn-mut-self, string-error-payload -- x'));
    assert.deepEqual(brief(findings), [
      { ruleId: 'unused-suppression', suppressed: undefined },
      { ruleId: 'string-error-payload', suppressed: 'x' },
    ]);
    assert.match(findings[0].message, /`torn-mut-self` reported nothing on the next line/);
    assert.ok(applyEdits(text, findings[0].fixes[0].edits).text.includes('// wasm-safety-ignore-next-line string-error-payload -- x\n'));
  });

  it('a suppression of a rule turned off by configuration is not "unused"', () => {
    const settings: LintSettings = { ...DEFAULT_LINT_SETTINGS, rules: { 'torn-mut-self': { severity: 'off' } } };
    const { findings } = lintRust(withComment('// wasm-safety-ignore-next-line torn-mut-self -- x'), { settings });
    assert.deepEqual(brief(findings), [{ ruleId: 'string-error-payload', suppressed: undefined }]);
  });

  it('a suppression of a rule the Linter was not given is not "unused"', () => {
    const rules = [ruleById('string-error-payload'), ruleById('unused-suppression'), ruleById('invalid-suppression')];
    const { findings } = lintRust(withComment('// wasm-safety-ignore-next-line torn-mut-self -- x'), { rules });
    assert.deepEqual(brief(findings), [{ ruleId: 'string-error-payload', suppressed: undefined }]);
  });

  it('a suppression of a rule that crashed on the file is never "unused"', () => {
    const crashed = lintRust(withComment('// wasm-safety-ignore-next-line string-error-payload -- x'), { faultInjection: 'string-error-payload' });
    assert.deepEqual(brief(crashed.findings), []);
    // The same comment with the rule working but reporting nothing there is unused.
    const clean = lintRust(withComment('// wasm-safety-ignore-next-line string-error-payload -- x').replace('JsValue::from_str(&e.to_string())', 'JsError::new(&e.to_string())').replace('Result<u32, JsValue>', 'Result<u32, JsError>'));
    assert.deepEqual(brief(clean.findings), [{ ruleId: 'unused-suppression', suppressed: undefined }]);
  });

  it('a file with syntax errors gets no "unused" verdicts (rules may be missing findings there)', () => {
    const comment = '// wasm-safety-ignore-next-line torn-mut-self -- x';
    const broken = withComment(comment).replace('pub fn parse_header', 'pub fn parse_header(');
    assert.ok(!brief(lintRust(broken).findings).some((f) => f.ruleId === 'unused-suppression'));
    assert.ok(brief(lintRust(withComment(comment)).findings).some((f) => f.ruleId === 'unused-suppression'), 'reported once it parses');
  });

  it('the suppression rules can be turned off, and report nothing when the Linter is not given them', () => {
    const comment = '// wasm-safety-ignore-next-line no-such-rule, torn-mut-self -- x';
    const off: LintSettings = { ...DEFAULT_LINT_SETTINGS, rules: { 'invalid-suppression': { severity: 'off' }, 'unused-suppression': { severity: 'off' } } };
    assert.deepEqual(brief(lintRust(withComment(comment), { settings: off }).findings), [{ ruleId: 'string-error-payload', suppressed: undefined }]);
    const rules = ALL_RULES.filter((r) => r.side !== 'both');
    assert.deepEqual(brief(lintRust(withComment(comment), { rules }).findings), [{ ruleId: 'string-error-payload', suppressed: undefined }]);
    const warn: LintSettings = { ...DEFAULT_LINT_SETTINGS, rules: { 'invalid-suppression': { severity: 'info' } } };
    assert.equal(lintRust(withComment(comment), { settings: warn }).findings.find((f) => f.ruleId === 'invalid-suppression')?.severity, 'info');
  });

  it('a rule of the other language is reported, not silently ignored', () => {
    const { findings } = lintRust(withComment('// wasm-safety-ignore-next-line catch-swallows-wasm-failure -- x'));
    assert.deepEqual(brief(findings), [
      { ruleId: 'invalid-suppression', suppressed: undefined },
      { ruleId: 'string-error-payload', suppressed: undefined },
    ]);
    assert.match(findings[0].message, /checks TypeScript\/JavaScript files only/);
  });

  it('without withFixes the unused finding has no fixes (fixes are computed only when asked for)', () => {
    const section = { title: 'unit', buildMode: 'abort' as const, text: 'fn a() {} // wasm-safety-ignore-line torn-mut-self -- x\n', expectations: [], fileLine: 1 };
    const { workspace, casePath } = buildCaseWorkspace(grammars, ruleById('unused-suppression'), 'unit.rs', section, 0);
    try {
      const result = new Linter(ALL_RULES, grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS });
      assert.deepEqual(result.findings.map((f) => [f.ruleId, f.fixes.length]), [['unused-suppression', 0]]);
    } finally {
      workspace.dispose();
    }
  });
});

// ---- writing suppression comments (the editor's Disable actions) -------------------------------------

describe('suppression comments written by the Disable actions', () => {
  function insert(language: LanguageId, text: string, scope: 'next-line' | 'file', ruleId: string, at: string) {
    const doc = new ParsedDocument(grammars, language, text);
    try {
      const offset = text.indexOf(at);
      assert.ok(offset >= 0, at);
      const insertion = suppressionInsertion(doc.tree.rootNode, text, language, new LineIndex(text), scope, ruleId, offset);
      return insertion && { text: applyEdits(text, [insertion.edit]).text, snippet: insertion.snippet };
    } finally {
      doc.dispose();
    }
  }

  it('this line: above the finding, indented like it, CRLF kept', () => {
    assert.equal(insert('rust', 'fn a() {\r\n\tb();\r\n}\r\n', 'next-line', 'torn-mut-self', 'b()')?.text, 'fn a() {\r\n\t// wasm-safety-ignore-next-line torn-mut-self --\r\n\tb();\r\n}\r\n');
  });

  it('this file: after a shebang, the leading comment block and Rust inner attributes', () => {
    const rust = '//! Crate docs.\n#![allow(dead_code)]\n#![cfg_attr(test, allow(unused))]\n\nfn a() { b(); }\n';
    assert.equal(insert('rust', rust, 'file', 'torn-mut-self', 'b()')?.text,
      '//! Crate docs.\n#![allow(dead_code)]\n#![cfg_attr(test, allow(unused))]\n// wasm-safety-ignore-file torn-mut-self --\n\nfn a() { b(); }\n');
    const ts = '#!/usr/bin/env node\n/* License: MIT */\nimport x from "y";\nx();\n';
    assert.equal(insert('javascript', ts, 'file', 'retry-after-abort', 'x();')?.text,
      '#!/usr/bin/env node\n/* License: MIT */\n// wasm-safety-ignore-file retry-after-abort --\nimport x from "y";\nx();\n');
    // A comment followed by code on its line ends the header.
    assert.equal(insert('typescript', '/* a */ x();\n', 'file', 'retry-after-abort', 'x()')?.text, '// wasm-safety-ignore-file retry-after-abort --\n/* a */ x();\n');
  });

  it('appends the id to an existing comment for the same line or file, keeping its reason', () => {
    const text = 'fn a() {\n    // wasm-safety-ignore-next-line torn-mut-self -- ok\n    b();\n}\n// wasm-safety-ignore-file static-mut-export-state -- single thread\n';
    assert.equal(insert('rust', text, 'next-line', 'string-error-payload', 'b()')?.text.split('\n')[1], '    // wasm-safety-ignore-next-line torn-mut-self, string-error-payload -- ok');
    assert.equal(insert('rust', text, 'file', 'string-error-payload', 'b()')?.text.split('\n')[4], '// wasm-safety-ignore-file static-mut-export-state, string-error-payload -- single thread');
    assert.equal(insert('rust', text, 'next-line', 'torn-mut-self', 'b()'), undefined, 'already listed');
    assert.equal(insert('rust', text, 'next-line', 'string-error-payload', 'b()')?.snippet, undefined, 'no reason to ask for');
  });

  it('offers no line comment where a new line would land inside a multi-line string', () => {
    const text = 'fn a() {\n    let s = "first\nsecond"; b(s);\n}\n';
    assert.equal(insert('rust', text, 'next-line', 'torn-mut-self', 'b(s)'), undefined);
    assert.ok(insert('rust', text, 'file', 'torn-mut-self', 'b(s)'));
  });

  it('JSX children get `{/* … */}`; JavaScript inside a JSX expression and attributes keep `//`', () => {
    const tsx = 'const v = (\n  <div>\n    <b />\n    {items.map((i) => {\n      return go(i);\n    })}\n  </div>\n);\n';
    assert.equal(insert('tsx', tsx, 'next-line', 'retry-after-abort', '<b />')?.text.split('\n')[2], '    {/* wasm-safety-ignore-next-line retry-after-abort -- */}');
    assert.equal(insert('tsx', tsx, 'next-line', 'retry-after-abort', '{items')?.text.split('\n')[3], '    {/* wasm-safety-ignore-next-line retry-after-abort -- */}');
    assert.equal(insert('tsx', tsx, 'next-line', 'retry-after-abort', 'return go')?.text.split('\n')[4], '      // wasm-safety-ignore-next-line retry-after-abort --');
    assert.equal(insert('tsx', tsx, 'next-line', 'retry-after-abort', '<b />')?.snippet, '    {/* wasm-safety-ignore-next-line retry-after-abort -- ${1:why this is safe} */\\}\n');
  });

  it('an inserted comment, once given a reason, suppresses the finding it was made for (round trip)', () => {
    const text = withComment('');
    const lines = new LineIndex(text);
    const doc = new ParsedDocument(grammars, 'rust', text);
    let fixed: string;
    try {
      const at = text.indexOf('JsValue::from_str');
      const insertion = suppressionInsertion(doc.tree.rootNode, text, 'rust', lines, 'next-line', 'string-error-payload', at)!;
      fixed = applyEdits(text, [insertion.edit]).text.replace('string-error-payload --', 'string-error-payload -- logged only');
    } finally {
      doc.dispose();
    }
    assert.deepEqual(brief(lintRust(fixed).findings), [{ ruleId: 'string-error-payload', suppressed: 'logged only' }]);
  });
});
