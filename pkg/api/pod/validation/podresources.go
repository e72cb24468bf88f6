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
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	resourcehelper "k8s.io/component-helpers/resource"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// podResourceClaimNames returns the named entries of spec.resourceClaims, the names container
// resources may refer to; unnamed entries are reported by validatePodResourceClaims.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go gatherPodResourceClaimNames
func podResourceClaimNames(claims []corev1.PodResourceClaim) sets.Set[string] {
	names := sets.New[string]()
	for _, c := range claims {
		if c.Name != "" {
			names.Insert(c.Name)
		}
	}
	return names
}

// validatePodResourceClaims validates spec.resourceClaims. Static pods, which the kubelet runs
// without the API server's allocation, may not use them.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodResourceClaims
func validatePodResourceClaims(podMeta *metav1.ObjectMeta, claims []corev1.PodResourceClaim, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, claim := range claims {
		if podMeta != nil {
			if _, mirror := podMeta.Annotations[corev1.MirrorPodAnnotationKey]; mirror {
				allErrs = append(allErrs, field.Forbidden(field.NewPath(""), "static pods do not support resource claims"))
				continue
			}
		}
		claimPath := fldPath.Index(i)
		switch {
		case claim.Name == "":
			allErrs = append(allErrs, field.Required(claimPath.Child("name"), ""))
		case seen.Has(claim.Name):
			allErrs = append(allErrs, field.Duplicate(claimPath.Child("name"), claim.Name))
		default:
			allErrs = append(allErrs, validateDNS1123Label(claim.Name, claimPath.Child("name"))...)
			seen.Insert(claim.Name)
		}
		shown := claim
		if claim.ResourceClaimName != nil && claim.ResourceClaimTemplateName != nil {
			allErrs = append(allErrs, field.Invalid(claimPath, shown, "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"))
		}
		if claim.ResourceClaimName == nil && claim.ResourceClaimTemplateName == nil {
			allErrs = append(allErrs, field.Invalid(claimPath, shown, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"))
		}
		if claim.ResourceClaimName != nil {
			for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(*claim.ResourceClaimName, false) {
				allErrs = append(allErrs, field.Invalid(claimPath.Child("resourceClaimName"), *claim.ResourceClaimName, msg))
			}
		}
		if claim.ResourceClaimTemplateName != nil {
			for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(*claim.ResourceClaimTemplateName, false) {
				allErrs = append(allErrs, field.Invalid(claimPath.Child("resourceClaimTemplateName"), *claim.ResourceClaimTemplateName, msg))
			}
		}
	}
	return allErrs
}

// validatePodResources validates spec.resources, the pod-level budget its containers share.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodResources
func validatePodResources(spec *corev1.PodSpec, podClaimNames sets.Set[string], fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	if spec.Resources == nil {
		return nil
	}
	resPath := fldPath.Child("resources")
	if spec.OS != nil && spec.OS.Name == corev1.Windows {
		// Nothing more is said about a field the pod may not set at all.
		return field.ErrorList{field.Forbidden(resPath, "may not be set for a windows pod")}
	}
	var allErrs field.ErrorList
	if spec.Resources.Claims != nil {
		allErrs = append(allErrs, field.Forbidden(resPath.Child("claims"), "claims may not be set for Resources at pod-level"))
	}
	allErrs = append(allErrs, validatePodLevelRequirements(spec.Resources, podClaimNames, resPath, opts)...)
	allErrs = append(allErrs, validatePodLevelConsistency(spec, resPath)...)
	return allErrs
}

// validatePodLevelRequirements applies the rules of container requirements to the pod-level ones,
// with the pod-level set of resource names.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodResourceRequirements
func validatePodLevelRequirements(req *corev1.ResourceRequirements, podClaimNames sets.Set[string], fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	limPath, reqPath := fldPath.Child("limits"), fldPath.Child("requests")
	hasCPUOrMemory, hasHugePages := false, false
	for _, name := range sortedResourceNames(req.Limits) {
		quantity := req.Limits[name]
		namePath := limPath.Key(string(name))
		allErrs = append(allErrs, validatePodLevelResourceName(name, namePath)...)
		allErrs = append(allErrs, validateResourceQuantityValue(name, quantity, namePath)...)
		if isHugePagesResource(name) {
			hasHugePages = true
			allErrs = append(allErrs, validatePodLevelHugePagesValue(name, quantity, namePath, opts)...)
		}
		hasCPUOrMemory = hasCPUOrMemory || name == corev1.ResourceCPU || name == corev1.ResourceMemory
	}
	for _, name := range sortedResourceNames(req.Requests) {
		quantity := req.Requests[name]
		namePath := reqPath.Key(string(name))
		allErrs = append(allErrs, validatePodLevelResourceName(name, namePath)...)
		allErrs = append(allErrs, validateResourceQuantityValue(name, quantity, namePath)...)
		// Requests may not exceed limits, and must equal them where the node cannot overcommit.
		if limit, ok := req.Limits[name]; ok {
			if quantity.Cmp(limit) != 0 && !isOvercommittableResource(name) {
				allErrs = append(allErrs, field.Invalid(reqPath, quantity.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
			} else if quantity.Cmp(limit) > 0 {
				allErrs = append(allErrs, field.Invalid(reqPath, quantity.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
			}
		} else if !isOvercommittableResource(name) {
			allErrs = append(allErrs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
		if isHugePagesResource(name) {
			hasHugePages = true
			allErrs = append(allErrs, validatePodLevelHugePagesValue(name, quantity, namePath, opts)...)
		}
		hasCPUOrMemory = hasCPUOrMemory || name == corev1.ResourceCPU || name == corev1.ResourceMemory
	}
	if hasHugePages && !hasCPUOrMemory {
		allErrs = append(allErrs, field.Forbidden(fldPath, "HugePages require cpu or memory"))
	}
	allErrs = append(allErrs, validatePodLevelClaimRefs(req.Claims, podClaimNames, fldPath.Child("claims"))...)
	return allErrs
}

// standardResourceNames are the unprefixed resource names kube knows; any other unprefixed name
// must be qualified with a domain.
var standardResourceNames = sets.New[corev1.ResourceName](
	corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage,
	corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage,
	corev1.ResourcePods, corev1.ResourceQuotas, corev1.ResourceServices, corev1.ResourceReplicationControllers,
	corev1.ResourceSecrets, corev1.ResourceConfigMaps, corev1.ResourcePersistentVolumeClaims,
	corev1.ResourceStorage, corev1.ResourceRequestsStorage, corev1.ResourceServicesNodePorts,
	corev1.ResourceServicesLoadBalancers,
)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodResourceName
func validatePodLevelResourceName(name corev1.ResourceName, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, msg := range utilvalidation.IsQualifiedName(string(name)) {
		allErrs = append(allErrs, field.Invalid(fldPath, name, msg))
	}
	if len(allErrs) > 0 {
		return allErrs
	}
	if !strings.Contains(string(name), "/") && !standardResourceNames.Has(name) &&
		!strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) && !strings.HasPrefix(string(name), corev1.ResourceRequestsHugePagesPrefix) {
		return field.ErrorList{field.Invalid(fldPath, name, "must be a standard resource type or fully qualified")}
	}
	if !resourcehelper.IsSupportedPodLevelResource(name) {
		return field.ErrorList{field.NotSupported(fldPath, name, sets.List(resourcehelper.SupportedPodLevelResources()))}
	}
	return nil
}

// isOvercommittableResource reports whether a node may promise more of the resource than it has:
// true for kubernetes.io resources other than huge pages.
func isOvercommittableResource(name corev1.ResourceName) bool {
	native := !strings.Contains(string(name), "/") || strings.Contains(string(name), corev1.ResourceDefaultNamespacePrefix)
	return native && !isHugePagesResource(name)
}

// validatePodLevelHugePagesValue requires a whole number of pages of the size the name gives.
func validatePodLevelHugePagesValue(name corev1.ResourceName, quantity resource.Quantity, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	if opts.AllowIndivisibleHugePagesValues {
		return nil
	}
	pageSize, err := resource.ParseQuantity(strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
	if err == nil && pageSize.Sign() > 0 && pageSize.MilliValue()%1000 == 0 && quantity.Value()%pageSize.Value() == 0 {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, quantity.String(), fmt.Sprintf("%s is not positive integer multiple of %s", quantity.String(), name))}
}

// validatePodLevelClaimRefs checks references to spec.resourceClaims. kube forbids them at pod
// level but still reports what is wrong with them.
func validatePodLevelClaimRefs(claims []corev1.ResourceClaim, podClaimNames sets.Set[string], fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, claim := range claims {
		idxPath := fldPath.Index(i)
		name := claim.Name
		if name == "" {
			allErrs = append(allErrs, field.Required(idxPath, ""))
			continue
		}
		if seen.Has(name) {
			allErrs = append(allErrs, field.Duplicate(idxPath, name))
		} else {
			key := name
			if claim.Request != "" {
				allErrs = append(allErrs, validateDNS1123Label(claim.Request, idxPath.Child("request"))...)
				key += "/" + claim.Request
			}
			if seen.Has(key) {
				allErrs = append(allErrs, field.Duplicate(idxPath, key))
			} else if claim.Request == "" {
				// A whole claim overlaps every request of it referenced before.
				for _, k := range sets.List(seen) {
					if claimName, _, ok := strings.Cut(k, "/"); ok && claimName == name {
						allErrs = append(allErrs, field.Duplicate(idxPath, name))
					}
				}
			}
			seen.Insert(key)
		}
		if !podClaimNames.Has(name) {
			notFound := field.NotFound(idxPath, name)
			notFound.Detail = "must be one of the names in pod.spec.resourceClaims"
			if podClaimNames.Len() == 0 {
				notFound.Detail += " which is empty"
			} else {
				notFound.Detail += ": " + strings.Join(sets.List(podClaimNames), ", ")
			}
			allErrs = append(allErrs, notFound)
		}
	}
	return allErrs
}

// validatePodLevelConsistency requires the pod-level budget to cover its containers: pod requests
// at least the containers' aggregate requests, huge page limits at least their aggregate limits
// (huge pages cannot be overcommitted), and no container limit above the pod's.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodResourceConsistency
func validatePodLevelConsistency(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	pod := &corev1.Pod{Spec: *spec}
	aggrRequests := resourcehelper.AggregateContainerRequests(pod, resourcehelper.PodResourcesOptions{})
	for _, name := range sortedResourceNames(aggrRequests) {
		podRequest, ok := spec.Resources.Requests[name]
		if !ok {
			continue
		}
		if ctrRequests := aggrRequests[name]; ctrRequests.Cmp(podRequest) > 0 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("requests").Key(string(name)), podRequest.String(),
				fmt.Sprintf("must be greater than or equal to aggregate container requests of %s", ctrRequests.String())))
		}
	}
	aggrLimits := resourcehelper.AggregateContainerLimits(pod, resourcehelper.PodResourcesOptions{})
	for _, name := range sortedResourceNames(aggrLimits) {
		if !isHugePagesResource(name) {
			continue
		}
		podLimit, ok := spec.Resources.Limits[name]
		if !ok {
			continue
		}
		if ctrLimits := aggrLimits[name]; ctrLimits.Cmp(podLimit) > 0 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("limits").Key(string(name)), podLimit.String(),
				fmt.Sprintf("must be greater than or equal to aggregate container limits of %s", ctrLimits.String())))
		}
	}
	for i, c := range spec.Containers {
		for _, name := range sortedResourceNames(c.Resources.Limits) {
			podLimit, ok := spec.Resources.Limits[name]
			if !ok {
				continue
			}
			if ctrLimit := c.Resources.Limits[name]; ctrLimit.Cmp(podLimit) > 0 {
				// kube names this path oddly, with the container under spec.resources.
				allErrs = append(allErrs, field.Invalid(fldPath.Child("containers").Index(i).Key(string(name)).Child("limits"), ctrLimit.String(),
					fmt.Sprintf("must be less than or equal to pod limits of %s", podLimit.String())))
			}
		}
	}
	return allErrs
}
