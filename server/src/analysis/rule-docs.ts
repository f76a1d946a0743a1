// The one place that knows where rule documentation is published: the CLI's SARIF `helpUri` and the
// language server's `Diagnostic.codeDescription.href` both come from here, so they link to one page.

import type { RuleMeta } from './engine/rule';

export const REPOSITORY_URL = 'https://github.com/wasm-safety/wasm-safety';

/** Base every rule's `docs` path (e.g. `docs/rules/<id>.md`) is appended to. Ends with '/'. */
export const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/main/`;

/** The absolute URL of a rule's documentation page (SARIF requires an absolute, valid `helpUri`). */
export function ruleDocUrl(rule: Pick<RuleMeta, 'id' | 'docs'>): string {
  const relative = rule.docs && rule.docs.length > 0 ? rule.docs : `docs/rules/${rule.id}.md`;
  // Asked once per diagnostic of every publish: the few distinct answers are kept.
  let url = URL_BY_DOCS_PATH.get(relative);
  if (url === undefined) {
    url = DOCS_BASE_URL + relative.replace(/^\.?\//, '').split('/').map(encodeURIComponent).join('/');
    URL_BY_DOCS_PATH.set(relative, url);
  }
  return url;
}

const URL_BY_DOCS_PATH = new Map<string, string>();
