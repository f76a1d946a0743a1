// The CLI's top level: arguments → command → (check: files → analysis → formatter) → exit code.
// It writes through the injected streams and returns the exit code; it never calls process.exit, so
// output piped to another process is flushed before Node exits. No lint logic lives here.
//
// Exit codes: 0 = no error-level finding; 1 = at least one error-level finding;
// 2 = usage error, a path that does not exist, an internal error, or a crash (never 0 after a crash).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { GrammarLoadError } from '../analysis/index';
import { BASELINE_USAGE, CHECK_USAGE, type HelpTopic, LSP_USAGE, parseCommandLine, type ParsedCommand, REPORT_USAGE, USAGE } from './args';
import { runBaselineCommand } from './baseline-command';
import { runCheck } from './check';
import { describeFixSummary } from './fix';
import { formatGithub } from './formatters/github';
import { CheckConfiguration } from './check-config';
import { formatJson } from './formatters/json';
import { formatSarif, gitRootOf, sarifOptionsFor } from './formatters/sarif';
import { formatText } from './formatters/text';
import { formatInventoryJson, formatInventoryMarkdown, runInventory } from './inventory-command';
import { maxWarningsExceeded } from './max-warnings';
import { type CheckReport, countBySeverity, type ReportNotice } from './report';
import { ALL_RULES } from '../analysis/index';
import type * as LanguageServer from '../lsp/server';
import type * as LanguageServerNode from 'vscode-languageserver/node';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INTERNAL = 2;

