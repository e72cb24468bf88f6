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

package validation

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// podWith returns a minimal valid pod, as defaulting leaves it, changed by the given mutations.
func podWith(mutations ...func(*corev1.Pod)) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name:                     "c",
				Image:                    "busybox",
				ImagePullPolicy:          corev1.PullIfNotPresent,
				TerminationMessagePolicy: corev1.TerminationMessageReadFile,
			}},
			RestartPolicy:                 corev1.RestartPolicyAlways,
			DNSPolicy:                     corev1.DNSClusterFirst,
			TerminationGracePeriodSeconds: ptr.To[int64](30),
			SecurityContext:               &corev1.PodSecurityContext{},
		},
	}
	for _, mutate := range mutations {
		mutate(pod)
	}
	return pod
}

// wantErr is one expected error. body, when set, is the whole text a client sees after the field
// (type, rendered value and detail), for the cases where kube's rendering of the value matters.
type wantErr struct {
	typ    field.ErrorType
	field  string
	detail string
	body   string
}

func (w wantErr) String() string {
	return fmt.Sprintf("%s %s: %q", w.typ, w.field, w.detail)
}

// podCase is a pod and the errors creating it must give; none means it is valid. Cases were
// checked against kube-apiserver by sending the pod, as Go encodes it to JSON, with dryRun;
// unreachable says why that could not show the case (defaulting or admission changes or rejects
// the pod before validation, or the encoding loses what the case is about).
type podCase struct {
	name        string
	pod         *corev1.Pod
	want        []wantErr
	unreachable string
}

func runCreateCases(t *testing.T, cases []podCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ValidatePodCreate(tc.pod, OptionsFor(tc.pod, nil))
			expectErrors(t, got, tc.want)
		})
	}
}

func expectErrors(t *testing.T, got field.ErrorList, want []wantErr) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], want[i]
		ok = g.Type == w.typ && g.Field == w.field && g.Detail == w.detail && (w.body == "" || g.ErrorBody() == w.body)
	}
	if ok {
		return
	}
	var gotLines, wantLines []string
	for _, g := range got {
		gotLines = append(gotLines, fmt.Sprintf("%s %s: %q (%s)", g.Type, g.Field, g.Detail, g.ErrorBody()))
	}
	for _, w := range want {
		wantLines = append(wantLines, w.String()+" "+w.body)
	}
	t.Errorf("errors differ\ngot:\n  %s\nwant:\n  %s", strings.Join(gotLines, "\n  "), strings.Join(wantLines, "\n  "))
}

func invalid(path, detail string) wantErr {
	return wantErr{typ: field.ErrorTypeInvalid, field: path, detail: detail}
}

func required(path, detail string) wantErr {
	return wantErr{typ: field.ErrorTypeRequired, field: path, detail: detail}
}

func forbidden(path, detail string) wantErr {
	return wantErr{typ: field.ErrorTypeForbidden, field: path, detail: detail}
}

func notSupported(path, detail string) wantErr {
	return wantErr{typ: field.ErrorTypeNotSupported, field: path, detail: detail}
}

func duplicate(path string) wantErr {
	return wantErr{typ: field.ErrorTypeDuplicate, field: path}
}

func notFound(path, detail string) wantErr {
	return wantErr{typ: field.ErrorTypeNotFound, field: path, detail: detail}
}

func tooLong(path, detail string) wantErr {
	return wantErr{typ: field.ErrorTypeTooLong, field: path, detail: detail}
}

// withBody sets the full text a client must see for the error.
func (w wantErr) withBody(body string) wantErr {
	w.body = body
	return w
}

func TestPodWithIsValid(t *testing.T) {
	if errs := ValidatePodCreate(podWith(), OptionsFor(podWith(), nil)); len(errs) != 0 {
		t.Fatalf("the base pod must be valid, got %v", errs)
	}
}
