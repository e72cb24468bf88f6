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
	"k8s.io/apiserver/pkg/authorization/authorizer"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver/encodecache"
	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet"
	registrynamespace "github.com/pod-apiserver/pod-apiserver/pkg/registry/namespace"
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
	// PrivilegedGroups are the groups the authorizer allows everything (system:masters); a
	// SelfSubjectRulesReview lists every rule for them when the authorizer cannot list rules.
	PrivilegedGroups []string
	// NamespaceController runs the controller that empties and removes deleted namespaces.
	NamespaceController bool
	// RuleResolver, when set, lists a user's rules for SelfSubjectRulesReviews (kubectl auth
	// can-i --list), as kube-apiserver's authorizer configuration returns one beside the
	// authorizer. Unset, the authorizer itself is used if it can list rules.
	RuleResolver authorizer.RuleResolver
	// PodStreams, when set, replaces subresources of pods (e.g. pods/log and exec served through
	// a host cluster's API) with the storage it returns for the pods REST.
	PodStreams func(pods rest.Getter) map[string]rest.Storage
	// ListEncodingCache, if not nil, serves pod lists from each pod's encoding kept per stored
	// version.
	ListEncodingCache *encodecache.Cache
}

type completedConfig struct {
	GenericConfig       genericapiserver.CompletedConfig
	Kubelet             kubelet.ConnectionInfoGetter
	ProxyTransport      http.RoundTripper
	PrivilegedGroups    []string
	NamespaceController bool
	RuleResolver        authorizer.RuleResolver
	PodStreams          func(pods rest.Getter) map[string]rest.Storage
	ListEncodingCache   *encodecache.Cache
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
	return CompletedConfig{&completedConfig{GenericConfig: c.GenericConfig.Complete(), Kubelet: c.Kubelet, ProxyTransport: c.ProxyTransport, PrivilegedGroups: c.PrivilegedGroups, NamespaceController: c.NamespaceController, RuleResolver: c.RuleResolver, PodStreams: c.PodStreams, ListEncodingCache: c.ListEncodingCache}}
}

// New builds the server and installs /api/v1.
func (c CompletedConfig) New() (*PodAPIServer, error) {
	// The self reviews answer with the configured authorizer, which alone may list rules.
	configured := c.GenericConfig.Authorization.Authorizer
	authz, err := withBasicUser(configured)
	if err != nil {
		return nil, err
	}
	c.GenericConfig.Authorization.Authorizer = authz
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
	namespaceStorage, err := registrynamespace.NewStorage(Scheme, c.GenericConfig.RESTOptionsGetter)
	if err != nil {
		return nil, fmt.Errorf("building namespaces storage: %w", err)
	}
	apiGroupInfo := genericapiserver.NewDefaultAPIGroupInfo(corev1.GroupName, Scheme, ParameterCodec, Codecs)
	// Lists re-encode every pod on every request though most have not changed since stored; the
	// cache keeps each pod's encoding per stored version and writes the same bytes.
	apiGroupInfo.NegotiatedSerializer = encodecache.NegotiatedSerializer(apiGroupInfo.NegotiatedSerializer, c.ListEncodingCache)
	apiGroupInfo.VersionedResourcesStorageMap[corev1.SchemeGroupVersion.Version] = map[string]rest.Storage{
		"namespaces":               namespaceStorage.Namespace,
		"namespaces/status":        namespaceStorage.Status,
		"namespaces/finalize":      namespaceStorage.Finalize,
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
	if c.PodStreams != nil {
		for path, storage := range c.PodStreams(podStorage.Pod) {
			apiGroupInfo.VersionedResourcesStorageMap[corev1.SchemeGroupVersion.Version][path] = storage
		}
	}
	if err := generic.InstallLegacyAPIGroup(genericapiserver.DefaultLegacyAPIPrefix, &apiGroupInfo); err != nil {
		return nil, fmt.Errorf("installing /api: %w", err)
	}
	if err := c.installReviewGroups(generic, configured); err != nil {
		return nil, err
	}
	if err := addNamespaceControllers(generic, c.NamespaceController); err != nil {
		return nil, err
	}
	return &PodAPIServer{GenericAPIServer: generic}, nil
}
