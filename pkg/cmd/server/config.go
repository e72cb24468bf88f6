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

package server

import (
	"fmt"
	"net"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/authenticatorfactory"
	"k8s.io/apiserver/pkg/authentication/group"
	"k8s.io/apiserver/pkg/authentication/request/bearertoken"
	unionauth "k8s.io/apiserver/pkg/authentication/request/union"
	"k8s.io/apiserver/pkg/authentication/request/websocket"
	"k8s.io/apiserver/pkg/authentication/token/tokenfile"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	genericfilters "k8s.io/apiserver/pkg/server/filters"
	serverstorage "k8s.io/apiserver/pkg/server/storage"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver/encodecache"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver/responsecompression"
	"github.com/pod-apiserver/pod-apiserver/pkg/authorizer/node"
	"github.com/pod-apiserver/pod-apiserver/pkg/generated/openapi"
	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
	"github.com/pod-apiserver/pod-apiserver/pkg/version"
)

// Complete fills in what the flags leave to the server once Run has prepared it: etcdServers,
// when not empty, is the embedded etcd's address (standing in for --etcd-servers); bundle supplies
// the generated certificates for the settings the user left unset; and without any serving
// certificate one is self-signed into --cert-dir. It is the only step that changes the options:
// Validate and Config read them.
func (o *Options) Complete(etcdServers []string, bundle *pki.Bundle) error {
	ro := o.Recommended
	if len(etcdServers) > 0 {
		ro.Etcd.StorageConfig.Transport.ServerList = etcdServers
	}
	if bundle != nil {
		if ro.SecureServing.ServerCert.CertKey.CertFile == "" && ro.SecureServing.ServerCert.CertKey.KeyFile == "" {
			ro.SecureServing.ServerCert.CertKey.CertFile = bundle.ServingCertFile
			ro.SecureServing.ServerCert.CertKey.KeyFile = bundle.ServingKeyFile
		}
		if ro.Authentication.ClientCert.ClientCA == "" {
			ro.Authentication.ClientCert.ClientCA = bundle.CACertFile
			o.generatedClientCA = bundle.CACertFile
		}
	}
	// A listener handed in (tests, socket activation) decides the port clients are told.
	if l := ro.SecureServing.Listener; l != nil {
		if addr, ok := l.Addr().(*net.TCPAddr); ok {
			ro.SecureServing.BindPort = addr.Port
		}
	}
	if err := ro.SecureServing.MaybeDefaultWithSelfSignedCerts("localhost", nil, []net.IP{net.ParseIP("127.0.0.1")}); err != nil {
		return fmt.Errorf("creating self-signed certificates: %w", err)
	}
	return nil
}

