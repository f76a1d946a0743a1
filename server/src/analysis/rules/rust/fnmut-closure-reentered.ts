// fnmut-closure-reentered (catalog R05, reentrancy): a `Closure<dyn FnMut>` whose body synchronously
// triggers itself — it dispatches the event it listens for (`el.click()`, `focus()`, `blur()`,
// `request_submit()`, `dispatch_event(&Event::new("x"))`) on its own target, on the event's target, or
// on a descendant of the document/window it listens on, or it calls its own JS function. wasm-bindgen's
// `makeMutClosure` marks an `FnMut` closure as busy while it runs, so the nested call throws
// `closure invoked recursively or after being dropped` and the nested handler does not run.
// Documented in docs/rules/fnmut-closure-reentered.md; cases in test-fixtures/rust/fnmut-closure-reentered.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation } from '../../model';
import {
  accessRoot, asMethodCall, asPathCall, capturedMutation, closureConstructionsIn, parentOf, patternIdentifiers, registrationsOf,
  rootName, runsSynchronouslyWithin, rustEnv, stateResolverFor, stripTransparent, usesOfOwner,
  type ClosureConstruction, type Registration, type RustEnv,
  isWasmBindgenCode,
} from '../../rust/index';
import { shortCode } from '../../text/one-line';

export default defineRule({
  id: 'fnmut-closure-reentered',
  catalogId: 'R05',
  family: 'reentrancy',
  side: 'rust',
  defaultSeverity: 'error',
  summary: 'a `Closure<dyn FnMut>` synchronously triggers itself (dispatches the event it listens for, or calls its own JS function), so the nested call throws',
  fix: 'unsafe',
  docs: 'docs/rules/fnmut-closure-reentered.md',
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): every finding is on a `Closure`/`ScopedClosure` or gloo `EventListener` construction.
  textGate: ['Closure', 'EventListener'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (!node.childForFieldName('body') || env.tests.isTestCode(node)) return;
    // A crate that does not use wasm-bindgen (a native CLI in the same workspace) calls no JS.
    if (!isWasmBindgenCode(env)) return;
    for (const c of closureConstructionsIn(node, env)) {
      if (c.kind !== 'FnMut' || !c.closure) continue;
      const selfCells = selfCellsOf(c, env);
      const triggers = triggersIn(c.closure, node, env, selfCells);
      if (triggers.length === 0) continue;
      const registrations = registrationsOf(c, env);
      for (const trigger of triggers) {
        if (trigger.kind === 'self-call') {
          reportSelfCall(ctx, env, c, trigger);
          continue;
        }
        for (const reg of registrations) {
          const how = matches(trigger, reg, c.closure, env);
          if (!how) continue;
          reportDispatch(ctx, env, c, trigger, reg, how);
          break;
        }
      }
    }
  },
});

// ---- triggers --------------------------------------------------------------------------------------

interface Trigger {
  readonly call: Node;
  readonly kind: 'dom' | 'dispatch' | 'self-call';
  /** Event types the call dispatches synchronously. */
  readonly events: readonly string[];
  /** Event type → does it bubble (or, for `dispatch_event`, was it created with `bubbles: true`). */
  readonly bubbles: (event: string) => boolean;
  readonly receiver: Node;
  readonly display: string;
  /** Dispatches again when called on the element whose event is being handled (see DOM_TRIGGERS). */
  readonly sameElement: boolean;
}

