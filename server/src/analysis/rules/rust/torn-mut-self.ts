// torn-mut-self (catalog U04, unwind-safety): a `&mut self` method of a `#[wasm_bindgen]` impl (or a
// workers-rs entry point) leaves its object half-updated when it is cut short. Two shapes:
//  * take-then-restore — a field is taken out (`self.f.take()`, `mem::take/replace(&mut self.f, …)`)
//    and put back later; a panic or throw (panic=unwind) or a `?`/`return` (every build mode) in between
//    skips the restore, and the object keeps serving with the field empty;
//  * torn fields (panic=unwind only) — fields are written, then something can panic, then more fields
//    are written; the caller gets a `PanicError` and the object stays live with fields out of step
//    (plain fields are `RefUnwindSafe`, so wasm-bindgen's compile-time check does not see this).
// Under panic=abort a panic or throw inside a `&mut self` method leaves the object borrowed forever:
// that is abort-build-throw-inside-borrow's (U09) finding, so here abort builds only get the
// take-then-restore shape cut by a normal early return. Interior-mutable fields (`RefCell`, `Cell` …)
// torn on both ends are global-state-torn-by-panic's (U01). Option `earlyReturns: true` also reports
// fields torn by a `?`/`return` (info).
// Documented in docs/rules/torn-mut-self.md; cases in test-fixtures/rust/torn-mut-self.rs.

import type { Node } from 'web-tree-sitter';
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Fix, RelatedLocation, Severity, TextRange } from '../../model';
import {
  accessRoot, asMethodCall, asPathCall, enclosingBlock, enclosingImplType, exportOfFunction,
  forEachDescendant, hasExportAttributes, inExclusiveBranches, MUTATING_METHODS, mutationOf, mutationsIn, panicPointsIn,
  parentOf, rootName, runsSynchronouslyWithin, rustEnv, selfFieldOf, stateResolverFor, statementLineRange, stripTransparent, within,
  type FunctionFacts, type PanicPoint, type RustEnv, type StateResolver,
} from '../../rust/index';
import { earlyReturnsIn, focusRange, hasRestoringGuard, leavesBefore, unwrapsAcquisition, type EarlyReturn } from '../../rust/tear-points';
import { shortCode } from '../../text/one-line';

export default defineRule({
  id: 'torn-mut-self',
  catalogId: 'U04',
  family: 'unwind-safety',
  side: 'rust',
  defaultSeverity: 'error',
  summary: 'a `&mut self` export updates fields around a panic point, or takes a field out and restores it later',
  fix: 'unsafe',
  docs: 'docs/rules/torn-mut-self.md',
  options: { earlyReturns: { type: 'boolean', default: false, description: 'Also report fields torn by a `?` or `return` between the two updates (the object keeps the first write), as info findings.' } },
  nodeTypes: ['function_item'],
  // Text gate (Rule.textGate): only `&mut self` exports of this file are judged: an export is recognised from its own attributes (`wasm_bindgen`, `#[event]`, `durable_object`: rust-summary.ts, units.ts).
  textGate: ['wasm_bindgen', 'event', 'durable_object'],
  visit(fn: Node, ctx: RuleContext) {
    const env = rustEnv(ctx);
    const body = fn.childForFieldName('body');
    if (!body || !isMutSelfExport(fn, env) || env.tests.isTestCode(fn)) return;
    const resolver = stateResolverFor(env, fn);
    if (!resolver || hasRestoringGuard(body, env.text)) return;
    const facts = env.facts(fn);
    const writes = fieldWritesIn(facts, body, resolver).filter((w) => runsSynchronouslyWithin(w.node, fn));
    if (writes.length === 0) return;
    const unwind = env.buildMode === 'unwind';
    const panics = unwind
      ? panicPointsIn(facts, body.startIndex, body.endIndex, env, { resolver, skipBoundsChecked: true })
        .filter((p) => runsSynchronouslyWithin(p.node, fn) && !unwrapsAcquisition(p, resolver))
      : [];
    const includeEarlyReturns = ctx.options.earlyReturns === true;
    let returnsCache: EarlyReturn[] | undefined;
    const returns = (): EarlyReturn[] => (returnsCache ??= earlyReturnsIn(fn));
    const object = objectName(fn, env);
    const used = new Set<number>();

    // 1. take-then-restore (every build mode for early returns, panic=unwind for panics and throws).
    for (const take of writes) {
      if (!isTake(take)) continue;
      const restores = writes.filter((w) => isRestoreOf(w, take));
      if (restores.length === 0) continue;
      const tears = takeTears(take, restores, writes, panics, returns());
      if (tears.length === 0) continue;
      for (const t of tears) used.add(t.node.id);
      reportTake(ctx, env, fn, resolver, object, take, restores, tears);
    }

    // 2. torn fields (panic=unwind): one finding per method, on the first panic point of a window.
    if (unwind) {
      const windows = tornWindows(writes, panics.map(panicTear).filter((t) => !used.has(t.node.id)), false);
      if (windows.length > 0) {
        for (const w of windows) used.add(w.tear.node.id);
        reportTorn(ctx, env, object, windows[0], windows.length - 1, 'warning');
      }
    }

    // 3. torn fields cut by `?`/`return` (opt-in, info): no unwinding involved, so every build mode.
    if (includeEarlyReturns) {
      const windows = tornWindows(writes, returns().map(returnTear).filter((t) => !used.has(t.node.id)), true);
      if (windows.length > 0) reportTorn(ctx, env, object, windows[0], windows.length - 1, 'info');
    }
  },
});

