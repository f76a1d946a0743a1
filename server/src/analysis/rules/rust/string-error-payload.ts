// string-error-payload (catalog C02, Rust part; the TS part is catch-misclassifies): a wasm-bindgen export
// returns an `Err` built from a string — `Err(JsValue::from_str(..))`, `Err("…".into())`,
// `.map_err(|e| e.to_string())?`, `.ok_or("…")?`, or an error type of `String`/`&str`/`JsString` — so the glue throws
// a string primitive: no `name`, no `message`, no stack. JS handlers then cannot tell it from anything
// else (`e.message` is `undefined`), and classifiers route it as "foreign" by default. `JsError::new(..)`
// throws a real `Error`. A `Result` whose error is visibly a string — `Err(<string>)`, `.ok_or(<string>)`,
// `.map_err(|e| <string>)`, a call of a function of this file declared `-> Result<_, String>` (or
// `&str`) — is also reported where it is converted as it is: `.map_err(JsValue::from)` /
// `.map_err(Into::into)` / `.map_err(|e| JsValue::from(e))`, or `?` straight on such a call (`?` converts
// with `From<String> for JsValue`). Typed errors (`Result<_, MyError>`, `js_sys::Error`) are left alone.
// The rule has its own id because a rule has one side (engine/rule.ts).

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, TextEdit } from '../../model';
import {
  aliasedResultErrorType, asMethodCall, asPathCall, exportOfFunction, hasExportAttributes, localFunctionOfCall, localFunctionsNamed, macroName, nodesWithin, parentOf, resultErrorType, rustEnv, stripTransparent,
  type RustEnv,
} from '../../rust/index';

export default defineRule({
  id: 'string-error-payload',
  catalogId: 'C02',
  family: 'failure-classification',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'export returns `Err` built from a string, which reaches JS as a bare string with no name, message or stack',
  fix: 'unsafe',
  docs: 'docs/rules/string-error-payload.md',
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): only exports of this file are judged: an export is recognised from its own attributes (`wasm_bindgen`, `#[event]`, `durable_object`: rust-summary.ts, units.ts).
  textGate: ['wasm_bindgen', 'event', 'durable_object'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    const exported = exportOfFunction(node, env);
    if (!exported && !hasExportAttributes(node)) return;
    if (env.tests.isTestCode(node)) return;
    const returnType = node.childForFieldName('return_type');
    // `Result<T, E>` as written, else through a crate-local alias (`type Result<T> = std::result::Result<T, JsValue>;`).
    const errorType = returnType ? resultErrorType(returnType.text) ?? aliasedResultErrorType(returnType.text, env.index?.resultAliases) : undefined;
    if (!returnType || !errorType) return;
    const name = exported?.jsName ?? node.childForFieldName('name')?.text ?? 'export';
    // `js_sys::JsString` is a JS string primitive: every `Err` of it is thrown as a bare string too.
    if (STRING_TYPE.test(errorType) || /^(?:js_sys::)?JsString$/.test(errorType)) {
      ctx.report({
        node: returnType,
        message: `export \`${name}\` returns \`Result<_, ${errorType}>\`: its \`Err\` reaches JS as a bare string (no \`name\`, \`message\` or stack), so \`e.message\` is \`undefined\` and no classifier can tell it from a wasm failure; return \`Result<_, JsError>\` with \`JsError::new(..)\``,
      });
      return;
    }
    if (!/^(?:wasm_bindgen::)?JsValue$/.test(errorType)) return;
    const sites = stringErrorSites(node, env.facts(node).calls, env);
    if (sites.length === 0) return;
    const [first, ...rest] = sites;
    const more = rest.length > 0 ? ` (${rest.length} more in this function)` : '';
    const related: RelatedLocation[] = rest.slice(0, 5).map((s) => ({ path: ctx.path, range: { start: s.node.startIndex, end: s.node.endIndex }, message: 'also thrown as a bare string' }));
    ctx.report({
      node: first.node,
      message: `${first.display ?? `\`${shorten(first.node.text)}\``} in export \`${name}\` reaches JS as a bare string (no \`name\`, \`message\` or stack), so \`e.message\` is \`undefined\` and no classifier can tell it from a wasm failure; build the error with \`JsError::new(..)\`${more}`,
      related,
      fixes: () => fixesFor(ctx.text, sites),
    });
  },
});

