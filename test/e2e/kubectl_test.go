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

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// TestKubectl shares one server between the subtests because starting it costs more than all
// the kubectl runs together; every subtest uses its own pod names so they cannot interfere.
func TestKubectl(t *testing.T) {
	// Fail fast, before paying for a server, if kubectl is missing; name it since PATH may hold
	// another version than the one hack/install-tools.sh builds.
	t.Logf("kubectl: %s", kubectlBinary(t))
	ts := framework.Start(t)
	kc := ts.Kubeconfig
	client := ts.Client(t)

	t.Run("apply", func(t *testing.T) { testApply(t, kc, client) })
	t.Run("get", func(t *testing.T) { testGet(t, kc, client) })
	t.Run("watch", func(t *testing.T) { testWatch(t, kc, client) })
	t.Run("describe", func(t *testing.T) { testDescribe(t, kc, client) })
	t.Run("label-annotate", func(t *testing.T) { testLabelAnnotate(t, kc, client) })
	t.Run("patch", func(t *testing.T) { testPatch(t, kc, client) })
	t.Run("edit", func(t *testing.T) { testEdit(t, kc, client) })
	t.Run("explain", func(t *testing.T) { testExplain(t, kc) })
	t.Run("delete-wait", func(t *testing.T) { testDeleteWait(t, kc, client) })
	t.Run("server-side-apply", func(t *testing.T) { testServerSideApply(t, kc, client) })
}

func createPod(t *testing.T, client kubernetes.Interface, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	created, err := client.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating pod %s: %v", pod.Name, err)
	}
	return created
}

func simplePod(name string, containers ...corev1.Container) *corev1.Pod {
	if len(containers) == 0 {
		containers = []corev1.Container{{Name: "app", Image: "busybox:1.36"}}
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}},
		Spec:       corev1.PodSpec{Containers: containers},
	}
}

func getPod(t *testing.T, client kubernetes.Interface, name string) *corev1.Pod {
	t.Helper()
	pod, err := client.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting pod %s: %v", name, err)
	}
	return pod
}

func images(pod *corev1.Pod) map[string]string {
	out := map[string]string{}
	for _, c := range pod.Spec.Containers {
		out[c.Name] = c.Image
	}
	return out
}

// expectOutput fails unless out is exactly want after trimming, which pins kubectl's
// confirmation messages (e.g. "pod/x configured" vs "pod/x unchanged").
func expectOutput(t *testing.T, out, want string) {
	t.Helper()
	if got := strings.TrimSpace(out); got != want {
		t.Errorf("kubectl printed %q, want %q", got, want)
	}
}

