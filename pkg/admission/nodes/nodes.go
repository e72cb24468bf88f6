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

// Package nodes gives admission plugins that judge a pod by its node a way to read Nodes.
// pod-apiserver serves no Nodes: they come from the cluster named by
// --kubelet-cluster-kubeconfig, and without one the server acts as a cluster that has no Nodes,
// which is what kube-apiserver is before any kubelet registers.
package nodes

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
)

// Getter reads Node objects, e.g. client-go's CoreV1().Nodes(). A missing node is a NotFound
// error.
type Getter interface {
	Get(ctx context.Context, name string, options metav1.GetOptions) (*corev1.Node, error)
}

// WantsNodes is a plugin that reads Nodes.
type WantsNodes interface {
	SetNodes(Getter)
	admission.InitializationValidator
}

// None is the Getter of a server without a cluster: no node exists.
type None struct{}

// Get reports every node as not found.
func (None) Get(ctx context.Context, name string, options metav1.GetOptions) (*corev1.Node, error) {
	return nil, apierrors.NewNotFound(corev1.Resource("nodes"), name)
}

// NewInitializer hands getter to the plugins that want Nodes.
func NewInitializer(getter Getter) admission.PluginInitializer {
	return initializer{getter}
}

type initializer struct{ getter Getter }

func (i initializer) Initialize(plugin admission.Interface) {
	if p, ok := plugin.(WantsNodes); ok {
		p.SetNodes(i.getter)
	}
}

// ChangedBoundPod returns the new and stored pod of an update that asks something new of a node:
// the pod is bound and its spec changed (the generation moves exactly when the spec does). It
// returns nil pods for any other update, and a 400 when the objects are not pods.
func ChangedBoundPod(a admission.Attributes) (pod, old *corev1.Pod, err error) {
	pod, ok := a.GetObject().(*corev1.Pod)
	if !ok {
		return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("expected a pod but got a %T", a.GetObject()))
	}
	// An unscheduled pod has no node to ask yet; the scheduler will check.
	if pod.Spec.NodeName == "" {
		return nil, nil, nil
	}
	old, ok = a.GetOldObject().(*corev1.Pod)
	if !ok {
		return nil, nil, apierrors.NewBadRequest(fmt.Sprintf("expected an old pod but got a %T", a.GetOldObject()))
	}
	if old.Generation == pod.Generation {
		return nil, nil, nil
	}
	return pod, old, nil
}
