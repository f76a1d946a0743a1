// exported-method-calls-back-into-js (catalog R02, reentrancy): while a `#[wasm_bindgen]` method runs,
// wasm-bindgen holds a `WasmRefCell` borrow of its object — exclusive for `&mut self` (and `&mut T`
// arguments of exported types). If the method synchronously runs JS — a callback JS passed in or stored
// in a field, event listeners, a JS import — and that JS calls back into the same object, the nested
// call fails with "recursive use of an object detected which would lead to unsafe aliasing in rust"
// (a `PanicError` under panic=unwind, a plain `Error` under abort). Callbacks JS handed over are the
// strongest signal (error); other JS (imports, event dispatch, functions of unknown origin) may not
// know the object (warning). A `&self` method conflicts only with the class's `&mut self`/consuming
// methods and setters: reported (warning) for its stored listeners and parameters declared as
// functions. Async methods that await are R03's; RefCell guards a `&self` method holds are R01's.
// Documented in docs/rules/exported-method-calls-back-into-js.md; cases in test-fixtures/rust/exported-method-calls-back-into-js.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, Severity } from '../../model';
import {
  accessRoot, asMethodCall, asPathCall, borrowScopesIn, exportOfFunction, isHeldAt, jsCallPointOf, macroArgumentJsCalls, parentOf, runsSynchronouslyWithin, rustEnv,
  stateResolverFor, type JsCallPoint, type ObjectBorrow, type RustEnv, type StateResolver,
} from '../../rust/index';
import {
  callbackSourceOf, conflictingAccessesOf, conflictRelatedMessage, declaredReceiver, heldObjectBorrows, methodsOfType, ownYieldPoints,
  sharedReceiverSuffices, splitConflicts, consumingFailure, type CallbackSource, type ConflictingAccess,
} from '../../rust/object-reentry';
import type { BuildMode } from '../../workspace/types';

const RECURSIVE_USE = '"recursive use of an object detected which would lead to unsafe aliasing in rust"';

export default defineRule({
  id: 'exported-method-calls-back-into-js',
  catalogId: 'R02',
  family: 'reentrancy',
  side: 'rust',
  defaultSeverity: 'error',
  summary: 'a `&mut self` export method synchronously calls JS that can re-enter the same object',
  fix: 'unsafe',
  docs: 'docs/rules/exported-method-calls-back-into-js.md',
  options: { indirectJsCalls: { type: 'boolean', default: false, description: 'Also count calls that run JS only in special cases (Reflect::get getters, JSON::stringify, DOM tree mutations, js_sys::Array callbacks).' } },
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): the held borrow is wasm-bindgen's own: the method or its impl carries `wasm_bindgen` (heldObjectBorrows).
  textGate: ['wasm_bindgen'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (!node.childForFieldName('body') || env.tests.isTestCode(node)) return;
    const exported = exportOfFunction(node, env);
    if (!exported) return;
    // An async method that awaits holds its borrow across the awaits: R03 reports the whole method.
    if (exported.isAsync && ownYieldPoints(node, env).length > 0) return;
    const borrow = primaryBorrow(heldObjectBorrows(node, env), env, exported.name);
    if (!borrow) return;
    const resolver = stateResolverFor(env, node);
    if (!resolver) return;
    const includeIndirect = ctx.options.indirectJsCalls === true;

    const readFile = (p: string): string | undefined => ctx.workspace.fileText(p);
    const points = jsPointsOf(node, env, resolver, includeIndirect, borrow, readFile);
    // RefCell guards held at the call are R01's finding (same call, same fix direction).
    const r01Scopes = borrow.borrow.mode === 'shared' ? borrowScopesIn(node, env).filter((s) => s.acquisition.handling !== 'graceful') : [];
    const candidates = points.filter((p) => !r01Scopes.some((s) => isHeldAt(s, p.site)));
    const strong = candidates.filter((p) => p.strong);
    if (strong.length > 0) {
      for (const p of strong) report(ctx, env, node, borrow, p, 0);
      return;
    }
    // Weaker signals only for exclusive borrows, and once per method: the fix is the same for every call.
    if (borrow.borrow.mode !== 'mutable' || candidates.length === 0) return;
    report(ctx, env, node, borrow, candidates[0], candidates.length - 1);
  },
});

