// catch-unwind-misuse (catalog U07, unwind-safety): `std::panic::catch_unwind` (and the futures
// `.catch_unwind()`) used in a way that does not do what it looks like in a wasm-bindgen crate:
//  * inert — under panic=abort (the wasm32 default) it never returns `Err`: a panic inside traps
//    (`RuntimeError`), nothing unwinds and the `Err` handling never runs;
//  * discarded — under panic=unwind a `let _ = catch_unwind(..)` / `catch_unwind(..);` swallows the
//    panic and execution goes on with whatever state the closure left half-updated;
//  * JS exceptions — the closure throws only JS exceptions (`throw_str`, `unwrap_throw`, imports
//    without `catch`), which `catch_unwind` does not intercept on wasm (rust-lang/rust#148273): they
//    unwind (or, under abort, jump) straight past it to the export's caller.
// Code gated on `cfg(panic = "unwind")` is judged as unwind code; native-only and test code is skipped,
// and so are crates that do not use wasm-bindgen.
// Documented in docs/rules/catch-unwind-misuse.md; cases in test-fixtures/rust/catch-unwind-misuse.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, Severity } from '../../model';
import {
  asMethodCall, asPathCall, attributesOf, enclosingFunction, exportOfFunction, hasExportAttributes, mutationsIn, panicPointsIn, parentOf, runsSynchronouslyWithin,
  localFunctionsOfCall, rustEnv, stateResolverFor, stripTransparent, type PanicPoint, type RustEnv, type StateResolver,
} from '../../rust/index';
import { focusRange } from '../../rust/tear-points';
import type { BuildMode } from '../../workspace/types';

/** Methods whose result, when unused, still throws the caught panic away. */
const DISCARDING_CHAIN = new Set(['ok', 'is_err', 'is_ok', 'err']);

export default defineRule({
  id: 'catch-unwind-misuse',
  catalogId: 'U07',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: '`catch_unwind` whose result is discarded, that is inert under panic=abort, or that is expected to catch JS exceptions',
  fix: 'unsafe',
  docs: 'docs/rules/catch-unwind-misuse.md',
  nodeTypes: ['call_expression'],
  // Text gate (Rule.textGate): every finding is on a `catch_unwind` call.
  textGate: ['catch_unwind'],
  visit(call: Node, ctx: RuleContext) {
    if (calleeName(call) !== 'catch_unwind') return;
    const site = catchUnwindSite(call, ctx);
    if (!site) return;
    const env = rustEnv(ctx);
    if (!env.crate?.usesWasmBindgen || env.tests.isTestCode(call)) return;
    const gate = panicGate(call);
    if (gate === 'abort-only') return;
    const mode: BuildMode = gate === 'unwind-only' ? 'unwind' : env.buildMode;
    const fn = enclosingFunction(call);
    const resolver = fn ? stateResolverFor(env, fn) : undefined;
    const body = site.body && fn && resolver ? site.body : undefined;
    const points = body ? panicPointsIn(env.facts(fn!), body.node.startIndex, body.node.endIndex, env, { resolver, skipBoundsChecked: true })
      .filter((p) => runsSynchronouslyWithin(p.node, body.context)) : [];
    const jsThrows = points.filter((p) => p.failure !== 'panic');
    const panics = points.filter((p) => p.failure === 'panic');
    const discarded = discardingStatement(call);
    const related: RelatedLocation[] = [];
    const jsNote = jsThrows.length > 0 ? jsExceptionText(jsThrows[0]) : '';
    if (jsThrows.length > 0) related.push({ path: env.path, range: focusRange(jsThrows[0].node, env.text), message: 'throws a JS exception that `catch_unwind` does not catch' });

    let message: string;
    let severity: Severity | undefined;
    let fixes: (() => Fix[]) | undefined;
    if (mode !== 'unwind') {
      // A crate that also builds natively (wasm-bindgen only under `[target.'cfg(…wasm32…)'.dependencies]`,
      // or an optional dependency behind a feature) uses catch_unwind for its native targets: inert only
      // counts in code that exists just for wasm.
      if (fn && wasmBindgenIsConditional(ctx, env) && !inWasmOnlyCode(call, fn, env)) return;
      // Inert: whatever it was meant to catch, a panic traps first.
      const after = mode === 'abort+handler' ? ' and the instance is terminated (`Module terminated` on every later call)' : '';
      const handling = discarded ? '' : ', so the `Err` handling here never runs';
      message = `\`${site.display}\` is inert in this panic=abort build (${env.crate.buildModeReason}): a panic inside traps with a \`RuntimeError\` instead of returning \`Err\`${after}${handling}` +
        (jsThrows.length > 0 ? `; ${jsNote}` : '');
      if (panics.length > 0) related.unshift({ path: env.path, range: focusRange(panics[0].node, env.text), message: 'a panic here traps instead of being caught' });
    } else if (discarded) {
      const state = body && resolver ? firstStateMutated(env, fn!, body, resolver) : undefined;
      const atRisk = state ? `\`${state.name}\`, which it modifies, is left as the panic found it` : 'whatever state it had half-updated stays that way';
      message = `the result of \`${site.display}\` is discarded: under panic=unwind a panic inside is swallowed here, no \`PanicError\` reaches the caller, and ${atRisk}` +
        (jsThrows.length > 0 ? `; also, ${jsNote}` : '');
      severity = state || jsThrows.length > 0 ? undefined : 'info';
      if (state) related.push({ path: env.path, range: state.range, message: `\`${state.name}\` modified inside the closure` });
      fixes = () => resumeFix(discarded, call);
    } else if (jsThrows.length > 0) {
      message = jsNote;
    } else {
      return;
    }
    ctx.report({ range: focusRange(site.callee, env.text), message, severity, related, fixes });
  },
});

