// Reading code inside `thread_local!` / `lazy_static!` bodies, which tree-sitter leaves as unparsed
// token trees (nested delimiters become nested `token_tree` nodes, so grouping survives): the static
// declarations with the sibling tokens of their initialisers, and the token-level shapes rules look
// for there — a method call on the tokens before it (`Regex::new("x").unwrap()`), a macro call
// (`panic!(..)`), a path call (`Instant::now()`). Also the argument tokens of std's and `log`'s expression
// macros (`format!`, `vec!` …), which panic-points.ts and js-calls.ts read for panic points and calls into
// JS. Only nodes of the current lint run are returned.

import type { Node } from 'web-tree-sitter';
import { macroStatics } from '../workspace/rust-summary';
import type { StateRoot } from '../workspace/types';
import { macroName } from './syntax';

export interface MacroStatic {
  readonly root: StateRoot;
  /** `thread_local` or `lazy_static`. */
  readonly macro: 'thread_local' | 'lazy_static';
  /** The sibling tokens between `=` and `;` (a `const { … }` initialiser keeps its `const`). */
  readonly init: readonly Node[];
}

/** The statics a `thread_local!`/`lazy_static!` invocation declares, with their initialiser tokens. */
export function macroStaticsOf(macro: Node, path: string): MacroStatic[] {
  const nameNode = macro.childForFieldName('macro');
  const name = nameNode ? nameNode.text.replace(/^.*::/, '') : '';
  if (name !== 'thread_local' && name !== 'lazy_static') return [];
  const body = macro.namedChildren.find((c) => c.type === 'token_tree');
  if (!body) return [];
  const tokens = body.children;
  const out: MacroStatic[] = [];
  for (const root of macroStatics(path, body, name)) {
    let i = tokens.findIndex((t) => t.startIndex === root.nameRange.start);
    if (i < 0) continue;
    while (i < tokens.length && tokens[i].type !== '=' && tokens[i].type !== ';') i++;
    if (tokens[i]?.type !== '=') continue;
    const init: Node[] = [];
    for (i++; i < tokens.length && tokens[i].type !== ';'; i++) {
      // The body's own closing delimiter is not part of the last initialiser.
      if (i === tokens.length - 1 && /^[)}\]]$/.test(tokens[i].type)) break;
      init.push(tokens[i]);
    }
    if (init.length > 0) out.push({ root, macro: name, init });
  }
  return out;
}

/** Every token below `tokens` (descending into nested groups), in document order. */
export function leafTokens(tokens: readonly Node[]): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [...tokens].reverse();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.type === 'token_tree') {
      for (let i = t.childCount - 1; i >= 0; i--) {
        const c = t.child(i);
        if (c) stack.push(c);
      }
    } else {
      out.push(t);
    }
  }
  return out;
}

/** True for a `token_tree` opened by `(` (call arguments), `[` or `{`. */
export function isGroup(node: Node | null, open: '(' | '[' | '{'): boolean {
  return node !== null && node.type === 'token_tree' && node.child(0)?.type === open;
}

const CHAIN_TOKENS = new Set([
  'identifier', '::', '.', 'token_tree', '!', '<', '>', '>>', '?', 'primitive_type', 'string_literal', 'raw_string_literal',
  'integer_literal', 'float_literal', 'char_literal', 'boolean_literal', 'self', 'crate', 'super',
]);

/**
 * The tokens of the expression a method is called on: for the `.` before `unwrap` in
 * `x = Regex::new("a").unwrap()`, the siblings `Regex :: new (..)`. Stops at operators, `=`, `,`, `;`,
 * closure bars and keywords.
 */
export function receiverTokens(dot: Node): Node[] {
  const out: Node[] = [];
  for (let t = dot.previousSibling; t; t = t.previousSibling) {
    if (!CHAIN_TOKENS.has(t.type)) break;
    if (t.type === 'identifier' && /^(let|return|in|if|else|match|move|mut|ref|as|where|for|while|loop|break)$/.test(t.text)) break;
    out.unshift(t);
  }
  return out;
}

/**
 * Macros of std and `log` whose arguments are ordinary expressions evaluated where the macro stands
 * (tree-sitter leaves them as unparsed tokens). User macros and DSL macros (`html!`, `view!`, `rsx!`)
 * are not read: their tokens may be markup, or code that runs later.
 */
const EXPRESSION_MACROS = new Set([
  'format', 'format_args', 'print', 'println', 'eprint', 'eprintln', 'write', 'writeln', 'vec', 'dbg',
  'info', 'warn', 'error', 'debug', 'trace', 'log',
]);

/**
 * The argument tokens of an expression macro invocation whose text matches `worthReading` (a cheap
 * pre-check), or undefined. Not read: a macro whose tokens hold a closure (`|x| …`: its body may run
 * later, or never).
 */
export function expressionMacroArguments(macro: Node, worthReading: RegExp): Node | undefined {
  if (!EXPRESSION_MACROS.has(macroName(macro))) return undefined;
  const body = macro.namedChildren.find((c) => c.type === 'token_tree');
  if (!body || body.childCount <= 2) return undefined;
  const text = body.text;
  if (!worthReading.test(text) || text.includes('|')) return undefined;
  return body;
}

/** The source text of consecutive sibling tokens, as written. */
export function tokensText(tokens: readonly Node[], text: string): string {
  return text.slice(tokens[0].startIndex, tokens[tokens.length - 1].endIndex);
}

/** The comma-separated arguments of a `(…)` group, as token lists (a trailing comma adds none). */
export function groupArguments(group: Node): Node[][] {
  const out: Node[][] = [];
  let current: Node[] = [];
  for (let i = 1; i < group.childCount - 1; i++) {
    const t = group.child(i)!;
    if (t.type === ',') {
      out.push(current);
      current = [];
    } else {
      current.push(t);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The token lists of `body` and of every group nested in it (each group's children, delimiters included). */
export function tokenGroups(body: Node): Node[][] {
  const out: Node[][] = [];
  const stack: Node[] = [body];
  while (stack.length > 0) {
    const tokens = stack.pop()!.children;
    out.push(tokens);
    for (const t of tokens) if (t.type === 'token_tree') stack.push(t);
  }
  return out;
}
