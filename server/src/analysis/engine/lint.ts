// The engine: one traversal per file that dispatches each node to the rules subscribed to its type,
// isolates rule crashes (logged as internal errors, other rules still report), applies configured
// severities, and (on request) computes fixes, checking them against the rule's metadata and dropping
// any that would add a syntax error (logged when the code they edit parsed: then it is a rule bug).

import type { Node } from 'web-tree-sitter';
import type { Finding, Fix, InternalError, Notice, RelatedLocation, Severity, TextRange } from '../model';
import type { Grammars } from '../parsing/grammars';
import { AnalysisTimeoutError, checkAnalysisBudget, withAnalysisBudget } from '../parsing/budget';
import { ParsedDocument, ParseTimeoutError } from '../parsing/parsed-document';
import { countSyntaxErrors } from '../parsing/walk';
import { DEFAULT_ANALYSIS_BUDGET_MS, type LintSettings } from '../settings';
import { LineIndex } from '../text/line-index';
import type { Workspace } from '../workspace/workspace';
import { FILE_NODE_TYPES, provideFileNodes, rustEnv, type UnitScan } from '../rust/env';
import { detached } from '../text/detached';
import { sameStrings } from '../workspace/rust-summary';
import { trackedFileContext, type FileContext } from '../workspace/file-context';
import { readsWholeFile, trackFileReads } from './file-reads';
import { applyEdits, editsForFile } from './fixes';
import { alignUnits, CLEAN_UNIT, forgetSplitNodes, moveUnit, moveUnitResult, nodesOfUnit, plainUnit, RunCache, splitIntoUnits, type FileRun, type StoredUnit, type Unit, type UnitResult } from './incremental';
import { type ReportDescriptor, type Rule, type RuleContext, rulesForText } from './rule';
import { hasSuppressionMarker } from './suppression-comments';
import { crateRootFile } from '../workspace/crate-project';
import { applyInSourceSuppressions } from './suppressions';
import { singleLineMessage } from '../text/one-line';

export interface LintOptions {
  readonly settings: LintSettings;
  /** Compute fixes (code actions, --fix, tests); diagnostics alone do not need them. */
  readonly withFixes?: boolean;
  /**
   * With `withFixes`: only findings touching one of these ranges need fixes (a quick-fix request for a
   * cursor or selection). Lets an incremental Linter re-visit just the units there, with fixes, and
   * reuse the rest; it falls back to a full lint when a reused finding touches a range.
   */
  readonly fixesWithin?: readonly TextRange[];
  /** Test-only: make this rule throw, to exercise fault isolation. */
  readonly faultInjection?: string;
}

export interface LintResult {
  readonly path: string;
  readonly findings: Finding[];
  readonly internalErrors: InternalError[];
  readonly notices: Notice[];
}

interface PendingReport {
  readonly rule: Rule;
  readonly range: TextRange;
  readonly descriptor: ReportDescriptor;
}

export class Linter {
  private readonly dispatchBySide = new Map<'rust' | 'ts', Map<string, Rule[]>>();
  private readonly typesByRules = new WeakMap<ReadonlySet<Rule>, string[]>();
  /** The last runs of recently linted files, when this Linter lints incrementally. */
  private readonly runs: RunCache | undefined;

  /**
   * `incremental`: keep each Rust file's last run and reuse what an edit cannot have changed
   * (engine/incremental.ts) — for the language server, which re-lints the same documents as they are
   * typed. Runs that compute fixes are never incremental.
   */
  constructor(readonly rules: readonly Rule[], private readonly grammars: Grammars, options: { readonly incremental?: boolean } = {}) {
    this.runs = options.incremental ? new RunCache() : undefined;
  }

  /** Drops what is kept of `path`'s last run (all files when omitted): the document closed or the workspace changed. */
  forgetRuns(path?: string): void {
    this.runs?.forget(path);
  }

