// abort-handler-misconfigured (catalog C08, failure-classification): `wasm_bindgen::handler::set_on_abort`
// used in a way that does not give the recovery it promises:
//   (a) registered outside the `#[wasm_bindgen(start)]` function — it is in place only once JS has called
//       that code, and a reinit resets every static (`__abort_handler` included) and re-runs only the start
//       function, so the next abort goes unhandled;
//   (b) a handler that does real work — allocating, logging, calling JS, touching shared state, panicking:
//       it runs after the instance aborted (maybe out of memory, maybe with corrupted memory) and a panic or
//       throw inside it is swallowed, so a `schedule_reinit()` after that work may never run;
//   (c) a panic=abort build whose wasm-bindgen run lacks `--force-enable-abort-handler`: the handler is
//       registered but never fires (reported only when the crate's build command is known).
// Flag writes and `schedule_reinit()` are what a handler should do (the guide's example, workers-rs).
// Documented in docs/rules/abort-handler-misconfigured.md; cases in test-fixtures/rust/abort-handler-misconfigured.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, FileEdit, RelatedLocation } from '../../model';
import {
  asMethodCall, asPathCall, attributeArguments, attributesOf, forEachDescendant, functionItemAt, indentationAt, isWasmBindgenAttribute, lastSegment,
  macroName, parentOf, rustEnv, statementLineRange, textReindented, type RustEnv,
} from '../../rust/index';
import { wasmBindgenVersionAtLeast } from '../../workspace/crate-config';
import { settingRange } from '../../workspace/crate-project';
import type { CrateInfo } from '../../workspace/types';

const ALLOCATING_MACROS = new Set(['format', 'vec', 'println', 'print', 'eprintln', 'eprint', 'dbg', 'write', 'writeln', 'format_args']);
const LOGGING_MACROS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'console_log', 'console_error', 'console_warn']);
const PANIC_MACROS = new Set(['panic', 'unreachable', 'todo', 'unimplemented', 'assert', 'assert_eq', 'assert_ne']);
const ALLOCATING_METHODS = new Set(['to_string', 'to_owned', 'to_vec', 'collect', 'join', 'concat', 'repeat', 'push_str', 'push']);
const ALLOCATING_CONSTRUCTORS = /^(String::(from|new|with_capacity)|Box::new|Vec::(new|with_capacity)|Rc::new|Arc::new|HashMap::new|BTreeMap::new)$/;
const BORROW_METHODS = new Set(['borrow', 'borrow_mut', 'with', 'with_borrow', 'with_borrow_mut', 'lock', 'read', 'write', 'try_borrow', 'try_borrow_mut', 'get_or_init']);
const PANIC_METHODS = new Set(['unwrap', 'expect', 'unwrap_err', 'expect_err', 'unwrap_throw', 'expect_throw']);
const JS_PATH_PREFIXES = new Set(['web_sys', 'js_sys', 'console', 'gloo', 'gloo_console', 'wasm_bindgen_futures']);

