// Which `wasmSafety` settings the user set explicitly. The server layers settings as defaults <
// wasm-safety.json < editor settings, so the editor must send only values someone actually set (user,
// workspace or workspace-folder level, language-specific or not): a default sent as if it were set
// would silently override the config file. Pure (no vscode import) so it is unit-tested in Node.

/** The part of vscode's `WorkspaceConfiguration.inspect()` result used here. */
export interface SettingInspection {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
  readonly globalLanguageValue?: unknown;
  readonly workspaceLanguageValue?: unknown;
  readonly workspaceFolderLanguageValue?: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The explicitly set value of one setting: the most specific level that sets it; objects (such as
 * `rules`) merge key by key from the least to the most specific level, as VS Code itself merges them.
 * Undefined when no level sets it.
 */
export function explicitValue(inspection: SettingInspection | undefined): unknown {
  if (!inspection) return undefined;
  const levels = [
    inspection.globalValue, inspection.globalLanguageValue, inspection.workspaceValue,
    inspection.workspaceLanguageValue, inspection.workspaceFolderValue, inspection.workspaceFolderLanguageValue,
  ].filter((v) => v !== undefined);
  if (levels.length === 0) return undefined;
  if (levels.every(isPlainObject)) return Object.assign({}, ...levels);
  return levels[levels.length - 1];
}

/** The section object to send: only the explicitly set settings among `keys`. */
export function explicitSection(keys: readonly string[], inspect: (key: string) => SettingInspection | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = explicitValue(inspect(key));
    if (value !== undefined) out[key] = value;
  }
  return out;
}
