// The workspace configuration file (`wasm-safety.json`) shared by the editor and the CLI: reading and
// validating it, and merging it with defaults and editor overrides into a file's LintSettings. Pure:
// the hosts find and read the file (host/config-files.ts) and pass its text here.
//
// Validation never rejects a whole file for one mistake: an unknown key, a bad value or an unknown rule
// is reported (file, key, line:column) and that part falls back to its default; only a file that is not
// JSON at all is ignored entirely (and says where the syntax error is). Paths in the file (classifier
// module, globs, baseline file) are relative to the file's folder and are made absolute here, so the
// same file means the same thing whichever folder the CLI runs in and whichever workspace folder the
// editor has open.

import type { RuleMeta } from '../engine/rule';
import type { ConfiguredSeverity } from '../model';
import { DEFAULT_SETTINGS, type LintSettings, type RuleSettings } from '../settings';
import { anchorGlob, globProblem } from '../text/glob';
import { dirname, resolvePath } from '../text/paths';
import { type JsonPosition, readJson } from './json-with-positions';

/** The file name looked for in each folder from a file up to its workspace folder / project root. */
export const CONFIG_FILE_NAME = 'wasm-safety.json';
/** Where the baseline lives when the config does not say: next to the config file (else the current folder). */
export const DEFAULT_BASELINE_FILE_NAME = 'wasm-safety-baseline.json';

export const CONFIGURED_SEVERITIES: readonly ConfiguredSeverity[] = ['error', 'warning', 'info', 'hint', 'off'];

/** A mistake in a config file or in the editor settings, with enough to find it. */
export interface ConfigProblem {
  /** The config file (absolute path), or a description such as `VS Code settings (wasmSafety)`. */
  readonly source: string;
  /** Dotted key path (`rules.my-rule.severity`), absent for whole-file problems. */
  readonly key?: string;
  readonly position?: JsonPosition;
  readonly message: string;
}

export function formatConfigProblem(problem: ConfigProblem): string {
  const where = problem.position ? `${problem.source}:${problem.position.line}:${problem.position.column}` : problem.source;
  return `${where}: ${problem.key ? `${problem.key}: ` : ''}${problem.message}`;
}

/**
 * What one configuration layer sets (a config file, or the settings a user set explicitly in the
 * editor). Unset keys are absent, so a layer overrides only what it names. Paths are absolute.
 */
export interface ConfigLayer {
  readonly rules?: Readonly<Record<string, RuleSettings>>;
  readonly classifierNames?: readonly string[];
  /** Absolute path (config file), or relative to the workspace folder (editor settings). */
  readonly classifierModule?: string;
  readonly extraJsCallPoints?: readonly string[];
  /** Absolute glob patterns. */
  readonly bindingModules?: readonly string[];
  readonly maxFileSize?: number;
  readonly parseBudgetMs?: number;
  readonly analysisBudgetMs?: number;
}

export interface BaselineSettings {
  /** Absolute path of the baseline file. */
  readonly file: string;
  /** False (default): baselined findings are hidden; true: reported like any other finding. */
  readonly show: boolean;
}

/** A parsed config file. */
export interface ConfigFile {
  /** Absolute '/'-separated path of the file. */
  readonly path: string;
  readonly layer: ConfigLayer;
  /** Absolute glob patterns of files that are neither linted nor reported. */
  readonly ignore: readonly string[];
  readonly baseline: BaselineSettings;
  readonly problems: readonly ConfigProblem[];
}

