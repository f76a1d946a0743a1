// unwind-safety-asserted-without-proof (catalog U05, unwind-safety): an unwind-safety assertion with no
// written justification. wasm-bindgen (0.2.122, PR #5128) refuses, under panic=unwind, exports whose
// receivers/arguments are not `RefUnwindSafe` and closures whose captures are not `UnwindSafe`; these
// silence that check: (a) a manual `impl UnwindSafe`/`impl RefUnwindSafe` for an exported struct or a
// type of this file with interior mutability, (b) an `AssertUnwindSafe<…>` field of an exported struct,
// (c) `AssertUnwindSafe(expr)` whose value JS-invoked code runs with (inside an export or a closure
// handed to JS, passed to `Closure::*`/`spawn_local`/`future_to_promise`, or bound and captured by such
// a closure), (d) `Closure::*_assert_unwind_safe` constructors. The assertion is sound only if a panic
// cannot leave the state inconsistent; after a caught panic (`PanicError`) the instance keeps running
// on that state. Reported as info (a review rule) in unwind builds only: under abort every
// `MaybeUnwindSafe` bound is a no-op and nothing is caught.
//
// Not reported: assertions over nothing a panic can tear (`AssertUnwindSafe<Cell<u32>>`-style scalar
// cells, literals, closures that capture nothing), and assertions with a justification comment (the
// accepted form is in ../../rust/justification.ts and the doc page). No fix: a comment inserted by a
// tool would silence the rule without the review it asks for. Documented in
// docs/rules/unwind-safety-asserted-without-proof.md; cases in test-fixtures/rust/unwind-safety-asserted-without-proof.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { RelatedLocation, TextRange } from '../../model';
import {
  asPathCall, attributesOf, enclosingFunction, enclosingStatement, forEachDescendant, isWasmBindgenAttribute, lastSegment, mentionsWord, parentOf, rustEnv,
  stateResolverFor, stripTransparent, typeBaseName, type RustEnv,
} from '../../rust/index';
import { justificationComment } from '../../rust/justification';
import { describeEntry, entryAround, type EntryPoint } from '../../rust/reach';
import { isServerOnlyCode } from '../../rust/server-code';

const UNWIND_TRAITS = new Set(['UnwindSafe', 'RefUnwindSafe']);
const ASSERT_CONSTRUCTORS = /^(own|wrap|once|borrow|borrow_mut)_assert_unwind_safe$/;
const CLOSURE_OWNERS = new Set(['Closure', 'ScopedClosure']);
const JS_SPAWNERS = new Set(['spawn_local', 'future_to_promise']);
const SCALAR = /^(u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|bool|char)$/;
/** Field types a panic can leave half-updated (interior mutability, shared ownership of such). */
const TEARABLE = /\b(RefCell|Cell|UnsafeCell|Mutex|RwLock|OnceCell|Rc|Arc)\s*</;

export default defineRule({
  id: 'unwind-safety-asserted-without-proof',
  catalogId: 'U05',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'info',
  summary: '`AssertUnwindSafe`, a manual `UnwindSafe`/`RefUnwindSafe` impl or an `*_assert_unwind_safe` closure without a justification comment (panic=unwind)',
  fix: 'none',
  docs: 'docs/rules/unwind-safety-asserted-without-proof.md',
  nodeTypes: ['impl_item', 'field_declaration', 'call_expression'],
  // Text gate (Rule.textGate): every finding is on an `(Ref)UnwindSafe` impl, an `AssertUnwindSafe` or a `*_assert_unwind_safe` constructor.
  textGate: ['UnwindSafe', 'unwind_safe'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (env.buildMode !== 'unwind' || !isWasmCrate(env)) return;
    if (node.type === 'impl_item') checkImpl(node, env, ctx);
    else if (node.type === 'field_declaration') checkField(node, env, ctx);
    else checkCall(node, env, ctx);
  },
});

function isWasmCrate(env: RustEnv): boolean {
  return env.crate?.usesWasmBindgen === true || (env.index?.exports.length ?? 0) > 0;
}

const CONSEQUENCE = 'under panic=unwind a panic there is caught (`PanicError`) and the instance keeps running on whatever state the panic left';
const ASK = 'explain in a `// UNWIND-SAFETY:` comment why a panic cannot leave it inconsistent';

