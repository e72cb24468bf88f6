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

// Package hostapi serves pods/log, exec, attach and portforward of pods that a syncer runs on a
// host cluster (pkg/syncer): each request goes to the same subresource of the host pod, through
// the host's API server, with the credentials the server was given for it. WebSocket and SPDY
// upgrades pass through untouched: the host API server speaks both.
package hostapi

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/proxy"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	genericrest "k8s.io/apiserver/pkg/registry/generic/rest"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	restclient "k8s.io/client-go/rest"
	"k8s.io/client-go/transport"

	registrypod "github.com/pod-apiserver/pod-apiserver/pkg/registry/pod"
	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
)

// Config names the host cluster and where the syncer puts the pods.
type Config struct {
	Host      *restclient.Config
	Namespace string
	// Owner is the syncer's owner ID, part of the host pod names.
	Owner string
}

// PodGetter reads virtual pods; the pods REST of the server.
type PodGetter interface {
	Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error)
}

// Streams builds the REST objects of the four subresources.
type Streams struct {
	config     Config
	base       *url.URL
	transport  http.RoundTripper
	upgrade    proxy.UpgradeRequestRoundTripper
	hostPods   kubernetes.Interface
	authorizer authorizer.Authorizer
}

// New prepares the connections to the host.
func New(config Config, authz authorizer.Authorizer) (*Streams, error) {
	if config.Owner == "" {
		config.Owner = syncer.DefaultOwner
	}
	base, err := url.Parse(config.Host.Host)
	if err != nil {
		return nil, err
	}
	if base.Scheme == "" {
		base.Scheme = "https"
	}
	rt, err := restclient.TransportFor(config.Host)
	if err != nil {
		return nil, err
	}
	upgrade, err := makeUpgradeTransport(config.Host)
	if err != nil {
		return nil, err
	}
	client, err := kubernetes.NewForConfig(config.Host)
	if err != nil {
		return nil, err
	}
	return &Streams{config: config, base: base, transport: rt, upgrade: upgrade, hostPods: client, authorizer: authz}, nil
}

// Storage returns pods/log, exec, attach and portforward over pods.
func (s *Streams) Storage(pods PodGetter) map[string]rest.Storage {
	return map[string]rest.Storage{
		"pods/log":         &LogREST{s: s, pods: pods},
		"pods/exec":        &ExecREST{s: s, pods: pods},
		"pods/attach":      &AttachREST{s: s, pods: pods},
		"pods/portforward": &PortForwardREST{s: s, pods: pods},
	}
}

// makeUpgradeTransport dials the host for upgrades with the TLS settings of its config and writes
// the config's credentials into the upgrade request.
// k8s.io/kubectl@v0.37.2 pkg/proxy/proxy_server.go makeUpgradeTransport
func makeUpgradeTransport(config *restclient.Config) (proxy.UpgradeRequestRoundTripper, error) {
	transportConfig, err := config.TransportConfig()
	if err != nil {
		return nil, err
	}
	tlsConfig, err := transport.TLSConfigFor(transportConfig)
	if err != nil {
		return nil, err
	}
	rt := utilnet.SetOldTransportDefaults(&http.Transport{
		TLSClientConfig: tlsConfig,
		DialContext:     (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	})
	upgrader, err := transport.HTTPWrappersForConfig(transportConfig, proxy.MirrorRequest)
	if err != nil {
		return nil, err
	}
	return proxy.NewUpgradeRequestRoundTripper(rt, upgrader), nil
}

// hostLocation finds the host pod of a virtual pod and the URL of its subresource. The host pod
// must carry the virtual pod's UID: a host pod left from an earlier pod of the same name is never
// reached.
func (s *Streams) hostLocation(ctx context.Context, pods PodGetter, name, subresource string, opts runtime.Object) (*url.URL, *corev1.Pod, error) {
	obj, err := pods.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, nil, err
	}
	vpod := obj.(*corev1.Pod)
	if vpod.Spec.NodeName == "" {
		return nil, vpod, apierrors.NewBadRequest(fmt.Sprintf("pod %s does not have a host assigned", name))
	}
	hostName := syncer.HostName(s.config.Owner, vpod.Namespace, vpod.Name)
	hpod, err := s.hostPods.CoreV1().Pods(s.config.Namespace).Get(ctx, hostName, metav1.GetOptions{})
	if err != nil || hpod.Labels[syncer.UIDLabel] != string(vpod.UID) {
		return nil, vpod, apierrors.NewServiceUnavailable(fmt.Sprintf("pod %s is not running on the host", name))
	}
	query, err := scheme.ParameterCodec.EncodeParameters(opts, corev1.SchemeGroupVersion)
	if err != nil {
		return nil, vpod, err
	}
	location := *s.base
	location.Path = fmt.Sprintf("%s/api/v1/namespaces/%s/pods/%s/%s", s.base.Path, s.config.Namespace, hostName, subresource)
	location.RawQuery = query.Encode()
	return &location, vpod, nil
}

// LogREST serves pods/log from the host pod's log.
type LogREST struct {
	s    *Streams
	pods PodGetter
}

// New returns an empty pod; the log endpoint is a GET on a pod.
func (r *LogREST) New() runtime.Object { return &corev1.Pod{} }

