// Applies in-source suppression comments (grammar: suppression-comments.ts) to one file's findings:
// a suppressed finding is kept, marked `suppression: { kind: 'inSource', justification }`, and the
// comments themselves are checked. Problems become findings of the two suppression rules:
//   - invalid-suppression: malformed, names an unknown rule or a rule of the other language, names a
//     suppression rule, or gives no reason. Such a comment suppresses nothing (a reason is mandatory;
//     the finding stays visible until one is written).
//   - unused-suppression: a valid comment (or one of its rule ids) matched no finding, with a safe fix
//     that deletes it (or just the unused ids). Only said when every rule involved really ran on the
//     file: a rule turned off by configuration, not given to the Linter, or that crashed on this file
//     cannot prove the comment unnecessary, so its suppressions are left alone; nor in a file with
//     syntax errors, where rules may be missing findings they will report once it parses again.
// Called by the Linter only when the file contains the marker, so other files pay nothing.

import type { Node } from 'web-tree-sitter';
import type { Finding, Fix, LanguageId, Severity } from '../model';
import { ALL_RULES } from '../rules/index';
import invalidSuppression from '../rules/both/invalid-suppression';
import unusedSuppression from '../rules/both/unused-suppression';
import type { LintSettings } from '../settings';
import type { LineIndex } from '../text/line-index';
import type { Rule, RuleMeta } from './rule';
import { findSuppressionDirectives, type SuppressedRuleRef, type SuppressionDirective } from './suppression-comments';

export const SUPPRESSION_RULE_IDS: ReadonlySet<string> = new Set([invalidSuppression.id, unusedSuppression.id]);

export interface SuppressionInput {
  readonly path: string;
  readonly text: string;
  readonly language: LanguageId;
  readonly root: Node;
  readonly lines: LineIndex;
  /** The rules the Linter was given (suppression rules report only when among them). */
  readonly linterRules: readonly Rule[];
  /** Ids of the rules that ran to completion on this file (enabled, this side, did not throw). */
  readonly ranToCompletion: ReadonlySet<string>;
  readonly settings: LintSettings;
  readonly withFixes: boolean;
}

/** `findings` with suppressed ones marked, plus the findings about the suppression comments. */
export function applyInSourceSuppressions(findings: readonly Finding[], input: SuppressionInput): Finding[] {
  const directives = findSuppressionDirectives(input.root, input.text, input.language, input.lines);
  if (directives.length === 0) return [...findings];
  const side = input.language === 'rust' ? 'rust' : 'ts';
  const known = new Map<string, RuleMeta>(ALL_RULES.map((r) => [r.id, r]));
  for (const rule of input.linterRules) known.set(rule.id, rule);

  const meta: Finding[] = [];
  const report = (rule: RuleMeta, directive: SuppressionDirective, message: string, range = directive.comment, fixes: readonly Fix[] = []): void => {
    if (!input.linterRules.some((r) => r.id === rule.id)) return;
    const configured = input.settings.rules[rule.id]?.severity;
    if (configured === 'off') return;
    const severity: Severity = configured ?? rule.defaultSeverity;
    meta.push({ ruleId: rule.id, family: rule.family, severity, message, path: input.path, range, related: [], fixes: input.withFixes ? fixes : [] });
  };

  // Which rule ids of which directive can suppress: valid form, known rule of this side, with a reason.
  const active: { directive: SuppressionDirective; rules: SuppressedRuleRef[] }[] = [];
  for (const directive of directives) {
    if (directive.problem) {
      report(invalidSuppression, directive, directive.problem);
      continue;
    }
    const usable: SuppressedRuleRef[] = [];
    for (const ref of directive.rules) {
      const rule = known.get(ref.id);
      if (!rule) report(invalidSuppression, directive, `unknown rule \`${ref.id}\`${closestIdHint(ref.id, known)}`, ref.range);
      else if (SUPPRESSION_RULE_IDS.has(ref.id)) report(invalidSuppression, directive, `\`${ref.id}\` cannot be suppressed by a comment: set its severity to off in the configuration instead`, ref.range);
      else if (rule.side !== side && rule.side !== 'both') report(invalidSuppression, directive, `\`${ref.id}\` checks ${rule.side === 'rust' ? 'Rust' : 'TypeScript/JavaScript'} files only, so it never reports here`, ref.range);
      else usable.push(ref);
    }
    if (usable.length === 0) continue;
    if (directive.reason === '') {
      report(invalidSuppression, directive, `suppression of ${usable.map((r) => `\`${r.id}\``).join(', ')} gives no reason: add \` -- <why this is safe>\`; it takes effect once it has one`);
      continue;
    }
    if (directive.scope !== 'file' && directive.targetLine === undefined) {
      report(invalidSuppression, directive, '`wasm-safety-ignore-next-line` has no line of code after it');
      continue;
    }
    active.push({ directive, rules: usable });
  }

  const used = new Set<SuppressedRuleRef>();
  const out = findings.map((finding) => {
    if (SUPPRESSION_RULE_IDS.has(finding.ruleId)) return finding;
    const line = input.lines.positionAt(finding.range.start).line;
    for (const { directive, rules } of active) {
      if (directive.scope !== 'file' && directive.targetLine !== line) continue;
      const ref = rules.find((r) => r.id === finding.ruleId);
      if (!ref) continue;
      used.add(ref);
      return finding.suppression ? finding : { ...finding, suppression: { kind: 'inSource' as const, justification: directive.reason } };
    }
    return finding;
  });

  // In a file with syntax errors rules may miss what they would report once it parses (and fix-all on
  // save would then delete a suppression the user still needs): no "unused" verdicts there.
  if (input.root.hasError) return [...out, ...meta];
  for (const { directive, rules } of active) {
    const unused = rules.filter((r) => !used.has(r));
    // Unknowable when a rule did not run to completion here (off, not given to the Linter, crashed).
    if (unused.length === 0 || unused.some((r) => !input.ranToCompletion.has(r.id))) continue;
    const names = unused.map((r) => `\`${r.id}\``).join(', ');
    const where = directive.scope === 'file' ? 'in this file' : directive.scope === 'line' ? 'on this line' : 'on the next line';
    const everyId = unused.length === directive.rules.length;
    const fix: Fix = everyId
      ? { title: 'Remove unused suppression comment', safety: 'safe', edits: [{ range: directive.removal, newText: '' }] }
      : {
          title: `Remove ${names} from the suppression comment`,
          safety: 'safe',
          edits: [{
            range: { start: directive.rules[0].range.start, end: directive.rules[directive.rules.length - 1].range.end },
            newText: directive.rules.filter((r) => !unused.includes(r)).map((r) => r.id).join(', '),
          }],
        };
    report(unusedSuppression, directive, `unused suppression: ${names} reported nothing ${where}`, directive.comment, [fix]);
  }
  return [...out, ...meta];
}

/** " (did you mean `x`?)" for an id one or two edits away from a known one, else ''. */
function closestIdHint(id: string, known: ReadonlyMap<string, RuleMeta>): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known.keys()) {
    const d = editDistance(id, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean \`${best}\`?)` : '';
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