// ---- recognising catch_unwind ------------------------------------------------------------------------

interface Site {
  /** What messages call it: `std::panic::catch_unwind`, `catch_unwind`, `.catch_unwind()`. */
  readonly display: string;
  /** The node reported (the callee path, or the method name). */
  readonly callee: Node;
  /** The code that runs under it: a closure body or an async block, and the context it runs in. */
  readonly body?: { readonly node: Node; readonly context: Node };
}

/** The last segment of a call's callee or its method name, cheaply. */
function calleeName(call: Node): string {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  if (!fn) return '';
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'scoped_identifier') return fn.childForFieldName('name')?.text ?? '';
  if (fn.type === 'field_expression') return fn.childForFieldName('field')?.text ?? '';
  return '';
}

function catchUnwindSite(call: Node, ctx: RuleContext): Site | undefined {
  const m = asMethodCall(call);
  if (m) {
    // futures::FutureExt::catch_unwind on a future: `AssertUnwindSafe(async { … }).catch_unwind().await`.
    if (m.method !== 'catch_unwind' || m.args.length !== 0) return undefined;
    const future = unwrappedOfType(m.receiver, 'async_block');
    return { display: '.catch_unwind()', callee: m.methodNode, body: future ? { node: future, context: future } : undefined };
  }
  const p = asPathCall(call);
  if (!p || p.name !== 'catch_unwind' || p.args.length !== 1) return undefined;
  if (p.segments.length === 1) {
    // A bare `catch_unwind(..)` must come from `use std::panic::catch_unwind` (or a glob), not a local fn.
    if (!/\buse\s+(std|core)::panic::(catch_unwind\b|\{[^}]*\bcatch_unwind\b|\*)/.test(ctx.text)) return undefined;
    // A free `fn catch_unwind` of the call's own module (cfg variants included) shadows the import; one
    // in `mod compat { … }` does not.
    if (/\bfn\s+catch_unwind\b/.test(ctx.text) && localFunctionsOfCall(call, rustEnv(ctx)).length > 0) return undefined;
  } else if (p.segments[p.segments.length - 2] !== 'panic') {
    return undefined;
  }
  const closure = unwrappedOfType(p.args[0], 'closure_expression');
  const body = closure?.childForFieldName('body');
  return { display: p.segments.join('::'), callee: p.calleeNode, body: closure && body ? { node: body, context: closure } : undefined };
}

/**
 * The node of `type` an argument stands for, looking through parentheses/references and
 * `AssertUnwindSafe(…)` wrappers: `|| …`, `AssertUnwindSafe(|| …)`, `move || …` for closures,
 * `AssertUnwindSafe(async { … })` for futures.
 */
