// wasm-bindgen closures handed to JS (catalog §A5; used by R05 fnmut-closure-reentered and R06
// closure-dropped-while-registered). For one function: where a `Closure` (or `ScopedClosure`, or a
// gloo `EventListener`) is constructed, the Rust closure it wraps and whether it is `dyn FnMut`, `dyn Fn`
// or `FnOnce` (read off the types written next to it, or inferred from a body that assigns to what it
// captured), the local that owns it, and what happens to that local afterwards: handed by reference to a
// JS API that keeps it (event listeners, `on*` handler properties, timers, animation frames, promise
// reactions, observers), unregistered again, or moved somewhere that keeps it alive (`forget`,
// `into_js_value`, a field, a return value, another closure). Everything is syntactic and per function;
// nothing here keeps a Node past the lint run (results are memoised in the run's RustEnv).

import type { Node } from 'web-tree-sitter';
import type { RustEnv } from './env';
import { parentOf } from './parents';
import { stateResolverFor, patternIdentifiers, type Binding } from './state';
import {
  accessRoot, asMethodCall, asPathCall, enclosingFunction, executionContextOf, forEachDescendant, pathSegments, rootName, stringLiteralValue,
  stripTransparent, typeBaseName,
} from './syntax';
import { shortCode } from '../text/one-line';

export type ClosureKind = 'FnMut' | 'Fn' | 'FnOnce' | 'unknown';
/** Where the kind was read: a type written in this function (`local`), elsewhere, or the body. */
export type KindSource = 'turbofish' | 'annotation' | 'cast' | 'return-type' | 'field' | 'parameter' | 'mutation' | 'constructor' | 'gloo';

export interface ClosureConstruction {
  /** `Closure::new(..)`, `Closure::<dyn FnMut()>::wrap(..)`, `EventListener::new(..)`. */
  readonly call: Node;
  readonly owner: 'Closure' | 'ScopedClosure' | 'EventListener';
  /** `new`, `wrap`, `own`, `once`, `wrap_assert_unwind_safe` … */
  readonly constructorName: string;
  /** The callee path up to the owner as written, generic arguments dropped: `wasm_bindgen::closure::Closure`. */
  readonly ownerPath: string;
  /** The Rust closure expression it wraps, when it can be followed inside this function. */
  readonly closure?: Node;
  readonly kind: ClosureKind;
  readonly kindSource?: KindSource;
  /** Type nodes written in this function that say `dyn FnMut(..)`/`dyn Fn(..)` for it (turbofish, `let` annotations, casts). */
  readonly localTypeNodes: readonly Node[];
  /** The text of the `dyn …` type when one was written (`dyn FnMut(web_sys::Event)`). */
  readonly dynType?: string;
  /** `let c = <construction>` (possibly followed by `.into_js_value()` etc. when `chained`). */
  readonly binding?: OwnerBinding;
}

export interface OwnerBinding {
  readonly name: string;
  readonly letNode: Node;
  readonly identifier: Node;
  /** The let binds a value derived from the closure (`Closure::new(..).into_js_value()`), not the `Closure` itself. */
  readonly chained: boolean;
}

export type RegistrationKind = 'event-listener' | 'handler-property' | 'timer' | 'animation-frame' | 'microtask' | 'promise' | 'observer' | 'gloo-listener';

/** A call that hands the closure to JS, which keeps it and calls it later. */
export interface Registration {
  readonly call: Node;
  readonly kind: RegistrationKind;
  /** How messages name the API: `img.set_onload(..)`, `window.set_timeout_with_callback_and_timeout_and_arguments_0(..)`. */
  readonly display: string;
  /** The event type for listeners and `on*` properties (`click`), when written as a literal. */
  readonly eventType?: string;
  /** The object it is registered on, when it is a receiver/argument node (absent inside macros). */
  readonly target?: Node;
  /** `true`: a capturing listener (sees non-bubbling events from descendants). */
  readonly capture: boolean;
  /** The registration sits inside a macro's token tree (its call structure is not parsed). */
  readonly inMacro: boolean;
}

export type UseKind = 'borrow' | 'forget' | 'into-js' | 'drop' | 'escape';

export interface ClosureUse {
  readonly node: Node;
  readonly kind: UseKind;
  readonly registration?: Registration;
  /** `remove_event_listener_with_callback(.., c.as_ref()..)`. */
  readonly unregisters?: Node;
  /** For `let f = c.as_ref()…`: the last use of `f` (the borrow of `c` lasts until then). */
  readonly extent?: Node;
}

const CLOSURE_OWNERS = new Set(['Closure', 'ScopedClosure']);
const CLOSURE_CONSTRUCTORS = /^(new|own|wrap|once|once_into_js|borrow|borrow_mut|borrow_immutable|new_with_into_js|(own|wrap|once|borrow|borrow_mut|new)_(assert_unwind_safe|aborting))$/;
/** Methods that hand on the same JS function (or a reference to it) along a registration argument. */
const CHAIN_METHODS = new Set(['as_ref', 'unchecked_ref', 'dyn_ref', 'unchecked_into', 'dyn_into', 'into', 'clone', 'unwrap', 'expect', 'unwrap_throw', 'expect_throw', 'as_ptr']);

