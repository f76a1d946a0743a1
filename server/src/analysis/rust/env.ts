// The per-file environment the Rust predicates share: the crate index and build configuration, a
// test-code oracle, the struct declarations of the file, and caches of per-function facts, bindings
// and borrow scopes. One environment exists per lint run of a file (keyed by the run's root Node,
// which every rule's context shares), so rules do not repeat each other's work and nothing outlives
// the run.

import type { Node } from 'web-tree-sitter';
import type { AnalysisSettings } from '../settings';
import { DEFAULT_SETTINGS } from '../settings';
import { readsWholeFile, trackFileReads, trackingFileReads } from '../engine/file-reads';
import { untrackedFileContext, type FileContext } from '../workspace/file-context';
import type { BuildMode, CrateIndex, CrateInfo, RustImport, StateRoot } from '../workspace/types';
import { collectFunctionFacts, FILE_NODE_TYPES, type FunctionFacts } from './facts';
import { isTestPath, TestCodeOracle } from './test-code';
import { resetParentIndex } from './parents';
import { typeBaseName } from './syntax';
import { crateIndexFingerprint, withoutPositions } from '../workspace/rust-summary';
import { detached } from '../text/detached';
import { NO_ALIASES, resolveAliases, useAliasesIn, type TypeAliases } from './use-aliases';

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
  /** Field name → type text of a struct declared in this file or exported from the crate (renames resolved: canonicalType). */
  structFields(typeName: string): ReadonlyMap<string, string> | undefined;
  /**
   * A type or expression text of this file with its `use … as …` renames of cell types resolved
   * (`StdMutex<T>` → `Mutex<T>` after `use std::sync::Mutex as StdMutex;`): rust/use-aliases.ts.
   */
  canonicalType(text: string): string;
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
  /**
   * The file-level facts every item's analysis may read without reading the whole file — crate, crate
   * index (without positions), settings, this file's structs, function names, clock imports and inner
   * attributes — as one string. The incremental Linter reuses an item's findings only while it is equal.
   */
  fileKey(units: readonly ScanUnit[], previous?: ReadonlyMap<string, UnitScan>): { readonly key: readonly string[]; readonly scans: Map<string, UnitScan> };
}

/** A top-level unit of the file (engine/incremental.ts), for scanning unit by unit. */
export interface ScanUnit {
  readonly nodes: readonly Node[];
  /** The unit's text and its item's type (engine/incremental.ts `Unit`). */
  readonly key: string;
  readonly type: string;
}

/** What one unit adds to the file scan: structs (raw name, base name, fields) and function names, in order. */
export interface UnitScan {
  /** The type of the unit scanned (its text is the key it is stored under). */
  readonly type: string;
  readonly structs: readonly (readonly [string, string, ReadonlyMap<string, string>])[];
  readonly functions: readonly string[];
  /** The texts of the unit's top-level `#![...]` nodes. */
  readonly innerAttributes: readonly string[];
  /** The unit's text names a wasm-safe clock crate (scanned unit by unit). */
  readonly clock: boolean;
  /** `use … as …` renames of cell types the unit declares (rust/use-aliases.ts), in order. */
  readonly aliases: readonly (readonly [string, string])[];
  /** Structs, functions and renames as JSON (part of the file key). */
  readonly json: string;
}

const ENVS = new WeakMap<Node, RustEnv>();

/** Per lint run (keyed by its root): the file's nodes of FILE_NODE_TYPES and more, pre-order (provideFileNodes). */
const FILE_NODES = new WeakMap<Node, readonly Node[]>();

/** The node types `provideFileNodes` needs in its list. */
export { FILE_NODE_TYPES };

/**
 * Hands the environment of the lint run under `root` the result of the Linter's search of the whole
 * tree (pre-order, every node of FILE_NODE_TYPES among others): function facts and the file scan then
 * filter it rather than search the tree again, function by function.
 */
export function provideFileNodes(root: Node, nodes: readonly Node[]): void {
  FILE_NODES.set(root, nodes);
}

/**
 * Whether the file is wasm-bindgen code: its crate depends on wasm-bindgen, or the file names a crate
 * of the wasm-bindgen family (`wasm_bindgen`, `wasm_bindgen_futures`, `js_sys`, `web_sys`). The second
 * test covers crates that reach wasm-bindgen only through another crate — a gloo or yew app, a browser
 * `bin` that spawns with `wasm_bindgen_futures::spawn_local` — while a native crate of the same
 * workspace that names none of them stays out. Without crate information, everything counts.
 */
