// JS_CALL_POINT and YIELD_POINT (catalog §B2): calls that can synchronously run arbitrary JS — and so
// re-enter wasm — and the points where a future yields. `direct` calls always run foreign JS (the
// crate's own `#[wasm_bindgen]` imports, `js_sys::Function::call*`/`apply`, `Reflect::apply`/`construct`,
// `eval`, DOM methods that dispatch events synchronously, configured names). `indirect` ones run JS
// only in special cases (getters/proxies behind `Reflect::get`, `toJSON` behind `JSON::stringify`,
// custom-element reactions behind DOM tree mutations, `Array` callbacks): rules decide whether to
// count them. Allow-listed calls (console, `Date::now`, `Math`, casts …) never re-enter. Closures and
// async blocks handed to deferring APIs (`spawn_local`, `set_timeout`, `then`, `Closure::new` …) do not
// run now; {@link runsSynchronouslyWithin} tells the two apart.

import type { Node } from 'web-tree-sitter';
import type { RustImport } from '../workspace/types';
import type { RustEnv } from './env';
import { receiverType, type StateResolver } from './state';
import { asMethodCall, asPathCall, typeBaseName, type MethodCall, type PathCall } from './syntax';
import { parentOf } from './parents';
import { shortCode } from '../text/one-line';
import { expressionMacroArguments, groupArguments, isGroup, receiverTokens, tokenGroups, tokensText } from './macro-tokens';

export type JsCallKind =
  | 'import' | 'function-call' | 'reflect' | 'json' | 'array-callback' | 'eval' | 'dom-dispatch' | 'dom-reaction' | 'configured';

export interface JsCallPoint {
  /** The `call_expression`. */
  readonly node: Node;
  readonly kind: JsCallKind;
  readonly certainty: 'direct' | 'indirect';
  /** How messages name the call: `on_change(..)`, `cb.call1(..)`, `el.dispatch_event(..)`. */
  readonly display: string;
  /** For `import`: the import it calls. */
  readonly import?: RustImport;
  /**
   * For a call written in a macro's arguments (`node` is then the method or function name token): the
   * tokens of the receiver (`cb`, `self . on_change`).
   */
  readonly receiverTokens?: readonly Node[];
}

/** JS namespaces whose functions never call back into wasm. */
const HARMLESS_NAMESPACES = new Set(['console', 'Math', 'Date', 'performance', 'Number', 'crypto']);
/**
 * JS functions that cannot re-enter synchronously: modal dialogs (no event handler runs while one is up)
 * and functions that only schedule work for later.
 */
const HARMLESS_IMPORT_NAMES = new Set([
  'alert', 'confirm', 'prompt', 'postMessage', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval',
  'requestAnimationFrame', 'cancelAnimationFrame', 'queueMicrotask', 'requestIdleCallback', 'cancelIdleCallback',
]);
/**
 * Method names too common in plain Rust for a same-named `method` import to be told apart from a
 * std/user method without types.
 */
const AMBIGUOUS_METHOD_NAMES = new Set([
  'get', 'set', 'push', 'pop', 'len', 'insert', 'remove', 'clear', 'iter', 'map', 'clone', 'into', 'from', 'new', 'call',
  'apply', 'then', 'next', 'borrow', 'borrow_mut', 'as_ref', 'to_string', 'write', 'read', 'send', 'close', 'open', 'update',
  'run', 'start', 'stop', 'reset', 'add', 'delete', 'has', 'contains', 'keys', 'values', 'entries', 'value', 'data', 'name',
  'with', 'take', 'replace', 'unwrap', 'expect', 'is_empty', 'first', 'last', 'find', 'filter', 'for_each', 'sort', 'join',
  'slice', 'append', 'extend', 'drain', 'dispose', 'free', 'init', 'load', 'save', 'emit', 'fire', 'notify', 'flush',
  'truncate', 'retain', 'split', 'trim', 'contains', 'starts_with', 'ends_with', 'to_lowercase', 'to_uppercase', 'concat',
  'fill', 'reverse', 'splice', 'index_of', 'includes', 'at', 'length', 'size', 'width', 'height', 'resize', 'draw', 'render',
  'process', 'handle', 'execute', 'is_some', 'is_none', 'as_str', 'to_vec', 'to_owned', 'parse', 'format', 'flatten',
]);

