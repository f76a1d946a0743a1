// `use … as …` renames of the types the analyses recognise by name (`Mutex`, `RwLock`, `RefCell`,
// `Cell`, `Rc`, lazy and once cells, atomics): `use std::sync::Mutex as StdMutex;` makes
// `static X: StdMutex<T>` a `Mutex` static. Type texts are rewritten to what the unrenamed import
// would give — the bare name for std/core/alloc paths, the full path otherwise (so
// `parking_lot::Mutex as PlMutex` stays recognisable as a non-poisoning lock) — before any pattern
// looks at them. Only `use` items at the top level of a file and in its inline `mod` blocks are read;
// a rename inside a function body is left alone.

import type { Node } from 'web-tree-sitter';

/** Alias → what it stands for in type texts (`StdMutex` → `Mutex`, `PlMutex` → `parking_lot::Mutex`). */
export type TypeAliases = ReadonlyMap<string, string>;

export const NO_ALIASES: TypeAliases = new Map();

/** Last path segments whose renames matter: every type name a state or cell pattern matches. */
const RECOGNISED = /^(?:Mutex|RwLock|ReentrantMutex|RefCell|Cell|UnsafeCell|OnceCell|OnceLock|LazyLock|LazyCell|Lazy|Rc|Arc|AssertUnwindSafe|Atomic[A-Z]\w*)$/;
const STD_PATH = /^(?:::)?(?:std|core|alloc)::/;

/**
 * The renames declared by the `use` items among `nodes` (top-level items, or a whole `source_file`),
 * and in inline `mod` blocks below them, in source order (a later rename of the same alias wins).
 */
export function useAliasesIn(nodes: readonly Node[]): [string, string][] {
  const out: [string, string][] = [];
  const stack: Node[] = [...nodes].reverse();
  while (stack.length > 0) {
    const n = stack.pop()!;
    // A badly broken file parses to an `ERROR` root holding the items: read its `use`s all the same.
    const type = n.type === 'ERROR' && n.parent === null ? 'source_file' : n.type;
    switch (type) {
      case 'source_file':
      case 'declaration_list':
        // Only the `use` and `mod` items of a container are looked at: no walk of other items.
        for (let i = n.namedChildCount - 1; i >= 0; i--) {
          const c = n.namedChild(i);
          if (c && (c.type === 'use_declaration' || c.type === 'mod_item')) stack.push(c);
        }
        break;
      case 'mod_item': {
        const body = n.childForFieldName('body');
        if (body) stack.push(body);
        break;
      }
      case 'use_declaration': {
        if (!/\bas\b/.test(n.text)) break;
        const arg = n.childForFieldName('argument');
        if (arg) collect(arg, '', out);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function collect(node: Node, prefix: string, out: [string, string][]): void {
  switch (node.type) {
    case 'use_as_clause': {
      const path = node.childForFieldName('path')?.text;
      const alias = node.childForFieldName('alias')?.text;
      if (!path || !alias || alias === '_') return;
      const full = prefix + path.replace(/\s+/g, '');
      const name = full.slice(full.lastIndexOf(':') + 1);
      if (!RECOGNISED.test(name) || alias === name) return;
      out.push([alias, STD_PATH.test(full) ? name : full.replace(/^::/, '')]);
      return;
    }
    case 'scoped_use_list': {
      const path = node.childForFieldName('path')?.text;
      const list = node.childForFieldName('list');
      if (list) collect(list, prefix + (path ? `${path.replace(/\s+/g, '')}::` : ''), out);
      return;
    }
    case 'use_list':
      for (const c of node.namedChildren) if (c) collect(c, prefix, out);
      return;
    default:
      return;
  }
}

const PATTERNS = new WeakMap<TypeAliases, RegExp>();

/**
 * `text` with every alias of `aliases` that stands alone (not a path segment or a field: `a::X`, `a.X`)
 * replaced by what it stands for. The text as it is when nothing is renamed.
 */
export function resolveAliases(text: string, aliases: TypeAliases): string {
  if (aliases.size === 0) return text;
  let pattern = PATTERNS.get(aliases);
  if (!pattern) {
    const names = [...aliases.keys()].sort((a, b) => b.length - a.length);
    pattern = new RegExp(`(?<![\\w:.$])(?:${names.join('|')})(?![\\w$])`, 'g');
    PATTERNS.set(aliases, pattern);
  }
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, (alias) => aliases.get(alias) ?? alias);
}
