// cleanup-masks-abort (catalog C05, failure-classification): `finally { x.free() }` (or
// `x[Symbol.dispose]()`) after calls into wasm that can abort, the same release in a `catch` before it
// rethrows the caught error, and `using x = new C()` declarations of glue
// objects followed by such calls. In builds that flag termination (panic=unwind, or abort with the abort
// handler) `free()` passes through the termination guard, so after an abort it throws
// `Error('Module terminated')`, which replaces the original `RuntimeError` (or, for `using`, wraps it in a
// `SuppressedError`). Plain panic=abort builds have no guard: silent there.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix } from '../../model';
import {
  CLASSIFY_FUNCTION, classifierModulePath, displayModulePath, importClassifier, lineIndentAt, sourceStyleOf,
} from '../../ts/classifier-module';
import { buildModeOfModule } from '../../ts/failure-context';
import { describeCall, FUNCTION_TYPES, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts } from '../../ts/wasm-calls';
import type { BuildMode } from '../../workspace/types';

interface FileState {
  readonly facts: WasmCallFacts;
  readonly finallies: Node[];
  readonly catches: Node[];
  readonly usings: Node[];
}

const states = new WeakMap<RuleContext, FileState>();

export default defineRule({
  id: 'cleanup-masks-abort',
  catalogId: 'C05',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'info',
  summary: '`free()`/`using` cleanup after wasm calls that can abort throws `Module terminated` and masks the original error',
  fix: 'unsafe',
  docs: 'docs/rules/cleanup-masks-abort.md',
  nodeTypes: ['try_statement', ...WASM_FACT_NODE_TYPES],

  visit(node, ctx) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), finallies: [], catches: [], usings: [] };
      states.set(ctx, state);
    }
    if (!state.facts.active) return;
    state.facts.collect(node);
    if (node.type === 'try_statement') {
      if (node.childForFieldName('finalizer')) state.finallies.push(node);
      if (node.childForFieldName('handler')) state.catches.push(node);
    } else if (node.type === 'assignment_expression' && node.child(0)?.type === 'using') state.usings.push(node);
  },

  finish(ctx) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active) return;
    const checker = new Checker(ctx, state.facts);
    for (const t of state.finallies) checker.finallyClause(t);
    for (const t of state.catches) checker.catchClause(t);
    for (const u of state.usings) checker.using(u);
  },
});

/** Builds whose `free()` runs the termination guard (catalog §A3). */
function guardsFree(mode: BuildMode | undefined): boolean {
  return mode === 'unwind' || mode === 'abort+handler';
}

class Checker {
  constructor(private readonly ctx: RuleContext, private readonly facts: WasmCallFacts) {}

  finallyClause(tryNode: Node): void {
    const tryBody = tryNode.childForFieldName('body');
    const finalizer = tryNode.childForFieldName('finalizer');
    const block = finalizer?.namedChildren.find((c) => c.type === 'statement_block');
    if (!tryBody || !block) return;
    const releases = this.releasesIn(block);
    if (releases.length === 0) return;
    this.reportReleases(tryBody, releases, (shown, call, mode) =>
      `\`${shown}\` in \`finally\` runs after wasm call \`${call}\`, which can abort: ${this.masking(mode)} \`Error('Module terminated')\`, which replaces the original error`);
  }

  /**
   * `catch (e) { doc.free(); throw e; }`: the release runs before the rethrow, so after an abort it throws
   * `Module terminated` out of the handler and `throw e` never runs. Only handlers that rethrow the caught
   * error after the release (a handler that swallows is catch-swallows-wasm-failure's concern).
   */
  catchClause(tryNode: Node): void {
    const tryBody = tryNode.childForFieldName('body');
    const handler = tryNode.childForFieldName('handler');
    const param = handler?.childForFieldName('parameter');
    const block = handler?.childForFieldName('body');
    if (!tryBody || !block || param?.type !== 'identifier') return;
    const rethrows = this.rethrowsOf(block, param.text);
    if (rethrows.length === 0) return;
    const releases = this.releasesIn(block).filter((r) => rethrows.some((t) => t.startIndex >= r.call.endIndex));
    if (releases.length === 0) return;
    this.reportReleases(tryBody, releases, (shown, call, mode) =>
      `\`${shown}\` in \`catch\` runs before \`throw ${param.text}\` when wasm call \`${call}\` failed; if it aborted, ${this.masking(mode)} \`Error('Module terminated')\`, which replaces the original error`);
  }

  /** One finding per release in a build whose `free()` runs the termination guard, after the try body's first wasm call. */
  private reportReleases(
    tryBody: Node, releases: readonly { call: Node; receiver: string; modulePath: string }[],
    message: (shown: string, wasmCall: string, mode: BuildMode | undefined) => string,
  ): void {
    const site = this.facts.callsIn(tryBody, { firstOnly: true })[0];
    if (!site) return;
    for (const { call, receiver, modulePath } of releases) {
      const mode = buildModeOfModule(this.ctx, modulePath);
      if (!guardsFree(mode)) continue;
      const shown = call.childForFieldName('function')?.type === 'subscript_expression' ? `${receiver}[Symbol.dispose]()` : `${receiver}.free()`;
      this.ctx.report({
        node: call,
        message: message(shown, describeCall(site), mode),
        related: [{ path: this.ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: 'call into wasm that can abort' }],
        fixes: () => this.wrapFixes(call),
      });
    }
  }

