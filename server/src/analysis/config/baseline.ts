// The baseline: findings accepted when adopting wasm-safety in an existing codebase, stored in a
// committed JSON file so only NEW findings fail CI. An entry is keyed by rule id, the file's path
// relative to the baseline file's folder, and a hash of the finding's normalised code (the lines it
// spans with all whitespace removed), never by line number: code that moves, or is re-indented or
// re-wrapped, stays baselined; code that changes is reported again. Identical findings in one file
// share an entry with a count. Pure: hosts read and write the file.

import type { TextRange } from '../model';
import { isWithin, relativePath, resolvePath } from '../text/paths';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  readonly rule: string;
  /** Relative to the baseline file's folder, '/'-separated. */
  readonly path: string;
  /** 16 hex digits: FNV-1a 64 of the normalised code. */
  readonly hash: string;
  /** How many findings with this rule, path and hash are accepted. */
  readonly count: number;
}

export interface Baseline {
  readonly version: typeof BASELINE_VERSION;
  readonly entries: readonly BaselineEntry[];
}

/** What identifies a finding in the baseline (path absolute; made relative on write). */
export interface BaselineKey {
  readonly ruleId: string;
  /** Absolute '/'-separated path. */
  readonly path: string;
  readonly hash: string;
}

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;

/** FNV-1a, 64 bit, over the UTF-8 bytes of `text`: 16 hex digits (stable across platforms and versions). */
export function fnv1a64(text: string): string {
  // The 64-bit state as two 32-bit halves. The prime is 2^40 + 0x1b3, so state·prime mod 2^64 is
  // state·0x1b3 plus lo·2^40 (which lands in the high half as lo << 8); lo·0x1b3 < 2^41 is exact.
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  for (const byte of new TextEncoder().encode(text)) {
    lo = (lo ^ byte) >>> 0;
    const product = lo * 0x1b3;
    hi = (Math.imul(hi, 0x1b3) + Math.floor(product / 0x100000000) + (lo << 8)) >>> 0;
    lo = product >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** The code a finding is on, normalised: the whole lines its range spans, without any whitespace. */
export function normalisedCode(text: string, range: TextRange): string {
  const start = range.start <= 0 ? 0 : text.lastIndexOf('\n', range.start - 1) + 1;
  const endBreak = text.indexOf('\n', Math.max(range.end, range.start));
  const end = endBreak < 0 ? text.length : endBreak;
  return text.slice(start, end).replace(/\s+/g, '');
}

export function findingCodeHash(text: string, range: TextRange): string {
  return fnv1a64(normalisedCode(text, range));
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

const keyOf = (rule: string, path: string, hash: string): string => `${path}\u0000${rule}\u0000${hash}`;

/** A baseline accepting exactly `findings`; `baselineDir` is the folder of the baseline file. */
export function createBaseline(findings: readonly BaselineKey[], baselineDir: string): Baseline {
  const counts = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const path = relativePath(baselineDir, f.path);
    const key = keyOf(f.ruleId, path, f.hash);
    const previous = counts.get(key);
    counts.set(key, { rule: f.ruleId, path, hash: f.hash, count: (previous?.count ?? 0) + 1 });
  }
  return { version: BASELINE_VERSION, entries: [...counts.values()].sort(compareEntries) };
}

export interface BaselineMatch {
  /** Per finding (same order as given): true when the baseline accepts it. */
  readonly baselined: readonly boolean[];
  /** Entries (or the part of their count) that matched nothing, among those `inScope` says were checked. */
  readonly stale: readonly BaselineEntry[];
}

/**
 * Matches findings against the baseline. Each entry accepts up to `count` findings with its key;
 * findings are consumed in the given order. `inScope(absolutePath)` says which files this run checked:
 * entries for other files are never stale.
 */
export function matchBaseline(baseline: Baseline, baselineDir: string, findings: readonly BaselineKey[], inScope: (path: string) => boolean): BaselineMatch {
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) {
    const key = keyOf(e.rule, e.path, e.hash);
    remaining.set(key, (remaining.get(key) ?? 0) + e.count);
  }
  const baselined = findings.map((f) => {
    const key = keyOf(f.ruleId, relativePath(baselineDir, f.path), f.hash);
    const left = remaining.get(key) ?? 0;
    if (left <= 0) return false;
    remaining.set(key, left - 1);
    return true;
  });
  const stale: BaselineEntry[] = [];
  const seen = new Set<string>();
  for (const e of baseline.entries) {
    const key = keyOf(e.rule, e.path, e.hash);
    if (seen.has(key)) continue;
    seen.add(key);
    const left = remaining.get(key) ?? 0;
    if (left > 0 && inScope(resolvePath(baselineDir, e.path))) stale.push({ ...e, count: left });
  }
  return { baselined, stale: stale.sort(compareEntries) };
}

/** The baseline without what no longer matches in the checked files; entries for other files are kept. */
export function pruneBaseline(baseline: Baseline, baselineDir: string, findings: readonly BaselineKey[], inScope: (path: string) => boolean): { baseline: Baseline; removed: number } {
  const { stale } = matchBaseline(baseline, baselineDir, findings, inScope);
  const staleCount = new Map(stale.map((e) => [keyOf(e.rule, e.path, e.hash), e.count]));
  const merged = new Map<string, BaselineEntry>();
  for (const e of baseline.entries) {
    const key = keyOf(e.rule, e.path, e.hash);
    const previous = merged.get(key);
    merged.set(key, { ...e, count: (previous?.count ?? 0) + e.count });
  }
  const entries: BaselineEntry[] = [];
  let removed = 0;
  for (const [key, e] of merged) {
    const drop = Math.min(staleCount.get(key) ?? 0, e.count);
    removed += drop;
    if (e.count - drop > 0) entries.push({ ...e, count: e.count - drop });
  }
  return { baseline: { version: BASELINE_VERSION, entries: entries.sort(compareEntries) }, removed };
}

/** The file's text: one entry per line, sorted, so diffs of a committed baseline stay readable. */
export function serializeBaseline(baseline: Baseline): string {
  const lines = [...baseline.entries].sort(compareEntries).map((e) => `    ${JSON.stringify({ rule: e.rule, path: e.path, hash: e.hash, count: e.count })}`);
  return `{\n  "version": ${BASELINE_VERSION},\n  "entries": [${lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

/** Reads a baseline file's text; `problems` say what is wrong (the file is then treated as empty). */
export function parseBaseline(text: string): { baseline: Baseline; problems: string[] } {
  const empty: Baseline = { version: BASELINE_VERSION, entries: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { baseline: empty, problems: [`not valid JSON (${e instanceof Error ? e.message : String(e)}); no finding is baselined`] };
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { entries?: unknown }).entries)) {
    return { baseline: empty, problems: ['expected { "version": 1, "entries": [...] }; no finding is baselined'] };
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== BASELINE_VERSION) return { baseline: empty, problems: [`unsupported version ${JSON.stringify(version)} (expected ${BASELINE_VERSION}); no finding is baselined`] };
  const problems: string[] = [];
  const entries: BaselineEntry[] = [];
  (raw as { entries: unknown[] }).entries.forEach((e, index) => {
    const entry = e as Partial<Record<keyof BaselineEntry, unknown>>;
    if (
      typeof e === 'object' && e !== null && typeof entry.rule === 'string' && typeof entry.path === 'string' &&
      typeof entry.hash === 'string' && /^[0-9a-f]{16}$/.test(entry.hash) && Number.isInteger(entry.count) && (entry.count as number) > 0
    ) {
      entries.push({ rule: entry.rule, path: entry.path, hash: entry.hash, count: entry.count as number });
    } else {
      problems.push(`entries[${index}]: expected { "rule", "path", "hash" (16 hex digits), "count" (> 0) } (ignored)`);
    }
  });
  return { baseline: { version: BASELINE_VERSION, entries }, problems };
}

/** True when `path` lies in one of the checked targets (folders: below them; files: equal). */
export function inTargets(targets: readonly { readonly path: string; readonly isDirectory: boolean }[]): (path: string) => boolean {
  return (path) => targets.some((t) => (t.isDirectory ? isWithin(t.path, path) : t.path === path));
}
