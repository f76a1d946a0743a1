// Tests of unbuilt-glue recognition (ts/unbuilt-glue.ts) and of the cross-language join
// (ts/rust-join.ts): imports of a wasm-pack output that is not in the workspace resolve to the crate's
// glue with exports derived from its Rust sources, in each form real repositories use (relative path into
// pkg/, a `file:` dependency, the crate directory as a workspace package, a build script's --out-dir and
// --out-name, a loader that re-exports pkg/), and the join finds the Rust export behind a TS name.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ALL_RULES, DEFAULT_LINT_SETTINGS, type Grammars, Linter, Workspace } from '../src/analysis/index';
import { borrowOfType, rustExportFor, rustLocation, rustSignature } from '../src/analysis/ts/rust-join';
import { loadGrammars } from '../src/host/wasm-files';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const CARGO = (name: string, lib?: string) => `[package]
name = "${name}"
version = "0.1.0"
edition = "2021"
${lib ? `\n[lib]\nname = "${lib}"\n` : ''}
[dependencies]
wasm-bindgen = "0.2.100"
`;

const LIB_RS = `use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = Document)]
pub struct Doc { text: String }

#[wasm_bindgen(js_class = Document)]
impl Doc {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Doc { Doc { text: String::new() } }
    pub fn open(path: &str) -> Result<Doc, JsError> { todo!() }
    pub async fn save(&mut self) -> Result<(), JsError> { Ok(()) }
    #[wasm_bindgen(js_name = textLength)]
    pub fn text_length(&self) -> usize { self.text.len() }
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String { String::new() }
    #[wasm_bindgen(setter = title)]
    pub fn set_the_title(&mut self, t: String) {}
    fn private_helper(&self) {}
}

#[wasm_bindgen(js_name = parseDocument)]
pub fn parse_document(src: &str) -> Result<Doc, JsError> { todo!() }

#[wasm_bindgen]
pub async fn fetch_all(urls: Vec<String>) -> Result<JsValue, JsValue> { todo!() }

#[wasm_bindgen(start)]
pub fn start() {}
`;

function workspaceWith(files: Record<string, string | null>): Workspace {
  const ws = new Workspace(grammars, { roots: ['/w'] });
  for (const [rel, text] of Object.entries(files)) {
    if (text === null) ws.addPath(`/w/${rel}`);
    else ws.setFile(`/w/${rel}`, text);
  }
  return ws;
}

function bindingsOf(ws: Workspace, file: string): Record<string, string> {
  const summary = ws.tsSummary(`/w/${file}`);
  assert.ok(summary, `a summary for ${file}`);
  const out: Record<string, string> = {};
  for (const b of summary.bindings.values()) out[b.localName] = `${b.importedName}:${b.kind}:${b.modulePath.replace('/w/', '')}`;
  return out;
}

