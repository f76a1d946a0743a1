// catch-misclassifies (catalog C02, TS part; the Rust part is string-error-payload): a handler around
// calls into wasm-bindgen glue tells failure classes apart with a test that misroutes them —
//   A `e instanceof Error` as the only discriminator (PanicError, RuntimeError, `Module terminated` are Errors);
//   B message-text heuristics on trap / RefCell / panic texts (engine- and version-dependent);
//   C `e.constructor.name` (minifiers rename classes);
//   D `instanceof PanicError` (the glue never exports the class: it cannot match);
//   E only `instanceof WebAssembly.RuntimeError` as "fatal" in builds that flag termination (misses
//     `Module terminated`, `Critical error`, stack overflow);
//   F `e.name === 'PanicError'` with pre-0.2.127 glue, whose PanicError name a minifier renames.
// `e.name === 'PanicError'` in builds without PanicError (abort, abort+handler) is left to
// panic-error-check-in-abort-build (C09); `instanceof PanicError` and `.constructor.name` are reported
// here in every build. Handlers that call a classifier, assert (tests) or rethrow
// everything they do not handle are not reported (shape A excepted: "everything" is the bug there).

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, Severity, TextEdit } from '../../model';
import { walkTree } from '../../parsing/walk';
import { oneLineCode } from '../../text/one-line';
import { handlerAsserts, handlerRethrows, promiseRejectionHandler } from '../../ts/catch-analysis';
import {
  abortGuard, CLASSIFY_FUNCTION, classifierModulePath, displayModulePath, FATAL_CLASSIFIER, importClassifier,
  RECOVERABLE_CLASSIFIER, sourceStyleOf, type SourceStyle,
} from '../../ts/classifier-module';
import { buildModeOfModule, classifierCallPredicate, panicErrorNameMinifiable, TEST_FILE } from '../../ts/failure-context';
import { describeCall, FUNCTION_TYPES, WASM_FACT_NODE_TYPES, wasmCallFactsOf, WasmCallFacts, type WasmCallSite } from '../../ts/wasm-calls';
import type { BuildMode } from '../../workspace/types';

interface FileState {
  readonly facts: WasmCallFacts;
  readonly tries: Node[];
  readonly handlerCalls: Node[];
}

const states = new WeakMap<RuleContext, FileState>();

/** Message texts that depend on the engine (traps), the Rust version (RefCell) or the panic site (free-form). */
const TRAP_WORDS = /unreachable|out of bounds|memory access|call stack|too much recursion/i;
const UNSTABLE_WORDS = /unreachable|out of bounds|memory access|call stack|too much recursion|already (?:mutably )?borrowed|Borrow(?:Mut)?Error|RefCell|panicked|poison/i;
const STRING_TESTS = new Set(['includes', 'startsWith', 'endsWith', 'match', 'matchAll', 'test', 'indexOf', 'search', 'lastIndexOf']);
const EQUALITY = new Set(['===', '!==', '==', '!=']);
const CLASS_TOKENS = /\bRuntimeError\b|WebAssembly\.Exception|Module terminated|Critical error|PanicError/;

export default defineRule({
  id: 'catch-misclassifies',
  catalogId: 'C02',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'error',
  summary: 'catch handler around wasm calls tests the failure class with a check that misroutes panics, aborts or termination',
  fix: 'unsafe',
  docs: 'docs/rules/catch-misclassifies.md',
  nodeTypes: ['try_statement', 'call_expression', ...WASM_FACT_NODE_TYPES],

  visit(node, ctx) {
    let state = states.get(ctx);
    if (!state) {
      state = { facts: wasmCallFactsOf(ctx), tries: [], handlerCalls: [] };
      states.set(ctx, state);
    }
    if (!state.facts.active) return;
    state.facts.collect(node);
    if (node.type === 'try_statement') {
      if (node.childForFieldName('handler')) state.tries.push(node);
    } else if (promiseRejectionHandler(node)) {
      state.handlerCalls.push(node);
    }
  },

  finish(ctx) {
    const state = states.get(ctx);
    states.delete(ctx);
    if (!state?.facts.active || TEST_FILE.test(ctx.path)) return;
    const checker = new Checker(ctx, state.facts);
    for (const t of state.tries) {
      const handler = t.childForFieldName('handler');
      const body = handler?.childForFieldName('body');
      const tryBody = t.childForFieldName('body');
      const param = handler?.childForFieldName('parameter');
      if (!body || !tryBody || param?.type !== 'identifier') continue;
      const site = state.facts.callsIn(tryBody, { firstOnly: true })[0];
      if (site) checker.check(body, param.text, site);
    }
    for (const call of state.handlerCalls) {
      const receiver = call.childForFieldName('function')?.childForFieldName('object');
      const handler = promiseRejectionHandler(call);
      if (!receiver || !handler || !FUNCTION_TYPES.has(handler.type)) continue;
      const body = handler.childForFieldName('body');
      const param = firstParameterName(handler);
      if (!body || !param) continue; // an expression body (`(e) => cond ? x : Promise.reject(e)`) is checked too
      const site = state.facts.chainSource(receiver);
      if (site) checker.check(body, param, site);
    }
  },
});

