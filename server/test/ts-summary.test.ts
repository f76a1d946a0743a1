// Tests of the TS side of the workspace model (catalog §A10, §B3): recognising wasm-bindgen glue from
// each kind of evidence, reading its exports and build-mode markers, joining it to its crate, resolving
// import specifiers (relative and bare), and binding the identifiers of every import form, including
// through one level of local re-export.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { type CrateInfo, type Grammars, type WasmBinding, Workspace } from '../src/analysis/index';
import { affectsWasmModules, recogniseWasmModule } from '../src/analysis/workspace/ts-summary';
import { loadGrammars } from '../src/host/wasm-files';
import { FIXTURE_ROOT } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const SUPPORT_PKG = path.join(FIXTURE_ROOT, 'ts', '_support', 'pkg');

/** A workspace at /w holding the given files (null = binary, known by path only). */
function workspaceWith(files: Record<string, string | null>): Workspace {
  const ws = new Workspace(grammars, { roots: ['/w'] });
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) ws.addPath(`/w/${rel}`);
    else ws.setFile(`/w/${rel}`, text);
  }
  return ws;
}

/** The wasm-pack `--target web` package of the TS fixtures, under `dir`. */
function supportPackage(dir = 'pkg'): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of fs.readdirSync(SUPPORT_PKG)) {
    out[`${dir}/${name}`] = name.endsWith('.wasm') ? null : fs.readFileSync(path.join(SUPPORT_PKG, name), 'utf8');
  }
  return out;
}

function bindingsOf(ws: Workspace, file: string): Record<string, string> {
  const summary = ws.tsSummary(`/w/${file}`);
  assert.ok(summary, `a summary for ${file}`);
  const out: Record<string, string> = {};
  for (const b of summary.bindings.values()) out[b.localName] = `${b.importedName}:${b.kind}:${b.modulePath.replace('/w/', '')}`;
  return out;
}

/** A pure file map for recogniseWasmModule. */
function files(map: Record<string, string | null>) {
  return {
    fileExists: (p: string) => p in map,
    fileText: (p: string) => map[p] ?? undefined,
  };
}

const crate = (root: string, libName: string, buildMode: CrateInfo['buildMode'] = 'abort'): CrateInfo => ({
  root, manifestPath: `${root}/Cargo.toml`, name: libName.replace(/_/g, '-'), libName, buildMode, buildModeReason: 'test',
  overflowChecks: true, wasmBindgenStd: true, usesWasmBindgen: true, configPath: `${root}/Cargo.toml`,
});

const GLUE_JS = `let wasm;
export function greet(name) {
    const ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const ret = wasm.greet(ptr0, WASM_VECTOR_LEN);
    return getStringFromWasm0(ret[0], ret[1]);
}
function __wbg_get_imports() { return {}; }
`;

