package validation

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateContainerResourceRequirements validates a container's resources (and, with only
// limits, the pod overhead, which kube checks by the same rules).
func validateContainerResourceRequirements(requirements *corev1.ResourceRequirements, podClaimNames sets.Set[string], fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	// TODO(B)
	return nil
}

// validateResourceQuantityValue validates one quantity for its resource (non-negative, integer
// where the resource is counted in whole units).
func validateResourceQuantityValue(name corev1.ResourceName, value resource.Quantity, fldPath *field.Path) field.ErrorList {
	// TODO(B)
	return validateNonnegativeQuantity(value, fldPath)
}
