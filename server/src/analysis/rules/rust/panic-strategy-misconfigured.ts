// panic-strategy-misconfigured (catalog C09, failure-classification; crate level): the crate's build
// configuration does not give the panic behaviour its code and wasm-bindgen version assume. Read from the
// §A11 evidence crate-config records, for cdylib crates and crates whose build command is known:
//   1. `default-features = false` on wasm-bindgen while the build asks for panic=unwind: no `std`, so
//      `maybe_catch_unwind` is a no-op and every panic escapes and terminates the instance (no PanicError);
//   2. `RUSTFLAGS=`/`CARGO_ENCODED_RUSTFLAGS=` in the build script discards the `-Cpanic=unwind` of
//      `.cargo/config.toml`: the crate silently builds with panic=abort;
//   3. panic=unwind requested without `-Zbuild-std=std,panic_unwind`: the prebuilt wasm32 std is
//      compiled with panic=abort, so the setting cannot take effect (cargo refuses to link, wasm-pack#645);
//   4. a wasm-bindgen older than what the crate relies on (§A1 gates): unwind before 0.2.127 (escaping
//      panics leak shadow-stack frames #5245, minifiable `PanicError` name #5260), `set_on_abort` before
//      0.2.115, `schedule_reinit` before 0.2.118, `--force-enable-abort-handler` before 0.2.125. Judged only
//      on a locked (Cargo.lock) or `=`-pinned version: a caret requirement resolves to the newest release.
//   5. (catalog caveat F6) under panic=unwind, `Closure::new`/`wrap`/`once`/`once_into_js` demand an
//      `UnwindSafe` closure; one that captures an `Rc<RefCell<_>>`/`Rc<Cell<_>>` local does not compile
//      after the switch — reported on the capture, with the way out.
// Findings 1–4 are anchored once per crate on the first item of its root file, with `related` pointing at
// the setting. The TS half of C09 (handlers expecting `PanicError` in abort builds) is
// panic-error-check-in-abort-build.
// Documented in docs/rules/panic-strategy-misconfigured.md; cases in test-fixtures/rust/panic-strategy-misconfigured.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, FileEdit, RelatedLocation } from '../../model';
import { asPathCall, identifiersIn, rustEnv, stateResolverFor, stripTransparent } from '../../rust/index';
import { compareVersions, wasmBindgenVersionAtLeast } from '../../workspace/crate-config';
import {
  crateAnchorRange, crateManifest, crateRootFile, crateTypes, findTomlDependency, settingRange, type TomlDependencyEntry,
} from '../../workspace/crate-project';
import type { CrateIndex, CrateInfo } from '../../workspace/types';

