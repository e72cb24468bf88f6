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

// Package selfsubjectaccessreview serves authorization.k8s.io/v1 SelfSubjectAccessReviews: the
// requesting user asks the server's own authorizer whether it may do something
// (kubectl auth can-i).
package selfsubjectaccessreview

import (
	"context"
	"fmt"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/selection"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
)

// REST answers SelfSubjectAccessReviews with authz.
type REST struct {
	authorizer authorizer.Authorizer
}

// NewREST answers with authz, the authorizer of the server's request chain.
func NewREST(authz authorizer.Authorizer) *REST { return &REST{authorizer: authz} }

func (r *REST) NamespaceScoped() bool   { return false }
func (r *REST) New() runtime.Object     { return &authorizationv1.SelfSubjectAccessReview{} }
func (r *REST) Destroy()                {}
func (r *REST) GetSingularName() string { return "selfsubjectaccessreview" }

// Create asks the authorizer about the request's own user.
// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/selfsubjectaccessreview REST.Create
func (r *REST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	selfSAR, ok := obj.(*authorizationv1.SelfSubjectAccessReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a SelfSubjectAccessReview: %#v", obj))
	}
	if errs := ValidateSelfSubjectAccessReview(selfSAR); len(errs) > 0 {
		// kube names the kind from the decoded internal object, whose TypeMeta is empty by then,
		// so its message reads `.authorization.k8s.io "" is invalid`.
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: authorizationv1.GroupName}, "", errs)
	}
	userToCheck, exists := genericapirequest.UserFrom(ctx)
	if !exists {
		return nil, apierrors.NewBadRequest("no user present on request")
	}
	if createValidation != nil {
		if err := createValidation(ctx, obj.DeepCopyObject()); err != nil {
			return nil, err
		}
	}

	var attrs authorizer.AttributesRecord
	if selfSAR.Spec.ResourceAttributes != nil {
		attrs = ResourceAttributesFrom(userToCheck, *selfSAR.Spec.ResourceAttributes)
	} else {
		attrs = NonResourceAttributesFrom(userToCheck, *selfSAR.Spec.NonResourceAttributes)
	}
	decision, reason, evaluationErr := r.authorizer.Authorize(ctx, attrs)
	selfSAR.Status = authorizationv1.SubjectAccessReviewStatus{
		Allowed: decision == authorizer.DecisionAllow,
		Denied:  decision == authorizer.DecisionDeny,
		Reason:  reason,
	}
	selfSAR.Status.EvaluationError = BuildEvaluationError(evaluationErr, attrs)
	return selfSAR, nil
}

