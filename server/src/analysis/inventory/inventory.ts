// Builds the failure-class inventory of a workspace (see types.ts): crates from the workspace's crate
// configuration and §B1 index, exports and TS call sites from the fact collectors (one engine pass per
// file), and totals per family and rule from findings the caller already has (the CLI's check report,
// the server's lint results), so suppressions and the baseline count the same way as everywhere else.
// Pure: the caller loads the files into the Workspace.

import { Linter } from '../engine/lint';
import type { RuleMeta } from '../engine/rule';
import type { Family, Severity } from '../model';
import type { Grammars } from '../parsing/grammars';
import { DEFAULT_LINT_SETTINGS, type LintSettings } from '../settings';
import { LineIndex } from '../text/line-index';
import type { Workspace } from '../workspace/workspace';
import type { CrateInfo } from '../workspace/types';
import { inventoryCollectors, newInventorySink } from './collectors';
import type { AbortHandling, CrateInventory, FamilyTotal, Inventory, InventoryLocation, RuleTotal } from './types';

/** The three bug families, then the suppression-comment rules (listed only when they have rules or findings). */
export const FAMILY_ORDER: readonly Family[] = ['reentrancy', 'unwind-safety', 'failure-classification', 'suppression'];
const BUG_FAMILIES: ReadonlySet<Family> = new Set(['reentrancy', 'unwind-safety', 'failure-classification']);

/** What the totals need of a finding. */
export interface CountedFinding {
  readonly ruleId: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly suppressed: boolean;
}

export interface InventoryInput {
  readonly workspace: Workspace;
  readonly grammars: Grammars;
  /** The Rust and TS/JS files to describe (absolute). Crates are those these files belong to. */
  readonly files: readonly string[];
  /** Every rule, for totals with zero counts. */
  readonly rules: readonly RuleMeta[];
  /** Findings of those files (suppressed ones flagged), for the totals. */
  readonly findings: readonly CountedFinding[];
  /** Settings per file (classifier names …); defaults when absent. */
  readonly settingsFor?: (path: string) => LintSettings;
}

export function buildInventory(input: InventoryInput): Inventory {
  const { workspace } = input;
  const sink = newInventorySink();
  const linter = new Linter(inventoryCollectors(sink), input.grammars);
  const problems: { path: string; message: string }[] = [];
  const files = [...input.files].sort();
  for (const path of files) {
    const result = linter.lintFile(workspace, path, { settings: input.settingsFor?.(path) ?? DEFAULT_LINT_SETTINGS });
    for (const e of result.internalErrors) problems.push({ path, message: e.message });
    for (const n of result.notices) if (n.level === 'warning') problems.push({ path, message: n.message });
  }

  const crateRoots = new Set<string>();
  for (const path of files) {
    const crate = workspace.languageOf(path) === 'rust' ? workspace.crateOf(path) : undefined;
    if (crate) crateRoots.add(crate.root);
  }
  const crates = workspace.crates().filter((c) => crateRoots.has(c.root)).sort((a, b) => compare(a.root, b.root));
  const exportsByCrate = new Map<string, number>();
  for (const e of sink.exports) if (e.crate) exportsByCrate.set(e.crate, (exportsByCrate.get(e.crate) ?? 0) + 1);

  return {
    crates: crates.map((crate) => crateInventory(workspace, crate, sink.panicHooks.get(crate.root) ?? [], exportsByCrate.get(crate.root) ?? 0)),
    exports: [...sink.exports].sort(byLocation),
    callSites: [...sink.callSites].sort(byLocation),
    totals: totalsOf(input.findings, input.rules),
    problems,
  };
}