type Shape = 'instanceof-error' | 'message-text' | 'constructor-name' | 'instanceof-panic-error' | 'runtime-error-only' | 'minifiable-name';

class Checker {
  private readonly isClassifier: (name: string, call: Node) => boolean;
  private readonly throwsOwnPanicError: boolean;
  private style: SourceStyle | undefined;

  constructor(private readonly ctx: RuleContext, facts: WasmCallFacts) {
    this.isClassifier = classifierCallPredicate(ctx, facts);
    this.throwsOwnPanicError = /\bnew\s+PanicError\s*\(/.test(ctx.text);
  }

  check(body: Node, param: string, site: WasmCallSite): void {
    if (this.callsClassifier(body) || handlerAsserts(body)) return;
    const mode = buildModeOfModule(this.ctx, site.modulePath);
    const subjects = subjectNames(body, param);
    const rethrowsRest = handlerRethrows(body);
    const tests: { node: Node; shape: Shape }[] = [];
    const conditionsWithMessageTests = new Set<number>();
    let runtimeErrorTest: Node | undefined;
    let otherClassTest = false;
    // A test for what follows an abort in these builds (`Module terminated`, `Critical error`, a raw
    // `WebAssembly.Exception`, stack overflow's `RangeError`); a `PanicError` test is not one.
    let terminationTest = false;
    /** `other === 'text'` (or a `case 'text':` of `switch (other)`), reported at `node`. */
    const comparedWith = (node: Node, other: Node, str: Node): void => {
      const value = str.text.slice(1, -1);
      if (/Module terminated|Critical error|PanicError|stale object|previous WASM instance/.test(value)) otherClassTest = true;
      if (/Module terminated|Critical error/.test(value)) terminationTest = true;
      if (/\.constructor\.name$/.test(other.text.replace(/\s+/g, '').replace(/\?\./g, '.'))) return; // reported at the member expression
      if (value === 'PanicError' && /\.name$/.test(other.text.replace(/\s+/g, '')) && mode === 'unwind'
        && panicErrorNameMinifiable(this.ctx, site.modulePath) === true) {
        tests.push({ node, shape: 'minifiable-name' });
      } else if (UNSTABLE_WORDS.test(value)) {
        tests.push({ node, shape: 'message-text' });
      }
    };
    walkTree(body, (node) => {
      if (node.id !== body.id && FUNCTION_TYPES.has(node.type)) return false;
      switch (node.type) {
        case 'binary_expression': {
          const op = node.childForFieldName('operator')?.type ?? '';
          const left = node.childForFieldName('left');
          const right = node.childForFieldName('right');
          if (!left || !right) break;
          if (op === 'instanceof') {
            const cls = right.text.replace(/\s+/g, '');
            if (!mentions(left, subjects)) break;
            if (cls === 'PanicError') {
              // Never matches in any build (panic-error-check-in-abort-build leaves it to this rule).
              if (!this.throwsOwnPanicError) tests.push({ node, shape: 'instanceof-panic-error' });
              otherClassTest = true;
            } else if (cls === 'WebAssembly.RuntimeError' || cls === 'RuntimeError') {
              runtimeErrorTest ??= node;
            } else if (cls === 'WebAssembly.Exception' || cls === 'RangeError') {
              otherClassTest = true;
              terminationTest = true;
            }
          } else if (EQUALITY.has(op)) {
            const str = [left, right].find((n) => n.type === 'string' || n.type === 'template_string');
            const other = str === left ? right : left;
            if (str && mentions(other, subjects)) comparedWith(node, other, str);
          }
          break;
        }
        case 'switch_statement': {
          // `switch (e.message) { case 'unreachable': … }`: each case compares like `===`.
          const discriminant = node.childForFieldName('value');
          if (!discriminant || !mentions(discriminant, subjects)) break;
          for (const c of node.childForFieldName('body')?.namedChildren ?? []) {
            const value = c?.type === 'switch_case' ? c.childForFieldName('value') : null;
            if (c && value && (value.type === 'string' || value.type === 'template_string')) comparedWith(c, discriminant, value);
          }
          break;
        }
        case 'call_expression': {
          const fn = node.childForFieldName('function');
          if (fn?.type !== 'member_expression') break;
          const method = fn.childForFieldName('property')?.text ?? '';
          if (!STRING_TESTS.has(method)) break;
          const receiver = fn.childForFieldName('object');
          const args = node.childForFieldName('arguments');
          if (!receiver || !args) break;
          const pattern = receiver.type === 'regex' ? receiver : args.namedChildren[0];
          const subject = receiver.type === 'regex' ? args.namedChildren[0] : receiver;
          if (!pattern || !subject || !mentions(subject, subjects)) break;
          if (!(pattern.type === 'regex' || pattern.type === 'string' || pattern.type === 'template_string')) break;
          if (/Module terminated|Critical error/.test(pattern.text)) {
            otherClassTest = true;
            terminationTest = true;
          }
          if (UNSTABLE_WORDS.test(pattern.text) && !guardedByOverflowClass(node)) tests.push({ node, shape: 'message-text' });
          break;
        }
        case 'member_expression': {
          const text = node.text.replace(/\s+/g, '').replace(/\?\./g, '.'); // `e?.constructor?.name` too
          if (!text.endsWith('.constructor.name')) break;
          const object = node.childForFieldName('object')?.childForFieldName('object');
          if (!object || !mentions(object, subjects)) break;
          tests.push({ node, shape: 'constructor-name' });
          break;
        }
      }
      return true;
    });
    for (const t of tests) if (t.shape === 'message-text') conditionsWithMessageTests.add(conditionOf(t.node)?.id ?? -1);

    const reported: { node: Node; shape: Shape }[] = [];
    if (!rethrowsRest) reported.push(...tests);
    if (runtimeErrorTest && !terminationTest && !rethrowsRest && (mode === 'unwind' || mode === 'abort+handler')
      && !this.terminationCheckedAround(body)) {
      reported.push({ node: runtimeErrorTest, shape: 'runtime-error-only' });
    }
    const swallowing = this.instanceofErrorSwallows(body, subjects);
    if (swallowing && !conditionsWithMessageTests.has(conditionOf(swallowing)?.id ?? -2) && !runtimeErrorTest && !otherClassTest) {
      reported.push({ node: swallowing, shape: 'instanceof-error' });
    }
    const seen = new Set<number>();
    for (const r of reported) {
      if (seen.has(r.node.id)) continue;
      seen.add(r.node.id);
      this.report(r.node, r.shape, mode, param, site);
    }
  }

  private callsClassifier(body: Node): boolean {
    let found = false;
    walkTree(body, (n) => {
      if (found) return false;
      if (n.type === 'call_expression') {
        const name = n.childForFieldName('function')?.text.replace(/\s+/g, '').replace(/\?\./g, '.') ?? '';
        if (this.isClassifier(name.slice(name.lastIndexOf('.') + 1), n)) found = true;
      }
      return !found;
    });
    return found;
  }

  /** `'Module terminated'` tested anywhere in the enclosing function (a guard before the try, a helper call). */
  private terminationCheckedAround(body: Node): boolean {
    let fn: Node | null = body;
    while (fn && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
    const text = fn ? fn.text : this.ctx.text;
    return /Module terminated|Critical error|WebAssembly\.Exception/.test(text);
  }

  /**
   * Shape A: an `if` (or a `?:`) whose condition is `e instanceof Error` (or its negation) and nothing that
   * tells failure classes apart, where Errors take a branch that does not throw and everything else is
   * thrown (or rejected).
   */
  private instanceofErrorSwallows(body: Node, subjects: ReadonlySet<string>): Node | undefined {
    let found: Node | undefined;
    walkTree(body, (node) => {
      if (found) return false;
      if (node.id !== body.id && FUNCTION_TYPES.has(node.type)) return false;
      if (node.type !== 'if_statement' && node.type !== 'ternary_expression') return true;
      const condition = node.childForFieldName('condition');
      if (!condition || CLASS_TOKENS.test(condition.text)) return true;
      const test = instanceofErrorIn(condition, subjects);
      if (!test || !onlyDiscriminator(test.node, condition, subjects)) return true;
      const negated = isNegated(test.node, condition);
      const consequence = node.childForFieldName('consequence');
      const alternative = node.childForFieldName('alternative');
      if (!consequence) return true;
      if (node.type === 'ternary_expression') {
        // `e instanceof Error ? { error: e.message } : Promise.reject(e)`: both branches are values.
        const errorBranch = negated ? alternative : consequence;
        const otherBranch = negated ? consequence : alternative;
        if (errorBranch && otherBranch && !containsThrow(errorBranch) && containsThrow(otherBranch)) found = test.node;
        return !found;
      }
      const restThrows = followingStatementsThrow(node);
      const errorBranchThrows = negated ? (alternative ? containsThrow(alternative) : restThrows) : containsThrow(consequence);
      const otherBranchThrows = negated ? containsThrow(consequence) : (alternative ? containsThrow(alternative) : restThrows && exits(consequence));
      if (!errorBranchThrows && otherBranchThrows) found = test.node;
      return !found;
    });
    return found;
  }

  // ---- reporting ------------------------------------------------------------------------------------

  private report(node: Node, shape: Shape, mode: BuildMode | undefined, param: string, site: WasmCallSite): void {
    // A `case 'text':` is named by its label, not its body.
    const shown = node.type === 'switch_case' ? `case ${node.childForFieldName('value')?.text ?? ''}:` : oneLineCode(node.text);
    const test = shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
    const where = `around wasm call \`${describeCall(site)}\``;
    let message: string;
    let severity: Severity | undefined;
    let fixes: (() => Fix[]) | undefined;
    switch (shape) {
      case 'instanceof-error':
        message = `\`${test}\` ${where} does not tell a domain error from a wasm failure: ${errorsAreErrors(mode)}`;
        fixes = () => this.instanceofErrorFixes(node);
        break;
      case 'message-text': {
        message = `\`${test}\` ${where} guesses the failure class from message text: trap texts differ per engine, RefCell texts changed across Rust versions and panic messages are free-form, so ${mode === 'abort' ? 'a panic (`WebAssembly.RuntimeError`)' : 'an abort'} can take the wrong branch`;
        severity = 'warning';
        const trapOnly = TRAP_WORDS.test(node.text) && !/borrowed|Borrow(?:Mut)?Error|RefCell|panicked|poison/i.test(node.text);
        // A `case` label is not an expression the fatal test can replace.
        if (trapOnly && node.type !== 'switch_case') fixes = () => this.replaceWithFatalTest(node, param);
        break;
      }
      case 'constructor-name':
        message = `\`${test}\` ${where} depends on class names that minifiers (esbuild, terser, Vite) rename; test the failure class, e.g. \`${CLASSIFY_FUNCTION}(${param})\``;
        fixes = () => this.constructorNameFixes(node, param);
        break;
      case 'instanceof-panic-error':
        message = `\`${test}\` ${where} never matches: the glue does not export \`PanicError\`, so a Rust panic is not an instance of any class you can import or declare; test \`${param}.name === 'PanicError'\``;
        fixes = () => this.panicErrorFixes(node);
        break;
      case 'runtime-error-only':
        message = `only \`WebAssembly.RuntimeError\` is treated as fatal ${where}: ${mode === 'unwind' ? 'in this panic=unwind build' : 'with the abort handler'} every call after an abort throws \`Error('Module terminated')\`${mode === 'abort+handler' ? ' (and JS errors crossing Rust arrive as `Critical error`)' : ''}, and stack overflow arrives as \`RangeError\`, which this handler takes for ordinary errors`;
        severity = 'warning';
        fixes = () => this.runtimeErrorFixes(node);
        break;
      case 'minifiable-name':
        message = `\`${test}\` ${where} relies on glue from wasm-bindgen < 0.2.127, which names \`PanicError\` after the class (\`value: PanicError.name\`): once a minifier renames the class the test stops matching; upgrade wasm-bindgen to 0.2.127 or later`;
        severity = 'warning';
        break;
    }
    const label = node.type === 'switch_case' ? node.childForFieldName('value') : null;
    this.ctx.report({
      ...(label ? { range: { start: node.startIndex, end: label.endIndex } } : { node }),
      message,
      severity,
      related: [{ path: this.ctx.path, range: { start: site.node.startIndex, end: site.node.endIndex }, message: 'the wasm call whose failures this handler sorts' }],
      fixes,
    });
  }

  // ---- fixes ----------------------------------------------------------------------------------------

  private styleOf(): SourceStyle {
    return (this.style ??= sourceStyleOf(this.ctx.text));
  }

  private classifierTitle(name: string, what: string): string {
    const { path } = classifierModulePath(this.ctx);
    const created = !this.ctx.workspace.fileExists(path);
    return `${what} (\`${name}\` ${created ? 'in a new' : 'imported from'} ${displayModulePath(this.ctx, path)})`;
  }

  private replace(node: Node, text: string): TextEdit {
    const parenthesized = node.parent?.type === 'parenthesized_expression' || node.parent?.type === 'if_statement';
    return { range: { start: node.startIndex, end: node.endIndex }, newText: parenthesized ? text : `(${text})` };
  }

  private abortConditions(subject: string): string {
    return abortGuard(subject, this.styleOf()).conditions.join(' || ');
  }

  /** `e instanceof Error` → `(e instanceof Error && isRecoverableWasmError(e))`, or the inline abort test. */
  private instanceofErrorFixes(node: Node): Fix[] {
    const subject = node.childForFieldName('left')?.text ?? 'e';
    return [
      {
        title: 'Treat the error as a domain error only when it is not a wasm abort (inline test)',
        safety: 'unsafe',
        edits: [this.replace(node, `${node.text} && !(${this.abortConditions(subject)})`)],
      },
      {
        title: this.classifierTitle(RECOVERABLE_CLASSIFIER, `Also require \`${RECOVERABLE_CLASSIFIER}(${subject})\``),
        safety: 'unsafe',
        edits: [this.replace(node, `${node.text} && ${RECOVERABLE_CLASSIFIER}(${subject})`), ...importClassifier(this.ctx, this.styleOf(), RECOVERABLE_CLASSIFIER).edits],
      },
    ];
  }

  /** A trap-text test → `isWasmFatal(e)` (the negation around it, if any, stays). */
  private replaceWithFatalTest(node: Node, param: string): Fix[] {
    return [
      {
        title: 'Test for a wasm abort by its class, not its message (inline test)',
        safety: 'unsafe',
        edits: [this.replace(node, this.abortConditions(param))],
      },
      {
        title: this.classifierTitle(FATAL_CLASSIFIER, `Replace with \`${FATAL_CLASSIFIER}(${param})\``),
        safety: 'unsafe',
        edits: [{ range: { start: node.startIndex, end: node.endIndex }, newText: `${FATAL_CLASSIFIER}(${param})` }, ...importClassifier(this.ctx, this.styleOf(), FATAL_CLASSIFIER).edits],
      },
    ];
  }

  /** `e.constructor.name === 'PanicError'` → `e.name === 'PanicError'`; `=== 'RuntimeError'` → `instanceof`. */
  private constructorNameFixes(node: Node, param: string): Fix[] {
    const comparison = node.parent;
    if (comparison?.type !== 'binary_expression') return [];
    const op = comparison.childForFieldName('operator')?.type ?? '';
    const other = [comparison.childForFieldName('left'), comparison.childForFieldName('right')].find((n) => n && n.id !== node.id);
    if (!EQUALITY.has(op) || !other || other.type !== 'string') return [];
    const subject = node.childForFieldName('object')?.childForFieldName('object')?.text ?? param;
    const negate = op.startsWith('!');
    const name = other.text.slice(1, -1);
    const q = this.styleOf().quote;
    let replacement: string | undefined;
    if (name === 'PanicError') replacement = `${subject} instanceof Error && ${subject}.name ${negate ? '!==' : '==='} ${q}PanicError${q}`;
    else if (name === 'RuntimeError') replacement = `${negate ? '!(' : ''}${subject} instanceof WebAssembly.RuntimeError${negate ? ')' : ''}`;
    if (!replacement) return [];
    if (negate && name === 'PanicError') replacement = `!(${subject} instanceof Error && ${subject}.name === ${q}PanicError${q})`;
    return [{ title: `Test the ${name === 'PanicError' ? '`name` wasm-bindgen gives `PanicError`' : 'class with `instanceof`'} instead of the constructor name`, safety: 'unsafe', edits: [this.replace(comparison, replacement)] }];
  }

  private panicErrorFixes(node: Node): Fix[] {
    const subject = node.childForFieldName('left')?.text ?? 'e';
    const q = this.styleOf().quote;
    return [{
      title: `Test \`${subject}.name === ${q}PanicError${q}\` (the glue's PanicError class is not exported)`,
      safety: 'unsafe',
      edits: [this.replace(node, `${subject} instanceof Error && ${subject}.name === ${q}PanicError${q}`)],
    }];
  }

  private runtimeErrorFixes(node: Node): Fix[] {
    const subject = node.childForFieldName('left')?.text ?? 'e';
    return [
      {
        title: 'Also treat `Module terminated`, `Critical error`, escaped exceptions and stack overflow as fatal (inline test)',
        safety: 'unsafe',
        edits: [this.replace(node, this.abortConditions(subject))],
      },
      {
        title: this.classifierTitle(FATAL_CLASSIFIER, `Replace with \`${FATAL_CLASSIFIER}(${subject})\``),
        safety: 'unsafe',
        edits: [{ range: { start: node.startIndex, end: node.endIndex }, newText: `${FATAL_CLASSIFIER}(${subject})` }, ...importClassifier(this.ctx, this.styleOf(), FATAL_CLASSIFIER).edits],
      },
    ];
  }
}

function errorsAreErrors(mode: BuildMode | undefined): string {
  switch (mode) {
    case 'abort':
      return 'in this panic=abort build a Rust panic arrives as `WebAssembly.RuntimeError`, also an `Error`, so it is handled as a domain error and the possibly corrupted instance is used again';
    case 'abort+handler':
      return '`WebAssembly.RuntimeError` and `Error(\'Module terminated\')` are `Error`s too, so aborts are handled as domain errors and every later call fails';
    case 'unwind':
      return '`PanicError`, `WebAssembly.RuntimeError` and `Error(\'Module terminated\')` are all `Error`s, so aborts are handled as domain errors and every later call throws `Module terminated`';
    default:
      return 'Rust panics and aborts arrive as `Error`s too (`WebAssembly.RuntimeError`, `PanicError`, `Module terminated`), so they are handled as domain errors';
  }
}

// ---- syntax helpers ---------------------------------------------------------------------------------

/** The caught error's name plus handler locals derived from it (`const msg = String(e)`, `const { message } = err`). */
function subjectNames(body: Node, param: string): Set<string> {
  const names = new Set([param]);
  walkTree(body, (node) => {
    if (node.type !== 'variable_declarator') return true;
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (!name || !value || !mentions(value, names)) return true;
    if (name.type === 'identifier') names.add(name.text);
    else if (name.type === 'object_pattern') {
      for (const p of name.namedChildren) {
        if (p.type === 'shorthand_property_identifier_pattern') names.add(p.text);
        else if (p.type === 'pair_pattern' && p.childForFieldName('value')?.type === 'identifier') names.add(p.childForFieldName('value')!.text);
      }
    }
    return true;
  });
  return names;
}

function mentions(node: Node, names: ReadonlySet<string>): boolean {
  if (node.type === 'identifier') return names.has(node.text);
  let found = false;
  walkTree(node, (n) => {
    if (found) return false;
    if ((n.type === 'identifier' || n.type === 'shorthand_property_identifier') && names.has(n.text)) found = true;
    return !found;
  });
  return found;
}

function instanceofErrorIn(condition: Node, subjects: ReadonlySet<string>): { node: Node } | undefined {
  let found: Node | undefined;
  walkTree(condition, (n) => {
    if (found) return false;
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.type === 'instanceof') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right')?.text.replace(/\s+/g, '');
      if (left && mentions(left, subjects) && (right === 'Error' || right === 'globalThis.Error')) found = n;
    }
    return !found;
  });
  return found ? { node: found } : undefined;
}

