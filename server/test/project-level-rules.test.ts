// Tests of the project-level machinery behind the crate- and configuration-level rules (catalog C04,
// C06, C08, C09): the deterministic anchor (one finding per crate, whichever file is linted and in
// whatever order), locations inside config files, and the fixture runner's `// @file:` blocks.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ALL_RULES, DEFAULT_LINT_SETTINGS, type Grammars, Linter, Workspace } from '../src/analysis/index';
import { ParsedDocument } from '../src/analysis/parsing/parsed-document';
import { crateAnchorRange, crateRootFile, findTomlDependency, settingRange } from '../src/analysis/workspace/crate-project';
import { loadGrammars } from '../src/host/wasm-files';
import { fileDirectives } from './support/fixture-runner';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const rule = (id: string) => {
  const r = ALL_RULES.find((x) => x.id === id);
  assert.ok(r, id);
  return r;
};

const MANIFEST = `[package]
name = "multi"
version = "0.1.0"

[lib]
crate-type = ["cdylib"]

[dependencies]
wasm-bindgen = { version = "0.2.127", default-features = false }
`;
const UNWIND = `[build]
rustflags = ["-C", "panic=unwind"]
[unstable]
build-std = ["std", "panic_unwind"]
`;

function workspaceOf(files: Record<string, string>): Workspace {
  const ws = new Workspace(grammars, { roots: ['/p'] });
  for (const [path, text] of Object.entries(files)) ws.setFile(path, text);
  return ws;
}

function lintAll(ws: Workspace, ruleId: string, order: readonly string[]): { path: string; message: string }[] {
  const linter = new Linter([rule(ruleId)], grammars);
  return order.flatMap((path) => linter.lintFile(ws, path, { settings: DEFAULT_LINT_SETTINGS }).findings.map((f) => ({ path: f.path, message: f.message })));
}

describe('crate-level findings are reported once, in a deterministic file', () => {
  const files = {
    '/p/Cargo.toml': MANIFEST,
    '/p/.cargo/config.toml': UNWIND,
    '/p/src/lib.rs': 'mod a;\nmod b;\nuse wasm_bindgen::prelude::*;\n\n#[wasm_bindgen]\npub fn one() -> u32 { 1 }\n',
    '/p/src/a.rs': 'use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\npub fn two() -> u32 { 2 }\n',
    '/p/src/b.rs': 'use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\npub fn three() -> u32 { 3 }\n',
  };

  // no-abort-recovery needs the unwind build (std on); panic-strategy-misconfigured the std-less one.
  const variants: [string, Record<string, string>][] = [
    ['no-abort-recovery', { ...files, '/p/Cargo.toml': MANIFEST.replace(', default-features = false', '') }],
    ['panic-strategy-misconfigured', files],
  ];
  for (const [id, variant] of variants) {
    it(`${id}: one finding for a three-file crate, in src/lib.rs, in any lint order`, () => {
      const ws = workspaceOf(variant);
      try {
        const forward = lintAll(ws, id, ['/p/src/a.rs', '/p/src/b.rs', '/p/src/lib.rs']);
        const backward = lintAll(ws, id, ['/p/src/lib.rs', '/p/src/b.rs', '/p/src/a.rs']);
        const alone = lintAll(ws, id, ['/p/src/lib.rs']);
        assert.equal(forward.length, 1, JSON.stringify(forward));
        assert.equal(forward[0].path, '/p/src/lib.rs');
        assert.deepEqual(backward, forward);
        assert.deepEqual(alone, forward, 'the editor (one open file) and the CLI (all files) agree');
      } finally {
        ws.dispose();
      }
    });
  }

  it('no-abort-recovery: anchored on the start function when it lives in another file', () => {
    const ws = workspaceOf({
      ...variants[0][1],
      '/p/src/b.rs': 'use wasm_bindgen::prelude::*;\n#[wasm_bindgen(start)]\nfn boot() {}\n#[wasm_bindgen]\npub fn three() -> u32 { 3 }\n',
    });
    try {
      const found = lintAll(ws, 'no-abort-recovery', ['/p/src/lib.rs', '/p/src/a.rs', '/p/src/b.rs']);
      assert.deepEqual(found.map((f) => f.path), ['/p/src/b.rs']);
    } finally {
      ws.dispose();
    }
  });
});

