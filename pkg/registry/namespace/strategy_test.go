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

package namespace

import (
	"context"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestPrepareForCreate(t *testing.T) {
	s := Strategy(runtime.NewScheme())
	for _, tc := range []struct {
		in, want []corev1.FinalizerName
	}{
		{nil, []corev1.FinalizerName{"kubernetes"}},
		{[]corev1.FinalizerName{"example.com/a"}, []corev1.FinalizerName{"example.com/a", "kubernetes"}},
		{[]corev1.FinalizerName{"kubernetes", "example.com/a"}, []corev1.FinalizerName{"kubernetes", "example.com/a"}},
	} {
		ns := &corev1.Namespace{Spec: corev1.NamespaceSpec{Finalizers: tc.in}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}
		s.PrepareForCreate(context.Background(), ns)
		if !reflect.DeepEqual(ns.Spec.Finalizers, tc.want) || ns.Status.Phase != corev1.NamespaceActive {
			t.Errorf("%v: got %v %s", tc.in, ns.Spec.Finalizers, ns.Status.Phase)
		}
	}
}

func TestValidateNamespace(t *testing.T) {
	for name, want := range map[string]string{
		"ok":     "",
		"a.b":    `metadata.name: Invalid value: "a.b": must not contain dots`,
		"Bad_NS": `metadata.name: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
	} {
		errs := ValidateNamespace(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
		got := errs.ToAggregate()
		if (got == nil) != (want == "") || (got != nil && got.Error() != want) {
			t.Errorf("%s: got %v, want %q", name, got, want)
		}
	}
	errs := ValidateNamespace(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ok"}, Spec: corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{"kubernetes", "mine"}}})
	if len(errs) != 1 || errs[0].Field != "spec.finalizers" {
		t.Errorf("unqualified finalizer: %v", errs)
	}
}

func TestPropagationFinalizers(t *testing.T) {
	fg, orphan := metav1.DeletePropagationForeground, metav1.DeletePropagationOrphan
	if got := propagationFinalizers(&metav1.DeleteOptions{PropagationPolicy: &fg}, nil); !reflect.DeepEqual(got, []string{metav1.FinalizerDeleteDependents}) {
		t.Errorf("foreground: %v", got)
	}
	if got := propagationFinalizers(&metav1.DeleteOptions{PropagationPolicy: &orphan}, []string{"example.com/x", metav1.FinalizerDeleteDependents}); !reflect.DeepEqual(got, []string{"example.com/x", metav1.FinalizerOrphanDependents}) {
		t.Errorf("orphan after foreground: %v", got)
	}
	if got := propagationFinalizers(&metav1.DeleteOptions{}, []string{"example.com/x"}); !reflect.DeepEqual(got, []string{"example.com/x"}) {
		t.Errorf("no policy: %v", got)
	}
}

func TestSelectableFields(t *testing.T) {
	fields := NamespaceToSelectableFields(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "n"}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}})
	want := map[string]string{"metadata.name": "n", "name": "n", "status.phase": "Active"}
	if !reflect.DeepEqual(map[string]string(fields), want) {
		t.Errorf("fields = %v", fields)
	}
}