export default defineRule({
  id: 'abort-handler-misconfigured',
  catalogId: 'C08',
  family: 'failure-classification',
  side: 'rust',
  defaultSeverity: 'info',
  summary: '`set_on_abort` registered outside the start function, doing real work, or in a build where it never fires',
  fix: 'unsafe',
  docs: 'docs/rules/abort-handler-misconfigured.md',
  nodeTypes: ['call_expression'],
  // Text gate (Rule.textGate): every finding is on a call named `set_on_abort`.
  textGate: ['set_on_abort'],
  visit(node: Node, ctx: RuleContext) {
    const call = asPathCall(node);
    if (!call || call.name !== 'set_on_abort') return;
    const env = rustEnv(ctx);
    if (!isWasmBindgenHandler(call.segments, env) || env.tests.isTestCode(node)) return;
    const fn = enclosingFunctionItem(node);
    const handlerArg = call.args[0];
    const related: RelatedLocation[] = [];

    // (c) never fires: a panic=abort build whose known build command does not enable the handler.
    const crate = ctx.crate;
    const e = crate?.buildEvidence;
    if (crate && crate.buildMode === 'abort' && e?.buildScript && !e.abortHandler && e.requestedPanic !== 'immediate-abort') {
      const script = { path: e.buildScript.path, range: settingRange(ctx.workspace, e.buildScript), message: `the build command of \`${crate.name}\` (${e.buildScript.where})` };
      const flagOk = wasmBindgenVersionAtLeast(crate, '0.2.125');
      ctx.report({
        node,
        severity: 'warning',
        message: `this panic=abort build never runs the abort handler: wasm-bindgen emits the abort machinery for panic=abort only with ` +
          `\`--force-enable-abort-handler\`${flagOk ? '' : ` (wasm-bindgen ≥ 0.2.125; the crate uses ${crate.wasmBindgenVersion})`}, which ` +
          `${e.buildScript.where} does not pass — after a panic the instance keeps running unflagged and the handler never schedules a reinit`,
        related: [script],
        fixes: flagOk ? () => flagFix(ctx, crate) : undefined,
      });
    }

    // (a) placement.
    if (fn && !isStartFunction(fn, env) && !calledFromStart(fn, env)) {
      const name = fn.childForFieldName('name')?.text ?? 'this function';
      const reinit = env.index?.usesScheduleReinit ?? false;
      const start = env.index?.startFunctions[0];
      if (start) related.push({ path: start.path, range: start.nameRange, message: `the start function \`${start.name}\` runs on every (re)initialisation` });
      ctx.report({
        node,
        message: `the abort handler is registered in \`${name}\`, which runs only when it is called: until then an abort goes unhandled` +
          (reinit ? `, and a reinit resets every static (the registered handler included) and re-runs only the \`#[wasm_bindgen(start)]\` function, so the abort after the first reinit goes unhandled too` : '') +
          `; register it in the start function`,
        related,
        fixes: () => moveFix(ctx, env, node, fn),
      });
    }

    // (b) what the handler does.
    if (handlerArg) checkHandler(ctx, env, node, handlerArg);
  },
});

function isWasmBindgenHandler(segments: readonly string[], env: RustEnv): boolean {
  if (segments.length >= 2) return segments[segments.length - 2] === 'handler' && (segments.length === 2 || segments.includes('wasm_bindgen'));
  return /\buse\s+wasm_bindgen::handler::(?:set_on_abort\b|\*|\{[^}]*\bset_on_abort\b)/.test(env.text);
}

function enclosingFunctionItem(node: Node): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === 'function_item') return n;
  return null;
}

/** `#[wasm_bindgen(start)]`, workers-rs `#[event(start)]`, or `fn main` of a binary (wasm-bindgen runs it at start). */
function isStartFunction(fn: Node, env: RustEnv): boolean {
  const attrs = attributesOf(fn);
  if (attrs.some((a) => isWasmBindgenAttribute(a) && attributeArguments(a.args).has('start'))) return true;
  if (attrs.some((a) => a.name === 'event' && attributeArguments(a.args).has('start'))) return true;
  const isMain = fn.childForFieldName('name')?.text === 'main' && parentOf(fn)?.type === 'source_file';
  return isMain && /\/src\/(?:main\.rs|bin\/[^/]+\.rs)$/.test(env.path);
}

/**
 * A same-file function the start function calls, directly or through a few other same-file functions
 * (`fn start() { install_hooks(); }`): it runs at every (re)initialisation too. Calls inside closures do
 * not count (they may run later, if at all).
 */
function calledFromStart(fn: Node, env: RustEnv): boolean {
  const target = fn.childForFieldName('name')?.text;
  if (!target) return false;
  const fns = env.root.descendantsOfType('function_item').filter((f): f is Node => f !== null && !env.tests.isTestCode(f));
  const byName = new Map<string, Node[]>();
  for (const f of fns) {
    const name = f.childForFieldName('name')?.text;
    if (name) byName.set(name, [...(byName.get(name) ?? []), f]);
  }
  let frontier = fns.filter((f) => isStartFunction(f, env));
  const seen = new Set(frontier.map((f) => f.id));
  for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
    const next: Node[] = [];
    for (const f of frontier) {
      for (const callee of directCallees(f)) {
        if (callee === target) return true;
        for (const g of byName.get(callee) ?? []) {
          if (seen.has(g.id)) continue;
          seen.add(g.id);
          next.push(g);
        }
      }
    }
    frontier = next;
  }
  return false;
}

