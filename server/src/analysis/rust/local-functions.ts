// The function item a call names, when it is declared in the same file: `name(..)` — a free function
// of the module the call is in — or `Self::name(..)` / `Type::name(..)` — an associated function of an
// inherent `impl` of that type in the file. Found by name only (no types, no imports, no other files),
// so the answer is given only when exactly one declaration matches (cfg variants make it ambiguous).
// Reading another item of the file reads the whole file (engine/file-reads.ts): rules that follow a
// call this way are re-run on every edit of the file.

import type { Node } from 'web-tree-sitter';
import { readsWholeFile } from '../engine/file-reads';
import type { RustEnv } from './env';
import { parentOf } from './parents';
import { asPathCall, enclosingImplType, typeBaseName } from './syntax';

/** The one function item of this file that the path call `call` names, if there is exactly one. */
export function localFunctionOfCall(call: Node, env: RustEnv): Node | undefined {
  const candidates = localFunctionsOfCall(call, env);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Every function item of this file that the path call `call` may name (cfg variants make several). */
export function localFunctionsOfCall(call: Node, env: RustEnv): Node[] {
  const p = asPathCall(call);
  return p ? localFunctionsNamed(call, p.segments, p.name, env) : [];
}

/**
 * Every function item of this file that a path written at `at` may name: `name` / `Self::name` /
 * `Type::name` (`segments` ends with `name`), e.g. a function passed by name, `.map_err(to_js)`.
 */
export function localFunctionsNamed(at: Node, segments: readonly string[], name: string, env: RustEnv): Node[] {
  if (!env.localFunctionNames.has(name)) return [];
  // The answer depends on another item of the file (its signature, its body): the incremental Linter
  // must not reuse this unit's result after an edit elsewhere. (`env.root` below says so too; the walk
  // up through the parents does not.)
  readsWholeFile();
  const candidates: Node[] = [];
  if (segments.length === 1) {
    let scope: Node | null = parentOf(at);
    while (scope && scope.type !== 'source_file' && !(scope.type === 'declaration_list' && parentOf(scope)?.type === 'mod_item')) scope = parentOf(scope);
    if (!scope) return [];
    for (const item of scope.namedChildren) {
      if (item?.type === 'function_item' && item.childForFieldName('name')?.text === name) candidates.push(item);
    }
  } else if (segments.length === 2) {
    const type = segments[0] === 'Self' ? enclosingImplType(at) : segments[0];
    if (!type) return [];
    for (const impl of env.root.descendantsOfType('impl_item')) {
      if (!impl || impl.childForFieldName('trait') || typeBaseName(impl.childForFieldName('type')?.text ?? '') !== type) continue;
      for (const item of impl.childForFieldName('body')?.namedChildren ?? []) {
        if (item?.type === 'function_item' && item.childForFieldName('name')?.text === name) candidates.push(item);
      }
    }
  }
  return candidates;
}

/** Whether a function item is an `async fn`. */
export function isAsyncFunction(fn: Node): boolean {
  const modifiers = fn.namedChildren.find((c) => c?.type === 'function_modifiers');
  return modifiers !== undefined && modifiers !== null && /\basync\b/.test(modifiers.text);
}
