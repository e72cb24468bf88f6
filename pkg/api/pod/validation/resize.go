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
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/qos"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// ValidatePodResize validates a write to pods/resize. The strategy has already reduced the write
// to container resources and resize policies (and pod-level resources), so what is checked here
// is that the pod stays valid and that the resize is one the kubelet can apply in place: same
// containers, same QoS class, only cpu and memory changed, nothing removed.
//
// InPlacePodVerticalScalingInitContainers is on (locked) in v1.37, so every init container may be
// resized, not only sidecars.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodResize
func ValidatePodResize(newPod, oldPod *corev1.Pod, opts PodValidationOptions) field.ErrorList {
	metaPath := field.NewPath("metadata")
	allErrs := validatePodObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, metaPath)
	allErrs = append(allErrs, validatePodMetadataAndSpec(newPod, opts)...)

	// Static pods are run from the kubelet's manifest and ignore the API's spec; the kubelet
	// resizes only Linux containers. kube reports either alone, on the root path.
	if _, mirror := oldPod.Annotations[corev1.MirrorPodAnnotationKey]; mirror {
		return field.ErrorList{field.Forbidden(field.NewPath(""), "static pods cannot be resized")}
	}
	if oldPod.Spec.OS != nil && oldPod.Spec.OS.Name == corev1.Windows {
		return field.ErrorList{field.Forbidden(field.NewPath(""), "windows pods cannot be resized")}
	}

	specPath := field.NewPath("spec")
	// The class decides the pod's cgroup placement, which cannot move while it runs. The value
	// shown is the recorded (old) class: the strategy keeps the stored status.
	if qos.PodQOS(oldPod) != qos.ComputePodQOS(newPod) {
		allErrs = append(allErrs, field.Invalid(specPath, newPod.Status.QOSClass, "Pod QOS Class may not change as a result of resizing"))
	}
	if !nodeReportsResize(oldPod) {
		allErrs = append(allErrs, field.Forbidden(specPath, "Pod running on node without support for resize"))
	}

	// munged is the new spec with every permitted change undone; whatever still differs from the
	// stored spec at the end was not permitted.
	munged := newPod.Spec.DeepCopy()
	if hasPodLevelResources(oldPod) || hasPodLevelResources(newPod) {
		if !opts.InPlacePodLevelResourcesVerticalScalingEnabled {
			return append(allErrs, field.Forbidden(field.NewPath(""), "resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled"))
		}
		allErrs = append(allErrs, validatePodLevelResourcesResize(newPod, oldPod, munged, specPath)...)
	}

	// The per-index checks below need the same containers in the same order.
	if errs := validateResizeContainerOrder(newPod, oldPod, specPath); len(errs) > 0 {
		return append(allErrs, errs...)
	}

	for i := range oldPod.Spec.InitContainers {
		allErrs = append(allErrs, validateResourcesNotRemoved(&newPod.Spec.InitContainers[i].Resources, &oldPod.Spec.InitContainers[i].Resources,
			specPath.Child("initContainers").Index(i).Child("resources"))...)
	}
	for i := range oldPod.Spec.Containers {
		allErrs = append(allErrs, validateResourcesNotRemoved(&newPod.Spec.Containers[i].Resources, &oldPod.Spec.Containers[i].Resources,
			specPath.Child("containers").Index(i).Child("resources"))...)
	}

	var containers []corev1.Container
	for i, c := range munged.Containers {
		withOldCPUMemory(&c, &oldPod.Spec.Containers[i])
		if !apiequality.Semantic.DeepEqual(c, oldPod.Spec.Containers[i]) {
			allErrs = append(allErrs, field.Forbidden(specPath, "only cpu and memory resources are mutable"))
		}
		containers = append(containers, c)
	}
	munged.Containers = containers

	var initContainers []corev1.Container
	for i, c := range munged.InitContainers {
		old := &oldPod.Spec.InitContainers[i]
		changed := !apiequality.Semantic.DeepEqual(c, *old)
		withOldCPUMemory(&c, old)
		if !apiequality.Semantic.DeepEqual(c, *old) {
			allErrs = append(allErrs, field.Forbidden(specPath.Child("initContainers").Index(i), "only cpu and memory resources for init or sidecar containers are mutable"))
		}
		// A plain init container that asks to be restarted on resize would be run a second time.
		if changed && !isSidecar(&c) {
			for _, p := range c.ResizePolicy {
				if p.RestartPolicy == corev1.RestartContainer {
					allErrs = append(allErrs, field.Forbidden(specPath.Child("initContainers").Index(i), "non-sidecar init containers with a resize policy of RestartContainer cannot be resized"))
				}
			}
		}
		initContainers = append(initContainers, c)
	}
	munged.InitContainers = initContainers

	// InPlacePodVerticalScalingMemoryBackedVolumes is off by default.
	if opts.InPlacePodVerticalScalingMemoryBackedVolumesEnabled {
		allErrs = append(allErrs, validateResizeVolumes(newPod.Spec.Volumes, oldPod.Spec.Volumes, specPath.Child("volumes"))...)
		munged.Volumes = oldPod.Spec.Volumes
	} else if !apiequality.Semantic.DeepEqual(newPod.Spec.Volumes, oldPod.Spec.Volumes) {
		allErrs = append(allErrs, field.Forbidden(specPath.Child("volumes"), "volumes are immutable on resize when InPlacePodVerticalScalingMemoryBackedVolumes feature gate is disabled"))
	}

	if len(allErrs) > 0 {
		return allErrs
	}
	if !apiequality.Semantic.DeepEqual(*munged, oldPod.Spec) {
		allErrs = append(allErrs, field.Forbidden(specPath, "only cpu and memory resources are mutable"))
	}
	return allErrs
}

