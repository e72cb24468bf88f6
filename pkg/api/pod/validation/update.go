package validation

import (
	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ratchetFromOldPod grants the relaxations the stored pod already relies on.
func ratchetFromOldPod(opts *PodValidationOptions, oldPod *corev1.Pod) {
	// TODO(D)
}

// ValidatePodUpdate validates a write to the main pods endpoint against the stored pod: the
// new pod must be valid, and only the fields kube lets change may change.
func ValidatePodUpdate(newPod, oldPod *corev1.Pod, opts PodValidationOptions) field.ErrorList {
	// TODO(D)
	allErrs := apimachineryvalidation.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	return append(allErrs, validatePodMetadataAndSpec(newPod, opts)...)
}
