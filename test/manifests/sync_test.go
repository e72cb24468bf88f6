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

package manifests

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"

	synccmd "github.com/pod-apiserver/pod-apiserver/pkg/cmd/sync"
	"github.com/pod-apiserver/pod-apiserver/test/manifests/render"
)

const syncOverlay = "overlays/sync"

// syncManifests copies the manifests with the client files the sync overlay's secretGenerator
// reads put in place, as its kustomization says to do.
func syncManifests(t *testing.T) (dir, certs string) {
	t.Helper()
	certs = testCerts(t)
	dir = filepath.Join(t.TempDir(), "manifests")
	if err := copyTree(manifestsDir, dir); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, syncOverlay, "certs")
	if err := os.MkdirAll(target, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ca.crt", "admin.crt", "admin.key"} {
		data, err := os.ReadFile(filepath.Join(certs, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(target, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, certs
}

// TestSyncOverlay: the overlay passes the checks every overlay passes (Pod Security restricted
// for both workloads, pod validation, the server's flags), the syncer's flags parse, the host
// namespace enforces restricted and has a quota, and the syncer's RBAC is what it uses.
func TestSyncOverlay(t *testing.T) {
	dir, certs := syncManifests(t)
	found, skipped := problems(dir, syncOverlay, certs)
	for _, p := range found {
		t.Error(p)
	}
	if len(skipped) > 0 {
		t.Logf("not checked: %s", strings.Join(skipped, "; "))
	}
	objs, err := render.Objects(dir, syncOverlay, certs)
	if err != nil {
		t.Fatal(err)
	}

	var syncer *render.Workload
	for _, w := range render.Workloads(objs) {
		if w.Name == "pod-apiserver-sync" {
			syncer = &w
		}
	}
	if syncer == nil {
		t.Fatal("no pod-apiserver-sync workload")
	}
	pod := syncer.Pod(0)
	args := pod.Spec.Containers[0].Args
	if len(args) == 0 || args[0] != "sync" {
		t.Fatalf("syncer args %q", args)
	}
	o := synccmd.NewOptions()
	fs := pflag.NewFlagSet("sync", pflag.ContinueOnError)
	for _, set := range o.Flags().FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		t.Fatalf("syncer args %q: %v %q", args, err, fs.Args())
	}
	if err := o.Validate(); err != nil {
		t.Error(err)
	}
	if !o.LeaderElect.LeaderElect || o.HostNamespace != "pod-apiserver-pods" || o.HostKubeconfig != "" || o.Policy.AllowPrivileged || o.Policy.AllowHostPath {
		t.Errorf("syncer options: %+v", o)
	}
	if syncer.Replicas != 2 {
		t.Errorf("syncer replicas %d", syncer.Replicas)
	}

	ns := find[*corev1.Namespace](objs, "pod-apiserver-pods")
	if ns == nil || ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
		t.Errorf("host namespace: %+v", ns)
	}
	if q := find[*corev1.ResourceQuota](objs, "pod-apiserver-pods"); q == nil || q.Namespace != "pod-apiserver-pods" || q.Spec.Hard.Pods().IsZero() {
		t.Errorf("quota: %+v", q)
	}

	role := find[*rbacv1.Role](objs, "pod-apiserver-sync")
	if role == nil || role.Namespace != "pod-apiserver-pods" {
		t.Fatalf("syncer role: %+v", role)
	}
	granted := map[string][]string{}
	for _, r := range role.Rules {
		for _, res := range r.Resources {
			granted[res] = append(granted[res], r.Verbs...)
		}
	}
	want := map[string][]string{
		"pods":                     {"create", "delete", "list", "update", "watch"},
		"pods/ephemeralcontainers": {"update"},
		"pods/resize":              {"update"},
	}
	for res, verbs := range granted {
		slices.Sort(verbs)
		if !slices.Equal(verbs, want[res]) {
			t.Errorf("syncer may %v %s, want %v", verbs, res, want[res])
		}
	}
	if len(granted) != len(want) {
		t.Errorf("syncer resources %v, want %v", granted, want)
	}
}

func find[T interface {
	runtime.Object
	GetName() string
}](objs []runtime.Object, name string) T {
	var zero T
	for _, o := range objs {
		if typed, ok := o.(T); ok && typed.GetName() == name {
			return typed
		}
	}
	return zero
}