export default defineRule({
  id: 'panic-strategy-misconfigured',
  catalogId: 'C09',
  family: 'failure-classification',
  side: 'rust',
  defaultSeverity: 'warning',
  summary: 'the crate\'s build configuration does not give the panic behaviour its code and wasm-bindgen version assume',
  fix: 'unsafe',
  docs: 'docs/rules/panic-strategy-misconfigured.md',
  nodeTypes: ['source_file', 'call_expression'],
  // Text gate (Rule.textGate): crate-wide findings are shown in the crate's root file; elsewhere only `Closure::*_assert_unwind_safe` calls are judged.
  textGate: ['Closure'],
  alsoInCrateRoot: true,
  visit(root: Node, ctx: RuleContext) {
    if (root.type === 'call_expression') {
      checkUnwindSafeClosure(root, ctx);
      return;
    }
    const crate = ctx.crate;
    const index = ctx.rust;
    if (!crate || !crate.usesWasmBindgen || !index) return;
    if (crateRootFile(ctx.workspace, crate, index) !== ctx.path) return;
    const e = crate.buildEvidence;
    if (!crateTypes(crateManifest(ctx.workspace, crate)).includes('cdylib') && !e?.buildScript) return;
    const range = crateAnchorRange(root, ctx.text);
    const name = `\`${crate.name}\``;
    const at = (setting: { path: string; text: string; where: string }, message: string): RelatedLocation =>
      ({ path: setting.path, range: settingRange(ctx.workspace, setting), message });

    // 1. no std: panics are never caught at exports.
    if (e?.requestedPanic === 'unwind' && e.panicSetting && !crate.wasmBindgenStd) {
      const dep = wasmBindgenEntry(ctx, crate);
      ctx.report({
        range,
        message: `${name} asks for panic=unwind (${e.panicSetting.text} in ${e.panicSetting.where}) but depends on wasm-bindgen with ` +
          `\`default-features = false\` and no \`std\` feature: exports do not catch panics, so every panic escapes as a ` +
          '`WebAssembly.Exception`, terminates the instance and later calls throw `Module terminated` instead of a recoverable `PanicError`',
        related: [
          ...(dep ? [{ path: dep.path, range: dep.entry.line, message: 'the wasm-bindgen dependency without `std`' }] : []),
          at(e.panicSetting, 'panic=unwind requested here'),
        ],
        fixes: dep ? () => stdFeatureFix(ctx, dep) : undefined,
      });
    }

    // 2. RUSTFLAGS in a script discards the config file's -Cpanic=unwind.
    if (e?.discardedRustflags) {
      const d = e.discardedRustflags;
      ctx.report({
        range,
        message: `${d.discardedBy.text} in ${d.discardedBy.where} replaces the rustflags of ${d.where}, dropping ${d.text}: ${name} builds with ` +
          'panic=abort, so panics arrive as `WebAssembly.RuntimeError` (not `PanicError`) and the instance keeps running on whatever the ' +
          `failed call left behind; add ${d.text} to ${d.discardedBy.text} in the script, or use \`CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS\` ` +
          'there only for flags the config file does not set',
        related: [at(d.discardedBy, 'this environment variable wins over config-file rustflags'), at(d, 'discarded here')],
      });
    }

    // 3. unwind requested, but std is the prebuilt panic=abort one.
    if (e?.requestedPanic === 'unwind' && e.panicSetting && !e.buildStd?.includesPanicUnwind) {
      ctx.report({
        range,
        message: `${e.panicSetting.text} in ${e.panicSetting.where} cannot take effect for ${name}: the prebuilt wasm32 standard library ` +
          'is compiled with panic=abort, so without `-Zbuild-std=std,panic_unwind` (nightly) the build fails to link or panics stay ' +
          'aborts (`RuntimeError`); add `build-std = ["std", "panic_unwind"]` under `[unstable]` in .cargo/config.toml or build with ' +
          '`wasm-pack build --panic-unwind`',
        related: [at(e.panicSetting, 'panic=unwind requested here')],
      });
    }

    // 4. wasm-bindgen older than what the crate relies on.
    const dep = wasmBindgenEntry(ctx, crate);
    const old = outdated(crate, index, dep ? requirementOf(dep) : undefined);
    if (old) {
      const source = old.source === 'Cargo.lock' ? 'locked in Cargo.lock' : 'pinned in Cargo.toml';
      ctx.report({
        range,
        message: `${name} uses wasm-bindgen ${old.version} (${source}), older than it needs: ${old.reasons.join('; ')}`,
        related: dep ? [{ path: dep.path, range: dep.entry.line, message: 'the wasm-bindgen dependency' }] : [],
        fixes: dep ? () => bumpFix(dep, old.minimum) : undefined,
      });
    }
  },
});

// ---- version gates (catalog §A1) -----------------------------------------------------------------

interface Outdated {
  readonly version: string;
  readonly source: 'Cargo.lock' | 'Cargo.toml';
  readonly minimum: string;
  readonly reasons: string[];
}

/**
 * The version the next build uses: the locked one, unless the Cargo.toml requirement no longer admits it
 * (cargo then re-resolves); a caret/tilde requirement without a lock resolves to the newest release, so
 * only `=`-pinned requirements count on their own.
 */
function effectiveVersion(crate: CrateInfo, requirement: string | undefined): { version: string; source: 'Cargo.lock' | 'Cargo.toml' } | undefined {
  const locked = crate.wasmBindgenVersionSource === 'Cargo.lock' ? crate.wasmBindgenVersion : undefined;
  const req = requirement ?? (crate.wasmBindgenVersionSource === 'Cargo.toml' ? crate.wasmBindgenVersion : undefined);
  const reqMin = req?.replace(/^\s*[=^~]\s*/, '');
  if (locked && (!reqMin || (compareVersions(locked, reqMin) ?? 0) >= 0)) return { version: locked, source: 'Cargo.lock' };
  if (req && reqMin && /^\s*=/.test(req)) return { version: reqMin, source: 'Cargo.toml' };
  return undefined;
}