function unwrappedOfType(arg: Node, type: 'closure_expression' | 'async_block'): Node | undefined {
  let n: Node | null = arg;
  for (let i = 0; i < 4 && n; i++) {
    n = stripTransparent(n);
    if (n.type === type) return n;
    const p = asPathCall(n);
    if (p && p.name === 'AssertUnwindSafe' && p.args.length === 1) {
      n = p.args[0];
      continue;
    }
    return undefined;
  }
  return undefined;
}

/**
 * `cfg(panic = "unwind")` on an enclosing item or statement, or `if cfg!(panic = "unwind") { … }`:
 * the code exists only in unwind builds. `cfg(not(panic = "unwind"))` / `cfg(panic = "abort")`: only in
 * abort builds, where the author chose it knowingly.
 */
function panicGate(node: Node): 'unwind-only' | 'abort-only' | undefined {
  let child: Node = node;
  for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
    if (n.type === 'block' || n.type === 'declaration_list' || n.type === 'source_file') {
      for (const a of attributesOf(child)) {
        if (a.name !== 'cfg' || !a.args) continue;
        const gate = gateOf(a.args.text);
        if (gate) return gate;
      }
    }
    if (n.type === 'if_expression' && n.childForFieldName('consequence')?.id === child.id) {
      const gate = gateOf(n.childForFieldName('condition')?.text.replace(/^cfg!/, '') ?? '');
      if (gate && /cfg!/.test(n.childForFieldName('condition')?.text ?? '')) return gate;
    }
  }
  return undefined;
}

/** Evaluates the `panic` part of a cfg predicate: `all(…, panic = "unwind")` → unwind-only, `not(…)` inverts, `any(…)` → unknown. */
function gateOf(cfgText: string): 'unwind-only' | 'abort-only' | undefined {
  let t = cfgText.replace(/\s+/g, '');
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1);
  if (t === 'panic="unwind"') return 'unwind-only';
  if (t === 'panic="abort"') return 'abort-only';
  const call = /^(not|all|any)\((.*)\)$/.exec(t);
  if (!call) return undefined;
  const parts = splitTopLevel(call[2]);
  if (call[1] === 'not') {
    const inner = parts.length === 1 ? gateOf(parts[0]) : undefined;
    // `not(all(a, unwind))` is not abort-only; only a bare negation inverts.
    if (parts.length === 1 && /^panic=/.test(parts[0])) return inner === 'unwind-only' ? 'abort-only' : inner === 'abort-only' ? 'unwind-only' : undefined;
    return undefined;
  }
  if (call[1] === 'all') {
    for (const part of parts) {
      const g = gateOf(part);
      if (g) return g;
    }
  }
  return undefined;
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}

