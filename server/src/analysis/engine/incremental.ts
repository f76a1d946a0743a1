// Incremental linting of an edited file: what the Linter may reuse from its previous run of the same
// path. A file is cut into top-level units (an item with the attributes and comments above it); an
// edit usually changes one. A rule's findings for a unit are kept from the last run when
//  - the unit's text is unchanged and it is in the unchanged prefix or suffix of the file (so the
//    order of everything it could compare positions with is unchanged),
//  - the file-level facts are unchanged (`fileKey`: crate, crate index without positions, settings,
//    this file's structs and function names …; rust/env.ts),
//  - the rule's work on the unit did not read the whole file or another file (engine/file-reads.ts),
//    and the rule neither aggregates over the file (`finish`) nor visits the file node itself,
//  - every position in the findings lies in the unchanged prefix or suffix, so moving it by the edit's
//    length change is exact.
// Anything else is recomputed. Findings are stored as plain data (no tree nodes: trees are replaced by
// each edit) and never carry fixes: runs that want fixes are not incremental.

import type { Node } from 'web-tree-sitter';
import type { RelatedLocation, Severity, TextRange } from '../model';

/**
 * An item at the top of the file with the attributes and comments directly above it — or, inside an
 * `impl` block, one member with what is above it, and the block's `shell` (its
 * attributes, header and braces: what visits of the `impl` node itself see).
 */
export interface Unit {
  readonly kind: 'item' | 'member' | 'shell';
  /** The nodes whose subtrees belong to the unit (for a shell: the attributes above and the impl node); looked up on first use. */
  readonly nodes: readonly Node[];
  readonly start: number;
  readonly end: number;
  /**
   * Equal `key`, `type` and `context` mean equal subtrees ({@link sameUnit}): `key` is the unit's text
   * (a copy of its own: splits of an open document are kept from one version to the next, and a unit
   * that an edit did not touch keeps the same string — compared and hashed at no cost); `type` the
   * item's node type (`shell` for shells); `context`, for members, the header of their `impl` (their
   * analysis reads its attributes and type).
   */
  readonly key: string;
  readonly type: string;
  readonly context: string;
  /** For shells: the `impl` block's body, whose members are units of their own. */
  readonly body?: Node;
}

/**
 * A unit as plain data, what a document's split keeps between versions: where its nodes are among their
 * parent's children (items and shells: the root's children `first`..`first+count-1`; members: the named
 * children of the body of the `impl` at root child `parent`).
 */
interface UnitRecord {
  readonly kind: Unit['kind'];
  readonly start: number;
  readonly end: number;
  readonly key: string;
  readonly type: string;
  readonly context: string;
  readonly first: number;
  readonly count: number;
  readonly parent: number;
}

/** The split of one version of a document (the records, and the units made from them for its tree). */
interface Split {
  readonly generation: number;
  readonly text: string;
  readonly records: readonly UnitRecord[];
  readonly childCount: number;
  units?: { readonly root: Node; readonly list: Unit[] };
}

/** What a split needs to know of the document it splits (ParsedDocument). */
export interface SplitSource {
  readonly generation: number;
  readonly lastUpdate?: { readonly change: { readonly start: number; readonly oldEnd: number; readonly newEnd: number } };
}

/** A Unit over a record: its nodes are looked up in the tree when first asked for (most units' never are). */
class TreeUnit implements Unit {
  private resolved: readonly Node[] | undefined;
  private resolvedBody: Node | undefined;

  constructor(private readonly record: UnitRecord, private readonly root: Node) {}

  /** The record (plain data, no nodes). */
  get plain(): UnitRecord { return this.record; }
  get kind(): Unit['kind'] { return this.record.kind; }
  get start(): number { return this.record.start; }
  get end(): number { return this.record.end; }
  get key(): string { return this.record.key; }
  get type(): string { return this.record.type; }
  get context(): string { return this.record.context; }

  get nodes(): readonly Node[] {
    if (this.resolved) return this.resolved;
    const { kind, first, count, parent } = this.record;
    const nodes: Node[] = [];
    if (kind === 'member') {
      const body = implBody(this.root.child(parent));
      for (let i = first; i < first + count; i++) nodes.push(body!.namedChild(i)!);
    } else {
      for (let i = first; i < first + count; i++) nodes.push(this.root.child(i)!);
    }
    return (this.resolved = nodes);
  }

  get body(): Node | undefined {
    if (this.record.kind !== 'shell') return undefined;
    return (this.resolvedBody ??= implBody(this.nodes[this.nodes.length - 1])!);
  }
}

