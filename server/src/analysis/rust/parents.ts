// `parentOf(node)`: a node's parent in O(1) after the first question about its branch. web-tree-sitter's
// `node.parent` re-descends from the root on every call, so walking up from a node N levels deep costs
// N² steps — minutes on generated or pathological files nested thousands deep. Here one cursor descent
// from the root records the parent of every node on the path, and later questions about any of those
// nodes are map look-ups. The index belongs to one tree and is reset at the start of each lint run
// ({@link resetParentIndex}), so it never holds nodes of an older run.

import type { Node, Tree } from 'web-tree-sitter';

const INDEXES = new WeakMap<Tree, Map<number, Node | null>>();

/** Starts a fresh index for the tree of `root` (called when a lint run creates its environment). */
export function resetParentIndex(root: Node): void {
  INDEXES.set(root.tree, new Map());
}

export function parentOf(node: Node): Node | null {
  let index = INDEXES.get(node.tree);
  if (!index) {
    index = new Map();
    INDEXES.set(node.tree, index);
  }
  const cached = index.get(node.id);
  if (cached !== undefined) return cached;
  recordPathTo(node, index);
  const recorded = index.get(node.id);
  if (recorded !== undefined) return recorded;
  const parent = node.parent;
  index.set(node.id, parent);
  return parent;
}

/** One descent from the root to `node`, recording each node's parent on the way. */
function recordPathTo(node: Node, index: Map<number, Node | null>): void {
  const root = node.tree.rootNode;
  if (root.id === node.id) {
    index.set(node.id, null);
    return;
  }
  const cursor = root.walk();
  try {
    let current = root;
    const nonEmpty = node.endIndex > node.startIndex;
    for (let depth = 0; depth < 100_000; depth++) {
      // Fast path for a non-empty node: jump straight to the first child ending after its start (one
      // call into the runtime instead of a JS step per sibling, which made long files quadratic). Every
      // sibling before that child ends at or before the node's start, so none of them can be the node or
      // contain it: the child the sibling scan below would pick is this one or none.
      if (nonEmpty) {
        if (!cursor.gotoFirstChildForIndex(node.startIndex)) return;
        if (cursor.nodeId !== node.id && !(cursor.startIndex <= node.startIndex && node.endIndex <= cursor.endIndex && cursor.endIndex > cursor.startIndex)) return;
        const child = cursor.currentNode;
        index.set(child.id, current);
        if (child.id === node.id) return;
        current = child;
        continue;
      }
      if (!cursor.gotoFirstChild()) return;
      let found = false;
      for (;;) {
        // Every sibling passed on the way has the same parent: record it too (ids only, no Node objects), so
        // later questions about the siblings of a long list (statements of a big block) are look-ups, not scans.
        if (!index.has(cursor.nodeId)) index.set(cursor.nodeId, current);
        if (cursor.nodeId === node.id || (cursor.startIndex <= node.startIndex && node.endIndex <= cursor.endIndex && cursor.endIndex > cursor.startIndex)) {
          found = true;
          break;
        }
        if (!cursor.gotoNextSibling()) break;
      }
      if (!found) return;
      const child = cursor.currentNode;
      index.set(child.id, current);
      if (child.id === node.id) return;
      current = child;
    }
  } finally {
    cursor.delete();
  }
}
