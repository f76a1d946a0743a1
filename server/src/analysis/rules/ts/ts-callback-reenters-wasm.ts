// WBG-TR1 ts-callback-reenters-wasm: a callback handed to a wasm call that uses the same wasm object
// while the call is still running (`ed.mapLines((l) => ed.text())`). The object's WasmRefCell is borrowed
// for the whole outer call (catalog §A4); a second borrow from inside the callback throws "recursive use
// of an object detected…" whenever either borrow is exclusive.
//
// With the crate's Rust sources in the workspace (ts/rust-join.ts) the rule knows both borrows and only
// reports real conflicts, as errors, naming the Rust declaration; a callback the Rust side takes by
// value (`listener: Function`) is stored, not called in place, so it is reported only when a `&mut self`
// method of the class calls JS callbacks (a warning). Without the Rust side, a direct callback that uses
// the object is a warning and registrations (`onChange`, `subscribe`…) are left alone. Facts are
// collected during the traversal; checks run in `finish`.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, TextEdit } from '../../model';
import { parentOf, resetParentIndex } from '../../rust/parents';
import {
  type Borrow, borrowOfParam, borrowOfReceiver, borrowOfTouch, buildModeOf, callText, conflicts, guardError, keyOf,
  parameterNames, type Touch, touchesOf,
} from '../../ts/object-borrows';
import { exportedStructNames, rustExportOfCall, rustLocation, rustMethodsOfClass, rustRelated, rustSignature } from '../../ts/rust-join';
import { FUNCTION_TYPES, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';
import type { RustExport } from '../../workspace/types';

interface FileState {
  readonly facts: WasmCallFacts;
  readonly calls: Node[];
}

const states = new WeakMap<RuleContext, FileState>();

const INLINE_FUNCTIONS = new Set(['arrow_function', 'function_expression', 'function']);
/** Method names that register a callback for later rather than call it in place (used without the Rust side). */
const REGISTRATION = /^(?:on[A-Z_]?\w*|add\w*(?:Listener|Handler|Callback|Observer)|subscribe\w*|listen\w*|watch\w*|register\w*|set\w*(?:Callback|Handler|Listener|Hook)|set_on_\w+|observe\w*)$/;
/** A Rust body that invokes a JS function value (`js_sys::Function::call*`/`apply`). */
const CALLS_JS = /\.(?:call[0-9]?|apply)\s*\(/;
const OWNERSHIP_ERROR = '`Error` "attempted to take ownership of Rust value while it was borrowed"';

export default defineRule({
  id: 'ts-callback-reenters-wasm',
  catalogId: 'TR1',
  family: 'reentrancy',
  side: 'ts',
  defaultSeverity: 'warning',
  summary: 'callback passed into a wasm call re-enters the same wasm object while the call is running',
  fix: 'unsafe',
  docs: 'docs/rules/ts-callback-reenters-wasm.md',
  nodeTypes: ['call_expression', ...WASM_FACT_NODE_TYPES],

  visit(node: Node, ctx: RuleContext) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), calls: [] };
      states.set(ctx, state);
      resetParentIndex(ctx.root); // parent look-ups (rust/parents.ts) keep no nodes of an earlier run
    }
    if (!state.facts.active) return;
    state.facts.collect(node);
    if (node.type !== 'call_expression') return;
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.some((a) => INLINE_FUNCTIONS.has(a.type) || a.type === 'identifier')) state.calls.push(node);
  },

  finish(ctx: RuleContext) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active) return;
    const check = new Checker(ctx, state.facts);
    for (const call of state.calls) check.call(call);
  },
});

/** An object the outer call borrows: its receiver, or an argument. */
interface Position {
  readonly key: string;
  readonly argIndex?: number;
  readonly instance: NonNullable<ReturnType<WasmCallFacts['instanceOf']>>;
}

interface Callback {
  readonly argIndex: number;
  /** The inline function, when the callback is written in place. */
  readonly fn?: Node;
  readonly body: Node;
}

class Checker {
  constructor(private readonly ctx: RuleContext, private readonly facts: WasmCallFacts) {}

