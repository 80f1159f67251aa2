#!/usr/bin/env bash
# One entry point for `npm start` and `npm test` on a fresh machine: it brings Node 22
# (from the npm registry, into .tools/), runs the committed Yarn 4 release and installs
# dependencies with --immutable, then runs the requested command. Every step is skipped
# when it is already done, so a warm run costs a second or two.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/.tools"
NODE_PKG_VERSION="22.23.3"
FLEETOBS_YARN_JS="$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"

log() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local sys
  sys="$(command -v node || true)"
  if [ -n "$sys" ] && [ "$(node_major "$sys")" -ge 22 ]; then
    # The binary itself: under `yarn run`, the `node` on PATH is a shim in a temporary folder.
    NODE_HOME="$(dirname "$(dirname "$("$sys" -p process.execPath)")")"
    return
  fi
  local dir
  dir="$(ls -d "$TOOLS"/node_modules/node/node_modules/node-linux-* 2>/dev/null | head -n 1 || true)"
  if [ -z "$dir" ] || [ "$(node_major "$dir/bin/node")" -lt 22 ]; then
    command -v npm >/dev/null || { log "npm is needed to fetch Node 22; install Node.js and npm first"; exit 1; }
    log "installing Node $NODE_PKG_VERSION from the npm registry into .tools/ (system Node is $(node -v 2>/dev/null || echo missing))"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-save --no-package-lock --loglevel=error "node@$NODE_PKG_VERSION" >&2
    dir="$(ls -d "$TOOLS"/node_modules/node/node_modules/node-linux-* | head -n 1)"
  fi
  NODE_HOME="$dir"
}

ensure_node
export PATH="$NODE_HOME/bin:$ROOT/scripts/bin:$PATH"
# Native modules (better-sqlite3, isolated-vm) build from source here: point node-gyp at
# the headers of the Node that will load them, not at the system Node's.
export npm_config_nodedir="$NODE_HOME"
export FLEETOBS_YARN_JS

# Install dependencies when the lockfile, a manifest or the Node version changed.
stamp_file="$ROOT/node_modules/.fleetobs-install-stamp"
stamp="$( (node -v; cat yarn.lock package.json packages/*/package.json plugins/*/package.json) | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$stamp" ]; then
  log "installing dependencies (yarn install --immutable)"
  node "$FLEETOBS_YARN_JS" install --immutable
  echo "$stamp" >"$stamp_file"
fi

cmd="${1:-}"
shift || true
case "$cmd" in
  start) exec bash "$ROOT/scripts/start-demo.sh" "$@" ;;
  test) exec bash "$ROOT/scripts/test-all.sh" "$@" ;;
  exec) exec "$@" ;;
  *)
    log "usage: scripts/bootstrap.sh start|test|exec <command...>"
    exit 2
    ;;
esac
