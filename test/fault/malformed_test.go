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

package fault

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// badRequest is one hostile request; code, when not 0, is the answer kube-apiserver gives.
type badRequest struct {
	method, path, contentType, accept string
	body                              []byte
	code                              int
}

// reasons are the Status reasons kube gives with each code.
var reasons = map[int][]metav1.StatusReason{
	400: {metav1.StatusReasonBadRequest},
	500: {metav1.StatusReasonInternalError, ""},
	404: {metav1.StatusReasonNotFound},
	405: {metav1.StatusReasonMethodNotAllowed},
	406: {metav1.StatusReasonNotAcceptable},
	409: {metav1.StatusReasonAlreadyExists, metav1.StatusReasonConflict},
	413: {metav1.StatusReasonRequestEntityTooLarge},
	415: {metav1.StatusReasonUnsupportedMediaType},
	422: {metav1.StatusReasonInvalid},
}

const corpusNS = "corpus"

func nested(depth int) string {
	return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"deep","annotations":` + strings.Repeat(`{"a":`, depth) + `"x"` + strings.Repeat("}", depth) + `}}`
}

func yamlBomb() string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = n
	}
	return b.String()
}

// corpus builds a few hundred hostile requests: broken and wrong bodies in every content type,
// bad patches, bad query parameters, bad names, wrong methods and media types.
func corpus() []badRequest {
	const pods = "/api/v1/namespaces/" + corpusNS + "/pods"
	const target = pods + "/target"
	bodies := []string{
		``, `{`, `}`, `null`, `[]`, `"pod"`, `42`, `true`, `{"kind":"Pod"}`, `{"apiVersion":"v1"}`,
		`{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"}}`,
		`{"apiVersion":"v2","kind":"Pod","metadata":{"name":"x"}}`,
		`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"Bad_Name"},"spec":{"containers":[{"name":"a","image":"i"}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"` + strings.Repeat("x", 300) + `"},"spec":{"containers":[{"name":"a","image":"i"}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"containers":"no"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"containers":[{"name":1}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok","namespace":"other"},"spec":{"containers":[{"name":"a","image":"i"}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"containers":[{"name":"a","image":"i","resources":{"limits":{"cpu":"lots"}}}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"containers":[{"name":"a","image":"i","ports":[{"containerPort":99999}]}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok","labels":{"bad key!":"v"}},"spec":{"containers":[{"name":"a","image":"i"}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"containers":[{"name":"a","image":"i"}],"restartPolicy":"Sometimes"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok","creationTimestamp":"yesterday"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dup","name":"dup2"},"spec":{"containers":[{"name":"a","image":"i"}]}}`,
		"\xff\xfe\xfd",
		"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"\x00\"}}",
		"k8s\x00\x0a\x02v1\x12\x03Pod\x1a\xff\xff\xff\xff\x0f",
		"k8s\x00garbage",
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: yaml-ok}\nspec: {containers: 7}\n",
		"\t- : : -\n",
		yamlBomb(),
		nested(200),
		nested(12000),
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"` + strings.Repeat("a", 4<<20) + `"}}`,
	}
	contentTypes := []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "text/plain", "application/xml", ""}
	var reqs []badRequest
	for _, b := range bodies {
		for _, ct := range contentTypes {
			reqs = append(reqs, badRequest{method: http.MethodPost, path: pods, contentType: ct, body: []byte(b)})
		}
		for _, ct := range []string{"application/json", "application/yaml"} {
			reqs = append(reqs, badRequest{method: http.MethodPut, path: target, contentType: ct, body: []byte(b)})
		}
	}
	patches := []string{``, `{`, `[]`, `[{"op":"explode","path":"/x"}]`, `[{"op":"replace","path":"/spec/containers/9/image","value":"x"}]`,
		`{"spec":{"containers":[{"name":"app","image":""}]}}`, `{"metadata":{"name":"renamed"}}`, `{"spec":{"containers":null}}`,
		`{"$patch":"replace"}`, `{"spec":{"$setElementOrder/containers":[{"name":"nope"}]}}`, `{"apiVersion":"v1","kind":"Service"}`,
		`"just a string"`, nested(12000)}
	patchTypes := []string{"application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml", "application/apply-patch+cbor", "application/json"}
	for _, p := range patches {
		for _, pt := range patchTypes {
			path := target
			if pt == "application/apply-patch+yaml" || pt == "application/apply-patch+cbor" {
				path += "?fieldManager=corpus"
			}
			reqs = append(reqs, badRequest{method: http.MethodPatch, path: path, contentType: pt, body: []byte(p)})
		}
	}
	for _, q := range []string{"labelSelector=!!!", "labelSelector=a%20in%20(", "fieldSelector=spec.foo=bar", "fieldSelector===", "limit=-1", "limit=abc",
		"resourceVersion=abc", "resourceVersionMatch=Bogus", "resourceVersion=1&resourceVersionMatch=Exact&limit=a", "timeoutSeconds=abc",
		"watch=true&timeoutSeconds=abc", "continue=garbage", "sendInitialEvents=true", "allowWatchBookmarks=sure", "fieldValidation=Bogus",
		"resourceVersionMatch=NotOlderThan", "pretty=nope", "includeUninitialized=1", "%zz=1", "labelSelector=" + strings.Repeat("a", 70000)} {
		reqs = append(reqs, badRequest{method: http.MethodGet, path: pods + "?" + q})
		reqs = append(reqs, badRequest{method: http.MethodGet, path: "/api/v1/pods?" + q})
	}
	goodBody := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"q"},"spec":{"containers":[{"name":"a","image":"i"}]}}`
	for _, q := range []string{"dryRun=Bogus", "fieldValidation=Bogus", "fieldManager=" + strings.Repeat("m", 200), "dryRun=All&dryRun=Bogus"} {
		reqs = append(reqs, badRequest{method: http.MethodPost, path: pods + "?" + q, contentType: "application/json", body: []byte(goodBody)})
	}
	for _, name := range []string{"UPPER", "a..b", "-lead", "trail-", "x%2Fy", "%00", strings.Repeat("n", 300), "..", "a b", "%ff"} {
		reqs = append(reqs, badRequest{method: http.MethodGet, path: pods + "/" + name})
		reqs = append(reqs, badRequest{method: http.MethodDelete, path: pods + "/" + name})
		reqs = append(reqs, badRequest{method: http.MethodPut, path: pods + "/" + name, contentType: "application/json", body: []byte(goodBody)})
	}
	for _, ns := range []string{"UPPER", "a_b", strings.Repeat("n", 70)} {
		reqs = append(reqs, badRequest{method: http.MethodPost, path: "/api/v1/namespaces/" + ns + "/pods", contentType: "application/json", body: []byte(goodBody)})
	}
	reqs = append(reqs,
		badRequest{method: http.MethodPut, path: pods, contentType: "application/json", body: []byte(goodBody), code: 405},
		badRequest{method: http.MethodPost, path: target, contentType: "application/json", body: []byte(goodBody), code: 405},
		badRequest{method: http.MethodGet, path: pods, accept: "application/xml", code: 406},
		badRequest{method: http.MethodGet, path: target, accept: "text/html", code: 406},
		badRequest{method: http.MethodPost, path: pods, contentType: "application/xml", body: []byte(goodBody), code: 415},
		badRequest{method: http.MethodPost, path: pods, contentType: "application/json", body: []byte(nested(0)[:0] + `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"` + strings.Repeat("a", 4<<20) + `"}}`), code: 413},
		badRequest{method: http.MethodPost, path: pods, contentType: "application/json", body: []byte(`{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"}}`), code: 400},
		badRequest{method: http.MethodPost, path: pods, contentType: "application/json", body: []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"Bad_Name"},"spec":{"containers":[{"name":"a","image":"i"}]}}`), code: 422},
		badRequest{method: http.MethodGet, path: pods + "?labelSelector=!!!", code: 400},
		badRequest{method: http.MethodGet, path: target + "/bogus", code: 404},
		badRequest{method: http.MethodGet, path: "/api/v1/namespaces/" + corpusNS + "/widgets", code: 404},
		badRequest{method: http.MethodPost, path: target + "/eviction", contentType: "application/json", body: []byte(`{"kind":"Eviction","apiVersion":"policy/v1","metadata":{"name":"other"}}`), code: 400},
		// kube's own 500: its binding validation errors are not a Status (test/fixtures sub-binding-invalid).
		badRequest{method: http.MethodPost, path: target + "/binding", contentType: "application/json", body: []byte(`{"kind":"Binding","apiVersion":"v1","metadata":{"name":"target"},"target":{"kind":"Pod","name":""}}`), code: 500},
		badRequest{method: http.MethodDelete, path: pods, contentType: "application/json", body: []byte(`{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":"soon"}`), code: 400},
		badRequest{method: http.MethodDelete, path: target, contentType: "application/json", body: []byte(`{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"not-this"}}`), code: 409},
	)
	return reqs
}

