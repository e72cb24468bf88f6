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
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// listAccepts are the Accept headers clients send for lists: kubectl, client-go and informers,
// metadata-only informers, tables, and a client that names nothing.
var listAccepts = []string{
	"",
	"application/json",
	"application/vnd.kubernetes.protobuf",
	"application/vnd.kubernetes.protobuf, application/json",
	"application/yaml",
	"application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
	// Not served (406), as kube-apiserver does not serve tables in protobuf.
	"application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io",
	"application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
	"application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
}

// TestListEncodingCacheServesSameBytes runs two servers on one etcd, one serving lists from
// the encoding cache and one without it, and compares every list response byte for byte, for
// every Accept type and list option, before and after pods are updated and deleted.
func TestListEncodingCacheServesSameBytes(t *testing.T) {
	cached := framework.Start(t)
	if cached.Options.ListEncodingCacheMB <= 0 {
		t.Fatal("the encoding cache is off by default; this test compares it with a server without it")
	}
	plain := framework.Start(t, func(o *server.Options) {
		o.ListEncodingCacheMB = 0
		o.Recommended.Etcd.StorageConfig.Transport.ServerList = []string{cached.EtcdEndpoint()}
		o.Recommended.Etcd.StorageConfig.Prefix = cached.EtcdPrefix()
	})
	ctx := context.Background()
	client := cached.Client(t)
	cached.CreateNamespaces(t, "team-b")
	// Watches from before the pods were created replay every event since.
	startRV := latestRV(t, cached.ClientConfig)

	for i := 0; i < 12; i++ {
		pod := framework.NewPod(fmt.Sprintf("enc-%02d", i))
		pod.Namespace = []string{"default", "team-b"}[i%2]
		pod.Labels["tier"] = []string{"web", "db", "cache"}[i%3]
		// 16 KiB each: full lists pass the 128 KiB above which responses are compressed.
		pod.Annotations = map[string]string{"note": `<html> & "quotes" ✓`, "padding": strings.Repeat("x", 16<<10)}
		if i%4 == 0 {
			pod.Spec.NodeName = "node-1"
		}
		if _, err := client.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	compareAll := func(t *testing.T, stage string) {
		rv := latestRV(t, cached.ClientConfig)
		paths := []string{
			"/api/v1/pods",
			"/api/v1/pods?resourceVersion=0",
			"/api/v1/namespaces/default/pods?resourceVersion=0",
			"/api/v1/namespaces/team-b/pods",
			"/api/v1/pods?labelSelector=" + url.QueryEscape("tier in (web,db)"),
			"/api/v1/pods?resourceVersion=0&fieldSelector=" + url.QueryEscape("spec.nodeName=node-1"),
			"/api/v1/pods?fieldSelector=" + url.QueryEscape("metadata.namespace!=default"),
			"/api/v1/pods?limit=5",
			"/api/v1/pods?resourceVersion=" + rv + "&resourceVersionMatch=NotOlderThan",
			"/api/v1/pods?resourceVersion=" + rv + "&resourceVersionMatch=Exact",
			"/api/v1/pods?pretty=true",
		}
		// The second page of a paged list, by the token the first page gave.
		var page corev1.PodList
		if err := json.Unmarshal(rawGetOK(t, cached.ClientConfig, "/api/v1/pods?limit=5", "application/json").body, &page); err != nil {
			t.Fatal(err)
		}
		if page.Continue == "" {
			t.Fatalf("%s: a list limited to 5 of 12 or more pods gave no continue token", stage)
		}
		paths = append(paths, "/api/v1/pods?limit=5&continue="+url.QueryEscape(page.Continue))
		for _, path := range paths {
			for _, accept := range listAccepts {
				sameResponse(t, stage, cached.ClientConfig, plain.ClientConfig, path, accept)
			}
		}
		// Large lists are compressed as before: the compression decision is part of the answer.
		for _, accept := range []string{"application/json", "application/vnd.kubernetes.protobuf"} {
			if r := sameResponse(t, stage, cached.ClientConfig, plain.ClientConfig, "/api/v1/pods", accept); r.contentEncoding != "gzip" {
				t.Errorf("%s: a list of %d bytes in %s was sent with Content-Encoding %q, want gzip", stage, len(r.body), accept, r.contentEncoding)
			}
		}
		// Watch events (each pod cached by the watch cache for all watchers) are not lists;
		// they pass through unchanged.
		for _, accept := range []string{"application/json", "application/vnd.kubernetes.protobuf"} {
			sameResponse(t, stage, cached.ClientConfig, plain.ClientConfig,
				"/api/v1/pods?watch=1&timeoutSeconds=1&resourceVersion="+startRV, accept)
		}
	}

	compareAll(t, "fresh")
	// Served again: now from the cache.
	compareAll(t, "cached")

	// Updates change pods without changing their UIDs: the cache must not serve the old bytes.
	for i := 0; i < 12; i += 2 {
		ns := []string{"default", "team-b"}[i%2]
		name := fmt.Sprintf("enc-%02d", i)
		patch := []byte(fmt.Sprintf(`{"metadata":{"labels":{"tier":"updated","round":"%d"}}}`, i))
		if _, err := client.CoreV1().Pods(ns).Patch(ctx, name, "application/merge-patch+json", patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	compareAll(t, "after updates")

	// Deleted and recreated under the same names: new UIDs, and the old ones must not appear.
	for i := 1; i < 12; i += 3 {
		ns := []string{"default", "team-b"}[i%2]
		name := fmt.Sprintf("enc-%02d", i)
		if err := client.CoreV1().Pods(ns).Delete(ctx, name, *metav1.NewDeleteOptions(0)); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			pod := framework.NewPod(name)
			pod.Namespace = ns
			if _, err := client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	compareAll(t, "after deletes")
}

// latestRV is the current resourceVersion of the pods collection.
func latestRV(t *testing.T, cfg *rest.Config) string {
	t.Helper()
	var list metav1.PartialObjectMetadataList
	r := rawGetOK(t, cfg, "/api/v1/pods?limit=1", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io")
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	return list.ResourceVersion
}

// encodedResponse is an answer as sent: its Content-Encoding, and its body decompressed.
type encodedResponse struct {
	rawResponse
	contentEncoding string
}

// gzipRequest asks for a gzip-compressed answer as client-go does, and reads what was sent.
func gzipRequest(t *testing.T, cfg *rest.Config, path, accept string) encodedResponse {
	t.Helper()
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(cfg.Host, "/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	// Set by hand, so the transport hands over the body as sent.
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = gz
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return encodedResponse{
		rawResponse:     rawResponse{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: data},
		contentEncoding: resp.Header.Get("Content-Encoding"),
	}
}

// sameResponse asks both servers and requires the same status, Content-Type, Content-Encoding
// and body. The two servers' watch caches follow etcd independently and tables show ages, so
// the answers may differ for a moment; a stale encoding would differ for good.
func sameResponse(t *testing.T, stage string, a, b *rest.Config, path, accept string) encodedResponse {
	t.Helper()
	var ra, rb encodedResponse
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		ra = gzipRequest(t, a, path, accept)
		rb = gzipRequest(t, b, path, accept)
		return ra.status == rb.status && ra.contentType == rb.contentType && ra.contentEncoding == rb.contentEncoding && bytes.Equal(ra.body, rb.body), nil
	})
	if err != nil {
		t.Fatalf("%s: GET %s (Accept %q) differs between the server with the encoding cache and the one without:\n with: Content-Encoding %q, %v\n without: Content-Encoding %q, %v", stage, path, accept, ra.contentEncoding, ra.rawResponse, rb.contentEncoding, rb.rawResponse)
	}
	if ra.status == http.StatusNotAcceptable && strings.Contains(accept, "protobuf;as=Table") {
		return ra
	}
	if ra.status != http.StatusOK || len(ra.body) == 0 {
		t.Errorf("%s: GET %s (Accept %q): %v", stage, path, accept, ra.rawResponse)
	}
	return ra
}
