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

// freePort returns a port nothing listens on right now. Another process may still take it
// before the server binds it; startBinary then tries another.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startBinary runs the server with args and returns once it has printed its kubeconfig path,
// with the port it serves on. port 0 picks a free one. A server that exits because its port was
// taken in the meantime is started again on another free port, so tests running beside other
// servers do not fail on a lost race for a port.
func startBinary(t *testing.T, bin, dataDir string, port int, args ...string) (*serverProcess, string, int) {
	t.Helper()
	if port == 0 {
		port = freePort(t)
	}
	for attempt := 1; ; attempt++ {
		srv, kubeconfig, stderr := tryStartBinary(t, bin, dataDir, port, args)
		if srv != nil {
			return srv, kubeconfig, port
		}
		if !strings.Contains(stderr, "address already in use") || attempt == 5 {
			t.Fatalf("server did not start on port %d:\n%s", port, stderr)
		}
		t.Logf("port %d was taken before the server bound it; trying another", port)
		port = freePort(t)
	}
}

// serverProcess is a running server binary.
type serverProcess struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // the exit status, once done is closed
}

// wait returns the server's exit status once it has exited.
func (p *serverProcess) wait() error {
	<-p.done
	return p.err
}

// tryStartBinary starts the server once; on failure it returns no process and the server's
// stderr.
func tryStartBinary(t *testing.T, bin, dataDir string, port int, args []string) (*serverProcess, string, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--data-dir", dataDir, "--secure-port", strconv.Itoa(port)}, args...)...)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	srv := &serverProcess{cmd: cmd, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if path, ok := strings.CutPrefix(scanner.Text(), "admin kubeconfig: "); ok {
				found <- path
			}
		}
		srv.err = cmd.Wait()
		close(srv.done)
	}()
	select {
	case path := <-found:
		t.Cleanup(func() { _ = cmd.Process.Kill(); <-srv.done })
		return srv, path, ""
	case <-srv.done:
		return nil, "", stderr.String()
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		<-srv.done
		t.Fatalf("server did not print its kubeconfig:\n%s", stderr.String())
	}
	return nil, "", ""
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
	ctx := context.Background()

	srv, kubeconfig, port := startBinary(t, bin, dataDir, 0)
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
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.wait(); t.Logf("exited %s after SIGTERM", time.Since(stopAt)) }()
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

	_, kubeconfig, _ = startBinary(t, bin, dataDir, port)
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
