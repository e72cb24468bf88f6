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

// Package namespace holds the registry of the namespaces resource, ported from kube-apiserver's:
// the strategies of the main, status and finalize endpoints, their validation and defaulting,
// and the REST storage that makes a delete a two-step termination.
package namespace

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/operation"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/generic"
	"k8s.io/apiserver/pkg/registry/rest"
	apistorage "k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// namespaceStrategy implements the main namespaces endpoint. Like kube's it runs the declarative
// validation registered on the scheme (RegisterValidations) beside the handwritten one, which
// then gives way where both report the same metadata error.
type namespaceStrategy struct {
	runtime.ObjectTyper
	rest.DeclarativeValidation
	names.NameGenerator
}

// Strategy is the strategy of the namespaces endpoint.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace Strategy
func Strategy(scheme *runtime.Scheme) namespaceStrategy {
	return namespaceStrategy{ObjectTyper: scheme, DeclarativeValidation: rest.DeclarativeValidation{Scheme: scheme}, NameGenerator: names.SimpleNameGenerator}
}

func (namespaceStrategy) NamespaceScoped() bool { return false }

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStrategy.GetResetFields
func (namespaceStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return map[fieldpath.APIVersion]*fieldpath.Set{
		"v1": fieldpath.NewSet(fieldpath.MakePathOrDie("status")),
	}
}

