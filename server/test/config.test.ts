// Unit tests of the configuration layer (pure parts): the positioned JSON reader, config-file
// validation (unknown keys, bad values and unknown rules are reported with key and line:column and fall
// back to defaults), merging config file < explicit editor settings, glob matching, the generated JSON
// schema being up to date, binding-module globs changing glue recognition and findings, and the
// client's explicit-settings filter.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { explicitSection, explicitValue } from '../../client/src/explicit-settings';
import {
  ALL_RULES, configSchemaText, DEFAULT_LINT_SETTINGS, DEFAULT_SETTINGS, formatConfigProblem, type Grammars, Linter, matchesGlob,
  mergeLintSettings, parseConfigFile, readJson, Workspace,
} from '../src/analysis/index';
import { loadGrammars } from '../src/host/wasm-files';
import { serverSettings } from '../src/lsp/from-lsp';
import { REPO_ROOT } from './support/fixture-runner';

const R01 = 'borrow-held-across-js-call';
const C01 = 'catch-swallows-wasm-failure';

describe('readJson', () => {
  it('reports syntax errors with a 1-based line:column', () => {
    const result = readJson('{\n  "rules": {\n    "a": "off",\n  }\n}');
    assert.equal(result.value, undefined);
    assert.deepEqual(result.error?.position, { line: 4, column: 3 });
    assert.match(result.error!.message, /trailing comma/);
    assert.deepEqual(readJson('{"a": 1} x').error?.position, { line: 1, column: 10 });
    assert.match(readJson('{ // no\n}').error!.message, /comments are not allowed/);
    assert.match(readJson("{'a': 1}").error!.message, /double quotes/);
    assert.match(readJson('{"a": "unterminated}').error!.message, /unterminated string/);
  });

  it('keeps key positions, parses every JSON value and flags duplicate keys', () => {
    const result = readJson('\uFEFF{"a": [1, -2.5e1, true, false, null, "x\\u0041\\n"],\n "b": {"c": {}},\n "a": 0}');
    assert.deepEqual(result.value, { a: 0, b: { c: {} } });
    assert.deepEqual(result.keyPositions.get('b.c'), { line: 2, column: 8 });
    assert.deepEqual(result.duplicateKeys.map((d) => [d.path, d.position.line]), [['a', 3]]);
    assert.deepEqual(readJson('[1, -2.5e1, "x\\u0041\\n"]').value, [1, -25, 'xA\n']);
    assert.deepEqual(readJson('{"__proto__": 1}').value, JSON.parse('{"__proto__": 1}'));
  });

  it('bounds nesting instead of overflowing the stack', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    assert.match(readJson(deep).error!.message, /nested deeper/);
  });
});