const DOM_DISPATCH: Readonly<Record<string, (argc: number) => boolean>> = {
  dispatch_event: (n) => n === 1,
  click: (n) => n === 0,
  focus: (n) => n === 0,
  focus_with_options: (n) => n === 1,
  blur: (n) => n === 0,
  request_submit: (n) => n === 0,
  request_submit_with_submitter: (n) => n === 1,
};

const DOM_REACTION: Readonly<Record<string, (argc: number) => boolean>> = {
  append_child: (n) => n === 1,
  insert_before: (n) => n === 2,
  replace_child: (n) => n === 2,
  remove_child: (n) => n === 1,
  remove: (n) => n === 0,
  set_attribute: (n) => n === 2,
  remove_attribute: (n) => n === 1,
  set_inner_html: (n) => n === 1,
  set_outer_html: (n) => n === 1,
  append_with_node_1: (n) => n === 1,
  prepend_with_node_1: (n) => n === 1,
  replace_with_with_node_1: (n) => n === 1,
  define: (n) => n === 2,
};

const REFLECT_DIRECT = new Set(['apply', 'construct', 'construct_with_new_target']);
const REFLECT_INDIRECT = new Set([
  'get', 'get_u32', 'get_f64', 'get_with_receiver', 'set', 'set_u32', 'set_f64', 'set_with_receiver', 'define_property',
  'delete_property', 'has', 'own_keys',
]);
const ARRAY_CALLBACK_METHODS = new Set(['for_each', 'map', 'filter', 'find', 'find_index', 'reduce', 'reduce_right', 'some', 'every', 'sort_by', 'sort']);

/** Casts and conversions that never run JS (listed so that a configured name cannot make them one). */
const ALLOWED_METHODS = new Set(['dyn_into', 'dyn_ref', 'unchecked_ref', 'unchecked_into', 'into', 'from', 'as_ref', 'is_instance_of', 'as_string', 'as_f64', 'as_bool']);

/** The JS call at `node` (a `call_expression`), if it is one. */
export function jsCallPointOf(node: Node, env: RustEnv, resolver?: StateResolver): JsCallPoint | undefined {
  if (node.type !== 'call_expression') return undefined;
  const m = asMethodCall(node);
  if (m) return methodJsCall(m, env, resolver);
  const p = asPathCall(node);
  if (p) return pathJsCall(p, env);
  return undefined;
}

/**
 * Calls into JS written in the arguments of an expression macro (`format!("{:?}", cb.call0(&this))`,
 * `vec![transform(x)]`; see expressionMacroArguments): `js_sys::Function::call0..call9` with the
 * matching number of arguments, and bare calls of the crate's free `#[wasm_bindgen]` imports. The
 * point's `node` is the method or function name token.
 */
export function macroArgumentJsCalls(macro: Node, env: RustEnv): JsCallPoint[] {
  const body = expressionMacroArguments(macro, /\bcall[0-9]\s*\(|\w\s*\(/);
  if (!body) return [];
  const out: JsCallPoint[] = [];
  for (const tokens of tokenGroups(body)) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      const args = tokens[i + 1];
      if (t.type !== 'identifier' || !args || !isGroup(args, '(')) continue;
      const before = tokens[i - 1];
      if (before?.type === '.') {
        const arity = /^call([0-9])$/.exec(t.text);
        const receiver = receiverTokens(before);
        if (!arity || receiver.length === 0 || groupArguments(args).length !== Number(arity[1]) + 1) continue;
        const display = `${shortText(tokensText(receiver, env.text))}.${t.text}(..)`;
        out.push({ node: t, kind: 'function-call', certainty: 'direct', display, receiverTokens: receiver });
        continue;
      }
      // A bare name (not `a::b`, not a macro, not a method): a free import of the crate.
      if (before?.type === '::') continue;
      if (isConfigured(env, [t.text], false)) {
        out.push({ node: t, kind: 'configured', certainty: 'direct', display: `${t.text}(..)` });
        continue;
      }
      const imp = env.importNamed(t.text);
      if (!imp || imp.method || imp.isGetter || imp.isSetter || imp.staticMethodOf || imp.isConstructor || isHarmlessImport(imp)) continue;
      if (env.localFunctionNames.has(t.text) && imp.path !== env.path) continue;
      out.push({ node: t, kind: 'import', certainty: importCertainty(imp), display: `${t.text}(..)`, import: imp });
    }
  }
  return out;
}