export function isWasmBindgenCode(env: RustEnv): boolean {
  return !env.crate || env.crate.usesWasmBindgen || /\b(?:wasm_bindgen|wasm_bindgen_futures|js_sys|web_sys)\b/.test(env.text);
}

/** The environment of the file a rule is looking at (created on first use in a lint run). */
export function rustEnv(tracked: FileContext): RustEnv {
  const ctx = untrackedFileContext(tracked);
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
  // Each value remembers whether computing it read the whole file, so reusing it marks the reader too.
  const memos = new Map<string, { readonly value: unknown; readonly wholeFile: boolean }>();
  let fileScan: FileScan | undefined;
  const scan = () => (fileScan ??= scanFile(root, text, FILE_NODES.get(root)));
  let globals: Map<string, StateRoot> | undefined;
  return {
    path,
    get text() {
      readsWholeFile();
      return text;
    },
    get root() {
      readsWholeFile();
      return root;
    },
    crate,
    index,
    settings: input.settings ?? DEFAULT_SETTINGS,
    buildMode: crate?.buildMode ?? 'abort',
    overflowChecks: crate?.overflowChecks ?? false,
    tests: new TestCodeOracle(root, isTestPath(path, crate?.root)),
    canonicalType(text) {
      return resolveAliases(text, scan().aliases);
    },
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
      return this.memo('facts', owner, () => collectFunctionFacts(owner, FILE_NODES.get(root)));
    },
    fileKey(units, previous) {
      // Unit by unit, reusing the scans of units the last run saw with the same text; the file scan is
      // a function of the units' scans in order, so their JSON stands for it in the key.
      const scans = new Map<string, UnitScan>();
      const parts: UnitScan[] = [];
      const innerAttributes: string[] = [];
      for (const unit of units) {
        const known = scans.get(unit.key) ?? previous?.get(unit.key);
        const part = known && known.type === unit.type ? known : scanUnit(unit.nodes, unit.type, unit.key);
        scans.set(unit.key, part);
        parts.push(part);
        innerAttributes.push(...part.innerAttributes);
      }
      fileScan = mergeScans(parts, parts.some((p) => p.clock));
      // The root is the one ancestor outside every unit; after a bad edit it can be an ERROR node.
      // A list of strings (compared element by element): the large parts are lists of per-unit strings.
      const indexParts = index ? crateIndexFingerprint(index) : [];
      const key = [
        JSON.stringify([root.type, path, crate ? fingerprint(crate) : null, input.settings ? fingerprint(input.settings) : null, fileScan.wasmSafeClock, innerAttributes, indexParts.length]),
        ...indexParts,
        ...parts.map((p) => p.json),
      ];
      return { key, scans };
    },
    memo<T>(kind: string, node: Node, compute: () => T): T {
      const key = `${kind}:${node.id}`;
      const known = memos.get(key);
      if (known) {
        if (known.wholeFile) readsWholeFile();
        return known.value as T;
      }
      if (!trackingFileReads()) {
        // Computed outside any tracked rule work: nothing says what it read, so assume everything.
        const value = compute();
        memos.set(key, { value, wholeFile: true });
        return value;
      }
      const tracked = trackFileReads(compute);
      memos.set(key, tracked);
      // The frame of `compute` is closed: pass its verdict on to whoever asked.
      if (tracked.wholeFile) readsWholeFile();
      return tracked.value;
    },
  };
}

const FINGERPRINTS = new WeakMap<object, string>();

/** Plain data (crate, settings) as JSON without positions, computed once per object (they are never mutated). */
function fingerprint(value: object): string {
  let known = FINGERPRINTS.get(value);
  if (known === undefined) FINGERPRINTS.set(value, (known = withoutPositions(value)));
  return known;
}

/** Struct declarations (all of them, not only exported ones), function names, clock crates. */
function scanFile(root: Node, text: string, fileNodes: readonly Node[] | undefined): FileScan {
  return mergeScans([scanUnit([root], '', undefined, fileNodes, text)], usesWasmSafeClock(text));
}

