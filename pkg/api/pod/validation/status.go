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
	"math"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go
// The helpers here that name no upstream function of their own serve the functions that do.

const resourceStatusClaimPrefix = "claim:"

// ValidatePodStatusUpdate validates a write to pods/status against the stored pod. kube checks
// neither the phase value nor that a terminal phase stays terminal.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodStatusUpdate
func ValidatePodStatusUpdate(newPod, oldPod *corev1.Pod, opts PodValidationOptions) field.ErrorList {
	metaPath := field.NewPath("metadata")
	allErrs := validatePodObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, metaPath)
	allErrs = append(allErrs, ValidatePodSpecificAnnotationUpdates(newPod, oldPod, metaPath.Child("annotations"), opts)...)

	statusPath := field.NewPath("status")
	allErrs = append(allErrs, validatePodConditions(newPod.Status.Conditions, statusPath.Child("conditions"))...)

	// The status strategy keeps the stored spec, so this only fires for direct callers; kube
	// names the field under status.
	if newPod.Spec.NodeName != oldPod.Spec.NodeName {
		allErrs = append(allErrs, field.Forbidden(statusPath.Child("nodeName"), "may not be changed directly"))
	}

	nominated := newPod.Status.NominatedNodeName
	if nominated != "" && nominated != oldPod.Status.NominatedNodeName {
		for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(nominated, false) {
			allErrs = append(allErrs, field.Invalid(statusPath.Child("nominatedNodeName"), nominated, msg))
		}
		// Binding clears the nomination; a bound pod has no use for a new one.
		if oldPod.Spec.NodeName != "" {
			allErrs = append(allErrs, field.Forbidden(statusPath.Child("nominatedNodeName"), "may not be set on pods that are already bound to a node"))
		}
	}

	if newPod.Status.ObservedGeneration < 0 {
		allErrs = append(allErrs, field.Invalid(statusPath.Child("observedGeneration"), newPod.Status.ObservedGeneration, "must be a non-negative integer"))
	}

	allErrs = append(allErrs, apimachineryvalidation.ValidateImmutableField(newPod.Status.QOSClass, oldPod.Status.QOSClass, statusPath.Child("qosClass"))...)

	// Statuses are not checked for duplicate names or for naming containers the spec lacks: the
	// kubelet never reports such statuses, and rejecting them now could break existing clients.
	allErrs = append(allErrs, validateContainerStateTransitions(newPod.Status.ContainerStatuses, oldPod.Status.ContainerStatuses, oldPod.Spec.Containers, &oldPod.Spec, false, statusPath.Child("containerStatuses"), opts)...)
	allErrs = append(allErrs, validateContainerStateTransitions(newPod.Status.InitContainerStatuses, oldPod.Status.InitContainerStatuses, oldPod.Spec.InitContainers, &oldPod.Spec, true, statusPath.Child("initContainerStatuses"), opts)...)
	allErrs = append(allErrs, validateEphemeralContainerStateTransitions(newPod.Status.EphemeralContainerStatuses, oldPod.Status.EphemeralContainerStatuses, statusPath.Child("ephemeralContainerStatuses"))...)
	allErrs = append(allErrs, validatePodResourceClaimStatuses(newPod.Status.ResourceClaimStatuses, newPod.Spec.ResourceClaims, statusPath.Child("resourceClaimStatuses"))...)
	allErrs = append(allErrs, validateExtendedResourceClaimStatus(newPod.Status.ExtendedResourceClaimStatus, &newPod.Spec, statusPath.Child("extendedResourceClaimStatus"))...)
	allErrs = append(allErrs, validateNodeAllocatableResourceClaimStatuses(&newPod.Status, &newPod.Spec, statusPath.Child("nodeAllocatableResourceClaimStatuses"))...)
	allErrs = append(allErrs, validatePodVolumeHealth(newPod.Status.VolumeHealth, &newPod.Spec, statusPath.Child("volumeHealth"))...)

	allErrs = append(allErrs, validatePodIPs(newPod, oldPod)...)
	allErrs = append(allErrs, validateHostIPs(newPod, oldPod)...)

	allErrs = append(allErrs, validateContainerStatusUsers(newPod.Status.ContainerStatuses, newPod.Spec.OS, statusPath.Child("containerStatuses"))...)
	allErrs = append(allErrs, validateContainerStatusUsers(newPod.Status.InitContainerStatuses, newPod.Spec.OS, statusPath.Child("initContainerStatuses"))...)
	allErrs = append(allErrs, validateContainerStatusUsers(newPod.Status.EphemeralContainerStatuses, newPod.Spec.OS, statusPath.Child("ephemeralContainerStatuses"))...)

	allErrs = append(allErrs, validateAllocatedResourcesStatus(newPod.Status.ContainerStatuses, newPod.Spec.Containers, &newPod.Status, statusPath.Child("containerStatuses"))...)
	allErrs = append(allErrs, validateAllocatedResourcesStatus(newPod.Status.InitContainerStatuses, newPod.Spec.InitContainers, &newPod.Status, statusPath.Child("initContainerStatuses"))...)
	// Ephemeral containers never get resources allocated.
	for i, s := range newPod.Status.EphemeralContainerStatuses {
		if len(s.AllocatedResourcesStatus) > 0 {
			allErrs = append(allErrs, field.Forbidden(statusPath.Child("ephemeralContainerStatuses").Index(i).Child("allocatedResourcesStatus"), "must not be specified in container status"))
		}
	}

	if opts.AllowImageVolumeWithDigest {
		for _, list := range []struct {
			name     string
			statuses []corev1.ContainerStatus
		}{
			{"containerStatuses", newPod.Status.ContainerStatuses},
			{"initContainerStatuses", newPod.Status.InitContainerStatuses},
			{"ephemeralContainerStatuses", newPod.Status.EphemeralContainerStatuses},
		} {
			for i, s := range list.statuses {
				for j, m := range s.VolumeMounts {
					allErrs = append(allErrs, validateVolumeMountStatus(m.VolumeStatus, statusPath.Child(list.name).Index(i).Child("volumeMounts").Index(j).Child("volumeStatus"))...)
				}
			}
		}
	}
	return allErrs
}

