// WBG-TR2 ts-overlapping-calls-on-wasm-object: calls on one wasm object that overlap an async call still
// pending on it. An async export borrows its object from the first poll until its future completes
// (catalog §A4), so while it is pending another call that needs a conflicting borrow fails with
// "recursive use of an object detected…", and `free()`/`using` disposal either fails ("attempted to take
// ownership of Rust value while it was borrowed") or, in the same tick, frees the value under the future.
//
// Shapes: (1) `Promise.all|allSettled|race|any([x.a(), x.b()])` and `Promise.all(items.map((i) => x.a(i)))`;
// (2) an async call on `x` that is not awaited, followed in the same function by another async call on `x`,
// by any call on `x` after an `await`, or by `x.free()`; the same un-awaited call inside a loop (a call only
// raced — `await Promise.race([x.a(), timeout])` — counts as un-awaited);
// (3) `return x.a()` without `await` where a `finally` frees `x` or `using x` disposes it.
// With the crate's Rust sources (ts/rust-join.ts) two `&self` borrows are not reported and the message
// names the `async fn …(&mut self)`; without them overlapping async calls are a warning.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation } from '../../model';
import { walkTree } from '../../parsing/walk';
import { parentOf, resetParentIndex } from '../../rust/parents';
import { type Borrow, borrowOfReceiver, buildModeOf, callText, conflicts, keyOf, RECURSIVE_USE, runsSynchronously } from '../../ts/object-borrows';
import { rustExportOfCall, rustLocation, rustRelated, rustSignature } from '../../ts/rust-join';
import { FUNCTION_TYPES, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';
import type { BuildMode, RustExport } from '../../workspace/types';

interface FileState {
  readonly facts: WasmCallFacts;
  readonly promiseCombinators: Node[];
  readonly memberCalls: Node[];
}

const states = new WeakMap<RuleContext, FileState>();

const COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);
/** Combinators that settle before all their promises do. */
const RACES = new Set(['race', 'any']);
const LOOPS = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);
const JUMPS = new Set(['return_statement', 'throw_statement', 'break_statement', 'continue_statement']);
const OWNERSHIP_ERROR = '`Error` "attempted to take ownership of Rust value while it was borrowed"';

export default defineRule({
  id: 'ts-overlapping-calls-on-wasm-object',
  catalogId: 'TR2',
  family: 'reentrancy',
  side: 'ts',
  defaultSeverity: 'error',
  summary: 'overlapping async calls, or free()/using disposal, on one wasm object while a call is pending',
  fix: 'unsafe',
  docs: 'docs/rules/ts-overlapping-calls-on-wasm-object.md',
  nodeTypes: ['call_expression', ...WASM_FACT_NODE_TYPES],

  visit(node: Node, ctx: RuleContext) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), promiseCombinators: [], memberCalls: [] };
      states.set(ctx, state);
      resetParentIndex(ctx.root); // parent look-ups (rust/parents.ts) keep no nodes of an earlier run
    }
    if (!state.facts.active) return;
    state.facts.collect(node);
    if (node.type !== 'call_expression') return;
    const fn = node.childForFieldName('function');
    if (fn?.type !== 'member_expression') return;
    if (fn.childForFieldName('object')?.text === 'Promise' && COMBINATORS.has(fn.childForFieldName('property')?.text ?? '')) state.promiseCombinators.push(node);
    else state.memberCalls.push(node);
  },

  finish(ctx: RuleContext) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active) return;
    const check = new Checker(ctx, state.facts);
    for (const call of state.promiseCombinators) check.combinator(call);
    for (const call of state.memberCalls) check.pendingCall(call);
  },
});

/** An async method call on a known wasm object. */
interface ObjectCall {
  readonly node: Node;
  readonly key: string;
  readonly site: WasmCallSite;
  readonly scope: { readonly start: number; readonly end: number };
  /** The Rust export, when joined. */
  readonly rust?: RustExport;
  /**
   * The call keeps its borrow after it returns: an `async fn` in Rust. A method that returns a
   * `js_sys::Promise` (the `.d.ts` says `Promise` too) borrows only while it runs. Without the Rust side:
   * whether the `.d.ts` returns a promise.
   */
  readonly pending: boolean;
}

