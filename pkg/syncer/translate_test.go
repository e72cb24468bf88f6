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

package syncer

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
)

func TestHostName(t *testing.T) {
	long := strings.Repeat("a", 253)
	cases := []struct{ owner, ns, name string }{
		{"o", "default", "web"},
		{"o", "c", "a-x-b"},
		{"o", "b-x-c", "a"},
		{"other", "default", "web"},
		{"o", strings.Repeat("n", 63), long},
		{"o", strings.Repeat("n", 63), long[:252] + "b"},
		{"o", "default", strings.Repeat("a.", 40) + "b"},
	}
	seen := map[string]string{}
	for _, c := range cases {
		got := HostName(c.owner, c.ns, c.name)
		if got != HostName(c.owner, c.ns, c.name) {
			t.Errorf("%v: not deterministic", c)
		}
		if len(got) > 63 {
			t.Errorf("%v: %q is %d characters", c, got, len(got))
		}
		if errs := validation.IsDNS1123Subdomain(got); len(errs) > 0 {
			t.Errorf("%v: %q is no pod name: %v", c, got, errs)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("%v and %s share the host name %q", c, prev, got)
		}
		seen[got] = fmt.Sprint(c)
	}
	if got := HostName("o", "default", "web"); !strings.HasPrefix(got, "web-x-default-x-") {
		t.Errorf("readable name: %q", got)
	}
}

func virtualPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "team", UID: "uid-1", Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"note": "n"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "nginx", Env: []corev1.EnvVar{
				{Name: "NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
				{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
				{Name: "NOTE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations['note']"}}},
				{Name: "IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			}}},
			Priority:           ptr.To[int32](0),
			ServiceAccountName: "default",
			Volumes: []corev1.Volume{
				{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				{Name: "limits", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{
					{Path: "cpu", ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}}}}}},
			},
		},
	}
}

func TestHostPodCopiesAndRewrites(t *testing.T) {
	vpod := virtualPod()
	hpod, refusals := HostPod(vpod, "o", "host", Policy{})
	if refusals != nil {
		t.Fatalf("refused: %s", refusals.Message())
	}
	if hpod.Namespace != "host" || hpod.Name != HostName("o", "team", "web") || hpod.Labels[OwnerLabel] != "o" || hpod.Labels[UIDLabel] != "uid-1" ||
		hpod.Annotations[NamespaceAnnotation] != "team" || hpod.Annotations[NameAnnotation] != "web" || hpod.Labels["app"] != "" {
		t.Errorf("metadata: %+v", hpod.ObjectMeta)
	}
	env := hpod.Spec.Containers[0].Env
	if env[0].Value != "web" || env[1].Value != "web" || env[2].Value != "n" || env[0].ValueFrom != nil || env[3].ValueFrom == nil {
		t.Errorf("env: %+v", env)
	}
	s := hpod.Spec
	if s.ServiceAccountName != "" || !ptr.Equal(s.AutomountServiceAccountToken, ptr.To(false)) || !ptr.Equal(s.EnableServiceLinks, ptr.To(false)) ||
		s.Priority != nil || s.Hostname != "web" || len(s.Volumes) != 2 {
		t.Errorf("spec: %+v", s)
	}
	if vpod.Spec.Containers[0].Env[0].ValueFrom == nil || vpod.Spec.Priority == nil {
		t.Error("the virtual pod was changed")
	}
}

func TestHostPodPinsThroughTheScheduler(t *testing.T) {
	vpod := virtualPod()
	vpod.Spec.NodeName = "node-7"
	vpod.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{
			{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}}},
			{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"b"}}}},
		}}}}
	hpod, refusals := HostPod(vpod, "o", "host", Policy{})
	if refusals != nil {
		t.Fatal(refusals)
	}
	if hpod.Spec.NodeName != "" {
		t.Errorf("nodeName %q bypasses the host's scheduler", hpod.Spec.NodeName)
	}
	for i, term := range hpod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		if len(term.MatchExpressions) != 1 || len(term.MatchFields) != 1 || term.MatchFields[0].Key != "metadata.name" || term.MatchFields[0].Values[0] != "node-7" {
			t.Errorf("term %d: %+v", i, term)
		}
	}
	if vpod.Spec.NodeName != "node-7" || len(vpod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields) != 0 {
		t.Error("the virtual pod was changed")
	}
}

