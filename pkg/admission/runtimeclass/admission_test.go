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
	withOverhead := plain.DeepCopy()
	withOverhead.Spec.Overhead = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}

	cases := []struct {
		name         string
		pod          *corev1.Pod
		subresource  string
		wantAdmit    string
		wantValidate string
	}{
		{name: "plain pod", pod: plain},
		{name: "unknown class", pod: withClass,
			wantAdmit:    `pods "p" is forbidden: pod rejected: RuntimeClass "gvisor" not found`,
			wantValidate: `pods "p" is forbidden: pod rejected: RuntimeClass "gvisor" not found`},
		{name: "overhead without class", pod: withOverhead,
			wantValidate: `pods "p" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead`},
		{name: "subresources are not its business", pod: withClass, subresource: "status"},
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
				if !apierrors.IsForbidden(err) || err.Error() != want {
					t.Errorf("%s: got %v, want 403 %q", phase, err, want)
				}
			}
			check("admit", p.Admit(context.Background(), attrs, nil), tc.wantAdmit)
			check("validate", p.Validate(context.Background(), attrs, nil), tc.wantValidate)
		})
	}
}
