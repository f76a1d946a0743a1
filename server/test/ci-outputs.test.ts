// CI outputs: SARIF validated by Microsoft's SARIF Multitool with GitHub's ingestion rules (`Gh`) and
// the SARIF spec rules (`Sarif`) — the sample workspace, suppressed findings, related locations,
// notices and internal errors, zero findings — plus SARIF details (suppressions, fingerprints stable
// under line moves, %SRCROOT% = git root, help from the doc page), GitHub Actions annotations and
// `--max-warnings`.
//
// The Multitool (devDependency @microsoft/sarif-multitool) is a self-contained .NET single-file binary.
// Two traps, both handled here:
//   - its npm `bin` wrapper spawns the binary with `shell: true`, so `--rule-kind "Gh;Sarif"` reaches
//     /bin/sh unquoted: the shell ends the command at `;`, the tool runs with `--rule-kind Gh` only and
//     no `-o`, and the shell then tries to run `Sarif -o …` ("/bin/sh: 1: Sarif: not found"). So the
//     binary is run directly (its path is what the package exports), without a shell;
//   - .NET loads ICU (libicu) at start-up, which a minimal Debian image does not have; invariant
//     globalization mode (`DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1`) removes that need. Its other
//     libraries (libc, libstdc++, libgcc_s, zlib) are in every Debian/Node image.
// The test never skips: a missing or broken validator fails it with the tool's own output.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ALL_RULES } from '../src/analysis/index';
import { formatGithub, escapeData, escapeProperty } from '../src/cli/formatters/github';
import { formatSarif, gitRootOf, sarifOptionsFor } from '../src/cli/formatters/sarif';
import { formatText } from '../src/cli/formatters/text';
import { maxWarningsExceeded } from '../src/cli/max-warnings';
import { type CliEnvironment, exitCodeOf, run } from '../src/cli/run';
import type { CheckReport, ReportedFinding } from '../src/cli/report';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SAMPLE = path.join(REPO_ROOT, 'test-fixtures', 'sample-workspace');

