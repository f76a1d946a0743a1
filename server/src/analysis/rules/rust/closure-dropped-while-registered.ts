// closure-dropped-while-registered (catalog R06, reentrancy): a local wasm-bindgen `Closure` is handed
// by reference (`c.as_ref().unchecked_ref()`, `&c`) to a JS API that keeps the function — an event
// listener, an `on*` handler property, a timer, an animation frame, a promise reaction, an observer —
// and then dropped at the end of its block (not `forget()`-ten, not moved into a field, a return value,
// another closure, not turned into a JsValue). Dropping the `Closure` invalidates the JS function, so
// when JS calls it later it throws `Error: closure invoked recursively or after being dropped` and the handler
// never runs (a promise chained on it rejects with that error).
// Documented in docs/rules/closure-dropped-while-registered.md; cases in test-fixtures/rust/closure-dropped-while-registered.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, FileEdit, RelatedLocation } from '../../model';
import {
  asMethodCall, asPathCall, attributesOf, closureConstructionsIn, enclosingImplType, executionContextOf, forEachDescendant,
  indentationAt, isWasmBindgenAttribute, parentOf, rustEnv, suspendedContextOf, usesOfOwner,
  type ClosureConstruction, type ClosureUse, type Registration, type RustEnv,
  isWasmBindgenCode,
} from '../../rust/index';

export default defineRule({
  id: 'closure-dropped-while-registered',
  catalogId: 'R06',
  family: 'reentrancy',
  side: 'rust',
  defaultSeverity: 'error',
  summary: 'a local `Closure` handed by reference to a JS API that keeps it is dropped at the end of its scope, so later calls from JS throw',
  fix: 'unsafe',
  docs: 'docs/rules/closure-dropped-while-registered.md',
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): every finding is on a `Closure`/`ScopedClosure` construction (gloo listeners are skipped).
  textGate: ['Closure'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (!node.childForFieldName('body') || env.tests.isTestCode(node)) return;
    // A crate that does not use wasm-bindgen (a native CLI in the same workspace) calls no JS.
    if (!isWasmBindgenCode(env)) return;
    for (const construction of closureConstructionsIn(node, env)) {
      if (construction.owner === 'EventListener') continue; // gloo removes its listener when dropped
      // `ScopedClosure::borrow*` exists for immediate, synchronous calls; `once_into_js` hands ownership to JS.
      if (/^borrow|^once_into_js$/.test(construction.constructorName)) continue;
      const binding = construction.binding;
      if (!binding || binding.chained) continue;
      const uses = usesOfOwner(construction, env);
      // Forgotten, converted, moved, dropped on purpose: the closure's lifetime is handled elsewhere.
      if (uses.some((u) => u.kind !== 'borrow')) continue;
      const registered = uses.find((u) => u.registration);
      if (!registered?.registration) continue;
      const block = parentOf(binding.letNode);
      if (!block || block.type !== 'block') continue;
      if (unregisteredLater(uses, registered, block, env, node)) continue;
      if (awaitsAfter(registered.registration.call, binding.letNode, block, env, node)) continue;
      report(ctx, env, node, construction, registered.registration, block, uses);
    }
  },
});

/** The listener is removed, the property cleared, the timer/frame cancelled or the observer disconnected before the drop. */
function unregisteredLater(uses: readonly ClosureUse[], registered: ClosureUse, block: Node, env: RustEnv, fn: Node): boolean {
  const after = registered.node.endIndex;
  if (uses.some((u) => u.unregisters && u.unregisters.startIndex > after)) return true;
  const reg = registered.registration!;
  for (const c of cancellationsIn(fn, env)) {
    if (c.call.startIndex <= after || c.call.endIndex > block.endIndex) continue;
    if (c.kind === 'timer' && (reg.kind === 'timer' || reg.kind === 'animation-frame')) return true;
    if (c.kind === 'disconnect' && reg.kind === 'observer') return true;
    if (c.kind === 'clear-property' && reg.kind === 'handler-property' && c.eventType === reg.eventType) return true;
  }
  return false;
}

interface Cancellation {
  readonly call: Node;
  readonly kind: 'timer' | 'disconnect' | 'clear-property';
  readonly eventType?: string;
}

