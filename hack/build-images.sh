#!/usr/bin/env bash
# Builds the pod-apiserver and etcd container images as docker-archive tarballs in
# _output/images, with no Docker daemon, no registry and no base image: static binaries
# (CGO_ENABLED=0, -trimpath, -buildvcs=false) packed by hack/imagebuild. Every timestamp is
# SOURCE_DATE_EPOCH (default 0), so the same source gives the same image digest; the digests are
# printed and kept in _output/images/*.digest.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="${repo_root}/_output/images"
bin_dir="${out_dir}/bin"
mkdir -p "${bin_dir}"

# Nested modules must resolve on their own, whatever go.work might be around.
export GOWORK=off CGO_ENABLED=0 GOOS=linux
export GOARCH="${GOARCH:-$(go env GOARCH)}"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-0}"

# -s -w drops the symbol table and DWARF (a third of the size); panics still print stack traces.
build_flags=(-trimpath -buildvcs=false -ldflags=-s\ -w)

IMAGE_REPO="${IMAGE_REPO:-localhost}"
POD_APISERVER_TAG="${POD_APISERVER_TAG:-dev}"
SOURCE_URL="${SOURCE_URL:-https://github.com/pod-apiserver/pod-apiserver}"

etcd_version="$(go -C "${repo_root}/hack/tools" list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
# The version the binary reports (pkg/version), so the label and --version agree.
kube_release="$(sed -n 's/^const KubernetesRelease = "\(.*\)"$/\1/p' "${repo_root}/pkg/version/version.go")"

echo "building pod-apiserver and etcd ${etcd_version} for linux/${GOARCH}"
go -C "${repo_root}" build "${build_flags[@]}" -o "${bin_dir}/pod-apiserver" ./cmd/pod-apiserver
go -C "${repo_root}/hack/tools" build "${build_flags[@]}" -o "${bin_dir}/etcd" go.etcd.io/etcd/server/v3

# The packer runs on the build machine, not in the image.
imagebuild="${out_dir}/imagebuild"
GOOS= GOARCH= go -C "${repo_root}/hack/imagebuild" build -o "${imagebuild}" .

"${imagebuild}" --binary "${bin_dir}/pod-apiserver" \
	--ref "${IMAGE_REPO}/pod-apiserver:${POD_APISERVER_TAG}" \
	--title pod-apiserver --version "${kube_release}+pod-apiserver" \
	--source "${SOURCE_URL}" --licenses Apache-2.0 \
	--workdir var/lib/pod-apiserver --expose 6443/tcp \
	--out "${out_dir}/pod-apiserver.tar" --digest-file "${out_dir}/pod-apiserver.digest"

"${imagebuild}" --binary "${bin_dir}/etcd" \
	--ref "${IMAGE_REPO}/etcd:${etcd_version}" \
	--title etcd --version "${etcd_version}" \
	--source https://github.com/etcd-io/etcd --licenses Apache-2.0 \
	--workdir var/lib/etcd --expose 2379/tcp --expose 2380/tcp \
	--out "${out_dir}/etcd.tar" --digest-file "${out_dir}/etcd.digest"
