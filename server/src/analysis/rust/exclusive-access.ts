// Whether a global cell (a `thread_local!`/`static`/`lazy_static!` `RefCell` or `RwLock`) can ever be
// borrowed mutably (write-locked) anywhere in its crate. A shared borrow held across a call into JS can
// only make a re-entrant call fail when that call borrows the same cell mutably: if nothing in the crate
// does, two shared borrows coexist and there is nothing to report.
//
// Decided by text over every Rust file of the crate, conservatively: every mention of the cell's name must
// be its declaration, a `use` of it, a comment, or a visibly shared access — `X.with_borrow(..)`,
// `X.borrow()`, `X.try_borrow()`, `X.read()`, `X.try_read()`, or `X.with(|c| …)` whose closure uses `c`
// only as `c.borrow()`/`c.try_borrow()`/`c.read()`/`c.try_read()`. Any other mention (`X.with(Rc::clone)`,
// `c` handed to a helper, `X.with_borrow_mut`, `X.set`, `X.take`) counts as a possible mutable borrow.
// Only the name is known, so a same-named cell in another module counts too.
//
// The candidates are the SCREAMING_CASE names the crate's files declare with `static` (also inside
// `thread_local!` and `lazy_static!`: `declaredStaticNames`), the convention for statics and a small,
// stable set; a cell named otherwise, or declared where no file of the crate says `static NAME`, is
// always treated as possibly borrowed mutably. Each file's text yields which candidates it may borrow
// mutably (`possiblyMutatingMentions`; the Workspace caches both per text, the second per candidate
// set); the crate index holds the candidates no file may borrow mutably (`CrateIndex.onlySharedGlobals`),
// so the answer is part of the index a lint depends on, not a read of every file by the rule (which would
// make the incremental Linter re-run the rule on every unit after every edit).

import { escapeRegExp } from './syntax';
import type { CrateIndex } from '../workspace/types';
import type { StateOrigin } from './state';

const GLOBAL_KINDS = new Set(['thread_local', 'static', 'lazy_static']);
const SHARED_METHOD = /^\s*\.\s*(?:with_borrow|borrow|try_borrow|read|try_read)\s*\(/;
const SHARED_PARAM_USE = /^\s*\.\s*(?:borrow|try_borrow|read|try_read)\s*\(\s*\)/;
/** A name a static may have (SCREAMING_CASE: at least one letter, no lower case). */
const STATIC_NAME = /^[A-Z_][A-Z0-9_]*$/;
const STATIC_DECLARATION = /\bstatic\s+(?:ref\s+)?(?:mut\s+)?([A-Z_][A-Z0-9_]*)(?![\w$])/g;

/**
 * True unless `origin` is a global `RefCell`/`RwLock` (not behind `Rc`/`Arc`) with a SCREAMING_CASE name
 * that no Rust file of its crate (`index`) can borrow mutably or write-lock.
 */
export function mayBeBorrowedMutably(origin: StateOrigin, index: CrateIndex | undefined): boolean {
  if (!GLOBAL_KINDS.has(origin.kind) || origin.name.includes('.') || !STATIC_NAME.test(origin.name)) return true;
  const type = (origin.type ?? '').replace(/\s+/g, '');
  // The cell itself, not a handle that can be cloned out of the static (`Rc<RefCell<_>>`).
  if (!/^(?:(?:std|core)::(?:cell|sync)::)?(?:RefCell|RwLock)</.test(type)) return true;
  return index?.onlySharedGlobals?.has(origin.name) !== true;
}

/** The SCREAMING_CASE names `text` declares with `static` (with at least one letter), in order of first declaration. */
export function declaredStaticNames(text: string): string[] {
  const names = new Set<string>();
  STATIC_DECLARATION.lastIndex = 0;
  for (let m = STATIC_DECLARATION.exec(text); m; m = STATIC_DECLARATION.exec(text)) if (/[A-Z]/.test(m[1])) names.add(m[1]);
  return [...names];
}

/**
 * The `candidates` (SCREAMING_CASE names) `text` mentions in some way other than a declaration, a `use`,
 * a comment or a shared access. (Searching for the few candidates, not for every upper-case word, keeps
 * this cheap on every edit of a large file.)
 */
export function possiblyMutatingMentions(text: string, candidates: readonly string[]): Set<string> {
  const found = new Set<string>();
  const wanted = candidates.filter((name) => STATIC_NAME.test(name) && /[A-Z]/.test(name));
  if (wanted.length === 0) return found;
  const mention = new RegExp(`(?<![\\w$])(?:${wanted.map(escapeRegExp).join('|')})(?![\\w$])`, 'g');
  for (let m = mention.exec(text); m; m = mention.exec(text)) {
    const name = m[0];
    if (!found.has(name) && !isHarmlessMention(text, m.index, name)) found.add(name);
  }
  return found;
}

function isHarmlessMention(text: string, at: number, name: string): boolean {
  const before = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  // The declaration (`static NAME:` / `static ref NAME:`) and imports.
  if (/\bstatic\s+(?:ref\s+)?$/.test(before) || /^\s*(?:pub(?:\([^)]*\))?\s+)?use\b/.test(before)) return true;
  // Comments: a mention after `//` on the same line.
  if (before.includes('//')) return true;
  const after = text.slice(at + name.length, at + name.length + 200);
  if (SHARED_METHOD.test(after)) return true;
  const withCall = /^\s*\.\s*with\s*\(\s*(?:move\s+)?\|\s*(\w+)\s*(?::[^|]*)?\|/.exec(after);
  return withCall !== null && closureUsesOnlyShared(text.slice(at + name.length + withCall[0].length), withCall[1]);
}

/** The closure body that starts `rest` (up to the `)` closing the `with(` call) uses `param` only for shared borrows. */
function closureUsesOnlyShared(rest: string, param: string): boolean {
  let depth = 1;
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) {
        end = i;
        break;
      }
    }
  }
  const body = rest.slice(0, end);
  const use = new RegExp(`(?<![\\w$.])${escapeRegExp(param)}(?![\\w$])`, 'g');
  for (let m = use.exec(body); m; m = use.exec(body)) {
    if (!SHARED_PARAM_USE.test(body.slice(m.index + param.length))) return false;
  }
  return true;
}