  lintFile(workspace: Workspace, path: string, options: LintOptions): LintResult {
    const result: LintResult = { path, findings: [], internalErrors: [], notices: [] };
    // Which modules count as glue depends on the configuration of the file being linted.
    workspace.setBindingModules(options.settings.analysis.bindingModules);
    const text = workspace.fileText(path);
    const language = workspace.languageOf(path);
    if (text === undefined || !language) {
      result.notices.push({ path, level: 'warning', message: 'not a Rust, TypeScript or JavaScript file known to the workspace' });
      return result;
    }
    if (language !== 'rust' && isGeneratedGlue(workspace, path)) return result;
    if (text.length > options.settings.analysis.maxFileSize) {
      result.notices.push({ path, level: 'info', message: `skipped: ${text.length} characters is over the ${options.settings.analysis.maxFileSize} limit (maxFileSize)` });
      return result;
    }
    // The rules that can report in this text (Rule.textGate); the others run, in effect, and find
    // nothing. Gates are for scans: an incremental Linter keeps open documents' trees anyway, and
    // searching the words through a large document on every keystroke costs more than the visits it saves.
    const enabled = this.enabledRules(language === 'rust' ? 'rust' : 'ts', options.settings);
    const active = this.runs ? enabled : rulesForText(enabled, text, () => isCrateRootFile(workspace, path));
    // None, and no suppression comment needs judging: nothing to parse (most files of a workspace are plain Rust).
    if (!this.runs && active.length === 0 && !hasSuppressionMarker(text)) return result;
    const budgetMs = options.settings.analysis.analysisBudgetMs ?? DEFAULT_ANALYSIS_BUDGET_MS;
    try {
      workspace.withDocument(path, (doc) => withAnalysisBudget(budgetMs, () => this.lintParsed(workspace, path, doc, active, options, result)));
    } catch (e) {
      if (e instanceof ParseTimeoutError) {
        result.notices.push({ path, level: 'warning', message: `skipped: ${e.message} (parseBudgetMs)` });
      } else if (e instanceof AnalysisTimeoutError) {
        // Abandoned part-way: what was found so far is incomplete, so nothing is reported for the file.
        result.findings.length = 0;
        result.notices.push({ path, level: 'warning', message: `skipped: ${e.message} (analysisBudgetMs)` });
      } else {
        result.internalErrors.push({ path, message: `analysis failed: ${errorMessage(e)}`, stack: errorStack(e) });
      }
    }
    return result;
  }

  private lintParsed(workspace: Workspace, path: string, doc: ParsedDocument, active: readonly Rule[], options: LintOptions, result: LintResult): void {
    const side = doc.language === 'rust' ? 'rust' : 'ts';
    const root = doc.tree.rootNode;
    const incremental = this.runs !== undefined && side === 'rust' && (!options.withFixes || options.fixesWithin !== undefined) && !options.faultInjection;
    // The document's split (derived from the last version's); the summary the file context may compute uses the same.
    const units = incremental ? splitIntoUnits(root, doc.text, doc) : [];
    let complete: boolean;
    try {
      complete = this.lintTree(workspace, path, doc, root, units, incremental, active, options, result);
    } finally {
      if (incremental) forgetSplitNodes(doc); // keep no nodes past the run (the records stay for the next version)
    }
    if (!complete) {
      // A reused finding (it has no fixes) touches a range whose fixes were asked for: lint in full.
      result.findings.length = 0;
      result.internalErrors.length = 0;
      this.lintTree(workspace, path, doc, root, [], false, active, options, result);
    }
  }

