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
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/pod-apiserver/pod-apiserver/test/manifests/render"
)

// kindCluster is the part of kind's v1alpha4 Cluster that users' access depends on.
type kindCluster struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Name       string `json:"name"`
	Nodes      []struct {
		Role              string `json:"role"`
		ExtraPortMappings []struct {
			ContainerPort int32  `json:"containerPort"`
			HostPort      int32  `json:"hostPort"`
			ListenAddress string `json:"listenAddress"`
			Protocol      string `json:"protocol"`
		} `json:"extraPortMappings"`
	} `json:"nodes"`
}

// TestKindClusterReachesTheService: the kind cluster maps the Service's node port to the host
// address that hack/kind-up.sh writes into the users' kubeconfig.
func TestKindClusterReachesTheService(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(manifestsDir, "kind", "cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cluster kindCluster
	if err := yaml.UnmarshalStrict(data, &cluster); err != nil {
		t.Fatalf("kind/cluster.yaml: %v", err)
	}
	if cluster.Kind != "Cluster" || cluster.APIVersion != "kind.x-k8s.io/v1alpha4" {
		t.Fatalf("kind/cluster.yaml is %s %s", cluster.APIVersion, cluster.Kind)
	}
	objs, err := render.Objects(manifestsDir, "base", testCerts(t))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../hack/kind-up.sh")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, obj := range objs {
		svc, ok := obj.(*corev1.Service)
		if !ok || svc.Name != "pod-apiserver" {
			continue
		}
		for _, p := range svc.Spec.Ports {
			for _, n := range cluster.Nodes {
				for _, m := range n.ExtraPortMappings {
					if p.NodePort == 0 || m.ContainerPort != p.NodePort {
						continue
					}
					found = true
					if m.ListenAddress != "127.0.0.1" {
						t.Errorf("node port %d is published on %q, not only on 127.0.0.1", p.NodePort, m.ListenAddress)
					}
					url := "--server https://127.0.0.1:" + strconv.Itoa(int(m.HostPort))
					if !strings.Contains(string(script), url) {
						t.Errorf("hack/kind-up.sh does not make the certificates and kubeconfig for %s", url)
					}
				}
			}
		}
	}
	if !found {
		t.Error("no extraPortMapping of kind/cluster.yaml publishes the pod-apiserver Service's node port")
	}
}

// repoBin is a binary make builds into _output/bin; CI must have it, elsewhere its absence skips.
func repoBin(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("../../_output/bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (make test-manifests builds it first)", err)
		}
		t.Skipf("%v (make test-manifests builds it first)", err)
	}
	return path
}

// TestKindUpScript runs hack/kind-up.sh on a copy of the tree, with stand-ins for kind and
// kubectl (kind cannot run here) that record what they are asked to do; the real pod-apiserver
// makes the certificates and the real kubectl renders what would be applied.
func TestKindUpScript(t *testing.T) {
	server, kubectl := repoBin(t, "pod-apiserver"), repoBin(t, "kubectl")
	root := t.TempDir()
	for _, dir := range []string{"manifests", "hack"} {
		if err := copyTree(filepath.Join("../..", dir), filepath.Join(root, dir)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(filepath.Join(root, "manifests/base/certs")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "_output/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(server, filepath.Join(root, "_output/bin/pod-apiserver")); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(root, "fakebin")
	calls := filepath.Join(root, "calls.log")
	rendered := filepath.Join(root, "rendered.yaml")
	if err := os.MkdirAll(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	stubs := map[string]string{
		"kind":   `echo "kind $*" >> "` + calls + `"`,
		"docker": `echo "docker $*" >> "` + calls + `"`,
		// apply -k DIR renders DIR with the real kubectl, as apply would before sending it.
		"kubectl": `echo "kubectl $*" >> "` + calls + `"
for ((i = 1; i <= $#; i++)); do
	if [[ "${!i}" == "-k" ]]; then j=$((i + 1)); exec "` + kubectl + `" kustomize "${!j}" > "` + rendered + `"; fi
done`,
	}
	for name, body := range stubs {
		if err := os.WriteFile(filepath.Join(fake, name), []byte("#!/usr/bin/env bash\nset -e\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", filepath.Join(root, "hack/kind-up.sh"))
	cmd.Env = append(os.Environ(), "PATH="+fake+":"+os.Getenv("PATH"), "OVERLAY=overlays/etcd-3", "KUBECTL=kubectl")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hack/kind-up.sh: %v\n%s", err, out)
	}
	log, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"kind get clusters",
		"kind create cluster --name pod-apiserver --config manifests/kind/cluster.yaml",
		"kind load image-archive _output/images/pod-apiserver.tar --name pod-apiserver",
		"kind load image-archive _output/images/etcd.tar --name pod-apiserver",
		"kubectl --context kind-pod-apiserver apply -k manifests/overlays/etcd-3",
		"kubectl --context kind-pod-apiserver -n pod-apiserver rollout status statefulset/etcd --timeout=5m",
		"kubectl --context kind-pod-apiserver -n pod-apiserver rollout status deployment/pod-apiserver --timeout=5m",
	}
	if got := strings.Split(strings.TrimSpace(string(log)), "\n"); !slices.Equal(got, want) {
		t.Errorf("kind-up.sh ran:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(out), "kubectl --kubeconfig manifests/base/certs/admin.kubeconfig get pods -A") {
		t.Errorf("kind-up.sh does not print the kubectl line:\n%s", out)
	}

	// What was applied holds the serving certificate made for the Service and for 127.0.0.1.
	applied, err := os.ReadFile(rendered)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(applied, []byte("kind: Secret")) || !bytes.Contains(applied, []byte("replicas: 3")) {
		t.Errorf("kubectl apply -k was not given the etcd-3 overlay with its Secret:\n%s", applied)
	}
	certs := filepath.Join(root, "manifests/base/certs")
	pemBytes, err := os.ReadFile(filepath.Join(certs, "tls.crt"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		t.Fatal("tls.crt holds no PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.VerifyHostname("pod-apiserver.pod-apiserver.svc"); err != nil {
		t.Error(err)
	}
	if err := cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	cfg, err := clientcmd.LoadFromFile(filepath.Join(certs, "admin.kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	if ctx == nil || cfg.Clusters[ctx.Cluster] == nil || cfg.Clusters[ctx.Cluster].Server != "https://127.0.0.1:30443" {
		t.Errorf("admin.kubeconfig does not point at https://127.0.0.1:30443: %+v", cfg.Clusters)
	}
}