interface HeldBorrow {
  readonly borrow: ObjectBorrow;
  /** For shared borrows: the accesses JS could make that conflict with it. */
  readonly conflicts: readonly ConflictingAccess[];
}

/** The borrow a re-entrant call is most likely to hit: exclusive before shared, the receiver first. */
function primaryBorrow(borrows: readonly ObjectBorrow[], env: RustEnv, fnName: string): HeldBorrow | undefined {
  const ranked = [...borrows].sort((a, b) => rank(a) - rank(b));
  for (const b of ranked) {
    if (b.mode === 'mutable') return { borrow: b, conflicts: [] };
    const conflicts = conflictingAccessesOf(b.type, env, fnName);
    if (conflicts.length > 0) return { borrow: b, conflicts };
  }
  return undefined;
}

function rank(b: ObjectBorrow): number {
  return (b.mode === 'mutable' ? 0 : 2) + (b.kind === 'receiver' ? 0 : 1);
}

interface Point {
  /** Where the finding goes: the JS call, or the `self.helper(..)` call that leads to it. */
  readonly site: Node;
  readonly js: JsCallPoint;
  readonly source: CallbackSource;
  /** A callback JS handed over (parameter or stored field): the strongest signal. */
  readonly strong: boolean;
  /** Set when the JS call sits in a helper method called from the export. */
  readonly via?: { readonly helper: string; readonly call: Node };
}

function jsPointsOf(fn: Node, env: RustEnv, resolver: StateResolver, includeIndirect: boolean, held: HeldBorrow, readFile: (path: string) => string | undefined): Point[] {
  const out: Point[] = [];
  const facts = env.facts(fn);
  const implType = held.borrow.kind === 'receiver' ? held.borrow.type : undefined;
  const direct = (site: Node, js: JsCallPoint): void => {
    if (js.certainty === 'indirect' && !includeIndirect) return;
    const source = sourceOf(js, fn, resolver);
    const strong = isCallbackKind(js) && source.kind !== 'unknown';
    // Under a shared borrow only a conflicting access fails: count the object's own stored listeners and
    // parameters declared as functions, not arbitrary JS values that happen to be called.
    if (held.borrow.mode === 'shared' && !(strong && (source.kind === 'field' || declaredAsFunction(source, env, readFile)))) return;
    out.push({ site, js, source, strong });
  };
  // Calls written in `format!`/`vec!` arguments (unparsed tokens).
  for (const macro of facts.macros) {
    for (const js of macroArgumentJsCalls(macro, env)) if (runsSynchronouslyWithin(js.node, fn)) direct(js.node, js);
  }
  for (const call of facts.calls) {
    if (!runsSynchronouslyWithin(call, fn)) continue;
    const js = jsCallPointOf(call, env, resolver);
    if (js) {
      direct(call, js);
      continue;
    }
    // One level into `self.helper(..)`: helpers that notify listeners are the common shape.
    if (!implType) continue;
    const m = asMethodCall(call);
    if (!m || m.receiver.type !== 'self') continue;
    const helper = methodsOfType(implType, env).get(m.method);
    if (!helper || helper.id === fn.id || declaredReceiver(helper) === 'none' || exportOfFunction(helper, env)?.isAsync) continue;
    const helperResolver = stateResolverFor(env, helper);
    if (!helperResolver) continue;
    for (const inner of env.facts(helper).calls) {
      if (!runsSynchronouslyWithin(inner, helper)) continue;
      const hjs = jsCallPointOf(inner, env, helperResolver);
      if (!hjs || (hjs.certainty === 'indirect' && !includeIndirect)) continue;
      const source = sourceOf(hjs, helper, helperResolver);
      // A helper's parameter is whatever the export passed: only fields are known to come from JS.
      const strong = isCallbackKind(hjs) && source.kind === 'field';
      if (held.borrow.mode === 'shared' && !strong) continue;
      out.push({ site: call, js: hjs, source, strong, via: { helper: m.method, call: inner } });
      break;
    }
  }
  return out.sort((a, b) => a.site.startIndex - b.site.startIndex);
}

/**
 * A parameter typed `Function`, `&js_sys::Function`, `Closure<…>`, `&dyn Fn…` (possibly inside
 * `Option`/`Vec`), or an imported JS type declared as a function in TypeScript:
 * `#[wasm_bindgen(typescript_type = "(s: string) => boolean")] pub type Visitor;`.
 */
