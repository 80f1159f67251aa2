#!/usr/bin/env bash
# Starts the demo portal: the fleet simulator (Thanos / Elasticsearch / Jaeger /
# Alertmanager stand-in), then the front end on :3000 and the back end on :7007.
# Run through scripts/bootstrap.sh (npm start), which sets up Node 22 and Yarn.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEMO="$ROOT/.demo"
mkdir -p "$DEMO/sqlite"

# The demo GitOps repository that templates open their "pull requests" against.
if [ ! -d "$DEMO/gitops/.git" ] && [ -d examples/gitops-repo ]; then
  echo "[start] creating the demo GitOps repository in .demo/gitops" >&2
  rm -rf "$DEMO/gitops"
  cp -r examples/gitops-repo "$DEMO/gitops"
  git -C "$DEMO/gitops" init -q -b main
  git -C "$DEMO/gitops" add -A
  git -C "$DEMO/gitops" -c user.name=fleetobs-demo -c user.email=demo@fleetobs.invalid \
    commit -q -m "Seed of the demo GitOps repository"
fi

# Demo key material (CA, Sealed Secrets controller stand-in) for the onboarding template.
bash plugins/scaffolder-backend-module-obs/scripts/generate-demo-pki.sh "$DEMO/pki" >/dev/null

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

yarn workspace @fleetobs/fleet-simulator start &
pids+=($!)

yarn dev --config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo.yaml" &
pids+=($!)
wait -n "${pids[@]}"
