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

// Package typicalpod builds the pod the benchmarks and the load tool share: about 2 KB, as a
// workload controller writes it, so that every figure is measured on the same object.
package typicalpod

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

const (
	// Nodes spreads the pods over this many node names, so a spec.nodeName selector picks
	// 1/Nodes of them, as a kubelet's list does.
	Nodes = 20
	// Groups does the same for the "group" label.
	Groups = 10
)

// Name is the name of the i-th pod.
func Name(i int) string { return fmt.Sprintf("bench-%06d", i) }

// Pod returns the i-th pod of a workload: a pod of about 2 KB as a workload controller would write it: two containers with
// env, resources and a probe, and a volume.
func Pod(i int) *corev1.Pod {
	resources := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
	container := func(name, image, portName string, port int32) corev1.Container {
		return corev1.Container{
			Name:  name,
			Image: image,
			Args:  []string{"--listen=:" + strconv.Itoa(int(port)), "--log-level=info"},
			Ports: []corev1.ContainerPort{{Name: portName, ContainerPort: port}},
			Env: []corev1.EnvVar{
				{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
				{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
				{Name: "MODE", Value: "production"},
			},
			Resources: resources,
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString(portName)},
			}},
			VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/" + name}},
		}
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: Name(i),
			Labels: map[string]string{
				"app":   "podbench",
				"group": "g" + strconv.Itoa(i%Groups),
				"tier":  "backend",
			},
			Annotations: map[string]string{"podbench/owner": "load-test"},
		},
		Spec: corev1.PodSpec{
			NodeName:   "node-" + strconv.Itoa(i%Nodes),
			Containers: []corev1.Container{container("app", "registry.example/app:1.2.3", "http", 8080), container("sidecar", "registry.example/proxy:2.0", "proxy", 9090)},
			Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
				ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "app-config"}},
			}}},
		},
	}
}

// SetRunning gives the pod the status a kubelet reports once the pod's containers run.
func SetRunning(pod *corev1.Pod, i int) {
	now := metav1.Now()
	ip := fmt.Sprintf("10.%d.%d.%d", 1+i/65536%200, i/256%256, i%256)
	pod.Status.Phase = corev1.PodRunning
	pod.Status.HostIP = "192.168.0." + strconv.Itoa(1+i%Nodes)
	pod.Status.HostIPs = []corev1.HostIP{{IP: pod.Status.HostIP}}
	pod.Status.PodIP = ip
	pod.Status.PodIPs = []corev1.PodIP{{IP: ip}}
	pod.Status.StartTime = &now
	pod.Status.Conditions = []corev1.PodCondition{
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
	}
	pod.Status.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: "registry.example/sha256:0123456789abcdef",
			ContainerID: "containerd://" + fmt.Sprintf("%064d", i), Ready: true, Started: ptr.To(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		})
	}
}
