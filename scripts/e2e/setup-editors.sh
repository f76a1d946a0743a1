#!/usr/bin/env bash
# Installs what the real-editor tests need, idempotently: Debian's Chromium (for Playwright),
# Neovim (a second real LSP client), the headers code-server's native addons build against, and,
# into .editor-tools/ (gitignored), Playwright's client (no browser download) and code-server 4.100.3
# (a real VS Code 1.100.3 build and its Node extension host, runnable on this machine's Node 20).
# Only the npm registry and Debian's archive are used. Re-running skips what is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOLS="${TOOLS:-$ROOT/.editor-tools}"
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
MOCHA_NOTE="mocha comes from the project's devDependencies"

need_apt=()
for pkg in chromium neovim libkrb5-dev ripgrep curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-editors: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
fi

mkdir -p "$TOOLS"
cd "$TOOLS"
[ -f package.json ] || echo '{ "name": "wasm-safety-editor-tools", "private": true }' > package.json

if [ ! -f node_modules/playwright-core/package.json ]; then
  echo "setup-editors: npm install playwright-core@$PLAYWRIGHT_VERSION"
  npm install --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION"
fi

if [ "$(node -p "try{require('./node_modules/code-server/package.json').version}catch{''}")" != "$CODE_SERVER_VERSION" ]; then
  echo "setup-editors: npm install code-server@$CODE_SERVER_VERSION (a few minutes)"
  # code-server's postinstall refuses to run as root without unsafe-perm; node-pty's postinstall
  # runs `npx node-gyp`, which this machine's npmrc (yes=false) would cancel.
  export npm_config_unsafe_perm=true npm_config_yes=true
  # @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here: seed its
  # download cache with Debian's rg so it unpacks that instead.
  RGCACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RGCACHE" "$TOOLS/rg-seed"
  cp /usr/bin/rg "$TOOLS/rg-seed/rg"
  tar czf "$RGCACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TOOLS/rg-seed" rg
  npm install --no-audit --no-fund --foreground-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION" > "$TOOLS/code-server-install.log" 2>&1 \
    || { tail -40 "$TOOLS/code-server-install.log"; exit 1; }
fi
echo "setup-editors: ready in $TOOLS (chromium $(chromium --version 2>/dev/null | awk '{print $2}'), nvim $(nvim --version | head -1 | awk '{print $2}'), code-server $CODE_SERVER_VERSION; $MOCHA_NOTE)"
