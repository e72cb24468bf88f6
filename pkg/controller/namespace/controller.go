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

// Package namespace is the namespace controller of kube-controller-manager cut down to the one
// namespaced resource this server serves: it empties a terminating namespace of its pods,
// reporting progress in the namespace's conditions, then removes the kubernetes finalizer
// through namespaces/finalize, which lets the server delete the namespace.
package namespace

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
)

// resyncPeriod matches kube-controller-manager's --namespace-sync-period default.
const resyncPeriod = 5 * time.Minute

// Controller deletes the pods of terminating namespaces, then finalizes them.
type Controller struct {
	client  kubernetes.Interface
	queue   workqueue.TypedRateLimitingInterface[string]
	factory informers.SharedInformerFactory
	synced  cache.InformerSynced
}

// New watches namespaces through client.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace NewNamespaceController
func New(client kubernetes.Interface) *Controller {
	c := &Controller{
		client:  client,
		factory: informers.NewSharedInformerFactory(client, resyncPeriod),
	}
	// kube-controller-manager's limits: 5ms doubling to 1000s between failed syncs.
	c.queue = workqueue.NewTypedRateLimitingQueueWithConfig(
		workqueue.NewTypedItemExponentialFailureRateLimiter[string](5*time.Millisecond, 1000*time.Second),
		workqueue.TypedRateLimitingQueueConfig[string]{Name: "namespace"})
	informer := c.factory.Core().V1().Namespaces().Informer()
	_, _ = informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj interface{}) { c.enqueue(obj) },
		UpdateFunc: func(_, obj interface{}) { c.enqueue(obj) },
	})
	c.synced = informer.HasSynced
	return c
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace NamespaceController.enqueueNamespace
func (c *Controller) enqueue(obj interface{}) {
	ns, ok := obj.(*corev1.Namespace)
	if !ok || ns.DeletionTimestamp == nil {
		return
	}
	// Coalesce the many updates a deletion makes (status, conditions) into one sync.
	c.queue.AddAfter(ns.Name, 100*time.Millisecond)
}

// Run works until ctx ends.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace NamespaceController.Run
func (c *Controller) Run(ctx context.Context) {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	c.factory.Start(ctx.Done())
	defer c.factory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), c.synced) {
		return
	}
	go wait.UntilWithContext(ctx, c.worker, time.Second)
	<-ctx.Done()
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace NamespaceController.worker
func (c *Controller) worker(ctx context.Context) {
	for {
		key, quit := c.queue.Get()
		if quit {
			return
		}
		err := c.sync(ctx, key)
		var remaining *ResourcesRemainingError
		switch {
		case err == nil:
			c.queue.Forget(key)
		case errors.As(err, &remaining):
			c.queue.AddAfter(key, time.Duration(remaining.Estimate/2+1)*time.Second)
		default:
			utilruntime.HandleError(fmt.Errorf("deletion of namespace %v failed: %w", key, err))
			c.queue.AddRateLimited(key)
		}
		c.queue.Done(key)
	}
}

// ResourcesRemainingError says pods are still terminating and when to look again.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion ResourcesRemainingError
type ResourcesRemainingError struct {
	Estimate int64
}

func (e *ResourcesRemainingError) Error() string {
	return fmt.Sprintf("some content remains in the namespace, estimate %d seconds before it is removed", e.Estimate)
}

