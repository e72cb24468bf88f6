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
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// envVarNameErrors checks an env var name (or envFrom prefix) by the relaxed or the strict rules.
func envVarNameErrors(name string, opts PodValidationOptions) []string {
	if opts.AllowRelaxedEnvironmentVariableValidation {
		return utilvalidation.IsRelaxedEnvVarName(name)
	}
	return utilvalidation.IsEnvVarName(name)
}

// validateEnv validates a container's env list.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateEnv
func validateEnv(vars []corev1.EnvVar, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	for i, ev := range vars {
		idxPath := fldPath.Index(i)
		if ev.Name == "" {
			allErrs = append(allErrs, field.Required(idxPath.Child("name"), ""))
		} else {
			allErrs = append(allErrs, invalidForEach(ev.Name, envVarNameErrors(ev.Name, opts), idxPath.Child("name"))...)
		}
		allErrs = append(allErrs, validateEnvVarSource(ev, idxPath.Child("valueFrom"), opts)...)
	}
	return allErrs
}

// The pod fields an env var may take by fieldRef, besides subscripted labels and annotations.
var envFieldRefPaths = sets.New(
	"metadata.name",
	"metadata.namespace",
	"metadata.uid",
	"spec.nodeName",
	"spec.serviceAccountName",
	"status.hostIP",
	"status.hostIPs",
	"status.podIP",
	"status.podIPs",
)