// ---- (a) manual impls ------------------------------------------------------------------------------

function checkImpl(impl: Node, env: RustEnv, ctx: RuleContext): void {
  const trait = impl.childForFieldName('trait');
  const type = impl.childForFieldName('type');
  if (!trait || !type || !UNWIND_TRAITS.has(lastSegment(trait.text))) return;
  if (impl.children.some((c) => c.type === '!')) return; // `impl !UnwindSafe for T {}` opts out: the safe direction
  if (env.tests.isTestCode(impl)) return;
  const typeName = typeBaseName(type.text);
  const exported = env.index?.structs.get(typeName);
  const fields = env.structFields(typeName);
  const tearable = fields ? [...fields].filter(([, t]) => TEARABLE.test(t)).map(([n]) => n) : [];
  if (!exported && tearable.length === 0) return;
  if (exempt(env, impl, [impl])) return;
  const traitName = lastSegment(trait.text);
  const what = exported ? `exported \`${typeName}\`` : `\`${typeName}\``;
  const fieldsText = tearable.length > 0 ? ` (its ${list(tearable)} ${tearable.length > 1 ? 'are' : 'is'} interior-mutable)` : '';
  const message = `\`impl ${traitName} for ${typeName}\` tells wasm-bindgen's unwind-safety check that a panic cannot leave ${what} inconsistent${fieldsText}, without saying why; ` +
    `${CONSEQUENCE} — ${ASK}`;
  const related: RelatedLocation[] = [];
  if (exported) related.push({ path: exported.path, range: exported.nameRange, message: `\`${typeName}\` is exported to JS here` });
  ctx.report({ range: firstLine(env, trait.startIndex, type.endIndex), message, related });
}

// ---- (b) AssertUnwindSafe fields of exported structs --------------------------------------------------

function checkField(field: Node, env: RustEnv, ctx: RuleContext): void {
  const type = field.childForFieldName('type');
  const name = field.childForFieldName('name');
  if (!type || !name || typeBaseName(type.text) !== 'AssertUnwindSafe') return;
  const struct = parentOf(parentOf(field) ?? field);
  if (struct?.type !== 'struct_item') return;
  const structName = struct.childForFieldName('name')?.text ?? '';
  const exported = env.index?.structs.get(structName);
  const isExported = exported !== undefined || attributesOf(struct).some((a) => isWasmBindgenAttribute(a) || a.name === 'durable_object');
  if (!isExported || env.tests.isTestCode(field)) return;
  const inner = innerType(type.text);
  if (isScalarCell(inner)) return; // each Cell<u32> operation is one move: nothing to tear (workers-rs PR #999)
  if (exempt(env, field, [field])) return;
  const message = `field \`${name.text}: ${compact(type.text)}\` of exported \`${structName}\` is asserted unwind-safe without a justification; ` +
    `${CONSEQUENCE}, and later calls see \`${name.text}\` as it was left — ${ASK}`;
  const related: RelatedLocation[] = exported ? [{ path: exported.path, range: exported.nameRange, message: `\`${structName}\` is exported to JS here` }] : [];
  ctx.report({ range: firstLine(env, field.startIndex, field.endIndex), message, related });
}

// ---- (c) AssertUnwindSafe(expr) and (d) *_assert_unwind_safe closures -----------------------------------

function checkCall(call: Node, env: RustEnv, ctx: RuleContext): void {
  const p = asPathCall(call);
  if (!p) return;
  const owner = p.segments.length >= 2 ? p.segments[p.segments.length - 2] : undefined;
  if (p.name === 'AssertUnwindSafe' && p.args.length === 1) return checkAssertCall(call, p.args[0], env, ctx);
  if (owner && CLOSURE_OWNERS.has(owner) && ASSERT_CONSTRUCTORS.test(p.name) && p.args.length >= 1) return checkAssertClosure(call, p.calleeNode, p.args[0], env, ctx);
}

