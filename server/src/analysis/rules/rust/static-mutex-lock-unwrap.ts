// static-mutex-lock-unwrap (catalog U02, unwind-safety): `.lock().unwrap()` / `.expect(..)` (and
// `.read()`/`.write()` of an `RwLock`) on a std `Mutex`/`RwLock` held in a static, `lazy_static!`,
// `thread_local!` or `LazyLock`/`OnceLock` wrapper. Under panic=unwind one panic while any guard of it
// is held poisons the lock, and from then on every such `.unwrap()` panics: each later call that touches
// the state fails with a `PanicError`, and since poisoning is not an abort, no abort hook or reinit ever
// repairs it. Abort builds are silent: nothing unwinds there, so nothing is ever poisoned and the
// `.unwrap()` cannot fail (a panic under the guard leaves the lock held instead — U09's finding).
//
// Severity: error when a panic point runs under this very guard (this line poisons the lock); warning
// when the poisoning panic can only come from a callee or another lock site. A private static whose
// every lock site in the file runs only non-panicking code cannot be poisoned and is not reported.
// Documented in docs/rules/static-mutex-lock-unwrap.md; cases in test-fixtures/rust/static-mutex-lock-unwrap.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, methodCallPattern, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation } from '../../model';
import {
  asMethodCall, asPathCall, borrowScopesIn, enclosingFunction, isHeldAt, mentionsWord, panicPointsIn, parentOf, rustEnv, stateResolverFor,
  type Acquisition, type BorrowScope, type PanicPoint, type RustEnv, type StateResolver,
} from '../../rust/index';
import { describeEntry, entryAround, entryNaming, type EntryPoint } from '../../rust/reach';
import { isServerOnlyCode } from '../../rust/server-code';
import { shortCode } from '../../text/one-line';

const LOCK_METHODS = new Set(['lock', 'read', 'write']);
const GLOBAL_KINDS = new Set(['static', 'static mut', 'thread_local', 'lazy_static']);
/** Lock types that do not poison (their `lock()` returns the guard, or a future). */
const NON_POISONING_PATH = /\b(parking_lot|spin|tokio|futures(_util)?|async_lock|async_std|lock_api|critical_section|embassy_sync|antidote)::/;

/** Methods that run no user code and cannot panic (on the std types a guard usually holds). */
const QUIET_METHODS = new Set([
  'len', 'is_empty', 'get', 'get_mut', 'contains', 'contains_key', 'push', 'push_back', 'push_front', 'pop', 'pop_back',
  'pop_front', 'clear', 'clone', 'cloned', 'copied', 'iter', 'iter_mut', 'keys', 'values', 'values_mut', 'entry', 'or_insert',
  'or_default', 'take', 'replace', 'as_ref', 'as_mut', 'as_deref', 'as_deref_mut', 'as_str', 'as_slice', 'to_string', 'to_owned',
  'to_vec', 'is_some', 'is_none', 'is_ok', 'is_err', 'ok', 'err', 'unwrap_or', 'unwrap_or_default', 'map_or', 'first', 'last',
  'first_mut', 'last_mut', 'extend', 'extend_from_slice', 'append', 'retain', 'truncate', 'push_str', 'set', 'into', 'from',
  'count', 'collect', 'sum', 'min', 'max', 'rev', 'enumerate', 'copied', 'position', 'next', 'peek', 'starts_with', 'ends_with',
  'deref', 'deref_mut', 'borrow', 'swap_remove_entry', 'get_or_insert_with', 'or_insert_with', 'and_modify', 'insert',
  'remove', 'drain', 'split_off', 'swap',
]);
/** Constructors and conversions called as paths. */
const QUIET_FUNCTIONS = /^(Some|Ok|Err|Box|Rc|Arc|String|Vec|HashMap|HashSet|BTreeMap|BTreeSet|VecDeque|Default|drop|take|replace|swap|min|max)$|^(new|default|from|with_capacity|clone|drop|take|replace|swap)$/;

/**
 * What runs under a guard: a panic point (`panics`); calls that may panic inside (`calls`); nothing we can
 * see because the guard is returned to callers (`returned`); only code that cannot panic (`quiet`).
 */
type ScopeClass = 'panics' | 'calls' | 'returned' | 'quiet';

