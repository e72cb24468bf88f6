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

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/authorization/union"
)

// basicUser lets every authenticated user ask about themselves, as kube's default RBAC policy
// does with the system:basic-user ClusterRole bound to system:authenticated; whatever else the
// configured authorizer decides is untouched. Without it only privileged users could run
// kubectl auth can-i or whoami here.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/auth/authorizer/rbac/bootstrappolicy ClusterRoles (basicUserRules), ClusterRoleBindings (system:basic-user)
type basicUser struct{}

func (basicUser) Authorize(_ context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
	if !a.IsResourceRequest() || a.GetVerb() != "create" || a.GetSubresource() != "" || a.GetUser() == nil {
		return authorizer.DecisionNoOpinion, "", nil
	}
	authenticated := false
	for _, g := range a.GetUser().GetGroups() {
		authenticated = authenticated || g == user.AllAuthenticated
	}
	if !authenticated {
		return authorizer.DecisionNoOpinion, "", nil
	}
	switch {
	case a.GetAPIGroup() == authorizationv1.GroupName && (a.GetResource() == "selfsubjectaccessreviews" || a.GetResource() == "selfsubjectrulesreviews"),
		a.GetAPIGroup() == authenticationv1.GroupName && a.GetResource() == "selfsubjectreviews":
		return authorizer.DecisionAllow, "", nil
	}
	return authorizer.DecisionNoOpinion, "", nil
}

// withBasicUser puts basicUser in front of authz.
func withBasicUser(authz authorizer.Authorizer) (authorizer.Authorizer, error) {
	if authz == nil {
		return nil, nil
	}
	return union.New(
		union.NamedAuthorizer{AuthorizerName: "basic-user", Authorizer: authorizer.AuthorizerFunc(basicUser{}.Authorize)},
		union.NamedAuthorizer{AuthorizerName: "configured", Authorizer: authz},
	)
}
