// abort-prone-input-sized-work (catalog U10, unwind-safety): an export sizes work by a number JS hands
// it, with no limit — an allocation (`Vec::with_capacity(n)`, `vec![x; n]`, `.reserve(n)`,
// `.resize(n, x)`, `s.repeat(n)`, `repeat(x).take(n)`) or a recursion whose depth follows the input.
// A huge request fails the allocator ("memory allocation of N bytes failed") and a deep recursion
// overflows the stack: both are hard aborts even under panic=unwind (class A), and a JS caller can
// trigger them with one argument. "Input" is a numeric parameter of the export (`u32`, `usize`, `f64` …,
// not `u8`/`u16`), the `.length()`/`.as_f64()` of a JS-object parameter (a sparse JS array has a huge
// length and no memory), or a value decoded from a byte/string parameter (`from_le_bytes`, `parse`);
// it flows through `let`s, casts and arithmetic. A `.min(..)`/`.clamp(..)`, a comparison of the value
// (or of what it was derived from) before the allocation, `try_reserve` — and the `.len()` of data JS
// already copied in — are limits. Recursion: a same-file function that calls itself with no
// depth/level/budget comparison, called from an export with an argument that mentions a parameter.
// Documented in docs/rules/abort-prone-input-sized-work.md; cases in test-fixtures/rust/abort-prone-input-sized-work.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, methodCallPattern, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, TextRange } from '../../model';
import {
  asMethodCall, asPathCall, enclosingImplType, exportOfFunction, functionItemAt, hasExportAttributes, macroName, mentionsWord, parentOf,
  patternIdentifiers, quotedExpression, rustEnv, stripTransparent, typeBaseName, type RustEnv,
} from '../../rust/index';

