// state-lost-or-stale-after-reinit (catalog C06, Rust side): in a crate whose instance is re-created after
// an abort (`schedule_reinit()` anywhere in the crate, or a build with `--experimental-reset-state-function`
// / worker-build), a reinit resets every static to its initial value and re-runs only the
// `#[wasm_bindgen(start)]` function. Two things JS did once are then silently gone:
//   (a) configuration a setter export stored in a static (`set_locale`, `init_logger`, `configure` …) and
//       the start function does not restore — later calls run with the default;
//   (b) closures an export handed to JS for good (`.forget()`, `.into_js_value()`) — JS keeps calling the
//       old one, which throws `Cannot invoke closure from previous WASM instance`, and nothing registers a
//       replacement.
// Precision: (a) needs a configuration-like export name and a write to a static/thread_local/lazy_static
// that no start function mentions; (b) a `Closure` in the same function. The TS side (objects cached
// across a reinit) is wasm-object-stale-after-reinit.
// Documented in docs/rules/state-lost-or-stale-after-reinit.md; cases in test-fixtures/rust/state-lost-or-stale-after-reinit.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { RelatedLocation } from '../../model';
import {
  asMethodCall, exportOfFunction, mentionsWord, mutationsIn, runsSynchronouslyWithin, rustEnv, stateResolverFor, unitBody, type RustEnv,
} from '../../rust/index';
import { settingRange } from '../../workspace/crate-project';
import type { RustExport } from '../../workspace/types';

/** Names of exports JS calls once to configure the module. */
const CONFIG_NAME = /^(?:set|init|initialize|initialise|configure|config|register|install|setup|set_up|enable|disable|use|load_config|apply_config|with)(?:_|$|[A-Z])/;
const GLOBAL_KINDS = new Set(['static', 'static mut', 'thread_local', 'lazy_static']);

export default defineRule({
  id: 'state-lost-or-stale-after-reinit',
  catalogId: 'C06',
  family: 'failure-classification',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'state configured from JS outside the start function is silently reset by an abort reinit',
  fix: 'none',
  docs: 'docs/rules/state-lost-or-stale-after-reinit.md',
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): only exports of this file are judged: an export is recognised from its own attributes (`wasm_bindgen`, `#[event]`, `durable_object`: rust-summary.ts, units.ts).
  textGate: ['wasm_bindgen', 'event', 'durable_object'],
  visit(node: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    const reinit = reinitSource(ctx, env);
    if (!reinit) return;
    const exp = exportOfFunction(node, env);
    if (!exp || exp.isStart || env.tests.isTestCode(node)) return;
    const body = unitBody(node);
    if (!body) return;
    checkConfiguration(ctx, env, node, body, exp, reinit);
    checkForgottenClosures(ctx, node, body, exp, reinit);
  },
});

interface ReinitSource {
  /** "calls `schedule_reinit()`" / "is built with `--experimental-reset-state-function` (package.json script `build`)". */
  readonly text: string;
  readonly related?: RelatedLocation;
}

function reinitSource(ctx: RuleContext, env: RustEnv): ReinitSource | undefined {
  const crate = ctx.crate;
  const reset = crate?.buildEvidence?.resetStateFunction;
  if (env.index?.usesScheduleReinit) {
    const call = env.index.setOnAbortCalls[0];
    return {
      text: 'calls `schedule_reinit()` after an abort',
      related: call ? { path: call.path, range: call.range, message: 'the abort handler that schedules the reinit is registered here' } : undefined,
    };
  }
  if (reset && crate) {
    return {
      text: `is built with ${reset.text} (${reset.where}), so the host can reset it with \`__wbg_reset_state()\``,
      related: { path: reset.path, range: settingRange(ctx.workspace, reset), message: 'the build that emits the reinit machinery' },
    };
  }
  return undefined;
}

/** (a) a configuration export writes a static that no start function restores. */
function checkConfiguration(ctx: RuleContext, env: RustEnv, fn: Node, body: Node, exp: RustExport, reinit: ReinitSource): void {
  if (!CONFIG_NAME.test(exp.name) && !CONFIG_NAME.test(exp.jsName)) return;
  if (exp.receiver !== 'none') return; // methods configure their object, which a reinit makes stale anyway
  const resolver = stateResolverFor(env, body);
  if (!resolver) return;
  // `register_handler` / `install_plugin` filling a registry configure the module as much as a setter does.
  const registers = REGISTRY_NAME.test(exp.name) || REGISTRY_NAME.test(exp.jsName);
  const mutation = mutationsIn(env.facts(fn), body.startIndex, body.endIndex, resolver)
    .find((m) => GLOBAL_KINDS.has(m.origin.kind) && (!isCollectionUpdate(m.node) || (registers && isRegistryAddition(m.node))) && runsSynchronouslyWithin(m.node, fn)
      && !restoredAtStart(ctx, env, m.origin.name));
  if (!mutation) return;
  const state = `\`${mutation.origin.name}\``;
  const related: RelatedLocation[] = [];
  if (mutation.origin.declaration) related.push({ ...mutation.origin.declaration, message: `${state} is reset to its initializer by a reinit` });
  if (reinit.related) related.push(reinit.related);
  ctx.report({
    node: mutation.node,
    message: `\`${exp.jsName}()\` stores what JS configures in ${state}, but this crate ${reinit.text}: a reinit resets every static and ` +
      `re-runs only the \`#[wasm_bindgen(start)]\` function, so afterwards calls silently run with the initial ${state} until JS calls ` +
      `\`${exp.jsName}()\` again — restore it in the start function, or have JS re-apply it when the instance is re-created`,
    related,
  });
}