interface LockSite {
  readonly originKey: string;
  readonly acquisition: Acquisition;
  /** The `.unwrap()`/`.expect(..)` call on the lock result, when the site unwraps. */
  readonly unwrap?: Node;
  readonly scopeClass: ScopeClass;
  /** The first panic point under this guard, when scopeClass is `panics`. */
  readonly panic?: PanicPoint;
}

/** Lock sites found in the current lint run, per root node (dropped with the run's tree). */
const RUNS = new WeakMap<Node, LockSite[]>();

export default defineRule({
  id: 'static-mutex-lock-unwrap',
  catalogId: 'U02',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'error',
  summary: '`.lock().unwrap()` on a static std `Mutex`/`RwLock`: one panic while it is held poisons it and every later call panics (panic=unwind)',
  fix: 'unsafe',
  docs: 'docs/rules/static-mutex-lock-unwrap.md',
  nodeTypes: ['call_expression'],
  // Text gate (Rule.textGate): every finding is on a `lock()`/`read()`/`write()` call.
  textGate: [methodCallPattern(['lock', 'read', 'write'])],
  visit(node: Node, ctx: RuleContext) {
    const m = asMethodCall(node);
    if (!m || !LOCK_METHODS.has(m.method) || m.args.length > 0) return;
    const env = rustEnv(ctx);
    if (env.buildMode !== 'unwind' || !isWasmCrate(env) || env.tests.isTestCode(node) || isServerOnlyCode(node, env)) return;
    const resolver = stateResolverFor(env, node);
    const acq = resolver?.acquisitionAt(node);
    if (!resolver || !acq || (acq.primitive !== 'Mutex' && acq.primitive !== 'RwLock') || !GLOBAL_KINDS.has(acq.origin.kind)) return;
    if (!isStdLock(acq, env, ctx)) return;
    const { scopeClass, panic } = classifyScope(acq, env, resolver);
    const site: LockSite = { originKey: acq.origin.key, acquisition: acq, unwrap: unwrapOf(node), scopeClass, panic };
    let sites = RUNS.get(ctx.root);
    if (!sites) RUNS.set(ctx.root, (sites = []));
    sites.push(site);
  },
  finish(ctx: RuleContext) {
    const sites = RUNS.get(ctx.root);
    RUNS.delete(ctx.root);
    if (!sites) return;
    const env = rustEnv(ctx);
    const byOrigin = new Map<string, LockSite[]>();
    for (const s of sites) byOrigin.set(s.originKey, [...(byOrigin.get(s.originKey) ?? []), s]);
    for (const list of byOrigin.values()) {
      const poisoner = list.find((s) => s.scopeClass === 'panics');
      const opaque = list.find((s) => s.scopeClass === 'calls' || s.scopeClass === 'returned');
      const elsewhere = !poisoner && !opaque && lockedElsewhere(list[0].acquisition, env, ctx);
      if (!poisoner && !opaque && !elsewhere) continue; // nothing can poison it
      for (const site of list) if (site.unwrap) report(ctx, env, site, poisoner, opaque);
    }
  },
});

function isWasmCrate(env: RustEnv): boolean {
  return env.crate?.usesWasmBindgen === true || (env.index?.exports.length ?? 0) > 0;
}

/** `X.lock()` → its `.unwrap()` / `.expect(..)` call, if that is what happens to the result. */
function unwrapOf(lockCall: Node): Node | undefined {
  const field = parentOf(lockCall);
  if (field?.type !== 'field_expression' || field.childForFieldName('value')?.id !== lockCall.id) return undefined;
  const call = parentOf(field);
  const m = call ? asMethodCall(call) : undefined;
  if (!m) return undefined;
  return (m.method === 'unwrap' && m.args.length === 0) || (m.method === 'expect' && m.args.length === 1) ? m.call : undefined;
}

/**
 * std's `Mutex`/`RwLock` poison; `parking_lot`, `spin`, `tokio` … do not. The declared type decides when it
 * names a path; an unqualified name is looked up in the `use` declarations of the declaring file. An
 * unresolved name counts as std: `.lock().unwrap()` only compiles on a `LockResult`.
 */
