#!/usr/bin/env bash
# Runs the benchmarks (bench/*.bench.ts) with the back-end plugin's jest setup:
# `yarn bench` all of them, `yarn bench fleet` those whose file name matches.
set -euo pipefail
# Outside CI `backstage-cli package test` runs jest in watch mode, which only looks at
# files changed since the last commit: none, so nothing would run.
export CI=true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/plugins/observability-backend"
exec backstage-cli package test --roots "$ROOT/bench" --testMatch '**/*.bench.ts' \
  --testTimeout 900000 --runInBand "$@"
