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
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/proxy"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/endpoints/filters"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	translator "k8s.io/apiserver/pkg/util/proxy"
	"k8s.io/streaming/pkg/httpstream/wsstream"

	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go
// The helpers here that name no upstream function of their own serve the functions that do.

// extendWebSocketsToKubelet is the feature a Node declares when its kubelet speaks the WebSocket
// protocols itself; requests then pass through untranslated.
const extendWebSocketsToKubelet = "ExtendWebSocketsToKubelet"

// upgradeMethods are the methods of the streaming subresources: SPDY clients POST, WebSocket
// clients GET.
var upgradeMethods = []string{"GET", "POST"}

// streamREST holds what exec, attach and portforward share.
type streamREST struct {
	store      *genericregistry.Store
	kubelet    kubelet.ConnectionInfoGetter
	authorizer authorizer.Authorizer
}

// Destroy does nothing: the main pods REST owns the shared storage.
func (r *streamREST) Destroy() {}

// ConnectMethods are GET (WebSocket) and POST (SPDY).
func (r *streamREST) ConnectMethods() []string { return upgradeMethods }

// ExecREST serves pods/exec.
type ExecREST struct{ streamREST }

// New returns empty exec options.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ExecREST.New
func (r *ExecREST) New() runtime.Object { return &corev1.PodExecOptions{} }

// NewConnectOptions decodes the query into PodExecOptions.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ExecREST.NewConnectOptions
func (r *ExecREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodExecOptions{}, false, ""
}

// Connect proxies the exec stream to the kubelet.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go ExecREST.Connect
func (r *ExecREST) Connect(ctx context.Context, name string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	o, ok := opts.(*corev1.PodExecOptions)
	if !ok {
		return nil, fmt.Errorf("invalid options object: %#v", opts)
	}
	q := streamQuery(o.Stdin, o.Stdout, o.Stderr, o.TTY)
	for _, c := range o.Command {
		q.Add("command", c)
	}
	return r.connectStream(ctx, name, "exec", o.Container, q, translator.Options{Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr, Tty: o.TTY}, responder)
}

// AttachREST serves pods/attach.
type AttachREST struct{ streamREST }

// New returns empty attach options.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go AttachREST.New
func (r *AttachREST) New() runtime.Object { return &corev1.PodAttachOptions{} }

// NewConnectOptions decodes the query into PodAttachOptions.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go AttachREST.NewConnectOptions
func (r *AttachREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodAttachOptions{}, false, ""
}

// Connect proxies the attach stream to the kubelet.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go AttachREST.Connect
func (r *AttachREST) Connect(ctx context.Context, name string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	o, ok := opts.(*corev1.PodAttachOptions)
	if !ok {
		return nil, fmt.Errorf("Invalid options object: %#v", opts)
	}
	q := streamQuery(o.Stdin, o.Stdout, o.Stderr, o.TTY)
	return r.connectStream(ctx, name, "attach", o.Container, q, translator.Options{Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr, Tty: o.TTY}, responder)
}

// streamQuery names the streams as the kubelet reads them (input, output, error, tty = "1").
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go streamParams
func streamQuery(stdin, stdout, stderr, tty bool) url.Values {
	q := url.Values{}
	for _, p := range []struct {
		on  bool
		key string
	}{{stdin, corev1.ExecStdinParam}, {stdout, corev1.ExecStdoutParam}, {stderr, corev1.ExecStderrParam}, {tty, corev1.ExecTTYParam}} {
		if p.on {
			q.Add(p.key, "1")
		}
	}
	return q
}

func (r *streamREST) connectStream(ctx context.Context, name, path, container string, query url.Values, opts translator.Options, responder rest.Responder) (http.Handler, error) {
	if err := AuthorizeAsCreate(ctx, r.authorizer); err != nil {
		return nil, err
	}
	pod, err := getPod(ctx, r.store, name)
	if err != nil {
		return nil, err
	}
	if container, err = chooseContainer(container, pod); err != nil {
		return nil, err
	}
	info, err := r.connectionInfo(ctx, pod, name)
	if err != nil {
		return nil, err
	}
	location := &url.URL{
		Scheme:   info.Scheme,
		Host:     info.Host(),
		Path:     fmt.Sprintf("/%s/%s/%s/%s", path, pod.Namespace, pod.Name, container),
		RawQuery: query.Encode(),
	}
	handler := upgradeHandler(location, info.Transport, false, true, responder)
	if slices.Contains(info.NodeFeatures, extendWebSocketsToKubelet) {
		return handler, nil
	}
	// WebSocket (v5.channel.k8s.io) clients are translated here to SPDY toward the kubelet.
	streams := translator.NewStreamTranslatorHandler(location, info.Transport, 0, opts)
	return translator.NewTranslatingHandler(handler, streams, wsstream.IsWebSocketRequestWithStreamCloseProtocol), nil
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go streamLocation
func (r *streamREST) connectionInfo(ctx context.Context, pod *corev1.Pod, name string) (*kubelet.ConnectionInfo, error) {
	if pod.Spec.NodeName == "" {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("pod %s does not have a host assigned", name))
	}
	return r.kubelet.GetConnectionInfo(ctx, pod)
}

