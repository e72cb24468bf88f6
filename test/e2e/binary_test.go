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
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pod-apiserver/pod-apiserver/pkg/version"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// buildServer builds the pod-apiserver binary as users run it.
func buildServer(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "pod-apiserver")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/pod-apiserver")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startBinary runs the server and returns once it has printed its kubeconfig path.
func startBinary(t *testing.T, bin, dataDir string, port int) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "--data-dir", dataDir, "--secure-port", strconv.Itoa(port))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if path, ok := strings.CutPrefix(scanner.Text(), "admin kubeconfig: "); ok {
				found <- path
			}
		}
	}()
	select {
	case path := <-found:
		return cmd, path
	case <-time.After(90 * time.Second):
		t.Fatal("server did not print its kubeconfig")
	}
	return nil, ""
}

func clientFromKubeconfig(t *testing.T, path string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	return framework.ClientFor(t, cfg)
}

// The binary with only a data dir and port: embedded etcd, generated certificates, a kubeconfig
// kubectl can use, a clean stop on SIGTERM, and the same pods after a restart.
func TestBinaryStartStopRestart(t *testing.T) {
	bin := buildServer(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	port := freePort(t)
	ctx := context.Background()

	cmd, kubeconfig := startBinary(t, bin, dataDir, port)
	out := mustKubectl(t, kubeconfig, "", "run", "keeper", "--image=busybox:1.36", "--restart=Never")
	if !strings.Contains(out, "pod/keeper created") {
		t.Fatalf("kubectl run: %s", out)
	}
	client := clientFromKubeconfig(t, kubeconfig)
	w, err := client.CoreV1().Pods("").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}

	stopAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); t.Logf("exited %s after SIGTERM", time.Since(stopAt)) }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("server exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("server still running 90s after SIGTERM")
	}
	// The open watch is ended by the server, not left hanging.
	select {
	case _, open := <-w.ResultChan():
		for open {
			_, open = <-w.ResultChan()
		}
	case <-time.After(10 * time.Second):
		t.Error("watch still open after the server stopped")
	}
	w.Stop()

	_, kubeconfig = startBinary(t, bin, dataDir, port)
	out = mustKubectl(t, kubeconfig, "", "get", "pods", "-o", "name")
	if strings.TrimSpace(out) != "pod/keeper" {
		t.Errorf("pods after restart: %q, want pod/keeper", out)
	}
}

func TestBinaryVersionFlag(t *testing.T) {
	bin := buildServer(t)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("--version: %v %s", err, out)
	}
	// Without version ldflags the binary still names the Kubernetes release it serves.
	if want := "pod-apiserver " + version.KubernetesRelease + "+pod-apiserver\n"; string(out) != want {
		t.Errorf("--version printed %q, want %q", out, want)
	}
}
