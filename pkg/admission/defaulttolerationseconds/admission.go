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

// Package defaulttolerationseconds is the DefaultTolerationSeconds admission plugin: it lets every
// pod ride out a not-ready or unreachable node for five minutes before the node lifecycle
// controller evicts it, unless the pod already says how it tolerates those taints.
package defaulttolerationseconds

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"
)

// File ported from k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/defaulttolerationseconds/admission.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// PluginName is the name for --enable-admission-plugins and --disable-admission-plugins.
const PluginName = "DefaultTolerationSeconds"

// DefaultSeconds is how long a pod tolerates each of the two taints, kube's default.
const DefaultSeconds int64 = 300

// Register adds the plugin to plugins.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/defaulttolerationseconds/admission.go Register
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) {
		return NewPlugin(DefaultSeconds, DefaultSeconds), nil
	})
}

// Plugin is the DefaultTolerationSeconds admission plugin.
type Plugin struct {
	*admission.Handler
	notReadySeconds, unreachableSeconds int64
}

var _ admission.MutationInterface = &Plugin{}

// NewPlugin returns the plugin with the given toleration periods; it acts on pod creates and
// updates.
func NewPlugin(notReadySeconds, unreachableSeconds int64) *Plugin {
	return &Plugin{
		Handler:            admission.NewHandler(admission.Create, admission.Update),
		notReadySeconds:    notReadySeconds,
		unreachableSeconds: unreachableSeconds,
	}
}

// Admit appends the missing NoExecute tolerations for node.kubernetes.io/not-ready and
// node.kubernetes.io/unreachable.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/defaulttolerationseconds/admission.go Plugin.Admit
func (p *Plugin) Admit(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	if a.GetResource().GroupResource() != corev1.Resource("pods") || a.GetSubresource() != "" {
		return nil
	}
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return apierrors.NewBadRequest(fmt.Sprintf("expected *api.Pod but got %T", a.GetObject()))
	}
	notReady := tolerates(pod.Spec.Tolerations, corev1.TaintNodeNotReady)
	unreachable := tolerates(pod.Spec.Tolerations, corev1.TaintNodeUnreachable)
	if !notReady {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, noExecuteFor(corev1.TaintNodeNotReady, p.notReadySeconds))
	}
	if !unreachable {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, noExecuteFor(corev1.TaintNodeUnreachable, p.unreachableSeconds))
	}
	return nil
}

// tolerates tells whether some toleration already covers the NoExecute taint key: it names the
// key or no key, and NoExecute or no effect. Operator and value are not looked at, as in kube.
func tolerates(tolerations []corev1.Toleration, key string) bool {
	for _, t := range tolerations {
		if (t.Key == key || t.Key == "") && (t.Effect == corev1.TaintEffectNoExecute || t.Effect == "") {
			return true
		}
	}
	return false
}

func noExecuteFor(key string, seconds int64) corev1.Toleration {
	return corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &seconds}
}
