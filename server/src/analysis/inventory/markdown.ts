// Renders the failure-class inventory as Markdown: what `wasm-safety report --format md` prints and the
// VS Code command "wasm-safety: Show failure-class report" opens as a rendered preview. Tables first
// give the totals, then crates (build mode, abort handling), exports per crate (receiver, async,
// panic points, state, JS calls under a borrow) and TS call sites grouped by how their failures are
// handled. Pure: the host says how to show a path and whether to link it.

import type { CallSiteHandling, CallSiteInventory, CrateInventory, ExportInventory, Inventory, InventoryLocation } from './types';

export interface MarkdownOptions {
  /** How a path is shown (relative to the folder the report is for). */
  readonly displayPath: (absolutePath: string) => string;
  /** A link target for a location (a relative path with `#L<line>`, a file URI), or undefined for plain text. */
  readonly link?: (location: InventoryLocation) => string | undefined;
  /** What the report covers, for the heading line ("`.`", "2 workspace folders"). */
  readonly scope?: string;
}

const HANDLING_ORDER: readonly CallSiteHandling[] = ['swallows', 'wraps', 'unobserved', 'top-level', 'propagates', 'rethrows', 'classifies'];

const HANDLING_TEXT: Readonly<Record<CallSiteHandling, string>> = {
  classifies: 'classifies the failure (PanicError / RuntimeError / a classifier)',
  rethrows: 'rethrows (every handler path)',
  wraps: 'rethrows as a new error without the original',
  swallows: 'handled like any error, the program carries on',
  propagates: 'no handler in the function: left to the caller',
  unobserved: 'async call whose promise nobody awaits or handles',
  'top-level': 'module-level code with no handler',
};

const VERDICT_TEXT: Readonly<Record<CrateInventory['abortHandling']['verdict'], string>> = {
  reinit: 'recovers (reinitialises after an abort)',
  handler: 'abort handler without reinit',
  'hook-only': 'panic hook only (reports, does not recover)',
  none: 'none',
};

