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

// Package qos computes the quality-of-service class kube records in status.qosClass when a pod is
// created. The class is fixed for the life of the pod; the kubelet sizes cgroups and chooses
// eviction order by it.
package qos

import (
	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/qos/qos.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// Only these resources decide the class: they are the ones the kubelet can throttle or reclaim.
var classifyingResources = []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory}

// PodQOS returns the class already recorded in the pod's status, or computes it.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/qos/qos.go GetPodQOS
func PodQOS(pod *corev1.Pod) corev1.PodQOSClass {
	if pod.Status.QOSClass != "" {
		return pod.Status.QOSClass
	}
	return ComputePodQOS(pod)
}

// ComputePodQOS classifies a pod from its spec. Pod-level resources, when they name a supported
// resource, describe the whole pod and so decide alone; otherwise every init and regular
// container counts (ephemeral containers have no resources).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/qos/qos.go ComputePodQOS
func ComputePodQOS(pod *corev1.Pod) corev1.PodQOSClass {
	if resourcehelper.IsPodLevelResourcesSet(pod) {
		return requirementsClass(pod.Spec.Resources)
	}
	var class corev1.PodQOSClass
	for _, containers := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range containers {
			switch c := requirementsClass(&containers[i].Resources); {
			case c == corev1.PodQOSBurstable:
				return c
			case class == "":
				class = c
			case class != c:
				// Some containers are guaranteed and others best effort.
				return corev1.PodQOSBurstable
			}
		}
	}
	if class == "" {
		return corev1.PodQOSBestEffort
	}
	return class
}

// requirementsClass: guaranteed when cpu and memory each have a non-zero request equal to the
// limit, best effort when neither is requested nor limited, burstable in between.
func requirementsClass(r *corev1.ResourceRequirements) corev1.PodQOSClass {
	if len(r.Requests) == 0 && len(r.Limits) == 0 {
		return corev1.PodQOSBestEffort
	}
	var class corev1.PodQOSClass
	for _, name := range classifyingResources {
		request, limit := r.Requests[name], r.Limits[name]
		var c corev1.PodQOSClass
		switch {
		case !request.Equal(limit):
			return corev1.PodQOSBurstable
		case request.IsZero():
			c = corev1.PodQOSBestEffort
		default:
			c = corev1.PodQOSGuaranteed
		}
		if class == "" {
			class = c
		} else if class != c {
			return corev1.PodQOSBurstable
		}
	}
	return class
}
