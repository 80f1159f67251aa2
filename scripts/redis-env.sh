# Sourced by test-all.sh: starts a local Redis (Debian redis-server) for the multi-replica
# tests, on its own port and without persistence, and exports the URL they read.
redis_port="${OBS_TEST_REDIS_PORT:-6390}"
if command -v redis-server >/dev/null; then
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --logfile "${TMPDIR:-/tmp}/fleetobs-redis-$redis_port.log" >/dev/null 2>&1 || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
      sleep 0.2
    done
  fi
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 &&
    export OBS_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
fi
