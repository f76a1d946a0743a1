#!/usr/bin/env node
// Keeps README.md's rule table in step with the registry: regenerates the rows between the
// `<!-- rules-table:start -->` and `<!-- rules-table:end -->` markers from the compiled ALL_RULES
// (run `npm run compile` first; `npm run rules-table` does both). `--check` only reports a difference.
// server/test/packaging.test.ts checks the same table, so a forgotten update fails `npm test`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(ROOT, 'README.md');
export const TABLE_START = '<!-- rules-table:start -->';
export const TABLE_END = '<!-- rules-table:end -->';
export const TABLE_HEADER = [
  '| Rule | Family | Catalog | Side | Default severity | Fix | What it reports |',
  '|---|---|---|---|---|---|---|',
];

const FIX_TEXT = { none: '—', safe: 'safe fix', unsafe: 'suggestion' };

/** One table row: the id links to the doc page (relative, so it works on GitHub and offline). */
export function formatRuleRow(rule) {
  const cells = [
    `[\`${rule.id}\`](${rule.docs})`,
    rule.family,
    rule.catalogId,
    rule.side === 'rust' ? 'Rust' : rule.side === 'both' ? 'Rust, TS/JS' : 'TS/JS',
    rule.defaultSeverity,
    FIX_TEXT[rule.fix] ?? rule.fix,
    rule.summary.replace(/\|/g, '\\|'),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Replaces the rows between the markers; rows are sorted by id like the registry. */
export function withRows(readme, rows) {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} block`);
  const eol = readme.includes('\r\n') ? '\r\n' : '\n';
  const body = [...TABLE_HEADER, ...rows].join(eol);
  return `${readme.slice(0, start + TABLE_START.length)}${eol}${body}${eol}${readme.slice(end)}`;
}

/** The rows currently in the README, keyed by rule id. */
export function rowsOf(readme) {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) return new Map();
  const rows = new Map();
  for (const line of readme.slice(start, end).split(/\r?\n/)) {
    const m = /^\| \[`([a-z0-9-]+)`\]/.exec(line);
    if (m) rows.set(m[1], line);
  }
  return rows;
}

async function main() {
  const compiled = path.join(ROOT, 'out', 'server', 'src', 'analysis', 'rules', 'index.js');
  if (!fs.existsSync(compiled)) {
    console.error('rules-table: out/ is missing; run `npm run compile` first');
    process.exit(2);
  }
  const { ALL_RULES } = createRequire(import.meta.url)(compiled);
  const readme = fs.readFileSync(README, 'utf8');
  const next = withRows(readme, [...ALL_RULES].sort((a, b) => (a.id < b.id ? -1 : 1)).map(formatRuleRow));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('rules-table: README.md rule table is out of date; run `npm run rules-table`');
      process.exit(1);
    }
    console.log(`rules-table: README.md lists all ${ALL_RULES.length} rules`);
  } else if (next !== readme) {
    fs.writeFileSync(README, next);
    console.log(`rules-table: README.md updated (${ALL_RULES.length} rules)`);
  } else {
    console.log(`rules-table: README.md already lists all ${ALL_RULES.length} rules`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