// ---- units -----------------------------------------------------------------------------------------

/** A method JS calls with an exclusive borrow of its object: `&mut self` in a `#[wasm_bindgen]` impl. */
function isMutSelfExport(fn: Node, env: RustEnv): boolean {
  const exported = exportOfFunction(fn, env);
  if (exported) return exported.receiver === '&mut self';
  if (!hasExportAttributes(fn)) return false;
  const self = fn.childForFieldName('parameters')?.namedChildren.find((c) => c.type === 'self_parameter');
  return self !== undefined && /^&\s*('\w+\s+)?mut\s+self$/.test(self.text.replace(/\s+/g, ' ').trim());
}

function objectName(fn: Node, env: RustEnv): string {
  const exported = exportOfFunction(fn, env);
  return exported?.jsClass ?? exported?.implType ?? enclosingImplType(fn) ?? 'the object';
}

// ---- field writes ----------------------------------------------------------------------------------

/** A write into the object: `self.f = …`, `self.f.push(..)`, `mem::take(&mut self.f)`, or through `let r = &mut self.f`. */
interface FieldWrite {
  readonly node: Node;
  /** The place as written (`self.state`, `world.count`), whitespace-normalised: take/restore pairs match on it. */
  readonly place: string;
  /** The field of `self` it belongs to (`state`). */
  readonly field: string;
  /** Offset at which the write has happened. */
  readonly effect: number;
  readonly display: string;
  readonly kind: 'assign' | 'compound' | 'method' | 'mem';
  /** For `method`: the method; for `mem`: `take` / `replace` / `swap`. */
  readonly verb?: string;
  /** For `mem::replace(&mut p, X)`: X. */
  readonly replacement?: Node;
  /** The origin U01 sees for this write (interior-mutable fields), if any: windows torn on both ends of it are U01's. */
  readonly sharedKey?: string;
}

function fieldWritesIn(facts: FunctionFacts, body: Node, resolver: StateResolver): FieldWrite[] {
  const out: FieldWrite[] = [];
  const seen = new Set<number>();
  for (const m of mutationsIn(facts, body.startIndex, body.endIndex, resolver, { selfFields: true })) {
    if (!m.origin.name.startsWith('self.')) continue;
    const w = describeWrite(m.node, m.origin.name.slice('self.'.length));
    if (!w) continue;
    seen.add(m.node.id);
    out.push({ ...w, sharedKey: mutationOf(m.node, resolver)?.origin.key });
  }
  // Writes through a local alias of a field: `let w = &mut self.world; w.count += 1;`.
  const aliases = fieldAliases(resolver);
  if (aliases.size > 0) {
    for (const list of [facts.assignments, facts.compoundAssignments, facts.calls]) {
      for (const n of list) {
        if (seen.has(n.id) || n.startIndex < body.startIndex || n.endIndex > body.endIndex) continue;
        const place = placeOfWrite(n);
        if (!place) continue;
        const root = accessRoot(place.node);
        if (root.type !== 'identifier') continue;
        const b = resolver.bindings.lookup(root.text, root.startIndex);
        const field = b ? aliases.get(b.node.id) : undefined;
        if (!field) continue;
        const w = describeWrite(n, field);
        if (w) out.push(w);
      }
    }
  }
  return out.sort((a, b) => a.effect - b.effect);
}

/** The place a write node writes into, and how. */
function placeOfWrite(n: Node): { node: Node; kind: FieldWrite['kind']; verb?: string; replacement?: Node } | undefined {
  if (n.type === 'assignment_expression' || n.type === 'compound_assignment_expr') {
    const left = n.childForFieldName('left');
    return left ? { node: left, kind: n.type === 'assignment_expression' ? 'assign' : 'compound' } : undefined;
  }
  const m = asMethodCall(n);
  if (m) return MUTATING_METHODS.has(m.method) ? { node: m.receiver, kind: 'method', verb: m.method } : undefined;
  const p = asPathCall(n);
  if (p && (p.name === 'take' || p.name === 'replace' || p.name === 'swap') && p.segments.includes('mem') && p.args.length >= 1) {
    const arg = p.args[0];
    if (arg.type !== 'reference_expression') return undefined;
    const value = arg.childForFieldName('value');
    return value ? { node: value, kind: 'mem', verb: p.name, replacement: p.name === 'replace' ? p.args[1] : undefined } : undefined;
  }
  return undefined;
}

function describeWrite(n: Node, fallbackField: string): Omit<FieldWrite, 'sharedKey'> | undefined {
  const place = placeOfWrite(n);
  if (!place) return undefined;
  return {
    node: n, place: normalise(stripTransparent(place.node).text), field: selfFieldOf(place.node) ?? fallbackField.split('.')[0],
    // Just past the end of the write (see Mutation.effect): a panic that ends where it ends fires first.
    effect: n.endIndex + 0.5, display: short(n.text), kind: place.kind, verb: place.verb, replacement: place.replacement,
  };
}

const DERIVING = /^(get_mut|iter_mut|values_mut|last_mut|first_mut|entry|as_mut|as_deref_mut|get_or_insert_with|get_or_insert|or_insert|or_insert_with|or_default|split_at_mut|chunks_mut|as_mut_slice|borrow_mut|deref_mut)$/;

/** Local names that stand for (a mutable part of) a field of `self`: binding identifier id → field. */
function fieldAliases(resolver: StateResolver): Map<number, string> {
  const out = new Map<number, string>();
  for (const b of resolver.bindings.all()) {
    if (b.kind !== 'other') continue;
    const binder = b.binder;
    const value = binder.type === 'let_declaration' || binder.type === 'let_condition' || binder.type === 'for_expression'
      ? binder.childForFieldName('value')
      : null;
    if (!value) continue;
    const field = mutableFieldOf(value);
    if (field) out.set(b.node.id, field);
  }
  return out;
}

/** `&mut self.f…` or a chain from `self.f` through a method that hands out `&mut` (`self.items.get_mut(i)`). */
function mutableFieldOf(value: Node): string | undefined {
  if (value.type === 'reference_expression' && value.children.some((c) => c.type === 'mutable_specifier')) {
    const inner = value.childForFieldName('value');
    return inner && rootName(accessRoot(inner)) === 'self' ? selfFieldOf(inner) : undefined;
  }
  if (rootName(accessRoot(value)) !== 'self') return undefined;
  for (let n: Node | null = stripTransparent(value); n; ) {
    const m = asMethodCall(n);
    if (m) {
      if (DERIVING.test(m.method)) return selfFieldOf(value);
      n = stripTransparent(m.receiver);
      continue;
    }
    if (n.type === 'field_expression') {
      n = n.childForFieldName('value');
      continue;
    }
    break;
  }
  return undefined;
}

// ---- take-then-restore -------------------------------------------------------------------------------

/** `self.f.take()`, `mem::take(&mut self.f)`, `mem::replace(&mut self.f, x)` whose result is used. */
function isTake(w: FieldWrite): boolean {
  if (w.kind === 'method') {
    if (w.verb !== 'take' || (asMethodCall(w.node)?.args.length ?? 1) !== 0) return false;
  } else if (w.kind !== 'mem' || (w.verb !== 'take' && w.verb !== 'replace')) {
    return false;
  }
  // `self.pending.take();` only clears the field: nothing is taken out to be put back.
  return parentOf(w.node)?.type !== 'expression_statement';
}

const RESTORING_METHODS = new Set(['replace', 'insert', 'get_or_insert', 'get_or_insert_with', 'set']);

function isRestoreOf(w: FieldWrite, take: FieldWrite): boolean {
  if (w.node.startIndex < take.node.endIndex || w.place !== take.place) return false;
  const restores = w.kind === 'assign' || (w.kind === 'method' && RESTORING_METHODS.has(w.verb ?? '')) || (w.kind === 'mem' && (w.verb === 'replace' || w.verb === 'swap'));
  return restores && !inExclusiveBranches(w.node, take.node);
}

/** Something that cuts a method short: a panic/throw point (unwinds) or an early return (returns normally). */
interface Tear {
  readonly node: Node;
  readonly position: number;
  readonly display: string;
  readonly how: 'panic' | 'throw' | 'foreign' | 'return';
  readonly panic?: PanicPoint;
}

function panicTear(p: PanicPoint): Tear {
  return { node: p.node, position: p.position, display: p.display, how: p.failure, panic: p };
}

function returnTear(r: EarlyReturn): Tear {
  return { node: r.node, position: r.position, display: r.display, how: 'return' };
}

/** Tear points between a take and a restore that would run after it on the same path, in order. */
function takeTears(take: FieldWrite, restores: readonly FieldWrite[], writes: readonly FieldWrite[], panics: readonly PanicPoint[], returns: readonly EarlyReturn[]): Tear[] {
  const candidates = [...panics.map(panicTear), ...returns.map(returnTear)].sort((a, b) => a.position - b.position);
  const out: Tear[] = [];
  for (const t of candidates) {
    if (t.position <= take.effect || within(t.node, take.node) || runsOnlyWhenNothingTaken(t.node, take.node)) continue;
    if (inExclusiveBranches(t.node, take.node)) continue;
    // Restored on this path already (`Err(e) => { self.f = Some(st); return Err(e) }`).
    const restoredBefore = writes.some((w) => w.place === take.place && w.node.startIndex > take.node.endIndex && w.effect <= t.position &&
      !inExclusiveBranches(w.node, t.node) && enclosingBlock(w.node) !== null && within(enclosingBlock(w.node)!, t.node));
    if (restoredBefore) continue;
    const skips = restores.some((r) => r.effect > t.position && !inExclusiveBranches(r.node, t.node) &&
      (t.how === 'return' || !leavesBefore(t.node, r.node)));
    if (skips) out.push(t);
  }
  return out;
}

/**
 * Code that runs only when the take found nothing, so nothing was taken out to be lost:
 * `let Some(st) = self.f.take() else { … };`, the `None` arm of `match self.f.take() { … }` (or its
 * `_` arm when every other arm is an unguarded `Some(..)`), and the closure of
 * `self.f.take().unwrap_or_else(|| …)` / `.ok_or_else(|| …)`.
 */
function runsOnlyWhenNothingTaken(node: Node, take: Node): boolean {
  for (let n = parentOf(node); n; n = parentOf(n)) {
    if (n.type === 'let_declaration') {
      const alt = n.childForFieldName('alternative');
      const value = n.childForFieldName('value');
      return alt !== null && value !== null && within(alt, node) && within(value, take);
    }
    if (n.type === 'match_arm' && isNothingArm(n, take)) return true;
    if (n.type === 'closure_expression') {
      const call = parentOf(n)?.type === 'arguments' ? parentOf(parentOf(n)!) : null;
      const m = call ? asMethodCall(call) : undefined;
      return m !== undefined && /^(unwrap_or_else|ok_or_else)$/.test(m.method) && unparenthesised(m.receiver).id === take.id;
    }
    if (n.type === 'function_item') return false;
  }
  return false;
}

function unparenthesised(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChild(0)) n = n.namedChild(0)!;
  return n;
}