// ValidateSelfSubjectAccessReview checks that exactly one kind of attributes is given, that
// selectors are well formed and that metadata is empty.
// k8s.io/kubernetes@v1.37.2 pkg/apis/authorization/validation ValidateSelfSubjectAccessReview, ValidateSelfSubjectAccessReviewSpec
func ValidateSelfSubjectAccessReview(sar *authorizationv1.SelfSubjectAccessReview) field.ErrorList {
	fldPath := field.NewPath("spec")
	spec := sar.Spec
	allErrs := field.ErrorList{}
	if (spec.ResourceAttributes != nil) == (spec.NonResourceAttributes != nil) {
		allErrs = append(allErrs, field.Invalid(fldPath, spec.NonResourceAttributes, `exactly one of nonResourceAttributes or resourceAttributes must be specified`))
	}
	if ra := spec.ResourceAttributes; ra != nil {
		path := field.NewPath("spec.resourceAttributes")
		allErrs = append(allErrs, validateFieldSelectorAttributes(ra.FieldSelector, path.Child("fieldSelector"))...)
		allErrs = append(allErrs, validateLabelSelectorAttributes(ra.LabelSelector, path.Child("labelSelector"))...)
	}
	meta := sar.ObjectMeta
	meta.ManagedFields = nil
	if !apiequality.Semantic.DeepEqual(metav1.ObjectMeta{}, meta) {
		allErrs = append(allErrs, field.Invalid(field.NewPath("metadata"), sar.ObjectMeta, `must be empty`))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/authorization/validation validateFieldSelectorAttributes
func validateFieldSelectorAttributes(selector *authorizationv1.FieldSelectorAttributes, fldPath *field.Path) field.ErrorList {
	if selector == nil {
		return nil
	}
	allErrs := field.ErrorList{}
	if len(selector.RawSelector) > 0 && len(selector.Requirements) > 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("rawSelector"), selector.RawSelector, "may not specified at the same time as requirements"))
	}
	if len(selector.RawSelector) == 0 && len(selector.Requirements) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("requirements"), fmt.Sprintf("when %s is specified, requirements or rawSelector is required", fldPath)))
	}
	opts := metav1validation.FieldSelectorValidationOptions{AllowUnknownOperatorInRequirement: true}
	for i, requirement := range selector.Requirements {
		allErrs = append(allErrs, metav1validation.ValidateFieldSelectorRequirement(requirement, opts, fldPath.Child("requirements").Index(i))...)
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/authorization/validation validateLabelSelectorAttributes
func validateLabelSelectorAttributes(selector *authorizationv1.LabelSelectorAttributes, fldPath *field.Path) field.ErrorList {
	if selector == nil {
		return nil
	}
	allErrs := field.ErrorList{}
	if len(selector.RawSelector) > 0 && len(selector.Requirements) > 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("rawSelector"), selector.RawSelector, "may not specified at the same time as requirements"))
	}
	if len(selector.RawSelector) == 0 && len(selector.Requirements) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("requirements"), fmt.Sprintf("when %s is specified, requirements or rawSelector is required", fldPath)))
	}
	opts := metav1validation.LabelSelectorValidationOptions{AllowUnknownOperatorInRequirement: true}
	for i, requirement := range selector.Requirements {
		allErrs = append(allErrs, metav1validation.ValidateLabelSelectorRequirement(requirement, opts, fldPath.Child("requirements").Index(i))...)
	}
	return allErrs
}

// ResourceAttributesFrom turns the review's resource attributes into authorizer attributes.
// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/util ResourceAttributesFrom
func ResourceAttributesFrom(u user.Info, in authorizationv1.ResourceAttributes) authorizer.AttributesRecord {
	version := in.Version
	if version == "" {
		version = "*"
	}
	ret := authorizer.AttributesRecord{
		User:            u,
		Verb:            in.Verb,
		Namespace:       in.Namespace,
		APIGroup:        in.Group,
		APIVersion:      version,
		Resource:        in.Resource,
		Subresource:     in.Subresource,
		Name:            in.Name,
		ResourceRequest: true,
	}
	if in.LabelSelector != nil {
		if len(in.LabelSelector.RawSelector) > 0 {
			if selector, err := labels.Parse(in.LabelSelector.RawSelector); err != nil {
				ret.LabelSelectorRequirements, ret.LabelSelectorParsingErr = nil, err
			} else {
				requirements, _ := selector.Requirements()
				ret.LabelSelectorRequirements, ret.LabelSelectorParsingErr = requirements, nil
			}
		}
		if len(in.LabelSelector.Requirements) > 0 {
			ret.LabelSelectorRequirements, ret.LabelSelectorParsingErr = labelSelectorAsSelector(in.LabelSelector.Requirements)
		}
	}
	if in.FieldSelector != nil {
		if len(in.FieldSelector.RawSelector) > 0 {
			if selector, err := fields.ParseSelector(in.FieldSelector.RawSelector); err != nil {
				ret.FieldSelectorRequirements, ret.FieldSelectorParsingErr = nil, err
			} else {
				ret.FieldSelectorRequirements, ret.FieldSelectorParsingErr = selector.Requirements(), nil
			}
		}
		if len(in.FieldSelector.Requirements) > 0 {
			ret.FieldSelectorRequirements, ret.FieldSelectorParsingErr = fieldSelectorAsSelector(in.FieldSelector.Requirements)
		}
	}
	return ret
}

