// "Which JS entry point runs this code?" for rules that report state or code outside an export body
// (a lock in a helper, a lazy static's initializer): the export or JS-invoked closure that contains a
// node, else an export whose body names the static or function — directly, or through up to three
// helper functions of the same file that name it. The answer is for messages and `related` locations;
// it is found by name (no types, no call graph across files), so it can miss indirect paths. Only
// numbers and strings are cached, and only for the current lint run.

import type { Node } from 'web-tree-sitter';
import type { TextRange } from '../model';
import type { RustEnv } from './env';
import { parentOf } from './parents';
import { asPathCall, escapeRegExp, forEachDescendant, typeBaseName } from './syntax';
import { callbackKindOf, exportOfFunction, hasExportAttributes } from './units';

/** An export, or a closure/future handed to JS, that runs the code in question. */
export interface EntryPoint {
  readonly kind: 'export' | 'callback';
  /** How messages name it: `load` (an export's JS name) or `Closure::new(..)`. */
  readonly display: string;
  readonly path: string;
  readonly range: TextRange;
  /** The helper function the entry reaches the code through, when not directly. */
  readonly via?: string;
}

/** Reads another file of the workspace (the rule's `ctx.workspace.fileText`). */
export type FileTextReader = (path: string) => string | undefined;

const MAX_HOPS = 3;
/** Function names too common to follow by text (`x.get()` in an export says nothing about *our* `get`). */
const TOO_COMMON = new Set([
  'new', 'get', 'set', 'default', 'from', 'into', 'with', 'run', 'init', 'drop', 'clone', 'fmt', 'call', 'map', 'len', 'push',
  'insert', 'remove', 'update', 'build', 'start', 'main', 'handle', 'process', 'load', 'save', 'read', 'write', 'lock', 'next',
]);

/** The export or JS-invoked closure/future whose execution contains `node`, if any. */
export function entryAround(node: Node, env: RustEnv): EntryPoint | undefined {
  for (let n: Node | null = node; n; n = parentOf(n)) {
    if (n.type === 'closure_expression' || n.type === 'async_block') {
      const kind = callbackKindOf(n);
      if (!kind) continue;
      const args = parentOf(n);
      const call = args?.type === 'arguments' ? parentOf(args) : null;
      const callee = call ? asPathCall(call) : undefined;
      const display = callee ? `${callee.segments.slice(-2).join('::')}(..)` : kind === 'spawn_local' ? 'spawn_local(..)' : 'a closure handed to JS';
      const at = call ?? n;
      return { kind: 'callback', display, path: env.path, range: { start: at.startIndex, end: Math.min(at.endIndex, lineEnd(env.text, at.startIndex)) } };
    }
    if (n.type === 'function_item') {
      const exported = exportOfFunction(n, env);
      if (exported) return { kind: 'export', display: exported.jsName, path: exported.path, range: exported.nameRange };
      const name = n.childForFieldName('name');
      if (name && hasExportAttributes(n)) return { kind: 'export', display: name.text, path: env.path, range: { start: name.startIndex, end: name.endIndex } };
      return undefined; // a nested fn item is not run by its enclosing function
    }
  }
  return undefined;
}

/**
 * An export whose body names one of `names` (a static, a function), directly or through helper
 * functions of the current file that name it (up to three hops). Pass a function's name to ask who
 * calls that function.
 */
