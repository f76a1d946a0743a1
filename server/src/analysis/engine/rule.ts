// The shape of a rule: checked metadata first, then the node types it subscribes to and its visitor.
// Rules never walk the whole tree themselves, keep no state between files and do no I/O;
// everything they know about the workspace comes through the RuleContext.

import type { Node } from 'web-tree-sitter';
import type { Family, FixSafety, LanguageId, RelatedLocation, Severity, TextRange, Fix } from '../model';
import type { FileContext } from '../workspace/file-context';

export type RuleFixKind = FixSafety | 'none';

export type RuleSide = 'rust' | 'ts' | 'both';

export interface RuleMeta {
  /** kebab-case, globally unique; also the file name of the rule, fixture and doc page. */
  readonly id: string;
  /** The catalog entry it implements (`R01`, `U01`, `C01` …: ../shared/domain/bug-catalog.md Part C). */
  readonly catalogId: string;
  readonly family: Family;
  /**
   * `rust` rules see Rust files; `ts` rules see TypeScript, TSX and JavaScript files; `both` is for the
   * suppression rules, which check comments in every file and are reported by the Linter itself.
   */
  readonly side: RuleSide;
  readonly defaultSeverity: Severity;
  /** One line: hover text, docs index, SARIF shortDescription. No trailing period. */
  readonly summary: string;
  /** The strongest fix the rule offers: `none` means it never reports a fix. Checked at run time. */
  readonly fix: RuleFixKind;
  /** Doc page, relative to the repository root: `docs/rules/<id>.md`. */
  readonly docs: string;
  /** The options the rule reads from `ctx.options` (config file `rules.<id>.options`; the schema is generated from this). */
  readonly options?: Readonly<Record<string, RuleOptionMeta>>;
}

/** One rule option: all current options are opt-in switches. */
export interface RuleOptionMeta {
  readonly type: 'boolean';
  readonly default: boolean;
  /** One sentence, shown by the JSON schema in the editor. */
  readonly description: string;
}

export interface ReportDescriptor {
  /** The node (or explicit range) the finding is shown on: the most useful single line. */
  readonly node?: Node;
  readonly range?: TextRange;
  readonly message: string;
  /** Overrides the rule's default severity (e.g. downgraded by the crate's build mode). */
  readonly severity?: Severity;
  readonly related?: readonly RelatedLocation[];
  /** Built lazily: computed only when fixes are wanted (code actions, --fix, tests). */
  readonly fixes?: () => readonly Fix[];
}

export interface RuleContext extends FileContext {
  readonly rule: RuleMeta;
  /** Options for this rule from the configuration (already merged with defaults). */
  readonly options: Readonly<Record<string, unknown>>;
  report(descriptor: ReportDescriptor): void;
  /**
   * For a rule with `finish`: hands `record` to this rule's `finish` (see `collected`). Records are plain
   * JSON data — no nodes; positions only as `TextRange`s under keys ending in `range`/`Range` — because
   * the incremental Linter keeps them with the findings of their unit and moves them with an edit, so
   * `finish` also sees the records of units it did not visit again.
   */
  collect(record: object): void;
  /** In `finish`: every record this rule collected for the file, in document order. */
  collected(): readonly object[];
}

export interface Rule extends RuleMeta {
  /** Node types the engine dispatches to `visit` during its single traversal. */
  readonly nodeTypes: readonly string[];
  /**
   * Words (case-sensitive substrings, comments included; or patterns) at least one of which a file must contain
   * for this rule to report anything in it. A file with none of them is not visited by the rule, and
   * a file that no enabled rule can report in (and that has no suppression comment) is not even
   * parsed — most files of a real workspace are plain Rust (scans only: an incremental Linter, which
   * re-lints open documents as they are typed, runs every rule). Omitted: the rule visits every file of its
   * side. It must hold for every path to a report, including facts from other files (a JS import
   * declared elsewhere can be called under any name: the gate is what THIS file must contain); each
   * rule says why its words are necessary next to them.
   */
  readonly textGate?: readonly (string | RegExp)[];
  /** With `textGate`: the rule may also report in its crate's root file (crate-wide findings), whatever that file says. */
  readonly alsoInCrateRoot?: boolean;
  /** Called for each node of a subscribed type, in document order. */
  visit(node: Node, ctx: RuleContext): void;
  /**
   * Optional: called once per file after the traversal (for rules that aggregate). What the visits tell
   * `finish` must go through `ctx.collect`, or through a table keyed by the file's root (`ctx.root`,
   * `env.root`): reading the root marks the visit as reading the whole file, so the incremental Linter
   * never skips it; any other channel would lose the state of skipped units.
   */
  finish?(ctx: RuleContext): void;
}

export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}

/**
 * A call of a method named by one of `names`: the name as a whole word, then (after spaces) its
 * arguments `(`, a turbofish `::` or a comment — so `write!(f, …)`, `thread` and `already` do not
 * count. For text gates and early exits about such calls.
 */
export function methodCallPattern(names: readonly string[]): RegExp {
  return new RegExp(`\\b(?:${names.join('|')})\\s*(?:\\(|::|/[/*])`);
}

/**
 * The rules among `rules` that can report in `text` (see `Rule.textGate`); each distinct word is searched
 * once, and `isCrateRoot` is asked at most once, only for a rule whose words are missing.
 */
export function rulesForText<R extends Rule>(rules: readonly R[], text: string, isCrateRoot: () => boolean): R[] {
  const found = new Map<string | RegExp, boolean>();
  const has = (word: string | RegExp): boolean => {
    let yes = found.get(word);
    if (yes === undefined) found.set(word, (yes = typeof word === 'string' ? text.includes(word) : word.test(text)));
    return yes;
  };
  let crateRoot: boolean | undefined;
  return rules.filter((rule) => rule.textGate === undefined || rule.textGate.some(has) || (rule.alsoInCrateRoot === true && (crateRoot ??= isCrateRoot())));
}

export function languagesOfSide(side: RuleSide): readonly LanguageId[] {
  if (side === 'both') return ['rust', 'typescript', 'tsx', 'javascript'];
  return side === 'rust' ? ['rust'] : ['typescript', 'tsx', 'javascript'];
}

/**
 * The `visit` of a rule whose findings the Linter produces itself (the suppression rules: they judge
 * comments against every other rule's findings, so they cannot run inside the traversal). Such a rule
 * subscribes to no node type, so this is never called; if it were, that is a bug worth an error.
 */
export function reportedByTheLinter(this: void, node: Node): never {
  throw new Error(`a Linter-reported rule was dispatched a ${node.type} node`);
}
