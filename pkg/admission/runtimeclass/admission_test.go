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

package runtimeclass

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"
)

func TestRuntimeClass(t *testing.T) {
	plain := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}}
	withClass := plain.DeepCopy()
	withClass.Spec.RuntimeClassName = ptr.To("gvisor")
	named := func(class string) *corev1.Pod {
		pod := plain.DeepCopy()
		pod.Spec.RuntimeClassName = ptr.To(class)
		return pod
	}
	withOverhead := plain.DeepCopy()
	withOverhead.Spec.Overhead = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}

	cases := []struct {
		name         string
		pod          *corev1.Pod
		subresource  string
		wantAdmit    string
		wantValidate string
		// plain says the error is the client's own, no API status, which kube serves as a 500.
		plain bool
	}{
		{name: "plain pod", pod: plain},
		{name: "unknown class", pod: withClass,
			wantAdmit:    `pods "p" is forbidden: pod rejected: RuntimeClass "gvisor" not found`,
			wantValidate: `pods "p" is forbidden: pod rejected: RuntimeClass "gvisor" not found`},
		{name: "overhead without class", pod: withOverhead,
			wantValidate: `pods "p" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead`},
		{name: "subresources are not its business", pod: withClass, subresource: "status"},
		{name: "empty class name", pod: named(""), plain: true,
			wantAdmit: "resource name may not be empty", wantValidate: "resource name may not be empty"},
		{name: "class name with a slash", pod: named("example.com/a"), plain: true,
			wantAdmit:    `invalid resource name "example.com/a": [may not contain '/']`,
			wantValidate: `invalid resource name "example.com/a": [may not contain '/']`},
		{name: "class name with a percent and a slash", pod: named("a/%"), plain: true,
			wantAdmit:    `invalid resource name "a/%": [may not contain '/' may not contain '%']`,
			wantValidate: `invalid resource name "a/%": [may not contain '/' may not contain '%']`},
		{name: "class name dot dot", pod: named(".."), plain: true,
			wantAdmit: `invalid resource name "..": [may not be '..']`, wantValidate: `invalid resource name "..": [may not be '..']`},
		{name: "class name kube's client would send", pod: named("A B?#"),
			wantAdmit:    `pods "p" is forbidden: pod rejected: RuntimeClass "A B?#" not found`,
			wantValidate: `pods "p" is forbidden: pod rejected: RuntimeClass "A B?#" not found`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			attrs := admission.NewAttributesRecord(tc.pod, nil, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", "p",
				corev1.SchemeGroupVersion.WithResource("pods"), tc.subresource, admission.Create, &metav1.CreateOptions{}, false, nil)
			p := New()
			check := func(phase string, err error, want string) {
				t.Helper()
				if want == "" {
					if err != nil {
						t.Errorf("%s: unexpected error %v", phase, err)
					}
					return
				}
				if tc.plain {
					if _, isStatus := err.(apierrors.APIStatus); isStatus || err == nil || err.Error() != want {
						t.Errorf("%s: got %#v, want a plain error %q", phase, err, want)
					}
					return
				}
				if !apierrors.IsForbidden(err) || err.Error() != want {
					t.Errorf("%s: got %v, want 403 %q", phase, err, want)
				}
			}
			check("admit", p.Admit(context.Background(), attrs, nil), tc.wantAdmit)
			check("validate", p.Validate(context.Background(), attrs, nil), tc.wantValidate)
		})
	}
}
