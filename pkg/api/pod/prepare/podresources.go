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

package prepare

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/visit"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// DefaultPodLevelResources completes pod-level resources (spec.resources) from the containers
// once the client has set some: runs on create, after admission may have added containers, so
// the pod-level totals account for all of them. Ephemeral containers have no resources and do
// not count.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go DefaultPodLevelResources
func DefaultPodLevelResources(pod *corev1.Pod) {
	r := pod.Spec.Resources
	if r == nil || (len(r.Requests) == 0 && len(r.Limits) == 0) {
		return
	}
	containersOnly := &corev1.Pod{Spec: corev1.PodSpec{Containers: pod.Spec.Containers, InitContainers: pod.Spec.InitContainers}}
	defaultHugePageLimits(r, containersOnly)
	defaultRequests(r, containersOnly)
	defaultLimits(r, &pod.Spec, containersOnly)
}

func isHugePages(name corev1.ResourceName) bool {
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// overcommittable resources can be requested below their limit: kubernetes.io resources other
// than huge pages.
func overcommittable(name corev1.ResourceName) bool {
	s := string(name)
	native := !strings.Contains(s, "/") || strings.Contains(s, corev1.ResourceDefaultNamespacePrefix)
	return native && !isHugePages(name)
}

// defaultHugePageLimits limits the pod to the huge pages its containers are limited to, unless
// the pod already requests that page size itself.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go defaultHugePagePodLevelLimits
func defaultHugePageLimits(r *corev1.ResourceRequirements, containers *corev1.Pod) {
	limits := r.Limits
	if limits == nil {
		limits = corev1.ResourceList{}
	}
	for name, total := range resourcehelper.AggregateContainerLimits(containers, resourcehelper.PodResourcesOptions{}) {
		if !resourcehelper.IsSupportedPodLevelResource(name) || !isHugePages(name) {
			continue
		}
		if _, requested := r.Requests[name]; requested {
			continue
		}
		if _, set := limits[name]; !set {
			limits[name] = total
		}
	}
	if len(limits) > 0 {
		r.Limits = limits
	}
}

// defaultRequests makes the pod request what its containers request together, and whatever it
// only limits, the limit.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go defaultPodLevelRequests
func defaultRequests(r *corev1.ResourceRequirements, containers *corev1.Pod) {
	requests := r.Requests
	if requests == nil {
		requests = corev1.ResourceList{}
	}
	for name, total := range resourcehelper.AggregateContainerRequests(containers, resourcehelper.PodResourcesOptions{}) {
		if _, set := requests[name]; !set && resourcehelper.IsSupportedPodLevelResource(name) && overcommittable(name) {
			requests[name] = total
		}
	}
	for name, limit := range r.Limits {
		if _, set := requests[name]; !set && resourcehelper.IsSupportedPodLevelResource(name) {
			requests[name] = limit.DeepCopy()
		}
	}
	if len(requests) > 0 {
		r.Requests = requests
	}
}

// defaultLimits limits a pod-level request without a limit to the containers' combined limit,
// when every container is limited in it; never below the request, which would make the pod
// invalid.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go defaultPodLevelLimits
func defaultLimits(r *corev1.ResourceRequirements, spec *corev1.PodSpec, containers *corev1.Pod) {
	var candidates []corev1.ResourceName
	for name := range r.Requests {
		if _, limited := r.Limits[name]; !limited && resourcehelper.IsSupportedPodLevelResource(name) {
			candidates = append(candidates, name)
		}
	}
	everyContainerLimits := func(name corev1.ResourceName) bool {
		return !visit.AnyContainer(spec, func(c *corev1.Container) bool {
			_, limited := c.Resources.Limits[name]
			return !limited
		})
	}
	var aggregated corev1.ResourceList
	for _, name := range candidates {
		if !everyContainerLimits(name) {
			continue
		}
		if aggregated == nil {
			aggregated = resourcehelper.AggregateContainerLimits(containers, resourcehelper.PodResourcesOptions{})
		}
		limit, ok := aggregated[name]
		if !ok {
			continue
		}
		if request := r.Requests[name]; request.Cmp(limit) > 0 {
			limit = request
		}
		if r.Limits == nil {
			r.Limits = corev1.ResourceList{}
		}
		r.Limits[name] = limit
	}
}
