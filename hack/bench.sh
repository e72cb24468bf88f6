#!/usr/bin/env bash
# Runs the load suite (cmd/podbench) against pod-apiserver on an etcd process and, when
# KUBE_APISERVER names a kube-apiserver binary, against kube-apiserver on the same etcd process,
# alternating the two REPEATS times (ABAB...) so that a change in the machine's load between
# suites shows as spread rather than as a ratio; then pod-apiserver on its embedded etcd once
# (EMBEDDED=0 skips it). Every phase reports the server's own CPU time per operation (from
# /proc/<pid>/stat), which a busy machine hardly moves, beside throughput and latency. Also
# measures etcd's own create rate and each server's memory (RSS and Go heap) after the load and
# while holding HOLD_PODS pods (HOLD_PODS=0 skips it), then again once those pods have been
# deleted and created anew CHURN times (CHURN=0 skips it), then lists WIDE_PODS pods across
# namespaces (the held pods and more in namespaces of 10,000; WIDE_PODS=0 skips it).
#
#   make bench                                   # pod-apiserver only
#   KUBE_APISERVER=/path/to/kube-apiserver make bench
#
# Results: $OUT/<server>.<repetition>.json, $OUT/memory-*.json and $OUT/summary.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN="$PWD/_output/bin"
export PATH="$BIN:$PATH"
PODS="${PODS:-10000}"
HOLD_PODS="${HOLD_PODS:-20000}"
WORKERS="${WORKERS:-16}"
WATCHERS="${WATCHERS:-50}"
WATCH_UPDATES="${WATCH_UPDATES:-500}"
LIST_REPEATS="${LIST_REPEATS:-10}"
CHURN="${CHURN:-1}"
WIDE_PODS="${WIDE_PODS:-50000}"
WIDE_LIST_REPEATS="${WIDE_LIST_REPEATS:-10}"
REPEATS="${REPEATS:-2}"
EMBEDDED="${EMBEDDED:-1}"
OUT="${OUT:-$PWD/_output/bench}"
KUBE_APISERVER="${KUBE_APISERVER:-}"
ETCD_PORT="${ETCD_PORT:-23890}"
SERVER_PORT="${SERVER_PORT:-26443}"
# The server under test gets a CPU of its own and the load tool and etcd share the others, so
# that what a run measures is the server's own cost per request, not how the scheduler shared
# two cores between three busy processes. SERVER_CPUS= (empty) turns pinning off.
CPUS=$(nproc)
if ((CPUS >= 2)); then
	SERVER_CPUS="${SERVER_CPUS-$((CPUS - 1))}"
	CLIENT_CPUS="${CLIENT_CPUS-0-$((CPUS - 2))}"
fi
# Command prefixes rather than functions, so that $! of a backgrounded server is its own pid.
SERVER_ON=()
CLIENT_ON=()
[[ -n "${SERVER_CPUS:-}" ]] && SERVER_ON=(taskset -c "$SERVER_CPUS")
[[ -n "${CLIENT_CPUS:-}" ]] && CLIENT_ON=(taskset -c "$CLIENT_CPUS")

mkdir -p "$OUT"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

go build -o "$BIN/pod-apiserver" ./cmd/pod-apiserver
go build -o "$BIN/podbench" ./cmd/podbench
command -v etcd >/dev/null || bash hack/install-tools.sh

# memory <label> <pid> <kubeconfig>: RSS from the kernel and the heap from the server's own
# metrics, both after a forced garbage collection (through the server's pprof endpoint), so that
# what is measured is what the server holds, not garbage it has yet to collect.
memory() {
	local rss heap
	kubectl --kubeconfig "$3" get --raw '/debug/pprof/heap?gc=1' >/dev/null
	sleep 5
	rss=$(awk '/VmRSS/ {printf "%.0f", $2 * 1024}' "/proc/$2/status")
	heap=$(kubectl --kubeconfig "$3" get --raw /metrics | awk '$1 == "go_memstats_heap_inuse_bytes" {printf "%.0f", $2}')
	printf '{"label":"%s","rssBytes":%s,"heapInuseBytes":%s}\n' "$1" "$rss" "${heap:-0}" | tee "$OUT/memory-$1.json"
}

# Every server of a run writes to this one etcd under its own prefix, and nothing is removed
# between servers: the quota is raised from etcd's 2 GiB default, which a full run exceeds.
start_etcd() {
	"${CLIENT_ON[@]}" etcd --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
		--advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-cluster "default=http://127.0.0.1:$((ETCD_PORT + 1))" --log-level warn \
		--quota-backend-bytes 8589934592 >"$WORK/etcd.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 60); do
		[[ "$(curl -s "http://127.0.0.1:$ETCD_PORT/health" || true)" == *true* ]] && return 0
		sleep 0.5
	done
	echo "etcd did not start" >&2
	return 1
}

# start_server <kind> <run>: starts a fresh server of the kind (pod-apiserver on the etcd
# process, pod-apiserver on its embedded etcd, or kube-apiserver on the etcd process, each under
# its own etcd prefix) and sets SERVER_PID and KUBECONFIG_FILE.
start_server() {
	local dir="$WORK/$1-$2"
	mkdir -p "$dir"
	case $1 in
	pod-apiserver)
		"${SERVER_ON[@]}" pod-apiserver --data-dir "$dir" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
			--etcd-prefix "/$1-$2" --secure-port "$SERVER_PORT" --token-auth-file "$WORK/tokens.csv" >"$dir.log" 2>&1 &
		;;
	pod-apiserver-embedded-etcd)
		"${SERVER_ON[@]}" pod-apiserver --data-dir "$dir" --secure-port "$SERVER_PORT" --token-auth-file "$WORK/tokens.csv" >"$dir.log" 2>&1 &
		;;
	kube-apiserver)
		openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
		openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
		"${SERVER_ON[@]}" "$KUBE_APISERVER" --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix "/$1-$2" \
			--secure-port "$SERVER_PORT" --bind-address 127.0.0.1 --cert-dir "$dir/certs" \
			--service-account-issuer https://kubernetes.default.svc --service-account-key-file "$dir/sa.pub" \
			--service-account-signing-key-file "$dir/sa.key" --token-auth-file "$WORK/tokens.csv" \
			--authorization-mode RBAC --service-cluster-ip-range 10.96.0.0/16 \
			--disable-admission-plugins ServiceAccount >"$dir.log" 2>&1 &
		;;
	esac
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	# Every server is driven with the same credentials: a bearer token of system:masters.
	KUBECONFIG_FILE="$dir/bench.kubeconfig"
	cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: kube, cluster: {server: "https://127.0.0.1:$SERVER_PORT", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: benchtoken}}]
