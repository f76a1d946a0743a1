// `parentOf(node)`: a node's parent in O(1) after the first question about its branch. web-tree-sitter's
// `node.parent` re-descends from the root on every call, so walking up from a node N levels deep costs
// N² steps — minutes on generated or pathological files nested thousands deep. Here one cursor descent
// from the root records the parent of every node on the path, and later questions about any of those
// nodes are map look-ups. The index belongs to one tree and is reset at the start of each lint run
// ({@link resetParentIndex}), so it never holds nodes of an older run.

import type { Node, Tree } from 'web-tree-sitter';
import { checkAnalysisBudget } from '../parsing/budget';

interface ParentIndex {
  readonly parents: Map<number, Node | null>;
  /** The root-to-node path of the latest descent: the next descent starts from its deepest node that
   * contains the node asked about, so asking about nodes in document order (what rules do) costs the
   * depth difference, not the full depth — otherwise 10,000 nested closures take minutes (issue 9). */
  lastPath: Node[];
}

const INDEXES = new WeakMap<Tree, ParentIndex>();

/** Starts a fresh index for the tree of `root` (called when a lint run creates its environment). */
export function resetParentIndex(root: Node): void {
  INDEXES.set(root.tree, { parents: new Map(), lastPath: [] });
}

export function parentOf(node: Node): Node | null {
  let index = INDEXES.get(node.tree);
  if (!index) {
    index = { parents: new Map(), lastPath: [] };
    INDEXES.set(node.tree, index);
  }
  const cached = index.parents.get(node.id);
  if (cached !== undefined) return cached;
  recordPathTo(node, index);
  const recorded = index.parents.get(node.id);
  if (recorded !== undefined) return recorded;
  const parent = node.parent;
  index.parents.set(node.id, parent);
  return parent;
}

/** One descent to `node` (from the deepest containing node of the previous path, else the root), recording each node's parent on the way. */
function recordPathTo(node: Node, index: ParentIndex): void {
  const root = node.tree.rootNode;
  if (root.id === node.id) {
    index.parents.set(node.id, null);
    return;
  }
  const previous = index.lastPath.length > 0 && index.lastPath[0].id === root.id ? index.lastPath : [root];
  // Containment is monotonic along a path (an ancestor contains whatever its descendant contains): binary search.
  let low = 0;
  let high = previous.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (contains(previous[mid], node)) low = mid;
    else high = mid - 1;
  }
  if (descend(previous.slice(0, low + 1), node, index)) return;
  // A zero-width node at the edge of a range can be contained without being a descendant: retry from the root.
  if (low > 0) descend([root], node, index);
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Descends from the last node of `path` towards `node`, extending `path`; true when `node` was reached. */
function descend(path: Node[], node: Node, index: ParentIndex): boolean {
  const { parents } = index;
  let current = path[path.length - 1];
  const cursor = current.walk();
  try {
    const nonEmpty = node.endIndex > node.startIndex;
    for (let depth = 0; depth < 100_000; depth++) {
      checkAnalysisBudget();
      let found = false;
      if (nonEmpty) {
        // Fast path for a non-empty node: jump straight to the first child ending after its start (one
        // call into the runtime instead of a JS step per sibling, which made long flat files quadratic).
        // Every sibling before that child ends at or before the node's start, so none of them can be the
        // node or contain it: the child the sibling scan below would pick is this one or none.
        if (!cursor.gotoFirstChildForIndex(node.startIndex)) return false;
        found = cursor.nodeId === node.id || (cursor.startIndex <= node.startIndex && node.endIndex <= cursor.endIndex && cursor.endIndex > cursor.startIndex);
      } else {
        if (!cursor.gotoFirstChild()) return false;
        for (;;) {
          // Every sibling passed on the way has the same parent: record it too (ids only, no Node objects), so
          // later questions about the siblings of a long list (statements of a big block) are look-ups, not scans.
          if (!parents.has(cursor.nodeId)) parents.set(cursor.nodeId, current);
          if (cursor.nodeId === node.id || (cursor.startIndex <= node.startIndex && node.endIndex <= cursor.endIndex && cursor.endIndex > cursor.startIndex)) {
            found = true;
            break;
          }
          if (!cursor.gotoNextSibling()) break;
        }
      }
      if (!found) return false;
      const child = cursor.currentNode;
      parents.set(child.id, current);
      path.push(child);
      index.lastPath = path;
      if (child.id === node.id) return true;
      current = child;
    }
    return false;
  } finally {
    cursor.delete();
  }
}
