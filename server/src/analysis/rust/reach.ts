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
import { asPathCall, escapeRegExp, forEachDescendant } from './syntax';
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
  for (let hop = 0; hop <= MAX_HOPS && frontier.length > 0; hop++) {
    const pattern = wordPattern(frontier);
    for (const e of exports) {
      const text = e.path === env.path ? env.text : readFile(e.path);
      if (text === undefined) continue;
      // The body (and signature) after the export's own name: an export never reaches itself.
      const m = pattern.exec(text.slice(e.nameRange.end, e.range.end));
      if (m) return { kind: 'export', display: e.jsName, path: e.path, range: e.nameRange, via: hop > 0 ? m[2] : undefined };
    }
    const next: string[] = [];
    for (const f of functions) {
      if (visited.has(f.name) || TOO_COMMON.has(f.name) || !pattern.test(env.text.slice(f.bodyStart, f.end))) continue;
      visited.add(f.name);
      next.push(f.name);
    }
    frontier = next;
  }
  return undefined;
}

interface FileFunction {
  readonly name: string;
  readonly bodyStart: number;
  readonly end: number;
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
        if (name && body && !env.tests.isTestCode(n)) out.push({ name: name.text, bodyStart: body.startIndex, end: n.endIndex });
      }
      return true;
    });
    return out;
  });
}

function wordPattern(names: readonly string[]): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9_])(${names.map(escapeRegExp).join('|')})(?![A-Za-z0-9_])`);
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