func TestHostPodRefusals(t *testing.T) {
	cases := map[string]struct {
		mutate func(*corev1.Pod)
		policy Policy
		want   string // the refused field; empty: allowed
	}{
		"configMap volume": {func(p *corev1.Pod) {
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "c", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}})
		}, Policy{}, "spec.volumes[2]"},
		"csi volume": {func(p *corev1.Pod) {
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "c", VolumeSource: corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "d"}}})
		}, Policy{}, "spec.volumes[2]"},
		"downward metadata file": {func(p *corev1.Pod) {
			p.Spec.Volumes[1].DownwardAPI.Items = append(p.Spec.Volumes[1].DownwardAPI.Items, corev1.DownwardAPIVolumeFile{Path: "l", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}})
		}, Policy{}, "spec.volumes[1].downwardAPI.items[1].fieldRef"},
		"configMap env": {func(p *corev1.Pod) {
			p.Spec.Containers[0].Env[0].ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{}}
		}, Policy{}, "spec.containers[0].env[0].valueFrom.configMapKeyRef"},
		"automount":            {func(p *corev1.Pod) { p.Spec.AutomountServiceAccountToken = ptr.To(true) }, Policy{}, "spec.automountServiceAccountToken"},
		"priority class":       {func(p *corev1.Pod) { p.Spec.PriorityClassName = "system-node-critical" }, Policy{}, "spec.priorityClassName"},
		"pod anti-affinity":    {func(p *corev1.Pod) { p.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{}} }, Policy{}, "spec.affinity"},
		"readiness gate":       {func(p *corev1.Pod) { p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "x.io/y"}} }, Policy{}, "spec.readinessGates"},
		"host network":         {func(p *corev1.Pod) { p.Spec.HostNetwork = true }, Policy{}, "spec.hostNetwork"},
		"host network allowed": {func(p *corev1.Pod) { p.Spec.HostNetwork = true }, Policy{AllowHostNetwork: true}, ""},
		"hostPath allowed": {func(p *corev1.Pod) {
			p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}})
		}, Policy{AllowHostPath: true}, ""},
		"privileged init container": {func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "i", SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}}
		}, Policy{}, "spec.initContainers[0].securityContext.privileged"},
		"capability not allowed": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_RAW", "SYS_ADMIN"}}}
		}, Policy{AllowedCapabilities: []string{"NET_RAW"}}, "spec.containers[0].securityContext.capabilities.add[1]"},
		"ephemeral envFrom": {func(p *corev1.Pod) {
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "d", EnvFrom: []corev1.EnvFromSource{{}}}}}
		}, Policy{}, "spec.ephemeralContainers[0].envFrom"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			pod := virtualPod()
			tc.mutate(pod)
			hpod, refusals := HostPod(pod, "o", "host", tc.policy)
			if tc.want == "" {
				if refusals != nil || hpod == nil {
					t.Fatalf("refused: %v", refusals)
				}
				return
			}
			if hpod != nil || len(refusals) != 1 || refusals[0].Field != tc.want {
				t.Fatalf("refusals %v, want one for %s", refusals, tc.want)
			}
			if msg := refusals.Message(); !strings.HasPrefix(msg, "pod-apiserver cannot run this pod on its host: "+tc.want+": ") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestVirtualStatusKeepsVirtualConditions(t *testing.T) {
	vpod := virtualPod()
	vpod.Status = corev1.PodStatus{QOSClass: corev1.PodQOSBestEffort, Conditions: []corev1.PodCondition{
		{Type: "example.com/gate", Status: corev1.ConditionTrue},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue},
	}}
	hpod := &corev1.Pod{Status: corev1.PodStatus{
		Phase: corev1.PodRunning, PodIP: "10.0.0.1", HostIP: "192.168.0.1", QOSClass: corev1.PodQOSBurstable,
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, ObservedGeneration: 4}},
	}}
	s := VirtualStatus(vpod, hpod)
	if s.Phase != corev1.PodRunning || s.PodIP != "10.0.0.1" || s.HostIP != "192.168.0.1" || s.QOSClass != corev1.PodQOSBestEffort {
		t.Errorf("status %+v", s)
	}
	if len(s.Conditions) != 2 || s.Conditions[0].Type != corev1.PodReady || s.Conditions[0].ObservedGeneration != 0 || s.Conditions[1].Type != "example.com/gate" {
		t.Errorf("conditions %+v", s.Conditions)
	}
}

// BenchmarkSyncWork is the syncer's own work per pod, without the API calls: translating the
// virtual pod into its host pod and the host status back.
func BenchmarkSyncWork(b *testing.B) {
	vpod := virtualPod()
	hpod, _ := HostPod(vpod, "o", "host", Policy{})
	hpod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.0.0.1", HostIP: "192.168.0.1",
		ContainerStatuses: []corev1.ContainerStatus{{Name: "app", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}},
		Conditions:        []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, refusals := HostPod(vpod, "o", "host", Policy{}); refusals != nil {
			b.Fatal(refusals)
		}
		_ = VirtualStatus(vpod, hpod)
	}
}