// sync moves a deleted namespace one step towards its removal.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespacedResourcesDeleter.Delete
func (c *Controller) sync(ctx context.Context, name string) error {
	namespace, err := c.client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if namespace.DeletionTimestamp == nil {
		return nil
	}
	klog.FromContext(ctx).V(5).Info("Namespace controller - syncNamespace", "namespace", name)
	namespace, err = c.retryOnConflict(ctx, namespace, c.updateStatusPhase)
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if namespace.DeletionTimestamp.IsZero() || len(namespace.Spec.Finalizers) == 0 {
		return nil
	}
	estimate, err := c.deleteAllContent(ctx, namespace)
	if err != nil {
		return err
	}
	if estimate > 0 {
		return &ResourcesRemainingError{Estimate: estimate}
	}
	if _, err := c.retryOnConflict(ctx, namespace, c.finalize); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespacedResourcesDeleter.retryOnConflictError
func (c *Controller) retryOnConflict(ctx context.Context, namespace *corev1.Namespace, fn func(context.Context, *corev1.Namespace) (*corev1.Namespace, error)) (*corev1.Namespace, error) {
	latest := namespace
	for {
		result, err := fn(ctx, latest)
		if err == nil {
			return result, nil
		}
		if !apierrors.IsConflict(err) {
			return nil, err
		}
		prev := latest
		latest, err = c.client.CoreV1().Namespaces().Get(ctx, latest.Name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		if prev.UID != latest.UID {
			return nil, fmt.Errorf("namespace uid has changed across retries")
		}
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespacedResourcesDeleter.updateNamespaceStatusFunc
func (c *Controller) updateStatusPhase(ctx context.Context, namespace *corev1.Namespace) (*corev1.Namespace, error) {
	if namespace.DeletionTimestamp.IsZero() || namespace.Status.Phase == corev1.NamespaceTerminating {
		return namespace, nil
	}
	updated := namespace.DeepCopy()
	updated.Status.Phase = corev1.NamespaceTerminating
	return c.client.CoreV1().Namespaces().UpdateStatus(ctx, updated, metav1.UpdateOptions{})
}

// finalize removes this controller's finalizer, keeping any other in sorted order.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespacedResourcesDeleter.finalizeNamespace
func (c *Controller) finalize(ctx context.Context, namespace *corev1.Namespace) (*corev1.Namespace, error) {
	finalize := corev1.Namespace{ObjectMeta: namespace.ObjectMeta, Spec: namespace.Spec}
	keep := map[corev1.FinalizerName]bool{}
	for _, f := range namespace.Spec.Finalizers {
		if f != corev1.FinalizerKubernetes {
			keep[f] = true
		}
	}
	finalize.Spec.Finalizers = make([]corev1.FinalizerName, 0, len(keep))
	for _, f := range namespace.Spec.Finalizers {
		if keep[f] {
			finalize.Spec.Finalizers = append(finalize.Spec.Finalizers, f)
			delete(keep, f)
		}
	}
	result, err := c.client.CoreV1().Namespaces().Finalize(ctx, &finalize, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return result, nil
	}
	return result, err
}

// deleteAllContent deletes the namespace's pods (gracefully, with background propagation, as
// kube's controller does for every resource) and reports what remains in the namespace's
// conditions. The estimate is how long terminating pods may still take.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespacedResourcesDeleter.deleteAllContent, deleteAllContentForGroupVersionResource
func (c *Controller) deleteAllContent(ctx context.Context, ns *corev1.Namespace) (int64, error) {
	pods := c.client.CoreV1().Pods(ns.Name)
	updater := conditionUpdater{}
	estimate, err := c.estimateGracefulTerminationForPods(ctx, ns.Name)
	if err != nil {
		return 0, err
	}
	if time.Since(ns.DeletionTimestamp.Time) >= time.Duration(estimate)*time.Second {
		estimate = 0
	}
	result := int64(0)
	var contentErr error
	background := metav1.DeletePropagationBackground
	if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{PropagationPolicy: &background}, metav1.ListOptions{}); err != nil {
		contentErr = err
		result = estimate
	} else {
		remaining, err := pods.List(ctx, metav1.ListOptions{})
		switch {
		case err != nil:
			contentErr = err
			result = estimate
		case len(remaining.Items) > 0:
			finalizers := map[string]int{}
			for _, item := range remaining.Items {
				for _, f := range item.Finalizers {
					finalizers[f]++
				}
			}
			switch {
			case estimate != 0:
				result = estimate
			case len(finalizers) > 0:
				result = finalizerEstimateSeconds
			default:
				contentErr = fmt.Errorf("unexpected items still remain in namespace: %s for gvr: /v1, Resource=pods", ns.Name)
			}
			updater.processContentTotals(len(remaining.Items), finalizers)
		}
	}
	if contentErr != nil {
		contentErr = fmt.Errorf("failed to delete pods for namespace: %s, err: %w", ns.Name, contentErr)
		updater.processDeleteContentErr(contentErr)
	}
	if updater.update(ns) {
		if _, err := c.client.CoreV1().Namespaces().UpdateStatus(ctx, ns, metav1.UpdateOptions{}); err != nil {
			utilruntime.HandleError(fmt.Errorf("couldn't update status condition for namespace %q: %w", ns.Name, err))
		}
	}
	return result, contentErr
}

// finalizerEstimateSeconds is how long to wait before looking again at pods held by finalizers.
const finalizerEstimateSeconds = int64(15)

// estimateGracefulTerminationForPods is the longest grace period of the non-terminal pods.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespacedResourcesDeleter.estimateGracefulTerminationForPods
func (c *Controller) estimateGracefulTerminationForPods(ctx context.Context, ns string) (int64, error) {
	items, err := c.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	estimate := int64(0)
	for i := range items.Items {
		pod := &items.Items[i]
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue
		}
		if grace := pod.Spec.TerminationGracePeriodSeconds; grace != nil && *grace > estimate {
			estimate = *grace
		}
	}
	return estimate, nil
}
