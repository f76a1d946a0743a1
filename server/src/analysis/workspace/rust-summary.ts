// The per-file half of the Rust index (catalog §B1): what a file exports to JS through wasm-bindgen
// (free functions, `pub` methods of `#[wasm_bindgen] impl` blocks, workers-rs `#[event]` handlers and
// Durable Object impls), what it imports from JS (`#[wasm_bindgen] extern "C"` blocks), its exported
// structs, the state roots a panic or a re-entrant call can tear or find borrowed (statics, statics
// inside `thread_local!`/`lazy_static!` token trees, interior-mutable fields of exported structs), and
// how it wires abort recovery (`set_on_abort`, `schedule_reinit`). One iterative walk per file; test
// code is left out; broken code yields whatever parsed.

import type { Node } from 'web-tree-sitter';
import { attributeArguments, attributesOf, isWasmBindgenAttribute, lastSegment, typeBaseName, type Attribute } from '../rust/syntax';
import { isTestPath, TestCodeOracle } from '../rust/test-code';
import type { TextRange } from '../model';
import type { Receiver, RustExport, RustFileSummary, RustImport, RustStruct, StateRoot } from './types';
import { parentOf, resetParentIndex } from '../rust/parents';
import { forgetSplitNodes, type SplitSource, splitIntoUnits } from '../engine/incremental';
import { detached } from '../text/detached';
import { NO_ALIASES, resolveAliases, useAliasesIn, type TypeAliases } from '../rust/use-aliases';

/** Static types whose values can change behind a shared reference (B1 STATE_ROOTS (a)). */
const INTERIOR_MUTABLE_STATIC = /\b(Mutex|RwLock|LazyLock|LazyCell|Lazy|OnceLock|OnceCell|RefCell|Cell|UnsafeCell|Atomic[A-Za-z0-9]*)\s*</;
/** Field types of exported structs that make a field a state root (B1 STATE_ROOTS (c)). */
const INTERIOR_MUTABLE_FIELD = /\b(RefCell|Cell|Mutex|RwLock|OnceCell|AssertUnwindSafe)\s*</;
/** Atomic types are written without generics. */
const ATOMIC = /\bAtomic(Bool|U8|U16|U32|U64|Usize|I8|I16|I32|I64|Isize|Ptr)\b/;

const WORKERS_EVENTS = new Set(['fetch', 'scheduled', 'queue', 'start', 'email', 'tail']);

/**
 * Text prefilter for the §B1 summary: every item `summarizeRustFile` records needs one of these words in
 * the source — exports and imports a `wasm_bindgen`, `event` or `durable_object`/`DurableObject`
 * attribute or trait; state roots a `static` item or a `thread_local!`/`lazy_static!` invocation (both
 * contain `static`/`thread_local`); abort wiring a `set_on_abort` call or a `schedule_reinit`
 * identifier. Text without any of them (a file, a function) yields nothing, exactly what the walk would
 * return. Keep in step with the walk below.
 */
const SUMMARY_WORDS = /wasm_bindgen|event|durable_object|DurableObject|static|thread_local|set_on_abort|schedule_reinit/;

export function mayHaveSummaryItems(text: string): boolean {
  return SUMMARY_WORDS.test(text);
}

/** What one top-level unit of a file contributes to its summary (plain data, ranges absolute). */
export interface UnitSummary {
  readonly exports: RustExport[];
  readonly imports: RustImport[];
  readonly structs: RustStruct[];
  readonly statics: StateRoot[];
  readonly fieldRoots: StateRoot[];
  readonly setOnAbortCalls: { range: TextRange; inStart: boolean }[];
  usesScheduleReinit: boolean;
  readonly durableObjectStructs: string[];
  /** `impl DurableObject for X` blocks: exports only if X is a `#[durable_object]` struct somewhere in the file. */
  readonly durableObjectImpls: { readonly typeName: string; readonly exports: RustExport[] }[];
}

/**
 * Per-unit summaries of an open document's previous version, keyed by unit text: an edit re-walks only
 * the units it changed (engine/incremental.ts cuts the units). Kept by the Workspace per document.
 */
