// Facts about the `WasmRefCell` borrow wasm-bindgen takes on an exported object for the length of a
// method call (catalog §A4), shared by the reentrancy rules R02 and R03: which borrows a
// `#[wasm_bindgen]` method really holds (workers-rs Durable Object wrappers release theirs before the
// future runs), which exports of a class take an exclusive borrow and so conflict with a shared one,
// where a callback value comes from (a parameter JS passed in, a field JS stored, or elsewhere), the
// methods of a type declared in the file (to follow `self.helper()`), and whether a `&mut self`
// method could take `&self` instead without any change to its body (the receiver fix).

import type { Node } from 'web-tree-sitter';
import type { RustEnv } from './env';
import { exportedObjectBorrows, type ObjectBorrow } from './borrow-scopes';
import { isInvokedImmediately } from './js-calls';
import { selfFieldOf, type StateOrigin, type StateResolver } from './state';
import { accessRoot, asMethodCall, attributesOf, executionContextOf, forEachDescendant, isWasmBindgenAttribute, macroName, typeBaseName } from './syntax';
import { parentOf } from './parents';

/**
 * The object borrows wasm-bindgen holds while `fn` runs: those of `exportedObjectBorrows`, for methods of
 * `#[wasm_bindgen] impl` blocks and `#[wasm_bindgen]` free functions only. Durable Object impls and
 * `#[event]` handlers are called through generated wrappers that hold no borrow across the user's code.
 */
export function heldObjectBorrows(fn: Node, env: RustEnv): ObjectBorrow[] {
  if (!isWasmBindgenItem(fn)) return [];
  return exportedObjectBorrows(fn, env);
}

function isWasmBindgenItem(fn: Node): boolean {
  if (attributesOf(fn).some(isWasmBindgenAttribute)) return true;
  const list = parentOf(fn);
  const impl = list?.type === 'declaration_list' ? parentOf(list) : null;
  return impl?.type === 'impl_item' && attributesOf(impl).some(isWasmBindgenAttribute);
}

/** An export of a class that borrows the object exclusively (or consumes it), or a `pub` field's setter. */
export interface ConflictingAccess {
  /** How messages name it: `set_url()`, `close()`, the `url` setter. */
  readonly display: string;
  readonly kind: 'mut-method' | 'consuming-method' | 'setter';
  /** An `async` method: wasm-bindgen converts its receiver at the first poll, inside the future. */
  readonly isAsync?: boolean;
  readonly path: string;
  readonly range: { readonly start: number; readonly end: number };
}

/**
 * The accesses JS can make to an object of `typeName` that conflict with a shared borrow: `&mut self`
 * methods, `self`-consuming methods (not constructors), and setters of `pub` fields. Those that hit the
 * borrow guard come first, consuming methods last (they fail differently: `splitConflicts`).
 */
export function conflictingAccessesOf(typeName: string, env: RustEnv, exceptFunction?: string): ConflictingAccess[] {
  const out: ConflictingAccess[] = [];
  for (const e of env.index?.exports ?? []) {
    if (e.name === exceptFunction) continue;
    // Any export taking the object as an argument: `&mut T` borrows it exclusively, `T` (or `Option<T>`)
    // moves it out (`submit(req: Request)`), and fails like a consuming method.
    const argument = e.params.map((p) => argumentAccess(p.type, typeName)).find((a) => a !== undefined);
    if (argument && !(e.implType === typeName && e.receiver !== 'none' && e.receiver !== '&self')) {
      // A method of another class is named with its class (`RawRigidBodySet.remove()`).
      const owner = e.implType && e.implType !== typeName ? `${e.jsClass ?? e.implType}.` : '';
      out.push({ display: `${owner}${e.jsName}()`, kind: argument, isAsync: e.isAsync, path: e.path, range: e.nameRange });
      continue;
    }
    if (e.implType !== typeName || e.isConstructor) continue;
    if (e.receiver === '&mut self' && e.accessor?.kind === 'setter') out.push({ display: `the \`${e.accessor.property}\` setter`, kind: 'setter', path: e.path, range: e.nameRange });
    else if (e.receiver === '&mut self') out.push({ display: `${e.jsName}()`, kind: 'mut-method', path: e.path, range: e.nameRange });
    else if (e.receiver === 'self') out.push({ display: `${e.jsName}()`, kind: 'consuming-method', isAsync: e.isAsync, path: e.path, range: e.nameRange });
  }
  const struct = env.index?.structs.get(typeName);
  for (const f of struct?.fields ?? []) {
    if (f.isPub && !f.jsReadonly) out.push({ display: `the \`${f.name}\` setter`, kind: 'setter', path: struct!.path, range: f.range });
  }
  return [...out.filter((c) => c.kind !== 'consuming-method'), ...out.filter((c) => c.kind === 'consuming-method')];
}

