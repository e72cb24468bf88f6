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

package defaulttolerationseconds

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"
)

func admit(t *testing.T, tolerations []corev1.Toleration, op admission.Operation, subresource string) []corev1.Toleration {
	t.Helper()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{Tolerations: tolerations}}
	var old *corev1.Pod
	if op == admission.Update {
		old = pod.DeepCopy()
	}
	a := admission.NewAttributesRecord(pod, old, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", "p",
		corev1.SchemeGroupVersion.WithResource("pods"), subresource, op, nil, false, nil)
	if err := NewPlugin(300, 300).Admit(context.Background(), a, nil); err != nil {
		t.Fatal(err)
	}
	return pod.Spec.Tolerations
}

func TestAdmit(t *testing.T) {
	notReady := corev1.Toleration{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)}
	unreachable := corev1.Toleration{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)}
	other := corev1.Toleration{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "x", Effect: corev1.TaintEffectNoSchedule}
	cases := []struct {
		name string
		in   []corev1.Toleration
		want []corev1.Toleration
	}{
		{name: "none", in: nil, want: []corev1.Toleration{notReady, unreachable}},
		{name: "unrelated tolerations are kept first", in: []corev1.Toleration{other}, want: []corev1.Toleration{other, notReady, unreachable}},
		{name: "not-ready with any effect", in: []corev1.Toleration{{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists}},
			want: []corev1.Toleration{{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists}, unreachable}},
		{name: "unreachable with its own seconds", in: []corev1.Toleration{{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](5)}},
			want: []corev1.Toleration{{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](5)}, notReady}},
		{name: "not-ready with NoSchedule does not count", in: []corev1.Toleration{{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
			want: []corev1.Toleration{{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}, notReady, unreachable}},
		{name: "tolerate everything", in: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}, want: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}},
		{name: "empty key with NoExecute", in: []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}},
			want: []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}},
	}
	for _, tc := range cases {
		for _, op := range []admission.Operation{admission.Create, admission.Update} {
			t.Run(tc.name+"/"+string(op), func(t *testing.T) {
				got := admit(t, append([]corev1.Toleration(nil), tc.in...), op, "")
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("tolerations (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestSubresourcesAreIgnored(t *testing.T) {
	if got := admit(t, nil, admission.Update, "status"); len(got) != 0 {
		t.Errorf("status update got tolerations %v", got)
	}
}

func TestEachPodGetsItsOwnSeconds(t *testing.T) {
	first := admit(t, nil, admission.Create, "")
	second := admit(t, nil, admission.Create, "")
	*first[0].TolerationSeconds = 1
	if *second[0].TolerationSeconds != 300 {
		t.Errorf("pods share the tolerationSeconds value")
	}
}