// The container resources an env var may take by resourceFieldRef, besides hugepages.
var envResourceFieldRefResources = sets.New(
	"limits.cpu",
	"limits.memory",
	"limits.ephemeral-storage",
	"requests.cpu",
	"requests.memory",
	"requests.ephemeral-storage",
)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateEnvVarValueFrom
func validateEnvVarSource(ev corev1.EnvVar, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	src := ev.ValueFrom
	if src == nil {
		return nil
	}
	var allErrs field.ErrorList
	sources := 0
	if src.FieldRef != nil {
		sources++
		allErrs = append(allErrs, validateEnvFieldRef(src.FieldRef, fldPath.Child("fieldRef"))...)
	}
	if src.ResourceFieldRef != nil {
		sources++
		allErrs = append(allErrs, validateEnvResourceFieldRef(src.ResourceFieldRef, fldPath.Child("resourceFieldRef"))...)
	}
	if src.ConfigMapKeyRef != nil {
		sources++
		allErrs = append(allErrs, validateEnvKeyRef(src.ConfigMapKeyRef.Name, src.ConfigMapKeyRef.Key, fldPath.Child("configMapKeyRef"))...)
	}
	if src.SecretKeyRef != nil {
		sources++
		allErrs = append(allErrs, validateEnvKeyRef(src.SecretKeyRef.Name, src.SecretKeyRef.Key, fldPath.Child("secretKeyRef"))...)
	}
	if src.FileKeyRef != nil {
		sources++
		allErrs = append(allErrs, validateEnvFileKeyRef(src.FileKeyRef, fldPath.Child("fileKeyRef"))...)
	}

	switch {
	case sources == 0 && opts.AllowEnvFilesValidation:
		allErrs = append(allErrs, field.Invalid(fldPath, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"))
	case sources == 0:
		allErrs = append(allErrs, field.Invalid(fldPath, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
	case ev.Value != "":
		allErrs = append(allErrs, field.Invalid(fldPath, "", "may not be specified when `value` is not empty"))
	case sources > 1:
		allErrs = append(allErrs, field.Invalid(fldPath, "", "may not have more than one field specified at a time"))
	}
	return allErrs
}

// validateEnvFieldRef validates a downward API fieldRef of an env var. Only apiVersion v1 is
// known; the legacy spec.host is accepted as spec.nodeName.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateObjectFieldSelector
func validateEnvFieldRef(ref *corev1.ObjectFieldSelector, fldPath *field.Path) field.ErrorList {
	if ref.APIVersion == "" {
		return field.ErrorList{field.Required(fldPath.Child("apiVersion"), "")}
	}
	if ref.FieldPath == "" {
		return field.ErrorList{field.Required(fldPath.Child("fieldPath"), "")}
	}
	if ref.APIVersion != "v1" {
		return field.ErrorList{field.Invalid(fldPath.Child("fieldPath"), ref.FieldPath, fmt.Sprintf("error converting fieldPath: unsupported pod version: %s", ref.APIVersion))}
	}

	if path, subscript, ok := splitSubscriptedFieldPath(ref.FieldPath); ok {
		switch path {
		case "metadata.annotations":
			return validateQualifiedName(strings.ToLower(subscript), fldPath)
		case "metadata.labels":
			return validateQualifiedName(subscript, fldPath)
		default:
			return field.ErrorList{field.Invalid(fldPath.Child("fieldPath"), ref.FieldPath, fmt.Sprintf("error converting fieldPath: field label does not support subscript: %s", ref.FieldPath))}
		}
	}

	path := ref.FieldPath
	switch path {
	case "spec.host":
		path = "spec.nodeName"
	case "metadata.annotations", "metadata.labels", "spec.restartPolicy", "spec.schedulerName", "status.phase":
		// Known field labels, but not ones an env var may take.
	default:
		if !envFieldRefPaths.Has(path) {
			return field.ErrorList{field.Invalid(fldPath.Child("fieldPath"), ref.FieldPath, fmt.Sprintf("error converting fieldPath: field label not supported: %s", ref.FieldPath))}
		}
	}
	if !envFieldRefPaths.Has(path) {
		return field.ErrorList{field.NotSupported(fldPath.Child("fieldPath"), path, sets.List(envFieldRefPaths))}
	}
	return nil
}

// splitSubscriptedFieldPath splits "path['key']" into path and key.
func splitSubscriptedFieldPath(fieldPath string) (string, string, bool) {
	trimmed, ok := strings.CutSuffix(fieldPath, "']")
	if !ok {
		return fieldPath, "", false
	}
	path, subscript, ok := strings.Cut(trimmed, "['")
	if !ok || path == "" {
		return fieldPath, "", false
	}
	return path, subscript, true
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerResourceFieldSelector
func validateEnvResourceFieldRef(ref *corev1.ResourceFieldSelector, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch {
	case ref.Resource == "":
		allErrs = append(allErrs, field.Required(fldPath.Child("resource"), ""))
	case !envResourceFieldRefResources.Has(ref.Resource) && !isDownwardAPIHugePages(ref.Resource):
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("resource"), ref.Resource, sets.List(envResourceFieldRefResources)))
	}
	return append(allErrs, validateResourceFieldRefDivisor(ref.Resource, ref.Divisor, fldPath)...)
}

func isDownwardAPIHugePages(res string) bool {
	return strings.HasPrefix(res, "requests.hugepages-") || strings.HasPrefix(res, "limits.hugepages-")
}

// The divisors a resourceFieldRef may use: cpu in cores or millicores, byte amounts in any
// single power of 10 or 2.
var (
	cpuDivisors  = sets.New("1m", "1")
	byteDivisors = sets.New("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei")
)

const byteDivisorList = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei"

// validateResourceFieldRefDivisor limits a divisor (of an env var or a downward API file) to the
// units that make sense for its resource; the error's value is the resource, as kube reports it.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerResourceDivisor
func validateResourceFieldRefDivisor(res string, divisor resource.Quantity, fldPath *field.Path) field.ErrorList {
	if divisor.Cmp(resource.Quantity{}) == 0 {
		return nil
	}
	divisorPath := fldPath.Child("divisor")
	value := divisor.String()
	var allErrs field.ErrorList
	switch res {
	case "limits.cpu", "requests.cpu":
		if !cpuDivisors.Has(value) {
			allErrs = append(allErrs, field.Invalid(divisorPath, res, "only divisor's values 1m and 1 are supported with the cpu resource"))
		}
	case "limits.memory", "requests.memory":
		if !byteDivisors.Has(value) {
			allErrs = append(allErrs, field.Invalid(divisorPath, res, "only divisor's values "+byteDivisorList+" are supported with the memory resource"))
		}
	case "limits.ephemeral-storage", "requests.ephemeral-storage":
		if !byteDivisors.Has(value) {
			allErrs = append(allErrs, field.Invalid(divisorPath, res, "only divisor's values "+byteDivisorList+" are supported with the local ephemeral storage resource"))
		}
	}
	if isDownwardAPIHugePages(res) && !byteDivisors.Has(value) {
		allErrs = append(allErrs, field.Invalid(divisorPath, res, "only divisor's values "+byteDivisorList+" are supported with the hugepages resource"))
	}
	return allErrs
}

// validateEnvKeyRef validates a configMapKeyRef or secretKeyRef: the object name must be a DNS
// subdomain (so an empty one is invalid rather than required) and the key a config map key.
func validateEnvKeyRef(name, key string, fldPath *field.Path) field.ErrorList {
	allErrs := invalidForEach(name, apimachineryvalidation.NameIsDNSSubdomain(name, false), fldPath.Child("name"))
	if key == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("key"), ""))
	} else {
		allErrs = append(allErrs, invalidForEach(key, utilvalidation.IsConfigMapKey(key), fldPath.Child("key"))...)
	}
	return allErrs
}