/** How an export's parameter of type `type` accesses an object of `typeName`: by `&mut`, by value, or not. */
function argumentAccess(type: string, typeName: string): 'mut-method' | 'consuming-method' | undefined {
  const t = type.replace(/\s+/g, '');
  const named = (inner: string): boolean => typeBaseName(inner) === typeName;
  if (t.startsWith('&mut')) return named(t.slice(4)) ? 'mut-method' : undefined;
  if (t.startsWith('&')) return undefined;
  const option = /^(?:(?:std|core)::option::)?Option<(.*)>$/.exec(t);
  return named(option ? option[1] : t) ? 'consuming-method' : undefined;
}

/** What a consuming method called while the object is borrowed throws (any build: wasm-bindgen's `from_abi` uses `throw_str`). */
export const TAKE_OWNERSHIP_ERROR = 'an `Error` ("attempted to take ownership of Rust value while it was borrowed")';

/**
 * How a consuming method fails on a borrowed object: a synchronous one throws to its caller; an async one
 * takes its receiver at the first poll, inside the future, so the error is thrown in a microtask (an
 * uncaught error) and the call's promise never settles.
 */
export function consumingFailure(c: ConflictingAccess): string {
  return c.isAsync ? `fails at its first poll with ${TAKE_OWNERSHIP_ERROR}, thrown in a microtask, so its promise never settles` : `throws ${TAKE_OWNERSHIP_ERROR}`;
}

/**
 * The conflicting accesses a message names (the first two), split by how they fail while the object is
 * borrowed: `&mut self` methods and setters hit wasm-bindgen's borrow guard ("recursive use of an
 * object…"); a method taking `self` cannot move the value out of the `Rc` the borrow shares and throws
 * `TAKE_OWNERSHIP_ERROR` instead.
 */
export function splitConflicts(conflicts: readonly ConflictingAccess[]): { readonly guarded: readonly ConflictingAccess[]; readonly consuming: readonly ConflictingAccess[] } {
  const shown = conflicts.slice(0, 2);
  return { guarded: shown.filter((c) => c.kind !== 'consuming-method'), consuming: shown.filter((c) => c.kind === 'consuming-method') };
}

/** How a related location describes a conflicting access of `object`. */
export function conflictRelatedMessage(c: ConflictingAccess, object: string): string {
  if (c.kind === 'setter') return `public field: its JS setter borrows ${object} exclusively`;
  if (c.kind === 'consuming-method') return `\`${c.display}\` takes ${object} by value`;
  return `\`${c.display}\` borrows ${object} exclusively`;
}

// ---- where a callback comes from -------------------------------------------------------------------

export type CallbackSource =
  | { readonly kind: 'parameter'; readonly name: string; readonly node: Node }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'unknown' };

/**
 * Where the JS function value `expr` (the receiver of `f.call1(..)`) comes from: a parameter of `fn`
 * (JS passed it in), a field of `self` (JS stored it earlier), or somewhere else. Follows `let`, `for`,
 * `if let`/`while let`, `match` and the parameters of closures run on the spot by an iterator or
 * `Option` combinator (`self.listeners.iter().for_each(|l| …)`).
 */
export function callbackSourceOf(expr: Node, fn: Node, resolver: StateResolver): CallbackSource {
  let current: Node = expr;
  for (let depth = 0; depth < 8; depth++) {
    const root = accessRoot(current);
    if (root.type === 'self') {
      const field = selfFieldOf(current);
      return field ? { kind: 'field', name: `self.${field}` } : { kind: 'unknown' };
    }
    if (root.type !== 'identifier') return { kind: 'unknown' };
    const b = resolver.bindings.lookup(root.text, root.startIndex);
    if (!b) return { kind: 'unknown' };
    const binder = b.binder;
    let next: Node | null = null;
    switch (binder.type) {
      case 'parameter': {
        const params = parentOf(binder);
        if (params && parentOf(params)?.id === fn.id) return { kind: 'parameter', name: b.name, node: binder };
        return { kind: 'unknown' };
      }
      case 'let_declaration':
      case 'let_condition':
      case 'for_expression':
        next = binder.childForFieldName('value');
        // `let f: Function = match cb.dyn_into() { Ok(f) => f, Err(_) => return … };`: the value is the
        // scrutinee converted (the other arms leave the function).
        if (next?.type === 'match_expression') next = next.childForFieldName('value');
        break;
      case 'match_arm': {
        const match = parentOf(parentOf(binder) ?? binder);
        next = match?.type === 'match_expression' ? match.childForFieldName('value') : null;
        break;
      }
      case 'closure_expression': {
        // `xs.iter().for_each(|f| f.call0(..))`: the parameter is an element of the receiver.
        if (!isInvokedImmediately(binder)) return { kind: 'unknown' };
        const call = parentOf(parentOf(binder) ?? binder);
        const m = call ? asMethodCall(call) : undefined;
        next = m ? m.receiver : null;
        break;
      }
      default:
        return { kind: 'unknown' };
    }
    if (!next) return { kind: 'unknown' };
    current = next;
  }
  return { kind: 'unknown' };
}