/** A unit as plain data (what a FileRun keeps): a split's own record, not a copy, when there is one. */
export function plainUnit(unit: Unit): Pick<Unit, 'kind' | 'start' | 'end' | 'key' | 'type' | 'context'> {
  if (unit instanceof TreeUnit) return unit.plain;
  return { kind: unit.kind, start: unit.start, end: unit.end, key: unit.key, type: unit.type, context: unit.context };
}

/** The `declaration_list` body of an `impl` item, else undefined (its members are then not units of their own). */
function implBody(node: Node | null): Node | undefined {
  if (node?.type !== 'impl_item') return undefined;
  const body = node.childForFieldName('body');
  return body?.type === 'declaration_list' ? body : undefined;
}

/** The nodes of `unit` whose type is in `types`, in document order (pre-order). */
export function nodesOfUnit(unit: Unit, types: readonly string[], typeSet: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const add = (node: Node): void => {
    for (const n of node.descendantsOfType(types as string[])) if (n) out.push(n);
  };
  if (unit.kind !== 'shell') {
    for (const node of unit.nodes) add(node);
    return out;
  }
  const impl = unit.nodes[unit.nodes.length - 1];
  for (const node of unit.nodes) if (node.id !== impl.id) add(node);
  if (typeSet.has(impl.type)) out.push(impl);
  for (const child of impl.children) {
    if (!child) continue;
    if (child.id !== unit.body!.id) add(child);
    else if (typeSet.has(child.type)) out.push(child);
  }
  return out;
}
/** A finding of a cached run, as plain data. */
export interface StoredReport {
  readonly range: TextRange;
  readonly message: string;
  readonly severity?: Severity;
  readonly related?: readonly RelatedLocation[];
}

/** What one run of one file leaves for the next. */
export interface FileRun {
  readonly fileKey: readonly string[];
  readonly settingsKey: string;
  readonly textLength: number;
  readonly units: readonly Pick<Unit, 'kind' | 'start' | 'end' | 'key' | 'type' | 'context'>[];
  /** Per unit: what the rules left there. */
  readonly results: readonly UnitResult[];
  /** Whatever else the language's file key was computed from, per unit text (rust/env.ts `UnitScan`). */
  readonly scans?: ReadonlyMap<string, unknown>;
}

/**
 * What the rules left in one unit: the findings and records of rules that found or collected something
 * (every other rule found nothing), and the rules whose work there cannot be reused (it read the whole
 * file, or the rule failed).
 */
export interface UnitResult {
  readonly found: ReadonlyMap<string, StoredUnit>;
  readonly rerun: ReadonlySet<string>;
}

/** A unit where no rule found, collected or read anything beyond it: nothing to move, nothing to re-run. */
export const CLEAN_UNIT: UnitResult = Object.freeze({ found: new Map<string, StoredUnit>(), rerun: new Set<string>() });

/** What one rule left for one unit. */
export interface StoredUnit {
  readonly reports: readonly StoredReport[];
  readonly records: readonly object[];
}

const ATTACHED_ABOVE = new Set(['attribute_item', 'line_comment', 'block_comment']);

/**
 * The units of a file in document order; every child of the root belongs to exactly one (an `impl`
 * block's members are units of their own after its shell). With `source` (a kept document), the split
 * is remembered for the document's version and the next version's split is derived from it: top-level
 * groups (an item, or a shell with its members) that end before the last re-parse's edit are kept,
 * those that start after it are moved (same key strings), and only the root's children in between are
 * split again. They are taken over on the terms units are always matched on (equal text, type and
 * place: equal subtree, {@link sameUnit}), once the tree's children at both borders are found where the
 * old split puts them: an edit whose parse reaches further (an unclosed brace or string swallowing
 * what follows, error recovery wrapping what precedes) moves a border, and then all is split again.
 * (tree-sitter's changed ranges were tried for the borders: comparing both trees cost 2 ms an edit.)
 */
