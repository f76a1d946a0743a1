// Crate-local `Result` aliases (rust/syntax.ts `declaredResultAliases`, CrateIndex.resultAliases):
// string-error-payload judges `fn f() -> JsResult<u32>` as `Result<u32, JsValue>` when any Rust file of
// the crate declares `type JsResult<T> = Result<T, JsValue>;`. The aliases are part of the crate index the
// incremental Linter keys its reuse on, so changing the alias in another file changes the finding.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_LINT_SETTINGS, type Grammars, Linter, Workspace } from '../src/analysis/index';
import stringErrorPayload from '../src/analysis/rules/rust/string-error-payload';
import { aliasedResultErrorType, declaredResultAliases } from '../src/analysis/rust/syntax';
import { loadGrammars } from '../src/host/wasm-files';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const MANIFEST = '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\nwasm-bindgen = "0.2"\n';
const LIB_PATH = '/w/c/src/lib.rs';
const MODULE_PATH = '/w/c/src/counter.rs';
const MODULE = `use wasm_bindgen::prelude::*;
use crate::JsResult;

#[wasm_bindgen]
pub fn parse_count(input: &str) -> JsResult<u32> {
    input.parse::<u32>().map_err(|_| JsValue::from_str("not a number"))
}
`;
const lib = (error: string): string => `mod counter;\n\npub type JsResult<T> = std::result::Result<T, ${error}>;\n`;

describe('crate-local Result aliases', () => {
  it('reads aliases whose error type does not depend on their parameters', () => {
    const text = `pub type JsResult<T> = std::result::Result<T, JsValue>;
type Fallible = Result<(), String>;
pub(crate) type Res<T, E> = Result<T, E>;
type Wrapped<T> = Result<T, Error<T>>;
type Other<T> = Option<T>;
// type Commented<T> = Result<T, JsValue>; (comments are not filtered: the crate-wide conflict rule covers a stale one)`;
    assert.deepEqual(declaredResultAliases(text).slice(0, 2), [['JsResult', 'JsValue'], ['Fallible', 'String']]);
    assert.equal(declaredResultAliases(text).some(([name]) => name === 'Res' || name === 'Wrapped' || name === 'Other'), false);
    const aliases = new Map(declaredResultAliases(text));
    assert.equal(aliasedResultErrorType('JsResult<u32>', aliases), 'JsValue');
    assert.equal(aliasedResultErrorType('crate::JsResult<Vec<u8>>', aliases), 'JsValue');
    assert.equal(aliasedResultErrorType('Fallible', aliases), 'String');
    assert.equal(aliasedResultErrorType('Option<u32>', aliases), undefined);
    assert.equal(aliasedResultErrorType('JsResult<u32>', undefined), undefined);
  });

  it('follows an alias declared in another file of the crate, and a change of it (incrementally too)', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      workspace.setFile('/w/c/Cargo.toml', MANIFEST);
      workspace.setFile(LIB_PATH, lib('JsValue'));
      workspace.setFile(MODULE_PATH, MODULE, true);
      const incremental = new Linter([stringErrorPayload], grammars, { incremental: true });
      const lint = (): number => incremental.lintFile(workspace, MODULE_PATH, { settings: DEFAULT_LINT_SETTINGS }).findings.length;
      assert.equal(lint(), 1);
      workspace.setFile(LIB_PATH, lib('JsError'));
      assert.equal(lint(), 0, 'the alias now stands for a real error type');
      workspace.setFile(LIB_PATH, `${lib('JsValue')}\nmod other {\n    pub type JsResult<T> = Result<T, crate::MyError>;\n}\n`);
      assert.equal(lint(), 0, 'a name declared with two error types is not followed');
    } finally {
      workspace.dispose();
    }
  });
});