/**
 * The `instanceof Error` test is all the condition asks about the error: the other operands of its `&&`/`||`
 * chain do not look at the error (`e.message.startsWith('bad MAC')` narrows to a domain error: fine).
 */
function onlyDiscriminator(test: Node, condition: Node, subjects: ReadonlySet<string>): boolean {
  const operands: Node[] = [condition];
  while (operands.length > 0) {
    let n = operands.pop()!;
    while (n.type === 'parenthesized_expression' || (n.type === 'unary_expression' && n.child(0)?.type === '!')) {
      const inner = n.namedChild(n.type === 'unary_expression' ? 0 : 0);
      if (!inner) break;
      n = inner;
    }
    if (n.id === test.id) continue;
    const op = n.type === 'binary_expression' ? n.childForFieldName('operator')?.type : undefined;
    if (op === '&&' || op === '||') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l) operands.push(l);
      if (r) operands.push(r);
      continue;
    }
    if (mentions(n, subjects)) return false;
  }
  return true;
}

/** The test sits under a `!` within the condition. */
function isNegated(test: Node, condition: Node): boolean {
  let negations = 0;
  for (let p = test.parent; p && p.id !== condition.id; p = p.parent) {
    if (p.type === 'unary_expression' && p.child(0)?.type === '!') negations++;
  }
  return negations % 2 === 1;
}