const tempRoots: string[] = [];
after(() => {
  for (const dir of tempRoots) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(withGit = true): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-safety-ci-')));
  tempRoots.push(dir);
  if (withGit) fs.mkdirSync(path.join(dir, '.git'));
  return dir;
}

// ---- the validator -----------------------------------------------------------------------------

function multitoolBinary(): string {
  // The package's main export is the absolute path of the platform binary.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@microsoft/sarif-multitool') as string;
}

interface ValidatorResult {
  readonly ruleId: string;
  readonly level: string;
  readonly text: string;
}

/**
 * Runs `validate FILE… --rule-kind Gh;Sarif` once over all `logs` (one .NET start-up instead of one per
 * log: the machine is shared) and returns every result of its output log, per input, with its effective level.
 */
function validateAll(logs: Readonly<Record<string, string>>): Map<string, ValidatorResult[]> {
  const dir = tempDir(false);
  const inputs = Object.entries(logs).map(([name, text]) => {
    const file = path.join(dir, `${name}.sarif`);
    fs.writeFileSync(file, text);
    return file;
  });
  const output = path.join(dir, 'validation.sarif.log');
  const binary = multitoolBinary();
  assert.ok(fs.existsSync(binary), `the SARIF Multitool binary exists at ${binary} (npm ci installs @microsoft/sarif-multitool)`);
  const r = spawnSync(binary, ['validate', ...inputs, '--rule-kind', 'Gh;Sarif', '--output', output, '--log', 'ForceOverwrite'], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    timeout: 300_000,
  });
  const transcript = `exit ${r.status}${r.error ? ` (${r.error.message})` : ''}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  assert.ok(fs.existsSync(output), `the validator wrote its log ${output}:\n${transcript}`);
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /not found|Unhandled exception/i, transcript);
  assert.match(r.stdout, new RegExp(`Done\\. ${inputs.length} files scanned`), `every log was validated:\n${transcript}`);
  const log = JSON.parse(fs.readFileSync(output, 'utf8')) as {
    runs: {
      tool: { driver: { rules?: { id: string; defaultConfiguration?: { level?: string } }[] } };
      invocations?: { executionSuccessful: boolean }[];
      results?: {
        ruleId: string; level?: string; message: { arguments?: string[] };
        locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
      }[];
    }[];
  };
  const validatorRun = log.runs[0];
  assert.equal(validatorRun.invocations?.[0]?.executionSuccessful, true, `validator ran: ${JSON.stringify(validatorRun.invocations)}\n${transcript}`);
  const rules = validatorRun.tool.driver.rules ?? [];
  const byInput = new Map<string, ValidatorResult[]>(Object.keys(logs).map((name) => [name, []]));
  for (const result of validatorRun.results ?? []) {
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
    const name = path.basename(decodeURIComponent(uri), '.sarif');
    assert.ok(byInput.has(name), `a validator result for an input: ${uri}`);
    const rule = rules.find((x) => x.id === result.ruleId);
    // A result without `level` takes its rule's default level, and "warning" when that has none (SARIF §3.27.10).
    const level = result.level ?? rule?.defaultConfiguration?.level ?? 'warning';
    byInput.get(name)!.push({ ruleId: result.ruleId, level, text: `${result.ruleId} ${(result.message.arguments ?? []).join(' | ')}` });
  }
  return byInput;
}

function errorsOf(results: readonly ValidatorResult[] | undefined): string[] {
  return (results ?? []).filter((r) => r.level === 'error').map((r) => r.text);
}

// ---- in-process CLI ----------------------------------------------------------------------------

interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runInProcess(args: readonly string[], cwd: string): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const environment: CliEnvironment = {
    cwd,
    env: {},
    version: '0.0.0-test',
    stdout: { write: (t) => void (stdout += t), isTTY: false },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
  };
  const code = await run(args, environment);
  return { code, stdout, stderr };
}

// ---- synthetic reports -------------------------------------------------------------------------

const R01 = ALL_RULES.find((r) => r.id === 'borrow-held-across-js-call')!;
const C01 = ALL_RULES.find((r) => r.id === 'catch-swallows-wasm-failure')!;

function finding(root: string, overrides: Partial<ReportedFinding> & { file: string; line: number }): ReportedFinding {
  const { file, line, ...rest } = overrides;
  return {
    ruleId: R01.id,
    family: R01.family,
    severity: 'error',
    message: 'STORE is mutably borrowed while `on_change` calls into JS',
    location: { path: file, absolutePath: path.join(root, file), line, column: 9, endLine: line, endColumn: 25 },
    lineText: '        on_change(id);',
    related: [],
    fixes: [],
    ...rest,
  };
}

function syntheticReport(root: string, findings: readonly ReportedFinding[], notices: CheckReport['notices'] = []): CheckReport {
  return { cwd: root, toolVersion: '0.1.0', rules: ALL_RULES, findings, notices, filesChecked: 4, executionSuccessful: !notices.some((n) => n.level === 'error') };
}

function reportWithSuppressionsAndRelated(root: string): CheckReport {
  return syntheticReport(root, [
    finding(root, {
      file: 'crate/src/lib.rs', line: 14,
      related: [
        { location: { path: 'crate/src/lib.rs', absolutePath: path.join(root, 'crate/src/lib.rs'), line: 12, column: 5, endLine: 12, endColumn: 30 }, message: 'STORE borrowed here' },
        { location: { path: 'app/src/main.ts', absolutePath: path.join(root, 'app/src/main.ts'), line: 3, column: 1, endLine: 3, endColumn: 10 }, message: 'the JS listener' },
      ],
    }),
    finding(root, { file: 'crate/src/lib.rs', line: 40, suppression: { kind: 'inSource', justification: 'the listener is queued with queueMicrotask, it never re-enters' } }),
    finding(root, {
      file: 'app/src/main.ts', line: 7, ruleId: C01.id, family: C01.family, severity: 'warning', message: 'catch handler swallows the wasm failure',
      lineText: '} catch (e) {', suppression: { kind: 'external', justification: 'baselined (wasm-safety-baseline.json)' },
    }),
  ]);
}

describe('SARIF validated by the SARIF Multitool (Gh;Sarif)', () => {
  const logs: Record<string, string> = {};
  let validation: Map<string, ValidatorResult[]>;

  before(async () => {
    // broken: what GitHub rejects, so a clean result for the others means something.
    {
      const root = tempDir();
      const log = JSON.parse(formatSarif(reportWithSuppressionsAndRelated(root))) as { runs: { tool: { driver: { rules: { helpUri: string }[] } }; results: { locations: { physicalLocation: { artifactLocation: { uri?: string } } }[] }[] }[] };
      log.runs[0].tool.driver.rules[0].helpUri = 'docs/rules/x.md';
      delete log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
      logs.broken = JSON.stringify(log);
    }
    {
      const out = path.join(tempDir(false), 'sample.sarif');
      const r = await runInProcess(['check', SAMPLE, '--format', 'sarif', '-o', out], REPO_ROOT);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      logs.sample = fs.readFileSync(out, 'utf8');
    }
    {
      const root = tempDir();
      const report = reportWithSuppressionsAndRelated(root);
      const outside = finding(root, { file: 'crate/src/lib.rs', line: 80 });
      const related = [{ location: { ...outside.location, path: '../other/x.rs', absolutePath: path.join(path.dirname(root), 'other', 'x.rs') }, message: 'outside' }];
      logs.suppressions = formatSarif({ ...report, findings: [...report.findings, { ...outside, related }] }, sarifOptionsFor(root));
    }
    {
      const root = tempDir();
      logs.notices = formatSarif(syntheticReport(root, [finding(root, { file: 'crate/src/lib.rs', line: 3 })], [
        { level: 'warning', path: 'big.rs', absolutePath: path.join(root, 'big.rs'), message: 'skipped: larger than maxFileSize' },
        { level: 'info', message: 'no Rust, TypeScript or JavaScript files found in empty/' },
        { level: 'error', path: 'crate/src/lib.rs', absolutePath: path.join(root, 'crate/src/lib.rs'), ruleId: R01.id, message: 'internal error: boom', stack: 'Error: boom\n    at x' },
        { level: 'error', path: 'missing', absolutePath: path.join(root, 'missing'), message: 'path does not exist' },
      ]), sarifOptionsFor(root));
    }
    {
      const root = tempDir();
      logs.empty = formatSarif(syntheticReport(root, []), sarifOptionsFor(root));
    }
    validation = validateAll(logs);
  });

  it('the validator catches what GitHub rejects (so a clean result below means something)', () => {
    const errors = (validation.get('broken') ?? []).filter((r) => r.level === 'error').map((r) => r.ruleId);
    assert.ok(errors.includes('GH1017'), `GitHub rule: artifactLocation without uri (got ${errors.join(', ')})`);
    assert.ok(errors.includes('SARIF1005'), `SARIF rule: relative helpUri (got ${errors.join(', ')})`);
  });

  it('the sample workspace', () => {
    const log = JSON.parse(logs.sample) as SarifLog;
    assert.ok(log.runs[0].results.length >= 3, 'the sample has findings');
    // Inside this repository's checkout, %SRCROOT% is its root, so URIs are repository-relative.
    const gitRoot = gitRootOf(REPO_ROOT);
    if (gitRoot) {
      const prefix = path.relative(gitRoot, SAMPLE).split(path.sep).join('/');
      for (const r of log.runs[0].results) {
        const { uri } = r.locations[0].physicalLocation.artifactLocation;
        assert.ok(uri.startsWith(`${prefix}/`), `${uri} starts with ${prefix}/`);
      }
    }
    assert.deepEqual(errorsOf(validation.get('sample')), [], 'sample: the SARIF Multitool (Gh;Sarif) reports errors');
  });

  it('suppressed findings, related locations in and outside %SRCROOT%', () => {
    assert.deepEqual(errorsOf(validation.get('suppressions')), [], 'suppressions: the SARIF Multitool (Gh;Sarif) reports errors');
  });

  it('notices and internal errors (toolExecutionNotifications), execution unsuccessful', () => {
    const log = JSON.parse(logs.notices) as SarifLog;
    const invocation = log.runs[0].invocations[0];
    assert.equal(invocation.executionSuccessful, false);
    assert.deepEqual(invocation.toolExecutionNotifications.map((n) => n.level), ['warning', 'note', 'error', 'error']);
    assert.deepEqual(invocation.toolExecutionNotifications[2].associatedRule, { id: R01.id, index: ALL_RULES.indexOf(R01) });
    assert.ok(!logs.notices.includes('at x'), 'stacks stay out of machine output');
    assert.deepEqual(errorsOf(validation.get('notices')), [], 'notices: the SARIF Multitool (Gh;Sarif) reports errors');
  });

  it('zero findings still lists every rule', () => {
    const log = JSON.parse(logs.empty) as SarifLog;
    assert.deepEqual(log.runs[0].results, []);
    assert.equal(log.runs[0].tool.driver.rules.length, ALL_RULES.length);
    assert.deepEqual(errorsOf(validation.get('empty')), [], 'empty: the SARIF Multitool (Gh;Sarif) reports errors');
  });
});

// ---- SARIF details -----------------------------------------------------------------------------

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; helpUri: string; help: { text: string; markdown: string }; properties: Record<string, unknown> }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; associatedRule?: object }[] }[];
    results: {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
      relatedLocations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
      partialFingerprints: Record<string, string>;
      suppressions?: { kind: string; justification: string; status: string }[];
    }[];
  }[];
}

describe('SARIF details', () => {
  it('suppressions[] carry kind and justification; unsuppressed results have none', () => {
    const root = tempDir();
    const log = JSON.parse(formatSarif(reportWithSuppressionsAndRelated(root), sarifOptionsFor(root))) as SarifLog;
    const results = log.runs[0].results;
    assert.equal(results[0].suppressions, undefined);
    assert.deepEqual(results[1].suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'the listener is queued with queueMicrotask, it never re-enters' }]);
    assert.deepEqual(results[2].suppressions, [{ kind: 'external', status: 'accepted', justification: 'baselined (wasm-safety-baseline.json)' }]);
    assert.deepEqual(results[0].relatedLocations!.map((r) => r.physicalLocation.artifactLocation), [
      { uri: 'crate/src/lib.rs', uriBaseId: '%SRCROOT%' },
      { uri: 'app/src/main.ts', uriBaseId: '%SRCROOT%' },
    ]);
  });

  it('fingerprints do not change when the code moves to another line, and tell identical lines apart', () => {
    const root = tempDir();
    const at = (line: number) => (JSON.parse(formatSarif(syntheticReport(root, [finding(root, { file: 'crate/src/lib.rs', line })]), { srcRoot: root })) as SarifLog).runs[0].results[0].partialFingerprints;
    assert.deepEqual(at(14), at(90));
    const twice = (JSON.parse(formatSarif(syntheticReport(root, [finding(root, { file: 'a.rs', line: 1 }), finding(root, { file: 'a.rs', line: 5 })]), { srcRoot: root })) as SarifLog).runs[0].results;
    assert.notEqual(twice[0].partialFingerprints['wasmSafety/v1'], twice[1].partialFingerprints['wasmSafety/v1']);
    const otherFile = (JSON.parse(formatSarif(syntheticReport(root, [finding(root, { file: 'b.rs', line: 14 })]), { srcRoot: root })) as SarifLog).runs[0].results[0].partialFingerprints;
    assert.notEqual(otherFile['wasmSafety/v1'], at(14)['wasmSafety/v1']);
  });

  it('%SRCROOT% is the git root when the current directory is below it; the cwd without git', () => {
    const root = tempDir();
    const sub = path.join(root, 'packages', 'crate');
    fs.mkdirSync(sub, { recursive: true });
    assert.equal(gitRootOf(sub), root);
    const log = JSON.parse(formatSarif({ ...syntheticReport(root, [finding(root, { file: 'packages/crate/src/lib.rs', line: 2 })]), cwd: sub }, sarifOptionsFor(sub))) as SarifLog;
    assert.equal(fs.realpathSync(new URL(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri)), root);
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'packages/crate/src/lib.rs');
    const noGit = tempDir(false);
    assert.equal(sarifOptionsFor(noGit).srcRoot, noGit);
  });

  it('help is the rule page (relative links made absolute), with tags, precision and problem.severity', () => {
    const root = tempDir();
    const log = JSON.parse(formatSarif(syntheticReport(root, []), sarifOptionsFor(root))) as SarifLog;
    for (const rule of log.runs[0].tool.driver.rules) {
      assert.match(rule.help.markdown, /## What it does/, `${rule.id}: help.markdown is the doc page`);
      assert.match(rule.help.markdown, /## Use instead/);
      assert.doesNotMatch(rule.help.markdown, /\]\((?!https:\/\/)[^)\s]*\.md\)/, `${rule.id}: links to other pages are absolute`);
      assert.ok(rule.help.text.includes(rule.helpUri));
      assert.equal(rule.properties.precision, 'medium');
      assert.ok(['error', 'warning', 'recommendation'].includes(rule.properties['problem.severity'] as string));
      assert.ok((rule.properties.tags as string[]).length >= 2);
    }
    const linked = log.runs[0].tool.driver.rules.find((r) => r.id === 'torn-mut-self')!;
    assert.match(linked.help.markdown, /\]\(https:\/\/[^)]*\/docs\/rules\/global-state-torn-by-panic\.md\)/);
  });
});

// ---- GitHub annotations ------------------------------------------------------------------------

describe('--format github', () => {
  it('escapes data and properties as the Actions runner expects', () => {
    assert.equal(escapeData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
    assert.equal(escapeProperty('C:\\x,y%'), 'C%3A\\x%2Cy%25');
  });

  it('one command per unsuppressed finding, with position, title and related locations; notices too', () => {
    const root = tempDir();
    const report = reportWithSuppressionsAndRelated(root);
    const withNotice = { ...report, notices: [{ level: 'warning' as const, path: 'big,file.rs', absolutePath: path.join(root, 'big,file.rs'), message: 'skipped: too large' }] };
    const out = formatGithub(withNotice, { srcRoot: root });
    const lines = out.trimEnd().split('\n');
    assert.deepEqual(lines, [
      '::warning file=big%2Cfile.rs,title=wasm-safety::skipped: too large',
      '::error file=crate/src/lib.rs,line=14,endLine=14,col=9,endColumn=25,title=wasm-safety(borrow-held-across-js-call)::' +
        'STORE is mutably borrowed while `on_change` calls into JS%0A↳ crate/src/lib.rs:12:5: STORE borrowed here%0A↳ app/src/main.ts:3:1: the JS listener',
      'wasm-safety: 1 problem (1 error, 0 warnings, 0 info; 2 suppressed) in 4 files',
    ]);
  });

  it('maps info and hint to ::notice, and is repository-relative from a subfolder', async () => {
    const root = tempDir();
    writeWarningOnlyProject(path.join(root, 'web', 'demo'));
    const r = await runInProcess(['check', '.', '--format', 'github'], path.join(root, 'web'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^::warning file=web\/demo\/src\/main\.ts,line=5,endLine=5,col=3,endColumn=8,title=wasm-safety\(catch-swallows-wasm-failure\)::`catch` around wasm call .*%0A↳ web\/demo\/src\/main\.ts:4:16: call into wasm that can abort$/m);
    const notices = formatGithub(syntheticReport(root, [finding(root, { file: 'a.rs', line: 1, severity: 'info' }), finding(root, { file: 'a.rs', line: 2, severity: 'hint' })]), { srcRoot: root });
    assert.equal(notices.split('\n').filter((l) => l.startsWith('::notice ')).length, 2);
  });
});

// ---- --max-warnings ----------------------------------------------------------------------------

/** wasm-pack output and a TS caller that swallows its failure: one warning (catch-swallows-wasm-failure), no errors. */
function writeWarningOnlyProject(dir: string): void {
  fs.mkdirSync(path.join(dir, 'pkg'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'pkg', 'demo.js'), 'export function parse(s) { return s; }\n');
  fs.writeFileSync(path.join(dir, 'pkg', 'demo.d.ts'), 'export function parse(s: string): string;\n');
  fs.writeFileSync(path.join(dir, 'pkg', 'demo_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  fs.writeFileSync(path.join(dir, 'src', 'main.ts'), [
    "import { parse } from '../pkg/demo.js';",
    '',
    'export function safeParse(src: string) {',
    '  try { return parse(src); }',
    "  catch (e) { console.warn('parse failed', e); return null; }",
    '}',
    '',
  ].join('\n'));
}

describe('--max-warnings', () => {
  it('exits 1 with a clear line when the warnings exceed N, 0 at or below N', async () => {
    const root = tempDir();
    writeWarningOnlyProject(root);
    const baseline = await runInProcess(['check', '.', '--format', 'json'], root);
    assert.equal(baseline.code, 0, baseline.stderr);
    const warnings = (JSON.parse(baseline.stdout) as { findings: { severity: string }[] }).findings.filter((f) => f.severity === 'warning').length;
    assert.ok(warnings >= 1, 'the crate has a warning');
    const within = await runInProcess(['check', '.', '--max-warnings', String(warnings)], root);
    assert.equal(within.code, 0, within.stderr);
    assert.doesNotMatch(within.stderr, /too many warnings/);
    const over = await runInProcess(['check', '.', '--max-warnings', String(warnings - 1)], root);
    assert.equal(over.code, 1);
    assert.ok(over.stderr.includes(`wasm-safety: too many warnings: ${warnings} found, at most ${warnings - 1} allowed (--max-warnings ${warnings - 1})`), over.stderr);
  });

  it('rejects a value that is not a whole number (exit 2)', async () => {
    for (const bad of ['-1', 'x', '1.5', '']) {
      const r = await runInProcess(['check', '.', `--max-warnings=${bad}`], tempDir());
      assert.equal(r.code, 2, `--max-warnings=${bad}`);
      assert.match(r.stderr, /--max-warnings needs a whole number/);
    }
  });

  it('suppressed findings count neither as warnings nor for the exit code, and are not printed as text', () => {
    const root = tempDir();
    const report = reportWithSuppressionsAndRelated(root);
    const onlySuppressed = { ...report, findings: report.findings.filter((f) => f.suppression) };
    const text = formatText(onlySuppressed, { color: false });
    assert.equal(text, '✔ No problems found (4 files checked; 2 suppressed)\n');
    assert.equal(maxWarningsExceeded(onlySuppressed, 0), undefined);
    assert.equal(exitCodeOf(onlySuppressed), 0);
    assert.equal(exitCodeOf(report), 1);
  });
});