// validateEnvFileKeyRef validates a fileKeyRef; that its volume is an emptyDir of the pod is
// checked with the pod's volumes.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateFileKeySelector
func validateEnvFileKeyRef(ref *corev1.FileKeySelector, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if ref.Key == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("key"), ""))
	} else {
		allErrs = append(allErrs, invalidForEach(ref.Key, utilvalidation.IsRelaxedEnvVarName(ref.Key), fldPath.Child("key"))...)
	}
	if ref.VolumeName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("volumeName"), ""))
	} else {
		allErrs = append(allErrs, validateDNS1123Label(ref.VolumeName, fldPath.Child("volumeName"))...)
	}
	if ref.Path == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	} else {
		allErrs = append(allErrs, checkNoBacksteps(ref.Path, fldPath.Child("path"))...)
	}
	return allErrs
}

// validateEnvFrom validates a container's envFrom list. kube reports a source without exactly
// one reference on the list, not on the entry.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateEnvFrom
func validateEnvFrom(sources []corev1.EnvFromSource, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	for i, src := range sources {
		idxPath := fldPath.Index(i)
		if src.Prefix != "" {
			allErrs = append(allErrs, invalidForEach(src.Prefix, envVarNameErrors(src.Prefix, opts), idxPath.Child("prefix"))...)
		}
		refs := 0
		if src.ConfigMapRef != nil {
			refs++
			allErrs = append(allErrs, validateEnvFromName(src.ConfigMapRef.Name, idxPath.Child("configMapRef"))...)
		}
		if src.SecretRef != nil {
			refs++
			allErrs = append(allErrs, validateEnvFromName(src.SecretRef.Name, idxPath.Child("secretRef"))...)
		}
		switch {
		case refs == 0:
			allErrs = append(allErrs, field.Invalid(fldPath, "", "must specify one of: `configMapRef` or `secretRef`"))
		case refs > 1:
			allErrs = append(allErrs, field.Invalid(fldPath, "", "may not have more than one field specified at a time"))
		}
	}
	return allErrs
}

// validateEnvFromName validates the config map or secret name of an envFrom source; a trailing
// dash is tolerated there, as for a generateName prefix.
func validateEnvFromName(name string, fldPath *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(fldPath.Child("name"), "")}
	}
	return invalidForEach(name, apimachineryvalidation.NameIsDNSSubdomain(name, true), fldPath.Child("name"))
}

// checkNoBacksteps rejects a path with a ".." element.
func checkNoBacksteps(targetPath string, fldPath *field.Path) field.ErrorList {
	for _, part := range strings.Split(filepath.ToSlash(targetPath), "/") {
		if part == ".." {
			return field.ErrorList{field.Invalid(fldPath, targetPath, "must not contain '..'")}
		}
	}
	return nil
}