/** Calls that undo a registration without naming the closure (one pass per function). */
function cancellationsIn(fn: Node, env: RustEnv): Cancellation[] {
  return env.memo('r06-cancellations', fn, () => {
    const out: Cancellation[] = [];
    for (const call of env.facts(fn).calls) {
      const m = asMethodCall(call);
      const name = m?.method ?? asPathCall(call)?.name ?? '';
      if (/^(clear_timeout|clear_interval|cancel_animation_frame|cancel_idle_callback)/.test(name)) out.push({ call, kind: 'timer' });
      else if (name === 'disconnect') out.push({ call, kind: 'disconnect' });
      else if (m && /^set_on[a-z]+$/.test(m.method) && /^None$/.test(m.args[0]?.text.trim() ?? '')) out.push({ call, kind: 'clear-property', eventType: m.method.slice(6) });
    }
    return out;
  });
}

/**
 * The scope waits at an `.await` after registering (`JsFuture::from(p.then(&c)).await`, a channel fed by
 * the callback): the closure lives while the future is suspended, usually until the callback has run.
 */
function awaitsAfter(registration: Node, letNode: Node, block: Node, env: RustEnv, fn: Node): boolean {
  const context = executionContextOf(letNode);
  for (const a of env.facts(fn).awaits) {
    // The future suspends at the end of the `.await`, after its operand ran: the registration may sit inside it.
    if (a.endIndex <= registration.endIndex || a.endIndex > block.endIndex) continue;
    if (suspendedContextOf(a)?.id === context?.id) return true;
  }
  return false;
}

const WHEN: Readonly<Record<Registration['kind'], (r: Registration) => string>> = {
  'event-listener': (r) => (r.eventType ? `on the next \`${r.eventType}\` event` : 'when the event fires'),
  'handler-property': (r) => `on the next \`${r.eventType}\` event`,
  'gloo-listener': (r) => (r.eventType ? `on the next \`${r.eventType}\` event` : 'when the event fires'),
  timer: () => 'when the timer fires',
  'animation-frame': () => 'on the next animation frame',
  microtask: () => 'in the next microtask',
  promise: () => 'when the promise settles',
  observer: () => 'on the next observation',
};

function report(ctx: RuleContext, env: RustEnv, fn: Node, c: ClosureConstruction, reg: Registration, block: Node, uses: readonly ClosureUse[]): void {
  const name = c.binding!.name;
  const fnName = fn.childForFieldName('name')?.text;
  const body = fn.childForFieldName('body');
  const where = body && body.id === block.id && fnName
    ? `at the end of \`${fnName}\``
    : parentOf(block)?.type === 'closure_expression' ? 'when the closure it is created in returns' : 'at the end of its block';
  const outcome = reg.kind === 'promise' ? 'the callback never runs and the promise it returns rejects with that error' : 'the callback never runs';
  const message =
    `\`${name}\` is dropped ${where} while \`${reg.display}\` still holds its JS function; ` +
    `when JS calls it (${WHEN[reg.kind](reg)}), it throws \`Error: closure invoked recursively or after being dropped\`: ${outcome}`;
  const closeBrace = { start: block.endIndex - 1, end: block.endIndex };
  const related: RelatedLocation[] = [
    { path: env.path, range: { start: c.call.startIndex, end: firstLineEnd(env.text, c.call) }, message: `\`${name}\` created here` },
    { path: env.path, range: closeBrace, message: `\`${name}\` dropped here` },
  ];
  ctx.report({
    range: anchorRange(reg, env.text),
    message,
    related,
    fixes: () => fixesFor(env, fn, c, block, uses),
  });
}

/** The registration's method name (or macro token) to the end of that line: one line, the useful one. */
function anchorRange(reg: Registration, text: string): { start: number; end: number } {
  let start = reg.call.startIndex;
  const m = asMethodCall(reg.call);
  if (m) start = m.methodNode.startIndex;
  else if (reg.inMacro && reg.call.previousSibling) start = reg.call.previousSibling.startIndex;
  const nl = text.indexOf('\n', start);
  const end = Math.min(nl >= 0 ? nl : text.length, Math.max(reg.call.endIndex, start + 1));
  return { start, end };
}

function firstLineEnd(text: string, node: Node): number {
  const nl = text.indexOf('\n', node.startIndex);
  return nl >= 0 && nl < node.endIndex ? nl : node.endIndex;
}

// ---- fixes -----------------------------------------------------------------------------------------

