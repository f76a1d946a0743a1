// aborting-closure-in-unwind-build (catalog U06, unwind-safety): `Closure::own_aborting`,
// `wrap_aborting`, `once_aborting`, `ScopedClosure::borrow_aborting`, `borrow_mut_aborting` (and
// 0.2.109's `new_aborting`) build a JS function whose invoke shim does not catch panics. Under
// panic=unwind a panic in the closure body escapes to JS as a raw Rust exception, the glue marks the
// instance terminated, and every later call throws `Module terminated` — where the default and
// `*_assert_unwind_safe` constructors would have thrown a `PanicError` and kept the instance alive.
// JS exceptions (`throw_str`, `unwrap_throw`, imports) pass through either shim unchanged, so only Rust
// panics count. Under panic=abort every panic traps anyway: silent there.
// Documented in docs/rules/aborting-closure-in-unwind-build.md; cases in test-fixtures/rust/aborting-closure-in-unwind-build.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, TextRange } from '../../model';
import {
  asPathCall, enclosingFunction, enclosingStatement, indentationAt, panicPointsIn, runsSynchronouslyWithin, rustEnv,
  stateResolverFor, stripTransparent, type RustEnv, type StateResolver,
} from '../../rust/index';
import { focusRange } from '../../rust/tear-points';
import { wasmBindgenVersionAtLeast } from '../../workspace/crate-config';

const ABORTING = /^(own|wrap|once|borrow|borrow_mut|new)_aborting$/;
const OWNERS = new Set(['Closure', 'ScopedClosure']);
/** A comment before the constructor that says the fail-fast behaviour is wanted. */
const INTENDED = /fail[- ]?fast|intentional|deliberate|on purpose|abort(s|ing)? on panic|terminate[sd]? on panic|UNWIND-SAFETY/i;

export default defineRule({
  id: 'aborting-closure-in-unwind-build',
  catalogId: 'U06',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'a `*_aborting` closure constructor wraps a closure that can panic (panic=unwind)',
  fix: 'unsafe',
  docs: 'docs/rules/aborting-closure-in-unwind-build.md',
  nodeTypes: ['call_expression'],
  // Text gate (Rule.textGate): every finding is on a `Closure::*_aborting` constructor.
  textGate: ['_aborting'],
  visit(call: Node, ctx: RuleContext) {
    if (!/_aborting$/.test(calleeName(call))) return;
    const p = asPathCall(call);
    if (!p || !ABORTING.test(p.name) || p.segments.length < 2 || !OWNERS.has(p.segments[p.segments.length - 2])) return;
    const env = rustEnv(ctx);
    if (env.buildMode !== 'unwind' || env.tests.isTestCode(call)) return;
    const fn = enclosingFunction(call);
    const resolver = fn ? stateResolverFor(env, fn) : undefined;
    if (!fn || !resolver || p.args.length === 0) return;
    const closure = closureOf(p.args[0], resolver);
    const body = closure?.childForFieldName('body');
    if (!closure || !body) return;
    const panics = panicPointsIn(env.facts(fn), body.startIndex, body.endIndex, env, { resolver, skipBoundsChecked: true, throws: false, foreign: false })
      .filter((pp) => pp.failure === 'panic' && runsSynchronouslyWithin(pp.node, closure));
    if (panics.length === 0 || intendedFailFast(env, call)) return;

    const constructor = `${p.segments[p.segments.length - 2]}::${p.name}`;
    const first = panics[0];
    const reinit = env.index?.usesScheduleReinit
      ? ' (`schedule_reinit()` re-creates it on the next call, with all Rust state reset)'
      : '';
    const more = panics.length > 1 ? ` (${panics.length - 1} more panic point${panics.length > 2 ? 's' : ''} in the closure)` : '';
    const message = `\`${constructor}\` does not catch panics: under panic=unwind, if \`${first.display}\` panics when JS calls this closure, ` +
      `the Rust panic escapes to JS, the instance is terminated and every later call into the module throws \`Module terminated\`${reinit}${more}`;
    const related: RelatedLocation[] = [
      { path: env.path, range: focusRange(first.node, env.text), message: 'can panic here' },
    ];
    if (closure.startIndex < call.startIndex || closure.endIndex > call.endIndex) {
      related.push({ path: env.path, range: focusRange(closure, env.text), message: 'the closure is defined here' });
    }
    ctx.report({ range: focusRange(p.calleeNode, env.text), message, related, fixes: () => renameFix(env, call, p.calleeNode, p.name) });
  },
});

