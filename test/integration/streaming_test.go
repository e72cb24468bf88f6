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
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	utilexec "k8s.io/utils/exec"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// runningPod creates a pod bound to a node whose kubelet reports hostIP.
func runningPod(t *testing.T, client kubernetes.Interface, name, hostIP string, containers ...string) *corev1.Pod {
	t.Helper()
	ctx := context.Background()
	pods := client.CoreV1().Pods("default")
	if _, err := pods.Create(ctx, framework.NewPod(name, containers...), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if hostIP == "" {
		return nil
	}
	if err := pods.Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name}, Target: corev1.ObjectReference{Name: "node-1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod, err := pods.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Status.Phase = corev1.PodRunning
	pod.Status.HostIP = hostIP
	pod.Status.HostIPs = []corev1.HostIP{{IP: hostIP}}
	if pod, err = pods.UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	return pod
}

func writeLog(t *testing.T, file string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	for _, l := range lines {
		if _, err := f.WriteString(l + "\n"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPodLogs(t *testing.T) {
	t.Parallel()
	ts, kl := framework.StartWithKubelet(t)
	client := ts.Client(t)
	ctx := context.Background()
	runningPod(t, client, "logger", kl.Host)
	runningPod(t, client, "two", kl.Host, "a", "b")
	runningPod(t, client, "unscheduled", "")
	runningPod(t, client, "lost", framework.UnreachableKubeletIP)
	writeLog(t, kl.LogFile("default", "logger", "app"),
		"2026-01-01T00:00:00Z one", "2026-01-01T00:00:01Z two", "2026-01-01T00:00:02Z three")
	writeLog(t, kl.LogFile("default", "logger", "app")+".previous", "2025-12-31T00:00:00Z before")
	writeLog(t, kl.LogFile("default", "two", "b"), "2026-01-01T00:00:00Z from b")

	since := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC))
	cases := []struct {
		name   string
		pod    string
		opts   corev1.PodLogOptions
		want   string
		code   int32
		errMsg string
	}{
		{name: "whole log", pod: "logger", want: "one\ntwo\nthree\n"},
		{name: "tail", pod: "logger", opts: corev1.PodLogOptions{TailLines: ptr.To[int64](1)}, want: "three\n"},
		{name: "timestamps", pod: "logger", opts: corev1.PodLogOptions{Timestamps: true, TailLines: ptr.To[int64](1)}, want: "2026-01-01T00:00:02Z three\n"},
		{name: "since time", pod: "logger", opts: corev1.PodLogOptions{SinceTime: &since}, want: "two\nthree\n"},
		{name: "limit bytes", pod: "logger", opts: corev1.PodLogOptions{LimitBytes: ptr.To[int64](5)}, want: "one\nt"},
		{name: "previous", pod: "logger", opts: corev1.PodLogOptions{Previous: true}, want: "before\n"},
		{name: "named container", pod: "two", opts: corev1.PodLogOptions{Container: "b"}, want: "from b\n"},
		{name: "container required", pod: "two", code: 400, errMsg: "a container name must be specified for pod two, choose one of: [a b]"},
		{name: "unknown container", pod: "logger", opts: corev1.PodLogOptions{Container: "nope"}, code: 400, errMsg: "container nope is not valid for pod logger"},
		{name: "negative tail", pod: "logger", opts: corev1.PodLogOptions{TailLines: ptr.To[int64](-1)}, code: 422,
			errMsg: `PodLogOptions "logger" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0`},
		{name: "zero limit", pod: "logger", opts: corev1.PodLogOptions{LimitBytes: ptr.To[int64](0)}, code: 422,
			errMsg: `PodLogOptions "logger" is invalid: limitBytes: Invalid value: 0: must be greater than 0`},
		{name: "since both ways", pod: "logger", opts: corev1.PodLogOptions{SinceSeconds: ptr.To[int64](1), SinceTime: &since}, code: 422,
			errMsg: "PodLogOptions \"logger\" is invalid: []: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"},
		{name: "zero since seconds", pod: "logger", opts: corev1.PodLogOptions{SinceSeconds: ptr.To[int64](0)}, code: 422,
			errMsg: `PodLogOptions "logger" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0`},
		{name: "stream is gated", pod: "logger", opts: corev1.PodLogOptions{Stream: ptr.To("Stdout")}, code: 422,
			errMsg: `PodLogOptions "logger" is invalid: stream: Forbidden: may not be specified`},
		{name: "missing pod", pod: "nope", code: 404, errMsg: `pods "nope" not found`},
		{name: "unreachable kubelet", pod: "lost", code: 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Stream is how kubectl reads logs; it turns error bodies into StatusErrors.
			var body []byte
			stream, err := client.CoreV1().Pods("default").GetLogs(tc.pod, &tc.opts).Stream(ctx)
			if err == nil {
				body, err = io.ReadAll(stream)
				_ = stream.Close()
			}
			if tc.code != 0 {
				if statusCode(err) != tc.code {
					t.Fatalf("want %d, got %v (%q)", tc.code, err, body)
				}
				if tc.errMsg != "" && err.Error() != tc.errMsg {
					t.Errorf("message\n got %q\nwant %q", err.Error(), tc.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != tc.want {
				t.Errorf("got %q, want %q", body, tc.want)
			}
		})
	}

	t.Run("unscheduled answers 204", func(t *testing.T) {
		r := rawRequest(t, ts.ClientConfig, http.MethodGet, "/api/v1/namespaces/default/pods/unscheduled/log", "", "", nil)
		if r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Errorf("got %v", r)
		}
	})

	t.Run("follow", func(t *testing.T) {
		stream, err := client.CoreV1().Pods("default").GetLogs("logger", &corev1.PodLogOptions{Follow: true, TailLines: ptr.To[int64](0)}).Stream(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = stream.Close() }()
		writeLog(t, kl.LogFile("default", "logger", "app"), "2026-01-01T00:00:03Z four")
		buf := make([]byte, 5)
		if _, err := io.ReadFull(stream, buf); err != nil || string(buf) != "four\n" {
			t.Errorf("follow got %q, %v", buf, err)
		}
	})

	t.Run("kubelet query names", func(t *testing.T) {
		_, _ = client.CoreV1().Pods("default").GetLogs("logger", &corev1.PodLogOptions{
			Timestamps: true, TailLines: ptr.To[int64](2), LimitBytes: ptr.To[int64](100), SinceSeconds: ptr.To[int64](10),
		}).DoRaw(ctx)
		want := "GET /containerLogs/default/logger/app?limitBytes=100&sinceSeconds=10&tailLines=2&timestamps=true"
		reqs := kl.Requests()
		if len(reqs) == 0 || reqs[len(reqs)-1] != want {
			t.Errorf("kubelet saw %v, want last %q", reqs, want)
		}
	})
}

func execURL(ts *framework.TestServer, pod, sub, query string) *url.URL {
	u, _ := url.Parse(strings.TrimSuffix(ts.ClientConfig.Host, "/") + "/api/v1/namespaces/default/pods/" + pod + "/" + sub + "?" + query)
	return u
}

func TestExecAndAttach(t *testing.T) {
	t.Parallel()
	ts, kl := framework.StartWithKubelet(t)
	client := ts.Client(t)
	runningPod(t, client, "shell", kl.Host)
	runningPod(t, client, "pending", "")
	runningPod(t, client, "lost", framework.UnreachableKubeletIP)

	executors := map[string]func(u *url.URL) (remotecommand.Executor, error){
		"spdy": func(u *url.URL) (remotecommand.Executor, error) {
			return remotecommand.NewSPDYExecutor(ts.ClientConfig, "POST", u)
		},
		"websocket": func(u *url.URL) (remotecommand.Executor, error) {
			return remotecommand.NewWebSocketExecutor(ts.ClientConfig, "GET", u.String())
		},
	}
	for transport, newExecutor := range executors {
		t.Run(transport, func(t *testing.T) {
			cases := []struct {
				name, sub, query, stdin string
				tty                     bool
				wantOut, wantErr        string
				exitCode                int
				failure                 string
			}{
				{name: "exec streams and exit code", sub: "exec", stdin: "hello",
					query:   url.Values{"command": {"sh", "-c", "cat; echo oops >&2; exit 3"}, "stdin": {"true"}, "stdout": {"true"}, "stderr": {"true"}}.Encode(),
					wantOut: "hello", wantErr: "oops\n", exitCode: 3},
				{name: "exec tty", sub: "exec", query: url.Values{"command": {"sh", "-c", "echo out; echo err >&2"}, "stdout": {"true"}, "tty": {"true"}}.Encode(), tty: true,
					wantOut: "out\nerr\n"},
				{name: "attach", sub: "attach", stdin: "typed", query: "stdin=true&stdout=true&stderr=true", wantOut: "typed"},
				{name: "unknown container", sub: "exec", query: "command=true&stdout=true&container=nope", failure: "container nope is not valid for pod shell"},
				{name: "unscheduled", sub: "exec", query: "command=true&stdout=true", failure: "pod pending does not have a host assigned"},
				{name: "unreachable kubelet", sub: "attach", query: "stdout=true", failure: framework.UnreachableKubeletIP},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					pod := "shell"
					switch tc.name {
					case "unscheduled":
						pod = "pending"
					case "unreachable kubelet":
						pod = "lost"
					}
					exe, err := newExecutor(execURL(ts, pod, tc.sub, tc.query))
					if err != nil {
						t.Fatal(err)
					}
					var out, errOut bytes.Buffer
					opts := remotecommand.StreamOptions{Stdout: &out, Tty: tc.tty}
					if tc.stdin != "" {
						opts.Stdin = strings.NewReader(tc.stdin)
					}
					if strings.Contains(tc.query, "stderr=true") {
						opts.Stderr = &errOut
					}
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					err = exe.StreamWithContext(ctx, opts)
					if tc.failure != "" {
						if err == nil || !strings.Contains(err.Error(), tc.failure) {
							t.Fatalf("want an error naming %q, got %v", tc.failure, err)
						}
						return
					}
					if tc.exitCode != 0 {
						exitErr, ok := err.(utilexec.ExitError)
						if !ok || exitErr.ExitStatus() != tc.exitCode {
							t.Fatalf("want exit code %d, got %#v", tc.exitCode, err)
						}
					} else if err != nil {
						t.Fatal(err)
					}
					if out.String() != tc.wantOut || errOut.String() != tc.wantErr {
						t.Errorf("stdout %q stderr %q, want %q %q", out.String(), errOut.String(), tc.wantOut, tc.wantErr)
					}
				})
			}
		})
	}

	t.Run("websocket GET needs create permission", func(t *testing.T) {
		r := rawRequest(t, ts.ClientConfig, http.MethodGet, "/api/v1/namespaces/default/pods/shell/exec?command=true&stdout=true", "", "", nil)
		// An admin may create, so a non-upgrade GET gets through to the upgrade check instead.
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "Upgrade request required") {
			t.Errorf("got %v", r)
		}
	})
}

