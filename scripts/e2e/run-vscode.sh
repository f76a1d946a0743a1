#!/usr/bin/env bash
# Starts a real VS Code server (code-server 4.100.3 = VS Code 1.100.3, from .editor-tools/) on
# 127.0.0.1, runs one VS Code end-to-end test in Debian's Chromium, and stops the server.
#   MODE=tests  the Mocha suite (out/client/src/test/suite/index.js) inside the real Node extension
#               host, with the extension loaded from the repository (development mode)
#   MODE=ui     Playwright drives the workbench with the extension installed from VSIX=<file>
#   RESTRICTED=1  workspace trust on and the folder untrusted (Restricted Mode)
#   WS=<folder>   the workspace to copy and open (default: test-fixtures/sample-workspace)
# Writes logs and screenshots under test-output/e2e/<mode>/. Exit code = the test's.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/scripts/e2e"
TOOLS="${TOOLS:-$ROOT/.editor-tools}"
MODE="${MODE:-tests}"
WS_SRC="$(realpath "${WS:-$ROOT/test-fixtures/sample-workspace}")"
OUT="${OUT:-$ROOT/test-output/e2e/$MODE}"
CS="$TOOLS/node_modules/code-server"
[ -f "$CS/out/node/entry.js" ] || { echo "code-server is not installed: run scripts/e2e/setup-editors.sh" >&2; exit 2; }
PORT="${PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
RUN="$(mktemp -d /tmp/wasm-safety-vscode.XXXXXX)"
rm -rf "$OUT" && mkdir -p "$OUT" "$RUN/data/User" "$RUN/exts" "$RUN/config"
cp -r "$WS_SRC" "$RUN/ws"   # the tests edit files: always a fresh copy

TRUST=false
[ "${RESTRICTED:-0}" = 1 ] && TRUST=true
cat > "$RUN/data/User/settings.json" <<JSON
{ "security.workspace.trust.enabled": $TRUST, "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.untrustedFiles": "open", "security.workspace.trust.banner": "never",
  "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "update.mode": "none",
  "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true, "git.enabled": false,
  "typescript.disableAutomaticTypeAcquisition": true, "chat.disableAIFeatures": true,
  "workbench.enableExperiments": false, "window.restoreWindows": "none", "files.autoSave": "off" }
JSON
export XDG_CONFIG_HOME="$RUN/config"   # keep code-server and Chromium out of ~/.config
export EXTENSIONS_GALLERY='{}'         # no gallery lookups: no traffic leaves 127.0.0.1
export WASM_SAFETY_E2E_RESTRICTED="${RESTRICTED:-0}"   # read by the suite in the extension host

if [ "$MODE" = ui ]; then
  VSIX="$(realpath "${VSIX:?MODE=ui needs VSIX=<file.vsix>}")"
  node "$CS/out/node/entry.js" --config "$RUN/config/cs.yaml" --user-data-dir "$RUN/data" \
    --extensions-dir "$RUN/exts" --install-extension "$VSIX" > "$OUT/install.log" 2>&1
fi

set -m   # the server gets its own process group, so the whole tree is stopped at the end
TRUST_FLAG=--disable-workspace-trust
[ "${RESTRICTED:-0}" = 1 ] && TRUST_FLAG=
node "$CS/out/node/entry.js" --config "$RUN/config/cs.yaml" --auth none \
  --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check $TRUST_FLAG \
  --disable-getting-started-override --user-data-dir "$RUN/data" --extensions-dir "$RUN/exts" \
  > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
set +m
cleanup() {
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  # Keep the editor's logs (the extension's output channel among them) next to the test output.
  [ -d "$RUN/data/logs" ] && cp -r "$RUN/data/logs" "$OUT/editor-logs" 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done

export TOOLS
rc=0
if [ "$MODE" = ui ]; then
  WORKSPACE="$RUN/ws" node "$HERE/vscode-ui.mjs" "http://127.0.0.1:$PORT/?folder=$RUN/ws" "$OUT" || rc=$?
else
  node "$HERE/vscode-ext-tests.mjs" "http://127.0.0.1:$PORT" "$ROOT" "$ROOT/out/client/src/test/suite/index.js" "$RUN/ws" || rc=$?
fi
exit $rc
