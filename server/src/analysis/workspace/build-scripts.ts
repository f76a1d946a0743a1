// Reads build scripts (package.json `scripts`, wrangler `[build] command`) as the shell would run them
// and extracts the steps that decide a crate's panic strategy (catalog §A11.3–5): `cargo build`,
// `wasm-pack build`, `worker-build`, `trunk build` and `wasm-bindgen` invocations, with the environment
// (`RUSTFLAGS=…`, `export`, `cross-env`), working directory (`cd`) and flags in effect. `npm run x`
// chains (and npm's pre/post scripts) are followed so that `"build": "npm run build:wasm"` counts, and a
// JS/TS build script run with `node`/`tsx`/`bun`/`deno` is read from its string literals when it spawns
// cargo for wasm32 (automerge's `scripts/compile.mjs`).
//
// This is a reading of common script shapes, not a shell: unknown programs are skipped, command
// substitutions expand to nothing, and control flow (`if`, loops) is read as a flat command list.

import { basename, resolvePath } from '../text/paths';

export type BuildTool = 'wasm-pack' | 'cargo' | 'worker-build' | 'trunk' | 'wasm-bindgen' | 'env-only';

/** One command of a script that builds (or post-processes) a wasm crate. */
export interface BuildStep {
  readonly tool: BuildTool;
  /** The command as read (words joined), for messages. */
  readonly command: string;
  /** Environment variables in effect for the command (its own assignments, exports, inherited). */
  readonly env: ReadonlyMap<string, string>;
  readonly cwd: string;
  /** Directory whose crate (or workspace) the step builds: the `wasm-pack` path, `--manifest-path` dir, or cwd. */
  readonly targetDir?: string;
  /** `-p/--package` names (cargo), empty when not given. */
  readonly packages: readonly string[];
  /** `wasm-bindgen` input file name without `.wasm` (the crate's lib name). */
  readonly wasmInput?: string;
  /** The cargo profile the step builds with; undefined when the step does not compile. */
  readonly profile?: string;
  /** `--target` triple when given. */
  readonly targetTriple?: string;
  /** `wasm-pack build --panic-unwind` / `worker-build --panic-unwind`: nightly, build-std and `-Cpanic=unwind`. */
  readonly panicUnwind: boolean;
  /** `-Zbuild-std[=crates]` on the cargo command line (an empty list means cargo's default, `std`). */
  readonly buildStd?: readonly string[];
  /** Flags after `cargo rustc … --` (passed to rustc for the crate itself). */
  readonly rustcFlags: readonly string[];
  /** `cargo --config KEY=VALUE` overrides (TOML fragments). */
  readonly configOverrides: readonly string[];
  /** The wasm-bindgen run enables the abort handler (`--force-enable-abort-handler`, or worker-build by default). */
  readonly abortHandler: boolean;
  /** The wasm-bindgen run emits `__wbg_reset_state` (`--experimental-reset-state-function`, worker-build by default). */
  readonly resetStateFunction: boolean;
  /** `worker-build --no-panic-recovery`. */
  readonly noPanicRecovery: boolean;
  /** `cargo +toolchain` / `rustup run toolchain`. */
  readonly toolchain?: string;
  /** For a cargo run spawned by a JS/TS build script (`node scripts/compile.mjs`): that file. */
  readonly scriptFile?: string;
}

export interface ScriptContext {
  /** The package's scripts, for `npm run` chains. */
  readonly scripts?: Readonly<Record<string, string>>;
  /** Directory the scripts run in (the package.json directory). */
  readonly packageDir: string;
  /** The `[build] command` of a wrangler config in `dir`, for `wrangler dev|deploy|build`. */
  readonly wranglerBuildCommand?: (dir: string) => { readonly command: string; readonly cwd: string } | undefined;
  /** The text of a JS/TS build script a command runs with `node`/`tsx`/`bun` (crate-config's NODE_BUILD_SCRIPT files). */
  readonly nodeScript?: (path: string) => string | undefined;
}