/** A `match` arm on the take itself that only matches `None`. */
function isNothingArm(arm: Node, take: Node): boolean {
  const block = parentOf(arm);
  const match = block ? parentOf(block) : null;
  const value = match?.type === 'match_expression' ? match.childForFieldName('value') : null;
  if (!block || !value || unparenthesised(value).id !== take.id) return false;
  const pattern = arm.childForFieldName('pattern');
  if (!pattern || pattern.childForFieldName('condition')) return false;
  const text = pattern.text.trim();
  if (/^(None|Option::None|std::option::Option::None)$/.test(text)) return true;
  if (text !== '_') return false;
  return block.namedChildren.every((a) => {
    if (!a || a.type !== 'match_arm' || a.id === arm.id) return true;
    const p = a.childForFieldName('pattern');
    return p !== null && !p.childForFieldName('condition') && /^Some\s*\(\s*(mut\s+)?[A-Za-z_][A-Za-z0-9_]*\s*\)$/.test(p.text.trim());
  });
}

function reportTake(
  ctx: RuleContext, env: RustEnv, fn: Node, resolver: StateResolver, object: string, take: FieldWrite, restores: readonly FieldWrite[], tears: readonly Tear[],
): void {
  const tear = tears[0];
  const place = `\`${take.place}\``;
  const left = leftAs(env, fn, take);
  const more = tears.length > 1 ? ` (${tears.length - 1} more way${tears.length > 2 ? 's' : ''} out before the restore)` : '';
  const keeps = `\`${object}\` keeps serving with ${place} left ${left}`;
  let message: string;
  switch (tear.how) {
    case 'return':
      message = `${place} is taken out here and put back only after \`${tear.display}\`, which can return early: the restore is skipped and ${keeps}, in every build mode${more}`;
      break;
    case 'panic':
      message = `${place} is taken out here and put back only after \`${tear.display}\`, which can panic: under panic=unwind the caller gets a \`PanicError\` and ${keeps}${more}`;
      break;
    default:
      message = `${place} is taken out here and put back only after \`${tear.display}\`, which can throw a JS exception${tear.how === 'foreign' ? ' (an import without `catch`)' : ''}: under panic=unwind it unwinds past the restore to the caller and ${keeps}${more}`;
      break;
  }
  const restore = restores.find((r) => r.effect > tear.position) ?? restores[0];
  const related: RelatedLocation[] = [
    { path: env.path, range: focusRange(tear.node, env.text), message: tear.how === 'return' ? 'returns early here' : tear.how === 'panic' ? 'can panic here' : 'can throw here' },
    { path: env.path, range: focusRange(restore.node, env.text), message: `${place} is put back here — skipped when the method is cut short` },
  ];
  const declaration = fieldDeclaration(env, fn, take.field);
  if (declaration) related.push({ ...declaration, message: `\`${take.field}\` declared here` });
  ctx.report({ range: focusRange(take.node, env.text), message, related, fixes: () => asMutFix(env, fn, resolver, take, restores) });
}