/** Events that bubble (UI Events / HTML); `focus`, `blur`, `load`, `beforetoggle` … do not. */
const BUBBLING = new Set(['click', 'input', 'change', 'submit', 'focusin', 'focusout', 'keydown', 'keyup', 'keypress', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick', 'contextmenu']);
const bubblesNatively = (e: string): boolean => BUBBLING.has(e);

/**
 * What each DOM method dispatches before it returns: `click()` fires `click` (and, on checkboxes and
 * radios, `input` and `change`); `focus()` fires `focus`/`focusin` on the element (and `blur`/`focusout`
 * on the element losing focus); `blur()` fires `blur`/`focusout`; `requestSubmit()` fires `submit`.
 * `sameElement`: whether calling it on the element whose event is being handled dispatches again — a
 * real click is not a synthetic one, so `click()` does; focusing the focused element, blurring the one
 * being blurred, or `requestSubmit()` while that form fires `submit` are no-ops.
 */
const DOM_TRIGGERS: Readonly<Record<string, { argc: number; events: readonly string[]; sameElement: boolean }>> = {
  click: { argc: 0, events: ['click', 'input', 'change'], sameElement: true },
  focus: { argc: 0, events: ['focus', 'focusin', 'blur', 'focusout'], sameElement: false },
  focus_with_options: { argc: 1, events: ['focus', 'focusin', 'blur', 'focusout'], sameElement: false },
  blur: { argc: 0, events: ['blur', 'focusout'], sameElement: false },
  request_submit: { argc: 0, events: ['submit'], sameElement: false },
  request_submit_with_submitter: { argc: 1, events: ['submit'], sameElement: false },
};

function triggersIn(closure: Node, fn: Node, env: RustEnv, selfCells: ReadonlySet<string>): Trigger[] {
  const body = closure.childForFieldName('body');
  if (!body) return [];
  const out: Trigger[] = [];
  const calls = env.facts(fn).calls;
  for (let i = firstAtOrAfter(calls, body.startIndex); i < calls.length; i++) {
    const call = calls[i];
    if (call.startIndex >= body.endIndex) break;
    if (call.endIndex > body.endIndex) continue;
    if (!runsSynchronouslyWithin(call, closure)) continue;
    const m = asMethodCall(call);
    if (!m) continue;
    const display = `${shortText(m.receiver.text)}.${m.method}(${m.args.length === 0 ? '' : '..'})`;
    const dom = DOM_TRIGGERS[m.method];
    if (dom && m.args.length === dom.argc) {
      out.push({ call, kind: 'dom', events: dom.events, bubbles: bubblesNatively, receiver: m.receiver, display, sameElement: dom.sameElement });
      continue;
    }
    if (m.method === 'dispatch_event' && m.args.length === 1) {
      const ev = constructedEvent(m.args[0], closure, env);
      if (ev) out.push({ call, kind: 'dispatch', events: [ev.type], bubbles: () => ev.bubbles, receiver: m.receiver, display, sameElement: true });
      continue;
    }
    if (selfCells.size > 0 && (/^call[0-9]$/.test(m.method) || m.method === 'apply' || m.method === 'call') && callsStoredSelf(m.receiver, selfCells)) {
      out.push({ call, kind: 'self-call', events: [], bubbles: () => false, receiver: m.receiver, display, sameElement: true });
    }
  }
  return out;
}

/** Index of the first node starting at or after `offset` (`nodes` is in document order). */
function firstAtOrAfter(nodes: readonly Node[], offset: number): number {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid].startIndex < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The event a `dispatch_event` argument creates: `&Event::new("x")?`, `&CustomEvent::new_with_event_init_dict("x", &init)?`,
 * or a local bound to one. Dispatching the event being handled (a closure parameter) throws
 * `InvalidStateError` instead of re-entering, and an event of unknown type cannot be matched: both undefined.
 */
function constructedEvent(arg: Node, closure: Node, env: RustEnv): { type: string; bubbles: boolean } | undefined {
  const resolver = stateResolverFor(env, arg);
  let n: Node | null = arg;
  for (let hops = 0; n && hops < 8; hops++) {
    n = stripTransparent(n);
    if (n.type === 'call_expression') {
      const m = asMethodCall(n);
      if (m && /^(unwrap|expect|unwrap_throw|expect_throw|as_ref|unchecked_ref|unchecked_into|dyn_into|dyn_ref|into|clone)$/.test(m.method)) {
        n = m.receiver;
        continue;
      }
      const p = asPathCall(n);
      if (!p || !/Event$/.test(p.segments[p.segments.length - 2] ?? '') || !/^new/.test(p.name) || p.args.length === 0) return undefined;
      const type = literalOf(p.args[0], env);
      if (!type) return undefined;
      // `EventInit`/`CustomEventInit` with `bubbles(true)` (builder) or `set_bubbles(true)`.
      const init = p.args[1];
      const initRoot = init ? rootName(accessRoot(init)) : undefined;
      const bubbles = init !== undefined && (
        /bubbles\s*\(\s*true\s*\)/.test(init.text) ||
        (initRoot !== undefined && new RegExp(`\\b${initRoot}\\s*\\.\\s*(set_)?bubbles\\s*\\(\\s*true\\s*\\)`).test(env.text)) ||
        (initRoot !== undefined && new RegExp(`\\blet\\s+(mut\\s+)?${initRoot}\\b[^;]*bubbles\\s*\\(\\s*true\\s*\\)`).test(env.text)));
      return { type, bubbles };
    }
    if (n.type === 'identifier') {
      const b = resolver?.bindings.lookup(n.text, n.startIndex);
      // `let ev = …` and `if let Ok(ev) = …` (the pattern only unwraps the constructor's Result).
      if (!b || (b.binder.type !== 'let_declaration' && b.binder.type !== 'let_condition')) return undefined;
      n = b.binder.childForFieldName('value');
      continue;
    }
    return undefined;
  }
  return undefined;
}

function literalOf(arg: Node, env: RustEnv): string | undefined {
  const n = stripTransparent(arg);
  if (n.type === 'string_literal') return n.text.replace(/^"|"$/g, '');
  if (n.type === 'identifier') {
    const c = new RegExp(`\\bconst\\s+${n.text}\\s*:\\s*&(?:'static\\s+)?str\\s*=\\s*"([^"\\\\]*)"`).exec(env.text);
    if (c) return c[1];
    const b = stateResolverFor(env, n)?.bindings.lookup(n.text, n.startIndex);
    const v = b?.binder.type === 'let_declaration' ? b.binder.childForFieldName('value') : null;
    if (v && stripTransparent(v).type === 'string_literal') return stripTransparent(v).text.replace(/^"|"$/g, '');
  }
  return undefined;
}

// ---- calling its own JS function -------------------------------------------------------------------

/**
 * The self-referential pattern: `let f = Rc::new(RefCell::new(None)); let g = f.clone();
 * *g.borrow_mut() = Some(Closure::new(move || { … f.borrow().as_ref().unwrap().as_ref().unchecked_ref::<Function>().call0(..) … }))`.
 * Returns the names (all `Rc` clones of the cell the closure is stored in).
 */
function selfCellsOf(c: ClosureConstruction, env: RustEnv): Set<string> {
  const out = new Set<string>();
  let node: Node = c.call;
  for (let up = parentOf(node); up; node = up, up = parentOf(up)) {
    if (up.type === 'arguments' || (up.type === 'call_expression' && up.childForFieldName('function')?.text === 'Some')) continue;
    if (up.type !== 'assignment_expression' || up.childForFieldName('right')?.id !== node.id) return out;
    const left = stripTransparent(up.childForFieldName('left') ?? up);
    const m = asMethodCall(left);
    const cell = m && m.method === 'borrow_mut' ? stripTransparent(m.receiver) : undefined;
    if (cell?.type !== 'identifier') return out;
    out.add(cell.text);
    break;
  }
  if (out.size === 0) return out;
  // Close over `let a = b.clone()` / `Rc::clone(&b)` in either direction.
  const lets = env.facts(enclosingFn(c.call) ?? c.call).lets;
  for (let changed = true; changed; ) {
    changed = false;
    for (const l of lets) {
      const id = l.childForFieldName('pattern');
      const v = l.childForFieldName('value');
      if (id?.type !== 'identifier' || !v) continue;
      const src = /^(?:([A-Za-z_]\w*)\s*\.\s*clone\s*\(\s*\)|(?:std::rc::)?Rc::clone\s*\(\s*&\s*([A-Za-z_]\w*)\s*\))$/.exec(v.text.trim());
      const from = src?.[1] ?? src?.[2];
      if (!from) continue;
      if (out.has(from) && !out.has(id.text)) {
        out.add(id.text);
        changed = true;
      } else if (out.has(id.text) && !out.has(from)) {
        out.add(from);
        changed = true;
      }
    }
  }
  return out;
}

function enclosingFn(node: Node): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === 'function_item') return n;
  return null;
}