/** The top-level keys of the config file, with what each holds (also the JSON schema's descriptions). */
export const CONFIG_KEYS = {
  $schema: 'Path or URL of this file\'s JSON schema (for editors; ignored by wasm-safety).',
  rules: 'Severity and options per rule id: "error", "warning", "info", "hint" or "off", or { "severity": …, "options": { … } }.',
  classifierNames: 'Functions whose call in a catch handler counts as classifying a wasm failure (catch-swallows-wasm-failure, catch-misclassifies).',
  classifierModule: 'Path (relative to this file) of the classifier module quick fixes import from, and create when it is missing.',
  extraJsCallPoints: 'Extra Rust function or method names that call into JavaScript synchronously (`name`, `.method`, `Type::function`).',
  bindingModules: 'Globs (relative to this file) of JS/.d.ts modules to treat as wasm-bindgen bindings even without glue markers (e.g. a renamed or post-processed copy of the glue). They are not linted.',
  ignore: 'Globs (relative to this file) of files that are neither linted nor reported. A pattern without "/" matches at any depth; a folder pattern matches everything below it.',
  maxFileSize: 'Files larger than this many characters are skipped, with a notice.',
  parseBudgetMs: 'A file whose parse takes longer than this many milliseconds is skipped, with a notice.',
  analysisBudgetMs: 'A file whose analysis (after parsing) takes longer than this many milliseconds is skipped, with a notice.',
  baseline: 'The baseline of accepted findings: { "file": path relative to this file (default "wasm-safety-baseline.json"), "show": true to report baselined findings anyway }.',
} as const;

type ConfigKey = keyof typeof CONFIG_KEYS;

export interface ReadLayerOptions {
  readonly rules: readonly RuleMeta[];
  /** Folder relative paths are resolved against; undefined: paths stay as given (editor settings). */
  readonly baseDir?: string;
  /** Reports a problem with the value at `key` (dotted path). */
  readonly report: (key: string | undefined, message: string) => void;
  /** Top-level keys that are not an error although they are not config keys (editor-only settings). */
  readonly extraKeys?: ReadonlySet<string>;
  /** Keys accepted (others are reported); default: every config key. */
  readonly keys?: ReadonlySet<ConfigKey>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function readStringArray(value: unknown, key: string, report: ReadLayerOptions['report']): string[] | undefined {
  if (!Array.isArray(value)) {
    report(key, `expected an array of strings, got ${describeValue(value)}; using the default`);
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string' && item.trim() !== '') out.push(item.trim());
    else report(`${key}[${index}]`, `expected a non-empty string, got ${describeValue(item)} (ignored)`);
  });
  return out;
}

function readGlobs(value: unknown, key: string, options: ReadLayerOptions): string[] | undefined {
  const patterns = readStringArray(value, key, options.report);
  if (!patterns) return undefined;
  const out: string[] = [];
  patterns.forEach((pattern, index) => {
    const problem = globProblem(pattern);
    if (problem) options.report(`${key}[${index}]`, `${problem} (ignored)`);
    else out.push(anchorGlob(pattern, options.baseDir ?? '/'));
  });
  return out;
}

function readPositiveNumber(value: unknown, key: string, report: ReadLayerOptions['report']): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  report(key, `expected a number greater than 0, got ${describeValue(value)}; using the default`);
  return undefined;
}

/** `rules`: rule id → severity or { severity, options }; unknown ids, severities and options are reported. */
export function readRules(value: unknown, key: string, rules: readonly RuleMeta[], report: ReadLayerOptions['report']): Record<string, RuleSettings> | undefined {
  if (!isRecord(value)) {
    report(key, `expected an object of rule id → severity, got ${describeValue(value)}`);
    return undefined;
  }
  const byId = new Map(rules.map((r) => [r.id, r]));
  const out: Record<string, RuleSettings> = {};
  for (const [ruleId, setting] of Object.entries(value)) {
    const ruleKey = `${key}.${ruleId}`;
    const rule = byId.get(ruleId);
    if (!rule) {
      const near = rules.find((r) => r.id.startsWith(ruleId) || ruleId.startsWith(r.id));
      report(ruleKey, `unknown rule id "${ruleId}"${near ? ` (did you mean "${near.id}"?)` : ''} (ignored)`);
      continue;
    }
    let severity: unknown;
    let rawOptions: unknown;
    if (isRecord(setting)) {
      for (const k of Object.keys(setting)) {
        if (k !== 'severity' && k !== 'options') report(`${ruleKey}.${k}`, 'unknown key (expected "severity" or "options")');
      }
      severity = setting.severity;
      rawOptions = setting.options;
    } else {
      severity = setting;
    }
    const entry: { severity?: ConfiguredSeverity; options?: Record<string, unknown> } = {};
    if (severity !== undefined) {
      if (CONFIGURED_SEVERITIES.includes(severity as ConfiguredSeverity)) entry.severity = severity as ConfiguredSeverity;
      else report(isRecord(setting) ? `${ruleKey}.severity` : ruleKey, `expected one of ${CONFIGURED_SEVERITIES.join(', ')}, got ${describeValue(severity)}; using the rule's default`);
    }
    if (rawOptions !== undefined) {
      const options = readRuleOptions(rawOptions, `${ruleKey}.options`, rule, report);
      if (options) entry.options = options;
    }
    out[ruleId] = entry;
  }
  return out;
}

