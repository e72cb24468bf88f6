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
	"strings"

	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// The volume sources a pod commonly uses; the legacy in-tree drivers are in intree.go, projected
// volumes in projected.go and ephemeral ones in ephemeral.go.

func validateEmptyDirVolume(emptyDir *corev1.EmptyDirVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if emptyDir.SizeLimit != nil && emptyDir.SizeLimit.Sign() < 0 {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("sizeLimit"), "SizeLimit field must be a valid resource quantity"))
	}
	// Only a pod stored while EmptyDirVolumeMode was on can still have a mode.
	if m := emptyDir.Mode; m != nil && (*m < 0 || *m > 01777) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("mode"), *m, emptyDirModeMsg))
	}
	return allErrs
}

var hostPathTypes = []corev1.HostPathType{
	corev1.HostPathUnset,
	corev1.HostPathBlockDev,
	corev1.HostPathCharDev,
	corev1.HostPathDirectory,
	corev1.HostPathDirectoryOrCreate,
	corev1.HostPathFile,
	corev1.HostPathFileOrCreate,
	corev1.HostPathSocket,
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateHostPathVolumeSource
func validateHostPathVolume(hostPath *corev1.HostPathVolumeSource, fldPath *field.Path) field.ErrorList {
	if hostPath.Path == "" {
		return field.ErrorList{field.Required(fldPath.Child("path"), "")}
	}
	allErrs := volumePathWithoutBacksteps(hostPath.Path, fldPath.Child("path"))
	if t := hostPath.Type; t != nil && !sets.New(hostPathTypes...).Has(*t) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("type"), *t, hostPathTypes))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateSecretVolumeSource
func validateSecretVolume(secret *corev1.SecretVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if secret.SecretName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("secretName"), ""))
	}
	allErrs = append(allErrs, validateVolumeFileMode(secret.DefaultMode, fldPath.Child("defaultMode"))...)
	allErrs = append(allErrs, validateVolumeFileUser(secret.DefaultUser, fldPath.Child("defaultUser"))...)
	for i := range secret.Items {
		allErrs = append(allErrs, validateKeyToPath(&secret.Items[i], fldPath.Child("items").Index(i))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateConfigMapVolumeSource
func validateConfigMapVolume(configMap *corev1.ConfigMapVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if configMap.Name == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("name"), ""))
	}
	allErrs = append(allErrs, validateVolumeFileMode(configMap.DefaultMode, fldPath.Child("defaultMode"))...)
	allErrs = append(allErrs, validateVolumeFileUser(configMap.DefaultUser, fldPath.Child("defaultUser"))...)
	for i := range configMap.Items {
		allErrs = append(allErrs, validateKeyToPath(&configMap.Items[i], fldPath.Child("items").Index(i))...)
	}
	return allErrs
}

// validateKeyToPath checks one item of a secret or config map, in a volume or a projection.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateKeyToPath
func validateKeyToPath(item *corev1.KeyToPath, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if item.Key == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("key"), ""))
	}
	if item.Path == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	}
	allErrs = append(allErrs, volumeFilePath(item.Path, fldPath.Child("path"))...)
	allErrs = append(allErrs, validateVolumeFileMode(item.Mode, fldPath.Child("mode"))...)
	allErrs = append(allErrs, validateVolumeFileUser(item.User, fldPath.Child("user"))...)
	return allErrs
}

