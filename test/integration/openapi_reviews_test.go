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

package integration

import (
	"encoding/json"
	"strings"
	"testing"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// The new resources are listed by discovery, aggregated discovery and both OpenAPI versions as
// kube lists them, and every OpenAPI operation carries kube's common 401 response and bearer
// token security.
func TestDiscoveryAndOpenAPIOfNamespacesAndReviews(t *testing.T) {
	ts := framework.Start(t)
	cfg := ts.ClientConfig

	var groups apidiscoveryv2.APIGroupDiscoveryList
	decodeJSON(t, rawGetOK(t, cfg, "/apis", aggregatedDiscoveryAccept), &groups)
	found := map[string]string{}
	for _, g := range groups.Items {
		for _, v := range g.Versions {
			for _, r := range v.Resources {
				found[g.Name+"/"+v.Version+"/"+r.Resource] = string(r.Scope) + " " + r.ResponseKind.Kind + " " + strings.Join(r.Verbs, ",")
			}
		}
	}
	for key, want := range map[string]string{
		"authorization.k8s.io/v1/selfsubjectaccessreviews": "Cluster SelfSubjectAccessReview create",
		"authorization.k8s.io/v1/selfsubjectrulesreviews":  "Cluster SelfSubjectRulesReview create",
		"authentication.k8s.io/v1/selfsubjectreviews":      "Cluster SelfSubjectReview create",
	} {
		if found[key] != want {
			t.Errorf("aggregated /apis %s = %q, want %q", key, found[key], want)
		}
	}
	var core apidiscoveryv2.APIGroupDiscoveryList
	decodeJSON(t, rawGetOK(t, cfg, "/api", aggregatedDiscoveryAccept), &core)
	var ns *apidiscoveryv2.APIResourceDiscovery
	for i, r := range core.Items[0].Versions[0].Resources {
		if r.Resource == "namespaces" {
			ns = &core.Items[0].Versions[0].Resources[i]
		}
	}
	if ns == nil || ns.Scope != apidiscoveryv2.ScopeCluster || strings.Join(ns.ShortNames, ",") != "ns" ||
		strings.Join(ns.Verbs, ",") != "create,delete,get,list,patch,update,watch" || len(ns.Subresources) != 2 {
		t.Errorf("aggregated namespaces: %+v", ns)
	}

	var v2 struct {
		Security []map[string][]string                 `json:"security"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
	}
	decodeJSON(t, rawGetOK(t, cfg, "/openapi/v2", "application/json"), &v2)
	if len(v2.Security) != 1 || v2.Security[0]["BearerToken"] == nil {
		t.Errorf("/openapi/v2 security = %v, want BearerToken", v2.Security)
	}
	for _, path := range []string{
		"/api/v1/namespaces", "/api/v1/namespaces/{name}", "/api/v1/namespaces/{name}/status", "/api/v1/namespaces/{name}/finalize",
		"/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
		"/apis/authentication.k8s.io/v1/selfsubjectreviews",
	} {
		if _, ok := v2.Paths[path]; !ok {
			t.Errorf("/openapi/v2 lacks %s", path)
		}
	}
	operations := 0
	for path, item := range v2.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			operations++
			var op struct {
				Responses map[string]interface{} `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			if _, ok := op.Responses["401"]; !ok {
				t.Errorf("/openapi/v2 %s %s has no 401 response", method, path)
			}
		}
	}
	if operations < 50 {
		t.Errorf("only %d operations in /openapi/v2", operations)
	}

	var v3 struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	decodeJSON(t, rawGetOK(t, cfg, "/openapi/v3/apis/authorization.k8s.io/v1", "application/json"), &v3)
	var post struct {
		Responses map[string]interface{} `json:"responses"`
	}
	if err := json.Unmarshal(v3.Paths["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"]["post"], &post); err != nil || post.Responses["401"] == nil {
		t.Errorf("/openapi/v3 selfsubjectaccessreviews post: %v %v", err, post)
	}
}
