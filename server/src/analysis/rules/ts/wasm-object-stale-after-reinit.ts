// wasm-object-stale-after-reinit (catalog C06, TS side): a wasm object kept at module level — a top-level
// `const engine = new Engine()`, or a module-level variable a lazy getter fills once (`engine ??= new
// Engine()`) — in a program whose wasm instance is re-created after an abort (the producing crate calls
// `schedule_reinit()`, is built with `--experimental-reset-state-function`, or the glue carries the reinit
// machinery). After the reinit the object belongs to the old instance: every method call throws
// `Error('Invalid stale object from previous Wasm instance')`, for the rest of the module's life.
//
// Not reported: objects created per call; files that compare an instance generation (`instanceId`,
// `__wbg_instance_id`, `instance_generation` …, the workers-rs shim pattern) or handle the stale-object
// error; test files; glue whose crate does not reinitialise.
// Documented in docs/rules/wasm-object-stale-after-reinit.md; cases in test-fixtures/ts/wasm-object-stale-after-reinit.ts.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { RelatedLocation } from '../../model';
import { producingCrate, TEST_FILE } from '../../ts/failure-context';
import { glueHasReinit } from '../../ts/reinit-glue';
import { FUNCTION_SCOPE_TYPES, WasmCallFacts } from '../../ts/wasm-calls';
import { settingRange } from '../../workspace/crate-project';

const GENERATION_CHECK = /\b(?:instance_?[Ii]d|instanceId|instance_?[Gg]eneration|instanceGeneration|__wbg_instance_id|wasmGeneration)\b|Invalid stale object/;
const DECLARATIONS = new Set(['lexical_declaration', 'variable_declaration']);

interface FileState {
  readonly facts: WasmCallFacts;
  /** Names declared at the top level of the module. */
  readonly topLevel: Set<string>;
  readonly skip: boolean;
  readonly reinitByModule: Map<string, Reinit | null>;
}

interface Reinit {
  readonly crateName: string;
  readonly how: string;
  readonly related?: RelatedLocation;
}

const states = new WeakMap<RuleContext, FileState>();

export default defineRule({
  id: 'wasm-object-stale-after-reinit',
  catalogId: 'C06',
  family: 'failure-classification',
  side: 'ts',
  defaultSeverity: 'warning',
  summary: 'wasm object cached at module level outlives an abort reinit and throws \'Invalid stale object\'',
  fix: 'none',
  docs: 'docs/rules/wasm-object-stale-after-reinit.md',
  nodeTypes: ['program', 'assignment_expression', 'augmented_assignment_expression', 'public_field_definition', 'field_definition'],
  visit(node: Node, ctx: RuleContext) {
    if (node.type === 'program') {
      const state: FileState = {
        facts: new WasmCallFacts(ctx),
        topLevel: new Set(),
        skip: TEST_FILE.test(ctx.path) || GENERATION_CHECK.test(withoutComments(ctx.text)),
        reinitByModule: new Map(),
      };
      states.set(ctx, state);
      if (!state.facts.active || state.skip) return;
      for (const declarator of topLevelDeclarators(node)) {
        const name = declarator.childForFieldName('name');
        if (name?.type !== 'identifier') continue;
        state.topLevel.add(name.text);
        const value = declarator.childForFieldName('value');
        if (value) check(ctx, state, name.text, value, 'module load');
      }
      return;
    }
    const state = states.get(ctx);
    if (!state || !state.facts.active || state.skip) return;
    if (node.type === 'public_field_definition' || node.type === 'field_definition') {
      // `static engine = new Engine()`: created when the class is, kept as long as the module.
      const name = node.childForFieldName('name') ?? node.childForFieldName('property');
      const value = node.childForFieldName('value');
      if (!name || !value || !node.children.some((c) => c.type === 'static')) return;
      const className = node.parent?.parent?.childForFieldName('name')?.text;
      check(ctx, state, className ? `${className}.${name.text}` : name.text, value, 'module load');
      return;
    }
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || !state.topLevel.has(left.text)) return;
    if (shadowedLocally(node, left.text)) return;
    check(ctx, state, left.text, right, 'first use');
  },
});

