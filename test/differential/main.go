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

// Command differential sends the same seeded random pod requests to pod-apiserver and to
// kube-apiserver and prints how often they agree. Every request starts from a valid pod and
// sets one field path of the Pod type (found by reflection over k8s.io/api core/v1, so every
// field is reachable) to a value drawn from a pool of valid and invalid values of its kind; the
// request is a create, an update, a status update, a merge patch or a server-side apply. Two
// answers agree when their HTTP code is equal and, for errors, their reason and the set of
// causes (field and type); for successes, the returned pods equal once the volatile metadata is
// left out. `make test-differential` runs it (hack/test-differential.sh).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	podKubeconfig := flag.String("pod-kubeconfig", "", "kubeconfig of pod-apiserver")
	kubeKubeconfig := flag.String("kube-kubeconfig", "", "kubeconfig of kube-apiserver")
	namespace := flag.String("namespace", "differential", "namespace to create pods in (must exist on kube-apiserver)")
	seed := flag.Int64("seed", 1, "random seed; the same seed sends the same requests")
	n := flag.Int("n", 500, "number of requests")
	show := flag.Int("show", 20, "disagreements to print")
	flag.Parse()
	a, err := newTarget(*podKubeconfig, *namespace)
	if err != nil {
		fail(err)
	}
	b, err := newTarget(*kubeKubeconfig, *namespace)
	if err != nil {
		fail(err)
	}
	paths := fieldPaths(reflect.TypeOf(corev1.Pod{}), nil, 0)
	rng := rand.New(rand.NewSource(*seed))
	ctx := context.Background()

	agree := 0
	codes := map[int]int{}
	byOp := map[string][2]int{}
	var disagreements []string
	for i := 0; i < *n; i++ {
		c := randomCase(rng, paths, fmt.Sprintf("d%d-%d", *seed, i))
		ra, rb := a.play(ctx, c), b.play(ctx, c)
		codes[rb.code]++
		if ra.code == 0 || rb.code == 0 {
			fail(fmt.Errorf("no answer: %v / kube: %v", ra.body["error"], rb.body["error"]))
		}
		s := byOp[c.op]
		s[1]++
		if why := differ(ra, rb); why == "" {
			agree++
			s[0]++
		} else {
			disagreements = append(disagreements, fmt.Sprintf("%s %s = %s: %s", c.op, strings.Join(c.path, "."), c.value, why))
		}
		byOp[c.op] = s
	}
	ops := make([]string, 0, len(byOp))
	for op := range byOp {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		fmt.Printf("%-7s %4d of %4d agree\n", op, byOp[op][0], byOp[op][1])
	}
	var codeList []string
	for code, count := range codes {
		codeList = append(codeList, fmt.Sprintf("%d×%d", code, count))
	}
	sort.Strings(codeList)
	fmt.Printf("kube-apiserver's answers: %s\n", strings.Join(codeList, " "))
	for i, d := range disagreements {
		if i == *show {
			fmt.Printf("... and %d more\n", len(disagreements)-i)
			break
		}
		fmt.Println("DIFFERS", d)
	}
	fmt.Printf("agreement: %d of %d requests (%.1f%%), seed %d, %d field paths\n", agree, *n, 100*float64(agree)/float64(*n), *seed, len(paths))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "differential:", err)
	os.Exit(1)
}

// A case is one request: a field path set to a value, sent as op.
type testCase struct {
	name  string
	op    string // create, update, status, patch, apply
	path  []string
	value string // JSON
}

var ops = []string{"create", "update", "status", "patch", "apply"}

func randomCase(rng *rand.Rand, paths []fieldPath, name string) testCase {
	op := ops[rng.Intn(len(ops))]
	var candidates []fieldPath
	for _, p := range paths {
		inStatus := p.path[0] == "status"
		if inStatus == (op == "status") && p.path[0] != "metadata" || (op != "status" && p.path[0] == "metadata" && len(p.path) > 1 && (p.path[1] == "labels" || p.path[1] == "annotations")) {
			candidates = append(candidates, p)
		}
	}
	p := candidates[rng.Intn(len(candidates))]
	pool := values[p.kind]
	return testCase{name: name, op: op, path: p.path, value: pool[rng.Intn(len(pool))]}
}

