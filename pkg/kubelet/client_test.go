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

package kubelet

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type nodes map[string]*corev1.Node

func (n nodes) Get(_ context.Context, name string, _ metav1.GetOptions) (*corev1.Node, error) {
	if node, ok := n[name]; ok {
		return node, nil
	}
	return nil, apierrors.NewNotFound(corev1.Resource("nodes"), name)
}

func TestGetConnectionInfo(t *testing.T) {
	addrs := []corev1.NodeAddress{{Type: corev1.NodeExternalIP, Address: "203.0.113.1"}, {Type: corev1.NodeInternalIP, Address: "10.0.0.1"}}
	byNode := nodes{
		"plain":    {Status: corev1.NodeStatus{Addresses: addrs}},
		"port":     {Status: corev1.NodeStatus{Addresses: addrs, DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 11250}}, DeclaredFeatures: []string{"ExtendWebSocketsToKubelet"}}},
		"nameless": {Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: "Other", Address: "x"}}}},
	}
	fromNodes, err := NewNodeGetter(byNode, Config{})
	if err != nil {
		t.Fatal(err)
	}
	allowed, err := ParseNetworks([]string{"192.0.2.0/24", "127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/0"})
	if err != nil {
		t.Fatal(err)
	}
	fromHost, err := NewHostIPGetter(Config{Port: 10255, AllowedNetworks: allowed[:1]})
	if err != nil {
		t.Fatal(err)
	}
	// Loopback, link-local and unspecified addresses stay refused even when an allowed network
	// covers them.
	fromHostWide, err := NewHostIPGetter(Config{Port: 10255, AllowedNetworks: allowed})
	if err != nil {
		t.Fatal(err)
	}
	fromHostDefault, err := NewHostIPGetter(Config{Port: 10255})
	if err != nil {
		t.Fatal(err)
	}
	hostIP := func(node, ip string) corev1.Pod {
		return corev1.Pod{Spec: corev1.PodSpec{NodeName: node}, Status: corev1.PodStatus{HostIP: ip}}
	}
	cases := []struct {
		name         string
		getter       ConnectionInfoGetter
		pod          corev1.Pod
		host         string
		features     int
		wantErr      string
		wantNotFound bool
	}{
		{name: "internal IP before external", getter: fromNodes, pod: corev1.Pod{Spec: corev1.PodSpec{NodeName: "plain"}}, host: "10.0.0.1:10250"},
		{name: "node's own port and features", getter: fromNodes, pod: corev1.Pod{Spec: corev1.PodSpec{NodeName: "port"}}, host: "10.0.0.1:11250", features: 1},
		{name: "no preferred address", getter: fromNodes, pod: corev1.Pod{Spec: corev1.PodSpec{NodeName: "nameless"}}, wantErr: "no preferred addresses found; known addresses: [{Other x}]"},
		{name: "unknown node", getter: fromNodes, pod: corev1.Pod{Spec: corev1.PodSpec{NodeName: "gone"}}, wantNotFound: true},
		{name: "host IP in an allowed network", getter: fromHost, pod: hostIP("n", "192.0.2.7"), host: "192.0.2.7:10255"},
		{name: "host IP outside the allowed networks", getter: fromHost, pod: hostIP("n", "198.51.100.7"), wantNotFound: true},
		{name: "no allowed networks", getter: fromHostDefault, pod: hostIP("n", "192.0.2.7"), wantNotFound: true},
		{name: "never the node name", getter: fromHostWide, pod: hostIP("localhost", ""), wantNotFound: true},
		{name: "loopback", getter: fromHostWide, pod: hostIP("n", "127.0.0.1"), wantNotFound: true},
		{name: "IPv6 loopback", getter: fromHostWide, pod: hostIP("n", "::1"), wantNotFound: true},
		{name: "link-local", getter: fromHostWide, pod: hostIP("n", "169.254.169.254"), wantNotFound: true},
		{name: "unspecified", getter: fromHostWide, pod: hostIP("n", "0.0.0.0"), wantNotFound: true},
		{name: "not an IP", getter: fromHostWide, pod: hostIP("n", "evil.example.com"), wantNotFound: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			info, err := tc.getter.GetConnectionInfo(context.Background(), &tc.pod)
			switch {
			case tc.wantNotFound:
				if !apierrors.IsNotFound(err) {
					t.Fatalf("want NotFound, got %v", err)
				}
				// kube-apiserver's answer when the pod's Node does not exist.
				if want := `pods "` + tc.pod.Spec.NodeName + `" not found`; err.Error() != want {
					t.Fatalf("message %q, want %q", err.Error(), want)
				}
				return
			case tc.wantErr != "":
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("want %q, got %v", tc.wantErr, err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if info.Host() != tc.host || info.Scheme != "https" || len(info.NodeFeatures) != tc.features || info.Transport == nil || info.InsecureSkipTLSVerifyTransport == nil {
				t.Errorf("got %+v", info)
			}
		})
	}
}
