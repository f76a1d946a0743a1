// no-abort-recovery (catalog C04, failure-classification; crate level): a cdylib crate whose exports JS
// calls again and again registers no abort recovery — no `set_on_abort(..)`, no `schedule_reinit()`, no
// `__wbg_reset_state` in its build. Under panic=unwind and abort+handler a hard abort terminates the
// instance and every later call throws `Module terminated` for the life of the host; under plain
// panic=abort (reported only when the crate keeps state between calls) the instance keeps running on
// whatever the aborted call left behind.
//
// Precision heuristic (a library cannot see its host): only `crate-type` cdylib crates with at least one
// non-start export; crates built on workers-rs (`worker` registers the handler in its own start
// function) and crates that wire any recovery are left alone; one finding per crate, anchored on the
// start function when there is one (the fix edits it), else on the first item of the crate's root file.
// Documented in docs/rules/no-abort-recovery.md; cases in test-fixtures/rust/no-abort-recovery.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, TextRange } from '../../model';
import { functionItemAt, indentationAt } from '../../rust/index';
import { isTestPath } from '../../rust/test-code';
import { isWithin } from '../../text/paths';
import { wasmBindgenVersionAtLeast } from '../../workspace/crate-config';
import { buildModeLocation, crateAnchorRange, crateManifest, crateRootFile, crateTypes, dependsOn } from '../../workspace/crate-project';
import type { CrateIndex, CrateInfo, RustExport } from '../../workspace/types';

export default defineRule({
  id: 'no-abort-recovery',
  catalogId: 'C04',
  family: 'failure-classification',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'a cdylib crate with exports registers no abort recovery, so a long-lived host keeps calling a dead or corrupted instance',
  fix: 'unsafe',
  docs: 'docs/rules/no-abort-recovery.md',
  nodeTypes: ['source_file'],
  // Text gate (Rule.textGate): the finding is shown in the file of the first `#[wasm_bindgen(start)]` function, else in the crate's root file.
  textGate: ['wasm_bindgen'],
  alsoInCrateRoot: true,
  visit(root: Node, ctx: RuleContext) {
    const crate = ctx.crate;
    const index = ctx.rust;
    if (!crate || !index || !crate.usesWasmBindgen) return;
    const starts = [...index.startFunctions].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.range.start - b.range.start));
    const anchorPath = starts[0]?.path ?? crateRootFile(ctx.workspace, crate, index);
    if (anchorPath !== ctx.path) return;

    // Recovery of any kind is wired (misplaced handlers are abort-handler-misconfigured's business).
    if (index.setOnAbortCalls.length > 0 || index.usesScheduleReinit || crate.buildEvidence?.resetStateFunction) return;
    const manifest = crateManifest(ctx.workspace, crate);
    if (!crateTypes(manifest).includes('cdylib')) return;
    if (dependsOn(manifest, 'worker')) return;
    const exports = index.exports.filter((e) => !e.isStart);
    if (exports.length === 0) return;

    const state = stateDescription(index, crate);
    if (crate.buildMode === 'abort' && (!state || isDemoOrTestCrate(ctx, crate) || isUiApp(ctx, starts))) return;
    const start = starts[0];
    const range: TextRange = start ? start.nameRange : crateAnchorRange(root, ctx.text);
    const versionOk = wasmBindgenVersionAtLeast(crate, '0.2.118');
    // A plain panic=abort build also needs `--force-enable-abort-handler`, which arrived in 0.2.125.
    const abortHandlerVersionOk = wasmBindgenVersionAtLeast(crate, '0.2.125');
    ctx.report({
      range,
      message: message(crate, exports, state, versionOk, abortHandlerVersionOk),
      severity: crate.buildMode === 'abort' ? 'info' : undefined,
      related: [buildModeLocation(ctx.workspace, crate)],
      fixes: versionOk ? () => fixes(root, ctx, start) : undefined,
    });
  },
});

/**
 * Examples, benchmarks and test harnesses (a path segment such as `examples/`, `benches/`, `tests/`,
 * `*-tests`): under plain panic=abort, where the advice means changing the build, they are not the
 * long-lived hosts this rule is about.
 */