/** The last segment of a call's callee (`own_aborting` of `Closure::<T>::own_aborting`), cheaply. */
function calleeName(call: Node): string {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  if (fn?.type === 'scoped_identifier') return fn.childForFieldName('name')?.text ?? '';
  return '';
}

/** The closure a constructor argument stands for: `|x| …`, `Box::new(|x| …) as Box<dyn FnMut(_)>`, `&f`/`f` for `let f = |x| …`. */
function closureOf(arg: Node, resolver: StateResolver): Node | undefined {
  let n: Node | null = arg;
  for (let i = 0; i < 6 && n; i++) {
    n = stripTransparent(n);
    if (n.type === 'closure_expression') return n;
    const p = asPathCall(n);
    if (p && p.name === 'new' && p.segments[p.segments.length - 2] === 'Box' && p.args.length === 1) {
      n = p.args[0];
      continue;
    }
    if (n.type === 'identifier') {
      const b = resolver.bindings.lookup(n.text, n.startIndex);
      if (!b || b.binder.type !== 'let_declaration') return undefined;
      n = b.binder.childForFieldName('value');
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** `// fail-fast: …` / `// UNWIND-SAFETY: …` on the lines right above the statement holding the constructor. */
function intendedFailFast(env: RustEnv, call: Node): boolean {
  const statement = enclosingStatement(call)?.statement ?? call;
  const lineStart = env.text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  const lines = env.text.slice(0, lineStart).split('\n');
  lines.pop();
  const comments: string[] = [];
  for (let i = lines.length - 1; i >= 0 && comments.length < 6; i--) {
    const t = lines[i].trim();
    if (!t.startsWith('//') && !t.startsWith('/*') && !t.startsWith('*')) break;
    comments.push(t);
  }
  const lineEnd = env.text.indexOf('\n', call.startIndex);
  const trailing = /\/\/(.*)$/.exec(env.text.slice(call.startIndex, lineEnd < 0 ? env.text.length : lineEnd));
  return comments.some((c) => INTENDED.test(c)) || (trailing !== null && INTENDED.test(trailing[1]));
}

/**
 * `X_aborting` → `X_assert_unwind_safe` (`new_aborting` → `own_assert_unwind_safe`): same bounds in
 * wasm-bindgen's closure.rs since 0.2.110, so the edit type-checks; a panic then becomes a `PanicError`
 * and the instance lives on — possibly with state the closure left half-updated, hence the comment to
 * fill in.
 */
function renameFix(env: RustEnv, call: Node, callee: Node, name: string): Fix[] {
  if (!wasmBindgenVersionAtLeast(env.crate, '0.2.110')) return [];
  const replacement = name === 'new_aborting' ? 'own_assert_unwind_safe' : name.replace(/_aborting$/, '_assert_unwind_safe');
  const at = callee.text.lastIndexOf(name);
  if (at < 0) return [];
  const edits: { range: TextRange; newText: string }[] = [
    { range: { start: callee.startIndex + at, end: callee.startIndex + at + name.length }, newText: replacement },
  ];
  const located = enclosingStatement(call);
  if (located) {
    const start = located.statement.startIndex;
    const indent = indentationAt(env.text, start);
    const lineStart = env.text.lastIndexOf('\n', start - 1) + 1;
    if (/^[ \t]*$/.test(env.text.slice(lineStart, start))) {
      edits.push({ range: { start, end: start }, newText: `// UNWIND-SAFETY: <why a panic in this closure cannot leave shared state half-updated>\n${indent}` });
    }
  }
  return [{
    title: `Catch panics in this closure (\`${replacement}\`): a panic becomes a \`PanicError\` instead of terminating the instance`,
    safety: 'unsafe',
    edits,
  }];
}