  call(call: Node): void {
    const site = this.facts.classify(call);
    if (!site || site.kind === 'helper') return;
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const callbacks = this.callbacksOf(args);
    if (callbacks.length === 0) return;
    const positions = this.positionsOf(call, site, args);
    if (positions.length === 0) return;
    const rust = rustExportOfCall(this.ctx.workspace, site);
    for (const callback of callbacks) {
      for (const position of positions) {
        if (this.checkPair(call, site, rust, callback, position)) return; // one finding per call
      }
    }
  }

  private callbacksOf(args: readonly Node[]): Callback[] {
    const out: Callback[] = [];
    args.forEach((a, argIndex) => {
      if (INLINE_FUNCTIONS.has(a.type)) {
        const body = a.childForFieldName('body');
        if (body) out.push({ argIndex, fn: a, body });
      } else if (a.type === 'identifier' && !this.facts.binding(a.text, a.startIndex)) {
        const body = this.facts.helperBody(a.text, a.startIndex);
        if (body) out.push({ argIndex, body });
      }
    });
    return out;
  }

  private positionsOf(call: Node, site: WasmCallSite, args: readonly Node[]): Position[] {
    const out: Position[] = [];
    if (site.kind === 'method') {
      const key = keyOf(call.childForFieldName('function')?.childForFieldName('object') ?? null);
      const instance = key ? this.facts.instanceOf(key, call.startIndex) : undefined;
      if (key && instance) out.push({ key, instance });
    }
    args.forEach((a, argIndex) => {
      const key = keyOf(a);
      const instance = key ? this.facts.instanceOf(key, a.startIndex) : undefined;
      if (key && instance && !out.some((p) => p.key === key)) out.push({ key, argIndex, instance });
    });
    return out;
  }

  /** Checks one callback against one borrowed object; true when it reported. */
  private checkPair(call: Node, site: WasmCallSite, rust: RustExport | undefined, callback: Callback, position: Position): boolean {
    const { key } = position;
    if (callback.fn && parameterNames(callback.fn).has(key.startsWith('this.') ? 'this' : key)) return false;
    const sameObject = (t: Touch) => {
      const inst = this.facts.instanceOf(key, t.node.startIndex);
      return inst !== undefined && inst.scope.start === position.instance.scope.start && inst.scope.end === position.instance.scope.end;
    };
    // Uses after an `await` in the callback run later, unless the outer call is async (its borrow lasts until it settles).
    const touches = touchesOf(callback.body, key, this.facts).filter((t) => sameObject(t) && (!t.afterAwait || site.isAsync) && t.node.id !== call.id);
    if (touches.length === 0) return false;
    const objectTypes = exportedStructNames(this.ctx.workspace, position.instance.module);
    const outer: Borrow = position.argIndex === undefined ? borrowOfReceiver(rust) : borrowOfParam(rust, position.argIndex, objectTypes);
    if (rust === undefined && position.argIndex !== undefined) return false; // an object argument: only with the Rust side
    if (outer === 'none' || outer === 'owned') return false;

    const judged = touches.map((t) => ({ touch: t, ...borrowOfTouch(this.ctx.workspace, t, position.instance, objectTypes) }));
    if (rust) {
      const paramType = rust.params[callback.argIndex]?.type ?? '';
      // By reference, or by value and called right there by the export itself (`f.call0(..)` in its body).
      if (/^\s*&/.test(paramType) || this.callsParameter(rust, rust.params[callback.argIndex]?.name)) {
        const hits = judged.filter((j) => conflicts(outer, j.borrow) === true);
        if (hits.length === 0) return false;
        this.reportDirect(call, site, rust, outer, position, callback, hits);
        return true;
      }
      // Taken by value: stored for later. It re-enters if a `&mut self` method calls stored callbacks.
      return this.reportRegistration(call, site, position, callback, judged.map((j) => j.touch));
    }
    if (REGISTRATION.test(site.exportName ?? '')) return false;
    const hits = judged.filter((j) => conflicts('unknown', j.borrow) !== false);
    if (hits.length === 0) return false;
    this.reportUnknown(call, position, callback, hits);
    return true;
  }

