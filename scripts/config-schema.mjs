#!/usr/bin/env node
// Writes schemas/wasm-safety.schema.json, the JSON schema of the wasm-safety.json config file, from the
// compiled rule registry and config keys (analysis/config/schema.ts; run `npm run compile` first —
// `npm run config-schema` does both). `--check` only reports a difference. VS Code gets the schema
// through package.json `contributes.jsonValidation`; server/test/config-schema.test.ts fails when the
// file is out of date, so a new rule or option cannot ship without it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_FILE = path.join(ROOT, 'schemas', 'wasm-safety.schema.json');
const compiled = path.join(ROOT, 'out', 'server', 'src', 'analysis', 'index.js');
if (!fs.existsSync(compiled)) {
  console.error('config-schema: out/ is missing; run `npm run compile` first');
  process.exit(2);
}
const { ALL_RULES, configSchemaText } = createRequire(import.meta.url)(compiled);
const next = configSchemaText(ALL_RULES);
const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : undefined;
if (process.argv.includes('--check')) {
  if (current !== next) {
    console.error('config-schema: schemas/wasm-safety.schema.json is out of date; run `npm run config-schema`');
    process.exit(1);
  }
  console.log(`config-schema: schemas/wasm-safety.schema.json is up to date (${ALL_RULES.length} rules)`);
} else if (current !== next) {
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, next);
  console.log(`config-schema: schemas/wasm-safety.schema.json written (${ALL_RULES.length} rules)`);
} else {
  console.log('config-schema: schemas/wasm-safety.schema.json already up to date');
}
