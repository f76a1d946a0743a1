// Tests of tsconfig/jsconfig `paths` and `baseUrl` (ts/tsconfig-paths.ts): JSONC parsing, TypeScript's
// choice among patterns, `extends` chains, and imports through a mapping that reach wasm-bindgen glue —
// built or not — so a catch around the call is checked as it would be for a relative import.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ALL_RULES, DEFAULT_LINT_SETTINGS, type Grammars, Linter, Workspace } from '../src/analysis/index';
import { resolveSpecifier } from '../src/analysis/ts/module-resolution';
import { parseJsonc } from '../src/analysis/text/jsonc';
import { isTsConfigFile, mappedCandidates, pathMappingFor } from '../src/analysis/ts/tsconfig-paths';
import { loadGrammars } from '../src/host/wasm-files';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

/** A file set for the resolver: path → text. */
function filesOf(files: Record<string, string>): { fileExists(p: string): boolean; fileText(p: string): string | undefined } {
  return { fileExists: (p) => p in files, fileText: (p) => files[p] };
}

const CARGO = `[package]
name = "doc-kit"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
wasm-bindgen = "0.2.100"
`;

const LIB_RS = `use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn parse_document(src: &str) -> Result<String, JsError> { todo!() }
`;

const CALLER = (specifier: string) => `import { parse_document } from '${specifier}';

export function load(src: string): string | undefined {
  try {
    return parse_document(src);
  } catch {
    return undefined;
  }
}
`;