function isDemoOrTestCrate(ctx: RuleContext, crate: CrateInfo): boolean {
  // Only the part of the path inside the workspace folder (or the Cargo workspace) speaks about the crate.
  const base = ctx.workspace.roots.find((r) => isWithin(r, crate.root)) ?? crate.workspaceRoot ?? crate.root;
  const rel = crate.root.slice(base.length);
  return rel.split('/').some((segment) => /^(?:examples?|benches|benchmarks?|tests?|fixtures?|demos?)$|[-_](?:tests?|examples?|demo|bench)$/.test(segment));
}

/**
 * A start function that builds a UI (touches the DOM, mounts an app): a browser app, where a reinit would
 * re-run the UI set-up and reloading the page is the usual recovery. Judged only under plain panic=abort.
 */
function isUiApp(ctx: RuleContext, starts: readonly RustExport[]): boolean {
  return starts.some((start) => {
    const text = start.path === ctx.path ? ctx.text : ctx.workspace.fileText(start.path);
    const body = text?.slice(start.range.start, start.range.end) ?? '';
    return /\b(?:window|document|mount_to_body|mount_to|append_child|request_animation_frame|create_element|get_element_by_id)\s*\(/.test(body);
  });
}

/** Interior mutability a `static` needs to change after it is initialised. */
const MUTABLE_CELL = /\b(?:RefCell|Cell|UnsafeCell|OnceCell|Mutex|RwLock|Atomic\w*|ReentrantMutex)\b/;

/**
 * The state a poisoned instance carries from call to call: globals and exported objects. A `static` or
 * lazy constant of a type without interior mutability (a `LazyLock<Regex>`) never changes after its
 * initialiser, and statics of test files are not in the module.
 */
function stateDescription(index: CrateIndex, crate: CrateInfo): string | undefined {
  const globals = [...index.stateRoots.values()]
    .filter((r) => r.kind !== 'struct_field' && !isTestPath(r.path, crate.root))
    .filter((r) => r.kind === 'static mut' || MUTABLE_CELL.test(r.type) || MUTABLE_CELL.test(r.init ?? ''))
    .map((r) => `\`${r.name}\``);
  // Classes whose methods change them (`&mut self`) first: they carry state from call to call; plain data
  // classes (constructors and getters) come last.
  const mutated = new Set(index.exports.filter((e) => e.receiver === '&mut self' && e.implType).map((e) => e.implType!));
  // A class JS can hold an object of: a constructor, a method with a receiver, or an export returning it.
  // One with only static methods (a namespace) never has an instance.
  const held = new Set<string>();
  for (const e of index.exports) {
    if (e.implType && (e.isConstructor || e.receiver !== 'none')) held.add(e.implType);
    for (const name of e.returnType?.match(/[A-Za-z_]\w*/g) ?? []) held.add(name);
  }
  const objects = [...index.structs.values()]
    .filter((s) => held.has(s.name))
    .sort((a, b) => Number(mutated.has(b.name)) - Number(mutated.has(a.name)))
    .map((s) => `\`${s.jsName}\``);
  const parts: string[] = [];
  if (globals.length > 0) parts.push(listed(globals, 'global'));
  if (objects.length > 0) parts.push(`objects of ${listed(objects, 'class')}`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

function listed(names: readonly string[], noun: string): string {
  if (names.length <= 2) return names.join(' and ');
  return `${names[0]}, ${names[1]} and ${names.length - 2} more ${noun}${names.length - 2 > 1 ? (noun.endsWith('s') ? 'es' : 's') : ''}`;
}

function message(crate: CrateInfo, exports: readonly RustExport[], state: string | undefined, versionOk: boolean, abortHandlerVersionOk: boolean): string {
  const shown = exports.find((e) => !e.isConstructor) ?? exports[0];
  const calls = exports.length > 1 ? `\`${callName(shown)}\` and the other exports` : `\`${callName(shown)}\``;
  const register = 'register `wasm_bindgen::handler::set_on_abort(on_abort)` in a `#[wasm_bindgen(start)]` function, with `on_abort` calling `schedule_reinit()`';
  const version = versionOk ? '' : ` (needs wasm-bindgen ≥ 0.2.118; the crate uses ${crate.wasmBindgenVersion})`;
  switch (crate.buildMode) {
    case 'unwind':
      return `crate \`${crate.name}\` builds with panic=unwind (${crate.buildModeReason}) but has no abort recovery: after a hard abort ` +
        `(out of memory, stack overflow, a panic in \`Drop\` or while panicking) every later call to ${calls} throws ` +
        `\`Error('Module terminated')\` for as long as the host lives; ${register}${version}`;
    case 'abort+handler':
      return `crate \`${crate.name}\` builds with the abort handler enabled (${crate.buildModeReason}) but registers none: after any ` +
        `panic or trap every later call to ${calls} throws \`Error('Module terminated')\` for as long as the host lives; ${register}${version}`;
    default:
      return `crate \`${crate.name}\` builds with panic=abort (${crate.buildModeReason}) and has no abort recovery: after a panic or trap ` +
        `(\`RuntimeError\`) the host keeps calling ${calls} on the same instance, whose state (${state}) stays as the failed call left it ` +
        `(leaked borrows, half-written data); pass \`--force-enable-abort-handler\` to wasm-bindgen (≥ 0.2.125) and ${register}` +
        // One version to upgrade to: the flag's (0.2.125) covers `schedule_reinit` (0.2.118).
        (abortHandlerVersionOk ? '' : ` (the crate uses wasm-bindgen ${crate.wasmBindgenVersion})`);
  }
}

function callName(e: RustExport): string {
  return e.jsClass && e.implType ? `${e.jsClass}.${e.jsName}()` : `${e.jsName}()`;
}

// ---- fix -------------------------------------------------------------------------------------------

function fixes(root: Node, ctx: RuleContext, start: RustExport | undefined): Fix[] {
  const text = ctx.text;
  const handler = freshName(text, ['on_abort', 'on_wasm_abort', 'wasm_safety_on_abort']);
  if (!handler) return [];
  const handlerFn = `/// Runs once when the instance aborts: the next export call gets a fresh instance.\n` +
    `fn ${handler}() {\n    wasm_bindgen::handler::schedule_reinit();\n}\n`;
  if (start) {
    const fn = functionItemAt(root, start.range);
    const body = fn?.childForFieldName('body');
    if (!fn || !body || body.type !== 'block') return [];
    const indent = `${indentationAt(text, fn.startIndex)}    `;
    return [{
      title: `Register an abort handler that schedules a reinit in \`${start.name}\``,
      safety: 'unsafe',
      edits: [
        { range: { start: body.startIndex + 1, end: body.startIndex + 1 }, newText: `\n${indent}wasm_bindgen::handler::set_on_abort(${handler});` },
        { range: { start: fn.endIndex, end: fn.endIndex }, newText: `\n\n${indentLines(handlerFn, indentationAt(text, fn.startIndex)).trimEnd()}` },
      ],
    }];
  }
  const startName = freshName(text, ['start', 'wasm_start', 'wasm_safety_start']);
  if (!startName) return [];
  const attribute = /\buse\s+wasm_bindgen::prelude::(?:\*|wasm_bindgen\b|\{[^}]*\bwasm_bindgen\b)/.test(text)
    ? '#[wasm_bindgen(start)]' : '#[wasm_bindgen::prelude::wasm_bindgen(start)]';
  const lead = text.length === 0 || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return [{
    title: 'Add a start function that registers an abort handler scheduling a reinit',
    safety: 'unsafe',
    edits: [{
      range: { start: text.length, end: text.length },
      newText: `${lead}${attribute}\nfn ${startName}() {\n    wasm_bindgen::handler::set_on_abort(${handler});\n}\n\n${handlerFn}`,
    }],
  }];
}

function freshName(text: string, candidates: readonly string[]): string | undefined {
  return candidates.find((name) => !new RegExp(`\\b(fn|static|const)\\s+${name}\\b`).test(text));
}

function indentLines(block: string, indent: string): string {
  return block.split('\n').map((l) => (l ? indent + l : l)).join('\n');
}