function methodJsCall(m: MethodCall, env: RustEnv, resolver: StateResolver | undefined): JsCallPoint | undefined {
  const receiver = shortText(m.receiver.text);
  const display = `${receiver}.${m.method}(..)`;
  if (ALLOWED_METHODS.has(m.method)) return undefined;
  if (isConfigured(env, [m.method], true)) return { node: m.call, kind: 'configured', certainty: 'direct', display };
  // js_sys::Function: call0..call9 take the `this` value plus N arguments; `apply(this, args)`; `call(this, (args,))`.
  const arity = /^call([0-9])$/.exec(m.method);
  if (arity && m.args.length === Number(arity[1]) + 1) return { node: m.call, kind: 'function-call', certainty: 'direct', display };
  if (m.method === 'apply' && m.args.length === 2 && m.args[0].text.startsWith('&')) return { node: m.call, kind: 'function-call', certainty: 'direct', display };
  if (m.method === 'call' && m.args.length === 2 && (/JsValue::(NULL|UNDEFINED|null|undefined)/.test(m.args[0].text) || /^&?\s*\(/.test(m.args[1].text))) {
    return { node: m.call, kind: 'function-call', certainty: 'direct', display };
  }
  const dispatch = DOM_DISPATCH[m.method];
  if (dispatch?.(m.args.length)) return { node: m.call, kind: 'dom-dispatch', certainty: 'direct', display };
  const reaction = DOM_REACTION[m.method];
  if (reaction?.(m.args.length)) return { node: m.call, kind: 'dom-reaction', certainty: 'indirect', display };
  // js_sys::Array methods take `&mut dyn FnMut`: the argument is `&mut |..| ..`, unlike Iterator's by-value closures.
  if (ARRAY_CALLBACK_METHODS.has(m.method) && m.args.some((a) => a.type === 'reference_expression' && a.childForFieldName('value')?.type === 'closure_expression')) {
    return { node: m.call, kind: 'array-callback', certainty: 'indirect', display };
  }
  const imp = env.importNamed(m.method);
  if (!imp || !imp.method || imp.isGetter || imp.isSetter || AMBIGUOUS_METHOD_NAMES.has(m.method) || isHarmlessImport(imp)) return undefined;
  // A Rust method of the same name declared in this file, or a receiver of another declared type, is not the import.
  if (env.localFunctionNames.has(m.method) && imp.path !== env.path) return undefined;
  if (resolver && imp.selfType) {
    const type = receiverType(m.receiver, env, resolver);
    if (type && typeBaseName(type.replace(/^&\s*(mut\s+)?/, '')) !== imp.selfType) return undefined;
  }
  return { node: m.call, kind: 'import', certainty: importCertainty(imp), display, import: imp };
}

/**
 * A crate import runs foreign JS. One from an `inline_js` block whose source we can read runs only the
 * crate's own glue: it can re-enter only if it calls one of its arguments or dispatches events.
 */
function importCertainty(imp: RustImport): 'direct' | 'indirect' {
  if (imp.inlineJs === undefined) return 'direct';
  const params = /\(([^)]*)\)/.exec(imp.inlineJs)?.[1].split(',').map((p) => p.trim().replace(/[=\s].*$/, '')).filter((p) => /^[A-Za-z_$][\w$]*$/.test(p)) ?? [];
  const body = imp.inlineJs.slice(imp.inlineJs.indexOf('{'));
  const callsArgument = params.some((p) => new RegExp(`(^|[^\\w$.])${p.replace(/\$/g, '\\$')}\\s*(\\(|\\.\\s*(call|apply)\\s*\\()`).test(body));
  const dispatches = /\b(dispatchEvent|requestSubmit|eval)\s*\(|\.(click|focus|blur)\s*\(\s*\)|\.(call|apply)\s*\(|\bnew\s+Function\b/.test(body);
  return callsArgument || dispatches ? 'direct' : 'indirect';
}

function pathJsCall(p: PathCall, env: RustEnv): JsCallPoint | undefined {
  const segs = p.segments;
  const qualifier = segs.length >= 2 ? segs[segs.length - 2] : undefined;
  const display = `${segs.slice(-2).join('::')}(..)`;
  if (isConfigured(env, segs, false)) return { node: p.call, kind: 'configured', certainty: 'direct', display };
  if (qualifier === 'Reflect') {
    if (REFLECT_DIRECT.has(p.name)) return { node: p.call, kind: 'reflect', certainty: 'direct', display };
    if (REFLECT_INDIRECT.has(p.name)) return { node: p.call, kind: 'reflect', certainty: 'indirect', display };
    return undefined;
  }
  if (qualifier === 'JSON') {
    if (/^stringify/.test(p.name) || p.name === 'parse_with_reviver') return { node: p.call, kind: 'json', certainty: 'indirect', display };
    return undefined;
  }
  if (p.name === 'eval' && (qualifier === 'js_sys' || segs.length === 1 && !env.localFunctionNames.has('eval'))) {
    return { node: p.call, kind: 'eval', certainty: 'direct', display };
  }
  // `Function::call1(&f, ..)` in UFCS form.
  if (qualifier === 'Function' && /^(call[0-9]|apply)$/.test(p.name)) return { node: p.call, kind: 'function-call', certainty: 'direct', display };
  const imp = env.importNamed(p.name);
  if (!imp || imp.method || imp.isGetter || imp.isSetter || isHarmlessImport(imp)) return undefined;
  if (imp.staticMethodOf || imp.isConstructor) {
    const owner = imp.staticMethodOf ?? baseTypeName(imp.returnType);
    if (!owner || qualifier !== owner) return undefined;
  } else {
    // A free import is called bare or through a module path; `Type::name` is an inherent fn of a Rust type,
    // and a same-named fn of this file is not the import.
    if (qualifier !== undefined && /^[A-Z]/.test(qualifier)) return undefined;
    if (qualifier === undefined && env.localFunctionNames.has(p.name) && imp.path !== env.path) return undefined;
  }
  return { node: p.call, kind: 'import', certainty: importCertainty(imp), display: `${p.name}(..)`, import: imp };
}

function isHarmlessImport(imp: RustImport): boolean {
  const ns = imp.jsNamespace?.split('.')[0];
  if (ns && HARMLESS_NAMESPACES.has(ns)) return true;
  const jsName = imp.jsName ?? imp.name;
  const camel = jsName.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return !imp.module && (HARMLESS_IMPORT_NAMES.has(jsName) || HARMLESS_IMPORT_NAMES.has(camel));
}

function baseTypeName(type: string | undefined): string | undefined {
  if (!type) return undefined;
  const t = type.replace(/^->\s*/, '').replace(/^Result\s*<\s*/, '').replace(/[<,>].*$/, '').trim();
  const i = t.lastIndexOf('::');
  return i >= 0 ? t.slice(i + 2) : t;
}

/** `settings.extraJsCallPoints`: `name` matches a function or method; `a::b` matches a path suffix. */
function isConfigured(env: RustEnv, segments: readonly string[], isMethod: boolean): boolean {
  for (const entry of env.settings.extraJsCallPoints) {
    const want = entry.replace(/^\./, '').split('::').filter((s) => s.length > 0);
    if (want.length === 0) continue;
    if (isMethod) {
      if (want.length === 1 && want[0] === segments[0]) return true;
      continue;
    }
    if (want.length > segments.length) continue;
    if (want.every((w, i) => segments[segments.length - want.length + i] === w)) return true;
  }
  return false;
}

function shortText(text: string): string {
  return shortCode(text, 32);
}

// ---- synchronous execution -------------------------------------------------------------------------

/** Methods that run their closure argument before returning (iterator, Option/Result, LocalKey, entry …). */
const SYNC_CLOSURE_CONSUMERS = new Set([
  'map', 'for_each', 'try_for_each', 'filter', 'filter_map', 'flat_map', 'find', 'find_map', 'any', 'all', 'position', 'rposition',
  'fold', 'try_fold', 'reduce', 'inspect', 'take_while', 'skip_while', 'map_while', 'scan', 'max_by', 'max_by_key', 'min_by',
  'min_by_key', 'sort_by', 'sort_by_key', 'sort_unstable_by', 'sort_unstable_by_key', 'sort_by_cached_key', 'dedup_by',
  'dedup_by_key', 'retain', 'retain_mut', 'partition', 'and_then', 'or_else', 'map_or', 'map_or_else', 'unwrap_or_else',
  'ok_or_else', 'map_err', 'is_some_and', 'is_ok_and', 'is_err_and', 'is_none_or', 'get_or_insert_with', 'or_insert_with',
  'or_insert_with_key', 'and_modify', 'with', 'with_borrow', 'with_borrow_mut', 'get_or_init', 'get_or_try_init', 'call_once',
  'binary_search_by', 'binary_search_by_key', 'chunk_by', 'group_by', 'update', 'replace_with', 'then_with', 'zip_with',
  'extract_if', 'drain_filter', 'for_each_mut', 'iter_mut_each',
  // A visitor: no std `iter` takes a closure, and crates give that name to synchronous walks
  // (`text.iter(|chunk| …)`); a closure kept for later is registered under other names (`subscribe`, `on`).
  'iter',
]);
/** Free functions that run their closure argument immediately. */
const SYNC_CLOSURE_FUNCTIONS = new Set(['catch_unwind', 'scope', 'from_fn', 'successors', 'repeat_with']);

/**
 * True when code at `node` runs while the code of `context` (a function item, closure or async block
 * that contains it) is running: every closure between them is invoked on the spot (an iterator or
 * `Option` combinator, `LocalKey::with` …), and no async block or deferred closure intervenes.
 */
export function runsSynchronouslyWithin(node: Node, context: Node): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.id === context.id) return true;
    if (n.type === 'function_item' || n.type === 'async_block') return false;
    if (n.type === 'closure_expression' && !isInvokedImmediately(n)) return false;
  }
  return false;
}

