#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest: types, lint, format,
# unit + integration tests of all packages, browser tests against the demo portal, then
# the adoption test (a stock app installs the packed packages by the READMEs).
# Run through scripts/bootstrap.sh (npm test), which sets up Node 22 and Yarn.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CI=true
step() { printf '\n\033[1;34m[test]\033[0m %s\n' "$*" >&2; }

# Servers the tests run for real: Chromium (browser tests), Prometheus (metrics checks
# evaluated by a real PromQL engine), PostgreSQL (stores tested on SQLite and PG) and
# Redis (the shared cache of the multi-replica test).
bash "$ROOT/scripts/ensure-system-packages.sh"
source "$ROOT/scripts/postgres-env.sh"
source "$ROOT/scripts/redis-env.sh"

step "type check (yarn tsc)"
yarn tsc
step "API reports of the published packages are current (backstage-repo-tools api-reports --ci)"
yarn test:api-reports
step "publish metadata of the packages is applied (backstage-cli repo fix --publish --check)"
yarn test:publish-fix || { echo "Apply it with: yarn fix (backstage-cli repo fix --publish)" >&2; exit 1; }
step "dependencies of the published packages are the imported ones (backstage-repo-tools knip-reports --ci, reports empty)"
# knip finds declared-but-unused dependencies and imported-but-undeclared ones; the committed
# reports are empty, so any finding changes a report and fails here. (knip-reports leaves its
# generated knip.json behind when it fails.)
if ! yarn test:knip-reports || grep -l '^## ' plugins/*/knip-report.md; then
  rm -f "$ROOT/knip.json"
  echo "Remove the unused dependency from (or declare the imported one in) the package.json above; the knip reports are to stay empty." >&2
  exit 1
fi
step "front-end bundle budgets: gzip size of the plugin's entry and lazy chunks (scripts/check-bundle-budgets.js)"
yarn test:bundle-budgets
step "production config against the config schema (backstage-cli config:check)"
bash "$ROOT/deploy/check-config.sh"
step "lint (all packages)"
yarn lint
step "format (prettier --check)"
yarn prettier:check
step "unit and integration tests (backstage-cli repo test)"
yarn test:unit
step "browser tests (playwright, Debian chromium)"
yarn test:e2e
step "adoption: a stock create-app app installs the packed suite by the READMEs' own code blocks (scripts/adoption)"
yarn test:adoption