describe('config file', () => {
  const FILE = '/repo/wasm-safety.json';

  it('reads every key, resolving paths against the file\'s folder', () => {
    const config = parseConfigFile(FILE, JSON.stringify({
      $schema: './schemas/wasm-safety.schema.json',
      rules: { [R01]: 'warning', 'torn-mut-self': { severity: 'info', options: { earlyReturns: true } } },
      classifierNames: ['isFatal'],
      classifierModule: 'web/src/errors.ts',
      extraJsCallPoints: ['emit'],
      bindingModules: ['vendor/engine.js'],
      ignore: ['generated/', '*.gen.ts'],
      maxFileSize: 1000,
      parseBudgetMs: 50,
      analysisBudgetMs: 700,
      baseline: { file: 'ci/baseline.json', show: true },
    }), ALL_RULES);
    assert.deepEqual(config.problems, []);
    assert.deepEqual(config.layer.rules, { [R01]: { severity: 'warning' }, 'torn-mut-self': { severity: 'info', options: { earlyReturns: true } } });
    assert.equal(config.layer.classifierModule, '/repo/web/src/errors.ts');
    assert.deepEqual(config.layer.bindingModules, ['/repo/vendor/engine.js']);
    assert.deepEqual(config.ignore, ['/repo/**/generated', '/repo/**/*.gen.ts'], 'like .gitignore: no inner slash = any depth');
    assert.deepEqual(config.baseline, { file: '/repo/ci/baseline.json', show: true });
    const settings = mergeLintSettings([config.layer]);
    assert.deepEqual(settings.analysis, {
      classifierNames: ['isFatal'], classifierModule: '/repo/web/src/errors.ts', extraJsCallPoints: ['emit'],
      bindingModules: ['/repo/vendor/engine.js'], maxFileSize: 1000, parseBudgetMs: 50, analysisBudgetMs: 700,
    });
  });

  it('an empty file means the defaults, with the baseline next to it', () => {
    const config = parseConfigFile(FILE, '{}', ALL_RULES);
    assert.deepEqual(mergeLintSettings([config.layer]), DEFAULT_LINT_SETTINGS);
    assert.deepEqual(config.baseline, { file: '/repo/wasm-safety-baseline.json', show: false });
  });

  it('reports each mistake with key and line:column and keeps the valid rest', () => {
    const text = [
      '{',
      '  "rules": {',
      `    "${R01}": "fatal",`,
      '    "borrow-held-across-js-cal": "error",',
      `    "torn-mut-self": { "options": { "earlyReturns": "yes", "other": true }, "level": 1 },`,
      '    "static-mut-export-state": "off"',
      '  },',
      '  "classifierNames": ["ok", 3],',
      '  "maxFileSize": -1,',
      '  "ignore": ["../outside/**", "gen/**"],',
      '  "baseline": { "show": "no" },',
      '  "colour": "red"',
      '}',
    ].join('\n');
    const config = parseConfigFile(FILE, text, ALL_RULES);
    const messages = config.problems.map(formatConfigProblem);
    const expect = (pattern: RegExp): void => assert.ok(messages.some((m) => pattern.test(m)), `expected a problem matching ${pattern}, got:\n${messages.join('\n')}`);
    expect(/^\/repo\/wasm-safety\.json:3:5: rules\.borrow-held-across-js-call: expected one of error, warning, info, hint, off, got "fatal"/);
    expect(/:4:5: rules\.borrow-held-across-js-cal: unknown rule id .*did you mean "borrow-held-across-js-call"/);
    expect(/:5:37: rules\.torn-mut-self\.options\.earlyReturns: expected a boolean, got "yes"/);
    expect(/:5:60: rules\.torn-mut-self\.options\.other: unknown option of torn-mut-self \(it has: earlyReturns/);
    expect(/:5:77: rules\.torn-mut-self\.level: unknown key/);
    expect(/:8:3: classifierNames\[1\]: expected a non-empty string, got 3/);
    expect(/:9:3: maxFileSize: expected a number greater than 0, got -1; using the default/);
    expect(/:10:3: ignore\[0\]: '\.\.' is not supported/);
    expect(/:11:17: baseline\.show: expected true or false/);
    expect(/:12:3: colour: unknown key \(known keys: \$schema, rules/);
    assert.equal(config.problems.length, 10, messages.join('\n'));
    // The valid parts still apply.
    assert.deepEqual(config.layer.rules, { [R01]: {}, 'torn-mut-self': { options: {} }, 'static-mut-export-state': { severity: 'off' } });
    assert.deepEqual(config.layer.classifierNames, ['ok']);
    assert.equal(config.layer.maxFileSize, undefined);
    assert.deepEqual(config.ignore, ['/repo/gen/**']);
    assert.equal(config.baseline.show, false);
  });

  it('a file that is not JSON is ignored as a whole, saying where the syntax error is', () => {
    const config = parseConfigFile(FILE, '{\n  "rules": { "a": }\n}', ALL_RULES);
    assert.deepEqual(config.layer, {});
    assert.equal(config.problems.length, 1);
    assert.match(formatConfigProblem(config.problems[0]), /^\/repo\/wasm-safety\.json:2:19: not valid JSON: expected a value, found '}'; the whole file is ignored$/);
    assert.match(formatConfigProblem(parseConfigFile(FILE, '[]', ALL_RULES).problems[0]), /:1:1: expected a JSON object/);
  });
});

describe('merging: defaults < config file < settings set explicitly in the editor', () => {
  const config = parseConfigFile('/repo/wasm-safety.json', JSON.stringify({
    rules: { [R01]: 'warning', 'torn-mut-self': { options: { earlyReturns: true } } },
    classifierNames: ['fromFile'],
    maxFileSize: 10,
  }), ALL_RULES);

  it('an editor value overrides the file; rules merge per rule id, options per key', () => {
    const editor = serverSettings({ rules: { 'torn-mut-self': 'off' }, classifierNames: ['fromEditor'] }, ALL_RULES, () => assert.fail('no warning expected'));
    const merged = mergeLintSettings([config.layer, editor.editorLayer]);
    assert.deepEqual(merged.rules, { [R01]: { severity: 'warning' }, 'torn-mut-self': { severity: 'off', options: { earlyReturns: true } } });
    assert.deepEqual(merged.analysis.classifierNames, ['fromEditor']);
    assert.equal(merged.analysis.maxFileSize, 10, 'unset in the editor: the file decides');
    assert.equal(merged.analysis.classifierModule, DEFAULT_SETTINGS.classifierModule, 'unset in both: the default');
  });

  it('editor settings that are not config keys are not reported; config-only keys in the editor are', () => {
    const warnings: string[] = [];
    const editor = serverSettings({ enable: false, debounceMs: 10, trace: { server: 'off' }, ignore: ['x'], rules: { nope: 'off' } }, ALL_RULES, (m) => warnings.push(m));
    assert.equal(editor.enable, false);
    assert.equal(editor.debounceMs, 10);
    assert.deepEqual(warnings.map((w) => w.replace(/ \(known keys.*/, '')), ['wasmSafety.ignore: unknown key', 'wasmSafety.rules.nope: unknown rule id "nope" (ignored)']);
    assert.equal(editor.lint.analysis.classifierModule, DEFAULT_SETTINGS.classifierModule);
    assert.equal(serverSettings({ classifierModule: 'lib/errors.ts' }, ALL_RULES, () => {}).editorLayer.classifierModule, 'lib/errors.ts', 'editor paths stay workspace-relative');
  });

  it('the VS Code client sends only explicitly set values, merging objects across levels', () => {
    assert.equal(explicitValue({}), undefined, 'default only: not sent');
    assert.equal(explicitValue(undefined), undefined);
    assert.deepEqual(explicitValue({ globalValue: ['a'], workspaceFolderValue: ['b'] }), ['b']);
    assert.deepEqual(explicitValue({ globalValue: { a: 'off', b: 'info' }, workspaceValue: { b: 'error' } }), { a: 'off', b: 'error' });
    assert.equal(explicitValue({ workspaceValue: false }), false, 'an explicit false is a value');
    const inspections: Record<string, object> = { enable: {}, rules: { workspaceValue: { [R01]: 'off' } }, maxFileSize: { globalValue: 5 } };
    assert.deepEqual(explicitSection(['enable', 'rules', 'maxFileSize', 'debounceMs'], (k) => inspections[k]), { rules: { [R01]: 'off' }, maxFileSize: 5 });
  });
});

describe('globs', () => {
  const yes = (pattern: string, file: string): void => assert.ok(matchesGlob(pattern, '/repo', file), `${pattern} should match ${file}`);
  const no = (pattern: string, file: string): void => assert.ok(!matchesGlob(pattern, '/repo', file), `${pattern} should not match ${file}`);

  it('anchors patterns with a slash at the config folder, and lets others match at any depth', () => {
    yes('src/gen/*.ts', '/repo/src/gen/a.ts');
    no('src/gen/*.ts', '/repo/lib/src/gen/a.ts');
    no('src/gen/*.ts', '/repo/src/gen/deeper/a.ts');
    yes('*.gen.ts', '/repo/a.gen.ts');
    yes('*.gen.ts', '/repo/x/y/a.gen.ts');
    no('*.gen.ts', '/other/a.gen.ts');
    yes('/top.ts', '/repo/top.ts');
    no('/top.ts', '/repo/sub/top.ts');
  });

  it('supports **, ?, {a,b}, [..] and folder patterns', () => {
    yes('src/**/*.js', '/repo/src/a.js');
    yes('src/**/*.js', '/repo/src/a/b/c.js');
    yes('**/vendor/*.js', '/repo/x/vendor/e.js');
    yes('generated/', '/repo/generated/deep/file.ts');
    yes('generated', '/repo/a/generated/file.ts');
    yes('file?.ts', '/repo/file1.ts');
    no('file?.ts', '/repo/file10.ts');
    yes('*.{ts,tsx}', '/repo/a.tsx');
    no('*.{ts,tsx}', '/repo/a.js');
    yes('v[0-9].js', '/repo/v1.js');
    no('v[!0-9].js', '/repo/v1.js');
    no('src/*.ts', '/repo/srcx/a.ts');
    yes('a+b (1).ts', '/repo/a+b (1).ts');
  });
});

describe('JSON schema', () => {
  it('schemas/wasm-safety.schema.json is generated from the registry (run `npm run config-schema` after adding a rule or option)', () => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'wasm-safety.schema.json'), 'utf8');
    assert.equal(committed, configSchemaText(ALL_RULES), 'schemas/wasm-safety.schema.json is out of date: run `npm run config-schema`');
    const schema = JSON.parse(committed) as { properties: { rules: { properties: Record<string, { anyOf: { properties?: { options: { properties: object } } }[] }> } } };
    assert.deepEqual(Object.keys(schema.properties.rules.properties), ALL_RULES.map((r) => r.id).sort());
    assert.deepEqual(Object.keys(schema.properties.rules.properties['torn-mut-self'].anyOf[1].properties!.options.properties), ['earlyReturns']);
  });

  it('package.json contributes the schema for wasm-safety.json and the .vsix ships it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] } };
    assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'wasm-safety.json', url: './schemas/wasm-safety.schema.json' }]);
    assert.match(fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8'), /^!schemas\/wasm-safety\.schema\.json$/m);
  });

  it('every option a rule reads from ctx.options is declared in its metadata (so the schema and validation know it)', () => {
    for (const rule of ALL_RULES) {
      const source = fs.readFileSync(path.join(REPO_ROOT, 'server', 'src', 'analysis', 'rules', rule.side, `${rule.id}.ts`), 'utf8');
      const read = [...source.matchAll(/ctx\.options\.([A-Za-z]+)/g)].map((m) => m[1]);
      for (const name of read) assert.ok(rule.options?.[name], `${rule.id} reads option ${name} but does not declare it in \`options\``);
    }
  });
});

