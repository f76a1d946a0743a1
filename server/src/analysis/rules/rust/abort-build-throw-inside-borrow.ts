// abort-build-throw-inside-borrow (catalog U09, unwind-safety): in panic=abort builds nothing unwinds
// — neither a Rust panic (it traps) nor a JS exception thrown through Rust frames (`throw_str`,
// `expect_throw` …). Destructors never run, so a borrow held at that moment is never released: the
// `WasmRefCell` borrow wasm-bindgen holds on the exported object during a `&self`/`&mut self` method
// (every later call: "recursive use of an object detected which would lead to unsafe aliasing in
// rust", wasm-bindgen#2412, brepkit PR #1059), or a RefCell/Mutex guard on shared state (every later
// borrow: "RefCell already borrowed" / "cannot recursively acquire mutex").
// Severity by how deliberate the exit is: throw points (`throw_str`, `unwrap_throw`, `expect_throw`,
// `throw_val`) are chosen to look like catchable JS errors — error; panic points (only in code JS
// enters: exports and closures handed to JS) are everywhere in real code — info. One finding per
// function and failure class, on the first point; the message counts the rest. Under abort+handler a
// panic terminates the instance (nothing is left to be stuck), so only throw points are reported;
// under panic=unwind everything unwinds (global-state-torn-by-panic / torn-mut-self territory): silent.
// Calls to imports without `catch` inside a borrow are left to borrow-held-across-js-call and
// exported-method-calls-back-into-js, which report the same line.
// Documented in docs/rules/abort-build-throw-inside-borrow.md; cases in test-fixtures/rust/abort-build-throw-inside-borrow.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, Severity, TextEdit } from '../../model';
import {
  attributesOf, borrowScopesIn, callbackKindOf, executionContextOf, exportedObjectBorrows, exportOfFunction, hasExportAttributes,
  isHeldAt, panicPointsIn, parentOf, runsSynchronouslyWithin, rustEnv, stateResolverFor,
  type BorrowScope, type ObjectBorrow, type PanicPoint, type RustEnv,
} from '../../rust/index';
import { unwrapsAcquisition } from '../../rust/tear-points';
import { isOwnedFieldOf } from '../../rust/object-reentry';
import { cannotActuallyPanic, clippyLintsFor, isClippyAllowed } from '../../rust/clippy-allow';
import { inOwnFrame, jsErrorPath, questionMarkEdit, resultSignatureEdits } from '../../rust/jserror-rewrite';

type Held = { readonly object: ObjectBorrow; readonly scope?: undefined } | { readonly scope: BorrowScope; readonly object?: undefined };

interface Candidate {
  readonly point: PanicPoint;
  /** Borrows held when it fires, innermost first. */
  readonly held: readonly Held[];
}

