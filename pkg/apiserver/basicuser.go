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

package apiserver

import (
	"context"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

// basicUser grants every authenticated user what kube's default RBAC policy grants
// system:authenticated: discovery (system:discovery) and asking about themselves
// (system:basic-user); whatever else the configured authorizer decides is untouched. Without it
// only privileged users could use kubectl at all, or run kubectl auth can-i or whoami.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/auth/authorizer/rbac/bootstrappolicy ClusterRoles (system:discovery, basicUserRules), ClusterRoleBindings (system:discovery, system:basic-user)
type basicUser struct{}

func (basicUser) Authorize(_ context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
	if a.GetUser() == nil {
		return authorizer.DecisionNoOpinion, "", nil
	}
	authenticated := false
	for _, g := range a.GetUser().GetGroups() {
		authenticated = authenticated || g == user.AllAuthenticated
	}
	if !authenticated {
		return authorizer.DecisionNoOpinion, "", nil
	}
	if !a.IsResourceRequest() {
		if a.GetVerb() == "get" && discoveryPath(a.GetPath()) {
			return authorizer.DecisionAllow, "", nil
		}
		return authorizer.DecisionNoOpinion, "", nil
	}
	if a.GetVerb() != "create" || a.GetSubresource() != "" {
		return authorizer.DecisionNoOpinion, "", nil
	}
	switch {
	case a.GetAPIGroup() == authorizationv1.GroupName && (a.GetResource() == "selfsubjectaccessreviews" || a.GetResource() == "selfsubjectrulesreviews"),
		a.GetAPIGroup() == authenticationv1.GroupName && a.GetResource() == "selfsubjectreviews":
		return authorizer.DecisionAllow, "", nil
	}
	return authorizer.DecisionNoOpinion, "", nil
}

// withBasicUser puts basicUser in front of authz. Not as a union: a union prefixes the reasons of
// the authorizers it holds with their names, and a 403 must carry the configured chain's reasons
// as kube-apiserver words them (e.g. "node: no relationship found ...").
func withBasicUser(authz authorizer.Authorizer) (authorizer.Authorizer, error) {
	if authz == nil {
		return nil, nil
	}
	return basicUserFirst{next: authz}, nil
}

type basicUserFirst struct{ next authorizer.Authorizer }

func (b basicUserFirst) Authorize(ctx context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
	if d, _, _ := (basicUser{}).Authorize(ctx, a); d == authorizer.DecisionAllow {
		return d, "", nil
	}
	return b.next.Authorize(ctx, a)
}

func (b basicUserFirst) ConditionsAwareAuthorize(ctx context.Context, a authorizer.Attributes) authorizer.ConditionsAwareDecision {
	if d, _, _ := (basicUser{}).Authorize(ctx, a); d == authorizer.DecisionAllow {
		return authorizer.ConditionsAwareDecisionFromParts(d, "", nil)
	}
	return b.next.ConditionsAwareAuthorize(ctx, a)
}

func (b basicUserFirst) EvaluateConditions(ctx context.Context, d authorizer.ConditionsAwareDecision, data authorizer.ConditionsData) (authorizer.Decision, string, error) {
	return b.next.EvaluateConditions(ctx, d, data)
}

// discoveryPath matches the URLs of kube's system:discovery role.
func discoveryPath(path string) bool {
	switch path {
	case "/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/api", "/apis":
		return true
	}
	return strings.HasPrefix(path, "/openapi/") || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/apis/")
}