function declaredAsFunction(source: CallbackSource, env: RustEnv, readFile: (path: string) => string | undefined): boolean {
  if (source.kind !== 'parameter') return false;
  const type = source.node.childForFieldName('type')?.text ?? '';
  if (/\b(Function|Closure|ScopedClosure)\b|\bdyn\s+Fn/.test(type)) return true;
  const functionTypes = functionTypedImports(env, readFile);
  return (type.match(/[A-Za-z_]\w*/g) ?? []).some((name) => functionTypes.has(name));
}

const TYPED_IMPORT = /#\[\s*wasm_bindgen\s*\(([^\]]*?)\)\s*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\s*\([^)]*\))?\s+)?type\s+([A-Za-z_]\w*)\s*;/g;

/**
 * Names of the imported JS types (`type X;` in `extern "C"` blocks) of the crate whose `typescript_type`
 * is a function type: an arrow type at the top level (`(a: T) => R`), `Function`, or a union of them with
 * `null`/`undefined`. Object types with function-typed members (`{ on: () => void }`) do not count.
 */
function functionTypedImports(env: RustEnv, readFile: (path: string) => string | undefined): ReadonlySet<string> {
  return env.memo('function-typed-imports', env.root, () => {
    const out = new Set<string>();
    const texts = [env.text];
    for (const f of env.index?.files ?? []) {
      if (f === env.path) continue;
      const t = readFile(f);
      if (t !== undefined && t.includes('typescript_type')) texts.push(t);
    }
    for (const text of texts) {
      if (!text.includes('typescript_type')) continue;
      for (const m of text.matchAll(TYPED_IMPORT)) {
        const ts = /\btypescript_type\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(m[1]);
        if (ts && isFunctionTypeText(ts[1])) out.add(m[2]);
      }
    }
    return out;
  });
}

function isFunctionTypeText(ts: string): boolean {
  // Only the top level is judged: `{ on: () => void }` and `Promise<() => void>` are not functions.
  const arrows = ts.replace(/=>/g, '\u2192');
  let top = '';
  let depth = 0;
  for (const ch of arrows) {
    if (ch === '{' || ch === '<' || ch === '[') depth++;
    else if (ch === '}' || ch === '>' || ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) top += ch;
  }
  return top.split('|').map((p) => p.trim()).filter((p) => p !== 'null' && p !== 'undefined')
    .some((p) => p.includes('\u2192') || /^\(?\s*Function\s*\)?$/.test(p));
}

function isCallbackKind(js: JsCallPoint): boolean {
  return js.kind === 'function-call' || (js.kind === 'reflect' && js.certainty === 'direct');
}

/** The function value a `call*`/`apply`/`Reflect::apply` runs, and where it comes from. */
function sourceOf(js: JsCallPoint, fn: Node, resolver: StateResolver): CallbackSource {
  if (!isCallbackKind(js)) return { kind: 'unknown' };
  const tokens = js.receiverTokens;
  if (tokens) {
    // Written in a macro's arguments: `cb` or `self . on_change`.
    if (tokens.length === 1 && tokens[0].type === 'identifier') return callbackSourceOf(tokens[0], fn, resolver);
    if (tokens.length === 3 && tokens[0].type === 'self' && tokens[1].type === '.' && tokens[2].type === 'identifier') return { kind: 'field', name: `self.${tokens[2].text}` };
    return { kind: 'unknown' };
  }
  const m = asMethodCall(js.node);
  if (m) return callbackSourceOf(m.receiver, fn, resolver);
  const p = asPathCall(js.node);
  if (p && p.args.length > 0) return callbackSourceOf(p.args[0], fn, resolver);
  return { kind: 'unknown' };
}

// ---- reporting -------------------------------------------------------------------------------------