// validatePodConditions requires custom condition types to be qualified names; the types kube
// itself sets predate that rule.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodConditions
func validatePodConditions(conditions []corev1.PodCondition, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, c := range conditions {
		if c.ObservedGeneration < 0 {
			allErrs = append(allErrs, field.Invalid(fldPath.Index(i).Child("observedGeneration"), c.ObservedGeneration, "must be a non-negative integer"))
		}
		switch c.Type {
		case corev1.PodScheduled, corev1.PodReady, corev1.PodInitialized:
			continue
		}
		// kube spells this path segment with a capital T.
		allErrs = append(allErrs, validateQualifiedName(string(c.Type), fldPath.Index(i).Child("Type"))...)
	}
	return allErrs
}

const notToNonTerminated = "may not be transitioned to non-terminated state"

// validateContainerStateTransitions forbids a container that terminated from running again
// unless its restart policy (of the pod, the container, or its restart rules) restarts it.
// Paths index the stored statuses, as kube does.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateContainerStateTransition
func validateContainerStateTransitions(newStatuses, oldStatuses []corev1.ContainerStatus, specContainers []corev1.Container, spec *corev1.PodSpec, init bool, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	if opts.AllowContainerRestartPolicyRules {
		if opts.AllowRestartAllContainers && hasRestartAllContainersRule(spec) {
			return nil
		}
		for i, old := range oldStatuses {
			if old.State.Terminated == nil {
				continue
			}
			for _, s := range newStatuses {
				if s.Name != old.Name || s.State.Terminated != nil {
					continue
				}
				allowed := false
				for j := range specContainers {
					if specContainers[j].Name == old.Name {
						allowed = containerShouldRestart(&specContainers[j], spec, old.State.Terminated.ExitCode, opts)
						break
					}
				}
				if !allowed {
					allErrs = append(allErrs, field.Forbidden(fldPath.Index(i).Child("state"), notToNonTerminated))
				}
				break
			}
		}
		return allErrs
	}

	if spec.RestartPolicy == corev1.RestartPolicyAlways {
		return nil
	}
	for i, old := range oldStatuses {
		if old.State.Terminated == nil {
			continue
		}
		if old.State.Terminated.ExitCode != 0 && spec.RestartPolicy == corev1.RestartPolicyOnFailure {
			continue
		}
		if init && isSidecarNamed(specContainers, old.Name) {
			continue
		}
		// Every matching new status is reported, unlike above.
		for _, s := range newStatuses {
			if s.Name == old.Name && s.State.Terminated == nil {
				allErrs = append(allErrs, field.Forbidden(fldPath.Index(i).Child("state"), notToNonTerminated))
			}
		}
	}
	return allErrs
}

