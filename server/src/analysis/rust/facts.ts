// One pass over a function body that files the nodes every Rust predicate looks at (calls,
// awaits, macros, indexing, operators, assignments, closures, lets…) in document order. Rules and
// predicates then filter these lists by range instead of re-walking the tree. Nested `fn` items are
// left out: they are separate functions with facts of their own.

import type { Node } from 'web-tree-sitter';

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

/**
 * Subtrees left out: nested functions (facts of their own), comments, attributes (`#[doc = m!(…)]`
 * holds expressions that do not run), `macro_rules!` bodies and macro token trees (unparsed tokens).
 */
const SKIPPED = new Set(['function_item', 'line_comment', 'block_comment', 'attribute_item', 'macro_definition', 'token_tree']);
const WANTED = [...new Set([...Object.keys(FILED), ...SKIPPED])];
const LIST_OF_TYPE = new Map(Object.entries(FILED));

/**
 * Node types a whole-file search must include for its list to serve `collectFunctionFacts` (and the
 * file scan of env.ts: `struct_item`, `function_item`): the Linter's one search per file in scans.
 */
export const FILE_NODE_TYPES: readonly string[] = [...new Set([...WANTED, 'struct_item'])];

/**
 * `owner` and its descendants in `fileNodes` (the file's nodes of at least FILE_NODE_TYPES, pre-order,
 * from one search of the whole tree): a slice, since pre-order puts a node's subtree right after it and
 * nothing after the subtree starts before the node ends. Undefined when `owner` is not in the list or
 * a zero-width node sits at its end (it may or may not be inside: the search of the owner decides).
 */
function subtreeIn(fileNodes: readonly Node[], owner: Node): readonly Node[] | undefined {
  const start = owner.startIndex;
  const end = owner.endIndex;
  if (end <= start) return undefined;
  let lo = 0;
  let hi = fileNodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fileNodes[mid].startIndex < start) lo = mid + 1;
    else hi = mid;
  }
  let first = -1;
  for (let i = lo; i < fileNodes.length && fileNodes[i].startIndex === start; i++) {
    if (fileNodes[i].id === owner.id) {
      first = i;
      break;
    }
  }
  if (first < 0) return undefined;
  let last = first + 1;
  while (last < fileNodes.length && fileNodes[last].startIndex < end) last++;
  for (let i = last; i < fileNodes.length && fileNodes[i].startIndex === end; i++) if (fileNodes[i].endIndex === end) return undefined;
  return fileNodes.slice(first, last);
}

/**
 * `fileNodes`: the file's nodes of at least FILE_NODE_TYPES in pre-order (one search of the whole tree
 * made by the Linter); the facts are then a filter of its slice for `owner`, with no search of its own.
 */
export function collectFunctionFacts(owner: Node, fileNodes?: readonly Node[]): FunctionFacts {
  const lists: Record<string, Node[]> = {};
  for (const key of Object.values(FILED)) lists[key] = [];
  // One search inside the tree-sitter runtime (pre-order, like a cursor walk) hands over only the
  // nodes of the types above: a cursor step and a type read per node cost far more crossings.
  const found = (fileNodes && subtreeIn(fileNodes, owner)) ?? owner.descendantsOfType(WANTED);
  let skipEnd = -1;
  for (const node of found) {
    if (node.id === owner.id) continue; // the search includes its own root
    if (node.startIndex < skipEnd) continue; // inside a skipped subtree (pre-order: it follows its root)
    const type = node.type;
    if (SKIPPED.has(type)) {
      skipEnd = node.endIndex;
      continue;
    }
    const list = LIST_OF_TYPE.get(type);
    if (list) lists[list].push(node); // a file list also holds types the facts do not file
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
