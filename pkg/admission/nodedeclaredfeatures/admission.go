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

// Package nodedeclaredfeatures is the NodeDeclaredFeatureValidator admission plugin: an update of
// a bound pod that needs a node feature (such as resizing pod-level resources) is refused unless
// the pod's node declares that feature in status.declaredFeatures, as kube-apiserver's plugin of
// the same name does. Which updates need which feature is decided by the shared
// k8s.io/component-helpers/nodedeclaredfeatures framework. Nodes come from pkg/admission/nodes.
package nodedeclaredfeatures

import (
	"context"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilversion "k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apiserver/pkg/admission"
	ndf "k8s.io/component-helpers/nodedeclaredfeatures"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodes"
	"github.com/pod-apiserver/pod-apiserver/pkg/version"
)

// File ported from k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/nodedeclaredfeatures/admission.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// PluginName is the name for --enable-admission-plugins and --disable-admission-plugins.
const PluginName = "NodeDeclaredFeatureValidator"

// Register adds the plugin to plugins.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/nodedeclaredfeatures/admission.go Register
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) { return NewPlugin(), nil })
}

// Plugin is the NodeDeclaredFeatureValidator admission plugin.
type Plugin struct {
	*admission.Handler
	nodes     nodes.Getter
	framework *ndf.Framework
	// release is the Kubernetes release whose features apply; features retired before it are
	// assumed everywhere.
	release *utilversion.Version
}

var (
	_ admission.ValidationInterface = &Plugin{}
	_ nodes.WantsNodes              = &Plugin{}
)

// NewPlugin returns the plugin, which acts on updates only.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/nodedeclaredfeatures/admission.go NewPlugin
func NewPlugin() *Plugin {
	return &Plugin{
		Handler:   admission.NewHandler(admission.Update),
		nodes:     nodes.None{},
		framework: ndf.DefaultFramework,
		release:   utilversion.MustParse(version.KubernetesRelease),
	}
}

// SetNodes sets where the plugin reads Nodes; until then it knows none.
func (p *Plugin) SetNodes(g nodes.Getter) { p.nodes = g }

// ValidateInitialization makes sure the plugin can read Nodes.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/nodedeclaredfeatures/admission.go Plugin.ValidateInitialization
func (p *Plugin) ValidateInitialization() error {
	if p.nodes == nil {
		return fmt.Errorf("%s needs a source of Nodes", PluginName)
	}
	return nil
}

// Validate refuses an update of a bound pod that its node lacks a feature for. Only the main
// resource and pods/resize change the spec in ways a node must support.
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/nodedeclaredfeatures/admission.go Plugin.Validate
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	if a.GetOperation() != admission.Update || a.GetResource().GroupResource() != corev1.Resource("pods") {
		return nil
	}
	if sub := a.GetSubresource(); sub != "" && sub != "resize" {
		return nil
	}
	pod, old, err := nodes.ChangedBoundPod(a)
	if pod == nil || err != nil {
		return err
	}
	// The framework compares containers by index. Validation has already refused a write that
	// changes how many there are, so such a write never gets here through the registry.
	if len(old.Spec.InitContainers) != len(pod.Spec.InitContainers) {
		return nil
	}
	required, err := p.framework.InferForPodUpdate(
		&ndf.PodInfo{Spec: &old.Spec, Status: &old.Status},
		&ndf.PodInfo{Spec: &pod.Spec, Status: &pod.Status},
		p.release)
	if err != nil {
		return admission.NewForbidden(a, fmt.Errorf("failed to infer pod capability requirements: %w", err))
	}
	if required.IsEmpty() {
		return nil
	}
	node, err := p.nodes.Get(ctx, pod.Spec.NodeName, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return admission.NewForbidden(a, fmt.Errorf("node %q not found", pod.Spec.NodeName))
		}
		return admission.NewForbidden(a, fmt.Errorf("failed to get node %q: %w", pod.Spec.NodeName, err))
	}
	result, err := p.framework.MatchNode(required, node)
	if err != nil {
		return admission.NewForbidden(a, fmt.Errorf("failed to match pod requirements against node %q: %w", node.Name, err))
	}
	if !result.IsMatch {
		return admission.NewForbidden(a, fmt.Errorf("pod update requires features %s which are not available on node %q", strings.Join(result.UnsatisfiedRequirements, ", "), node.Name))
	}
	return nil
}