function report(ctx: RuleContext, env: RustEnv, fn: Node, held: HeldBorrow, point: Point, more: number): void {
  const { borrow } = held;
  const object = `\`${borrow.jsClass}\``;
  const holder = borrow.kind === 'receiver'
    ? `\`${borrow.node.text.replace(/\s+/g, ' ')}\` holds ${borrow.mode === 'mutable' ? 'an exclusive' : 'a shared'} borrow of this ${object}`
    : `\`${borrow.node.text.replace(/\s+/g, ' ')}\` holds ${borrow.mode === 'mutable' ? 'an exclusive' : 'a shared'} borrow of that ${object}`;
  const what = describeCall(point);
  const callsBack = borrow.mode === 'mutable'
    ? `if it calls any method of ${borrow.kind === 'receiver' ? 'this' : 'that'} ${object} or reads one of its fields`
    : `if it calls ${conflictList(held.conflicts)} on ${borrow.kind === 'receiver' ? 'this' : 'that'} ${object}`;
  const failure = borrow.mode === 'mutable' ? `that call fails with ${failureClass(env.buildMode)} (${RECURSIVE_USE})` : sharedConflictFailure(held.conflicts, env.buildMode);
  const tail = consequenceTail(env.buildMode, point, object);
  const others = more > 0 ? ` (${more} more call${more === 1 ? '' : 's'} into JS in this method)` : '';
  const message = `${what} while ${holder}; ${callsBack}, ${failure}${tail}${others}`;
  const severity: Severity | undefined = point.strong && borrow.mode === 'mutable' ? undefined : 'warning';

  const related: RelatedLocation[] = [{
    path: env.path, range: { start: borrow.node.startIndex, end: borrow.node.endIndex },
    message: `${object} is borrowed ${borrow.mode === 'mutable' ? 'exclusively ' : ''}until \`${fn.childForFieldName('name')?.text ?? 'this method'}\` returns`,
  }];
  if (point.via) related.push({ path: env.path, range: { start: point.via.call.startIndex, end: point.via.call.endIndex }, message: `\`${point.via.helper}\` runs JS here` });
  if (point.source.kind === 'field') {
    const decl = fieldDeclaration(env, borrow.type, point.source.name.replace(/^self\./, ''));
    if (decl) related.push({ ...decl, message: `callback stored in \`${point.source.name}\`` });
  }
  if (borrow.mode === 'shared' && held.conflicts[0]) {
    const c = held.conflicts[0];
    related.push({ path: c.path, range: c.range, message: conflictRelatedMessage(c, object) });
  }
  ctx.report({
    range: { start: point.site.startIndex, end: point.site.endIndex },
    message,
    severity,
    related,
    fixes: () => receiverFix(env, fn, borrow),
  });
}

function describeCall(point: Point): string {
  const display = displayOf(point.js);
  const shown = point.via ? `\`self.${point.via.helper}(..)\` calls \`${display}\`, which` : `\`${display}\``;
  switch (point.source.kind) {
    case 'parameter':
      return `${shown} runs the JS callback \`${point.source.name}\` passed in by the caller`;
    case 'field':
      return `${shown} runs the JS callback stored in \`${point.source.name}\``;
    default:
      break;
  }
  switch (point.js.kind) {
    case 'function-call':
    case 'reflect':
      return `${shown} runs a JS function`;
    case 'dom-dispatch':
      return `${shown} runs JS event listeners synchronously`;
    case 'dom-reaction':
      return `${shown} may run JS (custom-element reactions)`;
    default:
      return `${shown} calls into JS`;
  }
}

/** `f.call1(..)`; a long or multi-line receiver is shortened to its root: `tests….call1(..)`. */
function displayOf(js: JsCallPoint): string {
  const m = asMethodCall(js.node);
  if (!m || (!m.receiver.text.includes('\n') && m.receiver.text.length <= 28)) return js.display;
  const root = accessRoot(m.receiver);
  const rootText = root.text.length <= 28 && !root.text.includes('\n') ? root.text : '';
  return `${rootText}….${m.method}(..)`;
}

function conflictList(conflicts: readonly ConflictingAccess[]): string {
  const shown = conflicts.slice(0, 2).map((c) => (c.kind === 'setter' ? c.display : `\`${c.display}\``));
  const rest = conflicts.length - shown.length;
  return shown.join(' or ') + (rest > 0 ? ` (or ${rest} other exclusive access${rest === 1 ? '' : 'es'})` : '');
}

/**
 * How the accesses named under a shared borrow fail: `&mut self` methods and setters on the borrow guard,
 * a method taking `self` on the ownership check (`Rc::try_unwrap`), with its own message.
 */