function fixesFor(env: RustEnv, fn: Node, c: ClosureConstruction, block: Node, uses: readonly ClosureUse[]): Fix[] {
  const name = c.binding!.name;
  const last = lastStatementUsing(block, uses);
  if (!last) return [];
  const fixes: Fix[] = [];
  const forget = keepAlive(env, block, last, `${name}.forget();`);
  if (forget) {
    fixes.push({
      title: `Leak \`${name}\` with \`${name}.forget()\` so JS can keep calling it (it is never freed; store the handle instead if the callback is removed later)`,
      safety: 'unsafe',
      edits: forget,
    });
  }
  const store = storeInField(env, fn, c, block, last);
  if (store) fixes.push(store);
  return fixes;
}

/** The block statement containing the last use of the closure. */
function lastStatementUsing(block: Node, uses: readonly ClosureUse[]): Node | undefined {
  let lastUse: Node | undefined;
  for (const u of uses) {
    const end = u.extent && u.extent.startIndex > u.node.startIndex ? u.extent : u.node;
    if (!lastUse || end.startIndex > lastUse.startIndex) lastUse = end;
  }
  if (!lastUse) return undefined;
  let n: Node = lastUse;
  for (let up = parentOf(n); up; n = up, up = parentOf(up)) if (up.id === block.id) return n;
  return undefined;
}

/**
 * Inserts `statement` after `last`. When `last` is the block's tail expression (its value is the block's),
 * keeps that value: `let registered = EXPR; statement registered`.
 */
function keepAlive(env: RustEnv, block: Node, last: Node, statement: string): FileEdit[] | undefined {
  // Broken code around the last use (a statement cut short, junk after it): where a new statement may go
  // cannot be told, and an insertion there can turn one syntax error into several.
  if (last.hasError || last.nextSibling?.type === 'ERROR') return undefined;
  const indent = indentationAt(env.text, last.startIndex);
  const isTail = last.type !== 'expression_statement' && last.type !== 'let_declaration' && !/;\s*$/.test(last.text) && lastCodeChild(block)?.id === last.id;
  if (!isTail) {
    // A statement follows only a complete one: `…;` or a block-like expression statement (`if … { }`).
    if (!/;\s*$/.test(last.text) && !(last.type === 'expression_statement' && BLOCK_LIKE.test(last.namedChild(0)?.type ?? ''))) return undefined;
    return [{ range: { start: last.endIndex, end: last.endIndex }, newText: `\n${indent}${statement}` }];
  }
  if (last.type === 'expression_statement' || /^(if|match|loop|while|for)_expression$/.test(last.type)) return undefined;
  return [
    { range: { start: last.startIndex, end: last.startIndex }, newText: 'let registered = ' },
    { range: { start: last.endIndex, end: last.endIndex }, newText: `;\n${indent}${statement}\n${indent}registered` },
  ];
}

const BLOCK_LIKE = /^(?:if_expression|match_expression|loop_expression|while_expression|for_expression|block|unsafe_block|async_block)$/;

function lastCodeChild(block: Node): Node | null {
  for (let i = block.namedChildCount - 1; i >= 0; i--) {
    const c = block.namedChild(i);
    if (c && c.type !== 'line_comment' && c.type !== 'block_comment') return c;
  }
  return null;
}

/**
 * "Store it": in a `&mut self` method of a struct declared in this file, keep the closure in a new
 * `Option<Closure<…>>` field. Offered only when that is mechanical: the closure's `dyn` type is written
 * out without `_`, the struct has named fields and a private one (so every struct literal that must
 * initialise the new field is in this module — we update the ones in this file), derives nothing a
 * `Closure` lacks, and is not a `#[wasm_bindgen]` struct of a panic=unwind build (whose fields must be
 * `RefUnwindSafe`).
 */
