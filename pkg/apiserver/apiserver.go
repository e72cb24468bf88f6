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

// Package apiserver assembles the pod-apiserver: the scheme, the generic server configuration and
// the core/v1 API group with its pods storage.
package apiserver

import (
	"fmt"
	"net/http"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver/encodecache"
	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet"
	registrypod "github.com/pod-apiserver/pod-apiserver/pkg/registry/pod"
)

// forgetDeleted drops a deleted pod's encodings at once rather than when the budget needs room.
func forgetDeleted(cache *encodecache.Cache) genericregistry.AfterDeleteFunc {
	if cache == nil {
		return nil
	}
	return func(obj runtime.Object, _ *metav1.DeleteOptions) {
		if pod, ok := obj.(*corev1.Pod); ok {
			cache.Forget(pod.UID)
		}
	}
}

// Config is the configuration of a pod-apiserver.
type Config struct {
	GenericConfig *genericapiserver.RecommendedConfig
	// Kubelet locates kubelets for pods/log, exec, attach and portforward; nil means each pod's
	// host IP on the default kubelet port.
	Kubelet kubelet.ConnectionInfoGetter
	// ProxyTransport carries pods/proxy to pod IPs; nil means a direct default transport.
	ProxyTransport http.RoundTripper
	// ListEncodingCache, if not nil, serves pod lists from each pod's encoding kept per stored
	// version.
	ListEncodingCache *encodecache.Cache
}

type completedConfig struct {
	GenericConfig     genericapiserver.CompletedConfig
	Kubelet           kubelet.ConnectionInfoGetter
	ProxyTransport    http.RoundTripper
	ListEncodingCache *encodecache.Cache
}

// CompletedConfig is a Config with every default filled in; only it can build a server.
type CompletedConfig struct {
	*completedConfig
}

// PodAPIServer is a running pod-apiserver.
type PodAPIServer struct {
	GenericAPIServer *genericapiserver.GenericAPIServer
}

// Complete fills in the defaults the generic server derives from the rest of its configuration.
func (c *Config) Complete() CompletedConfig {
	if build := c.GenericConfig.BuildHandlerChainFunc; build != nil {
		c.GenericConfig.BuildHandlerChainFunc = func(api http.Handler, cfg *genericapiserver.Config) http.Handler {
			return build(withInternalTypeNames(api), cfg)
		}
	}
	return CompletedConfig{&completedConfig{GenericConfig: c.GenericConfig.Complete(), Kubelet: c.Kubelet, ProxyTransport: c.ProxyTransport, ListEncodingCache: c.ListEncodingCache}}
}

// New builds the server and installs /api/v1.
func (c CompletedConfig) New() (*PodAPIServer, error) {
	generic, err := c.GenericConfig.New("pod-apiserver", genericapiserver.NewEmptyDelegate())
	if err != nil {
		return nil, err
	}
	podStorage, err := registrypod.NewStorageWithConnections(Scheme, c.GenericConfig.RESTOptionsGetter, registrypod.Connections{
		Kubelet:        c.Kubelet,
		ProxyTransport: c.ProxyTransport,
		Authorizer:     c.GenericConfig.Authorization.Authorizer,
		AfterDelete:    forgetDeleted(c.ListEncodingCache),
	})
	if err != nil {
		return nil, fmt.Errorf("building pods storage: %w", err)
	}
	apiGroupInfo := genericapiserver.NewDefaultAPIGroupInfo(corev1.GroupName, Scheme, ParameterCodec, Codecs)
	// Lists re-encode every pod on every request though most have not changed since stored; the
	// cache keeps each pod's encoding per stored version and writes the same bytes.
	apiGroupInfo.NegotiatedSerializer = encodecache.NegotiatedSerializer(apiGroupInfo.NegotiatedSerializer, c.ListEncodingCache)
	apiGroupInfo.VersionedResourcesStorageMap[corev1.SchemeGroupVersion.Version] = map[string]rest.Storage{
		"pods":                     podStorage.Pod,
		"pods/status":              podStorage.Status,
		"pods/ephemeralcontainers": podStorage.EphemeralContainers,
		"pods/resize":              podStorage.Resize,
		"pods/binding":             podStorage.Binding,
		"pods/eviction":            podStorage.Eviction,
		"pods/log":                 podStorage.Log,
		"pods/exec":                podStorage.Exec,
		"pods/attach":              podStorage.Attach,
		"pods/portforward":         podStorage.PortForward,
		"pods/proxy":               podStorage.Proxy,
	}
	if err := generic.InstallLegacyAPIGroup(genericapiserver.DefaultLegacyAPIPrefix, &apiGroupInfo); err != nil {
		return nil, fmt.Errorf("installing /api: %w", err)
	}
	return &PodAPIServer{GenericAPIServer: generic}, nil
}
