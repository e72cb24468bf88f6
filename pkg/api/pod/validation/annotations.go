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
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// ValidatePodSpecificAnnotations checks the annotations that carry pod semantics.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodSpecificAnnotations
func ValidatePodSpecificAnnotations(annotations map[string]string, spec *corev1.PodSpec, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList

	if value, isMirror := annotations[corev1.MirrorPodAnnotationKey]; isMirror && spec.NodeName == "" {
		allErrs = append(allErrs, field.Invalid(fldPath.Key(corev1.MirrorPodAnnotationKey), value, "must set spec.nodeName if mirror pod annotation is set"))
	}

	if annotations[corev1.TolerationsAnnotationKey] != "" {
		allErrs = append(allErrs, validateTolerationsAnnotation(annotations[corev1.TolerationsAnnotationKey], fldPath, opts)...)
	}

	if !opts.AllowInvalidPodDeletionCost {
		if value, ok := annotations[corev1.PodDeletionCost]; ok && !isInt32Text(value) {
			allErrs = append(allErrs, field.Invalid(fldPath.Key(corev1.PodDeletionCost), value, "must be a 32bit integer"))
		}
	}

	allErrs = append(allErrs, validateSeccompAnnotations(annotations, fldPath)...)
	allErrs = append(allErrs, validateAppArmorAnnotations(annotations, spec, fldPath)...)
	return allErrs
}

// validateTolerationsAnnotation decodes the legacy tolerations annotation. kube decodes it into
// its internal type, so its decoding errors name core.Toleration where ours name v1.Toleration
// (test/fixtures normalises the type names of JSON decoding errors).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateTolerationsInPodAnnotations
func validateTolerationsAnnotation(value string, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var tolerations []corev1.Toleration
	if err := json.Unmarshal([]byte(value), &tolerations); err != nil {
		return field.ErrorList{field.Invalid(fldPath, corev1.TolerationsAnnotationKey, err.Error())}
	}
	if len(tolerations) == 0 {
		return nil
	}
	return validateTolerations(tolerations, fldPath.Child(corev1.TolerationsAnnotationKey), opts)
}

// isInt32Text reports whether s is a canonical base-10 int32: no plus sign and no leading zeros,
// which kube rejects although strconv would accept them.
func isInt32Text(s string) bool {
	if s == "" {
		return false
	}
	if first := s[0]; !(first == '-' || s == "0" || (first >= '1' && first <= '9')) {
		return false
	}
	_, err := strconv.ParseInt(s, 10, 32)
	return err == nil
}

