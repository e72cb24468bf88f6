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
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// invalidCauses returns the causes of a 422 Invalid error as "field: message" strings.
func invalidCauses(t *testing.T, err error) []string {
	t.Helper()
	if !apierrors.IsInvalid(err) {
		t.Fatalf("want Invalid, got %v", err)
	}
	var out []string
	for _, c := range err.(apierrors.APIStatus).Status().Details.Causes {
		out = append(out, c.Field+": "+c.Message)
	}
	return out
}

func expectCauses(t *testing.T, err error, want ...string) {
	t.Helper()
	got := invalidCauses(t, err)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("causes:\n got %q\nwant %q", got, want)
	}
}

func TestEphemeralContainersSubresource(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")
	pod, err := pods.Create(ctx, framework.NewPod("debug-me"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// kubectl debug: a strategic merge patch from the pod to the pod with one more ephemeral
	// container, sent to the subresource.
	debugged := pod.DeepCopy()
	debugged.Spec.EphemeralContainers = append(debugged.Spec.EphemeralContainers, corev1.EphemeralContainer{
		EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger-1", Image: "busybox:1.36", Stdin: true, TTY: true},
		TargetContainerName:      "app",
	})
	patch := twoWayPatch(t, pod, debugged)
	patched, err := pods.Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "ephemeralcontainers")
	if err != nil {
		t.Fatalf("kubectl debug's patch: %v", err)
	}
	if len(patched.Spec.EphemeralContainers) != 1 || patched.Generation != 2 {
		t.Fatalf("after patch: generation %d, ephemeral containers %+v", patched.Generation, patched.Spec.EphemeralContainers)
	}
	// Defaulted like any container.
	if ec := patched.Spec.EphemeralContainers[0]; ec.ImagePullPolicy != corev1.PullIfNotPresent || ec.TerminationMessagePolicy != corev1.TerminationMessageReadFile {
		t.Errorf("ephemeral container not defaulted: %+v", ec)
	}

	// UpdateEphemeralContainers takes only the ephemeral containers from the pod it is given.
	got, err := pods.Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got.Labels = map[string]string{"ignored": "true"}
	got.Spec.Containers[0].Image = "busybox:9"
	got.Spec.EphemeralContainers = append(got.Spec.EphemeralContainers, corev1.EphemeralContainer{
		EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debugger-2", Image: "busybox:1.36"},
	})
	updated, err := pods.UpdateEphemeralContainers(ctx, pod.Name, got, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(updated.Spec.EphemeralContainers) != 2 || updated.Generation != 3 || updated.Labels["app"] != "demo" || updated.Labels["ignored"] != "" ||
		updated.Spec.Containers[0].Image != "busybox:1.36" {
		t.Errorf("update took more than the ephemeral containers: generation %d, labels %v, image %q, ephemeral %d",
			updated.Generation, updated.Labels, updated.Spec.Containers[0].Image, len(updated.Spec.EphemeralContainers))
	}

	// GET through the subresource returns the pod.
	var viaSub corev1.Pod
	if err := ts.Client(t).CoreV1().RESTClient().Get().Namespace("default").Resource("pods").Name(pod.Name).SubResource("ephemeralcontainers").Do(ctx).Into(&viaSub); err != nil {
		t.Fatal(err)
	}
	if viaSub.ResourceVersion != updated.ResourceVersion {
		t.Errorf("GET ephemeralcontainers: resourceVersion %s, want %s", viaSub.ResourceVersion, updated.ResourceVersion)
	}

	// Existing ephemeral containers may be neither changed nor removed.
	changed := updated.DeepCopy()
	changed.Spec.EphemeralContainers[0].Image = "busybox:1.37"
	_, err = pods.UpdateEphemeralContainers(ctx, pod.Name, changed, metav1.UpdateOptions{})
	if causes := invalidCauses(t, err); len(causes) != 1 || !strings.HasPrefix(causes[0], "spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger-1\" may not be changed\n@@ ") {
		t.Errorf("change: %q", causes)
	}
	removed := updated.DeepCopy()
	removed.Spec.EphemeralContainers = removed.Spec.EphemeralContainers[1:]
	_, err = pods.UpdateEphemeralContainers(ctx, pod.Name, removed, metav1.UpdateOptions{})
	expectCauses(t, err, "spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger-1\" may not be removed\n")

	// A subresource never creates its pod.
	missing := framework.NewPod("missing")
	if _, err := pods.UpdateEphemeralContainers(ctx, "missing", missing, metav1.UpdateOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("update of a missing pod: %v", err)
	}
}

func twoWayPatch(t *testing.T, from, to *corev1.Pod) []byte {
	t.Helper()
	a, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(to)
	if err != nil {
		t.Fatal(err)
	}
	patch, err := strategicpatch.CreateTwoWayMergePatch(a, b, corev1.Pod{})
	if err != nil {
		t.Fatal(err)
	}
	return patch
}

func resizablePod(name, nodeName string) *corev1.Pod {
	pod := framework.NewPod(name)
	pod.Spec.NodeName = nodeName
	pod.Spec.Containers[0].Resources = corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
	return pod
}

func resizeCPU(t *testing.T, pods corev1client.PodInterface, name, request string) (*corev1.Pod, error) {
	t.Helper()
	pod, err := pods.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse(request)
	return pods.UpdateResize(context.Background(), name, pod, metav1.UpdateOptions{})
}

func TestResizeSubresource(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")
	if _, err := pods.Create(ctx, resizablePod("unbound", ""), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// kubectl patch --subresource resize: only the resources change.
	patched, err := pods.Patch(ctx, "unbound", types.StrategicMergePatchType,
		[]byte(`{"metadata":{"labels":{"ignored":"true"}},"spec":{"activeDeadlineSeconds":5,"containers":[{"name":"app","image":"busybox:9","resources":{"requests":{"cpu":"150m"}}}]}}`),
		metav1.PatchOptions{}, "resize")
	if err != nil {
		t.Fatal(err)
	}
	c := patched.Spec.Containers[0]
	if c.Resources.Requests.Cpu().String() != "150m" || c.Image != "busybox:1.36" || patched.Spec.ActiveDeadlineSeconds != nil ||
		patched.Labels["ignored"] != "" || patched.Generation != 2 {
		t.Errorf("resize patch: generation %d, cpu %s, image %q, deadline %v, labels %v",
			patched.Generation, c.Resources.Requests.Cpu(), c.Image, patched.Spec.ActiveDeadlineSeconds, patched.Labels)
	}

	// The QoS class may not change, and only cpu and memory may.
	pod, err := pods.Get(ctx, "unbound", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	guaranteed := pod.DeepCopy()
	guaranteed.Spec.Containers[0].Resources.Requests = guaranteed.Spec.Containers[0].Resources.Limits.DeepCopy()
	_, err = pods.UpdateResize(ctx, "unbound", guaranteed, metav1.UpdateOptions{})
	expectCauses(t, err, `spec: Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing`)
	storage := pod.DeepCopy()
	storage.Spec.Containers[0].Resources.Requests[corev1.ResourceEphemeralStorage] = resource.MustParse("1Gi")
	_, err = pods.UpdateResize(ctx, "unbound", storage, metav1.UpdateOptions{})
	expectCauses(t, err, "spec: Forbidden: only cpu and memory resources are mutable")
	renamed := pod.DeepCopy()
	renamed.Spec.Containers[0].Name = "other"
	_, err = pods.UpdateResize(ctx, "unbound", renamed, metav1.UpdateOptions{})
	expectCauses(t, err, "spec.containers[0].name: Forbidden: containers may not be renamed or reordered on resize")

	// Without a cluster to read Nodes from, no node exists, as in a cluster no kubelet has joined.
	if _, err := pods.Create(ctx, resizablePod("bound", "node-1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = resizeCPU(t, pods, "bound", "150m")
	if !apierrors.IsForbidden(err) || err.Error() != `pods "bound" is forbidden: node "node-1" not found` {
		t.Errorf("resize of a pod on a missing node: %v", err)
	}
	// A resize that changes nothing asks nothing of the node.
	if _, err := resizeCPU(t, pods, "bound", "100m"); err != nil {
		t.Errorf("no-op resize: %v", err)
	}
}

// fakeCluster serves the given Nodes the way a kube-apiserver would, and writes a kubeconfig for
// it.
func fakeCluster(t *testing.T, nodes ...*corev1.Node) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/api/v1/nodes/")
		w.Header().Set("Content-Type", "application/json")
		for _, n := range nodes {
			if ok && n.Name == name && r.Method == http.MethodGet {
				n.APIVersion, n.Kind = "v1", "Node"
				_ = json.NewEncoder(w).Encode(n)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(apierrors.NewNotFound(corev1.Resource("nodes"), name).Status())
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "cluster.kubeconfig")
	config := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: %q}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {}\ncurrent-context: c\n", srv.URL)
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestResizeChecksTheNode(t *testing.T) {
	t.Parallel()
	small := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "small", Labels: map[string]string{corev1.LabelOSStable: "linux"}},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("160m"), corev1.ResourceMemory: resource.MustParse("1Gi")}}}
	windows := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "win", Labels: map[string]string{corev1.LabelOSStable: "windows"}},
		Status: corev1.NodeStatus{Allocatable: small.Status.Allocatable}}
	kubeconfig := fakeCluster(t, small, windows)
	ts := framework.Start(t, func(o *server.Options) { o.Kubelet.ClusterKubeconfig = kubeconfig })
	ctx := context.Background()
	var client kubernetes.Interface = ts.Client(t)
	pods := client.CoreV1().Pods("default")
	for _, p := range []*corev1.Pod{resizablePod("on-small", "small"), resizablePod("on-win", "win"), resizablePod("on-missing", "missing")} {
		if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		pod, cpu, message string
		cause             metav1.CauseType
	}{
		{pod: "on-small", cpu: "150m"},
		{pod: "on-small", cpu: "180m", message: `pods "on-small" is forbidden: node didn't have enough allocatable resources: cpu, requested: 180, allocatable: 160`, cause: "NodeCapacity"},
		{pod: "on-win", cpu: "150m", message: `pods "on-win" is forbidden: pod resize is only supported on linux nodes, node "win" is "windows"`, cause: "UnsupportedPlatform"},
		{pod: "on-missing", cpu: "150m", message: `pods "on-missing" is forbidden: node "missing" not found`},
	}
	for _, tc := range cases {
		t.Run(tc.pod+" "+tc.cpu, func(t *testing.T) {
			_, err := resizeCPU(t, pods, tc.pod, tc.cpu)
			if tc.message == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !apierrors.IsForbidden(err) || err.Error() != tc.message {
				t.Fatalf("got %v, want %s", err, tc.message)
			}
			var causes []metav1.CauseType
			for _, c := range err.(apierrors.APIStatus).Status().Details.Causes {
				causes = append(causes, c.Type)
			}
			if tc.cause != "" && (len(causes) != 1 || causes[0] != tc.cause) {
				t.Errorf("causes %v, want [%s]", causes, tc.cause)
			}
		})
	}
}
