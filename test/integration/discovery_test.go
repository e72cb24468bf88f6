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
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/rest"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

const aggregatedDiscoveryAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

var podVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// sortedCopy lets verb lists be compared as sets: kube-apiserver does not promise an order.
func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// wantPodGVK is the only x-kubernetes-group-version-kind a Pod schema may carry; an extra
// __internal entry makes kubectl explain and client-side validation pick the wrong kind.
var wantPodGVK = []interface{}{map[string]interface{}{"group": "", "version": "v1", "kind": "Pod"}}

func TestDiscoveryAndEndpoints(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	client := ts.Client(t)
	cfg := ts.ClientConfig
	if _, err := client.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatal(err)
	}

	t.Run("/api", func(t *testing.T) {
		var versions metav1.APIVersions
		decodeJSON(t, rawGetOK(t, cfg, "/api", "application/json"), &versions)
		if versions.Kind != "APIVersions" || !reflect.DeepEqual(versions.Versions, []string{"v1"}) {
			t.Errorf("/api = %+v, want APIVersions [v1]", versions)
		}
	})

	t.Run("/api/v1", func(t *testing.T) {
		r := rawGetOK(t, cfg, "/api/v1", "application/json")
		var list metav1.APIResourceList
		decodeJSON(t, r, &list)
		if list.Kind != "APIResourceList" || list.GroupVersion != "v1" {
			t.Errorf("/api/v1 is %s for %q, want APIResourceList for v1", list.Kind, list.GroupVersion)
		}
		resources := map[string]metav1.APIResource{}
		for _, res := range list.APIResources {
			resources[res.Name] = res
		}
		pods, ok := resources["pods"]
		if !ok {
			t.Fatalf("/api/v1 lacks pods: %v", r)
		}
		if pods.Kind != "Pod" || !pods.Namespaced || pods.SingularName != "pod" ||
			!reflect.DeepEqual(sortedCopy(pods.Verbs), podVerbs) ||
			!reflect.DeepEqual(pods.ShortNames, []string{"po"}) ||
			!reflect.DeepEqual(pods.Categories, []string{"all"}) {
			t.Errorf("pods = %+v", pods)
		}
		if pods.StorageVersionHash == "" {
			t.Errorf("pods has no storageVersionHash, which the storage version migrator relies on: %+v", pods)
		}
		status, ok := resources["pods/status"]
		if !ok {
			t.Fatalf("/api/v1 lacks pods/status: %v", r)
		}
		if status.Kind != "Pod" || !status.Namespaced || !reflect.DeepEqual(sortedCopy(status.Verbs), []string{"get", "patch", "update"}) {
			t.Errorf("pods/status = %+v", status)
		}
	})

	t.Run("/apis", func(t *testing.T) {
		r := rawGetOK(t, cfg, "/apis", "application/json")
		var groups metav1.APIGroupList
		decodeJSON(t, r, &groups)
		// The generic server strips apiVersion from /apis for compatibility with release 1.1;
		// kube-apiserver's aggregator adds "v1". Either is what clients have always seen.
		if groups.Kind != "APIGroupList" || (groups.APIVersion != "" && groups.APIVersion != "v1") || groups.Groups == nil {
			t.Errorf("/apis is not an APIGroupList with a groups array: %v", r)
		}
		for _, g := range groups.Groups {
			if g.Name == "" {
				t.Errorf("the legacy core group belongs under /api, not /apis: %v", r)
			}
		}
	})

	t.Run("aggregated discovery", func(t *testing.T) {
		r := rawGetOK(t, cfg, "/api", aggregatedDiscoveryAccept)
		if !strings.Contains(r.contentType, "as=APIGroupDiscoveryList") || !strings.Contains(r.contentType, "g=apidiscovery.k8s.io") {
			t.Errorf("Content-Type = %q, want the aggregated discovery type", r.contentType)
		}
		var list apidiscoveryv2.APIGroupDiscoveryList
		decodeJSON(t, r, &list)
		if list.Kind != "APIGroupDiscoveryList" || list.APIVersion != "apidiscovery.k8s.io/v2" || len(list.Items) != 1 ||
			len(list.Items[0].Versions) != 1 || list.Items[0].Versions[0].Version != "v1" {
			t.Fatalf("aggregated /api: %v", r)
		}
		var pods *apidiscoveryv2.APIResourceDiscovery
		for i, res := range list.Items[0].Versions[0].Resources {
			if res.Resource == "pods" {
				pods = &list.Items[0].Versions[0].Resources[i]
			}
		}
		if pods == nil {
			t.Fatalf("aggregated /api lacks pods: %v", r)
		}
		// As in kube-apiserver, responseKind names group and version only where they differ from
		// the group version being discovered.
		if pods.Scope != apidiscoveryv2.ScopeNamespace || pods.SingularResource != "pod" ||
			pods.ResponseKind == nil || *pods.ResponseKind != (metav1.GroupVersionKind{Kind: "Pod"}) ||
			!reflect.DeepEqual(sortedCopy(pods.Verbs), podVerbs) ||
			!reflect.DeepEqual(pods.ShortNames, []string{"po"}) || !reflect.DeepEqual(pods.Categories, []string{"all"}) {
			t.Errorf("aggregated pods = %+v", *pods)
		}
		// What kube-apiserver v1.37.2 lists for pods, in its order.
		wantSubresources := []string{
			"attach PodAttachOptions create,get",
			"binding Binding create",
			"ephemeralcontainers Pod get,patch,update",
			"eviction policy/v1/Eviction create",
			"exec PodExecOptions create,get",
			"log Pod get",
			"portforward PodPortForwardOptions create,get",
			"proxy PodProxyOptions create,delete,get,patch,update",
			"resize Pod get,patch,update",
			"status Pod get,patch,update",
		}
		var gotSubresources []string
		for _, sub := range pods.Subresources {
			kind := "<none>"
			if rk := sub.ResponseKind; rk != nil {
				kind = rk.Kind
				if rk.Group != "" || rk.Version != "" {
					kind = rk.Group + "/" + rk.Version + "/" + rk.Kind
				}
			}
			gotSubresources = append(gotSubresources, sub.Subresource+" "+kind+" "+strings.Join(sortedCopy(sub.Verbs), ","))
		}
		if !reflect.DeepEqual(gotSubresources, wantSubresources) {
			t.Errorf("aggregated pods subresources:\n got  %q\n want %q", gotSubresources, wantSubresources)
		}

		r = rawGetOK(t, cfg, "/apis", aggregatedDiscoveryAccept)
		list = apidiscoveryv2.APIGroupDiscoveryList{}
		decodeJSON(t, r, &list)
		if list.Kind != "APIGroupDiscoveryList" {
			t.Errorf("aggregated /apis: %v", r)
		}
	})

	t.Run("client-go discovery", func(t *testing.T) {
		lists, err := client.Discovery().ServerPreferredResources()
		if err != nil {
			t.Fatalf("ServerPreferredResources: %v", err)
		}
		found := false
		for _, list := range lists {
			for _, res := range list.APIResources {
				if list.GroupVersion == "v1" && res.Name == "pods" {
					found = true
					if !reflect.DeepEqual(sortedCopy(res.Verbs), podVerbs) || !res.Namespaced {
						t.Errorf("preferred pods = %+v", res)
					}
				}
			}
		}
		if !found {
			t.Errorf("ServerPreferredResources does not list v1 pods: %+v", lists)
		}
		v1, err := client.Discovery().ServerResourcesForGroupVersion("v1")
		if err != nil || len(v1.APIResources) < 2 {
			t.Errorf("ServerResourcesForGroupVersion(v1): %v %+v", err, v1)
		}
	})

	t.Run("/version", func(t *testing.T) {
		r := rawGetOK(t, cfg, "/version", "application/json")
		var info version.Info
		decodeJSON(t, r, &info)
		// kubectl version skew warnings and client feature checks parse gitVersion, so it has to
		// look like a Kubernetes release matching major and minor.
		if info.Major != "1" || info.Minor == "" || !strings.HasPrefix(info.GitVersion, "v1."+info.Minor+".") {
			t.Errorf("/version is not a Kubernetes-like version: %s", r.body)
		}
		if info.GoVersion == "" || info.Platform == "" {
			t.Errorf("/version lacks goVersion or platform: %s", r.body)
		}
		fromClient, err := client.Discovery().ServerVersion()
		if err != nil || fromClient.GitVersion != info.GitVersion {
			t.Errorf("client-go ServerVersion: %v %+v", err, fromClient)
		}
	})

	t.Run("/openapi/v2", func(t *testing.T) {
		r := rawGetOK(t, cfg, "/openapi/v2", "application/json")
		var doc struct {
			Swagger     string                            `json:"swagger"`
			Paths       map[string]interface{}            `json:"paths"`
			Definitions map[string]map[string]interface{} `json:"definitions"`
		}
		decodeJSON(t, r, &doc)
		pod, ok := doc.Definitions["io.k8s.api.core.v1.Pod"]
		if doc.Swagger != "2.0" || !ok {
			t.Fatalf("/openapi/v2 lacks io.k8s.api.core.v1.Pod (swagger %q, %d definitions)", doc.Swagger, len(doc.Definitions))
		}
		if gvk := pod["x-kubernetes-group-version-kind"]; !reflect.DeepEqual(gvk, wantPodGVK) {
			t.Errorf("Pod x-kubernetes-group-version-kind = %#v, want %#v", gvk, wantPodGVK)
		}
		if bytes.Contains(r.body, []byte("__internal")) {
			t.Errorf("/openapi/v2 mentions the internal version")
		}
		for _, path := range []string{"/api/v1/namespaces/{namespace}/pods", "/api/v1/namespaces/{namespace}/pods/{name}/status", "/api/v1/pods"} {
			if _, ok := doc.Paths[path]; !ok {
				t.Errorf("/openapi/v2 lacks path %s", path)
			}
		}

		// client-go (kubectl's validation among others) fetches the protobuf form.
		proto, err := client.Discovery().OpenAPISchema()
		if err != nil {
			t.Fatalf("OpenAPISchema (protobuf): %v", err)
		}
		found := false
		for _, def := range proto.GetDefinitions().GetAdditionalProperties() {
			if def.GetName() != "io.k8s.api.core.v1.Pod" {
				continue
			}
			found = true
			var gvks []string
			for _, ext := range def.GetValue().GetVendorExtension() {
				if ext.GetName() == "x-kubernetes-group-version-kind" {
					gvks = append(gvks, ext.GetValue().GetYaml())
				}
			}
			if len(gvks) != 1 || !strings.Contains(gvks[0], "kind: Pod") || strings.Contains(gvks[0], "__internal") || strings.Count(gvks[0], "kind:") != 1 {
				t.Errorf("protobuf Pod x-kubernetes-group-version-kind = %q", gvks)
			}
		}
		if !found {
			t.Errorf("protobuf /openapi/v2 lacks io.k8s.api.core.v1.Pod")
		}
	})

	t.Run("/openapi/v3", func(t *testing.T) {
		var index struct {
			Paths map[string]struct {
				ServerRelativeURL string `json:"serverRelativeURL"`
			} `json:"paths"`
		}
		r := rawGetOK(t, cfg, "/openapi/v3", "application/json")
		decodeJSON(t, r, &index)
		entry, ok := index.Paths["api/v1"]
		if !ok || !strings.HasPrefix(entry.ServerRelativeURL, "/openapi/v3/api/v1") {
			t.Fatalf("/openapi/v3 does not list api/v1: %v", r)
		}
		for _, path := range []string{"/openapi/v3/api/v1", entry.ServerRelativeURL} {
			r := rawGetOK(t, cfg, path, "application/json")
			var doc struct {
				OpenAPI    string `json:"openapi"`
				Components struct {
					Schemas map[string]map[string]interface{} `json:"schemas"`
				} `json:"components"`
			}
			decodeJSON(t, r, &doc)
			pod, ok := doc.Components.Schemas["io.k8s.api.core.v1.Pod"]
			if !strings.HasPrefix(doc.OpenAPI, "3.") || !ok {
				t.Errorf("%s lacks io.k8s.api.core.v1.Pod (openapi %q, %d schemas)", path, doc.OpenAPI, len(doc.Components.Schemas))
				continue
			}
			if gvk := pod["x-kubernetes-group-version-kind"]; !reflect.DeepEqual(gvk, wantPodGVK) {
				t.Errorf("%s: Pod x-kubernetes-group-version-kind = %#v, want %#v", path, gvk, wantPodGVK)
			}
		}
	})

	t.Run("health", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/livez", "/readyz", "/healthz/etcd"} {
			if r := rawGetOK(t, cfg, path, ""); string(r.body) != "ok" {
				t.Errorf("%s: %v, want ok", path, r)
			}
		}
		r := rawGetOK(t, cfg, "/readyz?verbose", "")
		lines := strings.Split(string(r.body), "\n")
		hasEtcd := false
		for _, line := range lines {
			hasEtcd = hasEtcd || line == "[+]etcd ok"
		}
		if !hasEtcd || !strings.Contains(string(r.body), "readyz check passed") {
			t.Errorf("/readyz?verbose lacks a passing etcd check: %v", r)
		}
	})

	t.Run("/metrics", func(t *testing.T) {
		r := rawGetOK(t, cfg, "/metrics", "")
		found := false
		for _, line := range strings.Split(string(r.body), "\n") {
			if strings.HasPrefix(line, "apiserver_request_total{") && strings.Contains(line, `resource="pods"`) && strings.Contains(line, `verb="LIST"`) {
				found = true
			}
		}
		if !found {
			t.Errorf("/metrics has no apiserver_request_total for the pods LIST this test made (%d bytes)", len(r.body))
		}
	})
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	tokenFile := filepath.Join(t.TempDir(), "tokens.csv")
	tokens := "token123,tokenuser,uid1,\"system:masters\"\ndevtoken,devuser,uid2,\"devs\"\n"
	if err := os.WriteFile(tokenFile, []byte(tokens), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := framework.Start(t, func(o *server.Options) { o.TokenAuthFile = tokenFile })
	ctx := context.Background()

	// A client that trusts the server but proves nothing about itself.
	anonymous := rest.AnonymousClientConfig(ts.ClientConfig)
	if len(anonymous.TLSClientConfig.CertData) != 0 || anonymous.TLSClientConfig.CertFile != "" || anonymous.BearerToken != "" {
		t.Fatalf("anonymous config still carries credentials")
	}
	withToken := func(token string) *rest.Config {
		cfg := rest.CopyConfig(anonymous)
		cfg.BearerToken = token
		return cfg
	}

	t.Run("token in system:masters", func(t *testing.T) {
		pods := framework.ClientFor(t, withToken("token123")).CoreV1().Pods("default")
		if _, err := pods.List(ctx, metav1.ListOptions{}); err != nil {
			t.Fatalf("list with a valid token: %v", err)
		}
		created, err := pods.Create(ctx, framework.NewPod("by-token"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create with a valid token: %v", err)
		}
		if len(created.ManagedFields) == 0 {
			t.Errorf("create with a token recorded no field manager")
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		_, err := framework.ClientFor(t, withToken("not-a-token")).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if !apierrors.IsUnauthorized(err) || statusCode(err) != 401 {
			t.Errorf("wrong token: got %v, want 401 Unauthorized", err)
		}
	})

	t.Run("token outside system:masters", func(t *testing.T) {
		_, err := framework.ClientFor(t, withToken("devtoken")).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if !apierrors.IsForbidden(err) || statusCode(err) != 403 {
			t.Fatalf("token of group devs: got %v, want 403 Forbidden", err)
		}
		if !strings.Contains(err.Error(), `User "devuser" cannot list resource "pods"`) {
			t.Errorf("forbidden message does not name the user and verb: %v", err)
		}
	})

	t.Run("no credentials", func(t *testing.T) {
		_, err := framework.ClientFor(t, anonymous).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if !apierrors.IsUnauthorized(err) || statusCode(err) != 401 {
			t.Errorf("no credentials: got %v, want 401 Unauthorized", err)
		}
	})

	t.Run("client certificate alongside tokens", func(t *testing.T) {
		list, err := ts.Client(t).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("admin client certificate on a server with a token file: %v", err)
		}
		if len(list.Items) != 1 || list.Items[0].Name != "by-token" {
			t.Errorf("admin sees %d pods, want the one the token user created", len(list.Items))
		}
	})
}
