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

package prepare

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/warning"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/visit"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go
//   k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go
// The helpers here that name no upstream function of their own serve the functions that do.

// SchedulingGatedMessage is the message of the PodScheduled condition of a gated pod.
const SchedulingGatedMessage = "Scheduling is blocked due to non-empty scheduling gates"

// MarkSchedulingGated records on a new pod with scheduling gates that the scheduler will not
// look at it yet, unless a PodScheduled condition is already there.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go applySchedulingGatedCondition
func MarkSchedulingGated(pod *corev1.Pod, now metav1.Time) {
	if len(pod.Spec.SchedulingGates) == 0 {
		return
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			return
		}
	}
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{
		Type:               corev1.PodScheduled,
		Status:             corev1.ConditionFalse,
		Reason:             corev1.PodReasonSchedulingGated,
		Message:            SchedulingGatedMessage,
		LastTransitionTime: now,
	})
}

// MergeLabelKeys turns matchLabelKeys and mismatchLabelKeys of pod (anti-)affinity terms and
// matchLabelKeys of topology spread constraints into selector requirements on the pod's own
// label values, so the scheduler and later readers see one plain selector. Keys the pod has no
// label for, and terms without a selector (which match nothing), are left alone.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go mutatePodAffinity
func MergeLabelKeys(pod *corev1.Pod) {
	if a := pod.Spec.Affinity; a != nil {
		var terms []*corev1.PodAffinityTerm
		for _, pa := range []*corev1.PodAffinity{a.PodAffinity, podAntiAffinityAsAffinity(a.PodAntiAffinity)} {
			if pa == nil {
				continue
			}
			for i := range pa.PreferredDuringSchedulingIgnoredDuringExecution {
				terms = append(terms, &pa.PreferredDuringSchedulingIgnoredDuringExecution[i].PodAffinityTerm)
			}
			for i := range pa.RequiredDuringSchedulingIgnoredDuringExecution {
				terms = append(terms, &pa.RequiredDuringSchedulingIgnoredDuringExecution[i])
			}
		}
		for _, term := range terms {
			if term.LabelSelector == nil {
				continue
			}
			appendLabelRequirements(term.LabelSelector, term.MatchLabelKeys, metav1.LabelSelectorOpIn, pod.Labels)
			appendLabelRequirements(term.LabelSelector, term.MismatchLabelKeys, metav1.LabelSelectorOpNotIn, pod.Labels)
		}
	}
	for i := range pod.Spec.TopologySpreadConstraints {
		c := &pod.Spec.TopologySpreadConstraints[i]
		if c.LabelSelector != nil {
			appendLabelRequirements(c.LabelSelector, c.MatchLabelKeys, metav1.LabelSelectorOpIn, pod.Labels)
		}
	}
}

// podAntiAffinityAsAffinity views anti-affinity terms through the affinity type: both hold the
// same term lists and the merge treats them alike.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go mutatePodAffinity
func podAntiAffinityAsAffinity(anti *corev1.PodAntiAffinity) *corev1.PodAffinity {
	if anti == nil {
		return nil
	}
	return (*corev1.PodAffinity)(anti)
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go applyLabelKeysToLabelSelector
func appendLabelRequirements(selector *metav1.LabelSelector, keys []string, op metav1.LabelSelectorOperator, labels map[string]string) {
	for _, key := range keys {
		if value, ok := labels[key]; ok {
			selector.MatchExpressions = append(selector.MatchExpressions, metav1.LabelSelectorRequirement{Key: key, Operator: op, Values: []string{value}})
		}
	}
}

const (
	appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"
	appArmorLocalhostPrefix  = "localhost/"
	maxLocalhostProfileLen   = 4095
)

// SyncAppArmorAnnotations carries the deprecated per-container AppArmor annotations of a new
// pod over to securityContext.appArmorProfile, so that kubelets that only read the field enforce
// what an old client asked for. A container that already sets the field keeps it. Every
// annotation that is not (or cannot be) carried over to a field different from the pod's own
// profile is still reported through a warning on ctx, as kube does.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go applyAppArmorVersionSkew
func SyncAppArmorAnnotations(ctx context.Context, pod *corev1.Pod) {
	if pod.Spec.OS != nil && pod.Spec.OS.Name == corev1.Windows {
		return
	}
	var podProfile *corev1.AppArmorProfile
	if pod.Spec.SecurityContext != nil {
		podProfile = pod.Spec.SecurityContext.AppArmorProfile
	}
	visit.Containers(&pod.Spec, nil, func(c *corev1.Container, _ *field.Path) bool {
		key := appArmorAnnotationPrefix + c.Name
		value, annotated := pod.Annotations[key]
		if !annotated || (c.SecurityContext != nil && c.SecurityContext.AppArmorProfile != nil) {
			return true
		}
		profile := appArmorProfileFor(value)
		warn := profile == nil
		if profile != nil && !apiequality.Semantic.DeepEqual(profile, podProfile) {
			if c.SecurityContext == nil {
				c.SecurityContext = &corev1.SecurityContext{}
			}
			c.SecurityContext.AppArmorProfile = profile
			warn = true
		}
		if warn {
			path := field.NewPath("metadata", "annotations").Key(key)
			warning.AddWarning(ctx, "", fmt.Sprintf(`%s: deprecated since v1.30; use the "appArmorProfile" field instead`, path))
		}
		return true
	})
}

// appArmorProfileFor reads an annotation value as a profile; nil when it names none that would
// pass validation.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go ApparmorFieldForAnnotation
func appArmorProfileFor(value string) *corev1.AppArmorProfile {
	switch {
	case value == "unconfined":
		return &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
	case value == "runtime/default":
		return &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}
	case strings.HasPrefix(value, appArmorLocalhostPrefix):
		name := strings.TrimPrefix(value, appArmorLocalhostPrefix)
		if name == "" || strings.TrimSpace(name) != name || len(name) > maxLocalhostProfileLen {
			return nil
		}
		return &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: &name}
	}
	return nil
}
