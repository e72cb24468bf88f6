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
	"reflect"
	"unicode"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// An ephemeral volume's claim template is validated as kube validates a new claim from a
// template: no ratcheting (kube passes no old template even on update), strict label values in
// the selector, strict API groups, and volumeAttributesClassName checked (VolumeAttributesClass
// is GA).

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateEphemeralVolumeSource
func validateEphemeralVolume(eph *corev1.EphemeralVolumeSource, fldPath *field.Path) field.ErrorList {
	if eph.VolumeClaimTemplate == nil {
		return field.ErrorList{field.Required(fldPath.Child("volumeClaimTemplate"), "")}
	}
	tmplPath := fldPath.Child("volumeClaimTemplate")
	allErrs := validateClaimTemplateMeta(&eph.VolumeClaimTemplate.ObjectMeta, tmplPath.Child("metadata"))
	return append(allErrs, validateClaimTemplateSpec(&eph.VolumeClaimTemplate.Spec, tmplPath.Child("spec"))...)
}

// validateEphemeralClaimName checks that <pod>-<volume>, the name of the claim the volume gets,
// is a valid object name. Without the pod's or the volume's name there is nothing to check;
// their own checks report that.
func validateEphemeralClaimName(podMeta *metav1.ObjectMeta, volName string, fldPath *field.Path) field.ErrorList {
	if podMeta == nil || podMeta.Name == "" || volName == "" {
		return nil
	}
	claimName := podMeta.Name + "-" + volName
	var allErrs field.ErrorList
	for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(claimName, false) {
		allErrs = append(allErrs, field.Invalid(fldPath, volName, fmt.Sprintf("PVC name %q: %v", claimName, msg)))
	}
	return allErrs
}

// validateClaimTemplateMeta allows only labels and annotations: the claim's other metadata is
// the controller's to set. Any other field that is set is forbidden, whatever ObjectMeta holds.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateTemplateObjectMeta
func validateClaimTemplateMeta(meta *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateAnnotations(meta.Annotations, fldPath.Child("annotations"))
	allErrs = append(allErrs, metav1validation.ValidateLabels(meta.Labels, fldPath.Child("labels"))...)
	v := reflect.ValueOf(*meta)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := t.Field(i).Name
		if name == "Labels" || name == "Annotations" || v.Field(i).IsZero() {
			continue
		}
		r, n := utf8.DecodeRuneInString(name)
		allErrs = append(allErrs, field.Forbidden(fldPath.Child(string(unicode.ToLower(r))+name[n:]), "cannot be set"))
	}
	return allErrs
}

var (
	claimAccessModes = []corev1.PersistentVolumeAccessMode{
		corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOnce, corev1.ReadWriteOncePod,
	}
	claimVolumeModes = []corev1.PersistentVolumeMode{corev1.PersistentVolumeBlock, corev1.PersistentVolumeFilesystem}
)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaimSpec
func validateClaimTemplateSpec(spec *corev1.PersistentVolumeClaimSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	modesPath := fldPath.Child("accessModes")
	if len(spec.AccessModes) == 0 {
		allErrs = append(allErrs, field.Required(modesPath, "at least 1 access mode is required"))
	}
	if spec.Selector != nil {
		allErrs = append(allErrs, metav1validation.ValidateLabelSelector(spec.Selector, metav1validation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
	}
	// ReadWriteOncePod promises a single pod; it cannot be combined with modes that allow more.
	onePod, other := false, false
	for _, mode := range spec.AccessModes {
		switch {
		case !containsValue(claimAccessModes, mode):
			allErrs = append(allErrs, field.NotSupported(modesPath, mode, claimAccessModes))
		case mode == corev1.ReadWriteOncePod:
			onePod = true
		default:
			other = true
		}
	}
	if onePod && other {
		allErrs = append(allErrs, field.Forbidden(modesPath, "may not use ReadWriteOncePod with other access modes"))
	}

	storagePath := fldPath.Child("resources").Key(string(corev1.ResourceStorage))
	if storage, ok := spec.Resources.Requests[corev1.ResourceStorage]; !ok {
		allErrs = append(allErrs, field.Required(storagePath, ""))
	} else if storage.Cmp(resource.Quantity{}) <= 0 {
		allErrs = append(allErrs, field.Invalid(storagePath, storage.String(), "must be greater than zero"))
	} else {
		allErrs = append(allErrs, validateResourceQuantityValue(corev1.ResourceStorage, storage, storagePath)...)
	}

	if c := spec.StorageClassName; c != nil && *c != "" {
		allErrs = append(allErrs, invalidForEach(*c, apimachineryvalidation.NameIsDNSSubdomain(*c, false), fldPath.Child("storageClassName"))...)
	}
	if m := spec.VolumeMode; m != nil && !containsValue(claimVolumeModes, *m) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("volumeMode"), *m, claimVolumeModes))
	}

	if ds := spec.DataSource; ds != nil {
		allErrs = append(allErrs, validateClaimDataSource(ds.APIGroup, ds.Kind, ds.Name, fldPath.Child("dataSource"))...)
	}
	if ref := spec.DataSourceRef; ref != nil {
		refPath := fldPath.Child("dataSourceRef")
		allErrs = append(allErrs, validateClaimDataSource(ref.APIGroup, ref.Kind, ref.Name, refPath)...)
		if ref.Namespace != nil && *ref.Namespace != "" {
			allErrs = append(allErrs, invalidForEach(*ref.Namespace, apimachineryvalidation.ValidateNamespaceName(*ref.Namespace, false), refPath.Child("namespace"))...)
		}
	}
	// Both errors carry a field path as their value, which renders as {} in the message; kube's
	// do the same.
	dataSourcePath := fldPath.Child("dataSource")
	ds, ref := spec.DataSource, spec.DataSourceRef
	if ref != nil && ref.Namespace != nil && *ref.Namespace != "" {
		if ds != nil {
			allErrs = append(allErrs, field.Invalid(fldPath, dataSourcePath, "may not be specified when dataSourceRef.namespace is specified"))
		}
	} else if ds != nil && ref != nil {
		if !reflect.DeepEqual(ds.APIGroup, ref.APIGroup) || ds.Kind != ref.Kind || ds.Name != ref.Name {
			allErrs = append(allErrs, field.Invalid(fldPath, dataSourcePath, "must match dataSourceRef"))
		}
	}

	if c := spec.VolumeAttributesClassName; c != nil && *c != "" {
		allErrs = append(allErrs, invalidForEach(*c, apimachineryvalidation.NameIsDNSSubdomain(*c, false), fldPath.Child("volumeAttributesClassName"))...)
	}
	return allErrs
}

// validateClaimDataSource checks a dataSource or dataSourceRef: a reference without an API group
// can only be to another claim.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateDataSource
func validateClaimDataSource(apiGroup *string, kind, name string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if name == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("name"), ""))
	}
	if kind == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("kind"), ""))
	}
	group := ""
	if apiGroup != nil {
		group = *apiGroup
	}
	if group == "" && kind != "PersistentVolumeClaim" {
		allErrs = append(allErrs, field.Invalid(fldPath, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"))
	}
	if group != "" {
		allErrs = append(allErrs, invalidForEach(group, utilvalidation.IsDNS1123Subdomain(group), fldPath.Child("apiGroup"))...)
	}
	return allErrs
}
