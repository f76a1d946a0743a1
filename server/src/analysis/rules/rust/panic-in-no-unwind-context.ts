// panic-in-no-unwind-context (catalog U08, unwind-safety): a panic point where a panic cannot unwind —
// in `Drop::drop` (a drop that runs while another panic unwinds panics twice), in an exported
// `extern "C"` function (a non-unwinding ABI: "panic in a function that cannot unwind"), or in a panic
// hook (a panic while processing a panic). Each is a hard abort even under panic=unwind: the caller
// gets a `WebAssembly.RuntimeError` instead of a `PanicError` and the instance is terminated. Under
// panic=abort every panic aborts anyway, so the rule is silent there (nothing specific to say).
// One finding per context (the first point; the message counts the others).
// Documented in docs/rules/panic-in-no-unwind-context.md; cases in test-fixtures/rust/panic-in-no-unwind-context.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, TextEdit } from '../../model';
import {
  asMethodCall, asPathCall, attributesOf, enclosingFunction, panicPointsIn, parentOf, runsSynchronouslyWithin, rustEnv,
  stateResolverFor, typeBaseName, WITH_BORROW_METHODS, type PanicPoint, type RustEnv, type StateResolver,
} from '../../rust/index';
import { cannotActuallyPanic, clippyLintsFor, isClippyAllowed } from '../../rust/clippy-allow';

type ContextKind = 'drop' | 'extern' | 'hook';

interface NoUnwindContext {
  readonly kind: ContextKind;
  /** The function item or closure whose body cannot unwind. */
  readonly unit: Node;
  readonly body: Node;
  /** `Session` (drop), `raw_entry` (extern fn), undefined (hook). */
  readonly name?: string;
  /** `"C"` or `"system"` for extern functions. */
  readonly abi?: string;
  /** What `related` points at: the `impl Drop for …` header, the fn name, the `set_hook` call. */
  readonly anchor: { readonly start: number; readonly end: number; readonly message: string };
}

export default defineRule({
  id: 'panic-in-no-unwind-context',
  catalogId: 'U08',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'a panic point in `Drop::drop`, an exported `extern "C"` function or a panic hook aborts the instance even under panic=unwind',
  fix: 'unsafe',
  docs: 'docs/rules/panic-in-no-unwind-context.md',
  nodeTypes: ['function_item', 'closure_expression'],
  // Text gate (Rule.textGate): the contexts are `impl Drop`, `extern` functions exported by `no_mangle`/`export_name`, and `panic::set_hook` closures.
  textGate: ['Drop', 'no_mangle', 'export_name', 'set_hook'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    // Under panic=abort (with or without the abort handler) every panic is already a hard abort.
    if (env.buildMode !== 'unwind') return;
    if (ctx.crate && !ctx.crate.usesWasmBindgen) return;
    const context = node.type === 'function_item' ? functionContext(node) : hookContext(node);
    if (!context || env.tests.isTestCode(node)) return;
    // `if std::thread::panicking() { return }`: the author already handles the double-panic case.
    if (/\bpanicking\s*\(\s*\)/.test(context.body.text)) return;
    const fn = enclosingFunction(node);
    const resolver = stateResolverFor(env, node);
    if (!fn) return;
    const points = pointsIn(context, fn, env, resolver);
    if (points.length === 0) return;
    report(ctx, env, context, points, resolver);
  },
});

// ---- contexts ----------------------------------------------------------------------------------------

function functionContext(fn: Node): NoUnwindContext | undefined {
  const body = fn.childForFieldName('body');
  const nameNode = fn.childForFieldName('name');
  if (!body || !nameNode) return undefined;
  const list = parentOf(fn);
  const impl = list?.type === 'declaration_list' ? parentOf(list) : null;
  if (impl?.type === 'impl_item') {
    const trait = impl.childForFieldName('trait');
    const type = impl.childForFieldName('type');
    if (nameNode.text !== 'drop' || !trait || !type || !/^((::)?(std|core|alloc)::ops::)?Drop$/.test(trait.text.replace(/\s+/g, ''))) return undefined;
    const typeName = typeBaseName(type.text);
    return {
      kind: 'drop', unit: fn, body, name: typeName,
      anchor: { start: impl.startIndex, end: type.endIndex, message: `\`Drop\` for \`${typeName}\`: runs during unwinding when a \`${typeName}\` is dropped by a panic` },
    };
  }
  const abi = nonUnwindingAbi(fn);
  if (!abi || !isExportedSymbol(fn)) return undefined;
  return {
    kind: 'extern', unit: fn, body, name: nameNode.text, abi,
    anchor: { start: nameNode.startIndex, end: nameNode.endIndex, message: `\`${nameNode.text}\` is exported with the non-unwinding ABI \`extern ${abi}\`` },
  };
}

