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