/** The array literal a `const` of the same function was initialised with, before `id` (`const ps = [..]`). */
function arrayBoundTo(id: Node): Node | undefined {
  let fn: Node | null = id.parent;
  while (fn && !FUNCTION_TYPES.has(fn.type) && fn.type !== 'program') fn = fn.parent;
  if (!fn) return undefined;
  let found: Node | undefined;
  const pending: Node[] = [fn];
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (n.startIndex >= id.startIndex) continue;
    if (n.type === 'variable_declarator' && n.childForFieldName('name')?.text === id.text) {
      const value = n.childForFieldName('value');
      const declaration = n.parent;
      // `const` only: a `let` array may be changed before the combinator sees it.
      found = value?.type === 'array' && declaration?.type === 'lexical_declaration' && declaration.child(0)?.type === 'const' ? value : undefined;
    }
    for (const c of n.namedChildren) if (c && (c.id === fn.id || !FUNCTION_TYPES.has(c.type))) pending.push(c);
  }
  return found;
}

class Checker {
  private readonly reported = new Set<number>();

  constructor(private readonly ctx: RuleContext, private readonly facts: WasmCallFacts) {}

  // ---- (1) Promise.all([x.a(), x.b()]) / Promise.all(items.map((i) => x.a(i))) ------------------------

  combinator(call: Node): void {
    const arg = call.childForFieldName('arguments')?.namedChild(0);
    const combinator = call.childForFieldName('function')?.childForFieldName('property')?.text ?? 'all';
    if (!arg) return;
    // `const ps = [x.a(), x.b()]; … Promise.all(ps)`: the calls started when the array was built.
    const array = arg.type === 'array' ? arg : arg.type === 'identifier' ? arrayBoundTo(arg) : undefined;
    if (array) {
      const calls = array.namedChildren.map((e) => this.objectCall(unwrap(e))).filter((c): c is ObjectCall => c !== undefined && c.pending);
      for (let j = 1; j < calls.length; j++) {
        const b = calls[j];
        const a = calls.slice(0, j).find((c) => sameObject(c, b));
        if (!a) continue;
        const verdict = this.judge(a, b);
        if (verdict.conflict === false) continue;
        this.report(b.node, verdict, `\`Promise.${combinator}\` runs \`${callText(a.node)}\` and \`${callText(b.node)}\` at the same time`, a, b,
          array === arg ? () => this.sequentialFixes(call, arg, combinator) : undefined);
        return;
      }
      return;
    }
    // `Promise.all(items.map((item) => x.a(item)))`: the same call once per element, all pending together.
    const mapped = this.mappedCall(arg);
    if (!mapped) return;
    const verdict = this.judge(mapped, mapped);
    if (verdict.conflict === false) return;
    const list = arg.childForFieldName('function')?.childForFieldName('object')?.text ?? 'the list';
    this.report(mapped.node, verdict, `\`Promise.${combinator}\` runs \`${callText(mapped.node)}\` for every element of \`${shorten(list)}\` at the same time`, mapped, mapped);
  }

