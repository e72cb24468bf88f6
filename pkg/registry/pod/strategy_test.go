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

package pod_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/defaults"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	registrypod "github.com/pod-apiserver/pod-apiserver/pkg/registry/pod"
)

// recorder collects warnings the way the handler chain's recorder does.
type recorder struct{ warnings []string }

func (r *recorder) AddWarning(agent, text string) { r.warnings = append(r.warnings, text) }

func newPod() *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", Labels: map[string]string{"app": "web", "version": "v2"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}},
	}
	defaults.Pod(pod)
	return pod
}

func resources(kv ...string) corev1.ResourceRequirements {
	r := corev1.ResourceRequirements{Requests: corev1.ResourceList{}, Limits: corev1.ResourceList{}}
	for i := 0; i+2 < len(kv)+1; i += 3 {
		list := r.Requests
		if kv[i] == "limit" {
			list = r.Limits
		}
		list[corev1.ResourceName(kv[i+1])] = resource.MustParse(kv[i+2])
	}
	return r
}

func TestPrepareForCreate(t *testing.T) {
	selector := func() *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	}
	cases := []struct {
		name         string
		mutate       func(*corev1.Pod)
		check        func(*testing.T, *corev1.Pod)
		wantWarnings []string
	}{
		{
			name: "status is reset and generation starts at 1",
			mutate: func(p *corev1.Pod) {
				p.Generation = 7
				p.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.0.0.1", QOSClass: corev1.PodQOSGuaranteed, Conditions: []corev1.PodCondition{{Type: corev1.PodReady}}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				want := corev1.PodStatus{Phase: corev1.PodPending, QOSClass: corev1.PodQOSBestEffort}
				if p.Generation != 1 || !cmp.Equal(p.Status, want) {
					t.Errorf("generation %d status %+v", p.Generation, p.Status)
				}
			},
		},
		{
			name: "guaranteed",
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources = resources("req", "cpu", "1", "limit", "cpu", "1", "req", "memory", "1Gi", "limit", "memory", "1Gi")
			},
			check: qosIs(corev1.PodQOSGuaranteed),
		},
		{
			name: "cpu only is burstable",
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources = resources("req", "cpu", "1", "limit", "cpu", "1")
			},
			check: qosIs(corev1.PodQOSBurstable),
		},
		{
			name:   "only other resources is best effort",
			mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Resources = resources("req", "ephemeral-storage", "1Gi") },
			check:  qosIs(corev1.PodQOSBestEffort),
		},
		{
			name: "guaranteed and best effort containers make a burstable pod",
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources = resources("req", "cpu", "1", "limit", "cpu", "1", "req", "memory", "1Gi", "limit", "memory", "1Gi")
				p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "busybox"}}
			},
			check: qosIs(corev1.PodQOSBurstable),
		},
		{
			name: "pod-level resources decide the class alone",
			mutate: func(p *corev1.Pod) {
				r := resources("req", "cpu", "1", "limit", "cpu", "1", "req", "memory", "1Gi", "limit", "memory", "1Gi")
				p.Spec.Resources = &r
			},
			check: qosIs(corev1.PodQOSGuaranteed),
		},
		{
			name: "pod-level resources of other kinds do not",
			mutate: func(p *corev1.Pod) {
				r := resources("req", "ephemeral-storage", "1Gi")
				p.Spec.Resources = &r
				p.Spec.Containers[0].Resources = resources("req", "cpu", "1")
			},
			check: qosIs(corev1.PodQOSBurstable),
		},
		{
			name: "pod-level requests and limits are completed from the containers",
			mutate: func(p *corev1.Pod) {
				p.Spec.Resources = &corev1.ResourceRequirements{Requests: corev1.ResourceList{"cpu": resource.MustParse("2"), "memory": resource.MustParse("100Mi")}}
				p.Spec.Containers[0].Resources = resources("req", "cpu", "1", "limit", "cpu", "1", "req", "memory", "50Mi", "limit", "memory", "50Mi")
				p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "d", Image: "busybox", Resources: resources("req", "cpu", "500m", "limit", "cpu", "500m")})
			},
			check: func(t *testing.T, p *corev1.Pod) {
				want := &corev1.ResourceRequirements{
					Requests: corev1.ResourceList{"cpu": resource.MustParse("2"), "memory": resource.MustParse("100Mi")},
					// cpu: containers are limited to 1.5 in all, below the pod's request of 2;
					// memory: container d has no limit.
					Limits: corev1.ResourceList{"cpu": resource.MustParse("2")},
				}
				if !cmp.Equal(p.Spec.Resources, want, cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })) {
					t.Errorf("pod resources %v", p.Spec.Resources)
				}
			},
		},
		{
			name: "pod-level requests come from container requests and pod limits",
			mutate: func(p *corev1.Pod) {
				p.Spec.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": resource.MustParse("2"), "memory": resource.MustParse("1Gi"), "hugepages-2Mi": resource.MustParse("4Mi")}}
				p.Spec.Containers[0].Resources = resources("req", "cpu", "500m", "limit", "cpu", "1")
			},
			check: func(t *testing.T, p *corev1.Pod) {
				want := corev1.ResourceList{"cpu": resource.MustParse("500m"), "memory": resource.MustParse("1Gi"), "hugepages-2Mi": resource.MustParse("4Mi")}
				if !cmp.Equal(p.Spec.Resources.Requests, want, cmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 })) {
					t.Errorf("pod requests %v", p.Spec.Resources.Requests)
				}
			},
		},
		{
			name:   "scheduling gates add a PodScheduled=False condition",
			mutate: func(p *corev1.Pod) { p.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/gate"}} },
			check: func(t *testing.T, p *corev1.Pod) {
				if len(p.Status.Conditions) != 1 {
					t.Fatalf("conditions %v", p.Status.Conditions)
				}
				c := p.Status.Conditions[0]
				if c.Type != corev1.PodScheduled || c.Status != corev1.ConditionFalse || c.Reason != "SchedulingGated" ||
					c.Message != "Scheduling is blocked due to non-empty scheduling gates" || c.LastTransitionTime.IsZero() {
					t.Errorf("condition %+v", c)
				}
			},
		},
		{
			name: "label keys merge into selectors",
			mutate: func(p *corev1.Pod) {
				p.Spec.Affinity = &corev1.Affinity{
					PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
						{LabelSelector: selector(), TopologyKey: "zone", MatchLabelKeys: []string{"version", "absent"}, MismatchLabelKeys: []string{"app"}},
						{TopologyKey: "zone", MatchLabelKeys: []string{"version"}},
					}},
					PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
						{Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{LabelSelector: &metav1.LabelSelector{}, TopologyKey: "zone", MismatchLabelKeys: []string{"version"}}},
					}},
				}
				p.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "zone", LabelSelector: selector(), MatchLabelKeys: []string{"version"}}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				in := func(op metav1.LabelSelectorOperator, k, v string) metav1.LabelSelectorRequirement {
					return metav1.LabelSelectorRequirement{Key: k, Operator: op, Values: []string{v}}
				}
				terms := p.Spec.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution
				if diff := cmp.Diff([]metav1.LabelSelectorRequirement{in(metav1.LabelSelectorOpIn, "version", "v2"), in(metav1.LabelSelectorOpNotIn, "app", "web")}, terms[0].LabelSelector.MatchExpressions); diff != "" {
					t.Errorf("affinity term: %s", diff)
				}
				if terms[1].LabelSelector != nil {
					t.Errorf("a term without selector got one: %v", terms[1].LabelSelector)
				}
				anti := p.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm
				if diff := cmp.Diff([]metav1.LabelSelectorRequirement{in(metav1.LabelSelectorOpNotIn, "version", "v2")}, anti.LabelSelector.MatchExpressions); diff != "" {
					t.Errorf("anti-affinity term: %s", diff)
				}
				if diff := cmp.Diff([]metav1.LabelSelectorRequirement{in(metav1.LabelSelectorOpIn, "version", "v2")}, p.Spec.TopologySpreadConstraints[0].LabelSelector.MatchExpressions); diff != "" {
					t.Errorf("topology spread: %s", diff)
				}
			},
		},
		{
			name: "AppArmor annotations become fields, with warnings",
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "d", Image: "busybox"}, corev1.Container{Name: "e", Image: "busybox"},
					corev1.Container{Name: "f", Image: "busybox", SecurityContext: &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}}},
					corev1.Container{Name: "g", Image: "busybox"})
				p.Spec.SecurityContext.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
				p.Annotations = map[string]string{
					"container.apparmor.security.beta.kubernetes.io/c": "runtime/default",
					"container.apparmor.security.beta.kubernetes.io/d": "localhost/prof",
					"container.apparmor.security.beta.kubernetes.io/e": "unconfined", // same as the pod's: no field, no warning
					"container.apparmor.security.beta.kubernetes.io/f": "runtime/default",
					"container.apparmor.security.beta.kubernetes.io/g": "localhost/ padded",
				}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				want := []*corev1.AppArmorProfile{
					{Type: corev1.AppArmorProfileTypeRuntimeDefault},
					{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr.To("prof")},
					nil,
					{Type: corev1.AppArmorProfileTypeUnconfined},
					nil,
				}
				for i, c := range p.Spec.Containers {
					var got *corev1.AppArmorProfile
					if c.SecurityContext != nil {
						got = c.SecurityContext.AppArmorProfile
					}
					if !cmp.Equal(got, want[i]) {
						t.Errorf("container %s profile %v, want %v", c.Name, got, want[i])
					}
				}
			},
			wantWarnings: []string{
				`metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]: deprecated since v1.30; use the "appArmorProfile" field instead`,
				`metadata.annotations[container.apparmor.security.beta.kubernetes.io/d]: deprecated since v1.30; use the "appArmorProfile" field instead`,
				`metadata.annotations[container.apparmor.security.beta.kubernetes.io/g]: deprecated since v1.30; use the "appArmorProfile" field instead`,
			},
		},
		{
			name: "Windows pods keep their AppArmor annotations unsynced",
			mutate: func(p *corev1.Pod) {
				p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
				p.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.Containers[0].SecurityContext != nil {
					t.Errorf("security context set: %v", p.Spec.Containers[0].SecurityContext)
				}
			},
		},
		{
			name: "fields of disabled features and legacy annotations are dropped",
			mutate: func(p *corev1.Pod) {
				p.Annotations = map[string]string{"pod.beta.kubernetes.io/init-containers": "[]", "pod.alpha.kubernetes.io/init-container-statuses": "[]", "keep": "me"}
				p.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{StopSignal: ptr.To(corev1.SIGTERM)}
				p.Spec.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Protocol: ptr.To(corev1.HTTPProtocolHTTP1)}}}
				p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 1, Mode: ptr.To(corev1.GRPCProbeMode("TLS"))}}}
				p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "v", MountPath: "/v", BindMountOptions: []string{"x"}}}
				p.Spec.Volumes = []corev1.Volume{
					{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Mode: ptr.To[int32](0o700)}}},
					{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", DefaultUser: ptr.To[int64](1), Items: []corev1.KeyToPath{{Key: "k", Path: "p", User: ptr.To[int64](2)}}}}},
				}
				p.Spec.SchedulingGroup = &corev1.PodSchedulingGroup{}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				c := p.Spec.Containers[0]
				if !cmp.Equal(p.Annotations, map[string]string{"keep": "me"}) || c.Lifecycle != nil || c.LivenessProbe.HTTPGet.Protocol != nil ||
					c.ReadinessProbe.GRPC.Mode != nil || c.VolumeMounts[0].BindMountOptions != nil || p.Spec.Volumes[0].EmptyDir.Mode != nil ||
					p.Spec.Volumes[1].Secret.DefaultUser != nil || p.Spec.Volumes[1].Secret.Items[0].User != nil || p.Spec.SchedulingGroup != nil {
					t.Errorf("disabled fields kept: %+v", p)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := newPod()
			tc.mutate(pod)
			rec := &recorder{}
			ctx := warning.WithWarningRecorder(context.Background(), rec)
			registrypod.Strategy(apiserver.Scheme).PrepareForCreate(ctx, pod)
			tc.check(t, pod)
			if diff := cmp.Diff(tc.wantWarnings, rec.warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func qosIs(want corev1.PodQOSClass) func(*testing.T, *corev1.Pod) {
	return func(t *testing.T, p *corev1.Pod) {
		t.Helper()
		if p.Status.QOSClass != want {
			t.Errorf("qosClass %q, want %q", p.Status.QOSClass, want)
		}
	}
}

func created(t *testing.T) *corev1.Pod {
	pod := newPod()
	registrypod.Strategy(apiserver.Scheme).PrepareForCreate(context.Background(), pod)
	pod.ResourceVersion = "5"
	return pod
}

func TestPrepareForUpdate(t *testing.T) {
	cases := []struct {
		name           string
		mutate         func(newPod, oldPod *corev1.Pod)
		wantGeneration int64
		check          func(*testing.T, *corev1.Pod)
	}{
		{name: "metadata only", mutate: func(n, _ *corev1.Pod) { n.Labels["x"] = "y" }, wantGeneration: 1},
		{name: "spec change", mutate: func(n, _ *corev1.Pod) { n.Spec.Containers[0].Image = "busybox:1.37" }, wantGeneration: 2},
		{
			name:           "status from the client is ignored",
			mutate:         func(n, _ *corev1.Pod) { n.Status = corev1.PodStatus{Phase: corev1.PodFailed} },
			wantGeneration: 1,
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Status.Phase != corev1.PodPending || p.Status.QOSClass != corev1.PodQOSBestEffort {
					t.Errorf("status %+v", p.Status)
				}
			},
		},
		{
			name: "dropped pod-level resources are kept",
			mutate: func(n, o *corev1.Pod) {
				r := resources("req", "cpu", "1")
				o.Spec.Resources = &r
				n.Spec.Resources = nil
			},
			wantGeneration: 1,
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.Resources == nil {
					t.Errorf("pod-level resources lost")
				}
			},
		},
		{
			name: "disabled fields are dropped unless the stored pod uses them",
			mutate: func(n, _ *corev1.Pod) {
				n.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{StopSignal: ptr.To(corev1.SIGTERM)}
			},
			wantGeneration: 1,
		},
		{
			name: "disabled fields in use stay",
			mutate: func(n, o *corev1.Pod) {
				o.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{StopSignal: ptr.To(corev1.SIGTERM)}
				n.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{StopSignal: ptr.To(corev1.SIGKILL)}
			},
			wantGeneration: 2,
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.Containers[0].Lifecycle == nil || *p.Spec.Containers[0].Lifecycle.StopSignal != corev1.SIGKILL {
					t.Errorf("stop signal %v", p.Spec.Containers[0].Lifecycle)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := created(t)
			newPod := oldPod.DeepCopy()
			tc.mutate(newPod, oldPod)
			registrypod.Strategy(apiserver.Scheme).PrepareForUpdate(context.Background(), newPod, oldPod)
			if newPod.Generation != tc.wantGeneration {
				t.Errorf("generation %d, want %d", newPod.Generation, tc.wantGeneration)
			}
			if tc.check != nil {
				tc.check(t, newPod)
			}
		})
	}
}