export function inventoryMarkdown(inventory: Inventory, options: MarkdownOptions): string {
  const out: string[] = [];
  const where = (l: InventoryLocation): string => {
    const text = `${options.displayPath(l.path)}:${l.line}`;
    const target = options.link?.(l);
    return target ? `[${escapeCell(text)}](${target.replace(/ /g, '%20').replace(/\)/g, '%29')})` : `\`${text}\``;
  };
  const totalFindings = inventory.totals.reduce((n, f) => n + f.findings, 0);
  const totalSuppressed = inventory.totals.reduce((n, f) => n + f.suppressed, 0);

  out.push('# wasm-safety failure-class report', '');
  out.push(
    `${options.scope ? `${options.scope}: ` : ''}${plural(inventory.crates.length, 'crate')}, ${plural(inventory.exports.length, 'export')}, ` +
      `${plural(inventory.callSites.length, 'TS/JS call site')} into wasm, ${plural(totalFindings, 'finding')}` +
      `${totalSuppressed > 0 ? ` (${totalSuppressed} suppressed)` : ''}.`,
    '',
  );

  // ---- totals
  out.push('## Findings per family', '');
  out.push('| Family | Findings | error | warning | info | Suppressed |', '|---|---:|---:|---:|---:|---:|');
  for (const f of inventory.totals) {
    out.push(`| ${f.family} | ${f.findings} | ${f.bySeverity.error} | ${f.bySeverity.warning} | ${f.bySeverity.info + f.bySeverity.hint} | ${f.suppressed} |`);
  }
  out.push('');
  const firing = inventory.totals.flatMap((f) => f.rules).filter((r) => r.findings + r.suppressed > 0);
  const quiet = inventory.totals.flatMap((f) => f.rules).filter((r) => r.findings + r.suppressed === 0);
  if (firing.length > 0) {
    out.push('| Rule | Family | Findings | Suppressed |', '|---|---|---:|---:|');
    for (const r of firing.sort((a, b) => b.findings - a.findings || (a.ruleId < b.ruleId ? -1 : 1))) out.push(`| \`${r.ruleId}\` | ${r.family} | ${r.findings} | ${r.suppressed} |`);
    out.push('');
  }
  if (quiet.length > 0) out.push(`No findings from ${plural(quiet.length, 'other rule')}: ${quiet.map((r) => `\`${r.ruleId}\``).join(', ')}.`, '');

  // ---- crates
  out.push('## Crates', '');
  // Crates that neither use wasm-bindgen nor export anything (a server, a macro crate) are only named.
  const wasmCrates = inventory.crates.filter((c) => c.usesWasmBindgen || c.exportCount > 0);
  const otherCrates = inventory.crates.filter((c) => !wasmCrates.includes(c));
  if (inventory.crates.length === 0) out.push('No Rust crate in the checked paths.', '');
  else if (wasmCrates.length === 0) out.push('No crate in the checked paths uses wasm-bindgen.', '');
  else {
    out.push('| Crate | Build mode | Why | Abort handling | Panic hook | Exports | Global state |', '|---|---|---|---|---|---:|---|');
    for (const c of wasmCrates) {
      const a = c.abortHandling;
      const details: string[] = [VERDICT_TEXT[a.verdict]];
      if (a.setOnAbort.length > 0) details.push(`\`set_on_abort\` at ${a.setOnAbort.map((s) => `${where(s)}${s.inStart ? ' (start)' : ' (outside start)'}`).join(', ')}`);
      if (a.scheduleReinit) details.push('`schedule_reinit()`');
      if (a.abortHandlerFlag) details.push(`abort handler: ${a.abortHandlerFlag}`);
      if (a.resetStateFunction) details.push(`reset state: ${a.resetStateFunction}`);
      const hooks = a.panicHooks.length > 0 ? a.panicHooks.map((h) => `\`${h.call}\` ${where(h)}`).join(', ') : '—';
      const state = c.globalState.length > 0 ? c.globalState.map((s) => `\`${s.name}\` (${s.kind})`).join(', ') : '—';
      out.push(`| \`${escapeCell(c.name)}\` (${escapeCell(options.displayPath(c.root))}) | **${c.buildMode}** | ${escapeCell(c.buildModeReason)} | ${escapeCell(details.join('; '))} | ${hooks} | ${c.exportCount} | ${escapeCell(state)} |`);
    }
    out.push('');
  }
  if (otherCrates.length > 0) {
    out.push(`${plural(otherCrates.length, 'other crate')} without wasm-bindgen and without exports: ${otherCrates.map((c) => `\`${escapeCell(c.name)}\``).join(', ')}.`, '');
  }

  // ---- exports
  out.push('## Exports', '');
  if (inventory.exports.length === 0) out.push('No `#[wasm_bindgen]` export in the checked paths.', '');
  const byCrate = new Map<string, ExportInventory[]>();
  for (const e of inventory.exports) {
    const key = e.crate ?? '';
    byCrate.set(key, [...(byCrate.get(key) ?? []), e]);
  }
  for (const [root, exports] of byCrate) {
    const crate = inventory.crates.find((c) => c.root === root);
    out.push(`### ${crate ? `\`${crate.name}\` (${crate.buildMode})` : 'Files outside a crate'}`, '');
    const risky = exports.filter((e) => e.jsCallsWhileBorrowed.length > 0).length;
    const panicking = exports.filter((e) => e.panicPoints.length > 0).length;
    out.push(`${plural(exports.length, 'export')}: ${panicking} with panic points, ${risky} calling JS while something is borrowed.`, '');
    out.push('| Export (JS) | Receiver | Async | Panic points | State touched | JS calls while borrowed | Where |', '|---|---|---|---|---|---|---|');
    for (const e of exports) {
      const panics = e.panicPoints.length > 0 ? `${e.panicPoints.length} (${kindCounts(e.panicPoints.map((p) => p.kind))})` : '0';
      const state = e.state.length > 0 ? e.state.map((s) => `\`${s.name}\` ${s.access}`).join(', ') : '—';
      const calls = e.jsCallsWhileBorrowed.length > 0
        ? e.jsCallsWhileBorrowed.map((c) => `\`${c.call}\` with \`${c.borrowed}\` ${c.mode === 'mutable' ? 'borrowed mutably' : 'borrowed'} (line ${c.line})`).join('; ')
        : '—';
      const receiver = e.accessor ? `${e.receiver} (${e.accessor})` : e.receiver;
      out.push(`| \`${escapeCell(e.jsName)}\` | ${escapeCell(receiver)} | ${e.isAsync ? 'async' : ''} | ${panics} | ${escapeCell(state)} | ${escapeCell(calls)} | ${where(e)} |`);
    }
    out.push('');
  }

  // ---- call sites
  out.push('## TS/JS call sites into wasm', '');
  if (inventory.callSites.length === 0) out.push('No call into wasm-bindgen glue found in the checked TS/JS files.', '');
  else {
    out.push('| Failure handling | Call sites | in test files |', '|---|---:|---:|');
    for (const h of HANDLING_ORDER) {
      const sites = inventory.callSites.filter((c) => c.handling === h);
      if (sites.length > 0) out.push(`| ${h}: ${HANDLING_TEXT[h]} | ${sites.length} | ${sites.filter((c) => c.inTest).length} |`);
    }
    out.push('');
    const testSites = inventory.callSites.filter((c) => c.inTest).length;
    if (testSites > 0) out.push(`Call sites in test files are counted above but not listed below (${testSites}).`, '');
    for (const h of HANDLING_ORDER) {
      const sites = inventory.callSites.filter((c) => c.handling === h && !c.inTest);
      if (sites.length === 0) continue;
      out.push(`### ${h} (${sites.length})`, '');
      out.push('| Call | Async | Where | Handler |', '|---|---|---|---|');
      for (const s of sites) out.push(callSiteRow(s, where));
      out.push('');
    }
  }

  if (inventory.problems.length > 0) {
    out.push('## Incomplete', '', 'Facts could not be collected for these files; the tables above leave them out:', '');
    for (const p of inventory.problems) out.push(`- \`${options.displayPath(p.path)}\`: ${escapeCell(p.message)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function callSiteRow(s: CallSiteInventory, where: (l: InventoryLocation) => string): string {
  return `| \`${escapeCell(s.callee)}\` | ${s.isAsync ? 'async' : ''} | ${where(s)} | ${s.handler ? where(s.handler) : '—'} |`;
}

function kindCounts(kinds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${k}×${n}` : k)).join(', ');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Table cells: no pipes or newlines. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
