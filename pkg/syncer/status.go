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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// SyncedCondition is False while the syncer cannot carry a change of a running virtual pod
	// to its host pod; the message says why.
	SyncedCondition corev1.PodConditionType = "pod-apiserver.io/Synced"
	// ReasonSyncRefused is the reason of a refusal: on PodScheduled before a host pod exists, on
	// SyncedCondition after.
	ReasonSyncRefused = "SyncRefused"
	// ReasonHostRefused is the reason of a virtual pod the host's API server refused to create
	// (Pod Security admission, a quota, validation).
	ReasonHostRefused = "HostRefused"
	// ReasonHostPodDeleted is the reason of a virtual pod whose host pod was deleted from
	// outside while it ran.
	ReasonHostPodDeleted = "HostPodDeleted"
)

// hostConditions are the condition types the host's kubelet and scheduler own; the virtual pod
// shows the host's. Other condition types belong to the virtual side and are kept.
var hostConditions = map[corev1.PodConditionType]bool{
	corev1.PodScheduled:              true,
	corev1.PodReady:                  true,
	corev1.ContainersReady:           true,
	corev1.PodInitialized:            true,
	corev1.PodReadyToStartContainers: true,
	corev1.DisruptionTarget:          true,
	corev1.PodResizePending:          true,
	corev1.PodResizeInProgress:       true,
}

// VirtualStatus is the status the virtual pod should have given its host pod: everything the
// host's kubelet reports except what refers to the host object itself (observed generations) and
// the QoS class, which the virtual server computed from the same resources and never changes.
func VirtualStatus(vpod, hpod *corev1.Pod) corev1.PodStatus {
	status := *vpod.Status.DeepCopy()
	h := hpod.Status.DeepCopy()
	status.Phase = h.Phase
	status.Message = h.Message
	status.Reason = h.Reason
	status.HostIP, status.HostIPs = h.HostIP, h.HostIPs
	status.PodIP, status.PodIPs = h.PodIP, h.PodIPs
	status.StartTime = h.StartTime
	status.InitContainerStatuses = h.InitContainerStatuses
	status.ContainerStatuses = h.ContainerStatuses
	status.EphemeralContainerStatuses = h.EphemeralContainerStatuses
	status.Resize = h.Resize
	if status.QOSClass == "" {
		status.QOSClass = h.QOSClass
	}
	var conditions []corev1.PodCondition
	for _, c := range h.Conditions {
		c.ObservedGeneration = 0
		conditions = append(conditions, c)
	}
	for _, c := range status.Conditions {
		if !hostConditions[c.Type] && c.Type != SyncedCondition {
			conditions = append(conditions, c)
		}
	}
	status.Conditions = conditions
	return status
}

// setCondition replaces or adds c, keeping the transition time when the status does not change.
func setCondition(status *corev1.PodStatus, c corev1.PodCondition) {
	for i := range status.Conditions {
		if status.Conditions[i].Type != c.Type {
			continue
		}
		if status.Conditions[i].Status == c.Status {
			c.LastTransitionTime = status.Conditions[i].LastTransitionTime
		}
		status.Conditions[i] = c
		return
	}
	status.Conditions = append(status.Conditions, c)
}

// refusedStatus is the status of a virtual pod the host will not run: Pending, not scheduled,
// and why, in the condition and in the pod's reason and message, which kubectl get (STATUS) and
// describe show.
func refusedStatus(vpod *corev1.Pod, refusals Refusals, now metav1.Time) corev1.PodStatus {
	status := *vpod.Status.DeepCopy()
	status.Reason = ReasonSyncRefused
	status.Message = refusals.Message()
	setCondition(&status, corev1.PodCondition{
		Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: ReasonSyncRefused,
		Message: refusals.Message(), LastTransitionTime: now,
	})
	return status
}

// hostRefusedStatus is the status of a virtual pod whose host pod the host refused: Pending, not
// scheduled, with the host's answer.
func hostRefusedStatus(vpod *corev1.Pod, err error, now metav1.Time) corev1.PodStatus {
	status := *vpod.Status.DeepCopy()
	status.Reason = ReasonHostRefused
	status.Message = "the host cluster refused the pod: " + err.Error()
	setCondition(&status, corev1.PodCondition{
		Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: ReasonHostRefused,
		Message: status.Message, LastTransitionTime: now,
	})
	return status
}

// hostGoneStatus is the status of a virtual pod whose host pod was deleted from outside while it
// ran: Failed, as a pod whose node is gone ends up after kube's pod garbage collector, with
// every container that had not finished terminated. The virtual pod is kept, so its user sees
// what happened; deleting it is theirs to do.
func hostGoneStatus(vpod *corev1.Pod, hostNamespace, hostName string, now metav1.Time) corev1.PodStatus {
	status := *vpod.Status.DeepCopy()
	status.Phase = corev1.PodFailed
	status.Reason = ReasonHostPodDeleted
	status.Message = fmt.Sprintf("The host pod %s/%s running this pod was deleted outside pod-apiserver", hostNamespace, hostName)
	for _, t := range []corev1.PodConditionType{corev1.PodReady, corev1.ContainersReady} {
		setCondition(&status, corev1.PodCondition{Type: t, Status: corev1.ConditionFalse, Reason: "PodFailed", LastTransitionTime: now})
	}
	setCondition(&status, corev1.PodCondition{
		Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: ReasonHostPodDeleted,
		Message: status.Message, LastTransitionTime: now,
	})
	for _, list := range [][]corev1.ContainerStatus{status.InitContainerStatuses, status.ContainerStatuses, status.EphemeralContainerStatuses} {
		for i := range list {
			terminateContainer(&list[i], now)
		}
	}
	return status
}

// terminateContainer follows what a kubelet reports for a container it can no longer find.
// k8s.io/kubernetes@v1.37.2 pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses
func terminateContainer(s *corev1.ContainerStatus, now metav1.Time) {
	s.Ready = false
	s.Started = new(bool)
	if s.State.Terminated != nil {
		return
	}
	s.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode:   137,
		Reason:     "ContainerStatusUnknown",
		Message:    "The container could not be located when the pod was deleted.  The container used to be Running",
		FinishedAt: now,
	}}
}

// reflected tells whether the virtual pod ever showed a host pod's status: only the syncer
// writes these fields, as there is no kubelet on the virtual side.
func reflected(vpod *corev1.Pod) bool {
	return vpod.Status.StartTime != nil || vpod.Status.HostIP != "" || len(vpod.Status.ContainerStatuses) > 0
}

func terminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}
