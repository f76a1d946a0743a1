// static-mut-export-state (catalog R04, reentrancy): a `static mut` reached by reference from an export
// (`#[wasm_bindgen]`, or `#[no_mangle]` in a wasm crate) or from a closure/future handed to JS —
// `&mut NAME`, `&NAME`, `NAME.method(..)` (autoref), `addr_of_mut!(NAME)` / `&raw mut NAME` — directly
// or in a same-file helper it calls (one level). Unlike RefCell (panics) or the exported-object WasmRefCell
// (throws), a `static mut` has no runtime guard: if JS re-enters an export that touches the same static
// while such a reference is live, two references alias it — undefined behaviour, silent corruption in
// every build mode. Reported once per static and unit as info (P3); as a warning when the reference is
// demonstrably held across a call into JS or an `.await`. By-value reads and writes of scalars
// (`COUNTER += 1`) and statics touched only in `#[wasm_bindgen(start)]` are not reported. No fix: moving
// the declaration to `thread_local!`/`RefCell` means rewriting every use.
// Documented in docs/rules/static-mut-export-state.md; cases in test-fixtures/rust/static-mut-export-state.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { RelatedLocation } from '../../model';
import {
  asMethodCall, asPathCall, attributesOf, callbackKindOf, enclosingFunction, enclosingImplType, exportOfFunction, hasExportAttributes,
  isInvokedImmediately, jsCallPointOf, lastSegment, parentOf, runsSynchronouslyWithin, rustEnv, stateResolverFor, unitBody,
  yieldPointRange, patternIdentifiers, mentionsWord, type RustEnv, type StateResolver,
} from '../../rust/index';
import { methodsOfType } from '../../rust/object-reentry';
import type { StateRoot } from '../../workspace/types';
import { advanceCursor } from '../../parsing/walk';

const SCALAR = /^(bool|char|u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64)$/;

export default defineRule({
  id: 'static-mut-export-state',
  catalogId: 'R04',
  family: 'reentrancy',
  side: 'rust',
  defaultSeverity: 'info',
  summary: 'a `static mut` is reached from an export or a closure handed to JS, with no runtime guard',
  fix: 'none',
  docs: 'docs/rules/static-mut-export-state.md',
  nodeTypes: ['function_item', 'closure_expression', 'async_block'],
  // Text gate (Rule.textGate): only code JS enters is judged: an export is recognised from its own attributes (`wasm_bindgen`, `#[event]`, `durable_object`: rust-summary.ts, units.ts), `no_mangle` functions, closures/futures handed to JS.
  textGate: ['wasm_bindgen', 'event', 'durable_object', 'no_mangle', 'Closure', 'spawn_local', 'future_to_promise'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    const statics = staticMuts(env);
    if (statics.size === 0) return;
    const unit = unitKind(node, env);
    if (!unit || env.tests.isTestCode(node)) return;
    const body = unitBody(node);
    if (!body) return;
    // Cheap text test first: most units never name a `static mut`.
    const mentions = [...statics.keys()].some((name) => mentionsWord(body.text, name));
    const resolver = mentions ? stateResolverFor(env, node) : undefined;
    const direct = resolver ? referenceUses(body, node, statics, resolver) : [];
    const uses = [...direct, ...helperUses(node, body, env, statics)].sort((a, b) => a.node.startIndex - b.node.startIndex);
    if (uses.length === 0) return;
    const byStatic = new Map<string, Use[]>();
    for (const u of uses) {
      const list = byStatic.get(u.root.name);
      if (list) list.push(u);
      else byStatic.set(u.root.name, [u]);
    }
    for (const list of byStatic.values()) {
      const directOnes = list.filter((u) => !u.via);
      const held = resolver && directOnes.length > 0 ? heldAcrossJs(directOnes, node, env, resolver) : undefined;
      if (held) reportHeld(ctx, env, held);
      else reportUse(ctx, env, node, unit, list);
    }
  },
});

type UnitKind = 'export' | 'callback';

function unitKind(node: Node, env: RustEnv): UnitKind | undefined {
  if (node.type === 'function_item') {
    const e = exportOfFunction(node, env);
    if (e) return e.isStart ? undefined : 'export';
    if (hasExportAttributes(node)) return 'export';
    // `#[no_mangle]` functions of a wasm crate are raw wasm exports JS can call too.
    return env.crate?.usesWasmBindgen !== false && isNoMangle(node) ? 'export' : undefined;
  }
  return callbackKindOf(node) ? 'callback' : undefined;
}

