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
	"context"
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/warning"
)

func metaWithAnnotations(a map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "p", Namespace: "ns", Annotations: a}
}

func TestMarkSchedulingGated(t *testing.T) {
	now := metav1.NewTime(time.Unix(1700000000, 0))
	pod := &corev1.Pod{Spec: corev1.PodSpec{SchedulingGates: []corev1.PodSchedulingGate{{Name: "g"}}}}
	MarkSchedulingGated(pod, now)
	want := []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated, Message: SchedulingGatedMessage, LastTransitionTime: now}}
	if !reflect.DeepEqual(pod.Status.Conditions, want) {
		t.Fatalf("conditions = %+v, want %+v", pod.Status.Conditions, want)
	}
	// Not twice, and not on an ungated pod.
	MarkSchedulingGated(pod, now)
	if len(pod.Status.Conditions) != 1 {
		t.Fatalf("condition added twice: %+v", pod.Status.Conditions)
	}
	ungated := &corev1.Pod{}
	MarkSchedulingGated(ungated, now)
	if ungated.Status.Conditions != nil {
		t.Fatalf("ungated pod got %+v", ungated.Status.Conditions)
	}
}

func TestMergeLabelKeys(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web", "tier": "front"}},
		Spec: corev1.PodSpec{
			Affinity: &corev1.Affinity{
				PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
					LabelSelector: &metav1.LabelSelector{}, MatchLabelKeys: []string{"app", "absent"}, MismatchLabelKeys: []string{"tier"}, TopologyKey: "zone",
				}}},
				PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
					Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{MatchLabelKeys: []string{"app"}, TopologyKey: "zone"},
				}}},
			},
			TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{LabelSelector: &metav1.LabelSelector{}, MatchLabelKeys: []string{"tier"}}},
		},
	}
	MergeLabelKeys(pod)
	got := pod.Spec.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].LabelSelector.MatchExpressions
	want := []metav1.LabelSelectorRequirement{
		{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"web"}},
		{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"front"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("affinity term = %+v, want %+v", got, want)
	}
	if sel := pod.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.LabelSelector; sel != nil {
		t.Errorf("a term without a selector got one: %+v", sel)
	}
	spread := pod.Spec.TopologySpreadConstraints[0].LabelSelector.MatchExpressions
	if len(spread) != 1 || spread[0].Key != "tier" || spread[0].Operator != metav1.LabelSelectorOpIn {
		t.Errorf("spread constraint = %+v", spread)
	}
}

func TestSyncAppArmorAnnotations(t *testing.T) {
	recorder := &warningRecorder{}
	ctx := warning.WithWarningRecorder(context.Background(), recorder)
	pod := &corev1.Pod{
		ObjectMeta: metaWithAnnotations(map[string]string{
			appArmorAnnotationPrefix + "a": "localhost/prof",
			appArmorAnnotationPrefix + "b": "runtime/default",
			appArmorAnnotationPrefix + "c": "unconfined",
		}),
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}},
			Containers: []corev1.Container{
				{Name: "a"}, {Name: "b"},
				{Name: "c", SecurityContext: &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}}},
			},
		},
	}
	SyncAppArmorAnnotations(ctx, pod)
	if p := pod.Spec.Containers[0].SecurityContext.AppArmorProfile; p == nil || p.Type != corev1.AppArmorProfileTypeLocalhost || *p.LocalhostProfile != "prof" {
		t.Errorf("container a: %+v", p)
	}
	// Equal to the pod's own profile: not copied, and no warning.
	if pod.Spec.Containers[1].SecurityContext != nil {
		t.Errorf("container b got %+v", pod.Spec.Containers[1].SecurityContext)
	}
	// The field wins over the annotation.
	if p := pod.Spec.Containers[2].SecurityContext.AppArmorProfile; p.Type != corev1.AppArmorProfileTypeRuntimeDefault {
		t.Errorf("container c: %+v", p)
	}
	want := []string{`metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]: deprecated since v1.30; use the "appArmorProfile" field instead`}
	if !reflect.DeepEqual(recorder.warnings, want) {
		t.Errorf("warnings = %q, want %q", recorder.warnings, want)
	}

	windows := &corev1.Pod{ObjectMeta: metaWithAnnotations(map[string]string{appArmorAnnotationPrefix + "a": "localhost/prof"}),
		Spec: corev1.PodSpec{OS: &corev1.PodOS{Name: corev1.Windows}, Containers: []corev1.Container{{Name: "a"}}}}
	SyncAppArmorAnnotations(ctx, windows)
	if windows.Spec.Containers[0].SecurityContext != nil {
		t.Error("a Windows pod got an AppArmor profile")
	}
}

type warningRecorder struct{ warnings []string }

func (r *warningRecorder) AddWarning(_, text string) { r.warnings = append(r.warnings, text) }

func TestDefaultPodLevelResources(t *testing.T) {
	q := resource.MustParse
	pod := &corev1.Pod{Spec: corev1.PodSpec{
		Resources: &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: q("2")}},
		Containers: []corev1.Container{
			{Name: "a", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("500m"), corev1.ResourceMemory: q("64Mi")}}},
			{Name: "b", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: q("250m")}}},
		},
	}}
	DefaultPodLevelResources(pod)
	r := pod.Spec.Resources
	if got := r.Requests[corev1.ResourceCPU]; got.Cmp(q("750m")) != 0 {
		t.Errorf("cpu request = %s, want the containers' 750m", got.String())
	}
	if got := r.Requests[corev1.ResourceMemory]; got.Cmp(q("64Mi")) != 0 {
		t.Errorf("memory request = %s, want 64Mi", got.String())
	}
	if got := r.Limits[corev1.ResourceCPU]; got.Cmp(q("2")) != 0 {
		t.Errorf("cpu limit = %s, want the pod's own 2", got.String())
	}

	// A pod without pod-level resources is left alone.
	plain := &corev1.Pod{Spec: corev1.PodSpec{Containers: pod.Spec.Containers}}
	DefaultPodLevelResources(plain)
	if plain.Spec.Resources != nil {
		t.Errorf("pod-level resources invented: %+v", plain.Spec.Resources)
	}
}