/** Environment variables that change what cargo builds; an `env-only` step records them. */
const RELEVANT_ENV = /^(RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|CARGO_BUILD_RUSTFLAGS|CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS|CARGO_UNSTABLE_BUILD_STD|CARGO_PROFILE_[A-Z0-9_]+_(PANIC|OVERFLOW_CHECKS))$/;

const MAX_SCRIPT_DEPTH = 8;
const MAX_STEPS = 200;

/** The build steps of package script `name`, with npm's `pre<name>`/`post<name>` around it. */
export function stepsOfPackageScript(name: string, context: ScriptContext): BuildStep[] {
  const steps: BuildStep[] = [];
  runNamedScript(name, new Map(), context, steps, []);
  return steps;
}

/** The build steps of a free-standing command line (e.g. wrangler's `[build] command`). */
export function stepsOfCommandLine(script: string, cwd: string, context: ScriptContext): BuildStep[] {
  const steps: BuildStep[] = [];
  runScript(script, { env: new Map(), cwd }, context, steps, []);
  return steps;
}

function runNamedScript(name: string, env: ReadonlyMap<string, string>, context: ScriptContext, steps: BuildStep[], stack: string[]): void {
  const body = context.scripts?.[name];
  if (typeof body !== 'string' || stack.includes(name) || stack.length >= MAX_SCRIPT_DEPTH) return;
  const nested = [...stack, name];
  for (const part of [`pre${name}`, name, `post${name}`]) {
    const text = context.scripts?.[part];
    if (typeof text !== 'string' || (part !== name && nested.includes(part))) continue;
    runScript(text, { env: new Map(env), cwd: context.packageDir }, context, steps, part === name ? nested : [...nested, part]);
  }
}

interface ShellState {
  env: Map<string, string>;
  cwd: string;
}

function runScript(script: string, state: ShellState, context: ScriptContext, steps: BuildStep[], stack: string[]): void {
  for (const commandText of splitCommands(script)) {
    if (steps.length >= MAX_STEPS) return;
    const words = tokenize(commandText, state.env);
    if (words.length > 0) runCommand(words, state, context, steps, stack);
  }
}

// ---- splitting and tokenising ---------------------------------------------------------------------

