// Command-line parsing for `wasm-safety`: the subcommand comes first, then its options (node:util
// parseArgs, strict). Returns a parsed command or a usage error; never prints and never exits.

import { parseArgs } from 'node:util';
import { parseShard, type Shard } from './shard';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';

export type HelpTopic = 'check' | 'lsp' | 'baseline' | 'report';

/** Where the configuration and the baseline come from (check and baseline). */
export interface ConfigArguments {
  /** `--config <file>`: use this config file for every file instead of the nearest wasm-safety.json. */
  readonly config?: string;
  /** `--baseline <file>`: use this baseline file instead of the one the config names. */
  readonly baseline?: string;
}

export type ParsedCommand =
  | { readonly kind: 'help'; readonly topic?: HelpTopic }
  | { readonly kind: 'version' }
  | ({ readonly kind: 'check'; readonly paths: readonly string[]; readonly format: OutputFormat; readonly output?: string; readonly maxWarnings?: number; readonly noBaseline: boolean; readonly fix?: boolean; readonly concurrency?: number; readonly shard?: Shard } & ConfigArguments)
  | ({ readonly kind: 'baseline'; readonly action: 'create' | 'prune'; readonly paths: readonly string[] } & ConfigArguments)
  | { readonly kind: 'lsp' }
  | { readonly kind: 'report'; readonly paths: readonly string[]; readonly format: 'md' | 'json'; readonly output?: string }
  | { readonly kind: 'usage-error'; readonly message: string; readonly topic?: HelpTopic };

const FORMATS: Readonly<Record<string, OutputFormat>> = { text: 'text', stylish: 'text', json: 'json', sarif: 'sarif', github: 'github' };

export const USAGE = `Usage: wasm-safety <command> [options]

Commands:
  check [paths...]   Check Rust crates compiled with wasm-bindgen and the TypeScript/JavaScript
                     that calls them (default path: the current directory)
  baseline create|prune [paths...]
                     Write the baseline of accepted findings (create), or drop its entries that
                     no longer match a finding (prune)
  report [paths...]  The failure-class inventory: each crate's build mode and abort handling, each
                     export's receiver, panic points, state and JS calls under a borrow, each TS
                     call site's failure handling, findings per family (Markdown or JSON)
  lsp --stdio        Start the language server (also --node-ipc, --socket=<port>, --pipe=<name>)

Options:
  -h, --help         Show this help
  -v, --version      Print the version
`;

export const CHECK_USAGE = `Usage: wasm-safety check [paths...] [options]

Checks the Rust, TypeScript and JavaScript files under the given files and folders (default: .).
Surrounding crate configuration and wasm-bindgen glue are indexed too, so cross-file facts are right.

Each file uses the nearest wasm-safety.json in its folder or a folder above it (up to the project
root: the git checkout or the outermost Cargo.toml/package.json folder); see the README.

Options:
  -f, --format <text|json|sarif|github>
                                   Output format (default: text). sarif: SARIF 2.1.0 for code
                                   scanning upload; github: GitHub Actions annotations
  -o, --output <file>              Write the report to <file> instead of standard output
  --max-warnings <n>               Exit 1 when there are more than <n> warnings (suppressed
                                   and baselined findings do not count)
  -c, --config <file>              Use this config file for every file (instead of the nearest one)
      --baseline <file>            Use this baseline file (default: the config's "baseline.file",
                                   else wasm-safety-baseline.json next to the config file or here)
      --no-baseline                Report baselined findings too (and skip the stale-entry check)
      --fix                        Apply the safe fixes to the files first (repeated until nothing
                                   changes, at most 10 passes), then report what remains; prints
                                   how many fixes were applied to how many files on stderr
      --concurrency <n>            Lint on <n> threads (this one and n-1 workers); 1 = this thread
                                   alone (default: the number of CPUs for checks of 2 MB of source
                                   or more, else 1)
      --shard <i>/<n>              Lint only part i of n (e.g. 2/4), split by a hash of each file's
                                   path relative to the current directory: n CI jobs run from the same
                                   directory cover every file exactly once (crates are still indexed whole)
  -h, --help                       Show this help

Findings the baseline accepts are hidden (SARIF lists them as suppressed) and do not count for the
exit code; baseline entries that no longer match a finding are reported as a notice.

Exit codes: 0 no error-level finding, 1 at least one error-level finding (or more warnings
            than --max-warnings), 2 usage error, missing path or internal error.
Columns are 1-based and count UTF-16 code units.
`;

