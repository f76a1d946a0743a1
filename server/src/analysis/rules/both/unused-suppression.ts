// unused-suppression: a valid `wasm-safety-ignore…` comment (or one of its rule ids) that matched no
// finding, with a safe fix that deletes it. Reported by the Linter's suppression pass
// (engine/suppressions.ts), only when every rule it names ran to completion on the file.

import { defineRule, reportedByTheLinter } from '../../engine/rule';

export default defineRule({
  id: 'unused-suppression',
  catalogId: '—',
  family: 'suppression',
  side: 'both',
  defaultSeverity: 'warning',
  summary: 'a `wasm-safety-ignore…` comment that suppresses nothing: the rules it names report nothing where it applies',
  fix: 'safe',
  docs: 'docs/rules/unused-suppression.md',
  nodeTypes: [],
  visit: reportedByTheLinter,
});
