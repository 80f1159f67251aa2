#!/usr/bin/env bash
# DEMO ONLY: creates the key material that the onboard-cluster template needs on a machine
# without a real cluster, into a git-ignored folder (default .demo/pki of the repo root):
#   ca.crt / ca.key                   demo CA for obs:pki:issue mode `sealed` (ECDSA P-256, 10 years)
#   sealed-secrets.crt / .key         stand-in for the Sealed Secrets controller key pair (RSA 4096,
#                                     like the controller's own); .key only to decrypt in tests/demos
# Idempotent: existing files are kept. Never commit the .key files; never use them in production.
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")/../../.." && pwd)/.demo/pki}"
mkdir -p "$out"
chmod 700 "$out"
cd "$out"
if [ ! -s ca.key ] || [ ! -s ca.crt ]; then
  openssl ecparam -name prime256v1 -genkey -noout -out ca.ec.key 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in ca.ec.key -out ca.key
  rm -f ca.ec.key
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -out ca.crt \
    -subj "/O=fleetobs demo/CN=Fleet Observability Demo CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"
fi
if [ ! -s sealed-secrets.key ] || [ ! -s sealed-secrets.crt ]; then
  openssl req -x509 -newkey rsa:4096 -nodes -keyout sealed-secrets.key -sha256 -days 3650 \
    -out sealed-secrets.crt -subj "/O=sealed-secret/CN=sealed-secret" 2>/dev/null
fi
chmod 600 ./*.key
echo "demo PKI in $out"
