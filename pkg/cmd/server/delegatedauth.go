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
	"k8s.io/apiserver/pkg/authentication/authenticator"
	genericapiserver "k8s.io/apiserver/pkg/server"
)

// delegatedAuthenticator authenticates as aggregated API servers do, with the library's own
// DelegatingAuthenticationOptions.ApplyTo: tokens through a TokenReview to the cluster named by
// --authentication-kubeconfig; client certificates against --client-ca-file or else the cluster's
// client CA; front-proxy headers per --requestheader-* or else the cluster's requestheader
// settings. The cluster's settings are read (and kept up to date) from the ConfigMap
// kube-system/extension-apiserver-authentication unless --authentication-skip-lookup. It is used
// only when --authentication-kubeconfig is given: a mounted ServiceAccount token alone never
// makes this server trust a cluster.
func (o *Options) delegatedAuthenticator(cfg *genericapiserver.Config) (authenticator.Request, error) {
	var info genericapiserver.AuthenticationInfo
	if err := o.Recommended.Authentication.ApplyTo(&info, cfg.SecureServing, cfg.OpenAPIConfig); err != nil {
		return nil, err
	}
	cfg.Authentication.RequestHeaderConfig = info.RequestHeaderConfig
	return withoutAnonymous(info.Authenticator), nil
}