  private mappedCall(arg: Node): ObjectCall | undefined {
    if (arg.type !== 'call_expression') return undefined;
    const fn = arg.childForFieldName('function');
    if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'map') return undefined;
    const callback = arg.childForFieldName('arguments')?.namedChild(0);
    if (!callback || !FUNCTION_TYPES.has(callback.type)) return undefined;
    const body = callback.childForFieldName('body');
    if (!body) return undefined;
    const returned = body.type === 'statement_block'
      ? body.namedChildren.filter((s) => s.type === 'return_statement').map((s) => s.namedChild(0)).filter((n): n is Node => n !== null)
      : [body];
    for (const r of returned) {
      const c = this.objectCall(unwrap(r));
      // The object must live outside the callback (one object shared by every element).
      if (c && c.pending && (c.scope.start < callback.startIndex || c.scope.end > callback.endIndex)) return c;
    }
    return undefined;
  }

  // ---- (2) un-awaited async call, then more use of the object; (3) returned while disposed ------------

  pendingCall(call: Node): void {
    if (this.reported.has(call.id)) return;
    const a = this.objectCall(call);
    if (!a || !a.pending) return;
    const context = this.contextOf(call);
    if (!context) return;
    if (context.kind === 'returned') {
      this.returnedWhileDisposed(a, context.statement, context.fn);
      return;
    }
    if (context.kind !== 'pending') return;
    if (this.inLoop(a, context.statement, context.fn)) return;
    this.laterUses(a, context.statement, context.fn, context.variable, context.raced === true, context.racedAwaited === true);
  }

  /**
   * Where an async call's promise goes: awaited, returned, handed to a combinator, or left pending. A
   * promise raced (`Promise.race`/`Promise.any`, e.g. against a timeout) stays pending when another one
   * wins, even if the race is awaited.
   */
  private contextOf(call: Node):
    | { kind: 'pending'; statement: Node; fn: Node; variable?: string; raced?: boolean; racedAwaited?: boolean }
    | { kind: 'returned'; statement: Node; fn: Node }
    | { kind: 'other' }
    | undefined {
    let child: Node = call;
    let raced = false;
    let racedAwaited = false;
    for (let n = parentOf(call); n; child = n, n = parentOf(n)) {
      if (n.type === 'await_expression' && !raced) return { kind: 'other' };
      if (n.type === 'await_expression') racedAwaited = true;
      if (FUNCTION_TYPES.has(n.type)) return raced ? { kind: 'other' } : undefined; // an expression-bodied arrow: its value is returned
      if (n.type === 'arguments') {
        const owner = parentOf(n);
        const callee = owner?.childForFieldName('function');
        if (callee?.type === 'member_expression' && callee.childForFieldName('object')?.text === 'Promise') {
          // Only as an element of the array literal: `Promise.race([x.a(), timeout])`.
          if (raced || !RACES.has(callee.childForFieldName('property')?.text ?? '') || child.type !== 'array' || n.namedChild(0)?.id !== child.id) return { kind: 'other' };
          raced = true;
          continue;
        }
      }
      if (raced && n.type !== 'await_expression' && n.type !== 'parenthesized_expression' && n.type !== 'expression_statement'
        && n.type !== 'variable_declarator' && n.type !== 'lexical_declaration' && n.type !== 'variable_declaration') continue;
      if (n.type === 'member_expression' && n.childForFieldName('object')?.id === child.id) {
        // `x.a().then(…)` continues the chain (still pending); any other member access is not a promise use we follow.
        if (!['then', 'catch', 'finally'].includes(n.childForFieldName('property')?.text ?? '')) return { kind: 'other' };
      }
      if (n.type === 'return_statement') {
        const fn = enclosingFunction(n);
        return fn && unwrap(n.namedChild(0)).id === call.id ? { kind: 'returned', statement: n, fn } : { kind: 'other' };
      }
      if (n.type === 'expression_statement') {
        const fn = enclosingFunction(n);
        return fn ? { kind: 'pending', statement: n, fn, raced, racedAwaited } : undefined;
      }
      if (raced && (n.type === 'lexical_declaration' || n.type === 'variable_declaration')) {
        // The variable holds the race's result, not this call's promise.
        const fn = enclosingFunction(n);
        return fn ? { kind: 'pending', statement: n, fn, raced, racedAwaited } : { kind: 'other' };
      }
      if (n.type === 'lexical_declaration' || n.type === 'variable_declaration') {
        const fn = enclosingFunction(n);
        const declarator = n.namedChildren.find((d) => d.type === 'variable_declarator' && d.startIndex <= call.startIndex && call.endIndex <= d.endIndex);
        const name = declarator?.childForFieldName('name');
        if (!fn || name?.type !== 'identifier') return { kind: 'other' };
        return { kind: 'pending', statement: n, fn, variable: name.text };
      }
      if (n.type.endsWith('_statement')) return { kind: 'other' };
    }
    return undefined;
  }

  /** The un-awaited call sits in a loop and the object outlives the loop: the next iteration overlaps it. */
  private inLoop(a: ObjectCall, statement: Node, fn: Node): boolean {
    for (let n = parentOf(statement); n && n.id !== fn.id; n = parentOf(n)) {
      if (!LOOPS.has(n.type)) continue;
      if (new RegExp(`\\b(?:const|let|var)\\s+${escapeRegExp(a.key)}\\b`).test(n.text)) return false; // a new object per iteration
      const verdict = this.judge(a, a);
      if (verdict.conflict === false) return false;
      this.report(a.node, verdict, `the loop starts \`${callText(a.node)}\` again while the previous iteration's call is still pending (it is not awaited)`, a, a,
        () => this.awaitFixes(a.node, statement, fn));
      return true;
    }
    return false;
  }

  private laterUses(a: ObjectCall, statement: Node, fn: Node, variable: string | undefined, raced: boolean, racedAwaited: boolean): void {
    // The statement awaits the race the call is in: later uses run after that await.
    const awaitEnds: number[] = racedAwaited ? [statement.endIndex] : [];
    let done = false;
    const awaitsPromise = variable === undefined ? undefined : new RegExp(`(?:^|[^\\w$.])${escapeRegExp(variable)}(?![\\w$])`);
    const pending = raced ? '(raced against other promises)' : '(not awaited)';
    for (const region of followingStatements(statement, fn)) {
      walkTree(region, (node) => {
        if (done) return false;
        if (FUNCTION_TYPES.has(node.type)) return runsSynchronously(node);
        if (node.type === 'await_expression') {
          if (awaitsPromise?.test(node.text) && !onlyRaced(node, variable!)) {
            done = true; // the pending promise is awaited here: later uses are sequential
            return false;
          }
          awaitEnds.push(node.endIndex);
          return true;
        }
        if (node.type === 'for_in_statement' && /^\s*for\s+await\b/.test(node.text)) awaitEnds.push(node.childForFieldName('right')?.endIndex ?? node.startIndex);
        if (node.type === 'assignment_expression' && keyOf(node.childForFieldName('left')) === a.key) {
          done = true; // the variable now holds another object
          return false;
        }
        if (node.type !== 'call_expression') return true;
        if (variable !== undefined && /^(?:then|catch|finally)$/.test(node.childForFieldName('function')?.childForFieldName('property')?.text ?? '')
          && node.childForFieldName('function')?.childForFieldName('object')?.text === variable) {
          done = true;
          return false;
        }
        const afterAwait = awaitEnds.some((end) => end <= node.startIndex);
        if (this.isFree(node, a)) {
          const message = afterAwait
            ? `\`${callText(node)}\` runs while \`${callText(a.node)}\` ${pending} may still be pending: the pending call holds a borrow of \`${a.key}\`, so \`free()\` throws ${OWNERSHIP_ERROR}`
            : `\`${callText(node)}\` runs in the same tick as \`${callText(a.node)}\` (not awaited), before the async call has taken its borrow: the Rust value is freed under the pending future, which then works on freed memory`;
          this.reportAt(node, message, 'error', a, undefined, () => this.awaitFixes(a.node, statement, fn));
          done = true;
          return false;
        }
        const b = this.objectCall(node);
        if (!b || !sameObject(a, b) || b.node.id === a.node.id) return true;
        if (!b.pending && !afterAwait) return true; // runs before the pending call's first poll: reordered, not overlapping
        const verdict = this.judge(a, b);
        if (verdict.conflict === false) return true;
        const what = b.pending
          ? `\`${callText(b.node)}\` starts while \`${callText(a.node)}\` ${pending} is still pending`
          : `\`${callText(b.node)}\` runs after an \`await\` while \`${callText(a.node)}\` ${pending} may still be pending`;
        this.report(b.node, verdict, what, a, b, () => this.awaitFixes(a.node, statement, fn));
        this.reported.add(b.node.id);
        done = true;
        return false;
      });
      if (done) return;
    }
  }

  private returnedWhileDisposed(a: ObjectCall, ret: Node, fn: Node): void {
    let disposer: { node: Node; how: string } | undefined;
    for (let n = parentOf(ret); n && n.id !== fn.id && !disposer; n = parentOf(n)) {
      if (n.type === 'try_statement') {
        const finalizer = n.childForFieldName('finalizer');
        const body = n.childForFieldName('body');
        if (!finalizer || !body || ret.startIndex < body.startIndex || ret.endIndex > body.endIndex) continue;
        walkTree(finalizer, (node) => {
          if (disposer) return false;
          if (FUNCTION_TYPES.has(node.type)) return false;
          if (node.type === 'call_expression' && this.isFree(node, a)) disposer = { node, how: `the \`finally\` block calls \`${callText(node)}\`` };
          return true;
        });
      }
      if (n.type === 'statement_block') {
        for (const stmt of n.namedChildren) {
          if (stmt.startIndex >= ret.startIndex) break;
          const using = usingDeclarationOf(stmt);
          if (using && using.name === a.key) disposer = { node: using.node, how: `\`${using.keyword} ${a.key}\` disposes \`${a.key}\` when the block exits` };
        }
      }
    }
    if (!disposer) return;
    const message = `\`return ${callText(a.node)}\` hands back a pending promise, but ${disposer.how}: the Rust value is freed before or while the async call borrows it (a use-after-free, or ${OWNERSHIP_ERROR})`;
    this.reportAt(a.node, message, 'error', a, disposer.node, () => this.returnAwaitFixes(a.node, fn));
  }

  // ---- judging and reporting ----------------------------------------------------------------------------

  private objectCall(node: Node): ObjectCall | undefined {
    if (node.type !== 'call_expression') return undefined;
    const site = this.facts.classify(node);
    if (!site || site.kind !== 'method') return undefined;
    const key = keyOf(node.childForFieldName('function')?.childForFieldName('object') ?? null);
    const instance = key ? this.facts.instanceOf(key, node.startIndex) : undefined;
    if (!key || !instance) return undefined;
    const rust = rustExportOfCall(this.ctx.workspace, site);
    return { node, key, site, scope: instance.scope, rust, pending: rust ? rust.isAsync : site.isAsync };
  }

  private isFree(node: Node, a: ObjectCall): boolean {
    const fn = node.childForFieldName('function');
    if (fn?.type !== 'member_expression' && fn?.type !== 'subscript_expression') return false;
    const name = (fn.childForFieldName('property') ?? fn.childForFieldName('index'))?.text.replace(/\s+/g, '');
    if (name !== 'free' && name !== 'Symbol.dispose') return false;
    const key = keyOf(fn.childForFieldName('object'));
    const inst = key === a.key ? this.facts.instanceOf(key, node.startIndex) : undefined;
    return inst !== undefined && inst.scope.start === a.scope.start && inst.scope.end === a.scope.end;
  }

  private judge(a: ObjectCall, b: ObjectCall): Verdict {
    const ra = a.rust;
    const rb = b.rust;
    const ba: Borrow = borrowOfReceiver(ra);
    const bb: Borrow = borrowOfReceiver(rb);
    return { conflict: conflicts(ba, bb), a: ra, b: rb, ba, bb };
  }

  private report(at: Node, verdict: Verdict, what: string, a: ObjectCall, b: ObjectCall, fixes?: () => Fix[]): void {
    const ws = this.ctx.workspace;
    const mode = buildModeOf(ws, a.site.modulePath, this.ctx.crate?.buildMode);
    const failing = b.pending ? asyncFailure(mode, callText(b.node)) : `\`${callText(b.node)}\` throws ${syncFailure(mode)}`;
    let why: string;
    const holder = verdict.ba === 'mut' ? verdict.a : verdict.bb === 'mut' ? verdict.b : undefined;
    if (verdict.conflict === true && holder) {
      why = `\`${holder.jsName}\` is \`${rustSignature(holder)}\` in ${rustLocation(ws, holder)}, which holds \`${a.key}\` exclusively until ${holder.isAsync ? 'its promise settles' : 'it returns'}, so ${failing}`;
    } else {
      why = `if either takes \`&mut self\` in Rust (its Rust declaration is not in the workspace to check), ${failing}`;
    }
    const related: RelatedLocation[] = [];
    if (a.node.id !== at.id) related.push({ path: this.ctx.path, range: range(a.node), message: 'the call that is still pending' });
    for (const e of [verdict.a, verdict.b]) if (e && e.receiver === '&mut self' && !related.some((r) => r.path === e.path && r.range.start === e.nameRange.start)) related.push(rustRelated(e, 'the Rust method that holds the object exclusively'));
    this.reported.add(at.id);
    this.ctx.report({ node: at, message: `${what}: ${why}`, severity: verdict.conflict === true ? 'error' : 'warning', related, fixes });
  }

  private reportAt(at: Node, message: string, severity: 'error' | 'warning', a: ObjectCall, other: Node | undefined, fixes?: () => Fix[]): void {
    const related: RelatedLocation[] = [];
    if (a.node.id !== at.id) related.push({ path: this.ctx.path, range: range(a.node), message: 'the call that is still pending' });
    if (other) related.push({ path: this.ctx.path, range: range(other), message: 'where the object is freed' });
    const rust = rustExportOfCall(this.ctx.workspace, a.site);
    if (rust) related.push(rustRelated(rust, `the Rust method (\`${rustSignature(rust)}\`) that borrows the object until its promise settles`));
    this.reported.add(at.id);
    this.ctx.report({ node: at, message, severity, related, fixes });
  }

  // ---- fixes ------------------------------------------------------------------------------------------

  /** `const [a, b] = await Promise.all([x.f(), x.g()])` → `const a = await x.f(); const b = await x.g();`. */
  private sequentialFixes(call: Node, array: Node, combinator: string): Fix[] {
    if (combinator !== 'all') return [];
    const elements = array.namedChildren;
    if (elements.some((e) => e.type === 'spread_element' || e.type === 'comment')) return [];
    let awaited: Node | null = parentOf(call);
    while (awaited?.type === 'parenthesized_expression') awaited = parentOf(awaited);
    if (awaited?.type !== 'await_expression') return [];
    const holder = parentOf(awaited);
    const texts = elements.map((e) => e.text);
    const semi = ';';
    if (holder?.type === 'expression_statement') {
      const sequence = texts.map((t) => `await ${t}${semi}`).join(' ');
      // The body of a braceless `if`/`for`/`while`: several statements need a block to stay under it.
      const inBlock = STATEMENT_LISTS.has(parentOf(holder)?.type ?? '');
      return [this.fixOf(holder, inBlock ? sequence : `{ ${sequence} }`)];
    }
    if (holder?.type !== 'variable_declarator' || holder.childForFieldName('type')) return []; // a type annotation would be lost
    const decl = parentOf(holder);
    const pattern = holder.childForFieldName('name');
    if (!decl || (decl.type !== 'lexical_declaration' && decl.type !== 'variable_declaration') || decl.namedChildCount !== 1 || pattern?.type !== 'array_pattern') return [];
    const names = pattern.namedChildren;
    // `[, b]`, `[a, , c]`: a hole shifts the names against the elements; left to the author.
    if (/\[\s*,|,\s*,/.test(pattern.text)) return [];
    if (names.length > elements.length || names.some((n) => n.type !== 'identifier')) return [];
    const keyword = decl.child(0)?.text ?? 'const';
    const parts = elements.map((e, i) => (i < names.length ? `${keyword} ${names[i].text} = await ${e.text}${semi}` : `await ${e.text}${semi}`));
    return [this.fixOf(decl, parts.join(' '))];
  }

  private fixOf(node: Node, newText: string): Fix {
    return { title: 'Await the calls one after the other', safety: 'unsafe', edits: [{ range: range(node), newText }] };
  }

  /** `x.a();` → `await x.a();` in an async function (the next use waits for it). */
  private awaitFixes(call: Node, statement: Node, fn: Node): Fix[] {
    if (!isAsyncFunction(fn) || statement.type !== 'expression_statement') return [];
    const expr = statement.namedChild(0);
    if (!expr || unwrap(expr).id !== call.id) return [];
    return [{ title: `Await \`${callText(call)}\` before using the object again`, safety: 'unsafe', edits: [{ range: { start: expr.startIndex, end: expr.startIndex }, newText: 'await ' }] }];
  }

  /** `return x.a()` → `return await x.a()` (disposal waits for the call). */
  private returnAwaitFixes(call: Node, fn: Node): Fix[] {
    if (!isAsyncFunction(fn)) return [];
    return [{ title: `Return \`await ${callText(call)}\` so the object is disposed after the call settles`, safety: 'unsafe', edits: [{ range: { start: call.startIndex, end: call.startIndex }, newText: 'await ' }] }];
  }
}