function conditionOf(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'ternary_expression') return p.childForFieldName('condition') ?? undefined;
    if (p.type.endsWith('_statement') || FUNCTION_TYPES.has(p.type)) return undefined;
  }
  return undefined;
}

/**
 * `e instanceof RangeError && /call stack/i.test(e.message)`: the §A13 stack-overflow test, where the class
 * is checked first and the text only separates overflow from other RangeErrors.
 */
function guardedByOverflowClass(test: Node): boolean {
  let top = test;
  for (let p = test.parent; p; p = p.parent) {
    if (p.type === 'parenthesized_expression' || (p.type === 'binary_expression' && p.childForFieldName('operator')?.type === '&&')) top = p;
    else break;
  }
  return top.id !== test.id && /\bRangeError\b|InternalError/.test(top.text) && /^\/(?:call stack|too much recursion)\/\w*$/.test(test.childForFieldName('function')?.childForFieldName('object')?.text ?? '');
}

function containsThrow(node: Node): boolean {
  let found = false;
  walkTree(node, (n) => {
    if (found || FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'throw_statement') found = true;
    else if (n.type === 'call_expression' && /^(?:Promise\.)?reject$/.test(n.childForFieldName('function')?.text ?? '')) found = true;
    return !found;
  });
  return found;
}

/** The branch ends in `return`/`continue`/`break`/`throw` (it does not fall through to what follows the if). */
function exits(branch: Node): boolean {
  const last = branch.type === 'statement_block' ? branch.namedChildren.filter((c) => c.type !== 'comment').pop() : branch;
  return last !== undefined && ['return_statement', 'continue_statement', 'break_statement', 'throw_statement'].includes(last.type);
}

/** A `throw` (or `return Promise.reject(e)`, `reject(e)`) among the statements after `stmt` in its block. */
function followingStatementsThrow(stmt: Node): boolean {
  for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
    if (s.type === 'throw_statement') return true;
    if ((s.type === 'return_statement' || s.type === 'expression_statement') && containsThrow(s)) return true;
  }
  return false;
}

function firstParameterName(fn: Node): string | undefined {
  const single = fn.childForFieldName('parameter');
  if (single?.type === 'identifier') return single.text;
  const first = fn.childForFieldName('parameters')?.namedChildren[0];
  if (first?.type === 'identifier') return first.text;
  const pattern = first && (first.type === 'required_parameter' || first.type === 'optional_parameter') ? first.childForFieldName('pattern') : null;
  return pattern?.type === 'identifier' ? pattern.text : undefined;
}