function isNoMangle(fn: Node): boolean {
  return attributesOf(fn).some((a) => a.name === 'no_mangle' || (a.name === 'unsafe' && /^\(\s*no_mangle\s*\)$/.test(a.args?.text ?? '')));
}

/** Per crate index (plain data): its `static mut`s by name. Not memoised on the file's root: it reads no more than the index. */
const STATIC_MUTS = new WeakMap<object, ReadonlyMap<string, StateRoot>>();
const NO_STATICS: ReadonlyMap<string, StateRoot> = new Map();

function staticMuts(env: RustEnv): ReadonlyMap<string, StateRoot> {
  const index = env.index;
  if (!index) return NO_STATICS;
  let out = STATIC_MUTS.get(index);
  if (!out) {
    const found = new Map<string, StateRoot>();
    for (const r of index.stateRoots.values()) if (r.kind === 'static mut' && !found.has(r.name)) found.set(r.name, r);
    STATIC_MUTS.set(index, (out = found));
  }
  return out;
}

interface Use {
  readonly root: StateRoot;
  /** The node to show: `&mut GAME`, `GAME.as_mut()`, `addr_of_mut!(GAME)`; for `via`, the call of the helper. */
  readonly node: Node;
  readonly how: string;
  /** The use sits in a helper function the unit calls: its name and the use inside it. */
  readonly via?: { readonly helper: string; readonly use: Node };
}

// ---- one level into helpers ------------------------------------------------------------------------

/**
 * Uses of `static mut`s inside functions of this file the unit calls directly — `on_key(..)` (a free
 * function of the file, unambiguous by name), `self.step()` / `Self::step(..)` (same impl type) — the
 * usual shape of JS callbacks that forward to handler functions. One level deep; exports and other
 * units are skipped (they are reported on their own).
 */
function helperUses(unit: Node, body: Node, env: RustEnv, statics: ReadonlyMap<string, StateRoot>): Use[] {
  const fn = enclosingFunction(unit);
  if (!fn) return [];
  const out: Use[] = [];
  const seen = new Set<number>();
  for (const call of env.facts(fn).calls) {
    if (call.startIndex < body.startIndex || call.endIndex > body.endIndex || !runsSynchronouslyWithin(call, unit)) continue;
    const helper = helperOf(call, env);
    if (!helper || helper.id === unit.id || helper.id === fn.id || seen.has(helper.id)) continue;
    if (exportOfFunction(helper, env) || hasExportAttributes(helper)) continue;
    const inner = directUsesOf(helper, env, statics);
    const reported = new Set<string>();
    for (const u of inner) {
      if (reported.has(u.root.name)) continue;
      reported.add(u.root.name);
      out.push({ root: u.root, node: call, how: u.how, via: { helper: helper.childForFieldName('name')?.text ?? '?', use: u.node } });
    }
    seen.add(helper.id);
  }
  return out;
}

function directUsesOf(fn: Node, env: RustEnv, statics: ReadonlyMap<string, StateRoot>): Use[] {
  return env.memo('r04-direct-uses', fn, () => {
    const body = fn.childForFieldName('body');
    if (!body || ![...statics.keys()].some((name) => mentionsWord(body.text, name))) return [];
    const resolver = stateResolverFor(env, fn);
    return resolver ? referenceUses(body, fn, statics, resolver) : [];
  });
}

/** The function of this file a call runs: a free function by unique name, or a method of the caller's impl type. */
function helperOf(call: Node, env: RustEnv): Node | undefined {
  const m = asMethodCall(call);
  if (m) {
    if (m.receiver.type !== 'self') return undefined;
    const implType = enclosingImplType(call);
    return implType ? methodsOfType(implType, env).get(m.method) : undefined;
  }
  const p = asPathCall(call);
  if (!p) return undefined;
  if (p.segments.length === 2 && p.segments[0] === 'Self') {
    const implType = enclosingImplType(call);
    return implType ? methodsOfType(implType, env).get(p.name) : undefined;
  }
  if (p.segments.length !== 1 && !(p.segments.length === 2 && (p.segments[0] === 'crate' || p.segments[0] === 'self' || p.segments[0] === 'super'))) return undefined;
  return freeFunctions(env).get(p.name) ?? undefined;
}

