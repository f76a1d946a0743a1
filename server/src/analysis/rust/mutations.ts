// MUTATION(root) (catalog §B2): writes to shared state — assignments and compound assignments whose
// place goes through a mutable guard (`g.items[i] = …`, `*X.borrow_mut() += 1`), through a mutable
// reference derived from one, or into a `static mut`; mutating method calls on such places (`push`,
// `insert`, `take`, `sort` …); `Cell`/`RefCell`/`LocalKey`/atomic writers on the cell itself (`set`,
// `replace`, `take`, `fetch_add` …); and `std::mem::{take, replace, swap}(&mut …)`. Optionally plain
// `self.<field>` writes (for U04). A mutation's `effect` is the offset at which it has happened.

import type { Node } from 'web-tree-sitter';
import { nodesWithin, type FunctionFacts } from './facts';
import type { StateOrigin, StateResolver } from './state';
import { selfFieldOf } from './state';
import { asMethodCall, asPathCall, rootName, stripTransparent } from './syntax';
import { shortCode } from '../text/one-line';

export interface Mutation {
  readonly node: Node;
  readonly origin: StateOrigin;
  /**
   * Offset at which the write has happened: just past the end of the assignment or call (`+ 0.5`), so a
   * panic point that ends where the write ends (`s.last = s.hist[i]`, whose index is the whole right-hand
   * side) fires before it, as it does at run time.
   */
  readonly effect: number;
  readonly display: string;
  readonly kind: 'assign' | 'compound' | 'method' | 'mem';
}

export interface MutationOptions {
  /** Also report writes to plain fields of `self` (origin kind `struct_field`, key `self.<field>`). */
  readonly selfFields?: boolean;
}

export const MUTATION_NODE_TYPES: ReadonlySet<string> = new Set(['assignment_expression', 'compound_assignment_expr', 'call_expression']);

/** Methods that change the place they are called on. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'push', 'push_back', 'push_front', 'push_str', 'insert', 'insert_str', 'remove', 'swap_remove', 'clear', 'extend',
  'extend_from_slice', 'append', 'truncate', 'retain', 'retain_mut', 'sort', 'sort_by', 'sort_by_key', 'sort_unstable',
  'sort_unstable_by', 'sort_unstable_by_key', 'sort_by_cached_key', 'dedup', 'dedup_by', 'dedup_by_key', 'reverse', 'resize',
  'resize_with', 'fill', 'pop', 'pop_back', 'pop_front', 'drain', 'split_off', 'swap', 'set', 'replace', 'take', 'or_insert',
  'or_insert_with', 'or_insert_with_key', 'or_default', 'and_modify', 'get_or_insert', 'get_or_insert_with', 'rotate_left',
  'rotate_right', 'copy_from_slice', 'clone_from_slice', 'store', 'fetch_add', 'fetch_sub', 'fetch_or', 'fetch_and',
  'fetch_xor', 'fetch_max', 'fetch_min', 'fetch_update', 'compare_exchange', 'replace_with', 'update', 'shrink_to_fit',
]);

/** Writers that act on the cell itself (`Cell::set`, `RefCell::replace`, `LocalKey::take`, atomics). */
const CELL_WRITERS = new Set([
  'set', 'replace', 'take', 'swap', 'update', 'replace_with', 'store', 'fetch_add', 'fetch_sub', 'fetch_or', 'fetch_and',
  'fetch_xor', 'fetch_max', 'fetch_min', 'fetch_update', 'compare_exchange',
]);

/** Calls a mutated place may go through (they hand out the same place or a mutable part of it). */
const PLACE_METHODS = new Set([
  'get_mut', 'last_mut', 'first_mut', 'entry', 'as_mut', 'as_deref_mut', 'unwrap', 'expect', 'get_or_insert_with', 'or_insert',
  'or_insert_with', 'or_default', 'iter_mut', 'values_mut', 'deref_mut', 'as_mut_slice',
]);