describe('recogniseWasmModule: evidence (§A10)', () => {
  it('the fixture package: sibling _bg.wasm, exports from the .d.ts, abort glue', () => {
    const map = Object.fromEntries(Object.entries(supportPackage()).map(([k, v]) => [`/w/${k}`, v]));
    const module = recogniseWasmModule('/w/pkg/fixture_case.js', files(map), [crate('/w', 'fixture_case')]);
    assert.ok(module);
    assert.equal(module.path, '/w/pkg/fixture_case.js');
    assert.equal(module.evidence, 'sibling fixture_case_bg.wasm');
    assert.equal(module.glueBuildMode, 'abort');
    assert.equal(module.crateRoot, '/w');
    assert.deepEqual([...module.exports.keys()].sort(), ['Client', 'Doc', 'Editor', 'Matrix', 'Parser', 'default', 'diff', 'initSync', 'load', 'merge', 'parse']);
    assert.deepEqual(module.exports.get('parse'), { name: 'parse', kind: 'function', isAsync: false, returnType: 'string' });
    assert.equal(module.exports.get('load')?.isAsync, true);
    assert.equal(module.exports.get('default')?.isAsync, true);
    const parser = module.exports.get('Parser');
    assert.equal(parser?.kind, 'class');
    assert.deepEqual(Object.fromEntries([...parser!.methods!].map(([k, v]) => [k, `${v.isStatic ? 'static ' : ''}${v.isAsync ? 'async ' : ''}${v.returnType}`])), {
      free: 'void', '[Symbol.dispose]': 'void', finish: 'async Promise<any>', feed: 'number', with_capacity: 'static Parser',
    });
    // The declaration file resolves to the same module.
    assert.equal(recogniseWasmModule('/w/pkg/fixture_case.d.ts', files(map), [])?.path, '/w/pkg/fixture_case.js');
  });

  it('bundler target: _bg.js + _bg.wasm.d.ts siblings, and the entry shape alone', () => {
    const entry = `/* @ts-self-types="./app.d.ts" */\nimport * as wasm from "./app_bg.wasm";\nimport { __wbg_set_wasm } from "./app_bg.js";\n__wbg_set_wasm(wasm);\nwasm.__wbindgen_start();\nexport {\n    greet\n} from "./app_bg.js";\n`;
    const bg = `${GLUE_JS}export function __wbg_set_wasm(val) { wasm = val; }\n`;
    const siblings = recogniseWasmModule('/p/app.js', files({ '/p/app.js': entry, '/p/app_bg.js': bg, '/p/app_bg.wasm.d.ts': 'export const memory: WebAssembly.Memory;' }), []);
    assert.equal(siblings?.evidence, 'siblings app_bg.js and app_bg.wasm.d.ts');
    // Exports read through the entry's re-export of the _bg.js when there is no .d.ts.
    assert.deepEqual([...siblings!.exports.keys()], ['greet']);
    const shape = recogniseWasmModule('/p/app.js', files({ '/p/app.js': entry }), []);
    assert.equal(shape?.evidence, 'bundler entry importing app_bg.wasm');
  });

  it('glue identifiers, with or without the @ts-self-types header', () => {
    const withHeader = recogniseWasmModule('/p/lib.js', files({ '/p/lib.js': `/* @ts-self-types="./lib.d.ts" */\n${GLUE_JS}` }), []);
    assert.equal(withHeader?.evidence, '`@ts-self-types` header and wasm-bindgen glue identifiers');
    assert.deepEqual([...withHeader!.exports.keys()], ['greet']);
    assert.equal(recogniseWasmModule('/p/lib.js', files({ '/p/lib.js': GLUE_JS }), [])?.evidence, 'wasm-bindgen glue identifiers');
  });

  it('declaration-file shapes', () => {
    const web = 'export function f(): void;\nexport type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;\nexport interface InitOutput {\n  readonly memory: WebAssembly.Memory;\n}\n';
    assert.equal(recogniseWasmModule('/p/x.d.ts', files({ '/p/x.d.ts': web }), [])?.evidence, '`InitInput`/`InitOutput` declarations');
    const cls = '/* tslint:disable */\n/* eslint-disable */\nexport class Counter {\n  free(): void;\n  [Symbol.dispose](): void;\n  static create(): Counter;\n  bump(by: number): Promise<number>;\n}\n';
    const module = recogniseWasmModule('/p/x.d.ts', files({ '/p/x.d.ts': cls }), []);
    assert.equal(module?.evidence, 'classes declaring `free()` and `[Symbol.dispose]()`');
    assert.equal(module?.path, '/p/x.d.ts');
    assert.equal(module?.glueBuildMode, undefined, 'no glue JavaScript, no build-mode markers');
    assert.equal(module?.exports.get('Counter')?.methods?.get('bump')?.isAsync, true);
    assert.equal(module?.exports.get('Counter')?.methods?.get('create')?.isStatic, true);
  });

  it('a wasm-pack package.json that lists <name>_bg.wasm', () => {
    const pkg = JSON.stringify({ name: 'calc', files: ['calc_bg.wasm', 'calc.js', 'calc.d.ts'], module: 'calc.js' });
    const module = recogniseWasmModule('/p/calc.js', files({ '/p/calc.js': 'export function add(a, b) { return a + b; }\n', '/p/package.json': pkg }), []);
    assert.equal(module?.evidence, 'package.json lists calc_bg.wasm');
    assert.deepEqual([...module!.exports.keys()], ['add']);
  });

  it('nodejs target (CommonJS) exports', () => {
    const cjs = `${GLUE_JS.replace('export function greet', 'function greet')}module.exports.greet = greet;\nclass Counter {\n    free() { wasm.__wbg_counter_free(this.__wbg_ptr, 0); }\n    /** @returns {Promise<number>} */\n    bump() { return wasm.counter_bump(this.__wbg_ptr); }\n}\nmodule.exports.Counter = Counter;\n`;
    const module = recogniseWasmModule('/p/node.js', files({ '/p/node.js': cjs }), []);
    assert.ok(module);
    assert.equal(module.exports.get('greet')?.kind, 'function');
    assert.equal(module.exports.get('Counter')?.kind, 'class');
    assert.equal(module.exports.get('Counter')?.methods?.get('bump')?.isAsync, true);
  });

  it('is not fooled by look-alikes', () => {
    // Another generator uses the @ts-self-types header (a JSON-schema validator).
    const schema = '/* @ts-self-types="./Schema.d.ts" */\nexport const validate = validate1;\nfunction validate1(data) { return true; }\n';
    assert.equal(recogniseWasmModule('/p/Schema.js', files({ '/p/Schema.js': schema }), []), undefined);
    // Hand-written code that pokes at one glue internal.
    const helper = 'export function wrapWasmPtr(cls, ptr) { const obj = Object.create(cls.prototype); obj.__wbg_ptr = ptr; return obj; }\n';
    assert.equal(recogniseWasmModule('/p/wrap.js', files({ '/p/wrap.js': helper }), []), undefined);
    // TS sources are never glue; plain declaration files are not either.
    assert.equal(recogniseWasmModule('/p/pkg.ts', files({ '/p/pkg.ts': GLUE_JS, '/p/pkg_bg.wasm': null }), []), undefined);
    assert.equal(recogniseWasmModule('/p/env.d.ts', files({ '/p/env.d.ts': 'declare const VERSION: string;\n' }), []), undefined);
  });
});