func isSidecarNamed(containers []corev1.Container, name string) bool {
	for i := range containers {
		if containers[i].Name == name {
			return isSidecar(&containers[i])
		}
	}
	return false
}

// containerShouldRestart tells whether the kubelet restarts c after it exited with exitCode:
// the first matching restart rule decides, then the container's policy, then the pod's.
func containerShouldRestart(c *corev1.Container, spec *corev1.PodSpec, exitCode int32, opts PodValidationOptions) bool {
	if c.RestartPolicy != nil {
		if rule, ok := matchingRestartRule(c, exitCode); ok {
			switch rule.Action {
			case corev1.ContainerRestartRuleActionRestart:
				return true
			case corev1.ContainerRestartRuleActionRestartAllContainers:
				if opts.AllowRestartAllContainers {
					return true
				}
			}
		}
		switch *c.RestartPolicy {
		case corev1.ContainerRestartPolicyAlways:
			return true
		case corev1.ContainerRestartPolicyOnFailure:
			return exitCode != 0
		case corev1.ContainerRestartPolicyNever:
			return false
		}
	}
	switch spec.RestartPolicy {
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	case corev1.RestartPolicyNever:
		return false
	}
	return true
}

func matchingRestartRule(c *corev1.Container, exitCode int32) (corev1.ContainerRestartRule, bool) {
	for _, rule := range c.RestartPolicyRules {
		if rule.ExitCodes == nil {
			continue
		}
		matched := false
		for _, code := range rule.ExitCodes.Values {
			if code == exitCode {
				matched = true
			}
		}
		switch rule.ExitCodes.Operator {
		case corev1.ContainerRestartRuleOnExitCodesOpIn:
			if matched {
				return rule, true
			}
		case corev1.ContainerRestartRuleOnExitCodesOpNotIn:
			if !matched {
				return rule, true
			}
		}
	}
	return corev1.ContainerRestartRule{}, false
}