interface Site {
  /** The string-built value that becomes the thrown `JsValue`. */
  readonly node: Node;
  /**
   * How to rewrite it: `from_str` (`JsValue::from_str(A)`), `from` (`JsValue::from(S)`), `into` (`S.into()`),
   * `bare` (`S`), `mapper` (the `JsValue::from` of `.map_err(JsValue::from)`, or its closure), `tried` (a
   * call whose string error `?` converts: a `map_err` is inserted at `insertAt`).
   */
  readonly form: 'from_str' | 'from' | 'into' | 'bare' | 'mapper' | 'tried' | 'named';
  /** The string argument (`A` / `S`); for `mapper` and `tried`, the node itself. */
  readonly text: Node;
  /** How the message names the site, when not by its text. */
  readonly display?: string;
  /** `tried`: where `.map_err(..)` goes (after the call, or after its `.await`). */
  readonly insertAt?: number;
}

const STRING_TYPE = /^(?:&(?:'\w+\s+)?str|(?:std::string::|alloc::string::)?String)$/;
/** Conversions that turn the error into a `JsValue` as it is: `JsValue::from`, `Into::into`, `JsValue::from_str`. */
const AS_IS_CONVERSION = /^(?:(?:::)?wasm_bindgen::(?:prelude::)?)?JsValue::from(?:_str)?$|^(?:(?:std|core)::convert::)?Into::into$/;

/** A plain Rust string: a literal, `format!(..)`, `x.to_string()`, `String::from(..)`, `"..".to_owned()`. */
function stringy(node: Node): boolean {
  const n = stripTransparent(node);
  if (n.type === 'string_literal' || n.type === 'raw_string_literal') return true;
  if (n.type === 'macro_invocation') return macroName(n) === 'format';
  const m = asMethodCall(n);
  if (m) return ((m.method === 'to_string' || m.method === 'as_str') && m.args.length === 0) || (m.method === 'to_owned' && stringy(m.receiver));
  const p = asPathCall(n);
  return p !== undefined && p.segments.length === 2 && p.segments[0] === 'String' && (p.name === 'from' || p.name === 'new');
}

/** A `JsValue` built from a string: `JsValue::from_str(..)`, `JsValue::from(<string>)`, `<string>.into()`. */
function stringJsValue(node: Node): Site | undefined {
  const n = stripTransparent(node);
  const p = asPathCall(n);
  if (p && p.segments.length >= 2 && p.segments[p.segments.length - 2] === 'JsValue' && p.args.length === 1) {
    if (p.name === 'from_str') return { node: n, form: 'from_str', text: p.args[0] };
    if (p.name === 'from' && stringy(p.args[0])) return { node: n, form: 'from', text: p.args[0] };
  }
  const m = asMethodCall(n);
  if (m && m.method === 'into' && m.args.length === 0 && stringy(m.receiver)) return { node: n, form: 'into', text: m.receiver };
  return undefined;
}

/** `expr?` */
function isTried(node: Node): boolean {
  return parentOf(node)?.type === 'try_expression';
}

/** The value a closure returns: its expression body, or the tail expression of its block. */
function closureResult(closure: Node): Node | undefined {
  const body = closure.childForFieldName('body');
  if (!body) return undefined;
  return body.type === 'block' ? blockTail(body) : body;
}

/** The tail expression of a block (its value), if it has one. */
function blockTail(block: Node): Node | undefined {
  const last = block.namedChildren.filter((c) => c.type !== 'line_comment' && c.type !== 'block_comment').pop();
  return last && last.type !== 'expression_statement' && last.type !== 'let_declaration' ? last : undefined;
}

/**
 * The error of a `Result`-valued expression when it is visibly a string (`String` or `&str`, as the
 * message names it): `Err(<string>)`, `.ok_or(<string>)`, `.ok_or_else(|| <string>)`,
 * `.map_err(|e| <string>)`, a call of a function of this file declared to return `Result<_, String>`;
 * through `.await` and the error-preserving `map`/`and_then`/`inspect`/`inspect_err`.
 */
function stringErrorOf(expr: Node, env: RustEnv): string | undefined {
  let n = stripTransparent(expr);
  for (let i = 0; i < 16; i++) {
    if (n.type === 'await_expression') {
      const inner = n.namedChild(0);
      if (!inner) return undefined;
      n = stripTransparent(inner);
      continue;
    }
    const m = asMethodCall(n);
    if (m) {
      if (/^(?:map|and_then|inspect|inspect_err)$/.test(m.method)) {
        n = stripTransparent(m.receiver);
        continue;
      }
      if (m.args.length !== 1) return undefined;
      if (m.method === 'ok_or') return stringKind(m.args[0]);
      if (m.method === 'ok_or_else' || m.method === 'map_err') {
        const result = m.args[0].type === 'closure_expression' ? closureResult(m.args[0]) : undefined;
        return result ? stringKind(result) : undefined;
      }
      return undefined;
    }
    const p = asPathCall(n);
    if (!p) return undefined;
    if (p.segments.length === 1 && p.name === 'Err' && p.args.length === 1) return stringKind(p.args[0]);
    const target = localFunctionOfCall(n, env);
    const returnType = target?.childForFieldName('return_type')?.text;
    const error = returnType ? resultErrorType(returnType) : undefined;
    return error && STRING_TYPE.test(error) ? (error.startsWith('&') ? '&str' : 'String') : undefined;
  }
  return undefined;
}

/** `String` / `&str` for a plain Rust string (stringy), by its form. */
function stringKind(node: Node): string | undefined {
  if (!stringy(node)) return undefined;
  const n = stripTransparent(node);
  return n.type === 'string_literal' || n.type === 'raw_string_literal' ? '&str' : 'String';
}

/**
 * `.map_err(to_js)` where `to_js` is the one function of this file of that name and its result (the tail
 * of its body) is a string-built `JsValue`: `fn to_js(e: Error) -> JsValue { JsValue::from(e.to_string()) }`.
 * No fix: the function's parameter is not a string.
 */
function namedMapperSite(arg: Node, env: RustEnv): Site | undefined {
  const segments = arg.text.replace(/\s+/g, '').split('::');
  const candidates = localFunctionsNamed(arg, segments, segments[segments.length - 1], env);
  if (candidates.length !== 1) return undefined;
  const body = candidates[0].childForFieldName('body');
  const result = body ? blockTail(body) : undefined;
  const built = result ? stringJsValue(result) : undefined;
  if (!built) return undefined;
  return { node: arg, form: 'named', text: arg, display: `\`.map_err(${arg.text})\`, whose function builds a \`JsValue\` from a string,` };
}

/** `.map_err(JsValue::from)`, `.map_err(Into::into)`, `.map_err(|e| JsValue::from(e))`, `.map_err(|e| e.into())`. */
function convertsAsIs(arg: Node): boolean {
  if (arg.type === 'identifier' || arg.type === 'scoped_identifier' || arg.type === 'generic_function') {
    return AS_IS_CONVERSION.test(arg.text.replace(/\s+/g, '').replace(/::<[^>]*>/g, ''));
  }
  if (arg.type !== 'closure_expression') return false;
  const params = arg.childForFieldName('parameters')?.namedChildren.filter((c) => c?.type !== 'line_comment' && c?.type !== 'block_comment') ?? [];
  const param = params.length === 1 ? params[0] : undefined;
  const name = param?.type === 'parameter' ? param.childForFieldName('pattern')?.text : param?.text;
  const result = closureResult(arg);
  if (!name || !result) return false;
  const r = stripTransparent(result);
  const p = asPathCall(r);
  // (`|e| JsValue::from_str(&e)` is a string whatever `e` is: stringJsValue reports it.)
  if (p && p.args.length === 1 && p.args[0].text === name) return p.name === 'from' && AS_IS_CONVERSION.test(p.segments.join('::'));
  const m = asMethodCall(r);
  return m !== undefined && m.method === 'into' && m.args.length === 0 && stripTransparent(m.receiver).text === name;
}

/** `node` runs as part of `fn` itself, not in a closure or async block it creates. */
function inOwnBody(node: Node, fn: Node): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.id === fn.id) return true;
    if (n.type === 'closure_expression' || n.type === 'async_block' || n.type === 'function_item') return false;
  }
  return false;
}