func podManifest(name, labels, image string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
  labels:
` + labels + `
spec:
  containers:
  - name: app
    image: ` + image + `
`
}

func testApply(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "apply-demo"
	file := filepath.Join(t.TempDir(), "pod.yaml")
	if err := os.WriteFile(file, []byte(podManifest(name, "    app: demo\n    tier: web", "busybox:1.36")), 0o600); err != nil {
		t.Fatal(err)
	}
	expectOutput(t, mustKubectl(t, kc, "", "apply", "-f", file), "pod/"+name+" created")
	pod := getPod(t, client, name)
	if pod.Labels["tier"] != "web" || pod.Spec.Containers[0].Image != "busybox:1.36" {
		t.Errorf("created pod: labels %v, image %q", pod.Labels, pod.Spec.Containers[0].Image)
	}
	checkLastApplied(t, pod, map[string]string{"app": "demo", "tier": "web"})

	// Dropping tier from the manifest must remove it from the pod: that needs the server to honour
	// the strategic merge patch kubectl computes from last-applied.
	changed := podManifest(name, "    app: demo\n    stage: two", "busybox:1.36")
	expectOutput(t, mustKubectl(t, kc, changed, "apply", "-f", "-"), "pod/"+name+" configured")
	pod = getPod(t, client, name)
	if want := map[string]string{"app": "demo", "stage": "two"}; !mapsEqual(pod.Labels, want) {
		t.Errorf("re-applied pod labels = %v, want %v", pod.Labels, want)
	}
	checkLastApplied(t, pod, map[string]string{"app": "demo", "stage": "two"})

	expectOutput(t, mustKubectl(t, kc, changed, "apply", "-f", "-"), "pod/"+name+" unchanged")
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func checkLastApplied(t *testing.T, pod *corev1.Pod, wantLabels map[string]string) {
	t.Helper()
	raw, ok := pod.Annotations[lastAppliedAnnotation]
	if !ok {
		t.Fatalf("pod has no %s annotation: %v", lastAppliedAnnotation, pod.Annotations)
	}
	var applied corev1.Pod
	if err := json.Unmarshal([]byte(raw), &applied); err != nil {
		t.Fatalf("last-applied annotation is not a pod: %v\n%s", err, raw)
	}
	if applied.Name != pod.Name || !mapsEqual(applied.Labels, wantLabels) {
		t.Errorf("last-applied names %q with labels %v, want %q with %v", applied.Name, applied.Labels, pod.Name, wantLabels)
	}
}

// table splits kubectl's column output into the header and the rows, each as its
// whitespace-separated words (so "NOMINATED NODE" is two words).
func table(t *testing.T, out string) (header []string, rows [][]string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatalf("kubectl printed no table: %q", out)
	}
	for _, l := range lines[1:] {
		rows = append(rows, strings.Fields(l))
	}
	return strings.Fields(lines[0]), rows
}

func expectHeader(t *testing.T, out string, want string) [][]string {
	t.Helper()
	header, rows := table(t, out)
	if got := strings.Join(header, " "); got != want {
		t.Errorf("header = %q, want %q\n%s", got, want, out)
	}
	return rows
}

// rowFor returns the row whose column col is value.
func rowFor(t *testing.T, out string, rows [][]string, col int, value string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > col && r[col] == value {
			return r
		}
	}
	t.Fatalf("no row with %q in column %d:\n%s", value, col, out)
	return nil
}

// expectCells compares the leading cells of row with want; "*" matches anything (e.g. AGE).
func expectCells(t *testing.T, row []string, want ...string) {
	t.Helper()
	if len(row) != len(want) {
		t.Errorf("row %q has %d cells, want %d (%q)", row, len(row), len(want), want)
		return
	}
	for i := range want {
		if want[i] != "*" && row[i] != want[i] {
			t.Errorf("row %q: cell %d = %q, want %q", row, i, row[i], want[i])
		}
	}
}

func testGet(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "get-demo"
	created := createPod(t, client, simplePod(name))

	t.Run("table", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "get", "pods")
		rows := expectHeader(t, out, "NAME READY STATUS RESTARTS AGE")
		expectCells(t, rowFor(t, out, rows, 0, name), name, "0/1", "Pending", "0", "*")
	})

	t.Run("wide", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "get", "pods", "-o", "wide")
		rows := expectHeader(t, out, "NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES")
		expectCells(t, rowFor(t, out, rows, 0, name), name, "0/1", "Pending", "0", "*", "<none>", "<none>", "<none>", "<none>")
	})

	t.Run("yaml", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "get", "pod", name, "-o", "yaml")
		var pod corev1.Pod
		if err := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(out), 4096).Decode(&pod); err != nil {
			t.Fatalf("-o yaml is not a pod: %v\n%s", err, out)
		}
		if pod.Kind != "Pod" || pod.APIVersion != "v1" || pod.Name != name || pod.UID != created.UID ||
			pod.Spec.Containers[0].Image != "busybox:1.36" || pod.Status.Phase != corev1.PodPending {
			t.Errorf("-o yaml printed a different pod:\n%s", out)
		}
	})

	t.Run("json", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "get", "pods", "-o", "json")
		var list struct {
			Kind  string       `json:"kind"`
			Items []corev1.Pod `json:"items"`
		}
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("-o json is not JSON: %v\n%s", err, out)
		}
		if list.Kind != "List" {
			t.Errorf("-o json kind = %q, want List", list.Kind)
		}
		i := slices.IndexFunc(list.Items, func(p corev1.Pod) bool { return p.Name == name })
		if i < 0 {
			t.Fatalf("-o json has no pod %s:\n%s", name, out)
		}
		if p := list.Items[i]; p.UID != created.UID || p.Spec.Containers[0].Image != "busybox:1.36" {
			t.Errorf("-o json printed a different pod: %+v", p)
		}
	})

	t.Run("all-namespaces", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "get", "pods", "-A")
		rows := expectHeader(t, out, "NAMESPACE NAME READY STATUS RESTARTS AGE")
		expectCells(t, rowFor(t, out, rows, 1, name), "default", name, "0/1", "Pending", "0", "*")
	})

	t.Run("short-name", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "get", "po", name)
		rows := expectHeader(t, out, "NAME READY STATUS RESTARTS AGE")
		if len(rows) != 1 {
			t.Errorf("get po %s printed %d rows, want 1:\n%s", name, len(rows), out)
		}
		expectCells(t, rowFor(t, out, rows, 0, name), name, "0/1", "Pending", "0", "*")
	})

	t.Run("category-all", func(t *testing.T) {
		// kubectl prefixes names with their kind only when more than one resource type is printed,
		// and pods are all this server has in the category.
		out := mustKubectl(t, kc, "", "get", "all")
		rows := expectHeader(t, out, "NAME READY STATUS RESTARTS AGE")
		expectCells(t, rowFor(t, out, rows, 0, name), name, "0/1", "Pending", "0", "*")

		out = mustKubectl(t, kc, "", "get", "all", "-o", "name")
		if !slices.Contains(strings.Split(strings.TrimSpace(out), "\n"), "pod/"+name) {
			t.Errorf("get all -o name has no pod/%s:\n%s", name, out)
		}
	})
}

func testWatch(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "watch-demo"
	createPod(t, client, simplePod(name))

	w := startKubectl(t, kc, "get", "pods", name, "--watch", "--output-watch-events", "-L", "stage")
	// kubectl lists before it watches from the list's resourceVersion, so once the listed pod is
	// printed every later change is guaranteed to reach it.
	added := regexp.MustCompile(`(?m)^ADDED[ \t]+` + name + `[ \t].*\n`)
	w.waitForOutput(t, 30*time.Second, "the listed pod", added.MatchString)
	out := w.Stdout.String()
	rows := expectHeader(t, out, "EVENT NAME READY STATUS RESTARTS AGE STAGE")
	expectCells(t, rowFor(t, out, rows, 1, name), "ADDED", name, "0/1", "Pending", "0", "*")

	patch := []byte(`{"metadata":{"labels":{"stage":"two"}}}`)
	if _, err := client.CoreV1().Pods("default").Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatalf("labelling pod: %v", err)
	}
	modified := regexp.MustCompile(`(?m)^MODIFIED[ \t]+` + name + `[ \t]+0/1[ \t]+Pending[ \t]+0[ \t]+\S+[ \t]+two\n`)
	w.waitForOutput(t, 30*time.Second, "the MODIFIED row with stage=two", modified.MatchString)

	if err := client.CoreV1().Pods("default").Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("deleting pod: %v", err)
	}
	deleted := regexp.MustCompile(`(?m)^DELETED[ \t]+` + name + `[ \t]`)
	w.waitForOutput(t, 30*time.Second, "the DELETED row", deleted.MatchString)
	w.Stop()
}

func testDescribe(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "describe-demo"
	createPod(t, client, simplePod(name))

	stdout, stderr, err := runKubectl(t, kc, "", "describe", "pod", name)
	if err != nil {
		t.Errorf("kubectl describe pod exited with %v\nstderr: %s", err, stderr)
	}
	for _, re := range []string{
		`(?m)^Name:\s+` + name + `$`,
		`(?m)^Namespace:\s+default$`,
		`(?m)^Status:\s+Pending$`,
		`(?m)^Labels:\s+app=` + name + `$`,
		`(?m)^Containers:$`,
		`(?m)^  app:$`,
		`(?m)^    Image:\s+busybox:1\.36$`,
	} {
		if !regexp.MustCompile(re).MatchString(stdout) {
			t.Errorf("describe output does not match %s:\n%s", re, stdout)
		}
	}
}

func testLabelAnnotate(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "label-demo"
	createPod(t, client, simplePod(name))

	expectOutput(t, mustKubectl(t, kc, "", "label", "pod", name, "env=dev"), "pod/"+name+" labeled")
	if got := getPod(t, client, name).Labels["env"]; got != "dev" {
		t.Errorf("label env = %q after adding, want dev", got)
	}
	// Without --overwrite kubectl must refuse to change the label, which only works if it read the
	// current labels back correctly.
	if _, stderr, err := runKubectl(t, kc, "", "label", "pod", name, "env=prod"); err == nil || !strings.Contains(stderr, "--overwrite is false") {
		t.Errorf("changing a label without --overwrite: err %v, stderr %q; want a refusal", err, stderr)
	}
	expectOutput(t, mustKubectl(t, kc, "", "label", "pod", name, "env=prod", "--overwrite"), "pod/"+name+" labeled")
	if got := getPod(t, client, name).Labels["env"]; got != "prod" {
		t.Errorf("label env = %q after --overwrite, want prod", got)
	}
	expectOutput(t, mustKubectl(t, kc, "", "label", "pod", name, "env-"), "pod/"+name+" unlabeled")
	if labels := getPod(t, client, name).Labels; !mapsEqual(labels, map[string]string{"app": name}) {
		t.Errorf("labels after removing env = %v, want only app", labels)
	}

	expectOutput(t, mustKubectl(t, kc, "", "annotate", "pod", name, "example.com/note=first"), "pod/"+name+" annotated")
	if got := getPod(t, client, name).Annotations["example.com/note"]; got != "first" {
		t.Errorf("annotation = %q after adding, want first", got)
	}
	if _, stderr, err := runKubectl(t, kc, "", "annotate", "pod", name, "example.com/note=second"); err == nil || !strings.Contains(stderr, "--overwrite is false") {
		t.Errorf("changing an annotation without --overwrite: err %v, stderr %q; want a refusal", err, stderr)
	}
	expectOutput(t, mustKubectl(t, kc, "", "annotate", "pod", name, "example.com/note=second", "--overwrite"), "pod/"+name+" annotated")
	if got := getPod(t, client, name).Annotations["example.com/note"]; got != "second" {
		t.Errorf("annotation = %q after --overwrite, want second", got)
	}
	expectOutput(t, mustKubectl(t, kc, "", "annotate", "pod", name, "example.com/note-"), "pod/"+name+" annotated")
	if _, ok := getPod(t, client, name).Annotations["example.com/note"]; ok {
		t.Errorf("annotation still present after removing it")
	}
}

func testPatch(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "patch-demo"
	createPod(t, client, simplePod(name,
		corev1.Container{Name: "app", Image: "busybox:1.36"},
		corev1.Container{Name: "sidecar", Image: "nginx:1.27"},
	))

	t.Run("strategic", func(t *testing.T) {
		// Only the sidecar is named: a strategic merge keyed by container name must keep app, where
		// a plain merge patch would replace the whole list.
		out := mustKubectl(t, kc, "", "patch", "pod", name, "--type=strategic",
			"-p", `{"spec":{"containers":[{"name":"sidecar","image":"nginx:1.28"}]}}`)
		expectOutput(t, out, "pod/"+name+" patched")
		pod := getPod(t, client, name)
		if got, want := images(pod), map[string]string{"app": "busybox:1.36", "sidecar": "nginx:1.28"}; !mapsEqual(got, want) || pod.Spec.Containers[0].Name != "app" {
			t.Errorf("containers after strategic patch = %v (order %v), want %v with app first", got, pod.Spec.Containers, want)
		}
	})

	t.Run("merge", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "patch", "pod", name, "--type=merge", "-p", `{"metadata":{"labels":{"tier":"web","app":null}}}`)
		expectOutput(t, out, "pod/"+name+" patched")
		if labels := getPod(t, client, name).Labels; !mapsEqual(labels, map[string]string{"tier": "web"}) {
			t.Errorf("labels after merge patch = %v, want only tier=web", labels)
		}
	})

	t.Run("json", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "patch", "pod", name, "--type=json",
			"-p", `[{"op":"replace","path":"/spec/containers/0/image","value":"busybox:1.37"}]`)
		expectOutput(t, out, "pod/"+name+" patched")
		if got, want := images(getPod(t, client, name)), map[string]string{"app": "busybox:1.37", "sidecar": "nginx:1.28"}; !mapsEqual(got, want) {
			t.Errorf("containers after json patch = %v, want %v", got, want)
		}
	})

	t.Run("no-op", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "patch", "pod", name, "--type=merge", "-p", `{"metadata":{"labels":{"tier":"web"}}}`)
		expectOutput(t, out, "pod/"+name+" patched (no change)")
	})
}

func testEdit(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "edit-demo"
	createPod(t, client, simplePod(name))

	// The editor gets the file to edit as its last argument; rewriting through a temporary file
	// keeps the script portable between GNU and BSD sed.
	editor := filepath.Join(t.TempDir(), "editor.sh")
	script := `#!/bin/sh
set -e
f="$1"
sed -e 's|image: busybox:1.36|image: busybox:1.37|' -e 's|app: ` + name + `$|app: edited|' "$f" > "$f.new"
mv "$f.new" "$f"
`
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runKubectlEnv(t, kc, []string{"EDITOR=" + editor, "KUBE_EDITOR=" + editor}, "", "edit", "pod", name)
	if err != nil {
		t.Fatalf("kubectl edit: %v\nstderr: %s", err, stderr)
	}
	expectOutput(t, stdout, "pod/"+name+" edited")
	pod := getPod(t, client, name)
	if pod.Spec.Containers[0].Image != "busybox:1.37" || pod.Labels["app"] != "edited" {
		t.Errorf("after edit: image %q, labels %v; want busybox:1.37 and app=edited", pod.Spec.Containers[0].Image, pod.Labels)
	}
}

func testExplain(t *testing.T, kc string) {
	out := mustKubectl(t, kc, "", "explain", "pods.spec.containers")
	for _, re := range []string{
		`(?m)^KIND:\s+Pod$`,
		`(?m)^VERSION:\s+v1$`,
		`(?m)^FIELD:\s+containers\s+<\[\]Container>$`,
		`(?m)^DESCRIPTION:$`,
		`(?m)^FIELDS:$`,
		`(?m)^  image\s+<string>$`,
		`(?m)^  name\s+<string> -required-$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("explain output does not match %s:\n%s", re, out)
		}
	}
}

