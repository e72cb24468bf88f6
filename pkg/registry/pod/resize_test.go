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

package pod_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	registrypod "github.com/pod-apiserver/pod-apiserver/pkg/registry/pod"
)

// resizablePod is a stored burstable pod with an init container and two containers.
func resizablePod(t *testing.T) *corev1.Pod {
	pod := newPod()
	pod.Spec.Containers[0].Resources = resources("req", "cpu", "100m", "limit", "cpu", "200m")
	second := pod.Spec.Containers[0]
	second.Name = "d"
	init := pod.Spec.Containers[0]
	init.Name = "i"
	pod.Spec.Containers = append(pod.Spec.Containers, second)
	pod.Spec.InitContainers = []corev1.Container{init}
	registrypod.Strategy(apiserver.Scheme).PrepareForCreate(context.Background(), pod)
	pod.ResourceVersion = "5"
	return pod
}

func TestResizePrepareForUpdate(t *testing.T) {
	policy := []corev1.ContainerResizePolicy{{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.RestartContainer}}
	cases := []struct {
		name string
		// mutate changes the written pod; want changes the stored pod into the expected result.
		mutate func(n *corev1.Pod)
		want   func(w *corev1.Pod)
	}{
		{name: "nothing changed keeps the generation", mutate: func(n *corev1.Pod) {}, want: func(w *corev1.Pod) {}},
		{name: "resources and resize policies are taken",
			mutate: func(n *corev1.Pod) {
				n.Spec.Containers[1].Resources = resources("req", "cpu", "300m")
				n.Spec.Containers[1].ResizePolicy = policy
				n.Spec.InitContainers[0].Resources = resources("req", "cpu", "50m")
			},
			want: func(w *corev1.Pod) {
				w.Spec.Containers[1].Resources = resources("req", "cpu", "300m")
				w.Spec.Containers[1].ResizePolicy = policy
				w.Spec.InitContainers[0].Resources = resources("req", "cpu", "50m")
				w.Generation = 2
			}},
		{name: "everything else is ignored",
			mutate: func(n *corev1.Pod) {
				n.Labels = map[string]string{"x": "y"}
				n.Finalizers = []string{"example.com/f"}
				n.Spec.Containers[0].Image = "busybox:9"
				n.Spec.InitContainers[0].Env = []corev1.EnvVar{{Name: "A", Value: "1"}}
				n.Spec.ActiveDeadlineSeconds = new(int64(10))
				n.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
				n.Status.Phase = corev1.PodRunning
			},
			want: func(w *corev1.Pod) {}},
		{name: "renamed containers pass through for validation to refuse",
			mutate: func(n *corev1.Pod) {
				n.Labels = map[string]string{"x": "y"}
				n.Spec.Containers[1].Name = "x"
				n.Spec.Containers[1].Image = "busybox:9"
				n.Spec.Containers[0].Resources = resources("req", "cpu", "150m")
				n.Spec.InitContainers[0].Resources = resources("req", "cpu", "50m")
			},
			want: func(w *corev1.Pod) {
				w.Spec.Containers[1].Name = "x"
				w.Spec.Containers[1].Image = "busybox:9"
				w.Spec.Containers[0].Resources = resources("req", "cpu", "150m")
				w.Spec.InitContainers[0].Resources = resources("req", "cpu", "50m")
				w.Generation = 2
			}},
		{name: "added containers leave the whole write as sent",
			mutate: func(n *corev1.Pod) {
				n.Labels = map[string]string{"x": "y"}
				n.Spec.Containers = n.Spec.Containers[:1]
				n.Status.Phase = corev1.PodRunning
			},
			want: func(w *corev1.Pod) {
				w.Labels = map[string]string{"x": "y"}
				w.Spec.Containers = w.Spec.Containers[:1]
				w.Status.Phase = corev1.PodRunning
				w.Generation = 2
			}},
		{name: "pod-level resources are taken and completed from the containers",
			mutate: func(n *corev1.Pod) {
				n.Spec.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}
			},
			want: func(w *corev1.Pod) {
				// The requests default to the sum over the containers (init containers count
				// by their maximum).
				w.Spec.Resources = &corev1.ResourceRequirements{
					Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")},
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m")},
				}
				w.Generation = 2
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := resizablePod(t)
			newPod := oldPod.DeepCopy()
			tc.mutate(newPod)
			want := oldPod.DeepCopy()
			tc.want(want)
			registrypod.ResizeStrategy(apiserver.Scheme).PrepareForUpdate(context.Background(), newPod, oldPod)
			if diff := cmp.Diff(want, newPod); diff != "" {
				t.Errorf("prepared pod (-want +got):\n%s", diff)
			}
		})
	}
}

// A client that does not know pod-level resources must not remove them by writing the pod back.
func TestResizeKeepsDroppedPodLevelResources(t *testing.T) {
	oldPod := resizablePod(t)
	oldPod.Spec.Resources = &corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")},
	}
	newPod := oldPod.DeepCopy()
	newPod.Spec.Resources = nil
	registrypod.ResizeStrategy(apiserver.Scheme).PrepareForUpdate(context.Background(), newPod, oldPod)
	if diff := cmp.Diff(oldPod.Spec, newPod.Spec); diff != "" || newPod.Generation != oldPod.Generation {
		t.Errorf("generation %d, spec (-want +got):\n%s", newPod.Generation, diff)
	}
}
