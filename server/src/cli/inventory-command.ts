// `wasm-safety report [paths] --format md|json`: the failure-class inventory of the given paths. The
// findings for the totals come from `runCheck` (the same run `check` makes, so configuration,
// suppressions and the baseline count identically); the facts about crates, exports and call sites
// come from the analysis layer's `buildInventory` over a workspace indexed the way `check` indexes it
// (directory arguments whole; a file argument with its project root and ancestor configs).
// No analysis here: read files, call the pure layer, render.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ALL_RULES, buildInventory, DEFAULT_SETTINGS, type Inventory, inventoryMarkdown, isWithin, Workspace,
} from '../analysis/index';
import { indexRootsOf, loadAncestorConfigs, scanIntoWorkspace, toWorkspacePath } from '../host/disk-workspace';
import { loadGrammars } from '../host/wasm-files';
import { runCheck } from './check';
import { CheckConfiguration } from './check-config';
import { displayPath, type ReportNotice } from './report';

export type InventoryFormat = 'md' | 'json';

export const INVENTORY_JSON_VERSION = 1;

export interface InventoryRun {
  readonly inventory: Inventory;
  readonly notices: readonly ReportNotice[];
  readonly executionSuccessful: boolean;
}

export async function runInventory(options: { paths: readonly string[]; cwd: string; toolVersion: string }): Promise<InventoryRun> {
  // One configuration for both passes: the nearest config files decide settings and ignored paths.
  const configuration = new CheckConfiguration({ cwd: options.cwd, rules: ALL_RULES });
  const check = await runCheck({ paths: options.paths, cwd: options.cwd, toolVersion: options.toolVersion, configuration });
  const targets: { absolute: string; workspacePath: string; isDirectory: boolean }[] = [];
  for (const given of options.paths) {
    const absolute = path.resolve(options.cwd, given);
    if (!fs.existsSync(absolute)) continue; // runCheck reported it
    targets.push({ absolute, workspacePath: toWorkspacePath(absolute), isDirectory: fs.statSync(absolute).isDirectory() });
  }
  const roots = new Set(indexRootsOf(targets.map((t) => t.absolute)));
  const grammars = await loadGrammars();
  const workspace = new Workspace(grammars, { roots: [...roots].map(toWorkspacePath), parseBudgetMs: DEFAULT_SETTINGS.parseBudgetMs });
  try {
    const maxFileBytes = DEFAULT_SETTINGS.maxFileSize;
    const scan = await scanIntoWorkspace(workspace, [...roots], { maxFileBytes, contextOutside: targets.map((t) => t.absolute) });
    for (const t of targets) loadAncestorConfigs(workspace, t.isDirectory ? t.absolute : path.dirname(t.absolute), maxFileBytes);
    const files = scan.lintable.filter((f) => !configuration.isIgnored(f) && targets.some((t) => (t.isDirectory ? isWithin(t.workspacePath, f) : t.workspacePath === f)));
    const inventory = buildInventory({
      workspace,
      grammars,
      files,
      rules: check.rules,
      findings: check.findings.map((f) => ({ ruleId: f.ruleId, family: f.family, severity: f.severity, suppressed: f.suppression !== undefined })),
      settingsFor: (file) => configuration.settingsFor(file),
    });
    return { inventory, notices: check.notices, executionSuccessful: check.executionSuccessful };
  } finally {
    workspace.dispose();
  }
}

/** Markdown with paths relative to `cwd` and locations linked as `path#L<line>` (GitHub and VS Code follow them). */
export function formatInventoryMarkdown(inventory: Inventory, cwd: string, paths: readonly string[], linkBase?: string): string {
  const rel = (p: string): string => displayPath(cwd, p);
  const base = linkBase ?? cwd;
  return inventoryMarkdown(inventory, {
    displayPath: rel,
    link: (l) => `${displayPath(base, l.path)}#L${l.line}`,
    scope: paths.map((p) => `\`${p}\``).join(', '),
  });
}

/** The inventory with paths relative to `cwd` (version 1; shape documented in analysis/inventory/types.ts). */
export function formatInventoryJson(inventory: Inventory, cwd: string): string {
  const rel = (p: string): string => displayPath(cwd, p);
  const relativised = JSON.parse(JSON.stringify(inventory), (key, value: unknown) =>
    typeof value === 'string' && (key === 'path' || key === 'root' || key === 'module' || key === 'crate') ? rel(value) : value,
  ) as Inventory;
  return `${JSON.stringify({ version: INVENTORY_JSON_VERSION, ...relativised }, null, 2)}\n`;
}