/**
 * Adding to or removing from a collection (`STORE.items.insert(..)`) is data the module accumulates, not
 * configuration: a reinit loses it too, but no start function could restore it, and a name such as
 * `set_item` says nothing about configuration. Only writes that replace a value count — and additions by
 * an export whose name says it registers something (`register_handler`, `install_plugin`).
 */
const COLLECTION_METHODS = new Set([
  'push', 'push_back', 'push_front', 'push_str', 'insert', 'insert_str', 'remove', 'swap_remove', 'clear', 'extend',
  'extend_from_slice', 'append', 'truncate', 'retain', 'retain_mut', 'pop', 'pop_back', 'pop_front', 'drain', 'entry',
  'or_insert', 'or_insert_with', 'or_insert_with_key', 'or_default', 'and_modify', 'dedup', 'resize',
]);

/** Export names that fill a registry: a reinit loses what they added as surely as a replaced setting. */
const REGISTRY_NAME = /^(?:register|install|setup|set_up|configure|config|init|initialize|initialise|use|add_\w*(?:handler|listener|plugin|hook))(?:_|$|[A-Z])/;
const REGISTRY_ADDITIONS = new Set(['push', 'push_back', 'push_front', 'insert', 'extend', 'append', 'entry', 'or_insert', 'or_insert_with']);

function isRegistryAddition(node: Node): boolean {
  const method = node.type === 'call_expression' ? asMethodCall(node)?.method : undefined;
  return method !== undefined && REGISTRY_ADDITIONS.has(method);
}

function isCollectionUpdate(node: Node): boolean {
  if (node.type !== 'call_expression') return false;
  const method = asMethodCall(node)?.method;
  return method !== undefined && COLLECTION_METHODS.has(method);
}

/** Whether some start function mentions the static (it re-applies or re-derives it on every (re)initialisation). */
function restoredAtStart(ctx: RuleContext, env: RustEnv, name: string): boolean {
  for (const start of env.index?.startFunctions ?? []) {
    const text = start.path === env.path ? env.text : ctx.workspace.fileText(start.path);
    if (text !== undefined && mentionsWord(text.slice(start.range.start, start.range.end), name)) return true;
  }
  return false;
}

/** (b) `.forget()` / `.into_js_value()` on a `Closure` in an export other than the start function. */
function checkForgottenClosures(ctx: RuleContext, fn: Node, body: Node, exp: RustExport, reinit: ReinitSource): void {
  if (!/\bClosure\s*::/.test(body.text)) return;
  const calls = body.descendantsOfType('call_expression');
  for (const call of calls) {
    const m = call ? asMethodCall(call) : undefined;
    if (!m || (m.method !== 'forget' && m.method !== 'into_js_value') || m.args.length > 0) continue;
    if (!runsSynchronouslyWithin(call!, fn)) continue;
    const ctor = closureConstructor(m.receiver, body);
    // `Closure::once(..)`: JS calls it at most once (a timeout, a promise callback) and each call of the
    // export registers a fresh one, so there is no long-lived listener for a reinit to strand.
    if (ctor === undefined || /^once/.test(ctor)) continue;
    ctx.report({
      node: call!,
      message: `\`${exp.jsName}()\` hands JS a closure for good (\`.${m.method}()\`), and this crate ${reinit.text}: after a reinit JS still ` +
        'holds the old closure, every call of it throws `Error(\'Cannot invoke closure from previous WASM instance\')`, and nothing registers ' +
        'a replacement — register it from the `#[wasm_bindgen(start)]` function (which a reinit re-runs) and keep the `Closure` so it can be removed',
      related: reinit.related ? [reinit.related] : [],
    });
    return;
  }
}

/**
 * The constructor (`new`, `wrap`, `once` …) when the receiver is a `Closure::…(..)` expression or a local
 * bound to one in the same body; `''` when the local's constructor is not visible; undefined for anything else.
 */
function closureConstructor(receiver: Node, body: Node): string | undefined {
  const direct = /^Closure\s*(?:::\s*<[^]*?>)?\s*::\s*(\w+)/.exec(receiver.text);
  if (direct) return direct[1];
  if (receiver.type !== 'identifier') return undefined;
  const binding = new RegExp(`\\blet\\s+(?:mut\\s+)?${receiver.text}\\s*(?::[^=]*)?=\\s*Closure\\b(?:\\s*::\\s*<[^;]*?>\\s*::\\s*(\\w+)|\\s*::\\s*(\\w+))?`);
  const m = binding.exec(body.text);
  return m ? m[1] ?? m[2] ?? '' : undefined;
}