/** Splits a script at unquoted `&&`, `||`, `;`, `|`, `&`, newlines and parentheses. */
export function splitCommands(script: string): string[] {
  const out: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim() !== '') out.push(current);
    current = '';
  };
  let i = 0;
  while (i < script.length) {
    const c = script[i];
    if (c === '\\') {
      if (script[i + 1] === '\n') i += 2;
      else if (script[i + 1] === '\r' && script[i + 2] === '\n') i += 3;
      else {
        current += script.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      const end = closingQuote(script, i);
      current += script.slice(i, end);
      i = end;
      continue;
    }
    if (c === '`' || (c === '$' && script[i + 1] === '(')) {
      const end = c === '`' ? closingBacktick(script, i) : closingParen(script, i + 1);
      current += script.slice(i, end);
      i = end;
      continue;
    }
    if (c === '#' && (current === '' || /\s$/.test(current))) {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    if (c === '&' && (/[<>]$/.test(current) || script[i + 1] === '>')) {
      current += c; // redirection (`2>&1`, `&>file`), not a separator
      i++;
      continue;
    }
    if (c === ';' || c === '|' || c === '&' || c === '\n' || c === '(' || c === ')') {
      flush();
      i++;
      continue;
    }
    current += c;
    i++;
  }
  flush();
  return out;
}

function closingQuote(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += quote === '"' && text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

function closingBacktick(text: string, start: number): number {
  const end = text.indexOf('`', start + 1);
  return end < 0 ? text.length : end + 1;
}

/** Index after the `)` matching the `(` at `open` (quotes inside are skipped). */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      i = closingQuote(text, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    i++;
  }
  return text.length;
}

/** Splits one command into words: quotes removed, `$VAR`/`${VAR:-x}` expanded, `$(…)` dropped, redirections dropped. */
export function tokenize(command: string, env: ReadonlyMap<string, string>): string[] {
  const words: string[] = [];
  let word = '';
  let hasWord = false;
  const end = (): void => {
    if (hasWord) words.push(word);
    word = '';
    hasWord = false;
  };
  let i = 0;
  while (i < command.length) {
    const c = command[i];
    if (/\s/.test(c)) {
      end();
      i++;
    } else if (c === "'") {
      const close = closingQuote(command, i);
      word += command.slice(i + 1, command[close - 1] === "'" && close - 1 > i ? close - 1 : close);
      hasWord = true;
      i = close;
    } else if (c === '"') {
      const close = closingQuote(command, i);
      const inner = command.slice(i + 1, command[close - 1] === '"' && close - 1 > i ? close - 1 : close);
      word += expandDoubleQuoted(inner, env);
      hasWord = true;
      i = close;
    } else if (c === '\\') {
      word += command[i + 1] ?? '';
      hasWord = true;
      i += 2;
    } else if (c === '`') {
      i = closingBacktick(command, i);
    } else if (c === '$') {
      const { value, next } = expandDollar(command, i, env);
      word += value;
      if (value !== '') hasWord = true;
      i = next;
    } else {
      word += c;
      hasWord = true;
      i++;
    }
  }
  end();
  return dropRedirections(words);
}

function expandDoubleQuoted(inner: string, env: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  while (i < inner.length) {
    const c = inner[i];
    if (c === '\\' && i + 1 < inner.length && '"\\$`'.includes(inner[i + 1])) {
      out += inner[i + 1];
      i += 2;
    } else if (c === '$') {
      const { value, next } = expandDollar(inner, i, env);
      out += value;
      i = next;
    } else if (c === '`') {
      i = closingBacktick(inner, i);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Expands `$NAME`, `${NAME}`, `${NAME:-default}`, `$(…)` at `start`; unknown variables expand to ''. */
function expandDollar(text: string, start: number, env: ReadonlyMap<string, string>): { value: string; next: number } {
  const next = text[start + 1];
  if (next === '(') return { value: '', next: closingParen(text, start + 1) };
  if (next === '{') {
    const close = text.indexOf('}', start + 2);
    if (close < 0) return { value: '', next: text.length };
    const body = text.slice(start + 2, close);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::?([-+=?])(.*))?$/.exec(body);
    if (!m) return { value: '', next: close + 1 };
    const current = env.get(m[1]);
    const operator = m[2];
    const operand = m[3] ?? '';
    if (operator === '-' || operator === '=') return { value: current !== undefined && current !== '' ? current : operand, next: close + 1 };
    if (operator === '+') return { value: current ? operand : '', next: close + 1 };
    return { value: current ?? '', next: close + 1 };
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(start + 1));
  if (m) return { value: env.get(m[0]) ?? '', next: start + 1 + m[0].length };
  // Positional and special parameters (`$@`, `$1`, `$?`): unknown to a script read statically.
  if (next !== undefined && /[@*#?$!0-9-]/.test(next)) return { value: '', next: start + 2 };
  return { value: '$', next: start + 1 };
}

function dropRedirections(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (/^\d*(>>?|<|>&|&>)$/.test(w)) {
      i++; // the operator stands alone: its target is the next word
      continue;
    }
    if (/^\d*(>>?|<|&>)/.test(w)) continue;
    out.push(w);
  }
  return out;
}

// ---- interpreting commands ------------------------------------------------------------------------

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

function programName(word: string): string {
  return basename(word.replace(/\\/g, '/')).replace(/\.(exe|cmd|bat|ps1)$/i, '');
}

function runCommand(input: string[], state: ShellState, context: ScriptContext, steps: BuildStep[], stack: string[]): void {
  let argv = input;
  const env = new Map(state.env);
  let toolchain: string | undefined;

  // Builtins that change the shell's own state.
  const head = programName(argv[0]);
  if (head === 'export' || head === 'set') {
    for (const w of argv.slice(1)) {
      const m = ASSIGNMENT.exec(w);
      if (m) state.env.set(m[1], m[2]);
    }
    return;
  }
  if (head === 'unset') {
    for (const w of argv.slice(1)) state.env.delete(w);
    return;
  }
  if ((head === 'cd' || head === 'pushd') && argv.length >= 2 && !argv[1].startsWith('-')) {
    state.cwd = resolvePath(state.cwd, argv[1]);
    return;
  }
  if (ASSIGNMENT.test(argv[0]) && argv.every((w) => ASSIGNMENT.test(w))) {
    // `A=1` alone sets a shell variable (visible to later expansions, and to children once exported).
    for (const w of argv) {
      const m = ASSIGNMENT.exec(w)!;
      state.env.set(m[1], m[2]);
    }
    return;
  }

  // Peel wrappers: assignments, env/cross-env, npx & co, rustup run, shells.
  for (let guard = 0; guard < 16 && argv.length > 0; guard++) {
    const m = ASSIGNMENT.exec(argv[0]);
    if (m) {
      env.set(m[1], m[2]);
      argv = argv.slice(1);
      continue;
    }
    const name = programName(argv[0]);
    if (name === 'env') {
      let k = 1;
      while (k < argv.length && argv[k].startsWith('-')) k += argv[k] === '-u' ? 2 : 1;
      argv = argv.slice(k);
      continue;
    }
    if (name === 'cross-env') {
      argv = argv.slice(1);
      continue;
    }
    if (name === 'cross-env-shell') {
      let k = 1;
      while (k < argv.length && ASSIGNMENT.test(argv[k])) {
        const a = ASSIGNMENT.exec(argv[k])!;
        env.set(a[1], a[2]);
        k++;
      }
      runScript(argv.slice(k).join(' '), { env, cwd: state.cwd }, context, steps, stack);
      return;
    }
    if ((name === 'sh' || name === 'bash' || name === 'zsh') && argv[1] === '-c' && argv[2] !== undefined) {
      runScript(argv[2], { env, cwd: state.cwd }, context, steps, stack);
      return;
    }
    if (name === 'npx' || name === 'bunx' || name === 'pnpx') {
      let k = 1;
      while (k < argv.length && argv[k].startsWith('-')) {
        if (argv[k] === '-c' || argv[k] === '--call') {
          if (argv[k + 1] !== undefined) runScript(argv[k + 1], { env, cwd: state.cwd }, context, steps, stack);
          return;
        }
        k += argv[k] === '-p' || argv[k] === '--package' ? 2 : 1;
      }
      argv = argv.slice(k);
      continue;
    }
    if ((name === 'pnpm' || name === 'yarn' || name === 'npm') && (argv[1] === 'exec' || argv[1] === 'dlx')) {
      argv = argv.slice(argv[2] === '--' ? 3 : 2);
      continue;
    }
    if (['time', 'nice', 'nohup', 'sudo', 'exec', 'command'].includes(name)) {
      argv = argv.slice(1);
      continue;
    }
    if (name === 'rustup' && argv[1] === 'run' && argv.length > 3) {
      toolchain = argv[2];
      argv = argv.slice(3);
      continue;
    }
    if (name === 'dotenv') {
      const k = argv.indexOf('--');
      argv = k >= 0 ? argv.slice(k + 1) : [];
      continue;
    }
    break;
  }
  if (argv.length === 0) return;

  const program = programName(argv[0]);
  const args = argv.slice(1);
  const base = { env, cwd: state.cwd, command: argv.join(' ').slice(0, 300), toolchain };

  if (runsPackageScripts(program, args, env, state, context, steps, stack)) return;

  switch (program) {
    case 'wasm-pack': {
      const step = readWasmPack(args, base);
      if (step) steps.push(step);
      return;
    }
    case 'cargo': {
      const step = readCargo(args, base);
      if (step) steps.push(step);
      return;
    }
    case 'worker-build':
      steps.push(readWorkerBuild(args, base));
      return;
    case 'trunk': {
      if (args[0] === 'build' || args[0] === 'serve' || args[0] === 'watch') {
        steps.push(emptyStep('trunk', base, { targetDir: state.cwd, profile: args.includes('--release') ? 'release' : 'dev' }));
      }
      return;
    }
    case 'wasm-bindgen':
      steps.push(readWasmBindgen(args, base));
      return;
    case 'node':
    case 'tsx':
    case 'ts-node':
    case 'bun':
    case 'deno': {
      const file = args.find((a) => SCRIPT_FILE.test(a));
      const path = file !== undefined ? resolvePath(state.cwd, file) : undefined;
      const text = path !== undefined ? context.nodeScript?.(path) : undefined;
      const step = path !== undefined && text !== undefined ? readNodeCargoScript(text, base) : undefined;
      if (step) steps.push({ ...step, scriptFile: path });
      return;
    }
    case 'wrangler': {
      const sub = args.find((a) => !a.startsWith('-'));
      const build = sub && ['dev', 'deploy', 'publish', 'build', 'versions'].includes(sub) ? context.wranglerBuildCommand?.(state.cwd) : undefined;
      if (build && !stack.includes('wrangler')) runScript(build.command, { env, cwd: build.cwd }, context, steps, [...stack, 'wrangler']);
      return;
    }
    default:
      if ([...env.keys()].some((k) => RELEVANT_ENV.test(k) && env.get(k) !== state.env.get(k))) steps.push(emptyStep('env-only', base, {}));
  }
}

/** `npm run x`, `yarn x`, `pnpm run x`, `bun run x`, `run-s a b`, `npm-run-all`, `concurrently "npm:x"`. */
function runsPackageScripts(
  program: string, args: string[], env: Map<string, string>, state: ShellState, context: ScriptContext, steps: BuildStep[], stack: string[],
): boolean {
  // A script run from another directory belongs to another package.
  const samePackage = state.cwd === context.packageDir;
  const run = (name: string): void => {
    if (samePackage) runNamedScript(name, env, context, steps, stack);
  };
  const otherPackage = args.some((a) => /^(--prefix|-C|--dir|--cwd|--filter|-F|-w|--workspace)(=|$)/.test(a));
  const firstName = (from: number): string | undefined => args.slice(from).find((a) => !a.startsWith('-'));
  if (program === 'npm') {
    if (otherPackage) return true;
    const sub = args[0];
    if (sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn') {
      const name = firstName(1);
      if (name) run(name);
      return true;
    }
    if (sub === 'start' || sub === 'test' || sub === 't' || sub === 'stop' || sub === 'restart') {
      run(sub === 't' ? 'test' : sub);
      return true;
    }
    return true; // npm install, npm publish …: nothing that compiles the crate
  }
  if (program === 'yarn' || program === 'pnpm' || program === 'bun') {
    if (otherPackage) return true;
    const sub = firstName(0);
    if (sub === undefined) return true;
    if (sub === 'run') {
      const name = firstName(args.indexOf('run') + 1);
      if (name && context.scripts?.[name] !== undefined) run(name);
      else if (name) runCommandOf(args.slice(args.indexOf(name)), env, state, context, steps, stack);
      return true;
    }
    if (context.scripts?.[sub] !== undefined) {
      run(sub);
      return true;
    }
    if (['install', 'add', 'remove', 'i', 'ci', 'publish', 'link', 'create', 'init', 'x'].includes(sub)) return true;
    // `yarn wasm-pack build`: yarn/pnpm run a package binary of that name.
    runCommandOf(args.slice(args.indexOf(sub)), env, state, context, steps, stack);
    return true;
  }
  if (program === 'run-s' || program === 'run-p' || program === 'npm-run-all') {
    const names = context.scripts ? Object.keys(context.scripts) : [];
    for (const pattern of args.filter((a) => !a.startsWith('-'))) {
      const re = globToRegExp(pattern);
      for (const name of names) if (re.test(name)) run(name);
    }
    return true;
  }
  if (program === 'concurrently') {
    for (const a of args.filter((x) => !x.startsWith('-'))) {
      if (a.startsWith('npm:') || a.startsWith('yarn:') || a.startsWith('pnpm:')) {
        const re = globToRegExp(a.slice(a.indexOf(':') + 1));
        for (const name of context.scripts ? Object.keys(context.scripts) : []) if (re.test(name)) run(name);
      } else {
        runScript(a, { env: new Map(env), cwd: state.cwd }, context, steps, stack);
      }
    }
    return true;
  }
  return false;
}

function runCommandOf(argv: string[], env: Map<string, string>, state: ShellState, context: ScriptContext, steps: BuildStep[], stack: string[]): void {
  if (argv.length === 0 || stack.length >= MAX_SCRIPT_DEPTH) return;
  runCommand(argv, { env, cwd: state.cwd }, context, steps, [...stack, '<bin>']);
}

/** npm-run-all patterns: `*` matches within a `:` segment, `**` across segments. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^:]*').replace(/\u0000/g, '.*');
  return new RegExp(`^${escaped}$`);
}

interface StepBase {
  readonly env: ReadonlyMap<string, string>;
  readonly cwd: string;
  readonly command: string;
  readonly toolchain?: string;
}

function emptyStep(tool: BuildTool, base: StepBase, extra: Partial<BuildStep>): BuildStep {
  return {
    tool, command: base.command, env: base.env, cwd: base.cwd, toolchain: base.toolchain,
    packages: [], panicUnwind: false, rustcFlags: [], configOverrides: [],
    abortHandler: false, resetStateFunction: false, noPanicRecovery: false,
    ...extra,
  };
}

/** Reads `-Zbuild-std[=…]` / `-Z build-std=…` from cargo arguments. */
function buildStdOf(args: readonly string[]): string[] | undefined {
  let found: string[] | undefined;
  for (let i = 0; i < args.length; i++) {
    let flag: string | undefined;
    if (args[i] === '-Z') flag = args[i + 1];
    else if (args[i].startsWith('-Z')) flag = args[i].slice(2);
    if (flag === undefined) continue;
    const m = /^build-std(?:=(.*))?$/.exec(flag);
    if (m) found = m[1] ? m[1].split(',').map((s) => s.trim()).filter(Boolean) : [];
  }
  return found;
}

/** `--flag value` or `--flag=value`; returns every value given. */
function optionValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    for (const name of names) {
      if (a === name && args[i + 1] !== undefined) out.push(args[i + 1]);
      else if (a.startsWith(`${name}=`)) out.push(a.slice(name.length + 1));
    }
  }
  return out;
}

const WASM_PACK_VALUE_OPTIONS = new Set(['-t', '--target', '-d', '--out-dir', '--out-name', '-s', '--scope', '-m', '--mode', '--profile']);

function readWasmPack(args: string[], base: StepBase): BuildStep | undefined {
  let k = 0;
  while (k < args.length && args[k].startsWith('-')) k += args[k] === '--log-level' || args[k] === '-l' ? 2 : 1;
  if (args[k] !== 'build') return undefined;
  const rest = args.slice(k + 1);
  let path: string | undefined;
  const extra: string[] = [];
  let dev = false;
  let profiling = false;
  let panicUnwind = false;
  let afterDashes = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (afterDashes) {
      extra.push(a);
      continue;
    }
    if (a === '--') {
      afterDashes = true;
      continue;
    }
    if (a === '--dev') dev = true;
    else if (a === '--profiling') profiling = true;
    else if (a === '--panic-unwind') panicUnwind = true;
    else if (WASM_PACK_VALUE_OPTIONS.has(a)) i++;
    else if (a.startsWith('-')) {
      extra.push(a); // passed through to cargo (`-Z build-std=…`, `--features x`)
      if ((a === '-Z' || a === '--features' || a === '-F' || a === '--config') && rest[i + 1] !== undefined) extra.push(rest[++i]);
    } else if (path === undefined) path = a;
    else extra.push(a);
  }
  const profileOption = optionValues(rest.filter((a) => a !== '--'), ['--profile'])[0];
  // `--profiling` is `cargo build --release` plus debug info in wasm-pack.
  const profile = profileOption ?? (dev && !profiling ? 'dev' : 'release');
  return emptyStep('wasm-pack', base, {
    targetDir: resolvePath(base.cwd, path ?? '.'),
    profile,
    targetTriple: 'wasm32-unknown-unknown',
    panicUnwind,
    buildStd: buildStdOf(extra),
    configOverrides: optionValues(extra, ['--config']).filter((c) => c.includes('=')),
  });
}

function readCargo(args: string[], base: StepBase): BuildStep | undefined {
  let k = 0;
  let toolchain = base.toolchain;
  let cwd = base.cwd;
  const globals: string[] = [];
  while (k < args.length && (args[k].startsWith('-') || args[k].startsWith('+'))) {
    const a = args[k];
    if (a.startsWith('+')) toolchain = a.slice(1);
    if (a === '-C' && args[k + 1] !== undefined) cwd = resolvePath(cwd, args[k + 1]);
    globals.push(a);
    if ((a === '-Z' || a === '--config' || a === '-C' || a === '--color') && args[k + 1] !== undefined) globals.push(args[++k]);
    k++;
  }
  const sub = args[k];
  if (sub !== 'build' && sub !== 'b' && sub !== 'rustc') return undefined;
  const all = args.slice(k + 1);
  const dashes = all.indexOf('--');
  const cargoArgs = [...globals, ...(dashes >= 0 ? all.slice(0, dashes) : all)];
  const rustcFlags = sub === 'rustc' && dashes >= 0 ? all.slice(dashes + 1) : [];
  const targetTriple = optionValues(cargoArgs, ['--target'])[0];
  const manifest = optionValues(cargoArgs, ['--manifest-path'])[0];
  const profileOption = optionValues(cargoArgs, ['--profile'])[0];
  const release = cargoArgs.includes('--release') || cargoArgs.includes('-r');
  return emptyStep('cargo', { ...base, cwd, toolchain }, {
    targetDir: manifest ? resolvePath(cwd, manifest.replace(/[\\/]?Cargo\.toml$/, '') || '.') : cwd,
    packages: optionValues(cargoArgs, ['-p', '--package']),
    profile: profileOption ?? (release ? 'release' : 'dev'),
    targetTriple,
    buildStd: buildStdOf(cargoArgs),
    rustcFlags,
    configOverrides: optionValues(cargoArgs, ['--config']).filter((c) => c.includes('=')),
  });
}

const SCRIPT_FILE = /\.(?:m|c)?[jt]s$/;

/**
 * A JS/TS build script that spawns cargo itself (`spawnSync("cargo", ["+nightly", "build", "--target",
 * "wasm32-unknown-unknown", "-Zbuild-std=std,panic_unwind"], { env: { RUSTFLAGS: "-C panic=unwind" } })`):
 * read from its string literals, not run. Only a script that names cargo and the wasm32 target counts;
 * literals carrying `-C panic=…` become RUSTFLAGS (cargo's flags are the literals that look like them);
 * the profile is taken to be release (a script's profile is usually a variable).
 */
function readNodeCargoScript(text: string, base: StepBase): BuildStep | undefined {
  if (!/["'`]cargo["'`\s]/.test(text) || !text.includes('wasm32-')) return undefined;
  const literals = jsStringLiterals(text);
  const words = literals.flatMap((l) => l.trim().split(/\s+/)).filter((w) => w.length > 0);
  const rustflags = literals.filter((l) => /-C\s*panic=/.test(l)).join(' ');
  const env = new Map(base.env);
  if (rustflags) env.set('RUSTFLAGS', [env.get('RUSTFLAGS'), rustflags].filter(Boolean).join(' '));
  const toolchain = words.find((w) => /^\+[\w.-]+$/.test(w))?.slice(1) ?? base.toolchain;
  // A profile is usually a variable (`"--profile", profile`): the literal after `--profile` is then some
  // other string: the release profile is assumed.
  const profile = 'release';
  return emptyStep('cargo', { ...base, env, toolchain }, {
    targetDir: base.cwd,
    packages: optionValues(words, ['-p', '--package']),
    profile,
    targetTriple: words.find((w) => w.startsWith('wasm32-')),
    buildStd: buildStdOf(words),
  });
}

/**
 * The string literals of a JS/TS text, in order: `'…'`, `"…"`, and the literal parts of templates
 * (`` `+${t}` `` gives `+`); comments and regular expressions aside from `/…/` in odd places are skipped.
 * A reading for build scripts, not a JS lexer: escapes are kept as written.
 */
export function jsStringLiterals(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  // Template nesting: each entry counts the open `{` of a `${…}` substitution.
  const templates: number[] = [];
  const readTemplate = (): void => {
    let start = i;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') { i++; continue; }
      if (c === '`') { out.push(text.slice(start, i)); i++; return; }
      if (c === '$' && text[i + 1] === '{') {
        out.push(text.slice(start, i));
        i += 2;
        templates.push(0);
        return;
      }
    }
    if (start < text.length) out.push(text.slice(start));
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      out.push(text.slice(i + 1, j));
      i = j + 1;
    } else if (c === '`') {
      i++;
      readTemplate();
    } else if (c === '{' && templates.length > 0) {
      templates[templates.length - 1]++;
      i++;
    } else if (c === '}' && templates.length > 0) {
      i++;
      if (templates[templates.length - 1] === 0) {
        templates.pop();
        readTemplate();
      } else {
        templates[templates.length - 1]--;
      }
    } else {
      i++;
    }
  }
  return out;
}

function readWorkerBuild(args: string[], base: StepBase): BuildStep {
  const noPanicRecovery = args.includes('--no-panic-recovery');
  const profileOption = optionValues(args, ['--profile'])[0];
  return emptyStep('worker-build', base, {
    targetDir: base.cwd,
    profile: profileOption ?? (args.includes('--dev') ? 'dev' : 'release'),
    targetTriple: 'wasm32-unknown-unknown',
    panicUnwind: args.includes('--panic-unwind'),
    buildStd: buildStdOf(args),
    // worker-build passes both flags to wasm-bindgen unless told not to (catalog §A1, §A9).
    abortHandler: !noPanicRecovery,
    resetStateFunction: !noPanicRecovery,
    noPanicRecovery,
  });
}

const WASM_BINDGEN_VALUE_OPTIONS = new Set(['--out-dir', '--out-name', '--target', '--encode-into']);

function readWasmBindgen(args: string[], base: StepBase): BuildStep {
  let input: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (WASM_BINDGEN_VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-') && /\.wasm$/i.test(a)) input = basename(a.replace(/\\/g, '/')).replace(/\.wasm$/i, '');
  }
  return emptyStep('wasm-bindgen', base, {
    wasmInput: input,
    abortHandler: args.includes('--force-enable-abort-handler'),
    resetStateFunction: args.includes('--experimental-reset-state-function'),
  });
}
