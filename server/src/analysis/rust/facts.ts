// One iterative pass over a function body that files the nodes every Rust predicate looks at (calls,
// awaits, macros, indexing, operators, assignments, closures, lets…) in document order. Rules and
// predicates then filter these lists by range instead of re-walking the tree. Nested `fn` items are
// left out: they are separate functions with facts of their own.

import type { Node } from 'web-tree-sitter';
import { advanceCursor } from '../parsing/walk';

export interface FunctionFacts {
  /** The `function_item` (or closure/async block for a free-standing unit) the facts describe. */
  readonly owner: Node;
  readonly calls: readonly Node[];
  readonly awaits: readonly Node[];
  readonly macros: readonly Node[];
  readonly indexes: readonly Node[];
  readonly binaries: readonly Node[];
  readonly assignments: readonly Node[];
  readonly compoundAssignments: readonly Node[];
  readonly closures: readonly Node[];
  readonly asyncBlocks: readonly Node[];
  readonly lets: readonly Node[];
  readonly letConditions: readonly Node[];
  readonly forLoops: readonly Node[];
  readonly matchArms: readonly Node[];
  readonly ifs: readonly Node[];
}

const FILED: Record<string, keyof Omit<FunctionFacts, 'owner'>> = {
  call_expression: 'calls',
  await_expression: 'awaits',
  macro_invocation: 'macros',
  index_expression: 'indexes',
  binary_expression: 'binaries',
  assignment_expression: 'assignments',
  compound_assignment_expr: 'compoundAssignments',
  closure_expression: 'closures',
  async_block: 'asyncBlocks',
  let_declaration: 'lets',
  let_condition: 'letConditions',
  for_expression: 'forLoops',
  match_arm: 'matchArms',
  if_expression: 'ifs',
};

export function collectFunctionFacts(owner: Node): FunctionFacts {
  const lists: Record<string, Node[]> = {};
  for (const key of Object.values(FILED)) lists[key] = [];
  const cursor = owner.walk();
  try {
    if (cursor.gotoFirstChild()) {
      for (;;) {
        const type = cursor.nodeType;
        let descend = true;
        if (type === 'function_item' || type === 'line_comment' || type === 'block_comment' || type === 'attribute_item' || type === 'macro_definition') {
          descend = false;
        } else {
          const key = FILED[type];
          if (key) lists[key].push(cursor.currentNode);
          // Macro bodies are unparsed token trees: nothing below them is an expression.
          if (type === 'token_tree') descend = false;
        }
        if (!advanceCursor(cursor, descend)) break;
      }
    }
  } finally {
    cursor.delete();
  }
  return { owner, ...(lists as unknown as Omit<FunctionFacts, 'owner'>) };
}

/** Nodes of `list` lying within [start, end). `list` is in document order. */
export function nodesWithin(list: readonly Node[], start: number, end: number): Node[] {
  const out: Node[] = [];
  for (const n of list) {
    if (n.startIndex >= end) break;
    if (n.startIndex >= start && n.endIndex <= end) out.push(n);
  }
  return out;
}