  private reportDirect(
    call: Node, site: WasmCallSite, rust: RustExport, outer: Borrow, position: Position, callback: Callback,
    hits: readonly { touch: Touch; borrow: Borrow; rust?: RustExport }[],
  ): void {
    const { touch, borrow, rust: inner } = hits[0];
    const { key } = position;
    const ws = this.ctx.workspace;
    const mode = buildModeOf(ws, site.modulePath, this.ctx.crate?.buildMode);
    const name = site.exportName ?? 'the call';
    const where = `\`${rustSignature(rust)}\` in ${rustLocation(ws, rust)}`;
    const holds = position.argIndex === undefined
      ? outer === 'mut' ? `\`${name}\` is ${where}, which holds \`${key}\` exclusively until it returns` : `\`${name}\` borrows it (${where})`
      : `\`${name}\` borrows it as \`${rust.params[position.argIndex]?.name}: ${rust.params[position.argIndex]?.type}\` (${where})`;
    let consequence: string;
    if (borrow === 'free') consequence = `so \`free()\` here always throws ${OWNERSHIP_ERROR}`;
    else if (outer === 'mut' && position.argIndex === undefined) consequence = `so this always throws ${guardError(mode)}`;
    else if (outer === 'mut') consequence = `exclusively, so this always throws ${guardError(mode)}`;
    else consequence = `and ${this.innerNeed(touch, inner)} needs it exclusively, so this always throws ${guardError(mode)}`;
    const related: RelatedLocation[] = [
      { path: this.ctx.path, range: range(call), message: 'the wasm call that is still running when the callback runs' },
      rustRelated(rust, 'the Rust export that holds the borrow'),
    ];
    if (inner && inner !== rust && borrow === 'mut') related.push(rustRelated(inner, 'the Rust export that needs the object exclusively'));
    this.ctx.report({
      node: touch.node,
      message: `${this.touchText(touch)} re-enters \`${key}\` while \`${callText(call)}\` is still running: ${holds}, ${consequence}`,
      severity: 'error',
      related,
      fixes: () => this.deferFixes(call, callback, hits.map((h) => h.touch), false),
    });
  }

  private reportRegistration(call: Node, site: WasmCallSite, position: Position, callback: Callback, touches: readonly Touch[]): boolean {
    const ws = this.ctx.workspace;
    const { key, instance } = position;
    const invokers = rustMethodsOfClass(ws, instance.module, instance.className)
      .filter((e) => e.receiver === '&mut self' && e.jsName !== site.exportName && this.callsJs(e));
    if (invokers.length === 0 || position.argIndex !== undefined) return false;
    const touch = touches[0];
    const invoker = invokers[0];
    const mode = buildModeOf(ws, site.modulePath, this.ctx.crate?.buildMode);
    const others = invokers.length > 1 ? ` (and ${invokers.length - 1} other \`&mut self\` method${invokers.length > 2 ? 's' : ''})` : '';
    this.ctx.report({
      node: touch.node,
      message: `this callback, stored by \`${callText(call)}\`, uses \`${key}\` (${this.touchText(touch)}): \`${instance.className}\` calls JS functions from \`${rustSignature(invoker)}\` in ${rustLocation(ws, invoker)}${others}, which holds \`${key}\` exclusively, so if the callback runs from there this throws ${guardError(mode)}`,
      related: [
        { path: this.ctx.path, range: range(call), message: 'where the callback is handed to the object' },
        rustRelated(invoker, 'a `&mut self` method that calls JS callbacks'),
      ],
      fixes: () => this.deferFixes(call, callback, touches, true, 'the method that runs it'),
    });
    return true;
  }

  private reportUnknown(call: Node, position: Position, callback: Callback, hits: readonly { touch: Touch; borrow: Borrow }[]): void {
    const { touch, borrow } = hits[0];
    const { key } = position;
    const consequence = borrow === 'free'
      ? `if the callback runs before the call returns, \`free()\` throws ${OWNERSHIP_ERROR}`
      : `if either side borrows it mutably in Rust (its Rust declaration is not in the workspace to check), this throws "recursive use of an object detected which would lead to unsafe aliasing in rust"`;
    this.ctx.report({
      node: touch.node,
      message: `${this.touchText(touch)} re-enters \`${key}\` while \`${callText(call)}\` may still be running: ${consequence}`,
      related: [{ path: this.ctx.path, range: range(call), message: 'the wasm call the callback is passed to' }],
      fixes: () => this.deferFixes(call, callback, hits.map((h) => h.touch), false),
    });
  }

