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

import type { Node, Tree } from 'web-tree-sitter';
import type { RelatedLocation, Severity, TextRange } from '../model';

/**
 * An item at the top of the file with the attributes and comments directly above it — or, inside an
 * `impl` block, one member with what is above it, and the block's `shell` (its
 * attributes, header and braces: what visits of the `impl` node itself see).
 */
export interface Unit {
  readonly kind: 'item' | 'member' | 'shell';
  /** The nodes whose subtrees belong to the unit (for a shell: the attributes above and the impl node). */
  readonly nodes: readonly Node[];
  readonly start: number;
  readonly end: number;
  /**
   * Equal `key`, `type` and `context` mean equal subtrees ({@link sameUnit}): `key` is the unit's text,
   * a slice of the file's text (no copy: the file's text is kept anyway, and nothing long-lived is
   * allocated per unit — each edit makes a new split); `type` the item's node type (`shell` for shells);
   * `context`, for members, the header of their `impl` (their analysis reads its attributes and type).
   */
  readonly key: string;
  readonly type: string;
  readonly context: string;
  /** For shells: the `impl` block's body, whose members are units of their own. */
  readonly body?: Node;
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
 * block's members are units of their own after its shell). `remember`: keep the split for this tree
 * until `forgetSplit` (the Linter's run), so the summary built in the same run reuses it.
 */
export function splitIntoUnits(root: Node, text: string, remember = false): Unit[] {
  // The Linter splits first and remembers the split for its run (forgetSplit), so the summary that its
  // file context needs in the same run does not split again.
  const known = SPLITS.get(root.tree);
  if (known && known.text === text && known.rootId === root.id) return known.units;
  const units: Unit[] = [];
  const group = (children: readonly (Node | null)[], close: (pending: Node[]) => void): void => {
    let pending: Node[] = [];
    for (const child of children) {
      if (!child) continue;
      pending.push(child);
      if (!ATTACHED_ABOVE.has(child.type)) {
        close(pending);
        pending = [];
      }
    }
    if (pending.length > 0) close(pending);
  };
  group(root.children, (pending) => {
    const item = pending[pending.length - 1];
    const start = pending[0].startIndex;
    const body = item.type === 'impl_item' ? item.childForFieldName('body') : null;
    if (!body || body.type !== 'declaration_list') {
      units.push({ kind: 'item', nodes: pending, start, end: item.endIndex, key: text.slice(start, item.endIndex), type: item.type, context: '' });
      return;
    }
    units.push({ kind: 'shell', nodes: pending, start, end: item.endIndex, key: text.slice(start, item.endIndex), type: 'shell', context: '', body });
    const header = text.slice(start, body.startIndex);
    group(body.namedChildren, (members) => {
      const member = members[members.length - 1];
      const from = members[0].startIndex;
      units.push({ kind: 'member', nodes: members, start: from, end: member.endIndex, key: text.slice(from, member.endIndex), type: member.type, context: header });
    });
  });
  if (remember) SPLITS.set(root.tree, { text, rootId: root.id, units });
  return units;
}

/** Drops the split kept for `tree` (the Linter, when its run ends: nothing of a run should outlive it). */
export function forgetSplit(tree: Tree): void {
  SPLITS.delete(tree);
}

/** Units with equal text, type and context: their subtrees are equal. */
export function sameUnit(a: Pick<Unit, 'key' | 'type' | 'context'>, b: Pick<Unit, 'key' | 'type' | 'context'>): boolean {
  return a.key === b.key && a.type === b.type && a.context === b.context;
}

const SPLITS = new WeakMap<Tree, { readonly text: string; readonly rootId: number; readonly units: Unit[] }>();

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
  const reports: StoredReport[] = [];
  for (const report of unit.reports) {
    const moved = moveReport(report, path, alignment);
    if (!moved) return undefined;
    reports.push(moved);
  }
  const records: object[] = [];
  for (const record of unit.records) {
    const moved = moveRecord(record, alignment);
    if (moved === undefined) return undefined;
    records.push(moved as object);
  }
  return { reports, records };
}

/**
 * A `collect`ed record with every `…range`/`…Range` moved (a copy where something moved), or undefined
 * when a range lies in the changed part. Records are small plain data; no JSON round trip.
 */
function moveRecord(value: unknown, alignment: Alignment, key = ''): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const moved = moveRecord(item, alignment);
      if (moved === undefined && item !== undefined) return undefined;
      out.push(moved);
    }
    return out;
  }
  if (/range$/i.test(key) && typeof (value as TextRange).start === 'number') return alignment.mapRange(value as TextRange);
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const moved = moveRecord(v, alignment, k);
    if (moved === undefined && v !== undefined) return undefined;
    out[k] = moved;
  }
  return out;
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