/** What the field holds after a skipped restore. */
function leftAs(env: RustEnv, fn: Node, take: FieldWrite): string {
  if (take.kind === 'mem') {
    if (take.verb === 'replace' && take.replacement) return `as \`${short(take.replacement.text)}\``;
    return 'empty (its `Default` value)';
  }
  const implType = enclosingImplType(fn);
  const type = implType && take.place === `self.${take.field}` ? env.structFields(implType)?.get(take.field) : undefined;
  if (type && /^(std::option::|core::option::)?Option\s*</.test(type.trim())) return '`None`';
  const field = parentOf(take.node);
  const call = field?.type === 'field_expression' ? parentOf(field) : null;
  const chain = call ? asMethodCall(call)?.method : undefined;
  if (chain && /^(unwrap|expect|ok_or|ok_or_else|unwrap_throw|expect_throw)$/.test(chain)) return '`None`';
  const binder = bindingParent(take.node);
  if (binder && /^\s*Some\s*\(/.test(binder.childForFieldName('pattern')?.text ?? '')) return '`None`';
  return 'empty';
}

// ---- torn fields -----------------------------------------------------------------------------------

interface TornWindow {
  readonly before: FieldWrite;
  readonly tear: Tear;
  readonly after: FieldWrite;
}

/** Tear points with a completed field write before them and another still to come after them. */
function tornWindows(writes: readonly FieldWrite[], tears: readonly Tear[], returning: boolean): TornWindow[] {
  const out: TornWindow[] = [];
  for (const tear of tears) {
    const before = writes.find((w) => w.effect <= tear.position && !within(tear.node, w.node) && !inExclusiveBranches(w.node, tear.node) &&
      // `None => panic!(..)` after a take: nothing was taken on that path.
      !(isTake(w) && runsOnlyWhenNothingTaken(tear.node, w.node)));
    if (!before) continue;
    const after = writes.find((w) => w.effect > tear.position && w !== before && !inExclusiveBranches(w.node, tear.node) &&
      !inExclusiveBranches(w.node, before.node) && (returning ? w.node.startIndex > tear.node.endIndex || within(w.node, tear.node) : !leavesBefore(tear.node, w.node)) &&
      // Both ends on the same interior-mutable field: global-state-torn-by-panic reports it.
      !(before.sharedKey !== undefined && before.sharedKey === w.sharedKey));
    if (!after) continue;
    out.push({ before, tear, after });
  }
  return out;
}

function reportTorn(ctx: RuleContext, env: RustEnv, object: string, window: TornWindow, more: number, severity: Severity): void {
  const { before, tear, after } = window;
  const afterText = within(after.node, tear.node) ? `\`${after.display}\` completes` : `\`${after.display}\``;
  const a = `self.${before.field}`;
  const b = `self.${after.field}`;
  const state = a === b ? `\`${a}\` half-updated` : `\`${a}\` and \`${b}\` out of step`;
  const moreText = more > 0 ? ` (${more} more ${tear.how === 'return' ? 'early return' : 'panic point'}${more > 1 ? 's' : ''} between field updates)` : '';
  let message: string;
  switch (tear.how) {
    case 'return':
      message = `\`${tear.display}\` can return early after \`${a}\` was modified (\`${before.display}\`) and before ${afterText}: the caller gets the error and \`${object}\` keeps ${state}, in every build mode${moreText}`;
      break;
    case 'panic':
      message = `\`${tear.display}\` can panic after \`${a}\` was modified (\`${before.display}\`) and before ${afterText}; under panic=unwind the caller gets a \`PanicError\` and \`${object}\` stays usable with ${state}${moreText}`;
      break;
    default:
      message = `\`${tear.display}\` can throw a JS exception${tear.how === 'foreign' ? ' (an import without `catch`)' : ''} after \`${a}\` was modified (\`${before.display}\`) and before ${afterText}; under panic=unwind it unwinds to the caller and \`${object}\` stays usable with ${state}${moreText}`;
      break;
  }
  const related: RelatedLocation[] = [
    { path: env.path, range: focusRange(before.node, env.text), message: `\`${a}\` modified here first` },
    { path: env.path, range: focusRange(after.node, env.text), message: `this update of \`${b}\` is skipped when the method is cut short` },
  ];
  ctx.report({ range: focusRange(tear.node, env.text), message, severity, related });
}

// ---- fix: take-then-restore → as_mut ---------------------------------------------------------------

/**
 * `let mut st = self.f.take().unwrap(); … self.f = Some(st);` → `let st = self.f.as_mut().unwrap(); …`
 * (also `if let Some(mut st) = self.f.take() { … self.f = Some(st); }` and
 * `let mut v = mem::take(&mut self.f); … self.f = v;` → `let v = &mut self.f; …`), when `st` is only
 * used through method calls, field accesses, indexing and borrows, and nothing else borrows `self`
 * meanwhile. Behaviour changes on purpose: a panic now leaves the value in place.
 */
function asMutFix(env: RustEnv, fn: Node, resolver: StateResolver, take: FieldWrite, restores: readonly FieldWrite[]): Fix[] {
  if (restores.length !== 1 || take.place !== `self.${take.field}`) return [];
  const restore = restores[0];
  const binder = bindingParent(take.node);
  if (!binder) return [];
  const pattern = binder.childForFieldName('pattern');
  if (!pattern) return [];
  let id: Node | undefined;
  let mutKeyword: Node | undefined;
  const idOf = (p: Node): void => {
    if (p.type === 'identifier') id = p;
    else if (p.type === 'mut_pattern') {
      id = p.namedChildren.find((c) => c.type === 'identifier');
      mutKeyword = p.children.find((c) => c.type === 'mutable_specifier');
    }
  };
  const isMethodTake = take.kind === 'method';
  if (binder.type === 'let_declaration') {
    if (binder.childForFieldName('alternative')) {
      const inner = pattern.type === 'tuple_struct_pattern' && /^Some\b/.test(pattern.text) ? pattern.namedChildren.filter((c) => c.type !== 'identifier' || c.text !== 'Some') : [];
      if (!isMethodTake || inner.length !== 1) return [];
      idOf(inner[0]);
    } else {
      idOf(pattern);
    }
  } else {
    // let_condition: `Some(mut st) = self.f.take()`.
    const inner = pattern.type === 'tuple_struct_pattern' && /^Some\b/.test(pattern.text) ? pattern.namedChildren.filter((c) => c.type !== 'identifier' || c.text !== 'Some') : [];
    if (!isMethodTake || inner.length !== 1) return [];
    idOf(inner[0]);
  }
  if (!id) return [];
  const name = id.text;
  const binding = resolver.bindings.lookup(name, binder.endIndex);
  if (!binding || binding.node.id !== id.id) return [];
  // The restore: a statement `self.f = Some(st);` (or `self.f = st;` after `mem::take`) in the binding's scope.
  if (restore.kind !== 'assign' || parentOf(restore.node)?.type !== 'expression_statement') return [];
  const right = restore.node.childForFieldName('right');
  const expected = isMethodTake ? `Some(${name})` : name;
  if (!right || normalise(right.text) !== expected) return [];
  if (restore.node.startIndex < binding.visibleFrom || restore.node.endIndex > binding.visibleTo) return [];
  if (take.kind === 'mem' && take.verb !== 'take') return [];
  if (!isMethodTake && binder.type !== 'let_declaration') return [];
  const restoreStatement = parentOf(restore.node)!;
  // The taken value must not leave: only `st.m(..)`, `st.x`, `st[i]`, `&st`, `&mut st` between.
  const body = fn.childForFieldName('body')!;
  let sound = true;
  forEachDescendant(body, (n) => {
    if (!sound) return false;
    if (n.endIndex <= binder.startIndex || n.startIndex >= restoreStatement.endIndex) return false;
    if (n.type === 'identifier' && n.text === name && n.startIndex >= binding.visibleFrom && !within(restoreStatement, n)) {
      if (resolver.bindings.lookup(name, n.startIndex)?.node.id !== id!.id) return true;
      if (!isPlaceUse(n)) sound = false;
    } else if (n.type === 'self' && n.startIndex > take.node.endIndex && !within(restoreStatement, n)) {
      if (!isDisjointFieldUse(n, take.field)) sound = false;
    }
    return true;
  });
  if (!sound) return [];
  const edits: { range: TextRange; newText: string }[] = [];
  if (isMethodTake) {
    const m = asMethodCall(take.node)!;
    edits.push({ range: rangeOf(m.methodNode), newText: 'as_mut' });
  } else {
    edits.push({ range: rangeOf(take.node), newText: `&mut ${take.place}` });
  }
  if (mutKeyword) {
    const after = env.text.slice(mutKeyword.endIndex).match(/^\s*/)?.[0].length ?? 0;
    edits.push({ range: { start: mutKeyword.startIndex, end: mutKeyword.endIndex + after }, newText: '' });
  }
  edits.push({ range: statementLineRange(env.text, restoreStatement), newText: '' });
  return [{
    title: isMethodTake
      ? `Work on \`${take.place}\` in place (\`as_mut()\`) instead of taking it out and putting it back`
      : `Work on \`${take.place}\` in place (\`&mut\`) instead of taking it out and putting it back`,
    safety: 'unsafe',
    edits,
  }];
}

/** The `let` or `if let` that binds the result of a take (through `.unwrap()`, `.expect(..)`, `?` …). */
function bindingParent(take: Node): Node | undefined {
  let n: Node = take;
  for (let i = 0; i < 8; i++) {
    const p = parentOf(n);
    if (!p) return undefined;
    if ((p.type === 'let_declaration' || p.type === 'let_condition') && p.childForFieldName('value')?.id === n.id) return p;
    if (p.type === 'try_expression') {
      n = p;
      continue;
    }
    if (p.type === 'field_expression' && p.childForFieldName('value')?.id === n.id) {
      const call = parentOf(p);
      const m = call ? asMethodCall(call) : undefined;
      if (!call || !m || !/^(unwrap|expect|ok_or|ok_or_else|unwrap_throw|expect_throw)$/.test(m.method)) return undefined;
      n = call;
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** `st.method(..)`, `st.field`, `st[i]`, `&st`, `&mut st`: uses that work the same through `&mut T`. */
function isPlaceUse(id: Node): boolean {
  const p = parentOf(id);
  if (!p) return false;
  if (p.type === 'field_expression') return p.childForFieldName('value')?.id === id.id;
  if (p.type === 'index_expression') return p.namedChild(0)?.id === id.id;
  if (p.type === 'reference_expression') return true;
  return false;
}

/** `self.other` (a different field, not a method call on `self`): a borrow disjoint from `self.<field>`. */
function isDisjointFieldUse(self: Node, field: string): boolean {
  const p = parentOf(self);
  if (p?.type !== 'field_expression' || p.childForFieldName('value')?.id !== self.id) return false;
  const name = p.childForFieldName('field')?.text;
  if (!name || name === field) return false;
  const call = parentOf(p);
  return !(call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id);
}

// ---- helpers ---------------------------------------------------------------------------------------

function fieldDeclaration(env: RustEnv, fn: Node, field: string): { path: string; range: TextRange } | undefined {
  const implType = enclosingImplType(fn);
  const struct = implType ? env.index?.structs.get(implType) : undefined;
  const f = struct?.fields.find((x) => x.name === field);
  return struct && f ? { path: struct.path, range: f.range } : undefined;
}

function rangeOf(n: Node): TextRange {
  return { start: n.startIndex, end: n.endIndex };
}

function normalise(text: string): string {
  return text.replace(/\s+/g, '');
}

function short(text: string): string {
  return shortCode(text, 48);
}