// validateEphemeralContainerStateTransitions forbids an ephemeral container from running again
// after it terminated: they are never restarted.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateEphemeralContainerStateTransition
func validateEphemeralContainerStateTransitions(newStatuses, oldStatuses []corev1.ContainerStatus, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, old := range oldStatuses {
		if old.State.Terminated == nil {
			continue
		}
		for _, s := range newStatuses {
			if s.Name == old.Name && s.State.Terminated == nil {
				allErrs = append(allErrs, field.Forbidden(fldPath.Index(i).Child("state"), notToNonTerminated))
			}
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodResourceClaimStatuses
func validatePodResourceClaimStatuses(statuses []corev1.PodResourceClaimStatus, podClaims []corev1.PodResourceClaim, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	specNames := sets.New[string]()
	for _, c := range podClaims {
		specNames.Insert(c.Name)
	}
	seen := sets.New[string]()
	for i, s := range statuses {
		idxPath := fldPath.Index(i)
		// A name that matches a claim in the spec is valid by construction.
		if !specNames.Has(s.Name) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("name"), s.Name, "must match the name of an entry in `spec.resourceClaims`"))
		}
		if seen.Has(s.Name) {
			allErrs = append(allErrs, field.Duplicate(idxPath.Child("name"), s.Name))
		} else {
			seen.Insert(s.Name)
		}
		if s.ResourceClaimName != nil {
			for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(*s.ResourceClaimName, false) {
				allErrs = append(allErrs, field.Invalid(idxPath.Child("resourceClaimName"), s.ResourceClaimName, msg))
			}
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodExtendedResourceClaimStatus
func validateExtendedResourceClaimStatus(status *corev1.PodExtendedResourceClaimStatus, spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	if status == nil {
		return nil
	}
	// Regular containers win over init containers of the same name.
	containers := map[string]*corev1.Container{}
	for i := range spec.InitContainers {
		containers[spec.InitContainers[i].Name] = &spec.InitContainers[i]
	}
	for i := range spec.Containers {
		containers[spec.Containers[i].Name] = &spec.Containers[i]
	}

	var allErrs field.ErrorList
	mappingsPath := fldPath.Child("requestMappings")
	if len(status.RequestMappings) == 0 {
		allErrs = append(allErrs, field.Required(mappingsPath, "at least one request mapping is required"))
	}
	type mappingKey struct{ container, resource, request string }
	seen := map[mappingKey]bool{}
	for i, m := range status.RequestMappings {
		idxPath := mappingsPath.Index(i)
		if c, ok := containers[m.ContainerName]; ok {
			if _, ok := c.Resources.Requests[corev1.ResourceName(m.ResourceName)]; !ok {
				allErrs = append(allErrs, field.Invalid(idxPath.Child("resourceName"), m.ResourceName, "must match the extended resource name of an entry in spec.initContainers.resources.requests or spec.containers.resources.requests"))
			}
		} else {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("containerName"), m.ContainerName, "must match the name of an entry in spec.initContainers.name or spec.containers.name"))
		}
		// kube reports a bad request name without the mapping's index.
		allErrs = append(allErrs, validateDNS1123Label(m.RequestName, fldPath.Child("requestName"))...)
		k := mappingKey{m.ContainerName, m.ResourceName, m.RequestName}
		if seen[k] {
			allErrs = append(allErrs,
				field.Duplicate(idxPath.Child("containerName"), m.ContainerName),
				field.Duplicate(idxPath.Child("resourceName"), m.ResourceName),
				field.Duplicate(idxPath.Child("requestName"), m.RequestName))
		}
		seen[k] = true
	}
	if status.ResourceClaimName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("resourceClaimName"), ""))
	} else {
		for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(status.ResourceClaimName, false) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("resourceClaimName"), status.ResourceClaimName, msg))
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateNodeAllocatableResourceClaimStatus
func validateNodeAllocatableResourceClaimStatuses(status *corev1.PodStatus, spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, s := range status.NodeAllocatableResourceClaimStatuses {
		idxPath := fldPath.Index(i)
		if s.ResourceClaimName == "" {
			continue
		}
		// The claim is named in the spec, or was generated from a template and named in the
		// status.
		found := false
		for _, c := range spec.ResourceClaims {
			if c.ResourceClaimName != nil && *c.ResourceClaimName == s.ResourceClaimName {
				found = true
				break
			}
		}
		for _, c := range status.ResourceClaimStatuses {
			if found {
				break
			}
			if c.ResourceClaimName != nil && *c.ResourceClaimName == s.ResourceClaimName {
				found = true
			}
		}
		if !found {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("resourceClaimName"), s.ResourceClaimName, "no mapping found in pod reference"))
		}
		for j, m := range s.Mapping {
			itemPath := idxPath.Child("mapping").Index(j)
			if !isNodeAllocatableResourceName(m.Name) {
				allErrs = append(allErrs, field.Invalid(itemPath.Child("name"), m.Name, "must be a node allocatable resource name"))
			}
			if m.Quantity != nil && m.Quantity.Sign() < 0 {
				allErrs = append(allErrs, field.Invalid(itemPath.Child("quantity"), m.Quantity.String(), "must be non-negative"))
			}
		}
		for j, o := range s.Overhead {
			itemPath := idxPath.Child("overhead").Index(j)
			if !isNodeAllocatableResourceName(o.Name) {
				allErrs = append(allErrs, field.Invalid(itemPath.Child("name"), o.Name, "must be a node allocatable resource name"))
			}
			if o.PerPod == nil && o.PerContainer == nil {
				allErrs = append(allErrs, field.Invalid(itemPath, "", "at least one of perPod or perContainer must be set"))
				continue
			}
			if o.PerPod != nil && o.PerPod.Sign() < 0 {
				allErrs = append(allErrs, field.Invalid(itemPath.Child("perPod"), o.PerPod.String(), "must be non-negative"))
			}
			if o.PerContainer != nil && o.PerContainer.Sign() < 0 {
				allErrs = append(allErrs, field.Invalid(itemPath.Child("perContainer"), o.PerContainer.String(), "must be non-negative"))
			}
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go IsNodeAllocatableResourceName
func isNodeAllocatableResourceName(name corev1.ResourceName) bool {
	return name == corev1.ResourceCPU || name == corev1.ResourceMemory || strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodVolumeHealth
func validatePodVolumeHealth(health []corev1.PodVolumeHealth, spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	volumes := sets.New[string]()
	for _, v := range spec.Volumes {
		volumes.Insert(v.Name)
	}
	for i, h := range health {
		idxPath := fldPath.Index(i)
		if h.Name != "" && !volumes.Has(h.Name) {
			allErrs = append(allErrs, field.NotFound(idxPath.Child("name"), h.Name))
		}
		for j, c := range h.HealthConditions {
			if c.Reason == "" {
				continue
			}
			for _, msg := range metavalidation.IsValidConditionReason(c.Reason) {
				allErrs = append(allErrs, field.Invalid(idxPath.Child("healthConditions").Index(j).Child("reason"), c.Reason, msg))
			}
		}
	}
	return allErrs
}

// validateVolumeMountStatus checks what the kubelet reports of a mounted volume; only image
// volumes report anything yet.
func validateVolumeMountStatus(status *corev1.VolumeStatus, fldPath *field.Path) field.ErrorList {
	if status == nil || status.Image == nil {
		return nil
	}
	const maxImageRefLen = 256
	refPath := fldPath.Child("imageVolumeStatus").Child("imageRef")
	var allErrs field.ErrorList
	if status.Image.ImageRef == "" {
		allErrs = append(allErrs, field.Required(refPath, "imageRef must not be empty"))
	}
	if len(status.Image.ImageRef) > maxImageRefLen {
		allErrs = append(allErrs, field.TooLong(refPath, status.Image.ImageRef, maxImageRefLen))
	}
	return allErrs
}

// validatePodIPs checks status.podIPs: each new address must be valid (an invalid one the stored
// pod already had may stay), at most one per family, and podIPs[0] must be podIP.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodIPs
func validatePodIPs(newPod, oldPod *corev1.Pod) field.ErrorList {
	fldPath := field.NewPath("status", "podIPs")
	ips := make([]string, len(newPod.Status.PodIPs))
	for i, p := range newPod.Status.PodIPs {
		ips[i] = p.IP
	}
	oldIPs := make([]string, len(oldPod.Status.PodIPs))
	for i, p := range oldPod.Status.PodIPs {
		oldIPs[i] = p.IP
	}
	allErrs := validateIPList(ips, oldIPs, newPod.Status.PodIPs, fldPath)

	hasPodIP, hasPodIPs := newPod.Status.PodIP != "", len(ips) > 0
	switch {
	case hasPodIP != hasPodIPs:
		allErrs = append(allErrs, field.Invalid(fldPath, newPod.Status.PodIPs, "podIP and podIPs must either both be set or both be unset"))
	case hasPodIPs && newPod.Status.PodIP != ips[0]:
		allErrs = append(allErrs, field.Invalid(fldPath.Index(0).Child("ip"), ips[0], "must be equal to `podIP`"))
	}
	return allErrs
}

// validateHostIPs checks status.hostIPs like podIPs, except that hostIP alone may be set.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateHostIPs
func validateHostIPs(newPod, oldPod *corev1.Pod) field.ErrorList {
	if len(newPod.Status.HostIPs) == 0 {
		return nil
	}
	fldPath := field.NewPath("status", "hostIPs")
	var allErrs field.ErrorList
	if newPod.Status.HostIP != newPod.Status.HostIPs[0].IP {
		allErrs = append(allErrs, field.Invalid(fldPath.Index(0).Child("ip"), newPod.Status.HostIPs[0].IP, "must be equal to `hostIP`"))
	}
	ips := make([]string, len(newPod.Status.HostIPs))
	for i, h := range newPod.Status.HostIPs {
		ips[i] = h.IP
	}
	oldIPs := make([]string, len(oldPod.Status.HostIPs))
	for i, h := range oldPod.Status.HostIPs {
		oldIPs[i] = h.IP
	}
	return append(allErrs, validateIPList(ips, oldIPs, newPod.Status.HostIPs, fldPath)...)
}

// validateIPList validates each address (strictly, StrictIPCIDRValidation being on) unless the
// stored list has it, then that the list holds at most one address per family.
func validateIPList(ips, oldIPs []string, badList any, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, ip := range ips {
		allErrs = append(allErrs, utilvalidation.IsValidIPForLegacyField(fldPath.Index(i), ip, true, oldIPs)...)
	}
	if len(ips) > 1 {
		dualStack, err := netutils.IsDualStackIPStrings(ips)
		if err != nil {
			allErrs = append(allErrs, field.InternalError(fldPath, fmt.Errorf("failed to check for dual stack with error:%v", err)))
		}
		if !dualStack || len(ips) > 2 {
			allErrs = append(allErrs, field.Invalid(fldPath, badList, "may specify no more than one IP for each IP family"))
		}
	}
	return allErrs
}

// validateContainerStatusUsers checks the identity the runtime reports for a container. The
// uid may be any Linux uid_t, wider than what a spec may ask for.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerStatusUsers
func validateContainerStatusUsers(statuses []corev1.ContainerStatus, podOS *corev1.PodOS, fldPath *field.Path) field.ErrorList {
	osName := corev1.Linux
	if podOS != nil {
		osName = podOS.Name
	}
	var allErrs field.ErrorList
	for i, s := range statuses {
		if s.User == nil || s.User.Linux == nil {
			continue
		}
		linuxPath := fldPath.Index(i).Child("user").Child("linux")
		switch osName {
		case corev1.Windows:
			allErrs = append(allErrs, field.Forbidden(linuxPath, "cannot be set for a windows pod"))
		case corev1.Linux:
			u := s.User.Linux
			if u.UID < 0 || u.UID > math.MaxUint32 {
				allErrs = append(allErrs, field.Invalid(linuxPath.Child("uid"), u.UID, fmt.Sprintf("must be between 0 and %d, inclusive", int64(math.MaxUint32))))
			}
			for _, msg := range utilvalidation.IsValidGroupID(u.GID) {
				allErrs = append(allErrs, field.Invalid(linuxPath.Child("gid"), u.GID, msg))
			}
			for g, gid := range u.SupplementalGroups {
				for _, msg := range utilvalidation.IsValidGroupID(gid) {
					allErrs = append(allErrs, field.Invalid(linuxPath.Child("supplementalGroups").Index(g), gid, msg))
				}
			}
		}
	}
	return allErrs
}

// validateAllocatedResourcesStatus checks the health a container status reports for its
// resources: each entry must name a resource the container requests or a claim it uses, and
// resource IDs must be unique within an entry.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerStatusAllocatedResourcesStatus
func validateAllocatedResourcesStatus(statuses []corev1.ContainerStatus, containers []corev1.Container, podStatus *corev1.PodStatus, fldPath *field.Path) field.ErrorList {
	healthValues := sets.New(corev1.ResourceHealthStatusHealthy, corev1.ResourceHealthStatusUnhealthy, corev1.ResourceHealthStatusUnknown)
	var allErrs field.ErrorList
	for i, s := range statuses {
		var container *corev1.Container
		for j := range containers {
			if containers[j].Name == s.Name {
				container = &containers[j]
				break
			}
		}
		for j, allocated := range s.AllocatedResourcesStatus {
			entryPath := fldPath.Index(i).Child("allocatedResourcesStatus").Index(j)
			// A status for a container the spec lacks is tolerated: such statuses have been
			// accepted before.
			if container != nil {
				if msg := allocatedResourceNameError(allocated.Name, container, podStatus.ExtendedResourceClaimStatus); msg != "" {
					allErrs = append(allErrs, field.Invalid(entryPath.Child("name"), allocated.Name, msg))
				}
			}
			ids := sets.New[corev1.ResourceID]()
			for k, r := range allocated.Resources {
				resourcePath := entryPath.Child("resources").Index(k)
				if !healthValues.Has(r.Health) {
					allErrs = append(allErrs, field.NotSupported(resourcePath.Child("health"), r.Health, sets.List(healthValues)))
				}
				if r.Message != nil {
					if *r.Message == "" {
						allErrs = append(allErrs, field.Required(resourcePath.Child("message"), "must be non-empty if specified"))
					} else if len(*r.Message) > corev1.ResourceHealthMessageMaxLength {
						allErrs = append(allErrs, field.TooLong(resourcePath.Child("message"), *r.Message, corev1.ResourceHealthMessageMaxLength))
					}
				}
				if ids.Has(r.ResourceID) {
					allErrs = append(allErrs, field.Duplicate(resourcePath.Child("resourceID"), r.ResourceID))
				} else {
					ids.Insert(r.ResourceID)
				}
			}
		}
	}
	return allErrs
}

// allocatedResourceNameError returns why name does not refer to a resource of c, or "".
func allocatedResourceNameError(name corev1.ResourceName, c *corev1.Container, ext *corev1.PodExtendedResourceClaimStatus) string {
	if !strings.HasPrefix(string(name), resourceStatusClaimPrefix) {
		if _, ok := c.Resources.Requests[name]; ok {
			return ""
		}
		return "must match one of the container's resource requests"
	}
	for _, claim := range c.Resources.Claims {
		want := resourceStatusClaimPrefix + claim.Name
		if claim.Request != "" {
			want += "/" + claim.Request
		}
		if string(name) == want {
			return ""
		}
	}
	if matchesExtendedResourceClaim(string(name), c, ext) {
		return ""
	}
	return "must match one of the container's resource claims as 'claim:<claimName>/<requestName>' when container.resources.claims[*].request is set or 'claim:<claimName>' when it is empty"
}

// matchesExtendedResourceClaim reports whether name is "claim:<claim>/<request>" for the claim
// kube created for the container's extended resources and a request mapped to a resource the
// container asks a non-zero amount of.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go matchesExtendedResourceClaimStatus
func matchesExtendedResourceClaim(name string, c *corev1.Container, ext *corev1.PodExtendedResourceClaimStatus) bool {
	if ext == nil {
		return false
	}
	claimName, requestName, hasRequest := strings.Cut(strings.TrimPrefix(name, resourceStatusClaimPrefix), "/")
	if claimName == "" || !hasRequest || requestName == "" || claimName != ext.ResourceClaimName {
		return false
	}
	for _, m := range ext.RequestMappings {
		if m.ContainerName != c.Name || m.RequestName != requestName {
			continue
		}
		if q, ok := c.Resources.Requests[corev1.ResourceName(m.ResourceName)]; ok && !q.IsZero() {
			return true
		}
	}
	return false
}
