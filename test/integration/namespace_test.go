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
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/pkg/embeddedetcd"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

func poll(t *testing.T, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 60*time.Second, true, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// kube's strict NamespaceLifecycle: the system namespaces exist once the server is ready, a
// create in a namespace nobody made is a 404, and so is one in a namespace no Namespace could be
// named.
func TestCreateInNamespaceThatDoesNotExist(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	client := ts.Client(t)
	ctx := context.Background()
	list, err := client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ns := range list.Items {
		names = append(names, ns.Name+"="+string(ns.Status.Phase))
	}
	if want := []string{"default=Active", "kube-node-lease=Active", "kube-public=Active", "kube-system=Active"}; !reflect.DeepEqual(names, want) {
		t.Errorf("namespaces after start = %v, want %v", names, want)
	}
	for _, ns := range []string{"any-team", "Bad_NS", "a.b"} {
		_, err := client.CoreV1().Pods(ns).Create(ctx, framework.NewPod("p", "c"), metav1.CreateOptions{})
		if !apierrors.IsNotFound(err) || err.Error() != `namespaces "`+ns+`" not found` {
			t.Errorf("create in %q: got %v, want 404 namespaces %q not found", ns, err, ns)
		}
	}
	// kubectl looks the namespace up after a NotFound outside default, and prints the pod's
	// NotFound only if the namespace is there.
	ts.CreateNamespaces(t, "team-a")
	if _, err := client.CoreV1().Namespaces().Get(ctx, "team-a", metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Pods("team-a").Get(ctx, "missing", metav1.GetOptions{}); err == nil || err.Error() != `pods "missing" not found` {
		t.Errorf("get missing pod: %v", err)
	}
	if _, err := client.CoreV1().Pods("team-a").Create(ctx, framework.NewPod("p", "c"), metav1.CreateOptions{}); err != nil {
		t.Errorf("create in an existing namespace: %v", err)
	}
}

// A namespace comes back as kube's: spec.finalizers [kubernetes], phase Active, the name label;
// names are DNS labels; the field selectors, table columns and the delete protection of the
// immortal namespaces are kube's.
func TestNamespaceSemantics(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	client := ts.Client(t)
	ctx := context.Background()
	created, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{Name: "semantics"},
		Spec:       corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{"example.com/keep"}},
		Status:     corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := created.Spec.Finalizers; !reflect.DeepEqual(got, []corev1.FinalizerName{"example.com/keep", "kubernetes"}) {
		t.Errorf("finalizers = %v", got)
	}
	if created.Status.Phase != corev1.NamespaceActive || created.Labels[corev1.LabelMetadataName] != "semantics" {
		t.Errorf("created = %+v", created)
	}
	generated, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "gen-"}}, metav1.CreateOptions{})
	if err != nil || generated.Labels[corev1.LabelMetadataName] != generated.Name {
		t.Errorf("generated namespace: %v %+v", err, generated)
	}

	for name, want := range map[string]string{
		"Bad_NS": `Namespace "Bad_NS" is invalid: metadata.name: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
		"a.b":    `Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots`,
	} {
		_, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) || err.Error() != want {
			t.Errorf("create %q:\n got  %v\n want %s", name, err, want)
		}
	}
	_, err = client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{Name: "bad-finalizer"},
		Spec:       corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{"unqualified"}},
	}, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), `spec.finalizers: Invalid value: "unqualified": name is neither a standard finalizer name nor is it fully qualified`) {
		t.Errorf("bad finalizer: %v", err)
	}

	// Updates keep spec and status; the status endpoint ties the phase to deletion.
	created.Labels["team"] = "a"
	created.Spec.Finalizers = nil
	updated, err := client.CoreV1().Namespaces().Update(ctx, created, metav1.UpdateOptions{})
	if err != nil || updated.Labels["team"] != "a" || len(updated.Spec.Finalizers) != 2 {
		t.Errorf("update: %v %+v", err, updated)
	}
	updated.Status.Phase = corev1.NamespaceTerminating
	_, err = client.CoreV1().Namespaces().UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty") {
		t.Errorf("status update to Terminating: %v", err)
	}

	selected, err := client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=semantics,status.phase=Active"})
	if err != nil || len(selected.Items) != 1 {
		t.Errorf("field selector: %v %+v", err, selected)
	}
	_, err = client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{FieldSelector: "spec.finalizers=x"})
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "field label not supported: spec.finalizers") {
		t.Errorf("unsupported field selector: %v", err)
	}

	var table metav1.Table
	if err := client.CoreV1().RESTClient().Get().Resource("namespaces").
		SetHeader("Accept", "application/json;as=Table;g=meta.k8s.io;v=v1").Do(ctx).Into(&table); err != nil {
		t.Fatal(err)
	}
	var columns []string
	for _, c := range table.ColumnDefinitions {
		columns = append(columns, c.Name)
	}
	if !reflect.DeepEqual(columns, []string{"Name", "Status", "Age"}) || len(table.Rows) != 6 {
		t.Errorf("table columns %v, %d rows", columns, len(table.Rows))
	}

	err = client.CoreV1().Namespaces().Delete(ctx, "kube-system", metav1.DeleteOptions{})
	if !apierrors.IsForbidden(err) || err.Error() != `namespaces "kube-system" is forbidden: this namespace may not be deleted` {
		t.Errorf("delete kube-system: %v", err)
	}
}

// Deleting a namespace marks it Terminating; new pods are refused with kube's 403 while the
// namespace controller deletes its pods gracefully and reports in the conditions what remains;
// once the last pod is gone it finalizes and the namespace goes.
func TestDeleteNamespaceDeletesItsPods(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	client := ts.Client(t)
	ctx := context.Background()
	ts.CreateNamespaces(t, "doomed", "bystander")
	for _, name := range []string{"a", "b"} {
		if _, err := client.CoreV1().Pods("doomed").Create(ctx, framework.NewPod(name, "c"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// A pod held by a finalizer keeps the namespace Terminating until someone lets it go.
	held := framework.NewPod("held", "c")
	held.Finalizers = []string{"example.com/hold"}
	if _, err := client.CoreV1().Pods("doomed").Create(ctx, held, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Pods("bystander").Create(ctx, framework.NewPod("a", "c"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	if err := client.CoreV1().Namespaces().Delete(ctx, "doomed", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	ns, err := client.CoreV1().Namespaces().Get(ctx, "doomed", metav1.GetOptions{})
	if err != nil || ns.Status.Phase != corev1.NamespaceTerminating || ns.DeletionTimestamp == nil {
		t.Fatalf("after delete: %v %+v", err, ns)
	}
	_, err = client.CoreV1().Pods("doomed").Create(ctx, framework.NewPod("late", "c"), metav1.CreateOptions{})
	status, ok := err.(apierrors.APIStatus)
	if !apierrors.IsForbidden(err) || !ok ||
		err.Error() != `pods "late" is forbidden: unable to create new content in namespace doomed because it is being terminated` ||
		status.Status().Details == nil || len(status.Status().Details.Causes) != 1 ||
		status.Status().Details.Causes[0] != (metav1.StatusCause{Type: corev1.NamespaceTerminatingCause, Message: "namespace doomed is being terminated", Field: "metadata.namespace"}) {
		t.Errorf("create in a terminating namespace: %#v", err)
	}

	poll(t, "the namespace controller to report the held pod", func(ctx context.Context) (bool, error) {
		ns, err := client.CoreV1().Namespaces().Get(ctx, "doomed", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range ns.Status.Conditions {
			if c.Type == corev1.NamespaceFinalizersRemaining && c.Status == corev1.ConditionTrue {
				return c.Message == "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances", nil
			}
		}
		return false, nil
	})
	pods, err := client.CoreV1().Pods("doomed").List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) != 1 || pods.Items[0].Name != "held" || pods.Items[0].DeletionTimestamp == nil {
		t.Fatalf("pods while the namespace terminates: %v %+v", err, pods)
	}
	ns, err = client.CoreV1().Namespaces().Get(ctx, "doomed", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	conditions := map[corev1.NamespaceConditionType]string{}
	for _, c := range ns.Status.Conditions {
		conditions[c.Type] = string(c.Status) + " " + c.Reason
	}
	want := map[corev1.NamespaceConditionType]string{
		corev1.NamespaceDeletionDiscoveryFailure: "False ResourcesDiscovered",
		corev1.NamespaceDeletionGVParsingFailure: "False ParsedGroupVersions",
		corev1.NamespaceDeletionContentFailure:   "False ContentDeleted",
		corev1.NamespaceContentRemaining:         "True SomeResourcesRemain",
		corev1.NamespaceFinalizersRemaining:      "True SomeFinalizersRemain",
	}
	if !reflect.DeepEqual(conditions, want) {
		t.Errorf("conditions = %v, want %v", conditions, want)
	}

	patch := []byte(`{"metadata":{"finalizers":null}}`)
	if _, err := client.CoreV1().Pods("doomed").Patch(ctx, "held", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	poll(t, "the namespace to go", func(ctx context.Context) (bool, error) {
		_, err := client.CoreV1().Namespaces().Get(ctx, "doomed", metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if _, err := client.CoreV1().Pods("bystander").Get(ctx, "a", metav1.GetOptions{}); err != nil {
		t.Errorf("a pod of another namespace went too: %v", err)
	}
	all, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil || len(all.Items) != 1 {
		t.Errorf("pods left: %v %+v", err, all)
	}
}

// The finalize subresource changes only spec.finalizers; removing the last one from a
// terminating namespace removes the namespace.
func TestFinalizeSubresource(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	client := ts.Client(t)
	ctx := context.Background()
	ts.CreateNamespaces(t, "fin")
	ns, err := client.CoreV1().Namespaces().Get(ctx, "fin", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ns.Spec.Finalizers = append(ns.Spec.Finalizers, "example.com/mine")
	ns.Labels["ignored"] = "no"
	ns.Status.Phase = corev1.NamespaceTerminating
	finalized, err := client.CoreV1().Namespaces().Finalize(ctx, ns, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(finalized.Spec.Finalizers, []corev1.FinalizerName{"kubernetes", "example.com/mine"}) || finalized.Status.Phase != corev1.NamespaceActive {
		t.Errorf("finalize: %+v", finalized)
	}
	if err := client.CoreV1().Namespaces().Delete(ctx, "fin", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// The controller removes its own finalizer; ours keeps the namespace.
	poll(t, "the controller's finalize", func(ctx context.Context) (bool, error) {
		ns, err := client.CoreV1().Namespaces().Get(ctx, "fin", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return reflect.DeepEqual(ns.Spec.Finalizers, []corev1.FinalizerName{"example.com/mine"}), nil
	})
	ns, err = client.CoreV1().Namespaces().Get(ctx, "fin", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ns.Spec.Finalizers = nil
	if _, err := client.CoreV1().Namespaces().Finalize(ctx, ns, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Namespaces().Get(ctx, "fin", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after the last finalizer: %v", err)
	}
}

// --auto-create-namespaces keeps the behaviour of servers that served no Namespaces: a create in
// a validly named namespace creates it; a name no Namespace can have is still a 404.
func TestAutoCreateNamespaces(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t, func(o *server.Options) { o.AutoCreateNamespaces = true })
	client := ts.Client(t)
	ctx := context.Background()
	if _, err := client.CoreV1().Pods("made-on-demand").Create(ctx, framework.NewPod("p", "c"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create in a new namespace: %v", err)
	}
	ns, err := client.CoreV1().Namespaces().Get(ctx, "made-on-demand", metav1.GetOptions{})
	if err != nil || ns.Status.Phase != corev1.NamespaceActive {
		t.Errorf("auto-created namespace: %v %+v", err, ns)
	}
	for _, bad := range []string{"Bad_NS", "a.b"} {
		_, err := client.CoreV1().Pods(bad).Create(ctx, framework.NewPod("p", "c"), metav1.CreateOptions{})
		if !apierrors.IsNotFound(err) || err.Error() != `namespaces "`+bad+`" not found` {
			t.Errorf("create in %q: %v", bad, err)
		}
	}
}

// A data folder written by a release that served no Namespaces holds pods in namespaces that
// have no Namespace object (and no system namespaces at all). The server creates those
// namespaces on start, so every pod stays readable and writable.
func TestUpgradeFromPodsWithoutNamespaces(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	prefix := framework.EtcdPrefixFor(dir)
	endpoint := os.Getenv(framework.ExternalEtcdEnv)
	var etcd *embeddedetcd.Server
	if endpoint == "" {
		var err error
		etcd, err = embeddedetcd.Start(embeddedetcd.Config{Dir: filepath.Join(dir, "etcd"), UnsafeNoFsync: true})
		if err != nil {
			t.Fatal(err)
		}
		endpoint = etcd.ClientURL()
	}
	old, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint}, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// As the previous release stored them: protobuf in kube's envelope, storage version v1.
	encoder := protobuf.NewSerializer(apiserver.Scheme, apiserver.Scheme)
	stored := map[string][]string{"default": {"d1"}, "legacy-a": {"a1", "a2"}, "legacy-b": {"b1"}}
	for ns, names := range stored {
		for _, name := range names {
			pod := framework.NewPod(name, "c")
			pod.Namespace = ns
			pod.UID = uuid.NewUUID()
			pod.CreationTimestamp = metav1.Now()
			pod.APIVersion, pod.Kind = "v1", "Pod"
			var buf strings.Builder
			if err := encoder.Encode(pod, &buf); err != nil {
				t.Fatal(err)
			}
			if _, err := old.Put(ctx, fmt.Sprintf("%s/pods/%s/%s", prefix, ns, name), buf.String()); err != nil {
				t.Fatal(err)
			}
		}
	}
	_ = old.Close()
	if etcd != nil {
		// The server starts its own member on the folder.
		etcd.Close()
	}

	ts := framework.StartInDir(t, dir)
	client := ts.Client(t)
	all, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range all.Items {
		got = append(got, p.Namespace+"/"+p.Name)
	}
	sort.Strings(got)
	if want := []string{"default/d1", "legacy-a/a1", "legacy-a/a2", "legacy-b/b1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pods after upgrade = %v, want %v", got, want)
	}
	for ns, names := range stored {
		if _, err := client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err != nil {
			t.Errorf("namespace %s after upgrade: %v", ns, err)
		}
		for _, name := range names {
			patch := []byte(`{"metadata":{"labels":{"upgraded":"yes"}}}`)
			if _, err := client.CoreV1().Pods(ns).Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
				t.Errorf("writing %s/%s after upgrade: %v", ns, name, err)
			}
		}
		if _, err := client.CoreV1().Pods(ns).Create(ctx, framework.NewPod("new", "c"), metav1.CreateOptions{}); err != nil {
			t.Errorf("creating in %s after upgrade: %v", ns, err)
		}
	}
	for _, ns := range []string{"kube-system", "kube-public", "kube-node-lease"} {
		if _, err := client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err != nil {
			t.Errorf("system namespace %s: %v", ns, err)
		}
	}
	assertJSONRoundTrip(t, client)
}

// assertJSONRoundTrip checks that an upgraded pod reads back whole through JSON, too.
func assertJSONRoundTrip(t *testing.T, client kubernetes.Interface) {
	t.Helper()
	raw, err := client.CoreV1().RESTClient().Get().Namespace("legacy-a").Resource("pods").Name("a1").DoRaw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	if err := json.Unmarshal(raw, &pod); err != nil || pod.Spec.Containers[0].Image != "busybox:1.36" || pod.Labels["upgraded"] != "yes" {
		t.Errorf("pod a1: %v %s", err, raw)
	}
}
