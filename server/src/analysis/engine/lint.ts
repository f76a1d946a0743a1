// The engine: one traversal per file that dispatches each node to the rules subscribed to its type,
// isolates rule crashes (logged as internal errors, other rules still report), applies configured
// severities, and (on request) computes fixes, checking them against the rule's metadata and dropping
// any that would add a syntax error.

import type { Node } from 'web-tree-sitter';
import type { Finding, Fix, InternalError, Notice, RelatedLocation, Severity, TextRange } from '../model';
import type { Grammars } from '../parsing/grammars';
import { AnalysisTimeoutError, checkAnalysisBudget, withAnalysisBudget } from '../parsing/budget';
import { ParsedDocument, ParseTimeoutError } from '../parsing/parsed-document';
import { countSyntaxErrors } from '../parsing/walk';
import { DEFAULT_ANALYSIS_BUDGET_MS, type LintSettings } from '../settings';
import { LineIndex } from '../text/line-index';
import type { FileContext } from '../workspace/file-context';
import type { Workspace } from '../workspace/workspace';
import { applyEdits, editsForFile } from './fixes';
import type { ReportDescriptor, Rule, RuleContext } from './rule';
import { hasSuppressionMarker } from './suppression-comments';
import { applyInSourceSuppressions } from './suppressions';

export interface LintOptions {
  readonly settings: LintSettings;
  /** Compute fixes (code actions, --fix, tests); diagnostics alone do not need them. */
  readonly withFixes?: boolean;
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

  constructor(readonly rules: readonly Rule[], private readonly grammars: Grammars) {}

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
    const budgetMs = options.settings.analysis.analysisBudgetMs ?? DEFAULT_ANALYSIS_BUDGET_MS;
    try {
      workspace.withDocument(path, (doc) => withAnalysisBudget(budgetMs, () => this.lintParsed(workspace, path, doc, options, result)));
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

  private lintParsed(workspace: Workspace, path: string, doc: ParsedDocument, options: LintOptions, result: LintResult): void {
    const side = doc.language === 'rust' ? 'rust' : 'ts';
    const root = doc.tree.rootNode;
    const fileContext = this.fileContext(workspace, path, doc, root, options, result);
    const enabled = this.rules.filter((r) => r.side === side && options.settings.rules[r.id]?.severity !== 'off');
    if (enabled.length === 0) return;

    const reports: PendingReport[] = [];
    const failed = new Set<string>();
    const contexts = new Map<string, RuleContext>();
    for (const rule of enabled) {
      contexts.set(rule.id, {
        ...fileContext,
        rule,
        options: options.settings.rules[rule.id]?.options ?? {},
        report: (d) => {
          const range = d.range ?? (d.node ? { start: d.node.startIndex, end: d.node.endIndex } : undefined);
          if (!range) throw new Error(`rule ${rule.id} reported without a node or range`);
          reports.push({ rule, range, descriptor: d });
        },
      });
    }
    const fail = (rule: Rule, e: unknown): void => {
      // The file's time budget ran out inside this rule: that ends the whole file's analysis, not just the rule's.
      if (e instanceof AnalysisTimeoutError || e instanceof ParseTimeoutError) throw e;
      if (failed.has(rule.id)) return;
      failed.add(rule.id);
      result.internalErrors.push({ path, ruleId: rule.id, message: `rule ${rule.id} threw: ${errorMessage(e)}`, stack: errorStack(e) });
    };
    const dispatch = this.dispatchFor(side);
    const enabledIds = new Set(enabled.map((r) => r.id));

    // The single traversal: the cursor reads node types without materialising nodes nobody wants.
    const cursor = root.walk();
    try {
      for (;;) {
        checkAnalysisBudget();
        const subscribers = dispatch.get(cursor.nodeType);
        if (subscribers) {
          const node = cursor.currentNode;
          for (const rule of subscribers) {
            if (!enabledIds.has(rule.id) || failed.has(rule.id)) continue;
            try {
              if (options.faultInjection === rule.id) throw new Error('fault injected for testing');
              rule.visit(node, contexts.get(rule.id)!);
            } catch (e) {
              fail(rule, e);
            }
          }
        }
        if (cursor.gotoFirstChild()) continue;
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
    for (const rule of enabled) {
      if (!rule.finish || failed.has(rule.id)) continue;
      try {
        rule.finish(contexts.get(rule.id)!);
      } catch (e) {
        fail(rule, e);
      }
    }

    const baselineErrors = options.withFixes ? countSyntaxErrors(root) : 0;
    const seen = new Set<string>();
    for (const { rule, range, descriptor } of reports) {
      if (failed.has(rule.id)) continue;
      const key = `${rule.id}:${range.start}:${range.end}:${descriptor.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const configured = options.settings.rules[rule.id]?.severity;
      const severity: Severity = configured && configured !== 'off' ? configured : descriptor.severity ?? rule.defaultSeverity;
      let fixes: readonly Fix[] = [];
      if (options.withFixes && descriptor.fixes) {
        try {
          fixes = this.checkedFixes(rule, descriptor.fixes(), doc, path, baselineErrors, result);
        } catch (e) {
          fail(rule, e);
          continue;
        }
      }
      const related: RelatedLocation[] = [...(descriptor.related ?? [])];
      result.findings.push({ ruleId: rule.id, family: rule.family, severity, message: descriptor.message, path, range, related, fixes });
    }
    if (failed.size > 0) {
      // A rule that threw reports nothing for this file: half a result is worse than none.
      for (let i = result.findings.length - 1; i >= 0; i--) if (failed.has(result.findings[i].ruleId)) result.findings.splice(i, 1);
    }
    if (hasSuppressionMarker(doc.text)) {
      const ranToCompletion = new Set([...enabledIds].filter((id) => !failed.has(id)));
      const marked = applyInSourceSuppressions(result.findings, {
        path, text: doc.text, language: doc.language, root, lines: fileContext.lines, linterRules: this.rules,
        ranToCompletion, settings: options.settings, withFixes: options.withFixes === true,
      });
      result.findings.splice(0, result.findings.length, ...marked);
    }
    result.findings.sort((a, b) => a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));
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
        result.internalErrors.push({ path, ruleId: rule.id, message: `fix "${fix.title}" would add a syntax error; dropped` });
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
        for (const binding of ts?.bindings.values() ?? []) {
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
    return {
      path, language: doc.language, text: doc.text, root, lines: new LineIndex(doc.text),
      crate, rust, ts, workspace, settings: options.settings.analysis,
    };
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

/** wasm-bindgen output (glue JS and declaration files) is generated code: never linted. */
function isGeneratedGlue(workspace: Workspace, path: string): boolean {
  return path.endsWith('.d.ts') || path.endsWith('_bg.js') || workspace.wasmModule(path) !== undefined;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errorStack(e: unknown): string | undefined {
  return e instanceof Error ? e.stack : undefined;
}