interface FileScan {
  structs: Map<string, Map<string, string>>;
  functions: Set<string>;
  wasmSafeClock: boolean;
  aliases: TypeAliases;
}

/** Whether a text names a clock crate that works on wasm (a unit's text: `use` items and paths do not span units). */
function usesWasmSafeClock(text: string): boolean {
  return /\buse\s+(::)?(web_time|instant|wasmtimer|fluvio_wasm_timer|web_time_compat)\b/.test(text) || /\bweb_time::/.test(text);
}

function mergeScans(parts: readonly UnitScan[], wasmSafeClock: boolean): FileScan {
  const structs = new Map<string, Map<string, string>>();
  const functions = new Set<string>();
  const renames = parts.flatMap((p) => p.aliases);
  const aliases: TypeAliases = renames.length > 0 ? new Map(renames) : NO_ALIASES;
  for (const part of parts) {
    for (const [name, base, fields] of part.structs) {
      if (structs.has(name)) continue;
      const own = new Map(fields);
      if (aliases.size > 0) for (const [f, t] of own) own.set(f, resolveAliases(t, aliases));
      structs.set(base, own);
    }
    for (const name of part.functions) functions.add(name);
  }
  return { structs, functions, wasmSafeClock, aliases };
}

/** `fileNodes` (scanning the whole file, `nodes` = [root]): the Linter's search, in place of one of our own. */
function scanUnit(nodes: readonly Node[], type = '', text?: string, fileNodes?: readonly Node[], fileText?: string): UnitScan {
  const structs: [string, string, Map<string, string>][] = [];
  const functions: string[] = [];
  // One search inside the tree-sitter runtime instead of a cursor step (a JS↔wasm crossing) per node;
  // neither type nests in itself, in token trees, comments or strings, so this is what a walk finds.
  const searches = fileNodes ? [fileNodes] : nodes.map((top) => top.descendantsOfType(['struct_item', 'function_item']));
  for (const found of searches) {
    for (const node of found) {
      if (!node) continue;
      if (node.type === 'struct_item') {
        const name = node.childForFieldName('name')?.text;
        const body = node.childForFieldName('body');
        if (name && body?.type === 'field_declaration_list') {
          const fields = new Map<string, string>();
          for (const f of body.namedChildren) {
            if (f.type !== 'field_declaration') continue;
            const fname = f.childForFieldName('name')?.text;
            const ftype = f.childForFieldName('type')?.text;
            if (fname && ftype) fields.set(fname, ftype);
          }
          structs.push([name, typeBaseName(name), fields]);
        } else if (name && body?.type === 'ordered_field_declaration_list') {
          // A tuple struct: `self.0` has the first field's type (`struct Hasher(pub(crate) Sha256Hasher)`).
          const fields = new Map<string, string>();
          body.childrenForFieldName('type').forEach((t, i) => {
            if (t) fields.set(String(i), t.text);
          });
          structs.push([name, typeBaseName(name), fields]);
        }
      } else if (node.type === 'function_item') {
        const name = node.childForFieldName('name')?.text;
        if (name) functions.push(name);
      }
    }
  }
  // `#![...]` among the unit's own nodes (the file's inner attributes are top-level nodes).
  const innerAttributes = nodes.filter((n) => n.type === 'inner_attribute_item').map((n) => n.text);
  // `use … as …` renames: only `use` items (and `mod` blocks) among the unit's own nodes are read.
  const aliases = /\bas\b/.test(text ?? fileText ?? 'as') ? useAliasesIn(nodes) : [];
  const plain: [[string, string, [string, string][]][], string[], [string, string][]] = [structs.map(([name, base, fields]) => [name, base, [...fields]]), functions, aliases];
  // Kept across versions (the incremental Linter's scans): copied through JSON, so no name is a slice
  // of this version's text that would keep it alive (text/detached.ts).
  const [freshStructs, freshFunctions, freshAliases, freshInner] = detached([...plain, innerAttributes] as const);
  const json = JSON.stringify(plain);
  return {
    type, structs: freshStructs.map(([name, base, fields]) => [name, base, new Map(fields)] as const), functions: freshFunctions,
    innerAttributes: freshInner, clock: text !== undefined && usesWasmSafeClock(text), aliases: freshAliases, json,
  };
}
