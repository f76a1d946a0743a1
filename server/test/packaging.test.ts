// Packaging checks, run after `npm run build` (`npm test` builds first): the bundles and wasm files in
// dist/, a dist/ that works on its own (as inside the .vsix or behind `npx wasm-safety`), the VS Code
// manifest fields the extension relies on, what vsce would package, and the README rule table and
// doc pages matching the rule registry. The dist/ checks are skipped when nothing was bundled
// (`npm run test:unit` only compiles).

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ALL_RULES, DEFAULT_SETTINGS } from '../src/analysis/index';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(REPO_ROOT, 'dist');
const BUNDLES = ['client.js', 'server.js', 'cli.js'];
const WASM_FILES = [
  'web-tree-sitter.wasm',
  'tree-sitter-rust.wasm',
  'tree-sitter-typescript.wasm',
  'tree-sitter-tsx.wasm',
  'tree-sitter-javascript.wasm',
];

interface CommandContribution {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}

interface ConfigurationProperty {
  readonly type?: string;
  readonly default?: unknown;
  readonly scope?: string;
  readonly enum?: readonly string[];
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly main: string;
  readonly bin: Record<string, string>;
  readonly engines: Record<string, string>;
  readonly categories: readonly string[];
  readonly activationEvents: readonly string[];
  readonly capabilities: {
    readonly untrustedWorkspaces: { readonly supported: boolean | string };
    readonly virtualWorkspaces: boolean | { readonly supported: boolean | string };
  };
  readonly contributes: {
    readonly commands: readonly CommandContribution[];
    readonly configuration: { readonly properties: Record<string, ConfigurationProperty> };
  };
  readonly scripts: Record<string, string>;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const bundled = fs.existsSync(DIST);
const skipUnbundled = bundled ? false : 'dist/ not built (run `npm run build`)';

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('dist/ (npm run build)', { skip: skipUnbundled }, () => {
  it('has the three bundles and the five wasm files', () => {
    for (const file of [...BUNDLES, ...WASM_FILES]) assert.ok(fs.existsSync(path.join(DIST, file)), `dist/${file} exists`);
  });

  it('copies the wasm files unchanged', () => {
    const sources: Record<string, string> = { 'web-tree-sitter.wasm': path.join(REPO_ROOT, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm') };
    for (const file of WASM_FILES.slice(1)) sources[file] = path.join(REPO_ROOT, 'grammars', file);
    for (const [file, source] of Object.entries(sources)) {
      assert.ok(fs.readFileSync(path.join(DIST, file)).equals(fs.readFileSync(source)), `dist/${file} equals ${path.relative(REPO_ROOT, source)}`);
    }
  });

  it('makes dist/cli.js an executable with one hashbang', () => {
    const text = fs.readFileSync(path.join(DIST, 'cli.js'), 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node\n'), 'starts with #!/usr/bin/env node');
    assert.equal(text.split('#!/usr/bin/env node').length, 2, 'exactly one hashbang');
    if (process.platform !== 'win32') assert.ok((fs.statSync(path.join(DIST, 'cli.js')).mode & 0o111) !== 0, 'executable bit set');
  });

  it('keeps vscode external in the client bundle', () => {
    const client = fs.readFileSync(path.join(DIST, 'client.js'), 'utf8');
    assert.match(client, /require\("vscode"\)/);
    assert.doesNotMatch(client, /require\("vscode-languageclient/, 'vscode-languageclient is bundled, not required at run time');
  });

  it('runs from a copy of dist/ alone (no node_modules, no grammars/ above it)', () => {
    const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-dist-'));
    temporaryDirs.push(alone);
    for (const file of [...BUNDLES, ...WASM_FILES]) fs.copyFileSync(path.join(DIST, file), path.join(alone, file));
    const project = path.join(alone, 'project');
    fs.mkdirSync(path.join(project, 'src'), { recursive: true });
    fs.writeFileSync(path.join(project, 'Cargo.toml'), '[package]\nname = "p"\nversion = "0.1.0"\n\n[dependencies]\nwasm-bindgen = "0.2.127"\n');
    fs.writeFileSync(path.join(project, 'src', 'lib.rs'), 'use wasm_bindgen::prelude::*;\n\n#[wasm_bindgen]\npub fn add(a: u32, b: u32) -> u32 {\n    a.wrapping_add(b)\n}\n');

    const env = { ...process.env, WASM_SAFETY_GRAMMAR_DIR: '' };
    const version = execFileSync(process.execPath, [path.join(alone, 'cli.js'), '--version'], { encoding: 'utf8', env }).trim();
    assert.equal(version, manifest.version, 'the bundle knows its version without a package.json');
    const check = spawnSync(process.execPath, [path.join(alone, 'cli.js'), 'check', project, '--format', 'json'], { cwd: alone, encoding: 'utf8', env });
    assert.equal(check.status, 0, `exit code 0 on a clean crate (stderr: ${check.stderr})`);
    const report = JSON.parse(check.stdout) as { findings: unknown[] };
    assert.deepEqual(report.findings, []);
  });

  it('finds exactly the planted bugs (and nothing in the correct code) in the sample workspace (the README\'s first command)', () => {
    const check = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'check', 'test-fixtures/sample-workspace', '--format', 'json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    assert.ok(check.status === 0 || check.status === 1, `exit code 0 or 1 (got ${check.status}; stderr: ${check.stderr})`);
    const report = JSON.parse(check.stdout) as { findings: { ruleId: string; family: string; path: string }[] };
    // One planted bug per family, plus the crate-level finding that neither crate registers abort
    // recovery; the correct counterparts next to them (test-fixtures/sample-workspace/README.md) stay clean.
    assert.deepEqual(
      report.findings.map((f) => `${f.family} ${f.ruleId} ${f.path}`).sort(),
      [
        'failure-classification catch-swallows-wasm-failure test-fixtures/sample-workspace/app/src/main.ts',
        'failure-classification no-abort-recovery test-fixtures/sample-workspace/ledger/src/lib.rs',
        'failure-classification no-abort-recovery test-fixtures/sample-workspace/store/src/lib.rs',
        'reentrancy borrow-held-across-js-call test-fixtures/sample-workspace/store/src/lib.rs',
        'unwind-safety global-state-torn-by-panic test-fixtures/sample-workspace/ledger/src/lib.rs',
      ],
    );
  });
});

describe('package.json (VS Code manifest)', () => {
  it('points main and bin at the bundles', () => {
    assert.equal(manifest.main, './dist/client.js');
    assert.deepEqual(manifest.bin, { 'wasm-safety': 'dist/cli.js' });
    assert.equal(manifest.engines.vscode, '^1.90.0');
    assert.ok(manifest.categories.includes('Linters'));
  });

  it('activates for Rust, TS/TSX, JS/JSX and Cargo workspaces', () => {
    for (const event of [
      'onLanguage:rust',
      'onLanguage:typescript',
      'onLanguage:typescriptreact',
      'onLanguage:javascript',
      'onLanguage:javascriptreact',
      'workspaceContains:**/Cargo.toml',
    ]) {
      assert.ok(manifest.activationEvents.includes(event), `activationEvents has ${event}`);
    }
  });

  it('supports untrusted workspaces and declines virtual ones', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
    const virtual = manifest.capabilities.virtualWorkspaces;
    assert.equal(typeof virtual === 'boolean' ? virtual : virtual.supported, false);
  });

  it('contributes exactly the commands the client registers', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.ok(contributed.includes('wasmSafety.restartServer'));
    assert.ok(contributed.includes('wasmSafety.showOutputChannel'));
    const clientSources = fs.readdirSync(path.join(REPO_ROOT, 'client', 'src')).filter((f) => f.endsWith('.ts'));
    const registered = new Set<string>();
    for (const file of clientSources) {
      const text = fs.readFileSync(path.join(REPO_ROOT, 'client', 'src', file), 'utf8');
      for (const m of text.matchAll(/'(wasmSafety\.[A-Za-z]+)'/g)) {
        if (!m[1].startsWith('wasmSafety.serverStatus')) registered.add(m[1]);
      }
    }
    assert.deepEqual([...registered].sort(), contributed);
    const restart = manifest.contributes.commands.find((c) => c.command === 'wasmSafety.restartServer');
    assert.equal(`${restart?.category}: ${restart?.title}`, 'wasm-safety: Restart server');
  });

  it('contributes the settings with the defaults the analysis uses', () => {
    const p = manifest.contributes.configuration.properties;
    assert.deepEqual([p['wasmSafety.enable']?.type, p['wasmSafety.enable']?.default, p['wasmSafety.enable']?.scope], ['boolean', true, 'resource']);
    assert.deepEqual([p['wasmSafety.rules']?.type, p['wasmSafety.rules']?.scope], ['object', 'resource']);
    assert.deepEqual([p['wasmSafety.debounceMs']?.type, p['wasmSafety.debounceMs']?.default], ['number', 0]);
    assert.deepEqual(p['wasmSafety.trace.server']?.enum, ['off', 'messages', 'verbose']);
    assert.equal(p['wasmSafety.trace.server']?.scope, 'window');
    assert.deepEqual(p['wasmSafety.classifierNames']?.default, DEFAULT_SETTINGS.classifierNames);
    assert.equal(p['wasmSafety.classifierModule']?.default, DEFAULT_SETTINGS.classifierModule);
    assert.deepEqual(p['wasmSafety.extraJsCallPoints']?.default, DEFAULT_SETTINGS.extraJsCallPoints);
    assert.equal(p['wasmSafety.maxFileSize']?.default, DEFAULT_SETTINGS.maxFileSize);
    assert.equal(p['wasmSafety.parseBudgetMs']?.default, DEFAULT_SETTINGS.parseBudgetMs);
  });

  it('keeps the script names other tools and the README use', () => {
    for (const script of ['build', 'test', 'bundle', 'package', 'check:sample', 'new-rule']) {
      assert.ok(manifest.scripts[script], `scripts.${script}`);
    }
  });
});

describe('.vsix contents (vsce ls)', { skip: skipUnbundled }, () => {
  it('packages the bundles, wasm files and docs, and no sources or node_modules', () => {
    const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
    const listed = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8', shell: process.platform === 'win32' })
      .split(/\r?\n/)
      .filter(Boolean);
    const docsDir = path.join(REPO_ROOT, 'docs', 'rules');
    const docPages = fs.existsSync(docsDir) ? fs.readdirSync(docsDir).filter((f) => f.endsWith('.md')) : [];
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      ...BUNDLES.map((b) => `dist/${b}`),
      ...WASM_FILES.map((w) => `dist/${w}`),
      ...docPages.map((d) => `docs/rules/${d}`),
      'schemas/wasm-safety.schema.json',
    ]) {
      assert.ok(listed.includes(file), `${file} is packaged`);
    }
    const unwanted = listed.filter((f) => /(^|\/)node_modules\/|\.ts$|\.map$|^(server|client|scripts|test-fixtures|out|grammars)\//.test(f));
    assert.deepEqual(unwanted, []);
  });
});

describe('README rule table and doc pages', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- rules-table:start -->');
  const end = readme.indexOf('<!-- rules-table:end -->');
  /** Rule id → [doc link, family, catalog id, side, default severity, fix, summary]. */
  const rows = new Map<string, string[]>();
  for (const line of readme.slice(start, end).split(/\r?\n/)) {
    const m = /^\| \[`([a-z0-9-]+)`\]\(([^)]+)\) \|/.exec(line);
    if (m) rows.set(m[1], [m[2], ...line.trim().slice(1, -1).split(/(?<!\\)\|/).slice(1).map((c) => c.trim())]);
  }
  const docPages = (): string[] => {
    const dir = path.join(REPO_ROOT, 'docs', 'rules');
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.md')) : [];
  };

  it('has a rule table', () => {
    assert.ok(start >= 0 && end > start, 'README.md has the rules-table markers');
  });

  for (const rule of ALL_RULES) {
    it(`lists ${rule.id} with a link to its page and its current metadata`, () => {
      const row = rows.get(rule.id);
      assert.ok(row, `README.md rule table has a row for ${rule.id} (run \`npm run rules-table\`)`);
      const [link, family, catalogId, , severity, fix] = row;
      assert.equal(link, `docs/rules/${rule.id}.md`);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, link)), `${link} exists`);
      assert.deepEqual(
        { family, catalogId, severity, fix },
        { family: rule.family, catalogId: rule.catalogId, severity: rule.defaultSeverity, fix: { none: '—', safe: 'safe fix', unsafe: 'suggestion' }[rule.fix] },
        `README row for ${rule.id} is out of date (run \`npm run rules-table\`)`,
      );
    });
  }

  it('lists no rule that is not registered', () => {
    const registered = new Set(ALL_RULES.map((r) => r.id));
    assert.deepEqual([...rows.keys()].filter((id) => !registered.has(id)), []);
  });

  it('has no doc page without a registered rule', () => {
    const registered = new Set(ALL_RULES.map((r) => r.docs));
    assert.deepEqual(docPages().map((f) => `docs/rules/${f}`).filter((p) => !registered.has(p)), []);
  });
});