function isStdLock(acq: Acquisition, env: RustEnv, ctx: RuleContext): boolean {
  const type = acq.origin.type ?? '';
  if (NON_POISONING_PATH.test(type)) return false;
  const name = acq.primitive;
  // `std::sync::Mutex<T>`, `sync::RwLock<T>`: a path names the lock whatever the file imports by that name.
  if (new RegExp(`::\\s*${name}\\b`).test(type)) return true;
  const declPath = acq.origin.declaration?.path;
  const text = declPath === undefined || declPath === env.path ? env.text : ctx.workspace.fileText(declPath) ?? '';
  const useOfName = new RegExp(`\\buse\\s+(::)?(parking_lot|spin|tokio|futures(_util)?|async_lock|async_std|lock_api|critical_section|embassy_sync|antidote)\\b[^;]*\\b${name}\\b(?!\\s+as\\b)[^;]*;`);
  return !useOfName.test(text);
}

function classifyScope(acq: Acquisition, env: RustEnv, resolver: StateResolver): { scopeClass: ScopeClass; panic?: PanicPoint } {
  const fn = enclosingFunction(acq.call);
  if (!fn) return { scopeClass: 'calls' };
  if (guardEscapes(acq.call)) return { scopeClass: 'returned' };
  const scope = borrowScopesIn(fn, env).find((s) => s.acquisition.call.id === acq.call.id);
  // No scope in this function: the guard is returned or stored, and used by callers we cannot see.
  if (!scope) return { scopeClass: 'returned' };
  const facts = env.facts(fn);
  // From the lock call on: a chain on the guard temporary (`X.lock().unwrap()[i]`,
  // `X.lock().unwrap().get(k).unwrap()`) is a panic point that starts before the guard exists and
  // panics while it is held; isHeldAt keeps only points that end inside the scope.
  const panic = panicPointsIn(facts, Math.min(scope.start, acq.call.startIndex), scope.end, env, { resolver, skipBoundsChecked: true, foreign: false, throws: false })
    .find((p) => p.failure === 'panic' && isHeldAt(scope, p.node) && !unwrapsALock(p.node, resolver));
  if (panic) return { scopeClass: 'panics', panic };
  return { scopeClass: callsOpaqueCode(scope, facts.calls, resolver) ? 'calls' : 'quiet' };
}

/**
 * The guard (`X.lock()`, or its `.unwrap()`/`.expect()`/`?`) is the value a function returns — its tail
 * expression or a `return` — so callers hold it while running code this function does not show.
 */
function guardEscapes(lockCall: Node): boolean {
  let n = lockCall;
  for (let p = parentOf(n); p; n = p, p = parentOf(p)) {
    if (p.type === 'try_expression' || p.type === 'parenthesized_expression') continue;
    if (p.type === 'field_expression') {
      const outer = parentOf(p);
      const m = outer ? asMethodCall(outer) : undefined;
      if (m && m.receiver.id === n.id && /^(unwrap|expect|unwrap_or_else|map_err|ok|into_inner)$/.test(m.method)) {
        p = outer!;
        continue;
      }
      return false;
    }
    if (p.type === 'return_expression') return true;
    if (p.type === 'block') {
      const fn = parentOf(p);
      let last = p.lastNamedChild;
      while (last && (last.type === 'line_comment' || last.type === 'block_comment')) last = last.previousNamedSibling;
      return fn?.type === 'function_item' && last?.id === n.id;
    }
    return false;
  }
  return false;
}

/** A `.unwrap()` of a lock result panics only when that lock is already poisoned: not a new poisoning. */
function unwrapsALock(node: Node, resolver: StateResolver): boolean {
  const m = asMethodCall(node);
  return m !== undefined && (m.method === 'unwrap' || m.method === 'expect') && m.receiver.type === 'call_expression' &&
    resolver.acquisitionAt(m.receiver) !== undefined;
}

/** Under the guard, a call to something that may panic inside (a user function, an unknown method). */
function callsOpaqueCode(scope: BorrowScope, calls: readonly Node[], resolver: StateResolver): boolean {
  for (const call of calls) {
    if (call.startIndex >= scope.end) break;
    if (!isHeldAt(scope, call) || unwrapsALock(call, resolver) || resolver.acquisitionAt(call)) continue;
    const m = asMethodCall(call);
    if (m) {
      if (!QUIET_METHODS.has(m.method)) return true;
      continue;
    }
    const p = asPathCall(call);
    if (!p || !QUIET_FUNCTIONS.test(p.name) && !(p.segments.length === 1 && /^[A-Z]/.test(p.name))) return true;
  }
  return false;
}

