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

package apiserver

import (
	"fmt"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"

	namespacecontroller "github.com/pod-apiserver/pod-apiserver/pkg/controller/namespace"
	"github.com/pod-apiserver/pod-apiserver/pkg/controller/systemnamespaces"
	"github.com/pod-apiserver/pod-apiserver/pkg/registry/authentication/selfsubjectreview"
	"github.com/pod-apiserver/pod-apiserver/pkg/registry/authorization/selfsubjectaccessreview"
	"github.com/pod-apiserver/pod-apiserver/pkg/registry/authorization/selfsubjectrulesreview"
)

// installReviewGroups serves the self reviews kubectl auth can-i and whoami ask for, answered by
// the server's own authenticator and authorizer. Like kube-apiserver's, the groups serve no
// other resource here (no SubjectAccessReview or TokenReview for other users).
func (c CompletedConfig) installReviewGroups(generic *genericapiserver.GenericAPIServer, configured authorizer.Authorizer) error {
	authz := c.GenericConfig.Authorization.Authorizer
	var rules authorizer.Authorizer = configured
	if c.RuleResolver != nil {
		rules = ruleResolvingAuthorizer{Authorizer: configured, RuleResolver: c.RuleResolver}
	}
	authorization := genericapiserver.NewDefaultAPIGroupInfo(authorizationv1.GroupName, Scheme, ParameterCodec, Codecs)
	authorization.VersionedResourcesStorageMap[authorizationv1.SchemeGroupVersion.Version] = map[string]rest.Storage{
		"selfsubjectaccessreviews": selfsubjectaccessreview.NewREST(authz),
		"selfsubjectrulesreviews":  selfsubjectrulesreview.NewREST(rules, c.PrivilegedGroups),
	}
	authentication := genericapiserver.NewDefaultAPIGroupInfo(authenticationv1.GroupName, Scheme, ParameterCodec, Codecs)
	authentication.VersionedResourcesStorageMap[authenticationv1.SchemeGroupVersion.Version] = map[string]rest.Storage{
		"selfsubjectreviews": selfsubjectreview.NewREST(),
	}
	if err := generic.InstallAPIGroups(&authentication, &authorization); err != nil {
		return fmt.Errorf("installing the review groups: %w", err)
	}
	return nil
}

// addNamespaceControllers runs what kube-apiserver and kube-controller-manager run for
// namespaces: the system namespaces (created before the server reports ready, together with the
// namespaces of pods stored by releases that served no Namespaces) and the namespace controller
// that empties and removes deleted namespaces.
func addNamespaceControllers(generic *genericapiserver.GenericAPIServer, namespaceController bool) error {
	if err := generic.AddPostStartHook("start-system-namespaces-controller", func(hook genericapiserver.PostStartHookContext) error {
		client, err := kubernetes.NewForConfig(hook.LoopbackClientConfig)
		if err != nil {
			return err
		}
		metadataClient, err := metadata.NewForConfig(hook.LoopbackClientConfig)
		if err != nil {
			return err
		}
		controller := systemnamespaces.New(client, metadataClient)
		if err := controller.Bootstrap(hook); err != nil {
			return fmt.Errorf("creating the system namespaces: %w", err)
		}
		go controller.Run(hook)
		return nil
	}); err != nil {
		return err
	}
	if !namespaceController {
		return nil
	}
	return generic.AddPostStartHook("start-namespace-controller", func(hook genericapiserver.PostStartHookContext) error {
		client, err := kubernetes.NewForConfig(hook.LoopbackClientConfig)
		if err != nil {
			return err
		}
		go namespacecontroller.New(client).Run(hook)
		return nil
	})
}

// ruleResolvingAuthorizer pairs the configured authorizer with the rule resolver given beside it.
type ruleResolvingAuthorizer struct {
	authorizer.Authorizer
	authorizer.RuleResolver
}
