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

package syncer

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

// Config configures a syncer.
type Config struct {
	// Virtual is the pod-apiserver whose pods are run.
	Virtual kubernetes.Interface
	// Host is the cluster that runs them, in HostNamespace.
	Host          kubernetes.Interface
	HostNamespace string
	// Owner tells this syncer's host pods from any other's in the same namespace.
	Owner  string
	Policy Policy
	// Workers reconcile that many pods at once.
	Workers int
	// HostRetry is how long a pod the host refused waits before it is offered again (30s when
	// zero).
	HostRetry time.Duration
}

// Controller keeps host pods in step with virtual pods. It holds no state beyond its informers'
// caches: every decision is taken from the two sides as they are, so a restarted or
// re-listed controller converges to the same result.
type Controller struct {
	config   Config
	vFactory informers.SharedInformerFactory
	hFactory informers.SharedInformerFactory
	vPods    corelisters.PodLister
	hPods    corelisters.PodNamespaceLister
	vSynced  cache.InformerSynced
	hSynced  cache.InformerSynced
	queue    workqueue.TypedRateLimitingInterface[string]
	now      func() metav1.Time
}

// strayPrefix marks a queue key that names a host pod directly: one whose name is not what its
// annotations translate to (made by another version of the naming), which is deleted.
const strayPrefix = "\x00host/"

// defaultHostRetry is how long a pod the host refused waits before it is offered again.
const defaultHostRetry = 30 * time.Second

// New builds a syncer; Run starts it.
func New(config Config) *Controller {
	if config.Owner == "" {
		config.Owner = DefaultOwner
	}
	if config.Workers <= 0 {
		config.Workers = 1
	}
	if config.HostRetry <= 0 {
		config.HostRetry = defaultHostRetry
	}
	c := &Controller{
		config: config,
		// Per pod backoff only: conflicts with a cache that is a write behind are common at scale
		// and must not slow every other pod down, as an overall bucket would.
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.NewTypedItemExponentialFailureRateLimiter[string](5*time.Millisecond, 30*time.Second),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "pod-sync"}),
		now: metav1.Now,
	}
	c.vFactory = informers.NewSharedInformerFactory(config.Virtual, 0)
	c.hFactory = informers.NewSharedInformerFactoryWithOptions(config.Host, 0,
		informers.WithNamespace(config.HostNamespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.LabelSelector = labels.Set{OwnerLabel: config.Owner}.String()
		}))
	vInformer := c.vFactory.Core().V1().Pods()
	hInformer := c.hFactory.Core().V1().Pods()
	c.vPods = vInformer.Lister()
	c.hPods = hInformer.Lister().Pods(config.HostNamespace)
	c.vSynced = vInformer.Informer().HasSynced
	c.hSynced = hInformer.Informer().HasSynced
	_, _ = vInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueueVirtual,
		UpdateFunc: func(_, obj any) { c.enqueueVirtual(obj) },
		DeleteFunc: c.enqueueVirtual,
	})
	_, _ = hInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueueHost,
		UpdateFunc: func(_, obj any) { c.enqueueHost(obj) },
		DeleteFunc: c.enqueueHost,
	})
	return c
}

func (c *Controller) enqueueVirtual(obj any) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err != nil {
		utilruntime.HandleError(err)
		return
	}
	c.queue.Add(key)
}

func (c *Controller) enqueueHost(obj any) {
	if tombstone, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tombstone.Obj
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	ns, name := pod.Annotations[NamespaceAnnotation], pod.Annotations[NameAnnotation]
	if ns == "" || name == "" || HostName(c.config.Owner, ns, name) != pod.Name {
		c.queue.Add(strayPrefix + pod.Name)
		return
	}
	c.queue.Add(ns + "/" + name)
}

// Run syncs until ctx is done.
func (c *Controller) Run(ctx context.Context) error {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	c.vFactory.Start(ctx.Done())
	c.hFactory.Start(ctx.Done())
	defer c.vFactory.Shutdown()
	defer c.hFactory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), c.vSynced, c.hSynced) {
		// Stopped before it started: nothing went wrong.
		return nil
	}
	klog.FromContext(ctx).Info("Syncing pods", "hostNamespace", c.config.HostNamespace, "owner", c.config.Owner, "workers", c.config.Workers)
	var wg sync.WaitGroup
	for range c.config.Workers {
		wg.Go(func() { wait.UntilWithContext(ctx, c.worker, time.Second) })
	}
	<-ctx.Done()
	c.queue.ShutDown()
	wg.Wait()
	return nil
}

