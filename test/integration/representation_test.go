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
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

const (
	protobufContentType = "application/vnd.kubernetes.protobuf"
	tableAccept         = "application/json;as=Table;v=v1;g=meta.k8s.io"
	partialAccept       = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"
	partialListAccept   = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
)

// rawResponse keeps a whole HTTP exchange so that a failed assertion can show exactly what the
// server sent.
type rawResponse struct {
	status      int
	contentType string
	body        []byte
}

func (r rawResponse) String() string {
	return fmt.Sprintf("HTTP %d, Content-Type %q, body %q", r.status, r.contentType, r.body)
}

// rawRequest talks HTTP directly so that the Accept and Content-Type headers are exactly the ones a
// test names, which client-go would otherwise negotiate on its own.
func rawRequest(t *testing.T, cfg *rest.Config, method, path, accept, contentType string, body []byte) rawResponse {
	t.Helper()
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(cfg.Host, "/")+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return rawResponse{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: b}
}

// rawGetOK fails the test unless the GET answers 200, and returns the exchange.
func rawGetOK(t *testing.T, cfg *rest.Config, path, accept string) rawResponse {
	t.Helper()
	r := rawRequest(t, cfg, http.MethodGet, path, accept, "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s (Accept %q): %v", path, accept, r)
	}
	return r
}

