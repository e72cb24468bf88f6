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

// Package systemnamespaces makes sure the namespaces every cluster has exist, as kube-apiserver's
// system namespaces controller does, and, for data written before this server served Namespaces,
// that every namespace holding pods has a Namespace object.
package systemnamespaces

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/klog/v2"
)

// Names are the namespaces kube-apiserver creates on start. kube's default namespace comes from
// its kubernetes service controller; here nothing else would make it.
var Names = []string{metav1.NamespaceDefault, metav1.NamespaceSystem, metav1.NamespacePublic, corev1.NamespaceNodeLease}

// interval matches kube-apiserver's system namespaces controller.
const interval = time.Minute

// Controller keeps Names in existence.
type Controller struct {
	client   kubernetes.Interface
	metadata metadata.Interface
}

// New works through the server's loopback clients.
func New(client kubernetes.Interface, metadataClient metadata.Interface) *Controller {
	return &Controller{client: client, metadata: metadataClient}
}

// Bootstrap creates the system namespaces and a namespace for every namespace that holds pods
// but has no Namespace object (pods stored by an earlier release, which served no Namespaces),
// retrying until it succeeds or ctx ends. The server is not ready before it returns, so clients
// never see a missing default namespace.
func (c *Controller) Bootstrap(ctx context.Context) error {
	return wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		names, err := c.podNamespaces(ctx)
		if err != nil {
			klog.ErrorS(err, "Listing the namespaces of stored pods")
			return false, nil
		}
		names.Insert(Names...)
		if err := c.ensure(ctx, sets.List(names)); err != nil {
			klog.ErrorS(err, "Creating namespaces")
			return false, nil
		}
		return true, nil
	})
}

// Run re-creates the system namespaces every minute, should someone remove one.
// k8s.io/kubernetes@v1.37.2 pkg/controlplane/controller/systemnamespaces Controller.Run
func (c *Controller) Run(ctx context.Context) {
	wait.UntilWithContext(ctx, func(ctx context.Context) {
		if err := c.ensure(ctx, Names); err != nil {
			klog.ErrorS(err, "Unable to create required kubernetes system namespaces")
		}
	}, interval)
}

// podNamespaces lists, page by page and by metadata only, the namespaces of all stored pods.
func (c *Controller) podNamespaces(ctx context.Context) (sets.Set[string], error) {
	names := sets.New[string]()
	pods := c.metadata.Resource(corev1.SchemeGroupVersion.WithResource("pods"))
	opts := metav1.ListOptions{Limit: 500}
	for {
		list, err := pods.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range list.Items {
			names.Insert(list.Items[i].Namespace)
		}
		if list.Continue == "" {
			return names, nil
		}
		opts.Continue = list.Continue
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/controlplane/controller/systemnamespaces Controller.createNamespaceIfNeeded
func (c *Controller) ensure(ctx context.Context, names []string) error {
	for _, name := range names {
		if _, err := c.client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{}); err == nil {
			continue
		} else if !apierrors.IsNotFound(err) {
			return err
		}
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if _, err := c.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating namespace %q: %w", name, err)
		}
	}
	return nil
}
