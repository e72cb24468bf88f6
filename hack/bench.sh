#!/usr/bin/env bash
# Runs the load suite (cmd/podbench) against pod-apiserver on its embedded etcd and on an etcd
# process, and, when KUBE_APISERVER names a kube-apiserver binary, against kube-apiserver on the
# same etcd process, all in one run, then prints the ratios. Also measures etcd's own create rate
# and each server's memory (RSS and Go heap) after the load and while holding HOLD_PODS pods.
#
#   make bench                                   # pod-apiserver only
#   KUBE_APISERVER=/path/to/kube-apiserver make bench
#
# Results: $OUT/*.json and $OUT/summary.txt.
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
OUT="${OUT:-$PWD/_output/bench}"
KUBE_APISERVER="${KUBE_APISERVER:-}"
ETCD_PORT="${ETCD_PORT:-23890}"
SERVER_PORT="${SERVER_PORT:-26443}"

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

wait_ready() { # kubeconfig
	for _ in $(seq 1 120); do
		kubectl --kubeconfig "$1" get --raw /readyz >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "server did not become ready" >&2
	return 1
}

# memory <label> <pid> <kubeconfig>: RSS from the kernel, heap from the server's own metrics.
memory() {
	local rss heap
	rss=$(awk '/VmRSS/ {print $2 * 1024}' "/proc/$2/status")
	heap=$(kubectl --kubeconfig "$3" get --raw /metrics | awk '$1 == "go_memstats_heap_inuse_bytes" {printf "%d", $2}')
	printf '{"label":"%s","rssBytes":%s,"heapInuseBytes":%s}\n' "$1" "$rss" "${heap:-0}" | tee "$OUT/memory-$1.json"
}

start_etcd() {
	etcd --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
		--advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
		--initial-cluster "default=http://127.0.0.1:$((ETCD_PORT + 1))" --log-level warn >"$WORK/etcd.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 60); do
		etcdctl_ok=$(curl -s "http://127.0.0.1:$ETCD_PORT/health" || true)
		[[ "$etcdctl_ok" == *true* ]] && return 0
		sleep 0.5
	done
	echo "etcd did not start" >&2
	return 1
}

# suite <label> <kubeconfig> <pid>: the full suite at PODS pods, then memory, then memory while
# holding HOLD_PODS pods.
suite() {
	local label=$1 kubeconfig=$2 pid=$3
	podbench -kubeconfig "$kubeconfig" -label "$label" -pods "$PODS" -workers "$WORKERS" \
		-watchers "$WATCHERS" -watch-updates "$WATCH_UPDATES" -list-repeats "$LIST_REPEATS" \
		-json "$OUT/$label.json" | tee "$OUT/$label.txt"
	memory "$label-after-load" "$pid" "$kubeconfig"
	podbench -kubeconfig "$kubeconfig" -label "$label-hold" -pods "$HOLD_PODS" -workers "$WORKERS" \
		-phases create -keep -json "$OUT/$label-hold.json" >/dev/null
	memory "$label-holding-$HOLD_PODS" "$pid" "$kubeconfig"
	podbench -kubeconfig "$kubeconfig" -pods 0 -phases "" >/dev/null # removes the held pods
}

start_etcd
podbench -etcd "http://127.0.0.1:$ETCD_PORT" -pods "$PODS" -workers "$WORKERS" -label etcd \
	-json "$OUT/etcd.json" | tee "$OUT/etcd.txt"

# pod-apiserver on the etcd process.
pod-apiserver --data-dir "$WORK/pod-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
	--etcd-prefix /pod-apiserver --secure-port "$SERVER_PORT" >"$WORK/pod-apiserver.log" 2>&1 &
pid=$!
PIDS+=($pid)
wait_ready "$WORK/pod-apiserver/admin.kubeconfig"
suite pod-apiserver "$WORK/pod-apiserver/admin.kubeconfig" "$pid"
kill "$pid"
wait "$pid" 2>/dev/null || true

if [[ -n "$KUBE_APISERVER" ]]; then
	mkdir -p "$WORK/kube"
	openssl genrsa -out "$WORK/kube/sa.key" 2048 2>/dev/null
	openssl rsa -in "$WORK/kube/sa.key" -pubout -out "$WORK/kube/sa.pub" 2>/dev/null
	echo 'benchtoken,admin,admin,system:masters' >"$WORK/kube/tokens.csv"
	"$KUBE_APISERVER" --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix /kube-apiserver \
		--secure-port "$SERVER_PORT" --bind-address 127.0.0.1 --cert-dir "$WORK/kube/certs" \
		--service-account-issuer https://kubernetes.default.svc --service-account-key-file "$WORK/kube/sa.pub" \
		--service-account-signing-key-file "$WORK/kube/sa.key" --token-auth-file "$WORK/kube/tokens.csv" \
		--authorization-mode RBAC --service-cluster-ip-range 10.96.0.0/16 \
		--disable-admission-plugins ServiceAccount >"$WORK/kube.log" 2>&1 &
	pid=$!
	PIDS+=($pid)
	cat >"$WORK/kube/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: kube, cluster: {server: "https://127.0.0.1:$SERVER_PORT", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: benchtoken}}]
contexts: [{name: kube, context: {cluster: kube, user: admin}}]
current-context: kube
EOF
	wait_ready "$WORK/kube/kubeconfig"
	suite kube-apiserver "$WORK/kube/kubeconfig" "$pid"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
fi

# pod-apiserver alone on its embedded etcd, the way `make run` starts it.
pod-apiserver --data-dir "$WORK/embedded" --secure-port "$SERVER_PORT" >"$WORK/embedded.log" 2>&1 &
pid=$!
PIDS+=($pid)
wait_ready "$WORK/embedded/admin.kubeconfig"
suite pod-apiserver-embedded-etcd "$WORK/embedded/admin.kubeconfig" "$pid"
kill "$pid"
wait "$pid" 2>/dev/null || true

go run ./hack/benchsummary "$OUT" | tee "$OUT/summary.txt"
