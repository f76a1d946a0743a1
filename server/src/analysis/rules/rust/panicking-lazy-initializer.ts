// panicking-lazy-initializer (catalog U03, unwind-safety): the initializer of a `LazyLock`/`Lazy`/
// `LazyCell` static (also inside `thread_local!`) or a `lazy_static!` entry can panic. It runs on the
// first access from JS; under panic=unwind the panic poisons the static and every later access panics
// too ("instance has previously been poisoned") — a `PanicError` on each call that touches it, which no
// abort hook or reinit repairs. Under panic=abort the panic traps mid-initialisation and every later
// access panics and traps again. In abort+handler builds the first panic terminates the instance like
// any other panic, so nothing lazy-specific remains: silent. Plain `thread_local!` lazy initialisation
// is deliberately not covered (catalog F4), nor `OnceCell`/`OnceLock::get_or_init` (a panic leaves
// them empty and the next access retries).
//
// Precision policy: an initializer that reads no outside input (no JS import, no js_sys/web_sys call, no
// other mutable static) is deterministic — if it panics, it panics on the first run of any test or
// page load — so its panic points are skipped (option `includeConstantInputs: true` reports them as
// info). Always reported: what always fails on wasm32-unknown-unknown (`Instant::now()`,
// `SystemTime::now()`, `std::env::var`, `std::fs`, `thread::spawn`) and, in an initializer that reads
// input, panic points that depend on it (`Regex::new("literal").unwrap()` stays skipped there too).
// No fix: the remedy is an API change (a fallible setter, `OnceCell` + `Result`). Documented in
// docs/rules/panicking-lazy-initializer.md; cases in test-fixtures/rust/panicking-lazy-initializer.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { RelatedLocation, TextRange } from '../../model';
import {
  asMethodCall, asPathCall, escapeRegExp, forEachDescendant, panicPointsIn, parentOf, runsSynchronouslyWithin, rustEnv, stripTransparent,
  type PanicPoint, type RustEnv,
} from '../../rust/index';
import { isGroup, leafTokens, macroStaticsOf, receiverTokens } from '../../rust/macro-tokens';
import { describeEntry, entryNaming } from '../../rust/reach';
import { isServerOnlyCode } from '../../rust/server-code';
import { shortCode } from '../../text/one-line';