function sharedConflictFailure(conflicts: readonly ConflictingAccess[], mode: BuildMode): string {
  const { guarded, consuming } = splitConflicts(conflicts);
  const guardFailure = `fails with ${failureClass(mode)} (${RECURSIVE_USE})`;
  if (consuming.length === 0) return `that call ${guardFailure}`;
  if (guarded.length === 0) return `that call ${consumingFailure(consuming[0])}`;
  return `that call ${guardFailure}, or \`${consuming[0].display}\` ${consumingFailure(consuming[0])}`;
}

function failureClass(mode: BuildMode): string {
  return mode === 'unwind' ? 'a `PanicError`' : 'an `Error`';
}

/** What happens next, given how this method handles the failed call and the build mode. */
function consequenceTail(mode: BuildMode, point: Point, object: string): string {
  // Listeners' exceptions never reach `dispatch_event`: the browser reports them as uncaught.
  if (point.js.kind === 'dom-dispatch' || point.js.kind === 'dom-reaction') return '';
  const handling = resultHandling(point.via ? point.via.call : point.js.node);
  const returnsResult = isCallbackKind(point.js) || point.js.import?.catch === true;
  if (returnsResult) {
    if (handling === 'discarded') return '; the result is discarded, so the failure goes unnoticed and the callback silently does not do its work';
    if (handling === 'unwrapped') {
      if (mode === 'unwind') return '; the `.unwrap()` turns it into a `PanicError` from this method as well';
      if (mode === 'abort+handler') return '; the `.unwrap()` then traps and terminates the instance';
      return `; the \`.unwrap()\` then traps, and since a trap runs no destructors ${object} stays borrowed, so every later call on it fails too`;
    }
    return '';
  }
  // A plain import: a JS exception thrown in the callback crosses this Rust frame.
  if (mode === 'abort') return `; if JS lets that error propagate, it crosses this method without running destructors and ${object} stays borrowed for good`;
  if (mode === 'abort+handler') return '; if JS lets that error propagate, it crosses Rust frames as a fatal `Critical error` and terminates the instance';
  return '';
}

type Handling = 'discarded' | 'unwrapped' | 'other';

function resultHandling(call: Node): Handling {
  const parent = parentOf(call);
  if (!parent) return 'other';
  if (parent.type === 'let_declaration') return parent.childForFieldName('pattern')?.text === '_' ? 'discarded' : 'other';
  if (parent.type === 'expression_statement') return 'discarded';
  if (parent.type === 'field_expression') {
    const outer = parentOf(parent);
    const m = outer ? asMethodCall(outer) : undefined;
    if (!m || m.receiver.id !== call.id) return 'other';
    if (m.method === 'unwrap' || m.method === 'expect' || m.method === 'unwrap_throw' || m.method === 'expect_throw') return 'unwrapped';
    if (/^(ok|unwrap_or|unwrap_or_default|unwrap_or_else|is_ok|is_err)$/.test(m.method)) {
      const up = parentOf(outer!);
      return up?.type === 'expression_statement' || (up?.type === 'let_declaration' && up.childForFieldName('pattern')?.text === '_') || m.method === 'ok' ? 'discarded' : 'other';
    }
  }
  return 'other';
}

function fieldDeclaration(env: RustEnv, typeName: string, field: string): { path: string; range: { start: number; end: number } } | undefined {
  const struct = env.index?.structs.get(typeName);
  const f = struct?.fields.find((x) => x.name === field);
  return f && struct ? { path: struct.path, range: f.range } : undefined;
}

/** `&mut self` → `&self` when the body compiles unchanged with a shared receiver. */
function receiverFix(env: RustEnv, fn: Node, borrow: ObjectBorrow): Fix[] {
  if (borrow.kind !== 'receiver' || borrow.mode !== 'mutable') return [];
  // Offered only when it settles the matter: with other exclusive accesses left, a shared borrow still conflicts.
  if (conflictingAccessesOf(borrow.type, env, fn.childForFieldName('name')?.text).length > 0) return [];
  const selfParam = sharedReceiverSuffices(fn, env, borrow.type);
  if (!selfParam) return [];
  return [{
    title: 'Take `&self` instead of `&mut self` (re-entrant calls that only read the object then succeed)',
    safety: 'unsafe',
    edits: [{ range: { start: selfParam.startIndex, end: selfParam.endIndex }, newText: selfParam.text.replace(/\bmut\s+self\b/, 'self') }],
  }];
}
