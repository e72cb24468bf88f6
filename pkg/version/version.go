/*
Copyright The pod-apiserver Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package version reports pod-apiserver's version the way Kubernetes clients read it.
package version

import (
	"strings"

	apimachineryversion "k8s.io/apimachinery/pkg/version"
	basecompatibility "k8s.io/component-base/compatibility"
	componentversion "k8s.io/component-base/version"
)

// KubernetesEffectiveVersion wraps the build's effective version so that /version reports a
// Kubernetes release (v1.<minor>.<patch>+pod-apiserver) even when the binary was built without
// version ldflags: clients such as kubectl compare it with their own to warn about skew.
func KubernetesEffectiveVersion(built basecompatibility.EffectiveVersion) basecompatibility.EffectiveVersion {
	return effectiveVersion{EffectiveVersion: built}
}

type effectiveVersion struct {
	basecompatibility.EffectiveVersion
}

func (v effectiveVersion) Info() *apimachineryversion.Info {
	info := v.EffectiveVersion.Info()
	if info != nil {
		withRelease(info)
	}
	return info
}

// Get is the version --version prints: the build's, with the Kubernetes release filled in when
// the binary was built without version ldflags.
func Get() apimachineryversion.Info {
	info := componentversion.Get()
	withRelease(&info)
	return info
}

func withRelease(info *apimachineryversion.Info) {
	if !strings.HasPrefix(info.GitVersion, "v0.0.0") {
		return
	}
	info.GitVersion = KubernetesRelease + "+pod-apiserver"
	info.GitCommit = ""
	info.GitTreeState = ""
}

// KubernetesRelease is the Kubernetes release of the k8s.io libraries in go.mod; a test keeps the
// two in step. Build info cannot be used: test binaries carry no dependency versions.
const KubernetesRelease = "v1.37.2"