export type UnitSummaryCache = Map<string, UnitSummaryEntry>;

interface UnitSummaryEntry {
  /**
   * What the key (the unit's text) does not say: the item's type, whether the whole file is test code,
   * the file's `use … as …` renames of cell types (state root and field types are resolved through them).
   */
  readonly type: string;
  readonly fileIsTest: string;
  readonly aliases: string;
  readonly relative: UnitSummary;
  /** The relative summary as JSON without positions (computed once per unit text). */
  readonly fingerprint: string;
  /** Where `absolute` was placed (an empty unit's entry is shared wherever its text occurs: nothing to place). */
  readonly start: number;
  readonly absolute: UnitSummary;
}

const SUMMARY_FINGERPRINTS = new WeakMap<RustFileSummary, readonly string[]>();

/**
 * A summary without its positions, as strings whose list is equal for equal content: for summaries
 * made unit by unit, the units' own fingerprints (no walk over the whole summary after each edit).
 */
export function summaryFingerprint(summary: RustFileSummary): readonly string[] {
  let known = SUMMARY_FINGERPRINTS.get(summary);
  if (known === undefined) SUMMARY_FINGERPRINTS.set(summary, (known = [withoutPositions(summary)]));
  return known;
}

const INDEX_SOURCES = new WeakMap<object, { readonly crate: unknown; readonly files: readonly string[]; readonly summaries: readonly RustFileSummary[]; readonly extra: string }>();
const INDEX_FINGERPRINTS = new WeakMap<object, readonly string[]>();

/** Records what a crate index was merged from (workspace.ts), so its fingerprint needs no walk over it. */
export function recordIndexSources(index: object, crate: unknown, files: readonly string[], summaries: readonly RustFileSummary[], extra = ''): void {
  INDEX_SOURCES.set(index, { crate, files, summaries, extra });
}

/**
 * A crate index without positions, as a list of strings equal for equal content (compare with
 * `sameStrings`): the fingerprints of the summaries it was merged from (the merge is a pure function of
 * them), else its own JSON. A list, not one joined string: comparing it costs a pointer check per unchanged part.
 */
export function crateIndexFingerprint(index: object): readonly string[] {
  let known = INDEX_FINGERPRINTS.get(index);
  if (known === undefined) {
    const sources = INDEX_SOURCES.get(index);
    if (sources) {
      const parts = [withoutPositions(sources.crate ?? null), JSON.stringify(sources.files), sources.extra];
      for (const summary of sources.summaries) {
        const own = summaryFingerprint(summary);
        parts.push(`\u0002${own.length}`, ...own);
      }
      known = parts;
    } else {
      known = [withoutPositions(index)];
    }
    INDEX_FINGERPRINTS.set(index, known);
  }
  return known;
}

/** Element-wise equality of two string lists. */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Plain data as JSON without its positions (`range`, `nameRange`; Maps and Sets as arrays): an edit
 * elsewhere in a file moves positions without changing what the data says.
 */
export function withoutPositions(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === 'range' || key === 'nameRange') return undefined;
    if (v instanceof Map || v instanceof Set) return [...v];
    return v;
  });
}

/**
 * The §B1 summary of one file. With `cache` (open documents), units whose text is in `cache.previous`
 * are not walked again; `cache.next` receives every unit's summary for the next version.
 */