export function splitIntoUnits(root: Node, text: string, source?: SplitSource): Unit[] {
  if (!source) return unitsOf(splitRecords(root, text, 0, root.childCount, []), root);
  const known = SPLITS.get(source);
  let split: Split | undefined;
  if (known && known.generation === source.generation && known.text === text) {
    split = known;
  } else {
    const derived = known && known.generation === source.generation - 1 && source.lastUpdate ? deriveSplit(known, source.lastUpdate, root, text) : undefined;
    if (derived) SPLIT_COUNTS.derived++;
    else SPLIT_COUNTS.whole++;
    split = { generation: source.generation, text, records: derived ?? splitRecords(root, text, 0, root.childCount, []), childCount: root.childCount };
    SPLITS.set(source, split);
  }
  if (split.units?.root.id !== root.id || split.units.root.tree !== root.tree) split.units = { root, list: unitsOf(split.records, root) };
  return split.units.list;
}

/** Drops the nodes a document's kept split holds for its tree (the records stay for the next version). */
export function forgetSplitNodes(source: SplitSource): void {
  const split = SPLITS.get(source);
  if (split) split.units = undefined;
}

const SPLITS = new WeakMap<SplitSource, Split>();

/** How the splits of kept documents were made (tests check that edits take the derived path). */
export const SPLIT_COUNTS = { derived: 0, whole: 0 };

function unitsOf(records: readonly UnitRecord[], root: Node): Unit[] {
  return records.map((r) => new TreeUnit(r, root));
}

/**
 * Splits the root's children `from`..`to-1` into records (appended to `out`); `reuse`: records of a
 * previous split of the same text region, whose keys are taken over when start and end match.
 */
function splitRecords(root: Node, text: string, from: number, to: number, out: UnitRecord[], reuse?: ReadonlyMap<number, UnitRecord>): UnitRecord[] {
  const close = (group: readonly IndexedNode[]): void => {
    const item = group[group.length - 1].node;
    const start = group[0].node.startIndex;
    const end = item.endIndex;
    const first = group[0].index;
    const body = implBody(item);
    const key = keyOf(text, start, end, reuse);
    if (!body) {
      out.push({ kind: 'item', start, end, key, type: item.type, context: '', first, count: group.length, parent: -1 });
      return;
    }
    out.push({ kind: 'shell', start, end, key, type: 'shell', context: '', first, count: group.length, parent: -1 });
    const header = copyOf(text.slice(start, body.startIndex));
    const members = body.namedChildren;
    groupAttached(0, members.length, (index) => members[index], (m) => {
      const member = m[m.length - 1].node;
      const from = m[0].node.startIndex;
      out.push({ kind: 'member', start: from, end: member.endIndex, key: keyOf(text, from, member.endIndex, reuse), type: member.type, context: header, first: m[0].index, count: m.length, parent: group[group.length - 1].index });
    });
  };
  // All children: one call marshals them all; a range (a derived split's middle): one by one.
  const all = from === 0 && to === root.childCount ? root.children : undefined;
  groupAttached(from, to, (index) => (all ? all[index] : root.child(index)), close);
  return out;
}

interface IndexedNode {
  readonly node: Node;
  /** Its place among its parent's children (named children, for members). */
  readonly index: number;
}

/** Groups the nodes `from`..`to-1` so that attributes and comments go with the item below them. */
function groupAttached(from: number, to: number, nodeAt: (index: number) => Node | null | undefined, close: (group: readonly IndexedNode[]) => void): void {
  let pending: IndexedNode[] = [];
  for (let index = from; index < to; index++) {
    const node = nodeAt(index);
    if (!node) continue;
    pending.push({ node, index });
    if (!ATTACHED_ABOVE.has(node.type)) {
      close(pending);
      pending = [];
    }
  }
  if (pending.length > 0) close(pending);
}

/** A unit's key: the same string as the previous split's unit at the same place with the same text, else a copy. */
function keyOf(text: string, start: number, end: number, reuse?: ReadonlyMap<number, UnitRecord>): string {
  const previous = reuse?.get(start);
  if (previous && previous.end === end) {
    const key = text.slice(start, end);
    if (key === previous.key) return previous.key;
  }
  return copyOf(text.slice(start, end));
}

/** A flat copy of a slice: kept keys must not hold on to the version of the text they were cut from. */
function copyOf(slice: string): string {
  return slice.length === 0 ? '' : (' ' + slice).slice(1);
}

/**
 * The next version's records from the previous version's, or undefined when the borders do not line up
 * (then the caller splits everything).
 */
