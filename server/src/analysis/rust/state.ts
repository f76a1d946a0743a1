// What a piece of Rust code refers to when it touches shared state. A *state origin* is the shared
// thing itself (a static / thread_local / lazy_static, an interior-mutable field of an exported
// struct, an `Rc<RefCell<_>>` shared with closures); a *binding* is a local name that stands for an
// origin (an alias such as `let c = CACHE.with(Rc::clone)` or the `|s|` of `STATE.with(|s| …)`), a
// guard on it (`let g = s.borrow_mut()`, the `|s|` of `with_borrow_mut`), or a mutable reference
// derived from a guard (`if let Some(v) = g.map.get_mut(k)`). Bindings are computed once per function
// and resolve names by position, so shadowing and closure parameters are honoured.

import type { Node } from 'web-tree-sitter';
import { methodCallPattern } from '../engine/rule';
import type { TextRange } from '../model';
import type { StateRootKind } from '../workspace/types';
import type { RustEnv } from './env';
import {
  accessRoot, asMethodCall, asPathCall, enclosingBlock, enclosingFunction, enclosingImplType, identifiersIn, mentionsWord,
  rootName, stripTransparent, typeBaseName,
} from './syntax';
import { parentOf } from './parents';
import { localFunctionOfCall } from './local-functions';

export type OriginKind = StateRootKind | 'shared_local' | 'shared_param' | 'shared_field';

/** Shared state a guard can lock and a mutation can change. */
export interface StateOrigin {
  /** Identity: two origins with the same key are the same state. */
  readonly key: string;
  /** How messages name it: `STORE`, `self.inner`, `state`. */
  readonly name: string;
  readonly kind: OriginKind;
  /** Declared type text when known (`RefCell<Store>`, `Rc<RefCell<Cache>>`). */
  readonly type?: string;
  /** Where it is declared (for `related` locations). */
  readonly declaration?: { readonly path: string; readonly range: TextRange };
}

export type CellPrimitive = 'RefCell' | 'Mutex' | 'RwLock';
export type BorrowMode = 'mutable' | 'shared';

/**
 * How a guard was obtained: `infallible` (`borrow_mut()`, `lock()`), `unwrapped` (`try_borrow_mut().unwrap()`:
 * a conflict still panics), `graceful` (`try_borrow_mut()` whose error is returned or matched: a conflict is
 * handled by the code).
 */
export type AcquisitionHandling = 'infallible' | 'unwrapped' | 'graceful';

export interface Acquisition {
  /** The call that takes the guard: `x.borrow_mut()`, `m.lock()`, `STATE.with_borrow_mut(..)`. */
  readonly call: Node;
  readonly method: string;
  readonly mode: BorrowMode;
  readonly primitive: CellPrimitive;
  readonly origin: StateOrigin;
  readonly handling: AcquisitionHandling;
}

export type BindingKind = 'cell' | 'guard' | 'derived' | 'other';

export interface Binding {
  readonly name: string;
  readonly kind: BindingKind;
  readonly origin?: StateOrigin;
  /** Guards and derived references: whether they allow mutation. */
  readonly mode?: BorrowMode;
  /** Guards: how they were acquired. */
  readonly acquisition?: Acquisition;
  /** The identifier that introduces the name. */
  readonly node: Node;
  /** The `let_declaration`, `let_condition`, closure, parameter or pattern owner that binds it. */
  readonly binder: Node;
  readonly visibleFrom: number;
  readonly visibleTo: number;
}

export class FunctionBindings {
  private readonly byName = new Map<string, Binding[]>();

  add(b: Binding): void {
    const list = this.byName.get(b.name);
    if (list) list.push(b);
    else this.byName.set(b.name, [b]);
  }

  /** The binding of `name` visible at offset `at` (the innermost, most recent one). */
  lookup(name: string, at: number): Binding | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    let best: Binding | undefined;
    for (const b of list) {
      if (b.visibleFrom <= at && at < b.visibleTo && (!best || b.visibleFrom >= best.visibleFrom)) best = b;
    }
    return best;
  }

  all(): Binding[] {
    return [...this.byName.values()].flat().sort((a, b) => a.visibleFrom - b.visibleFrom);
  }
}

// ---- vocabulary ------------------------------------------------------------------------------------