// TestMalformedInputCorpus sends the corpus to an in-process server: every answer is a Status with
// a 4xx code and kube's reason for it (or a success kube also gives), no 5xx but kube's own, the
// server stays ready, and goroutines and heap come back near where they started.
func TestMalformedInputCorpus(t *testing.T) {
	ts := framework.Start(t)
	client := ts.Client(t)
	ctx := context.Background()
	ensureNamespace(t, client, corpusNS)
	if _, err := client.CoreV1().Pods(corpusNS).Create(ctx, testPod("target"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	transport, err := rest.TransportFor(ts.ClientConfig)
	if err != nil {
		t.Fatal(err)
	}
	httpClient := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	send := func(r badRequest) (int, []byte, error) {
		req, err := http.NewRequest(r.method, ts.ClientConfig.Host+r.path, bytes.NewReader(r.body))
		if err != nil {
			return 0, nil, err
		}
		if r.contentType != "" {
			req.Header.Set("Content-Type", r.contentType)
		}
		if r.accept != "" {
			req.Header.Set("Accept", r.accept)
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, body, err
	}
	reqs := corpus()
	// One pass to warm caches and pools, then the baseline.
	for _, r := range reqs[:20] {
		_, _, _ = send(r)
	}
	goroutines0, heap0, metricG0 := settle(t, httpClient, ts)

	codes := map[int]int{}
	for i, r := range reqs {
		code, body, err := send(r)
		if err != nil {
			t.Errorf("#%d %s %s (%s): no answer: %v", i, r.method, short(r.path), r.contentType, err)
			continue
		}
		codes[code]++
		if r.code != 0 && code != r.code {
			t.Errorf("#%d %s %s (%s): %d; kube answers %d: %s", i, r.method, short(r.path), r.contentType, code, r.code, short(string(body)))
		}
		if code < 400 {
			continue
		}
		var status metav1.Status
		if err := json.Unmarshal(body, &status); err != nil || status.Kind != "Status" || int(status.Code) != code {
			t.Errorf("#%d %s %s (%s): %d answered with no matching Status: %s", i, r.method, short(r.path), r.contentType, code, short(string(body)))
			continue
		}
		if code >= 500 && r.code != code {
			t.Errorf("#%d %s %s (%s): server error %d: %s", i, r.method, short(r.path), r.contentType, code, status.Message)
			continue
		}
		ok := false
		for _, reason := range reasons[code] {
			ok = ok || status.Reason == reason
		}
		if !ok {
			t.Errorf("#%d %s %s (%s): %d with reason %q", i, r.method, short(r.path), r.contentType, code, status.Reason)
		}
	}
	if err := readyz(ctx, client); err != nil {
		t.Fatalf("server not ready after the corpus: %v", err)
	}
	if _, err := client.CoreV1().Pods(corpusNS).Create(ctx, testPod("after-corpus"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("a good create after the corpus: %v", err)
	}

	var goroutines int
	var heap uint64
	var metricG float64
	err = wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 60*time.Second, true, func(context.Context) (bool, error) {
		goroutines, heap, metricG = settle(t, httpClient, ts)
		return goroutines <= goroutines0+20 && heap <= heap0+64<<20, nil
	})
	var keys []int
	for c := range codes {
		keys = append(keys, c)
	}
	sort.Ints(keys)
	var summary []string
	for _, c := range keys {
		summary = append(summary, fmt.Sprintf("%d×%d", codes[c], c))
	}
	t.Logf("malformed corpus: %d requests, answers %s; goroutines %d -> %d (go_goroutines %v -> %v), heap %.1f -> %.1f MiB",
		len(reqs), strings.Join(summary, " "), goroutines0, goroutines, metricG0, metricG, float64(heap0)/(1<<20), float64(heap)/(1<<20))
	if err != nil {
		t.Errorf("goroutines or heap did not come back near their start: goroutines %d -> %d, heap %d -> %d bytes", goroutines0, goroutines, heap0, heap)
	}
}

// settle drops idle connections, collects garbage and reads the process's goroutines and heap
// and the server's go_goroutines metric.
func settle(t *testing.T, c *http.Client, ts *framework.TestServer) (int, uint64, float64) {
	t.Helper()
	c.CloseIdleConnections()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var g float64
	if b, err := ts.Client(t).CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background()); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "go_goroutines "); ok {
				_, _ = fmt.Sscan(v, &g)
			}
		}
	}
	return runtime.NumGoroutine(), ms.HeapAlloc, g
}

func short(s string) string {
	if len(s) > 160 {
		return s[:160] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return s
}
