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

// Package kubelet finds the kubelet that runs a pod and builds the transports that reach it, as
// kube-apiserver does for pods/log, exec, attach and portforward.
package kubelet

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/transport"
	netutils "k8s.io/utils/net"
)

// DefaultPort is the kubelet's secure port when neither the Node nor the flags name another.
const DefaultPort = 10250

// DefaultTimeout bounds dialling a kubelet and its TLS handshake; kube-apiserver's
// --kubelet-timeout defaults to the same.
const DefaultTimeout = 5 * time.Second

// DefaultPreferredAddressTypes is kube-apiserver's default order for --kubelet-preferred-address-types.
var DefaultPreferredAddressTypes = []string{
	string(corev1.NodeHostName),
	string(corev1.NodeInternalDNS),
	string(corev1.NodeInternalIP),
	string(corev1.NodeExternalDNS),
	string(corev1.NodeExternalIP),
}

// Config says how to reach kubelets.
type Config struct {
	// Port is used when the Node does not report its kubelet endpoint, or when there are no Nodes.
	Port uint
	// PreferredAddressTypes orders the Node addresses tried as the kubelet's host.
	PreferredAddressTypes []string
	// CertFile and KeyFile are the client certificate presented to kubelets.
	CertFile string
	KeyFile  string
	// CAFile verifies the kubelets' serving certificates; without it they are not verified,
	// as in kube-apiserver.
	CAFile string
	// Timeout bounds connecting to a kubelet (dial and TLS handshake), so an unreachable kubelet
	// fails a request instead of hanging it.
	Timeout time.Duration
	// AllowedNetworks bound the host IPs reached when there are no Node objects: a pod's
	// status.hostIP is written by whoever may update pod status, so only addresses the operator
	// named are trusted as kubelets. Empty: none are.
	AllowedNetworks []*net.IPNet
}

// ConnectionInfo is where and how to reach the kubelet of one pod.
type ConnectionInfo struct {
	Scheme   string
	Hostname string
	Port     string
	// Transport verifies the kubelet with the configured CA.
	Transport http.RoundTripper
	// InsecureSkipTLSVerifyTransport serves pods/log?insecureSkipTLSVerifyBackend=true.
	InsecureSkipTLSVerifyTransport http.RoundTripper
	// NodeFeatures are the features the Node declares (status.declaredFeatures).
	NodeFeatures []string
}

// Host is the host:port of the kubelet.
func (c *ConnectionInfo) Host() string { return net.JoinHostPort(c.Hostname, c.Port) }

// ConnectionInfoGetter locates the kubelet of a scheduled pod.
type ConnectionInfoGetter interface {
	GetConnectionInfo(ctx context.Context, pod *corev1.Pod) (*ConnectionInfo, error)
}

// NodeGetter reads Node objects, e.g. client-go's CoreV1().Nodes().
type NodeGetter interface {
	Get(ctx context.Context, name string, options metav1.GetOptions) (*corev1.Node, error)
}

// Transports builds the verifying and the non-verifying transport of config.
func Transports(config Config) (secure, insecure http.RoundTripper, err error) {
	if secure, err = makeTransport(config, false); err != nil {
		return nil, nil, err
	}
	if insecure, err = makeTransport(config, true); err != nil {
		return nil, nil, err
	}
	return secure, insecure, nil
}

func makeTransport(config Config, skipVerify bool) (http.RoundTripper, error) {
	timeout := config.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	tc := &transport.Config{
		TLS: transport.TLSConfig{
			CAFile:   config.CAFile,
			CertFile: config.CertFile,
			KeyFile:  config.KeyFile,
			// Kubelet client certificates are rotated on disk; pick the new ones up.
			ReloadTLSFiles: true,
		},
		DialHolder: &transport.DialHolder{Dial: dialer.DialContext},
	}
	if skipVerify || !tc.HasCA() {
		tc.TLS.Insecure = true
		tc.TLS.CAFile = ""
	}
	return transport.New(tc)
}

