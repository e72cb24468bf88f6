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

// Package e2e drives a real kubectl binary against an in-process pod-apiserver, so what is
// checked is what users see, not what client-go happens to tolerate.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// kubectlTimeout bounds every kubectl run, so a hanging request fails the test instead of
// stalling the whole package until go test's own deadline.
const kubectlTimeout = 60 * time.Second

var (
	kubectlOnce sync.Once
	kubectlPath string
	kubectlErr  error
)

// kubectlBinary finds kubectl on PATH (as CI arranges) or in the repo's _output/bin, where
// hack/install-tools.sh builds the version pinned to our client libraries.
func kubectlBinary(t testing.TB) string {
	t.Helper()
	kubectlOnce.Do(func() {
		if p, err := exec.LookPath("kubectl"); err == nil {
			kubectlPath = p
			return
		}
		root, err := repoRoot()
		if err != nil {
			kubectlErr = err
			return
		}
		p := filepath.Join(root, "_output", "bin", "kubectl")
		if _, err := os.Stat(p); err != nil {
			kubectlErr = err
			return
		}
		kubectlPath = p
	})
	if kubectlPath == "" {
		t.Fatalf("kubectl not found on PATH or in _output/bin (%v): run hack/install-tools.sh", kubectlErr)
	}
	return kubectlPath
}

// repoRoot walks up from the test's working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// kubectlEnv isolates kubectl from the developer's own setup: their kuberc could add default
// flags, $KUBECONFIG could point elsewhere, and a shared discovery cache could serve another
// server's resources.
func kubectlEnv(t testing.TB, extra ...string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "KUBECONFIG" || name == "KUBERC" || name == "KUBECACHEDIR" ||
			name == "EDITOR" || name == "KUBE_EDITOR" || strings.HasPrefix(name, "KUBECTL_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "KUBERC=off", "KUBECACHEDIR="+t.TempDir())
	return append(env, extra...)
}

// runKubectl runs kubectl to completion against kubeconfig with stdin as its input.
func runKubectl(t testing.TB, kubeconfig, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runKubectlEnv(t, kubeconfig, nil, stdin, args...)
}

// runKubectlEnv is runKubectl with extra environment variables (NAME=value).
func runKubectlEnv(t testing.TB, kubeconfig string, env []string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), kubectlTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectlBinary(t), append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Env = kubectlEnv(t, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		err = errors.Join(err, ctx.Err())
	}
	t.Logf("kubectl %s\n--- stdout:\n%s--- stderr:\n%s--- err: %v", strings.Join(args, " "), out.String(), errOut.String(), err)
	return out.String(), errOut.String(), err
}

// mustKubectl runs kubectl and fails the test unless it exits 0.
func mustKubectl(t testing.TB, kubeconfig, stdin string, args ...string) string {
	t.Helper()
	stdout, stderr, err := runKubectl(t, kubeconfig, stdin, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr)
	}
	return stdout
}

// syncBuffer lets the test read what a background kubectl has printed so far while it is still
// writing.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// backgroundKubectl is a kubectl started with startKubectl.
type backgroundKubectl struct {
	Stdout, Stderr *syncBuffer
	args           []string
	cancel         context.CancelFunc
	done           chan struct{}
	err            error
}

// startKubectl starts kubectl without waiting for it; it is killed when the test ends if it is
// still running.
func startKubectl(t testing.TB, kubeconfig string, args ...string) *backgroundKubectl {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), kubectlTimeout)
	cmd := exec.CommandContext(ctx, kubectlBinary(t), append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Env = kubectlEnv(t)
	// A killed kubectl leaves no children holding the pipes, but bound the wait anyway.
	cmd.WaitDelay = 5 * time.Second
	bg := &backgroundKubectl{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, args: args, cancel: cancel, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = bg.Stdout, bg.Stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting kubectl %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		bg.err = cmd.Wait()
		close(bg.done)
	}()
	t.Cleanup(func() {
		bg.Stop()
		t.Logf("kubectl %s (background)\n--- stdout:\n%s--- stderr:\n%s--- err: %v", strings.Join(args, " "), bg.Stdout.String(), bg.Stderr.String(), bg.err)
	})
	return bg
}

// Wait waits up to timeout for kubectl to exit on its own and returns its exit error.
func (b *backgroundKubectl) Wait(t testing.TB, timeout time.Duration) error {
	t.Helper()
	select {
	case <-b.done:
		return b.err
	case <-time.After(timeout):
		t.Fatalf("kubectl %s still running after %v\nstdout: %s\nstderr: %s", strings.Join(b.args, " "), timeout, b.Stdout.String(), b.Stderr.String())
		return nil
	}
}

// Stop kills kubectl if it is still running and waits for it to exit.
func (b *backgroundKubectl) Stop() {
	b.cancel()
	<-b.done
}

// waitForOutput polls until kubectl's stdout satisfies cond, failing the test after timeout.
func (b *backgroundKubectl) waitForOutput(t testing.TB, timeout time.Duration, what string, cond func(string) bool) string {
	t.Helper()
	return b.waitFor(t, b.Stdout, timeout, what, cond)
}

// waitForStderr is waitForOutput for stderr, where kubectl's -v logs of its requests go.
func (b *backgroundKubectl) waitForStderr(t testing.TB, timeout time.Duration, what string, cond func(string) bool) string {
	t.Helper()
	return b.waitFor(t, b.Stderr, timeout, what, cond)
}

func (b *backgroundKubectl) waitFor(t testing.TB, stream *syncBuffer, timeout time.Duration, what string, cond func(string) bool) string {
	t.Helper()
	var out string
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		if out = stream.String(); cond(out) {
			return true, nil
		}
		select {
		case <-b.done:
			// It may have printed it just before exiting.
			if out = stream.String(); cond(out) {
				return true, nil
			}
			return false, fmt.Errorf("kubectl exited (%v)", b.err)
		default:
			return false, nil
		}
	})
	if err != nil {
		t.Fatalf("kubectl %s did not print %s: %v\nstdout: %s\nstderr: %s", strings.Join(b.args, " "), what, err, b.Stdout.String(), b.Stderr.String())
	}
	return out
}
