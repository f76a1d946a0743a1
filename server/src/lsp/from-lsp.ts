// Conversions from LSP data to the analysis model: document URIs to workspace paths, LSP ranges to
// UTF-16 offsets, client capabilities to the few features the server adapts to, the `wasmSafety`
// settings object to an override layer, and a diagnostic's `data` back to the finding it was made from.
// The only other place that knows both worlds is to-lsp.ts (the opposite direction).

import { fileURLToPath } from 'node:url';
import type { ClientCapabilities, Range } from 'vscode-languageserver';
import {
  type ConfigLayer, type LineIndex, type LintSettings, mergeLintSettings, readConfigLayer, type RuleMeta, type TextRange,
} from '../analysis/index';
import { toWorkspacePath } from '../host/disk-workspace';

/** Never-saved editor buffers get a path below this folder, named after their language (no file exists there). */
export const UNTITLED_FOLDER = '/__wasm-safety-untitled__';

/** File extension that makes the analysis pick the right grammar for a never-saved buffer of a VS Code language. */
const EXTENSION_OF_LANGUAGE_ID: Readonly<Record<string, string>> = {
  rust: '.rs',
  typescript: '.ts',
  typescriptreact: '.tsx',
  javascript: '.js',
  javascriptreact: '.jsx',
};

/**
 * The workspace path of a document: `file:` URIs map to their absolute, '/'-separated path;
 * `untitled:` buffers to a path below UNTITLED_FOLDER; other schemes (virtual file systems) are not served.
 */
export function documentPath(uri: string, languageId?: string): string | undefined {
  if (uri.startsWith('file:')) return filePath(uri);
  if (uri.startsWith('untitled:')) {
    const extension = (languageId && EXTENSION_OF_LANGUAGE_ID[languageId]) ?? '';
    const name = decodeURIComponent(uri.slice('untitled:'.length)).replace(/[^A-Za-z0-9._-]+/g, '_') || 'untitled';
    return `${UNTITLED_FOLDER}/${name}${extension}`;
  }
  return undefined;
}

/** The absolute path of a `file:` URI (documents, workspace folders, watched files), else undefined. */
export function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return toWorkspacePath(fileURLToPath(uri));
  } catch {
    return undefined; // e.g. a file URI with a host on POSIX
  }
}

export function isUntitledPath(path: string): boolean {
  return path.startsWith(UNTITLED_FOLDER + '/');
}

/** An LSP range (UTF-16 line/character, the default position encoding) as offsets into the text of `lines`. */
export function textRange(range: Range, lines: LineIndex): TextRange {
  const start = lines.offsetAt(range.start);
  const end = lines.offsetAt(range.end);
  return { start: Math.min(start, end), end: Math.max(start, end) };
}

/** What the client can do, reduced to the choices the server makes. */
export interface ClientFeatures {
  /** Answers `workspace/configuration` (pull settings); else settings come from didChangeConfiguration or defaults. */
  readonly configuration: boolean;
  /** Accepts `window/workDoneProgress/create` (progress for the background scan). */
  readonly workDoneProgress: boolean;
  /** WorkspaceEdit.documentChanges (versioned edits). */
  readonly documentChanges: boolean;
  /** WorkspaceEdit may create files (fixes that add a module). */
  readonly createFiles: boolean;
  readonly relatedInformation: boolean;
  /** Has workspace folders, and sends `workspace/didChangeWorkspaceFolders` when they change. */
  readonly workspaceFolders: boolean;
}

export function clientFeatures(capabilities: ClientCapabilities): ClientFeatures {
  const workspaceEdit = capabilities.workspace?.workspaceEdit;
  const documentChanges = workspaceEdit?.documentChanges === true;
  return {
    configuration: capabilities.workspace?.configuration === true,
    workDoneProgress: capabilities.window?.workDoneProgress === true,
    documentChanges,
    createFiles: documentChanges && (workspaceEdit?.resourceOperations ?? []).includes('create'),
    relatedInformation: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true,
    workspaceFolders: capabilities.workspace?.workspaceFolders === true,
  };
}

