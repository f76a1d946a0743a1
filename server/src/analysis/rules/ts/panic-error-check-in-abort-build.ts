// panic-error-check-in-abort-build (catalog C09, TS side): code that tells failures apart by
// `e.name === 'PanicError'` (or `case 'PanicError':` of `switch (e.name)`) in a file whose wasm modules
// all come from crates built with panic=abort. `PanicError` exists only in panic=unwind glue; in abort
// builds a panic arrives as `WebAssembly.RuntimeError` (then `Module terminated` with the abort
// handler), so the branch never runs and the code's idea of "recoverable panic" is wrong.
//
// Not reported: handlers that also test `RuntimeError`/`WebAssembly.Exception`/`'Module terminated'` or
// call a configured classifier (a complete classification, like the catalog's A13 module); files whose
// glue's build mode is unknown or unwind; `instanceof PanicError` (catch-misclassifies reports it in any
// build), nor `.constructor.name` comparisons (same). Documented in docs/rules/panic-error-check-in-abort-build.md.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import { buildModeOfModule, producingCrate, TEST_FILE } from '../../ts/failure-context';
import { walkTree } from '../../parsing/walk';
import { FUNCTION_SCOPE_TYPES } from '../../ts/wasm-calls';
import { buildModeLocation } from '../../workspace/crate-project';
import type { BuildMode, CrateInfo } from '../../workspace/types';

const EQUALITY = new Set(['===', '==', '!==', '!=']);
const OTHER_CLASSES = /Module terminated|Critical error/;

export default defineRule({
  id: 'panic-error-check-in-abort-build',
  catalogId: 'C09',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'warning',
  summary: 'code tests for `PanicError` but the crate builds with panic=abort, where panics arrive as `RuntimeError`',
  fix: 'none',
  docs: 'docs/rules/panic-error-check-in-abort-build.md',
  // `'PanicError'`, and a template without substitutions (`` `PanicError` ``).
  nodeTypes: ['string', 'template_string'],
  visit(node: Node, ctx: RuleContext) {
    if (node.text.slice(1, -1) !== 'PanicError') return;
    const bindings = [...(ctx.ts?.bindings.values() ?? [])];
    if (bindings.length === 0 || TEST_FILE.test(ctx.path)) return;
    if (!isNameTest(node)) return;
    // Every wasm module the file uses must be known to build without unwinding.
    let mode: BuildMode | undefined;
    let crate: CrateInfo | undefined;
    for (const b of bindings) {
      const m = buildModeOfModule(ctx, b.modulePath);
      if (m === undefined || m === 'unwind') return;
      if (mode === undefined || m === 'abort') mode = m;
      crate ??= producingCrate(ctx, b.modulePath);
    }
    if (!mode) return;
    const scope = enclosingScope(node);
    if (scope && handlesOtherClasses(scope, new Set(ctx.settings.classifierNames))) return;
    const where = crate ? ` (${crate.buildModeReason})` : '';
    const who = crate ? `\`${crate.name}\`` : 'the wasm module';
    const next = mode === 'abort+handler'
      ? 'a Rust panic arrives as `WebAssembly.RuntimeError` and every later call throws `Error(\'Module terminated\')`'
      : 'a Rust panic arrives as `WebAssembly.RuntimeError` and later calls keep running on possibly corrupted memory';
    ctx.report({
      node,
      message: `no failure is ever named \`PanicError\` here: ${who} builds with ${mode === 'abort+handler' ? 'panic=abort and the abort handler' : 'panic=abort'}${where}, ` +
        `so ${next}; this test never matches — treat \`WebAssembly.RuntimeError\` as fatal (\`classifyWasmError\`), or build with panic=unwind`,
      related: crate ? [buildModeLocation(ctx.workspace, crate)] : [],
    });
  },
});

/** `x.name === 'PanicError'` (not `.constructor.name`), `case 'PanicError':` of `switch (x.name)`. */
function isNameTest(str: Node): boolean {
  const parent = str.parent;
  if (!parent) return false;
  if (parent.type === 'binary_expression') {
    const op = parent.childForFieldName('operator')?.text ?? '';
    if (!EQUALITY.has(op)) return false;
    const left = parent.childForFieldName('left');
    const other = left && left.id === str.id ? parent.childForFieldName('right') : left;
    const text = other?.text.replace(/\s+/g, '').replace(/\?\./g, '.') ?? '';
    // `.constructor.name` is never safe in any build: catch-misclassifies' finding.
    return /\.name$/.test(text) && !/\.constructor\.name$/.test(text);
  }
  if (parent.type === 'switch_case') {
    const statement = parent.parent?.parent;
    const discriminant = statement?.type === 'switch_statement' ? statement.childForFieldName('value') : null;
    return discriminant !== null && discriminant !== undefined && /\.name\)?$/.test(discriminant.text.replace(/\s+/g, '').replace(/\?\./g, '.'));
  }
  return false;
}

/** The catch clause, or else the function, the test sits in. */
function enclosingScope(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'catch_clause' || FUNCTION_SCOPE_TYPES.has(n.type)) return n;
  }
  return undefined;
}

/** The scope also tests for aborts (`RuntimeError`, `WebAssembly.Exception`, `'Module terminated'` …) or calls a classifier (comments do not count). */
function handlesOtherClasses(scope: Node, classifiers: ReadonlySet<string>): boolean {
  let found = false;
  walkTree(scope, (n) => {
    if (found) return false;
    switch (n.type) {
      case 'comment':
        return false;
      case 'identifier':
      case 'property_identifier':
        if (n.text === 'RuntimeError' || n.text === 'Exception' || classifiers.has(n.text)) found = true;
        break;
      case 'string_fragment':
        if (OTHER_CLASSES.test(n.text)) found = true;
        break;
    }
    return !found;
  });
  return found;
}
