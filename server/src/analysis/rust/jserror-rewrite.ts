// Text edits that turn "fail by panicking or throwing" into "return an `Err(JsError)`": rewriting
// `.expect_throw(m)` / `.unwrap_throw()` / `.unwrap()` / `.expect(m)` into `?` forms and `throw_str(m)`
// into `return Err(..)`, and changing a function's signature to `Result<T, JsError>` (wrapping its tail
// and its `return`s). Whether the receiver is an `Option` or a `Result` is read off the call that
// produced it (no types): unknown producers get no edit. Only edits that keep the code well-formed are
// produced; callers still declare them `unsafe` (the function now returns instead of failing).

import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../model';
import { asMethodCall, asPathCall, forEachDescendant, indentationAt } from './syntax';
import { parentOf } from './parents';
import { returnsResultOfJsError } from './units';

/** Calls that return an `Option`. */
export const OPTION_PRODUCERS: ReadonlySet<string> = new Set([
  'get', 'get_mut', 'first', 'last', 'first_mut', 'last_mut', 'pop', 'pop_front', 'pop_back', 'find', 'find_map', 'next', 'nth',
  'peek', 'position', 'rposition', 'max', 'min', 'max_by', 'min_by', 'max_by_key', 'min_by_key', 'checked_add', 'checked_sub',
  'checked_mul', 'checked_div', 'checked_rem', 'checked_pow', 'strip_prefix', 'strip_suffix', 'take', 'last_key_value',
  'first_key_value', 'split_once', 'rsplit_once', 'to_digit', 'from_u32', 'as_string', 'as_f64', 'as_bool', 'dyn_ref', 'window',
  'document', 'body', 'document_element', 'get_element_by_id', 'parent_node', 'parent_element', 'first_child', 'last_child',
  'next_sibling', 'as_ref', 'as_mut', 'get_index', 'remove_entry',
]);

/** Calls that return a `Result`. */
export const RESULT_PRODUCERS: ReadonlySet<string> = new Set([
  'parse', 'try_into', 'try_from', 'from_str', 'from_value', 'to_value', 'from_utf8', 'dyn_into', 'from_slice', 'from_reader',
  'try_borrow', 'try_borrow_mut', 'serialize', 'deserialize', 'decode', 'encode', 'read_to_string', 'from_serde', 'into_serde',
  'query_selector', 'create_element', 'get_context', 'from_str_radix', 'to_string_pretty', 'from_json', 'to_json',
]);

export type Fallible = 'option' | 'result';

/** Option or Result, from the call that produced `receiver` (`v.get(i)` → option, `s.parse()` → result). */
export function fallibleKindOf(receiver: Node): Fallible | undefined {
  const m = asMethodCall(receiver);
  const p = m ? undefined : asPathCall(receiver);
  const name = m?.method ?? p?.name;
  if (!name) return undefined;
  const isOption = OPTION_PRODUCERS.has(name);
  const isResult = RESULT_PRODUCERS.has(name);
  return isOption === isResult ? undefined : isOption ? 'option' : 'result';
}

/** `JsError` when the file has it in scope (prelude glob or a `use`), else the full path. */
export function jsErrorPath(fileText: string): string {
  return /\bwasm_bindgen::prelude::\*|\bJsError\b/.test(fileText) ? 'JsError' : 'wasm_bindgen::JsError';
}

/**
 * The edit turning one failing call into an early `Err` return (the function must return
 * `Result<_, JsError|JsValue>` once all edits are applied):
 * `.expect_throw(m)`/`.expect(m)` → `.ok_or_else(|| JsError::new(m))?` (Option) / `.map_err(|_| …)?` (Result);
 * `.unwrap_throw()`/`.unwrap()` → the same with wasm-bindgen's own message; `throw_str(m)` →
 * `return Err(JsError::new(m).into())`. The message must be a string literal or a `&…` expression
 * (`JsError::new` takes `&str`).
 */
export function questionMarkEdit(call: Node, jsError: string): TextEdit | undefined {
  const m = asMethodCall(call);
  if (m) {
    const isExpect = m.method === 'expect_throw' || m.method === 'expect';
    const isUnwrap = m.method === 'unwrap_throw' || m.method === 'unwrap';
    if ((!isExpect && !isUnwrap) || m.args.length !== (isExpect ? 1 : 0)) return undefined;
    const kind = fallibleKindOf(m.receiver);
    if (!kind) return undefined;
    // `unwrap_throw()` keeps wasm-bindgen's own message, `unwrap()` std's.
    const message = isExpect ? messageArgument(m.args[0]) : kind === 'option'
      ? `"called \`Option::${m.method}()\` on a \`None\` value"` : `"called \`Result::${m.method}()\` on an \`Err\` value"`;
    if (!message) return undefined;
    const newText = kind === 'option' ? `ok_or_else(|| ${jsError}::new(${message}))?` : `map_err(|_| ${jsError}::new(${message}))?`;
    return { range: { start: m.methodNode.startIndex, end: call.endIndex }, newText };
  }
  const p = asPathCall(call);
  if (!p || p.name !== 'throw_str' || p.args.length !== 1) return undefined;
  const message = messageArgument(p.args[0]);
  if (!message) return undefined;
  return { range: { start: call.startIndex, end: call.endIndex }, newText: `return Err(${jsError}::new(${message}).into())` };
}

