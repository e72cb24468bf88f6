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

// Package selfsubjectrulesreview serves authorization.k8s.io/v1 SelfSubjectRulesReviews: the
// rules the requesting user has in a namespace, as far as the server's authorizer can list them
// (kubectl auth can-i --list).
package selfsubjectrulesreview

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
)

// REST answers SelfSubjectRulesReviews.
type REST struct {
	ruleResolver authorizer.RuleResolver
}

// NewREST answers from authz when it can list rules (authorizer.RuleResolver). Otherwise
// members of privilegedGroups, whom the server's chain allows everything before asking any
// other authorizer, get every rule, and anyone else the self-review rules every authenticated
// user has, marked incomplete: a webhook or a node authorizer cannot enumerate what it would
// allow, and kube answers incomplete for authorizers that cannot.
func NewREST(authz authorizer.Authorizer, privilegedGroups []string) *REST {
	if resolver, ok := authz.(authorizer.RuleResolver); ok {
		return &REST{ruleResolver: resolver}
	}
	return &REST{ruleResolver: privilegedOrIncomplete{groups: sets.New(privilegedGroups...)}}
}

func (r *REST) NamespaceScoped() bool   { return false }
func (r *REST) New() runtime.Object     { return &authorizationv1.SelfSubjectRulesReview{} }
func (r *REST) Destroy()                {}
func (r *REST) GetSingularName() string { return "selfsubjectrulesreview" }

// Create lists the rules of the request's user in spec.namespace.
// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/selfsubjectrulesreview REST.Create
func (r *REST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	selfSRR, ok := obj.(*authorizationv1.SelfSubjectRulesReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a SelfSubjectRulesReview: %#v", obj))
	}
	u, ok := genericapirequest.UserFrom(ctx)
	if !ok {
		return nil, apierrors.NewBadRequest("no user present on request")
	}
	namespace := selfSRR.Spec.Namespace
	if namespace == "" {
		return nil, apierrors.NewBadRequest("no namespace on request")
	}
	if createValidation != nil {
		if err := createValidation(ctx, obj.DeepCopyObject()); err != nil {
			return nil, err
		}
	}
	resourceInfo, nonResourceInfo, incomplete, err := r.ruleResolver.RulesFor(ctx, u, namespace)
	ret := &authorizationv1.SelfSubjectRulesReview{
		Status: authorizationv1.SubjectRulesReviewStatus{
			ResourceRules:    getResourceRules(resourceInfo),
			NonResourceRules: getNonResourceRules(nonResourceInfo),
			Incomplete:       incomplete,
		},
	}
	if err != nil {
		ret.Status.EvaluationError = err.Error()
	}
	return ret, nil
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/selfsubjectrulesreview getResourceRules
func getResourceRules(infos []authorizer.ResourceRuleInfo) []authorizationv1.ResourceRule {
	rules := make([]authorizationv1.ResourceRule, len(infos))
	for i, info := range infos {
		rules[i] = authorizationv1.ResourceRule{
			Verbs:         info.GetVerbs(),
			APIGroups:     info.GetAPIGroups(),
			Resources:     info.GetResources(),
			ResourceNames: info.GetResourceNames(),
		}
	}
	return rules
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/authorization/selfsubjectrulesreview getNonResourceRules
func getNonResourceRules(infos []authorizer.NonResourceRuleInfo) []authorizationv1.NonResourceRule {
	rules := make([]authorizationv1.NonResourceRule, len(infos))
	for i, info := range infos {
		rules[i] = authorizationv1.NonResourceRule{
			Verbs:           info.GetVerbs(),
			NonResourceURLs: info.GetNonResourceURLs(),
		}
	}
	return rules
}

// privilegedOrIncomplete resolves rules for an authorizer that cannot list them.
type privilegedOrIncomplete struct {
	groups sets.Set[string]
}

// RulesFor gives a privileged user kube's always-allow rules.
// k8s.io/apiserver@v0.37.2 pkg/authorization/authorizerfactory alwaysAllowAuthorizer.RulesFor
func (p privilegedOrIncomplete) RulesFor(_ context.Context, u user.Info, _ string) ([]authorizer.ResourceRuleInfo, []authorizer.NonResourceRuleInfo, bool, error) {
	if u != nil && p.groups.HasAny(u.GetGroups()...) {
		return []authorizer.ResourceRuleInfo{
				&authorizer.DefaultResourceRuleInfo{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
			}, []authorizer.NonResourceRuleInfo{
				&authorizer.DefaultNonResourceRuleInfo{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
			}, false, nil
	}
	if u != nil && sets.New(u.GetGroups()...).Has(user.AllAuthenticated) {
		// What the server grants every authenticated user (the basic-user rules); the
		// configured authorizer may allow more, which it cannot say.
		return []authorizer.ResourceRuleInfo{
			&authorizer.DefaultResourceRuleInfo{Verbs: []string{"create"}, APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}},
			&authorizer.DefaultResourceRuleInfo{Verbs: []string{"create"}, APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"selfsubjectreviews"}},
		}, nil, true, nil
	}
	return nil, nil, true, nil
}

var (
	_ rest.Creater              = &REST{}
	_ rest.Scoper               = &REST{}
	_ rest.SingularNameProvider = &REST{}
)