const NUMERIC = /^(Option\s*<\s*)?(u32|u64|u128|usize|i32|i64|i128|isize|f32|f64)(\s*>)?$/;
const JS_OBJECT = /^&?\s*(js_sys::)?(Array|JsValue|Object)$/;
const BYTES_OR_TEXT = /^(&\s*(mut\s+)?\[u8\]|Vec<u8>|Box<\[u8\]>|&\s*str|String|(js_sys::)?Uint8Array|&\s*(js_sys::)?Uint8Array)$/;
const DECODE = /\b(from_le_bytes|from_be_bytes|from_ne_bytes|read_u(16|32|64)|read_i(32|64)|get_u(32|64)(_le)?|from_str_radix)\b/;
/** `parse` yields a number only when the target type says so (turbofish, cast, or the `let`'s type). */
const PARSE_NUMBER = /\bparse\s*::\s*<\s*(u|i)(32|64|128|size)\s*>|\bparse\b[\s\S]*\bas\s+(u|i)(32|64|size)\b/;
const NUMERIC_TYPE = /^(u|i)(32|64|128|size)$|^f(32|64)$/;
// Limits in the expression itself; `len() - k` cannot exceed a length that already exists.
const CLAMP = /\.\s*(min|clamp)\s*\(|\b(cmp::)?min\s*\(|\bmin_by\b|\.len\(\)\s*-/;
const COMPARISON_OPS = new Set(['<', '>', '<=', '>=']);
const TINY_SCALAR = /^(Option<)?(bool|u8|i8)>?$/;
const DEPTH_WORDS = '(depth|level|nesting|recursion|budget|fuel|remaining|limit|max_?depth)';
const DEPTH_CHECK = new RegExp(`\\b\\w*${DEPTH_WORDS}\\w*\\s*(>=|<=|>|<|==)|(>=|<=|>|<|==)\\s*&?\\s*(self\\.)?\\w*${DEPTH_WORDS}\\w*|\\w*${DEPTH_WORDS}\\w*\\s*\\.\\s*(checked_sub|saturating_sub)`, 'i');
const CAPACITY_LIMIT = '1 << 20';
const SINK_CALL = methodCallPattern(['reserve', 'reserve_exact', 'resize', 'resize_with', 'repeat', 'take', 'with_capacity', 'collect']);
/** Iterator adaptors that keep a range's exact length, so `collect()` allocates it all up front. */
const LENGTH_KEEPING_ADAPTORS = new Set(['map', 'enumerate', 'rev', 'cloned', 'copied', 'inspect', 'into_iter']);
const VEC_MACRO = /\bvec\s*!/;

interface Source {
  /** The export parameter the value comes from. */
  readonly param: string;
  readonly paramNode: Node;
  readonly paramType: string;
}

/** Taint facts of one export: which names hold input-sized numbers at which offsets. */
interface Taint {
  /** name → events in document order: from `at` on, the name holds input (or not). */
  readonly events: Map<string, { at: number; source?: Source; via: Set<string> }[]>;
  readonly params: Map<string, Source>;
  readonly jsObjects: Set<string>;
  readonly bytesOrText: Set<string>;
}

/** A function that calls itself with no depth check (a record `collect`ed for `finish`: plain data). */
interface RecursionSite {
  readonly key: string;
  readonly fnName: string;
  readonly callRange: TextRange;
  readonly display: string;
}

/** An export's call of a same-file function with an argument derived from a JS parameter (a record). */
interface ExportCall {
  readonly key: string;
  readonly callRange: TextRange;
  readonly exportName: string;
  readonly param: string;
  readonly paramRange: TextRange;
}

/** An export of the file (a record): its calls are looked at in `finish`, only if some function recurses. */
interface ExportSite {
  readonly fnRange: TextRange;
  readonly exportName: string;
}

type FileRecord = { readonly recursion: RecursionSite } | { readonly exportSite: ExportSite };

export default defineRule({
  id: 'abort-prone-input-sized-work',
  catalogId: 'U10',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'allocation or recursion sized by a number from JS, without a limit, can abort the instance (OOM, stack overflow)',
  fix: 'unsafe',
  docs: 'docs/rules/abort-prone-input-sized-work.md',
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): allocations and recursion are reported only when reached from an export of this file: an export is recognised from its own attributes (`wasm_bindgen`, `#[event]`, `durable_object`: rust-summary.ts, units.ts).
  textGate: ['wasm_bindgen', 'event', 'durable_object'],
  visit(fn: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    if (ctx.crate && !ctx.crate.usesWasmBindgen) return;
    const body = fn.childForFieldName('body');
    const nameNode = fn.childForFieldName('name');
    if (!body || !nameNode || env.tests.isTestCode(fn)) return;
    recordRecursion(fn, nameNode, env, ctx);
    const exported = exportOfFunction(fn, env);
    if (!exported && !hasExportAttributes(fn)) return;
    ctx.collect({ exportSite: { fnRange: { start: fn.startIndex, end: fn.endIndex }, exportName: exported?.jsName ?? nameNode.text } });
    const sinks = sinksIn(fn, env);
    if (sinks.length === 0) return;
    const taint = taintOf(fn, env);
    if (taint.params.size === 0) return;
    for (const sink of sinks) {
      const source = inputBehind(sink.size, sink.at, fn, env, taint);
      if (source) reportAllocation(ctx, env, fn, sink, source);
    }
  },
  finish(ctx: RuleContext) {
    const env = rustEnv(ctx);
    // Across functions: recursion in one, reached with JS input from an export in another.
    const recursive = new Map<string, RecursionSite>();
    const exports: ExportSite[] = [];
    for (const record of ctx.collected() as readonly FileRecord[]) {
      if ('recursion' in record) {
        if (!recursive.has(record.recursion.key)) recursive.set(record.recursion.key, record.recursion);
      } else {
        exports.push(record.exportSite);
      }
    }
    // Most files have no unbounded recursion: the exports' calls are only looked at when one does.
    if (recursive.size === 0) return;
    const calls = new Map<string, ExportCall[]>();
    for (const site of exports) {
      const fn = functionItemAt(ctx.root, site.fnRange);
      if (!fn) continue;
      for (const call of exportCalls(fn, env, site.exportName, recursive)) {
        const list = calls.get(call.key);
        if (list) list.push(call);
        else calls.set(call.key, [call]);
      }
    }
    for (const [key, site] of recursive) {
      const reaching = calls.get(key);
      if (reaching && reaching.length > 0) reportRecursion(ctx, env, site, reaching);
    }
  },
});

// ---- taint -------------------------------------------------------------------------------------------

function taintOf(fn: Node, env: RustEnv): Taint {
  const taint: Taint = { events: new Map(), params: new Map(), jsObjects: new Set(), bytesOrText: new Set() };
  const params = fn.childForFieldName('parameters');
  const body = fn.childForFieldName('body')!;
  for (const p of params?.namedChildren ?? []) {
    if (p.type !== 'parameter') continue;
    const pattern = p.childForFieldName('pattern');
    const type = p.childForFieldName('type')?.text.replace(/\s+/g, ' ').trim() ?? '';
    const name = pattern ? stripMut(pattern) : undefined;
    if (!name) continue;
    const source: Source = { param: name, paramNode: p, paramType: type };
    if (NUMERIC.test(type)) {
      taint.params.set(name, source);
      addEvent(taint, name, body.startIndex, source, new Set([name]));
    } else if (JS_OBJECT.test(type)) {
      taint.params.set(name, source);
      taint.jsObjects.add(name);
    } else if (BYTES_OR_TEXT.test(type)) {
      taint.params.set(name, source);
      taint.bytesOrText.add(name);
    }
  }
  if (taint.params.size === 0) return taint;
  const facts = env.facts(fn);
  // `let` and plain re-assignments, in document order: tainted values spread, clamped ones clear.
  const bindings = [...facts.lets, ...facts.assignments].sort((a, b) => a.startIndex - b.startIndex);
  for (const b of bindings) {
    const value = b.type === 'let_declaration' ? b.childForFieldName('value') : b.childForFieldName('right');
    const target = b.type === 'let_declaration' ? b.childForFieldName('pattern') : b.childForFieldName('left');
    if (!value || !target) continue;
    const names = b.type === 'let_declaration' ? patternIdentifiers(target).map((n) => n.text) : target.type === 'identifier' ? [target.text] : [];
    if (names.length === 0) continue;
    const annotated = b.type === 'let_declaration' ? b.childForFieldName('type')?.text.trim() : undefined;
    const derived = derive(value.text, b.startIndex, taint, annotated !== undefined && NUMERIC_TYPE.test(annotated));
    // `let hdr: [u8; 4] = data[..4].try_into().unwrap()`: bytes taken from a byte parameter are bytes of
    // the input too (a later `from_le_bytes(hdr)` decodes a size from it); its length is not.
    const bytesOfInput = !derived && b.type === 'let_declaration' && !/\.\s*(len|is_empty)\s*\(\s*\)\s*$/.test(value.text)
      ? [...taint.bytesOrText].find((n) => mentionsWord(value.text, n)) : undefined;
    for (const name of names) {
      if (derived) addEvent(taint, name, b.endIndex, derived.source, derived.via);
      else if (taint.events.has(name)) addEvent(taint, name, b.endIndex, undefined, new Set());
      if (bytesOfInput !== undefined) {
        taint.bytesOrText.add(name);
        if (!taint.params.has(name)) taint.params.set(name, taint.params.get(bytesOfInput)!);
      }
    }
  }
  return taint;
}

function stripMut(pattern: Node): string | undefined {
  const p = pattern.type === 'mut_pattern' ? pattern.namedChild(0) : pattern;
  return p?.type === 'identifier' ? p.text : undefined;
}

function addEvent(taint: Taint, name: string, at: number, source: Source | undefined, via: Set<string>): void {
  const list = taint.events.get(name);
  const event = { at, source, via };
  if (list) list.push(event);
  else taint.events.set(name, [event]);
}

function taintedAt(taint: Taint, name: string, offset: number): { source: Source; via: Set<string> } | undefined {
  const list = taint.events.get(name);
  if (!list) return undefined;
  let last: { at: number; source?: Source; via: Set<string> } | undefined;
  for (const e of list) if (e.at <= offset) last = e;
  return last?.source ? { source: last.source, via: last.via } : undefined;
}

/**
 * The input an expression's value derives from: a tainted name it mentions (not clamped), the
 * `.length()`/`.as_f64()` of a JS-object parameter, or a decode of a byte/string parameter.
 */
function derive(text: string, at: number, taint: Taint, numericTarget = false): { source: Source; via: Set<string> } | undefined {
  if (CLAMP.test(text) || /\btry_reserve/.test(text)) return undefined;
  const via = new Set<string>();
  let source: Source | undefined;
  for (const name of taint.events.keys()) {
    if (!mentionsWord(text, name)) continue;
    const t = taintedAt(taint, name, at);
    if (!t) continue;
    source ??= t.source;
    via.add(name);
    for (const v of t.via) via.add(v);
  }
  for (const name of taint.jsObjects) {
    if (new RegExp(`\\b${name}\\s*\\.\\s*(length|as_f64)\\s*\\(`).test(text)) {
      source ??= taint.params.get(name);
      via.add(name);
    }
  }
  if (DECODE.test(text) || PARSE_NUMBER.test(text) || (numericTarget && /\bparse\b/.test(text))) {
    for (const name of taint.bytesOrText) {
      if (mentionsWord(text, name)) {
        source ??= taint.params.get(name);
        via.add(name);
      }
    }
  }
  return source ? { source, via } : undefined;
}

/**
 * The input behind an allocation size, unless it is limited: clamped in the expression, or a name it
 * derives from is compared before the allocation (`if n > MAX { return … }`, `assert!(n <= MAX)`), or
 * the allocation sits inside such a comparison (`if n < MAX { vec![0; n] }`).
 */
function inputBehind(size: string, at: number, fn: Node, env: RustEnv, taint: Taint): { source: Source; via: Set<string> } | undefined {
  if (CLAMP.test(size)) return undefined;
  const derived = derive(size, at, taint);
  if (!derived) return undefined;
  const names = derived.via;
  const facts = env.facts(fn);
  for (const b of facts.binaries) {
    if (b.startIndex >= at) break;
    const op = b.childForFieldName('operator')?.type ?? '';
    if (!COMPARISON_OPS.has(op)) continue;
    const left = b.childForFieldName('left');
    const right = b.childForFieldName('right');
    if (!left || !right) continue;
    for (const [mine, other] of [[left, right], [right, left]] as const) {
      if ([...names].some((n) => mentionsWord(mine.text, n)) && !isZeroish(other)) return undefined;
    }
  }
  for (const m of facts.macros) {
    if (m.startIndex >= at) break;
    for (const n of names) {
      const w = `\\b${n}\\b`;
      // `assert!(n <= MAX)`, `assert!(n as usize <= MAX)`, `assert!((n as usize) < MAX)`, `assert!(MAX >= n)`.
      if (new RegExp(`${w}(?:\\s+as\\s+[\\w:]+)?\\s*\\)?\\s*(<=|>=|<|>)\\s*(?!0\\b)|(<=|>=|<|>)\\s*\\(?\\s*${w}`).test(m.text)) return undefined;
    }
  }
  // `match n { 0..=4096 => vec![0; n], _ => … }`: the arm's range pattern bounds the value.
  for (let up: Node | null = fn.descendantForIndex(at); up && up.id !== fn.id; up = parentOf(up)) {
    if (up.type !== 'match_arm') continue;
    const pattern = (up.childForFieldName('pattern')?.text ?? '').replace(/\bif\b[\s\S]*$/, '');
    const value = parentOf(parentOf(up) ?? up)?.childForFieldName('value');
    if (/\.\.=?\s*[\w(]/.test(pattern) && value && [...names].some((n) => mentionsWord(value.text, n))) return undefined;
  }
  // `(1..=MAX).contains(&n)`, `n.checked_mul(..)`, `usize::try_from(n)` + `try_reserve` handled above.
  const fnText = env.text.slice(fn.startIndex, at);
  for (const n of names) {
    if (new RegExp(`\\.\\s*contains\\s*\\(\\s*&?\\s*${n}\\b|\\b${n}\\s*\\.\\s*checked_(mul|add|shl|pow)\\b`).test(fnText)) return undefined;
  }
  return derived;
}

function isZeroish(node: Node): boolean {
  const n = stripTransparent(node);
  return n.type === 'integer_literal' && /^0+([iu](8|16|32|64|128|size))?$/.test(n.text.replace(/_/g, '')) ||
    n.type === 'float_literal' && /^0+(\.0*)?(f32|f64)?$/.test(n.text);
}

// ---- allocation sinks --------------------------------------------------------------------------------

interface Sink {
  readonly node: Node;
  readonly display: string;
  /** Text of the size expression. */
  readonly size: string;
  /** The size expression's node when it is one (`vec!` sizes are tokens). */
  readonly sizeNode?: Node;
  readonly at: number;
  readonly kind: 'capacity' | 'length';
}

function sinksIn(fn: Node, env: RustEnv): Sink[] {
  const out: Sink[] = [];
  // Every sink below is a call of one of these methods or a `vec!`: most functions make none.
  const text = fn.text;
  if (!SINK_CALL.test(text) && !VEC_MACRO.test(text)) return out;
  const facts = env.facts(fn);
  for (const call of facts.calls) {
    const m = asMethodCall(call);
    if (m) {
      if (m.method === 'collect' && m.args.length === 0) {
        const range = collectedRange(m.receiver);
        const end = range?.namedChild(range.namedChildCount - 1);
        // `a..n` / `..n` (not an open `a..`): its end bounds the length.
        if (range && end && range.text.indexOf('..') < end.startIndex - range.startIndex) {
          out.push({ node: call, display: quotedExpression(call.text, 'end'), size: end.text, sizeNode: end, at: call.startIndex, kind: 'length' });
        }
        continue;
      }
      const first = m.args[0];
      if (!first) continue;
      if ((m.method === 'reserve' || m.method === 'reserve_exact') && m.args.length === 1) {
        out.push({ node: call, display: `${short(m.receiver.text)}.${m.method}(${short(first.text)})`, size: first.text, sizeNode: first, at: call.startIndex, kind: 'capacity' });
      } else if ((m.method === 'resize' || m.method === 'resize_with') && m.args.length === 2) {
        out.push({ node: call, display: `${short(m.receiver.text)}.${m.method}(${short(first.text)}, ..)`, size: first.text, sizeNode: first, at: call.startIndex, kind: 'length' });
      } else if (m.method === 'repeat' && m.args.length === 1 && !asPathCall(m.receiver)) {
        out.push({ node: call, display: `${short(m.receiver.text)}.repeat(${short(first.text)})`, size: first.text, sizeNode: first, at: call.startIndex, kind: 'length' });
      } else if (m.method === 'take' && m.args.length === 1) {
        const inner = asPathCall(m.receiver);
        if (inner && (inner.name === 'repeat' || inner.name === 'repeat_with') && /\bcollect\b/.test(collectChain(call))) {
          out.push({ node: call, display: `${inner.segments.slice(-2).join('::')}(..).take(${short(first.text)})`, size: first.text, sizeNode: first, at: call.startIndex, kind: 'length' });
        }
      }
      continue;
    }
    const p = asPathCall(call);
    if (p && p.name === 'with_capacity' && p.args.length === 1 && p.segments.length >= 2) {
      const first = p.args[0];
      out.push({ node: call, display: `${p.segments.slice(-2).join('::')}(${short(first.text)})`, size: first.text, sizeNode: first, at: call.startIndex, kind: 'capacity' });
    }
  }
  for (const mac of facts.macros) {
    if (macroName(mac) !== 'vec') continue;
    const tt = mac.namedChildren.find((c) => c.type === 'token_tree');
    if (!tt) continue;
    let semicolon = -1;
    for (let i = 0; i < tt.childCount; i++) if (tt.child(i)?.type === ';') semicolon = i;
    if (semicolon < 0) continue;
    const start = tt.child(semicolon)!.endIndex;
    const end = tt.endIndex - 1;
    const size = env.text.slice(start, end).trim();
    if (!size) continue;
    out.push({ node: mac, display: `vec![..; ${short(size)}]`, size, at: mac.startIndex, kind: 'length' });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The range a `collect()` drains through length-keeping adaptors only (`(0..n).map(f).collect()`): a
 * range's iterator has a trusted length, so the collection is allocated at its full size first.
 */
function collectedRange(receiver: Node): Node | undefined {
  let n: Node = receiver;
  for (let guard = 0; guard < 16; guard++) {
    const inner = stripTransparent(n);
    if (inner.type === 'range_expression') return inner;
    const m = asMethodCall(inner);
    if (!m || !LENGTH_KEEPING_ADAPTORS.has(m.method)) return undefined;
    n = m.receiver;
  }
  return undefined;
}

/** The method chain text after a call (`.collect::<Vec<_>>()` …), up to the statement. */
function collectChain(call: Node): string {
  let n: Node = call;
  for (let i = 0; i < 6; i++) {
    const parent = parentOf(n);
    if (!parent || (parent.type !== 'field_expression' && parent.type !== 'call_expression' && parent.type !== 'generic_function')) break;
    n = parent;
  }
  return n.text.slice(call.endIndex - n.startIndex);
}

function short(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 32 ? oneLine.slice(0, 29) + '…' : oneLine;
}

// ---- messages ----------------------------------------------------------------------------------------

function afterwards(env: RustEnv): string {
  return env.buildMode === 'abort'
    ? 'the instance keeps running with whatever the call left borrowed or half-done'
    : "every later call throws 'Module terminated'";
}

function reportAllocation(ctx: RuleContext, env: RustEnv, fn: Node, sink: Sink, derived: { source: Source; via: Set<string> }): void {
  const { source } = derived;
  const origin = source.paramType && NUMERIC.test(source.paramType) ? `the JS argument \`${source.param}\` (\`${source.paramType}\`)`
    : JS_OBJECT.test(source.paramType) ? `the length of the JS value \`${source.param}\``
    : `a size decoded from the JS argument \`${source.param}\``;
  const sizeText = sink.size.replace(/\s+/g, ' ').trim();
  const sized = sizeText === source.param ? origin : `\`${short(sizeText)}\`, which comes from ${origin},`;
  const message = `\`${sink.display}\` allocates by ${sized} with no upper bound: a huge value fails the ` +
    `allocation ('memory allocation of … bytes failed'), which aborts even under panic=unwind — the caller gets a ` +
    `\`WebAssembly.RuntimeError\` and ${afterwards(env)}`;
  const related: RelatedLocation[] = [{ path: env.path, range: { start: source.paramNode.startIndex, end: source.paramNode.endIndex }, message: `JS passes \`${source.param}\` here` }];
  ctx.report({ node: sink.node, message, related, fixes: () => clampFix(env, fn, sink) });
}

/**
 * Capacity hints only: `with_capacity(E)` / `reserve(E)` → `E.min(1 << 20)` — the collection still grows
 * as elements arrive. Not when the function then sets the length by hand (`set_len`: the clamp would make
 * that unsound), nor for `vec![x; n]`, `resize`, `repeat` (the length is the behaviour).
 */
function clampFix(env: RustEnv, fn: Node, sink: Sink): Fix[] {
  if (sink.kind !== 'capacity' || !sink.sizeNode) return [];
  if (/\bset_len\s*\(/.test(env.text.slice(fn.startIndex, fn.endIndex))) return [];
  const e = sink.sizeNode;
  const simple = /^(identifier|field_expression|call_expression|parenthesized_expression|integer_literal)$/.test(e.type);
  return [{
    title: `Clamp the capacity hint (\`.min(${CAPACITY_LIMIT})\`): the collection still grows as elements arrive`,
    safety: 'unsafe',
    edits: [{ range: { start: e.startIndex, end: e.endIndex }, newText: `${simple ? e.text : `(${e.text})`}.min(${CAPACITY_LIMIT})` }],
  }];
}

// ---- recursion ---------------------------------------------------------------------------------------

/** Key of a function for call matching: `name` for free functions, `Type::name` for methods. */
function keyOf(fn: Node, name: string): string {
  const impl = enclosingImplType(fn);
  return impl ? `${impl}::${name}` : name;
}

/** A function that calls itself with no depth/level/budget comparison in its body. */
function recordRecursion(fn: Node, nameNode: Node, env: RustEnv, ctx: RuleContext): void {
  const name = nameNode.text;
  const impl = enclosingImplType(fn);
  const body = fn.childForFieldName('body')!;
  const bodyText = body.text;
  // A self-call names the function: a body that never mentions the name cannot recurse (no facts needed).
  if (!bodyText.includes(name)) return;
  if (DEPTH_CHECK.test(bodyText) || DEPTH_CHECK.test(fn.childForFieldName('parameters')?.text ?? '')) return;
  for (const call of env.facts(fn).calls) {
    const m = asMethodCall(call);
    const p = m ? undefined : asPathCall(call);
    const selfCall = m ? impl !== undefined && m.method === name && stripTransparent(m.receiver).type === 'self'
      : p !== undefined && p.name === name && (p.segments.length === 1 ? impl === undefined : impl !== undefined && (p.segments[0] === 'Self' || p.segments[0] === impl) && p.segments.length === 2);
    if (!selfCall) continue;
    const site: RecursionSite = { key: keyOf(fn, name), fnName: name, callRange: { start: call.startIndex, end: call.endIndex }, display: m ? `self.${name}(..)` : `${(p!.segments.join('::'))}(..)` };
    ctx.collect({ recursion: site });
    return;
  }
}

/**
 * Calls from an export to same-file functions in `wanted` whose arguments mention one of its
 * parameters, or a local computed from one (`let v = parse(json); depth(&v)`).
 */
function exportCalls(fn: Node, env: RustEnv, exportName: string, wanted: ReadonlyMap<string, unknown>): ExportCall[] {
  const out: ExportCall[] = [];
  const impl = enclosingImplType(fn);
  const params = allParams(fn);
  if (params.length === 0) return out;
  const derivedFrom = new Map<string, Source>(params.map((q) => [q.param, q]));
  for (const l of env.facts(fn).lets) {
    const value = l.childForFieldName('value');
    const pattern = l.childForFieldName('pattern');
    if (!value || !pattern) continue;
    const from = [...derivedFrom].find(([name]) => mentionsWord(value.text, name))?.[1];
    if (from) for (const id of patternIdentifiers(pattern)) derivedFrom.set(id.text, from);
  }
  for (const call of env.facts(fn).calls) {
    const m = asMethodCall(call);
    const p = m ? undefined : asPathCall(call);
    let key: string | undefined;
    let args: Node[] = [];
    const receiver = m ? stripTransparent(m.receiver) : undefined;
    if (m && impl && receiver?.type === 'self') {
      key = `${impl}::${m.method}`;
      args = m.args;
    } else if (m && receiver?.type === 'identifier') {
      // `let mut p = Parser { src: src.as_bytes(), pos: 0 }; p.nest()` (or `Parser::new(src)`): a method of
      // a type built here from the input, which the receiver then carries.
      const built = constructedLocal(receiver, env.facts(fn).lets);
      if (built) {
        key = `${built.type}::${m.method}`;
        args = [built.value, ...m.args];
      }
    } else if (p) {
      key = p.segments.length === 1 ? p.name : p.segments.length === 2 ? `${p.segments[0] === 'Self' ? impl : p.segments[0]}::${p.name}` : undefined;
      args = p.args;
    }
    if (!key || !wanted.has(key)) continue;
    const param = [...derivedFrom].find(([name]) => args.some((a) => mentionsWord(a.text, name)))?.[1];
    if (!param) continue;
    out.push({
      key, callRange: { start: call.startIndex, end: call.endIndex }, exportName, param: param.param,
      paramRange: { start: param.paramNode.startIndex, end: param.paramNode.endIndex },
    });
  }
  return out;
}

/** The type and value of the `let` that binds `local` to a struct literal or a `Type::new(..)`-style constructor call. */
function constructedLocal(local: Node, lets: readonly Node[]): { type: string; value: Node } | undefined {
  let found: { type: string; value: Node } | undefined;
  for (const l of lets) {
    if (l.startIndex >= local.startIndex) break;
    const pattern = l.childForFieldName('pattern');
    const name = pattern?.type === 'mut_pattern' ? pattern.namedChild(0)?.text : pattern?.text;
    if (name !== local.text) continue;
    const value = l.childForFieldName('value');
    const v = value ? stripTransparent(value) : undefined;
    found = undefined;
    if (v?.type === 'struct_expression') {
      const type = v.childForFieldName('name')?.text;
      if (type) found = { type: typeBaseName(type), value: v };
    } else if (v) {
      const call = asPathCall(v);
      if (call && call.segments.length === 2 && /^(new|from|with_\w+|from_\w+)$/.test(call.name)) found = { type: call.segments[0], value: v };
    }
  }
  return found;
}

function allParams(fn: Node): Source[] {
  const out: Source[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type !== 'parameter') continue;
    const pattern = p.childForFieldName('pattern');
    const name = pattern ? stripMut(pattern) : undefined;
    const type = p.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
    // A `bool`/`u8`/`i8` cannot drive a recursion deeper than 255 frames.
    if (name && !TINY_SCALAR.test(type)) out.push({ param: name, paramNode: p, paramType: type });
  }
  return out;
}

function reportRecursion(ctx: RuleContext, env: RustEnv, site: RecursionSite, calls: readonly ExportCall[]): void {
  const first = calls[0];
  const fnName = site.fnName;
  const who = first.exportName === fnName && calls.every((c) => c.exportName === fnName)
    ? `the export \`${fnName}\` calls itself (\`${site.display}\`) with no depth limit on the JS argument \`${first.param}\``
    : `\`${fnName}\` calls itself (\`${site.display}\`) with no depth limit, and the export \`${first.exportName}\` runs it on the JS argument \`${first.param}\``;
  const message = `${who}: deeply nested or huge input overflows the stack, a hard abort even under panic=unwind — the caller gets a ` +
    `\`RangeError\` ('Maximum call stack size exceeded'; Rust's shadow stack may instead overrun linear memory silently) and ${afterwards(env)}`;
  const related: RelatedLocation[] = [];
  for (const c of calls.slice(0, 5)) {
    related.push({ path: env.path, range: c.callRange, message: `the export \`${c.exportName}\` calls \`${fnName}\` with \`${c.param}\` here` });
  }
  related.push({ path: env.path, range: first.paramRange, message: `JS passes \`${first.param}\` here` });
  ctx.report({ range: site.callRange, message, related });
}