contexts: [{name: kube, context: {cluster: kube, user: admin}}]
current-context: kube
EOF
	for _ in $(seq 1 120); do
		kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "$1 did not become ready; see $dir.log" >&2
	return 1
}

stop_server() {
	kill "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
}

# suite <kind> <repetition>: the full suite at PODS pods and the memory after it; then, on a
# fresh server, the memory idle and while holding HOLD_PODS pods.
suite() {
	local run="$1.$2"
	rm -f "$OUT/$run.json" "$OUT"/memory-"$run"-*.json
	start_server "$1" "load-$2"
	"${CLIENT_ON[@]}" podbench -kubeconfig "$KUBECONFIG_FILE" -label "$1" -pods "$PODS" -workers "$WORKERS" \
		-watchers "$WATCHERS" -watch-updates "$WATCH_UPDATES" -list-repeats "$LIST_REPEATS" \
		-server-pid "$SERVER_PID" -json "$OUT/$run.json" | tee "$OUT/$run.txt"
	memory "$run-after-load" "$SERVER_PID" "$KUBECONFIG_FILE"
	stop_server
	((HOLD_PODS > 0)) || return 0
	start_server "$1" "hold-$2"
	memory "$run-idle" "$SERVER_PID" "$KUBECONFIG_FILE"
	"${CLIENT_ON[@]}" podbench -kubeconfig "$KUBECONFIG_FILE" -label "$1-hold" -pods "$HOLD_PODS" -workers "$WORKERS" \
		-phases create -keep -server-pid "$SERVER_PID" -json "$OUT/$run-hold.json" >/dev/null
	memory "$run-holding-$HOLD_PODS" "$SERVER_PID" "$KUBECONFIG_FILE"
	if ((CHURN > 0)); then
		# podbench clears the suite's pods before it creates them: each round deletes the held
		# pods and creates the same number again, so the server ends up holding as many pods as
		# before, with their history behind them.
		for _ in $(seq 1 "$CHURN"); do
			"${CLIENT_ON[@]}" podbench -kubeconfig "$KUBECONFIG_FILE" -label "$1-churn" -pods "$HOLD_PODS" -workers "$WORKERS" \
				-phases create -keep >/dev/null
		done
		memory "$run-churned-$HOLD_PODS" "$SERVER_PID" "$KUBECONFIG_FILE"
	fi
	if ((WIDE_PODS > HOLD_PODS)); then
		local more=$((WIDE_PODS - HOLD_PODS)) k=0 n
		while ((more > 0)); do
			n=$((more < 10000 ? more : 10000))
			"${CLIENT_ON[@]}" podbench -kubeconfig "$KUBECONFIG_FILE" -label "$1-wide" -namespace "wide-$k" -pods "$n" \
				-workers "$WORKERS" -phases create -keep >/dev/null
			more=$((more - n)) k=$((k + 1))
		done
		"${CLIENT_ON[@]}" podbench -kubeconfig "$KUBECONFIG_FILE" -label "$1" -phases list-all -list-repeats "$WIDE_LIST_REPEATS" \
			-server-pid "$SERVER_PID" -json "$OUT/$run-wide.json" | tee "$OUT/$run-wide.txt"
	fi
	stop_server
}

echo 'benchtoken,admin,admin,system:masters' >"$WORK/tokens.csv"
start_etcd
"${CLIENT_ON[@]}" podbench -etcd "http://127.0.0.1:$ETCD_PORT" -pods "$PODS" -workers "$WORKERS" -label etcd \
	-json "$OUT/etcd.json" | tee "$OUT/etcd.txt"

# Results of an earlier run with more repetitions would be counted as this run's.
rm -f "$OUT"/pod-apiserver.*.json "$OUT"/kube-apiserver.*.json "$OUT"/pod-apiserver-embedded-etcd.*.json "$OUT"/memory-*.json
for rep in $(seq 1 "$REPEATS"); do
	suite pod-apiserver "$rep"
	if [[ -n "$KUBE_APISERVER" ]]; then
		suite kube-apiserver "$rep"
	fi
done
if [[ "$EMBEDDED" == 1 ]]; then
	suite pod-apiserver-embedded-etcd 1
fi

go run ./hack/benchsummary "$OUT" | tee "$OUT/summary.txt"
