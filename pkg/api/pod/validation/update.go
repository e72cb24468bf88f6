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
	"reflect"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/diff"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// updatablePodSpecFields is how kube names, in its forbidden-update error, what may change.
const updatablePodSpecFields = "`spec.containers[*].image`," +
	"`spec.initContainers[*].image`," +
	"`spec.activeDeadlineSeconds`," +
	"`spec.tolerations` (only additions to existing tolerations)," +
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

// ValidatePodUpdate validates a write to the main pods endpoint against the stored pod: the
// new pod must be valid, and only the fields kube lets change may change.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodUpdate
func ValidatePodUpdate(newPod, oldPod *corev1.Pod, opts PodValidationOptions) field.ErrorList {
	metaPath := field.NewPath("metadata")
	specPath := field.NewPath("spec")
	allErrs := validatePodObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, metaPath)
	allErrs = append(allErrs, validatePodMetadataAndSpec(newPod, opts)...)
	allErrs = append(allErrs, ValidatePodSpecificAnnotationUpdates(newPod, oldPod, metaPath.Child("annotations"), opts)...)

	// A changed container count makes the per-index checks below meaningless.
	errs, ok := validateContainerImageUpdates(newPod.Spec.Containers, oldPod.Spec.Containers, specPath.Child("containers"))
	allErrs = append(allErrs, errs...)
	if !ok {
		return allErrs
	}
	errs, ok = validateContainerImageUpdates(newPod.Spec.InitContainers, oldPod.Spec.InitContainers, specPath.Child("initContainers"))
	allErrs = append(allErrs, errs...)
	if !ok {
		return allErrs
	}

	deadlinePath := specPath.Child("activeDeadlineSeconds")
	if newDeadline := newPod.Spec.ActiveDeadlineSeconds; newDeadline != nil {
		if *newDeadline < 0 || *newDeadline > math.MaxInt32 {
			return append(allErrs, field.Invalid(deadlinePath, *newDeadline, utilvalidation.InclusiveRangeError(0, math.MaxInt32)))
		}
		if oldDeadline := oldPod.Spec.ActiveDeadlineSeconds; oldDeadline != nil && *oldDeadline < *newDeadline {
			return append(allErrs, field.Invalid(deadlinePath, *newDeadline, "must be less than or equal to previous value"))
		}
	} else if oldPod.Spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, field.Invalid(deadlinePath, newPod.Spec.ActiveDeadlineSeconds, "must not update from a positive integer to nil value"))
	}

	allErrs = append(allErrs, validateOnlyAddedTolerations(newPod.Spec.Tolerations, oldPod.Spec.Tolerations, specPath.Child("tolerations"), opts)...)
	allErrs = append(allErrs, validateOnlyRemovedSchedulingGates(newPod.Spec.SchedulingGates, oldPod.Spec.SchedulingGates, specPath.Child("schedulingGates"))...)

	if apiequality.Semantic.DeepEqual(newPod.Spec, oldPod.Spec) {
		return allErrs
	}

	// Overwrite what may change with the stored values; whatever still differs may not change.
	munged := newPod.Spec.DeepCopy()
	munged.Containers = withOldImages(munged.Containers, oldPod.Spec.Containers)
	munged.InitContainers = withOldImages(munged.InitContainers, oldPod.Spec.InitContainers)
	munged.ActiveDeadlineSeconds = nil
	if oldPod.Spec.ActiveDeadlineSeconds != nil {
		d := *oldPod.Spec.ActiveDeadlineSeconds
		munged.ActiveDeadlineSeconds = &d
	}
	munged.SchedulingGates = oldPod.Spec.SchedulingGates
	munged.Tolerations = oldPod.Spec.Tolerations
	// A negative grace period is stored as is but acts as 1, so moving it to 1 is allowed.
	if old := oldPod.Spec.TerminationGracePeriodSeconds; old != nil && *old < 0 &&
		munged.TerminationGracePeriodSeconds != nil && *munged.TerminationGracePeriodSeconds == 1 {
		munged.TerminationGracePeriodSeconds = old
	}

	// While a pod is gated the scheduler has not looked at it yet, so its placement may still be
	// narrowed.
	if len(oldPod.Spec.SchedulingGates) > 0 {
		if !apiequality.Semantic.DeepEqual(munged.NodeSelector, oldPod.Spec.NodeSelector) {
			allErrs = append(allErrs, validateNodeSelectorOnlyAdded(munged.NodeSelector, oldPod.Spec.NodeSelector, specPath.Child("nodeSelector"))...)
			munged.NodeSelector = oldPod.Spec.NodeSelector
		}
		var oldNodeAffinity, newNodeAffinity *corev1.NodeAffinity
		if oldPod.Spec.Affinity != nil {
			oldNodeAffinity = oldPod.Spec.Affinity.NodeAffinity
		}
		if munged.Affinity != nil {
			newNodeAffinity = munged.Affinity.NodeAffinity
		}
		if !apiequality.Semantic.DeepEqual(oldNodeAffinity, newNodeAffinity) {
			allErrs = append(allErrs, validateNodeAffinityOnlyNarrowed(newNodeAffinity, oldNodeAffinity, specPath.Child("affinity").Child("nodeAffinity"))...)
			switch {
			case munged.Affinity == nil && oldNodeAffinity == nil:
			case munged.Affinity == nil:
				munged.Affinity = &corev1.Affinity{NodeAffinity: oldNodeAffinity}
			case oldPod.Spec.Affinity == nil && munged.Affinity.PodAffinity == nil && munged.Affinity.PodAntiAffinity == nil:
				munged.Affinity = nil
			default:
				munged.Affinity.NodeAffinity = oldNodeAffinity
			}
		}
	}

	if !apiequality.Semantic.DeepEqual(*munged, oldPod.Spec) {
		detail := fmt.Sprintf("pod updates may not change fields other than %s\n%v", updatablePodSpecFields, diff.Diff(oldPod.Spec, *munged))
		allErrs = append(allErrs, field.Forbidden(specPath, detail))
	}
	return allErrs
}

