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
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go
// The helpers here that name no upstream function of their own serve the functions that do.

// validateContainerResourceRequirements validates a container's resources (and, with only
// limits, the pod overhead, which kube checks by the same rules).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateContainerResourceRequirements
func validateContainerResourceRequirements(requirements *corev1.ResourceRequirements, podClaimNames sets.Set[string], fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	return validateResourceRequirementsWith(requirements, validateContainerResourceName, podClaimNames, fldPath, opts)
}

// validateResourceRequirementsWith holds the rules shared by container resources and pod-level
// resources; only the check of which resource names are allowed differs between them.
// kube walks the maps in Go's random order, so the order of its causes varies between requests;
// we report in sorted order to stay stable.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateResourceRequirements
func validateResourceRequirementsWith(requirements *corev1.ResourceRequirements, nameFn func(corev1.ResourceName, *field.Path) field.ErrorList, podClaimNames sets.Set[string], fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	limitsPath := fldPath.Child("limits")
	requestsPath := fldPath.Child("requests")
	hasCPUOrMemory, hasHugePages := false, false

	for _, name := range sortedResourceNames(requirements.Limits) {
		quantity := requirements.Limits[name]
		keyPath := limitsPath.Key(string(name))
		allErrs = append(allErrs, nameFn(name, keyPath)...)
		allErrs = append(allErrs, validateResourceQuantityValue(name, quantity, keyPath)...)
		if isHugePagesResource(name) {
			hasHugePages = true
			allErrs = append(allErrs, validateHugePagesQuantity(name, quantity, keyPath, opts)...)
		}
		if name == corev1.ResourceCPU || name == corev1.ResourceMemory {
			hasCPUOrMemory = true
		}
	}

	for _, name := range sortedResourceNames(requirements.Requests) {
		quantity := requirements.Requests[name]
		keyPath := requestsPath.Key(string(name))
		allErrs = append(allErrs, nameFn(name, keyPath)...)
		allErrs = append(allErrs, validateResourceQuantityValue(name, quantity, keyPath)...)

		limit, hasLimit := requirements.Limits[name]
		switch {
		case hasLimit && quantity.Cmp(limit) != 0 && !overcommitAllowed(name):
			allErrs = append(allErrs, field.Invalid(requestsPath, quantity.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
		case hasLimit && quantity.Cmp(limit) > 0:
			allErrs = append(allErrs, field.Invalid(requestsPath, quantity.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
		case !hasLimit && !overcommitAllowed(name):
			allErrs = append(allErrs, field.Required(limitsPath, "Limit must be set for non overcommitable resources"))
		}
		if isHugePagesResource(name) {
			hasHugePages = true
			allErrs = append(allErrs, validateHugePagesQuantity(name, quantity, keyPath, opts)...)
		}
		if name == corev1.ResourceCPU || name == corev1.ResourceMemory {
			hasCPUOrMemory = true
		}
	}

	if hasHugePages && !hasCPUOrMemory {
		allErrs = append(allErrs, field.Forbidden(fldPath, "HugePages require cpu or memory"))
	}
	allErrs = append(allErrs, validateResourceClaimReferences(requirements.Claims, podClaimNames, fldPath.Child("claims"))...)
	return allErrs
}

// sortedResourceNames returns the names of a resource list in order, so that errors come in a
// stable order (kube walks the map in random order).
func sortedResourceNames(list corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(list))
	for name := range list {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}

// validateResourceQuantityValue validates one quantity for its resource (non-negative, integer
// where the resource is counted in whole units).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateResourceQuantityValue
func validateResourceQuantityValue(name corev1.ResourceName, value resource.Quantity, fldPath *field.Path) field.ErrorList {
	allErrs := validateNonnegativeQuantity(value, fldPath)
	if isIntegerResource(name) && value.MilliValue()%1000 != 0 {
		allErrs = append(allErrs, field.Invalid(fldPath, value, "must be an integer"))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateResourceQuantityHugePageValue
func validateHugePagesQuantity(name corev1.ResourceName, quantity resource.Quantity, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	if opts.AllowIndivisibleHugePagesValues || hugePagesQuantityDivisible(name, quantity) {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, quantity.String(), fmt.Sprintf("%s is not positive integer multiple of %s", quantity.String(), name))}
}

// hugePagesQuantityDivisible tells whether quantity is a whole number of the pages the resource
// name gives the size of; a name without a valid positive integer page size divides nothing.
func hugePagesQuantityDivisible(name corev1.ResourceName, quantity resource.Quantity) bool {
	pageSize, err := resource.ParseQuantity(strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
	if err != nil || pageSize.Sign() <= 0 || pageSize.MilliValue()%1000 != 0 {
		return false
	}
	return quantity.Value()%pageSize.Value() == 0
}

// validateStandardOrQualifiedResourceName accepts a qualified name that is either namespaced
// (contains '/') or one of the resource names kube knows.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateResourceName
func validateStandardOrQualifiedResourceName(name corev1.ResourceName, fldPath *field.Path) field.ErrorList {
	if errs := invalidForEachValue(name, utilvalidation.IsQualifiedName(string(name)), fldPath); len(errs) > 0 {
		return errs
	}
	if !strings.Contains(string(name), "/") && !knownResourceNames.Has(name) && !strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) && !strings.HasPrefix(string(name), corev1.ResourceRequestsHugePagesPrefix) {
		return field.ErrorList{field.Invalid(fldPath, name, "must be a standard resource type or fully qualified")}
	}
	return nil
}

// validateContainerResourceName narrows the known names to those a container may request, and
// namespaced names to extended resources.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateContainerResourceName
func validateContainerResourceName(name corev1.ResourceName, fldPath *field.Path) field.ErrorList {
	allErrs := validateStandardOrQualifiedResourceName(name, fldPath)
	if !strings.Contains(string(name), "/") {
		if !containerResourceNames.Has(name) && !isHugePagesResource(name) {
			allErrs = append(allErrs, field.Invalid(fldPath, name, "must be a standard resource for containers"))
		}
	} else if !isNativeResource(name) && !isExtendedResource(name) {
		allErrs = append(allErrs, field.Invalid(fldPath, name, "doesn't follow extended resource name standard"))
	}
	return allErrs
}

// invalidForEachValue is invalidForEach for values that are not plain strings, so that the value
// is rendered as kube's field.Invalid renders that type.
func invalidForEachValue(value interface{}, msgs []string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, msg := range msgs {
		allErrs = append(allErrs, field.Invalid(fldPath, value, msg))
	}
	return allErrs
}

// The resource names kube treats as standard, whether or not a container may use them.
var knownResourceNames = sets.New[corev1.ResourceName](
	corev1.ResourceCPU,
	corev1.ResourceMemory,
	corev1.ResourceEphemeralStorage,
	corev1.ResourceRequestsCPU,
	corev1.ResourceRequestsMemory,
	corev1.ResourceRequestsEphemeralStorage,
	corev1.ResourceLimitsCPU,
	corev1.ResourceLimitsMemory,
	corev1.ResourceLimitsEphemeralStorage,
	corev1.ResourcePods,
	corev1.ResourceQuotas,
	corev1.ResourceServices,
	corev1.ResourceReplicationControllers,
	corev1.ResourceSecrets,
	corev1.ResourceConfigMaps,
	corev1.ResourcePersistentVolumeClaims,
	corev1.ResourceStorage,
	corev1.ResourceRequestsStorage,
	corev1.ResourceServicesNodePorts,
	corev1.ResourceServicesLoadBalancers,
)

var containerResourceNames = sets.New[corev1.ResourceName](
	corev1.ResourceCPU,
	corev1.ResourceMemory,
	corev1.ResourceEphemeralStorage,
)

// Object counts are whole numbers, and so are extended resources.
var countedResourceNames = sets.New[corev1.ResourceName](
	corev1.ResourcePods,
	corev1.ResourceQuotas,
	corev1.ResourceServices,
	corev1.ResourceReplicationControllers,
	corev1.ResourceSecrets,
	corev1.ResourceConfigMaps,
	corev1.ResourcePersistentVolumeClaims,
	corev1.ResourceServicesNodePorts,
	corev1.ResourceServicesLoadBalancers,
)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go IsHugePageResourceName
func isHugePagesResource(name corev1.ResourceName) bool {
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// isNativeResource: unprefixed names live in kubernetes.io/ implicitly.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go IsNativeResource
func isNativeResource(name corev1.ResourceName) bool {
	return !strings.Contains(string(name), "/") || strings.Contains(string(name), corev1.ResourceDefaultNamespacePrefix)
}

// isExtendedResource: outside kubernetes.io/, not looking like a quota name, and still a
// qualified name once quota prefixes it with "requests.".
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go IsExtendedResourceName
func isExtendedResource(name corev1.ResourceName) bool {
	if isNativeResource(name) || strings.HasPrefix(string(name), corev1.DefaultResourceRequestsPrefix) {
		return false
	}
	return len(utilvalidation.IsQualifiedName(corev1.DefaultResourceRequestsPrefix+string(name))) == 0
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go IsIntegerResourceName
func isIntegerResource(name corev1.ResourceName) bool {
	return countedResourceNames.Has(name) || isExtendedResource(name)
}

// overcommitAllowed: requests may be below limits only for native resources other than
// hugepages; extended resources and hugepages must be requested exactly.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/helper/helpers.go IsOvercommitAllowed
func overcommitAllowed(name corev1.ResourceName) bool {
	return isNativeResource(name) && !isHugePagesResource(name)
}

// validateResourceClaimReferences checks resources.claims: each names a pod resource claim, and
// no claim (or request of a claim) is referenced twice, a whole claim covering its requests.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateResourceClaimNames
func validateResourceClaimReferences(claims []corev1.ResourceClaim, podClaimNames sets.Set[string], fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, claim := range claims {
		idxPath := fldPath.Index(i)
		if claim.Name == "" {
			allErrs = append(allErrs, field.Required(idxPath, ""))
			continue
		}
		if seen.Has(claim.Name) {
			allErrs = append(allErrs, field.Duplicate(idxPath, claim.Name))
		} else {
			key := claim.Name
			if claim.Request != "" {
				allErrs = append(allErrs, validateDNS1123Label(claim.Request, idxPath.Child("request"))...)
				key += "/" + claim.Request
			}
			switch {
			case seen.Has(key):
				allErrs = append(allErrs, field.Duplicate(idxPath, key))
			case claim.Request == "":
				// A whole claim overlaps every request of it referenced before; one cause per
				// such request, as kube gives.
				for _, earlier := range sets.List(seen) {
					if claimName, _, ok := strings.Cut(earlier, "/"); ok && claimName == claim.Name {
						allErrs = append(allErrs, field.Duplicate(idxPath, claim.Name))
					}
				}
			}
			seen.Insert(key)
		}
		if !podClaimNames.Has(claim.Name) {
			err := field.NotFound(idxPath, claim.Name)
			if podClaimNames.Len() == 0 {
				err.Detail = "must be one of the names in pod.spec.resourceClaims which is empty"
			} else {
				err.Detail = "must be one of the names in pod.spec.resourceClaims: " + strings.Join(sets.List(podClaimNames), ", ")
			}
			allErrs = append(allErrs, err)
		}
	}
	return allErrs
}
