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

package qos

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func list(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func ctr(requests, limits corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits}}
}

// The classes kube's qos.ComputePodQOS gives the same pods.
func TestComputePodQOS(t *testing.T) {
	guaranteed := list("cpu", "1", "memory", "1Gi")
	cases := []struct {
		name string
		spec corev1.PodSpec
		want corev1.PodQOSClass
	}{
		{"no resources", corev1.PodSpec{Containers: []corev1.Container{ctr(nil, nil)}}, corev1.PodQOSBestEffort},
		{"requests equal limits", corev1.PodSpec{Containers: []corev1.Container{ctr(guaranteed, guaranteed)}}, corev1.PodQOSGuaranteed},
		{"init and regular guaranteed", corev1.PodSpec{
			InitContainers: []corev1.Container{ctr(guaranteed, guaranteed)},
			Containers:     []corev1.Container{ctr(list("cpu", "2", "memory", "2Gi"), list("cpu", "2", "memory", "2Gi"))},
		}, corev1.PodQOSGuaranteed},
		{"requests below limits", corev1.PodSpec{Containers: []corev1.Container{ctr(list("cpu", "500m", "memory", "1Gi"), guaranteed)}}, corev1.PodQOSBurstable},
		{"limits only", corev1.PodSpec{Containers: []corev1.Container{ctr(nil, guaranteed)}}, corev1.PodQOSBurstable},
		{"cpu only", corev1.PodSpec{Containers: []corev1.Container{ctr(list("cpu", "1"), list("cpu", "1"))}}, corev1.PodQOSBurstable},
		{"guaranteed beside best effort", corev1.PodSpec{Containers: []corev1.Container{ctr(guaranteed, guaranteed), ctr(nil, nil)}}, corev1.PodQOSBurstable},
		{"best effort init beside guaranteed", corev1.PodSpec{
			InitContainers: []corev1.Container{ctr(nil, nil)},
			Containers:     []corev1.Container{ctr(guaranteed, guaranteed)},
		}, corev1.PodQOSBurstable},
		{"only resources that do not classify", corev1.PodSpec{Containers: []corev1.Container{ctr(list("ephemeral-storage", "1Gi"), nil)}}, corev1.PodQOSBestEffort},
		{"extended resources beside guaranteed cpu and memory", corev1.PodSpec{Containers: []corev1.Container{
			ctr(list("cpu", "1", "memory", "1Gi", "example.com/gpu", "1"), list("cpu", "1", "memory", "1Gi", "example.com/gpu", "1")),
		}}, corev1.PodQOSGuaranteed},
		{"pod-level resources decide alone", corev1.PodSpec{
			Resources:  &corev1.ResourceRequirements{Requests: guaranteed, Limits: guaranteed},
			Containers: []corev1.Container{ctr(nil, nil)},
		}, corev1.PodQOSGuaranteed},
		{"pod-level requests below limits", corev1.PodSpec{
			Resources:  &corev1.ResourceRequirements{Requests: list("cpu", "1"), Limits: guaranteed},
			Containers: []corev1.Container{ctr(guaranteed, guaranteed)},
		}, corev1.PodQOSBurstable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ComputePodQOS(&corev1.Pod{Spec: tc.spec}); got != tc.want {
				t.Errorf("ComputePodQOS = %s, want %s", got, tc.want)
			}
		})
	}
}

// The class recorded at create stays the pod's class, whatever its spec says later.
func TestPodQOSKeepsTheRecordedClass(t *testing.T) {
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{ctr(nil, nil)}}}
	if got := PodQOS(pod); got != corev1.PodQOSBestEffort {
		t.Fatalf("computed %s, want BestEffort", got)
	}
	pod.Status.QOSClass = corev1.PodQOSGuaranteed
	if got := PodQOS(pod); got != corev1.PodQOSGuaranteed {
		t.Fatalf("PodQOS = %s, want the recorded Guaranteed", got)
	}
}
