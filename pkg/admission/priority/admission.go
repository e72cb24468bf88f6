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

// Package priority is the Priority admission plugin for pods: it resolves spec.priorityClassName
// into spec.priority and spec.preemptionPolicy, as kube-apiserver's plugin of the same name does.
//
// This server serves no PriorityClasses and so has no cluster default class; the only classes
// that exist are the two that kube-apiserver creates in every cluster, system-node-critical and
// system-cluster-critical. Any other name is refused as unknown.
package priority

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"
)

// File ported from k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/priority/admission.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// PluginName is the name for --enable-admission-plugins and --disable-admission-plugins.
const PluginName = "Priority"

// Register adds the plugin to plugins.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/priority/admission.go Register
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) { return NewPlugin(), nil })
}

// class is what a PriorityClass contributes to a pod.
type class struct {
	value  int32
	policy corev1.PreemptionPolicy
}

// builtInClasses are the system classes every kube cluster has, with kube's values.
var builtInClasses = map[string]class{
	"system-node-critical":    {value: 2000001000, policy: corev1.PreemptLowerPriority},
	"system-cluster-critical": {value: 2000000000, policy: corev1.PreemptLowerPriority},
}

// Without a global default class a pod without a class gets priority 0 and may preempt.
var noClass = class{value: 0, policy: corev1.PreemptLowerPriority}

// Plugin is the Priority admission plugin.
type Plugin struct {
	*admission.Handler
}

var _ admission.MutationInterface = &Plugin{}

// NewPlugin returns the plugin, which acts on pod creates and updates.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/priority/admission.go NewPlugin
func NewPlugin() *Plugin {
	return &Plugin{Handler: admission.NewHandler(admission.Create, admission.Update)}
}

// Admit sets the priority of new pods and keeps the priority of updated ones.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/priority/admission.go Plugin.Admit
func (p *Plugin) Admit(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	if a.GetResource().GroupResource() != corev1.Resource("pods") || a.GetSubresource() != "" {
		return nil
	}
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return apierrors.NewBadRequest("resource was marked with kind Pod but was unable to be converted")
	}
	switch a.GetOperation() {
	case admission.Update:
		old, ok := a.GetOldObject().(*corev1.Pod)
		if !ok {
			return apierrors.NewBadRequest("resource was marked with kind Pod but was unable to be converted")
		}
		// Priority is immutable; a writer that omits it means to keep it, not to change it.
		if pod.Spec.Priority == nil {
			pod.Spec.Priority = old.Spec.Priority
		}
		if pod.Spec.PreemptionPolicy == nil {
			pod.Spec.PreemptionPolicy = old.Spec.PreemptionPolicy
		}
		return nil
	case admission.Create:
		c := noClass
		if name := pod.Spec.PriorityClassName; name != "" {
			if c, ok = builtInClasses[name]; !ok {
				return admission.NewForbidden(a, fmt.Errorf("no PriorityClass with name %v was found", name))
			}
		}
		if pod.Spec.Priority != nil && *pod.Spec.Priority != c.value {
			return admission.NewForbidden(a, fmt.Errorf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *pod.Spec.Priority, c.value))
		}
		if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy != c.policy {
			return admission.NewForbidden(a, fmt.Errorf("the string value of PreemptionPolicy (%s) must not be provided in pod spec; priority admission controller computed %s from the given PriorityClass name", *pod.Spec.PreemptionPolicy, c.policy))
		}
		value, policy := c.value, c.policy
		pod.Spec.Priority, pod.Spec.PreemptionPolicy = &value, &policy
	}
	return nil
}
