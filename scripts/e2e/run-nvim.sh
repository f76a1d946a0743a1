#!/usr/bin/env bash
# Runs the headless Neovim LSP test against `dist/cli.js lsp --stdio` on a copy of the sample workspace.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
command -v nvim >/dev/null || { echo "nvim is not installed: run scripts/e2e/setup-editors.sh" >&2; exit 2; }
[ -f "$ROOT/dist/cli.js" ] || { echo "dist/cli.js is missing: run npm run build" >&2; exit 2; }
RUN="$(mktemp -d /tmp/wasm-safety-nvim.XXXXXX)"
trap 'rm -rf "$RUN"' EXIT
cp -r "$ROOT/test-fixtures/sample-workspace" "$RUN/ws"
# --clean: no user config, filetype detection on; XDG_* keep Neovim's lsp.log inside the run dir.
XDG_CACHE_HOME="$RUN/cache" XDG_STATE_HOME="$RUN/state" XDG_DATA_HOME="$RUN/data" \
WS_CLI="$ROOT/dist/cli.js" WS_FILE="$RUN/ws/store/src/lib.rs" WS_ROOT="$RUN/ws" WS_CODE=borrow-held-across-js-call \
  timeout "${NVIM_TIMEOUT:-90}" nvim --headless --clean -c "luafile $ROOT/scripts/e2e/nvim-lsp.lua"
