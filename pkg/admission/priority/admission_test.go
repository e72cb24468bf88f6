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

package priority

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"
)

func attributes(pod, old *corev1.Pod, op admission.Operation, subresource string) admission.Attributes {
	var oldObj runtime.Object
	if old != nil {
		oldObj = old
	}
	var opts runtime.Object = &metav1.CreateOptions{}
	if op == admission.Update {
		opts = &metav1.UpdateOptions{}
	}
	return admission.NewAttributesRecord(pod, oldObj, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", pod.Name,
		corev1.SchemeGroupVersion.WithResource("pods"), subresource, op, opts, false, nil)
}

func podWith(className string, priority *int32, policy *corev1.PreemptionPolicy) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p1"}, Spec: corev1.PodSpec{PriorityClassName: className, Priority: priority, PreemptionPolicy: policy}}
}

func TestAdmitCreate(t *testing.T) {
	lower, never := corev1.PreemptLowerPriority, corev1.PreemptNever
	cases := []struct {
		name         string
		pod          *corev1.Pod
		wantPriority int32
		wantErr      string // the message kube-apiserver answers with
	}{
		{name: "no class", pod: podWith("", nil, nil), wantPriority: 0},
		{name: "no class, matching values given", pod: podWith("", ptr.To[int32](0), &lower), wantPriority: 0},
		{name: "node critical", pod: podWith("system-node-critical", nil, nil), wantPriority: 2000001000},
		{name: "cluster critical", pod: podWith("system-cluster-critical", ptr.To[int32](2000000000), nil), wantPriority: 2000000000},
		{name: "unknown class", pod: podWith("high", nil, nil),
			wantErr: `pods "p1" is forbidden: no PriorityClass with name high was found`},
		{name: "class names are case sensitive", pod: podWith("System-node-critical", nil, nil),
			wantErr: `pods "p1" is forbidden: no PriorityClass with name System-node-critical was found`},
		{name: "mismatching priority", pod: podWith("", ptr.To[int32](5), nil),
			wantErr: `pods "p1" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name`},
		{name: "mismatching priority for a class", pod: podWith("system-node-critical", ptr.To[int32](5), nil),
			wantErr: `pods "p1" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000001000 from the given PriorityClass name`},
		{name: "mismatching preemption policy", pod: podWith("", nil, &never),
			wantErr: `pods "p1" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := NewPlugin().Admit(context.Background(), attributes(tc.pod, nil, admission.Create, ""), nil)
			if tc.wantErr != "" {
				if !apierrors.IsForbidden(err) || err.Error() != tc.wantErr {
					t.Fatalf("got error %v, want 403 %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.pod.Spec.Priority == nil || *tc.pod.Spec.Priority != tc.wantPriority {
				t.Errorf("priority %v, want %d", tc.pod.Spec.Priority, tc.wantPriority)
			}
			if tc.pod.Spec.PreemptionPolicy == nil || *tc.pod.Spec.PreemptionPolicy != corev1.PreemptLowerPriority {
				t.Errorf("preemptionPolicy %v, want PreemptLowerPriority", tc.pod.Spec.PreemptionPolicy)
			}
		})
	}
}

func TestAdmitUpdateKeepsPriority(t *testing.T) {
	lower, never := corev1.PreemptLowerPriority, corev1.PreemptNever
	cases := []struct {
		name       string
		pod, old   *corev1.Pod
		wantPrio   *int32
		wantPolicy *corev1.PreemptionPolicy
	}{
		{name: "omitted values come from the stored pod", pod: podWith("", nil, nil), old: podWith("", ptr.To[int32](7), &never), wantPrio: ptr.To[int32](7), wantPolicy: &never},
		{name: "given values stay for validation to judge", pod: podWith("", ptr.To[int32](9), &lower), old: podWith("", ptr.To[int32](7), &never), wantPrio: ptr.To[int32](9), wantPolicy: &lower},
		{name: "unknown class is not looked up on update", pod: podWith("high", nil, nil), old: podWith("high", nil, nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := NewPlugin().Admit(context.Background(), attributes(tc.pod, tc.old, admission.Update, ""), nil); err != nil {
				t.Fatal(err)
			}
			if !ptr.Equal(tc.pod.Spec.Priority, tc.wantPrio) || !ptr.Equal(tc.pod.Spec.PreemptionPolicy, tc.wantPolicy) {
				t.Errorf("got %v/%v, want %v/%v", ptr.Deref(tc.pod.Spec.Priority, -1), tc.pod.Spec.PreemptionPolicy, ptr.Deref(tc.wantPrio, -1), tc.wantPolicy)
			}
		})
	}
}

func TestSubresourcesAndOtherResourcesAreIgnored(t *testing.T) {
	pod := podWith("high", nil, nil)
	if err := NewPlugin().Admit(context.Background(), attributes(pod, pod.DeepCopy(), admission.Update, "status"), nil); err != nil || pod.Spec.Priority != nil {
		t.Errorf("status update admitted with %v, priority %v", err, pod.Spec.Priority)
	}
	binding := admission.NewAttributesRecord(&corev1.Binding{}, nil, corev1.SchemeGroupVersion.WithKind("Binding"), "ns", "p1",
		corev1.SchemeGroupVersion.WithResource("pods"), "binding", admission.Create, &metav1.CreateOptions{}, false, nil)
	if err := NewPlugin().Admit(context.Background(), binding, nil); err != nil {
		t.Errorf("binding: %v", err)
	}
	if NewPlugin().Handles(admission.Delete) || NewPlugin().Handles(admission.Connect) {
		t.Errorf("plugin claims deletes or connects")
	}
}
