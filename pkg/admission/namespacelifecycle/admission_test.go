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

package namespacelifecycle

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
)

func TestNamespaceLifecycle(t *testing.T) {
	cases := []struct {
		namespace   string
		subresource string
		wantMessage string
	}{
		{namespace: "default"},
		{namespace: "team-a"},
		{namespace: "Bad_NS", wantMessage: `namespaces "Bad_NS" not found`},
		{namespace: "a.b", wantMessage: `namespaces "a.b" not found`},
		{namespace: "a.b", subresource: "binding", wantMessage: `namespaces "a.b" not found`},
	}
	for _, tc := range cases {
		t.Run(tc.namespace+"/"+tc.subresource, func(t *testing.T) {
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: tc.namespace}}
			attrs := admission.NewAttributesRecord(pod, nil, corev1.SchemeGroupVersion.WithKind("Pod"), tc.namespace, "p",
				corev1.SchemeGroupVersion.WithResource("pods"), tc.subresource, admission.Create, &metav1.CreateOptions{}, false, nil)
			err := New().Admit(context.Background(), attrs, nil)
			if tc.wantMessage == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if !apierrors.IsNotFound(err) || err.Error() != tc.wantMessage {
				t.Fatalf("got %v, want 404 %q", err, tc.wantMessage)
			}
		})
	}
}