function outdated(crate: CrateInfo, index: CrateIndex, requirement: string | undefined): Outdated | undefined {
  const effective = effectiveVersion(crate, requirement);
  if (!effective) return undefined;
  const { version } = effective;
  const below = (min: string) => (compareVersions(version, min) ?? 0) < 0;
  const gates: { minimum: string; reason: string }[] = [];
  if (crate.buildMode === 'unwind' && below('0.2.127')) {
    gates.push({
      minimum: '0.2.127',
      reason: below('0.2.107')
        ? 'exports catch panics only from 0.2.107 on (before, every panic of this panic=unwind build is still an abort)'
        : '0.2.127 stops escaping panics from leaking their export\'s shadow-stack frame (#5245: later calls fail with `memory access out of bounds` or `Module terminated`) and gives `PanicError` a literal name minifiers cannot rename (#5260)',
    });
  }
  if (index.setOnAbortCalls.length > 0 && below('0.2.115')) gates.push({ minimum: '0.2.115', reason: '`wasm_bindgen::handler::set_on_abort` exists from 0.2.115 on' });
  if (index.usesScheduleReinit && below('0.2.118')) gates.push({ minimum: '0.2.118', reason: '`schedule_reinit()` exists from 0.2.118 on' });
  const handler = crate.buildEvidence?.abortHandler;
  if (handler && handler.text.includes('--force-enable-abort-handler') && below('0.2.125')) {
    gates.push({ minimum: '0.2.125', reason: `\`--force-enable-abort-handler\` (passed in ${handler.where}) exists from 0.2.125 on; an older wasm-bindgen CLI rejects it` });
  }
  if (gates.length === 0) return undefined;
  const minimum = gates.map((g) => g.minimum).sort((a, b) => compareVersions(b, a) ?? 0)[0];
  return { version, source: effective.source, minimum, reasons: gates.map((g) => g.reason) };
}

// ---- Cargo.toml edits -------------------------------------------------------------------------------

interface DependencyLocation {
  readonly path: string;
  readonly text: string;
  readonly entry: TomlDependencyEntry;
}

/** The wasm-bindgen entry in the crate's manifest, or in the workspace root's `[workspace.dependencies]`. */
function wasmBindgenEntry(ctx: RuleContext, crate: CrateInfo): DependencyLocation | undefined {
  const candidates = [crate.manifestPath];
  if (crate.workspaceRoot) candidates.push(`${crate.workspaceRoot}/Cargo.toml`);
  for (const path of candidates) {
    const text = ctx.workspace.fileText(path);
    const entry = text !== undefined ? findTomlDependency(text, 'wasm-bindgen') : undefined;
    if (!text || !entry) continue;
    const body = text.slice(entry.line.start, entry.form === 'table' ? entry.sectionEnd : entry.line.end);
    if (/\bworkspace\s*=\s*true\b/.test(body)) continue; // the real entry is in the workspace root
    return { path, text, entry };
  }
  return undefined;
}

function stdFeatureFix(ctx: RuleContext, dep: DependencyLocation): Fix[] {
  const edit = featureEdit(dep);
  return edit ? [{ title: 'Enable wasm-bindgen\'s `std` feature (panics become catchable `PanicError`s)', safety: 'unsafe', edits: [edit] }] : [];
}

function featureEdit(dep: DependencyLocation): FileEdit | undefined {
  const { text, entry, path } = dep;
  const end = entry.form === 'table' ? entry.sectionEnd : entry.line.end;
  const body = text.slice(entry.line.start, end);
  const features = /\bfeatures\s*=\s*\[/.exec(body);
  if (features) {
    const at = entry.line.start + features.index + features[0].length;
    const rest = text.slice(at, end);
    const empty = /^\s*\]/.test(rest);
    return { path, range: { start: at, end: at }, newText: empty ? '"std"' : '"std", ' };
  }
  if (entry.form === 'inline') {
    const close = body.lastIndexOf('}');
    if (close < 0) return undefined;
    const at = entry.line.start + close;
    const before = body.slice(0, close).trimEnd();
    const sep = before.endsWith(',') || before.endsWith('{') ? ' ' : ', ';
    const trimmedAt = entry.line.start + before.length;
    return { path, range: { start: trimmedAt, end: at }, newText: `${sep}features = ["std"] ` };
  }
  return { path, range: { start: entry.line.end, end: entry.line.end }, newText: '\nfeatures = ["std"]' };
}

/** The version requirement string of the entry (`"0.2.100"` or `version = "…"`), with its offset in the file. */
function requirementMatch(dep: DependencyLocation): { value: string; start: number } | undefined {
  const { text, entry } = dep;
  const end = entry.form === 'table' ? entry.sectionEnd : entry.line.end;
  const body = text.slice(entry.line.start, end);
  const m = entry.form === 'inline' && /^[^=]*=\s*"/.test(body) ? /=\s*"([^"]*)"/.exec(body) : /\bversion\s*=\s*"([^"]*)"/.exec(body);
  return m ? { value: m[1], start: entry.line.start + m.index + m[0].indexOf('"') + 1 } : undefined;
}

