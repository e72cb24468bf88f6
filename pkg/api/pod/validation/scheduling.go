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
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/validate/content"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// The scheduling families: where a pod may run (node and pod affinity, tolerations, topology
// spread) and what holds it back (readiness and scheduling gates).

// affinityWeightMsg is kube's detail for a preferred term weight outside 1..100.
const affinityWeightMsg = "must be in the range 1-100"

// notPositiveMsg is kube's detail for a number that must be above zero.
const notPositiveMsg = "must be greater than zero"

// validateAffinity validates spec.affinity.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateAffinity
func validateAffinity(affinity *corev1.Affinity, opts PodValidationOptions, fldPath *field.Path) field.ErrorList {
	if affinity == nil {
		return nil
	}
	var allErrs field.ErrorList
	if na := affinity.NodeAffinity; na != nil {
		naPath := fldPath.Child("nodeAffinity")
		if na.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			allErrs = append(allErrs, validateNodeSelector(na.RequiredDuringSchedulingIgnoredDuringExecution,
				opts.AllowInvalidLabelValueInRequiredNodeAffinity, naPath.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		}
		allErrs = append(allErrs, validatePreferredSchedulingTerms(na.PreferredDuringSchedulingIgnoredDuringExecution,
			naPath.Child("preferredDuringSchedulingIgnoredDuringExecution"))...)
	}
	if pa := affinity.PodAffinity; pa != nil {
		allErrs = append(allErrs, validateInterPodTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution,
			opts.AllowInvalidLabelValueInSelector, fldPath.Child("podAffinity"))...)
	}
	if paa := affinity.PodAntiAffinity; paa != nil {
		allErrs = append(allErrs, validateInterPodTerms(paa.RequiredDuringSchedulingIgnoredDuringExecution, paa.PreferredDuringSchedulingIgnoredDuringExecution,
			opts.AllowInvalidLabelValueInSelector, fldPath.Child("podAntiAffinity"))...)
	}
	return allErrs
}