/** Every place in the function that produces a string-built error value. */
function stringErrorSites(fn: Node, calls: readonly Node[], env: RustEnv): Site[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const out: Site[] = [];
  for (const call of nodesWithin(calls, body.startIndex, body.endIndex)) {
    const p = asPathCall(call);
    if (p && p.segments.length === 1 && p.name === 'Err' && p.args.length === 1) {
      const site = stringJsValue(p.args[0]);
      if (site) out.push(site);
      else if (isTried(call) && stringy(p.args[0])) out.push({ node: stripTransparent(p.args[0]), form: 'bare', text: stripTransparent(p.args[0]) });
      continue;
    }
    if (p) {
      // `helper(..)?` / `helper(..).await?` where `helper` returns `Result<_, String>`: `?` converts the string as it is.
      const awaited = parentOf(call)?.type === 'await_expression' ? parentOf(call)! : call;
      if (isTried(awaited) && inOwnBody(call, fn)) {
        const kind = stringErrorOf(call, env);
        if (kind) {
          out.push({
            node: call, form: 'tried', text: call, insertAt: awaited.endIndex,
            display: `\`?\` on \`${shorten(call.text)}\`, whose error is a \`${kind}\`,`,
          });
        }
      }
      continue;
    }
    const m = asMethodCall(call);
    if (!m || m.args.length !== 1) continue;
    if (m.method === 'map_err' && convertsAsIs(m.args[0])) {
      const kind = inOwnBody(call, fn) ? stringErrorOf(m.receiver, env) : undefined;
      if (kind) {
        const conversion = m.args[0].type === 'closure_expression' ? shorten(m.args[0].text) : m.args[0].text.replace(/\s+/g, '');
        out.push({
          node: m.args[0], form: 'mapper', text: m.args[0],
          display: `\`.map_err(${conversion})\` on \`${shorten(stripTransparent(m.receiver).text)}\`, whose error is a \`${kind}\`,`,
        });
      }
      continue;
    }
    if (m.method === 'map_err' && (m.args[0].type === 'identifier' || m.args[0].type === 'scoped_identifier')) {
      // `.map_err(to_js)` naming a function of this file whose result is a string-built `JsValue`.
      const site = namedMapperSite(m.args[0], env);
      if (site) out.push(site);
      continue;
    }
    if (m.method === 'map_err' || m.method === 'ok_or_else') {
      const closure = m.args[0];
      if (closure.type !== 'closure_expression') continue;
      const result = closureResult(closure);
      if (!result) continue;
      const site = stringJsValue(result);
      if (site) out.push(site);
      else if (isTried(call) && stringy(result)) out.push({ node: stripTransparent(result), form: 'bare', text: stripTransparent(result) });
    } else if (m.method === 'ok_or') {
      const site = stringJsValue(m.args[0]);
      if (site) out.push(site);
      else if (isTried(call) && stringy(m.args[0])) out.push({ node: stripTransparent(m.args[0]), form: 'bare', text: stripTransparent(m.args[0]) });
    }
  }
  // Nested `Err(..)` inside a `map_err` closure would be listed twice; keep the outermost, in source order.
  const unique = out.filter((s, i) => !out.some((o, j) => j !== i && o.node.startIndex <= s.node.startIndex && s.node.endIndex <= o.node.endIndex && o.node.id !== s.node.id));
  return unique.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 50 ? `${oneLine.slice(0, 47)}…` : oneLine;
}

