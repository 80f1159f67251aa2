#!/usr/bin/env bash
# Validates the production profile (app-config.yaml + app-config.production.yaml) against
# the config schema of every package of the repo, the way the image loads it: the two
# files alone in a folder, as in /app (so a `$file` include of something the image does
# not have fails here too), dummy values for the environment variables and dummy PEM
# files for the mounted certificates. Then the demo profile (app-config.yaml +
# app-config.demo.yaml, what `npm start` runs), with dummy files for the demo key
# material that the start script generates into .demo/pki. `--strict`: without it
# config:check only warns about schema errors, and undeclared keys pass. Run from
# anywhere: `bash deploy/check-config.sh` (test-all.sh runs it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
app="$work/app"
secrets="$work/secrets"
mkdir -p "$app"
cp app-config.yaml app-config.production.yaml "$app/"

for upstream in thanos elasticsearch jaeger alertmanager; do
  mkdir -p "$secrets/$upstream"
  for file in ca.crt tls.crt; do
    printf -- '-----BEGIN CERTIFICATE-----\nZHVtbXk=\n-----END CERTIFICATE-----\n' >"$secrets/$upstream/$file"
  done
  printf -- '-----BEGIN PRIVATE KEY-----\nZHVtbXk=\n-----END PRIVATE KEY-----\n' >"$secrets/$upstream/tls.key"
done
mkdir -p "$secrets/sealed-secrets"
for cluster in dev-01 stag-01 prod-01 ops-01; do
  printf -- '-----BEGIN CERTIFICATE-----\nZHVtbXk=\n-----END CERTIFICATE-----\n' >"$secrets/sealed-secrets/$cluster.crt"
done

export FLEETOBS_SECRETS_DIR="$secrets" \
  APP_BASE_URL=https://portal.example.com \
  POSTGRES_HOST=postgres.example.internal POSTGRES_PORT=5432 \
  POSTGRES_USER=backstage POSTGRES_PASSWORD=dummy \
  REDIS_URL=redis://redis.example.internal:6379 \
  AUTH_GITHUB_CLIENT_ID=dummy AUTH_GITHUB_CLIENT_SECRET=dummy \
  GITHUB_TOKEN=dummy GITHUB_ORG=example-org GITOPS_REPO_URL=https://github.com/example-org/gitops ELASTICSEARCH_API_KEY=ZHVtbXk6ZHVtbXk= ARGOCD_TOKEN=dummy

yarn backstage-cli config:check --lax --strict \
  --config "$app/app-config.yaml" --config "$app/app-config.production.yaml"

# The demo profile: its `$file` includes are relative to the config files.
demo="$work/demo"
mkdir -p "$demo/.demo/pki"
cp app-config.yaml app-config.demo.yaml "$demo/"
for file in ca.crt sealed-secrets.crt; do
  printf -- '-----BEGIN CERTIFICATE-----\nZHVtbXk=\n-----END CERTIFICATE-----\n' >"$demo/.demo/pki/$file"
done
printf -- '-----BEGIN PRIVATE KEY-----\nZHVtbXk=\n-----END PRIVATE KEY-----\n' >"$demo/.demo/pki/ca.key"

yarn backstage-cli config:check --lax --strict \
  --config "$demo/app-config.yaml" --config "$demo/app-config.demo.yaml"