export function summarizeRustFile(path: string, root: Node, text: string, cache?: { readonly previous?: UnitSummaryCache; readonly next: UnitSummaryCache; readonly source?: SplitSource }): RustFileSummary {
  const tests = new TestCodeOracle(root, isTestPath(path, undefined));
  const parts: UnitSummary[] = [];
  const fingerprints: string[] = [];
  // Top-level units (the document's split, shared with the Linter; its `impl` members are not needed here).
  const units = cache ? splitIntoUnits(root, text, cache.source) : undefined;
  // `use std::sync::Mutex as StdMutex;` (a unit of its own) changes what `static X: StdMutex<T>` is. With
  // a split, only the `use` and `mod` units whose text says `as` are read (not every child of the root).
  const aliasList = !/\bas\b/.test(text) ? []
    : units ? useAliasesIn(units.filter((u) => (u.type === 'use_declaration' || u.type === 'mod_item') && /\bas\b/.test(u.key)).flatMap((u) => u.nodes))
    : useAliasesIn([root]);
  const aliases: TypeAliases = aliasList.length > 0 ? new Map(aliasList) : NO_ALIASES;
  if (!units || !cache) {
    parts.push(summarizeSubtree(path, root, tests, aliases));
  } else {
    // A unit's summary depends on its own text, on whether the whole file is test code and on the renames.
    const fileIsTest = tests.isTestCode(root) ? '\u0001test' : '';
    const aliasKey = aliasList.length > 0 ? JSON.stringify(aliasList) : '';
    fingerprints.push(JSON.stringify([path, fileIsTest, aliasKey]));
    for (const unit of units) {
      if (unit.kind === 'member') continue;
      const key = unit.key;
      const candidate = cache.next.get(key) ?? cache.previous?.get(key);
      const known = candidate && candidate.type === unit.type && candidate.fileIsTest === fileIsTest && candidate.aliases === aliasKey ? candidate : undefined;
      let entry: UnitSummaryEntry;
      if (known && (known.start === unit.start || known.relative === EMPTY_UNIT)) {
        // Unmoved, or nothing to move (most units): the entry as it is (its `start` matters only for shifting).
        entry = known;
      } else if (known) {
        // (Fields spelled out in the order of the literals below: one object shape, no spread.)
        entry = { type: known.type, fileIsTest, aliases: aliasKey, relative: known.relative, fingerprint: known.fingerprint, start: unit.start, absolute: shiftRanges(known.relative, unit.start) };
      } else {
        const part = emptyUnitSummary();
        for (const node of unit.nodes) summarizeSubtree(path, node, tests, aliases, part);
        // Most units (plain functions, uses, consts) contribute nothing: nothing to copy then. The kept
        // copy is detached from this version's text (its names are slices of it: text/detached.ts).
        const relative = isEmpty(part) ? EMPTY_UNIT : detached(shiftRanges(part, -unit.start));
        entry = relative === EMPTY_UNIT ? { type: unit.type, fileIsTest, aliases: aliasKey, relative, fingerprint: '', start: unit.start, absolute: EMPTY_UNIT }
          : { type: unit.type, fileIsTest, aliases: aliasKey, relative, fingerprint: withoutPositions(part), start: unit.start, absolute: shiftRanges(relative, unit.start) };
      }
      cache.next.set(key, entry);
      if (entry.absolute !== EMPTY_UNIT) {
        parts.push(entry.absolute);
        fingerprints.push(entry.fingerprint);
      }
    }
  }
  resetParentIndex(root); // keep no nodes of this walk
  if (cache?.source) forgetSplitNodes(cache.source); // (a Linter run in progress holds its own list)
  const merged = emptyUnitSummary();
  // (Most parts have one or two non-empty lists: a spread of an empty one still costs a call.)
  const append = <T>(to: T[], from: readonly T[]): void => {
    for (const x of from) to.push(x);
  };
  for (const part of parts) {
    append(merged.exports, part.exports);
    append(merged.imports, part.imports);
    append(merged.structs, part.structs);
    append(merged.statics, part.statics);
    append(merged.fieldRoots, part.fieldRoots);
    append(merged.setOnAbortCalls, part.setOnAbortCalls);
    merged.usesScheduleReinit ||= part.usesScheduleReinit;
    append(merged.durableObjectStructs, part.durableObjectStructs);
  }
  // Newer workers-rs: `#[durable_object] struct X` plus a plain `impl DurableObject for X`.
  const durable = new Set(merged.durableObjectStructs);
  for (const part of parts) for (const impl of part.durableObjectImpls) if (durable.has(impl.typeName)) merged.exports.push(...impl.exports);
  const summary: RustFileSummary = {
    path,
    exports: merged.exports,
    imports: merged.imports,
    structs: merged.structs,
    // Statics first: the crate index keys roots by name and keeps the first one it sees.
    stateRoots: [...merged.statics, ...merged.fieldRoots],
    startFunctions: merged.exports.filter((e) => e.isStart),
    setOnAbortCalls: merged.setOnAbortCalls,
    usesScheduleReinit: merged.usesScheduleReinit,
  };
  // The summary is a function of its parts in order (and the path and test flag): their fingerprints are its own.
  if (cache) SUMMARY_FINGERPRINTS.set(summary, fingerprints);
  return summary;
}