  /** Returns false when an incremental run could not provide the fixes `fixesWithin` asks for. */
  /** `active`: the enabled rules that can report in this file (lintFile); the others count as having found nothing. */
  private lintTree(
    workspace: Workspace, path: string, doc: ParsedDocument, root: Node, units: readonly Unit[], incremental: boolean,
    active: readonly Rule[], options: LintOptions, result: LintResult,
  ): boolean {
    const side = doc.language === 'rust' ? 'rust' : 'ts';
    const fileContext = this.fileContext(workspace, path, doc, root, options, result);
    const enabled = this.enabledRules(side, options.settings);
    if (enabled.length === 0) return true;
    const fixRanges = options.withFixes ? options.fixesWithin : undefined;
    const wantsFixes = (range: TextRange): boolean => fixRanges === undefined || fixRanges.some((r) => rangesTouch(range, r));
    let reusedWhereFixesAreWanted = false;

    // Reports of each rule, grouped by where they came from; the per-rule order (file node, units in
    // document order, finish) is what one traversal would have produced.
    const bucket = new Map<string, PendingReport[]>();
    /** Records rules `collect` for their `finish`: those of the current unit, and all of them in order. */
    const recordBucket = new Map<string, object[]>();
    const records = new Map<string, object[]>();
    const failed = new Set<string>();
    const contexts = new Map<string, RuleContext>();
    const tracked = trackedFileContext(fileContext, readsWholeFile);
    for (const rule of active) {
      const ctx = Object.create(tracked) as { -readonly [K in keyof RuleContext]: RuleContext[K] };
      ctx.rule = rule;
      ctx.options = options.settings.rules[rule.id]?.options ?? {};
      ctx.report = (d) => {
        const range = d.range ?? (d.node ? { start: d.node.startIndex, end: d.node.endIndex } : undefined);
        if (!range) throw new Error(`rule ${rule.id} reported without a node or range`);
        let list = bucket.get(rule.id);
        if (!list) bucket.set(rule.id, (list = []));
        list.push({ rule, range, descriptor: d });
      };
      ctx.collect = (record) => {
        let list = recordBucket.get(rule.id);
        if (!list) recordBucket.set(rule.id, (list = []));
        list.push(record);
      };
      ctx.collected = () => records.get(rule.id) ?? [];
      contexts.set(rule.id, ctx);
    }
    const fail = (rule: Rule, e: unknown): void => {
      // The file's time budget ran out inside this rule: that ends the whole file's analysis, not just the rule's.
      if (e instanceof AnalysisTimeoutError || e instanceof ParseTimeoutError) throw e;
      if (failed.has(rule.id)) return;
      failed.add(rule.id);
      result.internalErrors.push({ path, ruleId: rule.id, message: `rule ${rule.id} threw: ${errorMessage(e)}`, stack: errorStack(e) });
    };
    /** Dispatches nodes (document order) to the subscribed rules among `rules`; reports whether a rule's work read the whole file. */
    const visitAll = (nodes: readonly Node[], rules: ReadonlySet<Rule>, wholeFileReaders?: Set<string>): void => {
      for (const node of nodes) {
        checkAnalysisBudget();
        const subscribers = dispatch.get(node.type);
        if (!subscribers) continue;
        for (const rule of subscribers) {
          if (!rules.has(rule) || failed.has(rule.id)) continue;
          try {
            if (options.faultInjection === rule.id) throw new Error('fault injected for testing');
            if (wholeFileReaders) {
              if (trackFileReads(() => rule.visit(node, contexts.get(rule.id)!)).wholeFile) wholeFileReaders.add(rule.id);
            } else {
              rule.visit(node, contexts.get(rule.id)!);
            }
          } catch (e) {
            fail(rule, e);
          }
        }
      }
    };
    const dispatch = this.dispatchFor(side);
    const activeSet = new Set(active);
    const reports: PendingReport[] = [];
    const flush = (order: readonly Rule[]): void => {
      if (bucket.size > 0) {
        for (const rule of order) {
          const list = bucket.get(rule.id);
          if (list) for (const r of list) reports.push(r);
        }
        bucket.clear();
      }
      if (recordBucket.size > 0) {
        recordBucket.forEach((list, ruleId) => {
          const all = records.get(ruleId);
          if (all) for (const r of list) all.push(r);
          else records.set(ruleId, [...list]);
        });
        recordBucket.clear();
      }
    };

    let run: FileRun | undefined;
    if (!incremental) {
      // One search for every subscribed node type inside the tree-sitter runtime: far fewer JS↔wasm
      // crossings than a cursor step per node, in the same (pre-)order.
      const types = this.subscribedTypes(side, activeSet);
      // Rules that analyse Rust functions read function facts and the file scan (rust/env.ts): the same
      // search collects their nodes too, instead of one more search per function.
      const forFacts = side === 'rust' && types.includes('function_item');
      if (types.length > 0) {
        const nodes = root.descendantsOfType(forFacts ? [...new Set([...types, ...FILE_NODE_TYPES])] : types);
        if (forFacts) provideFileNodes(root, nodes);
        visitAll(nodes, activeSet);
      }
      flush(active);
    } else {
      // engine/incremental.ts: unit by unit, a rule either gets back what it left for an unchanged unit
      // (findings and records, moved by the edit) or visits the unit's nodes again. The file node's
      // visits and `finish` always run.
      const runs = this.runs!;
      const previous = runs.get(path);
      runs.forget(path); // until this run completes: a run that throws leaves nothing half-written
      const { key: fileKey, scans } = rustEnv(fileContext).fileKey(units.filter((x) => x.kind === 'item' || x.kind === 'shell'), previous?.scans as ReadonlyMap<string, UnitScan> | undefined);
      const settingsKey = JSON.stringify(options.settings);
      const alignment = previous && sameStrings(previous.fileKey, fileKey) && previous.settingsKey === settingsKey ? alignUnits(previous, units, doc.text.length) : undefined;
      const results: UnitResult[] = [];
      run = { fileKey, settingsKey, textLength: doc.text.length, units: units.map(plainUnit), results, scans };

      if (this.subscribedTypes(side, activeSet).includes(root.type)) visitAll([root], activeSet);
      flush(active);
      const ruleById = new Map(active.map((r) => [r.id, r]));
      /** Puts what a rule left in a unit (moved) back as if it had just reported and collected it. */
      const restore = (rule: Rule, stored: StoredUnit): void => {
        const list: PendingReport[] = [];
        for (const m of stored.reports) {
          if (fixRanges && wantsFixes(m.range)) reusedWhereFixesAreWanted = true;
          list.push({ rule, range: m.range, descriptor: { range: m.range, message: m.message, severity: m.severity, related: m.related } });
        }
        bucket.set(rule.id, list);
        recordBucket.set(rule.id, [...stored.records]);
      };
      for (let u = 0; u < units.length; u++) {
        // Units where fixes are wanted are visited again: reused findings carry no fixes.
        const oldIndex = alignment && !(fixRanges && wantsFixes(units[u])) ? alignment.oldIndexOf[u] : -1;
        const before = oldIndex >= 0 ? previous!.results[oldIndex] : undefined;
        if (before === CLEAN_UNIT) {
          results.push(CLEAN_UNIT);
          continue;
        }
        if (before && before.rerun.size === 0) {
          // The common case after an edit elsewhere: nothing to re-run, every stored finding moves. No
          // per-unit sets or maps then (an edit passes over a thousand units of a large file).
          const moved = moveUnitResult(before, path, alignment!);
          if (moved) {
            moved.found.forEach((stored, id) => restore(ruleById.get(id)!, stored));
            results.push(moved);
            flush(active);
            continue;
          }
        }
        // Which rules visit this unit again: all for a new unit; else those that could not be reused
        // there, and those whose findings touch the changed part of the file.
        let rerun: ReadonlySet<Rule> = activeSet;
        const kept = new Map<Rule, StoredUnit>();
        let unmoved = false;
        if (before) {
          const again = new Set<Rule>();
          for (const id of before.rerun) again.add(ruleById.get(id)!);
          unmoved = again.size === 0;
          for (const [id, stored] of before.found) {
            const moved = moveUnit(stored, path, alignment!);
            if (moved) kept.set(ruleById.get(id)!, moved);
            else again.add(ruleById.get(id)!);
            if (moved !== stored) unmoved = false;
          }
          rerun = again;
        }
        const wholeFileReaders = new Set<string>();
        if (rerun.size > 0) {
          const types = this.subscribedTypes(side, rerun);
          if (types.length > 0) visitAll(nodesOfUnit(units[u], types, this.typeSet(types)), rerun, wholeFileReaders);
        }
        const found = new Map<string, StoredUnit>();
        for (const [rule, moved] of kept) {
          restore(rule, moved);
          found.set(rule.id, moved);
        }
        const again = new Set<string>();
        for (const rule of rerun) {
          if (wholeFileReaders.has(rule.id) || failed.has(rule.id)) {
            again.add(rule.id);
            continue;
          }
          const reports = bucket.get(rule.id);
          const collected = recordBucket.get(rule.id);
          if (!reports?.length && !collected?.length) continue;
          // Kept across versions: detached, so the messages' slices of this version's text do not keep it alive.
          found.set(rule.id, detached({
            reports: (reports ?? []).map(({ range, descriptor: d }) => ({ range, message: d.message, severity: d.severity, related: d.related })),
            records: collected ?? [],
          }));
        }
        // Nothing re-ran and nothing moved (before the edit): the old record serves as it is.
        results.push(unmoved ? before! : found.size === 0 && again.size === 0 ? CLEAN_UNIT : { found, rerun: again });
        flush(active);
      }
    }

    for (const rule of active) {
      if (!rule.finish || failed.has(rule.id)) continue;
      try {
        rule.finish(contexts.get(rule.id)!);
      } catch (e) {
        fail(rule, e);
      }
    }
    flush(active);
    // A rule that failed anywhere in the file left nothing reusable.
    if (run && failed.size === 0) this.runs!.set(path, run);
    if (reusedWhereFixesAreWanted) return false;

    const baselineErrors = options.withFixes ? countSyntaxErrors(root) : 0;
    // Duplicates (same rule, range and message) are reported once; keyed without the (long) message.
    const seen = new Map<string, string[]>();
    for (const { rule, range, descriptor } of reports) {
      if (failed.has(rule.id)) continue;
      const key = `${rule.id}:${range.start}:${range.end}`;
      const messages = seen.get(key);
      if (messages?.includes(descriptor.message)) continue;
      if (messages) messages.push(descriptor.message);
      else seen.set(key, [descriptor.message]);
      const configured = options.settings.rules[rule.id]?.severity;
      const severity: Severity = configured && configured !== 'off' ? configured : descriptor.severity ?? rule.defaultSeverity;
      let fixes: readonly Fix[] = [];
      if (options.withFixes && descriptor.fixes && wantsFixes(range)) {
        try {
          fixes = this.checkedFixes(rule, descriptor.fixes(), doc, path, baselineErrors, result);
        } catch (e) {
          fail(rule, e);
          continue;
        }
      }
      const related: RelatedLocation[] = (descriptor.related ?? []).map((r) => (/[\r\n]/.test(r.message) ? { ...r, message: singleLineMessage(r.message) } : r));
      result.findings.push({ ruleId: rule.id, family: rule.family, severity, message: singleLineMessage(descriptor.message), path, range, related, fixes });
    }
    if (failed.size > 0) {
      // A rule that threw reports nothing for this file: half a result is worse than none.
      for (let i = result.findings.length - 1; i >= 0; i--) if (failed.has(result.findings[i].ruleId)) result.findings.splice(i, 1);
    }
    if (hasSuppressionMarker(doc.text)) {
      const ranToCompletion = new Set(enabled.map((r) => r.id).filter((id) => !failed.has(id)));
      const marked = applyInSourceSuppressions(result.findings, {
        path, text: doc.text, language: doc.language, root, lines: fileContext.lines, linterRules: this.rules,
        ranToCompletion, settings: options.settings, withFixes: options.withFixes === true,
      });
      result.findings.splice(0, result.findings.length, ...marked);
    }
    result.findings.sort((a, b) => a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));
    return true;
  }

  /** Fixes that respect the rule's declared fix kind and do not add syntax errors to the file. */
  private checkedFixes(rule: Rule, fixes: readonly Fix[], doc: ParsedDocument, path: string, baselineErrors: number, result: LintResult): Fix[] {
    if (fixes.length > 0 && rule.fix === 'none') throw new Error(`rule ${rule.id} declares fix 'none' but offered a fix`);
    const out: Fix[] = [];
    for (const fix of fixes) {
      if (fix.safety === 'safe' && rule.fix === 'unsafe') throw new Error(`rule ${rule.id} declares only unsafe fixes but offered a safe one`);
      const fixed = applyEdits(doc.text, editsForFile(fix, path));
      if (fixed.dropped > 0) {
        result.internalErrors.push({ path, ruleId: rule.id, message: `fix "${fix.title}" has overlapping or out-of-range edits; dropped` });
        continue;
      }
      if (this.addsSyntaxError(doc, fixed.text, baselineErrors)) {
        // Dropped either way. A rule bug when the code it edits parses; in an item that is already broken
        // (half-typed code) where a statement may go cannot always be told: not worth an error in the log.
        if (!editsBrokenItem(doc.tree.rootNode, editsForFile(fix, path))) {
          result.internalErrors.push({ path, ruleId: rule.id, message: `fix "${fix.title}" would add a syntax error; dropped` });
        }
        continue;
      }
      out.push(fix);
    }
    return out;
  }

  /**
   * True when `fixedText` has more ERROR/MISSING nodes than the document had. Counted first on an
   * incremental re-parse of the edited region (the count descends only into subtrees that contain an
   * error, so it is cheap even in a file that already has some — real wasm-bindgen code often does:
   * tree-sitter-rust does not parse `type Foo;` in `extern "C"` blocks). A fix that seems to add an
   * error there is confirmed on a fresh parse, so incremental error recovery can never reject a fix
   * that a full parse accepts.
   */
  private addsSyntaxError(doc: ParsedDocument, fixedText: string, baselineErrors: number): boolean {
    const derived = doc.derive(fixedText);
    try {
      if (!derived.tree.rootNode.hasError || countSyntaxErrors(derived.tree.rootNode) <= baselineErrors) return false;
    } finally {
      derived.dispose();
    }
    const fresh = new ParsedDocument(this.grammars, doc.language, fixedText);
    try {
      return countSyntaxErrors(fresh.tree.rootNode) > baselineErrors;
    } finally {
      fresh.dispose();
    }
  }

  private fileContext(workspace: Workspace, path: string, doc: ParsedDocument, root: Node, options: LintOptions, result: LintResult): FileContext {
    let crate = undefined as FileContext['crate'];
    let rust: FileContext['rust'];
    let ts: FileContext['ts'];
    try {
      if (doc.language === 'rust') {
        crate = workspace.crateOf(path);
        rust = workspace.crateIndex(crate?.root);
      } else {
        ts = workspace.tsSummary(path);
        for (const binding of [...(ts?.bindings.values() ?? []), ...(ts?.typeBindings?.values() ?? [])]) {
          const root = workspace.wasmModule(binding.modulePath)?.crateRoot;
          const joined = root === undefined ? undefined : workspace.crates().find((c) => c.root === root);
          if (joined) {
            crate = joined;
            break;
          }
        }
      }
    } catch (e) {
      // Running out of time (or a parse budget) skips the file with a notice; it is not an internal error.
      if (e instanceof AnalysisTimeoutError || e instanceof ParseTimeoutError) throw e;
      result.internalErrors.push({ path, message: `indexing failed: ${errorMessage(e)}`, stack: errorStack(e) });
    }
    let lines: LineIndex | undefined;
    return {
      path, language: doc.language, text: doc.text, root,
      // Built on first use: most runs (and incremental ones especially) never need line numbers.
      get lines() {
        return (lines ??= new LineIndex(doc.text));
      },
      crate, rust, ts, workspace, settings: options.settings.analysis,
    };
  }

  /** The rules of `side` the settings do not turn off. */
  private enabledRules(side: 'rust' | 'ts', settings: LintSettings): Rule[] {
    return this.rules.filter((r) => r.side === side && settings.rules[r.id]?.severity !== 'off');
  }

  private readonly typeSets = new WeakMap<readonly string[], ReadonlySet<string>>();

  private typeSet(types: readonly string[]): ReadonlySet<string> {
    let set = this.typeSets.get(types);
    if (!set) this.typeSets.set(types, (set = new Set(types)));
    return set;
  }

  /** The node types `rules` subscribe to (memoised per set object). */
  private subscribedTypes(side: 'rust' | 'ts', rules: ReadonlySet<Rule>): string[] {
    let types = this.typesByRules.get(rules);
    if (!types) {
      const all = new Set<string>();
      for (const rule of rules) if (rule.side === side) for (const t of rule.nodeTypes) all.add(t);
      types = [...all];
      this.typesByRules.set(rules, types);
    }
    return types;
  }

  private dispatchFor(side: 'rust' | 'ts'): Map<string, Rule[]> {
    // Built from all rules of the side once; disabled rules are skipped per run.
    let table = this.dispatchBySide.get(side);
    if (!table) {
      table = new Map();
      for (const rule of this.rules) {
        if (rule.side !== side) continue;
        for (const type of rule.nodeTypes) {
          const list = table.get(type) ?? [];
          list.push(rule);
          table.set(type, list);
        }
      }
      this.dispatchBySide.set(side, table);
    }
    return table;
  }
}