// ---- fixes -----------------------------------------------------------------------------------------

/** `JsValue::from(JsError::new(<&str>))` at every site: a real `Error`, and still a `JsValue` for the signature. */
function fixesFor(text: string, sites: readonly Site[]): Fix[] {
  // The error a named function gets is not a string: `JsError::new(&e)` would not compile.
  if (sites.some((s) => s.form === 'named')) return [];
  const jsError = inScope(text, 'JsError') ? 'JsError' : 'wasm_bindgen::JsError';
  const jsValue = inScope(text, 'JsValue') ? 'JsValue' : 'wasm_bindgen::JsValue';
  const edits: TextEdit[] = sites.map((s) => {
    if (s.form === 'tried') return { range: { start: s.insertAt!, end: s.insertAt! }, newText: `.map_err(|e| ${jsError}::new(&e))` };
    return {
      range: { start: s.node.startIndex, end: s.node.endIndex },
      newText: s.form === 'mapper' ? `|e| ${jsValue}::from(${jsError}::new(&e))`
        : `${jsValue}::from(${jsError}::new(${s.form === 'from_str' ? s.text.text : asStr(s.text)}))`,
    };
  });
  return [{ title: 'Throw a JS `Error` with a stack: build the error with `JsError::new(..)`', safety: 'unsafe', edits }];
}

/** `name` is imported from wasm_bindgen (directly, in a use list, or through the prelude glob). */
function inScope(text: string, name: string): boolean {
  return /\buse\s+wasm_bindgen::prelude::\*/.test(text)
    || new RegExp(`\\buse\\s+wasm_bindgen::(?:prelude::)?(?:${name}\\b|\\{[^}]*\\b${name}\\b)`).test(text);
}

/** The argument as a `&str`: literals and references stay, owned strings are borrowed. */
function asStr(node: Node): string {
  const n = node.type === 'parenthesized_expression' ? stripTransparent(node) : node;
  if (n.type === 'string_literal' || n.type === 'raw_string_literal' || n.type === 'reference_expression') return n.text;
  return `&${n.text}`;
}
