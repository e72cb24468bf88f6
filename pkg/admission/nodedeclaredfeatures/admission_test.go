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

package nodedeclaredfeatures

import (
	"context"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodes"
)

type nodeMap map[string]*corev1.Node

func (m nodeMap) Get(ctx context.Context, name string, _ metav1.GetOptions) (*corev1.Node, error) {
	if n, ok := m[name]; ok {
		return n, nil
	}
	return nil, apierrors.NewNotFound(corev1.Resource("nodes"), name)
}

func cpu(v string) corev1.ResourceList {
	return corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(v)}
}

func TestValidate(t *testing.T) {
	known := nodeMap{
		"capable": {ObjectMeta: metav1.ObjectMeta{Name: "capable"}, Status: corev1.NodeStatus{DeclaredFeatures: []string{"InPlacePodLevelResourcesVerticalScaling", "InPlacePodVerticalScalingInitContainers"}}},
		"old":     {ObjectMeta: metav1.ObjectMeta{Name: "old"}},
	}
	podLevel := func(p *corev1.Pod) { p.Spec.Resources = &corev1.ResourceRequirements{Requests: cpu("2")} }
	initCPU := func(p *corev1.Pod) { p.Spec.InitContainers[0].Resources.Requests = cpu("2") }
	cases := []struct {
		name        string
		nodes       nodes.Getter
		nodeName    string
		subresource string
		change      func(p *corev1.Pod)
		sameGen     bool
		wantMessage string
	}{
		{name: "container resize needs no feature", nodes: nodes.None{}, nodeName: "n1", subresource: "resize",
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Resources.Requests = cpu("2") }},
		{name: "image change needs no feature", nodes: nodes.None{}, nodeName: "n1",
			change: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "busybox:2" }},
		{name: "pod-level resize on a missing node", nodes: nodes.None{}, nodeName: "n1", subresource: "resize", change: podLevel,
			wantMessage: `pods "p" is forbidden: node "n1" not found`},
		{name: "pod-level resize on a capable node", nodes: known, nodeName: "capable", subresource: "resize", change: podLevel},
		{name: "init container resize on a node without the features", nodes: known, nodeName: "old", subresource: "resize", change: initCPU,
			wantMessage: `pods "p" is forbidden: pod update requires features InPlacePodVerticalScalingInitContainers which are not available on node "old"`},
		{name: "both features missing are listed", nodes: known, nodeName: "old", subresource: "resize",
			change:      func(p *corev1.Pod) { podLevel(p); initCPU(p) },
			wantMessage: `pods "p" is forbidden: pod update requires features InPlacePodLevelResourcesVerticalScaling, InPlacePodVerticalScalingInitContainers which are not available on node "old"`},
		{name: "unbound pods are not checked", nodes: nodes.None{}, subresource: "resize", change: podLevel},
		{name: "an unchanged generation is not checked", nodes: nodes.None{}, nodeName: "n1", subresource: "resize", change: podLevel, sameGen: true},
		{name: "other subresources are not checked", nodes: nodes.None{}, nodeName: "n1", subresource: "status", change: podLevel},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", Generation: 1},
				Spec: corev1.PodSpec{
					NodeName:       tc.nodeName,
					InitContainers: []corev1.Container{{Name: "i", Image: "busybox"}},
					Containers:     []corev1.Container{{Name: "c", Image: "busybox"}},
				},
			}
			pod := old.DeepCopy()
			tc.change(pod)
			if !tc.sameGen {
				pod.Generation = 2
			}
			attrs := admission.NewAttributesRecord(pod, old, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", "p",
				corev1.SchemeGroupVersion.WithResource("pods"), tc.subresource, admission.Update, &metav1.UpdateOptions{}, false, nil)
			p := NewPlugin()
			p.SetNodes(tc.nodes)
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
		})
	}
}
