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

package namespace

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// conditionTypes are the namespace conditions the controller maintains, in kube's order.
var conditionTypes = []corev1.NamespaceConditionType{
	corev1.NamespaceDeletionDiscoveryFailure,
	corev1.NamespaceDeletionGVParsingFailure,
	corev1.NamespaceDeletionContentFailure,
	corev1.NamespaceContentRemaining,
	corev1.NamespaceFinalizersRemaining,
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion okMessages
var okMessages = map[corev1.NamespaceConditionType]string{
	corev1.NamespaceDeletionDiscoveryFailure: "All resources successfully discovered",
	corev1.NamespaceDeletionGVParsingFailure: "All legacy kube types successfully parsed",
	corev1.NamespaceDeletionContentFailure:   "All content successfully deleted, may be waiting on finalization",
	corev1.NamespaceContentRemaining:         "All content successfully removed",
	corev1.NamespaceFinalizersRemaining:      "All content-preserving finalizers finished",
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion okReasons
var okReasons = map[corev1.NamespaceConditionType]string{
	corev1.NamespaceDeletionDiscoveryFailure: "ResourcesDiscovered",
	corev1.NamespaceDeletionGVParsingFailure: "ParsedGroupVersions",
	corev1.NamespaceDeletionContentFailure:   "ContentDeleted",
	corev1.NamespaceContentRemaining:         "ContentRemoved",
	corev1.NamespaceFinalizersRemaining:      "ContentHasNoFinalizers",
}

// conditionUpdater collects what a deletion pass found and turns it into conditions.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespaceConditionUpdater
type conditionUpdater struct {
	newConditions       []corev1.NamespaceCondition
	deleteContentErrors []error
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespaceConditionUpdater.ProcessContentTotals
func (u *conditionUpdater) processContentTotals(podsRemaining int, finalizers map[string]int) {
	if podsRemaining > 0 {
		u.newConditions = append(u.newConditions, corev1.NamespaceCondition{
			Type:               corev1.NamespaceContentRemaining,
			Status:             corev1.ConditionTrue,
			LastTransitionTime: metav1.Now(),
			Reason:             "SomeResourcesRemain",
			Message:            fmt.Sprintf("Some resources are remaining: pods. has %d resource instances", podsRemaining),
		})
	}
	if len(finalizers) > 0 {
		byFinalizer := make([]string, 0, len(finalizers))
		for f, n := range finalizers {
			byFinalizer = append(byFinalizer, fmt.Sprintf("%s in %d resource instances", f, n))
		}
		sort.Strings(byFinalizer)
		u.newConditions = append(u.newConditions, corev1.NamespaceCondition{
			Type:               corev1.NamespaceFinalizersRemaining,
			Status:             corev1.ConditionTrue,
			LastTransitionTime: metav1.Now(),
			Reason:             "SomeFinalizersRemain",
			Message:            fmt.Sprintf("Some content in the namespace has finalizers remaining: %s", strings.Join(byFinalizer, ", ")),
		})
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespaceConditionUpdater.ProcessDeleteContentErr
func (u *conditionUpdater) processDeleteContentErr(err error) {
	u.deleteContentErrors = append(u.deleteContentErrors, err)
}

// update writes the conditions into ns and tells whether anything changed.
// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion namespaceConditionUpdater.Update
func (u *conditionUpdater) update(ns *corev1.Namespace) bool {
	if getCondition(u.newConditions, corev1.NamespaceDeletionContentFailure) == nil {
		if c := makeDeleteContentCondition(u.deleteContentErrors); c != nil {
			u.newConditions = append(u.newConditions, *c)
		}
	}
	return updateConditions(&ns.Status, u.newConditions)
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion makeDeleteContentCondition
func makeDeleteContentCondition(errs []error) *corev1.NamespaceCondition {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(errs))
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	sort.Strings(msgs)
	return &corev1.NamespaceCondition{
		Type:               corev1.NamespaceDeletionContentFailure,
		Status:             corev1.ConditionTrue,
		LastTransitionTime: metav1.Now(),
		Reason:             "ContentDeletionFailed",
		Message:            fmt.Sprintf("Failed to delete all resource types, %d remaining: %v", len(errs), strings.Join(msgs, ", ")),
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion updateConditions
func updateConditions(status *corev1.NamespaceStatus, newConditions []corev1.NamespaceCondition) (changed bool) {
	for _, conditionType := range conditionTypes {
		newCondition := getCondition(newConditions, conditionType)
		if newCondition == nil {
			newCondition = &corev1.NamespaceCondition{
				Type:               conditionType,
				Status:             corev1.ConditionFalse,
				LastTransitionTime: metav1.Now(),
				Reason:             okReasons[conditionType],
				Message:            okMessages[conditionType],
			}
		}
		oldCondition := getCondition(status.Conditions, conditionType)
		switch {
		case oldCondition == nil:
			status.Conditions = append(status.Conditions, *newCondition)
			changed = true
		case oldCondition.Status != newCondition.Status || oldCondition.Message != newCondition.Message || oldCondition.Reason != newCondition.Reason:
			if oldCondition.Status != newCondition.Status {
				oldCondition.LastTransitionTime = metav1.Now()
			}
			oldCondition.Status = newCondition.Status
			oldCondition.Reason = newCondition.Reason
			oldCondition.Message = newCondition.Message
			changed = true
		}
	}
	return changed
}

// k8s.io/kubernetes@v1.37.2 pkg/controller/namespace/deletion getCondition
func getCondition(conditions []corev1.NamespaceCondition, conditionType corev1.NamespaceConditionType) *corev1.NamespaceCondition {
	for i := range conditions {
		if conditions[i].Type == conditionType {
			return &conditions[i]
		}
	}
	return nil
}
