#!/usr/bin/env node
// Scaffolds a rule: the rule module, its fixture, its doc page, and its entry in the sorted registry.
//
//   npm run new-rule -- <rule-id> --side rust|ts --family unwind-safety|reentrancy|failure-classification
//                       --catalog <R02|TR1|U03|C04…> [--severity error|warning|info|hint] [--summary "<one line>"]
//
// Creates server/src/analysis/rules/<side>/<id>.ts, test-fixtures/<side>/<id>.<rs|ts> (one invalid and one
// valid section to grow to the three of each the meta-tests ask for) and docs/rules/<id>.md (the sections
// the docs test checks), then inserts the import and the registry entry into rules/index.ts, both in id
// order, touching nothing else in that file, and adds the rule's row to README.md's rule table.
// Refuses an id that exists anywhere; writes nothing on error.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { formatRuleRow, README, rowsOf, withRows } from './rules-table.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INDEX = path.join(ROOT, 'server', 'src', 'analysis', 'rules', 'index.ts');
const FAMILIES = ['unwind-safety', 'reentrancy', 'failure-classification'];
const SEVERITIES = ['error', 'warning', 'info', 'hint'];
// Same patterns as server/test/rules-meta.test.ts.
const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;
const CATALOG_PATTERN = /^(R0[1-6]|TR[1-3]|U(0[1-9]|10)|C0[1-9])$/;

function fail(message) {
  console.error(`new-rule: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      side: { type: 'string' },
      family: { type: 'string' },
      catalog: { type: 'string' },
      severity: { type: 'string', default: 'warning' },
      summary: { type: 'string' },
    },
  });
} catch (e) {
  fail(e.message);
}
const { values, positionals } = parsed;
const usage = 'usage: npm run new-rule -- <rule-id> --side rust|ts --family <family> --catalog <id> [--severity <s>] [--summary "<text>"]';
if (positionals.length !== 1) fail(usage);
const [id] = positionals;
const { side, family, severity } = values;
const catalog = values.catalog?.replace(/^WBG-/, '');
if (!ID_PATTERN.test(id)) fail(`'${id}' is not a kebab-case id of at least two words (e.g. borrow-held-across-js-call)`);
if (side !== 'rust' && side !== 'ts') fail(`--side must be rust or ts\n${usage}`);
if (!FAMILIES.includes(family)) fail(`--family must be one of ${FAMILIES.join(', ')}\n${usage}`);
if (!catalog || !CATALOG_PATTERN.test(catalog)) fail(`--catalog must be a catalog id such as R02, TR1, U03 or C04\n${usage}`);
if (!SEVERITIES.includes(severity)) fail(`--severity must be one of ${SEVERITIES.join(', ')}`);
const summary = values.summary ?? id.replace(/-/g, ' ');
if (!/^[a-z`]/.test(summary) || summary.endsWith('.') || summary.includes('\n')) {
  fail('--summary: one line, starting lowercase or with a `code span`, no trailing period');
}

const ext = side === 'rust' ? 'rs' : 'ts';
const fence = side === 'rust' ? 'rust' : 'ts';
const files = {
  rule: path.join(ROOT, 'server', 'src', 'analysis', 'rules', side, `${id}.ts`),
  fixture: path.join(ROOT, 'test-fixtures', side, `${id}.${ext}`),
  doc: path.join(ROOT, 'docs', 'rules', `${id}.md`),
};
const identifier = id.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

// ---- refuse existing ids ---------------------------------------------------------------------------
const existing = Object.values(files).filter((f) => fs.existsSync(f));
for (const otherSide of ['rust', 'ts']) {
  for (const candidate of [
    path.join(ROOT, 'server', 'src', 'analysis', 'rules', otherSide, `${id}.ts`),
    ...['rs', 'ts', 'tsx', 'js'].map((e) => path.join(ROOT, 'test-fixtures', otherSide, `${id}.${e}`)),
  ]) {
    if (fs.existsSync(candidate) && !existing.includes(candidate)) existing.push(candidate);
  }
}
if (existing.length > 0) fail(`rule '${id}' already exists:\n  ${existing.map((f) => path.relative(ROOT, f)).join('\n  ')}`);
const indexText = fs.readFileSync(INDEX, 'utf8');
if (indexText.includes(`/${id}'`) || new RegExp(`\\b${identifier}\\b`).test(indexText)) {
  fail(`rule '${id}' is already registered in ${path.relative(ROOT, INDEX)}`);
}