const EMPTY_UNIT: UnitSummary = Object.freeze(emptyUnitSummary());

function isEmpty(part: UnitSummary): boolean {
  return part.exports.length === 0 && part.imports.length === 0 && part.structs.length === 0 && part.statics.length === 0 && part.fieldRoots.length === 0 &&
    part.setOnAbortCalls.length === 0 && !part.usesScheduleReinit && part.durableObjectStructs.length === 0 && part.durableObjectImpls.length === 0;
}

function emptyUnitSummary(): UnitSummary {
  return { exports: [], imports: [], structs: [], statics: [], fieldRoots: [], setOnAbortCalls: [], usesScheduleReinit: false, durableObjectStructs: [], durableObjectImpls: [] };
}

/**
 * The unit summary with every `range`/`nameRange` moved by `delta`: new objects only where a position
 * sits (parameter lists and other position-free parts are shared — summaries are never mutated).
 */
function shiftRanges(part: UnitSummary, delta: number): UnitSummary {
  if (delta === 0) return part;
  const r = (range: TextRange): TextRange => ({ start: range.start + delta, end: range.end + delta });
  const exports = (list: readonly RustExport[]): RustExport[] => list.map((e) => ({ ...e, nameRange: r(e.nameRange), range: r(e.range) }));
  const roots = (list: readonly StateRoot[]): StateRoot[] => list.map((x) => ({ ...x, nameRange: r(x.nameRange) }));
  return {
    exports: exports(part.exports),
    imports: part.imports.map((i) => ({ ...i, nameRange: r(i.nameRange) })),
    structs: part.structs.map((st) => ({ ...st, nameRange: r(st.nameRange), fields: st.fields.map((f) => ({ ...f, range: r(f.range) })) })),
    statics: roots(part.statics),
    fieldRoots: roots(part.fieldRoots),
    setOnAbortCalls: part.setOnAbortCalls.map((c) => ({ ...c, range: r(c.range) })),
    usesScheduleReinit: part.usesScheduleReinit,
    durableObjectStructs: part.durableObjectStructs,
    durableObjectImpls: part.durableObjectImpls.map((d) => ({ typeName: d.typeName, exports: exports(d.exports) })),
  };
}