export const BASELINE_USAGE = `Usage: wasm-safety baseline create [paths...] [options]
       wasm-safety baseline prune [paths...] [options]

create  Checks the paths (default: .) like \`check\` and writes every finding to the baseline file,
        replacing its entries for those paths: from then on \`check\` and the editor hide those findings and report only new ones.
prune   Checks the paths and removes the baseline entries that no longer match a finding in them
        (fixed or changed code); entries for files outside the paths are kept. Never adds entries.

Entries are keyed by rule id, the file's path relative to the baseline file, and a hash of the
finding's code with whitespace removed (not line numbers): moved or re-indented code stays baselined.
The file is sorted JSON, one entry per line, meant to be committed.

Options:
  -c, --config <file>     Use this config file for every file (instead of the nearest one)
      --baseline <file>   The baseline file (default: the config's "baseline.file", else
                          wasm-safety-baseline.json next to the config file, else in the current folder)
  -h, --help              Show this help

Exit codes: 0 written, 2 usage error, missing path or internal error.
`;

export const REPORT_USAGE = `Usage: wasm-safety report [paths...] [options]

Prints the failure-class inventory of the given files and folders (default: .):
  - per crate using wasm-bindgen: build mode (abort, abort+handler, unwind) and why, abort
    handling (set_on_abort, schedule_reinit, reset-state function, panic hooks), global state;
  - per #[wasm_bindgen] export: receiver (free, static, constructor, &self, &mut self, self, start),
    async, panic points, state it touches, JS calls it makes while a borrow is held;
  - per TS/JS call into wasm: what its failure handling does (classifies, rethrows, wraps, swallows,
    propagates to the caller, unobserved promise, top-level);
  - findings per family and per rule (the same findings \`check\` reports; suppressed ones counted apart).

Options:
  -f, --format <md|json>   Output format (default: md)
  -o, --output <file>      Write the report to <file> instead of standard output
  -h, --help               Show this help

Exit codes: 0 report written (findings do not change it), 2 usage error, missing path or internal error.
`;

export const LSP_USAGE = `Usage: wasm-safety lsp --stdio

Starts the wasm-safety language server, talking LSP over stdin/stdout
(or --node-ipc, --socket=<port>, --pipe=<name>, as vscode-languageclient passes them).
`;

export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'usage-error', message: 'missing command' };
  if (first === '-h' || first === '--help' || first === 'help') return { kind: 'help' };
  if (first === '-v' || first === '--version' || first === 'version') return { kind: 'version' };
  if (first === 'check') return parseCheck(rest);
  if (first === 'baseline') return parseBaseline(rest);
  if (first === 'lsp') return parseLsp(rest);
  if (first === 'report') return parseReport(rest);
  if (first.startsWith('-')) return { kind: 'usage-error', message: `unknown option '${first}' (options follow the command, e.g. 'wasm-safety check ${first}')` };
  return { kind: 'usage-error', message: `unknown command '${first}'` };
}

function parseCheck(args: readonly string[]): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        fix: { type: 'boolean' },
        'max-warnings': { type: 'string' },
        config: { type: 'string', short: 'c' },
        baseline: { type: 'string' },
        'no-baseline': { type: 'boolean' },
        concurrency: { type: 'string' },
        shard: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { kind: 'usage-error', message: parseErrorMessage(e), topic: 'check' };
  }
  const maxWarningsText = parsed.values['max-warnings'];
  const maxWarnings = maxWarningsText === undefined ? undefined : /^\d+$/.test(maxWarningsText.trim()) ? Number(maxWarningsText.trim()) : NaN;
  if (Number.isNaN(maxWarnings)) return { kind: 'usage-error', message: `--max-warnings needs a whole number >= 0 (got '${maxWarningsText}')`, topic: 'check' };
  if (parsed.values.help) return { kind: 'help', topic: 'check' };
  const formatName = parsed.values.format ?? 'text';
  const format = Object.prototype.hasOwnProperty.call(FORMATS, formatName) ? FORMATS[formatName] : undefined;
  if (!format) return { kind: 'usage-error', message: `unknown format '${formatName}' (expected text, json, sarif or github)`, topic: 'check' };
  const output = parsed.values.output;
  if (output !== undefined && output.trim() === '') return { kind: 'usage-error', message: '--output needs a file name', topic: 'check' };
  const configArguments = readConfigArguments(parsed.values);
  if (typeof configArguments === 'string') return { kind: 'usage-error', message: configArguments, topic: 'check' };
  const noBaseline = parsed.values['no-baseline'] === true;
  if (noBaseline && configArguments.baseline !== undefined) return { kind: 'usage-error', message: '--baseline and --no-baseline exclude each other', topic: 'check' };
  let concurrency: number | undefined;
  if (parsed.values.concurrency !== undefined) {
    concurrency = /^\d+$/.test(parsed.values.concurrency) ? Number(parsed.values.concurrency) : NaN;
    if (!(concurrency >= 1 && concurrency <= 256)) return { kind: 'usage-error', message: `--concurrency expects a whole number from 1 to 256, got '${parsed.values.concurrency}'`, topic: 'check' };
  }
  let shard: Shard | undefined;
  if (parsed.values.shard !== undefined) {
    shard = parseShard(parsed.values.shard);
    if (!shard) return { kind: 'usage-error', message: `--shard expects i/n with 1 <= i <= n (e.g. 2/4), got '${parsed.values.shard}'`, topic: 'check' };
  }
  const paths = parsed.positionals.length > 0 ? parsed.positionals : ['.'];
  return {
    kind: 'check', paths, format, output, noBaseline, ...configArguments, ...(maxWarnings !== undefined ? { maxWarnings } : {}), fix: parsed.values.fix === true,
    ...(concurrency !== undefined ? { concurrency } : {}), ...(shard ? { shard } : {}),
  };
}

