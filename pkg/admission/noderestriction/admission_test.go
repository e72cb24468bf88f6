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

package noderestriction

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/utils/ptr"
)

type nodeGetter map[string]*corev1.Node

func (n nodeGetter) Get(_ context.Context, name string, _ metav1.GetOptions) (*corev1.Node, error) {
	if node, ok := n[name]; ok {
		return node, nil
	}
	return nil, apierrors.NewNotFound(corev1.Resource("nodes"), name)
}

func plugin() *Plugin {
	p := NewPlugin()
	p.SetNodes(nodeGetter{"a": {ObjectMeta: metav1.ObjectMeta{Name: "a", UID: "uid-a"}}})
	p.SetPods(func(namespace, name string) (*corev1.Pod, error) {
		return nil, apierrors.NewNotFound(corev1.Resource("pods"), name)
	})
	return p
}

func mirrorPod(mutate func(*corev1.Pod)) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: "m", Namespace: "ns",
			Annotations:     map[string]string{corev1.MirrorPodAnnotationKey: "hash"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "a", UID: "uid-a", Controller: ptr.To(true)}},
		},
		Spec: corev1.PodSpec{NodeName: "a", Containers: []corev1.Container{{Name: "c", Image: "i"}}},
	}
	if mutate != nil {
		mutate(pod)
	}
	return pod
}

func TestMirrorPodCreate(t *testing.T) {
	nodeA := &user.DefaultInfo{Name: "system:node:a", Groups: []string{user.NodesGroup}}
	for _, tc := range []struct {
		name string
		pod  *corev1.Pod
		want string
	}{
		{"mirror pod of its own", mirrorPod(nil), ""},
		{"second owner", mirrorPod(func(p *corev1.Pod) { p.OwnerReferences = append(p.OwnerReferences, p.OwnerReferences[0]) }),
			`node "a" can only create pods with a single owner reference set to itself`},
		{"not controller", mirrorPod(func(p *corev1.Pod) { p.OwnerReferences[0].Controller = nil }),
			`node "a" can only create pods with a controller owner reference set to itself`},
		{"blocks deletion", mirrorPod(func(p *corev1.Pod) { p.OwnerReferences[0].BlockOwnerDeletion = ptr.To(true) }),
			`node "a" must not set blockOwnerDeletion on an owner reference`},
		{"wrong uid", mirrorPod(func(p *corev1.Pod) { p.OwnerReferences[0].UID = "other" }),
			`node a UID mismatch: expected other got uid-a`},
		{"service account", mirrorPod(func(p *corev1.Pod) { p.Spec.ServiceAccountName = "sa" }),
			`node "a" can not create pods that reference serviceaccounts`},
		{"secret env", mirrorPod(func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "x", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}}
		}), `node "a" can not create pods that reference secrets`},
		{"configmap volume", mirrorPod(func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}}}
		}), `node "a" can not create pods that reference configmaps`},
		{"pvc", mirrorPod(func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c"}}}}
		}), `node "a" can not create pods that reference persistentvolumeclaims`},
		{"token projection", mirrorPod(func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "t"}}}}}}}
		}), `node "a" can not create pods that reference serviceaccounts (via projected volumes)`},
		{"host path is fine", mirrorPod(func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/x"}}}}
		}), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := admission.NewAttributesRecord(tc.pod, nil, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", tc.pod.Name,
				corev1.SchemeGroupVersion.WithResource("pods"), "", admission.Create, &metav1.CreateOptions{}, false, nodeA)
			err := plugin().Admit(context.Background(), attrs, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !apierrors.IsForbidden(err) || !strings.HasSuffix(err.Error(), tc.want) {
				t.Fatalf("%v, want Forbidden ending %q", err, tc.want)
			}
		})
	}
}

func TestStatusUpdate(t *testing.T) {
	nodeA := &user.DefaultInfo{Name: "system:node:a", Groups: []string{user.NodesGroup}}
	old := mirrorPod(nil)
	claimChanged := old.DeepCopy()
	claimChanged.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "c", ResourceClaimName: ptr.To("x")}}
	notANode := &user.DefaultInfo{Name: "system:node:a"}
	for _, tc := range []struct {
		name     string
		user     user.Info
		old, new *corev1.Pod
		want     string
	}{
		{"own pod", nodeA, old, old.DeepCopy(), ""},
		{"claims", nodeA, old, claimChanged, `node "a" cannot update resource claim statues`},
		{"other node's", nodeA, mirrorPod(func(p *corev1.Pod) { p.Spec.NodeName = "b" }), old, `node "a" can only update pod status for pods with spec.nodeName set to itself`},
		{"no node group: not restricted", notANode, mirrorPod(func(p *corev1.Pod) { p.Spec.NodeName = "b" }), old, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := admission.NewAttributesRecord(tc.new, tc.old, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", "m",
				corev1.SchemeGroupVersion.WithResource("pods"), "status", admission.Update, &metav1.UpdateOptions{}, false, tc.user)
			err := plugin().Admit(context.Background(), attrs, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !apierrors.IsForbidden(err) || !strings.HasSuffix(err.Error(), tc.want) {
				t.Fatalf("%v, want Forbidden ending %q", err, tc.want)
			}
		})
	}
}
