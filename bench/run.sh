#!/usr/bin/env bash
# Runs the benchmarks (bench/*.bench.ts) with the back-end plugin's jest setup:
# `yarn bench` all of them, `yarn bench fleet` those whose file name matches.
# `yarn bench fleet-page` (or fleetPage) runs the fleet page in Chromium instead
# (bench/fleet-page, Playwright; not part of plain `yarn bench`).
set -euo pipefail
# Outside CI `backstage-cli package test` runs jest in watch mode, which only looks at
# files changed since the last commit: none, so nothing would run.
export CI=true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-}" in
  fleet-page | fleetPage)
    shift
    cd "$ROOT"
    exec playwright test --config bench/fleet-page/playwright.config.ts "$@"
    ;;
esac
cd "$ROOT/plugins/observability-backend"
exec backstage-cli package test --roots "$ROOT/bench" --testMatch '**/*.bench.ts' \
  --testPathIgnorePatterns '/bench/fleet-page/' --testTimeout 900000 --runInBand "$@"
