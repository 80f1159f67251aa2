#!/usr/bin/env bash
# Installs the Debian packages the tests need, when missing: chromium (browser tests),
# prometheus (real PromQL engine), prometheus-alertmanager (real Alertmanager API), postgresql (database tests), redis-server (shared cache
# of the multi-replica tests). Needs root + apt-get.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/prometheus ] || need+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "[test] missing Debian packages: ${need[*]} (install them with apt-get as root)" >&2
  exit 1
fi
echo "[test] installing Debian packages: ${need[*]}" >&2
apt-get -o DPkg::Lock::Timeout=600 update -qq
# Package scripts may try to start system services; the tests start their own.
RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Keep :9090 free: the tests start their own Prometheus on a free port.
(service prometheus stop || pkill -x prometheus || true) >/dev/null 2>&1
# Likewise Alertmanager (:9093): the tests start their own on free ports.
(service prometheus-alertmanager stop || true) >/dev/null 2>&1
# Likewise Redis: the tests start their own on :6390 (scripts/redis-env.sh).
(service redis-server stop || true) >/dev/null 2>&1
