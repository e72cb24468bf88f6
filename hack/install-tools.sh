#!/usr/bin/env bash
# Builds the etcd, kubectl and openapi-gen binaries that tests, CI and code
# generation need into _output/bin. Everything is compiled from the Go modules
# pinned in hack/tools/go.mod because CI machines cannot download prebuilt
# release binaries.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${repo_root}/hack/tools"
bin_dir="${repo_root}/_output/bin"
mkdir -p "${bin_dir}"

# The tools module must resolve on its own; a go.work elsewhere in the tree
# would otherwise reject it as "outside the workspace".
export GOWORK=off

# Tools are never released from this repo, so VCS stamping only adds a way to
# fail (e.g. git's "dubious ownership" check when CI runs as root).
build_flags=(-buildvcs=false -trimpath)

# up_to_date BINARY [INPUT...]: true if BINARY exists and is newer than go.mod
# and every extra INPUT, so repeated runs cost nothing.
up_to_date() {
	local bin="$1"
	shift
	[[ -x "${bin}" ]] || return 1
	local input
	for input in "${tools_dir}/go.mod" "$@"; do
		[[ "${bin}" -nt "${input}" ]] || return 1
	done
}

# build NAME PACKAGE [GO BUILD ARGS...] [-- INPUT...]
build() {
	local name="$1" pkg="$2"
	shift 2
	local args=() inputs=()
	while (($#)); do
		if [[ "$1" == "--" ]]; then
			shift
			inputs=("$@")
			break
		fi
		args+=("$1")
		shift
	done

	local out="${bin_dir}/${name}"
	if up_to_date "${out}" ${inputs[@]+"${inputs[@]}"}; then
		echo "${name}: up to date"
		return
	fi
	echo "${name}: building ${pkg}"
	local start=${SECONDS}
	go -C "${tools_dir}" build "${build_flags[@]}" ${args[@]+"${args[@]}"} -o "${out}" "${pkg}"
	echo "${name}: built in $((SECONDS - start))s"
}

module_version() {
	go -C "${tools_dir}" list -m -f '{{.Version}}' "$1"
}

build etcd go.etcd.io/etcd/server/v3

# kubectl compares its own version with the server's and warns on skew, and an
# unstamped build reports v0.0.0-master. Stamp the release that matches the
# pinned k8s.io/kubectl (v0.X.Y is Kubernetes v1.X.Y) so it stays in sync when
# go.mod is bumped.
kubectl_mod_version="$(module_version k8s.io/kubectl)"
kube_version="v1.${kubectl_mod_version#v0.}"
kube_minor="${kube_version#v1.}"
kube_minor="${kube_minor%%.*}"
version_pkg=k8s.io/component-base/version
kubectl_ldflags=(
	"-X ${version_pkg}.gitVersion=${kube_version}"
	"-X ${version_pkg}.gitMajor=1"
	"-X ${version_pkg}.gitMinor=${kube_minor}"
	"-X ${version_pkg}.gitCommit="
	"-X ${version_pkg}.gitTreeState=clean"
	"-X ${version_pkg}.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
)
build kubectl ./kubectl -ldflags "${kubectl_ldflags[*]}" -- "${tools_dir}/kubectl/main.go"

build openapi-gen k8s.io/kube-openapi/cmd/openapi-gen

echo "tools are in ${bin_dir}:"
ls -l "${bin_dir}/etcd" "${bin_dir}/kubectl" "${bin_dir}/openapi-gen"
