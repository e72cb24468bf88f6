#!/usr/bin/env bash
# Regenerates the OpenAPI definitions of the served types (core/v1, policy/v1, authorization/v1,
# authentication/v1 and the meta types they reference). No published module carries them outside k8s.io/kubernetes, which we do not
# depend on, so we run openapi-gen over k8s.io/api ourselves.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
gen=${OPENAPI_GEN:-"$root/_output/bin/openapi-gen"}
[ -x "$gen" ] || bash "$root/hack/install-tools.sh"
"$gen" \
  --output-dir pkg/generated/openapi \
  --output-pkg github.com/pod-apiserver/pod-apiserver/pkg/generated/openapi \
  --output-file zz_generated.openapi.go \
  --go-header-file hack/boilerplate.go.txt \
  --report-filename /dev/null \
  k8s.io/api/core/v1 \
  k8s.io/api/policy/v1 \
  k8s.io/api/authorization/v1 \
  k8s.io/api/authentication/v1 \
  k8s.io/apimachinery/pkg/apis/meta/v1 \
  k8s.io/apimachinery/pkg/runtime \
  k8s.io/apimachinery/pkg/version \
  k8s.io/apimachinery/pkg/api/resource \
  k8s.io/apimachinery/pkg/util/intstr