/** Free functions of the file (module level, not in impls or other functions) by name; `null` when ambiguous. */
function freeFunctions(env: RustEnv): ReadonlyMap<string, Node | null> {
  return env.memo('r04-free-functions', env.root, () => {
    const out = new Map<string, Node | null>();
    const stack: Node[] = [env.root];
    while (stack.length > 0) {
      const container = stack.pop()!;
      for (const item of container.namedChildren) {
        if (item.type === 'function_item') {
          const name = item.childForFieldName('name')?.text;
          if (name) out.set(name, out.has(name) ? null : item);
        } else if (item.type === 'mod_item') {
          const body = item.childForFieldName('body');
          if (body) stack.push(body);
        }
      }
    }
    return out;
  });
}

/**
 * Reference-taking uses of `static mut`s running synchronously in `unit`, in document order. A cursor
 * walk that materialises only candidate identifiers and the nodes that decide whether to descend.
 */
function referenceUses(body: Node, unit: Node, statics: ReadonlyMap<string, StateRoot>, resolver: StateResolver): Use[] {
  const out: Use[] = [];
  const cursor = body.walk();
  try {
    if (!cursor.gotoFirstChild()) return out;
    for (;;) {
      const type = cursor.nodeType;
      let descend = true;
      if (type === 'function_item' || type === 'impl_item' || type === 'async_block' || type === 'line_comment' || type === 'block_comment' || type === 'string_literal') {
        descend = false;
      } else if (type === 'closure_expression') {
        descend = isInvokedImmediately(cursor.currentNode);
      } else if (type === 'identifier') {
        const root = statics.get(cursor.nodeText);
        if (root) {
          const n = cursor.currentNode;
          if (!resolver.bindings.lookup(n.text, n.startIndex)) { // not a local of the same name
            const use = parentOf(n)?.type === 'token_tree' ? tokenUse(n, root) : expressionUse(n, root);
            if (use && runsSynchronouslyWithin(use.node, unit)) out.push(use);
          }
        }
      }
      if (!advanceCursor(cursor, descend)) break;
    }
  } finally {
    cursor.delete();
  }
  return out;
}

