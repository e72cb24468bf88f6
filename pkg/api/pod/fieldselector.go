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

// Package pod holds the Pod-specific glue that kube-apiserver keeps in its
// own tree (field selectors, watch-cache indexers, query-parameter
// conversions) and that this server has to provide itself because it must
// not import k8s.io/kubernetes.
package pod

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/client-go/tools/cache"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// nodeNameField is both a selectable field and the one the watch cache
// indexes and triggers on, so the three places must agree on its spelling.
const nodeNameField = "spec.nodeName"

// SelectableFields returns the fields a field selector on pods can match,
// with the same keys and value formatting as kube-apiserver so that clients
// (kubelet, scheduler, kubectl) see identical filtering.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go ToSelectableFields
func SelectableFields(pod *corev1.Pod) fields.Set {
	// Sized for the eight pod fields plus name and namespace to avoid map
	// growth on the hot list/watch filtering path.
	set := make(fields.Set, 10)
	set[nodeNameField] = pod.Spec.NodeName
	set["spec.restartPolicy"] = string(pod.Spec.RestartPolicy)
	set["spec.schedulerName"] = pod.Spec.SchedulerName
	set["spec.serviceAccountName"] = pod.Spec.ServiceAccountName
	set["spec.hostNetwork"] = strconv.FormatBool(pod.Spec.HostNetwork)
	set["status.phase"] = string(pod.Status.Phase)
	// kube derives status.podIP from the list, not from the singular field,
	// so a pod whose podIPs is empty selects as "" even if podIP is set.
	podIP := ""
	if len(pod.Status.PodIPs) > 0 {
		podIP = pod.Status.PodIPs[0].IP
	}
	set["status.podIP"] = podIP
	set["status.nominatedNodeName"] = pod.Status.NominatedNodeName
	return generic.AddObjectMetaFieldsSet(set, &pod.ObjectMeta, true)
}

// GetAttrs is the storage.AttrFunc for pods.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go GetAttrs
func GetAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, nil, fmt.Errorf("not a pod: %T", obj)
	}
	return labels.Set(pod.Labels), SelectableFields(pod), nil
}

// ConvertFieldLabel accepts the field selector labels kube-apiserver accepts
// for v1 Pods. status.podIPs is accepted although it is not in
// SelectableFields: kube does the same, and such a selector then compares
// against an absent field, i.e. "".
func ConvertFieldLabel(label, value string) (string, string, error) {
	switch label {
	case "metadata.name",
		"metadata.namespace",
		nodeNameField,
		"spec.restartPolicy",
		"spec.schedulerName",
		"spec.serviceAccountName",
		"spec.hostNetwork",
		"status.phase",
		"status.podIP",
		"status.podIPs",
		"status.nominatedNodeName":
		return label, value, nil
	case "spec.host":
		// Old v1 clients still send the pre-rename field name.
		return nodeNameField, value, nil
	default:
		return "", "", fmt.Errorf("field label not supported: %s", label)
	}
}

// NodeNameTriggerFunc lets the watch cache route each event only to the
// watchers whose spec.nodeName selector can match it; with thousands of
// kubelets each watching its own node this avoids evaluating every watcher.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go NodeNameTriggerFunc
func NodeNameTriggerFunc(obj runtime.Object) string {
	return obj.(*corev1.Pod).Spec.NodeName
}

// NodeNameIndexFunc indexes the watch cache by node so that lists with
// fieldSelector=spec.nodeName=X are served from the index, not a full scan.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go NodeNameIndexFunc
func NodeNameIndexFunc(obj interface{}) ([]string, error) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, fmt.Errorf("not a pod: %T", obj)
	}
	return []string{pod.Spec.NodeName}, nil
}

// Indexers returns the watch-cache indexers. The key must go through
// storage.FieldIndex because the cacher only consults indexes whose names
// carry the "f:" prefix matching a predicate's IndexFields.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go Indexers
func Indexers() *cache.Indexers {
	return &cache.Indexers{
		storage.FieldIndex(nodeNameField): NodeNameIndexFunc,
	}
}

// MatchPod builds the selection predicate for pod list/watch. IndexFields
// must name the same field as Indexers, or the cacher falls back to a scan.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go MatchPod
func MatchPod(label labels.Selector, field fields.Selector) storage.SelectionPredicate {
	return storage.SelectionPredicate{
		Label:       label,
		Field:       field,
		GetAttrs:    GetAttrs,
		IndexFields: []string{nodeNameField},
	}
}