func decodeJSON(t *testing.T, r rawResponse, into interface{}) {
	t.Helper()
	if err := json.Unmarshal(r.body, into); err != nil {
		t.Fatalf("decoding %T: %v; response %v", into, err, r)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func TestRepresentations(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ts.CreateNamespaces(t, "proto")
	ctx := context.Background()
	client := ts.Client(t)
	pods := client.CoreV1().Pods("default")
	if _, err := pods.Create(ctx, framework.NewPod("repr"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	scheduled := framework.NewPod("repr-scheduled")
	scheduled.Spec.NodeName = "node-1"
	if _, err := pods.Create(ctx, scheduled, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const podPath = "/api/v1/namespaces/default/pods/repr"
	const listPath = "/api/v1/namespaces/default/pods"
	cfg := ts.ClientConfig

	t.Run("JSON", func(t *testing.T) {
		r := rawGetOK(t, cfg, podPath, "application/json")
		if r.contentType != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", r.contentType)
		}
		// Compact unless asked otherwise: kubectl and controllers pay for every byte.
		if bytes.Contains(bytes.TrimSpace(r.body), []byte("\n")) {
			t.Errorf("JSON without pretty=true is indented: %v", r)
		}
		var pod corev1.Pod
		decodeJSON(t, r, &pod)
		if pod.Kind != "Pod" || pod.APIVersion != "v1" || pod.Name != "repr" || pod.Namespace != "default" {
			t.Errorf("got %s %s %s/%s, want v1 Pod default/repr", pod.APIVersion, pod.Kind, pod.Namespace, pod.Name)
		}
		if len(pod.Spec.Containers) != 1 || pod.Spec.Containers[0].Image != "busybox:1.36" {
			t.Errorf("spec did not round-trip: %+v", pod.Spec.Containers)
		}

		r = rawGetOK(t, cfg, listPath, "application/json")
		var list corev1.PodList
		decodeJSON(t, r, &list)
		if list.Kind != "PodList" || list.APIVersion != "v1" || len(list.Items) != 2 || list.ResourceVersion == "" {
			t.Errorf("list: %s %s, %d items, resourceVersion %q; want v1 PodList with 2 items and a resourceVersion", list.APIVersion, list.Kind, len(list.Items), list.ResourceVersion)
		}
	})

	t.Run("pretty JSON", func(t *testing.T) {
		compact := rawGetOK(t, cfg, podPath, "application/json")
		pretty := rawGetOK(t, cfg, podPath+"?pretty=true", "application/json")
		if !bytes.HasPrefix(pretty.body, []byte("{\n  \"kind\": \"Pod\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {\n    \"name\": \"repr\",")) {
			t.Errorf("pretty=true is not indented JSON: %v", pretty)
		}
		// Indentation is the only difference allowed: managedFields are raw JSON, so comparing
		// decoded objects would trip over their whitespace.
		var recompacted bytes.Buffer
		if err := json.Compact(&recompacted, pretty.body); err != nil {
			t.Fatalf("pretty=true is not JSON: %v; %v", err, pretty)
		}
		if !bytes.Equal(recompacted.Bytes(), bytes.TrimSpace(compact.body)) {
			t.Errorf("pretty=true changed the object:\n%s\n%s", compact.body, pretty.body)
		}
	})

	t.Run("YAML", func(t *testing.T) {
		r := rawGetOK(t, cfg, podPath, "application/yaml")
		if r.contentType != "application/yaml" {
			t.Errorf("Content-Type = %q, want application/yaml", r.contentType)
		}
		if !bytes.HasPrefix(r.body, []byte("apiVersion: v1\nkind: Pod\nmetadata:\n")) {
			t.Errorf("not YAML: %v", r)
		}
		var pod corev1.Pod
		if err := utilyaml.Unmarshal(r.body, &pod); err != nil {
			t.Fatalf("decoding YAML: %v; %v", err, r)
		}
		if pod.Name != "repr" || len(pod.Spec.Containers) != 1 || pod.Spec.Containers[0].Image != "busybox:1.36" {
			t.Errorf("YAML pod: %+v", pod)
		}

		r = rawGetOK(t, cfg, listPath, "application/yaml")
		var list corev1.PodList
		if err := utilyaml.Unmarshal(r.body, &list); err != nil {
			t.Fatalf("decoding YAML list: %v; %v", err, r)
		}
		if list.Kind != "PodList" || len(list.Items) != 2 {
			t.Errorf("YAML list: kind %q, %d items; want PodList with 2", list.Kind, len(list.Items))
		}
	})

	t.Run("protobuf", func(t *testing.T) {
		r := rawGetOK(t, cfg, podPath, protobufContentType)
		if r.contentType != protobufContentType {
			t.Errorf("Content-Type = %q, want %s", r.contentType, protobufContentType)
		}
		if !bytes.HasPrefix(r.body, []byte("k8s\x00")) {
			t.Fatalf("protobuf response lacks the k8s magic: %v", r)
		}
		obj, err := runtime.Decode(scheme.Codecs.UniversalDeserializer(), r.body)
		if err != nil {
			t.Fatalf("decoding protobuf: %v", err)
		}
		if pod, ok := obj.(*corev1.Pod); !ok || pod.Name != "repr" || pod.Spec.Containers[0].Image != "busybox:1.36" {
			t.Errorf("protobuf GET decoded to %#v", obj)
		}

		r = rawGetOK(t, cfg, listPath, protobufContentType)
		if !bytes.HasPrefix(r.body, []byte("k8s\x00")) {
			t.Fatalf("protobuf list lacks the k8s magic: %v", r)
		}
		obj, err = runtime.Decode(scheme.Codecs.UniversalDeserializer(), r.body)
		if err != nil {
			t.Fatalf("decoding protobuf list: %v", err)
		}
		if list, ok := obj.(*corev1.PodList); !ok || len(list.Items) != 2 {
			t.Errorf("protobuf LIST decoded to %#v", obj)
		}
	})

	t.Run("protobuf body", func(t *testing.T) {
		encoder := scheme.Codecs.EncoderForVersion(protobuf.NewSerializer(scheme.Scheme, scheme.Scheme), corev1.SchemeGroupVersion)
		body, err := runtime.Encode(encoder, framework.NewPod("raw-proto"))
		if err != nil {
			t.Fatal(err)
		}
		r := rawRequest(t, cfg, http.MethodPost, "/api/v1/namespaces/proto/pods", "application/json", protobufContentType, body)
		if r.status != http.StatusCreated {
			t.Fatalf("POST with a protobuf body: %v", r)
		}
		var pod corev1.Pod
		decodeJSON(t, r, &pod)
		if pod.Name != "raw-proto" || pod.Namespace != "proto" || pod.Labels["app"] != "demo" || pod.Spec.Containers[0].Image != "busybox:1.36" {
			t.Errorf("created from protobuf: %+v", pod)
		}
	})

	t.Run("protobuf clientset", func(t *testing.T) {
		protoCfg := rest.CopyConfig(cfg)
		protoCfg.ContentType = protobufContentType
		protoCfg.AcceptContentTypes = protobufContentType
		var mu sync.Mutex
		var exchanges []string
		// Without looking at the wire, a server that quietly answered JSON would pass unnoticed.
		protoCfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(req *http.Request) (*http.Response, error) {
				resp, err := rt.RoundTrip(req)
				if err == nil {
					mu.Lock()
					exchanges = append(exchanges, fmt.Sprintf("%s %s sent %q got %d %q", req.Method, req.URL.Path, req.Header.Get("Content-Type"), resp.StatusCode, resp.Header.Get("Content-Type")))
					mu.Unlock()
				}
				return resp, err
			})
		})
		protoPods := framework.ClientFor(t, protoCfg).CoreV1().Pods("proto")
		pod := framework.NewPod("client-proto")
		pod.Labels["via"] = "protobuf"
		created, err := protoPods.Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("protobuf create: %v", err)
		}
		if created.UID == "" || created.Labels["via"] != "protobuf" {
			t.Errorf("protobuf create returned %+v", created.ObjectMeta)
		}
		got, err := protoPods.Get(ctx, "client-proto", metav1.GetOptions{})
		if err != nil || got.Spec.Containers[0].Image != "busybox:1.36" {
			t.Fatalf("protobuf get: %v %+v", err, got)
		}
		list, err := protoPods.List(ctx, metav1.ListOptions{})
		if err != nil || len(list.Items) != 2 {
			t.Fatalf("protobuf list: %v, want the 2 pods of namespace proto", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(exchanges) != 3 {
			t.Fatalf("expected 3 requests, saw %q", exchanges)
		}
		want := []string{
			fmt.Sprintf("POST /api/v1/namespaces/proto/pods sent %q got 201 %q", protobufContentType, protobufContentType),
			fmt.Sprintf("GET /api/v1/namespaces/proto/pods/client-proto sent \"\" got 200 %q", protobufContentType),
			fmt.Sprintf("GET /api/v1/namespaces/proto/pods sent \"\" got 200 %q", protobufContentType),
		}
		if !reflect.DeepEqual(exchanges, want) {
			t.Errorf("wire exchanges:\n got %q\nwant %q", exchanges, want)
		}

		// The JSON view must show what the protobuf client wrote.
		viaJSON, err := client.CoreV1().Pods("proto").Get(ctx, "client-proto", metav1.GetOptions{})
		if err != nil || viaJSON.Labels["via"] != "protobuf" || viaJSON.UID != created.UID {
			t.Errorf("JSON get of the protobuf-created pod: %v %+v", err, viaJSON)
		}
	})

	t.Run("Table", func(t *testing.T) {
		wantColumns := []string{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"}
		r := rawGetOK(t, cfg, listPath, tableAccept)
		var table metav1.Table
		decodeJSON(t, r, &table)
		if table.Kind != "Table" || table.APIVersion != "meta.k8s.io/v1" {
			t.Errorf("got %s %s, want meta.k8s.io/v1 Table", table.APIVersion, table.Kind)
		}
		if table.ResourceVersion == "" {
			t.Errorf("table of a list has no resourceVersion: %v", r)
		}
		var columns []string
		for _, c := range table.ColumnDefinitions {
			columns = append(columns, c.Name)
		}
		if !reflect.DeepEqual(columns, wantColumns) {
			t.Errorf("columns = %q, want %q", columns, wantColumns)
		}
		if len(table.Rows) != 2 {
			t.Fatalf("%d rows, want 2: %v", len(table.Rows), r)
		}
		rows := map[string]metav1.TableRow{}
		for _, row := range table.Rows {
			if len(row.Cells) != len(wantColumns) {
				t.Fatalf("row has %d cells, want %d: %v", len(row.Cells), len(wantColumns), row.Cells)
			}
			name, _ := row.Cells[0].(string)
			rows[name] = row
		}
		for name, node := range map[string]string{"repr": "<none>", "repr-scheduled": "node-1"} {
			cells := rows[name].Cells
			if cells == nil {
				t.Errorf("no row for %s: %v", name, r)
				continue
			}
			want := []interface{}{name, "0/1", "Pending", "0", cells[4], "<none>", node, "<none>", "<none>"}
			if !reflect.DeepEqual(cells, want) {
				t.Errorf("row %s = %#v, want %#v", name, cells, want)
			}
			if age, _ := cells[4].(string); age == "" {
				t.Errorf("row %s has no age: %#v", name, cells)
			}
			// Without includeObject the rows carry metadata only, as kube-apiserver's do.
			var partial metav1.PartialObjectMetadata
			if err := json.Unmarshal(rows[name].Object.Raw, &partial); err != nil {
				t.Fatalf("row object: %v: %s", err, rows[name].Object.Raw)
			}
			if partial.Kind != "PartialObjectMetadata" || partial.APIVersion != "meta.k8s.io/v1" || partial.Name != name || partial.UID == "" {
				t.Errorf("row object of %s: %s", name, rows[name].Object.Raw)
			}
		}

		r = rawGetOK(t, cfg, podPath, tableAccept)
		table = metav1.Table{}
		decodeJSON(t, r, &table)
		if table.Kind != "Table" || len(table.Rows) != 1 || len(table.Rows[0].Cells) != len(wantColumns) || table.Rows[0].Cells[0] != "repr" {
			t.Errorf("table of a single pod: %v", r)
		}
		if len(table.ColumnDefinitions) != len(wantColumns) {
			t.Errorf("table of a single pod has %d columns, want %d", len(table.ColumnDefinitions), len(wantColumns))
		}

		r = rawGetOK(t, cfg, podPath+"?includeObject=Object", tableAccept)
		table = metav1.Table{}
		decodeJSON(t, r, &table)
		if len(table.Rows) != 1 {
			t.Fatalf("includeObject=Object: %v", r)
		}
		var full corev1.Pod
		if err := json.Unmarshal(table.Rows[0].Object.Raw, &full); err != nil {
			t.Fatalf("row object: %v: %s", err, table.Rows[0].Object.Raw)
		}
		if full.Kind != "Pod" || full.APIVersion != "v1" || full.Name != "repr" || len(full.Spec.Containers) != 1 {
			t.Errorf("includeObject=Object row object: %s", table.Rows[0].Object.Raw)
		}

		r = rawGetOK(t, cfg, listPath+"?includeObject=None", tableAccept)
		table = metav1.Table{}
		decodeJSON(t, r, &table)
		for _, row := range table.Rows {
			if len(row.Object.Raw) != 0 {
				t.Errorf("includeObject=None still carries objects: %v", r)
				break
			}
		}
	})

	t.Run("PartialObjectMetadata", func(t *testing.T) {
		r := rawGetOK(t, cfg, podPath, partialAccept)
		var partial metav1.PartialObjectMetadata
		decodeJSON(t, r, &partial)
		if partial.Kind != "PartialObjectMetadata" || partial.APIVersion != "meta.k8s.io/v1" || partial.Name != "repr" || partial.Labels["app"] != "demo" || partial.UID == "" {
			t.Errorf("PartialObjectMetadata: %v", r)
		}
		if bytes.Contains(r.body, []byte(`"spec"`)) || bytes.Contains(r.body, []byte(`"status"`)) {
			t.Errorf("PartialObjectMetadata carries more than metadata: %v", r)
		}

		r = rawGetOK(t, cfg, listPath, partialListAccept)
		var list metav1.PartialObjectMetadataList
		decodeJSON(t, r, &list)
		if list.Kind != "PartialObjectMetadataList" || list.APIVersion != "meta.k8s.io/v1" || len(list.Items) != 2 || list.ResourceVersion == "" {
			t.Errorf("PartialObjectMetadataList: %v", r)
		}
		if bytes.Contains(r.body, []byte(`"containers"`)) {
			t.Errorf("PartialObjectMetadataList carries more than metadata: %v", r)
		}

		md := metadata.NewForConfigOrDie(cfg).Resource(corev1.SchemeGroupVersion.WithResource("pods")).Namespace("default")
		got, err := md.Get(ctx, "repr", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("metadata client get: %v", err)
		}
		if got.Name != "repr" || got.Labels["app"] != "demo" || got.UID == "" {
			t.Errorf("metadata client get: %+v", got)
		}
		mdList, err := md.List(ctx, metav1.ListOptions{LabelSelector: "app=demo"})
		if err != nil {
			t.Fatalf("metadata client list: %v", err)
		}
		var names []string
		for _, item := range mdList.Items {
			names = append(names, item.Name)
		}
		sort.Strings(names)
		if !reflect.DeepEqual(names, []string{"repr", "repr-scheduled"}) {
			t.Errorf("metadata client list = %q", names)
		}
	})

	t.Run("unacceptable media type", func(t *testing.T) {
		r := rawRequest(t, cfg, http.MethodGet, podPath, "text/plain", "", nil)
		if r.status != http.StatusNotAcceptable {
			t.Errorf("Accept text/plain: %v, want 406", r)
		}
	})
}

func TestDeleteOptions(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ts.CreateNamespaces(t, "delete-collection", "delete-collection-other", "grace", "propagation", "finalizer")
	ctx := context.Background()
	client := ts.Client(t)

	t.Run("deletecollection with a label selector", func(t *testing.T) {
		pods := client.CoreV1().Pods("delete-collection")
		for i, group := range []string{"a", "a", "b", "a", "b"} {
			pod := framework.NewPod(fmt.Sprintf("p%d", i))
			pod.Labels["group"] = group
			if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		// The same labels in another namespace must survive a namespaced deletecollection.
		bystander := framework.NewPod("p0")
		bystander.Labels["group"] = "a"
		if _, err := client.CoreV1().Pods("delete-collection-other").Create(ctx, bystander, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}

		if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "group=a"}); err != nil {
			t.Fatalf("deletecollection: %v", err)
		}
		list, err := pods.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range list.Items {
			names = append(names, p.Name)
		}
		sort.Strings(names)
		if !reflect.DeepEqual(names, []string{"p2", "p4"}) {
			t.Errorf("after deleting group=a, left %q; want [p2 p4]", names)
		}
		if _, err := client.CoreV1().Pods("delete-collection-other").Get(ctx, "p0", metav1.GetOptions{}); err != nil {
			t.Errorf("deletecollection reached into another namespace: %v", err)
		}
	})

	t.Run("gracePeriodSeconds", func(t *testing.T) {
		pods := client.CoreV1().Pods("grace")
		pod := framework.NewPod("graceful")
		// Only a pod bound to a node has a kubelet to wait for, so only it is deleted gracefully.
		pod.Spec.NodeName = "node-1"
		created, err := pods.Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		before := time.Now()
		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](30)}); err != nil {
			t.Fatalf("delete with grace 30: %v", err)
		}
		got, err := pods.Get(ctx, "graceful", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("a scheduled pod must outlive a graceful delete: %v", err)
		}
		if got.DeletionTimestamp == nil || got.DeletionGracePeriodSeconds == nil || *got.DeletionGracePeriodSeconds != 30 {
			t.Fatalf("after delete with grace 30: deletionTimestamp %v, deletionGracePeriodSeconds %v", got.DeletionTimestamp, ptr.Deref(got.DeletionGracePeriodSeconds, -1))
		}
		if d := got.DeletionTimestamp.Sub(before); d < 28*time.Second || d > 35*time.Second {
			t.Errorf("deletionTimestamp is %v after the delete, want about 30s", d)
		}
		if got.Generation != created.Generation+1 {
			t.Errorf("generation %d after the start of graceful deletion, want %d", got.Generation, created.Generation+1)
		}
		first := got.DeletionTimestamp.Time

		// The query parameter is how kubectl and curl users give the grace period.
		r := rawRequest(t, ts.ClientConfig, http.MethodDelete, "/api/v1/namespaces/grace/pods/graceful?gracePeriodSeconds=10", "application/json", "", nil)
		if r.status != http.StatusOK {
			t.Fatalf("delete with gracePeriodSeconds=10: %v", r)
		}
		var returned corev1.Pod
		decodeJSON(t, r, &returned)
		if returned.Name != "graceful" || ptr.Deref(returned.DeletionGracePeriodSeconds, -1) != 10 {
			t.Errorf("delete with grace 10 returned %v", r)
		}
		got, err = pods.Get(ctx, "graceful", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ptr.Deref(got.DeletionGracePeriodSeconds, -1) != 10 {
			t.Errorf("deletionGracePeriodSeconds = %d after a shorter grace, want 10", ptr.Deref(got.DeletionGracePeriodSeconds, -1))
		}
		if want := first.Add(-20 * time.Second); got.DeletionTimestamp == nil || !got.DeletionTimestamp.Time.Equal(want) {
			t.Errorf("deletionTimestamp = %v, want it moved 20s earlier to %v", got.DeletionTimestamp, want)
		}
		if got.Generation != created.Generation+1 {
			t.Errorf("generation %d, want %d: only the start of graceful deletion bumps it", got.Generation, created.Generation+1)
		}

		// A grace period may only ever be shortened.
		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](60)}); err != nil {
			t.Fatalf("delete with a longer grace: %v", err)
		}
		got, err = pods.Get(ctx, "graceful", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ptr.Deref(got.DeletionGracePeriodSeconds, -1) != 10 {
			t.Errorf("a longer grace changed deletionGracePeriodSeconds to %d, want 10", ptr.Deref(got.DeletionGracePeriodSeconds, -1))
		}

		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatalf("delete with grace 0: %v", err)
		}
		if _, err := pods.Get(ctx, "graceful", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("after grace 0: got %v, want NotFound", err)
		}
	})

	// Foreground and orphan deletion hand the pod to a garbage collector through a finalizer, as
	// kube-apiserver's generic store does. Nothing here runs one, so the pod waits until a client
	// removes the finalizer.
	for _, tc := range []struct {
		name      string
		options   metav1.DeleteOptions
		finalizer string
	}{
		{"propagationPolicy=Foreground", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationForeground)}, metav1.FinalizerDeleteDependents},
		{"propagationPolicy=Orphan", metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationOrphan)}, metav1.FinalizerOrphanDependents},
		{"orphanDependents=true", metav1.DeleteOptions{OrphanDependents: ptr.To(true)}, metav1.FinalizerOrphanDependents},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pods := client.CoreV1().Pods("propagation")
			name := strings.ToLower(strings.NewReplacer("=", "-").Replace(tc.name))
			if _, err := pods.Create(ctx, framework.NewPod(name), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := pods.Delete(ctx, name, tc.options); err != nil {
				t.Fatalf("delete: %v", err)
			}
			got, err := pods.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("pod gone at once, want it kept for the garbage collector: %v", err)
			}
			if !reflect.DeepEqual(got.Finalizers, []string{tc.finalizer}) || got.DeletionTimestamp == nil || ptr.Deref(got.DeletionGracePeriodSeconds, -1) != 0 {
				t.Errorf("finalizers %q, deletionTimestamp %v, deletionGracePeriodSeconds %d; want [%s], set, 0",
					got.Finalizers, got.DeletionTimestamp, ptr.Deref(got.DeletionGracePeriodSeconds, -1), tc.finalizer)
			}
			got.Finalizers = nil
			if _, err := pods.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("removing the finalizer: %v", err)
			}
			if _, err := pods.Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("after the finalizer went: got %v, want NotFound", err)
			}
		})
	}

	t.Run("orphanDependents with propagationPolicy", func(t *testing.T) {
		pods := client.CoreV1().Pods("propagation")
		if _, err := pods.Create(ctx, framework.NewPod("both"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		err := pods.Delete(ctx, "both", metav1.DeleteOptions{OrphanDependents: ptr.To(false), PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)})
		if !apierrors.IsInvalid(err) {
			t.Errorf("orphanDependents and propagationPolicy together: got %v, want 422 Invalid", err)
		}
		if _, err := pods.Get(ctx, "both", metav1.GetOptions{}); err != nil {
			t.Errorf("a rejected delete removed the pod: %v", err)
		}
	})

	t.Run("finalizer", func(t *testing.T) {
		pods := client.CoreV1().Pods("finalizer")
		pod := framework.NewPod("held")
		pod.Finalizers = []string{"example.com/hold"}
		if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := pods.Delete(ctx, "held", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %v", err)
		}
		got, err := pods.Get(ctx, "held", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("a pod with a finalizer must outlive its delete: %v", err)
		}
		if got.DeletionTimestamp == nil || !reflect.DeepEqual(got.Finalizers, []string{"example.com/hold"}) {
			t.Fatalf("after delete: deletionTimestamp %v, finalizers %q", got.DeletionTimestamp, got.Finalizers)
		}

		// Updates that keep the finalizer must not finish the deletion.
		got.Labels["seen"] = "yes"
		got, err = pods.Update(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("label update while terminating: %v", err)
		}
		if _, err := pods.Get(ctx, "held", metav1.GetOptions{}); err != nil {
			t.Fatalf("an update that kept the finalizer removed the pod: %v", err)
		}

		got.Finalizers = nil
		if _, err := pods.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("removing the finalizer: %v", err)
		}
		if _, err := pods.Get(ctx, "held", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("after the finalizer went: got %v, want NotFound", err)
		}
	})
}