/** `extern "C"`, `extern "system"` or a bare `extern` (= "C"); undefined for `"C-unwind"` and the rest. */
function nonUnwindingAbi(fn: Node): string | undefined {
  const modifiers = fn.namedChildren.find((c) => c.type === 'function_modifiers');
  const ext = modifiers?.namedChildren.find((c) => c.type === 'extern_modifier');
  if (!ext) return undefined;
  const literal = ext.namedChildren.find((c) => c.type === 'string_literal');
  if (!literal) return '"C"';
  return literal.text === '"C"' || literal.text === '"system"' ? literal.text : undefined;
}

/** `#[no_mangle]`, `#[unsafe(no_mangle)]`, `#[export_name = "…"]` (with or without `unsafe(..)`). */
function isExportedSymbol(fn: Node): boolean {
  return attributesOf(fn).some((a) => a.name === 'no_mangle' || a.name === 'export_name' ||
    (a.name === 'unsafe' && a.args !== null && /\b(no_mangle|export_name)\b/.test(a.args.text)));
}

/** `std::panic::set_hook(Box::new(|info| …))` (also `panic::set_hook`, a bare `set_hook`). */
function hookContext(closure: Node): NoUnwindContext | undefined {
  const body = closure.childForFieldName('body');
  if (!body) return undefined;
  let arg: Node = closure;
  for (let up = parentOf(arg); up && (up.type === 'parenthesized_expression' || up.type === 'type_cast_expression'); up = parentOf(up)) arg = up;
  const boxArgs = parentOf(arg);
  const boxCall = boxArgs?.type === 'arguments' ? parentOf(boxArgs) : null;
  const box = boxCall ? asPathCall(boxCall) : undefined;
  if (!boxCall || !box || box.name !== 'new' || box.segments[box.segments.length - 2] !== 'Box') return undefined;
  let outer: Node = boxCall;
  for (let up = parentOf(outer); up && (up.type === 'parenthesized_expression' || up.type === 'type_cast_expression'); up = parentOf(up)) outer = up;
  const hookArgs = parentOf(outer);
  const hookCall = hookArgs?.type === 'arguments' ? parentOf(hookArgs) : null;
  const hook = hookCall ? asPathCall(hookCall) : undefined;
  if (!hookCall || !hook || hook.name !== 'set_hook') return undefined;
  const qualifier = hook.segments[hook.segments.length - 2];
  if (qualifier !== undefined && qualifier !== 'panic') return undefined;
  return { kind: 'hook', unit: closure, body, anchor: { start: hookCall.startIndex, end: hook.calleeNode.endIndex, message: 'panic hook installed here' } };
}

// ---- points ------------------------------------------------------------------------------------------

/**
 * Panic, throw and (outside hooks) foreign points that run while the context runs. In a drop, an
 * infallible borrow of shared state (`X.borrow_mut()`, `X.with_borrow_mut(..)`) counts too: the value is
 * often dropped while that state is borrowed. `debug_assert!` is left out (the catalog's trap).
 */