const GUARD_METHODS: Record<string, { mode: BorrowMode; primitive: CellPrimitive; fallible: boolean }> = {
  borrow_mut: { mode: 'mutable', primitive: 'RefCell', fallible: false },
  borrow: { mode: 'shared', primitive: 'RefCell', fallible: false },
  try_borrow_mut: { mode: 'mutable', primitive: 'RefCell', fallible: true },
  try_borrow: { mode: 'shared', primitive: 'RefCell', fallible: true },
  lock: { mode: 'mutable', primitive: 'Mutex', fallible: false },
  try_lock: { mode: 'mutable', primitive: 'Mutex', fallible: true },
  write: { mode: 'mutable', primitive: 'RwLock', fallible: false },
  read: { mode: 'shared', primitive: 'RwLock', fallible: false },
  try_write: { mode: 'mutable', primitive: 'RwLock', fallible: true },
  try_read: { mode: 'shared', primitive: 'RwLock', fallible: true },
};

/** `LocalKey<RefCell<T>>` helpers whose closure argument receives a guard. */
export const WITH_BORROW_METHODS: Readonly<Record<string, BorrowMode>> = { with_borrow_mut: 'mutable', with_borrow: 'shared' };

/**
 * A call of a method that acquires a guard (GUARD_METHODS, WITH_BORROW_METHODS): every borrow scope
 * starts at one, so a text without a match has none — no resolver needs building to know (and a
 * rule about held guards cannot report in a file without one: its text gate).
 */
export const GUARD_CALL: RegExp = methodCallPattern([...Object.keys(GUARD_METHODS), ...Object.keys(WITH_BORROW_METHODS)]);

/** Whether `text` (a function's) can contain a guard acquisition at all (GUARD_CALL). */
export function mayAcquireGuard(text: string): boolean {
  return GUARD_CALL.test(text);
}

/** Calls that hand back the same shared cell (clone of an `Rc`, `OnceLock::get`, `Lazy` deref …). */
const SAME_CELL_METHODS = new Set(['clone', 'as_ref', 'deref', 'get', 'get_or_init', 'unwrap', 'expect', 'force', 'get_ref']);
/** Calls on a guard that hand out a mutable reference into the guarded value. */
const DERIVING_METHODS = new Set([
  'get_mut', 'iter_mut', 'values_mut', 'last_mut', 'first_mut', 'entry', 'as_mut', 'as_deref_mut', 'get_or_insert_with',
  'get_or_insert', 'or_insert', 'or_insert_with', 'or_default', 'split_at_mut', 'chunks_mut', 'as_mut_slice', 'borrow_mut',
]);