// validateNodeSelector validates a required node selector: at least one term, each a list of
// label requirements and node field requirements.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateNodeSelector
func validateNodeSelector(selector *corev1.NodeSelector, allowInvalidLabelValue bool, fldPath *field.Path) field.ErrorList {
	termsPath := fldPath.Child("nodeSelectorTerms")
	if len(selector.NodeSelectorTerms) == 0 {
		return field.ErrorList{field.Required(termsPath, "must have at least one node selector term")}
	}
	var allErrs field.ErrorList
	for i, term := range selector.NodeSelectorTerms {
		allErrs = append(allErrs, validateNodeSelectorTerm(term, allowInvalidLabelValue, termsPath.Index(i))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateNodeSelectorTerm
func validateNodeSelectorTerm(term corev1.NodeSelectorTerm, allowInvalidLabelValue bool, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, req := range term.MatchExpressions {
		allErrs = append(allErrs, validateNodeLabelRequirement(req, allowInvalidLabelValue, fldPath.Child("matchExpressions").Index(i))...)
	}
	for i, req := range term.MatchFields {
		allErrs = append(allErrs, validateNodeFieldRequirement(req, fldPath.Child("matchFields").Index(i))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateNodeSelectorRequirement
func validateNodeLabelRequirement(req corev1.NodeSelectorRequirement, allowInvalidLabelValue bool, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	valuesPath := fldPath.Child("values")
	switch req.Operator {
	case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
		if len(req.Values) == 0 {
			allErrs = append(allErrs, field.Required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case corev1.NodeSelectorOpExists, corev1.NodeSelectorOpDoesNotExist:
		if len(req.Values) != 0 {
			allErrs = append(allErrs, field.Forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		if len(req.Values) != 1 {
			allErrs = append(allErrs, field.Required(valuesPath, "must be specified single value when `operator` is 'Lt' or 'Gt'"))
		}
	default:
		allErrs = append(allErrs, field.Invalid(fldPath.Child("operator"), req.Operator, "not a valid selector operator"))
	}
	allErrs = append(allErrs, metav1validation.ValidateLabelName(req.Key, fldPath.Child("key"))...)
	if !allowInvalidLabelValue {
		for i, v := range req.Values {
			allErrs = append(allErrs, invalidForEach(v, utilvalidation.IsValidLabelValue(v), valuesPath.Index(i))...)
		}
	}
	return allErrs
}

// validateNodeFieldRequirement validates a matchFields entry. metadata.name is the only node
// field a selector may name, and it compares against exactly one node name.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateNodeFieldSelectorRequirement
func validateNodeFieldRequirement(req corev1.NodeSelectorRequirement, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch req.Operator {
	case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
		if len(req.Values) != 1 {
			allErrs = append(allErrs, field.Required(fldPath.Child("values"),
				"must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
		}
	default:
		allErrs = append(allErrs, field.Invalid(fldPath.Child("operator"), req.Operator, "not a valid selector operator"))
	}
	if req.Key != metav1.ObjectNameField {
		return append(allErrs, field.Invalid(fldPath.Child("key"), req.Key, "not a valid field selector key"))
	}
	for i, v := range req.Values {
		allErrs = append(allErrs, invalidForEach(v, apimachineryvalidation.NameIsDNSSubdomain(v, false), fldPath.Child("values").Index(i))...)
	}
	return allErrs
}

// validatePreferredSchedulingTerms validates preferred node affinity. Label values are never
// checked there: a preference that matches no node is harmless.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePreferredSchedulingTerms
func validatePreferredSchedulingTerms(terms []corev1.PreferredSchedulingTerm, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, term := range terms {
		if term.Weight < 1 || term.Weight > 100 {
			allErrs = append(allErrs, field.Invalid(fldPath.Index(i).Child("weight"), term.Weight, affinityWeightMsg))
		}
		allErrs = append(allErrs, validateNodeSelectorTerm(term.Preference, true, fldPath.Index(i).Child("preference"))...)
	}
	return allErrs
}

// validateInterPodTerms validates the required and preferred terms of podAffinity or
// podAntiAffinity, which share one shape.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodAffinityTerms
func validateInterPodTerms(required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm, allowInvalidLabelValue bool, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	requiredPath := fldPath.Child("requiredDuringSchedulingIgnoredDuringExecution")
	for i, term := range required {
		allErrs = append(allErrs, validatePodAffinityTerm(term, allowInvalidLabelValue, requiredPath.Index(i))...)
	}
	preferredPath := fldPath.Child("preferredDuringSchedulingIgnoredDuringExecution")
	for i, wt := range preferred {
		if wt.Weight < 1 || wt.Weight > 100 {
			allErrs = append(allErrs, field.Invalid(preferredPath.Index(i).Child("weight"), wt.Weight, affinityWeightMsg))
		}
		allErrs = append(allErrs, validatePodAffinityTerm(wt.PodAffinityTerm, allowInvalidLabelValue, preferredPath.Index(i).Child("podAffinityTerm"))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodAffinityTerm
func validatePodAffinityTerm(term corev1.PodAffinityTerm, allowInvalidLabelValue bool, fldPath *field.Path) field.ErrorList {
	selectorOpts := metav1validation.LabelSelectorValidationOptions{AllowInvalidLabelValueInSelector: allowInvalidLabelValue}
	allErrs := metav1validation.ValidateLabelSelector(term.LabelSelector, selectorOpts, fldPath.Child("labelSelector"))
	allErrs = append(allErrs, metav1validation.ValidateLabelSelector(term.NamespaceSelector, selectorOpts, fldPath.Child("namespaceSelector"))...)
	for _, ns := range term.Namespaces {
		// kube reports every bad entry at the singular "namespace", without an index.
		allErrs = append(allErrs, invalidForEach(ns, apimachineryvalidation.ValidateNamespaceName(ns, false), fldPath.Child("namespace"))...)
	}
	allErrs = append(allErrs, validateMatchLabelKeysAndMismatchLabelKeys(fldPath, term.MatchLabelKeys, term.MismatchLabelKeys, term.LabelSelector)...)
	topologyKeyPath := fldPath.Child("topologyKey")
	if term.TopologyKey == "" {
		allErrs = append(allErrs, field.Required(topologyKeyPath, "can not be empty"))
	}
	return append(allErrs, metav1validation.ValidateLabelName(term.TopologyKey, topologyKeyPath)...)
}

// validateMatchLabelKeysAndMismatchLabelKeys checks matchLabelKeys and mismatchLabelKeys of a
// pod affinity term or topology spread constraint, as they are after PrepareForCreate merged
// the pod's values for those keys into labelSelector.matchExpressions. A key merged once is
// fine; a key the selector already named (in matchLabels or another expression) is a
// duplicate. With a nil fldPath it serves as the predicate for ratcheting an old pod.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateMatchLabelKeysAndMismatchLabelKeys
func validateMatchLabelKeysAndMismatchLabelKeys(fldPath *field.Path, matchLabelKeys, mismatchLabelKeys []string, selector *metav1.LabelSelector) field.ErrorList {
	allErrs := validateLabelKeyList(matchLabelKeys, selector, fldPath.Child("matchLabelKeys"))
	allErrs = append(allErrs, validateLabelKeyList(mismatchLabelKeys, selector, fldPath.Child("mismatchLabelKeys"))...)

	if selector != nil {
		matchIndex := make(map[string]int, len(matchLabelKeys))
		for i, key := range matchLabelKeys {
			matchIndex[key] = i
		}
		seen := sets.KeySet(selector.MatchLabels)
		for _, expr := range selector.MatchExpressions {
			if i, ok := matchIndex[expr.Key]; ok && seen.Has(expr.Key) {
				// kube indexes the term (or constraint) path itself here, not matchLabelKeys.
				allErrs = append(allErrs, field.Invalid(fldPath.Index(i), expr.Key, "exists in both matchLabelKeys and labelSelector"))
			}
			seen.Insert(expr.Key)
		}
	}

	mismatch := sets.New(mismatchLabelKeys...)
	for i, key := range matchLabelKeys {
		if mismatch.Has(key) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("matchLabelKeys").Index(i), key, "exists in both matchLabelKeys and mismatchLabelKeys"))
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateLabelKeys
func validateLabelKeyList(keys []string, selector *metav1.LabelSelector, fldPath *field.Path) field.ErrorList {
	if len(keys) == 0 {
		return nil
	}
	if selector == nil {
		return field.ErrorList{field.Forbidden(fldPath, "must not be specified when labelSelector is not set")}
	}
	var allErrs field.ErrorList
	for i, key := range keys {
		allErrs = append(allErrs, metav1validation.ValidateLabelName(key, fldPath.Index(i))...)
	}
	return allErrs
}

// validateLegacyMatchLabelKeysInTopologySpread is the rule from before the selector merge: a
// matchLabelKeys key may not appear in the selector at all. It applies only to updates of pods
// stored when that rule held and which break the current one. With a nil fldPath it serves as
// a predicate.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateMatchLabelKeysInTopologySpread
func validateLegacyMatchLabelKeysInTopologySpread(fldPath *field.Path, matchLabelKeys []string, selector *metav1.LabelSelector) field.ErrorList {
	if len(matchLabelKeys) == 0 {
		return nil
	}
	var allErrs field.ErrorList
	selectorKeys := sets.New[string]()
	if selector == nil {
		allErrs = append(allErrs, field.Forbidden(fldPath, "must not be specified when labelSelector is not set"))
	} else {
		selectorKeys.Insert(sets.KeySet(selector.MatchLabels).UnsortedList()...)
		for _, expr := range selector.MatchExpressions {
			selectorKeys.Insert(expr.Key)
		}
	}
	for i, key := range matchLabelKeys {
		allErrs = append(allErrs, metav1validation.ValidateLabelName(key, fldPath.Index(i))...)
		if selectorKeys.Has(key) {
			allErrs = append(allErrs, field.Invalid(fldPath.Index(i), key, "exists in both matchLabelKeys and labelSelector"))
		}
	}
	return allErrs
}

// validateTolerations validates tolerations, of spec.tolerations or of the legacy annotation.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateTolerations
func validateTolerations(tolerations []corev1.Toleration, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	for i, t := range tolerations {
		idxPath := fldPath.Index(i)
		operatorPath := idxPath.Child("operator")
		if t.Key != "" {
			allErrs = append(allErrs, metav1validation.ValidateLabelName(t.Key, idxPath.Child("key"))...)
		} else if t.Operator != corev1.TolerationOpExists {
			allErrs = append(allErrs, field.Invalid(operatorPath, t.Operator,
				"operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("effect"), t.Effect,
				"effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}

		switch t.Operator {
		case corev1.TolerationOpEqual, "":
			if msgs := utilvalidation.IsValidLabelValue(t.Value); len(msgs) != 0 {
				allErrs = append(allErrs, field.Invalid(operatorPath, t.Value, strings.Join(msgs, ";")))
			}
		case corev1.TolerationOpExists:
			if t.Value != "" {
				allErrs = append(allErrs, field.Invalid(operatorPath, t.Value, "value must be empty when `operator` is 'Exists'"))
			}
		case corev1.TolerationOpLt, corev1.TolerationOpGt:
			if !opts.AllowTaintTolerationComparisonOperators {
				allErrs = append(allErrs, field.NotSupported(operatorPath, t.Operator, []corev1.TolerationOperator{
					corev1.TolerationOpEqual, corev1.TolerationOpExists, corev1.TolerationOpLt, corev1.TolerationOpGt}))
				break
			}
			valuePath := idxPath.Child("value")
			for _, msg := range content.IsDecimalInteger(t.Value) {
				allErrs = append(allErrs, field.Invalid(valuePath, t.Value, msg))
			}
			if _, err := strconv.ParseInt(t.Value, 10, 64); err != nil {
				allErrs = append(allErrs, field.Invalid(valuePath, t.Value, err.Error()))
			}
		default:
			allErrs = append(allErrs, field.NotSupported(operatorPath, t.Operator, []corev1.TolerationOperator{
				corev1.TolerationOpEqual, corev1.TolerationOpExists}))
		}

		// An empty effect tolerates every effect.
		switch t.Effect {
		case "", corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			allErrs = append(allErrs, field.NotSupported(idxPath.Child("effect"), t.Effect, []corev1.TaintEffect{
				corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute}))
		}
	}
	return allErrs
}

// validateTopologySpreadConstraints validates spec.topologySpreadConstraints.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateTopologySpreadConstraints
func validateTopologySpreadConstraints(constraints []corev1.TopologySpreadConstraint, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	for i, c := range constraints {
		idxPath := fldPath.Index(i)
		if c.MaxSkew <= 0 {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("maxSkew"), int64(c.MaxSkew), notPositiveMsg))
		}
		if c.TopologyKey == "" {
			allErrs = append(allErrs, field.Required(idxPath.Child("topologyKey"), "can not be empty"))
		}
		switch c.WhenUnsatisfiable {
		case corev1.DoNotSchedule, corev1.ScheduleAnyway:
		default:
			allErrs = append(allErrs, field.NotSupported(idxPath.Child("whenUnsatisfiable"), c.WhenUnsatisfiable,
				[]corev1.UnsatisfiableConstraintAction{corev1.DoNotSchedule, corev1.ScheduleAnyway}))
		}
		// Reported on the earlier of two constraints sharing the pair, once however many repeat it.
		for _, later := range constraints[i+1:] {
			if later.TopologyKey == c.TopologyKey && later.WhenUnsatisfiable == c.WhenUnsatisfiable {
				allErrs = append(allErrs, field.Duplicate(idxPath.Child("{topologyKey, whenUnsatisfiable}"),
					fmt.Sprintf("{%v, %v}", c.TopologyKey, c.WhenUnsatisfiable)))
				break
			}
		}
		if c.MinDomains != nil {
			minDomainsPath := idxPath.Child("minDomains")
			if *c.MinDomains <= 0 {
				allErrs = append(allErrs, field.Invalid(minDomainsPath, int64(*c.MinDomains), notPositiveMsg))
			}
			if c.WhenUnsatisfiable != corev1.DoNotSchedule {
				allErrs = append(allErrs, field.Invalid(minDomainsPath, c.MinDomains,
					fmt.Sprintf("can only use minDomains if whenUnsatisfiable=%s, not %s", corev1.DoNotSchedule, c.WhenUnsatisfiable)))
			}
		}
		allErrs = append(allErrs, validateNodeInclusionPolicy(c.NodeAffinityPolicy, idxPath.Child("nodeAffinityPolicy"))...)
		allErrs = append(allErrs, validateNodeInclusionPolicy(c.NodeTaintsPolicy, idxPath.Child("nodeTaintsPolicy"))...)
		// MatchLabelKeysInPodTopologySpread and its SelectorMerge are on in v1.37, so the merged
		// rule applies, except to a stored pod that only satisfies the older rule.
		if opts.OldPodViolatesMatchLabelKeysValidation {
			allErrs = append(allErrs, validateLegacyMatchLabelKeysInTopologySpread(idxPath.Child("matchLabelKeys"), c.MatchLabelKeys, c.LabelSelector)...)
		} else {
			allErrs = append(allErrs, validateMatchLabelKeysAndMismatchLabelKeys(idxPath, c.MatchLabelKeys, nil, c.LabelSelector)...)
		}
		if !opts.AllowInvalidTopologySpreadConstraintLabelSelector {
			allErrs = append(allErrs, metav1validation.ValidateLabelSelector(c.LabelSelector,
				metav1validation.LabelSelectorValidationOptions{}, idxPath.Child("labelSelector"))...)
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateNodeInclusionPolicy
func validateNodeInclusionPolicy(policy *corev1.NodeInclusionPolicy, fldPath *field.Path) field.ErrorList {
	if policy == nil {
		return nil
	}
	switch *policy {
	case corev1.NodeInclusionPolicyHonor, corev1.NodeInclusionPolicyIgnore:
		return nil
	}
	return field.ErrorList{field.NotSupported(fldPath, *policy,
		[]corev1.NodeInclusionPolicy{corev1.NodeInclusionPolicyHonor, corev1.NodeInclusionPolicyIgnore})}
}

// validateReadinessGates validates spec.readinessGates.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateReadinessGates
func validateReadinessGates(gates []corev1.PodReadinessGate, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, gate := range gates {
		allErrs = append(allErrs, validateQualifiedName(string(gate.ConditionType), fldPath.Index(i).Child("conditionType"))...)
	}
	return allErrs
}

// validateSchedulingGates validates spec.schedulingGates.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateSchedulingGates
func validateSchedulingGates(gates []corev1.PodSchedulingGate, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, gate := range gates {
		allErrs = append(allErrs, validateQualifiedName(gate.Name, fldPath.Index(i))...)
		if seen.Has(gate.Name) {
			allErrs = append(allErrs, field.Duplicate(fldPath.Index(i), gate.Name))
		}
		seen.Insert(gate.Name)
	}
	return allErrs
}
