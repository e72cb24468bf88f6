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
	"time"

	corev1 "k8s.io/api/core/v1"
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

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	"github.com/pod-apiserver/pod-apiserver/pkg/generated/openapi"
	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
	"github.com/pod-apiserver/pod-apiserver/pkg/version"
)

// Config turns the options into a server configuration. etcdServers, when not empty, replaces
// --etcd-servers (the embedded etcd's address); bundle supplies the generated certificates for the
// settings the user left unset.
func (o *Options) Config(etcdServers []string, bundle *pki.Bundle) (*apiserver.Config, error) {
	ro := o.Recommended
	// Like kube-apiserver's capabilities, the setting is process-wide: validation has no request
	// context to carry it.
	validation.SetAllowPrivileged(o.AllowPrivileged)
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
	if err := ro.SecureServing.MaybeDefaultWithSelfSignedCerts("localhost", nil, []net.IP{net.ParseIP("127.0.0.1")}); err != nil {
		return nil, fmt.Errorf("creating self-signed certificates: %w", err)
	}

	cfg := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	if err := o.ServerRun.ApplyTo(&cfg.Config); err != nil {
		return nil, err
	}
	cfg.EffectiveVersion = version.KubernetesEffectiveVersion(cfg.EffectiveVersion)

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
	if err := ro.EgressSelector.ApplyTo(&cfg.Config); err != nil {
		return nil, err
	}
	if err := ro.Traces.ApplyTo(cfg.Config.EgressSelector, &cfg.Config); err != nil {
		return nil, err
	}
	if err := ro.SecureServing.ApplyToConfig(&cfg.Config); err != nil {
		return nil, err
	}
	if err := o.applyAuthentication(&cfg.Config); err != nil {
		return nil, err
	}
	applyOpenAPISecurity(&cfg.Config)
	if err := o.applyAuthorization(&cfg.Config); err != nil {
		return nil, err
	}
	if err := ro.Audit.ApplyTo(&cfg.Config); err != nil {
		return nil, err
	}
	if err := o.applyFeatures(&cfg.Config, cfg.LoopbackClientConfig); err != nil {
		return nil, err
	}
	if err := o.applyAdmission(cfg); err != nil {
		return nil, err
	}
	config := &apiserver.Config{GenericConfig: cfg, PrivilegedGroups: ro.Authorization.AlwaysAllowGroups, NamespaceController: o.NamespaceController}
	if err := o.Kubelet.ApplyTo(config); err != nil {
		return nil, err
	}
	if err := o.PodHost.ApplyTo(config); err != nil {
		return nil, err
	}
	return config, nil
}

// applyAdmission builds the admission chain. Plugins read what they need through the server's own
// loopback client, the only API there is.
func (o *Options) applyAdmission(cfg *genericapiserver.RecommendedConfig) error {
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
	initializers, err := o.podAdmissionInitializers(&cfg.Config)
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
