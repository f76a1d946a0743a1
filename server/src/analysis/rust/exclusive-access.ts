// Whether a global cell (a `thread_local!`/`static`/`lazy_static!` `RefCell` or `RwLock`) can ever be
// borrowed mutably (write-locked) anywhere in its crate. A shared borrow held across a call into JS can
// only make a re-entrant call fail when that call borrows the same cell mutably: if nothing in the crate
// does, two shared borrows coexist and there is nothing to report.
//
// Decided by text over the crate's files, conservatively: every mention of the cell's name must be its
// declaration, a `use` of it, or a visibly shared access — `X.with_borrow(..)`, `X.borrow()`,
// `X.try_borrow()`, `X.read()`, `X.try_read()`, or `X.with(|c| …)` whose closure uses `c` only as
// `c.borrow()`/`c.try_borrow()`/`c.read()`/`c.try_read()`. Any other mention (`X.with(Rc::clone)`, `c`
// handed to a helper, `X.with_borrow_mut`, `X.set`, `X.take`, a file that cannot be read) counts as a
// possible mutable borrow. Only the name is known, so a same-named cell in another module counts too.

import { escapeRegExp } from './syntax';
import type { RustEnv } from './env';
import type { StateOrigin } from './state';

/** Reads another file of the workspace (the rule's `ctx.workspace.fileText`). */
export type CrateFileReader = (path: string) => string | undefined;

const GLOBAL_KINDS = new Set(['thread_local', 'static', 'lazy_static']);
const SHARED_METHOD = /^\s*\.\s*(?:with_borrow|borrow|try_borrow|read|try_read)\s*\(/;
const SHARED_PARAM_USE = /^\s*\.\s*(?:borrow|try_borrow|read|try_read)\s*\(\s*\)/;

/**
 * True unless `origin` is a global `RefCell`/`RwLock` (not behind `Rc`/`Arc`) that no code of its crate
 * can borrow mutably or write-lock (see the module comment for what counts).
 */
export function mayBeBorrowedMutably(origin: StateOrigin, env: RustEnv, readFile: CrateFileReader): boolean {
  if (!GLOBAL_KINDS.has(origin.kind) || origin.name.includes('.')) return true;
  const type = (origin.type ?? '').replace(/\s+/g, '');
  // The cell itself, not a handle that can be cloned out of the static (`Rc<RefCell<_>>`).
  if (!/^(?:(?:std|core)::(?:cell|sync)::)?(?:RefCell|RwLock)</.test(type)) return true;
  const files = env.index?.files ?? [env.path];
  const name = origin.name;
  for (const file of files) {
    const text = file === env.path ? env.text : readFile(file);
    if (text === undefined) return true;
    if (!onlySharedMentions(text, name)) return true;
  }
  return false;
}

function onlySharedMentions(text: string, name: string): boolean {
  const mention = new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`, 'g');
  for (let m = mention.exec(text); m; m = mention.exec(text)) {
    const before = text.slice(text.lastIndexOf('\n', m.index) + 1, m.index);
    const after = text.slice(m.index + name.length);
    // The declaration (`static NAME:` / `static ref NAME:`) and imports.
    if (/\bstatic\s+(?:ref\s+)?$/.test(before) || /^\s*(?:pub(?:\([^)]*\))?\s+)?use\b/.test(before)) continue;
    // Comments: a mention after `//` on the same line.
    if (before.includes('//')) continue;
    if (SHARED_METHOD.test(after)) continue;
    const withCall = /^\s*\.\s*with\s*\(\s*(?:move\s+)?\|\s*(\w+)\s*(?::[^|]*)?\|/.exec(after);
    if (withCall && closureUsesOnlyShared(after.slice(withCall[0].length), withCall[1])) continue;
    return false;
  }
  return true;
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
