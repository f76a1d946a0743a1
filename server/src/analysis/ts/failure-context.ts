// What the failure-classification rules (C01–C07) ask about a wasm call site and its handlers beyond
// WASM_CALL itself: the build mode that decides what a failure looks like (§A1: the producing crate's
// configuration first, then the glue's markers), whether the glue's `PanicError` name can be minified
// (pre-0.2.127), the "is this a classifier call" predicate (configured names plus same-file helpers that
// classify or always throw), recovery calls, test files, and the retry-loop shape C01 leaves to C03.

import type { Node } from 'web-tree-sitter';
import { compareVersions } from '../workspace/crate-config';
import type { FileContext } from '../workspace/file-context';
import type { BuildMode, CrateInfo } from '../workspace/types';
import { handlerClassifies, handlerRethrows, LOOP_TYPES } from './catch-analysis';
import { FUNCTION_TYPES, type WasmCallFacts } from './wasm-calls';

/** Test, spec and Storybook files: failures there are asserted on or shown, not handled. */
export const TEST_FILE = /(?:[._-](?:test|spec|stories|story)\.[cm]?[jt]sx?$)|\/(?:__tests__|tests?|e2e)\//;

/** Calls that give the program a fresh instance (or a fresh process) after an abort. */
const RECOVERY_CALL = /(?:^|\.)(?:recoverWasm|__wbg_reset_state|terminate|respawn\w*|reload|resetWasm\w*|reinit\w*)$/;

/** The crate that produced the glue at `modulePath` (joined by lib name, §B4), else the file's crate. */
export function producingCrate(ctx: FileContext, modulePath: string): CrateInfo | undefined {
  const module = ctx.workspace.wasmModule(modulePath);
  const crate = module?.crateRoot !== undefined ? ctx.workspace.crateOf(`${module.crateRoot}/Cargo.toml`) : undefined;
  return crate ?? ctx.crate;
}

/**
 * The build mode a call into the glue at `modulePath` runs under: the crate's configuration is what the
 * next build produces; the glue's markers describe the last one; undefined when neither is known.
 */
export function buildModeOfModule(ctx: FileContext, modulePath: string): BuildMode | undefined {
  const module = ctx.workspace.wasmModule(modulePath);
  const crate = module?.crateRoot !== undefined ? ctx.workspace.crateOf(`${module.crateRoot}/Cargo.toml`) : undefined;
  return crate?.buildMode ?? module?.glueBuildMode ?? ctx.crate?.buildMode;
}

/**
 * True when the glue's `PanicError` name comes from the class identifier (`value: PanicError.name`,
 * wasm-bindgen < 0.2.127, #5260), so a minifier renames it; false when the literal name is known to be
 * used; undefined when neither the glue nor the crate's wasm-bindgen version says.
 */
