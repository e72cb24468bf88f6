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
	"k8s.io/apimachinery/pkg/types"
	applycorev1 "k8s.io/client-go/applyconfigurations/core/v1"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

func TestStatusSubresource(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")

	pod := framework.NewPod("status")
	pod.Status.Phase = corev1.PodRunning
	created, err := pods.Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.Status.Phase != corev1.PodPending {
		t.Errorf("create kept client status %q; want it reset to Pending", created.Status.Phase)
	}

	// Status writes through the main endpoint are ignored.
	created.Status.Phase = corev1.PodRunning
	viaMain, err := pods.Update(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if viaMain.Status.Phase != corev1.PodPending {
		t.Errorf("main endpoint changed status to %q", viaMain.Status.Phase)
	}

	// Spec writes through the status endpoint are ignored; status is taken.
	viaMain.Status.Phase = corev1.PodRunning
	viaMain.Status.PodIP = "10.0.0.7"
	viaMain.Status.PodIPs = []corev1.PodIP{{IP: "10.0.0.7"}}
	viaMain.Spec.Containers[0].Image = "changed:1"
	viaStatus, err := pods.UpdateStatus(ctx, viaMain, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if viaStatus.Status.Phase != corev1.PodRunning || viaStatus.Status.PodIP != "10.0.0.7" {
		t.Errorf("status update lost status: %+v", viaStatus.Status)
	}
	if viaStatus.Spec.Containers[0].Image != "busybox:1.36" {
		t.Errorf("status update changed spec image to %q", viaStatus.Spec.Containers[0].Image)
	}
	if viaStatus.Generation != created.Generation {
		t.Errorf("status update bumped generation %d -> %d", created.Generation, viaStatus.Generation)
	}

	patched, err := pods.Patch(ctx, "status", types.MergePatchType, []byte(`{"status":{"phase":"Succeeded"}}`), metav1.PatchOptions{}, "status")
	if err != nil {
		t.Fatal(err)
	}
	if patched.Status.Phase != corev1.PodSucceeded {
		t.Errorf("status patch: phase %q", patched.Status.Phase)
	}
	got, err := pods.Get(ctx, "status", metav1.GetOptions{})
	if err != nil || got.Status.Phase != corev1.PodSucceeded {
		t.Errorf("get after status patch: %v %v", got.Status.Phase, err)
	}

	if _, err := pods.UpdateStatus(ctx, framework.NewPod("missing"), metav1.UpdateOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("status update of a missing pod: got %v, want NotFound (no create through status)", err)
	}
}

func twoContainerPod(name string) *corev1.Pod {
	pod := framework.NewPod(name)
	pod.Spec.Containers = []corev1.Container{
		{Name: "app", Image: "app:1"},
		{Name: "sidecar", Image: "sidecar:1"},
	}
	return pod
}

func TestPatchTypes(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")
	if _, err := pods.Create(ctx, twoContainerPod("patched"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name      string
		patchType types.PatchType
		patch     string
		check     func(*corev1.Pod) bool
	}{
		{"json patch", types.JSONPatchType, `[{"op":"replace","path":"/spec/containers/1/image","value":"sidecar:2"}]`,
			func(p *corev1.Pod) bool { return p.Spec.Containers[1].Image == "sidecar:2" }},
		{"merge patch", types.MergePatchType, `{"metadata":{"labels":{"merged":"yes"}}}`,
			func(p *corev1.Pod) bool { return p.Labels["merged"] == "yes" && p.Labels["app"] == "demo" }},
		// Containers merge by name: naming one container must leave the other alone.
		{"strategic merge patch", types.StrategicMergePatchType, `{"spec":{"containers":[{"name":"app","image":"app:2"}]}}`,
			func(p *corev1.Pod) bool {
				return len(p.Spec.Containers) == 2 && p.Spec.Containers[0].Image == "app:2" && p.Spec.Containers[1].Image == "sidecar:2"
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pods.Patch(ctx, "patched", tc.patchType, []byte(tc.patch), metav1.PatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(got) {
				t.Errorf("unexpected result: labels %v containers %+v", got.Labels, got.Spec.Containers)
			}
		})
	}

	t.Run("bad json patch path", func(t *testing.T) {
		_, err := pods.Patch(ctx, "patched", types.JSONPatchType, []byte(`[{"op":"replace","path":"/spec/nothing/9","value":1}]`), metav1.PatchOptions{})
		// kube answers a patch that cannot apply with 422.
		if code := statusCode(err); code != 422 {
			t.Errorf("got %d (%v), want 422", code, err)
		}
	})
}

func TestServerSideApply(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")

	config := func(image string) *applycorev1.PodApplyConfiguration {
		return applycorev1.Pod("applied", "default").
			WithLabels(map[string]string{"app": "demo"}).
			WithSpec(applycorev1.PodSpec().WithContainers(applycorev1.Container().WithName("app").WithImage(image)))
	}
	first, err := pods.Apply(ctx, config("app:1"), metav1.ApplyOptions{FieldManager: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Spec.Containers[0].Image != "app:1" || len(first.ManagedFields) == 0 || first.ManagedFields[0].Manager != "alice" {
		t.Fatalf("apply: image %q managedFields %+v", first.Spec.Containers[0].Image, first.ManagedFields)
	}

	_, err = pods.Apply(ctx, config("app:2"), metav1.ApplyOptions{FieldManager: "bob"})
	if !apierrors.IsConflict(err) {
		t.Fatalf("second manager: got %v, want a conflict", err)
	}
	if !strings.Contains(err.Error(), `.spec.containers[name="app"].image`) || !strings.Contains(err.Error(), "alice") {
		t.Errorf("conflict does not name the field and manager: %v", err)
	}

	forced, err := pods.Apply(ctx, config("app:2"), metav1.ApplyOptions{FieldManager: "bob", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if forced.Spec.Containers[0].Image != "app:2" {
		t.Errorf("forced apply: image %q", forced.Spec.Containers[0].Image)
	}
	managers := map[string]bool{}
	for _, entry := range forced.ManagedFields {
		managers[entry.Manager] = true
	}
	if !managers["bob"] {
		t.Errorf("bob does not manage any field after a forced apply: %+v", forced.ManagedFields)
	}

	// Status owned through the main endpoint is dropped (reset fields), so applying status there
	// neither stores it nor records ownership of it.
	withStatus := config("app:2").WithStatus(applycorev1.PodStatus().WithPhase(corev1.PodRunning))
	applied, err := pods.Apply(ctx, withStatus, metav1.ApplyOptions{FieldManager: "bob", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if applied.Status.Phase != corev1.PodPending {
		t.Errorf("apply through the main endpoint set status phase %q", applied.Status.Phase)
	}
	statusApplied, err := pods.ApplyStatus(ctx, applycorev1.Pod("applied", "default").WithStatus(applycorev1.PodStatus().WithPhase(corev1.PodRunning)), metav1.ApplyOptions{FieldManager: "kubelet", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if statusApplied.Status.Phase != corev1.PodRunning || statusApplied.Spec.Containers[0].Image != "app:2" {
		t.Errorf("status apply: phase %q image %q", statusApplied.Status.Phase, statusApplied.Spec.Containers[0].Image)
	}
}

func statusCode(err error) int32 {
	if status, ok := err.(apierrors.APIStatus); ok {
		return status.Status().Code
	}
	return 0
}