function deriveSplit(previous: Split, update: NonNullable<SplitSource['lastUpdate']>, root: Node, text: string): UnitRecord[] | undefined {
  const { change } = update;
  const delta = change.newEnd - change.oldEnd;
  if (previous.text.length + delta !== text.length) return undefined;
  const low = change.start;
  const highOld = change.oldEnd;
  const records = previous.records;
  // Whole top-level groups only (a shell with its members): prefix ends before `low`, suffix starts after `highOld`.
  const topLevel: number[] = [];
  records.forEach((r, i) => {
    if (r.kind !== 'member') topLevel.push(i);
  });
  let prefix = 0; // top-level groups kept as they are
  while (prefix < topLevel.length && records[topLevel[prefix]].end < low) prefix++;
  let suffixStart = topLevel.length; // first top-level group kept, moved
  while (suffixStart > prefix && records[topLevel[suffixStart - 1]].start > highOld) suffixStart--;
  const childCount = root.childCount;
  const childDelta = childCount - previous.childCount;
  const prefixEnd = prefix < topLevel.length ? topLevel[prefix] : records.length; // record index
  const suffixFrom = suffixStart < topLevel.length ? topLevel[suffixStart] : records.length; // record index
  const lastPrefix = prefix > 0 ? records[topLevel[prefix - 1]] : undefined;
  const firstSuffix = suffixStart < topLevel.length ? records[topLevel[suffixStart]] : undefined;
  const middleFrom = lastPrefix ? lastPrefix.first + lastPrefix.count : 0;
  const middleTo = firstSuffix ? firstSuffix.first + childDelta : childCount;
  if (middleTo < middleFrom) return undefined;
  // Every kept group must still be what its record says — the borders above all (the last kept group
  // ends where it did, the first moved one starts where it moved to), but error recovery can also turn
  // a group far from the edit into an ERROR node of the same extent (an `impl` at the end of the file,
  // after a comment was broken open at its start). One cursor pass over the root's children, one
  // marshal of each kept `impl` body's. (Checking only the borders while neither tree has an error was
  // tried: almost every wasm-bindgen file has one — tree-sitter-rust 0.24 parses `pub type Foo;` in an
  // `extern "C"` block as an ERROR.) And nothing attached (an attribute, a comment) may sit right above
  // the first moved group: it would belong to it.
  const attachedCheck = firstSuffix && middleTo > middleFrom ? middleTo - 1 : -1;
  if (!keptRecordsFit(root, records, prefixEnd, suffixFrom, delta, childDelta, attachedCheck)) return undefined;
  const out: UnitRecord[] = records.slice(0, prefixEnd);
  // Keys of the old middle records can still be reused where the text did not change (an edit inside a
  // member leaves the other members of its impl as they were).
  const reuse = new Map<number, UnitRecord>();
  for (let i = prefixEnd; i < suffixFrom; i++) {
    const r = records[i];
    if (r.end <= change.start) reuse.set(r.start, r);
    else if (r.start >= change.oldEnd) reuse.set(r.start + delta, { ...r, start: r.start + delta, end: r.end + delta });
  }
  splitRecords(root, text, middleFrom, middleTo, out, reuse);
  for (let i = suffixFrom; i < records.length; i++) {
    const r = records[i];
    // (All fields spelled out, in splitRecords' order: one object shape, no spread.)
    const member = r.kind === 'member';
    out.push({
      kind: r.kind, start: r.start + delta, end: r.end + delta, key: r.key, type: r.type, context: r.context,
      first: member ? r.first : r.first + childDelta, count: r.count, parent: member ? r.parent + childDelta : -1,
    });
  }
  return out;
}

/**
 * True when the previous split's kept records — the whole groups (shells with their members) `0`..
 * `prefixEnd-1` where they were, and `suffixFrom`.. moved by `shift` characters and `childShift` root
 * children — still describe the tree: each group starts and ends where the record says, an item has the
 * recorded type, a shell is still an `impl` with a body whose named children are the recorded members
 * (same extents and types); and the root child at `attachedCheck` (unless -1) is not an attribute or
 * comment. One cursor pass over the root's children (no `Node` per child: reading a child's extent and
 * type through the cursor costs two thirds of marshalling all children, and allocates nothing).
 */