function callsStoredSelf(receiver: Node, cells: ReadonlySet<string>): boolean {
  const m = /^\s*([A-Za-z_]\w*)\s*\.\s*borrow\s*\(\s*\)/.exec(accessRootText(receiver));
  return m !== null && cells.has(m[1]);
}

/** The receiver text from its root through the first call (`f.borrow().as_ref()…` → `f.borrow()…`). */
function accessRootText(receiver: Node): string {
  return receiver.text.replace(/\s+/g, '');
}

// ---- matching a trigger to a registration ----------------------------------------------------------

type Relation = 'same-target' | 'event-target' | 'ancestor';

function matches(t: Trigger, reg: Registration, closure: Node, env: RustEnv): Relation | undefined {
  if (!reg.eventType || !t.events.includes(reg.eventType)) return undefined;
  const receiver = describe(t.receiver, closure, env);
  const target = reg.target ? describe(reg.target, closure, env) : undefined;
  const reaches = t.bubbles(reg.eventType) || reg.capture;
  // `focus()` blurs whatever had focus, which is not the receiver: only a listener on the whole
  // document/window sees that element's `blur`/`focusout`.
  const otherElement = t.kind === 'dom' && (reg.eventType === 'blur' || reg.eventType === 'focusout') && /^focus/.test(asMethodCall(t.call)?.method ?? '');
  if (!otherElement && t.sameElement && !receiver.descendant) {
    if (target && receiver.text === target.text && !receiver.parameter) return 'same-target';
    if (receiver.fromEvent === 'current_target') return 'same-target';
    if (receiver.fromEvent === 'target' && reaches) return 'event-target';
  }
  // An element found below the listener's own element (`parent.first_element_child()`,
  // `root.query_selector(..)`), or below the element the event came from: its event bubbles up to the listener.
  if (!otherElement && receiver.descendant && reaches && !receiver.detached) {
    if (receiver.fromEvent) return 'ancestor';
    if (target && receiver.text === target.text && !receiver.parameter) return 'ancestor';
  }
  // A listener on the document/window: any other attached element's event reaches it if it bubbles (or is captured).
  if (target?.global && reaches && !receiver.fromEvent && (!receiver.global || receiver.descendant) && !receiver.detached) return 'ancestor';
  return undefined;
}