/** The statement that throws the result away: `let _ = …;`, `…;`, `….ok();`, `drop(…);`. */
function discardingStatement(call: Node): Node | undefined {
  let n: Node = call;
  for (let i = 0; i < 6; i++) {
    const p = parentOf(n);
    if (!p) return undefined;
    if (p.type === 'await_expression') {
      n = p;
      continue;
    }
    if (p.type === 'field_expression' && p.childForFieldName('value')?.id === n.id) {
      const chain = parentOf(p);
      const m = chain ? asMethodCall(chain) : undefined;
      if (!chain || !m || !DISCARDING_CHAIN.has(m.method)) return undefined;
      n = chain;
      continue;
    }
    if (p.type === 'expression_statement') return p;
    if (p.type === 'let_declaration') {
      const pattern = p.childForFieldName('pattern');
      return pattern?.text === '_' || /^let\s+_\s*(:[^=]*)?=/.test(p.text) ? p : undefined;
    }
    if (p.type === 'arguments') {
      const outer = parentOf(p);
      const d = outer ? asPathCall(outer) : undefined;
      if (outer && d && d.name === 'drop' && d.args.length === 1 && parentOf(outer)?.type === 'expression_statement') return parentOf(outer)!;
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

// ---- multi-target crates -----------------------------------------------------------------------------

/** wasm-bindgen appears in Cargo.toml only as a target-specific dependency (the crate also builds natively). */
/**
 * Whether the crate also builds without wasm-bindgen: every wasm-bindgen dependency is target-specific
 * (`[target.'cfg(…)'.dependencies]`) or optional (`optional = true`, enabled by a feature).
 */
function wasmBindgenIsConditional(ctx: RuleContext, env: RustEnv): boolean {
  const manifest = env.crate ? ctx.workspace.fileText(env.crate.manifestPath) : undefined;
  if (!manifest) return false;
  let header = '';
  let conditional = false;
  // `[dependencies.wasm-bindgen]` table: unconditional unless an `optional = true` line follows in it.
  let pendingTable = false;
  const closeTable = (): boolean => {
    const unconditional = pendingTable;
    pendingTable = false;
    return unconditional;
  };
  for (const raw of manifest.split(/\r?\n/)) {
    const line = raw.trim();
    const h = /^\[([^\]]+)\]/.exec(line);
    if (h) {
      if (closeTable()) return false;
      header = h[1].replace(/\s+/g, '');
      if (/(^|\.)dependencies\.wasm-bindgen$/.test(header)) {
        if (header.startsWith('target.')) conditional = true;
        else if (/^(workspace\.)?dependencies\./.test(header)) pendingTable = true;
      }
      continue;
    }
    if (pendingTable && /^optional\s*=\s*true\b/.test(line)) {
      pendingTable = false;
      conditional = true;
      continue;
    }
    if (!/^wasm-bindgen\s*=/.test(line)) continue;
    if (header.startsWith('target.') && /\.dependencies$/.test(header)) conditional = true;
    else if (header === 'dependencies') {
      if (!/\boptional\s*=\s*true\b/.test(line)) return false;
      conditional = true;
    }
  }
  if (closeTable()) return false;
  return conditional;
}

const WASM_CFG = /target_arch\s*=\s*"wasm32"|target_family\s*=\s*"wasm"|target_os\s*=\s*"unknown"/;

/** Code compiled only for wasm: under a wasm `cfg`, in a `#![cfg(…wasm…)]` file, or in an export. */
function inWasmOnlyCode(node: Node, fn: Node, env: RustEnv): boolean {
  if (exportOfFunction(fn, env) || hasExportAttributes(fn)) return true;
  const inner = /^[ \t]*#!\[\s*cfg\s*\((.*)\)\s*\][ \t]*$/m.exec(env.text);
  if (inner && WASM_CFG.test(inner[1]) && !/\bnot\s*\(/.test(inner[1])) return true;
  let child: Node = node;
  for (let n = parentOf(node); n; child = n, n = parentOf(n)) {
    if (n.type !== 'block' && n.type !== 'declaration_list' && n.type !== 'source_file') continue;
    for (const a of attributesOf(child)) {
      if (a.name === 'cfg' && a.args && WASM_CFG.test(a.args.text) && !/\bnot\s*\(/.test(a.args.text)) return true;
    }
  }
  return false;
}

// ---- messages --------------------------------------------------------------------------------------

function jsExceptionText(p: PanicPoint): string {
  const how = p.failure === 'foreign' ? 'calls JS that can throw (an import without `catch`)' : 'throws a JS exception';
  return `\`${p.display}\` ${how}, which \`catch_unwind\` does not catch on wasm (it only catches Rust panics): the exception goes straight past it to the export's caller`;
}

/** The first shared state (or field of `self`) the closure modifies, for naming what a swallowed panic leaves torn. */
function firstStateMutated(env: RustEnv, fn: Node, body: { node: Node; context: Node }, resolver: StateResolver): { name: string; range: { start: number; end: number } } | undefined {
  const m = mutationsIn(env.facts(fn), body.node.startIndex, body.node.endIndex, resolver, { selfFields: true })
    .find((x) => runsSynchronouslyWithin(x.node, body.context));
  return m ? { name: m.origin.name, range: focusRange(m.node, env.text) } : undefined;
}

// ---- fix -------------------------------------------------------------------------------------------

/** `let _ = catch_unwind(X);` → `if let Err(payload) = catch_unwind(X) { std::panic::resume_unwind(payload) }`. */
function resumeFix(statement: Node, call: Node): Fix[] {
  let value: Node = call;
  const awaited = parentOf(call);
  if (awaited?.type === 'await_expression') value = awaited;
  return [{
    title: 'Propagate the panic (`std::panic::resume_unwind`) instead of swallowing it',
    safety: 'unsafe',
    edits: [{ range: rangeOf(statement), newText: `if let Err(payload) = ${value.text} { std::panic::resume_unwind(payload) }` }],
  }];
}

function rangeOf(n: Node): { start: number; end: number } {
  return { start: n.startIndex, end: n.endIndex };
}
