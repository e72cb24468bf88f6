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

package version

import (
	"os"
	"regexp"
	"strings"
	"testing"

	basecompatibility "k8s.io/component-base/compatibility"
)

func TestKubernetesReleaseMatchesGoMod(t *testing.T) {
	goMod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/apiserver v0\.(\d+\.\d+)`).FindSubmatch(goMod)
	if m == nil {
		t.Fatal("go.mod does not require k8s.io/apiserver")
	}
	if want := "v1." + string(m[1]); KubernetesRelease != want {
		t.Errorf("KubernetesRelease = %s, but go.mod has k8s.io/apiserver for %s", KubernetesRelease, want)
	}
}

func TestInfoReportsTheKubernetesRelease(t *testing.T) {
	built := basecompatibility.NewEffectiveVersionFromString("1.37", "", "")
	info := KubernetesEffectiveVersion(built).Info()
	if !strings.HasPrefix(info.GitVersion, "v1.37.") || info.Major != "1" || info.Minor != "37" {
		t.Errorf("info %+v", info)
	}
}
