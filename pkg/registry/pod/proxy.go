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

package pod

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	netutils "k8s.io/utils/net"

	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go
// The helpers here that name no upstream function of their own serve the functions that do.

var proxyMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// ProxyREST serves pods/proxy and pods/proxy/{path}: HTTP straight to the pod's IP.
type ProxyREST struct {
	store     *genericregistry.Store
	transport http.RoundTripper
}

// New returns empty proxy options.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ProxyREST.New
func (r *ProxyREST) New() runtime.Object { return &corev1.PodProxyOptions{} }

// Destroy does nothing: the main pods REST owns the shared storage.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ProxyREST.Destroy
func (r *ProxyREST) Destroy() {}

// ConnectMethods are every method a proxied request may use.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ProxyREST.ConnectMethods
func (r *ProxyREST) ConnectMethods() []string { return proxyMethods }

// NewConnectOptions takes the rest of the URL after proxy/ as the path option.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ProxyREST.NewConnectOptions
func (r *ProxyREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodProxyOptions{}, true, "path"
}

// Connect proxies to the pod. id is name, name:port or scheme:name:port.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ProxyREST.Connect
func (r *ProxyREST) Connect(ctx context.Context, id string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	o, ok := opts.(*corev1.PodProxyOptions)
	if !ok {
		return nil, fmt.Errorf("Invalid options object: %#v", opts)
	}
	location, err := r.ResourceLocation(ctx, id)
	if err != nil {
		return nil, err
	}
	location.Path = utilnet.JoinPreservingTrailingSlash(location.Path, o.Path)
	// wrapTransport rewrites links in HTML so they keep going through the proxy.
	return upgradeHandler(location, r.transport, true, false, responder), nil
}

// ResourceLocation is the URL of the pod that id names. Without a port, the first port of the
// first container that declares one; without that, none.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go ResourceLocation
func (r *ProxyREST) ResourceLocation(ctx context.Context, id string) (*url.URL, error) {
	scheme, name, port, valid := utilnet.SplitSchemeNamePort(id)
	if !valid {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid pod request %q", id))
	}
	pod, err := getPod(ctx, r.store, name)
	if err != nil {
		return nil, err
	}
	if port == "" {
		for _, c := range pod.Spec.Containers {
			if len(c.Ports) > 0 {
				port = strconv.Itoa(int(c.Ports[0].ContainerPort))
				break
			}
		}
	}
	var podIP string
	if len(pod.Status.PodIPs) > 0 {
		podIP = pod.Status.PodIPs[0].IP
	}
	// Loopback, link-local and unspecified addresses would let the proxy reach the server's own
	// host instead of a pod.
	if !kubelet.ProxyableIP(netutils.ParseIPSloppy(podIP)) {
		return nil, apierrors.NewBadRequest("address not allowed")
	}
	loc := &url.URL{Scheme: scheme}
	switch {
	case port != "":
		loc.Host = net.JoinHostPort(podIP, port)
	case netutils.IsIPv6String(podIP):
		loc.Host = "[" + podIP + "]"
	default:
		loc.Host = podIP
	}
	return loc, nil
}

var (
	_ rest.Connecter = &ProxyREST{}
)