function checkAssertCall(call: Node, wrapped: Node, env: RustEnv, ctx: RuleContext): void {
  if (env.tests.isTestCode(call)) return;
  // `Self { count: AssertUnwindSafe(Cell::new(0)) }`: the field declaration is the assertion (b).
  if (parentOf(call)?.type === 'field_initializer') return;
  const inner = stripTransparent(wrapped);
  if (isTriviallySafe(inner)) return;
  const captures = inner.type === 'closure_expression' || inner.type === 'async_block' ? capturedNames(inner, env) : undefined;
  if (captures && captures.length === 0) return;
  const entry = jsEntryOf(call, env);
  if (!entry) return;
  if (exempt(env, call, anchorsOf(call))) return;
  const state = captures ? list(captures) : `\`${stateNameOf(inner)}\``;
  const message = `\`AssertUnwindSafe(..)\` asserts without a justification that a panic cannot leave ${state} inconsistent, and ${entry.text}; ` +
    `${CONSEQUENCE} — ${ASK}`;
  ctx.report({ range: firstLine(env, call.startIndex, call.endIndex), message, related: entry.related });
}

function checkAssertClosure(call: Node, callee: Node, arg: Node, env: RustEnv, ctx: RuleContext): void {
  if (env.tests.isTestCode(call)) return;
  const closure = closureArgument(arg);
  const captures = closure ? capturedNames(closure, env) : undefined;
  if (captures && captures.length === 0) return;
  if (exempt(env, call, anchorsOf(call))) return;
  const name = compact(callee.text);
  const state = captures ? `its captures (${list(captures)})` : 'the closure\'s captures';
  const message = `\`${name}\` skips the compile-time unwind-safety check of ${state} without a justification; ${CONSEQUENCE} when JS calls it — ${ASK}`;
  ctx.report({ range: { start: callee.startIndex, end: callee.endIndex }, message });
}

/** `Rc::clone(&stats)`, `stats.clone()`, `&mut stats` → `stats`; otherwise the expression itself. */
function stateNameOf(expr: Node): string {
  let n = stripTransparent(expr);
  for (let i = 0; i < 4; i++) {
    const p = asPathCall(n);
    if (p && p.name === 'clone' && p.args.length === 1) {
      n = stripTransparent(p.args[0]);
      continue;
    }
    const m = n.type === 'call_expression' ? n.childForFieldName('function') : null;
    if (m?.type === 'field_expression' && m.childForFieldName('field')?.text === 'clone') {
      n = stripTransparent(m.childForFieldName('value')!);
      continue;
    }
    break;
  }
  return compact(n.text);
}

/** `|x| …`, `Box::new(move || …)`, `Box::new(…) as Box<dyn FnMut()>`: the closure literal, if one is written. */
function closureArgument(arg: Node): Node | undefined {
  let n = stripTransparent(arg);
  for (let i = 0; i < 3; i++) {
    if (n.type === 'closure_expression') return n;
    const p = asPathCall(n);
    if (!p || p.name !== 'new' || p.args.length !== 1) return undefined;
    n = stripTransparent(p.args[0]);
  }
  return undefined;
}

/**
 * How the asserted value reaches JS-invoked code: the assertion sits in an export or a closure handed
 * to JS; it is passed (maybe through `Box::new`/`Box::pin`) to `Closure::*`, `spawn_local` or
 * `future_to_promise`; or it is bound by `let` and captured by such a closure later in the function.
 */
function jsEntryOf(call: Node, env: RustEnv): { text: string; related: RelatedLocation[] } | undefined {
  const related = (e: EntryPoint) => [{ path: e.path, range: e.range, message: `JS enters here: ${describeEntry(e)}` }];
  const runsIt = (e: EntryPoint) => ({
    text: e.kind === 'export' ? `export \`${e.display}\` runs it` : `\`${e.display}\`, which JS calls, runs it`, related: related(e),
  });
  const captures = (e: EntryPoint) => ({ text: `\`${e.display}\` captures it for JS to call`, related: related(e) });
  let arg: Node = call;
  for (let hops = 0; hops < 3; hops++) {
    const args = parentOf(arg);
    const consumer = args?.type === 'arguments' ? parentOf(args) : null;
    const p = consumer ? asPathCall(consumer) : undefined;
    if (!consumer || !p) break;
    const owner = p.segments.length >= 2 ? p.segments[p.segments.length - 2] : undefined;
    if (JS_SPAWNERS.has(p.name) || (owner && CLOSURE_OWNERS.has(owner))) {
      return { text: `it is handed to \`${p.segments.slice(-2).join('::')}(..)\``, related: [] };
    }
    if (owner !== 'Box' || (p.name !== 'new' && p.name !== 'pin')) break;
    arg = consumer;
  }
  return capturedAfterLet(call, env, captures) ?? mapEntry(entryAround(call, env), runsIt);
}