export function entryNaming(names: readonly string[], env: RustEnv, readFile: FileTextReader): EntryPoint | undefined {
  const exports = env.index?.exports ?? [];
  if (exports.length === 0 || names.length === 0) return undefined;
  const functions = fileFunctions(env);
  const visited = new Set<string>(names);
  let frontier = [...visited].filter((n) => !TOO_COMMON.has(n));
  // The helpers found on the way (hops ≥ 1) are functions of this file: a mention only counts when its
  // path can name one of them (`Worker::spawn` is not a call of `Logger::spawn`). The given names are
  // taken at their word.
  let helpers: Map<string, FileFunction[]> | undefined;
  for (let hop = 0; hop <= MAX_HOPS && frontier.length > 0; hop++) {
    const pattern = wordPattern(frontier);
    const found = helpers;
    const mentioned = (text: string): string | undefined => firstMention(text, pattern, found);
    for (const e of exports) {
      const text = e.path === env.path ? env.text : readFile(e.path);
      if (text === undefined) continue;
      // The body (and signature) after the export's own name: an export never reaches itself.
      const name = mentioned(text.slice(e.nameRange.end, e.range.end));
      if (name !== undefined) return { kind: 'export', display: e.jsName, path: e.path, range: e.nameRange, via: hop > 0 ? name : undefined };
    }
    const next = new Map<string, FileFunction[]>();
    for (const f of functions) {
      if (TOO_COMMON.has(f.name) || (visited.has(f.name) && !next.has(f.name)) || mentioned(env.text.slice(f.bodyStart, f.end)) === undefined) continue;
      next.set(f.name, [...(next.get(f.name) ?? []), f]);
    }
    for (const name of next.keys()) visited.add(name);
    frontier = [...next.keys()];
    helpers = next;
  }
  return undefined;
}

/**
 * The first name `pattern` finds in `text` whose mention can refer to one of `helpers` of that name:
 * `Type::name` to a method of an `impl Type` (`Self::name` to any method), `.name` to a method, a bare
 * or module-qualified `name` to a free function. Without `helpers` every mention counts.
 */
function firstMention(text: string, pattern: RegExp, helpers: ReadonlyMap<string, readonly FileFunction[]> | undefined): string | undefined {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const name = m[2];
    const candidates = helpers?.get(name);
    if (!candidates) return name;
    const before = text.slice(Math.max(0, m.index + m[1].length - 120), m.index + m[1].length);
    const qualified = /(?:^|[^\w])(\w+)\s*(?:<[^<>]*>)?\s*::\s*$/.exec(before);
    const ok = qualified
      ? qualified[1] === 'Self' ? candidates.some((f) => f.owner !== undefined)
        : /^[A-Z]/.test(qualified[1]) ? candidates.some((f) => f.owner === qualified[1])
          : candidates.some((f) => f.owner === undefined)
      : /\.\s*$/.test(before) ? candidates.some((f) => f.owner !== undefined) : candidates.some((f) => f.owner === undefined);
    if (ok) return name;
  }
  return undefined;
}

interface FileFunction {
  readonly name: string;
  readonly bodyStart: number;
  readonly end: number;
  /** The type of the `impl` block it is a method of (its base name), undefined for a free function. */
  readonly owner?: string;
}

/** Non-test function items of the file (methods included), as plain offsets. */
function fileFunctions(env: RustEnv): readonly FileFunction[] {
  return env.memo('reach-functions', env.root, () => {
    const out: FileFunction[] = [];
    forEachDescendant(env.root, (n) => {
      if (n.type === 'token_tree' || n.type === 'line_comment' || n.type === 'block_comment') return false;
      if (n.type === 'function_item') {
        const name = n.childForFieldName('name');
        const body = n.childForFieldName('body');
        if (name && body && !env.tests.isTestCode(n)) out.push({ name: name.text, bodyStart: body.startIndex, end: n.endIndex, owner: implTypeOf(n) });
      }
      return true;
    });
    return out;
  });
}

/** The base name of the type whose `impl` block holds `fn` (`impl<T> Trait for Pool<T>` → `Pool`), if it is a method. */
function implTypeOf(fn: Node): string | undefined {
  const list = parentOf(fn);
  const impl = list?.type === 'declaration_list' ? parentOf(list) : null;
  const type = impl?.type === 'impl_item' ? impl.childForFieldName('type') : null;
  return type ? typeBaseName(type.text) : undefined;
}

function wordPattern(names: readonly string[]): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9_])(${names.map(escapeRegExp).join('|')})(?![A-Za-z0-9_])`, 'g');
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

/** `related` entry text for an entry point: "`load` (an export) locks it here" style is up to the rule. */
export function describeEntry(entry: EntryPoint): string {
  const what = entry.kind === 'export' ? `export \`${entry.display}\`` : `\`${entry.display}\` (a closure JS calls)`;
  return entry.via ? `${what}, through \`${entry.via}\`` : what;
}