export default defineRule({
  id: 'abort-build-throw-inside-borrow',
  catalogId: 'U09',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'error',
  summary: 'in panic=abort builds a panic or JS throw inside a borrowed export method or a state borrow leaves the borrow stuck forever',
  fix: 'unsafe',
  docs: 'docs/rules/abort-build-throw-inside-borrow.md',
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): something stays borrowed only in an export or a JS-entered closure/future (exports: `wasm_bindgen`/`event`/`durable_object`; callbackKindOf: `Closure`, `spawn_local`, `future_to_promise`), or the exit is a `*throw*` point.
  textGate: ['wasm_bindgen', 'event', 'durable_object', 'throw', 'Closure', 'spawn_local', 'future_to_promise'],
  visit(fn: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (env.buildMode === 'unwind') return;
    if (ctx.crate && !ctx.crate.usesWasmBindgen) return;
    const body = fn.childForFieldName('body');
    if (!body || env.tests.isTestCode(fn)) return;
    const objects = exportedObjectBorrows(fn, env);
    const scopes = borrowScopesIn(fn, env);
    if (objects.length === 0 && scopes.length === 0) return;
    const resolver = stateResolverFor(env, fn);
    if (!resolver) return;
    const withHandler = env.buildMode === 'abort+handler';
    // Without an exported object, only a point inside a guard's scope can be reported (heldAt, isHeldAt).
    const endingWithin = objects.length > 0 ? undefined
      : { after: Math.min(...scopes.map((s) => s.start)), upTo: Math.max(...scopes.map((s) => s.end)) };
    const points = panicPointsIn(env.facts(fn), body.startIndex, body.endIndex, env, { resolver, skipBoundsChecked: true, foreign: false, endingWithin })
      .filter((p) => !unwrapsAcquisition(p, resolver) && !cannotActuallyPanic(p) && (p.failure === 'throw' || !withHandler));

    const byClass = new Map<'throw' | 'panic', Candidate[]>();
    for (const point of points) {
      const cls = point.failure === 'throw' ? 'throw' : 'panic';
      const held = heldAt(point, fn, objects, scopes).filter((h) => !h.scope || stuckSharedBorrowMatters(h.scope, cls, point, scopes, env));
      if (held.length === 0) continue;
      // After a panic in an abort build a leaked shared borrow that only blocks `free()` is the least of it.
      if (cls === 'panic' && held.every((h) => heldDescription(h, env).onlyFree)) continue;
      // A panic point is reported only in code JS enters directly, and not when Clippy's lint for it
      // is allowed there (`#[allow(clippy::unwrap_used)]`: a deliberate unwrap); a throw anywhere.
      if (cls === 'panic' && (!enteredFromJs(point.node, fn, env, held) || isClippyAllowed(point.node, clippyLintsFor(point), env.text))) continue;
      const list = byClass.get(cls);
      if (list) list.push({ point, held });
      else byClass.set(cls, [{ point, held }]);
    }
    for (const [cls, list] of byClass) report(ctx, env, fn, cls, list, withHandler);
  },
});


/** The borrows alive when `point` fires: state guards (innermost first), then the exported object(s). */
function heldAt(point: PanicPoint, fn: Node, objects: readonly ObjectBorrow[], scopes: readonly BorrowScope[]): Held[] {
  const held: Held[] = [];
  const inScopes = scopes.filter((s) => isHeldAt(s, point.node) && point.position > s.start).sort((a, b) => b.start - a.start);
  for (const scope of inScopes) held.push({ scope });
  if (objects.length > 0 && runsSynchronouslyWithin(point.node, fn)) for (const object of objects) held.push({ object });
  // A stuck guard on a cell the object owns (`self.inner.borrow_mut()` in a `&mut self` method) is felt
  // only through the object, whose own stuck borrow fails every later call first: name that one first.
  const exclusive = held.find((h) => h.object?.mode === 'mutable')?.object;
  if (exclusive && held[0].scope && isOwnedFieldOf(held[0].scope.acquisition.origin, exclusive)) {
    return [...held.filter((h) => h.object === exclusive), ...held.filter((h) => h.object !== exclusive)];
  }
  return held;
}

/**
 * A leaked shared borrow (`borrow()`, `read()`) only blocks later exclusive borrows. Panic points under
 * one are not reported; a throw is, when the same state is borrowed exclusively somewhere that can run
 * later: for a local `Rc<RefCell<_>>`, another exclusive borrow in this function that does not enclose
 * the throw (the `*f.borrow_mut() = Some(Closure::new(..))` that installs a requestAnimationFrame loop
 * runs before it) and either comes after it or runs in another closure; for statics and fields, a
 * `borrow_mut`/`with_borrow_mut`/`write`/`replace`… of that name anywhere in the file.
 */
function stuckSharedBorrowMatters(scope: BorrowScope, cls: 'throw' | 'panic', point: PanicPoint, scopes: readonly BorrowScope[], env: RustEnv): boolean {
  if (scope.acquisition.mode === 'mutable') return true;
  if (cls === 'panic') return false;
  const origin = scope.acquisition.origin;
  if (origin.kind === 'shared_local' || origin.kind === 'shared_param') {
    return scopes.some((s) => s.acquisition.origin.key === origin.key && s.acquisition.mode === 'mutable' &&
      !(s.holder.startIndex <= point.node.startIndex && point.node.endIndex <= s.end) && canRunAfter(s, point));
  }
  const name = origin.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\./g, '\\s*\\.\\s*');
  return new RegExp(`\\b${name}\\b[^;]{0,120}?\\.\\s*(borrow_mut|try_borrow_mut|with_borrow_mut|write|try_write|replace|replace_with|take|set|swap)\\s*\\(`).test(env.text);
}