// nodeReportsResize tells whether the pod's node can resize: a kubelet that can reports the
// resources of its running containers. Without a running container there is nothing to go by,
// and the resize is let through.
func nodeReportsResize(pod *corev1.Pod) bool {
	for _, s := range pod.Status.ContainerStatuses {
		if s.State.Running != nil {
			return s.Resources != nil
		}
	}
	return true
}

func hasPodLevelResources(pod *corev1.Pod) bool {
	r := pod.Spec.Resources
	return r != nil && len(r.Requests)+len(r.Limits) > 0
}

// validatePodLevelResourcesResize checks a change of spec.resources and undoes the permitted
// part of it (cpu and memory) in munged.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodLevelResourcesResize
func validatePodLevelResourcesResize(newPod, oldPod *corev1.Pod, munged *corev1.PodSpec, specPath *field.Path) field.ErrorList {
	resourcesPath := specPath.Child("resources")
	if oldPod.Spec.Resources != nil && newPod.Spec.Resources == nil {
		return field.ErrorList{field.Forbidden(resourcesPath, "pod-level resources cannot be removed")}
	}
	var allErrs field.ErrorList
	if old := oldPod.Spec.Resources; old != nil {
		if resourcesRemoved(newPod.Spec.Resources.Requests, old.Requests) {
			allErrs = append(allErrs, field.Forbidden(resourcesPath.Child("requests"), "pod-level resource requests cannot be removed"))
		}
		if resourcesRemoved(newPod.Spec.Resources.Limits, old.Limits) {
			allErrs = append(allErrs, field.Forbidden(resourcesPath.Child("limits"), "pod-level resource limits cannot be removed"))
		}
	}
	munged.Resources = podResourcesWithOldCPUMemory(munged.Resources, oldPod.Spec.Resources)
	if !apiequality.Semantic.DeepEqual(munged.Resources, oldPod.Spec.Resources) {
		allErrs = append(allErrs, field.Forbidden(specPath, "only cpu and memory resources are mutable at pod-level"))
	}
	// The check that pod-level resources cover node-allocatable DRA claims needs
	// DRANodeAllocatableResources, which is off by default.
	return allErrs
}

// podResourcesWithOldCPUMemory is r with cpu and memory as old had them. A block that held only
// cpu and memory, added where the pod had none, becomes nil again.
func podResourcesWithOldCPUMemory(r, old *corev1.ResourceRequirements) *corev1.ResourceRequirements {
	if r == nil {
		return nil
	}
	var oldRequests, oldLimits corev1.ResourceList
	if old != nil {
		oldRequests, oldLimits = old.Requests, old.Limits
	}
	r.Requests = listWithOldCPUMemory(r.Requests, oldRequests)
	r.Limits = listWithOldCPUMemory(r.Limits, oldLimits)
	if old == nil && len(r.Requests) == 0 && len(r.Limits) == 0 && len(r.Claims) == 0 {
		return nil
	}
	return r
}

// withOldCPUMemory undoes a container's cpu and memory changes. Claims stay as the new container
// has them, so that changing them is caught as an unpermitted change.
func withOldCPUMemory(c, old *corev1.Container) {
	c.Resources = corev1.ResourceRequirements{
		Limits:   listWithOldCPUMemory(c.Resources.Limits, old.Resources.Limits),
		Requests: listWithOldCPUMemory(c.Resources.Requests, old.Resources.Requests),
		Claims:   c.Resources.Claims,
	}
}

