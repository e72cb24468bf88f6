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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

const (
	maxContainerRestartRules = 20
	maxRestartRuleExitCodes  = 255
)

var (
	containerRestartPolicies = sets.New(
		corev1.ContainerRestartPolicyAlways,
		corev1.ContainerRestartPolicyNever,
		corev1.ContainerRestartPolicyOnFailure,
	)
	restartRuleOperators = sets.New(
		corev1.ContainerRestartRuleOnExitCodesOpIn,
		corev1.ContainerRestartRuleOnExitCodesOpNotIn,
	)
)

// validateContainerRestartPolicy validates a container's restartPolicy and restartPolicyRules
// (regular, init and sidecar containers alike). Rules need a policy to fall back on.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerRestartPolicy
func validateContainerRestartPolicy(policy *corev1.ContainerRestartPolicy, rules []corev1.ContainerRestartRule, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	policyPath := fldPath.Child("restartPolicy")
	switch {
	case policy == nil && len(rules) == 0:
		return nil
	case policy == nil:
		allErrs = append(allErrs, field.Required(policyPath, "must specify restartPolicy when restart rules are used"))
	case !containerRestartPolicies.Has(*policy):
		allErrs = append(allErrs, field.NotSupported(policyPath, *policy, sets.List(containerRestartPolicies)))
	}

	rulesPath := fldPath.Child("restartPolicyRules")
	if len(rules) > maxContainerRestartRules {
		allErrs = append(allErrs, field.TooMany(rulesPath, len(rules), maxContainerRestartRules))
	}
	actions := sets.New(corev1.ContainerRestartRuleActionRestart)
	if opts.AllowRestartAllContainers {
		actions.Insert(corev1.ContainerRestartRuleActionRestartAllContainers)
	}
	for i, rule := range rules {
		rulePath := rulesPath.Index(i)
		if !actions.Has(rule.Action) {
			allErrs = append(allErrs, field.NotSupported(rulePath.Child("action"), rule.Action, sets.List(actions)))
		}
		if rule.ExitCodes == nil {
			allErrs = append(allErrs, field.Required(rulePath.Child("exitCodes"), "must be specified"))
			continue
		}
		exitCodesPath := rulePath.Child("exitCodes")
		if !restartRuleOperators.Has(rule.ExitCodes.Operator) {
			allErrs = append(allErrs, field.NotSupported(exitCodesPath.Child("operator"), rule.ExitCodes.Operator, sets.List(restartRuleOperators)))
		}
		if len(rule.ExitCodes.Values) > maxRestartRuleExitCodes {
			allErrs = append(allErrs, field.TooMany(exitCodesPath.Child("values"), len(rule.ExitCodes.Values), maxRestartRuleExitCodes))
		}
	}
	return allErrs
}

// validateInitContainerRestartPolicy: an init container's restartPolicy Always makes it a
// sidecar; without the restart rules feature that is the only value allowed, and restart rules
// of a sidecar further need the RestartAllContainers feature.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateInitContainerRestartPolicy
func validateInitContainerRestartPolicy(policy *corev1.ContainerRestartPolicy, rules []corev1.ContainerRestartRule, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	if policy == nil {
		if len(rules) > 0 {
			return field.ErrorList{field.Required(fldPath.Child("restartPolicy"), "must specify restartPolicy when restart rules are used")}
		}
		return nil
	}
	switch {
	case !opts.AllowContainerRestartPolicyRules && *policy != corev1.ContainerRestartPolicyAlways:
		return field.ErrorList{field.NotSupported(fldPath.Child("restartPolicy"), *policy, []corev1.ContainerRestartPolicy{corev1.ContainerRestartPolicyAlways})}
	case !opts.AllowContainerRestartPolicyRules:
		return nil
	case *policy == corev1.ContainerRestartPolicyAlways && !opts.AllowRestartAllContainers:
		if len(rules) > 0 {
			return field.ErrorList{field.Forbidden(fldPath.Child("restartPolicyRules"), "restartPolicyRules are not allowed for init containers with restart policy Always")}
		}
		return nil
	default:
		return validateContainerRestartPolicy(policy, rules, fldPath, opts)
	}
}

var (
	resizeResourceNames  = sets.New(corev1.ResourceCPU, corev1.ResourceMemory)
	resizeRestartActions = sets.New(corev1.NotRequired, corev1.RestartContainer)
)

// validateResizePolicy validates a container's resizePolicy. kube reports a missing or unknown
// resource name or policy on the list path, not on the entry. A pod that never restarts cannot
// restart a container to resize it.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateResizePolicy
func validateResizePolicy(policies []corev1.ContainerResizePolicy, fldPath *field.Path, podRestartPolicy *corev1.RestartPolicy) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[corev1.ResourceName]()
	for i, p := range policies {
		if seen.Has(p.ResourceName) {
			allErrs = append(allErrs, field.Duplicate(fldPath.Index(i), p.ResourceName))
		}
		seen.Insert(p.ResourceName)
		switch {
		case resizeResourceNames.Has(p.ResourceName):
		case p.ResourceName == "":
			allErrs = append(allErrs, field.Required(fldPath, ""))
		default:
			allErrs = append(allErrs, field.NotSupported(fldPath, p.ResourceName, sets.List(resizeResourceNames)))
		}
		switch {
		case resizeRestartActions.Has(p.RestartPolicy):
		case p.RestartPolicy == "":
			allErrs = append(allErrs, field.Required(fldPath, ""))
		default:
			allErrs = append(allErrs, field.NotSupported(fldPath, p.RestartPolicy, sets.List(resizeRestartActions)))
		}
		if *podRestartPolicy == corev1.RestartPolicyNever && p.RestartPolicy != corev1.NotRequired {
			allErrs = append(allErrs, field.Invalid(fldPath, p.RestartPolicy, "must be 'NotRequired' when pod `restartPolicy` is 'Never'"))
		}
	}
	return allErrs
}
