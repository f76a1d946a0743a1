// Iterative tree walks with a single TreeCursor (files nest thousands of levels deep, so no recursion).
// The cursor is created and deleted here; callers only ever see Nodes, valid until their tree changes.

import type { Node, TreeCursor } from 'web-tree-sitter';
import { checkAnalysisBudget } from './budget';

/** What a visitor returns: `false` skips the node's children; anything else descends. */
export type VisitResult = boolean | void;

/** Visits every node below and including `root` in document order (pre-order). */
export function walkTree(root: Node, visit: (node: Node) => VisitResult): void {
  const cursor = root.walk();
  try {
    let descend = visit(cursor.currentNode) !== false;
    for (;;) {
      checkAnalysisBudget();
      if (descend && cursor.gotoFirstChild()) {
        descend = visit(cursor.currentNode) !== false;
        continue;
      }
      // Climb until a next sibling exists; stop when back at the root.
      for (;;) {
        if (cursor.currentDepth === 0) return;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
      }
      descend = visit(cursor.currentNode) !== false;
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Moves a cursor made by `node.walk()` to the next node in pre-order (into the children first when
 * `descend`); returns false once the walk is back at its starting node. The one step every hand-written
 * cursor loop needs, so loops that read `cursor.nodeType` without materialising nodes stay short.
 */
export function advanceCursor(cursor: TreeCursor, descend: boolean): boolean {
  checkAnalysisBudget();
  if (descend && cursor.gotoFirstChild()) return true;
  for (;;) {
    if (cursor.gotoNextSibling()) return true;
    if (!cursor.gotoParent() || cursor.currentDepth === 0) return false;
  }
}

/** Every descendant of `root` (not `root` itself) whose type is in `types`, in document order. */
export function descendantsOfTypes(root: Node, types: ReadonlySet<string>, skip?: (node: Node) => boolean): Node[] {
  const out: Node[] = [];
  walkTree(root, (node) => {
    if (node.id !== root.id) {
      if (skip?.(node)) return false;
      if (types.has(node.type)) out.push(node);
    }
    return true;
  });
  return out;
}

/** The nearest ancestor (not the node itself) whose type is in `types`. */
export function closestAncestor(node: Node, types: ReadonlySet<string> | string): Node | null {
  const match = typeof types === 'string' ? (t: string) => t === types : (t: string) => types.has(t);
  for (let n = node.parent; n; n = n.parent) if (match(n.type)) return n;
  return null;
}

/** True when `inner` lies within `outer` (by range; both from the same tree). */
export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** True when the subtree has ERROR or MISSING nodes anywhere. */
export function countSyntaxErrors(root: Node): number {
  let count = 0;
  walkTree(root, (node) => {
    if (node.type === 'ERROR' || node.isMissing) count++;
    return node.hasError || node.isMissing;
  });
  return count;
}
