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

// Package runtimeclass is the RuntimeClass admission plugin of a server that serves no
// RuntimeClasses: a pod may name none, and so may carry no overhead, since only a RuntimeClass
// can define one. kube-apiserver answers such pods the same way when the class does not exist.
package runtimeclass

import (
	"context"
	"errors"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apiserver/pkg/admission"
)

// File ported from k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/runtimeclass/admission.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// PluginName is the name kube-apiserver gives the plugin, as --enable-admission-plugins takes it.
const PluginName = "RuntimeClass"

// Register offers the plugin to the admission chain.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/runtimeclass/admission.go Register
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) {
		return New(), nil
	})
}

// Plugin rejects pods that rely on a RuntimeClass.
type Plugin struct {
	*admission.Handler
}

var (
	_ admission.MutationInterface   = &Plugin{}
	_ admission.ValidationInterface = &Plugin{}
)

// New returns the plugin; it acts on pod creates only, as kube's does.
func New() *Plugin {
	return &Plugin{Handler: admission.NewHandler(admission.Create)}
}

// Admit rejects a pod naming a RuntimeClass before anything else looks at it, as kube's plugin
// does when its lookup of the class fails.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/runtimeclass/admission.go RuntimeClass.Admit
func (p *Plugin) Admit(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	pod, err := podOf(a)
	if pod == nil || err != nil {
		return err
	}
	return runtimeClassNotFound(a, pod)
}

// Validate runs after the pod has been defaulted and validated: with no RuntimeClass to define
// an overhead, any overhead the client set is refused.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/runtimeclass/admission.go RuntimeClass.Validate
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	pod, err := podOf(a)
	if pod == nil || err != nil {
		return err
	}
	if err := runtimeClassNotFound(a, pod); err != nil {
		return err
	}
	if pod.Spec.Overhead != nil {
		return admission.NewForbidden(a, fmt.Errorf("pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"))
	}
	return nil
}

// runtimeClassNotFound fails as kube's lookup of the class does. A name its client cannot put in
// a request path never reaches a server: the client's own error comes back as is, and the
// handler serves it as an internal error (500), before any validation of the pod.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/runtimeclass/admission.go RuntimeClass.Validate
func runtimeClassNotFound(a admission.Attributes, pod *corev1.Pod) error {
	if pod.Spec.RuntimeClassName == nil {
		return nil
	}
	name := *pod.Spec.RuntimeClassName
	if name == "" {
		return errors.New("resource name may not be empty")
	}
	if msgs := content.IsPathSegmentName(name); len(msgs) != 0 {
		return fmt.Errorf("invalid resource name %q: %v", name, msgs)
	}
	return admission.NewForbidden(a, fmt.Errorf("pod rejected: RuntimeClass %q not found", name))
}

// podOf returns the pod of a write to the pods resource itself, and nil for anything else.
func podOf(a admission.Attributes) (*corev1.Pod, error) {
	if a.GetSubresource() != "" || a.GetResource().GroupResource() != corev1.Resource("pods") {
		return nil, nil
	}
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return nil, apierrors.NewBadRequest("Resource was marked with kind Pod but was unable to be converted")
	}
	return pod, nil
}