function mapEntry<T>(e: EntryPoint | undefined, f: (e: EntryPoint) => T): T | undefined {
  return e ? f(e) : undefined;
}

/** `let st = AssertUnwindSafe(..); Closure::new(move || st…)`: the closure handed to JS that captures it. */
function capturedAfterLet<T>(call: Node, env: RustEnv, fromEntry: (e: EntryPoint) => T): T | undefined {
  const letNode = parentOf(call);
  if (letNode?.type !== 'let_declaration') return undefined;
  const pattern = letNode.childForFieldName('pattern');
  const name = pattern?.type === 'identifier' ? pattern.text : pattern?.namedChildren.find((c) => c.type === 'identifier')?.text;
  const fn = enclosingFunction(letNode);
  const block = parentOf(letNode);
  if (!name || !fn || !block) return undefined;
  const facts = env.facts(fn);
  for (const n of [...facts.closures, ...facts.asyncBlocks].sort((a, b) => a.startIndex - b.startIndex)) {
    if (n.startIndex < letNode.endIndex || n.endIndex > block.endIndex) continue;
    const e = entryAround(n, env);
    if (e?.kind === 'callback' && mentionsWord(n.text, name) && capturedNames(n, env).includes(name)) return fromEntry(e);
  }
  return undefined;
}

// ---- what is asserted over ---------------------------------------------------------------------------

/** Literals and `Cell::new(<literal>)`: nothing a panic can leave half-updated. */
function isTriviallySafe(n: Node): boolean {
  if (/_literal$/.test(n.type)) return true;
  const p = asPathCall(n);
  return p !== undefined && p.name === 'new' && p.segments.includes('Cell') && p.args.length === 1 && /_literal$/.test(stripTransparent(p.args[0]).type);
}

/** `Cell<usize>`, `std::cell::Cell<bool>`: a cell of a scalar. */
function isScalarCell(type: string): boolean {
  const m = /^(?:[\w:]*::)?Cell\s*<\s*([\w:]+)\s*>$/.exec(type.trim());
  return m !== null && SCALAR.test(lastSegment(m[1]));
}

function innerType(type: string): string {
  const m = /^[^<]*<([\s\S]*)>\s*$/.exec(type.trim());
  return m ? m[1].trim() : type;
}

/** Names a closure or async block uses from its enclosing function (its captures), and `self`. */
function capturedNames(closure: Node, env: RustEnv): string[] {
  const resolver = stateResolverFor(env, closure);
  const out = new Set<string>();
  forEachDescendant(closure, (n) => {
    if (n.type === 'self' || (n.type === 'identifier' && n.text === 'self')) out.add('self');
    else if (n.type === 'identifier') {
      const parent = parentOf(n);
      // Path segments, called function names and macro names are not variables.
      if (parent && (parent.type === 'scoped_identifier' || parent.type === 'macro_invocation' ||
        (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === n.id))) return true;
      const b = resolver?.bindings.lookup(n.text, closure.startIndex);
      if (b && b.visibleFrom <= closure.startIndex && !(b.node.startIndex >= closure.startIndex && b.node.endIndex <= closure.endIndex)) out.add(n.text);
    }
    return n.type !== 'function_item';
  });
  return [...out];
}

// ---- helpers ---------------------------------------------------------------------------------------

/** Justified, or not code of the wasm module at all (server-only code of a full-stack crate). */
function exempt(env: RustEnv, node: Node, anchors: readonly Node[]): boolean {
  return isServerOnlyCode(node, env) || justificationComment(env.text, node.startIndex, anchors) !== undefined;
}

/** The statement that holds the assertion (a comment above it counts as well as one above the line). */
function anchorsOf(node: Node): Node[] {
  const s = enclosingStatement(node);
  return s ? [s.statement] : [];
}

function firstLine(env: RustEnv, start: number, end: number): TextRange {
  const nl = env.text.indexOf('\n', start);
  return { start, end: nl >= 0 && nl < end ? nl : end };
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 3).map((n) => `\`${n}\``);
  return names.length > 3 ? `${shown.join(', ')} …` : shown.join(', ');
}

function compact(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? oneLine.slice(0, 57) + '…' : oneLine;
}