function readRuleOptions(value: unknown, key: string, rule: RuleMeta, report: ReadLayerOptions['report']): Record<string, unknown> | undefined {
  if (!isRecord(value)) {
    report(key, `expected an object, got ${describeValue(value)}`);
    return undefined;
  }
  const declared = rule.options ?? {};
  const out: Record<string, unknown> = {};
  for (const [name, optionValue] of Object.entries(value)) {
    const spec = Object.prototype.hasOwnProperty.call(declared, name) ? declared[name] : undefined;
    if (!spec) {
      const known = Object.keys(declared);
      report(`${key}.${name}`, `unknown option of ${rule.id} (${known.length > 0 ? `it has: ${known.join(', ')}` : 'it has no options'}; ignored)`);
      continue;
    }
    if (typeof optionValue !== spec.type) {
      report(`${key}.${name}`, `expected a ${spec.type}, got ${describeValue(optionValue)}; using the default (${String(spec.default)})`);
      continue;
    }
    out[name] = optionValue;
  }
  return out;
}

/**
 * Reads a configuration object (a config file's top level, or the editor's settings section) into a
 * layer. Every problem goes to `options.report`; the bad part is left out (so the default applies).
 */
export function readConfigLayer(raw: Record<string, unknown>, options: ReadLayerOptions): ConfigLayer {
  const layer: { -readonly [K in keyof ConfigLayer]: ConfigLayer[K] } = {};
  const { report } = options;
  for (const [key, value] of Object.entries(raw)) {
    const accepted = Object.prototype.hasOwnProperty.call(CONFIG_KEYS, key) && (!options.keys || options.keys.has(key as ConfigKey));
    if (!accepted) {
      if (!options.extraKeys?.has(key)) report(key, `unknown key (known keys: ${[...(options.keys ?? Object.keys(CONFIG_KEYS))].join(', ')})`);
      continue;
    }
    if (value === null || value === undefined) continue;
    switch (key as ConfigKey) {
      case 'rules': {
        const rules = readRules(value, key, options.rules, report);
        if (rules) layer.rules = rules;
        break;
      }
      case 'classifierNames':
      case 'extraJsCallPoints': {
        const names = readStringArray(value, key, report);
        if (names) layer[key as 'classifierNames' | 'extraJsCallPoints'] = names;
        break;
      }
      case 'classifierModule':
        if (typeof value === 'string' && value.trim() !== '') {
          layer.classifierModule = options.baseDir === undefined ? value.trim() : resolvePath(options.baseDir, value.trim());
        }
        else report(key, `expected a path, got ${describeValue(value)}; using the default`);
        break;
      case 'bindingModules': {
        const globs = readGlobs(value, key, options);
        if (globs) layer.bindingModules = globs;
        break;
      }
      case 'maxFileSize':
      case 'parseBudgetMs':
      case 'analysisBudgetMs': {
        const n = readPositiveNumber(value, key, report);
        if (n !== undefined) layer[key as 'maxFileSize' | 'parseBudgetMs' | 'analysisBudgetMs'] = n;
        break;
      }
      case '$schema':
        if (typeof value !== 'string') report(key, `expected a string, got ${describeValue(value)}`);
        break;
      case 'ignore':
      case 'baseline':
        break; // file-level keys: read by parseConfigFile
    }
  }
  return layer;
}