// sortedAnnotationKeys returns the annotation keys in order, so that errors come in a stable order (kube
// walks the map in random order).
func sortedAnnotationKeys(annotations map[string]string) []string {
	keys := make([]string, 0, len(annotations))
	for k := range annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateSeccompPodAnnotations
func validateSeccompAnnotations(annotations map[string]string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if p, ok := annotations[corev1.SeccompPodAnnotationKey]; ok {
		allErrs = append(allErrs, validateSeccompAnnotationValue(p, fldPath.Child(corev1.SeccompPodAnnotationKey))...)
	}
	for _, k := range sortedAnnotationKeys(annotations) {
		if strings.HasPrefix(k, corev1.SeccompContainerAnnotationKeyPrefix) {
			allErrs = append(allErrs, validateSeccompAnnotationValue(annotations[k], fldPath.Child(k))...)
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateSeccompProfile
func validateSeccompAnnotationValue(p string, fldPath *field.Path) field.ErrorList {
	switch {
	case p == corev1.SeccompProfileRuntimeDefault, p == corev1.DeprecatedSeccompProfileDockerDefault, p == corev1.SeccompProfileNameUnconfined:
		return nil
	case strings.HasPrefix(p, corev1.SeccompLocalhostProfileNamePrefix):
		return validateSeccompLocalPath(strings.TrimPrefix(p, corev1.SeccompLocalhostProfileNamePrefix), fldPath)
	}
	return field.ErrorList{field.Invalid(fldPath, p, "must be a valid seccomp profile")}
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateAppArmorPodAnnotations
func validateAppArmorAnnotations(annotations map[string]string, spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, k := range sortedAnnotationKeys(annotations) {
		containerName, ok := strings.CutPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix)
		if !ok {
			continue
		}
		if !podSpecHasContainerNamed(spec, containerName) {
			allErrs = append(allErrs, field.Invalid(fldPath.Key(k), containerName, "container not found"))
		}
		if p := annotations[k]; !isAppArmorAnnotationProfile(p) {
			allErrs = append(allErrs, field.Invalid(fldPath.Key(k), p, fmt.Sprintf("invalid AppArmor profile name: %q", p)))
		}
	}
	return allErrs
}

func isAppArmorAnnotationProfile(p string) bool {
	return p == "" || p == corev1.DeprecatedAppArmorBetaProfileRuntimeDefault || p == corev1.DeprecatedAppArmorBetaProfileNameUnconfined ||
		strings.HasPrefix(p, corev1.DeprecatedAppArmorBetaProfileNamePrefix)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go podSpecHasContainer
func podSpecHasContainerNamed(spec *corev1.PodSpec, name string) bool {
	found := false
	forEachPodContainer(spec, field.NewPath("spec"), func(c *corev1.Container, _ *field.Path) {
		found = found || c.Name == name
	})
	return found
}

// validateSeccompAnnotationsMatchFields rejects, on create, a seccomp annotation that contradicts
// the seccompProfile field set beside it.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateSeccompAnnotationsAndFieldsMatch
func validateSeccompAnnotationsMatchFields(meta *metav1.ObjectMeta, spec *corev1.PodSpec, specPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if spec.SecurityContext != nil && spec.SecurityContext.SeccompProfile != nil {
		if annotation, ok := meta.Annotations[corev1.SeccompPodAnnotationKey]; ok {
			if err := seccompAnnotationMismatch(annotation, spec.SecurityContext.SeccompProfile, specPath.Child("securityContext", "seccompProfile")); err != nil {
				allErrs = append(allErrs, err)
			}
		}
	}
	forEachPodContainer(spec, specPath, func(c *corev1.Container, cPath *field.Path) {
		if c.SecurityContext == nil || c.SecurityContext.SeccompProfile == nil {
			return
		}
		if annotation, ok := meta.Annotations[corev1.SeccompContainerAnnotationKeyPrefix+c.Name]; ok {
			if err := seccompAnnotationMismatch(annotation, c.SecurityContext.SeccompProfile, cPath.Child("securityContext", "seccompProfile")); err != nil {
				allErrs = append(allErrs, err)
			}
		}
	})
	return allErrs
}

func seccompAnnotationMismatch(annotation string, profile *corev1.SeccompProfile, fldPath *field.Path) *field.Error {
	const typeMismatch = "seccomp type in annotation and field must match"
	switch profile.Type {
	case corev1.SeccompProfileTypeUnconfined:
		if annotation != corev1.SeccompProfileNameUnconfined {
			return field.Forbidden(fldPath.Child("type"), typeMismatch)
		}
	case corev1.SeccompProfileTypeRuntimeDefault:
		if annotation != corev1.SeccompProfileRuntimeDefault && annotation != corev1.DeprecatedSeccompProfileDockerDefault {
			return field.Forbidden(fldPath.Child("type"), typeMismatch)
		}
	case corev1.SeccompProfileTypeLocalhost:
		name, ok := strings.CutPrefix(annotation, corev1.SeccompLocalhostProfileNamePrefix)
		if !ok {
			return field.Forbidden(fldPath.Child("type"), typeMismatch)
		}
		if profile.LocalhostProfile == nil || *profile.LocalhostProfile != name {
			return field.Forbidden(fldPath.Child("localhostProfile"), "seccomp profile in annotation and field must match")
		}
	}
	return nil
}

// validateAppArmorAnnotationsMatchFields rejects, on create, an AppArmor annotation that
// contradicts the profile a container gets from its own or the pod's appArmorProfile field.
// Windows pods have no AppArmor, so kube skips them.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateAppArmorAnnotationsAndFieldsMatchOnCreate
func validateAppArmorAnnotationsMatchFields(meta *metav1.ObjectMeta, spec *corev1.PodSpec, specPath *field.Path) field.ErrorList {
	if spec.OS != nil && spec.OS.Name == corev1.Windows {
		return nil
	}
	var podProfile *corev1.AppArmorProfile
	if spec.SecurityContext != nil {
		podProfile = spec.SecurityContext.AppArmorProfile
	}
	var allErrs field.ErrorList
	forEachPodContainer(spec, specPath, func(c *corev1.Container, cPath *field.Path) {
		profile := podProfile
		if c.SecurityContext != nil && c.SecurityContext.AppArmorProfile != nil {
			profile = c.SecurityContext.AppArmorProfile
		}
		if profile == nil {
			return
		}
		annotation, ok := meta.Annotations[corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix+c.Name]
		if !ok {
			return
		}
		const typeMismatch = "apparmor type in annotation and field must match"
		profilePath := cPath.Child("securityContext", "appArmorProfile")
		switch profile.Type {
		case corev1.AppArmorProfileTypeUnconfined:
			if annotation != corev1.DeprecatedAppArmorBetaProfileNameUnconfined {
				allErrs = append(allErrs, field.Forbidden(profilePath.Child("type"), typeMismatch))
			}
		case corev1.AppArmorProfileTypeRuntimeDefault:
			if annotation != corev1.DeprecatedAppArmorBetaProfileRuntimeDefault {
				allErrs = append(allErrs, field.Forbidden(profilePath.Child("type"), typeMismatch))
			}
		case corev1.AppArmorProfileTypeLocalhost:
			name, ok := strings.CutPrefix(annotation, corev1.DeprecatedAppArmorBetaProfileNamePrefix)
			if !ok {
				allErrs = append(allErrs, field.Forbidden(profilePath.Child("type"), typeMismatch))
			} else if profile.LocalhostProfile == nil || *profile.LocalhostProfile != name {
				allErrs = append(allErrs, field.Forbidden(profilePath.Child("localhostProfile"), "apparmor profile in annotation and field must match"))
			}
		}
	})
	return allErrs
}
