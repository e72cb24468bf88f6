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
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// TestKubectlSubresources drives kubectl logs, exec, attach, port-forward and get --raw .../proxy
// against the server and a stand-in kubelet, once with kubectl's WebSocket clients and once with
// SPDY.
func TestKubectlSubresources(t *testing.T) {
	t.Logf("kubectl: %s", kubectlBinary(t))
	ts, kl := framework.StartWithKubelet(t)
	kc := ts.Kubeconfig
	client := ts.Client(t)

	// The pod's "process": a web server on this machine.
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	webPort := ln.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprintf(w, "hello from %s", r.URL.Path)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	scheduledPod(t, client, "app", kl.Host, hostAddress(), "main", "side")
	scheduledPod(t, client, "lost", framework.UnreachableKubeletIP, "", "main")
	scheduledPod(t, client, "on-loopback", "127.0.0.1", "", "main")
	byName := framework.NewPod("by-name", "main")
	byName.Spec.NodeName = "localhost"
	createPod(t, client, byName)
	if _, err := client.CoreV1().Pods("default").Create(context.Background(), framework.NewPod("waiting", "main"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	logFile := kl.LogFile("default", "app", "main")
	appendLog(t, logFile,
		now.Add(-2*time.Hour).Format(time.RFC3339Nano)+" old line",
		now.Add(-time.Minute).Format(time.RFC3339Nano)+" recent one",
		now.Add(-time.Second).Format(time.RFC3339Nano)+" recent two")
	appendLog(t, kl.LogFile("default", "app", "side"), now.Format(time.RFC3339Nano)+" from the side")

	t.Run("logs", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "logs", "app", "-c", "main")
		if out != "old line\nrecent one\nrecent two\n" {
			t.Errorf("logs: %q", out)
		}
		if out := mustKubectl(t, kc, "", "logs", "app", "-c", "main", "--tail=1"); out != "recent two\n" {
			t.Errorf("--tail: %q", out)
		}
		if out := mustKubectl(t, kc, "", "logs", "app", "-c", "main", "--since=1h"); out != "recent one\nrecent two\n" {
			t.Errorf("--since: %q", out)
		}
		out = mustKubectl(t, kc, "", "logs", "app", "-c", "main", "--tail=1", "--timestamps")
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z recent two\n$`).MatchString(out) {
			t.Errorf("--timestamps: %q", out)
		}
		if out := mustKubectl(t, kc, "", "logs", "app", "-c", "side"); out != "from the side\n" {
			t.Errorf("-c side: %q", out)
		}
		bg := startKubectl(t, kc, "logs", "-f", "app", "-c", "main", "--tail=0")
		// Only a line appended after the stream reached the kubelet is followed.
		if err := wait.PollUntilContextTimeout(context.Background(), 20*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
			return kl.Following() > 0, nil
		}); err != nil {
			t.Fatalf("kubectl logs -f never reached the kubelet: %v", err)
		}
		appendLog(t, logFile, time.Now().UTC().Format(time.RFC3339Nano)+" followed")
		bg.waitForOutput(t, 20*time.Second, "the appended line", func(s string) bool { return s == "followed\n" })
	})

	t.Run("errors", func(t *testing.T) {
		cases := []struct {
			name string
			args []string
			want string
		}{
			{"no container chosen", []string{"exec", "app", "--", "true"}, ""},
			{"unknown container", []string{"logs", "app", "-c", "nope"}, "container nope is not valid for pod app"},
			{"unknown container exec", []string{"exec", "app", "-c", "nope", "--", "true"}, "container nope is not valid for pod app"},
			{"unscheduled exec", []string{"exec", "waiting", "--", "true"}, "pod waiting does not have a host assigned"},
			{"unreachable kubelet", []string{"logs", "lost"}, framework.UnreachableKubeletIP},
			// kubectl's output from kube-apiserver v1.37.2 for a pod whose Node does not exist.
			{"node name is no address", []string{"logs", "by-name"}, `Error from server (NotFound): pods "localhost" not found`},
			{"loopback host IP", []string{"exec", "on-loopback", "--", "true"}, `error: unable to upgrade connection: pods "node-1" not found`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				start := time.Now()
				_, stderr, err := runKubectl(t, kc, "", tc.args...)
				if tc.want == "" {
					// kubectl picks the default container itself when several exist, and says so.
					if err != nil || !strings.Contains(stderr, `Defaulted container "main"`) {
						t.Errorf("err %v, stderr %q", err, stderr)
					}
					return
				}
				if err == nil || !strings.Contains(stderr, tc.want) {
					t.Errorf("want an error naming %q, got %v: %s", tc.want, err, stderr)
				}
				if time.Since(start) > 30*time.Second {
					t.Errorf("took %v", time.Since(start))
				}
			})
		}
	})

	for _, ws := range []string{"true", "false"} {
		env := []string{"KUBECTL_REMOTE_COMMAND_WEBSOCKETS=" + ws, "KUBECTL_PORT_FORWARD_WEBSOCKETS=" + ws}
		t.Run("websockets="+ws, func(t *testing.T) {
			t.Run("exec -i", func(t *testing.T) {
				stdout, stderr, err := runKubectlEnv(t, kc, env, "piped input", "exec", "-i", "app", "-c", "main", "--", "sh", "-c", "cat; echo to-stderr >&2; exit 7")
				var exitErr *exec.ExitError
				if !errors.As(err, &exitErr) || exitErr.ExitCode() != 7 {
					t.Errorf("want exit code 7, got %v", err)
				}
				if stdout != "piped input" || !strings.Contains(stderr, "to-stderr") {
					t.Errorf("stdout %q stderr %q", stdout, stderr)
				}
			})
			t.Run("exec -t", func(t *testing.T) {
				// kubectl only asks for a TTY with -i and when its own stdin is a terminal: script(1)
				// gives it one. That terminal never reports end of input, so the session must end
				// when the command exits, as it does against a real kubelet.
				scriptPath, err := exec.LookPath("script")
				if err != nil {
					t.Skip("script(1) is needed to give kubectl a terminal")
				}
				line := fmt.Sprintf("%s --kubeconfig %s exec -i -t app -c main -- sh -c 'echo out; echo err >&2; exit 3'", kubectlBinary(t), kc)
				ctx, cancel := context.WithTimeout(context.Background(), kubectlTimeout)
				defer cancel()
				cmd := exec.CommandContext(ctx, scriptPath, "-qec", line, "/dev/null")
				cmd.Env = kubectlEnv(t, env...)
				start := time.Now()
				out, err := cmd.CombinedOutput()
				// script -e passes on kubectl's exit code, which is the command's.
				var exitErr *exec.ExitError
				if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 {
					t.Errorf("want exit code 3, got %v", err)
				}
				if !strings.Contains(string(out), "out") || !strings.Contains(string(out), "err") {
					t.Errorf("output %q", out)
				}
				if took := time.Since(start); took > 20*time.Second {
					t.Errorf("the session took %v to end after the command exited", took)
				}
				if last := kl.Requests()[len(kl.Requests())-1]; !strings.Contains(last, "tty=1") {
					t.Errorf("kubelet was not asked for a TTY: %s", last)
				}
			})
			t.Run("attach", func(t *testing.T) {
				stdout, _, err := runKubectlEnv(t, kc, env, "typed in\n", "attach", "-i", "app", "-c", "main")
				if err != nil || !strings.Contains(stdout, "typed in") {
					t.Errorf("stdout %q, %v", stdout, err)
				}
			})
			t.Run("port-forward", func(t *testing.T) {
				bg := startKubectlEnv(t, kc, env, "port-forward", "pod/app", fmt.Sprintf(":%d", webPort))
				out := bg.waitForOutput(t, 30*time.Second, "the forwarding line", func(s string) bool { return strings.Contains(s, "Forwarding from 127.0.0.1:") })
				m := regexp.MustCompile(`Forwarding from 127\.0\.0\.1:(\d+) ->`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("no local port in %q", out)
				}
				resp, err := http.Get("http://127.0.0.1:" + m[1] + "/via-tunnel")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if string(body) != "hello from /via-tunnel" {
					t.Errorf("through port-forward: %q", body)
				}
			})
		})
	}

	t.Run("get --raw proxy", func(t *testing.T) {
		if hostAddress() == "" {
			t.Skip("no global unicast IPv4 address to stand in for a pod IP")
		}
		out := mustKubectl(t, kc, "", "get", "--raw", fmt.Sprintf("/api/v1/namespaces/default/pods/app:%d/proxy/some/path", webPort))
		if out != "hello from /some/path" {
			t.Errorf("proxy: %q", out)
		}
	})

	t.Run("eviction as drain does it", func(t *testing.T) {
		scheduledPod(t, client, "evictee", "127.0.0.1", "", "main")
		pods := client.CoreV1().Pods("default")
		err := pods.EvictV1(context.Background(), &policyv1.Eviction{
			ObjectMeta:    metav1.ObjectMeta{Name: "evictee", Namespace: "default"},
			DeleteOptions: &metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pods.Get(context.Background(), "evictee", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("evicted pod still there: %v", err)
		}
	})
}

// scheduledPod creates a running pod bound the way a scheduler binds it, on a node whose kubelet
// reports hostIP.
func scheduledPod(t *testing.T, client kubernetes.Interface, name, hostIP, podIP string, containers ...string) {
	t.Helper()
	ctx := context.Background()
	pods := client.CoreV1().Pods("default")
	createPod(t, client, framework.NewPod(name, containers...))
	if err := pods.Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name}, Target: corev1.ObjectReference{Kind: "Node", Name: "node-1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := getPod(t, client, name)
	pod.Status.Phase = corev1.PodRunning
	pod.Status.HostIP = hostIP
	pod.Status.HostIPs = []corev1.HostIP{{IP: hostIP}}
	if podIP != "" {
		pod.Status.PodIP = podIP
		pod.Status.PodIPs = []corev1.PodIP{{IP: podIP}}
	}
	if _, err := pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func appendLog(t *testing.T, file string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
}

// hostAddress is an address of this machine the proxy accepts as a pod IP (it refuses loopback),
// or "" when there is none.
func hostAddress() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && ipn.IP.IsGlobalUnicast() {
			return ipn.IP.String()
		}
	}
	return ""
}

// startKubectlEnv is startKubectl with extra environment variables.
func startKubectlEnv(t testing.TB, kubeconfig string, env []string, args ...string) *backgroundKubectl {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), kubectlTimeout)
	cmd := exec.CommandContext(ctx, kubectlBinary(t), append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Env = kubectlEnv(t, env...)
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
		t.Logf("kubectl %s (background)\n--- stdout:\n%s--- stderr:\n%s", strings.Join(args, " "), bg.Stdout.String(), bg.Stderr.String())
	})
	return bg
}