export function mutationOf(node: Node, resolver: StateResolver, options: MutationOptions = {}): Mutation | undefined {
  switch (node.type) {
    case 'assignment_expression':
    case 'compound_assignment_expr': {
      const left = node.childForFieldName('left');
      if (!left) return undefined;
      const origin = placeOrigin(left, resolver, options);
      if (!origin) return undefined;
      return { node, origin, effect: node.endIndex + 0.5, display: short(node.text), kind: node.type === 'assignment_expression' ? 'assign' : 'compound' };
    }
    case 'call_expression': {
      const m = asMethodCall(node);
      if (m) {
        if (!MUTATING_METHODS.has(m.method)) return undefined;
        let origin = placeOrigin(m.receiver, resolver, options);
        if (!origin && CELL_WRITERS.has(m.method)) origin = resolver.cellOrigin(m.receiver);
        if (!origin) return undefined;
        return { node, origin, effect: node.endIndex + 0.5, display: short(node.text), kind: 'method' };
      }
      const p = asPathCall(node);
      if (p && (p.name === 'take' || p.name === 'replace' || p.name === 'swap') && p.segments.includes('mem') && p.args.length >= 1) {
        for (const arg of p.name === 'swap' ? p.args.slice(0, 2) : p.args.slice(0, 1)) {
          const origin = placeOrigin(arg, resolver, options);
          if (origin) return { node, origin, effect: node.endIndex + 0.5, display: short(node.text), kind: 'mem' };
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Every mutation in `facts` within [start, end), by effect offset. */
export function mutationsIn(facts: FunctionFacts, start: number, end: number, resolver: StateResolver, options: MutationOptions = {}): Mutation[] {
  const out: Mutation[] = [];
  for (const list of [facts.assignments, facts.compoundAssignments, facts.calls]) {
    for (const n of nodesWithin(list, start, end)) {
      const m = mutationOf(n, resolver, options);
      if (m) out.push(m);
    }
  }
  return out.sort((a, b) => a.effect - b.effect);
}

/**
 * The shared state a place expression writes into: the place goes (through fields, indexes, derefs and
 * place-preserving calls) to a mutable guard or derived reference, to a mutable guard taken on the spot
 * (`X.borrow_mut().field`), to a `static mut`, or — when asked — to a field of `self`.
 */
export function placeOrigin(place: Node, resolver: StateResolver, options: MutationOptions = {}): StateOrigin | undefined {
  let n = stripTransparent(place);
  for (let i = 0; i < 64; i++) {
    switch (n.type) {
      case 'field_expression': {
        const value = n.childForFieldName('value');
        if (!value) return undefined;
        n = stripTransparent(value);
        continue;
      }
      case 'index_expression': {
        const value = n.namedChild(0);
        if (!value) return undefined;
        n = stripTransparent(value);
        continue;
      }
      case 'call_expression': {
        const acq = resolver.acquisitionAt(n);
        if (acq) return acq.mode === 'mutable' ? acq.origin : undefined;
        const m = asMethodCall(n);
        if (!m || !PLACE_METHODS.has(m.method)) return undefined;
        n = stripTransparent(m.receiver);
        continue;
      }
      case 'identifier': {
        const name = n.text;
        const b = resolver.bindings.lookup(name, n.startIndex);
        if (b) return (b.kind === 'guard' || b.kind === 'derived') && b.mode === 'mutable' ? b.origin : undefined;
        const root = resolver.env.globalRoot(name);
        if (root?.kind === 'static mut') return resolver.cellOrigin(n);
        return undefined;
      }
      case 'scoped_identifier': {
        const name = rootName(n);
        const root = name ? resolver.env.globalRoot(name) : undefined;
        return root?.kind === 'static mut' ? resolver.cellOrigin(n) : undefined;
      }
      case 'self': {
        if (!options.selfFields) return undefined;
        const field = selfFieldOf(place);
        if (!field) return undefined;
        return { key: `self.${field}`, name: `self.${field}`, kind: 'struct_field' };
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

function short(text: string): string {
  return shortCode(text, 48);
}