// Config turns the completed options into a server configuration, leaving the options as they
// are.
func (o *Options) Config() (*apiserver.Config, error) {
	ro := o.Recommended
	// Like kube-apiserver's capabilities, the setting is process-wide: validation has no request
	// context to carry it.
	validation.SetAllowPrivileged(o.AllowPrivileged)
	// What the authorizers and admission plugins built from these options share.
	shared := &sharedState{}

	cfg := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	if err := o.ServerRun.ApplyTo(&cfg.Config); err != nil {
		return nil, err
	}
	cfg.EffectiveVersion = version.KubernetesEffectiveVersion(cfg.EffectiveVersion)
	// Lists are compressed by the list gzip filter rather than the library's writer. It sits
	// right around the API handler, inside the library's chain: RequestInfo, authentication,
	// authorization, priority and fairness and the timeout apply to lists as before.
	chain := cfg.BuildHandlerChainFunc
	cfg.BuildHandlerChainFunc = func(apiHandler http.Handler, c *genericapiserver.Config) http.Handler {
		return chain(responsecompression.WithListGzip(apiHandler), c)
	}

	namer := openapinamer.NewDefinitionNamer(apiserver.OpenAPIScheme)
	cfg.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(openapi.GetOpenAPIDefinitions, namer)
	cfg.OpenAPIConfig.Info.Title = "Kubernetes"
	cfg.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(openapi.GetOpenAPIDefinitions, namer)
	cfg.OpenAPIV3Config.Info.Title = "Kubernetes"

	// Streaming subresources and proxies stay open for as long as the client wants, like watches:
	// the request timeout and the in-flight limit must not cut them.
	cfg.LongRunningFunc = genericfilters.BasicLongRunningRequestCheck(
		sets.NewString("watch", "proxy"),
		sets.NewString("attach", "exec", "proxy", "log", "portforward"),
	)

	if err := o.applyStorage(&cfg.Config); err != nil {
		return nil, err
	}
	if err := ro.Traces.ApplyTo(cfg.Config.EgressSelector, &cfg.Config); err != nil {
		return nil, err
	}
	// The library records the listener it opens in the options it applies: a copy keeps it in
	// the configuration that serves on it.
	serving := *ro.SecureServing.SecureServingOptions
	if err := serving.WithLoopback().ApplyToConfig(&cfg.Config); err != nil {
		return nil, err
	}
	// The server's own clients (the Node authorizer's pod informer above all, which decodes
	// every pod write) talk protobuf and skip gzip, as kube-apiserver's loopback client does:
	// JSON decoding of that watch alone was an eighth of the CPU of a create.
	// k8s.io/kubernetes@v1.37.2 pkg/controlplane/apiserver/config.go BuildGenericConfig
	cfg.LoopbackClientConfig.ContentType = runtime.ContentTypeProtobuf
	cfg.LoopbackClientConfig.DisableCompression = true
	if err := o.applyAuthentication(&cfg.Config); err != nil {
		return nil, err
	}
	applyOpenAPISecurity(&cfg.Config)
	if err := o.applyAuthorization(&cfg.Config, shared); err != nil {
		return nil, err
	}
	if err := ro.Audit.ApplyTo(&cfg.Config); err != nil {
		return nil, err
	}
	if err := o.applyFeatures(&cfg.Config, cfg.LoopbackClientConfig); err != nil {
		return nil, err
	}
	if err := o.applyAdmission(cfg, shared); err != nil {
		return nil, err
	}
	config := &apiserver.Config{GenericConfig: cfg, PrivilegedGroups: ro.Authorization.AlwaysAllowGroups, NamespaceController: o.NamespaceController, ListEncodingCache: encodecache.New(int64(o.ListEncodingCacheMB) << 20)}
	clusterNodes, err := shared.clusterNodes(o.Kubelet)
	if err != nil {
		return nil, err
	}
	if err := o.Kubelet.ApplyTo(config, clusterNodes); err != nil {
		return nil, err
	}
	if err := o.PodHost.ApplyTo(config); err != nil {
		return nil, err
	}
	return config, nil
}

// sharedState holds what one Config builds once for several consumers.
type sharedState struct {
	// nodePods is shared by the Node authorizer and NodeRestriction once built.
	nodePods node.PodGetter
	// nodes reads the Nodes of --kubelet-cluster-kubeconfig's cluster (kubelet.go).
	nodes corev1client.NodeInterface
}

// applyAdmission builds the admission chain. Plugins read what they need through the server's own
// loopback client, the only API there is.
func (o *Options) applyAdmission(cfg *genericapiserver.RecommendedConfig, shared *sharedState) error {
	kubeClient, err := kubernetes.NewForConfig(cfg.LoopbackClientConfig)
	if err != nil {
		return err
	}
	dynamicClient, err := dynamic.NewForConfig(cfg.LoopbackClientConfig)
	if err != nil {
		return err
	}
	cfg.ClientConfig = cfg.LoopbackClientConfig
	cfg.SharedInformerFactory = informers.NewSharedInformerFactory(kubeClient, 10*time.Minute)
	initializers, err := o.podAdmissionInitializers(&cfg.Config, shared)
	if err != nil {
		return err
	}
	return o.Recommended.Admission.ApplyTo(&cfg.Config, cfg.SharedInformerFactory, kubeClient, dynamicClient, cfg.FeatureGate, cfg.EffectiveVersion, initializers...)
}

