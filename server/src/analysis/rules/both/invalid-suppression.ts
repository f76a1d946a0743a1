// invalid-suppression: a `wasm-safety-ignore…` comment that cannot take effect (malformed, an unknown
// rule or one of the other language, a suppression rule, no reason). Reported by the Linter's
// suppression pass (engine/suppressions.ts), in Rust and TS/JS files alike.

import { defineRule, reportedByTheLinter } from '../../engine/rule';

export default defineRule({
  id: 'invalid-suppression',
  catalogId: '—',
  family: 'suppression',
  side: 'both',
  defaultSeverity: 'error',
  summary: 'a `wasm-safety-ignore…` comment that is malformed, names an unknown rule or gives no reason, so it suppresses nothing',
  fix: 'none',
  docs: 'docs/rules/invalid-suppression.md',
  nodeTypes: [],
  visit: reportedByTheLinter,
});
