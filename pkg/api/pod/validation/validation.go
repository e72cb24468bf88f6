// Package validation checks pods as kube-apiserver does, on k8s.io/api v1 types.
package validation

import (
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidatePodCreate validates a new pod.
func ValidatePodCreate(pod *corev1.Pod) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateObjectMeta(&pod.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	allErrs = append(allErrs, validatePodSpec(&pod.Spec, field.NewPath("spec"))...)
	if len(pod.Spec.EphemeralContainers) > 0 {
		allErrs = append(allErrs, field.Forbidden(field.NewPath("spec", "ephemeralContainers"), "cannot be set on create"))
	}
	return allErrs
}

func validatePodSpec(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	containersPath := fldPath.Child("containers")
	if len(spec.Containers) == 0 {
		allErrs = append(allErrs, field.Required(containersPath, ""))
	}
	names := sets.New[string]()
	checkContainer := func(c *corev1.Container, p *field.Path) {
		namePath := p.Child("name")
		switch {
		case c.Name == "":
			allErrs = append(allErrs, field.Required(namePath, ""))
		case names.Has(c.Name):
			allErrs = append(allErrs, field.Duplicate(namePath, c.Name))
		default:
			for _, msg := range utilvalidation.IsDNS1123Label(c.Name) {
				allErrs = append(allErrs, field.Invalid(namePath, c.Name, msg))
			}
		}
		names.Insert(c.Name)
	}
	for i := range spec.InitContainers {
		checkContainer(&spec.InitContainers[i], fldPath.Child("initContainers").Index(i))
	}
	for i := range spec.Containers {
		checkContainer(&spec.Containers[i], containersPath.Index(i))
	}
	return allErrs
}

// ValidatePodUpdate validates a write to the main pods endpoint against the stored pod.
func ValidatePodUpdate(newPod, oldPod *corev1.Pod) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, validatePodSpec(&newPod.Spec, field.NewPath("spec"))...)
	if len(newPod.Spec.Containers) != len(oldPod.Spec.Containers) {
		return append(allErrs, field.Forbidden(field.NewPath("spec", "containers"), "pod updates may not add or remove containers"))
	}

	// Compare the specs with everything that may change taken from the new pod, so that any
	// other difference is a forbidden change.
	mutable := *oldPod.Spec.DeepCopy()
	for i := range newPod.Spec.Containers {
		mutable.Containers[i].Image = newPod.Spec.Containers[i].Image
	}
	if len(newPod.Spec.InitContainers) == len(mutable.InitContainers) {
		for i := range newPod.Spec.InitContainers {
			mutable.InitContainers[i].Image = newPod.Spec.InitContainers[i].Image
		}
	}
	mutable.ActiveDeadlineSeconds = newPod.Spec.ActiveDeadlineSeconds
	mutable.Tolerations = newPod.Spec.Tolerations
	if !apiequality.Semantic.DeepEqual(newPod.Spec, mutable) {
		allErrs = append(allErrs, field.Forbidden(field.NewPath("spec"), "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"))
	}
	return allErrs
}

// ValidatePodStatusUpdate validates a write to pods/status against the stored pod.
func ValidatePodStatusUpdate(newPod, oldPod *corev1.Pod) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	switch newPod.Status.Phase {
	case "", corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed, corev1.PodUnknown:
	default:
		allErrs = append(allErrs, field.NotSupported(field.NewPath("status", "phase"), newPod.Status.Phase,
			[]corev1.PodPhase{corev1.PodPending, corev1.PodRunning, corev1.PodSucceeded, corev1.PodFailed, corev1.PodUnknown}))
	}
	return allErrs
}

// WarningsOnCreate returns the warnings kube gives for a new pod.
func WarningsOnCreate(pod *corev1.Pod) []string {
	var warnings []string
	if msgs := utilvalidation.IsDNS1123Label(pod.Name); len(msgs) != 0 && pod.Name != "" {
		warnings = append(warnings, "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: "+msgs[0])
	}
	return warnings
}
