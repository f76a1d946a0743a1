// borrow-held-across-js-call skips a shared borrow of a global cell that no code of the crate borrows
// mutably (rust/exclusive-access.ts). The answer comes from every Rust file of the crate — also files
// with nothing for the crate index (a helper module) — and is part of the crate index the incremental
// Linter keys its reuse on: a mutable borrow added in another item, or another file, brings the finding back.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEFAULT_LINT_SETTINGS, type Grammars, Linter, Workspace } from '../src/analysis/index';
import borrowHeldAcrossJsCall from '../src/analysis/rules/rust/borrow-held-across-js-call';
import { declaredStaticNames, possiblyMutatingMentions } from '../src/analysis/rust/exclusive-access';
import { loadGrammars } from '../src/host/wasm-files';

let grammars: Grammars;
before(async () => {
  grammars = await loadGrammars();
});

const MANIFEST = '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\nwasm-bindgen = "0.2"\n';

const LIB = `use std::cell::RefCell;
use wasm_bindgen::prelude::*;

mod helper;

#[wasm_bindgen]
extern "C" {
    fn on_change(id: u32);
}

thread_local! {
    static SETTINGS: RefCell<Vec<String>> = RefCell::new(Vec::new());
}

#[wasm_bindgen]
pub fn show(id: u32) -> usize {
    SETTINGS.with_borrow(|s| {
        on_change(id);
        s.len()
    })
}

#[wasm_bindgen]
pub fn count() -> usize {
    SETTINGS.with_borrow(|s| s.len())
}
`;

const LIB_PATH = '/w/c/src/lib.rs';
const HELPER_PATH = '/w/c/src/helper.rs';

function workspaceWith(helper: string): Workspace {
  const workspace = new Workspace(grammars, { roots: ['/w'] });
  workspace.setFile('/w/c/Cargo.toml', MANIFEST);
  workspace.setFile(LIB_PATH, LIB, true);
  workspace.setFile(HELPER_PATH, helper);
  return workspace;
}

describe('shared borrows of cells nothing borrows mutably', () => {
  it('reads the mentions of a name, not its declaration, imports, comments or shared accesses', () => {
    const text = `use crate::A;
static B: RwLock<u32> = RwLock::new(0); // C.borrow_mut()
fn f() { D.with_borrow(|d| d.len()); E.with(|e| e.borrow().len()); F.with(|f| f.borrow_mut().clear()); G.with_borrow_mut(|g| g.clear()); helper(&H); }`;
    assert.deepEqual([...possiblyMutatingMentions(text, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'])].sort(), ['F', 'G', 'H']);
    // Only the candidates are looked for (the crate's `static` names).
    assert.deepEqual([...possiblyMutatingMentions(text, ['G'])], ['G']);
    assert.deepEqual([...possiblyMutatingMentions(text, [])], []);
  });

  it('takes the SCREAMING_CASE names declared with `static` as candidates', () => {
    const text = `thread_local! { static STORE: RefCell<u32> = RefCell::new(0); }
lazy_static! { static ref CACHE: RwLock<u32> = RwLock::new(0); }
static mut COUNT_2: u32 = 0;
static lower: u32 = 0;
static Mixed_Case: u32 = 0;
static __: u32 = 0;
fn f() { let static_thing = STORE; }`;
    assert.deepEqual(declaredStaticNames(text), ['STORE', 'CACHE', 'COUNT_2']);
  });

  it('reports once a helper module without wasm-bindgen items borrows the cell mutably', () => {
    for (const [helper, expected] of [
      ['pub fn reset() {}\n', 0],
      ['pub fn reset() {\n    crate::SETTINGS.with_borrow_mut(|s| s.clear());\n}\n', 1],
    ] as const) {
      const workspace = workspaceWith(helper);
      try {
        const found = new Linter([borrowHeldAcrossJsCall], grammars).lintFile(workspace, LIB_PATH, { settings: DEFAULT_LINT_SETTINGS }).findings;
        assert.equal(found.length, expected, `helper: ${helper}`);
      } finally {
        workspace.dispose();
      }
    }
  });

  it('an edit elsewhere does not make the rule visit the function with the shared borrow again', () => {
    const workspace = workspaceWith('pub fn reset() {}\n');
    try {
      const visited: string[] = [];
      const counting = {
        ...borrowHeldAcrossJsCall,
        visit(node: Parameters<typeof borrowHeldAcrossJsCall.visit>[0], ctx: Parameters<typeof borrowHeldAcrossJsCall.visit>[1]) {
          visited.push(node.childForFieldName('name')?.text ?? '?');
          return borrowHeldAcrossJsCall.visit(node, ctx);
        },
      };
      const incremental = new Linter([counting], grammars, { incremental: true });
      const lint = (): number => incremental.lintFile(workspace, LIB_PATH, { settings: DEFAULT_LINT_SETTINGS }).findings.length;
      assert.equal(lint(), 0);
      assert.ok(visited.includes('show'), `first lint visits show (${visited.join(', ')})`);
      visited.length = 0;
      workspace.setFile(LIB_PATH, LIB.replace('s.len())\n}', 's.len() )\n}'), true);
      assert.equal(lint(), 0);
      assert.deepEqual(visited, ['count'], 'only the edited function is visited again');
    } finally {
      workspace.dispose();
    }
  });

  it('an incremental lint follows a mutable borrow added in another item of the file, or in another file', () => {
    const workspace = workspaceWith('pub fn reset() {}\n');
    try {
      const incremental = new Linter([borrowHeldAcrossJsCall], grammars, { incremental: true });
      const lint = (): number => incremental.lintFile(workspace, LIB_PATH, { settings: DEFAULT_LINT_SETTINGS }).findings.length;
      assert.equal(lint(), 0);
      // Another item of the same file (the function with the borrow is unchanged).
      const withMutation = LIB.replace('SETTINGS.with_borrow(|s| s.len())\n}', 'SETTINGS.with_borrow_mut(|s| s.len())\n}');
      assert.notEqual(withMutation, LIB);
      workspace.setFile(LIB_PATH, withMutation, true);
      assert.equal(lint(), 1);
      workspace.setFile(LIB_PATH, LIB, true);
      assert.equal(lint(), 0);
      // Another file.
      workspace.setFile(HELPER_PATH, 'pub fn reset() {\n    crate::SETTINGS.with(|s| s.borrow_mut().clear());\n}\n');
      assert.equal(lint(), 1);
    } finally {
      workspace.dispose();
    }
  });
});
