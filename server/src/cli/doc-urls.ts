// The one place that knows where rule documentation is published. The CLI uses it for SARIF
// `helpUri`; the language server uses the same base for `Diagnostic.codeDescription.href`, so both
// surfaces link to the same page. Pure (no Node imports) so the server, even in a web worker, can use it.

import type { RuleMeta } from '../analysis/index';

export const REPOSITORY_URL = 'https://github.com/wasm-safety/wasm-safety';

/** Base every rule's `docs` path (e.g. `docs/rules/<id>.md`) is appended to. Ends with '/'. */
export const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/main/`;

/** The absolute URL of a rule's documentation page (SARIF requires an absolute, valid `helpUri`). */
export function ruleDocUrl(rule: Pick<RuleMeta, 'id' | 'docs'>): string {
  const relative = rule.docs && rule.docs.length > 0 ? rule.docs : `docs/rules/${rule.id}.md`;
  return DOCS_BASE_URL + relative.replace(/^\.?\//, '').split('/').map(encodeURIComponent).join('/');
}
