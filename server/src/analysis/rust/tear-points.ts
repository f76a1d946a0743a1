// Where a multi-step update can be cut short, and what makes that harmless: early returns (`?`,
// `return`) of a function's own execution context, paths that leave a block before reaching a later
// statement, restoring guards (`scopeguard`, `defer!`, a `let _rollback = …` value, `catch_unwind`), and
// `.lock().unwrap()`-style panic points that only fire on poisoning or re-entry. The torn-state rules
// (U01's shape, U04 torn-mut-self) pair these with panic points and mutations.

import type { Node } from 'web-tree-sitter';
import { parentOf } from './parents';
import { RESULT_ACQUISITIONS, type PanicPoint } from './panic-points';
import type { StateResolver } from './state';
import { asMethodCall, macroName } from './syntax';
import { advanceCursor } from '../parsing/walk';
import { shortCode } from '../text/one-line';

/** A `?` or `return` that leaves `context` (a function item) normally, without unwinding. */
export interface EarlyReturn {
  readonly node: Node;
  readonly kind: '?' | 'return';
  /** Offset at which control leaves: effects ending before it have happened. */
  readonly position: number;
  /** How messages name it: `` `parse(x)?` `` without backticks, or `return`. */
  readonly display: string;
}

/**
 * Every `?` and `return` in `fn`'s own body (not in closures or async blocks, whose `?` returns from
 * them, nor in nested items), in document order. Iterative.
 */
export function earlyReturnsIn(fn: Node): EarlyReturn[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const out: EarlyReturn[] = [];
  const cursor = body.walk();
  try {
    if (!cursor.gotoFirstChild()) return out;
    for (;;) {
      const type = cursor.nodeType;
      let descend = true;
      if (type === 'closure_expression' || type === 'async_block' || type === 'function_item' || type === 'token_tree' ||
        type === 'impl_item' || type === 'mod_item' || type === 'trait_item' || type === 'line_comment' || type === 'block_comment') {
        descend = false;
      } else if (type === 'try_expression') {
        const node = cursor.currentNode;
        const inner = node.namedChild(0);
        out.push({ node, kind: '?', position: node.endIndex - 1, display: `${inner ? callDisplay(inner) : ''}?` });
      } else if (type === 'return_expression') {
        const node = cursor.currentNode;
        out.push({ node, kind: 'return', position: node.endIndex, display: 'return' });
      }
      if (!advanceCursor(cursor, descend)) break;
    }
  } finally {
    cursor.delete();
  }
  return out.sort((a, b) => a.position - b.position);
}

/**
 * True when every path from `from` leaves its block (`return`, `break`, `continue`, a panic) before it
 * could reach `to`: a block around `from` that does not contain `to` ends in a diverging statement.
 */
export function leavesBefore(from: Node, to: Node): boolean {
  for (let n = parentOf(from); n; n = parentOf(n)) {
    if (n.startIndex <= to.startIndex && to.endIndex <= n.endIndex) return false;
    if (n.type !== 'block') continue;
    const last = lastCodeChild(n);
    const expr = last?.type === 'expression_statement' ? last.namedChild(0) : last;
    if (!expr) continue;
    if (expr.type === 'return_expression' || expr.type === 'break_expression' || expr.type === 'continue_expression') return true;
    if (expr.type === 'macro_invocation' && /^(panic|unreachable|todo|unimplemented)$/.test(macroName(expr))) return true;
  }
  return false;
}

/**
 * A restoring guard makes an update atomic on unwind: `scopeguard::guard`/`defer!`, `catch_unwind`,
 * or a local bound to a guard-like value (`let _rollback = Rollback::new(..)`).
 */
export function hasRestoringGuard(body: Node, text: string): boolean {
  const source = text.slice(body.startIndex, body.endIndex);
  if (/\bscopeguard::|\bguard(_on_unwind|_on_success)?\s*\(|\bdefer!\s*[({[]|\bcatch_unwind\s*\(/.test(source)) return true;
  return /\blet\s+(mut\s+)?_?(guard|restore|restorer|rollback|undo|txn|transaction)\w*\s*(:[^=]*)?=\s*[A-Z]\w*(::\w+)*\s*(::\s*new|\s*\{|\s*\()/i.test(source);
}

/**
 * `.lock().unwrap()` / `.try_borrow_mut().unwrap()`: panics only on poisoning or re-entry (U02's and
 * R01's business). Also when the resolver cannot say whose lock it is (a field of a parameter,
 * `ses.client.lock().unwrap()`, or of a call's result): the zero-argument acquisitions that return a
 * `Result` are recognised by name then, whatever the receiver.
 */
export function unwrapsAcquisition(p: PanicPoint, resolver: StateResolver): boolean {
  if (p.kind !== 'unwrap') return false;
  const m = asMethodCall(p.node);
  if (!m || m.receiver.type !== 'call_expression') return false;
  if (resolver.acquisitionAt(m.receiver) !== undefined) return true;
  const acquisition = asMethodCall(m.receiver);
  return acquisition !== undefined && acquisition.args.length === 0 && RESULT_ACQUISITIONS.has(acquisition.method);
}


/**
 * A single-line range for reporting `node`: a method call whose name sits on a later line than its
 * receiver (`foo\n    .unwrap()`) is shown from the method name; anything longer is cut at its first
 * line end.
 */
export function focusRange(node: Node, text: string): { start: number; end: number } {
  let start = node.startIndex;
  const m = asMethodCall(node);
  if (m && text.slice(start, m.methodNode.startIndex).includes('\n')) start = m.methodNode.startIndex;
  const newline = text.indexOf('\n', start);
  let end = newline >= 0 && newline < node.endIndex ? newline : node.endIndex;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

/** The last named child of a block that is not a comment. */
export function lastCodeChild(block: Node): Node | null {
  for (let i = block.namedChildCount - 1; i >= 0; i--) {
    const c = block.namedChild(i);
    if (c && c.type !== 'line_comment' && c.type !== 'block_comment') return c;
  }
  return null;
}

/** `a.b(x).c(|e| …)` → `a.b(x).c(..)`: the last call's arguments elided, like panic points. */
function callDisplay(node: Node): string {
  const m = asMethodCall(node);
  if (m) return `${short(m.receiver.text)}.${m.method}(${m.args.length > 0 ? '..' : ''})`;
  return short(node.text);
}

function short(text: string): string {
  return shortCode(text, 48);
}