// NewNodeGetter locates kubelets through Node objects, as kube-apiserver does: the first address
// of a preferred type, and the port from status.daemonEndpoints.
func NewNodeGetter(nodes NodeGetter, config Config) (ConnectionInfoGetter, error) {
	secure, insecure, err := Transports(config)
	if err != nil {
		return nil, err
	}
	types := config.PreferredAddressTypes
	if len(types) == 0 {
		types = DefaultPreferredAddressTypes
	}
	return &nodeGetter{nodes: nodes, port: portOrDefault(config.Port), secure: secure, insecure: insecure, types: types}, nil
}

type nodeGetter struct {
	nodes            NodeGetter
	port             int
	secure, insecure http.RoundTripper
	types            []string
}

func (g *nodeGetter) GetConnectionInfo(ctx context.Context, pod *corev1.Pod) (*ConnectionInfo, error) {
	node, err := g.nodes.Get(ctx, pod.Spec.NodeName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nodeNotFound(pod.Spec.NodeName)
	}
	if err != nil {
		return nil, err
	}
	host, err := PreferredAddress(node, g.types)
	if err != nil {
		return nil, err
	}
	port := int(node.Status.DaemonEndpoints.KubeletEndpoint.Port)
	if port <= 0 {
		port = g.port
	}
	return &ConnectionInfo{
		Scheme:                         "https",
		Hostname:                       host,
		Port:                           strconv.Itoa(port),
		Transport:                      g.secure,
		InsecureSkipTLSVerifyTransport: g.insecure,
		NodeFeatures:                   node.Status.DeclaredFeatures,
	}, nil
}

// PreferredAddress picks the node's address of the first preferred type it has.
func PreferredAddress(node *corev1.Node, preferred []string) (string, error) {
	for _, t := range preferred {
		for _, a := range node.Status.Addresses {
			if string(a.Type) == t {
				return a.Address, nil
			}
		}
	}
	return "", fmt.Errorf("no preferred addresses found; known addresses: %v", node.Status.Addresses)
}

// NewHostIPGetter locates kubelets without Node objects: the pod's status.hostIP, when it is an
// address a kubelet may have (ProxyableIP) inside config.AllowedNetworks, and the configured
// port. Anything else is answered as kube-apiserver answers a pod whose Node does not exist: the
// server never connects to an address a user chose, and never to a bare spec.nodeName.
func NewHostIPGetter(config Config) (ConnectionInfoGetter, error) {
	secure, insecure, err := Transports(config)
	if err != nil {
		return nil, err
	}
	return &hostIPGetter{port: portOrDefault(config.Port), secure: secure, insecure: insecure, allowed: config.AllowedNetworks}, nil
}

type hostIPGetter struct {
	port             int
	secure, insecure http.RoundTripper
	allowed          []*net.IPNet
}

func (g *hostIPGetter) GetConnectionInfo(ctx context.Context, pod *corev1.Pod) (*ConnectionInfo, error) {
	ip := netutils.ParseIPSloppy(pod.Status.HostIP)
	if !ProxyableIP(ip) || !inNetworks(ip, g.allowed) {
		return nil, nodeNotFound(pod.Spec.NodeName)
	}
	return &ConnectionInfo{
		Scheme:                         "https",
		Hostname:                       ip.String(),
		Port:                           strconv.Itoa(g.port),
		Transport:                      g.secure,
		InsecureSkipTLSVerifyTransport: g.insecure,
	}, nil
}

// nodeNotFound is kube-apiserver's answer for a pod whose Node does not exist: the node store's
// NotFound, qualified by the resource of the request (pods), so `pods "<node name>" not found`.
//
// k8s.io/kubernetes@v1.37.2 pkg/kubelet/client NodeConnectionInfoGetter.GetConnectionInfo, through
// k8s.io/apiserver/pkg/registry/generic/registry Store.Get (qualifiedResourceFromContext)
func nodeNotFound(nodeName string) error {
	return apierrors.NewNotFound(corev1.Resource("pods"), nodeName)
}

func portOrDefault(port uint) int {
	if port == 0 {
		return DefaultPort
	}
	return int(port)
}

// NewProxyTransport is the transport of pods/proxy: straight to pod IPs, and, as kube-apiserver
// does, without verifying the serving certificates of https pods, which no CA vouches for.
func NewProxyTransport(timeout time.Duration) http.RoundTripper {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return utilnet.SetTransportDefaults(&http.Transport{
		DialContext:     dialer.DialContext,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	})
}
