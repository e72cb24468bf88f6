package validation

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateContainers validates spec.containers; volumes are the pod's validated volumes by name.
func validateContainers(containers []corev1.Container, os *corev1.PodOS, volumes map[string]corev1.VolumeSource, podClaimNames sets.Set[string], gracePeriod *int64, fldPath *field.Path, opts PodValidationOptions, podRestartPolicy *corev1.RestartPolicy, hostUsers bool) field.ErrorList {
	// TODO(B): a placeholder that only checks names.
	if len(containers) == 0 {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	var allErrs field.ErrorList
	names := sets.New[string]()
	for i, c := range containers {
		namePath := fldPath.Index(i).Child("name")
		switch {
		case c.Name == "":
			allErrs = append(allErrs, field.Required(namePath, ""))
		case names.Has(c.Name):
			allErrs = append(allErrs, field.Duplicate(namePath, c.Name))
		}
		names.Insert(c.Name)
	}
	return allErrs
}

// validateInitContainers validates spec.initContainers, including sidecars.
func validateInitContainers(containers []corev1.Container, os *corev1.PodOS, regularContainers []corev1.Container, volumes map[string]corev1.VolumeSource, podClaimNames sets.Set[string], gracePeriod *int64, fldPath *field.Path, opts PodValidationOptions, podRestartPolicy *corev1.RestartPolicy, hostUsers bool) field.ErrorList {
	// TODO(B)
	return nil
}

// validateEphemeralContainers validates spec.ephemeralContainers.
func validateEphemeralContainers(ephemeralContainers []corev1.EphemeralContainer, containers, initContainers []corev1.Container, volumes map[string]corev1.VolumeSource, podClaimNames sets.Set[string], fldPath *field.Path, opts PodValidationOptions, podRestartPolicy *corev1.RestartPolicy, hostUsers bool) field.ErrorList {
	// TODO(B)
	return nil
}