func testDeleteWait(t *testing.T, kc string, client kubernetes.Interface) {
	pods := client.CoreV1().Pods("default")

	t.Run("delete", func(t *testing.T) {
		const name = "delete-demo"
		createPod(t, client, simplePod(name))
		out := mustKubectl(t, kc, "", "delete", "pod", name)
		if !regexp.MustCompile(`^pod "` + name + `" deleted`).MatchString(out) {
			t.Errorf("kubectl delete printed %q", out)
		}
		if _, err := pods.Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after kubectl delete: %v, want NotFound", err)
		}
	})

	t.Run("wait-for-delete", func(t *testing.T) {
		const name = "finalizer-demo"
		pod := simplePod(name)
		pod.Finalizers = []string{"example.com/hold"}
		createPod(t, client, pod)

		out := mustKubectl(t, kc, "", "delete", "pod", name, "--wait=false")
		if !regexp.MustCompile(`^pod "` + name + `" deleted`).MatchString(out) {
			t.Errorf("kubectl delete --wait=false printed %q", out)
		}
		held := getPod(t, client, name)
		if held.DeletionTimestamp == nil {
			t.Fatalf("pod held by a finalizer has no deletionTimestamp after delete")
		}

		// -v=6 logs each request once its response headers arrive, so seeing the watch logged means
		// the server has registered it: the finalizer's removal below cannot slip in before wait
		// is watching, and a wait that merely found the pod gone would not pass this test.
		w := startKubectl(t, kc, "wait", "--for=delete", "pod/"+name, "--timeout=60s", "-v=6")
		w.waitForStderr(t, 30*time.Second, "the logged watch request", loggedWatch)
		select {
		case <-w.done:
			t.Fatalf("kubectl wait --for=delete returned while the pod still exists: %v\nstdout: %s\nstderr: %s", w.err, w.Stdout.String(), w.Stderr.String())
		default:
		}

		patch := []byte(`{"metadata":{"finalizers":null}}`)
		if _, err := pods.Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatalf("removing the finalizer: %v", err)
		}
		if err := w.Wait(t, 30*time.Second); err != nil {
			t.Errorf("kubectl wait --for=delete: %v\nstdout: %s\nstderr: %s", err, w.Stdout.String(), w.Stderr.String())
		}
		expectOutput(t, w.Stdout.String(), "pod/"+name+" condition met")
		if _, err := pods.Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after the finalizer went: %v, want NotFound", err)
		}
	})
}