var labelSelectorOpToSelectionOp = map[metav1.LabelSelectorOperator]selection.Operator{
	metav1.LabelSelectorOpIn:           selection.In,
	metav1.LabelSelectorOpNotIn:        selection.NotIn,
	metav1.LabelSelectorOpExists:       selection.Exists,
	metav1.LabelSelectorOpDoesNotExist: selection.DoesNotExist,
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/util labelSelectorAsSelector
func labelSelectorAsSelector(requirements []metav1.LabelSelectorRequirement) (labels.Requirements, error) {
	if len(requirements) == 0 {
		return nil, nil
	}
	reqs := make([]labels.Requirement, 0, len(requirements))
	var errs []error
	for _, expr := range requirements {
		op, ok := labelSelectorOpToSelectionOp[expr.Operator]
		if !ok {
			errs = append(errs, fmt.Errorf("%q is not a valid label selector operator", expr.Operator))
			continue
		}
		values := expr.Values
		if len(values) == 0 {
			values = nil
		}
		req, err := labels.NewRequirement(expr.Key, op, values)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		reqs = append(reqs, *req)
	}
	if len(reqs) == 0 {
		reqs = nil
	}
	return labels.Requirements(reqs), utilerrors.NewAggregate(errs)
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/util fieldSelectorAsSelector
func fieldSelectorAsSelector(requirements []metav1.FieldSelectorRequirement) (fields.Requirements, error) {
	if len(requirements) == 0 {
		return nil, nil
	}
	reqs := make([]fields.Requirement, 0, len(requirements))
	var errs []error
	for _, expr := range requirements {
		if len(expr.Values) > 1 {
			errs = append(errs, fmt.Errorf("fieldSelectors do not yet support multiple values"))
			continue
		}
		switch expr.Operator {
		case metav1.FieldSelectorOpIn:
			if len(expr.Values) != 1 {
				errs = append(errs, fmt.Errorf("fieldSelectors in must have one value"))
				continue
			}
			reqs = append(reqs, fields.Requirement{Field: expr.Key, Operator: selection.Equals, Value: expr.Values[0]})
		case metav1.FieldSelectorOpNotIn:
			if len(expr.Values) != 1 {
				errs = append(errs, fmt.Errorf("fieldSelectors not in must have one value"))
				continue
			}
			reqs = append(reqs, fields.Requirement{Field: expr.Key, Operator: selection.NotEquals, Value: expr.Values[0]})
		case metav1.FieldSelectorOpExists, metav1.FieldSelectorOpDoesNotExist:
			errs = append(errs, fmt.Errorf("fieldSelectors do not yet support %v", expr.Operator))
		default:
			errs = append(errs, fmt.Errorf("%q is not a valid field selector operator", expr.Operator))
		}
	}
	if len(reqs) == 0 {
		reqs = nil
	}
	return fields.Requirements(reqs), utilerrors.NewAggregate(errs)
}

// NonResourceAttributesFrom turns the review's non-resource attributes into authorizer attributes.
// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/util NonResourceAttributesFrom
func NonResourceAttributesFrom(u user.Info, in authorizationv1.NonResourceAttributes) authorizer.AttributesRecord {
	return authorizer.AttributesRecord{User: u, ResourceRequest: false, Path: in.Path, Verb: in.Verb}
}

// BuildEvaluationError joins the authorizer's error with notes on selectors it ignored.
// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/util BuildEvaluationError
func BuildEvaluationError(evaluationError error, attrs authorizer.AttributesRecord) string {
	var evaluationErrors []string
	if evaluationError != nil {
		evaluationErrors = append(evaluationErrors, evaluationError.Error())
	}
	if reqs, err := attrs.GetFieldSelector(); err != nil {
		if len(reqs) > 0 {
			evaluationErrors = append(evaluationErrors, "spec.resourceAttributes.fieldSelector partially ignored due to parse error")
		} else {
			evaluationErrors = append(evaluationErrors, "spec.resourceAttributes.fieldSelector ignored due to parse error")
		}
	}
	if reqs, err := attrs.GetLabelSelector(); err != nil {
		if len(reqs) > 0 {
			evaluationErrors = append(evaluationErrors, "spec.resourceAttributes.labelSelector partially ignored due to parse error")
		} else {
			evaluationErrors = append(evaluationErrors, "spec.resourceAttributes.labelSelector ignored due to parse error")
		}
	}
	return strings.Join(evaluationErrors, "; ")
}

var (
	_ rest.Creater              = &REST{}
	_ rest.Scoper               = &REST{}
	_ rest.SingularNameProvider = &REST{}
)