/** Parses the text of the config file at `path` (absolute). Never throws; problems are in the result. */
export function parseConfigFile(path: string, text: string, rules: readonly RuleMeta[]): ConfigFile {
  const dir = dirname(path);
  const problems: ConfigProblem[] = [];
  const defaults: ConfigFile = { path, layer: {}, ignore: [], baseline: { file: resolvePath(dir, DEFAULT_BASELINE_FILE_NAME), show: false }, problems };
  const json = readJson(text);
  if (json.error) {
    problems.push({ source: path, position: json.error.position, message: `not valid JSON: ${json.error.message}; the whole file is ignored` });
    return defaults;
  }
  if (!isRecord(json.value)) {
    problems.push({ source: path, position: { line: 1, column: 1 }, message: 'expected a JSON object; the whole file is ignored' });
    return defaults;
  }
  const positionOf = (key: string | undefined): JsonPosition | undefined => {
    for (let k = key; k !== undefined && k !== ''; k = k.includes('.') || k.includes('[') ? k.replace(/(\.[^.[]*|\[\d+\])$/, '') : undefined) {
      const found = json.keyPositions.get(k);
      if (found) return found;
    }
    return undefined;
  };
  const report = (key: string | undefined, message: string): void => {
    problems.push({ source: path, key, position: positionOf(key), message });
  };
  for (const duplicate of json.duplicateKeys) problems.push({ source: path, key: duplicate.path, position: duplicate.position, message: 'duplicate key (the last one wins)' });

  const raw = json.value;
  const options: ReadLayerOptions = { rules, baseDir: dir, report };
  const layer = readConfigLayer(raw, options);
  const ignore = raw.ignore === undefined || raw.ignore === null ? [] : (readGlobs(raw.ignore, 'ignore', options) ?? []);
  let baseline = defaults.baseline;
  if (raw.baseline !== undefined && raw.baseline !== null) {
    if (!isRecord(raw.baseline)) {
      report('baseline', `expected an object { "file": …, "show": … }, got ${describeValue(raw.baseline)}; using the default`);
    } else {
      let file = baseline.file;
      let show = baseline.show;
      for (const [key, value] of Object.entries(raw.baseline)) {
        if (key === 'file') {
          if (typeof value === 'string' && value.trim() !== '') file = resolvePath(dir, value.trim());
          else report('baseline.file', `expected a path, got ${describeValue(value)}; using ${DEFAULT_BASELINE_FILE_NAME}`);
        } else if (key === 'show') {
          if (typeof value === 'boolean') show = value;
          else report('baseline.show', `expected true or false, got ${describeValue(value)}; using false`);
        } else {
          report(`baseline.${key}`, 'unknown key (expected "file" or "show")');
        }
      }
      baseline = { file, show };
    }
  }
  return { path, layer, ignore, baseline, problems };
}

/**
 * A file's LintSettings: the defaults, overridden by each layer in turn (the config file, then the
 * editor settings the user set explicitly). Rules merge per rule id: a later layer's severity replaces
 * an earlier one, options merge key by key.
 */
export function mergeLintSettings(layers: readonly (ConfigLayer | undefined)[]): LintSettings {
  let analysis = DEFAULT_SETTINGS;
  const rules: Record<string, { severity?: ConfiguredSeverity; options?: Record<string, unknown> }> = {};
  for (const layer of layers) {
    if (!layer) continue;
    analysis = {
      classifierNames: layer.classifierNames ?? analysis.classifierNames,
      classifierModule: layer.classifierModule ?? analysis.classifierModule,
      extraJsCallPoints: layer.extraJsCallPoints ?? analysis.extraJsCallPoints,
      bindingModules: layer.bindingModules ?? analysis.bindingModules,
      maxFileSize: layer.maxFileSize ?? analysis.maxFileSize,
      parseBudgetMs: layer.parseBudgetMs ?? analysis.parseBudgetMs,
      analysisBudgetMs: layer.analysisBudgetMs ?? analysis.analysisBudgetMs,
    };
    for (const [ruleId, setting] of Object.entries(layer.rules ?? {})) {
      const previous = rules[ruleId] ?? {};
      const merged: { severity?: ConfiguredSeverity; options?: Record<string, unknown> } = { ...previous };
      if (setting.severity !== undefined) merged.severity = setting.severity;
      if (setting.options !== undefined) merged.options = { ...(previous.options ?? {}), ...setting.options };
      rules[ruleId] = merged;
    }
  }
  return { analysis, rules };
}