/** A closure passed straight to a synchronous consumer (`xs.iter().map(|x| …)`, `KEY.with(|k| …)`). */
export function isInvokedImmediately(closure: Node): boolean {
  let args = parentOf(closure);
  // `f(&mut |x| …)` / `f(&|x| …)`: the callee borrows a temporary closure that dies with the statement,
  // so it can only run it during the call, whatever the callee's name.
  if (args?.type === 'reference_expression') {
    const outer = parentOf(args);
    return outer?.type === 'arguments' && parentOf(outer) !== null;
  }
  if (args?.type !== 'arguments') return false;
  const call = parentOf(args);
  if (!call) return false;
  const m = asMethodCall(call);
  if (m) return SYNC_CLOSURE_CONSUMERS.has(m.method);
  const p = asPathCall(call);
  return p !== undefined && SYNC_CLOSURE_FUNCTIONS.has(p.name);
}

// ---- yield points ----------------------------------------------------------------------------------

/** YIELD_POINT: an `.await` (the range of `.await` itself, for reporting). */
export function yieldPointRange(awaitNode: Node): { start: number; end: number } {
  const count = awaitNode.childCount;
  for (let i = 0; i < count; i++) {
    const c = awaitNode.child(i);
    if (c && c.type === '.') return { start: c.startIndex, end: awaitNode.endIndex };
  }
  return { start: awaitNode.startIndex, end: awaitNode.endIndex };
}

/** The execution context (closure/async block/function) an `.await` suspends. */
export function suspendedContextOf(awaitNode: Node): Node | null {
  for (let n = parentOf(awaitNode); n; n = parentOf(n)) if (n.type === 'function_item' || n.type === 'async_block' || n.type === 'closure_expression') return n;
  return null;
}