describe('recogniseWasmModule: build-mode markers and crate join', () => {
  const mode = (extra: string) => recogniseWasmModule('/p/m.js', files({ '/p/m.js': GLUE_JS + extra, '/p/m_bg.wasm': null }), [])?.glueBuildMode;

  it('reads unwind, abort+handler and abort from the glue', () => {
    assert.equal(mode("class PanicError extends Error {}\nfunction __wbg_call_guard() { throw new Error('Module terminated'); }\n"), 'unwind');
    assert.equal(mode("function __wbg_call_guard() {}\nfunction __wbindgen_rethrow_critical(e) { throw new Error('Critical error', { cause: e }); }\n"), 'abort+handler');
    assert.equal(mode(''), 'abort');
  });

  it('joins the glue to the crate whose lib name is its base name, preferring the crate that contains it', () => {
    const map = files({ '/repo/a/pkg/foo_bar.js': GLUE_JS, '/repo/a/pkg/foo_bar_bg.wasm': null });
    const crates = [crate('/repo/b', 'foo_bar'), crate('/repo/a', 'foo_bar', 'unwind'), crate('/repo/c', 'other')];
    assert.equal(recogniseWasmModule('/repo/a/pkg/foo_bar.js', map, crates)?.crateRoot, '/repo/a');
    assert.equal(recogniseWasmModule('/repo/a/pkg/foo_bar.js', map, [crate('/repo/c', 'other')])?.crateRoot, undefined);
    // The `_bg.js` half of a bundler build joins by the same base name.
    const bundler = files({ '/repo/web/foo_bar_bg.js': GLUE_JS, '/repo/web/foo_bar_bg.wasm': null });
    assert.equal(recogniseWasmModule('/repo/web/foo_bar_bg.js', bundler, [crate('/repo/rust', 'foo_bar')])?.crateRoot, '/repo/rust');
  });
});

