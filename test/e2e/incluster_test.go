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
	"bufio"
	"crypto/tls"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	certutil "k8s.io/client-go/util/cert"

	"github.com/pod-apiserver/pod-apiserver/pkg/embeddedetcd"
)

// The binary as the manifests run it: certificates from `pod-apiserver certs`, an external etcd,
// a --data-dir it cannot write. It says it writes no admin kubeconfig, kubectl reaches it through
// the kubeconfig `certs` wrote under the Service's DNS name, a probe without credentials gets 200
// and the API 401, nothing appears in --data-dir, and SIGTERM exits 0.
func TestBinaryWithGivenCertificatesAndExternalEtcd(t *testing.T) {
	bin := buildServer(t)
	port := freePort(t)
	certs := filepath.Join(t.TempDir(), "certs")
	out, err := exec.Command(bin, "certs", "--out", certs, "--service", "pod-apiserver.pods",
		"--server", "https://127.0.0.1:"+strconv.Itoa(port)).CombinedOutput()
	if err != nil {
		t.Fatalf("certs: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--tls-cert-file="+filepath.Join(certs, "tls.crt")) {
		t.Errorf("certs does not say how to serve with its files:\n%s", out)
	}

	etcd, err := embeddedetcd.Start(embeddedetcd.Config{Dir: filepath.Join(t.TempDir(), "etcd"), UnsafeNoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(etcd.Close)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(notADir, "data")

	cmd := exec.Command(bin, "--data-dir", dataDir, "--secure-port", strconv.Itoa(port),
		"--etcd-servers", etcd.ClientURL(),
		"--tls-cert-file", filepath.Join(certs, "tls.crt"),
		"--tls-private-key-file", filepath.Join(certs, "tls.key"),
		"--client-ca-file", filepath.Join(certs, "ca.crt"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	announced := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if line, ok := strings.CutPrefix(scanner.Text(), "admin kubeconfig: "); ok {
				announced <- line
			}
		}
	}()
	select {
	case line := <-announced:
		if !strings.HasPrefix(line, "none written: --tls-cert-file and --client-ca-file are given") {
			t.Errorf("startup says %q about the admin kubeconfig", line)
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("server did not start:\n%s", stderr.String())
	}

	kubeconfig := filepath.Join(certs, "admin.kubeconfig")
	out2 := mustKubectl(t, kubeconfig, "", "--tls-server-name", "pod-apiserver.pods.svc.cluster.local", "run", "in-cluster", "--image=busybox:1.36", "--restart=Never")
	if !strings.Contains(out2, "pod/in-cluster created") {
		t.Fatalf("kubectl run: %s", out2)
	}
	if got := strings.TrimSpace(mustKubectl(t, kubeconfig, "", "--tls-server-name", "pod-apiserver.pods", "get", "pods", "-o", "name")); got != "pod/in-cluster" {
		t.Errorf("kubectl get pods: %q", got)
	}
	if _, stderrOut, err := runKubectl(t, kubeconfig, "", "--tls-server-name", "pod-apiserver.elsewhere.svc", "get", "pods"); err == nil || !strings.Contains(stderrOut, "certificate is valid for") {
		t.Errorf("a name the certificate lacks: %v %s", err, stderrOut)
	}

	// A kubelet probe: TLS without a client certificate or token.
	pool, err := certutil.NewPool(filepath.Join(certs, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	probe := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "pod-apiserver.pods.svc"}}}
	for path, want := range map[string]int{"/livez": 200, "/readyz": 200, "/healthz": 200, "/readyz/etcd": 200, "/api/v1/pods": 401} {
		resp, err := probe.Get("https://127.0.0.1:" + strconv.Itoa(port) + path)
		if err != nil {
			t.Errorf("GET %s: %v", path, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s without credentials: %d, want %d", path, resp.StatusCode, want)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want 0\n%s", err, stderr.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatal("server still running 90s after SIGTERM")
	}
	if _, err := os.Lstat(dataDir); err == nil {
		t.Errorf("--data-dir was created")
	}
	if fi, err := os.Stat(notADir); err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		t.Errorf("the data dir's parent was changed: %v %v", fi, err)
	}
}
