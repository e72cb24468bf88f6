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

// Package noderestriction is kube-apiserver's NodeRestriction admission plugin for pods: a node
// may create and delete only mirror pods bound to itself, write the status only of pods bound to
// itself, and evict only those.
package noderestriction

import (
	"context"
	"fmt"
	"io"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/admission"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodes"
	"github.com/pod-apiserver/pod-apiserver/pkg/authorizer/node"
)

// PluginName is the name kube-apiserver gives the plugin.
const PluginName = "NodeRestriction"

// Register offers the plugin.
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) {
		return NewPlugin(), nil
	})
}

// WantsPods is a plugin that looks up existing pods.
type WantsPods interface {
	SetPods(node.PodGetter)
}

// NewInitializer hands pods to the plugins that want them.
func NewInitializer(pods node.PodGetter) admission.PluginInitializer {
	return initializer{pods}
}

type initializer struct{ pods node.PodGetter }

func (i initializer) Initialize(plugin admission.Interface) {
	if w, ok := plugin.(WantsPods); ok {
		w.SetPods(i.pods)
	}
}

// Plugin is NodeRestriction.
type Plugin struct {
	*admission.Handler
	pods  node.PodGetter
	nodes nodes.Getter
}

var (
	_ admission.MutationInterface = &Plugin{}
	_ WantsPods                   = &Plugin{}
	_ nodes.WantsNodes            = &Plugin{}
)

// NewPlugin returns the plugin; it acts on creates, updates and deletes.
func NewPlugin() *Plugin {
	return &Plugin{Handler: admission.NewHandler(admission.Create, admission.Update, admission.Delete)}
}

// SetPods sets how existing pods are found.
func (p *Plugin) SetPods(pods node.PodGetter) { p.pods = pods }

// SetNodes sets how Nodes are found (to check a mirror pod's owner).
func (p *Plugin) SetNodes(n nodes.Getter) { p.nodes = n }

// ValidateInitialization checks the plugin got what it reads.
func (p *Plugin) ValidateInitialization() error {
	if p.pods == nil {
		return fmt.Errorf("%s: no pod getter", PluginName)
	}
	if p.nodes == nil {
		return fmt.Errorf("%s: no node getter", PluginName)
	}
	return nil
}

// Admit restricts pod writes of node users.
//
// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/noderestriction Plugin.Admit
func (p *Plugin) Admit(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	nodeName, isNode := node.Identity(a.GetUserInfo())
	if !isNode {
		return nil
	}
	if nodeName == "" {
		return admission.NewForbidden(a, fmt.Errorf("could not determine node from user %q", a.GetUserInfo().GetName()))
	}
	if a.GetResource().GroupResource() != corev1.Resource("pods") {
		return nil
	}
	switch a.GetSubresource() {
	case "":
		return p.admitPod(ctx, nodeName, a)
	case "status":
		return p.admitPodStatus(nodeName, a)
	case "eviction":
		return p.admitPodEviction(nodeName, a)
	default:
		return admission.NewForbidden(a, fmt.Errorf("unexpected pod subresource %q, only 'status' and 'eviction' are allowed", a.GetSubresource()))
	}
}

// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/noderestriction Plugin.admitPod
func (p *Plugin) admitPod(ctx context.Context, nodeName string, a admission.Attributes) error {
	switch a.GetOperation() {
	case admission.Create:
		return p.admitPodCreate(ctx, nodeName, a)
	case admission.Delete:
		existing, err := p.pods(a.GetNamespace(), a.GetName())
		if apierrors.IsNotFound(err) {
			return err
		}
		if err != nil {
			return admission.NewForbidden(a, err)
		}
		if existing.Spec.NodeName != nodeName {
			return admission.NewForbidden(a, fmt.Errorf("node %q can only delete pods with spec.nodeName set to itself", nodeName))
		}
		return nil
	default:
		return admission.NewForbidden(a, fmt.Errorf("unexpected operation %q, node %q can only create and delete mirror pods", a.GetOperation(), nodeName))
	}
}

// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/noderestriction Plugin.admitPodCreate
func (p *Plugin) admitPodCreate(ctx context.Context, nodeName string, a admission.Attributes) error {
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return admission.NewForbidden(a, fmt.Errorf("unexpected type %T", a.GetObject()))
	}
	if _, isMirrorPod := pod.Annotations[corev1.MirrorPodAnnotationKey]; !isMirrorPod {
		return admission.NewForbidden(a, fmt.Errorf("pod does not have %q annotation, node %q can only create mirror pods", corev1.MirrorPodAnnotationKey, nodeName))
	}
	if pod.Spec.NodeName != nodeName {
		return admission.NewForbidden(a, fmt.Errorf("node %q can only create pods with spec.nodeName set to itself", nodeName))
	}
	if len(pod.OwnerReferences) > 1 {
		return admission.NewForbidden(a, fmt.Errorf("node %q can only create pods with a single owner reference set to itself", nodeName))
	}
	if len(pod.OwnerReferences) == 0 {
		return admission.NewForbidden(a, fmt.Errorf("node %q can only create pods with an owner reference set to itself", nodeName))
	}
	owner := pod.OwnerReferences[0]
	if owner.APIVersion != corev1.SchemeGroupVersion.String() || owner.Kind != "Node" || owner.Name != nodeName {
		return admission.NewForbidden(a, fmt.Errorf("node %q can only create pods with an owner reference set to itself", nodeName))
	}
	if owner.Controller == nil || !*owner.Controller {
		return admission.NewForbidden(a, fmt.Errorf("node %q can only create pods with a controller owner reference set to itself", nodeName))
	}
	if owner.BlockOwnerDeletion != nil && *owner.BlockOwnerDeletion {
		return admission.NewForbidden(a, fmt.Errorf("node %q must not set blockOwnerDeletion on an owner reference", nodeName))
	}
	n, err := p.nodes.Get(ctx, nodeName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		// kube reads Nodes from a lister, whose NotFound names the resource "node".
		return apierrors.NewNotFound(corev1.Resource("node"), nodeName)
	}
	if err != nil {
		return admission.NewForbidden(a, fmt.Errorf("error looking up node %s to verify uid: %v", nodeName, err))
	}
	if owner.UID != n.UID {
		return admission.NewForbidden(a, fmt.Errorf("node %s UID mismatch: expected %s got %s", nodeName, owner.UID, n.UID))
	}
	referencing, resource, err := hasAPIObjectReference(pod)
	if err != nil {
		return admission.NewForbidden(a, fmt.Errorf("error checking mirror pod for API references: %w", err))
	}
	if referencing {
		return admission.NewForbidden(a, fmt.Errorf("node %q can not create pods that reference %s", nodeName, resource))
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/noderestriction Plugin.admitPodStatus
func (p *Plugin) admitPodStatus(nodeName string, a admission.Attributes) error {
	if a.GetOperation() != admission.Update {
		return admission.NewForbidden(a, fmt.Errorf("unexpected operation %q", a.GetOperation()))
	}
	oldPod, ok := a.GetOldObject().(*corev1.Pod)
	if !ok {
		return admission.NewForbidden(a, fmt.Errorf("unexpected type %T", a.GetOldObject()))
	}
	if oldPod.Spec.NodeName != nodeName {
		return admission.NewForbidden(a, fmt.Errorf("node %q can only update pod status for pods with spec.nodeName set to itself", nodeName))
	}
	newPod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return admission.NewForbidden(a, fmt.Errorf("unexpected type %T", a.GetObject()))
	}
	if !labels.Equals(oldPod.Labels, newPod.Labels) {
		return admission.NewForbidden(a, fmt.Errorf("node %q cannot update labels through pod status", nodeName))
	}
	if !resourceClaimStatusesEqual(oldPod.Status.ResourceClaimStatuses, newPod.Status.ResourceClaimStatuses) {
		return admission.NewForbidden(a, fmt.Errorf("node %q cannot update resource claim statues", nodeName))
	}
	if !apiequality.Semantic.DeepEqual(oldPod.Status.ExtendedResourceClaimStatus, newPod.Status.ExtendedResourceClaimStatus) {
		return admission.NewForbidden(a, fmt.Errorf("node %q cannot update extended resource claim status", nodeName))
	}
	if !apiequality.Semantic.DeepEqual(oldPod.Status.NodeAllocatableResourceClaimStatuses, newPod.Status.NodeAllocatableResourceClaimStatuses) {
		return admission.NewForbidden(a, fmt.Errorf("node %q cannot update node allocatable resource claim statuses", nodeName))
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/noderestriction resourceClaimStatusesEqual
func resourceClaimStatusesEqual(a, b []corev1.PodResourceClaimStatus) bool {
	return slices.EqualFunc(a, b, func(x, y corev1.PodResourceClaimStatus) bool {
		if x.Name != y.Name || (x.ResourceClaimName == nil) != (y.ResourceClaimName == nil) {
			return false
		}
		return x.ResourceClaimName == nil || *x.ResourceClaimName == *y.ResourceClaimName
	})
}

// k8s.io/kubernetes@v1.37.2 plugin/pkg/admission/noderestriction Plugin.admitPodEviction
func (p *Plugin) admitPodEviction(nodeName string, a admission.Attributes) error {
	if a.GetOperation() != admission.Create {
		return admission.NewForbidden(a, fmt.Errorf("unexpected operation %s", a.GetOperation()))
	}
	podName := a.GetName()
	if podName == "" {
		eviction, err := meta.Accessor(a.GetObject())
		if err != nil {
			return admission.NewForbidden(a, fmt.Errorf("unexpected type %T", a.GetObject()))
		}
		if eviction.GetName() == "" {
			return admission.NewForbidden(a, fmt.Errorf("could not determine pod from request data"))
		}
		podName = eviction.GetName()
	}
	existing, err := p.pods(a.GetNamespace(), podName)
	if apierrors.IsNotFound(err) {
		return err
	}
	if err != nil {
		return admission.NewForbidden(a, err)
	}
	if existing.Spec.NodeName != nodeName {
		return admission.NewForbidden(a, fmt.Errorf("node %s can only evict pods with spec.nodeName set to itself", nodeName))
	}
	return nil
}