// PrepareForCreate makes every new namespace Active and owned by the namespace controller: the
// kubernetes finalizer is required on create but may go later, so it is no default.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStrategy.PrepareForCreate
func (namespaceStrategy) PrepareForCreate(ctx context.Context, obj runtime.Object) {
	namespace := obj.(*corev1.Namespace)
	namespace.Status = corev1.NamespaceStatus{Phase: corev1.NamespaceActive}
	for _, f := range namespace.Spec.Finalizers {
		if f == corev1.FinalizerKubernetes {
			return
		}
	}
	namespace.Spec.Finalizers = append(namespace.Spec.Finalizers, corev1.FinalizerKubernetes)
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStrategy.PrepareForUpdate
func (namespaceStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	newNamespace := obj.(*corev1.Namespace)
	oldNamespace := old.(*corev1.Namespace)
	newNamespace.Spec.Finalizers = oldNamespace.Spec.Finalizers
	newNamespace.Status = oldNamespace.Status
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStrategy.Validate
func (namespaceStrategy) Validate(ctx context.Context, obj runtime.Object) field.ErrorList {
	return ValidateNamespace(obj.(*corev1.Namespace))
}

func (namespaceStrategy) WarningsOnCreate(ctx context.Context, obj runtime.Object) []string {
	return nil
}

// Canonicalize sets the name label once the name is known: a generated name is not when the
// defaults run.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStrategy.Canonicalize
func (namespaceStrategy) Canonicalize(obj runtime.Object) {
	ns := obj.(*corev1.Namespace)
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	ns.Labels[corev1.LabelMetadataName] = ns.Name
}

func (namespaceStrategy) AllowCreateOnUpdate(ctx context.Context) bool { return false }

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStrategy.ValidateUpdate
func (namespaceStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	errs := ValidateNamespace(obj.(*corev1.Namespace))
	return append(errs, ValidateNamespaceUpdate(obj.(*corev1.Namespace), old.(*corev1.Namespace))...)
}

func (namespaceStrategy) WarningsOnUpdate(ctx context.Context, obj, old runtime.Object) []string {
	return nil
}

func (namespaceStrategy) AllowUnconditionalUpdate(ctx context.Context) bool { return true }

// namespaceStatusStrategy implements namespaces/status.
type namespaceStatusStrategy struct {
	namespaceStrategy
}

// StatusStrategy is the strategy of namespaces/status.
func StatusStrategy(scheme *runtime.Scheme) namespaceStatusStrategy {
	return namespaceStatusStrategy{Strategy(scheme)}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStatusStrategy.GetResetFields
func (namespaceStatusStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return map[fieldpath.APIVersion]*fieldpath.Set{
		"v1": fieldpath.NewSet(fieldpath.MakePathOrDie("spec")),
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStatusStrategy.PrepareForUpdate
func (namespaceStatusStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	obj.(*corev1.Namespace).Spec = old.(*corev1.Namespace).Spec
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceStatusStrategy.ValidateUpdate
func (namespaceStatusStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	return ValidateNamespaceStatusUpdate(obj.(*corev1.Namespace), old.(*corev1.Namespace))
}

// namespaceFinalizeStrategy implements namespaces/finalize: only spec.finalizers change.
type namespaceFinalizeStrategy struct {
	namespaceStrategy
}

// FinalizeStrategy is the strategy of namespaces/finalize.
func FinalizeStrategy(scheme *runtime.Scheme) namespaceFinalizeStrategy {
	return namespaceFinalizeStrategy{Strategy(scheme)}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceFinalizeStrategy.ValidateUpdate
func (namespaceFinalizeStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	return ValidateNamespaceFinalizeUpdate(obj.(*corev1.Namespace), old.(*corev1.Namespace))
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceFinalizeStrategy.GetResetFields
func (namespaceFinalizeStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return map[fieldpath.APIVersion]*fieldpath.Set{
		"v1": fieldpath.NewSet(fieldpath.MakePathOrDie("status")),
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace namespaceFinalizeStrategy.PrepareForUpdate
func (namespaceFinalizeStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	obj.(*corev1.Namespace).Status = old.(*corev1.Namespace).Status
}

// GetAttrs returns the labels and selectable fields of a namespace.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace GetAttrs
func GetAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	namespace, ok := obj.(*corev1.Namespace)
	if !ok {
		return nil, nil, fmt.Errorf("not a namespace")
	}
	return labels.Set(namespace.Labels), NamespaceToSelectableFields(namespace), nil
}

// MatchNamespace matches namespaces by label and field selector.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace MatchNamespace
func MatchNamespace(label labels.Selector, field fields.Selector) apistorage.SelectionPredicate {
	return apistorage.SelectionPredicate{Label: label, Field: field, GetAttrs: GetAttrs}
}

// NamespaceToSelectableFields lists the fields a selector may name. "name" is kept because
// kube keeps it, for clients that used it before metadata.name.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace NamespaceToSelectableFields
func NamespaceToSelectableFields(namespace *corev1.Namespace) fields.Set {
	objectMetaFieldsSet := generic.ObjectMetaFieldsSet(&namespace.ObjectMeta, false)
	specificFieldsSet := fields.Set{
		"status.phase": string(namespace.Status.Phase),
		"name":         namespace.Name,
	}
	return generic.MergeFieldsSets(objectMetaFieldsSet, specificFieldsSet)
}

// AddFieldLabelConversions accepts the field selectors kube accepts for namespaces.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1 AddFieldLabelConversionsForNamespace
func AddFieldLabelConversions(scheme *runtime.Scheme) error {
	return scheme.AddFieldLabelConversionFunc(corev1.SchemeGroupVersion.WithKind("Namespace"),
		func(label, value string) (string, string, error) {
			switch label {
			case "status.phase", "metadata.name":
				return label, value, nil
			default:
				return "", "", fmt.Errorf("field label not supported: %s", label)
			}
		})
}

// RegisterValidations registers the declarative validation of namespaces: their metadata, on
// every endpoint.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1 RegisterValidations (Namespace), Validate_Namespace
func RegisterValidations(scheme *runtime.Scheme) error {
	scheme.AddValidationFunc((*corev1.Namespace)(nil), func(ctx context.Context, op operation.Operation, obj, oldObj interface{}) field.ErrorList {
		switch op.Request.SubresourcePath() {
		case "/", "/finalize", "/status":
			ns := obj.(*corev1.Namespace)
			var oldMeta *metav1.ObjectMeta
			if old, ok := oldObj.(*corev1.Namespace); ok && old != nil {
				oldMeta = &old.ObjectMeta
			}
			// Unchanged metadata is not validated again on update.
			if op.Type == operation.Update && oldMeta != nil && equality.Semantic.DeepEqual(&ns.ObjectMeta, oldMeta) {
				return nil
			}
			return metavalidation.Validate_ObjectMeta(ctx, op, field.NewPath("metadata"), &ns.ObjectMeta, oldMeta)
		}
		return field.ErrorList{field.InternalError(nil, fmt.Errorf("no validation found for %T, subresource: %v", obj, op.Request.SubresourcePath()))}
	})
	return nil
}

// RegisterDefaults registers kube's v1 defaults of namespaces on scheme, for single objects
// and lists alike.
func RegisterDefaults(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&corev1.Namespace{}, func(obj interface{}) { SetObjectDefaults(obj.(*corev1.Namespace)) })
	scheme.AddTypeDefaultingFunc(&corev1.NamespaceList{}, func(obj interface{}) {
		list := obj.(*corev1.NamespaceList)
		for i := range list.Items {
			SetObjectDefaults(&list.Items[i])
		}
	})
	return nil
}

// SetObjectDefaults labels a named namespace with its name and defaults its phase to Active.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1 SetDefaults_Namespace, SetDefaults_NamespaceStatus
func SetObjectDefaults(obj *corev1.Namespace) {
	// A generated name is not known yet; Canonicalize labels those.
	if len(obj.Name) > 0 {
		if obj.Labels == nil {
			obj.Labels = map[string]string{}
		}
		obj.Labels[corev1.LabelMetadataName] = obj.Name
	}
	if obj.Status.Phase == "" {
		obj.Status.Phase = corev1.NamespaceActive
	}
}

// ValidateNamespace checks the metadata (the name a DNS label) and the finalizer names.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation ValidateNamespace
func ValidateNamespace(namespace *corev1.Namespace) field.ErrorList {
	allErrs := validateObjectMeta(&namespace.ObjectMeta, field.NewPath("metadata"))
	for i := range namespace.Spec.Finalizers {
		allErrs = append(allErrs, validateFinalizerName(string(namespace.Spec.Finalizers[i]), field.NewPath("spec", "finalizers"))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation ValidateNamespaceUpdate
func ValidateNamespaceUpdate(newNamespace, oldNamespace *corev1.Namespace) field.ErrorList {
	return validateObjectMetaUpdate(&newNamespace.ObjectMeta, &oldNamespace.ObjectMeta, field.NewPath("metadata"))
}

// ValidateNamespaceStatusUpdate ties the phase to the deletion timestamp.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation ValidateNamespaceStatusUpdate
func ValidateNamespaceStatusUpdate(newNamespace, oldNamespace *corev1.Namespace) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&newNamespace.ObjectMeta, &oldNamespace.ObjectMeta, field.NewPath("metadata"))
	if newNamespace.DeletionTimestamp.IsZero() {
		if newNamespace.Status.Phase != corev1.NamespaceActive {
			allErrs = append(allErrs, field.Invalid(field.NewPath("status", "Phase"), newNamespace.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty"))
		}
	} else if newNamespace.Status.Phase != corev1.NamespaceTerminating {
		allErrs = append(allErrs, field.Invalid(field.NewPath("status", "Phase"), newNamespace.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation ValidateNamespaceFinalizeUpdate
func ValidateNamespaceFinalizeUpdate(newNamespace, oldNamespace *corev1.Namespace) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&newNamespace.ObjectMeta, &oldNamespace.ObjectMeta, field.NewPath("metadata"))
	fldPath := field.NewPath("spec", "finalizers")
	for i := range newNamespace.Spec.Finalizers {
		allErrs = append(allErrs, validateFinalizerName(string(newNamespace.Spec.Finalizers[i]), fldPath.Index(i))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation ValidateObjectMeta
func validateObjectMeta(meta *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateObjectMeta(meta, false, apimachineryvalidation.ValidateNamespaceName, fldPath)
	for i := range meta.Finalizers {
		allErrs = append(allErrs, validateKubeFinalizerName(meta.Finalizers[i], fldPath.Child("finalizers").Index(i))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation ValidateObjectMetaUpdate
func validateObjectMetaUpdate(newMeta, oldMeta *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateObjectMetaUpdate(newMeta, oldMeta, fldPath)
	for i := range newMeta.Finalizers {
		allErrs = append(allErrs, validateKubeFinalizerName(newMeta.Finalizers[i], fldPath.Child("finalizers").Index(i))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation validateFinalizerName
func validateFinalizerName(name string, fldPath *field.Path) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateFinalizerName(name, fldPath)
	return append(allErrs, validateKubeFinalizerName(name, fldPath)...)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation validateKubeFinalizerName
func validateKubeFinalizerName(name string, fldPath *field.Path) field.ErrorList {
	if len(strings.Split(name, "/")) != 1 {
		return nil
	}
	switch name {
	case string(corev1.FinalizerKubernetes), metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents:
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, name, "name is neither a standard finalizer name nor is it fully qualified")}
}
