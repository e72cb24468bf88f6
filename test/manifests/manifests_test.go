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
	"strings"
	"testing"

	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
	"github.com/pod-apiserver/pod-apiserver/test/manifests/render"
)

const manifestsDir = "../../manifests"

// testCerts writes the files the base's secretGenerator reads, as `pod-apiserver certs` does (the
// same pkg/pki function), into a temporary folder.
func testCerts(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "certs")
	if _, err := pki.WriteServiceBundle(pki.ServiceBundleOptions{Dir: dir, Service: "pod-apiserver", Namespace: "pod-apiserver", ServerURL: "https://127.0.0.1:30443"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOverlaysAreSound(t *testing.T) {
	certs := testCerts(t)
	for _, overlay := range render.Overlays {
		t.Run(overlay, func(t *testing.T) {
			found, skipped := problems(manifestsDir, overlay, certs)
			for _, p := range found {
				t.Error(p)
			}
			if len(skipped) > 0 && len(found) == 0 {
				t.Skipf("checked everything but: %s", strings.Join(skipped, "; "))
			}
		})
	}
}

// TestOverlayShapes pins what the overlays are for: how many etcd members and server replicas,
// every replica pointed at every member, and where a ServiceAccount token is mounted.
func TestOverlayShapes(t *testing.T) {
	certs := testCerts(t)
	for _, tc := range []struct {
		overlay      string
		etcd, server int32
		token        bool
	}{
		{"base", 1, 2, false},
		{"overlays/etcd-3", 3, 2, false},
		{"overlays/delegated-auth", 1, 2, true},
	} {
		t.Run(tc.overlay, func(t *testing.T) {
			objs, err := render.Objects(manifestsDir, tc.overlay, certs)
			if err != nil {
				t.Fatal(err)
			}
			var members []string
			for _, w := range render.Workloads(objs) {
				if w.Name == "etcd" {
					if w.Replicas != tc.etcd {
						t.Errorf("etcd members: %d, want %d", w.Replicas, tc.etcd)
					}
					for i := 0; i < int(w.Replicas); i++ {
						members = append(members, w.PodName(i)+"."+w.ServiceName+"."+w.Namespace+".svc.cluster.local:2379")
					}
				}
			}
			for _, w := range render.Workloads(objs) {
				token := w.Template.Spec.AutomountServiceAccountToken
				mounted := token == nil || *token
				if w.Name == "pod-apiserver" {
					if w.Replicas != tc.server {
						t.Errorf("server replicas: %d, want %d", w.Replicas, tc.server)
					}
					if mounted != tc.token {
						t.Errorf("server ServiceAccount token mounted: %v, want %v", mounted, tc.token)
					}
					pod := w.Pod(0)
					c := &pod.Spec.Containers[0]
					env, err := render.Env(pod, c)
					if err != nil {
						t.Fatal(err)
					}
					_, args := render.Args(c, env)
					joined := strings.Join(args, " ")
					for _, m := range members {
						if !strings.Contains(joined, m) {
							t.Errorf("server args %q do not name etcd member %s", args, m)
						}
					}
					for _, flag := range []string{"--authentication-kubeconfig=", "--authorization-kubeconfig=", "--authorization-mode=Node,Webhook"} {
						if strings.Contains(joined, flag) != tc.token {
							t.Errorf("flag %s given: %v, want %v", flag, !tc.token, tc.token)
						}
					}
				} else if mounted {
					t.Errorf("%s/%s mounts a ServiceAccount token", w.Kind, w.Name)
				}
			}
		})
	}
}

// TestChecksCatchBrokenManifests breaks a copy of the manifests in one way at a time: each check
// must report it.
func TestChecksCatchBrokenManifests(t *testing.T) {
	certs := testCerts(t)
	const server = "base/pod-apiserver.yaml"
	const etcd = "base/etcd.yaml"
	for _, tc := range []struct {
		name, file, from, to, check string
	}{
		{"unrendered", "base/kustomization.yaml", "- etcd.yaml", "- etcd.yml", "render"},
		{"unknown field", server, "  replicas: 2\n", "  replicas: 2\n  replica: 2\n", "decode"},
		{"misspelt nested field", server, "readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", "decode"},
		{"selector mismatch", server, "      labels:\n        app.kubernetes.io/name: pod-apiserver", "      labels:\n        app.kubernetes.io/name: pod-apiserver-x", "selector"},
		{"probe on a missing port", server, "path: /readyz\n            port: https", "path: /readyz\n            port: http", "probes"},
		{"port name too long", etcd, "name: metrics\n", "name: metrics-listener\n", "ports"},
		{"service target port", server, "targetPort: https", "targetPort: web", "ports"},
		{"unknown server flag", server, "--secure-port=6443", "--secure-prot=6443", "server-flags"},
		{"flag that fails Validate", server, "--secure-port=6443", "--secure-port=70000", "server-flags"},
		{"unset variable", server, "--etcd-servers=$(ETCD_SERVERS)", "--etcd-servers=$(ETCD_SERVER)", "server-flags"},
		{"pod validation", server, "            memory: 128Mi\n          limits:\n            memory: 512Mi", "            memory: 1Gi\n          limits:\n            memory: 512Mi", "pod-validation"},
		{"privilege escalation", etcd, "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "pod-security"},
		{"runs as root", server, "runAsUser: 65532", "runAsUser: 0", "pod-security"},
		{"capabilities kept", server, "drop:\n            - ALL", "drop:\n            - NET_RAW", "pod-security"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := copyTree(manifestsDir, dir); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tc.from) {
				t.Fatalf("%s does not contain %q: the mutation is stale", tc.file, tc.from)
			}
			if err := os.WriteFile(path, []byte(strings.Replace(string(data), tc.from, tc.to, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			found, _ := problems(dir, "base", certs)
			for _, p := range found {
				if strings.HasPrefix(p, tc.check+": ") {
					t.Logf("caught: %s", p)
					return
				}
			}
			t.Errorf("check %q did not report the broken copy; found: %q", tc.check, found)
		})
	}
}

func TestExpandAsTheKubelet(t *testing.T) {
	env := map[string]string{"POD_NAME": "etcd-1", "NS": "pod-apiserver"}
	for in, want := range map[string]string{
		"--name=$(POD_NAME)":            "--name=etcd-1",
		"http://$(POD_NAME).etcd.$(NS)": "http://etcd-1.etcd.pod-apiserver",
		"$(MISSING) stays":              "$(MISSING) stays",
		"$$(POD_NAME) escaped":          "$(POD_NAME) escaped",
		"$ alone and $":                 "$ alone and $",
		"unterminated $(POD_NAME":       "unterminated $(POD_NAME",
	} {
		if got := render.Expand(in, env); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}