function pointsIn(context: NoUnwindContext, fn: Node, env: RustEnv, resolver: StateResolver | undefined): PanicPoint[] {
  const facts = env.facts(fn);
  const { body, unit, kind } = context;
  const points = panicPointsIn(facts, body.startIndex, body.endIndex, env, {
    resolver, skipBoundsChecked: true, borrows: kind === 'drop', foreign: kind !== 'hook',
  }).filter((p) => !/^debug_assert/.test(p.display) && !cannotActuallyPanic(p) && !isClippyAllowed(p.node, clippyLintsFor(p), env.text));
  if (kind === 'drop' && resolver) {
    for (const call of facts.calls) {
      if (call.startIndex < body.startIndex || call.endIndex > body.endIndex) continue;
      const acq = resolver.acquisitionAt(call);
      if (!acq || !(acq.method in WITH_BORROW_METHODS) || acq.handling !== 'infallible') continue;
      const m = asMethodCall(call);
      if (!m) continue;
      points.push({ node: call, kind: 'borrow', failure: 'panic', display: `${acq.origin.name}.${acq.method}(..)`, position: m.methodNode.startIndex });
    }
    points.sort((a, b) => a.position - b.position);
  }
  // A drop has `&mut self`: a cell owned directly by `self` cannot be borrowed elsewhere at that moment.
  const ownCell = (p: PanicPoint) => {
    if (p.kind !== 'borrow' || !resolver) return false;
    const origin = resolver.acquisitionAt(p.node)?.origin;
    return origin?.kind === 'struct_field' && !/\b(Rc|Arc)\s*</.test(origin.type ?? '');
  };
  return points.filter((p) => runsSynchronouslyWithin(p.node, unit) && !(kind === 'drop' && ownCell(p)));
}

// ---- report ------------------------------------------------------------------------------------------

function report(ctx: RuleContext, env: RustEnv, context: NoUnwindContext, points: readonly PanicPoint[], resolver: StateResolver | undefined): void {
  const first = points[0];
  const more = points.length - 1;
  const where = context.kind === 'drop' ? `\`Drop::drop\` for \`${context.name}\``
    : context.kind === 'extern' ? `\`extern ${context.abi} fn ${context.name}\`, which cannot unwind`
    : 'the panic hook';
  const second = first.failure === 'panic' ? 'this second panic' : 'this exception';
  const when = context.kind === 'drop' ? `if a \`${context.name}\` is dropped while another panic unwinds, ${second} aborts`
    : context.kind === 'extern' ? 'a panic here aborts instead of unwinding'
    : 'a panic while a panic is being processed aborts';
  const instead = context.kind === 'extern' ? '' : ' instead of a `PanicError`';
  const scope = context.kind === 'drop' ? 'drop' : context.kind === 'extern' ? 'function' : 'hook';
  const moreText = more > 0 ? ` (${more} more panic point${more > 1 ? 's' : ''} in this ${scope})` : '';
  const message = `\`${first.display}\` ${whatItDoes(first)} inside ${where}: ${when} — under panic=unwind the caller gets a ` +
    `\`WebAssembly.RuntimeError\`${instead} and every later call throws 'Module terminated'${moreText}`;
  const related: RelatedLocation[] = [{ path: env.path, range: { start: context.anchor.start, end: context.anchor.end }, message: context.anchor.message }];
  for (const p of points.slice(1, 6)) {
    related.push({ path: env.path, range: { start: p.node.startIndex, end: p.node.endIndex }, message: `\`${p.display}\` ${whatItDoes(p)} here too` });
  }
  ctx.report({ node: first.node, message, related, fixes: () => fixesFor(env, context, points, resolver) });
}

function whatItDoes(p: PanicPoint): string {
  if (p.kind === 'borrow') return "can panic ('RefCell already borrowed')";
  if (p.failure === 'throw') return 'throws a JS exception';
  if (p.failure === 'foreign') return 'can throw a JS exception (import declared without `catch`)';
  return 'can panic';
}

// ---- fixes -------------------------------------------------------------------------------------------

/**
 * In a drop or a hook, when every point is a discarded fallible call (`EXPR.unwrap();` →
 * `let _ = EXPR;`) or a borrow statement (`X.with_borrow_mut(|s| …);` / `X.borrow_mut().m(..);` →
 * `try_borrow_mut` that skips the work when the state is busy): one edit set for the whole context. No
 * fix for extern functions: `extern "C-unwind"` only moves the abort to the JS boundary when JS calls the
 * function directly (the raw Rust exception still terminates the instance).
 */
