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

package kubelet

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
)

// NodeConfig configures a stand-in node.
type NodeConfig struct {
	// Client reaches the API server whose pods the node runs.
	Client kubernetes.Interface
	// Namespace limits the node to the pods of one namespace.
	Namespace string
	// Name is the node's name; HostIP its address, where this package's kubelet listens.
	Name   string
	HostIP string
}

// Node plays the scheduler and the kubelet of one node for an API server that has neither: it
// binds unscheduled pods to itself, reports them Running with every container ready (a container
// whose image changed counts one restart, as a kubelet restarts it), reports ephemeral containers
// running once added, and finishes a pod's graceful deletion at once, as a kubelet does once the
// containers have stopped.
type Node struct {
	config NodeConfig
	queue  workqueue.TypedRateLimitingInterface[string]
	pods   cache.Indexer
	mu     sync.Mutex
	nextIP int
	ips    map[string]string
}

// RunNode runs a stand-in node until ctx is done.
func RunNode(ctx context.Context, config NodeConfig) *Node {
	factory := informers.NewSharedInformerFactoryWithOptions(config.Client, 0, informers.WithNamespace(config.Namespace))
	informer := factory.Core().V1().Pods().Informer()
	n := &Node{
		config: config,
		queue:  workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		pods:   informer.GetIndexer(),
		ips:    map[string]string{},
	}
	enqueue := func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			n.queue.Add(key)
		}
	}
	_, _ = informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue, UpdateFunc: func(_, obj any) { enqueue(obj) }, DeleteFunc: enqueue,
	})
	factory.Start(ctx.Done())
	go func() {
		<-ctx.Done()
		n.queue.ShutDown()
		factory.Shutdown()
	}()
	for range 16 {
		go wait.UntilWithContext(ctx, func(ctx context.Context) {
			for {
				key, quit := n.queue.Get()
				if quit {
					return
				}
				if err := n.sync(ctx, key); err != nil {
					n.queue.AddRateLimited(key)
				} else {
					n.queue.Forget(key)
				}
				n.queue.Done(key)
			}
		}, time.Second)
	}
	return n
}

// podIP gives each pod an address of its own, stable for the pod's life.
func (n *Node) podIP(uid string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if ip, ok := n.ips[uid]; ok {
		return ip
	}
	n.nextIP++
	ip := fmt.Sprintf("10.244.%d.%d", n.nextIP/250, n.nextIP%250+1)
	n.ips[uid] = ip
	return ip
}

func (n *Node) sync(ctx context.Context, key string) error {
	obj, exists, err := n.pods.GetByKey(key)
	if err != nil || !exists {
		return err
	}
	pod := obj.(*corev1.Pod)
	pods := n.config.Client.CoreV1().Pods(pod.Namespace)
	switch {
	case pod.DeletionTimestamp != nil:
		err := pods.Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0), Preconditions: &metav1.Preconditions{UID: &pod.UID}})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	case pod.Spec.NodeName == "":
		err := pods.Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: pod.Name, UID: pod.UID},
			Target:     corev1.ObjectReference{Kind: "Node", Name: n.config.Name},
		}, metav1.CreateOptions{})
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			return nil
		}
		return err
	case pod.Spec.NodeName != n.config.Name || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed:
		return nil
	}
	status := n.runningStatus(pod)
	if equalStatus(pod.Status, status) {
		return nil
	}
	updated := pod.DeepCopy()
	updated.Status = status
	_, err = pods.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (n *Node) runningStatus(pod *corev1.Pod) corev1.PodStatus {
	status := *pod.Status.DeepCopy()
	now := metav1.Now()
	if status.StartTime == nil {
		status.StartTime = &now
	}
	status.Phase = corev1.PodRunning
	status.HostIP = n.config.HostIP
	status.HostIPs = []corev1.HostIP{{IP: n.config.HostIP}}
	ip := n.podIP(string(pod.UID))
	status.PodIP = ip
	status.PodIPs = []corev1.PodIP{{IP: ip}}
	for _, t := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady, corev1.PodScheduled} {
		if !slices.ContainsFunc(status.Conditions, func(c corev1.PodCondition) bool { return c.Type == t && c.Status == corev1.ConditionTrue }) {
			status.Conditions = slices.DeleteFunc(status.Conditions, func(c corev1.PodCondition) bool { return c.Type == t })
			status.Conditions = append(status.Conditions, corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now})
		}
	}
	status.ContainerStatuses = containerStatuses(pod, pod.Spec.Containers, status.ContainerStatuses, now, true)
	var ephemeral []corev1.Container
	for _, e := range pod.Spec.EphemeralContainers {
		ephemeral = append(ephemeral, corev1.Container(e.EphemeralContainerCommon))
	}
	status.EphemeralContainerStatuses = containerStatuses(pod, ephemeral, status.EphemeralContainerStatuses, now, false)
	return status
}

// containerStatuses reports containers as running. With resources, each reports what it was
// given as a kubelet that resizes in place does, and a resize takes effect at once: the API
// server admits a resize only of a pod whose node reports them.
func containerStatuses(pod *corev1.Pod, containers []corev1.Container, old []corev1.ContainerStatus, now metav1.Time, resources bool) []corev1.ContainerStatus {
	var statuses []corev1.ContainerStatus
	for _, c := range containers {
		i := slices.IndexFunc(old, func(s corev1.ContainerStatus) bool { return s.Name == c.Name })
		if i >= 0 && old[i].Image == c.Image {
			s := *old[i].DeepCopy()
			if resources {
				s.Resources, s.AllocatedResources = c.Resources.DeepCopy(), c.Resources.Requests.DeepCopy()
			}
			statuses = append(statuses, s)
			continue
		}
		s := corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: "standin://" + c.Image,
			ContainerID: fmt.Sprintf("standin://%s/%s", pod.UID, c.Name),
			Ready:       true, Started: ptr.To(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
		}
		if i >= 0 {
			// A new image restarts the container.
			s.RestartCount = old[i].RestartCount + 1
		}
		if resources {
			s.Resources, s.AllocatedResources = c.Resources.DeepCopy(), c.Resources.Requests.DeepCopy()
		}
		statuses = append(statuses, s)
	}
	return statuses
}

func equalStatus(a, b corev1.PodStatus) bool {
	return a.Phase == b.Phase && a.PodIP == b.PodIP && a.HostIP == b.HostIP && len(a.Conditions) == len(b.Conditions) &&
		slices.EqualFunc(a.ContainerStatuses, b.ContainerStatuses, sameContainer) &&
		slices.EqualFunc(a.EphemeralContainerStatuses, b.EphemeralContainerStatuses, sameContainer)
}

func sameContainer(a, b corev1.ContainerStatus) bool {
	return a.Name == b.Name && a.Image == b.Image && a.RestartCount == b.RestartCount &&
		apiequality.Semantic.DeepEqual(a.Resources, b.Resources) && apiequality.Semantic.DeepEqual(a.AllocatedResources, b.AllocatedResources)
}
