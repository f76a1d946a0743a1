// Command-line parsing for `wasm-safety`: the subcommand comes first, then its options (node:util
// parseArgs, strict). Returns a parsed command or a usage error; never prints and never exits.

import { parseArgs } from 'node:util';
import { parseShard, type Shard } from './shard';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';

export type ParsedCommand =
  | { readonly kind: 'help'; readonly topic?: 'check' | 'lsp' }
  | { readonly kind: 'version' }
  | {
    readonly kind: 'check'; readonly paths: readonly string[]; readonly format: OutputFormat; readonly output?: string;
    readonly maxWarnings?: number; readonly concurrency?: number; readonly shard?: Shard;
  }
  | { readonly kind: 'lsp' }
  | { readonly kind: 'usage-error'; readonly message: string; readonly topic?: 'check' | 'lsp' };

const FORMATS: Readonly<Record<string, OutputFormat>> = { text: 'text', stylish: 'text', json: 'json', sarif: 'sarif', github: 'github' };

export const USAGE = `Usage: wasm-safety <command> [options]

Commands:
  check [paths...]   Check Rust crates compiled with wasm-bindgen and the TypeScript/JavaScript
                     that calls them (default path: the current directory)
  lsp --stdio        Start the language server (also --node-ipc, --socket=<port>, --pipe=<name>)

Options:
  -h, --help         Show this help
  -v, --version      Print the version
`;

export const CHECK_USAGE = `Usage: wasm-safety check [paths...] [options]

Checks the Rust, TypeScript and JavaScript files under the given files and folders (default: .).
Surrounding crate configuration and wasm-bindgen glue are indexed too, so cross-file facts are right.

Options:
  -f, --format <text|json|sarif|github>
                                   Output format (default: text). sarif: SARIF 2.1.0 for code
                                   scanning upload; github: GitHub Actions annotations
  -o, --output <file>              Write the report to <file> instead of standard output
  --max-warnings <n>               Exit 1 when there are more than <n> warnings (suppressed
                                   findings do not count)
  --concurrency <n>                Lint on <n> worker threads (default: the number of CPUs;
                                   1 = no workers; small checks always run in one thread)
  --shard <i>/<n>                  Lint only part i of n (e.g. 2/4), split by a hash of each file's
                                   path relative to the current directory: n CI jobs run from the same
                                   directory cover every file exactly once (crates are still indexed whole)
  -h, --help                       Show this help

Exit codes: 0 no error-level finding, 1 at least one error-level finding (or more warnings
            than --max-warnings), 2 usage error, missing path or internal error.
Columns are 1-based and count UTF-16 code units.
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
  if (first === 'lsp') return parseLsp(rest);
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
        'max-warnings': { type: 'string' },
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
    kind: 'check', paths, format, output,
    ...(maxWarnings !== undefined ? { maxWarnings } : {}), ...(concurrency !== undefined ? { concurrency } : {}), ...(shard ? { shard } : {}),
  };
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
