// Honouring Clippy's own suppressions where a rule overlaps a Clippy lint (design guide §4d): a panic
// point the author already allowed with `#[allow(clippy::unwrap_used)]` / `#[expect(clippy::…)]` on the
// function, its impl or module, or `#![allow(clippy::…)]` at the top of the file, is a deliberate one.
// Maps each panic point to the Clippy lints that cover it. Also filters points that cannot fail
// (cannotActuallyPanic).

import type { Node } from 'web-tree-sitter';
import type { PanicPoint } from './panic-points';
import { asMethodCall, asPathCall, attributesOf, macroName } from './syntax';
import { parentOf } from './parents';

const ITEM_TYPES = new Set(['function_item', 'impl_item', 'mod_item', 'trait_item']);

/** The Clippy lints that flag this point (`unwrap_used`, `expect_used`, `indexing_slicing`, `panic` …). */
export function clippyLintsFor(p: PanicPoint): string[] {
  switch (p.kind) {
    case 'unwrap': {
      const method = asMethodCall(p.node)?.method ?? '';
      return method.startsWith('expect') ? ['expect_used'] : ['unwrap_used'];
    }
    case 'index':
      return ['indexing_slicing'];
    case 'macro': {
      const name = p.node.type === 'macro_invocation' ? macroName(p.node) : '';
      return name === 'panic' ? ['panic'] : name === 'unreachable' ? ['unreachable'] : name === 'todo' ? ['todo'] : name === 'unimplemented' ? ['unimplemented'] : [];
    }
    case 'division':
      return ['integer_division', 'arithmetic_side_effects'];
    case 'overflow':
      return ['arithmetic_side_effects', 'integer_arithmetic'];
    default:
      return [];
  }
}

/**
 * Points the shared predicate over-approximates and that cannot fail: `v.drain(..)` (a full range is
 * always in bounds); the unwrap of `Reflect::set`/`get`/`has` on an object the function just created
 * with `Object::new()` (see reflectsOnFreshObject).
 */
export function cannotActuallyPanic(p: PanicPoint): boolean {
  if (p.kind === 'unwrap') return reflectsOnFreshObject(p.node);
  if (p.kind !== 'collection') return false;
  const m = asMethodCall(p.node);
  return m !== undefined && m.method === 'drain' && m.args.length === 1 && m.args[0].text.replace(/\s+/g, '') === '..';
}

/**
 * `js_sys::Reflect::set(&obj, &key, &value).unwrap()` where `obj` is a local bound to `Object::new()`
 * in the same function (or closure) and, up to this call — and in a loop around it, up to the loop's
 * end — used only as the target of other `Reflect::set/get/has` calls. `Reflect.set` throws only when
 * the target is not an object or a setter or proxy trap throws; a fresh ordinary object that no JS code has seen has no setter of its own and
 * cannot be frozen, and its one inherited setter (`__proto__`) throws only on a prototype cycle, which
 * needs the object itself among the values (then it is not reported as fresh). `get`/`has` cannot throw
 * on it either. (Not `Array::new()`: setting an array's `length` to a bad value throws a RangeError.)
 * The pattern builds nearly every JS object a wasm-bindgen export returns.
 */
function reflectsOnFreshObject(unwrap: Node): boolean {
  const m = asMethodCall(unwrap);
  if (!m || (m.method !== 'unwrap' && m.method !== 'expect') || m.receiver.type !== 'call_expression') return false;
  const call = asPathCall(m.receiver);
  if (!call || !REFLECT_METHODS.has(call.name) || call.segments[call.segments.length - 2] !== 'Reflect' || call.args.length < 2) return false;
  const target = /^&\s*([A-Za-z_]\w*)$/.exec(call.args[0].text)?.[1];
  if (!target) return false;
  const mentions = new RegExp(`\\b${target}\\b`, 'g');
  if (call.args.slice(1).some((a) => a.text.search(mentions) >= 0)) return false;
  let fn: Node | null = parentOf(unwrap);
  let loop: Node | undefined; // the outermost loop around the call inside `fn`
  while (fn && fn.type !== 'function_item' && fn.type !== 'closure_expression') {
    if (LOOP_TYPES.has(fn.type)) loop = fn;
    fn = parentOf(fn);
  }
  if (!fn) return false;
  const text = fn.text;
  const before = text.slice(0, unwrap.startIndex - fn.startIndex);
  const binding = new RegExp(`\\blet\\s+(?:mut\\s+)?${target}\\s*(?::[^=;]*)?=\\s*(?:js_sys\\s*::\\s*)?Object\\s*::\\s*new\\s*\\(\\s*\\)\\s*;`, 'g');
  let last: RegExpExecArray | null = null;
  for (let found = binding.exec(before); found; found = binding.exec(before)) last = found;
  if (!last) return false;
  // Every mention that can run before this call is the target of a Reflect call (no call of JS, no
  // move, no new binding): those after the binding, and in a loop those up to its end (this call's own
  // target among them).
  const scope = text.slice(0, loop ? loop.endIndex - fn.startIndex : before.length);
  mentions.lastIndex = last.index + last[0].length;
  for (let found = mentions.exec(scope); found; found = mentions.exec(scope)) {
    if (!/Reflect\s*::\s*(?:set|get|has)\s*\(\s*&\s*$/.test(scope.slice(Math.max(0, found.index - 60), found.index))) return false;
  }
  return true;
}

const LOOP_TYPES = new Set(['for_expression', 'while_expression', 'loop_expression']);

const REFLECT_METHODS = new Set(['set', 'get', 'has']);

/** True when one of `lints` is allowed/expected on an item around `node` or for the whole file. */
export function isClippyAllowed(node: Node, lints: readonly string[], fileText: string): boolean {
  if (lints.length === 0) return false;
  const mentions = (text: string) => lints.some((l) => new RegExp(`\\bclippy\\s*::\\s*${l}\\b`).test(text));
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (!ITEM_TYPES.has(n.type)) continue;
    for (const a of attributesOf(n)) {
      if ((a.name === 'allow' || a.name === 'expect') && a.args && mentions(a.args.text)) return true;
    }
  }
  // Inner attributes at the top of the file (`#![allow(clippy::unwrap_used)]`).
  const head = /^(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|#!\[[^\]]*\]))*/.exec(fileText)?.[0] ?? '';
  for (const m of head.matchAll(/#!\[\s*(allow|expect)\s*\(([^\]]*)\)\s*\]/g)) if (mentions(m[2])) return true;
  return false;
}
