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

package node

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

func pods(byKey map[string]string) PodGetter {
	return func(namespace, name string) (*corev1.Pod, error) {
		nodeName, ok := byKey[namespace+"/"+name]
		if !ok {
			return nil, apierrors.NewNotFound(corev1.Resource("pods"), name)
		}
		return &corev1.Pod{Spec: corev1.PodSpec{NodeName: nodeName}}, nil
	}
}

func TestIdentity(t *testing.T) {
	for _, tc := range []struct {
		user   user.Info
		name   string
		isNode bool
	}{
		{&user.DefaultInfo{Name: "system:node:a", Groups: []string{user.NodesGroup}}, "a", true},
		{&user.DefaultInfo{Name: "system:node:", Groups: []string{user.NodesGroup}}, "", true},
		{&user.DefaultInfo{Name: "system:node:a"}, "", false},
		{&user.DefaultInfo{Name: "a", Groups: []string{user.NodesGroup}}, "", false},
		{nil, "", false},
	} {
		name, isNode := Identity(tc.user)
		if name != tc.name || isNode != tc.isNode {
			t.Errorf("%v: %q %v, want %q %v", tc.user, name, isNode, tc.name, tc.isNode)
		}
	}
}

func TestAuthorize(t *testing.T) {
	a := New(pods(map[string]string{"ns/mine": "a", "ns/theirs": "b"}))
	nodeA := &user.DefaultInfo{Name: "system:node:a", Groups: []string{user.NodesGroup}}
	selector := func(s string) fields.Requirements {
		sel, err := fields.ParseSelector(s)
		if err != nil {
			t.Fatal(err)
		}
		return sel.Requirements()
	}
	for _, tc := range []struct {
		name   string
		attrs  authorizer.AttributesRecord
		want   authorizer.Decision
		reason string
	}{
		{"get own", authorizer.AttributesRecord{Verb: "get", Name: "mine"}, authorizer.DecisionAllow, ""},
		{"get other's", authorizer.AttributesRecord{Verb: "get", Name: "theirs"}, authorizer.DecisionNoOpinion, "no relationship found between node 'a' and this object"},
		{"get missing", authorizer.AttributesRecord{Verb: "get", Name: "gone"}, authorizer.DecisionNoOpinion, "no relationship found between node 'a' and this object"},
		{"get own status", authorizer.AttributesRecord{Verb: "get", Name: "mine", Subresource: "status"}, authorizer.DecisionNoOpinion, ""},
		{"list own", authorizer.AttributesRecord{Verb: "list", FieldSelectorRequirements: selector("spec.nodeName=a")}, authorizer.DecisionAllow, ""},
		{"watch other's", authorizer.AttributesRecord{Verb: "watch", FieldSelectorRequirements: selector("spec.nodeName=b")}, authorizer.DecisionNoOpinion, "can only list/watch pods with spec.nodeName field selector"},
		{"list one own by name", authorizer.AttributesRecord{Verb: "list", Name: "mine"}, authorizer.DecisionAllow, ""},
		{"list", authorizer.AttributesRecord{Verb: "list"}, authorizer.DecisionNoOpinion, "can only list/watch pods with spec.nodeName field selector"},
		{"create", authorizer.AttributesRecord{Verb: "create"}, authorizer.DecisionAllow, ""},
		{"delete other's (admission decides)", authorizer.AttributesRecord{Verb: "delete", Name: "theirs"}, authorizer.DecisionAllow, ""},
		{"update", authorizer.AttributesRecord{Verb: "update", Name: "mine"}, authorizer.DecisionNoOpinion, ""},
		{"patch status", authorizer.AttributesRecord{Verb: "patch", Name: "theirs", Subresource: "status"}, authorizer.DecisionAllow, ""},
		{"evict", authorizer.AttributesRecord{Verb: "create", Name: "theirs", Subresource: "eviction"}, authorizer.DecisionAllow, ""},
		{"exec", authorizer.AttributesRecord{Verb: "create", Name: "mine", Subresource: "exec"}, authorizer.DecisionNoOpinion, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.attrs.User = nodeA
			tc.attrs.ResourceRequest = true
			tc.attrs.Resource = "pods"
			tc.attrs.Namespace = "ns"
			got, reason, err := a.Authorize(context.Background(), tc.attrs)
			if err != nil || got != tc.want || reason != tc.reason {
				t.Errorf("%v %q %v, want %v %q", got, reason, err, tc.want, tc.reason)
			}
		})
	}

	// Not a node, a nameless node, and objects other than pods: no opinion.
	for _, attrs := range []authorizer.AttributesRecord{
		{User: &user.DefaultInfo{Name: "alice"}, Verb: "get", ResourceRequest: true, Resource: "pods", Namespace: "ns", Name: "mine"},
		{User: nodeA, Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "ns", Name: "mine"},
		{User: nodeA, Verb: "get", Path: "/api"},
	} {
		if got, _, _ := a.Authorize(context.Background(), attrs); got != authorizer.DecisionNoOpinion {
			t.Errorf("%+v: %v, want no opinion", attrs, got)
		}
	}
	got, reason, _ := a.Authorize(context.Background(), authorizer.AttributesRecord{User: &user.DefaultInfo{Name: "system:node:", Groups: []string{user.NodesGroup}}, Verb: "get", ResourceRequest: true, Resource: "pods"})
	if got != authorizer.DecisionNoOpinion || reason != `unknown node for user "system:node:"` {
		t.Errorf("nameless node: %v %q", got, reason)
	}
}
