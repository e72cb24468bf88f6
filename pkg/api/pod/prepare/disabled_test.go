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

package prepare

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	featuregatetesting "k8s.io/component-base/featuregate/testing"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/pkg/features"
)

func emptyDirPod(mode *int32) *corev1.Pod {
	return &corev1.Pod{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "c", Image: "busybox"}},
		Volumes:    []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Mode: mode}}}},
	}}
}

// The gate decides, not a frozen default: emptyDir.mode (EmptyDirVolumeMode, alpha, off by
// default in v1.37) is dropped with the default gates and kept once the gate is switched on.
func TestDropDisabledFieldsFollowsFeatureGate(t *testing.T) {
	if features.Enabled(features.EmptyDirVolumeMode) {
		t.Fatal("EmptyDirVolumeMode is on by default; kube v1.37 has it off")
	}
	pod := emptyDirPod(ptr.To[int32](0o700))
	DropDisabledFields(pod, nil)
	if got := pod.Spec.Volumes[0].EmptyDir.Mode; got != nil {
		t.Fatalf("gate off: emptyDir.mode kept as %o", *got)
	}

	featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, features.EmptyDirVolumeMode, true)
	pod = emptyDirPod(ptr.To[int32](0o700))
	DropDisabledFields(pod, nil)
	if got := pod.Spec.Volumes[0].EmptyDir.Mode; got == nil || *got != 0o700 {
		t.Fatalf("gate on: emptyDir.mode = %v, want 0700", got)
	}
}

// A field of a disabled feature that the stored pod already has survives an update, so turning
// a gate off never makes a stored pod unwritable.
func TestDropDisabledFieldsKeepsFieldsInUse(t *testing.T) {
	old := emptyDirPod(ptr.To[int32](0o700))
	pod := emptyDirPod(ptr.To[int32](0o750))
	DropDisabledFields(pod, old)
	if got := pod.Spec.Volumes[0].EmptyDir.Mode; got == nil || *got != 0o750 {
		t.Fatalf("emptyDir.mode = %v, want 0750 kept because the stored pod uses it", got)
	}
}

func TestDropDisabledFieldsClearsEveryAlphaField(t *testing.T) {
	proto := corev1.URISchemeHTTP
	pod := &corev1.Pod{
		ObjectMeta: metaWithAnnotations(map[string]string{
			"pod.beta.kubernetes.io/init-containers": "[]",
			"keep":                                   "me",
		}),
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name:  "c",
				Image: "busybox",
				Lifecycle: &corev1.Lifecycle{
					StopSignal: ptr.To(corev1.SIGTERM),
				},
				LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Scheme: proto, Protocol: ptr.To(corev1.HTTPProtocol("h2c"))}}},
				VolumeMounts:  []corev1.VolumeMount{{Name: "s", MountPath: "/s", BindMountOptions: []string{"noexec"}}},
			}},
			Volumes: []corev1.Volume{{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", DefaultUser: ptr.To[int64](1000)}}}},
		},
		Status: corev1.PodStatus{VolumeHealth: []corev1.PodVolumeHealth{{Name: "s"}}},
	}
	DropDisabledFields(pod, nil)
	c := pod.Spec.Containers[0]
	if c.Lifecycle != nil {
		t.Errorf("lifecycle with only a stop signal kept: %+v", c.Lifecycle)
	}
	if c.LivenessProbe.HTTPGet.Protocol != nil {
		t.Error("httpGet.protocol kept")
	}
	if c.VolumeMounts[0].BindMountOptions != nil {
		t.Error("bindMountOptions kept")
	}
	if pod.Spec.Volumes[0].Secret.DefaultUser != nil {
		t.Error("secret defaultUser kept")
	}
	if pod.Status.VolumeHealth != nil {
		t.Error("status.volumeHealth kept")
	}
	if _, ok := pod.Annotations["pod.beta.kubernetes.io/init-containers"]; ok {
		t.Error("legacy init-container annotation kept")
	}
	if pod.Annotations["keep"] != "me" {
		t.Error("an unrelated annotation was dropped")
	}
}