func (c *Controller) worker(ctx context.Context) {
	for c.processNext(ctx) {
	}
}

func (c *Controller) processNext(ctx context.Context) bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(key)
	if err := c.Sync(ctx, key); err != nil {
		if !apierrors.IsConflict(err) {
			klog.FromContext(ctx).V(2).Info("Sync failed, retrying", "pod", key, "err", err)
		}
		c.queue.AddRateLimited(key)
		return true
	}
	c.queue.Forget(key)
	return true
}

// Sync brings one virtual pod (namespace/name) and its host pod in step.
func (c *Controller) Sync(ctx context.Context, key string) error {
	if name, ok := strings.CutPrefix(key, strayPrefix); ok {
		return c.deleteStray(ctx, name)
	}
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	vpod, err := c.vPods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		vpod = nil
	} else if err != nil {
		return err
	}
	hostName := HostName(c.config.Owner, ns, name)
	hpod, err := c.hPods.Get(hostName)
	if apierrors.IsNotFound(err) {
		hpod = nil
	} else if err != nil {
		return err
	}

	// A host pod whose virtual pod is gone, or was replaced by one of the same name, has no
	// reason to run.
	if hpod != nil && (vpod == nil || hpod.Labels[UIDLabel] != string(vpod.UID)) {
		if hpod.DeletionTimestamp == nil {
			// An orphan gets the host's default grace: a virtual pod deleted at once leaves no
			// trace of its grace period.
			if err := c.deleteHost(ctx, hpod, nil); err != nil {
				return err
			}
		}
		// The host pod's deletion event brings the virtual pod, if any, back.
		return nil
	}
	if vpod == nil {
		return nil
	}

	if vpod.DeletionTimestamp != nil {
		if hpod != nil {
			if hpod.DeletionTimestamp == nil {
				if err := c.deleteHost(ctx, hpod, vpod.DeletionGracePeriodSeconds); err != nil {
					return err
				}
			}
			return c.syncStatus(ctx, vpod, hpod, nil)
		}
		// The host pod is gone: the containers have stopped, so the virtual pod is finished as a
		// kubelet finishes a pod it has stopped.
		err := c.config.Virtual.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: ptr.To[int64](0),
			Preconditions:      &metav1.Preconditions{UID: &vpod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}

	desired, refusals := HostPod(vpod, c.config.Owner, c.config.HostNamespace, c.config.Policy)
	if hpod == nil {
		switch {
		case terminal(vpod):
			return nil
		case reflected(vpod):
			return c.updateStatus(ctx, vpod, hostGoneStatus(vpod, c.config.HostNamespace, hostName, c.now()))
		case len(vpod.Spec.SchedulingGates) > 0:
			// Gated pods wait on the virtual side, as the scheduler would make them.
			return nil
		case refusals != nil:
			return c.updateStatus(ctx, vpod, refusedStatus(vpod, refusals, c.now()))
		}
		_, err := c.config.Host.CoreV1().Pods(c.config.HostNamespace).Create(ctx, desired, metav1.CreateOptions{})
		switch {
		case apierrors.IsAlreadyExists(err):
			// Our cache is behind; the host pod's event brings this pod back.
			return nil
		case apierrors.IsForbidden(err) || apierrors.IsInvalid(err) || apierrors.IsNotFound(err):
			// The host's admission (Pod Security, a quota, a terminating namespace, its
			// validation) refused the pod, or the host namespace does not exist: say so, and try
			// again later, as a quota may free up or the namespace be made.
			c.queue.AddAfter(key, c.config.HostRetry)
			return c.updateStatus(ctx, vpod, hostRefusedStatus(vpod, err, c.now()))
		}
		return err
	}

	if hpod.DeletionTimestamp == nil && refusals == nil {
		if err := c.syncSpec(ctx, desired, hpod); err != nil {
			return err
		}
	}
	if vpod.Spec.NodeName == "" && hpod.Spec.NodeName != "" {
		err := c.config.Virtual.CoreV1().Pods(ns).Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: vpod.UID},
			Target:     corev1.ObjectReference{Kind: "Node", Name: hpod.Spec.NodeName},
		}, metav1.CreateOptions{})
		// A conflict is a binding of ours that the cache has not seen yet.
		if err != nil && !apierrors.IsConflict(err) {
			return err
		}
		// The binding changed the pod: write the status on top of the new version.
		vpod, err = c.config.Virtual.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
	}
	return c.syncStatus(ctx, vpod, hpod, refusals)
}