export interface OutputStream {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface CliEnvironment {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly version: string;
  /** Starts the language server on the transport named in process.argv (injected so tests can stub it). */
  readonly startLanguageServer?: () => Promise<void>;
}

export async function run(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const { stdout, stderr } = environment;
  try {
    const command = parseCommandLine(argv);
    switch (command.kind) {
      case 'help':
        stdout.write(usageOf(command.topic));
        return EXIT_OK;
      case 'version':
        stdout.write(`${environment.version}\n`);
        return EXIT_OK;
      case 'usage-error':
        stderr.write(`wasm-safety: ${command.message}\n\n${usageOf(command.topic)}`);
        return EXIT_USAGE_OR_INTERNAL;
      case 'lsp':
        await (environment.startLanguageServer ?? startBundledLanguageServer)();
        return EXIT_OK;
      case 'check':
        return await check(command, environment);
      case 'baseline':
        return await runBaselineCommand(command, environment);
      case 'report':
        return await report(command.paths, command.format, command.output, environment);
    }
  } catch (e) {
    // A grammar that does not load is a broken installation, not a bug: its message names the file; no stack.
    if (e instanceof GrammarLoadError) {
      stderr.write(`${e.message}\n(the installation is incomplete or damaged: reinstall wasm-safety)\n`);
      return EXIT_USAGE_OR_INTERNAL;
    }
    stderr.write(`wasm-safety: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_USAGE_OR_INTERNAL;
  }
}

async function report(paths: readonly string[], format: 'md' | 'json', output: string | undefined, environment: CliEnvironment): Promise<number> {
  const result = await runInventory({ paths, cwd: environment.cwd, toolVersion: environment.version });
  for (const notice of result.notices) if (notice.level === 'error') environment.stderr.write(noticeLine(notice));
  const file = output === undefined ? undefined : path.resolve(environment.cwd, output);
  const rendered = format === 'json'
    ? formatInventoryJson(result.inventory, environment.cwd)
    : formatInventoryMarkdown(result.inventory, environment.cwd, paths, file ? path.dirname(file) : undefined);
  if (!writeOutput(rendered, output, environment)) return EXIT_USAGE_OR_INTERNAL;
  return result.executionSuccessful ? EXIT_OK : EXIT_USAGE_OR_INTERNAL;
}

/** Writes to stdout, or to `output` (folders created); false after a write error (already reported). */
function writeOutput(rendered: string, output: string | undefined, environment: CliEnvironment): boolean {
  if (output === undefined) {
    environment.stdout.write(rendered);
    return true;
  }
  const file = path.resolve(environment.cwd, output);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, rendered);
    return true;
  } catch (e) {
    environment.stderr.write(`wasm-safety: cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return false;
  }
}

async function startBundledLanguageServer(): Promise<void> {
  // Loaded lazily with require (bundled by esbuild all the same): `check` should not pay for loading
  // the LSP libraries, and a dynamic import() would be left to Node's ESM loader by tsc.
  // createConnection reads the transport (--stdio, --node-ipc, --socket=, --pipe=) from process.argv.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createConnection, ProposedFeatures } = require('vscode-languageserver/node') as typeof LanguageServerNode;
  const { startServer } = require('../lsp/server') as typeof LanguageServer;
  /* eslint-enable @typescript-eslint/no-require-imports */
  startServer(createConnection(ProposedFeatures.all));
}

function usageOf(topic: HelpTopic | undefined): string {
  return topic === 'check' ? CHECK_USAGE : topic === 'lsp' ? LSP_USAGE : topic === 'baseline' ? BASELINE_USAGE : topic === 'report' ? REPORT_USAGE : USAGE;
}

async function check(command: Extract<ParsedCommand, { kind: 'check' }>, environment: CliEnvironment): Promise<number> {
  const { paths, format, output } = command;
  if (command.config !== undefined && !fs.existsSync(path.resolve(environment.cwd, command.config))) {
    environment.stderr.write(`wasm-safety: config file ${command.config} does not exist\n`);
    return EXIT_USAGE_OR_INTERNAL;
  }
  const configuration = new CheckConfiguration({
    cwd: environment.cwd, rules: ALL_RULES, configFile: command.config, baselineFile: command.baseline, baselineMode: command.noBaseline ? 'ignore' : 'apply',
  });
  const report = await runCheck({
    paths,
    configuration,
    cwd: environment.cwd,
    toolVersion: environment.version,
    fix: command.fix === true,
    concurrency: command.concurrency,
    shard: command.shard,
    // Only JSON lists fixes: the other outputs skip computing (and re-parsing to check) them.
    withFixes: format === 'json',
    onFixed: (summary) => environment.stderr.write(`wasm-safety: ${describeFixSummary(summary)}\n`),
    // Test hook (undocumented in --help): lets the CLI tests prove a crashing rule exits 2.
    faultInjection: environment.env.WASM_SAFETY_FAULT_INJECTION || undefined,
  });

  // Text users read notices on stderr; JSON, SARIF and GitHub annotations carry them in the output,
  // so only the problems that change the exit code are repeated on stderr there.
  for (const notice of report.notices) {
    if (format === 'text' || notice.level === 'error') environment.stderr.write(noticeLine(notice));
  }

  const color = output === undefined && format === 'text' && environment.stdout.isTTY && !environment.env.NO_COLOR;
  const rendered =
    format === 'json' ? formatJson(report)
    : format === 'sarif' ? formatSarif(report, sarifOptionsFor(environment.cwd))
    : format === 'github' ? formatGithub(report, { srcRoot: gitRootOf(environment.cwd) ?? environment.cwd })
    : formatText(report, { color });

  if (output === undefined) {
    environment.stdout.write(rendered);
  } else {
    const file = path.resolve(environment.cwd, output);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, rendered);
    } catch (e) {
      environment.stderr.write(`wasm-safety: cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return EXIT_USAGE_OR_INTERNAL;
    }
  }
  const tooManyWarnings = maxWarningsExceeded(report, command.maxWarnings);
  if (tooManyWarnings) environment.stderr.write(`${tooManyWarnings}\n`);
  const code = exitCodeOf(report);
  return code === EXIT_OK && tooManyWarnings ? EXIT_FINDINGS : code;
}

/** 2 after any internal problem, 1 when an unsuppressed finding is at error level, else 0. */
export function exitCodeOf(report: CheckReport): number {
  if (!report.executionSuccessful) return EXIT_USAGE_OR_INTERNAL;
  return countBySeverity(report.findings).error > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export function noticeLine(notice: ReportNotice): string {
  const where = notice.path !== undefined ? `${notice.path}: ` : '';
  const rule = notice.ruleId !== undefined ? ` [${notice.ruleId}]` : '';
  let line = `wasm-safety: ${notice.level}: ${where}${notice.message}${rule}\n`;
  if (notice.stack) line += `${notice.stack.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  return line;
}
