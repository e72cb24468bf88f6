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
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// acceptCounter listens where a user would like the server to connect and counts connections.
type acceptCounter struct {
	ln       net.Listener
	accepted atomic.Int32
}

func newAcceptCounter(t *testing.T) *acceptCounter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &acceptCounter{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.accepted.Add(1)
			_ = conn.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return c
}

func (c *acceptCounter) port() int { return c.ln.Addr().(*net.TCPAddr).Port }

// Users cannot steer the server's kubelet connections: without Node objects, a pod bound to
// "localhost" or reporting a loopback host IP gets kube-apiserver's answer for a missing Node on
// pods/log, exec, attach and portforward, and nothing connects to the kubelet port on this host,
// even with an allowed network that covers every address.
func TestKubeletConnectionsNotSteerable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		allowed []string
	}{
		{name: "default"},
		{name: "everything allowed", allowed: []string{"0.0.0.0/0", "::/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := newAcceptCounter(t)
			ts := framework.Start(t, func(o *server.Options) {
				o.Kubelet.Config.Port = uint(target.port())
				o.Kubelet.AllowedNetworks = tc.allowed
			})
			client := ts.Client(t)
			ctx := context.Background()
			pods := client.CoreV1().Pods("default")

			byName := framework.NewPod("by-name")
			byName.Spec.NodeName = "localhost"
			if _, err := pods.Create(ctx, byName, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			loopback := framework.NewPod("loopback")
			loopback.Spec.NodeName = "node-1"
			created, err := pods.Create(ctx, loopback, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			created.Status.HostIP = "127.0.0.1"
			created.Status.HostIPs = []corev1.HostIP{{IP: "127.0.0.1"}}
			if _, err := pods.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}

			for pod, node := range map[string]string{"by-name": "localhost", "loopback": "node-1"} {
				for _, sub := range []string{"log", "exec", "attach", "portforward"} {
					err := kubeletRequest(ctx, client, pod, sub)
					status, ok := err.(apierrors.APIStatus)
					if !ok {
						t.Errorf("%s/%s: %v, want a Status", pod, sub, err)
						continue
					}
					s := status.Status()
					// Recorded from kube-apiserver v1.37.2 with no Node objects: the node lookup's
					// NotFound, qualified by the request's resource.
					want := `pods "` + node + `" not found`
					if s.Code != 404 || s.Reason != metav1.StatusReasonNotFound || s.Message != want ||
						s.Details == nil || s.Details.Name != node || s.Details.Kind != "pods" {
						t.Errorf("%s/%s: %d %s %q %+v, want 404 NotFound %q", pod, sub, s.Code, s.Reason, s.Message, s.Details, want)
					}
				}
			}
			if n := target.accepted.Load(); n != 0 {
				t.Errorf("the server made %d connections to the kubelet port on this host", n)
			}
		})
	}
}

func kubeletRequest(ctx context.Context, client kubernetes.Interface, pod, sub string) error {
	rc := client.CoreV1().RESTClient()
	var req = rc.Post()
	switch sub {
	case "log":
		req = rc.Get()
	case "exec":
		req = req.Param("command", "true").Param("stdout", "true")
	case "attach":
		req = req.Param("stdout", "true")
	case "portforward":
		req = req.Param("ports", "80")
	}
	body, err := req.Namespace("default").Resource("pods").Name(pod).SubResource(sub).DoRaw(ctx)
	if err == nil {
		return &unexpectedSuccess{body: string(body)}
	}
	// client-go keeps the Status of a 404 on a subresource only as a generic error; read it.
	var status metav1.Status
	if json.Unmarshal(body, &status) != nil || status.Kind != "Status" {
		return err
	}
	return &apierrors.StatusError{ErrStatus: status}
}

type unexpectedSuccess struct{ body string }

func (e *unexpectedSuccess) Error() string { return "unexpected success: " + strings.TrimSpace(e.body) }