describe('unbuilt glue: exports from the Rust index', () => {
  it('a relative import into pkg/<target>/ of a crate whose pkg/ is not built', () => {
    const ws = workspaceWith({
      'Cargo.toml': CARGO('doc-kit', 'doc_kit'),
      'src/lib.rs': LIB_RS,
      'tests/a.test.ts': `import * as wasm from '../pkg/node/doc_kit';\nimport { Document, parseDocument, fetch_all, start, helper } from '../pkg/node/doc_kit.js';\n`,
    });
    const module = ws.wasmModule('/w/pkg/node/doc_kit.js');
    assert.ok(module?.unbuilt);
    assert.equal(module.crateRoot, '/w');
    assert.match(module.evidence, /unbuilt wasm-pack output of crate `doc-kit`/);
    assert.deepEqual([...module.exports.keys()].sort(), ['Document', 'fetch_all', 'parseDocument']);
    const cls = module.exports.get('Document')!;
    assert.equal(cls.kind, 'class');
    const methods = Object.fromEntries([...cls.methods!].map(([k, v]) => [k, `${v.isStatic ? 'static ' : ''}${v.isAsync ? 'async ' : ''}${v.returnType}`]));
    assert.deepEqual(methods, {
      free: 'void', '[Symbol.dispose]': 'void', open: 'static Document', save: 'async Promise<void>', textLength: 'number',
    });
    assert.equal(module.exports.get('parseDocument')?.returnType, 'Document');
    assert.equal(module.exports.get('fetch_all')?.isAsync, true);
    // Only names the Rust sources export are bound (`start` is the start function, `helper` does not exist).
    assert.deepEqual(bindingsOf(ws, 'tests/a.test.ts'), {
      wasm: '*:namespace:pkg/node/doc_kit.js',
      Document: 'Document:class:pkg/node/doc_kit.js',
      parseDocument: 'parseDocument:function:pkg/node/doc_kit.js',
      fetch_all: 'fetch_all:function:pkg/node/doc_kit.js',
    });
    ws.dispose();
  });

  it('exports of the path dependencies the crate links (a workspace whose classes live in member crates)', () => {
    const ws = workspaceWith({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n\n[workspace.dependencies]\nkit-core = { path = "crates/core" }\nwasm-bindgen = "0.2.100"\n',
      'crates/app/Cargo.toml': '[package]\nname = "kit-app"\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nkit-core = { workspace = true }\nkit-util = { path = "../util" }\nwasm-bindgen = { workspace = true }\n',
      'crates/app/src/lib.rs': 'use wasm_bindgen::prelude::*;\npub use kit_core::*;\n#[wasm_bindgen]\npub fn version() -> u32 { 1 }\n',
      'crates/core/Cargo.toml': '[package]\nname = "kit-core"\nversion = "0.1.0"\n\n[dependencies]\nwasm-bindgen = { workspace = true }\n',
      'crates/core/src/lib.rs': 'use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\npub struct Client { n: u32 }\n#[wasm_bindgen]\nimpl Client {\n    pub async fn sync(&mut self) {}\n}\n',
      'crates/util/Cargo.toml': '[package]\nname = "kit-util"\nversion = "0.1.0"\n',
      'crates/util/src/lib.rs': 'pub fn helper() {}\n',
      'web/main.ts': "import { Client, version } from '../crates/app/pkg/kit_app.js';\n",
    });
    const module = ws.wasmModule('/w/crates/app/pkg/kit_app.js');
    assert.ok(module?.unbuilt);
    assert.deepEqual([...module.exports.keys()].sort(), ['Client', 'version']);
    assert.equal(module.exports.get('Client')?.methods?.get('sync')?.isAsync, true);
    // The TS rules join the class to its Rust declaration in the member crate.
    ws.setFile('/w/web/main.ts', "import { Client } from '../crates/app/pkg/kit_app.js';\nexport async function f(c: Client) {\n  await Promise.all([c.sync(), c.sync()]);\n}\n");
    const findings = new Linter(ALL_RULES, grammars).lintFile(ws, '/w/web/main.ts', { settings: DEFAULT_LINT_SETTINGS }).findings;
    const overlap = findings.find((f) => f.ruleId === 'ts-overlapping-calls-on-wasm-object');
    assert.ok(overlap, findings.map((f) => f.ruleId).join(', '));
    assert.equal(overlap.severity, 'error');
    assert.match(overlap.message, /`sync` is `async fn sync\(&mut self\)`/);
    assert.ok(overlap.related.some((r) => r.path === '/w/crates/core/src/lib.rs'), 'the Rust method in the member crate');
    ws.dispose();
  });

  it('the output directory itself, and built glue taking precedence', () => {
    const ws = workspaceWith({
      'crate/Cargo.toml': CARGO('doc_kit'),
      'crate/src/lib.rs': LIB_RS,
      'web/a.ts': `import init, { Document } from '../crate/pkg';\n`,
      'web/b.ts': `import { Document } from '../crate/built';\n`,
    });
    assert.deepEqual(bindingsOf(ws, 'web/a.ts'), { init: 'default:init:crate/pkg/doc_kit.js', Document: 'Document:class:crate/pkg/doc_kit.js' });
    assert.deepEqual(bindingsOf(ws, 'web/b.ts'), {}, 'a directory that is not an output location');
    ws.setFile('/w/crate/pkg/doc_kit.js', 'export class Document {}\n');
    ws.addPath('/w/crate/pkg/doc_kit_bg.wasm');
    const module = ws.wasmModule('/w/crate/pkg/doc_kit.js');
    assert.ok(module && !module.unbuilt, 'built glue is read as before');
    assert.equal(module.crateRoot, '/w/crate');
    ws.dispose();
  });

  it('a bare import of a `file:` dependency that points into pkg/', () => {
    const ws = workspaceWith({
      'bindings/wasm/Cargo.toml': CARGO('wasm'),
      'bindings/wasm/src/lib.rs': LIB_RS,
      'webapp/package.json': JSON.stringify({ name: 'app', dependencies: { '@acme/wasm': 'file:../bindings/wasm/pkg' } }),
      'webapp/src/ui/view.tsx': `import { Document, parseDocument } from '@acme/wasm';\n`,
    });
    assert.deepEqual(bindingsOf(ws, 'webapp/src/ui/view.tsx'), {
      Document: 'Document:class:bindings/wasm/pkg/wasm.js', parseDocument: 'parseDocument:function:bindings/wasm/pkg/wasm.js',
    });
    ws.dispose();
  });

  it('the crate directory as a workspace package, and a loader that re-exports pkg/', () => {
    const ws = workspaceWith({
      'Cargo.toml': CARGO('doc-kit'),
      'src/lib.rs': LIB_RS,
      'package.json': JSON.stringify({ name: '@acme/doc-kit', exports: { '.': { import: { types: './index.d.ts', default: './index.mjs' } } } }),
      'tests/a.test.js': `const { Document } = require('@acme/doc-kit');\n`,
    });
    assert.deepEqual(bindingsOf(ws, 'tests/a.test.js'), { Document: 'Document:class:pkg/doc_kit.js' });
    ws.setFile('/w/index.mjs', `import * as bindings from './pkg/doc_kit_bg.js';\nbindings.__wbg_set_wasm(instance.exports);\ninstance.exports.__wbindgen_start();\nexport async function initAsync() {}\nexport * from './pkg/doc_kit_bg.js';\n`);
    ws.setFile('/w/tests/b.test.ts', `import { Document, initAsync } from '../index.mjs';\n`);
    const loader = ws.wasmModule('/w/index.mjs');
    assert.ok(loader);
    assert.equal(loader.crateRoot, '/w');
    assert.deepEqual(bindingsOf(ws, 'tests/b.test.ts'), { Document: 'Document:class:index.mjs', initAsync: 'initAsync:function:index.mjs' });
    ws.dispose();
  });

  it('a subpath the crate package exports (one of several builds), not any file below the crate', () => {
    const ws = workspaceWith({
      'Cargo.toml': CARGO('doc-kit'),
      'src/lib.rs': LIB_RS,
      'package.json': JSON.stringify({ name: '@acme/doc-kit', exports: { '.': './dist/testnet/index.js', './testnet.js': './dist/testnet/index.js', './mainnet.js': './dist/mainnet/index.js' } }),
      'sdk/a.ts': `import { Document } from '@acme/doc-kit/mainnet.js';\nimport { helper } from '@acme/doc-kit/helpers.js';\n`,
    });
    assert.deepEqual(bindingsOf(ws, 'sdk/a.ts'), { Document: 'Document:class:pkg/doc_kit.js' });
    ws.dispose();
  });

  it('wasm-pack --out-dir/--out-name in a package.json script', () => {
    const ws = workspaceWith({
      'Cargo.toml': CARGO('renderer'),
      'src/lib.rs': LIB_RS,
      'package.json': JSON.stringify({ name: 'renderer', scripts: { 'build:wasm': 'cd . && wasm-pack build --target web --out-name index --out-dir wasm/dist --release' } }),
      'binding.ts': `import init, { Document } from './wasm/dist';\n`,
    });
    assert.deepEqual(bindingsOf(ws, 'binding.ts'), { init: 'default:init:wasm/dist/index.js', Document: 'Document:class:wasm/dist/index.js' });
    assert.match(ws.wasmModule('/w/wasm/dist/index.js')!.evidence, /package\.json script `build:wasm`/);
    ws.dispose();
  });

  it('a wasm-pack script in the consuming package (not above the crate) writes the glue', () => {
    // The web app builds the crate from its own package.json; the crate directory has no package.json.
    const ws = workspaceWith({
      'crates/doc_kit/Cargo.toml': CARGO('doc_kit'),
      'crates/doc_kit/src/lib.rs': LIB_RS,
      'web/app/package.json': JSON.stringify({
        name: 'app',
        scripts: { 'build:wasm': 'wasm-pack build ../../crates/doc_kit --target web --out-dir ../../web/app/doc_kit' },
        dependencies: { doc_kit: 'file:doc_kit' },
      }),
      'web/app/src/view.tsx': `import { Document, parseDocument } from 'doc_kit';\n`,
    });
    assert.deepEqual(bindingsOf(ws, 'web/app/src/view.tsx'), {
      Document: 'Document:class:web/app/doc_kit/doc_kit.js', parseDocument: 'parseDocument:function:web/app/doc_kit/doc_kit.js',
    });
    assert.match(ws.wasmModule('/w/web/app/doc_kit/doc_kit.js')!.evidence, /package\.json script `build:wasm`/);
    ws.dispose();
  });

  it('an unbuilt file named after the crate\'s lib name, written by a build script the linter cannot read', () => {
    // `dist/doc_kit` and `generated/web/doc_kit.js` come from a JS/TS build script; the name is the crate's.
    const cdylib = (name: string) => CARGO(name).replace('[dependencies]', '[lib]\ncrate-type = ["cdylib", "rlib"]\n\n[dependencies]');
    const ws = workspaceWith({
      'rust/doc/Cargo.toml': cdylib('doc-kit'),
      'rust/doc/src/lib.rs': LIB_RS,
      // A library crate (no cdylib: wasm-bindgen cannot have built it) whose name a JS package shares.
      'rust/core/Cargo.toml': CARGO('core-lib'),
      'rust/core/src/lib.rs': LIB_RS,
      'web/src/player.ts': `import { Document } from '../dist/doc_kit';\nimport * as api from './generated/web/doc_kit.js';\nimport { helper } from './generated/helper.js';\nimport { Core } from '../../core_lib';\n`,
    });
    assert.deepEqual(bindingsOf(ws, 'web/src/player.ts'), {
      Document: 'Document:class:web/dist/doc_kit.js', api: '*:namespace:web/src/generated/web/doc_kit.js',
    });
    assert.equal(ws.wasmModule('/w/web/dist/doc_kit.js')?.crateRoot, '/w/rust/doc');
    // Another name, a crate without wasm-bindgen or one that is not a cdylib, is not glue.
    assert.equal(ws.wasmModule('/w/web/src/generated/helper.js'), undefined);
    assert.equal(ws.wasmModule('/w/core_lib.js'), undefined);
    ws.dispose();
  });

  it('a Rust change updates the derived exports and the bindings', () => {
    const ws = workspaceWith({
      'Cargo.toml': CARGO('doc_kit'),
      'src/lib.rs': LIB_RS,
      'a.ts': `import { Document, render } from './pkg/doc_kit.js';\n`,
    });
    assert.deepEqual(Object.keys(bindingsOf(ws, 'a.ts')), ['Document']);
    ws.setFile('/w/src/lib.rs', `${LIB_RS}\n#[wasm_bindgen]\npub async fn render(d: &Doc) -> String { String::new() }\n`, true);
    assert.deepEqual(bindingsOf(ws, 'a.ts'), { Document: 'Document:class:pkg/doc_kit.js', render: 'render:function:pkg/doc_kit.js' });
    assert.equal(ws.wasmModule('/w/pkg/doc_kit.js')?.exports.get('render')?.isAsync, true);
    ws.dispose();
  });
});

