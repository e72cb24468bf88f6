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
	"net/http"
	"testing"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// expectStatus checks an HTTP exchange that should end in a metav1.Status.
func expectStatus(t *testing.T, r rawResponse, code int, reason metav1.StatusReason, message string) {
	t.Helper()
	if r.status != code {
		t.Fatalf("want HTTP %d, got %v", code, r)
	}
	var st metav1.Status
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatalf("not a Status: %v", r)
	}
	if st.Reason != reason || (message != "" && st.Message != message) || st.Code != int32(code) {
		t.Errorf("want %d %q %q, got %d %q %q", code, reason, message, st.Code, st.Reason, st.Message)
	}
}

func TestBinding(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")
	base := "/api/v1/namespaces/default/pods/"

	for _, name := range []string{"bound", "other", "gated", "deleting"} {
		pod := framework.NewPod(name)
		if name == "gated" {
			pod.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/wait"}}
		}
		if name == "deleting" {
			pod.Finalizers = []string{"example.com/hold"}
		}
		if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := pods.Delete(ctx, "deleting", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = pods.Patch(ctx, "deleting", "application/merge-patch+json", []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
	})
	other, err := pods.Get(ctx, "other", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A nomination the binding must clear.
	other.Status.NominatedNodeName = "n0"
	if _, err := pods.UpdateStatus(ctx, other, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name    string
		pod     string
		query   string
		body    string
		code    int
		reason  metav1.StatusReason
		message string
	}{
		{"kind not Node", "bound", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound"},"target":{"kind":"Pod","name":"n1"}}`,
			500, "", `target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"`},
		{"no target name", "bound", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound"},"target":{}}`,
			500, "", `target.name: Required value`},
		{"bad node name", "bound", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound"},"target":{"name":"Bad_Name"}}`,
			500, "", `target.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		{"name mismatch", "bound", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"x"},"target":{"name":"n1"}}`,
			400, metav1.StatusReasonBadRequest, "name in URL does not match name in Binding object"},
		{"missing pod", "nope", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"nope"},"target":{"name":"n1"}}`,
			404, metav1.StatusReasonNotFound, `pods "nope" not found`},
		{"gated", "gated", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"gated"},"target":{"name":"n1"}}`,
			409, metav1.StatusReasonConflict, `Operation cannot be fulfilled on pods/binding "gated": pod gated has non-empty .spec.schedulingGates`},
		{"deleting", "deleting", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"deleting"},"target":{"name":"n1"}}`,
			409, metav1.StatusReasonConflict, `Operation cannot be fulfilled on pods/binding "deleting": pod deleting is being deleted, cannot be assigned to a host`},
		{"wrong uid", "bound", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound","uid":"abc"},"target":{"name":"n1"}}`,
			409, metav1.StatusReasonConflict, ""},
		{"dry run", "bound", "?dryRun=All", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound"},"target":{"name":"n1"}}`,
			201, "", ""},
		{"bind", "bound", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound","labels":{"topology.kubernetes.io/zone":"z1","app":"moved"},"annotations":{"a":"b","pod.beta.kubernetes.io/init-containers":"[]"}},"target":{"name":"n1"}}`,
			201, "", ""},
		{"already bound", "bound", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bound"},"target":{"name":"n2"}}`,
			409, metav1.StatusReasonConflict, `Operation cannot be fulfilled on pods/binding "bound": pod bound is already assigned to node "n1"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := pods.Get(ctx, tc.pod, metav1.GetOptions{})
			r := rawRequest(t, ts.ClientConfig, http.MethodPost, base+tc.pod+"/binding"+tc.query, "application/json", "application/json", []byte(tc.body))
			status := metav1.StatusSuccess
			if tc.code != 201 {
				status = metav1.StatusFailure
			}
			expectStatus(t, r, tc.code, tc.reason, tc.message)
			var st metav1.Status
			_ = json.Unmarshal(r.body, &st)
			if st.Status != status {
				t.Errorf("status %q, want %q", st.Status, status)
			}
			if tc.name == "dry run" {
				after, _ := pods.Get(ctx, tc.pod, metav1.GetOptions{})
				if after.Spec.NodeName != "" || after.ResourceVersion != before.ResourceVersion {
					t.Errorf("dry run bound the pod: %q rv %s -> %s", after.Spec.NodeName, before.ResourceVersion, after.ResourceVersion)
				}
			}
		})
	}

	got, err := pods.Get(ctx, "bound", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.NodeName != "n1" || got.Labels["topology.kubernetes.io/zone"] != "z1" || got.Labels["app"] != "moved" ||
		got.Annotations["a"] != "b" || got.Annotations["pod.beta.kubernetes.io/init-containers"] != "" || got.Generation != 1 {
		t.Errorf("binding did not merge as kube does: node %q labels %v annotations %v generation %d", got.Spec.NodeName, got.Labels, got.Annotations, got.Generation)
	}
	if len(got.Status.Conditions) != 1 || got.Status.Conditions[0].Type != corev1.PodScheduled || got.Status.Conditions[0].Status != corev1.ConditionTrue ||
		got.Status.Conditions[0].LastTransitionTime.IsZero() || got.Status.Conditions[0].Reason != "" {
		t.Errorf("PodScheduled condition: %+v", got.Status.Conditions)
	}

	// As a scheduler does it: client-go's Bind with the pod's uid as precondition.
	err = pods.Bind(ctx, &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: "other", UID: other.UID},
		Target:     corev1.ObjectReference{Kind: "Node", Name: "n2"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err = pods.Get(ctx, "other", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.NodeName != "n2" || got.Status.NominatedNodeName != "" {
		t.Errorf("Bind: node %q nominated %q", got.Spec.NodeName, got.Status.NominatedNodeName)
	}
}

func TestEviction(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	client := ts.Client(t)
	pods := client.CoreV1().Pods("default")
	base := "/api/v1/namespaces/default/pods/"

	create := func(name, node string, phase corev1.PodPhase) *corev1.Pod {
		t.Helper()
		pod := framework.NewPod(name)
		pod.Spec.TerminationGracePeriodSeconds = ptr.To[int64](30)
		created, err := pods.Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if node != "" {
			if err := pods.Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name}, Target: corev1.ObjectReference{Name: node}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if phase != "" {
			created, err = pods.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			created.Status.Phase = phase
			if created, err = pods.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return created
	}

	t.Run("errors", func(t *testing.T) {
		create("victim", "n1", corev1.PodRunning)
		cases := []struct {
			name, query, body string
			code              int
			reason            metav1.StatusReason
			message           string
		}{
			{"name mismatch", "", `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"x"}}`,
				400, metav1.StatusReasonBadRequest, "name in URL does not match name in Eviction object"},
			{"not an eviction", "", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"victim"}}`,
				400, metav1.StatusReasonBadRequest, ""},
			{"ignore store read error", "", `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"victim"},"deleteOptions":{"ignoreStoreReadErrorWithClusterBreakingPotential":true}}`,
				422, metav1.StatusReasonInvalid, `Eviction.policy "victim" is invalid: deleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential: Invalid value: true: can not be set for pod eviction, try after removing the option`},
			{"dry run disagreement", "?dryRun=All", `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"victim"},"deleteOptions":{"dryRun":["Bogus"]}}`,
				500, "", "Non-matching dry-run options in request and content: [All] and [Bogus]"},
			{"stale resourceVersion", "", `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"victim"},"deleteOptions":{"preconditions":{"resourceVersion":"1"}}}`,
				409, metav1.StatusReasonConflict, ""},
			{"missing pod", "", `{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"nope"}}`,
				404, metav1.StatusReasonNotFound, `pods "nope" not found`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				pod := "victim"
				if tc.name == "missing pod" {
					pod = "nope"
				}
				r := rawRequest(t, ts.ClientConfig, http.MethodPost, base+pod+"/eviction"+tc.query, "application/json", "application/json", []byte(tc.body))
				expectStatus(t, r, tc.code, tc.reason, tc.message)
			})
		}
		got, err := pods.Get(ctx, "victim", metav1.GetOptions{})
		if err != nil || got.DeletionTimestamp != nil || len(got.Status.Conditions) != 1 {
			t.Errorf("a refused eviction touched the pod: %v %+v", err, got)
		}
	})

	t.Run("dry run", func(t *testing.T) {
		before := create("dry", "n1", corev1.PodRunning)
		err := pods.EvictV1(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "dry"}, DeleteOptions: &metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}})
		if err != nil {
			t.Fatal(err)
		}
		after, err := pods.Get(ctx, "dry", metav1.GetOptions{})
		if err != nil || after.ResourceVersion != before.ResourceVersion {
			t.Errorf("dry-run eviction changed the pod: %v", err)
		}
	})

	t.Run("running pod, v1, graceful", func(t *testing.T) {
		create("running", "n1", corev1.PodRunning)
		if err := pods.EvictV1(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "running"}, DeleteOptions: &metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](60)}}); err != nil {
			t.Fatal(err)
		}
		got, err := pods.Get(ctx, "running", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.DeletionTimestamp == nil || ptr.Deref(got.DeletionGracePeriodSeconds, 0) != 60 {
			t.Errorf("want a graceful delete of 60s, got %v %v", got.DeletionTimestamp, got.DeletionGracePeriodSeconds)
		}
		var found bool
		for _, c := range got.Status.Conditions {
			if c.Type == corev1.DisruptionTarget {
				found = c.Status == corev1.ConditionTrue && c.Reason == "EvictionByEvictionAPI" && c.Message == "Eviction API: evicting"
			}
		}
		if !found {
			t.Errorf("no DisruptionTarget condition: %+v", got.Status.Conditions)
		}
	})

	t.Run("pending pod, v1beta1, immediate", func(t *testing.T) {
		create("pending", "", "")
		if err := pods.EvictV1beta1(ctx, &policyv1beta1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "pending"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := pods.Get(ctx, "pending", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("an unscheduled pod should go at once: %v", err)
		}
	})

	t.Run("raw v1beta1 body answers 201", func(t *testing.T) {
		create("raw", "", "")
		r := rawRequest(t, ts.ClientConfig, http.MethodPost, base+"raw/eviction", "application/json", "application/json",
			[]byte(`{"apiVersion":"policy/v1beta1","kind":"Eviction","metadata":{"name":"raw"},"deleteOptions":{"gracePeriodSeconds":0}}`))
		expectStatus(t, r, 201, "", "")
	})
}
