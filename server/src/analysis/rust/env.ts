// The per-file environment the Rust predicates share: the crate index and build configuration, a
// test-code oracle, the struct declarations of the file, and caches of per-function facts, bindings
// and borrow scopes. One environment exists per lint run of a file (keyed by the run's root Node,
// which every rule's context shares), so rules do not repeat each other's work and nothing outlives
// the run.

import type { Node } from 'web-tree-sitter';
import type { AnalysisSettings } from '../settings';
import { DEFAULT_SETTINGS } from '../settings';
import type { FileContext } from '../workspace/file-context';
import type { BuildMode, CrateIndex, CrateInfo, RustImport, StateRoot } from '../workspace/types';
import { collectFunctionFacts, type FunctionFacts } from './facts';
import { isTestPath, TestCodeOracle } from './test-code';
import { resetParentIndex } from './parents';
import { typeBaseName } from './syntax';

export interface RustEnv {
  readonly path: string;
  readonly text: string;
  readonly root: Node;
  readonly crate: CrateInfo | undefined;
  readonly index: CrateIndex | undefined;
  readonly settings: AnalysisSettings;
  /** The crate's build mode; `abort` (wasm32's default) when the crate is unknown. */
  readonly buildMode: BuildMode;
  /** `+ - * <<` panic on overflow; also our proxy for `debug_assert!` being compiled in. */
  readonly overflowChecks: boolean;
  readonly tests: TestCodeOracle;
  /** Field name → type text of a struct declared in this file or exported from the crate. */
  structFields(typeName: string): ReadonlyMap<string, string> | undefined;
  /** A state root that is not a struct field (static, `static mut`, `thread_local!`, `lazy_static!`). */
  globalRoot(name: string): StateRoot | undefined;
  /** A `#[wasm_bindgen]` import of the crate by Rust name. */
  importNamed(name: string): RustImport | undefined;
  /** Names of functions declared in this file (they shadow same-named imports of other modules). */
  readonly localFunctionNames: ReadonlySet<string>;
  /** True when the file uses a wasm-safe clock crate (`web_time`, `instant`, `wasmtimer`). */
  readonly usesWasmSafeClock: boolean;
  /** Facts of one function (cached). */
  facts(owner: Node): FunctionFacts;
  /** Per-run cache for derived per-node data (bindings, borrow scopes …), keyed by a name and node id. */
  memo<T>(kind: string, node: Node, compute: () => T): T;
}

const ENVS = new WeakMap<Node, RustEnv>();

/** The environment of the file a rule is looking at (created on first use in a lint run). */
export function rustEnv(ctx: FileContext): RustEnv {
  let env = ENVS.get(ctx.root);
  if (!env) {
    env = createRustEnv({
      path: ctx.path, text: ctx.text, root: ctx.root, crate: ctx.crate, index: ctx.rust, settings: ctx.settings,
    });
    ENVS.set(ctx.root, env);
  }
  return env;
}

export interface RustEnvInput {
  readonly path: string;
  readonly text: string;
  readonly root: Node;
  readonly crate?: CrateInfo;
  readonly index?: CrateIndex;
  readonly settings?: AnalysisSettings;
}

export function createRustEnv(input: RustEnvInput): RustEnv {
  const { path, text, root, crate, index } = input;
  resetParentIndex(root);
  const memos = new Map<string, unknown>();
  let fileScan: { structs: Map<string, Map<string, string>>; functions: Set<string>; wasmSafeClock: boolean } | undefined;
  const scan = () => (fileScan ??= scanFile(root, text));
  let globals: Map<string, StateRoot> | undefined;
  return {
    path,
    text,
    root,
    crate,
    index,
    settings: input.settings ?? DEFAULT_SETTINGS,
    buildMode: crate?.buildMode ?? 'abort',
    overflowChecks: crate?.overflowChecks ?? false,
    tests: new TestCodeOracle(root, isTestPath(path, crate?.root)),
    structFields(typeName) {
      const local = scan().structs.get(typeName);
      if (local) return local;
      const exported = index?.structs.get(typeName);
      return exported ? new Map(exported.fields.map((f) => [f.name, f.type])) : undefined;
    },
    globalRoot(name) {
      if (!globals) {
        globals = new Map();
        for (const r of index?.stateRoots.values() ?? []) if (r.kind !== 'struct_field' && !globals.has(r.name)) globals.set(r.name, r);
      }
      return globals.get(name);
    },
    importNamed(name) {
      return index?.imports.get(name);
    },
    get localFunctionNames() {
      return scan().functions;
    },
    get usesWasmSafeClock() {
      return scan().wasmSafeClock;
    },
    facts(owner) {
      return this.memo('facts', owner, () => collectFunctionFacts(owner));
    },
    memo<T>(kind: string, node: Node, compute: () => T): T {
      const key = `${kind}:${node.id}`;
      if (memos.has(key)) return memos.get(key) as T;
      const value = compute();
      memos.set(key, value);
      return value;
    },
  };
}

/** Struct declarations (all of them, not only exported ones), function names, clock crates. */
function scanFile(root: Node, text: string): { structs: Map<string, Map<string, string>>; functions: Set<string>; wasmSafeClock: boolean } {
  const structs = new Map<string, Map<string, string>>();
  const functions = new Set<string>();
  const cursor = root.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      let descend = true;
      if (type === 'struct_item') {
        const node = cursor.currentNode;
        const name = node.childForFieldName('name')?.text;
        const body = node.childForFieldName('body');
        if (name && body?.type === 'field_declaration_list' && !structs.has(name)) {
          const fields = new Map<string, string>();
          for (const f of body.namedChildren) {
            if (f.type !== 'field_declaration') continue;
            const fname = f.childForFieldName('name')?.text;
            const ftype = f.childForFieldName('type')?.text;
            if (fname && ftype) fields.set(fname, ftype);
          }
          structs.set(typeBaseName(name), fields);
        }
        descend = false;
      } else if (type === 'function_item') {
        const name = cursor.currentNode.childForFieldName('name')?.text;
        if (name) functions.add(name);
      } else if (type === 'token_tree' || type === 'line_comment' || type === 'block_comment' || type === 'string_literal') {
        descend = false;
      }
      if (descend && cursor.gotoFirstChild()) continue;
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
      }
      if (done) break;
    }
  } finally {
    cursor.delete();
  }
  const wasmSafeClock = /\buse\s+(::)?(web_time|instant|wasmtimer|fluvio_wasm_timer|web_time_compat)\b/.test(text) || /\bweb_time::/.test(text);
  return { structs, functions, wasmSafeClock };
}