  private touchText(touch: Touch): string {
    if (touch.kind === 'getter') return `reading \`${touch.node.text.replace(/\s+/g, '')}\``;
    if (touch.kind === 'setter') return `setting \`${touch.node.text.replace(/\s+/g, '')}\``;
    return `\`${callText(touch.node)}\``;
  }

  private innerNeed(touch: Touch, inner: RustExport | undefined): string {
    if (touch.kind === 'setter') return `setting \`${touch.name}\``;
    if (inner) return `\`${rustSignature(inner)}\``;
    return `\`${touch.name}\``;
  }

  /**
   * The export's own body calls its parameter `name` as a JS function (`name.call1(..)`), and nothing before
   * that call defers it (`spawn_local`, a `Closure`, a timer, `.then`): the callback runs during the call.
   */
  private callsParameter(e: RustExport, name: string | undefined): boolean {
    if (!name) return false;
    const text = this.ctx.workspace.fileText(e.path)?.slice(e.range.start, e.range.end);
    const m = text !== undefined ? new RegExp(`\\b${name}\\s*\\.\\s*(?:call[0-9]|apply)\\s*\\(`).exec(text) : null;
    return m !== null && !/\bspawn_local\b|\bClosure\b|set_timeout|request_animation_frame|future_to_promise|\.then\s*\(/.test(text!.slice(0, m.index));
  }

  private callsJs(e: RustExport): boolean {
    const text = this.ctx.workspace.fileText(e.path);
    return text !== undefined && CALLS_JS.test(text.slice(e.range.start, e.range.end));
  }

  // ---- fix: defer the re-entrant uses until the outer call has returned ------------------------------

  /** `until`: what the deferral waits for, when it is not the call the callback is passed to (a stored callback runs later, from another method). */
  private deferFixes(call: Node, callback: Callback, touches: readonly Touch[], returnIgnored: boolean, until?: string): Fix[] {
    const fn = callback.fn;
    if (!fn) return [];
    const body = callback.body;
    const edits: TextEdit[] = [];
    if (body.type !== 'statement_block') {
      // An expression-bodied arrow returns its value: deferring it is only right when nobody reads it.
      if (!returnIgnored) return [];
      const text = body.text.startsWith('{') ? `(${body.text})` : body.text;
      edits.push({ range: range(body), newText: `{ queueMicrotask(() => ${text}); }` });
    } else {
      const seen = new Set<number>();
      for (const t of touches) {
        const stmt = statementIn(body, t.node);
        if (!stmt || stmt.type !== 'expression_statement') return [];
        if (seen.has(stmt.id)) continue;
        seen.add(stmt.id);
        const expr = stmt.namedChild(0);
        if (!expr) return [];
        const text = expr.text.startsWith('{') ? `(${expr.text})` : expr.text;
        edits.push({ range: range(stmt), newText: `queueMicrotask(() => ${text})${stmt.text.trimEnd().endsWith(';') ? ';' : ''}` });
      }
    }
    if (edits.length === 0) return [];
    return [{
      title: `Defer the use of the object with \`queueMicrotask\` until ${until ?? `\`${callText(call)}\``} has returned`,
      safety: 'unsafe',
      edits,
    }];
  }
}

/** The innermost statement inside `block` that contains `node` (not crossing a function). */
function statementIn(block: Node, node: Node): Node | undefined {
  for (let n: Node | null = node; n && n.id !== block.id; n = parentOf(n)) {
    if (n.type.endsWith('_statement') || n.type === 'lexical_declaration' || n.type === 'variable_declaration') return n;
    if (FUNCTION_TYPES.has(n.type)) return undefined;
  }
  return undefined;
}

function range(node: Node): { start: number; end: number } {
  return { start: node.startIndex, end: node.endIndex };
}
