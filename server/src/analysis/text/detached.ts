// Copies of strings that must not keep a document's text alive. A string web-tree-sitter hands out for
// a node (`node.text`) is a slice of the text it parsed, and V8 keeps the whole parent string alive for
// as long as any slice of it lives. Caches that outlive a version of a document (the incremental
// Linter's per-unit results, the per-unit summaries and scans) would otherwise keep one whole old
// version of the file alive per cached entry: hundreds of megabytes after a long editing session.

/** A deep copy of plain JSON data whose strings are fresh (not slices of anything). */
export function detached<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