/** Names of the functions a function body calls by path (`helper()`, `recovery::install()`), outside closures. */
function directCallees(fn: Node): Set<string> {
  const out = new Set<string>();
  const body = fn.childForFieldName('body');
  if (!body) return out;
  forEachDescendant(body, (n) => {
    if (n.type === 'closure_expression' || n.type === 'function_item') return false;
    const call = asPathCall(n);
    if (call) out.add(call.name);
    return true;
  });
  return out;
}

// ---- (b) the handler's body --------------------------------------------------------------------------

interface HeavyWork {
  readonly node: Node;
  readonly what: string;
}

function checkHandler(ctx: RuleContext, env: RustEnv, registration: Node, arg: Node): void {
  let body: Node | null = null;
  let handlerName = 'the abort handler';
  if (arg.type === 'closure_expression') body = arg.childForFieldName('body');
  else if (arg.type === 'identifier' || arg.type === 'scoped_identifier') {
    const name = lastSegment(arg.text);
    const fn = env.root.descendantsOfType('function_item').find((f) => f?.childForFieldName('name')?.text === name && !env.tests.isTestCode(f));
    body = fn?.childForFieldName('body') ?? null;
    handlerName = `the abort handler \`${name}\``;
  }
  if (!body) return;
  const heavy = firstHeavyWork(body, env);
  if (!heavy) return;
  const reinitAfter = scheduleReinitAfter(body, heavy.node.endIndex);
  const consequence = reinitAfter
    ? 'so the `schedule_reinit()` after it may never run'
    : 'so the handler may stop half-way';
  ctx.report({
    node: heavy.node,
    message: `${handlerName} ${heavy.what}: it runs after the instance aborted — possibly out of memory or with corrupted memory — and a panic ` +
      `or throw inside it is swallowed, ${consequence}; keep it to \`schedule_reinit()\` and flag writes`,
    related: [{ path: env.path, range: { start: registration.startIndex, end: registration.endIndex }, message: 'registered here' }],
  });
}

function firstHeavyWork(body: Node, env: RustEnv): HeavyWork | undefined {
  let found: HeavyWork | undefined;
  forEachDescendant(body, (n) => {
    if (found) return false;
    if (n.type === 'closure_expression' || n.type === 'function_item') return false; // runs later, if at all
    if (n.type === 'macro_invocation') {
      const name = macroName(n);
      if (ALLOCATING_MACROS.has(name)) found = { node: n, what: `calls \`${name}!\`, which allocates` };
      else if (LOGGING_MACROS.has(name)) found = { node: n, what: `logs with \`${name}!\`, which allocates and calls into JS` };
      else if (PANIC_MACROS.has(name)) found = { node: n, what: `can panic (\`${name}!\`)` };
      return found === undefined;
    }
    if (n.type !== 'call_expression') return true;
    const m = asMethodCall(n);
    if (m) {
      if (PANIC_METHODS.has(m.method)) found = { node: n, what: `can panic (\`.${m.method}()\`)` };
      else if (ALLOCATING_METHODS.has(m.method)) found = { node: n, what: `calls \`.${m.method}()\`, which allocates` };
      else if (BORROW_METHODS.has(m.method) && isStateReceiver(m.receiver, env)) {
        found = { node: n, what: `reads shared state (\`${m.receiver.text}.${m.method}(…)\`) that the aborted call may have left borrowed or half-written` };
      }
      return found === undefined;
    }
    const p = asPathCall(n);
    if (!p) return true;
    const path = p.segments.join('::');
    if (p.name === 'schedule_reinit') return true;
    if (ALLOCATING_CONSTRUCTORS.test(p.segments.slice(-2).join('::'))) found = { node: n, what: `calls \`${path}\`, which allocates` };
    else if (JS_PATH_PREFIXES.has(p.segments[0] ?? '') || (p.segments.length === 1 && env.importNamed(p.name) && !env.localFunctionNames.has(p.name))) {
      found = { node: n, what: `calls into JS (\`${path}\`)` };
    }
    return found === undefined;
  });
  return found;
}

