#!/usr/bin/env bash
# make test-differential: pod-apiserver beside kube-apiserver of the release it follows.
#  1. kube-apiserver: $KUBE_APISERVER if set, else built from the k8s.io/kubernetes module (the
#     version of k8s.io/apiserver in go.mod, as v1.Y.Z) into _output/bin (about 7 minutes on two
#     cores; the build module lives in _output/kube-apiserver-build).
#  2. Starts etcd and kube-apiserver (default admission except ServiceAccount, as the fixtures
#     were recorded) and pod-apiserver on its embedded etcd, all on loopback.
#  3. Re-records the fixtures from kube-apiserver (test/fixtures/record); review the golden diff.
#  4. Runs the seeded random differential (test/differential) and prints the agreement.
# Environment: KUBE_APISERVER, SEED (1), N (500 requests), RECORD (1: re-record the fixtures).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bin="$root/_output/bin"
work="$root/_output/differential"
rm -rf "$work" && mkdir -p "$work" "$bin"
[ -x "$bin/etcd" ] && [ -x "$bin/kubectl" ] || bash hack/install-tools.sh

if [ -z "${KUBE_APISERVER:-}" ]; then
  version=v1.$(go list -m -f '{{.Version}}' k8s.io/apiserver | sed 's/^v0\.//')
  build="$root/_output/kube-apiserver-build"
  mkdir -p "$build" && cd "$build"
  {
    printf 'module kubeapiserverbuild\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$version"
    for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
      cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
      cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt \
      kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
      mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller streaming; do
      printf '\tk8s.io/%s => k8s.io/%s v0.%s\n' "$m" "$m" "${version#v1.}"
    done
    printf ')\n'
  } > go.mod
  printf '//go:build tools\n\npackage kubeapiserverbuild\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' > tools.go
  GOWORK=off GOFLAGS=-mod=mod go mod tidy
  minor=${version#v1.}; minor=${minor%%.*}
  V=k8s.io/component-base/version
  GOWORK=off go build -ldflags "-X $V.gitVersion=$version -X $V.gitMajor=1 -X $V.gitMinor=$minor" \
    -o "$bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  KUBE_APISERVER="$bin/kube-apiserver"
  cd "$root"
fi
go build -o "$bin/pod-apiserver" ./cmd/pod-apiserver

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
etcd_port=$(free_port); peer_port=$(free_port); kube_port=$(free_port); pod_port=$(free_port)

pids=()
# Servers first, their etcd last; a server that does not stop within 10 s is killed.
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    p=${pids[i]}
    kill "$p" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT

"$bin/etcd" --name ref --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "ref=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level warn >"$work/etcd.log" 2>&1 &
pids+=($!)

openssl genrsa -out "$work/sa.key" 2048 2>/dev/null
openssl rsa -in "$work/sa.key" -pubout -out "$work/sa.pub" 2>/dev/null
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$token,admin,admin,system:masters" > "$work/tokens.csv"
"$KUBE_APISERVER" --etcd-servers="http://127.0.0.1:$etcd_port" --secure-port="$kube_port" --bind-address=127.0.0.1 \
  --cert-dir="$work/kube-certs" --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$work/sa.pub" --service-account-signing-key-file="$work/sa.key" \
  --token-auth-file="$work/tokens.csv" --authorization-mode=RBAC --service-cluster-ip-range=10.96.0.0/16 \
  --disable-admission-plugins=ServiceAccount >"$work/kube-apiserver.log" 2>&1 &
pids+=($!)
cat > "$work/kube.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: kube, cluster: {server: "https://127.0.0.1:$kube_port", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "$token"}}]
contexts: [{name: kube, context: {cluster: kube, user: admin}}]
current-context: kube
KC

"$bin/pod-apiserver" --data-dir "$work/pod" --secure-port "$pod_port" >"$work/pod-apiserver.log" 2>&1 &
pids+=($!)

wait_ready() { # KUBECONFIG NAME
  for _ in $(seq 1 300); do
    if [ -f "$1" ] && [ "$("$bin/kubectl" --kubeconfig "$1" get --raw /readyz 2>/dev/null)" = ok ]; then return 0; fi
    sleep 1
  done
  echo "$2 did not become ready; see $work/*.log" >&2
  return 1
}
wait_ready "$work/kube.kubeconfig" kube-apiserver
wait_ready "$work/pod/admin.kubeconfig" pod-apiserver
echo "$("$KUBE_APISERVER" --version) beside pod-apiserver $("$bin/pod-apiserver" --version)" >&2
"$bin/kubectl" --kubeconfig "$work/kube.kubeconfig" create namespace fixtures >/dev/null
"$bin/kubectl" --kubeconfig "$work/kube.kubeconfig" create namespace differential >/dev/null

if [ "${RECORD:-1}" = 1 ]; then
  echo "== re-recording the fixtures from kube-apiserver" >&2
  go run ./test/fixtures/record -kubeconfig "$work/kube.kubeconfig"
  if git diff --quiet -- test/fixtures/pods/golden && [ -z "$(git status --porcelain -- test/fixtures/pods/golden)" ]; then
    echo "fixtures: kube-apiserver answers as recorded" >&2
  else
    echo "fixtures: kube-apiserver's answers changed (review: git diff --stat test/fixtures/pods/golden):" >&2
    git diff --stat -- test/fixtures/pods/golden | tail -1 >&2
  fi
fi

echo "== random differential" >&2
go run ./test/differential -pod-kubeconfig "$work/pod/admin.kubeconfig" -kube-kubeconfig "$work/kube.kubeconfig" \
  -seed "${SEED:-1}" -n "${N:-500}"