/** One iterative walk of `top` and everything below it, adding what it finds to `part`. */
function summarizeSubtree(path: string, top: Node, tests: TestCodeOracle, aliases: TypeAliases, part: UnitSummary = emptyUnitSummary()): UnitSummary {
  const { exports, imports, structs, statics, fieldRoots, setOnAbortCalls } = part;
  const durableObjectStructs = part.durableObjectStructs;
  let usesScheduleReinit = part.usesScheduleReinit;
  const cursor = top.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      let descend = true;
      switch (type) {
        case 'function_item': {
          const node = cursor.currentNode;
          // A function without any word a summary item needs has nothing to find inside (its own
          // attributes are siblings, read below): its body is not walked.
          const walkBody = mayHaveSummaryItems(node.text);
          const list = parentOf(node);
          if (list?.type === 'declaration_list' && list && parentOf(list)?.type === 'impl_item') {
            descend = walkBody; // the method itself is handled with its impl
            break;
          }
          if (tests.isTestCode(node)) {
            descend = false;
            break;
          }
          const exported = freeFunctionExport(path, node);
          if (exported) exports.push(exported);
          descend = walkBody;
          break;
        }
        case 'impl_item': {
          const node = cursor.currentNode;
          if (tests.isTestCode(node)) {
            descend = false;
            break;
          }
          const attrs = attributesOf(node);
          const wb = attrs.find(isWasmBindgenAttribute);
          if (wb) exports.push(...implExports(path, node, wb, false));
          else if (attrs.some((a) => a.name === 'durable_object')) exports.push(...implExports(path, node, undefined, true));
          else if (node.childForFieldName('trait') && lastSegment(node.childForFieldName('trait')!.text) === 'DurableObject') {
            part.durableObjectImpls.push({ typeName: typeBaseName(node.childForFieldName('type')?.text ?? ''), exports: implExports(path, node, undefined, true) });
          }
          break;
        }
        case 'struct_item': {
          const node = cursor.currentNode;
          if (tests.isTestCode(node)) {
            descend = false;
            break;
          }
          const attrs = attributesOf(node);
          const wb = attrs.find(isWasmBindgenAttribute);
          const durable = attrs.some((a) => a.name === 'durable_object');
          if (wb || durable) {
            const s = structSummary(path, node, wb, aliases);
            if (s) {
              structs.push(s);
              if (durable) durableObjectStructs.push(s.name);
              for (const f of s.fields) {
                if (INTERIOR_MUTABLE_FIELD.test(f.type) || ATOMIC.test(f.type)) {
                  fieldRoots.push({ name: f.name, kind: 'struct_field', type: f.type, path, nameRange: f.range, owner: s.name });
                }
              }
            }
          }
          break;
        }
        case 'foreign_mod_item': {
          const node = cursor.currentNode;
          descend = false;
          if (tests.isTestCode(node)) break;
          const wb = attributesOf(node).find(isWasmBindgenAttribute);
          if (wb) imports.push(...externBlockImports(path, node, wb));
          break;
        }
        case 'static_item': {
          const node = cursor.currentNode;
          if (tests.isTestCode(node)) break;
          const root = staticItemRoot(path, node, aliases);
          if (root) statics.push(root);
          break;
        }
        case 'macro_invocation': {
          const node = cursor.currentNode;
          const name = lastSegment(node.childForFieldName('macro')?.text ?? '');
          if (name === 'thread_local' || name === 'lazy_static') {
            descend = false;
            if (tests.isTestCode(node)) break;
            const body = node.namedChildren.find((c) => c.type === 'token_tree');
            if (body) statics.push(...macroStatics(path, body, name, aliases));
          }
          break;
        }
        case 'call_expression': {
          const node = cursor.currentNode;
          const fn = node.childForFieldName('function');
          const callee = fn ? lastSegment(fn.type === 'generic_function' ? fn.childForFieldName('function')?.text ?? '' : fn.text) : '';
          if (callee === 'set_on_abort' && !tests.isTestCode(node)) {
            setOnAbortCalls.push({ range: { start: node.startIndex, end: node.endIndex }, inStart: isInStartFunction(node) });
          }
          break;
        }
        case 'identifier': {
          if (!usesScheduleReinit && cursor.nodeText === 'schedule_reinit') {
            const node = cursor.currentNode;
            if (!hasAncestor(node, 'use_declaration') && !tests.isTestCode(node)) usesScheduleReinit = true;
          }
          break;
        }
        case 'mod_item':
          if (tests.isTestCode(cursor.currentNode)) descend = false;
          break;
        case 'use_declaration':
        case 'macro_definition':
        case 'line_comment':
        case 'block_comment':
        case 'string_literal':
          descend = false;
          break;
        default:
          break;
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

  part.usesScheduleReinit = usesScheduleReinit;
  return part;
}

// ---- exports ---------------------------------------------------------------------------------------

function range(node: Node): TextRange {
  return { start: node.startIndex, end: node.endIndex };
}

function hasAncestor(node: Node, type: string): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === type) return true;
  return false;
}

