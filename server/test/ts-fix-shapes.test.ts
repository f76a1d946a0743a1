// The text TS rules' quick fixes produce in shapes where a naive edit changes the program: an array
// hole or a type annotation in a destructuring, a braceless `if` (ts-overlapping-calls-on-wasm-object's
// "Await the calls one after the other"); an init whose result is used (reinit-by-calling-init's reset).
// Fixtures check that a fix exists; these check what it writes, or that none is offered.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits, DEFAULT_LINT_SETTINGS, type Finding, type Grammars, Linter, type Rule } from '../src/analysis/index';
import catchSwallowsWasmFailure from '../src/analysis/rules/ts/catch-swallows-wasm-failure';
import reinitByCallingInit from '../src/analysis/rules/ts/reinit-by-calling-init';
import tsCallbackReentersWasm from '../src/analysis/rules/ts/ts-callback-reenters-wasm';
import tsOverlappingCalls from '../src/analysis/rules/ts/ts-overlapping-calls-on-wasm-object';
import { loadGrammars } from '../src/host/wasm-files';
import { buildCaseWorkspace, type FixtureSection } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const PRELUDE = `import { Client, Editor } from '../pkg/fixture_case.js';\n`;

/** The text after applying the fix titled `title` of each finding of `rule` (one at a time, first finding only). */
function fixed(rule: Rule, body: string, title: string): { text: string | undefined; findings: readonly Finding[] } {
  const text = PRELUDE + body;
  const section: FixtureSection = { title: 'unit', buildMode: 'abort', text, expectations: [], fileLine: 1 };
  const { workspace, casePath } = buildCaseWorkspace(grammars, rule, 'unit.ts', section, 0);
  try {
    const result = new Linter([rule], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS, withFixes: true });
    const fix = result.findings.flatMap((f) => f.fixes).find((f) => f.title === title);
    return { text: fix ? applyEdits(text, fix.edits.filter((e) => !e.path || e.path === casePath)).text : undefined, findings: result.findings };
  } finally {
    workspace.dispose();
  }
}

describe('ts-overlapping-calls-on-wasm-object: "Await the calls one after the other"', () => {
  const title = 'Await the calls one after the other';

  it('binds each name to its own call', () => {
    const { text } = fixed(tsOverlappingCalls, 'export async function f(c: Client) {\n  const [s, a] = await Promise.all([c.syncState(), c.getAccounts()]);\n  return [s, a];\n}\n', title);
    assert.match(text ?? '', /const s = await c\.syncState\(\); const a = await c\.getAccounts\(\);/);
  });

  it('keeps the calls under a braceless if', () => {
    const { text } = fixed(tsOverlappingCalls, 'export async function f(c: Client, dirty: boolean) {\n  if (dirty) await Promise.all([c.syncState(), c.getAccounts()]);\n}\n', title);
    assert.match(text ?? '', /if \(dirty\) \{ await c\.syncState\(\); await c\.getAccounts\(\); \}/);
  });

  it('offers no such fix for a destructuring with a hole or a type annotation', () => {
    const hole = fixed(tsOverlappingCalls, 'export async function f(c: Client) {\n  const [, a] = await Promise.all([c.syncState(), c.getAccounts()]);\n  return a;\n}\n', title);
    assert.ok(hole.findings.length > 0, 'still reported');
    assert.equal(hole.text, undefined);
    const typed = fixed(tsOverlappingCalls, 'export async function f(c: Client) {\n  const [s, a]: [unknown, unknown] = await Promise.all([c.syncState(), c.getAccounts()]);\n  return [s, a];\n}\n', title);
    assert.ok(typed.findings.length > 0, 'still reported');
    assert.equal(typed.text, undefined);
  });
});