  /** `throw e` statements of the handler body (not in nested functions). */
  private rethrowsOf(block: Node, param: string): Node[] {
    const out: Node[] = [];
    const pending: Node[] = [block];
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (node.type === 'throw_statement') {
        let value = node.namedChild(0);
        while (value && (value.type === 'parenthesized_expression' || value.type === 'as_expression' || value.type === 'non_null_expression')) value = value.namedChild(0);
        if (value?.type === 'identifier' && value.text === param) out.push(node);
      }
      for (let i = node.namedChildCount - 1; i >= 0; i--) {
        const c = node.namedChild(i);
        if (c && !FUNCTION_TYPES.has(c.type)) pending.push(c);
      }
    }
    return out;
  }

  using(assignment: Node): void {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) return;
    const created = this.facts.classOfCreatedValue(right);
    if (!created || !guardsFree(buildModeOfModule(this.ctx, created.modulePath))) return;
    let statement: Node | null = assignment.parent;
    while (statement && statement.type !== 'expression_statement') statement = statement.parent;
    const block = statement?.parent;
    if (!statement || !block) return;
    const site = this.facts.callsIn(block).find((s) => s.node.startIndex >= statement!.endIndex);
    if (!site) return;
    // `await using x = …` parses as `await (using x = …)`.
    const awaited = assignment.parent?.type === 'await_expression' ? assignment.parent : undefined;
    const keyword = awaited ?? assignment.child(0)!;
    this.ctx.report({
      range: { start: keyword.startIndex, end: left.endIndex },
      message: `\`${awaited ? 'await ' : ''}using ${left.text}\` disposes it with \`free()\` when the block exits, also after wasm call \`${describeCall(site)}\` aborted: ${this.masking(buildModeOfModule(this.ctx, created.modulePath))} \`Error('Module terminated')\` and the caller gets a \`SuppressedError\` instead of the abort`,
      related: [{ path: this.ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: 'call into wasm that can abort' }],
    });
  }

  private masking(mode: BuildMode | undefined): string {
    return mode === 'unwind'
      ? 'in this panic=unwind build the instance is then terminated and `free()` throws'
      : 'with the abort handler the instance is then terminated and `free()` throws';
  }

  /** `x.free()` / `x?.free()` / `x[Symbol.dispose]()` calls on glue objects, not already inside a try/catch. */
  private releasesIn(block: Node): { call: Node; receiver: string; modulePath: string }[] {
    const out: { call: Node; receiver: string; modulePath: string }[] = [];
    const pending: Node[] = [block];
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (node.type === 'call_expression') {
        const release = this.release(node);
        if (release) out.push(release);
      }
      for (let i = node.namedChildCount - 1; i >= 0; i--) {
        const c = node.namedChild(i);
        if (!c || FUNCTION_TYPES.has(c.type)) continue;
        if (c.type === 'try_statement' && c.childForFieldName('handler')) continue; // already wrapped
        pending.push(c);
      }
    }
    return out.sort((a, b) => a.call.startIndex - b.call.startIndex);
  }

  private release(call: Node): { call: Node; receiver: string; modulePath: string } | undefined {
    if ((call.childForFieldName('arguments')?.namedChildCount ?? 0) > 0) return undefined;
    const fn = call.childForFieldName('function');
    let object: Node | null | undefined;
    if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'free') object = fn.childForFieldName('object');
    else if (fn?.type === 'subscript_expression' && fn.childForFieldName('index')?.text.replace(/\s+/g, '') === 'Symbol.dispose') object = fn.childForFieldName('object');
    if (!object) return undefined;
    let receiver = object;
    while (receiver.type === 'non_null_expression' || receiver.type === 'parenthesized_expression') receiver = receiver.namedChild(0) ?? receiver;
    const name = receiver.type === 'identifier' ? receiver.text
      : receiver.type === 'member_expression' && receiver.childForFieldName('object')?.type === 'this' ? receiver.text.replace(/\s+/g, '') : undefined;
    const cls = name ? this.facts.instanceClassAt(name, call.startIndex) : undefined;
    return cls && name ? { call, receiver: name, modulePath: cls.modulePath } : undefined;
  }

  private wrapFixes(call: Node): Fix[] {
    const statement = call.parent;
    if (statement?.type !== 'expression_statement') return [];
    const text = this.ctx.text;
    const style = sourceStyleOf(text);
    const semi = style.semicolons ? ';' : '';
    const inner = `${call.text}${semi}`;
    const indent = lineIndentAt(text, statement.startIndex);
    const q = style.quote;
    const { path } = classifierModulePath(this.ctx);
    const created = !this.ctx.workspace.fileExists(path);
    const range = { start: statement.startIndex, end: statement.endIndex };
    return [
      {
        title: 'Ignore a failing `free()` of an already terminated instance (keeps the original error)',
        safety: 'unsafe',
        edits: [{ range, newText: `try { ${inner} } catch { /* instance already terminated */ }` }],
      },
      {
        title: `Ignore only \`Module terminated\` from \`free()\` (\`${CLASSIFY_FUNCTION}\` ${created ? 'in a new' : 'imported from'} ${displayModulePath(this.ctx, path)})`,
        safety: 'unsafe',
        edits: [
          { range, newText: `try {\n${indent}${style.unit}${inner}\n${indent}} catch (e) {\n${indent}${style.unit}if (${CLASSIFY_FUNCTION}(e) !== ${q}terminated${q}) throw e${semi}\n${indent}}` },
          ...importClassifier(this.ctx, style, CLASSIFY_FUNCTION).edits,
        ],
      },
    ];
  }
}