function crateInventory(workspace: Workspace, crate: CrateInfo, panicHooks: readonly (InventoryLocation & { call: string })[], exportCount: number): CrateInventory {
  const index = workspace.crateIndex(crate.root);
  const lines = new Map<string, LineIndex>();
  const at = (path: string, offset: number): InventoryLocation => {
    let li = lines.get(path);
    if (!li) {
      li = new LineIndex(workspace.fileText(path) ?? '');
      lines.set(path, li);
    }
    const p = li.positionAt(offset);
    return { path, line: p.line + 1, column: p.character + 1 };
  };
  const setOnAbort = index.setOnAbortCalls.map((c) => ({ ...at(c.path, c.range.start), inStart: c.inStart }));
  const evidence = crate.buildEvidence;
  const resetStateFunction = evidence?.resetStateFunction?.text;
  const abortHandling: AbortHandling = {
    setOnAbort,
    scheduleReinit: index.usesScheduleReinit,
    ...(evidence?.abortHandler ? { abortHandlerFlag: evidence.abortHandler.text } : {}),
    ...(resetStateFunction ? { resetStateFunction } : {}),
    panicHooks: [...panicHooks].sort(byLocation),
    verdict:
      (setOnAbort.length > 0 && index.usesScheduleReinit) || resetStateFunction ? 'reinit'
      : setOnAbort.length > 0 ? 'handler'
      : panicHooks.length > 0 ? 'hook-only'
      : 'none',
  };
  const globalState = [...index.stateRoots.values()]
    .filter((r) => r.kind !== 'struct_field')
    .map((r) => ({ name: r.name, kind: r.kind, type: r.type }))
    .sort((a, b) => compare(a.name, b.name));
  return {
    name: crate.name,
    root: crate.root,
    buildMode: crate.buildMode,
    buildModeReason: crate.buildModeReason,
    ...(crate.wasmBindgenVersion ? { wasmBindgenVersion: crate.wasmBindgenVersion } : {}),
    usesWasmBindgen: crate.usesWasmBindgen,
    abortHandling,
    globalState,
    exportCount,
  };
}

/** Findings per family and per rule; every bug family and every rule appears, zero counts included. */
export function totalsOf(findings: readonly CountedFinding[], rules: readonly RuleMeta[]): FamilyTotal[] {
  const emptySeverities = (): Record<Severity, number> => ({ error: 0, warning: 0, info: 0, hint: 0 });
  const perRule = new Map<string, { ruleId: string; family: Family; findings: number; suppressed: number; bySeverity: Record<Severity, number> }>();
  for (const rule of rules) perRule.set(rule.id, { ruleId: rule.id, family: rule.family, findings: 0, suppressed: 0, bySeverity: emptySeverities() });
  for (const f of findings) {
    let total = perRule.get(f.ruleId);
    if (!total) {
      // A finding of a rule the caller did not list (e.g. a suppression-comment finding): counted all the same.
      total = { ruleId: f.ruleId, family: f.family, findings: 0, suppressed: 0, bySeverity: emptySeverities() };
      perRule.set(f.ruleId, total);
    }
    if (f.suppressed) total.suppressed++;
    else {
      total.findings++;
      total.bySeverity[f.severity]++;
    }
  }
  const present = new Set([...perRule.values()].map((r) => r.family));
  return FAMILY_ORDER.filter((family) => BUG_FAMILIES.has(family) || present.has(family)).map((family) => {
    const ruleTotals: RuleTotal[] = [...perRule.values()].filter((r) => r.family === family).sort((a, b) => compare(a.ruleId, b.ruleId));
    const bySeverity = emptySeverities();
    for (const r of ruleTotals) for (const s of Object.keys(bySeverity) as Severity[]) bySeverity[s] += r.bySeverity[s];
    return {
      family,
      findings: ruleTotals.reduce((n, r) => n + r.findings, 0),
      suppressed: ruleTotals.reduce((n, r) => n + r.suppressed, 0),
      bySeverity,
      rules: ruleTotals,
    };
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byLocation(a: InventoryLocation, b: InventoryLocation): number {
  return compare(a.path, b.path) || a.line - b.line || a.column - b.column;
}
