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

// Package podresize is the PodResizeValidator admission plugin: a resize of a pod that is bound
// to a node must fit that node, as kube-apiserver's plugin of the same name requires. Nodes come
// from pkg/admission/nodes; a node that cannot be read refuses the resize.
package podresize

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodes"
)

// File ported from k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/podresize/admission.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// PluginName is the name for --enable-admission-plugins and --disable-admission-plugins.
const PluginName = "PodResizeValidator"

// Cause types kube adds to the Forbidden status, so clients can tell why a resize cannot fit.
const (
	ReasonNodeCapacity        metav1.CauseType = "NodeCapacity"
	ReasonUnsupportedPlatform metav1.CauseType = "UnsupportedPlatform"
)

// Register adds the plugin to plugins.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/podresize/admission.go Register
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) { return NewPlugin(), nil })
}

// Plugin is the PodResizeValidator admission plugin.
type Plugin struct {
	*admission.Handler
	nodes nodes.Getter
}

var (
	_ admission.ValidationInterface = &Plugin{}
	_ nodes.WantsNodes              = &Plugin{}
)

// NewPlugin returns the plugin, which acts on updates only.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/podresize/admission.go NewPlugin
func NewPlugin() *Plugin {
	return &Plugin{Handler: admission.NewHandler(admission.Update), nodes: nodes.None{}}
}

// SetNodes sets where the plugin reads Nodes; until then it knows none.
func (p *Plugin) SetNodes(g nodes.Getter) { p.nodes = g }

// ValidateInitialization makes sure the plugin can read Nodes.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/podresize/admission.go Plugin.ValidateInitialization
func (p *Plugin) ValidateInitialization() error {
	if p.nodes == nil {
		return fmt.Errorf("%s needs a source of Nodes", PluginName)
	}
	return nil
}

// Validate refuses a resize of a bound pod that its node cannot carry out.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/podresize/admission.go Plugin.Validate
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	if a.GetOperation() != admission.Update || a.GetResource().GroupResource() != corev1.Resource("pods") || a.GetSubresource() != "resize" {
		return nil
	}
	pod, _, err := nodes.ChangedBoundPod(a)
	if pod == nil || err != nil {
		return err
	}
	node, err := p.nodes.Get(ctx, pod.Spec.NodeName, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return admission.NewForbidden(a, fmt.Errorf("node %q not found", pod.Spec.NodeName))
		}
		return admission.NewForbidden(a, fmt.Errorf("failed to get node %q: %w", pod.Spec.NodeName, err))
	}
	// Only the Linux kubelet resizes in place. A node without the label is taken to be Linux.
	if osName, ok := node.Labels[corev1.LabelOSStable]; ok && osName != "linux" {
		return forbiddenWithCause(a, fmt.Errorf("pod resize is only supported on linux nodes, node %q is %q", node.Name, osName), ReasonUnsupportedPlatform)
	}
	if err := fitsAllocatable(pod, node.Status.Allocatable); err != nil {
		return forbiddenWithCause(a, err, ReasonNodeCapacity)
	}
	return nil
}

// fitsAllocatable compares the pod's total cpu and memory requests with what the node can give
// pods at all; whether other pods leave room is the kubelet's decision.
func fitsAllocatable(pod *corev1.Pod, allocatable corev1.ResourceList) error {
	requests := resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{})
	cpu, memory := requests[corev1.ResourceCPU], requests[corev1.ResourceMemory]
	var short []string
	if cpu.Cmp(*allocatable.Cpu()) > 0 {
		short = append(short, fmt.Sprintf("cpu, requested: %d, allocatable: %d", cpu.MilliValue(), allocatable.Cpu().MilliValue()))
	}
	if memory.Cmp(*allocatable.Memory()) > 0 {
		short = append(short, fmt.Sprintf("memory, requested: %d, allocatable: %d", memory.Value(), allocatable.Memory().Value()))
	}
	if len(short) > 0 {
		return fmt.Errorf("node didn't have enough allocatable resources: %s", strings.Join(short, "; "))
	}
	return nil
}

func forbiddenWithCause(a admission.Attributes, err error, reason metav1.CauseType) error {
	forbidden := admission.NewForbidden(a, err)
	var status *apierrors.StatusError
	if errors.As(forbidden, &status) {
		status.ErrStatus.Details.Causes = append(status.ErrStatus.Details.Causes, metav1.StatusCause{Type: reason})
	}
	return forbidden
}
