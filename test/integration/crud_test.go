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
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

func TestTypedClientCRUD(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")

	created, err := pods.Create(ctx, framework.NewPod("crud"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.UID == "" || created.CreationTimestamp.IsZero() || created.Generation != 1 {
		t.Errorf("create did not set uid, creationTimestamp and generation 1: %+v", created.ObjectMeta)
	}
	if created.Status.Phase != corev1.PodPending {
		t.Errorf("phase = %q, want Pending", created.Status.Phase)
	}
	generated := framework.NewPod("")
	generated.GenerateName = "gen-"
	withGeneratedName, err := pods.Create(ctx, generated, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create with generateName: %v", err)
	}
	if !strings.HasPrefix(withGeneratedName.Name, "gen-") || len(withGeneratedName.Name) != len("gen-")+5 {
		t.Errorf("generateName gave name %q", withGeneratedName.Name)
	}
	if err := pods.Delete(ctx, withGeneratedName.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Create(ctx, framework.NewPod("crud"), metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Errorf("second create: got %v, want AlreadyExists", err)
	}

	got, err := pods.Get(ctx, "crud", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	got.Spec.Containers[0].Image = "busybox:1.37"
	got.Labels["tier"] = "web"
	updated, err := pods.Update(ctx, got, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.Generation != 2 || updated.Spec.Containers[0].Image != "busybox:1.37" {
		t.Errorf("update: generation %d image %q", updated.Generation, updated.Spec.Containers[0].Image)
	}

	list, err := pods.List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("list: %v items, err %v", len(list.Items), err)
	}

	if err := pods.Delete(ctx, "crud", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := pods.Get(ctx, "crud", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get after delete (unscheduled pods go at once): got %v, want NotFound", err)
	}
}
