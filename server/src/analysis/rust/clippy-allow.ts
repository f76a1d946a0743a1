// Honouring Clippy's own suppressions where a rule overlaps a Clippy lint (design guide §4d): a panic
// point the author already allowed with `#[allow(clippy::unwrap_used)]` / `#[expect(clippy::…)]` on the
// function, its impl or module, or `#![allow(clippy::…)]` at the top of the file, is a deliberate one.
// Maps each panic point to the Clippy lints that cover it. Also filters points that cannot fail.

import type { Node } from 'web-tree-sitter';
import type { PanicPoint } from './panic-points';
import { asMethodCall, attributesOf, macroName } from './syntax';
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
 * always in bounds).
 */
export function cannotActuallyPanic(p: PanicPoint): boolean {
  if (p.kind !== 'collection') return false;
  const m = asMethodCall(p.node);
  return m !== undefined && m.method === 'drain' && m.args.length === 1 && m.args[0].text.replace(/\s+/g, '') === '..';
}

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