describe('crateRootFile and crateAnchorRange', () => {
  it('prefers [lib] path, then src/lib.rs, then src/main.rs, then the first Rust file', () => {
    const base = { '/p/Cargo.toml': '[package]\nname = "p"\n[dependencies]\nwasm-bindgen = "0.2"\n' };
    const cases: [Record<string, string>, string][] = [
      [{ ...base, '/p/Cargo.toml': `${base['/p/Cargo.toml']}[lib]\npath = "lib/entry.rs"\n`, '/p/lib/entry.rs': '', '/p/src/lib.rs': '' }, '/p/lib/entry.rs'],
      [{ ...base, '/p/src/lib.rs': '', '/p/src/main.rs': '' }, '/p/src/lib.rs'],
      [{ ...base, '/p/src/main.rs': '', '/p/src/zz.rs': '' }, '/p/src/main.rs'],
      [{ ...base, '/p/src/zz.rs': '', '/p/src/aa.rs': '' }, '/p/src/aa.rs'],
    ];
    for (const [files, expected] of cases) {
      const ws = workspaceOf(files);
      try {
        const crate = ws.crates()[0];
        assert.equal(crateRootFile(ws, crate, ws.crateIndex(crate.root)), expected);
      } finally {
        ws.dispose();
      }
    }
  });

  it('skips comments, inner attributes and use/mod lines, and points at the first item\'s name', () => {
    const text = '//! crate docs\n#![allow(dead_code)]\nmod util;\nuse wasm_bindgen::prelude::*;\n\n#[wasm_bindgen]\npub fn run() {}\n';
    const doc = new ParsedDocument(grammars, 'rust', text);
    try {
      const r = crateAnchorRange(doc.tree.rootNode, text);
      assert.equal(text.slice(r.start, r.end), 'run');
    } finally {
      doc.dispose();
    }
    const onlyUses = 'use a::b;\n';
    const doc2 = new ParsedDocument(grammars, 'rust', onlyUses);
    try {
      const r = crateAnchorRange(doc2.tree.rootNode, onlyUses);
      assert.equal(onlyUses.slice(r.start, r.end), 'use a::b;');
    } finally {
      doc2.dispose();
    }
  });
});

describe('locations inside config files', () => {
  it('findTomlDependency: inline, table, target-specific and workspace entries, `_` for `-`', () => {
    const inline = '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\nwasm-bindgen = { version = "0.2.100" }\n';
    const e1 = findTomlDependency(inline, 'wasm-bindgen');
    assert.equal(e1?.form, 'inline');
    assert.equal(inline.slice(e1!.line.start, e1!.line.end), 'wasm-bindgen = { version = "0.2.100" }');
    const table = '[dependencies.wasm_bindgen]\nversion = "0.2.100"\ndefault-features = false\n\n[features]\nstd = []\n';
    const e2 = findTomlDependency(table, 'wasm-bindgen');
    assert.equal(e2?.form, 'table');
    assert.match(table.slice(e2!.line.start, e2!.sectionEnd), /default-features = false\n\n$/);
    const target = "[target.'cfg(target_arch = \"wasm32\")'.dependencies]\nwasm-bindgen = \"0.2\"\n";
    assert.equal(findTomlDependency(target, 'wasm-bindgen')?.form, 'inline');
    const ws = '[workspace.dependencies]\nwasm-bindgen = "=0.2.116"\n';
    assert.equal(findTomlDependency(ws, 'wasm-bindgen')?.form, 'inline');
    assert.equal(findTomlDependency('[dev-dependencies]\nwasm-bindgen = "0.2"\n', 'wasm-bindgen'), undefined);
  });

  it('settingRange finds split -C flags, single-quoted profile values and environment variables', () => {
    const ws = workspaceOf({
      '/p/.cargo/config.toml': '[build]\nrustflags = ["-C", "panic=unwind"]\n',
      '/p/Cargo.toml': "[profile.release]\npanic = 'abort'\n",
      '/p/package.json': '{ "scripts": { "build": "RUSTFLAGS=\'-C opt-level=3\' cargo build" } }',
    });
    try {
      const at = (path: string, text: string) => {
        const r = settingRange(ws, { path, text, where: '' });
        return ws.fileText(path)!.slice(r.start, r.end);
      };
      assert.equal(at('/p/.cargo/config.toml', '`-Cpanic=unwind`'), 'panic=unwind');
      assert.equal(at('/p/Cargo.toml', '`panic = "abort"`'), "panic = 'abort'");
      assert.equal(at('/p/package.json', '`RUSTFLAGS`'), 'RUSTFLAGS');
      assert.deepEqual(settingRange(ws, { path: '/p/Cargo.toml', text: '`nothing-here`', where: '' }), { start: 0, end: 0 });
    } finally {
      ws.dispose();
    }
  });
});

describe('fixture runner `// @file:` blocks', () => {
  it('collects each block up to the first line that is not `// |`', () => {
    const text = [
      '// ### a case',
      '// @file: Cargo.toml',
      '// | [package]',
      '// |',
      '// | name = "x"',
      'fn main() {}',
      '// @file: pkg/empty.wasm',
      '// @file: src/lib.rs',
      '// | pub fn f() {}',
    ].join('\n');
    const files = fileDirectives(text);
    assert.deepEqual([...files.keys()], ['Cargo.toml', 'pkg/empty.wasm', 'src/lib.rs']);
    assert.equal(files.get('Cargo.toml'), '[package]\n\nname = "x"\n');
    assert.equal(files.get('pkg/empty.wasm'), '');
    assert.equal(files.get('src/lib.rs'), 'pub fn f() {}\n');
  });

  it('refuses paths that leave the case', () => {
    assert.throws(() => fileDirectives('// @file: ../outside.toml\n// | x'), /inside the case/);
    assert.throws(() => fileDirectives('// @file: /etc/x\n// | x'), /inside the case/);
  });
});
