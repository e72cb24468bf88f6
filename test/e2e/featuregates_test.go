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

package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// --feature-gates switches kube's pod feature gates as on kube-apiserver: with the alpha
// EmptyDirVolumeMode gate on, a pod keeps emptyDir.mode, which the default gates drop.
func TestBinaryFeatureGates(t *testing.T) {
	bin := buildServer(t)

	out, err := exec.Command(bin, "--feature-gates=NoSuchPodFeature=true").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "NoSuchPodFeature") {
		t.Fatalf("an unknown gate was accepted: %v\n%s", err, out)
	}

	_, kubeconfig, _ := startBinary(t, bin, filepath.Join(t.TempDir(), "data"), 0, "--feature-gates=EmptyDirVolumeMode=true")
	client := clientFromKubeconfig(t, kubeconfig)
	pod := simplePod("mode", corev1.Container{Name: "c", Image: "busybox:1.36"})
	pod.Spec.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Mode: ptr.To[int32](0o700)}}}}
	created, err := client.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := created.Spec.Volumes[0].EmptyDir.Mode; got == nil || *got != 0o700 {
		t.Fatalf("emptyDir.mode = %v with EmptyDirVolumeMode=true, want 0700 kept", got)
	}
}