function topLevelDeclarators(program: Node): Node[] {
  const out: Node[] = [];
  for (const child of program.namedChildren) {
    const decl = child.type === 'export_statement' ? child.childForFieldName('declaration') ?? child.namedChildren.find((c) => DECLARATIONS.has(c.type)) : child;
    if (!decl || !DECLARATIONS.has(decl.type)) continue;
    for (const d of decl.namedChildren) if (d.type === 'variable_declarator') out.push(d);
  }
  return out;
}

/** A `let`/`const`/`var` of the same name in a function around the assignment (a local, not the module's). */
function shadowedLocally(node: Node, name: string): boolean {
  const declared = new RegExp(`\\b(?:let|const|var)\\s+${name.replace(/\$/g, '\\$')}\\b`);
  for (let n = node.parent; n; n = n.parent) {
    if (FUNCTION_SCOPE_TYPES.has(n.type)) {
      const params = n.childForFieldName('parameters')?.text ?? n.childForFieldName('parameter')?.text ?? '';
      if (declared.test(n.childForFieldName('body')?.text ?? '') || new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(params)) return true;
    }
  }
  return false;
}

function check(ctx: RuleContext, state: FileState, name: string, value: Node, when: 'module load' | 'first use'): void {
  const created = state.facts.createdInstanceClass(value);
  if (!created) return;
  const reinit = reinitOf(ctx, state, created.modulePath);
  if (!reinit) return;
  // `an \`Editor\``, `a \`Parser\``: by the class name's first letter (a vowel letter, as most class names read).
  const a = /^[AEIOU]/i.test(created.className) ? 'an' : 'a';
  const kept = when === 'module load'
    ? `\`${name}\` keeps ${a} \`${created.className}\` created at module load`
    : `\`${name}\` caches ${a} \`${created.className}\` at module level for the rest of the program`;
  ctx.report({
    node: value,
    message: `${kept}, but \`${reinit.crateName}\` re-creates its wasm instance after an abort (${reinit.how}): from then on every call on ` +
      'this object throws `Error(\'Invalid stale object from previous Wasm instance\')` — create it where it is used, or re-create it ' +
      'when the instance changes (compare an instance generation the start function bumps)',
    related: reinit.related ? [reinit.related] : [],
  });
}

function reinitOf(ctx: RuleContext, state: FileState, modulePath: string): Reinit | undefined {
  const cached = state.reinitByModule.get(modulePath);
  if (cached !== undefined) return cached ?? undefined;
  let found: Reinit | undefined;
  const crate = producingCrate(ctx, modulePath);
  const crateName = crate?.name ?? modulePath.slice(modulePath.lastIndexOf('/') + 1);
  const index = crate ? ctx.workspace.crateIndex(crate.root) : undefined;
  const reset = crate?.buildEvidence?.resetStateFunction;
  if (index?.usesScheduleReinit) {
    const call = index.setOnAbortCalls[0];
    found = {
      crateName, how: 'it calls `schedule_reinit()`',
      related: call ? { path: call.path, range: call.range, message: 'the abort handler that schedules the reinit is registered here' } : undefined,
    };
  } else if (reset) {
    found = {
      crateName, how: `built with ${reset.text} in ${reset.where}`,
      related: { path: reset.path, range: settingRange(ctx.workspace, reset), message: 'the build that emits the reinit machinery' },
    };
  } else if (glueHasReinit(ctx.workspace, modulePath)) {
    found = { crateName, how: 'its glue carries the reinit machinery', related: { path: modulePath, range: { start: 0, end: 0 }, message: 'the glue with `__wbg_reset_state`' } };
  }
  state.reinitByModule.set(modulePath, found ?? null);
  return found;
}

/** The text with `//` and `/* */` comments blanked (approximate: a `//` inside a string also ends the scan of that line). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:])\/\/.*$/gm, '$1');
}