/** Touching counts: a cursor at either end of a finding's range asks for its fixes (quick-fix requests). */
export function rangesTouch(a: TextRange, b: TextRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** True when `path` is its crate's root file (where crate-wide findings are shown); true as well when that cannot be told. */
function isCrateRootFile(workspace: Workspace, path: string): boolean {
  try {
    const crate = workspace.crateOf(path);
    return crate !== undefined && crateRootFile(workspace, crate, workspace.crateIndex(crate.root)) === path;
  } catch {
    return true; // e.g. the index ran out of time: let the rule decide
  }
}

/** wasm-bindgen output (glue JS and declaration files) is generated code: never linted. */
function isGeneratedGlue(workspace: Workspace, path: string): boolean {
  return path.endsWith('.d.ts') || path.endsWith('_bg.js') || workspace.wasmModule(path) !== undefined;
}

/** True when an edit lands in (or at the edge of) a top-level item that already contains a syntax error. */
function editsBrokenItem(root: Node, edits: readonly { readonly range: TextRange }[]): boolean {
  for (const edit of edits) {
    for (const at of [edit.range.start, Math.max(edit.range.start, edit.range.end - 1)]) {
      const item = root.firstChildForIndex(at);
      if (item?.hasError) return true;
      // An insertion at an item's end: the item before it counts too.
      const before = at > 0 ? root.firstChildForIndex(at - 1) : null;
      if (before?.hasError) return true;
    }
  }
  return false;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errorStack(e: unknown): string | undefined {
  return e instanceof Error ? e.stack : undefined;
}
