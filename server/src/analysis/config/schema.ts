// The JSON schema of `wasm-safety.json`, generated from the rule registry (ids, summaries, default
// severities, options) and the config keys, so editors complete and check exactly what config-file.ts
// accepts. `npm run config-schema` writes it to schemas/wasm-safety.schema.json (shipped in the .vsix and
// contributed to VS Code through `jsonValidation`); a test fails when the file is out of date.

import type { RuleMeta } from '../engine/rule';
import { CONFIG_KEYS, CONFIGURED_SEVERITIES, DEFAULT_BASELINE_FILE_NAME } from './config-file';
import { DEFAULT_SETTINGS } from '../settings';

type Schema = Record<string, unknown>;

function severitySchema(description: string): Schema {
  return { type: 'string', enum: [...CONFIGURED_SEVERITIES], description };
}

function ruleSchema(rule: RuleMeta): Schema {
  const severity = severitySchema(`Severity of ${rule.id} (default: ${rule.defaultSeverity}); "off" disables the rule.`);
  const optionProperties: Schema = {};
  for (const [name, spec] of Object.entries(rule.options ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    optionProperties[name] = { type: spec.type, default: spec.default, description: spec.description };
  }
  return {
    description: `${rule.summary} (${rule.family}, ${rule.side === 'rust' ? 'Rust' : 'TS/JS'}, default ${rule.defaultSeverity}). See ${rule.docs}.`,
    anyOf: [
      severity,
      {
        type: 'object',
        properties: {
          severity,
          options: { type: 'object', properties: optionProperties, additionalProperties: false },
        },
        additionalProperties: false,
      },
    ],
  };
}

function stringArray(description: string, defaultValue: readonly string[]): Schema {
  return { type: 'array', items: { type: 'string', minLength: 1 }, default: [...defaultValue], description };
}

/** The schema object (deterministic: rules sorted by id). */
export function configSchema(rules: readonly RuleMeta[]): Schema {
  const ruleProperties: Schema = {};
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : 1))) ruleProperties[rule.id] = ruleSchema(rule);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'wasm-safety configuration (wasm-safety.json)',
    description: 'Shared by the wasm-safety VS Code extension and the `wasm-safety check` CLI. The nearest wasm-safety.json above a file applies to it.',
    type: 'object',
    properties: {
      $schema: { type: 'string', description: CONFIG_KEYS.$schema },
      rules: { type: 'object', description: CONFIG_KEYS.rules, properties: ruleProperties, additionalProperties: false },
      classifierNames: stringArray(CONFIG_KEYS.classifierNames, DEFAULT_SETTINGS.classifierNames),
      classifierModule: { type: 'string', minLength: 1, default: DEFAULT_SETTINGS.classifierModule, description: CONFIG_KEYS.classifierModule },
      extraJsCallPoints: stringArray(CONFIG_KEYS.extraJsCallPoints, DEFAULT_SETTINGS.extraJsCallPoints),
      bindingModules: stringArray(CONFIG_KEYS.bindingModules, []),
      ignore: stringArray(CONFIG_KEYS.ignore, []),
      maxFileSize: { type: 'number', exclusiveMinimum: 0, default: DEFAULT_SETTINGS.maxFileSize, description: CONFIG_KEYS.maxFileSize },
      parseBudgetMs: { type: 'number', exclusiveMinimum: 0, default: DEFAULT_SETTINGS.parseBudgetMs, description: CONFIG_KEYS.parseBudgetMs },
      analysisBudgetMs: { type: 'number', exclusiveMinimum: 0, default: DEFAULT_SETTINGS.analysisBudgetMs, description: CONFIG_KEYS.analysisBudgetMs },
      baseline: {
        type: 'object',
        description: CONFIG_KEYS.baseline,
        properties: {
          file: { type: 'string', minLength: 1, default: DEFAULT_BASELINE_FILE_NAME, description: 'Baseline file, relative to this file.' },
          show: { type: 'boolean', default: false, description: 'Report baselined findings anyway (they are hidden by default).' },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  };
}

/** The schema file's text: 2-space JSON with a final newline. */
export function configSchemaText(rules: readonly RuleMeta[]): string {
  return `${JSON.stringify(configSchema(rules), null, 2)}\n`;
}