// ---- registry edit (computed before anything is written) ---------------------------------------------
const { text: newIndexText, named } = registerRule(indexText);

function registerRule(text) {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const ruleImport = /^import\s+(?:\{\s*(\w+)\s*\}|(\w+))\s+from\s+'\.\/(?:rust|ts)\/([a-z0-9-]+)';\s*$/;
  const imports = [];
  lines.forEach((line, index) => {
    const m = ruleImport.exec(line);
    if (m) imports.push({ index, name: m[1] ?? m[2], id: m[3], named: m[1] !== undefined });
  });
  // Follow the registry's style: default exports unless the existing rules are imported by name.
  const named = imports.length > 0 && imports.every((i) => i.named);
  const importLine = named
    ? `import { ${identifier} } from './${side}/${id}';`
    : `import ${identifier} from './${side}/${id}';`;

  const arrayStart = lines.findIndex((l) => /^export const ALL_RULES\b.*=\s*\[\s*$/.test(l));
  if (arrayStart < 0) fail(`cannot find "export const ALL_RULES ... = [" on a line of its own in ${path.relative(ROOT, INDEX)}`);
  const arrayEnd = lines.findIndex((l, i) => i > arrayStart && /^\]/.test(l));
  if (arrayEnd < 0) fail(`cannot find the closing "]" of ALL_RULES in ${path.relative(ROOT, INDEX)}`);
  const idOfName = new Map(imports.map((i) => [i.name, i.id]));
  const entries = [];
  for (let i = arrayStart + 1; i < arrayEnd; i++) {
    const m = /^\s*(\w+),?\s*$/.exec(lines[i]);
    if (!m) {
      if (lines[i].trim() === '' || /^\s*\/\//.test(lines[i])) continue;
      fail(`unexpected line ${i + 1} in ALL_RULES ("${lines[i].trim()}"): expected one rule identifier per line`);
    }
    const ruleId = idOfName.get(m[1]);
    if (!ruleId) fail(`ALL_RULES entry '${m[1]}' (line ${i + 1}) has no matching rule import`);
    entries.push({ index: i, id: ruleId });
  }

  // Entry first (it is below the imports, so inserting it does not shift the import indexes).
  const entryBefore = entries.find((e) => e.id > id);
  lines.splice(entryBefore ? entryBefore.index : arrayEnd, 0, `  ${identifier},`);
  const importBefore = imports.find((i) => i.id > id);
  let importAt;
  if (importBefore) importAt = importBefore.index;
  else if (imports.length > 0) importAt = imports[imports.length - 1].index + 1;
  else {
    const lastImport = lines.reduce((last, l, i) => (i < arrayStart && /^import\b/.test(l) ? i : last), -1);
    if (lastImport < 0) fail(`no import statement found in ${path.relative(ROOT, INDEX)}`);
    importAt = lastImport + 1;
  }
  lines.splice(importAt, 0, importLine);
  return { text: lines.join(eol), named };
}

// ---- README rule table row (kept sorted; `npm run rules-table` regenerates it from the registry) ------
const readmeText = fs.readFileSync(README, 'utf8');
const rows = rowsOf(readmeText);
rows.set(id, formatRuleRow({ id, docs: `docs/rules/${id}.md`, family, catalogId: catalog, side, defaultSeverity: severity, fix: 'none', summary }));
let newReadmeText;
try {
  newReadmeText = withRows(readmeText, [...rows.keys()].sort().map((k) => rows.get(k)));
} catch (e) {
  fail(e.message);
}

// ---- file contents --------------------------------------------------------------------------------
const title = summary.charAt(0).toUpperCase() + summary.slice(1);
const visitsWhat = side === 'rust'
  ? { nodeTypes: "['function_item']", facts: '`ctx.crate` (build mode), `ctx.rust` (exports, imports, state roots)' }
  : { nodeTypes: "['try_statement']", facts: '`ctx.ts` (identifiers bound to wasm-bindgen glue) and `ctx.workspace`' };

const ruleSource = `// ${id} (catalog ${catalog}, ${family}): ${summary}.
// Documented in docs/rules/${id}.md; cases in test-fixtures/${side}/${id}.${ext}.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';

${named ? `export const ${identifier} = ` : 'export default '}defineRule({
  id: '${id}',
  catalogId: '${catalog}',
  family: '${family}',
  side: '${side}',
  defaultSeverity: '${severity}',
  summary: '${summary.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}',
  fix: 'none',
  docs: 'docs/rules/${id}.md',
  nodeTypes: ${visitsWhat.nodeTypes},
  // Optional, for speed: \`textGate: ['word', …]\` — words one of which every file with a finding must
  // contain (engine/rule.ts; most files of a workspace are then not even parsed). Say why each is needed.
  visit(node: Node, ctx: RuleContext) {
    // Called once per subscribed node, in document order. Match the shape shown in the doc page's
    // Example from \`node\` and ${visitsWhat.facts},
    // then call ctx.report({ node, message }); reporting nothing is the safe default.
  },
});
`;

const rustFixture = `// Fixture for ${id} (${catalog}). Sections start with \`// ### <title>\`; this prelude is prepended
// to each one. \`// @build-mode: unwind\` in a section changes its crate's build mode. A caret line
// (\`//   ^^^ ${id}\`) marks the expected finding on the line above; a section without one must stay
// clean. The meta-tests want at least three sections of each kind.
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static STATE: RefCell<Vec<u32>> = RefCell::new(Vec::new());
}

// ### reported: the pattern of the doc page's Example
#[wasm_bindgen]
pub fn flagged(value: u32) {
    STATE.with_borrow_mut(|state| state.push(value));
//  ^^^^^ ${id}
}

// ### not reported: the doc page's Use instead
#[wasm_bindgen]
pub fn allowed(value: u32) -> usize {
    STATE.with_borrow(|state| state.len() + value as usize)
}
`;

const tsFixture = `// Fixture for ${id} (${catalog}). Sections start with \`// ### <title>\`; this prelude is prepended
// to each one. Files in test-fixtures/ts/_support/ (e.g. a wasm-pack pkg/) are copied next to each case.
// A caret line (\`//   ^^^ ${id}\`) marks the expected finding on the line above; a section without
// one must stay clean. The meta-tests want at least three sections of each kind.
import { parse } from './pkg/parser.js';

// ### reported: the pattern of the doc page's Example
export function flagged(source: string) {
  try {
//^^^ ${id}
    return parse(source);
  } catch {
    return null;
  }
}

// ### not reported: the doc page's Use instead
export function allowed(source: string) {
  return parse(source);
}
`;

const docExampleBad = side === 'rust'
  ? `use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! { static STATE: RefCell<Vec<u32>> = RefCell::new(Vec::new()); }

#[wasm_bindgen]
pub fn flagged(value: u32) {
    STATE.with_borrow_mut(|state| state.push(value));
}`
  : `import { parse } from './pkg/parser.js';

export function flagged(source: string) {
  try {
    return parse(source);
  } catch {
    return null;
  }
}`;
const docExampleGood = side === 'rust'
  ? `use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! { static STATE: RefCell<Vec<u32>> = RefCell::new(Vec::new()); }

#[wasm_bindgen]
pub fn allowed(value: u32) -> usize {
    STATE.with_borrow(|state| state.len() + value as usize)
}`
  : `import { parse } from './pkg/parser.js';

export function allowed(source: string) {
  return parse(source);
}`;

const docSource = `# ${id}

Family: **${family}** · Catalog: **WBG-${catalog}** · Default severity: **${severity}** ·
Fix: **none** · Build modes: **all**

${title}.

## What it does

Reports ${summary}.

## Why is this bad

What fails at run time, in which build mode, and what the caller of the wasm module observes
(catalog entry WBG-${catalog}).

## Example

\`\`\`${fence}
${docExampleBad}
\`\`\`

## Use instead

\`\`\`${fence}
${docExampleGood}
\`\`\`

## Build modes

Applies to \`abort\`, \`abort+handler\` and \`unwind\` builds alike.

## Fixes

None: the rule reports the problem and leaves the change to you.
`;

// ---- write ----------------------------------------------------------------------------------------
for (const file of Object.values(files)) fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(files.rule, ruleSource, { flag: 'wx' });
fs.writeFileSync(files.fixture, side === 'rust' ? rustFixture : tsFixture, { flag: 'wx' });
fs.writeFileSync(files.doc, docSource, { flag: 'wx' });
fs.writeFileSync(INDEX, newIndexText);
fs.writeFileSync(README, newReadmeText);

console.log(`new-rule: created
  ${path.relative(ROOT, files.rule)}
  ${path.relative(ROOT, files.fixture)}
  ${path.relative(ROOT, files.doc)}
registered '${identifier}' in ${path.relative(ROOT, INDEX)} and added its row to README.md.
Next: write the rule and its cases (\`npm run test:unit\` runs them); if you change its severity, fix kind
or summary, \`npm run rules-table\` refreshes the README row.`);