/**
 * Whether `scope` can be entered after `point` ran: later in the same closure or function; anywhere in
 * a context that does not enclose the point (another closure); in an enclosing context only after the
 * closure that holds the point was created (code before that ran before the closure could be called).
 */
function canRunAfter(scope: BorrowScope, point: PanicPoint): boolean {
  let inner: Node = point.node;
  for (let ctx = executionContextOf(point.node); ctx; inner = ctx, ctx = executionContextOf(ctx)) {
    if (ctx.id === scope.context.id) return scope.start > (inner.id === point.node.id ? point.position : inner.startIndex);
  }
  return true;
}

/** The point runs in an export body, or in a closure/future handed to JS, or under the export's object borrow. */
function enteredFromJs(node: Node, fn: Node, env: RustEnv, held: readonly Held[]): boolean {
  if (held.some((h) => h.object)) return true;
  if (exportOfFunction(fn, env) || hasExportAttributes(fn)) {
    if (runsSynchronouslyWithin(node, fn)) return true;
  }
  for (let n = parentOf(node); n && n.id !== fn.id; n = parentOf(n)) {
    if ((n.type === 'closure_expression' || n.type === 'async_block') && callbackKindOf(n)) return true;
  }
  return false;
}

// ---- messages ----------------------------------------------------------------------------------------

const RECURSIVE_USE = "'recursive use of an object detected which would lead to unsafe aliasing in rust'";

function heldDescription(h: Held, env: RustEnv): { during: string; afterwards: string; onlyFree?: boolean } {
  if (h.object) {
    const o = h.object;
    const who = o.kind === 'receiver' ? `\`self\` (\`${o.jsClass}\`)` : `\`${o.name}\` (\`${o.jsClass}\`)`;
    if (o.mode === 'mutable') {
      return { during: `wasm-bindgen holds the exclusive borrow of ${who}`, afterwards: `every later call on this \`${o.jsClass}\` throws ${RECURSIVE_USE}` };
    }
    if (!hasExclusiveAccess(env, o.type)) {
      return {
        during: `wasm-bindgen holds a shared borrow of ${who}`,
        afterwards: `\`free()\` on this \`${o.jsClass}\` throws 'attempted to take ownership of Rust value while it was borrowed' and the object leaks`,
        onlyFree: true,
      };
    }
    return {
      during: `wasm-bindgen holds a shared borrow of ${who}`,
      afterwards: `every later \`&mut self\` call on this \`${o.jsClass}\` throws ${RECURSIVE_USE} and \`free()\` fails`,
    };
  }
  const acq = h.scope!.acquisition;
  const name = `\`${acq.origin.name}\``;
  if (acq.primitive === 'Mutex') return { during: `${name} is locked`, afterwards: `every later \`lock()\` of ${name} panics 'cannot recursively acquire mutex'` };
  if (acq.primitive === 'RwLock') {
    return { during: `${name} is ${acq.mode === 'mutable' ? 'write-' : 'read-'}locked`, afterwards: `every later ${acq.mode === 'mutable' ? 'lock' : 'write lock'} of ${name} panics` };
  }
  if (acq.mode === 'mutable') return { during: `${name} is mutably borrowed`, afterwards: `every later borrow of ${name} panics ('RefCell already borrowed')` };
  return { during: `${name} is borrowed`, afterwards: `every later \`borrow_mut()\` of ${name} panics ('RefCell already borrowed')` };
}

/** The class has a `&mut self` method, a consuming method or a public field (a setter): something a stuck shared borrow blocks besides `free()`. */
function hasExclusiveAccess(env: RustEnv, type: string): boolean {
  const index = env.index;
  if (!index) return true;
  let byType = EXCLUSIVE.get(index);
  if (!byType) {
    byType = new Set();
    for (const s of index.structs.values()) if (s.fields.some((f) => f.isPub)) byType.add(s.name);
    for (const e of index.exports) if (e.implType && (e.receiver === '&mut self' || e.receiver === 'self')) byType.add(e.implType);
    EXCLUSIVE.set(index, byType);
  }
  return byType.has(type);
}