function keptRecordsFit(root: Node, records: readonly UnitRecord[], prefixEnd: number, suffixFrom: number, shift: number, childShift: number, attachedCheck: number): boolean {
  const cursor = root.walk();
  try {
    if (!cursor.gotoFirstChild()) return prefixEnd === 0 && suffixFrom === records.length && attachedCheck < 0;
    let at = 0; // the index of the child the cursor is on
    const moveTo = (index: number): boolean => {
      while (at < index) {
        if (!cursor.gotoNextSibling()) return false;
        at++;
      }
      return at === index;
    };
    const groupsFit = (from: number, to: number, shift: number, childShift: number): boolean => {
      for (let i = from; i < to; ) {
        const r = records[i++];
        const first = r.first + childShift;
        if (!moveTo(first) || cursor.startIndex !== r.start + shift) return false;
        if (!moveTo(first + r.count - 1) || cursor.endIndex !== r.end + shift) return false;
        if (r.kind === 'item') {
          if (cursor.nodeType !== r.type) return false;
          continue;
        }
        const body = implBody(cursor.currentNode);
        if (!body) return false;
        const members = body.namedChildren;
        let membersSeen = 0;
        for (; i < to && records[i].kind === 'member'; i++) {
          const m = records[i];
          const head = members[m.first];
          const last = members[m.first + m.count - 1];
          if (!head || !last || head.startIndex !== m.start + shift || last.endIndex !== m.end + shift || last.type !== m.type) return false;
          membersSeen += m.count;
        }
        if (membersSeen !== members.length) return false;
      }
      return true;
    };
    if (!groupsFit(0, prefixEnd, 0, 0)) return false;
    if (attachedCheck >= 0 && (!moveTo(attachedCheck) || ATTACHED_ABOVE.has(cursor.nodeType))) return false;
    return groupsFit(suffixFrom, records.length, shift, childShift);
  } finally {
    cursor.delete();
  }
}

/** Units with equal text, type and context: their subtrees are equal. */
export function sameUnit(a: Pick<Unit, 'key' | 'type' | 'context'>, b: Pick<Unit, 'key' | 'type' | 'context'>): boolean {
  return a.key === b.key && a.type === b.type && a.context === b.context;
}

/** Which units of the new run match units of the old one, and how positions move between them. */
export interface Alignment {
  /** Per new unit: the index of the same unit in the old run, or -1. */
  readonly oldIndexOf: Int32Array;
  /** Maps a range of the old run to the new one; undefined when it touches the changed middle. */
  mapRange(range: TextRange): TextRange | undefined;
}

/**
 * Matches the unchanged prefix (same text at the same offsets) and suffix (same text, same distance to
 * the end) of the items and members; a shell matches when its whole block is unchanged and moved exactly.
 */
export function alignUnits(previous: FileRun, units: readonly Unit[], textLength: number): Alignment {
  const oldLeaves: number[] = [];
  const oldShells = new Map<string, number[]>();
  previous.units.forEach((u, i) => {
    if (u.kind !== 'shell') oldLeaves.push(i);
    else oldShells.set(u.key, [...(oldShells.get(u.key) ?? []), i]);
  });
  const newLeaves: number[] = [];
  units.forEach((u, i) => {
    if (u.kind !== 'shell') newLeaves.push(i);
  });
  const old = previous.units;
  const oldIndexOf = new Int32Array(units.length).fill(-1);
  const limit = Math.min(oldLeaves.length, newLeaves.length);
  let prefix = 0;
  while (prefix < limit) {
    const o = old[oldLeaves[prefix]];
    const n = units[newLeaves[prefix]];
    if (o.start !== n.start || !sameUnit(o, n)) break;
    oldIndexOf[newLeaves[prefix]] = oldLeaves[prefix];
    prefix++;
  }
  const delta = textLength - previous.textLength;
  let suffix = 0;
  while (prefix + suffix < limit) {
    const oi = oldLeaves[oldLeaves.length - 1 - suffix];
    const ni = newLeaves[newLeaves.length - 1 - suffix];
    if (old[oi].start + delta !== units[ni].start || !sameUnit(old[oi], units[ni])) break;
    oldIndexOf[ni] = oi;
    suffix++;
  }
  // Old offsets up to `unchangedUntil` are the same in the new text; from `unchangedFrom` on they move by `delta`.
  const unchangedUntil = prefix > 0 ? old[oldLeaves[prefix - 1]].end : 0;
  const unchangedFrom = suffix > 0 ? old[oldLeaves[oldLeaves.length - suffix]].start : previous.textLength;
  const mapRange = (range: TextRange): TextRange | undefined => {
    if (range.end <= unchangedUntil) return range;
    if (range.start >= unchangedFrom) return delta === 0 ? range : { start: range.start + delta, end: range.end + delta };
    return undefined;
  };
  units.forEach((u, i) => {
    if (u.kind !== 'shell') return;
    const candidate = oldShells.get(u.key)?.find((oi) => {
      const to = mapRange(old[oi]);
      return to !== undefined && to.start === u.start && to.end === u.end;
    });
    if (candidate !== undefined) oldIndexOf[i] = candidate;
  });
  return { oldIndexOf, mapRange };
}