/** Nodes whose children are a list of statements (a fix may put several statements there). */
const STATEMENT_LISTS: ReadonlySet<string> = new Set(['statement_block', 'program', 'switch_case', 'switch_default', 'class_static_block']);

interface Verdict {
  readonly conflict: boolean | undefined;
  readonly a?: RustExport;
  readonly b?: RustExport;
  readonly ba: Borrow;
  readonly bb: Borrow;
}

/** Every mention of `variable` in the awaited expression is an element of a `Promise.race`/`Promise.any` array. */
function onlyRaced(awaitNode: Node, variable: string): boolean {
  let mentioned = false;
  let outside = false;
  walkTree(awaitNode, (node) => {
    if (outside) return false;
    if (node.type !== 'identifier' || node.text !== variable) return true;
    mentioned = true;
    let child: Node = node;
    for (let n = parentOf(node); n && n.id !== awaitNode.id; child = n, n = parentOf(n)) {
      if (n.type !== 'arguments') continue;
      const callee = parentOf(n)?.childForFieldName('function');
      if (callee?.type === 'member_expression' && callee.childForFieldName('object')?.text === 'Promise' && RACES.has(callee.childForFieldName('property')?.text ?? '')) {
        if (child.type === 'array') return false;
      }
    }
    outside = true;
    return false;
  });
  return mentioned && !outside;
}