describe('bindings (§B3)', () => {
  it('binds every import form of glue', () => {
    const ws = workspaceWith({
      ...supportPackage(),
      'src/app.ts': [
        "import init, { parse, Parser as P, load, initSync } from '../pkg/fixture_case.js';",
        "import * as wasm from '../pkg/fixture_case';",
        "import type { InitOutput } from '../pkg/fixture_case.js';",
        "import { type SyncInitInput, Parser as Q } from '../pkg/fixture_case.js';",
        "import legacy = require('../pkg/fixture_case.js');",
        "export { parse as reexported } from '../pkg/fixture_case.js';",
        'async function later() {',
        "  const dyn = await import('../pkg/fixture_case.js');",
        "  const { load: loadLater, default: start } = await import('../pkg/fixture_case.js');",
        '}',
        "const req = require('../pkg/fixture_case.js');",
        "const { parse: parseReq, Parser: ParserReq = null } = require('../pkg/fixture_case.js');",
        "import('../pkg/fixture_case.js').then((m) => m.parse(''));",
        // A namespace assigned to a variable declared elsewhere (RustPython's demo shape).
        'let late; let later2;',
        "async function boot() { late = await import('../pkg/fixture_case.js'); }",
        "import('../pkg/fixture_case.js').then((m) => { later2 = m; });",
      ].join('\n'),
    });
    try {
      assert.deepEqual(bindingsOf(ws, 'src/app.ts'), {
        init: 'default:init:pkg/fixture_case.js',
        parse: 'parse:function:pkg/fixture_case.js',
        P: 'Parser:class:pkg/fixture_case.js',
        load: 'load:function:pkg/fixture_case.js',
        initSync: 'initSync:init:pkg/fixture_case.js',
        wasm: '*:namespace:pkg/fixture_case.js',
        Q: 'Parser:class:pkg/fixture_case.js',
        legacy: '*:namespace:pkg/fixture_case.js',
        dyn: '*:namespace:pkg/fixture_case.js',
        loadLater: 'load:function:pkg/fixture_case.js',
        start: 'default:init:pkg/fixture_case.js',
        req: '*:namespace:pkg/fixture_case.js',
        parseReq: 'parse:function:pkg/fixture_case.js',
        ParserReq: 'Parser:class:pkg/fixture_case.js',
        late: '*:namespace:pkg/fixture_case.js',
        later2: '*:namespace:pkg/fixture_case.js',
      });
      const summary = ws.tsSummary('/w/src/app.ts')!;
      assert.equal(summary.importSpecifiers.length, 13, 'every specifier is listed, export-from and unbound import() included');
      assert.ok(summary.importSpecifiers.every((s) => s.resolved === '/w/pkg/fixture_case.js'));
      const parse = summary.bindings.get('parse') as WasmBinding;
      assert.equal(ws.fileText('/w/src/app.ts')!.slice(parse.range.start, parse.range.end), 'parse');
    } finally {
      ws.dispose();
    }
  });

  it('names imported from glue but missing from its exports are unknown', () => {
    const ws = workspaceWith({ ...supportPackage(), 'src/a.ts': "import { not_exported } from '../pkg/fixture_case.js';\n" });
    try {
      assert.deepEqual(bindingsOf(ws, 'src/a.ts'), { not_exported: 'not_exported:unknown:pkg/fixture_case.js' });
    } finally {
      ws.dispose();
    }
  });

  it('follows one level of local re-export', () => {
    const ws = workspaceWith({
      ...supportPackage(),
      'src/wasm.ts': "export { default as init, parse as parseWasm, Parser } from '../pkg/fixture_case.js';\nexport * as raw from '../pkg/fixture_case.js';\n",
      'src/barrel.ts': "export * from '../pkg/fixture_case.js';\n",
      'src/mixed.ts': "export * from '../pkg/fixture_case.js';\nexport function helper() { return 1; }\n",
      'src/second.ts': "export { parseWasm } from './wasm';\n",
      'src/start.ts': "export { default } from '../pkg/fixture_case.js';\n",
      'src/app.ts': [
        "import { init, parseWasm, Parser, raw } from './wasm';",
        "import start from './start';",
        "import * as all from './barrel';",
        "import { load } from './barrel.js';",
        "import * as mixed from './mixed';",
        "import { helper, parse } from './mixed';",
        "import { parseWasm as twoLevels } from './second';",
      ].join('\n'),
    });
    try {
      assert.deepEqual(bindingsOf(ws, 'src/app.ts'), {
        init: 'default:init:pkg/fixture_case.js',
        start: 'default:init:pkg/fixture_case.js',
        parseWasm: 'parse:function:pkg/fixture_case.js',
        Parser: 'Parser:class:pkg/fixture_case.js',
        raw: '*:namespace:pkg/fixture_case.js',
        all: '*:namespace:pkg/fixture_case.js',
        load: 'load:function:pkg/fixture_case.js',
        parse: 'parse:function:pkg/fixture_case.js',
      }, 'a barrel with its own exports is no glue namespace; its own names and two-level chains are not followed');
    } finally {
      ws.dispose();
    }
  });

  it('follows imports a module exports again (`export { a }`, `export default ns`)', () => {
    const ws = workspaceWith({
      ...supportPackage(),
      'src/wasm.ts': [
        "import init, * as glue from '../pkg/fixture_case.js';",
        "import { parse as p, Parser } from '../pkg/fixture_case.js';",
        "import { helper } from './util';",
        'const local = 1;',
        'export { p as parseSource, Parser, init, helper, local };',
        'export { glue };',
      ].join('\n'),
      'src/default.ts': "import * as glue from '../pkg/fixture_case.js';\nawait glue.default();\nexport default glue;\n",
      'src/util.ts': 'export function helper() { return 1; }\n',
      'src/app.ts': [
        "import { parseSource, Parser, init, helper, local, glue } from './wasm';",
        "import ready from './default';",
      ].join('\n'),
    });
    try {
      assert.deepEqual(bindingsOf(ws, 'src/app.ts'), {
        parseSource: 'parse:function:pkg/fixture_case.js',
        Parser: 'Parser:class:pkg/fixture_case.js',
        init: 'default:init:pkg/fixture_case.js',
        glue: '*:namespace:pkg/fixture_case.js',
        ready: '*:namespace:pkg/fixture_case.js',
      }, 'names imported from elsewhere or declared locally are not glue');
    } finally {
      ws.dispose();
    }
  });

  it('ignores imports that do not resolve to glue', () => {
    const ws = workspaceWith({
      ...supportPackage(),
      'src/util.ts': 'export function parse(s: string) { return s; }\n',
      'src/styles.js': 'export const theme = {};\n',
      'src/app.ts': "import { parse } from './util';\nimport { theme } from './styles.js';\nimport React from 'react';\nimport fs from 'node:fs';\nconst x = require('./missing');\n",
    });
    try {
      assert.deepEqual(bindingsOf(ws, 'src/app.ts'), {});
      const specs = ws.tsSummary('/w/src/app.ts')!.importSpecifiers.map((s) => [s.specifier, s.resolved]);
      assert.deepEqual(specs, [['./util', '/w/src/util.ts'], ['./styles.js', '/w/src/styles.js'], ['react', undefined], ['node:fs', undefined], ['./missing', undefined]]);
    } finally {
      ws.dispose();
    }
  });
});