// withOldImages returns containers with each image replaced by the stored one at the same index;
// a list without containers becomes nil, as ValidatePodUpdate (k8s.io/kubernetes@v1.37.2
// pkg/apis/core/validation/validation.go) rebuilds the list by appending.
func withOldImages(containers, old []corev1.Container) []corev1.Container {
	var out []corev1.Container
	for i, c := range containers {
		c.Image = old[i].Image
		out = append(out, c)
	}
	return out
}

// validatePodObjectMetaUpdate is the generic metadata update check plus kube's finalizer name
// rule.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateObjectMetaUpdate
func validatePodObjectMetaUpdate(newMeta, oldMeta *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateObjectMetaUpdate(newMeta, oldMeta, fldPath)
	for i, f := range newMeta.Finalizers {
		allErrs = append(allErrs, validateKubeFinalizerName(f, fldPath.Child("finalizers").Index(i))...)
	}
	return allErrs
}

// validateKubeFinalizerName rejects an unqualified finalizer that is not one kube defines.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateKubeFinalizerName
func validateKubeFinalizerName(name string, fldPath *field.Path) field.ErrorList {
	if strings.Contains(name, "/") {
		return nil
	}
	switch name {
	case string(corev1.FinalizerKubernetes), metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents:
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, name, "name is neither a standard finalizer name nor is it fully qualified")}
}

// ValidatePodSpecificAnnotationUpdates forbids adding, changing or removing the annotations
// whose meaning is fixed when the pod is created, then validates the new annotations.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodSpecificAnnotationUpdates
func ValidatePodSpecificAnnotationUpdates(newPod, oldPod *corev1.Pod, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	// kube walks the maps in random order; sorted keys give one of its orders, every time.
	var allErrs field.ErrorList
	for _, k := range sets.List(sets.KeySet(oldPod.Annotations)) {
		oldVal := oldPod.Annotations[k]
		if newVal, ok := newPod.Annotations[k]; ok && newVal == oldVal {
			continue
		}
		if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not remove or update AppArmor annotations"))
		}
		if k == corev1.MirrorPodAnnotationKey {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not remove or update mirror pod annotation"))
		}
	}
	for _, k := range sets.List(sets.KeySet(newPod.Annotations)) {
		if _, ok := oldPod.Annotations[k]; ok {
			continue
		}
		if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not add AppArmor annotations"))
		}
		if k == corev1.MirrorPodAnnotationKey {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not add mirror pod annotation"))
		}
	}
	return append(allErrs, ValidatePodSpecificAnnotations(newPod.Annotations, &newPod.Spec, fldPath, opts)...)
}

// validateContainerImageUpdates checks the images of containers that may be updated in place;
// ok is false when containers were added or removed.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateContainerUpdates
func validateContainerImageUpdates(newContainers, oldContainers []corev1.Container, fldPath *field.Path) (allErrs field.ErrorList, ok bool) {
	if len(newContainers) != len(oldContainers) {
		return field.ErrorList{field.Forbidden(fldPath, "pod updates may not add or remove containers")}, false
	}
	for i, c := range newContainers {
		imagePath := fldPath.Index(i).Child("image")
		if c.Image == "" {
			allErrs = append(allErrs, field.Required(imagePath, ""))
		}
		if len(strings.TrimSpace(c.Image)) != len(c.Image) {
			allErrs = append(allErrs, field.Invalid(imagePath, c.Image, "must not have leading or trailing whitespace"))
		}
	}
	return allErrs, true
}