function sameObject(a: ObjectCall, b: ObjectCall): boolean {
  return a.key === b.key && a.scope.start === b.scope.start && a.scope.end === b.scope.end;
}

/** What a WasmRefCell conflict does to an async call (the borrow is taken at the first poll, §A4). */
function asyncFailure(mode: BuildMode | undefined, call: string): string {
  if (mode === 'unwind') return `\`${call}\` rejects with \`PanicError\` "${RECURSIVE_USE}"`;
  return `\`${call}\` fails with "${RECURSIVE_USE}" inside its Rust future, which in a panic=abort build is an uncaught error and a promise that never settles`;
}

function syncFailure(mode: BuildMode | undefined): string {
  return mode === 'unwind' ? `\`PanicError\` "${RECURSIVE_USE}"` : `\`Error\` "${RECURSIVE_USE}"`;
}

/** `using x = …` / `await using x = …` (the TS grammar reads them as an assignment after a `using` token). */
function usingDeclarationOf(stmt: Node): { name: string; node: Node; keyword: string } | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  let expr = stmt.namedChild(0);
  let keyword = 'using';
  if (expr?.type === 'await_expression') {
    expr = expr.namedChild(0);
    keyword = 'await using';
  }
  if (expr?.type !== 'assignment_expression' || expr.child(0)?.type !== 'using') return undefined;
  const left = expr.childForFieldName('left');
  return left?.type === 'identifier' ? { name: left.text, node: stmt, keyword } : undefined;
}

