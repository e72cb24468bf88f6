package validation

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateAffinity validates spec.affinity.
func validateAffinity(affinity *corev1.Affinity, opts PodValidationOptions, fldPath *field.Path) field.ErrorList {
	// TODO(A2)
	return nil
}

// validateTolerations validates tolerations, of spec.tolerations or of the legacy annotation.
func validateTolerations(tolerations []corev1.Toleration, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	// TODO(A2)
	return nil
}

// validateTopologySpreadConstraints validates spec.topologySpreadConstraints.
func validateTopologySpreadConstraints(constraints []corev1.TopologySpreadConstraint, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	// TODO(A2)
	return nil
}

// validateReadinessGates validates spec.readinessGates.
func validateReadinessGates(gates []corev1.PodReadinessGate, fldPath *field.Path) field.ErrorList {
	// TODO(A2)
	return nil
}

// validateSchedulingGates validates spec.schedulingGates.
func validateSchedulingGates(gates []corev1.PodSchedulingGate, fldPath *field.Path) field.ErrorList {
	// TODO(A2)
	return nil
}