/** Moves a stored finding into the new text (itself when nothing moves); undefined when one of its positions cannot be moved. */
export function moveReport(report: StoredReport, path: string, alignment: Alignment): StoredReport | undefined {
  const range = alignment.mapRange(report.range);
  if (!range) return undefined;
  let changed = range !== report.range;
  let related = report.related;
  if (related && related.some((r) => r.path === path)) {
    const moved: RelatedLocation[] = [];
    for (const r of related) {
      const to = r.path === path ? alignment.mapRange(r.range) : r.range;
      if (!to) return undefined;
      if (to !== r.range) changed = true;
      moved.push(to === r.range ? r : { ...r, range: to });
    }
    related = moved;
  }
  return changed ? { range, message: report.message, severity: report.severity, related } : report;
}

/** Moves what a rule left for a unit into the new text; undefined when some position cannot be moved. */
export function moveUnit(unit: StoredUnit, path: string, alignment: Alignment): StoredUnit | undefined {
  if (unit.reports.length === 0 && unit.records.length === 0) return unit;
  let changed = false;
  const reports: StoredReport[] = [];
  for (const report of unit.reports) {
    const moved = moveReport(report, path, alignment);
    if (!moved) return undefined;
    if (moved !== report) changed = true;
    reports.push(moved);
  }
  const records: object[] = [];
  for (const record of unit.records) {
    const moved = moveRecord(record, alignment);
    if (moved === undefined) return undefined;
    if (moved !== record) changed = true;
    records.push(moved as object);
  }
  // Before the edit nothing moves: the stored unit serves as it is (no copy per unit and edit).
  return changed ? { reports, records } : unit;
}

/**
 * What the rules left in a unit, moved into the new text (itself when nothing moved); undefined when
 * some position cannot be moved (then the rules concerned visit the unit again).
 */
export function moveUnitResult(result: UnitResult, path: string, alignment: Alignment): UnitResult | undefined {
  let found: Map<string, StoredUnit> | undefined;
  let ok = true;
  result.found.forEach((stored, id) => {
    if (!ok) return;
    const moved = moveUnit(stored, path, alignment);
    if (!moved) ok = false;
    else if (moved !== stored) (found ??= new Map(result.found)).set(id, moved);
  });
  if (!ok) return undefined;
  return found ? { found, rerun: result.rerun } : result;
}

/**
 * A `collect`ed record with every `…range`/`…Range` moved (a copy where something moved), or undefined
 * when a range lies in the changed part. Records are small plain data; no JSON round trip.
 */
function moveRecord(value: unknown, alignment: Alignment, key = ''): unknown {
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const moved = moveRecord(item, alignment);
      if (moved === undefined && item !== undefined) return undefined;
      if (moved !== item) changed = true;
      out.push(moved);
    }
    return changed ? out : value;
  }
  if (endsWithRange(key) && typeof (value as TextRange).start === 'number') return alignment.mapRange(value as TextRange);
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const moved = moveRecord(v, alignment, k);
    if (moved === undefined && v !== undefined) return undefined;
    if (moved !== v) changed = true;
    out[k] = moved;
  }
  return changed ? out : value;
}

/** `key` ends with `range`, any case (`range`, `nameRange`): `/range$/i` without a regex run per key. */
function endsWithRange(key: string): boolean {
  const n = key.length;
  return n >= 5 && (key.charCodeAt(n - 5) | 32) === 0x72 && (key.charCodeAt(n - 4) | 32) === 0x61 && (key.charCodeAt(n - 3) | 32) === 0x6e &&
    (key.charCodeAt(n - 2) | 32) === 0x67 && (key.charCodeAt(n - 1) | 32) === 0x65;
}

/** The last runs of the most recently linted files (a small LRU: open documents are what gets edited). */
export class RunCache {
  private readonly runs = new Map<string, FileRun>();

  constructor(private readonly capacity = 16) {}

  get(path: string): FileRun | undefined {
    return this.runs.get(path);
  }

  set(path: string, run: FileRun): void {
    this.runs.delete(path);
    this.runs.set(path, run);
    while (this.runs.size > this.capacity) this.runs.delete(this.runs.keys().next().value as string);
  }

  forget(path?: string): void {
    if (path === undefined) this.runs.clear();
    else this.runs.delete(path);
  }
}