// validateDownwardAPIVolume reports the items' errors under the volume's own path, not under
// items[i]: kube names them so.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateDownwardAPIVolumeSource
func validateDownwardAPIVolume(downwardAPI *corev1.DownwardAPIVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := validateVolumeFileMode(downwardAPI.DefaultMode, fldPath.Child("defaultMode"))
	allErrs = append(allErrs, validateVolumeFileUser(downwardAPI.DefaultUser, fldPath.Child("defaultUser"))...)
	for i := range downwardAPI.Items {
		allErrs = append(allErrs, validateDownwardAPIVolumeFile(&downwardAPI.Items[i], fldPath)...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateDownwardAPIVolumeFile
func validateDownwardAPIVolumeFile(file *corev1.DownwardAPIVolumeFile, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if file.Path == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	}
	allErrs = append(allErrs, volumeFilePath(file.Path, fldPath.Child("path"))...)
	switch {
	case file.FieldRef != nil:
		allErrs = append(allErrs, validateVolumeFieldRef(file.FieldRef, fldPath.Child("fieldRef"))...)
		if file.ResourceFieldRef != nil {
			allErrs = append(allErrs, field.Invalid(fldPath, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
		}
	case file.ResourceFieldRef != nil:
		allErrs = append(allErrs, validateVolumeResourceFieldRef(file.ResourceFieldRef, fldPath.Child("resourceFieldRef"))...)
	default:
		allErrs = append(allErrs, field.Required(fldPath, "one of fieldRef and resourceFieldRef is required"))
	}
	allErrs = append(allErrs, validateVolumeFileMode(file.Mode, fldPath.Child("mode"))...)
	allErrs = append(allErrs, validateVolumeFileUser(file.User, fldPath.Child("user"))...)
	return allErrs
}

// volumeFieldRefPaths are the pod fields a downward API volume may project whole; labels and
// annotations may also be projected one key at a time with a subscript.
var volumeFieldRefPaths = []string{
	"metadata.annotations",
	"metadata.labels",
	"metadata.name",
	"metadata.namespace",
	"metadata.uid",
}

// fieldRefLabels are the pod field labels v1 knows at all; a label outside them fails conversion
// before the volume's narrower list is consulted. spec.host is the old name of spec.nodeName.
var fieldRefLabels = sets.New(
	"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
	"spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName",
	"status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
)

// splitSubscript splits "path['key']" into path and key.
func splitSubscript(fieldPath string) (string, string, bool) {
	if !strings.HasSuffix(fieldPath, "']") {
		return fieldPath, "", false
	}
	base, key, ok := strings.Cut(strings.TrimSuffix(fieldPath, "']"), "['")
	if !ok || base == "" {
		return fieldPath, "", false
	}
	return base, key, true
}

// convertFieldRefLabel maps a v1 field label to the one the pod is read by, failing with kube's
// conversion error text.
func convertFieldRefLabel(apiVersion, label string) (string, error) {
	if apiVersion != "v1" {
		return "", fmt.Errorf("unsupported pod version: %s", apiVersion)
	}
	if base, _, ok := splitSubscript(label); ok {
		if base == "metadata.annotations" || base == "metadata.labels" {
			return label, nil
		}
		return "", fmt.Errorf("field label does not support subscript: %s", label)
	}
	if label == "spec.host" {
		return "spec.nodeName", nil
	}
	if !fieldRefLabels.Has(label) {
		return "", fmt.Errorf("field label not supported: %s", label)
	}
	return label, nil
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateObjectFieldSelector
func validateVolumeFieldRef(ref *corev1.ObjectFieldSelector, fldPath *field.Path) field.ErrorList {
	if ref.APIVersion == "" {
		return field.ErrorList{field.Required(fldPath.Child("apiVersion"), "")}
	}
	if ref.FieldPath == "" {
		return field.ErrorList{field.Required(fldPath.Child("fieldPath"), "")}
	}
	label, err := convertFieldRefLabel(ref.APIVersion, ref.FieldPath)
	if err != nil {
		return field.ErrorList{field.Invalid(fldPath.Child("fieldPath"), ref.FieldPath, fmt.Sprintf("error converting fieldPath: %v", err))}
	}
	base, key, subscripted := splitSubscript(label)
	if !subscripted {
		if !sets.New(volumeFieldRefPaths...).Has(label) {
			return field.ErrorList{field.NotSupported(fldPath.Child("fieldPath"), label, volumeFieldRefPaths)}
		}
		return nil
	}
	// Annotation keys are matched case-insensitively, label keys are not.
	switch base {
	case "metadata.annotations":
		return validateQualifiedName(strings.ToLower(key), fldPath)
	case "metadata.labels":
		return validateQualifiedName(key, fldPath)
	}
	return field.ErrorList{field.Invalid(fldPath, base, "does not support subscript")}
}

// volumeResourceFieldRefs are the container resources a downward API volume may project, beside
// any requests.hugepages-* and limits.hugepages-*.
var volumeResourceFieldRefs = []string{
	"limits.cpu",
	"limits.ephemeral-storage",
	"limits.memory",
	"requests.cpu",
	"requests.ephemeral-storage",
	"requests.memory",
}

const (
	hugePagesRequestsRef = "requests.hugepages-"
	hugePagesLimitsRef   = "limits.hugepages-"
)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerResourceFieldSelector
func validateVolumeResourceFieldRef(ref *corev1.ResourceFieldSelector, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch {
	case ref.ContainerName == "":
		allErrs = append(allErrs, field.Required(fldPath.Child("containerName"), ""))
	case ref.Resource == "":
		allErrs = append(allErrs, field.Required(fldPath.Child("resource"), ""))
	case !sets.New(volumeResourceFieldRefs...).Has(ref.Resource) &&
		!strings.HasPrefix(ref.Resource, hugePagesRequestsRef) && !strings.HasPrefix(ref.Resource, hugePagesLimitsRef):
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("resource"), ref.Resource, volumeResourceFieldRefs))
	}
	return append(allErrs, validateResourceFieldRefDivisor(ref.Resource, ref.Divisor, fldPath)...)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePersistentClaimVolumeSource
func validatePersistentVolumeClaimVolume(claim *corev1.PersistentVolumeClaimVolumeSource, fldPath *field.Path) field.ErrorList {
	if claim.ClaimName == "" {
		return field.ErrorList{field.Required(fldPath.Child("claimName"), "")}
	}
	return nil
}

// validateCSIVolume reports a bad nodePublishSecretRef name under csi.name, as kube does.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateCSIVolumeSource
func validateCSIVolume(csi *corev1.CSIVolumeSource, fldPath *field.Path) field.ErrorList {
	allErrs := validateCSIDriverName(csi.Driver, fldPath.Child("driver"))
	if ref := csi.NodePublishSecretRef; ref != nil {
		if ref.Name == "" {
			allErrs = append(allErrs, field.Required(fldPath.Child("nodePublishSecretRef", "name"), ""))
		} else {
			allErrs = append(allErrs, invalidForEach(ref.Name, apimachineryvalidation.NameIsDNSSubdomain(ref.Name, false), fldPath.Child("name"))...)
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateCSIDriverName
func validateCSIDriverName(driver string, fldPath *field.Path) field.ErrorList {
	if driver == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	var allErrs field.ErrorList
	if len(driver) > 63 {
		allErrs = append(allErrs, field.TooLong(fldPath, "", 63))
	}
	// Driver names are DNS names in any case.
	return append(allErrs, invalidForEach(driver, utilvalidation.IsDNS1123Subdomain(strings.ToLower(driver)), fldPath)...)
}

var imagePullPolicies = []corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateImageVolumeSource
func validateImageVolume(image *corev1.ImageVolumeSource, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	if image.Reference == "" && !opts.AllowEmptyImageVolumeReference {
		allErrs = append(allErrs, field.Required(fldPath.Child("reference"), ""))
	}
	switch image.PullPolicy {
	case corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
	case "":
		allErrs = append(allErrs, field.Required(fldPath.Child("pullPolicy"), ""))
	default:
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("pullPolicy"), image.PullPolicy, imagePullPolicies))
	}
	return allErrs
}
