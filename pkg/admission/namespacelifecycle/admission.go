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

// Package namespacelifecycle is kube-apiserver's NamespaceLifecycle admission plugin (the
// library's, from k8s.io/apiserver): creates in a namespace that does not exist get 404, creates
// in a terminating one 403, and default, kube-system and kube-public cannot be deleted. With
// auto-creation on, a create in a missing namespace first creates that namespace, as servers
// that predate Namespaces here let any validly named namespace exist.
package namespacelifecycle

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
)

// PluginName is the name kube-apiserver gives the plugin, as --enable-admission-plugins takes it.
const PluginName = lifecycle.PluginName

// Register offers the plugin; *autoCreate is read when the chain is built, after flag parsing.
func Register(plugins *admission.Plugins, autoCreate *bool) {
	plugins.Register(PluginName, func(config io.Reader) (admission.Interface, error) {
		// kube-apiserver's immortal namespaces.
		inner, err := lifecycle.NewLifecycle(immortal())
		if err != nil {
			return nil, err
		}
		if autoCreate == nil || !*autoCreate {
			return inner, nil
		}
		return &autoCreating{Lifecycle: inner}, nil
	})
}

// autoCreating creates a missing namespace before the lifecycle check runs.
type autoCreating struct {
	*lifecycle.Lifecycle
	client kubernetes.Interface
}

var (
	_ admission.MutationInterface                  = &autoCreating{}
	_ initializer.WantsExternalKubeClientSet       = &autoCreating{}
	_ initializer.WantsExternalKubeInformerFactory = &autoCreating{}
	_ admission.InitializationValidator            = &autoCreating{}
)

// SetExternalKubeClientSet keeps the client for creating namespaces and hands it on.
func (a *autoCreating) SetExternalKubeClientSet(client kubernetes.Interface) {
	a.client = client
	a.Lifecycle.SetExternalKubeClientSet(client)
}

// SetExternalKubeInformerFactory hands the factory on.
func (a *autoCreating) SetExternalKubeInformerFactory(f informers.SharedInformerFactory) {
	a.Lifecycle.SetExternalKubeInformerFactory(f)
}

// ValidateInitialization checks both the client and the wrapped plugin.
func (a *autoCreating) ValidateInitialization() error {
	if a.client == nil {
		return fmt.Errorf("missing client")
	}
	return a.Lifecycle.ValidateInitialization()
}

// Admit runs the lifecycle check; a create refused only because its namespace is missing
// creates the namespace and is checked again, so a terminating namespace still refuses it.
func (a *autoCreating) Admit(ctx context.Context, attrs admission.Attributes, o admission.ObjectInterfaces) error {
	err := a.Lifecycle.Admit(ctx, attrs, o)
	if err == nil || attrs.GetOperation() != admission.Create || !isMissingNamespace(err, attrs.GetNamespace()) {
		return err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: attrs.GetNamespace()}}
	if _, createErr := a.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); createErr != nil && !apierrors.IsAlreadyExists(createErr) {
		if apierrors.IsInvalid(createErr) {
			// No Namespace can have this name: the 404 stands, as in kube.
			return err
		}
		return createErr
	}
	return a.Lifecycle.Admit(ctx, attrs, o)
}

func isMissingNamespace(err error, namespace string) bool {
	status, ok := err.(apierrors.APIStatus)
	if !ok || !apierrors.IsNotFound(err) {
		return false
	}
	details := status.Status().Details
	return details != nil && details.Kind == "namespaces" && details.Name == namespace
}

// immortal are the namespaces kube-apiserver refuses to delete.
func immortal() sets.Set[string] {
	return sets.New(metav1.NamespaceDefault, metav1.NamespaceSystem, metav1.NamespacePublic)
}