// validateOnlyAddedTolerations lets tolerations be added, and existing ones change only their
// tolerationSeconds.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateOnlyAddedTolerations
func validateOnlyAddedTolerations(newTolerations, oldTolerations []corev1.Toleration, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	for _, old := range oldTolerations {
		found := false
		for _, t := range newTolerations {
			candidate := old
			candidate.TolerationSeconds = t.TolerationSeconds
			if reflect.DeepEqual(candidate, t) {
				found = true
				break
			}
		}
		if !found {
			return field.ErrorList{field.Forbidden(fldPath, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return validateTolerations(newTolerations, fldPath, opts)
}

// validateOnlyRemovedSchedulingGates rejects every gate the stored pod did not have. kube reports
// them in map order; we report them in list order.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateOnlyDeletedSchedulingGates
func validateOnlyRemovedSchedulingGates(newGates, oldGates []corev1.PodSchedulingGate, fldPath *field.Path) field.ErrorList {
	old := make(map[string]bool, len(oldGates))
	for _, g := range oldGates {
		old[g.Name] = true
	}
	// The last index of a repeated new gate is the one kube names.
	last := map[string]int{}
	for i, g := range newGates {
		last[g.Name] = i
	}
	var allErrs field.ErrorList
	for i, g := range newGates {
		if old[g.Name] || last[g.Name] != i {
			continue
		}
		allErrs = append(allErrs, field.Forbidden(fldPath.Index(i).Child("name"), fmt.Sprintf("only deletion is allowed, but found new scheduling gate '%s'", g.Name)))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateNodeSelectorMutation
func validateNodeSelectorOnlyAdded(newSelector, oldSelector map[string]string, fldPath *field.Path) field.ErrorList {
	for k, v := range oldSelector {
		if nv, ok := newSelector[k]; !ok || nv != v {
			return field.ErrorList{field.Invalid(fldPath, newSelector, "only additions to spec.nodeSelector are allowed (no mutations or deletions)")}
		}
	}
	return nil
}

// validateNodeAffinityOnlyNarrowed lets a gated pod set required node affinity when it had none,
// and otherwise only append expressions or fields to its existing terms. Preferred terms are free.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateNodeAffinityMutation
func validateNodeAffinityOnlyNarrowed(newAffinity, oldAffinity *corev1.NodeAffinity, fldPath *field.Path) field.ErrorList {
	if oldAffinity == nil || oldAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return nil
	}
	termsPath := fldPath.Child("requiredDuringSchedulingIgnoredDuringExecution").Child("nodeSelectorTerms")
	oldTerms := oldAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	var newTerms []corev1.NodeSelectorTerm
	if newAffinity != nil && newAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		newTerms = newAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	}
	if len(oldTerms) > 0 && len(oldTerms) != len(newTerms) {
		return field.ErrorList{field.Invalid(termsPath, newTerms, "no additions/deletions to non-empty NodeSelectorTerms list are allowed")}
	}
	var allErrs field.ErrorList
	for i := range oldTerms {
		if !termOnlyAppended(newTerms[i], oldTerms[i]) {
			allErrs = append(allErrs, field.Invalid(termsPath.Index(i), newTerms[i], "only additions are allowed (no mutations or deletions)"))
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateNodeSelectorTermHasOnlyAdditions
func termOnlyAppended(newTerm, oldTerm corev1.NodeSelectorTerm) bool {
	// An empty term matches nothing; narrowing it would widen what the pod may run on.
	if len(oldTerm.MatchExpressions) == 0 && len(oldTerm.MatchFields) == 0 {
		return len(newTerm.MatchExpressions) == 0 && len(newTerm.MatchFields) == 0
	}
	if n := len(oldTerm.MatchExpressions); n > 0 {
		if len(newTerm.MatchExpressions) < n || !apiequality.Semantic.DeepEqual(newTerm.MatchExpressions[:n], oldTerm.MatchExpressions) {
			return false
		}
	}
	if n := len(oldTerm.MatchFields); n > 0 {
		if len(newTerm.MatchFields) < n || !apiequality.Semantic.DeepEqual(newTerm.MatchFields[:n], oldTerm.MatchFields) {
			return false
		}
	}
	return true
}