/** `#[wasm_bindgen]`/`#[wasm_bindgen(start)]` free functions and workers-rs `#[event(..)]` handlers. */
function freeFunctionExport(path: string, fn: Node): RustExport | undefined {
  if (hasAncestor(fn, 'foreign_mod_item')) return undefined;
  const attrs = attributesOf(fn);
  const wb = attrs.find(isWasmBindgenAttribute);
  if (wb) {
    const args = attributeArguments(wb.args);
    return functionExport(path, fn, { args, isStart: args.has('start') });
  }
  const event = attrs.find((a) => a.name === 'event' && a.args);
  if (event) {
    const kind = [...attributeArguments(event.args).keys()][0];
    if (kind && WORKERS_EVENTS.has(kind)) return functionExport(path, fn, { args: new Map(), isStart: kind === 'start', jsName: kind });
  }
  return undefined;
}

/** Startable check used for `set_on_abort` placement: the nearest function is a start function. */
function isInStartFunction(node: Node): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.type !== 'function_item') continue;
    const attrs = attributesOf(n);
    if (attrs.some((a) => isWasmBindgenAttribute(a) && attributeArguments(a.args).has('start'))) return true;
    if (attrs.some((a) => a.name === 'event' && attributeArguments(a.args).has('start'))) return true;
    return false;
  }
  return false;
}

function implExports(path: string, impl: Node, wb: Attribute | undefined, durableObject: boolean): RustExport[] {
  const out: RustExport[] = [];
  const implType = typeBaseName(impl.childForFieldName('type')?.text ?? '');
  const implArgs = attributeArguments(wb?.args ?? null);
  const jsClass = stringArg(implArgs, 'js_class') ?? implType;
  const body = impl.childForFieldName('body');
  if (!body) return out;
  for (const item of body.namedChildren) {
    if (item.type !== 'function_item') continue;
    const isPub = item.namedChildren.some((c) => c.type === 'visibility_modifier' && c.text === 'pub');
    if (!durableObject && !isPub) continue;
    const methodWb = attributesOf(item).find(isWasmBindgenAttribute);
    const args = attributeArguments(methodWb?.args ?? null);
    if (args.has('skip')) continue;
    out.push(functionExport(path, item, { args, isStart: false, implType, jsClass }));
  }
  return out;
}

function stringArg(args: Map<string, string | true>, key: string): string | undefined {
  const v = args.get(key);
  return typeof v === 'string' ? v : undefined;
}

function functionExport(
  path: string, fn: Node,
  opts: { args: Map<string, string | true>; isStart: boolean; jsName?: string; implType?: string; jsClass?: string },
): RustExport {
  const nameNode = fn.childForFieldName('name');
  const name = nameNode?.text ?? '';
  const params: { name: string; type: string }[] = [];
  let receiver: Receiver = 'none';
  const parameters = fn.childForFieldName('parameters');
  for (const p of parameters?.namedChildren ?? []) {
    if (p.type === 'self_parameter') receiver = receiverOf(p.text);
    else if (p.type === 'parameter') {
      params.push({ name: p.childForFieldName('pattern')?.text ?? '', type: p.childForFieldName('type')?.text ?? '' });
    }
  }
  const modifiers = fn.namedChildren.find((c) => c.type === 'function_modifiers');
  return {
    name,
    jsName: stringArg(opts.args, 'js_name') ?? opts.jsName ?? name,
    path,
    nameRange: nameNode ? range(nameNode) : range(fn),
    range: range(fn),
    receiver,
    isAsync: modifiers ? /\basync\b/.test(modifiers.text) : false,
    implType: opts.implType,
    jsClass: opts.jsClass,
    isConstructor: opts.args.has('constructor'),
    params,
    returnType: fn.childForFieldName('return_type')?.text,
    isStart: opts.isStart,
    ...accessorOf(opts.args, stringArg(opts.args, 'js_name') ?? name),
  };
}

/** `getter`/`setter` (optionally `= name`): the JS property the method stands for. */
function accessorOf(args: Map<string, string | true>, jsName: string): Pick<RustExport, 'accessor'> {
  for (const kind of ['getter', 'setter'] as const) {
    const v = args.get(kind);
    if (v === undefined) continue;
    const property = typeof v === 'string' ? v : kind === 'setter' ? jsName.replace(/^set_/, '') : jsName;
    return { accessor: { kind, property } };
  }
  return {};
}

