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

// Package node is kube-apiserver's Node authorizer for the one kind of object served here: a
// kubelet (user system:node:<name> in group system:nodes) may read the pods bound to its node and
// is left to NodeRestriction admission for the writes it needs. A pod's spec.nodeName is the only
// edge between a node and an object, so no graph is kept.
package node

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

// ModeName is the --authorization-mode value, as in kube-apiserver.
const ModeName = "Node"

const nodeUserNamePrefix = "system:node:"

// Identity tells whether u is a node and which one: a user named system:node:<name> in the
// system:nodes group. A node user whose name is just the prefix is a node with no name.
//
// k8s.io/kubernetes@v1.37.2 pkg/auth/nodeidentifier defaultNodeIdentifier.NodeIdentity
func Identity(u user.Info) (string, bool) {
	if u == nil {
		return "", false
	}
	name, ok := strings.CutPrefix(u.GetName(), nodeUserNamePrefix)
	if !ok {
		return "", false
	}
	for _, g := range u.GetGroups() {
		if g == user.NodesGroup {
			return name, true
		}
	}
	return "", false
}

// PodGetter finds a pod; an error means the node has no known relationship with it.
type PodGetter func(namespace, name string) (*corev1.Pod, error)

// Authorizer is the Node authorizer for pods.
type Authorizer struct {
	pods PodGetter
}

// New returns a Node authorizer that finds pods with pods.
func New(pods PodGetter) *Authorizer { return &Authorizer{pods: pods} }

var _ authorizer.Authorizer = &Authorizer{}

// ConditionsAwareAuthorize is Authorize: the Node authorizer sets no conditions.
func (a *Authorizer) ConditionsAwareAuthorize(ctx context.Context, attrs authorizer.Attributes) authorizer.ConditionsAwareDecision {
	return authorizer.ConditionsAwareDecisionFromParts(a.Authorize(ctx, attrs))
}

// EvaluateConditions fails closed, as kube's Node authorizer does.
func (a *Authorizer) EvaluateConditions(context.Context, authorizer.ConditionsAwareDecision, authorizer.ConditionsData) (authorizer.Decision, string, error) {
	return authorizer.DecisionDeny, "", authorizer.ErrorConditionEvaluationNotSupported
}

// Authorize decides requests of node users on pods; it has no opinion on anything else.
//
// k8s.io/kubernetes@v1.37.2 plugin/pkg/auth/authorizer/node NodeAuthorizer.Authorize
func (a *Authorizer) Authorize(_ context.Context, attrs authorizer.Attributes) (authorizer.Decision, string, error) {
	nodeName, isNode := Identity(attrs.GetUser())
	if !isNode {
		return authorizer.DecisionNoOpinion, "", nil
	}
	if nodeName == "" {
		return authorizer.DecisionNoOpinion, fmt.Sprintf("unknown node for user %q", attrs.GetUser().GetName()), nil
	}
	if attrs.IsResourceRequest() && attrs.GetAPIGroup() == "" && attrs.GetResource() == "pods" {
		return a.authorizePod(nodeName, attrs)
	}
	// kube's remaining node rules (system:node) name no object this server serves.
	return authorizer.DecisionNoOpinion, "", nil
}

// k8s.io/kubernetes@v1.37.2 plugin/pkg/auth/authorizer/node NodeAuthorizer.authorizePod
func (a *Authorizer) authorizePod(nodeName string, attrs authorizer.Attributes) (authorizer.Decision, string, error) {
	switch attrs.GetSubresource() {
	case "":
		switch attrs.GetVerb() {
		case "get":
			return a.authorizeGet(nodeName, attrs)
		case "list", "watch":
			reqs, _ := attrs.GetFieldSelector()
			for _, req := range reqs {
				if req.Field == "spec.nodeName" && req.Operator == selection.Equals && req.Value == nodeName {
					return authorizer.DecisionAllow, "", nil
				}
			}
			if attrs.GetName() != "" {
				return a.authorize(nodeName, attrs)
			}
			return authorizer.DecisionNoOpinion, "can only list/watch pods with spec.nodeName field selector", nil
		case "create", "delete":
			// Mirror pods; NodeRestriction admission keeps a node to its own.
			return authorizer.DecisionAllow, "", nil
		}
	case "status":
		switch attrs.GetVerb() {
		case "update", "patch":
			// NodeRestriction admission keeps a node to the pods bound to it.
			return authorizer.DecisionAllow, "", nil
		}
	case "eviction":
		if attrs.GetVerb() == "create" {
			return authorizer.DecisionAllow, "", nil
		}
	}
	return authorizer.DecisionNoOpinion, "", nil
}

// k8s.io/kubernetes@v1.37.2 plugin/pkg/auth/authorizer/node NodeAuthorizer.authorizeGet
func (a *Authorizer) authorizeGet(nodeName string, attrs authorizer.Attributes) (authorizer.Decision, string, error) {
	if attrs.GetVerb() != "get" {
		return authorizer.DecisionNoOpinion, "can only get individual resources of this type", nil
	}
	if len(attrs.GetSubresource()) > 0 {
		return authorizer.DecisionNoOpinion, "cannot get subresource", nil
	}
	return a.authorize(nodeName, attrs)
}

// authorize allows the request when the pod it names is bound to the node.
//
// k8s.io/kubernetes@v1.37.2 plugin/pkg/auth/authorizer/node NodeAuthorizer.authorize
func (a *Authorizer) authorize(nodeName string, attrs authorizer.Attributes) (authorizer.Decision, string, error) {
	if len(attrs.GetName()) == 0 {
		return authorizer.DecisionNoOpinion, "No Object name found", nil
	}
	pod, err := a.pods(attrs.GetNamespace(), attrs.GetName())
	if err != nil || pod == nil || pod.Spec.NodeName != nodeName {
		return authorizer.DecisionNoOpinion, fmt.Sprintf("no relationship found between node '%s' and this object", nodeName), nil
	}
	return authorizer.DecisionAllow, "", nil
}
