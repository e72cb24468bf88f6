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
	"net/http"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

func TestDryRunStoresNothing(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")
	dry := []string{metav1.DryRunAll}

	created, err := pods.Create(ctx, framework.NewPod("dry"), metav1.CreateOptions{DryRun: dry})
	if err != nil {
		t.Fatal(err)
	}
	if created.UID == "" || created.Generation != 1 {
		t.Errorf("dry-run create should return the would-be object: %+v", created.ObjectMeta)
	}
	if _, err := pods.Get(ctx, "dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("dry-run create stored the pod: %v", err)
	}

	stored, err := pods.Create(ctx, framework.NewPod("dry"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Patch(ctx, "dry", types.MergePatchType, []byte(`{"metadata":{"labels":{"dry":"run"}}}`), metav1.PatchOptions{DryRun: dry}); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(ctx, "dry", metav1.DeleteOptions{DryRun: dry}); err != nil {
		t.Fatal(err)
	}
	got, err := pods.Get(ctx, "dry", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("dry-run delete removed the pod: %v", err)
	}
	if got.ResourceVersion != stored.ResourceVersion || got.Labels["dry"] != "" {
		t.Errorf("dry-run patch changed the stored pod: rv %s -> %s, labels %v", stored.ResourceVersion, got.ResourceVersion, got.Labels)
	}
}

func TestConflicts(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")
	stale, err := pods.Create(ctx, framework.NewPod("conflict"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Patch(ctx, "conflict", types.MergePatchType, []byte(`{"metadata":{"labels":{"v":"2"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}

	stale.Labels["v"] = "stale"
	if _, err := pods.Update(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("update with a stale resourceVersion: got %v, want 409 Conflict", err)
	}

	wrongUID := types.UID("00000000-0000-0000-0000-000000000000")
	err = pods.Delete(ctx, "conflict", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &wrongUID}})
	if !apierrors.IsConflict(err) {
		t.Errorf("delete with a wrong UID precondition: got %v, want 409 Conflict", err)
	}
	err = pods.Delete(ctx, "conflict", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &stale.ResourceVersion}})
	if !apierrors.IsConflict(err) {
		t.Errorf("delete with a stale resourceVersion precondition: got %v, want 409 Conflict", err)
	}
	if _, err := pods.Get(ctx, "conflict", metav1.GetOptions{}); err != nil {
		t.Errorf("failed preconditions deleted the pod: %v", err)
	}
	if err := pods.Delete(ctx, "conflict", metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &stale.UID}, GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Errorf("delete with matching preconditions: %v", err)
	}
}

func TestBadRequestsGetStatusErrors(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	client := ts.Client(t).CoreV1().RESTClient()
	ctx := context.Background()
	validPod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ok"},"spec":{"containers":[{"name":"c","image":"i"}]}}`

	cases := []struct {
		name        string
		contentType string
		body        string
		params      map[string]string
		wantCode    int
		wantReason  metav1.StatusReason
		wantMessage string
	}{
		{"not json", "application/json", `{"kind":`, nil, http.StatusBadRequest, metav1.StatusReasonBadRequest, ""},
		{"wrong kind", "application/json", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}`, nil, http.StatusBadRequest, metav1.StatusReasonBadRequest, "Service"},
		{"unknown field under Strict", "application/json",
			`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"strict"},"spec":{"bogus":1,"containers":[{"name":"c","image":"i"}]}}`,
			map[string]string{"fieldValidation": "Strict"}, http.StatusBadRequest, metav1.StatusReasonBadRequest, `unknown field "spec.bogus"`},
		{"unsupported media type", "text/plain", validPod, nil, http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType, ""},
		{"invalid pod", "application/json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"Bad_Name"},"spec":{"containers":[]}}`, nil,
			http.StatusUnprocessableEntity, metav1.StatusReasonInvalid, "spec.containers: Required value"},
		{"namespace mismatch", "application/json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ns","namespace":"other"},"spec":{"containers":[{"name":"c","image":"i"}]}}`, nil,
			http.StatusBadRequest, metav1.StatusReasonBadRequest, "namespace"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := client.Post().Namespace("default").Resource("pods").SetHeader("Content-Type", tc.contentType).Body([]byte(tc.body))
			for k, v := range tc.params {
				req = req.Param(k, v)
			}
			err := req.Do(ctx).Error()
			status, ok := err.(apierrors.APIStatus)
			if !ok {
				t.Fatalf("got %v, want a Status error", err)
			}
			if int(status.Status().Code) != tc.wantCode || status.Status().Reason != tc.wantReason {
				t.Errorf("got %d %s (%s), want %d %s", status.Status().Code, status.Status().Reason, status.Status().Message, tc.wantCode, tc.wantReason)
			}
			if !strings.Contains(status.Status().Message, tc.wantMessage) {
				t.Errorf("message %q does not mention %q", status.Status().Message, tc.wantMessage)
			}
		})
	}

	t.Run("unknown field under Warn is stored with a warning", func(t *testing.T) {
		result := client.Post().Namespace("default").Resource("pods").Param("fieldValidation", "Warn").
			SetHeader("Content-Type", "application/json").
			Body([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"warned"},"spec":{"bogus":1,"containers":[{"name":"c","image":"i"}]}}`)).Do(ctx)
		if err := result.Error(); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, w := range result.Warnings() {
			found = found || strings.Contains(w.Text, `unknown field "spec.bogus"`)
		}
		if !found {
			t.Errorf("warnings %v do not name the unknown field", result.Warnings())
		}
	})

	t.Run("nothing half-stored", func(t *testing.T) {
		list, err := ts.Client(t).CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 || list.Items[0].Name != "warned" {
			names := []string{}
			for _, p := range list.Items {
				names = append(names, p.Namespace+"/"+p.Name)
			}
			t.Errorf("stored pods %v, want only default/warned", names)
		}
	})

	t.Run("anonymous request is 401", func(t *testing.T) {
		anonymous := *ts.ClientConfig
		anonymous.TLSClientConfig.CertData, anonymous.TLSClientConfig.KeyData = nil, nil
		anonymous.CertFile, anonymous.KeyFile = "", ""
		_, err := framework.ClientFor(t, &anonymous).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if !apierrors.IsUnauthorized(err) {
			t.Errorf("got %v, want 401 Unauthorized", err)
		}
	})
}