export function panicErrorNameMinifiable(ctx: FileContext, modulePath: string): boolean | undefined {
  const texts = [modulePath, modulePath.replace(/\.([cm]?js)$/, '_bg.$1')].map((p) => ctx.workspace.fileText(p)).filter((t): t is string => t !== undefined);
  for (const t of texts) {
    if (/value:\s*PanicError\.name\b/.test(t)) return true;
    if (/value:\s*['"]PanicError['"]/.test(t)) return false;
  }
  const version = producingCrate(ctx, modulePath)?.wasmBindgenVersion;
  if (version === undefined) return undefined;
  const plain = /^[=^~]?\s*(\d+\.\d+\.\d+)\s*$/.exec(version)?.[1];
  if (!plain) return undefined;
  const cmp = compareVersions(plain, '0.2.127');
  return cmp === undefined ? undefined : cmp < 0;
}

/**
 * "Does this call classify the failure?": a configured classifier (`settings.classifierNames`), or a
 * same-file function (one level) that classifies with one, looks at the A13 tokens, or always throws.
 */
export function classifierCallPredicate(ctx: FileContext, facts: WasmCallFacts): (name: string, call: Node) => boolean {
  const names = new Set(ctx.settings.classifierNames);
  const cache = new Map<number, boolean>();
  return (name, call) => {
    if (names.has(name)) return true;
    const fn = call.childForFieldName('function');
    const key = fn?.type === 'member_expression' && fn.childForFieldName('object')?.type === 'this' ? `this.${name}` : name;
    const helper = facts.helperBody(key, call.startIndex);
    if (!helper) return false;
    let verdict = cache.get(helper.id);
    if (verdict === undefined) {
      verdict = handlerRethrows(helper) || handlerClassifies(helper, (n) => names.has(n));
      cache.set(helper.id, verdict);
    }
    return verdict;
  };
}

/** The handler calls something that recovers the instance or ends its host (`recoverWasm()`, `__wbg_reset_state()`, `worker.terminate()`). */
export function handlerRecovers(handler: Node, helperBody?: (key: string, at: number) => Node | undefined): boolean {
  let found = false;
  const pending: Node[] = [handler];
  while (pending.length > 0 && !found) {
    const node = pending.pop()!;
    if (node.type === 'call_expression') {
      const callee = node.childForFieldName('function')?.text.replace(/\s+/g, '').replace(/\?\./g, '.') ?? '';
      if (RECOVERY_CALL.test(callee)) found = true;
      // One level into a same-file helper (`resetInstance()` that calls `__wbg_reset_state()`).
      else if (helperBody && /^(?:this\.)?[A-Za-z_$][\w$]*$/.test(callee)) {
        const body = helperBody(callee, node.startIndex);
        if (body && handlerRecovers(body)) found = true;
      }
    }
    for (let i = node.namedChildCount - 1; i >= 0; i--) {
      const c = node.namedChild(i);
      if (c && !FUNCTION_TYPES.has(c.type)) pending.push(c);
    }
  }
  return found;
}

// ---- retry loops ------------------------------------------------------------------------------------

const BREAKABLE_TYPES = new Set([...LOOP_TYPES, 'switch_statement']);

/**
 * The loop that retries the `try` statement's body after a failure (catalog C03): the `try` sits in the
 * body of a `for`/`while`/`do` loop (not inside a nested function), its body leaves the loop on success
 * (`return`, `break`, or setting a variable the loop condition reads), and its `catch` does not always
 * leave the loop — so a failure goes round again. Batch loops (`for (const x of xs) try { out.push(f(x)) }`)
 * do not leave on success and are not retries.
 */
export function retryLoopOf(tryNode: Node): Node | undefined {
  const handlerBody = tryNode.childForFieldName('handler')?.childForFieldName('body');
  const body = tryNode.childForFieldName('body');
  if (!handlerBody || !body) return undefined;
  let loop: Node | undefined;
  for (let p = tryNode.parent; p; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return undefined;
    if (LOOP_TYPES.has(p.type)) {
      const loopBody = p.childForFieldName('body');
      if (!loopBody || tryNode.startIndex < loopBody.startIndex || tryNode.endIndex > loopBody.endIndex) return undefined;
      loop = p;
      break;
    }
  }
  if (!loop) return undefined;
  if (alwaysLeaves(handlerBody)) return undefined;
  return leavesOnSuccess(body, loop) ? loop : undefined;
}

/** A `return` or loop-leaving `break` in the try body, or an assignment to a variable the loop's condition reads. */
function leavesOnSuccess(body: Node, loop: Node): boolean {
  const condition = loop.childForFieldName('condition')?.text ?? '';
  const conditionNames = new Set(condition.match(/[A-Za-z_$][\w$]*/g) ?? []);
  let found = false;
  const pending: { node: Node; breakable: number }[] = [{ node: body, breakable: 0 }];
  while (pending.length > 0 && !found) {
    const { node, breakable } = pending.pop()!;
    if (node.type === 'return_statement') found = true;
    else if (node.type === 'break_statement') found = breakable === 0 || node.namedChildCount > 0; // labelled: assume the loop
    else if (node.type === 'assignment_expression') {
      const left = node.childForFieldName('left');
      if (left?.type === 'identifier' && conditionNames.has(left.text)) found = true;
    }
    const depth = breakable + (BREAKABLE_TYPES.has(node.type) ? 1 : 0);
    for (let i = node.namedChildCount - 1; i >= 0; i--) {
      const c = node.namedChild(i);
      if (c && !FUNCTION_TYPES.has(c.type)) pending.push({ node: c, breakable: depth });
    }
  }
  return found;
}

/** Every path through the block ends in `throw`, `return` or `break` (not `continue`, which retries). */
function alwaysLeaves(block: Node): boolean {
  const pending: Node[] = [block];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'statement_block') {
      const statements = node.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'empty_statement');
      const leaving = statements.findIndex((s) => s.type === 'throw_statement' || s.type === 'return_statement' || s.type === 'break_statement');
      if (leaving >= 0) {
        // `if (attempt < 3) continue; throw e;`: the loop goes round again on the `continue` path.
        if (statements.slice(0, leaving).some(continuesLoop)) return false;
        continue;
      }
      const last = statements[statements.length - 1];
      if (!last) return false;
      pending.push(last);
    } else if (node.type === 'if_statement') {
      const consequence = node.childForFieldName('consequence');
      const alternative = node.childForFieldName('alternative');
      const elseBody = alternative?.type === 'else_clause' ? alternative.namedChildren.find((c) => c.type !== 'comment') : alternative;
      if (!consequence || !elseBody) return false;
      pending.push(consequence, elseBody);
    } else if (node.type !== 'throw_statement' && node.type !== 'return_statement' && node.type !== 'break_statement') {
      if (!(node.type === 'expression_statement' && handlerRethrows(node))) return false;
    }
  }
  return true;
}

/** A `continue` in `statement` that is not inside a loop of its own (nor a nested function). */
function continuesLoop(statement: Node): boolean {
  const pending: Node[] = [statement];
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (n.type === 'continue_statement') return true;
    for (const c of n.namedChildren) if (c && !FUNCTION_TYPES.has(c.type) && !LOOP_TYPES.has(c.type)) pending.push(c);
  }
  return false;
}

/** The name a function is called by, for self-recursion checks: declaration name, `const f = () =>`, method name. */
export function functionNameOf(fn: Node): string | undefined {
  const name = fn.childForFieldName('name');
  if (name && (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration')) return name.text;
  if (name && fn.type === 'method_definition' && name.type === 'property_identifier') return `this.${name.text}`;
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator') {
    const id = parent.childForFieldName('name');
    if (id?.type === 'identifier') return id.text;
  }
  return undefined;
}

/**
 * A call of the enclosing function `fn` from inside a failure handler (`return load(url, attempt + 1)`, or
 * later from an arrow the handler schedules: `setTimeout(() => load(url), 100)`): a recursive retry.
 */
export function selfCallIn(handlerBody: Node, fn: Node | undefined): Node | undefined {
  const name = fn ? functionNameOf(fn) : undefined;
  if (!name) return undefined;
  const pending: Node[] = [handlerBody];
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text.replace(/\s+/g, '') === name) return n;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c && !(FUNCTION_TYPES.has(c.type) && c.type !== 'arrow_function' && c.type !== 'function_expression')) pending.push(c);
    }
  }
  return undefined;
}
