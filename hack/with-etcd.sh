#!/usr/bin/env bash
# Runs a command with an etcd process listening on a free loopback port, its endpoint in
# POD_APISERVER_TEST_ETCD, and removes etcd and its data afterwards.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
etcd_bin=${ETCD_BIN:-"$root/_output/bin/etcd"}
[ -x "$etcd_bin" ] || bash "$root/hack/install-tools.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
client_port=$(free_port)
peer_port=$(free_port)
data=$(mktemp -d)
"$etcd_bin" --name test --data-dir "$data" \
  --listen-client-urls "http://127.0.0.1:$client_port" --advertise-client-urls "http://127.0.0.1:$client_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "test=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn \
  >"$data.log" 2>&1 &
etcd_pid=$!
cleanup() { kill "$etcd_pid" 2>/dev/null || true; wait "$etcd_pid" 2>/dev/null || true; rm -rf "$data" "$data.log"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if "$etcd_bin" --version >/dev/null 2>&1 && (exec 3<>"/dev/tcp/127.0.0.1/$client_port") 2>/dev/null; then break; fi
  sleep 0.1
done
export POD_APISERVER_TEST_ETCD="http://127.0.0.1:$client_port"
echo "etcd $("$etcd_bin" --version | head -1) at $POD_APISERVER_TEST_ETCD" >&2
"$@"