/**
 * The server's view of the `wasmSafety` settings section for one resource. `editorLayer` holds only
 * what the client sent (the VS Code client sends only values the user set explicitly, see
 * client/src/settings-middleware.ts), so it overrides the config file while unset settings do not;
 * `lint` is the defaults with the editor layer applied (Session.settingsFor adds the config file).
 */
export interface ServerSettings {
  /** False: no diagnostics for the resource (published ones are cleared). */
  readonly enable: boolean;
  /** Quiet time after the last keystroke before an open document is linted. */
  readonly debounceMs: number;
  readonly editorLayer: ConfigLayer;
  readonly lint: LintSettings;
}

export const DEFAULT_DEBOUNCE_MS = 0;
const MAX_DEBOUNCE_MS = 10_000;

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  enable: true,
  debounceMs: DEFAULT_DEBOUNCE_MS,
  editorLayer: {},
  lint: mergeLintSettings([]),
};

/** Settings of the `wasmSafety` section that map to config-file keys (the rest are editor-only). */
const EDITOR_CONFIG_KEYS = new Set(['rules', 'classifierNames', 'classifierModule', 'extraJsCallPoints', 'maxFileSize', 'parseBudgetMs', 'analysisBudgetMs'] as const);
/** Editor-only settings: read here or by the client, never an "unknown key". */
const EDITOR_ONLY_KEYS = new Set(['enable', 'debounceMs', 'trace']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the `wasmSafety` section (as the client sent it: anything, or null when unset) into
 * ServerSettings. Invalid values fall back to their defaults and are reported through `warn`.
 * `classifierModule` stays as given (relative values are relative to the workspace folder).
 */
export function serverSettings(raw: unknown, rules: readonly RuleMeta[], warn: (message: string) => void): ServerSettings {
  if (raw === null || raw === undefined) return DEFAULT_SERVER_SETTINGS;
  if (!isRecord(raw)) {
    warn(`wasmSafety settings: expected an object, got ${JSON.stringify(raw)}; using defaults`);
    return DEFAULT_SERVER_SETTINGS;
  }

  let enable = DEFAULT_SERVER_SETTINGS.enable;
  if (typeof raw.enable === 'boolean') enable = raw.enable;
  else if (raw.enable !== undefined && raw.enable !== null) warn(`wasmSafety.enable: expected true or false, got ${JSON.stringify(raw.enable)}`);

  let debounceMs = DEFAULT_SERVER_SETTINGS.debounceMs;
  if (typeof raw.debounceMs === 'number' && Number.isFinite(raw.debounceMs) && raw.debounceMs >= 0) {
    debounceMs = Math.min(raw.debounceMs, MAX_DEBOUNCE_MS);
  } else if (raw.debounceMs !== undefined && raw.debounceMs !== null) {
    warn(`wasmSafety.debounceMs: expected a number of milliseconds >= 0, got ${JSON.stringify(raw.debounceMs)}`);
  }

  const editorLayer = readConfigLayer(raw, {
    rules,
    keys: EDITOR_CONFIG_KEYS,
    extraKeys: EDITOR_ONLY_KEYS,
    report: (key, message) => warn(`wasmSafety${key ? `.${key}` : ''}: ${message}`),
  });
  return { enable, debounceMs, editorLayer, lint: mergeLintSettings([editorLayer]) };
}

/** What `Diagnostic.data` carries (see to-lsp.ts `toDiagnostic`): enough to find the finding again. */
export interface DiagnosticRef {
  readonly ruleId: string;
  /** Document version the diagnostic was computed for (absent for files that were not open). */
  readonly version?: number;
  readonly fingerprint: string;
}

export function diagnosticRef(data: unknown): DiagnosticRef | undefined {
  if (!isRecord(data) || typeof data.ruleId !== 'string' || typeof data.fingerprint !== 'string') return undefined;
  return {
    ruleId: data.ruleId,
    version: typeof data.version === 'number' ? data.version : undefined,
    fingerprint: data.fingerprint,
  };
}
