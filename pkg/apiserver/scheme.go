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
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	podapi "github.com/pod-apiserver/pod-apiserver/pkg/api/pod"
	poddefaults "github.com/pod-apiserver/pod-apiserver/pkg/api/pod/defaults"
	registrynamespace "github.com/pod-apiserver/pod-apiserver/pkg/registry/namespace"
)

var (
	// Scheme knows the served types. The k8s.io/api v1 types double as the internal (hub)
	// version, so no conversion functions exist between versions.
	Scheme = runtime.NewScheme()
	// Codecs serves and stores the types of Scheme.
	Codecs = serializer.NewCodecFactory(Scheme)
	// ParameterCodec decodes query parameters, including the pod subresource options.
	ParameterCodec = runtime.NewParameterCodec(Scheme)
	// OpenAPIScheme holds only the external versions: naming OpenAPI definitions from Scheme
	// would advertise the __internal version in x-kubernetes-group-version-kind.
	OpenAPIScheme = runtime.NewScheme()
)

var internalCore = schema.GroupVersion{Group: corev1.GroupName, Version: runtime.APIVersionInternal}
var internalPolicy = schema.GroupVersion{Group: policyv1.GroupName, Version: runtime.APIVersionInternal}
var internalAuthorization = schema.GroupVersion{Group: authorizationv1.GroupName, Version: runtime.APIVersionInternal}
var internalAuthentication = schema.GroupVersion{Group: authenticationv1.GroupName, Version: runtime.APIVersionInternal}

func init() {
	utilruntime.Must(AddToScheme(Scheme))
	utilruntime.Must(corev1.AddToScheme(OpenAPIScheme))
	utilruntime.Must(policyv1.AddToScheme(OpenAPIScheme))
	utilruntime.Must(authorizationv1.AddToScheme(OpenAPIScheme))
	utilruntime.Must(authenticationv1.AddToScheme(OpenAPIScheme))
}

// AddToScheme registers everything the server serves or reads on scheme.
func AddToScheme(scheme *runtime.Scheme) error {
	if err := corev1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := policyv1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := authorizationv1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := authenticationv1.AddToScheme(scheme); err != nil {
		return err
	}
	scheme.AddKnownTypes(internalCore,
		&corev1.Namespace{}, &corev1.NamespaceList{},
		&corev1.Pod{}, &corev1.PodList{}, &corev1.Binding{},
		&corev1.PodLogOptions{}, &corev1.PodExecOptions{}, &corev1.PodAttachOptions{},
		&corev1.PodPortForwardOptions{}, &corev1.PodProxyOptions{},
	)
	scheme.AddKnownTypes(internalPolicy, &policyv1.Eviction{})
	scheme.AddKnownTypes(internalAuthorization, &authorizationv1.SelfSubjectAccessReview{}, &authorizationv1.SelfSubjectRulesReview{})
	scheme.AddKnownTypes(internalAuthentication, &authenticationv1.SelfSubjectReview{})

	// Like kube's legacy scheme: the meta types live in the core v1 group version.
	metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
	scheme.AddUnversionedTypes(schema.GroupVersion{Version: "v1"},
		&metav1.Status{}, &metav1.APIVersions{}, &metav1.APIGroupList{}, &metav1.APIGroup{}, &metav1.APIResourceList{},
	)
	if err := addEvictionV1beta1(scheme); err != nil {
		return err
	}

	if err := podapi.AddFieldLabelConversions(scheme); err != nil {
		return err
	}
	if err := podapi.AddParameterConversions(scheme); err != nil {
		return err
	}
	if err := registrynamespace.AddFieldLabelConversions(scheme); err != nil {
		return err
	}
	if err := registrynamespace.RegisterDefaults(scheme); err != nil {
		return err
	}
	if err := registrynamespace.RegisterValidations(scheme); err != nil {
		return err
	}
	// Registered by Go type, so pods decoded as v1 or handed over as the internal version alike
	// get kube's defaults before strategies, admission and storage see them.
	if err := poddefaults.RegisterDefaults(scheme); err != nil {
		return err
	}
	if err := scheme.SetVersionPriority(corev1.SchemeGroupVersion); err != nil {
		return err
	}
	if err := scheme.SetVersionPriority(authorizationv1.SchemeGroupVersion); err != nil {
		return err
	}
	if err := scheme.SetVersionPriority(authenticationv1.SchemeGroupVersion); err != nil {
		return err
	}
	return scheme.SetVersionPriority(policyv1.SchemeGroupVersion, policyv1beta1.SchemeGroupVersion)
}
