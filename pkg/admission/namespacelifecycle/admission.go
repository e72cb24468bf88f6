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

// Package namespacelifecycle is the NamespaceLifecycle admission plugin of a server that serves
// no Namespaces. Any namespace with a valid name is taken to exist, but a name that no Namespace
// can have names none: kube-apiserver finds no such namespace and answers a create in it with
// 404 before looking at the object, and so does this plugin.
package namespacelifecycle

import (
	"context"
	"io"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apiserver/pkg/admission"
)

// File ported from k8s.io/apiserver@v0.37.2 pkg/admission/plugin/namespace/lifecycle/admission.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// PluginName is the name kube-apiserver gives the plugin, as --enable-admission-plugins takes it.
const PluginName = "NamespaceLifecycle"

// Register offers the plugin to the admission chain.
// k8s.io/apiserver@v0.37.2 pkg/admission/plugin/namespace/lifecycle/admission.go Register
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) {
		return New(), nil
	})
}

// Plugin refuses creates in namespaces that cannot exist.
type Plugin struct {
	*admission.Handler
}

var _ admission.MutationInterface = &Plugin{}

// New returns the plugin; like kube's it acts on creates, of pods and of their subresources.
// k8s.io/apiserver@v0.37.2 pkg/admission/plugin/namespace/lifecycle/admission.go NewLifecycle
func New() *Plugin {
	return &Plugin{Handler: admission.NewHandler(admission.Create)}
}

// Admit runs before defaulting and validation, as kube's lookup of the namespace does.
// k8s.io/apiserver@v0.37.2 pkg/admission/plugin/namespace/lifecycle/admission.go Lifecycle.Admit
func (p *Plugin) Admit(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	ns := a.GetNamespace()
	if ns == "" || len(utilvalidation.IsDNS1123Label(ns)) == 0 {
		return nil
	}
	return apierrors.NewNotFound(corev1.Resource("namespaces"), ns)
}