describe('rust-join: the Rust export behind a TS name', () => {
  it('finds functions, constructors, static and instance methods, getters and setters by their JS names', () => {
    const ws = workspaceWith({ 'Cargo.toml': CARGO('doc_kit'), 'src/lib.rs': LIB_RS });
    const module = ws.wasmModule('/w/pkg/doc_kit.js');
    const find = (kind: Parameters<typeof rustExportFor>[2]['kind'], name: string, className?: string) => rustExportFor(ws, module, { kind, name, className })?.name;
    assert.equal(find('function', 'parseDocument'), 'parse_document');
    assert.equal(find('function', 'parse_document'), undefined, 'the Rust name is not the JS name when js_name is given');
    assert.equal(find('constructor', 'constructor', 'Document'), 'new');
    assert.equal(find('static', 'open', 'Document'), 'open');
    assert.equal(find('method', 'open', 'Document'), undefined, 'a static method is not an instance method');
    assert.equal(find('method', 'textLength', 'Document'), 'text_length');
    assert.equal(find('getter', 'title', 'Document'), 'title');
    assert.equal(find('setter', 'title', 'Document'), 'set_the_title');
    assert.equal(find('method', 'save', 'Doc'), undefined, 'classes are joined by their JS name');
    const save = rustExportFor(ws, module, { kind: 'method', name: 'save', className: 'Document' })!;
    assert.equal(rustSignature(save), 'async fn save(&mut self)');
    assert.equal(rustLocation(ws, save), 'src/lib.rs:11');
    ws.dispose();
  });

  it('reads the borrow of a parameter type', () => {
    assert.deepEqual(borrowOfType('&mut Doc'), { borrow: 'mut', base: 'Doc' });
    assert.deepEqual(borrowOfType("&'a crate::model::Doc"), { borrow: 'shared', base: 'Doc' });
    assert.deepEqual(borrowOfType('Option<&mut Doc>'), { borrow: 'mut', base: 'Doc' });
    assert.deepEqual(borrowOfType('Vec<Doc>'), { borrow: 'owned', base: 'Vec' });
  });
});

