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
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// warningRecorder keeps the Warning headers the server sends.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (r *warningRecorder) HandleWarningHeader(code int, agent, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnings = append(r.warnings, text)
}

func (r *warningRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.warnings
	r.warnings = nil
	return w
}

// referenceAnswer is what kube-apiserver v1.37.2 (default admission without ServiceAccount)
// answered to a dry-run create of the request next to it, with the fields that differ between
// any two creates (uid, timestamps, managedFields, namespace) removed.
type referenceAnswer struct {
	Warnings []string               `json:"warnings"`
	Pod      map[string]interface{} `json:"pod"`
}

// comparable strips what differs between any two servers or runs.
func comparable(pod map[string]interface{}) map[string]interface{} {
	if meta, ok := pod["metadata"].(map[string]interface{}); ok {
		for _, k := range []string{"managedFields", "uid", "creationTimestamp", "namespace", "resourceVersion"} {
			delete(meta, k)
		}
	}
	if status, ok := pod["status"].(map[string]interface{}); ok {
		if conditions, ok := status["conditions"].([]interface{}); ok {
			for _, c := range conditions {
				delete(c.(map[string]interface{}), "lastTransitionTime")
			}
		}
	}
	return pod
}

// TestSemanticsMatchReference creates the recorded pods and expects exactly the object and the
// warnings the reference kube-apiserver returned: defaulting, create rules and admission together.
func TestSemanticsMatchReference(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	recorder := &warningRecorder{}
	cfg := rest.CopyConfig(ts.ClientConfig)
	cfg.WarningHandler = recorder
	client := framework.ClientFor(t, cfg)

	requests, err := filepath.Glob(filepath.Join("testdata", "semantics", "*.request.json"))
	if err != nil || len(requests) == 0 {
		t.Fatalf("no recorded requests: %v", err)
	}
	for _, requestFile := range requests {
		name := strings.TrimSuffix(filepath.Base(requestFile), ".request.json")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(requestFile)
			if err != nil {
				t.Fatal(err)
			}
			refBytes, err := os.ReadFile(filepath.Join("testdata", "semantics", name+".reference.json"))
			if err != nil {
				t.Fatal(err)
			}
			var want referenceAnswer
			if err := json.Unmarshal(refBytes, &want); err != nil {
				t.Fatal(err)
			}
			recorder.take()
			// Do, not DoRaw: only Do hands the Warning headers to the handler.
			raw, err := client.CoreV1().RESTClient().Post().Namespace("default").Resource("pods").Param("dryRun", "All").
				SetHeader("Content-Type", "application/json").Body(body).Do(context.Background()).Raw()
			if err != nil {
				t.Fatalf("create: %v: %s", err, raw)
			}
			var got map[string]interface{}
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(comparable(want.Pod), comparable(got)); diff != "" {
				t.Errorf("created pod differs from kube's (-kube +ours):\n%s", diff)
			}
			gotWarnings := recorder.take()
			sort.Strings(gotWarnings)
			sort.Strings(want.Warnings)
			if !reflect.DeepEqual(gotWarnings, want.Warnings) && !(len(gotWarnings) == 0 && len(want.Warnings) == 0) {
				t.Errorf("warnings differ:\nkube: %q\nours: %q", want.Warnings, gotWarnings)
			}
		})
	}
}

