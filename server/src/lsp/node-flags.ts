// Node/V8 flags the language server is started with (the VS Code extension's launch, the benchmark,
// the README's recipe for other editors). A plain constant module with no imports, so the client bundle
// and the scripts can share it.
//
// `--max-semi-space-size=2` (MB): V8's young generation otherwise grows to 16 MB per semi-space during a
// burst of work (opening a thousand files, a long run of edits) and keeps that heap reserved afterwards;
// capped, the server's RSS after closing everything stays within a few percent of where it started
// (docs/performance.md), and edit latency is unchanged in the benchmark.
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