// fieldPath is a JSON path into a Pod; "0" indexes the first element of a list and "k" is a
// key of a map.
type fieldPath struct {
	path []string
	kind string
}

var (
	quantityType = reflect.TypeOf(resource.Quantity{})
	intOrString  = reflect.TypeOf(intstr.IntOrString{})
	timeType     = reflect.TypeOf(metav1.Time{})
)

// fieldPaths lists the leaf paths of t by its JSON names.
func fieldPaths(t reflect.Type, prefix []string, depth int) []fieldPath {
	if depth > 12 {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	leaf := func(kind string) []fieldPath {
		return []fieldPath{{path: append([]string(nil), prefix...), kind: kind}}
	}
	switch t {
	case quantityType:
		return leaf("quantity")
	case intOrString:
		return leaf("intstr")
	case timeType:
		return leaf("time")
	}
	switch t.Kind() {
	case reflect.String:
		return leaf("string")
	case reflect.Bool:
		return leaf("bool")
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint8:
		return leaf("int")
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return leaf("string")
		}
		return fieldPaths(t.Elem(), append(prefix, "0"), depth+1)
	case reflect.Map:
		return fieldPaths(t.Elem(), append(prefix, "k"), depth+1)
	case reflect.Struct:
		var out []fieldPath
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" { // inline
				out = append(out, fieldPaths(f.Type, prefix, depth)...)
				continue
			}
			if len(prefix) == 0 && (name == "apiVersion" || name == "kind") {
				continue
			}
			if len(prefix) == 1 && prefix[0] == "metadata" && name != "labels" && name != "annotations" {
				continue
			}
			out = append(out, fieldPaths(f.Type, append(append([]string(nil), prefix...), name), depth+1)...)
		}
		return out
	}
	return nil
}

// values are the pools drawn from, as JSON: valid values, edge cases and plainly wrong ones.
var values = map[string][]string{
	"string":   {`""`, `"a"`, `"Bad_Name"`, `"-1"`, `"/abs/path"`, `"../x"`, `"a/b"`, `"example.com/x"`, `"Always"`, `"TCP"`, `"None"`, `"` + strings.Repeat("x", 300) + `"`, `"ä"`, `"1.2.3.4"`, `"RuntimeDefault"`},
	"int":      {`0`, `1`, `-1`, `65536`, `30`, `2147483648`},
	"bool":     {`true`, `false`},
	"quantity": {`"1"`, `"-1"`, `"100m"`, `"1.5Gi"`, `"0"`},
	"intstr":   {`0`, `80`, `"http"`, `"Bad_Port"`, `-1`},
	"time":     {`"2024-01-01T00:00:00Z"`},
}

func basePod(name string) map[string]interface{} {
	return map[string]interface{}{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]interface{}{"name": name, "labels": map[string]interface{}{"app": "d"}},
		"spec": map[string]interface{}{
			"containers": []interface{}{map[string]interface{}{"name": "c", "image": "busybox:1.36"}},
		},
	}
}

// set puts value at path in obj, creating what is missing; an existing list's first element is
// changed in place, so the base pod's container stays valid apart from the one field.
func set(obj map[string]interface{}, path []string, value interface{}) {
	var cur interface{} = obj
	for i, key := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]interface{}:
			if last {
				c[key] = value
				return
			}
			next, ok := c[key]
			if !ok || next == nil {
				if path[i+1] == "0" {
					next = []interface{}{map[string]interface{}{}}
				} else {
					next = map[string]interface{}{}
				}
				c[key] = next
			}
			cur = next
		case []interface{}:
			if len(c) == 0 {
				return
			}
			if last {
				c[0] = value
				return
			}
			if _, ok := c[0].(map[string]interface{}); !ok && path[i+1] != "0" {
				c[0] = map[string]interface{}{}
			}
			cur = c[0]
		default:
			return
		}
	}
}

type answer struct {
	code int
	body map[string]interface{}
}

type target struct {
	host, namespace string
	client          *http.Client
}

