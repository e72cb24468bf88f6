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
	"testing"

	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

func TestBasicUser(t *testing.T) {
	authenticated := &user.DefaultInfo{Name: "u", Groups: []string{"devs", user.AllAuthenticated}}
	anonymous := &user.DefaultInfo{Name: user.Anonymous, Groups: []string{user.AllUnauthenticated}}
	for _, tc := range []struct {
		name  string
		attrs authorizer.AttributesRecord
		want  authorizer.Decision
	}{
		{"self access review", authorizer.AttributesRecord{User: authenticated, Verb: "create", APIGroup: "authorization.k8s.io", Resource: "selfsubjectaccessreviews", ResourceRequest: true}, authorizer.DecisionAllow},
		{"self rules review", authorizer.AttributesRecord{User: authenticated, Verb: "create", APIGroup: "authorization.k8s.io", Resource: "selfsubjectrulesreviews", ResourceRequest: true}, authorizer.DecisionAllow},
		{"whoami", authorizer.AttributesRecord{User: authenticated, Verb: "create", APIGroup: "authentication.k8s.io", Resource: "selfsubjectreviews", ResourceRequest: true}, authorizer.DecisionAllow},
		{"discovery", authorizer.AttributesRecord{User: authenticated, Verb: "get", Path: "/apis/authorization.k8s.io/v1"}, authorizer.DecisionAllow},
		{"openapi", authorizer.AttributesRecord{User: authenticated, Verb: "get", Path: "/openapi/v3"}, authorizer.DecisionAllow},
		{"metrics", authorizer.AttributesRecord{User: authenticated, Verb: "get", Path: "/metrics"}, authorizer.DecisionNoOpinion},
		{"post to discovery", authorizer.AttributesRecord{User: authenticated, Verb: "post", Path: "/api"}, authorizer.DecisionNoOpinion},
		{"pods", authorizer.AttributesRecord{User: authenticated, Verb: "create", Resource: "pods", ResourceRequest: true}, authorizer.DecisionNoOpinion},
		{"other users' reviews", authorizer.AttributesRecord{User: authenticated, Verb: "create", APIGroup: "authorization.k8s.io", Resource: "subjectaccessreviews", ResourceRequest: true}, authorizer.DecisionNoOpinion},
		{"anonymous", authorizer.AttributesRecord{User: anonymous, Verb: "create", APIGroup: "authorization.k8s.io", Resource: "selfsubjectaccessreviews", ResourceRequest: true}, authorizer.DecisionNoOpinion},
	} {
		if got, _, _ := (basicUser{}).Authorize(context.Background(), tc.attrs); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