function receiverOf(text: string): Receiver {
  const t = text.replace(/\s+/g, ' ').replace(/'[A-Za-z_]+\s*/, '').replace(/:.*$/, '').trim();
  if (t.startsWith('&')) return /\bmut\b/.test(t) ? '&mut self' : '&self';
  return 'self';
}

// ---- structs ---------------------------------------------------------------------------------------

function structSummary(path: string, node: Node, wb: Attribute | undefined, aliases: TypeAliases): RustStruct | undefined {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return undefined;
  const args = attributeArguments(wb?.args ?? null);
  const fields: { name: string; type: string; isPub: boolean; range: TextRange; jsReadonly?: boolean }[] = [];
  const body = node.childForFieldName('body');
  if (body?.type === 'field_declaration_list') {
    for (const f of body.namedChildren) {
      if (f.type !== 'field_declaration') continue;
      const fname = f.childForFieldName('name');
      const ftype = f.childForFieldName('type');
      if (!fname || !ftype) continue;
      const isPub = f.namedChildren.some((c) => c.type === 'visibility_modifier' && c.text === 'pub');
      const skipped = attributesOf(f).some((a) => isWasmBindgenAttribute(a) && attributeArguments(a.args).has('skip'));
      const jsReadonly = attributesOf(f).some((a) => isWasmBindgenAttribute(a) && attributeArguments(a.args).has('readonly'));
      fields.push({ name: fname.text, type: resolveAliases(ftype.text, aliases), isPub: isPub && !skipped, range: range(fname), ...(jsReadonly ? { jsReadonly } : {}) });
    }
  }
  return { name: nameNode.text, jsName: stringArg(args, 'js_name') ?? nameNode.text, path, nameRange: range(nameNode), fields };
}

// ---- imports ---------------------------------------------------------------------------------------

function externBlockImports(path: string, block: Node, wb: Attribute): RustImport[] {
  const out: RustImport[] = [];
  const blockArgs = attributeArguments(wb.args);
  const body = block.childForFieldName('body');
  for (const item of body?.namedChildren ?? []) {
    if (item.type !== 'function_signature_item') continue;
    const nameNode = item.childForFieldName('name');
    if (!nameNode) continue;
    const own = new Map<string, string | true>();
    for (const a of attributesOf(item)) if (isWasmBindgenAttribute(a)) for (const [k, v] of attributeArguments(a.args)) own.set(k, v);
    const value = (k: string) => stringArg(own, k) ?? stringArg(blockArgs, k);
    const params = item.childForFieldName('parameters')?.namedChildren ?? [];
    const firstParam = params.find((p) => p.type === 'parameter');
    const staticMethodOf = value('static_method_of');
    const imp: RustImport = {
      name: nameNode.text,
      jsName: stringArg(own, 'js_name'),
      path,
      nameRange: range(nameNode),
      catch: own.has('catch'),
      method: own.has('method'),
      jsNamespace: namespaceText(own.get('js_namespace') ?? blockArgs.get('js_namespace')),
      module: value('module') ?? value('raw_module') ?? value('inline_js'),
      returnType: item.childForFieldName('return_type')?.text,
      staticMethodOf,
      isConstructor: own.has('constructor'),
      isGetter: own.has('getter') || own.has('indexing_getter'),
      isSetter: own.has('setter') || own.has('indexing_setter'),
      selfType: own.has('method') && firstParam ? typeBaseName((firstParam.childForFieldName('type')?.text ?? '').replace(/^&\s*(mut\s+)?/, '')) : undefined,
      inlineJs: typeof blockArgs.get('inline_js') === 'string' ? inlineJsFunction(blockArgs.get('inline_js') as string, stringArg(own, 'js_name') ?? nameNode.text) : undefined,
    };
    out.push(imp);
  }
  return out;
}

/** The source of `function NAME(…) { … }` (or `NAME = (…) => { … }`) in an `inline_js` module, by brace matching. */
function inlineJsFunction(source: string, name: string): string | undefined {
  const js = source;
  const m = new RegExp(`(?:function\\s+${name}\\s*\\(|\\b${name}\\s*=\\s*(?:async\\s*)?(?:function\\s*)?\\()`).exec(js);
  if (!m) return undefined;
  const open = js.indexOf('{', m.index);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < js.length; i++) {
    if (js[i] === '{') depth++;
    else if (js[i] === '}' && --depth === 0) return js.slice(m.index, i + 1);
  }
  return undefined;
}