func TestPortForwardAndProxy(t *testing.T) {
	t.Parallel()
	ts, kl := framework.StartWithKubelet(t)
	client := ts.Client(t)

	// A web server standing in for the pod's process.
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Method", r.Method)
		_, _ = fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), body)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	runningPod(t, client, "web", kl.Host)

	for _, name := range []string{"spdy", "websocket"} {
		t.Run("portforward "+name, func(t *testing.T) {
			u := execURL(ts, "web", "portforward", "")
			u.RawQuery = ""
			spdyTransport, upgrader, err := spdy.RoundTripperFor(ts.ClientConfig)
			if err != nil {
				t.Fatal(err)
			}
			dialer := spdy.NewDialer(upgrader, &http.Client{Transport: spdyTransport}, "POST", u)
			if name == "websocket" {
				if dialer, err = portforward.NewSPDYOverWebsocketDialer(u, ts.ClientConfig); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ready := make(chan struct{})
			fw, err := portforward.NewOnAddressesWithContext(ctx, dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, ready, io.Discard, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = fw.ForwardPorts() }()
			select {
			case <-ready:
			case <-time.After(20 * time.Second):
				t.Fatal("port-forward not ready")
			}
			ports, err := fw.GetPorts()
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/through?x=1", ports[0].Local), "text/plain", strings.NewReader("payload"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if string(b) != "POST /through?x=1 payload" {
				t.Errorf("through the tunnel: %q", b)
			}
		})
	}

	t.Run("portforward of an unscheduled pod", func(t *testing.T) {
		runningPod(t, client, "nowhere", "")
		r := rawRequest(t, ts.ClientConfig, http.MethodPost, "/api/v1/namespaces/default/pods/nowhere/portforward", "", "", nil)
		expectStatus(t, r, 400, metav1.StatusReasonBadRequest, "pod nowhere does not have a host assigned")
	})

	podIP := globalUnicastIP(t)
	pods := client.CoreV1().Pods("default")
	pod, err := pods.Get(context.Background(), "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Status.PodIP = podIP
	pod.Status.PodIPs = []corev1.PodIP{{IP: podIP}}
	if _, err := pods.UpdateStatus(context.Background(), pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	runningPod(t, client, "loopback", "127.0.0.1")
	lp, _ := pods.Get(context.Background(), "loopback", metav1.GetOptions{})
	lp.Status.PodIPs = []corev1.PodIP{{IP: "127.0.0.1"}}
	lp.Status.PodIP = "127.0.0.1"
	if _, err := pods.UpdateStatus(context.Background(), lp, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	base := "/api/v1/namespaces/default/pods/"
	cases := []struct {
		name, method, path string
		code               int
		body               string
	}{
		{"GET name:port with path", "GET", fmt.Sprintf("web:%d/proxy/a/b?q=1", port), 200, "GET /a/b?q=1 "},
		{"scheme:name:port", "POST", fmt.Sprintf("http:web:%d/proxy/post", port), 200, "POST /post data"},
		{"PUT", "PUT", fmt.Sprintf("web:%d/proxy/put", port), 200, "PUT /put data"},
		{"PATCH", "PATCH", fmt.Sprintf("web:%d/proxy/patch", port), 200, "PATCH /patch data"},
		{"DELETE", "DELETE", fmt.Sprintf("web:%d/proxy/x", port), 200, "DELETE /x "},
		{"OPTIONS", "OPTIONS", fmt.Sprintf("web:%d/proxy/", port), 200, "OPTIONS / "},
		{"HEAD", "HEAD", fmt.Sprintf("web:%d/proxy/", port), 200, ""},
		{"bad scheme", "GET", fmt.Sprintf("ftp:web:%d/proxy/", port), 400, "invalid pod request \"ftp:web:" + fmt.Sprint(port) + "\""},
		{"loopback pod IP", "GET", "loopback:80/proxy/", 400, "address not allowed"},
		{"missing pod", "GET", "nope:80/proxy/", 404, `pods "nope" not found`},
	}
	for _, tc := range cases {
		t.Run("proxy "+tc.name, func(t *testing.T) {
			var body []byte
			if tc.method == "POST" || tc.method == "PUT" || tc.method == "PATCH" {
				body = []byte("data")
			}
			r := rawRequest(t, ts.ClientConfig, tc.method, base+tc.path, "", "text/plain", body)
			if tc.code != 200 {
				reason := map[int]metav1.StatusReason{400: metav1.StatusReasonBadRequest, 404: metav1.StatusReasonNotFound}[tc.code]
				expectStatus(t, r, tc.code, reason, tc.body)
				return
			}
			if r.status != 200 || string(r.body) != tc.body {
				t.Errorf("got %v, want 200 %q", r, tc.body)
			}
		})
	}
	t.Run("proxy through client-go", func(t *testing.T) {
		b, err := pods.ProxyGet("http", "web", fmt.Sprint(port), "hello", map[string]string{"a": "b"}).DoRaw(context.Background())
		if err != nil || string(b) != "GET /hello?a=b " {
			t.Errorf("got %q, %v", b, err)
		}
	})
}

// globalUnicastIP is an address of this machine that the proxy accepts as a pod IP; loopback is
// refused, as kube refuses it.
func globalUnicastIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && ipn.IP.IsGlobalUnicast() {
			return ipn.IP.String()
		}
	}
	t.Skip("no global unicast IPv4 address on this machine to stand in for a pod IP")
	return ""
}