// loggedWatch reports whether kubectl's -v=6 log shows a successful watch of default's pods. The
// log line is "GET <url> 200 OK" up to kubectl 1.32 and structured (verb="GET" url="<url>"
// status="200 OK") since, so only its parts are matched.
func loggedWatch(log string) bool {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "/api/v1/namespaces/default/pods?") && strings.Contains(line, "watch=true") && strings.Contains(line, "200 OK") {
			return true
		}
	}
	return false
}

func testServerSideApply(t *testing.T, kc string, client kubernetes.Interface) {
	const name = "ssa-demo"
	manifest := func(image string) string { return podManifest(name, "    app: ssa", image) }

	out := mustKubectl(t, kc, manifest("busybox:1.36"), "apply", "--server-side", "--field-manager=manager-a", "-f", "-")
	expectOutput(t, out, "pod/"+name+" serverside-applied")

	stdout, stderr, err := runKubectl(t, kc, manifest("busybox:1.37"), "apply", "--server-side", "--field-manager=manager-b", "-f", "-")
	if err == nil {
		t.Errorf("conflicting apply by manager-b succeeded: %s", stdout)
	}
	for _, want := range []string{"conflict", `"manager-a"`, `.spec.containers[name="app"].image`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("conflict error does not mention %s:\n%s", want, stderr)
		}
	}
	if got := getPod(t, client, name).Spec.Containers[0].Image; got != "busybox:1.36" {
		t.Errorf("image after the rejected apply = %q, want busybox:1.36", got)
	}

	out = mustKubectl(t, kc, manifest("busybox:1.37"), "apply", "--server-side", "--field-manager=manager-b", "--force-conflicts", "-f", "-")
	expectOutput(t, out, "pod/"+name+" serverside-applied")
	pod := getPod(t, client, name)
	if got := pod.Spec.Containers[0].Image; got != "busybox:1.37" {
		t.Errorf("image after the forced apply = %q, want busybox:1.37", got)
	}

	image := fieldpath.MakePathOrDie("spec", "containers", fieldpath.KeyByFields("name", "app"), "image")
	label := fieldpath.MakePathOrDie("metadata", "labels", "app")
	owns := func(manager string) (ownsImage, ownsLabel, found bool) {
		for _, mf := range pod.ManagedFields {
			if mf.Manager != manager || mf.Operation != metav1.ManagedFieldsOperationApply || mf.FieldsV1 == nil {
				continue
			}
			set := &fieldpath.Set{}
			if err := set.FromJSON(bytes.NewReader(mf.FieldsV1.Raw)); err != nil {
				t.Fatalf("managedFields of %s: %v", manager, err)
			}
			return set.Has(image), set.Has(label), true
		}
		return false, false, false
	}
	// Forcing moves the image to manager-b alone; the label both applied with the same value stays
	// shared.
	if img, lbl, found := owns("manager-b"); !found || !img || !lbl {
		t.Errorf("manager-b: found %v, owns image %v, owns label %v; want all true\n%+v", found, img, lbl, pod.ManagedFields)
	}
	if img, lbl, found := owns("manager-a"); !found || img || !lbl {
		t.Errorf("manager-a: found %v, owns image %v, owns label %v; want found, label only\n%+v", found, img, lbl, pod.ManagedFields)
	}
}
