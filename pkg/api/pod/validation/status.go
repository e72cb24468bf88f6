package validation

import (
	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidatePodStatusUpdate validates a write to pods/status against the stored pod.
func ValidatePodStatusUpdate(newPod, oldPod *corev1.Pod, opts PodValidationOptions) field.ErrorList {
	// TODO(D)
	return apimachineryvalidation.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
}