func newTarget(kubeconfig, namespace string) (*target, error) {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	client, err := rest.HTTPClientFor(config)
	if err != nil {
		return nil, err
	}
	return &target{host: strings.TrimSuffix(config.Host, "/"), namespace: namespace, client: client}, nil
}

func (t *target) do(ctx context.Context, method, path, contentType string, body interface{}) answer {
	var reader io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		reader = bytes.NewReader(data)
	}
	u := t.host + "/api/v1/namespaces/" + t.namespace + "/pods" + path
	req, err := http.NewRequestWithContext(ctx, method, u, reader)
	if err != nil {
		return answer{body: map[string]interface{}{"error": err.Error()}}
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return answer{body: map[string]interface{}{"error": err.Error()}}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	a := answer{code: resp.StatusCode}
	_ = json.Unmarshal(data, &a.body)
	return a
}

// play sends c and returns the answer to its last request; the pod is deleted afterwards.
func (t *target) play(ctx context.Context, c testCase) answer {
	var value interface{}
	_ = json.Unmarshal([]byte(c.value), &value)
	pod := basePod(c.name)
	defer t.do(ctx, http.MethodDelete, "/"+c.name, "application/json", map[string]interface{}{"gracePeriodSeconds": 0})
	if c.op == "create" {
		set(pod, c.path, value)
		return t.do(ctx, http.MethodPost, "", "application/json", pod)
	}
	if c.op == "apply" {
		set(pod, c.path, value)
		return t.do(ctx, http.MethodPatch, "/"+c.name+"?fieldManager=differential&force=true", "application/apply-patch+yaml", pod)
	}
	created := t.do(ctx, http.MethodPost, "", "application/json", pod)
	if created.code != http.StatusCreated {
		return created
	}
	switch c.op {
	case "patch":
		patch := map[string]interface{}{}
		set(patch, c.path, value)
		return t.do(ctx, http.MethodPatch, "/"+c.name, "application/merge-patch+json", patch)
	case "status":
		set(created.body, c.path, value)
		return t.do(ctx, http.MethodPut, "/"+c.name+"/status", "application/json", created.body)
	default: // update
		set(created.body, c.path, value)
		return t.do(ctx, http.MethodPut, "/"+c.name, "application/json", created.body)
	}
}

// differ says how two answers differ, or "" when they agree.
func differ(a, b answer) string {
	if a.code != b.code {
		return fmt.Sprintf("code %d, kube %d (%s | kube: %s)", a.code, b.code, message(a), message(b))
	}
	if a.body["kind"] == "Status" || b.body["kind"] == "Status" {
		if ra, rb := a.body["reason"], b.body["reason"]; ra != rb {
			return fmt.Sprintf("reason %v, kube %v", ra, rb)
		}
		if ca, cb := causes(a), causes(b); ca != cb {
			return fmt.Sprintf("causes %s, kube %s", ca, cb)
		}
		return ""
	}
	sa, sb := stable(a.body), stable(b.body)
	if sa != sb {
		return "objects differ:\n  ours " + sa + "\n  kube " + sb
	}
	return ""
}

func message(a answer) string {
	if m, ok := a.body["message"].(string); ok {
		return m
	}
	return ""
}

func causes(a answer) string {
	details, _ := a.body["details"].(map[string]interface{})
	list, _ := details["causes"].([]interface{})
	var out []string
	for _, c := range list {
		m, _ := c.(map[string]interface{})
		out = append(out, fmt.Sprintf("%v/%v", m["field"], m["reason"]))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// stable renders a pod without what differs between servers on every run.
func stable(obj map[string]interface{}) string {
	if meta, ok := obj["metadata"].(map[string]interface{}); ok {
		for _, k := range []string{"uid", "resourceVersion", "creationTimestamp", "managedFields", "deletionTimestamp"} {
			delete(meta, k)
		}
	}
	if status, ok := obj["status"].(map[string]interface{}); ok {
		if conds, ok := status["conditions"].([]interface{}); ok {
			for _, c := range conds {
				if m, ok := c.(map[string]interface{}); ok {
					delete(m, "lastTransitionTime")
					delete(m, "lastProbeTime")
				}
			}
		}
	}
	data, _ := json.Marshal(obj)
	return string(data)
}