function requirementOf(dep: DependencyLocation): string | undefined {
  return requirementMatch(dep)?.value;
}

function bumpFix(dep: DependencyLocation, minimum: string): Fix[] {
  const req = requirementMatch(dep);
  if (!req) return [];
  const pinned = /^\s*=/.test(req.value);
  return [{
    title: `Require wasm-bindgen ${minimum} (update js-sys/web-sys/wasm-bindgen-futures to matching releases)`,
    safety: 'unsafe',
    edits: [{ path: dep.path, range: { start: req.start, end: req.start + req.value.length }, newText: pinned ? `=${minimum}` : minimum }],
  }];
}

// ---- 5. captures that are not UnwindSafe (catalog caveat F6) ----------------------------------------

/** `Closure` constructors whose closure must be `UnwindSafe` under panic=unwind (§A5). */
const UNWIND_SAFE_CONSTRUCTORS = new Set(['new', 'wrap', 'once', 'once_into_js', 'own']);

function assertsUnwindSafe(binder: Node): boolean {
  const value = binder.type === 'let_declaration' ? binder.childForFieldName('value') : null;
  const p = value ? asPathCall(stripTransparent(value)) : undefined;
  return p?.name === 'AssertUnwindSafe';
}

function checkUnwindSafeClosure(call: Node, ctx: RuleContext): void {
  const crate = ctx.crate;
  if (crate?.buildMode !== 'unwind' || !wasmBindgenVersionAtLeast(crate, '0.2.109')) return;
  const p = asPathCall(call);
  if (!p || p.segments.length < 2 || p.segments[p.segments.length - 2] !== 'Closure' || !UNWIND_SAFE_CONSTRUCTORS.has(p.name)) return;
  const env = rustEnv(ctx);
  if (env.tests.isTestCode(call)) return;
  const closure = p.args.map(firstClosure).find((c) => c !== undefined);
  const body = closure?.childForFieldName('body');
  const resolver = closure ? stateResolverFor(env, closure) : undefined;
  if (!closure || !body || !resolver) return;
  const declared = new Set((closure.childForFieldName('parameters')?.text.match(/[A-Za-z_]\w*/g) ?? []));
  for (const name of identifiersIn(body)) {
    if (declared.has(name)) continue;
    const binding = resolver.bindings.lookup(name, closure.startIndex);
    const origin = binding?.kind === 'cell' ? binding.origin : undefined;
    if (!origin || (origin.kind !== 'shared_local' && origin.kind !== 'shared_param')) continue;
    // `let st = AssertUnwindSafe(Rc::clone(&s));`: the capture is `AssertUnwindSafe<_>`, which is `UnwindSafe`.
    if (binding && assertsUnwindSafe(binding.binder)) continue;
    if (!/\b(?:RefCell|Cell|UnsafeCell)\s*</.test(origin.type ?? '') && !/\bRefCell::new\b|\bCell::new\b/.test(origin.type ?? '')) continue;
    const use = body.descendantsOfType('identifier').find((n) => n?.text === name);
    ctx.report({
      node: use ?? closure,
      message: `\`Closure::${p.name}\` needs an \`UnwindSafe\` closure in this panic=unwind build (${crate.buildModeReason}), and this one captures ` +
        `\`${name}\` (${origin.type ? `\`${origin.type}\`` : 'a shared cell'}), which is not: the crate does not compile ("may contain interior ` +
        'mutability and a reference may not be safely transferrable across a catch_unwind boundary"); once a panic in the callback ' +
        `cannot leave \`${name}\` half-updated, construct it with \`Closure::own_assert_unwind_safe\` or wrap the captured value in \`AssertUnwindSafe\``,
      related: origin.declaration ? [{ ...origin.declaration, message: `\`${name}\` is created here` }] : [],
    });
    return;
  }
}

/** The closure passed directly or inside `Box::new(..)` (and an `as Box<dyn …>` cast). */
function firstClosure(arg: Node): Node | undefined {
  let n: Node | null = arg;
  for (let depth = 0; n && depth < 4; depth++) {
    if (n.type === 'closure_expression') return n;
    if (n.type === 'type_cast_expression') n = n.childForFieldName('value');
    else if (n.type === 'call_expression' && /^Box\s*::\s*new$/.test(n.childForFieldName('function')?.text ?? '')) n = n.childForFieldName('arguments')?.namedChild(0) ?? null;
    else return undefined;
  }
  return undefined;
}