/** The statements that run after `statement` in its function, in order (following siblings, then outward). */
function followingStatements(statement: Node, fn: Node): Node[] {
  const out: Node[] = [];
  for (let n: Node = statement; ;) {
    const parent = parentOf(n);
    if (!parent || FUNCTION_TYPES.has(parent.type)) break;
    if (parent.type === 'statement_block' || parent.type === 'program') {
      let exits = false;
      for (let s = n.nextNamedSibling; s && !exits; s = s.nextNamedSibling) {
        out.push(s);
        exits = JUMPS.has(s.type);
      }
      if (exits) break; // what follows the enclosing statement is not reached from here
    }
    if (parent.id === fn.id || parent.type === 'program' || (parent.type === 'statement_block' && parentOf(parent)?.id === fn.id)) break;
    n = parent;
  }
  return out;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let n = parentOf(node); n; n = parentOf(n)) if (FUNCTION_TYPES.has(n.type) || n.type === 'program') return n;
  return undefined;
}

function isAsyncFunction(fn: Node): boolean {
  for (let i = 0; i < fn.childCount; i++) {
    const c = fn.child(i);
    if (c?.type === 'async') return true;
    if (c?.type === '(' || c?.type === 'formal_parameters' || c?.type === 'statement_block') break;
  }
  return false;
}

function unwrap(node: Node | null): Node {
  let n = node!;
  while (n && (n.type === 'parenthesized_expression' || n.type === 'as_expression' || n.type === 'non_null_expression')) n = n.namedChild(0) ?? n;
  // `x.a().then(…)`: the call at the head of the chain.
  while (n?.type === 'call_expression') {
    const fn = n.childForFieldName('function');
    const object = fn?.type === 'member_expression' ? fn.childForFieldName('object') : null;
    if (!object || !['then', 'catch', 'finally'].includes(fn?.childForFieldName('property')?.text ?? '')) break;
    n = object;
  }
  return n;
}

function range(node: Node): { start: number; end: number } {
  return { start: node.startIndex, end: node.endIndex };
}

function shorten(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}…` : t;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