const LAZY_TYPE = /^\s*(?:::)?(?:[A-Za-z_]\w*\s*::\s*)*(LazyLock|LazyCell|Lazy)\s*</;
const UNWRAPS = new Set(['unwrap', 'expect', 'unwrap_err', 'expect_err']);
const THROWS = new Set(['unwrap_throw', 'expect_throw']);
const PANIC_MACROS = new Set(['panic', 'unreachable', 'todo', 'unimplemented', 'assert', 'assert_eq', 'assert_ne']);
/** Calls that always fail on wasm32-unknown-unknown (std's `unsupported` platform). */
const WASM_ALWAYS_FAILS = /\b(?:(?:std\s*::\s*)?env\s*::\s*(?:var|var_os|current_dir|args)|(?:std\s*::\s*)?fs\s*::\s*\w+|File\s*::\s*(?:open|create)|thread\s*::\s*spawn|Instant\s*::\s*now|SystemTime\s*::\s*now)\s*\(/;
const CLOCK = /\b(Instant|SystemTime)\s*::\s*now\s*\(/;
const JS_CRATES = /\b(js_sys|web_sys|gloo(?:_\w+)?|wasm_bindgen_futures)\s*::/;
const CONST_MACROS = new Set(['include_str', 'include_bytes', 'concat', 'env', 'stringify', 'vec', 'format', 'option_env']);
const KEYWORDS = new Set(['self', 'Self', 'crate', 'super', 'true', 'false', 'as', 'mut', 'ref', 'move', 'dyn', 'impl', 'const']);

/** Method imports named like std methods (`get`, `push` …) cannot be told from them by name: not counted as input. */
const COMMON_METHODS = new Set([
  'get', 'set', 'insert', 'push', 'pop', 'len', 'map', 'clone', 'into', 'from', 'then', 'call', 'apply', 'next', 'value', 'keys',
  'values', 'entries', 'has', 'delete', 'add', 'clear', 'remove', 'contains', 'iter', 'read', 'write', 'parse', 'join', 'split',
  'trim', 'find', 'filter', 'slice', 'concat', 'to_string', 'as_str', 'name', 'data', 'size', 'length', 'new', 'default',
]);

type Basis = 'wasm-always' | 'input' | 'constant';

interface Candidate {
  /** What the message calls it: `Regex::new(&pattern_from_js()).unwrap()`. */
  readonly display: string;
  readonly range: TextRange;
  readonly basis: Basis;
  /** How the point fails: panic, JS exception (throw/import), or a wasm-only failure. */
  readonly failure: 'panic' | 'throw';
}

interface LazyStatic {
  readonly name: string;
  readonly nameRange: TextRange;
  /** `LazyLock`, `LazyCell`, `Lazy` or `lazy_static!`. */
  readonly wrapper: string;
}

export default defineRule({
  id: 'panicking-lazy-initializer',
  catalogId: 'U03',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'a `LazyLock`/`Lazy`/`LazyCell`/`lazy_static!` initializer can panic: the static is then poisoned or stuck for every later access',
  fix: 'none',
  docs: 'docs/rules/panicking-lazy-initializer.md',
  options: { includeConstantInputs: { type: 'boolean', default: false, description: 'Also report panic points of initializers whose inputs are constants, as info findings.' } },
  nodeTypes: ['static_item', 'macro_invocation'],
  // Text gate (Rule.textGate): a lazy static is typed `Lazy*<…>` or declared by `lazy_static!`.
  textGate: ['Lazy', 'lazy_static'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (env.buildMode === 'abort+handler' || !isWasmCrate(env) || env.tests.isTestCode(node) || isServerOnlyCode(node, env)) return;
    const includeConstant = ctx.options.includeConstantInputs === true;
    if (node.type === 'static_item') {
      const clock = clockPathInitializer(node, env);
      if (clock) {
        report(ctx, env, clock.lazy, [clock.candidate], includeConstant);
        return;
      }
      const found = staticItemInitializer(node, env);
      if (!found) return;
      const candidates = nodeCandidates(found.owner, found.body, env);
      report(ctx, env, found.lazy, candidates, includeConstant);
      return;
    }
    for (const entry of macroStaticsOf(node, env.path)) {
      const wrapper = entry.macro === 'lazy_static' ? 'lazy_static!' : LAZY_TYPE.exec(entry.root.type)?.[1];
      if (!wrapper) continue; // a plain thread_local! initializer (catalog F4)
      const candidates = tokenCandidates(entry.init, env);
      report(ctx, env, { name: entry.root.name, nameRange: entry.root.nameRange, wrapper }, candidates, includeConstant);
    }
  },
});

function isWasmCrate(env: RustEnv): boolean {
  return env.crate?.usesWasmBindgen === true || (env.index?.exports.length ?? 0) > 0;
}

// ---- parsed statics --------------------------------------------------------------------------------

/** `static X: LazyLock<T> = LazyLock::new(|| …)` / `Lazy::new(build)`: the code that runs on first access. */
function staticItemInitializer(item: Node, env: RustEnv): { lazy: LazyStatic; owner: Node; body: Node } | undefined {
  const nameNode = item.childForFieldName('name');
  const type = item.childForFieldName('type')?.text ?? '';
  const value = item.childForFieldName('value');
  const wrapper = LAZY_TYPE.exec(type)?.[1];
  if (!nameNode || !wrapper || value?.type !== 'call_expression') return undefined;
  const ctor = asPathCall(value);
  if (!ctor || ctor.name !== 'new' || ctor.args.length !== 1) return undefined;
  const lazy = { name: nameNode.text, nameRange: { start: nameNode.startIndex, end: nameNode.endIndex }, wrapper };
  const arg = stripTransparent(ctor.args[0]);
  if (arg.type === 'closure_expression') {
    const body = arg.childForFieldName('body');
    return body ? { lazy, owner: arg, body } : undefined;
  }
  // `Lazy::new(build_table)`: a function of this file (other initialisers are out of sight).
  if (arg.type === 'identifier' && env.localFunctionNames.has(arg.text)) {
    const fn = localFunction(env, arg.text);
    const body = fn?.childForFieldName('body');
    return fn && body ? { lazy, owner: fn, body } : undefined;
  }
  return undefined;
}

/** `static START: LazyLock<Instant> = LazyLock::new(Instant::now)`: the clock itself is the initializer. */
function clockPathInitializer(item: Node, env: RustEnv): { lazy: LazyStatic; candidate: Candidate } | undefined {
  if (env.usesWasmSafeClock) return undefined;
  const nameNode = item.childForFieldName('name');
  const wrapper = LAZY_TYPE.exec(item.childForFieldName('type')?.text ?? '')?.[1];
  const value = item.childForFieldName('value');
  if (!nameNode || !wrapper || value?.type !== 'call_expression') return undefined;
  const ctor = asPathCall(value);
  if (!ctor || ctor.name !== 'new' || ctor.args.length !== 1) return undefined;
  const arg = stripTransparent(ctor.args[0]);
  const clock = arg.type === 'scoped_identifier' ? /^(?:(?:::)?std\s*::\s*time\s*::\s*)?(Instant|SystemTime)\s*::\s*now$/.exec(arg.text) : null;
  if (!clock) return undefined;
  return {
    lazy: { name: nameNode.text, nameRange: { start: nameNode.startIndex, end: nameNode.endIndex }, wrapper },
    candidate: { display: `${clock[1]}::now()`, range: { start: arg.startIndex, end: arg.endIndex }, basis: 'wasm-always', failure: 'panic' },
  };
}

function localFunction(env: RustEnv, name: string): Node | undefined {
  let found: Node | undefined;
  forEachDescendant(env.root, (n) => {
    if (found || n.type === 'token_tree') return false;
    if (n.type === 'function_item' && n.childForFieldName('name')?.text === name && n.childForFieldName('parameters')?.namedChildCount === 0) {
      found = n;
      return false;
    }
    return true;
  });
  return found;
}

function nodeCandidates(owner: Node, body: Node, env: RustEnv): Candidate[] {
  const facts = env.facts(owner);
  const readsInput = readsOutsideInput(env.text.slice(body.startIndex, body.endIndex), env);
  const bound = constantLocals(body, env);
  const out: Candidate[] = [];
  for (const p of panicPointsIn(facts, body.startIndex, body.endIndex, env, {})) {
    if (!runsSynchronouslyWithin(p.node, owner)) continue;
    out.push({ display: p.display, range: { start: p.node.startIndex, end: p.node.endIndex }, basis: basisOfPoint(p, readsInput, bound, env), failure: p.failure === 'panic' ? 'panic' : 'throw' });
  }
  return out;
}

function basisOfPoint(p: PanicPoint, readsInput: boolean, bound: ReadonlySet<string>, env: RustEnv): Basis {
  if (p.kind === 'clock') return 'wasm-always';
  if (p.kind === 'foreign' || p.kind === 'throw') return 'input';
  if (p.kind === 'unwrap') {
    const m = asMethodCall(p.node);
    const receiverText = m ? m.receiver.text : p.node.text;
    if (WASM_ALWAYS_FAILS.test(receiverText) && !(CLOCK.test(receiverText) && env.usesWasmSafeClock)) return 'wasm-always';
    if (!readsInput) return 'constant';
    return m && isConstantExpression(m.receiver, bound, env) ? 'constant' : 'input';
  }
  return readsInput ? 'input' : 'constant';
}

/**
 * True when an expression is built only from literals, constants, paths and calls of non-import
 * functions on such values: `Regex::new(r"^\d+$")`, `"127.0.0.1".parse::<IpAddr>()`,
 * `serde_json::from_str(include_str!("x.json"))`. Local names count when bound to such values.
 */
function isConstantExpression(expr: Node, bound: ReadonlySet<string>, env: RustEnv): boolean {
  let constant = true;
  forSelfAndDescendants(expr, (n) => {
    if (!constant) return false;
    if (n.type === 'identifier' && !identifierIsConstant(n, bound, env)) constant = false;
    if (n.type === 'call_expression') {
      const p = asPathCall(n);
      if (p && (env.importNamed(p.name) || JS_CRATES.test(p.calleeNode.text))) constant = false;
    }
    return true;
  });
  return constant;
}

/** `node` itself, then everything below it (forEachDescendant starts below its root). */
function forSelfAndDescendants(node: Node, visit: (n: Node) => boolean | void): void {
  if (visit(node) === false) return;
  forEachDescendant(node, visit);
}

function identifierIsConstant(id: Node, bound: ReadonlySet<string>, env: RustEnv): boolean {
  const name = id.text;
  if (/^[A-Z]/.test(name) || KEYWORDS.has(name) || bound.has(name)) return true;
  const parent = parentOf(id);
  if (!parent) return false;
  switch (parent.type) {
    case 'scoped_identifier':
    case 'scoped_type_identifier':
    case 'generic_function':
    case 'macro_invocation':
      return true;
    case 'call_expression':
      return parent.childForFieldName('function')?.id === id.id && !env.importNamed(name);
    case 'token_tree':
      return tokenIdentifierIsConstant(id, env);
    default:
      return false;
  }
}

/**
 * Names bound inside the initializer to constant values (`let p = "a|b";`, `for i in 0..256`), in
 * document order. Closure parameters are not: what a closure receives depends on what it is run on.
 */
function constantLocals(body: Node, env: RustEnv): Set<string> {
  const bound = new Set<string>();
  const bind = (pattern: Node | null) => {
    if (pattern) forSelfAndDescendants(pattern, (c) => { if (c.type === 'identifier') bound.add(c.text); });
  };
  forSelfAndDescendants(body, (n) => {
    if (n.type === 'for_expression' || n.type === 'let_declaration') {
      const value = n.childForFieldName('value');
      if (value && isConstantExpression(value, bound, env)) bind(n.childForFieldName('pattern'));
    }
    return n.type !== 'function_item';
  });
  return bound;
}

// ---- token trees (thread_local!, lazy_static!) -------------------------------------------------------

function tokenCandidates(init: readonly Node[], env: RustEnv): Candidate[] {
  if (init.length === 0) return [];
  const initText = env.text.slice(init[0].startIndex, init[init.length - 1].endIndex);
  const readsInput = readsOutsideInput(initText, env);
  const out: Candidate[] = [];
  for (const t of leafTokens(init)) {
    if (t.type !== 'identifier') continue;
    const prev = t.previousSibling;
    const next = t.nextSibling;
    const name = t.text;
    if (prev?.type === '.' && isGroup(next, '(') && (UNWRAPS.has(name) || THROWS.has(name))) {
      const receiver = receiverTokens(prev);
      const start = receiver[0]?.startIndex ?? prev.startIndex;
      const range = { start, end: next!.endIndex };
      const display = shortText(env.text.slice(start, next!.endIndex));
      if (THROWS.has(name)) {
        out.push({ display, range, basis: 'input', failure: 'throw' });
        continue;
      }
      const receiverText = env.text.slice(start, prev.startIndex);
      let basis: Basis;
      if (WASM_ALWAYS_FAILS.test(receiverText) && !(CLOCK.test(receiverText) && env.usesWasmSafeClock)) basis = 'wasm-always';
      else if (!readsInput) basis = 'constant';
      // `web_sys::window().unwrap()`: a js_sys/web_sys/gloo call is input, path segments or not.
      else basis = !JS_CRATES.test(receiverText) && leafTokens(receiver).every((r) => r.type !== 'identifier' || tokenIdentifierIsConstant(r, env)) ? 'constant' : 'input';
      out.push({ display, range, basis, failure: 'panic' });
    } else if (PANIC_MACROS.has(name) && next?.type === '!' && prev?.type !== '.' && prev?.type !== '::') {
      const args = next.nextSibling;
      const end = args?.type === 'token_tree' ? args.endIndex : next.endIndex;
      out.push({ display: `${name}!(..)`, range: { start: t.startIndex, end }, basis: readsInput || /^(panic|todo|unimplemented|unreachable)$/.test(name) ? 'input' : 'constant', failure: 'panic' });
    } else if (name === 'now' && prev?.type === '::' && /^(Instant|SystemTime)$/.test(prev.previousSibling?.text ?? '') && isGroup(next, '(') && !env.usesWasmSafeClock) {
      const start = prev.previousSibling!.startIndex;
      out.push({ display: `${prev.previousSibling!.text}::now()`, range: { start, end: next!.endIndex }, basis: 'wasm-always', failure: 'panic' });
    } else if (isGroup(next, '(') && prev?.type !== '.' && prev?.type !== '::') {
      const imported = env.importNamed(name);
      if (imported && !imported.catch) out.push({ display: `${name}(..)`, range: { start: t.startIndex, end: next!.endIndex }, basis: 'input', failure: 'throw' });
    }
  }
  return out;
}

/** A token identifier is a path segment, method or function name, macro name, or a constant. */
function tokenIdentifierIsConstant(t: Node, env: RustEnv): boolean {
  const name = t.text;
  if (/^[A-Z]/.test(name) || KEYWORDS.has(name)) return true;
  const prev = t.previousSibling;
  const next = t.nextSibling;
  if (prev?.type === '.' || prev?.type === '::' || next?.type === '::') return true;
  if (next?.type === '!') return CONST_MACROS.has(name);
  if (isGroup(next, '(')) return !env.importNamed(name);
  return false;
}

// ---- outside input ---------------------------------------------------------------------------------

/**
 * The initializer reads something that can differ between runs: a JS import of the crate, a
 * js_sys/web_sys/gloo call, another mutable static — or calls a function of this file that does.
 */
function readsOutsideInput(text: string, env: RustEnv): boolean {
  if (mentionsInput(text, env)) return true;
  // One level into helper functions of this file: `Regex::new(&pattern()).unwrap()`.
  for (const name of env.localFunctionNames) {
    if (!new RegExp(`(^|[^A-Za-z0-9_.])${escapeRegExp(name)}\\s*\\(`).test(text)) continue;
    const fn = localFunction(env, name);
    const body = fn?.childForFieldName('body');
    if (body && mentionsInput(env.text.slice(body.startIndex, body.endIndex), env)) return true;
  }
  return false;
}

function mentionsInput(text: string, env: RustEnv): boolean {
  if (JS_CRATES.test(text)) return true;
  const names = inputNames(env);
  return names !== undefined && names.test(text);
}

/** One pattern per run: names of the crate's JS imports (called) and of its mutable statics (read). */
function inputNames(env: RustEnv): RegExp | undefined {
  return env.memo('lazy-init-input-names', env.root, () => {
    // How each import is called: `name(..)` (free), `x.name(..)` (method), `Class::name(..)` (static method).
    const free: string[] = [];
    const methods: string[] = [];
    const qualified: string[] = [];
    for (const imp of env.index?.imports.values() ?? []) {
      if (imp.method) {
        if (!COMMON_METHODS.has(imp.name)) methods.push(escapeRegExp(imp.name));
      }
      else if (imp.staticMethodOf) qualified.push(`${escapeRegExp(imp.staticMethodOf)}\\s*::\\s*${escapeRegExp(imp.name)}`);
      else free.push(escapeRegExp(imp.name));
    }
    // Statics whose value can change at run time (lazy ones are fixed once initialised).
    const mutable = (r: { kind: string; type: string }) => r.kind === 'static mut' ||
      (r.kind !== 'struct_field' && r.kind !== 'lazy_static' && !LAZY_TYPE.test(r.type) && /\b(RefCell|Cell|Mutex|RwLock|Atomic\w*|OnceCell|OnceLock)\b/.test(r.type));
    const statics = [...(env.index?.stateRoots.values() ?? [])].filter(mutable).map((r) => escapeRegExp(r.name));
    const parts: string[] = [];
    const call = '\\s*(::\\s*<[^>]*>\\s*)?\\(';
    if (free.length > 0) parts.push(`(^|[^A-Za-z0-9_:.])(${free.join('|')})${call}`);
    if (methods.length > 0) parts.push(`\\.\\s*(${methods.join('|')})${call}`);
    if (qualified.length > 0) parts.push(`(^|[^A-Za-z0-9_:])(${qualified.join('|')})${call}`);
    if (statics.length > 0) parts.push(`(^|[^A-Za-z0-9_])(${statics.join('|')})(?![A-Za-z0-9_])`);
    return parts.length > 0 ? new RegExp(parts.join('|')) : undefined;
  });
}

// ---- reporting -------------------------------------------------------------------------------------

function report(ctx: RuleContext, env: RustEnv, lazy: LazyStatic, candidates: readonly Candidate[], includeConstant: boolean): void {
  const reportable = candidates.filter((c) => c.basis !== 'constant');
  const shown = reportable.length > 0 ? reportable : includeConstant ? candidates : [];
  if (shown.length === 0) return;
  // Most telling first: what always fails on wasm, then a panic that depends on the input, then a JS throw.
  const first = shown.find((c) => c.basis === 'wasm-always') ?? shown.find((c) => c.failure === 'panic') ?? shown[0];
  const state = `\`${lazy.name}\``;
  const entry = entryNaming([lazy.name], env, (p) => ctx.workspace.fileText(p));
  const firstAccess = entry ? `on the first access (from ${describeEntry(entry)})` : 'on the first access';
  const what = first.basis === 'wasm-always'
    ? `\`${first.display}\` always panics on wasm32-unknown-unknown, in the initializer of ${state}`
    : `\`${first.display}\` can ${first.failure === 'panic' ? 'panic' : 'throw a JS exception'} in the initializer of ${state}`;
  const consequence = env.buildMode === 'unwind'
    ? `under panic=unwind that poisons ${state}: the call gets a \`PanicError\` and every later access panics again ('instance has previously been poisoned'), which no abort hook or reinit repairs`
    : `under panic=abort it traps (\`RuntimeError: unreachable\`) with ${state} left mid-initialisation, and every later access panics and traps again`;
  const more = shown.length - 1;
  const moreText = more > 0 ? ` (and ${more} more place${more > 1 ? 's' : ''} in the initializer that can fail)` : '';
  const constantNote = first.basis === 'constant' ? ' — its inputs are constant, so a test run shows whether it fails' : '';
  const message = `${what}, which runs ${firstAccess}; ${consequence}${moreText}${constantNote}`;
  const related: RelatedLocation[] = [{ path: env.path, range: lazy.nameRange, message: `${state} (${lazy.wrapper}) declared here` }];
  if (entry) related.push({ path: entry.path, range: entry.range, message: `JS reaches ${state} here: ${describeEntry(entry)}` });
  ctx.report({ range: first.range, message, severity: first.basis === 'constant' ? 'info' : undefined, related });
}

function shortText(text: string): string {
  return shortCode(text, 60);
}