// listWithOldCPUMemory is a copy of list with cpu and memory as in old (absent where old has
// none). A missing list stays missing only if old had none either.
func listWithOldCPUMemory(list, old corev1.ResourceList) corev1.ResourceList {
	if list == nil && old == nil {
		return nil
	}
	out := corev1.ResourceList{}
	for name, q := range list {
		if name != corev1.ResourceCPU && name != corev1.ResourceMemory {
			out[name] = q.DeepCopy()
		}
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if q, ok := old[name]; ok {
			out[name] = q
		}
	}
	return out
}

// validateResizeContainerOrder forbids adding, removing, renaming and reordering containers,
// which the kubelet cannot do to a running pod.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodResizeContainerOrdering
func validateResizeContainerOrder(newPod, oldPod *corev1.Pod, specPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	check := func(newContainers, oldContainers []corev1.Container, name string) {
		listPath := specPath.Child(name)
		if len(newContainers) != len(oldContainers) {
			allErrs = append(allErrs, field.Forbidden(listPath, name+" may not be added or removed on resize"))
			return
		}
		for i := range oldContainers {
			if newContainers[i].Name != oldContainers[i].Name {
				allErrs = append(allErrs, field.Forbidden(listPath.Index(i).Child("name"), name+" may not be renamed or reordered on resize"))
			}
		}
	}
	check(newPod.Spec.Containers, oldPod.Spec.Containers, "containers")
	check(newPod.Spec.InitContainers, oldPod.Spec.InitContainers, "initContainers")
	return allErrs
}

// validateResourcesNotRemoved forbids dropping a request or limit: the kubelet could not tell
// "unset" from "keep the old value" when it applies the resize.
func validateResourcesNotRemoved(newReq, oldReq *corev1.ResourceRequirements, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if resourcesRemoved(newReq.Requests, oldReq.Requests) {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("requests"), "resource requests cannot be removed"))
	}
	if resourcesRemoved(newReq.Limits, oldReq.Limits) {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("limits"), "resource limits cannot be removed"))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go resourcesRemoved
func resourcesRemoved(list, old corev1.ResourceList) bool {
	if len(old) > len(list) {
		return true
	}
	for name := range old {
		if _, ok := list[name]; !ok {
			return true
		}
	}
	return false
}

// validateResizeVolumes lets a resize change only the size limit of memory-backed emptyDir
// volumes, which the kubelet can grow or shrink in place.
func validateResizeVolumes(newVolumes, oldVolumes []corev1.Volume, fldPath *field.Path) field.ErrorList {
	if len(newVolumes) != len(oldVolumes) {
		return field.ErrorList{field.Forbidden(fldPath, "volumes may not be added or removed on resize")}
	}
	var allErrs field.ErrorList
	for i := range newVolumes {
		newVol, oldVol := &newVolumes[i], &oldVolumes[i]
		volPath := fldPath.Index(i)
		if newVol.Name != oldVol.Name {
			allErrs = append(allErrs, field.Forbidden(volPath.Child("name"), "volumes may not be renamed or reordered on resize"))
			continue
		}
		compared := newVol
		if newVol.EmptyDir != nil && oldVol.EmptyDir != nil {
			compared = newVol.DeepCopy()
			compared.EmptyDir.SizeLimit = oldVol.EmptyDir.SizeLimit
		}
		if !apiequality.Semantic.DeepEqual(compared, oldVol) {
			allErrs = append(allErrs, field.Forbidden(volPath, "only sizeLimit of memory-backed emptyDir volumes is mutable on resize"))
			continue
		}
		if newVol.EmptyDir == nil || oldVol.EmptyDir == nil {
			continue
		}
		limitPath := volPath.Child("emptyDir", "sizeLimit")
		oldLimit, newLimit := oldVol.EmptyDir.SizeLimit, newVol.EmptyDir.SizeLimit
		hadLimit := oldLimit != nil && !oldLimit.IsZero()
		hasLimit := newLimit != nil && !newLimit.IsZero()
		switch {
		case hadLimit != hasLimit:
			allErrs = append(allErrs, field.Forbidden(limitPath, "adding or removing sizeLimit on an existing volume is not allowed"))
		case oldLimit != nil && newLimit != nil && oldLimit.Cmp(*newLimit) != 0 && newVol.EmptyDir.Medium != corev1.StorageMediumMemory:
			allErrs = append(allErrs, field.Forbidden(limitPath, "sizeLimit is only mutable for memory-backed emptyDir volumes"))
		}
	}
	return allErrs
}