describe('reinit-by-calling-init: reset instead of init', () => {
  const glue = [
    '// @file: reset-pkg/engine.js',
    '// | export function render() {}',
    '// @file: reset-pkg/engine.d.ts',
    '// | export function render(template: string): string;',
    '// | export function __wbg_reset_state(): void;',
    '// | export default function __wbg_init(module_or_path?: unknown): Promise<{ memory: WebAssembly.Memory }>;',
    '// @file: reset-pkg/engine_bg.wasm',
    "import initEngine, { render } from '../reset-pkg/engine.js';",
    '',
  ].join('\n');
  const title = 'Reset the instance with `__wbg_reset_state()` instead of `initEngine()`';

  it('replaces an init call made for its effect', () => {
    const { text } = fixed(reinitByCallingInit, `${glue}export async function page(t: string) {\n  try { return render(t); } catch { await initEngine(); return ''; }\n}\n`, title);
    assert.match(text ?? '', /catch \{ await __wbg_reset_state\(\); return ''; \}/);
  });

  it('offers nothing when the code uses what init returns', () => {
    const { text, findings } = fixed(reinitByCallingInit, `${glue}export async function page(t: string) {\n  try { return render(t); } catch { const e = await initEngine(); return String(e.memory); }\n}\n`, title);
    assert.equal(findings.length, 1);
    assert.equal(text, undefined);
  });
});

describe('ts-callback-reenters-wasm: "Defer the use of the object with queueMicrotask"', () => {
  it('names what the deferral waits for: the call the callback is passed to, or for a stored callback the method that runs it', () => {
    const titles = (body: string): string[] => {
      const text = PRELUDE + 'declare function render(text: string): void;\n' + body;
      const section: FixtureSection = { title: 'unit', buildMode: 'abort', text, expectations: [], fileLine: 1 };
      const { workspace, casePath } = buildCaseWorkspace(grammars, tsCallbackReentersWasm, 'unit.ts', section, 0);
      try {
        return new Linter([tsCallbackReentersWasm], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS, withFixes: true })
          .findings.flatMap((f) => f.fixes.map((x) => x.title));
      } finally {
        workspace.dispose();
      }
    };
    assert.deepEqual(titles('export function mount(ed: Editor): void {\n  ed.onChange(() => render(ed.text()));\n}\n'),
      ['Defer the use of the object with `queueMicrotask` until the method that runs it has returned']);
    assert.deepEqual(titles('export function annotate(ed: Editor): void {\n  ed.mapLines((l: string) => { render(ed.text()); return l; });\n}\n'),
      ['Defer the use of the object with `queueMicrotask` until `ed.mapLines(…)` has returned']);
  });
});

describe('the classifier import the catch fixes add', () => {
  const body = "import { parse } from '../pkg/fixture_case.js';\nexport function f(s: string) {\n  try { return parse(s); } catch (e) { return null; }\n}\n";
  const importLine = (extra: string): string | undefined => {
    const title = 'Rethrow unless `isRecoverableWasmError(e)`';
    const text = PRELUDE + extra + body;
    const section: FixtureSection = { title: 'unit', buildMode: 'abort', text, expectations: [], fileLine: 1 };
    const { workspace, casePath } = buildCaseWorkspace(grammars, catchSwallowsWasmFailure, 'unit.ts', section, 0);
    try {
      const fix = new Linter([catchSwallowsWasmFailure], grammars).lintFile(workspace, casePath, { settings: DEFAULT_LINT_SETTINGS, withFixes: true })
        .findings.flatMap((f) => f.fixes).find((f) => f.title.startsWith(title));
      const edit = fix?.edits.find((e) => (!e.path || e.path === casePath) && /import \{ isRecoverableWasmError \}/.test(e.newText));
      return edit?.newText.trim();
    } finally {
      workspace.dispose();
    }
  };

  it('spells the extension where the tsconfig resolves modules like Node (node16/nodenext), not elsewhere', () => {
    assert.match(importLine('') ?? '', /from '\.\/wasm-errors'(;|$)/);
    const nodeNext = ['// @file: tsconfig.json', '// | { "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext" } }', ''].join('\n');
    assert.match(importLine(nodeNext) ?? '', /from '\.\/wasm-errors\.js'/);
  });
});