interface Described {
  /** Normalised text after following locals (`&el`, `el2` where `let el2 = el.clone()` → `el`). */
  readonly text: string;
  /** Derived from the handled event's `target()` / `current_target()`. */
  readonly fromEvent?: 'target' | 'current_target';
  /** The document, the window or the body: every attached element's ancestor. */
  readonly global: boolean;
  /** A parameter of the closure (another value each call: never "the same element" by name). */
  readonly parameter: boolean;
  /** Created in the closure by `create_element*` and never attached: its events reach no ancestor. */
  readonly detached: boolean;
  /** Reached through a descendant look-up (`query_selector`, `first_element_child`…) from `text`. */
  readonly descendant: boolean;
}

const ALIAS_METHODS = /^(clone|unwrap|expect|unwrap_throw|expect_throw|dyn_into|dyn_ref|unchecked_ref|unchecked_into|into|as_ref|ok)$/;
/** Look-ups that return an element inside the receiver's subtree. */
const DESCENDANT_METHODS = /^(query_selector|first_element_child|last_element_child)$/;
const GLOBAL_TARGET = /(^|::|\.)(window|document|body|document_element)\(\)$|^(self\.)?(window|document|doc|body|win)$|\.(window|document|body)$/;
const ATTACHING_METHODS = /^(append_child|append_with_node|append_with_node_1|prepend_with_node|prepend_with_node_1|insert_before|insert_adjacent_element|replace_child|replace_with_with_node|replace_with_with_node_1|after_with_node|after_with_node_1|before_with_node|before_with_node_1|append|prepend)$/;

