#!/usr/bin/env bash
# Starts the demo portal: the fleet simulator (Thanos / Elasticsearch / Jaeger /
# Alertmanager / Kubernetes stand-in), the GitHub stand-in over the demo GitOps
# repository, then the front end on :3000 and the back end on :7007.
# Run through scripts/bootstrap.sh (npm start), which sets up Node 22 and Yarn.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEMO="$ROOT/.demo"
mkdir -p "$DEMO/sqlite"

# The demo GitOps repository (bare, like a Git host's), served by the GitHub stand-in
# (packages/github-simulator): templates fetch from it and open pull requests against it.
if [ ! -f "$DEMO/gitops.git/HEAD" ] && [ -d examples/gitops-repo ]; then
  echo "[start] creating the demo GitOps repository in .demo/gitops.git" >&2
  seed="$(mktemp -d)"
  cp -r examples/gitops-repo/. "$seed"
  git -C "$seed" init -q -b main
  git -C "$seed" add -A
  git -C "$seed" -c user.name=fleetobs-demo -c user.email=demo@fleetobs.invalid \
    commit -q -m "Seed of the demo GitOps repository"
  rm -rf "$DEMO/gitops.git"
  git clone -q --bare "$seed" "$DEMO/gitops.git"
  rm -rf "$seed"
fi

# The token the portal presents to the GitHub stand-in (integrations.github of
# app-config.yaml); made once per checkout, never committed.
if [ ! -s "$DEMO/github-token" ]; then
  (umask 077; node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))' >"$DEMO/github-token")
fi
export FLEETOBS_DEMO_GITHUB_TOKEN="$(cat "$DEMO/github-token")"

# Demo key material (CA, Sealed Secrets controller stand-in) for the onboarding template.
bash plugins/scaffolder-backend-module-obs/scripts/generate-demo-pki.sh "$DEMO/pki" >/dev/null

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

yarn workspace @fleetobs/fleet-simulator start &
pids+=($!)

GITHUB_SIMULATOR_REPO="$DEMO/gitops.git" GITHUB_SIMULATOR_TOKEN="$FLEETOBS_DEMO_GITHUB_TOKEN" \
  yarn workspace @fleetobs/github-simulator start &
pids+=($!)

yarn dev --config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo.yaml" &
pids+=($!)
wait -n "${pids[@]}"