func TestSemanticsAdmission(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	on := framework.Start(t).Client(t).CoreV1().Pods("default")

	created, err := on.Create(ctx, framework.NewPod("admitted"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ptr.Deref(created.Spec.Priority, -1) != 0 || ptr.Deref(created.Spec.PreemptionPolicy, "") != corev1.PreemptLowerPriority || len(created.Spec.Tolerations) != 2 {
		t.Errorf("admission did not run: priority %v policy %v tolerations %v", created.Spec.Priority, created.Spec.PreemptionPolicy, created.Spec.Tolerations)
	}

	forbidden := []struct {
		mutate func(*corev1.Pod)
		want   string
	}{
		{func(p *corev1.Pod) { p.Spec.PriorityClassName = "high" }, `pods "refused" is forbidden: no PriorityClass with name high was found`},
		{func(p *corev1.Pod) { p.Spec.Priority = ptr.To[int32](5) },
			`pods "refused" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name`},
		{func(p *corev1.Pod) { p.Spec.PreemptionPolicy = ptr.To(corev1.PreemptNever) },
			`pods "refused" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`},
	}
	for _, tc := range forbidden {
		pod := framework.NewPod("refused")
		tc.mutate(pod)
		_, err := on.Create(ctx, pod, metav1.CreateOptions{})
		if !apierrors.IsForbidden(err) || err.Error() != tc.want {
			t.Errorf("got %v, want 403 %q", err, tc.want)
		}
	}
	critical := framework.NewPod("critical")
	critical.Spec.PriorityClassName = "system-node-critical"
	if created, err := on.Create(ctx, critical, metav1.CreateOptions{}); err != nil || ptr.Deref(created.Spec.Priority, 0) != 2000001000 {
		t.Errorf("system-node-critical: %v", err)
	}

	// An update that leaves priority out keeps it, and the tolerations come back.
	update := created.DeepCopy()
	update.Spec.Priority, update.Spec.PreemptionPolicy, update.Spec.Tolerations = nil, nil, nil
	updated, err := on.Update(ctx, update, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ptr.Deref(updated.Spec.Priority, -1) != 0 || updated.Spec.PreemptionPolicy == nil || len(updated.Spec.Tolerations) != 2 || updated.Generation != 1 {
		t.Errorf("update: priority %v policy %v tolerations %v generation %d", updated.Spec.Priority, updated.Spec.PreemptionPolicy, updated.Spec.Tolerations, updated.Generation)
	}

	off := framework.Start(t, func(o *server.Options) {
		o.Recommended.Admission.DisablePlugins = []string{"Priority", "DefaultTolerationSeconds"}
	}).Client(t).CoreV1().Pods("default")
	pod := framework.NewPod("unadmitted")
	pod.Spec.PriorityClassName = "high"
	created, err = off.Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.Spec.Priority != nil || created.Spec.PreemptionPolicy != nil || len(created.Spec.Tolerations) != 0 {
		t.Errorf("disabled plugins ran: priority %v policy %v tolerations %v", created.Spec.Priority, created.Spec.PreemptionPolicy, created.Spec.Tolerations)
	}
}

func watchPod(t *testing.T, pods podsClient, name string) watch.Interface {
	t.Helper()
	w, err := pods.Watch(context.Background(), metav1.ListOptions{FieldSelector: "metadata.name=" + name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

type podsClient = interface {
	Create(context.Context, *corev1.Pod, metav1.CreateOptions) (*corev1.Pod, error)
	Get(context.Context, string, metav1.GetOptions) (*corev1.Pod, error)
	Delete(context.Context, string, metav1.DeleteOptions) error
	DeleteCollection(context.Context, metav1.DeleteOptions, metav1.ListOptions) error
	Watch(context.Context, metav1.ListOptions) (watch.Interface, error)
	Patch(context.Context, string, types.PatchType, []byte, metav1.PatchOptions, ...string) (*corev1.Pod, error)
	List(context.Context, metav1.ListOptions) (*corev1.PodList, error)
}

func expectEvent(t *testing.T, w watch.Interface, typ watch.EventType) *corev1.Pod {
	t.Helper()
	ev := nextEvent(t, w, 10*time.Second)
	pod, _ := ev.Object.(*corev1.Pod)
	if ev.Type != typ || pod == nil {
		t.Fatalf("event %s %T, want %s of a pod", ev.Type, ev.Object, typ)
	}
	return pod
}

func expectNoEvent(t *testing.T, w watch.Interface) {
	t.Helper()
	select {
	case ev := <-w.ResultChan():
		t.Fatalf("unexpected event %s", ev.Type)
	case <-time.After(500 * time.Millisecond):
	}
}

func deletePod(t *testing.T, pods podsClient, name string, grace *int64) {
	t.Helper()
	if err := pods.Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: grace}); err != nil {
		t.Fatalf("delete %s: %v", name, err)
	}
}

func scheduledPod(name string) *corev1.Pod {
	pod := framework.NewPod(name)
	pod.Spec.NodeName = "node-1"
	return pod
}

func TestSemanticsGracefulDeletion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pods := framework.Start(t).Client(t).CoreV1().Pods("default")

	t.Run("unscheduled pods go at once", func(t *testing.T) {
		if _, err := pods.Create(ctx, framework.NewPod("unscheduled"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		w := watchPod(t, pods, "unscheduled")
		expectEvent(t, w, watch.Added)
		deletePod(t, pods, "unscheduled", nil)
		marked := expectEvent(t, w, watch.Modified)
		if marked.DeletionTimestamp == nil || ptr.Deref(marked.DeletionGracePeriodSeconds, -1) != 0 {
			t.Errorf("MODIFIED without deletion marks: %v %v", marked.DeletionTimestamp, marked.DeletionGracePeriodSeconds)
		}
		expectEvent(t, w, watch.Deleted)
	})

	t.Run("scheduled pods wait for their grace period", func(t *testing.T) {
		if _, err := pods.Create(ctx, scheduledPod("scheduled"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		w := watchPod(t, pods, "scheduled")
		expectEvent(t, w, watch.Added)

		deletePod(t, pods, "scheduled", nil)
		first := expectEvent(t, w, watch.Modified)
		if first.DeletionTimestamp == nil || ptr.Deref(first.DeletionGracePeriodSeconds, -1) != 30 || first.Generation != 2 {
			t.Fatalf("first delete: deletionTimestamp %v grace %v generation %d, want set, 30, 2", first.DeletionTimestamp, first.DeletionGracePeriodSeconds, first.Generation)
		}
		if until := time.Until(first.DeletionTimestamp.Time); until < 20*time.Second || until > 31*time.Second {
			t.Errorf("deletionTimestamp %v is not about 30s ahead", first.DeletionTimestamp)
		}

		// A longer grace period, or none, leaves the pending deletion alone.
		deletePod(t, pods, "scheduled", ptr.To[int64](60))
		deletePod(t, pods, "scheduled", nil)
		expectNoEvent(t, w)

		deletePod(t, pods, "scheduled", ptr.To[int64](10))
		shorter := expectEvent(t, w, watch.Modified)
		if ptr.Deref(shorter.DeletionGracePeriodSeconds, -1) != 10 || !shorter.DeletionTimestamp.Before(first.DeletionTimestamp) || shorter.Generation != 2 {
			t.Errorf("shortened delete: grace %v deletionTimestamp %v (was %v) generation %d", shorter.DeletionGracePeriodSeconds, shorter.DeletionTimestamp, first.DeletionTimestamp, shorter.Generation)
		}
		if got, err := pods.Get(ctx, "scheduled", metav1.GetOptions{}); err != nil || got.DeletionTimestamp == nil {
			t.Fatalf("pod gone before its grace period: %v", err)
		}

		deletePod(t, pods, "scheduled", ptr.To[int64](0))
		forced := expectEvent(t, w, watch.Modified)
		if ptr.Deref(forced.DeletionGracePeriodSeconds, -1) != 0 {
			t.Errorf("force delete grace %v", forced.DeletionGracePeriodSeconds)
		}
		expectEvent(t, w, watch.Deleted)
		if _, err := pods.Get(ctx, "scheduled", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("after gracePeriodSeconds=0: %v", err)
		}
	})

	t.Run("terminal pods go at once", func(t *testing.T) {
		if _, err := pods.Create(ctx, scheduledPod("done"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := pods.Patch(ctx, "done", types.MergePatchType, []byte(`{"status":{"phase":"Succeeded"}}`), metav1.PatchOptions{}, "status"); err != nil {
			t.Fatal(err)
		}
		deletePod(t, pods, "done", nil)
		if _, err := pods.Get(ctx, "done", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("succeeded pod not deleted at once: %v", err)
		}
	})
}

func TestSemanticsFinalizers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pods := framework.Start(t).Client(t).CoreV1().Pods("default")
	for _, tc := range []struct {
		pod       *corev1.Pod
		wantGrace int64
	}{
		{pod: framework.NewPod("held"), wantGrace: 0},
		{pod: scheduledPod("held-scheduled"), wantGrace: 30},
	} {
		t.Run(tc.pod.Name, func(t *testing.T) {
			tc.pod.Finalizers = []string{"example.com/hold"}
			if _, err := pods.Create(ctx, tc.pod, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			w := watchPod(t, pods, tc.pod.Name)
			expectEvent(t, w, watch.Added)
			deletePod(t, pods, tc.pod.Name, nil)
			marked := expectEvent(t, w, watch.Modified)
			if marked.DeletionTimestamp == nil || ptr.Deref(marked.DeletionGracePeriodSeconds, -1) != tc.wantGrace || marked.Generation != 2 {
				t.Errorf("marked: deletionTimestamp %v grace %v generation %d", marked.DeletionTimestamp, marked.DeletionGracePeriodSeconds, marked.Generation)
			}
			// Even a forced delete only marks a pod that finalizers hold.
			deletePod(t, pods, tc.pod.Name, ptr.To[int64](0))
			if got, err := pods.Get(ctx, tc.pod.Name, metav1.GetOptions{}); err != nil || ptr.Deref(got.DeletionGracePeriodSeconds, -1) != 0 {
				t.Fatalf("held pod after forced delete: %v", err)
			}
			if _, err := pods.Patch(ctx, tc.pod.Name, types.JSONPatchType, []byte(`[{"op":"remove","path":"/metadata/finalizers"}]`), metav1.PatchOptions{}); err != nil {
				t.Fatal(err)
			}
			for {
				if ev := nextEvent(t, w, 10*time.Second); ev.Type == watch.Deleted {
					break
				}
			}
			if _, err := pods.Get(ctx, tc.pod.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("after the last finalizer: %v", err)
			}
		})
	}
}

func TestSemanticsDeleteCollection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := framework.Start(t).Client(t)
	pods := client.CoreV1().Pods("default")
	held := framework.NewPod("c-held")
	held.Finalizers = []string{"example.com/hold"}
	for _, pod := range []*corev1.Pod{framework.NewPod("c-unscheduled"), scheduledPod("c-scheduled"), held, framework.NewPod("c-other")} {
		if pod.Name != "c-other" {
			pod.Labels["batch"] = "1"
		}
		if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "batch=1"}); err != nil {
		t.Fatal(err)
	}
	remaining := remainingPods(t, client)
	want := map[string]*int64{"c-scheduled": ptr.To[int64](30), "c-held": ptr.To[int64](0), "c-other": nil}
	if len(remaining) != len(want) {
		t.Fatalf("remaining pods %v, want %v", keys(remaining), keys(want))
	}
	for name, grace := range want {
		pod, ok := remaining[name]
		if !ok {
			t.Errorf("%s is gone", name)
			continue
		}
		if (grace == nil) != (pod.DeletionTimestamp == nil) || !ptr.Equal(grace, pod.DeletionGracePeriodSeconds) {
			t.Errorf("%s: deletionTimestamp %v grace %v, want grace %v", name, pod.DeletionTimestamp, pod.DeletionGracePeriodSeconds, grace)
		}
	}
	if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}, metav1.ListOptions{LabelSelector: "batch=1"}); err != nil {
		t.Fatal(err)
	}
	if remaining := remainingPods(t, client); len(remaining) != 2 || remaining["c-held"] == nil || remaining["c-other"] == nil {
		t.Errorf("after forced deletecollection: %v, want c-held (finalizer) and c-other", keys(remaining))
	}
}

func remainingPods(t *testing.T, client kubernetes.Interface) map[string]*corev1.Pod {
	t.Helper()
	list, err := client.CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*corev1.Pod{}
	for i := range list.Items {
		out[list.Items[i].Name] = &list.Items[i]
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
