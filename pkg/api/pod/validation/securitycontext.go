package validation

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The security profile checks are shared by the pod and the container security contexts.

// validatePodSpecSecurityContext validates spec.securityContext and the host namespace settings.
func validatePodSpecSecurityContext(securityContext *corev1.PodSecurityContext, spec *corev1.PodSpec, specPath, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	// TODO(A1)
	return nil
}

// validateSeccompProfileField validates a seccompProfile of the pod or of a container.
func validateSeccompProfileField(sp *corev1.SeccompProfile, fldPath *field.Path) field.ErrorList {
	// TODO(A1)
	return nil
}

// validateAppArmorProfileField validates an appArmorProfile of the pod or of a container.
func validateAppArmorProfileField(profile *corev1.AppArmorProfile, fldPath *field.Path) field.ErrorList {
	// TODO(A1)
	return nil
}

// validateWindowsSecurityContextOptions validates windowsOptions of the pod or of a container.
func validateWindowsSecurityContextOptions(windowsOptions *corev1.WindowsSecurityContextOptions, fldPath *field.Path) field.ErrorList {
	// TODO(A1)
	return nil
}
