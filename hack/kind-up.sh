#!/usr/bin/env bash
# Runs pod-apiserver beside etcd in a local kind cluster, from manifests/: the README's
# "Run in kind" steps, in order. Needs kind, Docker and kubectl; `make kind-up` builds the images
# and the binary first. OVERLAY picks the kustomization (base, overlays/etcd-3,
# overlays/delegated-auth, overlays/sync); CLUSTER the kind cluster's name.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"

OVERLAY="${OVERLAY:-base}"
CLUSTER="${CLUSTER:-pod-apiserver}"
KUBECTL="${KUBECTL:-kubectl}"
certs=manifests/base/certs
kubeconfig="${certs}/admin.kubeconfig"

for tool in kind docker "${KUBECTL}"; do
	command -v "${tool}" >/dev/null || { echo "kind-up: ${tool} is needed" >&2; exit 1; }
done

# 1. The cluster, with the node port 30443 on 127.0.0.1:30443 (manifests/kind/cluster.yaml).
if ! kind get clusters | grep -qx "${CLUSTER}"; then
	kind create cluster --name "${CLUSTER}" --config manifests/kind/cluster.yaml
fi

# 2. The images, from the archives `make image` wrote (nothing is pulled).
kind load image-archive _output/images/pod-apiserver.tar --name "${CLUSTER}"
kind load image-archive _output/images/etcd.tar --name "${CLUSTER}"

# 3. A CA, a serving certificate for the Service's names and for 127.0.0.1 (the host of --server),
#    an admin client certificate and a kubeconfig for https://127.0.0.1:30443. A rerun keeps
#    what is still valid, so kubeconfigs already handed out keep working.
_output/bin/pod-apiserver certs --out "${certs}" --service pod-apiserver.pod-apiserver \
	--server https://127.0.0.1:30443

# 3b. overlays/sync: the syncer reaches pod-apiserver with the admin client certificate.
if [[ "${OVERLAY}" == overlays/sync ]]; then
	mkdir -p manifests/overlays/sync/certs
	cp "${certs}"/{ca.crt,admin.crt,admin.key} manifests/overlays/sync/certs/
fi
# 4. The manifests, and a wait until every pod is ready.
"${KUBECTL}" --context "kind-${CLUSTER}" apply -k "manifests/${OVERLAY}"
"${KUBECTL}" --context "kind-${CLUSTER}" -n pod-apiserver rollout status statefulset/etcd --timeout=5m
"${KUBECTL}" --context "kind-${CLUSTER}" -n pod-apiserver rollout status deployment/pod-apiserver --timeout=5m

echo
echo "pod-apiserver is serving at https://127.0.0.1:30443; use it with:"
echo "  kubectl --kubeconfig ${kubeconfig} get pods -A"