function fixesFor(env: RustEnv, context: NoUnwindContext, points: readonly PanicPoint[], resolver: StateResolver | undefined): Fix[] {
  if (context.kind === 'extern') return [];
  const edits: TextEdit[] = [];
  for (const p of points) {
    const edit = p.kind === 'borrow' ? borrowEdit(env, p, resolver) : discardEdit(p);
    if (!edit) return [];
    edits.push(edit);
  }
  edits.sort((a, b) => a.range.start - b.range.start);
  for (let i = 1; i < edits.length; i++) if (edits[i].range.start < edits[i - 1].range.end) return [];
  return [{
    title: context.kind === 'drop'
      ? 'Ignore failures in this drop (`let _ = …`, `try_borrow_mut`) instead of panicking'
      : 'Ignore failures in the panic hook (`let _ = …`) instead of panicking',
    safety: 'unsafe',
    edits,
  }];
}

/** `EXPR.unwrap();` / `EXPR.expect("..");` / `.unwrap_throw()` / `.expect_throw(..)` as a whole statement. */
function discardEdit(p: PanicPoint): TextEdit | undefined {
  if (p.kind !== 'unwrap' && !(p.kind === 'throw' && asMethodCall(p.node))) return undefined;
  const m = asMethodCall(p.node);
  const statement = parentOf(p.node);
  if (!m || statement?.type !== 'expression_statement' || !statement.text.trimEnd().endsWith(';')) return undefined;
  return { range: { start: statement.startIndex, end: statement.endIndex }, newText: `let _ = ${m.receiver.text};` };
}

/** A borrow of shared state that is its own statement, rewritten to `try_borrow(_mut)` that skips when busy. */
function borrowEdit(env: RustEnv, p: PanicPoint, resolver: StateResolver | undefined): TextEdit | undefined {
  const acq = resolver?.acquisitionAt(p.node);
  const m = asMethodCall(p.node);
  if (!acq || !m) return undefined;
  const mutable = acq.mode === 'mutable';
  const tryMethod = mutable ? 'try_borrow_mut' : 'try_borrow';
  if (acq.method in WITH_BORROW_METHODS) {
    const statement = parentOf(p.node);
    const closure = m.args[0];
    if (statement?.type !== 'expression_statement' || closure?.type !== 'closure_expression') return undefined;
    const params = closure.childForFieldName('parameters')?.namedChildren ?? [];
    const body = closure.childForFieldName('body');
    if (params.length !== 1 || !body) return undefined;
    const param = params[0].type === 'parameter' ? params[0].childForFieldName('pattern') : params[0];
    if (!param || (param.type !== 'identifier' && param.type !== '_')) return undefined;
    const guard = freshName('guard', body.text);
    const bind = param.type === 'identifier' ? `let ${param.text} = &${mutable ? 'mut ' : ''}*${guard}; ` : '';
    const cell = freshName('cell', body.text);
    const newText = `${m.receiver.text}.with(|${cell}| if let Ok(${mutable ? 'mut ' : ''}${guard}) = ${cell}.${tryMethod}() { ${bind}let _ = ${body.text}; });`;
    return { range: { start: statement.startIndex, end: statement.endIndex }, newText };
  }
  if (acq.method !== 'borrow_mut' && acq.method !== 'borrow') return undefined;
  // `X.borrow_mut().m(..);` as a statement: the guard is a temporary of that statement.
  let statement: Node | null = parentOf(p.node);
  while (statement && statement.type !== 'expression_statement') {
    if (statement.type === 'block' || statement.type === 'closure_expression' || statement.type === 'let_declaration') return undefined;
    statement = parentOf(statement);
  }
  if (!statement || !statement.text.trimEnd().endsWith(';')) return undefined;
  const guard = freshName('guard', statement.text);
  const text = env.text;
  const inner = text.slice(statement.startIndex, p.node.startIndex) + guard + text.slice(p.node.endIndex, statement.endIndex);
  return {
    range: { start: statement.startIndex, end: statement.endIndex },
    newText: `if let Ok(${mutable ? 'mut ' : ''}${guard}) = ${m.receiver.text}.${tryMethod}() { ${inner} }`,
  };
}

function freshName(base: string, text: string): string {
  let name = base;
  for (let i = 2; new RegExp(`\\b${name}\\b`).test(text); i++) name = `${base}${i}`;
  return name;
}