// ---- constructions ---------------------------------------------------------------------------------

/** Every closure construction in `fn` (a `function_item`; nested fn items excluded), in document order. */
export function closureConstructionsIn(fn: Node, env: RustEnv): ClosureConstruction[] {
  return env.memo('closure-constructions', fn, () => {
    const out: ClosureConstruction[] = [];
    // Every construction names its owner type (constructionAt): most functions have none to find.
    const text = fn.text;
    if (!text.includes('Closure') && !text.includes('EventListener')) return out;
    for (const call of env.facts(fn).calls) {
      const c = constructionAt(call, env);
      if (c) out.push(c);
    }
    return out;
  });
}

function constructionAt(call: Node, env: RustEnv): ClosureConstruction | undefined {
  const p = asPathCall(call);
  if (!p || p.segments.length < 2) return undefined;
  const ownerName = p.segments[p.segments.length - 2];
  const ownerPath = p.segments.slice(0, -1).join('::');
  if (CLOSURE_OWNERS.has(ownerName) && CLOSURE_CONSTRUCTORS.test(p.name)) {
    return closureConstruction(call, ownerName as 'Closure' | 'ScopedClosure', p.name, ownerPath, p.args[0], env);
  }
  // gloo_events::EventListener::new(&target, "click", move |e| …) wraps a `Closure<dyn FnMut(&Event)>`.
  if (ownerName === 'EventListener' && (p.name === 'new' || p.name === 'new_with_options') && p.args.length >= 3) {
    const callback = p.args[p.args.length - 1];
    const followed = followClosureArgument(callback, env);
    return {
      call, owner: 'EventListener', constructorName: p.name, ownerPath, closure: followed.closure, kind: 'FnMut', kindSource: 'gloo',
      localTypeNodes: [], binding: ownerBindingOf(call),
    };
  }
  return undefined;
}

function closureConstruction(
  call: Node, owner: 'Closure' | 'ScopedClosure', ctor: string, ownerPath: string, arg: Node | undefined, env: RustEnv,
): ClosureConstruction {
  const binding = ownerBindingOf(call);
  const followed = arg ? followClosureArgument(arg, env) : { typeNodes: [], parameterType: undefined };
  const localTypeNodes: Node[] = [];
  let source: KindSource | undefined;
  let kind: ClosureKind = 'unknown';
  const consider = (node: Node | null | undefined, from: KindSource): void => {
    if (!node) return;
    const k = kindOfTypeText(node.text);
    if (k === 'unknown') return;
    if (kind === 'unknown') {
      kind = k;
      source = from;
    }
    if (from === 'turbofish' || from === 'annotation' || from === 'cast') localTypeNodes.push(node);
  };
  if (/^once/.test(ctor)) {
    kind = 'FnOnce';
    source = 'constructor';
  }
  consider(turbofishArguments(call), 'turbofish');
  if (binding && !binding.chained) consider(binding.letNode.childForFieldName('type'), 'annotation');
  for (const t of followed.typeNodes) consider(t.node, t.local ? 'cast' : 'parameter');
  if (followed.parameterType) consider(followed.parameterType, 'parameter');
  if (kind === 'unknown') {
    const returned = returnTypeFor(call);
    if (returned) consider(returned, 'return-type');
  }
  if (kind === 'unknown') {
    const fieldType = fieldTypeFor(call, env);
    if (fieldType && kindOfTypeText(fieldType) !== 'unknown') {
      kind = kindOfTypeText(fieldType);
      source = 'field';
    }
  }
  if (kind === 'unknown' && followed.closure && capturedAssignments(followed.closure).length > 0) {
    // A closure that assigns to what it captured is only `FnMut`: the `Closure` must be `dyn FnMut`.
    kind = 'FnMut';
    source = 'mutation';
  }
  const dynNode = localTypeNodes[0];
  return {
    call, owner, constructorName: ctor, ownerPath, closure: followed.closure, kind, kindSource: source, localTypeNodes, binding,
    dynType: dynNode ? dynTypeText(dynNode.text) : undefined,
  };
}