func TestStatusPrepareForUpdate(t *testing.T) {
	now := metav1.Now()
	cases := []struct {
		name   string
		mutate func(newPod, oldPod *corev1.Pod)
		check  func(*testing.T, *corev1.Pod)
	}{
		{
			name: "spec, owner references and deletion timestamp come from the stored pod",
			mutate: func(n, o *corev1.Pod) {
				o.OwnerReferences = []metav1.OwnerReference{{Name: "rs"}}
				n.Spec.NodeName = "node"
				n.OwnerReferences = nil
				n.DeletionTimestamp = &now
				n.Labels["x"] = "y"
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Spec.NodeName != "" || len(p.OwnerReferences) != 1 || p.DeletionTimestamp != nil || p.Labels["x"] != "y" || p.Generation != 1 {
					t.Errorf("got %+v", p.ObjectMeta)
				}
			},
		},
		{
			name: "qosClass and claim statuses are kept when omitted",
			mutate: func(n, o *corev1.Pod) {
				o.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "c"}}
				o.Status.ExtendedResourceClaimStatus = &corev1.PodExtendedResourceClaimStatus{ResourceClaimName: "x"}
				n.Status = corev1.PodStatus{Phase: corev1.PodRunning}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Status.QOSClass != corev1.PodQOSBestEffort || len(p.Status.ResourceClaimStatuses) != 1 || p.Status.ExtendedResourceClaimStatus == nil || p.Status.Phase != corev1.PodRunning {
					t.Errorf("status %+v", p.Status)
				}
			},
		},
		{
			name: "an empty claim list clears",
			mutate: func(n, o *corev1.Pod) {
				o.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "c"}}
				n.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if len(p.Status.ResourceClaimStatuses) != 0 {
					t.Errorf("claims %v", p.Status.ResourceClaimStatuses)
				}
			},
		},
		{
			name: "observed generations are kept when omitted, per condition in order",
			mutate: func(n, o *corev1.Pod) {
				o.Status.ObservedGeneration = 3
				o.Status.Conditions = []corev1.PodCondition{{Type: "A", ObservedGeneration: 1}, {Type: "A", ObservedGeneration: 2}, {Type: "B", ObservedGeneration: 5}}
				n.Status.ObservedGeneration = 0
				n.Status.Conditions = []corev1.PodCondition{{Type: "A"}, {Type: "B", ObservedGeneration: 9}, {Type: "A"}, {Type: "A"}, {Type: "C"}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				var got []int64
				for _, c := range p.Status.Conditions {
					got = append(got, c.ObservedGeneration)
				}
				if p.Status.ObservedGeneration != 3 || !cmp.Equal(got, []int64{1, 9, 2, 0, 0}) {
					t.Errorf("observedGeneration %d, conditions %v", p.Status.ObservedGeneration, got)
				}
			},
		},
		{
			name: "disabled status fields are dropped",
			mutate: func(n, _ *corev1.Pod) {
				n.Status.VolumeHealth = []corev1.PodVolumeHealth{{}}
				n.Status.NodeAllocatableResourceClaimStatuses = []corev1.NodeAllocatableResourceClaimStatus{{}}
			},
			check: func(t *testing.T, p *corev1.Pod) {
				if p.Status.VolumeHealth != nil || p.Status.NodeAllocatableResourceClaimStatuses != nil {
					t.Errorf("status %+v", p.Status)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := created(t)
			newPod := oldPod.DeepCopy()
			tc.mutate(newPod, oldPod)
			registrypod.StatusStrategy(apiserver.Scheme).PrepareForUpdate(context.Background(), newPod, oldPod)
			tc.check(t, newPod)
		})
	}
}
