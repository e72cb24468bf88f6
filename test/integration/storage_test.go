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
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

func etcdClient(t *testing.T, ts *framework.TestServer) *clientv3.Client {
	t.Helper()
	client, err := clientv3.New(clientv3.Config{Endpoints: []string{ts.EtcdEndpoint()}, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// Pods must be stored where and as kube-apiserver stores them, so that either server can read
// the other's data: protobuf with the Kubernetes envelope under <prefix>/pods/<ns>/<name>.
func TestStorageLayoutMatchesKubeAPIServer(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ts.CreateNamespaces(t, "team-a")
	ctx := context.Background()
	if _, err := ts.Client(t).CoreV1().Pods("team-a").Create(ctx, framework.NewPod("stored"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	key := ts.EtcdPrefix() + "/pods/team-a/stored"
	resp, err := etcdClient(t, ts).Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) != 1 {
		t.Fatalf("no etcd key %s", key)
	}
	value := resp.Kvs[0].Value
	if !bytes.HasPrefix(value, []byte("k8s\x00")) {
		t.Fatalf("value is not protobuf-encoded: %q", value[:min(len(value), 20)])
	}
	if !bytes.Contains(value, []byte("\n\x02v1\x12\x03Pod")) {
		t.Errorf("protobuf envelope does not carry apiVersion v1 kind Pod: %q", value[:min(len(value), 40)])
	}
}

func TestRestartKeepsPodsAndKubeconfig(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first := framework.StartAt(t, dir, 0)
	port := first.Port()
	pods := first.Client(t).CoreV1().Pods("default")
	for _, name := range []string{"survivor-1", "survivor-2"} {
		if _, err := pods.Create(ctx, framework.NewPod(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	kubeconfigBefore, err := os.ReadFile(first.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	first.Stop(t)

	second := framework.StartAt(t, dir, port)
	kubeconfigAfter, err := os.ReadFile(second.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kubeconfigBefore, kubeconfigAfter) {
		t.Errorf("kubeconfig changed across a restart on the same data dir and port")
	}
	// The kubeconfig handed out before the restart still authenticates.
	oldConfig, err := clientcmd.RESTConfigFromKubeConfig(kubeconfigBefore)
	if err != nil {
		t.Fatal(err)
	}
	list, err := framework.ClientFor(t, oldConfig).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("old kubeconfig after restart: %v", err)
	}
	names := map[string]bool{}
	for _, p := range list.Items {
		names[p.Name] = true
	}
	if !names["survivor-1"] || !names["survivor-2"] {
		t.Errorf("pods after restart: %v", names)
	}
}

// With the watch cache on, a continue token is served from the cache's snapshot for as long as
// the cache keeps it (as in kube-apiserver), so expiry is observable without the cache, where
// every page is read from etcd.
func TestExpiredContinueIsGone(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t, func(o *server.Options) { o.Recommended.Etcd.EnableWatchCache = false })
	ts.CreateNamespaces(t, "expiry")
	ctx := context.Background()
	client := ts.Client(t)
	createPods(t, client, "expiry", "e", 30, nil)
	pods := client.CoreV1().Pods("expiry")
	page, err := pods.List(ctx, metav1.ListOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Writes after the snapshot, then a compaction past it, make the snapshot unreadable.
	createPods(t, client, "expiry", "later", 5, nil)
	etcd := etcdClient(t, ts)
	status, err := etcd.Get(ctx, "compact-me")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := etcd.Compact(ctx, status.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}

	// The watch cache may still serve the page until it notices the compaction.
	var listErr error
	_ = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		_, listErr = pods.List(ctx, metav1.ListOptions{Limit: 10, Continue: page.Continue})
		return listErr != nil, nil
	})
	if !apierrors.IsResourceExpired(listErr) && !apierrors.IsGone(listErr) {
		t.Fatalf("continue after compaction: got %v, want 410 Expired", listErr)
	}
	statusErr := listErr.(apierrors.APIStatus).Status()
	if statusErr.Code != 410 || !strings.Contains(statusErr.Message, "continue") {
		t.Errorf("status %d %q", statusErr.Code, statusErr.Message)
	}
	// kube hands back a token to continue from the current state, inconsistently.
	if statusErr.ListMeta.Continue == "" {
		t.Fatalf("410 carries no fresh continue token")
	}
	rest, err := pods.List(ctx, metav1.ListOptions{Limit: 100, Continue: statusErr.ListMeta.Continue})
	if err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	if len(rest.Items) != 25 {
		t.Errorf("fresh token listed %d pods, want the 25 after the first page", len(rest.Items))
	}
	for _, p := range rest.Items {
		if p.Name <= page.Items[len(page.Items)-1].Name {
			t.Errorf("fresh token repeated %s", p.Name)
		}
	}
}
