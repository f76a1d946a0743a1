// What a wasm-bindgen glue module says about instance reinitialisation (catalog §A3, §A10): whether it
// exports `__wbg_reset_state()` (built with `--experimental-reset-state-function`) and whether it carries
// the reinit machinery at all (`schedule_reinit()` in Rust also emits it, without the public export).
// The module index drops `__wbg*` names from a glue's exports, so these read the glue texts themselves.

import type { WorkspaceQueries } from '../workspace/file-context';

/** The texts of a glue module: the entry, its `.d.ts`, and the `_bg.js` of bundler targets (those present). */
export function glueTexts(workspace: WorkspaceQueries, modulePath: string): string[] {
  const stem = modulePath.replace(/\.(?:d\.ts|[cm]?js)$/, '');
  const paths = [modulePath, `${stem}.d.ts`, `${stem}.js`, `${stem}_bg.js`, `${stem}.mjs`, `${stem}.cjs`];
  const out: string[] = [];
  for (const p of new Set(paths)) {
    const text = workspace.fileText(p);
    if (text !== undefined) out.push(text);
  }
  return out;
}

const RESET_EXPORT = /\bexport\s+(?:declare\s+)?function\s+__wbg_reset_state\b|\bexport\s*\{[^}]*\b__wbg_reset_state\b|\bmodule\.exports\.__wbg_reset_state\b|\bexports\.__wbg_reset_state\s*=/;

/** The glue exports `__wbg_reset_state()` to its callers. */
export function glueExportsResetState(workspace: WorkspaceQueries, modulePath: string): boolean {
  return glueTexts(workspace, modulePath).some((t) => RESET_EXPORT.test(t));
}

/** The glue re-creates its instance after an abort (reinit machinery present, §A10 reinit markers). */
export function glueHasReinit(workspace: WorkspaceQueries, modulePath: string): boolean {
  return glueTexts(workspace, modulePath).some((t) => /__wbg_reset_state|__wbg_reinit_scheduled|__wbg_instance_id/.test(t));
}