/** `dyn FnMut(..)` → FnMut; `dyn Fn(..)` → Fn; `dyn FnOnce` → FnOnce. */
export function kindOfTypeText(text: string): ClosureKind {
  if (/\bFnMut\s*\(/.test(text)) return 'FnMut';
  if (/\bFnOnce\s*\(/.test(text)) return 'FnOnce';
  if (/\bFn\s*\(/.test(text)) return 'Fn';
  return 'unknown';
}

function dynTypeText(text: string): string | undefined {
  const m = /\bdyn\s+Fn(Mut|Once)?\s*\(/.exec(text);
  if (!m) return undefined;
  // Up to the matching `)` and an optional `-> R` at the same depth.
  let depth = 0;
  let i = m.index + m[0].length - 1;
  for (; i < text.length; i++) {
    if (text[i] === '(' || text[i] === '<' || text[i] === '[') depth++;
    else if (text[i] === ')' || text[i] === '>' || text[i] === ']') {
      depth--;
      if (depth === 0) break;
    }
  }
  let end = i + 1;
  const rest = /^\s*->\s*[\w:]+(<[^>]*>)?/.exec(text.slice(end));
  if (rest) end += rest[0].length;
  return text.slice(m.index, end).replace(/\s+/g, ' ');
}

/** `Closure::<dyn FnMut()>::new` → the `type_arguments` node. */
function turbofishArguments(call: Node): Node | undefined {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') return fn.childForFieldName('type_arguments') ?? undefined;
  if (fn?.type !== 'scoped_identifier') return undefined;
  for (let path = fn.childForFieldName('path'); path; ) {
    if (path.type === 'generic_type') return path.childForFieldName('type_arguments') ?? undefined;
    if (path.type !== 'scoped_identifier') break;
    fn = path;
    path = fn.childForFieldName('path');
  }
  return undefined;
}

/** `let c = <call>` (or `let c = <call>.into_js_value()`): the local that owns the closure. */
export function ownerBindingOf(call: Node): OwnerBinding | undefined {
  let node = call;
  let chained = false;
  for (let up = parentOf(node); up; up = parentOf(node)) {
    if (up.type === 'let_declaration') {
      const value = up.childForFieldName('value');
      if (!value || value.id !== node.id) return undefined;
      const pattern = up.childForFieldName('pattern');
      const id = pattern?.type === 'identifier' ? pattern : pattern?.type === 'mut_pattern' ? pattern.namedChildren.find((c) => c.type === 'identifier') : undefined;
      if (!id) return undefined;
      return { name: id.text, letNode: up, identifier: id, chained };
    }
    if (up.type === 'try_expression' || up.type === 'parenthesized_expression') {
      node = up;
      continue;
    }
    if (up.type === 'field_expression') {
      const outer = parentOf(up);
      const m = outer ? asMethodCall(outer) : undefined;
      if (!m || m.receiver.id !== node.id) return undefined;
      if (m.method === 'into_js_value' || CHAIN_METHODS.has(m.method)) {
        chained = true;
        node = outer!;
        continue;
      }
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

interface FollowedArgument {
  closure?: Node;
  typeNodes: { node: Node; local: boolean }[];
  parameterType?: Node;
}

/**
 * From a constructor argument to the closure expression: through parentheses, `Box::new(..)`,
 * `as Box<dyn FnMut(..)>` casts and locals bound to those (`let handler = move |e| …;
 * let handler = Box::new(handler) as Box<dyn FnMut(Event)>;`), collecting the types written on the way.
 */
export function followClosureArgument(arg: Node, env: RustEnv): FollowedArgument {
  const out: FollowedArgument = { typeNodes: [] };
  let n: Node | null = arg;
  const resolver = stateResolverFor(env, arg);
  for (let hops = 0; n && hops < 8; hops++) {
    switch (n.type) {
      case 'closure_expression':
        out.closure = n;
        return out;
      case 'parenthesized_expression':
        n = n.namedChild(0);
        continue;
      case 'reference_expression':
        n = n.childForFieldName('value');
        continue;
      case 'type_cast_expression': {
        const t = n.childForFieldName('type');
        if (t) out.typeNodes.push({ node: t, local: true });
        n = n.childForFieldName('value');
        continue;
      }
      case 'call_expression': {
        const p = asPathCall(n);
        if (p && p.name === 'new' && p.segments[p.segments.length - 2] === 'Box' && p.args.length === 1) {
          const generic = turbofishArguments(n);
          if (generic) out.typeNodes.push({ node: generic, local: true });
          n = p.args[0];
          continue;
        }
        return out;
      }
      case 'identifier': {
        const b: Binding | undefined = resolver?.bindings.lookup(n.text, n.startIndex);
        if (!b) return out;
        if (b.binder.type === 'let_declaration') {
          const t = b.binder.childForFieldName('type');
          if (t) out.typeNodes.push({ node: t, local: true });
          n = b.binder.childForFieldName('value');
          continue;
        }
        if (b.binder.type === 'parameter') out.parameterType = b.binder.childForFieldName('type') ?? undefined;
        return out;
      }
      default:
        return out;
    }
  }
  return out;
}

/** `fn f() -> Closure<dyn FnMut()> { Closure::new(..) }`: the return type, when the call is what is returned. */
function returnTypeFor(call: Node): Node | undefined {
  let node = call;
  for (let up = parentOf(node); up; node = up, up = parentOf(up)) {
    if (up.type === 'return_expression') continue;
    if (up.type === 'call_expression' && /^(Some|Ok|Box::new)$/.test(up.childForFieldName('function')?.text ?? '')) continue;
    if (up.type === 'arguments') continue;
    if (up.type === 'block') {
      const fn = parentOf(up);
      const last = up.namedChildren.filter((c) => c.type !== 'line_comment' && c.type !== 'block_comment').pop();
      if (fn?.type === 'function_item' && last?.id === node.id) return fn.childForFieldName('return_type') ?? undefined;
      return undefined;
    }
    if (up.type === 'expression_statement' && parentOf(up)?.type === 'block' && node.type === 'return_expression') {
      const block = parentOf(up)!;
      const fn = parentOf(block);
      if (fn?.type === 'function_item') return fn.childForFieldName('return_type') ?? undefined;
    }
    return undefined;
  }
  return undefined;
}

/** `self.f = Closure::new(..)` / `Some(..)`, `S { f: Closure::new(..) }`: the declared type of that field. */
function fieldTypeFor(call: Node, env: RustEnv): string | undefined {
  let node = call;
  for (let up = parentOf(node); up; node = up, up = parentOf(up)) {
    if (up.type === 'arguments' || (up.type === 'call_expression' && /^(Some|Box::new)$/.test(up.childForFieldName('function')?.text ?? ''))) continue;
    if (up.type === 'assignment_expression') {
      const left = up.childForFieldName('left');
      if (left?.type !== 'field_expression' || up.childForFieldName('right')?.id !== node.id) return undefined;
      const value = left.childForFieldName('value');
      const field = left.childForFieldName('field')?.text;
      if (value?.type !== 'self' || !field) return undefined;
      const impl = enclosingImplTypeName(up);
      return impl ? env.structFields(impl)?.get(field) : undefined;
    }
    if (up.type === 'field_initializer') {
      const field = up.childForFieldName('field')?.text;
      const struct = parentOf(parentOf(up) ?? up);
      const name = struct?.type === 'struct_expression' ? struct.childForFieldName('name')?.text : undefined;
      if (!field || !name) return undefined;
      const typeName = name === 'Self' ? enclosingImplTypeName(up) : typeBaseName(name);
      return typeName ? env.structFields(typeName)?.get(field) : undefined;
    }
    return undefined;
  }
  return undefined;
}

function enclosingImplTypeName(node: Node): string | undefined {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.type === 'impl_item') {
      const t = n.childForFieldName('type');
      return t ? typeBaseName(t.text) : undefined;
    }
  }
  return undefined;
}

// ---- what a closure body does to its captures ------------------------------------------------------

/** Names a closure binds itself (parameters, `let`s, patterns inside its body). */
export function namesBoundInside(closure: Node): Set<string> {
  const out = new Set<string>();
  const params = closure.childForFieldName('parameters');
  if (params) for (const p of params.namedChildren) for (const id of patternIdentifiers(p.type === 'parameter' ? p.childForFieldName('pattern') ?? p : p)) out.add(id.text);
  const body = closure.childForFieldName('body');
  if (!body) return out;
  forEachDescendant(body, (n) => {
    if (n.type === 'function_item' || n.type === 'token_tree') return false;
    let pattern: Node | null = null;
    if (n.type === 'let_declaration' || n.type === 'let_condition' || n.type === 'for_expression' || n.type === 'match_arm') pattern = n.childForFieldName('pattern');
    if (n.type === 'closure_parameters' || n.type === 'parameter') pattern = n;
    if (pattern) for (const id of patternIdentifiers(pattern)) out.add(id.text);
    return true;
  });
  return out;
}

/** Assignments (`x = …`, `x += 1`, `s.count += 1`) whose place is a variable the closure captured. */
export function capturedAssignments(closure: Node): Node[] {
  const body = closure.childForFieldName('body');
  if (!body) return [];
  const local = namesBoundInside(closure);
  const out: Node[] = [];
  forEachDescendant(body, (n) => {
    if (n.type === 'function_item' || n.type === 'token_tree') return false;
    if (n.type === 'assignment_expression' || n.type === 'compound_assignment_expr') {
      const left = n.childForFieldName('left');
      if (left && placeIsCaptured(left, local, false)) out.push(n);
    }
    return true;
  });
  return out;
}

/**
 * Why a closure body needs `FnMut` (mutates what it captured), or undefined when nothing syntactic says
 * so: assignments to captured places, `&mut captured`, mutating methods called straight on a captured
 * variable, calls of a captured callable (which may itself be `FnMut`).
 */
export function capturedMutation(closure: Node, resolveOuter: (name: string, at: number) => boolean): Node | undefined {
  const body = closure.childForFieldName('body');
  if (!body) return undefined;
  const local = namesBoundInside(closure);
  let found: Node | undefined;
  forEachDescendant(body, (n) => {
    if (found) return false;
    if (n.type === 'function_item') return false;
    if (n.type === 'token_tree') {
      // Macro arguments are unparsed; `&mut x` in one still mutably borrows x.
      const t = n.text;
      for (const m of t.matchAll(/&\s*mut\s+([A-Za-z_]\w*)/g)) if (!local.has(m[1]) && resolveOuter(m[1], n.startIndex)) found = n;
      return false;
    }
    if (n.type === 'assignment_expression' || n.type === 'compound_assignment_expr') {
      const left = n.childForFieldName('left');
      if (left && placeIsCaptured(left, local, true)) found = n;
    } else if (n.type === 'reference_expression' && n.children.some((c) => c.type === 'mutable_specifier')) {
      const value = n.childForFieldName('value');
      if (value && placeIsCaptured(value, local, true)) found = n;
    } else if (n.type === 'call_expression') {
      const m = asMethodCall(n);
      if (m) {
        const recv = stripTransparent(m.receiver);
        if (recv.type === 'identifier' && !local.has(recv.text) && resolveOuter(recv.text, recv.startIndex) && SELF_MUTATING.has(m.method)) found = n;
      } else {
        const fnNode = n.childForFieldName('function');
        if (fnNode?.type === 'identifier' && !local.has(fnNode.text) && resolveOuter(fnNode.text, fnNode.startIndex)) found = n;
      }
    }
    return true;
  });
  return found;
}

/** `&mut self` methods of std collections, iterators and strings (Cell/RefCell/JS writers take `&self`). */
const SELF_MUTATING = new Set([
  'push', 'push_back', 'push_front', 'push_str', 'insert', 'insert_str', 'remove', 'swap_remove', 'clear', 'extend', 'extend_from_slice',
  'append', 'truncate', 'retain', 'retain_mut', 'sort', 'sort_by', 'sort_by_key', 'sort_unstable', 'dedup', 'reverse', 'resize', 'fill',
  'pop', 'pop_back', 'pop_front', 'drain', 'split_off', 'next', 'next_back', 'get_mut', 'iter_mut', 'values_mut', 'last_mut',
  'first_mut', 'entry', 'as_mut', 'as_deref_mut', 'take', 'replace', 'get_or_insert_with', 'or_insert', 'poll', 'poll_next', 'send',
  'try_send', 'start_send', 'set_len', 'reserve', 'shrink_to_fit', 'rotate_left', 'rotate_right', 'copy_from_slice', 'swap',
]);

/**
 * True when the place written (`x`, `x.f[i]`, `*x`) is rooted at a variable the closure captured. With
 * `strict`, a place reached through a method returning a mutable reference (`x.get_mut(k)`) counts
 * too; interior mutability (`x.borrow_mut()`, `x.lock()`) never does.
 */
function placeIsCaptured(place: Node, local: ReadonlySet<string>, strict: boolean): boolean {
  let n = place;
  for (let i = 0; i < 32; i++) {
    n = stripTransparent(n);
    if (n.type === 'field_expression') {
      n = n.childForFieldName('value') ?? n;
      continue;
    }
    if (n.type === 'index_expression') {
      n = n.namedChild(0) ?? n;
      continue;
    }
    const m = asMethodCall(n);
    if (m) {
      if (!strict || !SELF_MUTATING.has(m.method)) return false;
      n = m.receiver;
      continue;
    }
    break;
  }
  const name = rootName(n);
  return n.type === 'identifier' && name !== undefined && !local.has(name);
}

// ---- registrations ---------------------------------------------------------------------------------

/**
 * The JS API a registration argument goes to, if it is one that keeps the function (for `argIndex` of
 * `call`). `Promise::new` is not one: its executor runs before it returns, and it takes a stack closure.
 */
export function retainingApiOf(call: Node, argIndex: number, env: RustEnv): Registration | undefined {
  const m = asMethodCall(call);
  if (m) {
    const display = `${shortText(m.receiver.text)}.${m.method}(..)`;
    const base = { call, display, target: m.receiver, capture: false, inMacro: false };
    if (/^add_event_listener_with_callback/.test(m.method) && argIndex === 1) {
      const third = m.args[2];
      const capture = /_and_bool$/.test(m.method) ? third?.text === 'true' : /_and_add_event_listener_options$/.test(m.method) ? optionsCapture(third, env) : false;
      return { ...base, kind: 'event-listener', eventType: eventTypeOf(m.args[0], env), capture };
    }
    if (/^set_on[a-z]+$/.test(m.method) && argIndex === 0 && !isNoneArgument(m.args[0])) {
      return { ...base, kind: 'handler-property', eventType: m.method.slice('set_on'.length) };
    }
    if (/^set_(timeout|interval)_with_callback/.test(m.method) && argIndex === 0) return { ...base, kind: 'timer' };
    if (/^request_animation_frame$|^request_idle_callback/.test(m.method) && argIndex === 0) return { ...base, kind: 'animation-frame' };
    if (m.method === 'queue_microtask' && argIndex === 0) return { ...base, kind: 'microtask' };
    if (/^(then|then2|catch|finally|then_with_reject|then_map|catch_map)$/.test(m.method)) return { ...base, kind: 'promise' };
    return undefined;
  }
  const p = asPathCall(call);
  if (!p) return undefined;
  const owner = p.segments.length >= 2 ? p.segments[p.segments.length - 2] : undefined;
  const display = `${p.segments.slice(-2).join('::')}(..)`;
  const base = { call, display, capture: false, inMacro: false };
  if (owner && /Observer$/.test(owner) && /^new/.test(p.name) && argIndex === 0) return { ...base, kind: 'observer' };
  if (owner === 'Promise' && /^(then|then2|catch|finally)$/.test(p.name) && argIndex >= 1) return { ...base, kind: 'promise', target: p.args[0] };
  // Helpers named after the browser scheduling functions (`fn request_animation_frame(f: &Closure<..>)`).
  if (owner === undefined || !/^[A-Z]/.test(owner)) {
    // (and the crate's own imports of them, often under their JS names: `fn setTimeout(f: &Closure<..>, ms: u32)`).
    const snake = p.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    if (/^(set_timeout|set_interval|request_animation_frame|request_idle_callback|queue_microtask)/.test(snake)) {
      return { ...base, kind: /^set_/.test(snake) ? 'timer' : snake === 'queue_microtask' ? 'microtask' : 'animation-frame' };
    }
  }
  return undefined;
}

/** `remove_event_listener_with_callback*` with the closure: the listener is taken off again. */
function isUnregistration(call: Node, argIndex: number): boolean {
  const m = asMethodCall(call);
  return m !== undefined && /^remove_event_listener_with_callback/.test(m.method) && argIndex === 1;
}

function isNoneArgument(arg: Node | undefined): boolean {
  return arg !== undefined && /^(None|Option::None|std::option::Option::None)$/.test(arg.text.trim());
}

/** `"click"`, `&"click"`, `intern("click")`, a local bound to a literal, or a `const`. */
export function eventTypeOf(arg: Node | undefined, env: RustEnv): string | undefined {
  let n: Node | null | undefined = arg;
  for (let hops = 0; n && hops < 6; hops++) {
    n = stripTransparent(n);
    if (n.type === 'string_literal' || n.type === 'raw_string_literal') return stringLiteralValue(n);
    if (n.type === 'call_expression') {
      const p = asPathCall(n);
      if (p && p.name === 'intern' && p.args.length === 1) {
        n = p.args[0];
        continue;
      }
      const m = asMethodCall(n);
      if (m && /^(as_str|as_ref|into|to_string|to_owned)$/.test(m.method)) {
        n = m.receiver;
        continue;
      }
      return undefined;
    }
    if (n.type === 'identifier') {
      const b = stateResolverFor(env, n)?.bindings.lookup(n.text, n.startIndex);
      if (b?.binder.type === 'let_declaration') {
        n = b.binder.childForFieldName('value');
        continue;
      }
      if (!b) {
        const c = new RegExp(`\\bconst\\s+${n.text}\\s*:\\s*&(?:'static\\s+)?str\\s*=\\s*"([^"\\\\]*)"`).exec(env.text);
        return c ? c[1] : undefined;
      }
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

/** `AddEventListenerOptions` built in this function with `capture(true)` / `set_capture(true)`. */
function optionsCapture(arg: Node | undefined, env: RustEnv): boolean {
  if (!arg) return false;
  const root = rootName(accessRoot(arg));
  if (!root) return /capture\s*\(\s*true\s*\)/.test(arg.text);
  return new RegExp(`\\b${root}\\s*\\.\\s*(set_)?capture\\s*\\(\\s*true\\s*\\)`).test(env.text);
}

// ---- uses of the owning local ----------------------------------------------------------------------

/** What happens to the local that owns a closure, from its `let` to the end of its block. */
export function usesOfOwner(construction: ClosureConstruction, env: RustEnv): ClosureUse[] {
  const binding = construction.binding;
  if (!binding) return [];
  return env.memo('closure-uses', binding.letNode, () => computeUses(binding, env));
}

function computeUses(binding: OwnerBinding, env: RustEnv, depth = 0): ClosureUse[] {
  const block = parentOf(binding.letNode);
  const fn = enclosingFunction(binding.letNode);
  if (!block || !fn) return [];
  const resolver = stateResolverFor(env, binding.letNode);
  const own = resolver?.bindings.lookup(binding.name, binding.letNode.endIndex);
  if (!own || own.binder.id !== binding.letNode.id) return [];
  const context = executionContextOf(binding.letNode);
  const uses: ClosureUse[] = [];
  for (const n of identifierIndex(fn, env).get(binding.name) ?? []) {
    if (n.startIndex < binding.letNode.endIndex || n.endIndex > block.endIndex) continue;
    if (isBindingSite(n)) continue; // a new \`let c = …\` in an inner scope, a closure parameter named \`c\`
    const b = resolver?.bindings.lookup(n.text, n.startIndex);
    if (b && b.binder.id !== binding.letNode.id) continue; // shadowed
    if (!b && !insideTokenTree(n)) continue;
    uses.push(classifyUse(n, context, env, depth));
  }
  return uses;
}

/**
 * Every identifier of a function (macro token trees included, nested fn items excluded) by name, in
 * document order: one walk per function instead of one per closure.
 */
function identifierIndex(fn: Node, env: RustEnv): Map<string, Node[]> {
  return env.memo('identifier-index', fn, () => {
    const out = new Map<string, Node[]>();
    forEachDescendant(fn, (n) => {
      if (n.type === 'function_item' || n.type === 'line_comment' || n.type === 'block_comment' || n.type === 'string_literal') return false;
      if (n.type === 'identifier') {
        const list = out.get(n.text);
        if (list) list.push(n);
        else out.set(n.text, [n]);
        return false;
      }
      return true;
    });
    return out;
  });
}

const PATTERN_TYPES = new Set([
  'tuple_pattern', 'mut_pattern', 'ref_pattern', 'struct_pattern', 'field_pattern', 'tuple_struct_pattern', 'slice_pattern', 'or_pattern',
  'captured_pattern', 'reference_pattern',
]);

/** The identifier is where a name is introduced (a `let`/`for`/`match`/closure pattern), not a use of it. */
function isBindingSite(id: Node): boolean {
  let child = id;
  for (let up = parentOf(id); up; child = up, up = parentOf(up)) {
    if (PATTERN_TYPES.has(up.type)) continue;
    if (up.type === 'let_declaration' || up.type === 'let_condition' || up.type === 'for_expression' || up.type === 'parameter') {
      return up.childForFieldName('pattern')?.id === child.id;
    }
    if (up.type === 'closure_parameters' || up.type === 'match_pattern') return true;
    return false;
  }
  return false;
}

function insideTokenTree(node: Node): boolean {
  return parentOf(node)?.type === 'token_tree';
}

function classifyUse(id: Node, context: Node | null, env: RustEnv, depth: number): ClosureUse {
  if (insideTokenTree(id)) return classifyTokenUse(id);
  // Mentioned inside another closure or async block: captured (moved or borrowed) by it.
  const ctx = executionContextOf(id);
  if (context && ctx && ctx.id !== context.id) return { node: id, kind: 'escape' };
  let node: Node = id;
  // An alias (`let f = c.as_ref().unchecked_ref()`) already is a reference to the JS function.
  let borrowed = depth > 0;
  for (let up = parentOf(node); up; up = parentOf(node)) {
    if (up.type === 'reference_expression') {
      borrowed = true;
      node = up;
      continue;
    }
    if (up.type === 'parenthesized_expression') {
      node = up;
      continue;
    }
    if (up.type === 'field_expression') {
      const call = parentOf(up);
      const m = call ? asMethodCall(call) : undefined;
      if (!m || m.receiver.id !== node.id) return { node: id, kind: borrowed ? 'borrow' : 'escape' };
      if (!borrowed) {
        if (m.method === 'forget') return { node: id, kind: 'forget' };
        if (m.method === 'into_js_value') return { node: id, kind: 'into-js' };
        if (m.method !== 'as_ref' && m.method !== 'unchecked_ref' && m.method !== 'dyn_ref' && m.method !== 'as_ptr') return { node: id, kind: 'escape' };
      } else if (!CHAIN_METHODS.has(m.method)) {
        return { node: id, kind: 'borrow' };
      }
      borrowed = true;
      node = call!;
      continue;
    }
    if (up.type === 'arguments') {
      const call = parentOf(up);
      if (!call) break;
      const fnText = call.childForFieldName('function')?.text ?? '';
      if (!borrowed) {
        if (/^((std|core)::mem::)?drop$/.test(fnText)) return { node: id, kind: 'drop' };
        return { node: id, kind: 'escape' };
      }
      if (fnText === 'Some' || fnText === 'Option::Some') {
        node = call;
        continue;
      }
      const argIndex = up.namedChildren.filter((c) => c.type !== 'line_comment' && c.type !== 'block_comment').findIndex((c) => c.id === node.id);
      if (isUnregistration(call, argIndex)) return { node: id, kind: 'borrow', unregisters: call };
      const registration = retainingApiOf(call, argIndex, env);
      return { node: id, kind: 'borrow', registration };
    }
    if (up.type === 'let_declaration' && borrowed && depth === 0) {
      // `let f: &Function = c.as_ref().unchecked_ref();` — the registrations of `f` are registrations of `c`.
      const pattern = up.childForFieldName('pattern');
      if (up.childForFieldName('value')?.id !== node.id || pattern?.type !== 'identifier') break;
      const alias: OwnerBinding = { name: pattern.text, letNode: up, identifier: pattern, chained: true };
      const aliasUses = computeUses(alias, env, depth + 1);
      const registration = aliasUses.find((u) => u.registration)?.registration;
      const unregisters = aliasUses.find((u) => u.unregisters)?.unregisters;
      const extent = aliasUses.reduce<Node | undefined>((last, u) => (!last || u.node.startIndex > last.startIndex ? u.node : last), undefined);
      return { node: id, kind: 'borrow', registration, unregisters, extent };
    }
    break;
  }
  return { node: id, kind: borrowed ? 'borrow' : 'escape' };
}

/**
 * A use inside a macro's token tree (`or_debug!(el.add_event_listener_with_callback(n, cb.as_ref()…), …)`):
 * `c.as_ref()`/`&c` borrow, `c.forget()` forgets, anything else is taken as a move. A borrow inside the
 * parenthesised arguments of a retaining method name is a registration.
 */
function classifyTokenUse(id: Node): ClosureUse {
  const next = id.nextSibling;
  const after = next?.nextSibling;
  const prev = id.previousSibling;
  let kind: UseKind = 'escape';
  if (next?.type === '.' && after?.type === 'identifier') {
    if (after.text === 'forget') kind = 'forget';
    else if (after.text === 'into_js_value') kind = 'into-js';
    else if (after.text === 'as_ref' || after.text === 'unchecked_ref' || after.text === 'dyn_ref') kind = 'borrow';
  } else if (prev?.type === '&') {
    kind = 'borrow';
  }
  if (kind !== 'borrow') return { node: id, kind };
  for (let tt = parentOf(id); tt?.type === 'token_tree'; tt = parentOf(tt)) {
    const name = tt.previousSibling;
    if (name?.type !== 'identifier') continue;
    const method = name.text;
    const dot = name.previousSibling;
    const targetToken = dot?.type === '.' ? dot.previousSibling : null;
    const base = { call: tt, display: `${targetToken ? shortText(targetToken.text) + '.' : ''}${method}(..)`, capture: false, inMacro: true };
    if (/^remove_event_listener_with_callback/.test(method)) return { node: id, kind, unregisters: tt };
    if (/^add_event_listener_with_callback/.test(method)) {
      const literal = tt.namedChildren.find((c) => c.type === 'string_literal');
      return { node: id, kind, registration: { ...base, kind: 'event-listener', eventType: literal ? stringLiteralValue(literal) : undefined } };
    }
    if (/^set_on[a-z]+$/.test(method)) return { node: id, kind, registration: { ...base, kind: 'handler-property', eventType: method.slice(6) } };
    if (/^set_(timeout|interval)_with_callback/.test(method)) return { node: id, kind, registration: { ...base, kind: 'timer' } };
    if (/^request_animation_frame$|^request_idle_callback/.test(method)) return { node: id, kind, registration: { ...base, kind: 'animation-frame' } };
    if (/^(then|then2|catch|finally)$/.test(method)) return { node: id, kind, registration: { ...base, kind: 'promise' } };
    break;
  }
  return { node: id, kind };
}

/**
 * For a construction consumed inline (`el.add_event_listener_with_callback("x", Closure::…(..).into_js_value().unchecked_ref())`,
 * `EventListener::new(&el, "x", …)`): the registration it is an argument of.
 */
export function inlineRegistrationOf(construction: ClosureConstruction, env: RustEnv): Registration | undefined {
  const call = construction.call;
  if (construction.owner === 'EventListener') {
    const p = asPathCall(call);
    if (!p) return undefined;
    return {
      call, kind: 'gloo-listener', display: `${p.segments.slice(-2).join('::')}(..)`, eventType: eventTypeOf(p.args[1], env), target: p.args[0],
      capture: p.name === 'new_with_options' && /capture|Phase::Capture/.test(p.args[2]?.text ?? ''), inMacro: false,
    };
  }
  let node: Node = call;
  for (let up = parentOf(node); up; up = parentOf(node)) {
    if (up.type === 'reference_expression' || up.type === 'parenthesized_expression') {
      node = up;
      continue;
    }
    if (up.type === 'field_expression') {
      const outer = parentOf(up);
      const m = outer ? asMethodCall(outer) : undefined;
      if (!m || m.receiver.id !== node.id || (m.method !== 'into_js_value' && !CHAIN_METHODS.has(m.method))) return undefined;
      node = outer!;
      continue;
    }
    if (up.type === 'arguments') {
      const outer = parentOf(up);
      if (!outer) return undefined;
      const fnText = outer.childForFieldName('function')?.text ?? '';
      if (fnText === 'Some') {
        node = outer;
        continue;
      }
      const argIndex = up.namedChildren.filter((c) => c.type !== 'line_comment' && c.type !== 'block_comment').findIndex((c) => c.id === node.id);
      return retainingApiOf(outer, argIndex, env);
    }
    return undefined;
  }
  return undefined;
}

/** Registrations of a construction: inline, or through its owning local (and locals derived from it). */
export function registrationsOf(construction: ClosureConstruction, env: RustEnv): Registration[] {
  const inline = inlineRegistrationOf(construction, env);
  if (inline) return [inline];
  const out: Registration[] = [];
  for (const use of usesOfOwner(construction, env)) if (use.registration) out.push(use.registration);
  return out;
}

// ---- small helpers ---------------------------------------------------------------------------------

export function shortText(text: string): string {
  return shortCode(text, 40);
}

/** The range of `node` clipped to its first line (findings point at one line). */
export function firstLineRange(node: Node, text: string): { start: number; end: number } {
  const nl = text.indexOf('\n', node.startIndex);
  return { start: node.startIndex, end: nl >= 0 && nl < node.endIndex ? nl : node.endIndex };
}

/** `Closure` path segments as written, for messages (`Closure::<dyn FnMut(Event)>::new`). */
export function constructionDisplay(c: ClosureConstruction): string {
  const fn = c.call.childForFieldName('function');
  return fn ? pathSegments(fn).slice(-2).join('::') : 'Closure::new';
}