/** `GAME` (or `crate::GAME`) in expression position: how it is used. */
function expressionUse(id: Node, root: StateRoot): Use | undefined {
  let expr: Node = id;
  const up = parentOf(id);
  if (up?.type === 'scoped_identifier' && up.childForFieldName('name')?.id === id.id) expr = up;
  else if (up?.type === 'scoped_identifier') return undefined; // `GAME::x`: a path through a module or type of that name
  let place: Node = expr;
  for (let p = parentOf(place); p; p = parentOf(place)) {
    if (p.type === 'field_expression' && p.childForFieldName('value')?.id === place.id) {
      const call = parentOf(p);
      if (call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id) {
        // Autoref: a method on a scalar static reads a copy in practice; on anything else it borrows the static.
        if (place.id === expr.id && SCALAR.test(root.type.trim())) return undefined;
        return { root, node: call, how: `\`${short(call.text)}\`` };
      }
      place = p;
      continue;
    }
    if (p.type === 'index_expression' && p.namedChild(0)?.id === place.id) {
      // `HISTORY[i] = v` on a Vec/map static: `Index`/`IndexMut` take `&HISTORY`/`&mut HISTORY` (an
      // array's built-in indexing does not).
      if (place.id === expr.id && !/^\[/.test(root.type.trim()) && !SCALAR.test(root.type.trim())) return { root, node: p, how: `\`${short(p.text)}\`` };
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
  if (parent?.type === 'reference_expression') {
    return { root, node: parent, how: `\`${short(parent.text)}\`` };
  }
  // `if let Some(ref mut s) = CURRENT`, `match CURRENT { Some(ref s) => … }`: a `ref` binding borrows the static.
  const patterns = parent?.type === 'let_condition' || parent?.type === 'let_declaration' ? [parent.childForFieldName('pattern')]
    : parent?.type === 'match_expression' && parent.childForFieldName('value')?.id === place.id
      ? (parent.childForFieldName('body')?.namedChildren ?? []).filter((a) => a.type === 'match_arm').map((a) => a.childForFieldName('pattern'))
      : [];
  const byRef = patterns.find((pattern) => pattern && /(^|[^\w])ref\s/.test(pattern.text));
  if (parent && byRef) return { root, node: place, how: `\`${short(byRef.text)}\` bound to \`${short(place.text)}\`` };
  return undefined;
}

/** `GAME` inside a macro's token tree: `addr_of_mut!(GAME)`, `&mut GAME`, `GAME.method(..)` in `format!` args … */
function tokenUse(id: Node, root: StateRoot): Use | undefined {
  const tree = parentOf(id)!;
  const macro = parentOf(tree);
  const macroName = macro?.type === 'macro_invocation' ? lastSegment(macro.childForFieldName('macro')?.text ?? '') : '';
  if ((macroName === 'addr_of_mut' || macroName === 'addr_of') && macro) return { root, node: macro, how: `\`${short(macro.text)}\`` };
  // Skip a leading path (`crate::GAME`).
  let before = id.previousSibling;
  while (before?.type === '::') {
    const segment = before.previousSibling;
    before = segment && segment.type !== '&' ? segment.previousSibling : segment;
  }
  if (before?.type === 'mutable_specifier' && before.previousSibling?.type === '&') return { root, node: id, how: `\`&mut ${id.text}\`` };
  if (before?.type === '&') return { root, node: id, how: `\`&${id.text}\`` };
  const dot = id.nextSibling;
  const method = dot?.nextSibling;
  if (dot?.type === '.' && method?.type === 'identifier' && method.nextSibling?.type === 'token_tree' && !SCALAR.test(root.type.trim())) {
    return { root, node: id, how: `\`${id.text}.${method.text}(..)\`` };
  }
  return undefined;
}

// ---- held across JS --------------------------------------------------------------------------------

interface Held {
  readonly use: Use;
  /** The JS call or `.await` that runs while the reference is live. */
  readonly point: Node;
  readonly pointText: string;
  readonly holder?: string;
}

/**
 * A reference-taking use whose reference is still live at a call into JS or an `.await` in the same
 * unit: bound by `let` and used again after the call, or a temporary whose statement calls JS after it.
 */
function heldAcrossJs(uses: readonly Use[], unit: Node, env: RustEnv, resolver: StateResolver): Held | undefined {
  const fn = enclosingFunction(unit);
  if (!fn) return undefined;
  const facts = env.facts(fn);
  const body = unitBody(unit);
  if (!body) return undefined;
  const points: { node: Node; text: string; at: number }[] = [];
  for (const call of facts.calls) {
    if (call.startIndex < body.startIndex || call.endIndex > body.endIndex || !runsSynchronouslyWithin(call, unit)) continue;
    // `js_async_fn().await` is one point: the await, where other exports get to run.
    if (parentOf(call)?.type === 'await_expression') continue;
    const js = jsCallPointOf(call, env, resolver);
    if (js && js.certainty === 'direct') points.push({ node: call, text: `\`${js.display}\` runs JS`, at: call.endIndex });
  }
  for (const a of facts.awaits) {
    if (a.startIndex < body.startIndex || a.endIndex > body.endIndex || !runsSynchronouslyWithin(a, unit)) continue;
    points.push({ node: a, text: 'the future is suspended at `.await`', at: a.endIndex });
  }
  if (points.length === 0) return undefined;
  points.sort((a, b) => a.at - b.at);
  for (const use of uses) {
    const located = statementOf(use.node);
    if (!located) continue;
    const statement = located.statement;
    // A temporary: JS called later in the same statement, while the reference is still in use.
    const inStatement = points.find((p) => p.node.startIndex >= use.node.startIndex && p.node.endIndex <= statement.endIndex && p.node.id !== use.node.id && !within(p.node, use.node));
    if (inStatement && statement.type !== 'let_declaration') return { use, point: inStatement.node, pointText: inStatement.text };
    if (statement.type !== 'let_declaration') continue;
    const pattern = statement.childForFieldName('pattern');
    if (!pattern) continue;
    for (const id of patternIdentifiers(pattern)) {
      const lastUse = lastUseOf(id.text, statement, located.block, resolver);
      if (lastUse === undefined) continue;
      const p = points.find((q) => q.node.startIndex >= statement.endIndex && q.at <= lastUse);
      if (p) return { use, point: p.node, pointText: p.text, holder: id.text };
    }
  }
  return undefined;
}

/**
 * The statement that holds `node`, climbing out of blocks whose tail expression it is
 * (`let g = unsafe { GAME.as_mut().unwrap() };` is the `let`), and the block it belongs to.
 */
function statementOf(node: Node): { statement: Node; block: Node } | undefined {
  let child = node;
  for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
    if (n.type === 'function_item' || n.type === 'closure_expression' || n.type === 'async_block') return undefined;
    if (n.type === 'let_declaration' || n.type === 'expression_statement') {
      const block = parentOf(n);
      return block?.type === 'block' ? { statement: n, block } : undefined;
    }
    if (n.type === 'block' && lastCodeChild(n)?.id !== child.id) return { statement: child, block: n };
  }
  return undefined;
}

function lastCodeChild(block: Node): Node | null {
  for (let i = block.namedChildCount - 1; i >= 0; i--) {
    const c = block.namedChild(i);
    if (c && c.type !== 'line_comment' && c.type !== 'block_comment') return c;
  }
  return null;
}

/** The end offset of the last mention of the `let`-bound `name` in its block (cursor walk, identifiers only). */
function lastUseOf(name: string, letNode: Node, block: Node, resolver: StateResolver): number | undefined {
  let last: number | undefined;
  const cursor = block.walk();
  try {
    if (!cursor.gotoFirstChild()) return undefined;
    for (;;) {
      // Skip whatever ends before the binding exists.
      let descend = cursor.endIndex > letNode.endIndex;
      if (descend && cursor.nodeType === 'identifier' && cursor.nodeText === name) {
        const n = cursor.currentNode;
        const b = resolver.bindings.lookup(name, n.startIndex);
        if (b && b.binder.id === letNode.id) last = n.endIndex;
        descend = false;
      }
      if (!advanceCursor(cursor, descend)) break;
    }
  } finally {
    cursor.delete();
  }
  return last;
}

function within(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

// ---- reporting -------------------------------------------------------------------------------------

function unitName(unit: Node, kind: UnitKind): string {
  if (kind === 'export') return `export \`${unit.childForFieldName('name')?.text ?? '?'}\``;
  return unit.type === 'async_block' ? 'this future (run by JS)' : 'this closure (called by JS)';
}

function declarationOf(root: StateRoot): RelatedLocation {
  return { path: root.path, range: root.nameRange, message: `\`static mut ${root.name}\` declared here` };
}

function reportUse(ctx: RuleContext, env: RustEnv, unit: Node, kind: UnitKind, uses: readonly Use[]): void {
  const first = uses[0];
  const name = `\`${first.root.name}\``;
  const more = uses.length > 1 ? ` (and ${uses.length - 1} more)` : '';
  const related: RelatedLocation[] = [declarationOf(first.root)];
  if (first.via) related.push({ path: env.path, range: { start: first.via.use.startIndex, end: first.via.use.endIndex }, message: `reference into ${name} taken in \`${first.via.helper}\`` });
  const nameNode = unit.type === 'function_item' ? unit.childForFieldName('name') : null;
  if (nameNode) related.push({ path: env.path, range: { start: nameNode.startIndex, end: nameNode.endIndex }, message: 'entered from JS here' });
  const takes = first.via
    ? `reaches the \`static mut\` ${name} through \`${first.via.helper}(..)\`, which takes a reference into it with ${first.how}`
    : `takes a reference into the \`static mut\` ${name} with ${first.how}`;
  ctx.report({
    node: first.node,
    message: `${unitName(unit, kind)} ${takes}${more}; a \`static mut\` has no runtime guard, `
      + `so if JS re-enters an export that touches ${name} while the reference is live, two references alias it — undefined behaviour that surfaces as silent corruption, not as an error`,
    related,
  });
}

function reportHeld(ctx: RuleContext, env: RustEnv, held: Held): void {
  const name = `\`${held.use.root.name}\``;
  const reference = `a reference into the \`static mut\` ${name} (taken with ${held.use.how})`;
  const holder = held.holder ? `\`${held.holder}\`, ${reference}, is` : `${reference} is`;
  const range = held.point.type === 'await_expression' ? yieldPointRange(held.point) : { start: held.point.startIndex, end: held.point.endIndex };
  ctx.report({
    range,
    message: `${held.pointText} while ${holder} still in use; if JS calls an export that touches ${name} meanwhile, `
      + `two references alias the static — undefined behaviour that surfaces as silent corruption, not as an error, in every build mode`,
    severity: 'warning',
    related: [
      { path: env.path, range: { start: held.use.node.startIndex, end: held.use.node.endIndex }, message: `reference into ${name} taken here` },
      declarationOf(held.use.root),
    ],
  });
}

function short(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 40 ? oneLine.slice(0, 37) + '…' : oneLine;
}