describe('tsconfig paths', () => {
  it('parses JSONC: comments, trailing commas, and strings that look like either', () => {
    const text = `{
  // a line comment
  "compilerOptions": {
    /* a block comment */ "baseUrl": "./src", // after a value
    "paths": { "@w/*": ["../pkg/*",], "odd": ["a//b", "c/*d*/", "e,}"], },
  },
}`;
    assert.deepEqual(parseJsonc(text), { compilerOptions: { baseUrl: './src', paths: { '@w/*': ['../pkg/*'], odd: ['a//b', 'c/*d*/', 'e,}'] } } });
    assert.equal(parseJsonc('{ "a": '), undefined);
    assert.equal(parseJsonc('[1, 2]'), undefined, 'not an object');
  });

  it('names tsconfig and jsconfig files, not those in node_modules', () => {
    for (const p of ['/w/tsconfig.json', '/w/app/jsconfig.json', '/w/tsconfig.base.json', '/w/tsconfig.app.json']) assert.ok(isTsConfigFile(p), p);
    for (const p of ['/w/node_modules/x/tsconfig.json', '/w/mytsconfig.json', '/w/tsconfig.json.bak']) assert.ok(!isTsConfigFile(p), p);
  });

  it("chooses like TypeScript: an exact pattern, else the longest wildcard prefix, then baseUrl", () => {
    const mapping = { paths: [
      { pattern: '*', targets: ['/w/types/*'] },
      { pattern: '@w/*', targets: ['/w/pkg/*', '/w/alt/*'] },
      { pattern: '@w/core/*', targets: ['/w/core/*'] },
      { pattern: '@w/exact', targets: ['/w/exact.ts'] },
    ], baseUrl: '/w/src' };
    assert.deepEqual(mappedCandidates('@w/core/x', mapping), ['/w/core/x', '/w/src/@w/core/x']);
    assert.deepEqual(mappedCandidates('@w/y', mapping), ['/w/pkg/y', '/w/alt/y', '/w/src/@w/y']);
    assert.deepEqual(mappedCandidates('@w/exact', mapping), ['/w/exact.ts', '/w/src/@w/exact']);
    assert.deepEqual(mappedCandidates('react', mapping), ['/w/types/react', '/w/src/react']);
    assert.deepEqual(mappedCandidates('react', { paths: [{ pattern: '@w/*', targets: ['/w/pkg/*'] }] }), []);
  });

  it('reads the nearest config, follows relative `extends`, and resolves targets against baseUrl or the config that wrote them', () => {
    const files = filesOf({
      '/w/tsconfig.base.json': '{ "compilerOptions": { "paths": { "@w/*": ["crates/kit/pkg/*"] } } }',
      '/w/app/tsconfig.json': '{ "extends": "../tsconfig.base", "compilerOptions": { "strict": true } }',
      '/w/app/src/main.ts': '',
      '/w/lib/tsconfig.json': '{ "extends": "../tsconfig.base.json", "compilerOptions": { "baseUrl": "." } }',
      '/w/lib/index.ts': '',
      '/w/other/jsconfig.json': '{ "compilerOptions": { "baseUrl": "src" } }',
      '/w/other/src/a.js': '',
      '/w/cycle/tsconfig.json': '{ "extends": "./tsconfig.json" }',
      '/w/cycle/a.ts': '',
    });
    assert.deepEqual(pathMappingFor('/w/app/src/main.ts', files), { paths: [{ pattern: '@w/*', targets: ['/w/crates/kit/pkg/*'] }] });
    // With baseUrl (inherited or not), the targets are relative to it.
    assert.deepEqual(pathMappingFor('/w/lib/index.ts', files), { paths: [{ pattern: '@w/*', targets: ['/w/lib/crates/kit/pkg/*'] }], baseUrl: '/w/lib' });
    assert.deepEqual(pathMappingFor('/w/other/src/a.js', files), { paths: [], baseUrl: '/w/other/src' });
    assert.equal(pathMappingFor('/w/cycle/a.ts', files), undefined);
    assert.equal(pathMappingFor('/elsewhere/a.ts', files), undefined);
  });

  it('resolves a bare import through paths before node_modules, and falls back when no target exists', () => {
    const files = filesOf({
      '/w/tsconfig.json': '{ "compilerOptions": { "paths": { "kit": ["./crates/kit/pkg/kit.js"], "@w/*": ["./gen/*"] } } }',
      '/w/crates/kit/pkg/kit.js': 'export function f() {}',
      '/w/crates/kit/pkg/kit.d.ts': 'export function f(): void;',
      '/w/node_modules/kit/package.json': '{ "name": "kit", "main": "index.js" }',
      '/w/node_modules/kit/index.js': '',
      '/w/node_modules/@w/x/package.json': '{ "name": "@w/x", "main": "index.js" }',
      '/w/node_modules/@w/x/index.js': '',
      '/w/src/a.ts': '',
    });
    assert.equal(resolveSpecifier('/w/src/a.ts', 'kit', files), '/w/crates/kit/pkg/kit.js');
    assert.equal(resolveSpecifier('/w/src/a.ts', '@w/x', files), '/w/node_modules/@w/x/index.js', 'no file at ./gen/x: packages as usual');
  });

  it('a catch around a wasm call imported through paths is checked, built or unbuilt', () => {
    for (const built of [true, false]) {
      const ws = new Workspace(grammars, { roots: ['/w'] });
      try {
        ws.setFile('/w/crates/kit/Cargo.toml', CARGO);
        ws.setFile('/w/crates/kit/src/lib.rs', LIB_RS);
        if (built) {
          ws.setFile('/w/crates/kit/pkg/doc_kit.js', 'export function parse_document(src) { return wasm.parse_document(src); }\n');
          ws.setFile('/w/crates/kit/pkg/doc_kit.d.ts', 'export function parse_document(src: string): string;\n');
          ws.addPath('/w/crates/kit/pkg/doc_kit_bg.wasm');
        }
        ws.setFile('/w/web/tsconfig.json', '{\n  // where the wasm-pack output goes\n  "compilerOptions": { "paths": { "@kit/*": ["../crates/kit/pkg/*"], }, },\n}\n');
        ws.setFile('/w/web/src/load.ts', CALLER('@kit/doc_kit'));
        const lint = (): string[] => new Linter(ALL_RULES, grammars).lintFile(ws, '/w/web/src/load.ts', { settings: DEFAULT_LINT_SETTINGS }).findings.map((f) => f.ruleId);
        assert.deepEqual(lint(), ['catch-swallows-wasm-failure'], built ? 'built glue' : 'unbuilt glue');
        // Without the mapping the import leads nowhere: nothing is known to be wasm.
        ws.setFile('/w/web/tsconfig.json', '{ "compilerOptions": {} }');
        assert.deepEqual(lint(), [], built ? 'built glue, no paths' : 'unbuilt glue, no paths');
      } finally {
        ws.dispose();
      }
    }
  });
});
