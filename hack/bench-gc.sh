#!/usr/bin/env bash
# Measures the garbage-collector setting pod-apiserver adopts under a memory limit
# (pkg/gcsetting): the same write suite (cmd/podbench create, get, status, patch, delete) against
# pod-apiserver on one etcd process, alternating configurations REPEATS times:
#
#   nolimit        no memory limit: Go's defaults (GOGC=100, no soft limit)
#   limit          in a memory cgroup of LIMIT bytes: what the server does there (a soft limit of
#                  90% of LIMIT and GOGC=200)
#   limit-gogc100  the same cgroup with GOGC=100: the soft limit alone
#   limit-gogc400  the same cgroup with GOGC=400
#
# Each run reports the server's CPU per operation and its peak RSS (VmHWM), which must stay below
# LIMIT. Needs root for the cgroup (v1 or v2). Results: $OUT/<config>.<repetition>.{txt,json} and
# $OUT/peak.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN="$PWD/_output/bin"
export PATH="$BIN:$PATH"
PODS="${PODS:-8000}"
REPEATS="${REPEATS:-2}"
LIMIT="${LIMIT:-4294967296}"
CONFIGS="${CONFIGS:-nolimit limit limit-gogc100 limit-gogc400}"
OUT="${OUT:-$PWD/_output/bench-gc}"
ETCD_PORT="${ETCD_PORT:-23990}"
SERVER_PORT="${SERVER_PORT:-26543}"

if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
	CGROOT=/sys/fs/cgroup
	limit_file=memory.max
else
	CGROOT=/sys/fs/cgroup/memory
	limit_file=memory.limit_in_bytes
fi

go build -o "$BIN/pod-apiserver" ./cmd/pod-apiserver
go build -o "$BIN/podbench" ./cmd/podbench
command -v etcd >/dev/null || bash hack/install-tools.sh

mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.json
WORK="$(mktemp -d)"
CGROUPS=()
cleanup() {
	if [[ -n "${SERVER_PID:-}" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
	if [[ -n "${ETCD_PID:-}" ]]; then kill "$ETCD_PID" 2>/dev/null || true; fi
	wait 2>/dev/null || true
	for cg in "${CGROUPS[@]}"; do rmdir "$cg" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

echo 'benchtoken,admin,admin,system:masters' >"$WORK/tokens.csv"
taskset -c 0 etcd --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
	--advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
	--initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
	--initial-cluster "default=http://127.0.0.1:$((ETCD_PORT + 1))" --log-level warn >"$WORK/etcd.log" 2>&1 &
ETCD_PID=$!
for _ in $(seq 1 60); do
	[[ "$(curl -s "http://127.0.0.1:$ETCD_PORT/health" || true)" == *true* ]] && break
	sleep 0.5
done

n=0
for rep in $(seq 1 "$REPEATS"); do
	for cfg in $CONFIGS; do
		n=$((n + 1))
		dir="$WORK/$cfg-$rep"
		mkdir -p "$dir"
		cg="$CGROOT/pod-apiserver-bench-gc-$$-$n"
		mkdir "$cg"
		CGROUPS+=("$cg")
		envs=(env -u GOGC -u GOMEMLIMIT -u AUTOMEMLIMIT)
		case $cfg in
		nolimit) ;;
		limit) echo "$LIMIT" >"$cg/$limit_file" ;;
		limit-gogc100) echo "$LIMIT" >"$cg/$limit_file" && envs+=(GOGC=100) ;;
		limit-gogc400) echo "$LIMIT" >"$cg/$limit_file" && envs+=(GOGC=400) ;;
		*) echo "unknown configuration $cfg" >&2 && exit 2 ;;
		esac
		# The server joins the cgroup before it starts, so that it finds the limit as it would
		# in a container; it gets a CPU of its own, etcd and the load tool the other.
		"${envs[@]}" taskset -c 1 sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$cg" \
			pod-apiserver --data-dir "$dir" --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix "/$cfg-$rep" \
			--secure-port "$SERVER_PORT" --token-auth-file "$WORK/tokens.csv" >"$dir.log" 2>&1 &
		SERVER_PID=$!
		cat >"$dir/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "https://127.0.0.1:$SERVER_PORT", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: benchtoken}}]
contexts: [{name: bench, context: {cluster: bench, user: admin}}]
current-context: bench
KC
		for _ in $(seq 1 120); do
			kubectl --kubeconfig "$dir/kubeconfig" get --raw /readyz >/dev/null 2>&1 && break
			sleep 0.5
		done
		taskset -c 0 podbench -kubeconfig "$dir/kubeconfig" -label "$cfg" -pods "$PODS" -workers 16 \
			-phases create,get,status,patch,delete -server-pid "$SERVER_PID" -json "$OUT/$cfg.$rep.json" >"$OUT/$cfg.$rep.txt"
		peak_mib=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$SERVER_PID/status")
		gc=$(grep -ho '"Go garbage collector sized.*' "$dir.log" | head -1 || true)
		limit_text="$((LIMIT >> 20)) MiB"
		[[ $cfg == nolimit ]] && limit_text=none
		echo "$cfg $rep peak RSS $peak_mib MiB (limit $limit_text) $gc" | tee -a "$OUT/peak.txt"
		kill "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	done
done

for cfg in $CONFIGS; do
	echo "== $cfg: server CPU ms per operation by repetition"
	for f in "$OUT/$cfg".*.txt; do
		awk '$1 ~ /^(create|get|status|patch|delete)$/ {printf "%s %s  ", $1, $NF} END {print ""}' "$f"
	done
done | tee "$OUT/summary.txt"
