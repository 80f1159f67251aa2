#!/usr/bin/env bash
# Runs the benchmarks (bench/*.bench.ts) with the back-end plugin's jest setup.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/plugins/observability-backend"
exec backstage-cli package test --roots "$ROOT/bench" --testMatch '**/*.bench.ts' \
  --testTimeout 900000 --runInBand "$@"