const ASYNC_LOCK_TYPE = /\b(tokio::sync|futures(_util)?::lock|async_lock|async_std::sync|AsyncMutex|AsyncRwLock)\b/;
const SHARED_TYPE = /\b(Rc|Arc)\s*<\s*(RefCell|Cell|Mutex|RwLock|OnceCell)\s*</;
const CELL_CONSTRUCTOR = /^(std::rc::|alloc::rc::|std::sync::)?(Rc|Arc)::new\s*\(\s*(std::cell::|core::cell::|std::sync::)?(RefCell|Cell|Mutex|RwLock)::new\s*\(/;
/** CELL_CONSTRUCTOR anywhere in a text (whatever matches CELL_CONSTRUCTOR at a value's start matches this in its function). */
const CELL_CONSTRUCTOR_ANYWHERE = /(Rc|Arc)::new\s*\(\s*(std::cell::|core::cell::|std::sync::)?(RefCell|Cell|Mutex|RwLock)::new\s*\(/;

/** The primitive a declared type uses (`Rc<RefCell<T>>` → RefCell), if any. */
export function primitiveOfType(type: string | undefined): CellPrimitive | 'Cell' | undefined {
  if (!type) return undefined;
  if (/\bRwLock\s*</.test(type)) return 'RwLock';
  if (/\bMutex\s*</.test(type)) return 'Mutex';
  if (/\bRefCell\s*</.test(type)) return 'RefCell';
  if (/\bCell\s*</.test(type)) return 'Cell';
  return undefined;
}

/** `RefCell<Store>` / `Rc<RefCell<Vec<u8>>>` / `Mutex<State>` → the guarded type `Store` / `Vec<u8>` / `State`. */
export function guardedType(type: string | undefined): string | undefined {
  if (!type) return undefined;
  const m = /\b(?:RefCell|Mutex|RwLock|Cell)\s*<([\s\S]*)>\s*>*\s*$/.exec(type);
  if (!m) return undefined;
  let inner = m[1].trim();
  // Trim unbalanced closing brackets left by outer wrappers (`Rc<RefCell<T>>`).
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '<') depth++;
    else if (inner[i] === '>') {
      if (depth === 0) {
        inner = inner.slice(0, i);
        break;
      }
      depth--;
    }
  }
  return inner.trim();
}

// ---- resolution ------------------------------------------------------------------------------------

export interface StateResolver {
  readonly env: RustEnv;
  readonly bindings: FunctionBindings;
  /** The origin of a cell expression (`STORE`, `c`, `self.inner`, `X.with(Rc::clone)`), if shared state. */
  cellOrigin(expr: Node): StateOrigin | undefined;
  /** The guard or derived binding an access path starts from (`g.items[0]` → `g`), if any. */
  guardOf(expr: Node): Binding | undefined;
  /** A guard acquisition at `call` (`x.borrow_mut()`, `m.lock()`): the call must be the guard method itself. */
  acquisitionAt(call: Node): Acquisition | undefined;
}

/** The resolver of the function item that contains `node` (closures share their function's bindings). */
export function stateResolverFor(env: RustEnv, node: Node): StateResolver | undefined {
  const fn = enclosingFunction(node);
  if (!fn) return undefined;
  return env.memo('resolver', fn, () => buildResolver(env, fn));
}

function originOfGlobal(env: RustEnv, name: string): StateOrigin | undefined {
  const root = env.globalRoot(name);
  if (!root) return undefined;
  return { key: `global:${root.name}`, name: root.name, kind: root.kind, type: root.type, declaration: { path: root.path, range: root.nameRange } };
}

function originOfSelfField(env: RustEnv, node: Node, field: string): StateOrigin | undefined {
  const implType = enclosingImplType(node);
  if (!implType) return undefined;
  const exported = env.index?.structs.get(implType);
  const exportedField = exported?.fields.find((f) => f.name === field);
  if (exportedField) {
    if (!primitiveOfType(exportedField.type) && !/\bAtomic/.test(exportedField.type)) return undefined;
    return {
      key: `field:${implType}.${field}`, name: `self.${field}`, kind: 'struct_field', type: exportedField.type,
      declaration: { path: exported!.path, range: exportedField.range },
    };
  }
  const type = env.structFields(implType)?.get(field);
  if (type && SHARED_TYPE.test(type)) {
    return { key: `field:${implType}.${field}`, name: `self.${field}`, kind: 'shared_field', type, declaration: fieldDeclaration(env, implType, field) };
  }
  return undefined;
}

function fieldDeclaration(env: RustEnv, typeName: string, field: string): { path: string; range: TextRange } | undefined {
  // Found by text in the current file: cheap, and only used for `related` locations.
  const m = new RegExp(`struct\\s+${typeName}\\b[^{;]*\\{[\\s\\S]*?\\b(${field})\\s*:`).exec(env.text);
  if (!m) return undefined;
  const start = m.index + m[0].lastIndexOf(field);
  return { path: env.path, range: { start, end: start + field.length } };
}

function buildResolver(env: RustEnv, fn: Node): StateResolver {
  const bindings = new FunctionBindings();
  const sharedLocals = sharedLocalNames(env, fn);
  const resolver: StateResolver = {
    env,
    bindings,
    cellOrigin(expr) {
      return cellOrigin(expr, 0);
    },
    guardOf(expr) {
      const root = accessRoot(expr);
      const name = rootName(root);
      if (!name || name === 'self') return undefined;
      const b = bindings.lookup(name, root.startIndex);
      return b && (b.kind === 'guard' || b.kind === 'derived') ? b : undefined;
    },
    acquisitionAt(call) {
      return acquisitionAt(call);
    },
  };

  function cellOrigin(expr: Node, depth: number): StateOrigin | undefined {
    if (depth > 12) return undefined;
    const n = stripTransparent(expr);
    switch (n.type) {
      case 'identifier':
      case 'scoped_identifier': {
        const name = rootName(n);
        if (!name) return undefined;
        if (n.type === 'identifier') {
          const b = bindings.lookup(name, n.startIndex);
          if (b) return b.kind === 'cell' ? b.origin : undefined;
        }
        return originOfGlobal(env, name);
      }
      case 'field_expression': {
        const value = n.childForFieldName('value');
        const field = n.childForFieldName('field')?.text;
        if (!value || !field) return undefined;
        if (value.type === 'self') return originOfSelfField(env, n, field);
        return fieldOfState(value, field, depth);
      }
      case 'call_expression': {
        const m = asMethodCall(n);
        if (m) {
          if (SAME_CELL_METHODS.has(m.method)) return cellOrigin(m.receiver, depth + 1);
          if (m.method === 'with' && m.args.length === 1 && returnsClone(m.args[0])) return cellOrigin(m.receiver, depth + 1);
          return undefined;
        }
        const p = asPathCall(n);
        if (p && p.name === 'clone' && p.args.length === 1 && (p.segments.includes('Rc') || p.segments.includes('Arc'))) {
          return cellOrigin(p.args[0], depth + 1);
        }
        // `AssertUnwindSafe(Rc::clone(&stats))`: the wrapper derefs to the same cell.
        if (p && p.name === 'AssertUnwindSafe' && p.args.length === 1) return cellOrigin(p.args[0], depth + 1);
        // `registry().lock()` with `fn registry() -> &'static Mutex<..> { REG.get_or_init(..) }`: an
        // accessor of this file that returns a cell of a static (the usual `OnceLock` idiom).
        if (p && p.args.length === 0 && depth < 4) return accessorOrigin(n, depth);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The static cell a zero-argument accessor function of this file returns (its tail expression). */
  function accessorOrigin(call: Node, depth: number): StateOrigin | undefined {
    const fn = localFunctionOfCall(call, env);
    const returns = fn?.childForFieldName('return_type')?.text ?? '';
    if (!fn || !/\b(?:Mutex|RwLock|RefCell)\s*</.test(returns)) return undefined;
    const body = fn.childForFieldName('body');
    const tail = body?.namedChildren.filter((c: Node) => c.type !== 'line_comment' && c.type !== 'block_comment').pop();
    if (!tail || tail.type === 'let_declaration' || tail.type === 'expression_statement') return undefined;
    const origin = cellOrigin(tail, depth + 1);
    return origin && origin.kind !== 'shared_local' ? origin : undefined;
  }

  /**
   * A cell inside shared state: `RUNTIME.nodes` (a thread_local struct with `RefCell` fields), `app.cache`
   * where `app` guards `APP`. A field whose declared type is not a cell is not one.
   */
  function fieldOfState(value: Node, field: string, depth: number): StateOrigin | undefined {
    const v = stripTransparent(value);
    let base: StateOrigin | undefined;
    let innerType: string | undefined;
    const b = v.type === 'identifier' ? bindings.lookup(v.text, v.startIndex) : undefined;
    if (b && (b.kind === 'guard' || b.kind === 'derived')) {
      base = b.origin;
      innerType = guardedType(b.origin?.type);
    } else {
      base = cellOrigin(v, depth + 1);
      if (base?.type && primitiveOfType(base.type)) return undefined; // a cell has no fields: it must be borrowed first
      innerType = base?.type;
    }
    if (!base) return undefined;
    const fieldType = innerType ? env.structFields(typeBaseName(pointeeType(innerType)))?.get(field) : undefined;
    if (fieldType && !primitiveOfType(fieldType) && !/\bAtomic/.test(fieldType)) return undefined;
    return { key: `${base.key}.${field}`, name: `${base.name}.${field}`, kind: base.kind, type: fieldType, declaration: base.declaration };
  }

  function acquisitionAt(call: Node): Acquisition | undefined {
    const m = asMethodCall(call);
    if (!m) return undefined;
    const spec = GUARD_METHODS[m.method];
    const withMode = WITH_BORROW_METHODS[m.method];
    if (!spec && !withMode) return undefined;
    if (spec && m.args.length > 0) return undefined; // io::Read::read(buf), Borrow::borrow() take no args either, but lock(x) is not ours
    // `m.lock().await`: an async lock (tokio, futures, async-lock) waits instead of panicking.
    if (parentOf(call)?.type === 'await_expression') return undefined;
    const origin = cellOrigin(m.receiver, 0);
    if (!origin) return undefined;
    if (origin.type && ASYNC_LOCK_TYPE.test(origin.type)) return undefined;
    const primitive = spec ? spec.primitive : 'RefCell';
    const known = primitiveOfType(origin.type);
    if (origin.type !== undefined && known !== primitive && !(known === undefined && /\b(Lazy|LazyLock|OnceLock|OnceCell)\s*</.test(origin.type))) {
      return undefined;
    }
    if (withMode) {
      if (!/\bRefCell\s*</.test(origin.type ?? 'RefCell<')) return undefined;
      return { call, method: m.method, mode: withMode, primitive: 'RefCell', origin, handling: 'infallible' };
    }
    return { call, method: m.method, mode: spec.mode, primitive, origin, handling: spec.fallible ? handlingOfTry(call) : 'infallible' };
  }

  // Walk the function in document order, introducing bindings as they appear.
  const facts = env.facts(fn);
  const params = fn.childForFieldName('parameters');
  const body = fn.childForFieldName('body');
  if (params && body) addParameters(params, body.startIndex, body.endIndex);
  const binders = [...facts.lets, ...facts.closures, ...facts.letConditions, ...facts.forLoops, ...facts.matchArms]
    .sort((a, b) => a.startIndex - b.startIndex);
  for (const binder of binders) {
    switch (binder.type) {
      case 'let_declaration':
        addLet(binder);
        break;
      case 'closure_expression':
        addClosure(binder);
        break;
      case 'let_condition':
        addLetCondition(binder);
        break;
      case 'for_expression':
        addFor(binder);
        break;
      case 'match_arm':
        addPatternNames(binder.childForFieldName('pattern'), binder, binder.startIndex, binder.endIndex);
        break;
      default:
        break;
    }
  }
  return resolver;

  function addParameters(parameters: Node, from: number, to: number): void {
    for (const p of parameters.namedChildren) {
      if (p.type !== 'parameter') continue;
      const pattern = p.childForFieldName('pattern');
      const written = p.childForFieldName('type')?.text;
      const type = written === undefined ? undefined : env.canonicalType(written);
      const id = pattern ? stripMut(pattern) : null;
      if (id?.type === 'identifier' && type && SHARED_TYPE.test(type)) {
        bindings.add({
          name: id.text, kind: 'cell', node: id, binder: p, visibleFrom: from, visibleTo: to,
          origin: { key: `param:${fn.startIndex}:${id.text}`, name: id.text, kind: 'shared_param', type, declaration: { path: env.path, range: { start: id.startIndex, end: id.endIndex } } },
        });
      } else {
        addPatternNames(pattern, p, from, to);
      }
    }
  }

  function addLet(letNode: Node): void {
    const pattern = letNode.childForFieldName('pattern');
    const value = letNode.childForFieldName('value');
    const block = enclosingBlock(letNode);
    const from = letNode.endIndex;
    const to = block ? block.endIndex : fn.endIndex;
    const id = pattern ? stripMut(pattern) : null;
    if (!id || id.type !== 'identifier' || !value) {
      addPatternNames(pattern, letNode, from, to);
      return;
    }
    const guard = guardAcquisitionOfLetValue(value);
    if (guard) {
      bindings.add({ name: id.text, kind: 'guard', origin: guard.origin, mode: guard.mode, acquisition: guard, node: id, binder: letNode, visibleFrom: from, visibleTo: to });
      return;
    }
    const derived = derivedFrom(value);
    if (derived) {
      bindings.add({ name: id.text, kind: 'derived', origin: derived.origin, mode: 'mutable', node: id, binder: letNode, visibleFrom: from, visibleTo: to });
      return;
    }
    const alias = cellOrigin(value, 0);
    if (alias) {
      bindings.add({ name: id.text, kind: 'cell', origin: alias, node: id, binder: letNode, visibleFrom: from, visibleTo: to });
      return;
    }
    if (sharedLocals.has(id.text) && CELL_CONSTRUCTOR.test(env.canonicalType(value.text))) {
      bindings.add({
        name: id.text, kind: 'cell', node: id, binder: letNode, visibleFrom: from, visibleTo: to,
        origin: {
          key: `local:${letNode.startIndex}:${id.text}`, name: id.text, kind: 'shared_local', type: constructedType(env.canonicalType(value.text)),
          declaration: { path: env.path, range: { start: id.startIndex, end: id.endIndex } },
        },
      });
      return;
    }
    bindings.add({ name: id.text, kind: 'other', node: id, binder: letNode, visibleFrom: from, visibleTo: to });
  }

  function addClosure(closure: Node): void {
    const params = closure.childForFieldName('parameters');
    const body = closure.childForFieldName('body');
    if (!params || !body) return;
    const from = body.startIndex;
    const to = closure.endIndex;
    const first = params.namedChildren.find((c) => c.type !== 'line_comment' && c.type !== 'block_comment');
    const consumer = closureConsumer(closure);
    if (first && consumer) {
      const id = stripMut(first.type === 'parameter' ? first.childForFieldName('pattern') ?? first : first);
      const origin = cellOrigin(consumer.receiver, 0);
      if (origin && id?.type === 'identifier') {
        if (consumer.method === 'with') {
          bindings.add({ name: id.text, kind: 'cell', origin, node: id, binder: closure, visibleFrom: from, visibleTo: to });
          for (const other of params.namedChildren.slice(1)) addPatternNames(other, closure, from, to);
          return;
        }
        const mode = WITH_BORROW_METHODS[consumer.method];
        if (mode) {
          const acquisition = acquisitionAt(consumer.call);
          bindings.add({ name: id.text, kind: 'guard', origin, mode, acquisition, node: id, binder: closure, visibleFrom: from, visibleTo: to });
          return;
        }
      }
    }
    for (const p of params.namedChildren) addPatternNames(p, closure, from, to);
  }

  function addLetCondition(cond: Node): void {
    const pattern = cond.childForFieldName('pattern');
    const value = cond.childForFieldName('value');
    const condParent = parentOf(cond);
    const owner = condParent?.type === 'let_chain' ? parentOf(condParent) : condParent;
    const body = owner?.childForFieldName(owner.type === 'while_expression' ? 'body' : 'consequence');
    const from = cond.endIndex;
    const to = body ? body.endIndex : cond.endIndex;
    if (pattern && value) {
      const names = patternIdentifiers(pattern);
      const core = stripTransparent(value);
      const acq = core.type === 'call_expression' ? acquisitionAt(core) : undefined;
      if (acq && names.length === 1) {
        // `if let Ok(g) = X.try_borrow_mut()`: a conflict takes the other branch. `if let Ok(g) = M.lock()`
        // only skips a poisoned lock: a re-entrant `lock()` on wasm32 panics instead of returning `Err`.
        const handling = GUARD_METHODS[acq.method]?.fallible === false ? acq.handling : 'graceful';
        bindings.add({ name: names[0].text, kind: 'guard', origin: acq.origin, mode: acq.mode, acquisition: { ...acq, handling }, node: names[0], binder: cond, visibleFrom: from, visibleTo: to });
        return;
      }
      const derived = derivedFrom(value);
      if (derived) {
        for (const id of names) bindings.add({ name: id.text, kind: 'derived', origin: derived.origin, mode: 'mutable', node: id, binder: cond, visibleFrom: from, visibleTo: to });
        return;
      }
    }
    addPatternNames(pattern, cond, from, to);
  }

  function addFor(loop: Node): void {
    const pattern = loop.childForFieldName('pattern');
    const value = loop.childForFieldName('value');
    const body = loop.childForFieldName('body');
    const from = body ? body.startIndex : loop.endIndex;
    const to = loop.endIndex;
    const derived = value ? derivedFrom(value) : undefined;
    if (pattern && derived) {
      for (const id of patternIdentifiers(pattern)) bindings.add({ name: id.text, kind: 'derived', origin: derived.origin, mode: 'mutable', node: id, binder: loop, visibleFrom: from, visibleTo: to });
      return;
    }
    addPatternNames(pattern, loop, from, to);
  }

  function addPatternNames(pattern: Node | null, binder: Node, from: number, to: number): void {
    if (!pattern) return;
    for (const id of patternIdentifiers(pattern)) bindings.add({ name: id.text, kind: 'other', node: id, binder, visibleFrom: from, visibleTo: to });
  }

  /** `let g = X.borrow_mut()`, `.lock().unwrap()`, `&mut *X.borrow_mut()`, `&X.borrow().items` … */
  function guardAcquisitionOfLetValue(value: Node): Acquisition | undefined {
    let n = value;
    let referenced = false;
    for (let i = 0; i < 16; i++) {
      switch (n.type) {
        case 'parenthesized_expression':
        case 'unary_expression':
        case 'try_expression': {
          const inner = n.namedChild(0);
          if (!inner) return undefined;
          n = inner;
          continue;
        }
        case 'reference_expression': {
          const inner = n.childForFieldName('value');
          if (!inner) return undefined;
          referenced = true;
          n = inner;
          continue;
        }
        case 'field_expression':
        case 'index_expression': {
          // `&X.borrow().field`: temporary lifetime extension keeps the guard for the whole block.
          if (!referenced) return undefined;
          const inner = n.type === 'field_expression' ? n.childForFieldName('value') : n.namedChild(0);
          if (!inner) return undefined;
          n = inner;
          continue;
        }
        case 'call_expression': {
          const acq = acquisitionAt(n);
          if (acq) return acq.method in WITH_BORROW_METHODS ? undefined : acq;
          const m = asMethodCall(n);
          if (m && /^(unwrap|expect|unwrap_or_else|map_err|ok|ok_or|ok_or_else|into_inner)$/.test(m.method)) {
            n = m.receiver;
            continue;
          }
          return undefined;
        }
        default:
          return undefined;
      }
    }
    return undefined;
  }

  /** A mutable reference into a guard: `g.map.get_mut(k)`, `&mut g.items`, `g.list.iter_mut()`. */
  function derivedFrom(value: Node): Binding | undefined {
    const isMutRef = value.type === 'reference_expression' && value.children.some((c) => c.type === 'mutable_specifier');
    const guard = resolver.guardOf(value);
    if (!guard || guard.mode !== 'mutable') return undefined;
    if (isMutRef) return guard;
    // Some method on the path must hand out a mutable reference.
    for (let n: Node | null = stripTransparent(value); n; ) {
      const m = asMethodCall(n);
      if (m) {
        if (DERIVING_METHODS.has(m.method)) return guard;
        n = m.receiver;
        continue;
      }
      if (n.type === 'field_expression') {
        n = n.childForFieldName('value');
        continue;
      }
      break;
    }
    return undefined;
  }
}

/** `|x| x.clone()`, `Rc::clone`, `Clone::clone`: a `LocalKey::with` argument that returns a clone. */
function returnsClone(arg: Node): boolean {
  const t = arg.text.replace(/\s+/g, '');
  return /^(std::rc::|alloc::rc::|std::sync::)?(Rc|Arc)::clone$/.test(t) || t === 'Clone::clone' || /^\|(\w+)\|(\1\.clone\(\)|(Rc|Arc)::clone\(&?\1\))$/.test(t);
}

/** The method call a closure is the argument of, when that call's receiver may be a cell (`X.with(|s| …)`). */
function closureConsumer(closure: Node): { call: Node; receiver: Node; method: string } | undefined {
  const args = parentOf(closure);
  if (args?.type !== 'arguments') return undefined;
  const call = parentOf(args);
  if (!call) return undefined;
  const m = asMethodCall(call);
  if (!m || (m.method !== 'with' && !(m.method in WITH_BORROW_METHODS))) return undefined;
  return { call, receiver: m.receiver, method: m.method };
}

/** How the result of a `try_*` guard call is handled: unwrapped (panics on conflict) or graceful. */
function handlingOfTry(call: Node): AcquisitionHandling {
  const parent = parentOf(call);
  if (parent?.type === 'field_expression') {
    const outer = parentOf(parent);
    const m = outer ? asMethodCall(outer) : undefined;
    if (m && (m.method === 'unwrap' || m.method === 'expect')) return 'unwrapped';
  }
  return 'graceful';
}

function stripMut(pattern: Node): Node | null {
  if (pattern.type === 'mut_pattern') return pattern.namedChildren.find((c) => c.type === 'identifier') ?? null;
  if (pattern.type === 'identifier') return pattern;
  if (pattern.type === 'ref_pattern') return pattern.namedChildren.find((c) => c.type === 'identifier') ?? null;
  return pattern;
}

/** Identifiers a pattern binds (enum variants and paths such as `Some` and `Foo::Bar` are not bindings). */
export function patternIdentifiers(pattern: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [pattern];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'identifier') {
      const parent = parentOf(n);
      const fieldName = parent && parent.type === 'tuple_struct_pattern' && parent.childForFieldName('type')?.id === n.id;
      if (!fieldName && !/^[A-Z]/.test(n.text)) out.push(n);
      continue;
    }
    if (n.type === 'scoped_identifier' || n.type === 'type_identifier' || n.type === 'field_identifier') continue;
    if (n.type === 'field_pattern' && n.namedChildCount === 1) {
      // `Foo { x }` binds x (shorthand): the child is a shorthand_field_identifier.
      const s = n.namedChild(0);
      if (s && s.type === 'shorthand_field_identifier') out.push(s);
      continue;
    }
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c) stack.push(c);
    }
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/**
 * Local `Rc<RefCell<_>>`s (and friends) that are shared: cloned, or captured by a closure or async
 * block. An unshared local cell cannot be re-entered through JS.
 */
function sharedLocalNames(env: RustEnv, fn: Node): Set<string> {
  const out = new Set<string>();
  // Each name needs a `let` whose value is such a constructor: most functions construct none.
  if (!CELL_CONSTRUCTOR_ANYWHERE.test(env.canonicalType(fn.text))) return out;
  const facts = env.facts(fn);
  for (const letNode of facts.lets) {
    const value = letNode.childForFieldName('value');
    const pattern = letNode.childForFieldName('pattern');
    const id = pattern ? stripMut(pattern) : null;
    if (!value || id?.type !== 'identifier' || !CELL_CONSTRUCTOR.test(env.canonicalType(value.text))) continue;
    const name = id.text;
    const after = env.text.slice(letNode.endIndex, fn.endIndex);
    const cloned = new RegExp(`\\b${name}\\s*\\.\\s*clone\\s*\\(|(Rc|Arc)::clone\\s*\\(\\s*&\\s*${name}\\b`).test(after);
    const captured = [...facts.closures, ...facts.asyncBlocks].some((c) => c.startIndex > letNode.endIndex && mentionsWord(c.text, name) && identifiersIn(c).has(name));
    if (cloned || captured) out.add(name);
  }
  return out;
}

/** `Rc<Lazy<Box<T>>>` → `T`: smart pointers and lazy wrappers are looked through. */
function pointeeType(type: string): string {
  let t = type.trim().replace(/^&\s*(mut\s+)?/, '');
  for (let i = 0; i < 8; i++) {
    const m = /^(?:[\w:]*::)?(Rc|Arc|Box|Lazy|LazyLock|LazyCell|OnceLock|OnceCell|AssertUnwindSafe)\s*<([\s\S]*)>$/.exec(t);
    if (!m) break;
    t = m[2].trim();
  }
  return t;
}

/** `Rc::new(RefCell::new(State::new()))` → `Rc<RefCell<…>>` (the inner type is unknown). */
function constructedType(text: string): string {
  const m = CELL_CONSTRUCTOR.exec(text);
  return m ? `${m[2]}<${m[4]}<_>>` : 'Rc<RefCell<_>>';
}

/** The field of `self` an access path goes through (`self.items[i].n` → `items`), for MUTATION of plain fields (U04). */
export function selfFieldOf(node: Node): string | undefined {
  let n = stripTransparent(node);
  for (let i = 0; i < 64; i++) {
    if (n.type === 'field_expression') {
      const value = n.childForFieldName('value');
      if (!value) return undefined;
      const v = stripTransparent(value);
      if (v.type === 'self') return n.childForFieldName('field')?.text;
      n = v;
      continue;
    }
    if (n.type === 'index_expression') {
      const value = n.namedChild(0);
      if (!value) return undefined;
      n = stripTransparent(value);
      continue;
    }
    const m = asMethodCall(n);
    if (!m) return undefined;
    n = stripTransparent(m.receiver);
  }
  return undefined;
}

/**
 * The declared type of a receiver when it can be read off declarations: a guard binding
 * (`RefCell<Vec<u8>>` guard → `Vec<u8>`), a guard taken on the spot (`X.borrow()`), a field path from
 * either through structs of this file or crate, or `self.field…`.
 */
export function receiverType(receiver: Node, env: RustEnv, resolver: StateResolver): string | undefined {
  const path: string[] = [];
  let n = stripTransparent(receiver);
  while (n.type === 'field_expression') {
    const field = n.childForFieldName('field')?.text;
    const value = n.childForFieldName('value');
    if (!field || !value) return undefined;
    path.unshift(field);
    n = stripTransparent(value);
  }
  let type: string | undefined;
  if (n.type === 'self') {
    const implType = enclosingImplType(n);
    if (!implType || path.length === 0) return undefined;
    type = env.structFields(implType)?.get(path.shift()!);
  } else if (n.type === 'call_expression') {
    // `x.borrow_mut()`, and `x.lock().unwrap()` / `.expect(..)`: the guard of the lock's `LockResult`.
    const unwrapped = asMethodCall(n);
    const lockCall = unwrapped && (unwrapped.method === 'unwrap' || unwrapped.method === 'expect') && unwrapped.args.length <= 1 ? stripTransparent(unwrapped.receiver) : n;
    const acq = resolver.acquisitionAt(n) ?? (lockCall !== n && lockCall.type === 'call_expression' ? resolver.acquisitionAt(lockCall) : undefined);
    if (!acq) return undefined;
    type = guardedType(acq.origin.type);
  } else {
    const name = rootName(n);
    if (!name) return undefined;
    const b = resolver.bindings.lookup(name, n.startIndex);
    if (!b || b.kind !== 'guard' || !b.origin) return undefined;
    type = guardedType(b.origin.type);
  }
  for (const field of path) {
    if (!type) return undefined;
    type = env.structFields(typeBaseName(pointeeType(type)))?.get(field);
  }
  return type;
}