/** Per crate index (plain data, no nodes): the exported types with exclusive access besides `free()`. */
const EXCLUSIVE = new WeakMap<object, Set<string>>();

function report(ctx: RuleContext, env: RustEnv, fn: Node, cls: 'throw' | 'panic', list: readonly Candidate[], withHandler: boolean): void {
  const { point, held } = list[0];
  const first = heldDescription(held[0], env);
  const isMethod = held.some((h) => h.object?.kind === 'receiver') || parentOf(fn)?.type === 'declaration_list';
  const more = list.length - 1;
  const moreText = more > 0 ? ` (${more} more ${cls} point${more > 1 ? 's' : ''} in this ${isMethod ? 'method' : 'function'})` : '';
  let message: string;
  if (cls === 'throw') {
    const stays = withHandler ? 'under panic=abort a thrown JS exception stays non-fatal even with the abort handler, and no destructor runs on the way out'
      : 'under panic=abort no destructor runs on the way out';
    message = `\`${point.display}\` throws a JS exception while ${first.during}; ${stays}, so the borrow is never released: ` +
      `the caller gets the exception, then ${first.afterwards}${moreText}`;
  } else {
    message = `\`${point.display}\` can panic while ${first.during}; under panic=abort the panic traps (\`WebAssembly.RuntimeError\`) ` +
      `without releasing the borrow and the instance keeps running: ${first.afterwards}${moreText}`;
  }
  // A stuck shared borrow of a class without exclusive access only breaks `free()`: a leak, not a dead object.
  const severity: Severity = cls === 'panic' ? 'info' : held.every((h) => heldDescription(h, env).onlyFree) ? 'warning' : 'error';
  const related: RelatedLocation[] = [];
  for (const h of held) {
    if (h.object) {
      related.push({ path: env.path, range: { start: h.object.node.startIndex, end: h.object.node.endIndex }, message: `${heldDescription(h, env).during} for the whole call` });
    } else {
      const call = h.scope!.acquisition.call;
      related.push({ path: env.path, range: { start: call.startIndex, end: call.endIndex }, message: `${heldDescription(h, env).during} from here` });
    }
  }
  for (const c of list.slice(1, 6)) {
    related.push({ path: env.path, range: { start: c.point.node.startIndex, end: c.point.node.endIndex }, message: `\`${c.point.display}\` can ${cls === 'throw' ? 'throw' : 'panic'} here too` });
  }
  ctx.report({ node: point.node, message, severity, related, fixes: cls === 'throw' ? () => throwFixes(env, fn, list) : undefined });
}

// ---- fixes -------------------------------------------------------------------------------------------

/**
 * For an export whose throw points all sit in its own frame and can each become a `?`
 * (`.expect_throw(m)` → `.ok_or_else(|| JsError::new(m))?` …, `throw_str(m)` → `return Err(..)`): make
 * it return `Result<T, JsError>` (wrapping its tail and returns) so the glue throws after Rust has
 * returned and every borrow was released. JS still sees a thrown `Error` with the same message.
 */
function throwFixes(env: RustEnv, fn: Node, list: readonly Candidate[]): Fix[] {
  if (!exportOfFunction(fn, env) && !hasExportAttributes(fn)) return [];
  // Getters/setters and `start` functions have fixed signatures.
  if (attributesOf(fn).some((a) => a.args !== null && /\b(getter|setter|start)\b/.test(a.args.text))) return [];
  const jsError = jsErrorPath(env.text);
  const edits: TextEdit[] = [];
  for (const { point } of list) {
    if (!inOwnFrame(point.node, fn)) return [];
    const edit = questionMarkEdit(point.node, jsError);
    if (!edit) return [];
    edits.push(edit);
  }
  const signature = resultSignatureEdits(fn, jsError);
  if (!signature) return [];
  return [{
    title: signature.length > 0
      ? `Return \`Result<_, ${jsError}>\` and turn the throws into \`?\` so the borrow is released before JS sees the error`
      : 'Turn the throws into `?` so the borrow is released before JS sees the error',
    safety: 'unsafe',
    edits: [...signature, ...edits],
  }];
}