/** A receiver rooted at a static / `thread_local!` / `lazy_static!` of the crate. */
function isStateReceiver(receiver: Node, env: RustEnv): boolean {
  const root = /^[A-Za-z_][A-Za-z0-9_]*/.exec(receiver.text.replace(/^(?:crate|self|super)::(?:\w+::)*/, ''))?.[0];
  return root !== undefined && env.globalRoot(root) !== undefined;
}

function scheduleReinitAfter(body: Node, offset: number): boolean {
  let found = false;
  forEachDescendant(body, (n) => {
    if (found) return false;
    if (n.type === 'call_expression' && n.startIndex >= offset && asPathCall(n)?.name === 'schedule_reinit') found = true;
    return !found;
  });
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------------

/** (a): move the registration statement into the start function of this file, or into a new one. */
function moveFix(ctx: RuleContext, env: RustEnv, call: Node, fn: Node): Fix[] {
  const statement = parentOf(call);
  if (statement?.type !== 'expression_statement' || parentOf(statement)?.type !== 'block') return [];
  const text = ctx.text;
  const removal = statementLineRange(text, statement);
  const starts = (env.index?.startFunctions ?? []).filter((s) => s.path === ctx.path);
  const edits: FileEdit[] = [{ range: removal, newText: '' }];
  if (starts.length > 0) {
    const startFn = functionItemAt(env.root, starts[0].range);
    const body = startFn?.childForFieldName('body') ?? null;
    if (!body || body.type !== 'block') return [];
    const insertAt = body.startIndex + 1;
    // Broken code can put the start function inside the statement to remove.
    if (removal.start < insertAt && insertAt < removal.end) return [];
    const indent = `${indentationAt(text, startFn!.startIndex)}    `;
    edits.push({ range: { start: insertAt, end: insertAt }, newText: `\n${indent}${textReindented(text, statement, indent)}` });
    return [{ title: `Move the \`set_on_abort\` registration into the start function \`${starts[0].name}\``, safety: 'unsafe', edits }];
  }
  if ((env.index?.startFunctions.length ?? 0) > 0) return []; // the start function lives in another file
  if (/\bfn\s+start\b/.test(text)) return [];
  const attribute = /\buse\s+wasm_bindgen::prelude::(?:\*|wasm_bindgen\b|\{[^}]*\bwasm_bindgen\b)/.test(text)
    ? '#[wasm_bindgen(start)]' : '#[wasm_bindgen::prelude::wasm_bindgen(start)]';
  const insertAt = fn.endIndex;
  edits.push({ range: { start: insertAt, end: insertAt }, newText: `\n\n${attribute}\nfn start() {\n    ${textReindented(text, statement, '    ')}\n}` });
  return [{ title: 'Move the `set_on_abort` registration into a new `#[wasm_bindgen(start)]` function', safety: 'unsafe', edits }];
}

/** (c): add `--force-enable-abort-handler` to the `wasm-bindgen` invocation of the build script. */
function flagFix(ctx: RuleContext, crate: CrateInfo): Fix[] {
  const script = crate.buildEvidence?.buildScript;
  if (!script || !script.path.endsWith('package.json')) return [];
  const text = ctx.workspace.fileText(script.path);
  const name = /script `([^`]+)`/.exec(script.where)?.[1];
  if (text === undefined || !name) return [];
  const key = new RegExp(`"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*"`).exec(text);
  if (!key) return [];
  const valueStart = key.index + key[0].length;
  let valueEnd = valueStart;
  while (valueEnd < text.length && text[valueEnd] !== '"') valueEnd += text[valueEnd] === '\\' ? 2 : 1;
  const invocation = /(^|[\s;&|(])wasm-bindgen(?=\s)/.exec(text.slice(valueStart, valueEnd));
  if (!invocation) return [];
  const at = valueStart + invocation.index + invocation[1].length + 'wasm-bindgen'.length;
  return [{
    title: 'Pass `--force-enable-abort-handler` to wasm-bindgen in the build script',
    safety: 'unsafe',
    edits: [{ path: script.path, range: { start: at, end: at }, newText: ' --force-enable-abort-handler' }],
  }];
}