// PortForwardREST serves pods/portforward.
type PortForwardREST struct{ streamREST }

// New returns empty port-forward options.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go PortForwardREST.New
func (r *PortForwardREST) New() runtime.Object { return &corev1.PodPortForwardOptions{} }

// NewConnectOptions decodes the query into PodPortForwardOptions.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go PortForwardREST.NewConnectOptions
func (r *PortForwardREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodPortForwardOptions{}, false, ""
}

// Connect proxies the port-forward stream to the kubelet.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/rest/subresources.go PortForwardREST.Connect
func (r *PortForwardREST) Connect(ctx context.Context, name string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	if err := AuthorizeAsCreate(ctx, r.authorizer); err != nil {
		return nil, err
	}
	o, ok := opts.(*corev1.PodPortForwardOptions)
	if !ok {
		return nil, fmt.Errorf("invalid options object: %#v", opts)
	}
	pod, err := getPod(ctx, r.store, name)
	if err != nil {
		return nil, err
	}
	info, err := r.connectionInfo(ctx, pod, name)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if len(o.Ports) > 0 {
		ports := make([]string, len(o.Ports))
		for i, p := range o.Ports {
			ports[i] = strconv.Itoa(int(p))
		}
		q.Add(corev1.PortHeader, strings.Join(ports, ","))
	}
	location := &url.URL{
		Scheme:   info.Scheme,
		Host:     info.Host(),
		Path:     fmt.Sprintf("/portForward/%s/%s", pod.Namespace, pod.Name),
		RawQuery: q.Encode(),
	}
	handler := upgradeHandler(location, info.Transport, false, true, responder)
	if slices.Contains(info.NodeFeatures, extendWebSocketsToKubelet) {
		return handler, nil
	}
	// WebSocket clients tunnel SPDY inside the WebSocket; unwrap it toward the kubelet.
	return translator.NewTranslatingHandler(handler, translator.NewTunnelingHandler(handler), wsstream.IsWebSocketRequestWithTunnelingProtocol), nil
}

func upgradeHandler(location *url.URL, transport http.RoundTripper, wrapTransport, upgradeRequired bool, responder rest.Responder) http.Handler {
	return proxy.NewUpgradeAwareHandler(location, transport, wrapTransport, upgradeRequired, proxy.NewErrorResponder(responder))
}

// AuthorizeAsCreate closes the gap WebSocket clients open: they must use GET, which RBAC calls
// "get", while the same stream over SPDY is a POST and needs "create". Like kube, a GET is
// allowed only if the user could also create.
func AuthorizeAsCreate(ctx context.Context, a authorizer.Authorizer) error {
	info, ok := genericapirequest.RequestInfoFrom(ctx)
	if !ok {
		return apierrors.NewInternalError(errors.New("no request info in context"))
	}
	if info.Verb == "create" {
		return nil
	}
	if a == nil {
		return apierrors.NewInternalError(errors.New("no authorizer available"))
	}
	attrs, err := filters.GetAuthorizerAttributes(ctx)
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("error building authorizer attributes: %w", err))
	}
	decision, reason, err := a.Authorize(ctx, createAttributes{attrs})
	if err != nil {
		return err
	}
	if decision != authorizer.DecisionAllow {
		return apierrors.NewForbidden(schema.GroupResource{Group: info.APIGroup, Resource: info.Resource}, info.Name, errors.New(reason))
	}
	return nil
}

type createAttributes struct{ authorizer.Attributes }

func (createAttributes) GetVerb() string { return "create" }

var (
	_ rest.Connecter = &ExecREST{}
	_ rest.Connecter = &AttachREST{}
	_ rest.Connecter = &PortForwardREST{}
)