// ---- yield points of an async export ---------------------------------------------------------------

/** Macros that poll several futures and so suspend the enclosing one. */
const YIELDING_MACROS = new Set(['join', 'try_join', 'select', 'select_biased', 'pending']);

/**
 * Where the future of `fn` (an `async fn`) itself may suspend: its `.await`s and the yielding macros
 * (`join!`, `select!`, a token tree containing `.await`) outside nested async blocks and closures, in
 * document order.
 */
export function ownYieldPoints(fn: Node, env: RustEnv): Node[] {
  const facts = env.facts(fn);
  const out: Node[] = [];
  for (const a of facts.awaits) if (executionContextOf(a)?.id === fn.id) out.push(a);
  for (const m of facts.macros) {
    if (executionContextOf(m)?.id !== fn.id) continue;
    const tree = m.namedChildren.find((c) => c.type === 'token_tree');
    if (YIELDING_MACROS.has(macroName(m)) || (tree && /\.\s*await\b/.test(tree.text))) out.push(m);
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

// ---- methods of a type in this file ----------------------------------------------------------------

/** `fn` items of `impl <typeName>` blocks (inherent or trait) in the file, by name. */
export function methodsOfType(typeName: string, env: RustEnv): ReadonlyMap<string, Node> {
  return env.memo(`methods-of:${typeName}`, env.root, () => {
    const out = new Map<string, Node>();
    forEachDescendant(env.root, (n) => {
      if (n.type === 'impl_item') {
        const t = n.childForFieldName('type');
        if (!t || typeBaseName(t.text) !== typeName) return false;
        for (const item of n.childForFieldName('body')?.namedChildren ?? []) {
          const name = item.type === 'function_item' ? item.childForFieldName('name')?.text : undefined;
          if (name && !out.has(name)) out.set(name, item);
        }
        return false;
      }
      return n.type === 'source_file' || n.type === 'mod_item' || n.type === 'declaration_list';
    });
    return out;
  });
}

/** The receiver a method declares: `&self`, `&mut self`, `self`, or none. */
export function declaredReceiver(fn: Node): '&self' | '&mut self' | 'self' | 'none' {
  const p = fn.childForFieldName('parameters')?.namedChildren.find((c) => c.type === 'self_parameter');
  if (!p) return 'none';
  const t = p.text.replace(/'[A-Za-z_]+\s*/, '').replace(/\s+/g, ' ').trim();
  if (t.startsWith('&')) return /\bmut\b/.test(t) ? '&mut self' : '&self';
  return 'self';
}

// ---- `&mut self` → `&self` -------------------------------------------------------------------------

/** Methods that take `&self` (or `self` by value, which compiles the same under either receiver). */
const SHARED_METHODS = new Set([
  'iter', 'len', 'is_empty', 'get', 'contains', 'contains_key', 'keys', 'values', 'first', 'last', 'as_ref', 'as_deref',
  'as_str', 'as_slice', 'as_bytes', 'to_string', 'to_owned', 'to_vec', 'clone', 'cloned', 'copied', 'is_some', 'is_none',
  'is_ok', 'is_err', 'unwrap', 'expect', 'unwrap_or', 'unwrap_or_default', 'unwrap_or_else', 'map', 'and_then', 'ok_or',
  'ok_or_else', 'chars', 'bytes', 'lines', 'split', 'trim', 'starts_with', 'ends_with', 'eq', 'ne', 'cmp', 'partial_cmp',
  'fmt', 'hash', 'iter_keys', 'binary_search', 'windows', 'chunks', 'get_key_value', 'range', 'capacity', 'call', 'call0',
  'call1', 'call2', 'call3', 'call4', 'call5', 'call6', 'call7', 'call8', 'call9', 'apply', 'dyn_ref', 'unchecked_ref',
  'is_instance_of', 'as_string', 'as_f64', 'as_bool', 'is_null', 'is_undefined', 'with', 'with_borrow', 'get_untracked',
  'borrow', 'try_borrow', 'upgrade', 'strong_count', 'min', 'max', 'abs', 'floor', 'ceil', 'round',
  'sqrt', 'pow', 'powi', 'powf', 'to_le_bytes', 'to_be_bytes', 'count_ones', 'checked_add', 'checked_sub', 'saturating_add',
  'saturating_sub', 'wrapping_add', 'wrapping_sub', 'then', 'then_some', 'join',
  'concat', 'to_lowercase', 'to_uppercase', 'parse', 'into', 'try_into', 'as_ptr', 'into_iter',
]);
/** Methods an interior-mutable field (`Cell`, `RefCell`, `Mutex` …, possibly behind `Rc`/`Arc`) offers through `&self`. */
const CELL_METHODS = new Set([
  'borrow', 'borrow_mut', 'try_borrow', 'try_borrow_mut', 'get', 'set', 'replace', 'take', 'swap', 'update', 'lock', 'try_lock',
  'read', 'write', 'try_read', 'try_write', 'load', 'store', 'fetch_add', 'fetch_sub', 'fetch_or', 'fetch_and', 'fetch_xor',
  'compare_exchange', 'get_or_init', 'clone', 'with_borrow', 'with_borrow_mut', 'replace_with', 'into_inner',
]);
/** Macros that only read their arguments (by reference). */
const READING_MACROS = new Set([
  'format', 'format_args', 'print', 'println', 'eprint', 'eprintln', 'panic', 'assert', 'assert_eq', 'assert_ne',
  'debug_assert', 'debug_assert_eq', 'debug_assert_ne', 'unreachable', 'todo', 'unimplemented', 'info', 'warn', 'error',
  'debug', 'trace', 'log', 'console_log', 'dbg', 'vec', 'matches',
]);
/** Field types whose methods all take `&self`: JS values and web-sys/js-sys handles (unqualified names only when unmistakable). */
const JS_HANDLE_TYPE = /^(?:(?:::)?(?:web_sys|js_sys)::[A-Z]\w*|(?:(?:::)?wasm_bindgen::(?:prelude::)?)?(?:JsValue|Closure\s*<.*>)|Function|Promise|(?:Html|Svg)\w*Element)$/;

/**
 * When `fn` (a method with a `&mut self` receiver) would compile unchanged with `&self` — no
 * assignment through `self`, no `&mut` of a field, no `ref mut` pattern, no method call on a field
 * that may need `&mut` (only known shared methods; any method of an interior-mutable or JS-handle
 * field), `self.m()` only for `&self` methods of the same type declared in this file, `self` used
 * bare only as such a receiver — the `self_parameter` node to rewrite; else undefined.
 */
export function sharedReceiverSuffices(fn: Node, env: RustEnv, implType: string): Node | undefined {
  const selfParam = fn.childForFieldName('parameters')?.namedChildren.find((c) => c.type === 'self_parameter');
  const body = fn.childForFieldName('body');
  if (!selfParam || !body || declaredReceiver(fn) !== '&mut self') return undefined;
  if (/&\s*mut\b/.test(fn.childForFieldName('return_type')?.text ?? '')) return undefined;
  const fields = env.structFields(implType);
  let ok = true;
  forEachDescendant(body, (n) => {
    if (!ok) return false;
    switch (n.type) {
      case 'function_item':
      case 'impl_item':
      case 'trait_item':
        return false;
      case 'ref_pattern':
        if (n.namedChildren.some((c) => c.type === 'mutable_specifier') || /^ref\s+mut\b/.test(n.text)) ok = false;
        return;
      case 'macro_invocation': {
        const tree = n.namedChildren.find((c) => c.type === 'token_tree');
        if (tree && /\bself\b/.test(tree.text) && !READING_MACROS.has(macroName(n))) ok = false;
        if (tree && /&\s*mut\s+self\b/.test(tree.text)) ok = false;
        return false;
      }
      case 'self':
        if (!selfUseIsShared(n, fields, env, implType)) ok = false;
        return;
      default:
        return;
    }
  });
  return ok ? selfParam : undefined;
}

function selfUseIsShared(selfNode: Node, fields: ReadonlyMap<string, string> | undefined, env: RustEnv, implType: string): boolean {
  // Climb the place: `self.a.b[i]` (fields, indexes, parentheses).
  let place: Node = selfNode;
  let firstField: string | undefined;
  let depth = 0;
  let indexed = false;
  for (let p = parentOf(place); p; p = parentOf(place)) {
    if (p.type === 'field_expression' && p.childForFieldName('value')?.id === place.id) {
      depth++;
      // A method call `place.m(..)` is a field_expression that is the function of a call.
      const call = parentOf(p);
      if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id) {
        const method = p.childForFieldName('field')?.text ?? '';
        if (depth === 1) return selfMethodIsShared(method, env, implType);
        const fieldType = depth === 2 && !indexed && firstField ? fields?.get(firstField) : undefined;
        return fieldMethodIsShared(method, fieldType);
      }
      if (depth === 1) firstField = p.childForFieldName('field')?.text;
      place = p;
      continue;
    }
    if (p.type === 'index_expression' && p.namedChild(0)?.id === place.id) {
      indexed = true;
      place = p;
      continue;
    }
    if (p.type === 'parenthesized_expression') {
      place = p;
      continue;
    }
    break;
  }
  const parent = parentOf(place);
  if (!parent) return false;
  if (place.id === selfNode.id) return false; // bare `self` passed, returned or bound: its type would change
  if ((parent.type === 'assignment_expression' || parent.type === 'compound_assignment_expr') && parent.childForFieldName('left')?.id === place.id) return false;
  if (parent.type === 'reference_expression' && parent.children.some((c) => c.type === 'mutable_specifier')) return false;
  if (parent.type === 'unary_expression' && parent.text.startsWith('*')) {
    const outer = parentOf(parent);
    if (outer && (outer.type === 'assignment_expression' || outer.type === 'compound_assignment_expr') && outer.childForFieldName('left')?.id === parent.id) return false;
  }
  return true;
}

/** `self.m(..)`: a method of the same type declared in this file with a `&self` receiver. */
function selfMethodIsShared(method: string, env: RustEnv, implType: string): boolean {
  const declared = methodsOfType(implType, env).get(method);
  if (declared) {
    const r = declaredReceiver(declared);
    return r === '&self' || r === 'none';
  }
  return method === 'clone' || method === 'to_string' || method === 'fmt' || method === 'eq';
}

/** `self.f.m(..)`: known shared methods; any method of an interior-mutable or JS-handle field (its declared type). */
function fieldMethodIsShared(method: string, fieldType: string | undefined): boolean {
  if (fieldType) {
    if (isOuterCell(fieldType)) return CELL_METHODS.has(method) || SHARED_METHODS.has(method);
    if (JS_HANDLE_TYPE.test(fieldType.trim())) return true;
  }
  return SHARED_METHODS.has(method);
}

/** `RefCell<T>`, `Rc<Cell<T>>`, `AssertUnwindSafe<Mutex<T>>`, `AtomicU32` — the field itself is the cell. */
function isOuterCell(type: string): boolean {
  let t = type.replace(/\s+/g, '');
  for (let i = 0; i < 4; i++) {
    const m = /^(?:(?:std|alloc|core)::(?:rc|sync|panic)::)?(?:Rc|Arc|AssertUnwindSafe)<(.*)>$/.exec(t);
    if (!m) break;
    t = m[1];
  }
  return /^(?:(?:std|core)::(?:cell|sync)::)?(?:Cell|RefCell|Mutex|RwLock|OnceCell|OnceLock)<|^(?:(?:std|core)::sync::atomic::)?Atomic[A-Z]\w*$/.test(t);
}

/**
 * A cell the exported object owns (a `RefCell`/`Mutex`/`RwLock` field of its struct, not an `Rc`/`Arc`
 * shared with anything else), guarded in a method during which wasm-bindgen holds the exclusive borrow
 * of that object: JS reaches the field only through the object, and every such call fails on the
 * object's borrow first ("recursive use of an object"), never on the field's. That failure is reported
 * by exported-method-calls-back-into-js (R02) or, across `.await`s, async-export-holds-self-borrow (R03);
 * reporting `RefCell already borrowed` as well would name a failure that cannot happen (and a stuck guard
 * on it after an abort is first felt as the object's stuck borrow).
 */
export function isOwnedFieldOf(origin: StateOrigin, object: ObjectBorrow): boolean {
  return origin.kind === 'struct_field' && origin.key.startsWith(`field:${object.type}.`) && OWNED_CELL_TYPE.test(origin.type ?? '');
}

const OWNED_CELL_TYPE = /^\s*(?:(?:std|core)::(?:cell|sync)::)?(?:RefCell|Mutex|RwLock)\s*</;