/** `js_namespace = console` → `console`; `js_namespace = ["a", "b"]` → `a.b`. */
function namespaceText(v: string | true | undefined): string | undefined {
  if (typeof v !== 'string') return undefined;
  const parts = [...v.matchAll(/"([^"]*)"|([A-Za-z_$][A-Za-z0-9_$]*)/g)].map((m) => m[1] ?? m[2]);
  return parts.length > 0 ? parts.join('.') : v;
}

// ---- state roots -----------------------------------------------------------------------------------

function staticItemRoot(path: string, node: Node, aliases: TypeAliases): StateRoot | undefined {
  const nameNode = node.childForFieldName('name');
  const typeNode = node.childForFieldName('type');
  if (!nameNode || !typeNode) return undefined;
  const isMut = node.namedChildren.some((c) => c.type === 'mutable_specifier');
  const type = resolveAliases(typeNode.text, aliases);
  if (!isMut && !INTERIOR_MUTABLE_STATIC.test(type) && !ATOMIC.test(type)) return undefined;
  return { name: nameNode.text, kind: isMut ? 'static mut' : 'static', type, init: node.childForFieldName('value')?.text, path, nameRange: range(nameNode) };
}

/**
 * `thread_local! { [attrs] [pub] static NAME: TYPE = [const] INIT; … }` and
 * `lazy_static! { [attrs] [pub] static ref NAME: TYPE = INIT; … }`: the macro body is an unparsed token
 * tree, so the declarations are recovered from its top-level tokens.
 */
export function macroStatics(path: string, body: Node, macro: 'thread_local' | 'lazy_static', aliases: TypeAliases = NO_ALIASES): StateRoot[] {
  const out: StateRoot[] = [];
  const tokens: Node[] = [];
  for (let i = 0; i < body.childCount; i++) {
    const t = body.child(i);
    if (t && t.type !== 'line_comment' && t.type !== 'block_comment') tokens.push(t);
  }
  // `'static` is tokenised as `'` + `static`: only a `static` keyword not preceded by `'` starts a declaration.
  const isStaticKeyword = (k: number) => tokens[k]?.type === 'static' && tokens[k - 1]?.type !== "'";
  for (let i = 0; i < tokens.length; i++) {
    if (!isStaticKeyword(i)) continue;
    let j = i + 1;
    if (tokens[j]?.type === 'mutable_specifier' || tokens[j]?.text === 'mut') j++;
    if (tokens[j]?.text === 'ref') j++;
    const nameNode = tokens[j];
    if (!nameNode || nameNode.type !== 'identifier' || tokens[j + 1]?.type !== ':') continue;
    let k = j + 2;
    const typeStart = k;
    while (k < tokens.length && tokens[k].type !== '=' && tokens[k].type !== ';' && !isStaticKeyword(k)) k++;
    const typeEnd = k;
    if (typeEnd <= typeStart) continue;
    let init: string | undefined;
    if (tokens[k]?.type === '=') {
      let m = k + 1;
      const initStart = m;
      while (m < tokens.length && tokens[m].type !== ';' && !(m === tokens.length - 1 && /^[)}\]]$/.test(tokens[m].type))) m++;
      if (m > initStart) init = textOfTokens(body, tokens[initStart], tokens[m - 1]).replace(/^const\s*/, '');
      k = m;
    }
    out.push({
      name: nameNode.text,
      kind: macro,
      type: resolveAliases(textOfTokens(body, tokens[typeStart], tokens[typeEnd - 1]), aliases),
      init,
      path,
      nameRange: range(nameNode),
    });
    i = k;
  }
  return out;
}

function textOfTokens(container: Node, first: Node, last: Node): string {
  return container.text.slice(first.startIndex - container.startIndex, last.endIndex - container.startIndex).replace(/\s+/g, ' ').trim();
}