/** The static may be locked in code this file does not show: declared elsewhere, or named by other crate files. */
function lockedElsewhere(acq: Acquisition, env: RustEnv, ctx: RuleContext): boolean {
  const decl = acq.origin.declaration;
  if (!decl || decl.path !== env.path) return true;
  const name = acq.origin.name.split('.')[0];
  for (const file of env.index?.files ?? []) {
    if (file === env.path) continue;
    const text = ctx.workspace.fileText(file);
    if (text !== undefined && mentionsWord(text, name)) return true;
  }
  return false;
}

function report(ctx: RuleContext, env: RustEnv, site: LockSite, poisoner: LockSite | undefined, opaque: LockSite | undefined): void {
  const unwrap = site.unwrap!;
  const acq = site.acquisition;
  const state = `\`${acq.origin.name}\``;
  const call = `\`${shortText(unwrap.text)}\``;
  const entry = entryFor(acq.call, env, ctx);
  const victim = entry ? (entry.kind === 'export' ? `export \`${entry.display}\`` : `\`${entry.display}\``) : undefined;
  const outcome = (victim ? `${victim} fails with a \`PanicError\` on every later call` : 'every later call that reaches it fails with a `PanicError`') +
    '; no abort hook or reinit repairs it';
  const related: RelatedLocation[] = [];
  let message: string;
  if (site.scopeClass === 'panics' && site.panic) {
    message = `${call} holds ${state} while \`${site.panic.display}\` can panic; under panic=unwind that panic poisons ${state} and every later ` +
      `\`.${acq.method}().unwrap()\` on it panics with \`PoisonError\`: ${outcome}`;
    related.push({ path: env.path, range: rangeOf(site.panic.node), message: `this panic poisons ${state} while the guard is held` });
  } else {
    const where = poisoner?.panic ? 'at another lock site'
      : site.scopeClass === 'returned' ? 'in a caller this guard is returned to'
        : site.scopeClass === 'calls' ? 'in code called under this guard'
          : opaque ? 'in code called under another lock site\'s guard'
            : 'at a lock site in another file';
    message = `${call} panics with \`PoisonError\` once ${state} is poisoned: under panic=unwind a panic while a guard of ${state} is held ` +
      `(${where}) poisons it, and ${outcome}`;
    if (poisoner?.panic) related.push({ path: env.path, range: rangeOf(poisoner.panic.node), message: `a panic here poisons ${state}` });
    else if (opaque && opaque !== site) related.push({ path: env.path, range: rangeOf(opaque.acquisition.call), message: `${state} is held here while code that may panic runs` });
  }
  if (acq.origin.declaration) related.push({ path: acq.origin.declaration.path, range: acq.origin.declaration.range, message: `${state} declared here` });
  if (entry) related.push({ path: entry.path, range: entry.range, message: `JS enters here: ${describeEntry(entry)}` });
  ctx.report({
    node: unwrap,
    message,
    severity: site.scopeClass === 'panics' ? 'error' : 'warning',
    related,
    fixes: () => [poisonFix(unwrap, env)],
  });
}

function entryFor(lockCall: Node, env: RustEnv, ctx: RuleContext): EntryPoint | undefined {
  const around = entryAround(lockCall, env);
  if (around) return around;
  const fnName = enclosingFunction(lockCall)?.childForFieldName('name')?.text;
  return fnName ? entryNaming([fnName], env, (p) => ctx.workspace.fileText(p)) : undefined;
}

/** `.unwrap()` / `.expect("…")` → `.unwrap_or_else(PoisonError::into_inner)` (short name when imported). */
function poisonFix(unwrap: Node, env: RustEnv): Fix {
  const m = asMethodCall(unwrap)!;
  const imported = /\buse\s+(::)?std::sync::(\{[^}]*\bPoisonError\b[^}]*\}|PoisonError|\*)\s*;/.test(env.text);
  const path = imported ? 'PoisonError::into_inner' : 'std::sync::PoisonError::into_inner';
  return {
    title: 'Keep using the data of a poisoned lock (`unwrap_or_else(PoisonError::into_inner)`): check its invariants still hold after a panic',
    safety: 'unsafe',
    edits: [{ range: { start: m.methodNode.startIndex, end: unwrap.endIndex }, newText: `unwrap_or_else(${path})` }],
  };
}

function rangeOf(node: Node): { start: number; end: number } {
  return { start: node.startIndex, end: node.endIndex };
}

function shortText(text: string): string {
  return shortCode(text, 60);
}