function readConfigArguments(values: { config?: string | boolean; baseline?: string | boolean }): ConfigArguments | string {
  for (const name of ['config', 'baseline'] as const) {
    const value = values[name];
    if (typeof value === 'string' && value.trim() === '') return `--${name} needs a file name`;
  }
  return {
    ...(typeof values.config === 'string' ? { config: values.config } : {}),
    ...(typeof values.baseline === 'string' ? { baseline: values.baseline } : {}),
  };
}

function parseBaseline(args: readonly string[]): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        baseline: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { kind: 'usage-error', message: parseErrorMessage(e), topic: 'baseline' };
  }
  if (parsed.values.help) return { kind: 'help', topic: 'baseline' };
  const [action, ...paths] = parsed.positionals;
  if (action === undefined) return { kind: 'usage-error', message: "'baseline' needs an action: create or prune", topic: 'baseline' };
  if (action !== 'create' && action !== 'prune') return { kind: 'usage-error', message: `unknown baseline action '${action}' (expected create or prune)`, topic: 'baseline' };
  const configArguments = readConfigArguments(parsed.values);
  if (typeof configArguments === 'string') return { kind: 'usage-error', message: configArguments, topic: 'baseline' };
  return { kind: 'baseline', action, paths: paths.length > 0 ? paths : ['.'], ...configArguments };
}

function parseReport(args: readonly string[]): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { kind: 'usage-error', message: parseErrorMessage(e), topic: 'report' };
  }
  if (parsed.values.help) return { kind: 'help', topic: 'report' };
  const formatName = parsed.values.format ?? 'md';
  const format = formatName === 'md' || formatName === 'markdown' ? 'md' : formatName === 'json' ? 'json' : undefined;
  if (!format) return { kind: 'usage-error', message: `unknown format '${formatName}' (expected md or json)`, topic: 'report' };
  const output = parsed.values.output;
  if (output !== undefined && output.trim() === '') return { kind: 'usage-error', message: '--output needs a file name', topic: 'report' };
  return { kind: 'report', paths: parsed.positionals.length > 0 ? parsed.positionals : ['.'], format, output };
}

function parseLsp(args: readonly string[]): ParsedCommand {
  let parsed;
  try {
    // The transports vscode-languageserver's createConnection reads from process.argv itself.
    parsed = parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: {
        stdio: { type: 'boolean' },
        'node-ipc': { type: 'boolean' },
        socket: { type: 'string' },
        pipe: { type: 'string' },
        clientProcessId: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { kind: 'usage-error', message: parseErrorMessage(e), topic: 'lsp' };
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help', topic: 'lsp' };
  const transports = [v.stdio, v['node-ipc'], v.socket !== undefined, v.pipe !== undefined].filter(Boolean).length;
  if (transports === 0) return { kind: 'usage-error', message: "'lsp' needs a transport: --stdio", topic: 'lsp' };
  if (transports > 1) return { kind: 'usage-error', message: "'lsp' takes exactly one transport", topic: 'lsp' };
  return { kind: 'lsp' };
}

function parseErrorMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // parseArgs appends advice about '--' that does not help here; keep its first sentence.
  const firstSentence = /^(.*?\.)(\s|$)/.exec(message)?.[1] ?? message;
  return firstSentence.replace(/\.$/, '');
}