function describe(expr: Node, closure: Node, env: RustEnv): Described {
  const resolver = stateResolverFor(env, expr);
  let n: Node = stripTransparent(expr);
  const params = new Set<string>();
  const cp = closure.childForFieldName('parameters');
  if (cp) for (const p of cp.namedChildren) for (const id of patternIdentifiers(p.type === 'parameter' ? p.childForFieldName('pattern') ?? p : p)) params.add(id.text);
  let fromEvent: Described['fromEvent'];
  let createdIn: { name: string } | undefined;
  let descendant = false;
  for (let hops = 0; hops < 10; hops++) {
    const m = asMethodCall(n);
    if (m && ALIAS_METHODS.test(m.method)) {
      n = stripTransparent(m.receiver);
      continue;
    }
    if (m && DESCENDANT_METHODS.test(m.method)) {
      descendant = true;
      n = stripTransparent(m.receiver);
      continue;
    }
    // `e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok())`: a closure that only converts its argument.
    if (m && (m.method === 'and_then' || m.method === 'map') && m.args.length === 1 && convertsItsArgument(m.args[0])) {
      n = stripTransparent(m.receiver);
      continue;
    }
    if (m && (m.method === 'target' || m.method === 'current_target') && m.args.length === 0) {
      const root = stripTransparent(m.receiver);
      if (root.type === 'identifier' && params.has(root.text)) {
        fromEvent = m.method;
        break;
      }
    }
    if (n.type === 'identifier' && !params.has(n.text)) {
      const b = resolver?.bindings.lookup(n.text, n.startIndex);
      // `let el = …` and `if let Some(el) = …` / `while let Ok(el) = …` (the pattern only unwraps).
      const v = b?.binder.type === 'let_declaration' || b?.binder.type === 'let_condition' ? b.binder.childForFieldName('value') : null;
      if (v) {
        if (b!.binder.startIndex > closure.startIndex && /\bcreate_element(_ns)?\s*\(/.test(v.text)) createdIn = { name: n.text };
        n = stripTransparent(v);
        continue;
      }
    }
    break;
  }
  const text = n.text.replace(/\s+/g, '').replace(/^&/, '');
  const detached = createdIn !== undefined && !attachedInClosure(createdIn.name, closure, env);
  return { text, fromEvent, global: GLOBAL_TARGET.test(text), parameter: n.type === 'identifier' && params.has(n.text), detached, descendant };
}

/** `|t| t.dyn_into::<T>().ok()`: a one-parameter closure whose body is its parameter behind alias methods only. */
function convertsItsArgument(arg: Node): boolean {
  const c = stripTransparent(arg);
  if (c.type !== 'closure_expression') return false;
  const params = c.childForFieldName('parameters')?.namedChildren ?? [];
  const param = params.length === 1 ? (params[0].type === 'parameter' ? params[0].childForFieldName('pattern') : params[0]) : null;
  let body = c.childForFieldName('body');
  if (!param || param.type !== 'identifier' || !body) return false;
  for (let hops = 0; hops < 6; hops++) {
    body = stripTransparent(body);
    if (body.type === 'block' && body.namedChildCount === 1) {
      body = body.namedChild(0)!;
      continue;
    }
    const m = asMethodCall(body);
    if (!m || !ALIAS_METHODS.test(m.method)) break;
    body = m.receiver;
  }
  return body.type === 'identifier' && body.text === param.text;
}

/** `parent.append_child(&a)` (or another node-inserting call mentioning `a`) somewhere in the closure. */
function attachedInClosure(name: string, closure: Node, env: RustEnv): boolean {
  const fn = enclosingFn(closure);
  if (!fn) return true;
  for (const call of env.facts(fn).calls) {
    if (call.startIndex < closure.startIndex || call.endIndex > closure.endIndex) continue;
    const m = asMethodCall(call);
    if (!m || !ATTACHING_METHODS.test(m.method)) continue;
    if (m.args.some((a) => new RegExp(`\\b${name}\\b`).test(a.text))) return true;
  }
  return false;
}

// ---- reports ---------------------------------------------------------------------------------------

function closureName(c: ClosureConstruction): string {
  const name = c.binding && !c.binding.chained ? `\`${c.binding.name}\`` : 'this closure';
  return c.owner === 'EventListener' ? `${name} is a gloo \`EventListener\` (a \`Closure<dyn FnMut>\` inside)` : `${name} is a \`Closure<dyn FnMut>\``;
}

const HOW: Readonly<Record<Relation, (event: string) => string>> = {
  'same-target': (e) => `dispatches \`${e}\` on the same element`,
  'event-target': (e) => `dispatches \`${e}\` on the element the event came from, which reaches it again`,
  ancestor: (e) => `dispatches a \`${e}\` that propagates up to it`,
};

function reportDispatch(ctx: RuleContext, env: RustEnv, c: ClosureConstruction, t: Trigger, reg: Registration, how: Relation): void {
  const on = reg.target ? ` on \`${shortText(reg.target.text.replace(/^&\s*/, ''))}\`` : '';
  const event = reg.eventType!;
  const message =
    `${closureName(c)} listening for \`${event}\`${on}, and \`${t.display}\` ${HOW[how](event)} while it is still running: ` +
    `the nested call throws \`Error: closure invoked recursively or after being dropped\` (reported as an uncaught error) and the nested handler does not run`;
  const related: RelatedLocation[] = [
    { path: env.path, range: firstLine(env.text, c.call), message: `\`Closure<dyn FnMut>\` created here` },
    { path: env.path, range: firstLine(env.text, reg.call), message: `registered for \`${event}\` here` },
  ];
  ctx.report({ range: firstLine(env.text, t.call), message, related, fixes: () => fixesFor(env, c, t) });
}

function reportSelfCall(ctx: RuleContext, env: RustEnv, c: ClosureConstruction, t: Trigger): void {
  const message =
    `${closureName(c)} that calls its own JS function (\`${t.display}\`) while it is still running: ` +
    `the nested call returns an \`Err\` holding \`Error: closure invoked recursively or after being dropped\` instead of running it`;
  ctx.report({
    range: firstLine(env.text, t.call),
    message,
    related: [{ path: env.path, range: firstLine(env.text, c.call), message: '`Closure<dyn FnMut>` created here' }],
    fixes: () => fixesFor(env, c, t),
  });
}

function firstLine(text: string, node: Node): { start: number; end: number } {
  const nl = text.indexOf('\n', node.startIndex);
  return { start: node.startIndex, end: nl >= 0 && nl < node.endIndex ? nl : node.endIndex };
}

function shortText(text: string): string {
  return shortCode(text, 40);
}

// ---- fix: FnMut → Fn -------------------------------------------------------------------------------

/**
 * `dyn FnMut` → `dyn Fn` when every `FnMut` that types this closure is written in this construction
 * (turbofish, `let` annotation, `as Box<dyn FnMut(..)>` cast), the body mutates nothing it captured, and
 * the owning local is only borrowed, forgotten or converted (not moved somewhere typed `FnMut`). The JS
 * wrapper then allows re-entry: the nested dispatch runs the handler again. Not offered when the
 * re-dispatch is unconditional and nothing in the browser bounds it (`dispatch_event`, a self-call):
 * the handler would recurse until the stack overflows.
 */
function fixesFor(env: RustEnv, c: ClosureConstruction, t: Trigger): Fix[] {
  if (c.kindSource !== 'turbofish' && c.kindSource !== 'annotation' && c.kindSource !== 'cast') return [];
  if (c.localTypeNodes.length === 0 || !c.closure) return [];
  const resolver = stateResolverFor(env, c.closure);
  const closure = c.closure;
  const outer = (name: string, at: number): boolean => {
    const b = resolver?.bindings.lookup(name, at);
    return b !== undefined && (b.binder.startIndex < closure.startIndex || b.binder.startIndex >= closure.endIndex);
  };
  if (capturedMutation(closure, outer)) return [];
  if (c.binding && !c.binding.chained && usesOfOwner(c, env).some((u) => u.kind === 'escape' || u.kind === 'drop')) return [];
  if ((t.kind === 'dispatch' || t.kind === 'self-call') && !isConditional(t.call, closure)) return [];
  const edits = [];
  for (const typeNode of c.localTypeNodes) {
    for (const m of typeNode.text.matchAll(/\bFnMut\b/g)) {
      const start = typeNode.startIndex + (m.index ?? 0);
      edits.push({ range: { start, end: start + 'FnMut'.length }, newText: 'Fn' });
    }
  }
  if (edits.length === 0) return [];
  return [{
    title: 'Make it a `dyn Fn` closure: the nested dispatch then runs the handler again instead of throwing (check that the handler tolerates re-entry)',
    safety: 'unsafe',
    edits,
  }];
}

/** The call sits under an `if`/`match`/`while` inside the closure (the nesting can end). */
function isConditional(call: Node, closure: Node): boolean {
  for (let n = parentOf(call); n && n.id !== closure.id; n = parentOf(n)) {
    if (n.type === 'if_expression' || n.type === 'match_expression' || n.type === 'while_expression' || n.type === 'let_condition') return true;
  }
  return false;
}

