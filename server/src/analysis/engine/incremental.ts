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

/** An item at the top of the file with the attributes and comments directly above it. */
export interface Unit {
  readonly nodes: readonly Node[];
  readonly start: number;
  readonly end: number;
  /** Type of the item and its text: equal keys mean equal subtrees at the top level of a file. */
  readonly key: string;
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
  readonly fileKey: string;
  readonly settingsKey: string;
  readonly textLength: number;
  readonly units: readonly { readonly start: number; readonly end: number; readonly key: string }[];
  /**
   * Per unit: per rule id, the rule's findings and `collect`ed records there (absent when they cannot be
   * reused); or CLEAN_UNIT when every rule ran there without a finding, a record or a whole-file read.
   */
  readonly results: readonly (ReadonlyMap<string, StoredUnit> | typeof CLEAN_UNIT)[];
  /** Whatever else the language's file key was computed from, per unit text (rust/env.ts `UnitScan`). */
  readonly scans?: ReadonlyMap<string, unknown>;
}

/** A unit where no rule found, collected or read anything beyond it: nothing to move, nothing to re-run. */
export const CLEAN_UNIT = Symbol('clean unit');

/** What one rule left for one unit. */
export interface StoredUnit {
  readonly reports: readonly StoredReport[];
  readonly records: readonly object[];
}

const ATTACHED_ABOVE = new Set(['attribute_item', 'line_comment', 'block_comment']);

/** The top-level units of a file, in order; every child of the root belongs to exactly one. */
export function splitIntoUnits(root: Node, text: string): Unit[] {
  const units: Unit[] = [];
  let pending: Node[] = [];
  const close = (): void => {
    const first = pending[0];
    const last = pending[pending.length - 1];
    units.push({ nodes: pending, start: first.startIndex, end: last.endIndex, key: `${last.type}\u0000${text.slice(first.startIndex, last.endIndex)}` });
    pending = [];
  };
  for (const child of root.children) {
    if (!child) continue;
    pending.push(child);
    if (!ATTACHED_ABOVE.has(child.type)) close();
  }
  if (pending.length > 0) close();
  return units;
}

/** Which units of the new run match units of the old one, and how positions move between them. */
export interface Alignment {
  /** Per new unit: the index of the same unit in the old run, or -1. */
  readonly oldIndexOf: Int32Array;
  /** Maps a range of the old run to the new one; undefined when it touches the changed middle. */
  mapRange(range: TextRange): TextRange | undefined;
}

/** Matches the unchanged prefix (same text at the same offsets) and suffix (same text, same distance to the end). */
export function alignUnits(previous: FileRun, units: readonly Unit[], textLength: number): Alignment {
  const old = previous.units;
  const oldIndexOf = new Int32Array(units.length).fill(-1);
  const limit = Math.min(old.length, units.length);
  let prefix = 0;
  while (prefix < limit && old[prefix].key === units[prefix].key && old[prefix].start === units[prefix].start) {
    oldIndexOf[prefix] = prefix;
    prefix++;
  }
  const delta = textLength - previous.textLength;
  let suffix = 0;
  while (prefix + suffix < limit) {
    const o = old[old.length - 1 - suffix];
    const n = units[units.length - 1 - suffix];
    if (o.key !== n.key || o.start + delta !== n.start) break;
    oldIndexOf[units.length - 1 - suffix] = old.length - 1 - suffix;
    suffix++;
  }
  // Old offsets up to `unchangedUntil` are the same in the new text; from `unchangedFrom` on they move by `delta`.
  const unchangedUntil = prefix > 0 ? old[prefix - 1].end : 0;
  const unchangedFrom = suffix > 0 ? old[old.length - suffix].start : previous.textLength;
  return {
    oldIndexOf,
    mapRange(range) {
      if (range.end <= unchangedUntil) return range;
      if (delta === 0 && range.start >= unchangedFrom) return range;
      if (range.start >= unchangedFrom) return { start: range.start + delta, end: range.end + delta };
      return undefined;
    },
  };
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
  for (const [k, v] of Object.entries(value)) {
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
