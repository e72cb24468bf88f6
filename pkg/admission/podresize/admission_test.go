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

package podresize

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
)

// nodeMap serves the nodes it holds; err, when set, is every lookup's answer.
type nodeMap struct {
	nodes map[string]*corev1.Node
	err   error
}

func (m nodeMap) Get(ctx context.Context, name string, _ metav1.GetOptions) (*corev1.Node, error) {
	if m.err != nil {
		return nil, m.err
	}
	if n, ok := m.nodes[name]; ok {
		return n, nil
	}
	return nil, apierrors.NewNotFound(corev1.Resource("nodes"), name)
}

func node(name, os, cpu, memory string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if os != "" {
		n.Labels = map[string]string{corev1.LabelOSStable: os}
	}
	n.Status.Allocatable = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(memory)}
	return n
}

func TestValidate(t *testing.T) {
	nodes := nodeMap{nodes: map[string]*corev1.Node{
		"linux":   node("linux", "linux", "1", "1Gi"),
		"nolabel": node("nolabel", "", "1", "1Gi"),
		"windows": node("windows", "windows", "8", "8Gi"),
	}}
	cases := []struct {
		name        string
		nodes       nodeMap
		nodeName    string
		cpu, memory string
		subresource string
		sameGen     bool
		wantMessage string
		wantCauses  []metav1.StatusCause
	}{
		{name: "fits", nodes: nodes, nodeName: "linux", cpu: "1", memory: "1Gi"},
		{name: "a node without an OS label counts as Linux", nodes: nodes, nodeName: "nolabel", cpu: "500m", memory: "1Mi"},
		{name: "unbound pods are the scheduler's", nodes: nodes, cpu: "64", memory: "1Ti"},
		{name: "an unchanged spec asks nothing", nodes: nodes, nodeName: "missing", cpu: "1", memory: "1Gi", sameGen: true},
		{name: "only pods/resize is checked", nodes: nodes, nodeName: "missing", cpu: "1", memory: "1Gi", subresource: "status"},
		{name: "main resource is not checked", nodes: nodes, nodeName: "missing", cpu: "1", memory: "1Gi", subresource: "-"},
		{name: "missing node", nodes: nodes, nodeName: "missing", cpu: "1", memory: "1Gi",
			wantMessage: `pods "p" is forbidden: node "missing" not found`},
		{name: "node unreadable", nodes: nodeMap{err: errors.New("connection refused")}, nodeName: "linux", cpu: "1", memory: "1Gi",
			wantMessage: `pods "p" is forbidden: failed to get node "linux": connection refused`},
		{name: "windows node", nodes: nodes, nodeName: "windows", cpu: "1", memory: "1Gi",
			wantMessage: `pods "p" is forbidden: pod resize is only supported on linux nodes, node "windows" is "windows"`,
			wantCauses:  []metav1.StatusCause{{Type: ReasonUnsupportedPlatform}}},
		{name: "cpu too large", nodes: nodes, nodeName: "linux", cpu: "1500m", memory: "1Gi",
			wantMessage: `pods "p" is forbidden: node didn't have enough allocatable resources: cpu, requested: 1500, allocatable: 1000`,
			wantCauses:  []metav1.StatusCause{{Type: ReasonNodeCapacity}}},
		{name: "cpu and memory too large", nodes: nodes, nodeName: "linux", cpu: "2", memory: "2Gi",
			wantMessage: `pods "p" is forbidden: node didn't have enough allocatable resources: cpu, requested: 2000, allocatable: 1000; memory, requested: 2147483648, allocatable: 1073741824`,
			wantCauses:  []metav1.StatusCause{{Type: ReasonNodeCapacity}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", Generation: 1},
				Spec:       corev1.PodSpec{NodeName: tc.nodeName, Containers: []corev1.Container{{Name: "c"}}},
			}
			pod := old.DeepCopy()
			pod.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(tc.cpu), corev1.ResourceMemory: resource.MustParse(tc.memory)}
			if !tc.sameGen {
				pod.Generation = 2
			}
			sub := "resize"
			switch tc.subresource {
			case "-":
				sub = ""
			case "":
			default:
				sub = tc.subresource
			}
			attrs := admission.NewAttributesRecord(pod, old, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", "p",
				corev1.SchemeGroupVersion.WithResource("pods"), sub, admission.Update, &metav1.UpdateOptions{}, false, nil)
			p := NewPlugin()
			p.SetNodes(tc.nodes)
			if err := p.ValidateInitialization(); err != nil {
				t.Fatal(err)
			}
			err := p.Validate(context.Background(), attrs, nil)
			if tc.wantMessage == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var status *apierrors.StatusError
			if !errors.As(err, &status) || !apierrors.IsForbidden(err) {
				t.Fatalf("want Forbidden, got %v", err)
			}
			if status.ErrStatus.Message != tc.wantMessage {
				t.Errorf("message %q, want %q", status.ErrStatus.Message, tc.wantMessage)
			}
			if diff := cmp.Diff(tc.wantCauses, status.ErrStatus.Details.Causes); diff != "" {
				t.Errorf("causes (-want +got):\n%s", diff)
			}
		})
	}
}