// applyStorage stores pods as kube-apiserver does: protobuf, storage version v1, under
// <prefix>/pods. The simple storage factory of the recommended options would ignore the media type.
func (o *Options) applyStorage(cfg *genericapiserver.Config) error {
	etcd := o.Recommended.Etcd
	resourceConfig := serverstorage.NewResourceConfig()
	resourceConfig.EnableVersions(corev1.SchemeGroupVersion)
	factory := serverstorage.NewDefaultStorageFactory(
		etcd.StorageConfig,
		etcd.DefaultStorageMediaType,
		apiserver.Codecs,
		serverstorage.NewDefaultResourceEncodingConfigForEffectiveVersion(apiserver.Scheme, cfg.EffectiveVersion),
		resourceConfig,
		nil,
	)
	return etcd.ApplyWithStorageFactoryTo(factory, cfg)
}

// applyAuthentication builds the request authenticator: client certificates, a static token file,
// front-proxy headers, and authentication delegated to a cluster when configured; anonymous
// access as anonymousAuthenticator allows.
func (o *Options) applyAuthentication(cfg *genericapiserver.Config) error {
	authn := o.Recommended.Authentication
	delegating := authenticatorfactory.DelegatingAuthenticatorConfig{
		CacheTTL:                 authn.CacheTTL,
		WebhookRetryBackoff:      authn.WebhookRetryBackoff,
		TokenAccessReviewTimeout: authn.TokenRequestTimeout,
	}
	var authenticators []authenticator.Request
	if o.TokenAuthFile != "" {
		tokens, err := tokenfile.NewCSV(o.TokenAuthFile)
		if err != nil {
			return fmt.Errorf("loading --token-auth-file: %w", err)
		}
		authenticators = append(authenticators,
			group.NewAuthenticatedGroupAdder(bearertoken.New(tokens)),
			group.NewAuthenticatedGroupAdder(websocket.NewProtocolAuthenticator(tokens)))
	}
	if authn.RemoteKubeConfigFile != "" {
		delegated, err := o.delegatedAuthenticator(cfg)
		if err != nil {
			return err
		}
		authenticators = append(authenticators, delegated)
	}
	if authn.ClientCert.ClientCA != "" && (authn.RemoteKubeConfigFile == "" || o.clientCAIsGenerated()) {
		caProvider, err := authn.ClientCert.GetClientCAContentProvider()
		if err != nil {
			return fmt.Errorf("loading --client-ca-file: %w", err)
		}
		delegating.ClientCertificateCAContentProvider = caProvider
		if err := cfg.Authentication.ApplyClientCert(caProvider, cfg.SecureServing); err != nil {
			return err
		}
	}
	if authn.RemoteKubeConfigFile == "" && authn.RequestHeader.ClientCAFile != "" {
		requestHeader, err := authn.RequestHeader.ToAuthenticationRequestHeaderConfig()
		if err != nil {
			return err
		}
		delegating.RequestHeaderConfig = requestHeader
		cfg.Authentication.RequestHeaderConfig = requestHeader
		if err := cfg.Authentication.ApplyClientCert(requestHeader.CAContentProvider, cfg.SecureServing); err != nil {
			return err
		}
	}

	if delegating.ClientCertificateCAContentProvider != nil || delegating.RequestHeaderConfig != nil || delegating.TokenAccessReviewClient != nil {
		delegated, securityDefinitions, err := delegating.New()
		if err != nil {
			return err
		}
		authenticators = append(authenticators, delegated)
		if o.Recommended.Authentication != nil && securityDefinitions != nil {
			cfg.OpenAPIConfig.SecurityDefinitions = securityDefinitions
		}
	}
	if len(authenticators) == 0 && !o.AnonymousAuth {
		return fmt.Errorf("no authentication method configured: give --client-ca-file, --token-auth-file, --authentication-kubeconfig or --anonymous-auth")
	}
	// Anonymous comes last and only for requests without credentials: bad credentials stay a 401.
	cfg.Authentication.Authenticator = unionauth.NewFailOnError(unionauth.New(authenticators...), o.anonymousAuthenticator())
	return nil
}