describe('module resolution', () => {
  it('resolves bare specifiers through node_modules package.json (module/main/types) and subpaths', () => {
    const ws = workspaceWith({
      ...supportPackage('node_modules/@acme/parser'),
      'node_modules/@acme/parser/package.json': JSON.stringify({ name: '@acme/parser', module: 'fixture_case.js', types: 'fixture_case.d.ts', files: ['fixture_case_bg.wasm'] }),
      'node_modules/typed-only/package.json': JSON.stringify({ name: 'typed-only', types: 'index.d.ts' }),
      'node_modules/typed-only/index.d.ts': '/* tslint:disable */\n/* eslint-disable */\nexport class Doc {\n  free(): void;\n  [Symbol.dispose](): void;\n}\n',
      'web/src/app.ts': "import { parse } from '@acme/parser';\nimport { load } from '@acme/parser/fixture_case.js';\nimport { Doc } from 'typed-only';\n",
    });
    try {
      assert.deepEqual(bindingsOf(ws, 'web/src/app.ts'), {
        parse: 'parse:function:node_modules/@acme/parser/fixture_case.js',
        load: 'load:function:node_modules/@acme/parser/fixture_case.js',
        Doc: 'Doc:class:node_modules/typed-only/index.d.ts',
      });
    } finally {
      ws.dispose();
    }
  });

  it('resolves a bare specifier to the workspace package with that name (wasm-pack pkg/)', () => {
    const ws = workspaceWith({ ...supportPackage('crates/core/pkg'), 'web/main.js': "import init, { Parser } from 'fixture-case';\n" });
    try {
      assert.deepEqual(bindingsOf(ws, 'web/main.js'), {
        init: 'default:init:crates/core/pkg/fixture_case.js',
        Parser: 'Parser:class:crates/core/pkg/fixture_case.js',
      });
    } finally {
      ws.dispose();
    }
  });

  it('tries TypeScript\'s .js → .ts mapping, extensionless paths, index files and package directories', () => {
    const ws = workspaceWith({
      ...supportPackage(),
      'src/glue/index.ts': "export * from '../../pkg/fixture_case.js';\n",
      'src/app.ts': "import { parse } from '../pkg';\nimport * as viaIndex from './glue';\nimport { load } from '../pkg/fixture_case';\n",
      'src/other.ts': "import { Parser } from './glue/index.js';\n",
    });
    try {
      assert.deepEqual(bindingsOf(ws, 'src/app.ts'), {
        parse: 'parse:function:pkg/fixture_case.js',
        viaIndex: '*:namespace:pkg/fixture_case.js',
        load: 'load:function:pkg/fixture_case.js',
      });
      assert.deepEqual(bindingsOf(ws, 'src/other.ts'), { Parser: 'Parser:class:pkg/fixture_case.js' });
    } finally {
      ws.dispose();
    }
  });

  it('re-resolves when glue appears, and lists the files that affect glue recognition', () => {
    const ws = workspaceWith({ 'src/app.ts': "import { parse } from '../pkg/fixture_case.js';\n" });
    try {
      assert.deepEqual(bindingsOf(ws, 'src/app.ts'), {});
      for (const [rel, text] of Object.entries(supportPackage())) {
        if (text === null) ws.addPath(`/w/${rel}`);
        else ws.setFile(`/w/${rel}`, text);
      }
      assert.deepEqual(bindingsOf(ws, 'src/app.ts'), { parse: 'parse:function:pkg/fixture_case.js' });
    } finally {
      ws.dispose();
    }
    for (const p of ['/w/pkg/x_bg.wasm', '/w/pkg/x.js', '/w/pkg/x.d.ts', '/w/pkg/package.json', '/w/a.mjs', '/w/a.cjs']) assert.ok(affectsWasmModules(p), p);
    for (const p of ['/w/src/app.ts', '/w/src/lib.rs', '/w/README.md']) assert.ok(!affectsWasmModules(p), p);
  });
});
