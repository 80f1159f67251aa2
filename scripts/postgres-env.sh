# Sourced by test-all.sh: starts the local PostgreSQL cluster (Debian) and exports the
# connection string that @backstage/backend-test-utils' TestDatabases reads.
pg_version="$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)"
if [ -n "$pg_version" ]; then
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$pg_version main .* online"; then
    pg_ctlcluster "$pg_version" main start >/dev/null 2>&1 || true
  fi
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${pg_version}_CONNECTION_STRING=postgresql://postgres:postgres@127.0.0.1:5432"
  export BACKSTAGE_TEST_DISABLE_DOCKER=1
fi