// Destroy does nothing: the pods REST owns the storage.
func (r *LogREST) Destroy() {}

// ProducesMIMETypes tells discovery and OpenAPI the log is plain text.
func (r *LogREST) ProducesMIMETypes(verb string) []string { return []string{"text/plain"} }

// ProducesObject documents the response as a string.
func (r *LogREST) ProducesObject(verb string) interface{} { return "" }

// NewGetOptions decodes the query into PodLogOptions.
func (r *LogREST) NewGetOptions() (runtime.Object, bool, string) {
	return &corev1.PodLogOptions{}, false, ""
}

// OverrideMetricsVerb counts log reads as CONNECT, as kube does for streams.
func (r *LogREST) OverrideMetricsVerb(oldVerb string) string {
	if oldVerb == "GET" {
		return "CONNECT"
	}
	return oldVerb
}

// Get streams the host pod's log. The host checks the options and the container as the kubelet
// would; an unscheduled pod has an empty log, as in kube.
func (r *LogREST) Get(ctx context.Context, name string, opts runtime.Object) (runtime.Object, error) {
	logOpts, ok := opts.(*corev1.PodLogOptions)
	if !ok {
		return nil, fmt.Errorf("invalid options object: %#v", opts)
	}
	streamer := &genericrest.LocationStreamer{
		ContentType:     "text/plain",
		Flush:           logOpts.Follow,
		ResponseChecker: genericrest.NewGenericHttpResponseChecker(corev1.Resource("pods/log"), name),
		RedirectChecker: genericrest.PreventRedirects,
		Transport:       r.s.transport,
	}
	location, vpod, err := r.s.hostLocation(ctx, r.pods, name, "log", logOpts)
	if vpod != nil && vpod.Spec.NodeName == "" {
		return streamer, nil
	}
	if err != nil {
		return nil, err
	}
	streamer.Location = location
	return streamer, nil
}

var upgradeMethods = []string{"GET", "POST"}

// ExecREST serves pods/exec.
type ExecREST struct {
	s    *Streams
	pods PodGetter
}

// New returns empty exec options.
func (r *ExecREST) New() runtime.Object { return &corev1.PodExecOptions{} }

// Destroy does nothing.
func (r *ExecREST) Destroy() {}

// ConnectMethods are GET (WebSocket) and POST (SPDY).
func (r *ExecREST) ConnectMethods() []string { return upgradeMethods }

// NewConnectOptions decodes the query into PodExecOptions.
func (r *ExecREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodExecOptions{}, false, ""
}

// Connect proxies the exec stream to the host pod.
func (r *ExecREST) Connect(ctx context.Context, name string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	return r.s.connect(ctx, r.pods, name, "exec", opts, responder)
}

// AttachREST serves pods/attach.
type AttachREST struct {
	s    *Streams
	pods PodGetter
}

// New returns empty attach options.
func (r *AttachREST) New() runtime.Object { return &corev1.PodAttachOptions{} }

// Destroy does nothing.
func (r *AttachREST) Destroy() {}

// ConnectMethods are GET (WebSocket) and POST (SPDY).
func (r *AttachREST) ConnectMethods() []string { return upgradeMethods }

// NewConnectOptions decodes the query into PodAttachOptions.
func (r *AttachREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodAttachOptions{}, false, ""
}

// Connect proxies the attach stream to the host pod.
func (r *AttachREST) Connect(ctx context.Context, name string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	return r.s.connect(ctx, r.pods, name, "attach", opts, responder)
}

// PortForwardREST serves pods/portforward.
type PortForwardREST struct {
	s    *Streams
	pods PodGetter
}

// New returns empty port-forward options.
func (r *PortForwardREST) New() runtime.Object { return &corev1.PodPortForwardOptions{} }

// Destroy does nothing.
func (r *PortForwardREST) Destroy() {}

// ConnectMethods are GET (WebSocket) and POST (SPDY).
func (r *PortForwardREST) ConnectMethods() []string { return upgradeMethods }

// NewConnectOptions decodes the query into PodPortForwardOptions.
func (r *PortForwardREST) NewConnectOptions() (runtime.Object, bool, string) {
	return &corev1.PodPortForwardOptions{}, false, ""
}

// Connect proxies the port-forward stream to the host pod.
func (r *PortForwardREST) Connect(ctx context.Context, name string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	return r.s.connect(ctx, r.pods, name, "portforward", opts, responder)
}

func (s *Streams) connect(ctx context.Context, pods PodGetter, name, subresource string, opts runtime.Object, responder rest.Responder) (http.Handler, error) {
	if err := registrypod.AuthorizeAsCreate(ctx, s.authorizer); err != nil {
		return nil, err
	}
	location, _, err := s.hostLocation(ctx, pods, name, subresource, opts)
	if err != nil {
		return nil, err
	}
	handler := proxy.NewUpgradeAwareHandler(location, s.transport, false, true, proxy.NewErrorResponder(responder))
	handler.UpgradeTransport = s.upgrade
	return handler, nil
}

var (
	_ rest.GetterWithOptions = &LogREST{}
	_ rest.StorageMetadata   = &LogREST{}
	_ rest.Connecter         = &ExecREST{}
	_ rest.Connecter         = &AttachREST{}
	_ rest.Connecter         = &PortForwardREST{}
)