describe('TS findings follow the Rust side', () => {
  const CLIENT_RS = (receiver: string) => `use wasm_bindgen::prelude::*;
#[wasm_bindgen]
pub struct Client { n: u32 }
#[wasm_bindgen]
impl Client {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Client { Client { n: 0 } }
    pub async fn sync(${receiver}) -> Result<(), JsError> { Ok(()) }
    pub async fn height(&self) -> u32 { self.n }
}
`;
  const TS = `import { Client } from './pkg/client_kit';\nexport async function f(c: Client) {\n  return Promise.all([c.sync(), c.height()]);\n}\n`;

  for (const glue of ['unbuilt', 'built'] as const) {
    it(`re-lints with the new receiver after the Rust file changes (${glue} glue)`, () => {
      const ws = workspaceWith({ 'Cargo.toml': CARGO('client_kit'), 'src/lib.rs': CLIENT_RS('&self'), 'src/app.ts': TS.replace('./pkg', '../pkg') });
      if (glue === 'built') {
        ws.setFile('/w/pkg/client_kit.js', 'export class Client {}\n');
        ws.setFile('/w/pkg/client_kit.d.ts', '/* tslint:disable */\n/* eslint-disable */\nexport class Client {\n  free(): void;\n  constructor();\n  sync(): Promise<void>;\n  height(): Promise<number>;\n}\n');
        ws.addPath('/w/pkg/client_kit_bg.wasm');
      }
      const linter = new Linter(ALL_RULES.filter((r) => r.id === 'ts-overlapping-calls-on-wasm-object'), grammars);
      const lint = () => linter.lintFile(ws, '/w/src/app.ts', { settings: DEFAULT_LINT_SETTINGS }).findings;
      assert.deepEqual(lint(), [], 'two `&self` async methods may overlap');
      ws.setFile('/w/src/lib.rs', CLIENT_RS('&mut self'), true); // an edit in an open editor
      const findings = lint();
      assert.equal(findings.length, 1);
      assert.match(findings[0].message, /`sync` is `async fn sync\(&mut self\)` in src\/lib\.rs:8/);
      assert.equal(findings[0].related.at(-1)?.path, '/w/src/lib.rs');
      ws.dispose();
    });
  }
});
