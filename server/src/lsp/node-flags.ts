// Node/V8 flags the language server is started with (the VS Code extension's launch, the benchmark,
// the README's recipe for other editors). A plain constant module with no imports, so the client bundle
// and the scripts can share it.
//
// `--max-semi-space-size=8` (MB): V8's young generation otherwise grows to 16 MB per semi-space during a
// burst of work (opening a thousand files) and keeps that heap reserved afterwards (RSS ×1.23 after
// opening and closing 1,000 documents in the benchmark; ×1.01 with the cap). A smaller cap (2 MB) also
// keeps memory flat but makes edits slower: every incremental lint then pays several scavenges
// (docs/performance.md).
//
// `--expose-gc`: lets the server collect the young generation while it is idle between keystrokes
// (lsp/idle-gc.ts) instead of in the middle of the next keystroke's lint. Without it the server works
// the same, with scavenges wherever V8 needs them.
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--expose-gc'];