function storeInField(env: RustEnv, fn: Node, c: ClosureConstruction, block: Node, last: Node): Fix | undefined {
  const name = c.binding!.name;
  const params = fn.childForFieldName('parameters');
  const selfParam = params?.namedChildren.find((p) => p.type === 'self_parameter');
  if (!selfParam || !/&\s*mut\s+self|^mut\s+self/.test(selfParam.text.replace(/'\w+\s*/, ''))) return undefined;
  if (!c.dynType || /[(,]\s*_\s*[,)]/.test(c.dynType) || /\b_\b/.test(c.dynType) || c.owner !== 'Closure') return undefined;
  const implType = enclosingImplType(fn);
  if (!implType) return undefined;
  // Keeping it in a field of a value being dropped keeps nothing alive.
  if (fn.childForFieldName('name')?.text === 'drop' && /\bimpl\b[^{]*\bDrop\s+for\b/.test(implHeader(fn))) return undefined;
  const struct = findStruct(env.root, implType);
  if (!struct) return undefined;
  const body = struct.childForFieldName('body');
  if (!body || body.type !== 'field_declaration_list') return undefined;
  const fields = body.namedChildren.filter((f) => f.type === 'field_declaration');
  if (fields.length === 0 || fields.every((f) => f.namedChildren.some((x) => x.type === 'visibility_modifier'))) return undefined;
  const attrs = attributesOf(struct);
  if (attrs.some(isWasmBindgenAttribute) && env.buildMode === 'unwind') return undefined;
  for (const a of attrs) {
    if (a.name !== 'derive' || !a.args) continue;
    const derived = a.args.text.replace(/[()\s]/g, '').split(',').filter((d) => d.length > 0).map((d) => d.replace(/^.*::/, ''));
    if (derived.some((d) => d !== 'Debug' && d !== 'Default')) return undefined;
  }
  const taken = new Set(fields.map((f) => f.childForFieldName('name')?.text));
  let field = name;
  for (let i = 2; taken.has(field); i++) field = `${name}_${i}`;
  const fieldIndent = indentationAt(env.text, fields[fields.length - 1].startIndex);
  const lastField = fields[fields.length - 1];
  const typeText = `Option<${c.ownerPath}<${c.dynType}>>`;
  const edits: FileEdit[] = [insertAfterListItem(env.text, lastField, body.endIndex, `\n${fieldIndent}${field}: ${typeText}`)];
  // Every `S { … }` / `Self { … }` literal in this file initialises the new field (a `..base` supplies it).
  let ok = true;
  forEachDescendant(env.root, (n) => {
    if (!ok) return false;
    if (n.type !== 'struct_expression') return true;
    const typeName = n.childForFieldName('name')?.text;
    const isOurs = typeName === implType || (typeName === 'Self' && enclosingImplType(n) === implType);
    if (!isOurs) return true;
    const init = n.childForFieldName('body');
    if (!init) {
      ok = false;
      return false;
    }
    if (init.namedChildren.some((x) => x.type === 'base_field_initializer')) return true;
    const items = init.namedChildren.filter((x) => x.type === 'field_initializer' || x.type === 'shorthand_field_initializer');
    const lastItem = items[items.length - 1];
    if (!lastItem) {
      edits.push({ range: { start: init.startIndex + 1, end: init.startIndex + 1 }, newText: ` ${field}: None ` });
      return true;
    }
    edits.push(insertAfterListItem(env.text, lastItem, init.endIndex, ` ${field}: None`));
    return true;
  });
  if (!ok) return undefined;
  const keep = keepAlive(env, block, last, `self.${field} = Some(${name});`);
  if (!keep) return undefined;
  edits.push(...keep);
  return {
    title: `Keep \`${name}\` in a new field \`${implType}::${field}\` (freed when the \`${implType}\` is dropped; a later call replaces and frees the previous one)`,
    safety: 'unsafe',
    edits,
  };
}

/** Inserts `item` after the list element `last`, after its trailing comma if it has one. */
function insertAfterListItem(text: string, last: Node, listEnd: number, item: string): FileEdit {
  const comma = /^\s*,/.exec(text.slice(last.endIndex, listEnd));
  if (comma) {
    const at = last.endIndex + comma[0].length;
    return { range: { start: at, end: at }, newText: `${item},` };
  }
  return { range: { start: last.endIndex, end: last.endIndex }, newText: `,${item}` };
}

function implHeader(fn: Node): string {
  for (let n = parentOf(fn); n; n = parentOf(n)) {
    if (n.type === 'impl_item') {
      const body = n.childForFieldName('body');
      return body ? n.text.slice(0, body.startIndex - n.startIndex) : n.text;
    }
  }
  return '';
}

function findStruct(root: Node, name: string): Node | undefined {
  let found: Node | undefined;
  forEachDescendant(root, (n) => {
    if (found) return false;
    if (n.type === 'struct_item') {
      if (n.childForFieldName('name')?.text === name) found = n;
      return false;
    }
    return n.type === 'source_file' || n.type === 'mod_item' || n.type === 'declaration_list';
  });
  return found;
}