// syncStatus writes the host pod's status to the virtual pod, with the Synced condition when a
// change of the virtual pod cannot be carried down.
func (c *Controller) syncStatus(ctx context.Context, vpod, hpod *corev1.Pod, refusals Refusals) error {
	status := VirtualStatus(vpod, hpod)
	if refusals != nil {
		setCondition(&status, corev1.PodCondition{
			Type: SyncedCondition, Status: corev1.ConditionFalse, Reason: ReasonSyncRefused,
			Message: refusals.Message(), LastTransitionTime: c.now(),
		})
		// Keep the first transition time when nothing else changed.
		for _, old := range vpod.Status.Conditions {
			if old.Type == SyncedCondition && old.Message == refusals.Message() {
				setCondition(&status, old)
			}
		}
	}
	return c.updateStatus(ctx, vpod, status)
}

func (c *Controller) updateStatus(ctx context.Context, vpod *corev1.Pod, status corev1.PodStatus) error {
	if apiequality.Semantic.DeepEqual(vpod.Status, status) {
		return nil
	}
	updated := vpod.DeepCopy()
	updated.Status = status
	_, err := c.config.Virtual.CoreV1().Pods(vpod.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	return err
}

// syncSpec carries down the changes kube allows on a running pod: images, the active deadline
// and added tolerations by update, ephemeral containers and resources through their
// subresources.
func (c *Controller) syncSpec(ctx context.Context, desired, hpod *corev1.Pod) error {
	pods := c.config.Host.CoreV1().Pods(c.config.HostNamespace)
	updated := hpod.DeepCopy()
	changed := false
	for _, lists := range [][2][]corev1.Container{{desired.Spec.Containers, updated.Spec.Containers}, {desired.Spec.InitContainers, updated.Spec.InitContainers}} {
		for i := range lists[1] {
			if i < len(lists[0]) && lists[1][i].Image != lists[0][i].Image {
				lists[1][i].Image = lists[0][i].Image
				changed = true
			}
		}
	}
	if !ptr.Equal(updated.Spec.ActiveDeadlineSeconds, desired.Spec.ActiveDeadlineSeconds) {
		updated.Spec.ActiveDeadlineSeconds = desired.Spec.ActiveDeadlineSeconds
		changed = true
	}
	for _, t := range desired.Spec.Tolerations {
		if !slices.ContainsFunc(updated.Spec.Tolerations, func(h corev1.Toleration) bool { return apiequality.Semantic.DeepEqual(h, t) }) {
			updated.Spec.Tolerations = append(updated.Spec.Tolerations, t)
			changed = true
		}
	}
	if changed {
		var err error
		if hpod, err = pods.Update(ctx, updated, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}

	var missing []corev1.EphemeralContainer
	for _, e := range desired.Spec.EphemeralContainers {
		if !slices.ContainsFunc(hpod.Spec.EphemeralContainers, func(h corev1.EphemeralContainer) bool { return h.Name == e.Name }) {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		updated := hpod.DeepCopy()
		updated.Spec.EphemeralContainers = append(updated.Spec.EphemeralContainers, missing...)
		var err error
		if hpod, err = pods.UpdateEphemeralContainers(ctx, hpod.Name, updated, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}

	resized := hpod.DeepCopy()
	changed = false
	for _, lists := range [][2][]corev1.Container{{desired.Spec.Containers, resized.Spec.Containers}, {desired.Spec.InitContainers, resized.Spec.InitContainers}} {
		for i := range lists[1] {
			if i < len(lists[0]) && !apiequality.Semantic.DeepEqual(lists[1][i].Resources, lists[0][i].Resources) {
				lists[1][i].Resources = lists[0][i].Resources
				changed = true
			}
		}
	}
	if changed {
		_, err := pods.UpdateResize(ctx, hpod.Name, resized, metav1.UpdateOptions{})
		return err
	}
	return nil
}

func (c *Controller) deleteHost(ctx context.Context, hpod *corev1.Pod, grace *int64) error {
	err := c.config.Host.CoreV1().Pods(c.config.HostNamespace).Delete(ctx, hpod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: grace,
		Preconditions:      &metav1.Preconditions{UID: &hpod.UID},
	})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

func (c *Controller) deleteStray(ctx context.Context, name string) error {
	hpod, err := c.hPods.Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil || hpod.DeletionTimestamp != nil {
		return err
	}
	return c.deleteHost(ctx, hpod, nil)
}