function messageArgument(arg: Node | undefined): string | undefined {
  if (!arg) return undefined;
  if (arg.type === 'string_literal' || arg.type === 'raw_string_literal') return arg.text;
  if (arg.type === 'reference_expression') return arg.text;
  return undefined;
}

/**
 * Edits that make `fn` return `Result<T, JsError>`: the return type (none/`()` → `Result<(), JsError>`,
 * `T` → `Result<T, JsError>`), the tail (`Ok(tail)` / a trailing `Ok(())`) and every `return` of the
 * function itself (`return x` → `return Ok(x)`). None when the function already returns
 * `Result<_, JsError|JsValue>` (nothing to change: returns `[]`), returns another `Result`, `impl …`,
 * `!`, or has a body shape the edit cannot follow (no tail for a non-unit type).
 */
export function resultSignatureEdits(fn: Node, jsError: string): TextEdit[] | undefined {
  const body = fn.childForFieldName('body');
  const params = fn.childForFieldName('parameters');
  if (!body || !params || body.type !== 'block') return undefined;
  const returnType = fn.childForFieldName('return_type');
  const typeText = returnType?.text.replace(/\s+/g, '');
  if (typeText && /^((std|core)::result::)?Result</.test(typeText)) {
    return returnsResultOfJsError(typeText) || /,(wasm_bindgen::)?JsValue>$/.test(typeText) ? [] : undefined;
  }
  if (typeText && (/^impl\b/.test(returnType!.text) || typeText === '!')) return undefined;
  const unit = !typeText || typeText === '()';
  const edits: TextEdit[] = [];
  if (!returnType) edits.push({ range: { start: params.endIndex, end: params.endIndex }, newText: ` -> Result<(), ${jsError}>` });
  else edits.push({ range: { start: returnType.startIndex, end: returnType.endIndex }, newText: `Result<${unit ? '()' : returnType.text}, ${jsError}>` });

  for (const r of ownReturns(body)) {
    const value = r.namedChild(0);
    if (value) {
      // Insertions around the value, so edits inside it (a rewritten `.expect_throw(..)`) still apply.
      edits.push({ range: { start: value.startIndex, end: value.startIndex }, newText: 'Ok(' });
      edits.push({ range: { start: value.endIndex, end: value.endIndex }, newText: ')' });
    } else edits.push({ range: { start: r.endIndex, end: r.endIndex }, newText: ' Ok(())' });
  }

  const tail = lastCode(body);
  const closing = body.endIndex - 1;
  const text = body.tree.rootNode.text;
  if (unit) {
    if (!tail) {
      edits.push({ range: { start: closing, end: closing }, newText: 'Ok(())' });
    } else {
      const indent = indentationAt(text, tail.startIndex);
      const isStatement = tail.type === 'expression_statement' || tail.type === 'let_declaration' || /_item$/.test(tail.type) || tail.type === 'empty_statement';
      const sep = isStatement && (tail.text.trimEnd().endsWith(';') || tail.text.trimEnd().endsWith('}')) ? '' : ';';
      edits.push({ range: { start: tail.endIndex, end: tail.endIndex }, newText: `${sep}\n${indent}Ok(())` });
    }
  } else {
    // A body that ends in `return x;` is covered by the `return` edits.
    if (tail?.type === 'expression_statement' && tail.namedChild(0)?.type === 'return_expression') return edits;
    if (!tail || tail.type === 'expression_statement' || tail.type === 'let_declaration' || /_item$/.test(tail.type)) return undefined;
    if (tail.type === 'return_expression' || tail.type === 'macro_invocation' && /^(panic|unreachable|todo|unimplemented)!/.test(tail.text)) return undefined;
    edits.push({ range: { start: tail.startIndex, end: tail.startIndex }, newText: 'Ok(' });
    edits.push({ range: { start: tail.endIndex, end: tail.endIndex }, newText: ')' });
  }
  return edits;
}

/** `return` expressions of the function itself (not of nested closures, async blocks or items). */
function ownReturns(body: Node): Node[] {
  const out: Node[] = [];
  forEachDescendant(body, (n) => {
    if (n.type === 'closure_expression' || n.type === 'async_block' || n.type === 'function_item' || n.type === 'token_tree') return false;
    if (n.type === 'return_expression') out.push(n);
    return true;
  });
  return out;
}

function lastCode(block: Node): Node | null {
  for (let i = block.namedChildCount - 1; i >= 0; i--) {
    const c = block.namedChild(i);
    if (c && c.type !== 'line_comment' && c.type !== 'block_comment') return c;
  }
  return null;
}

/** True when `node` runs in `fn`'s own frame (not inside a closure, async block or nested item). */
export function inOwnFrame(node: Node, fn: Node): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.id === fn.id) return true;
    if (n.type === 'closure_expression' || n.type === 'async_block' || n.type === 'function_item') return false;
  }
  return false;
}