describe('bindingModules', () => {
  let grammars: Grammars;
  before(async () => {
    grammars = await loadGrammars();
  });

  // A renamed, post-processed copy of the glue: no wasm-bindgen marker is left, so only the config says what it is.
  const ENGINE_JS = 'export function set_item(id, value) { return globalThis.engine.set(id, value); }\n';
  const MAIN_TS = `import { set_item } from '../vendor/engine.js';

export function save(id: number, value: string): boolean {
  try {
    set_item(id, value);
    return true;
  } catch (e) {
    console.warn('could not save', e);
    return false;
  }
}
`;

  it('a module matched by bindingModules is treated as wasm-bindgen glue: its calls are wasm calls, and it is not linted', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      workspace.setFile('/w/vendor/engine.js', ENGINE_JS);
      workspace.setFile('/w/app/main.ts', MAIN_TS);
      const linter = new Linter(ALL_RULES, grammars);
      const lint = (bindingModules: string[]): string[] =>
        linter.lintFile(workspace, '/w/app/main.ts', { settings: { ...DEFAULT_LINT_SETTINGS, analysis: { ...DEFAULT_SETTINGS, bindingModules } } }).findings.map((f) => f.ruleId);
      assert.deepEqual(lint([]), [], 'without configuration the module is ordinary JS');
      const configured = parseConfigFile('/w/wasm-safety.json', '{ "bindingModules": ["vendor/*.js"] }', ALL_RULES);
      assert.deepEqual(lint([...configured.layer.bindingModules!]), [C01]);
      assert.match(workspace.wasmModule('/w/vendor/engine.js')?.evidence ?? '', /bindingModules/);
      assert.deepEqual(lint([]), [], 'and back: the glue cache follows the setting');
    } finally {
      workspace.dispose();
    }
  });
});
