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

package warnings

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/api/node/util.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// deprecatedNodeLabels are node label keys kube still warns about when a pod schedules by them.
var deprecatedNodeLabels = map[string]string{
	"beta.kubernetes.io/arch":                       `deprecated since v1.14; use "kubernetes.io/arch" instead`,
	"beta.kubernetes.io/os":                         `deprecated since v1.14; use "kubernetes.io/os" instead`,
	"failure-domain.beta.kubernetes.io/region":      `deprecated since v1.17; use "topology.kubernetes.io/region" instead`,
	"failure-domain.beta.kubernetes.io/zone":        `deprecated since v1.17; use "topology.kubernetes.io/zone" instead`,
	"beta.kubernetes.io/instance-type":              `deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`,
	"app.kubernetes.io/created-by":                  `deprecated since v1.9`,
	"scheduler.alpha.kubernetes.io/preferAvoidPods": `deprecated since v1.22; use Taints and Tolerations instead`,
	"node-role.kubernetes.io/master":                `use "node-role.kubernetes.io/control-plane" instead`,
}

// deprecatedNodeLabelWarnings covers nodeSelector, node affinity and topology spread keys, and
// the null selectors of topology spread constraints, which kube reports alongside.
// k8s.io/kubernetes@v1.37.2 pkg/api/node/util.go GetWarningsForNodeSelector
func deprecatedNodeLabelWarnings(spec *corev1.PodSpec, specPath *field.Path) []string {
	var warnings []string
	for _, k := range sortedKeys(spec.NodeSelector) {
		if msg, ok := deprecatedNodeLabels[k]; ok {
			warnings = append(warnings, fmt.Sprintf("%s: %s", specPath.Child("nodeSelector").Key(k), msg))
		}
	}

	if spec.Affinity != nil && spec.Affinity.NodeAffinity != nil {
		na := spec.Affinity.NodeAffinity
		naPath := specPath.Child("affinity", "nodeAffinity")
		if na.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			termsPath := naPath.Child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
			for i, term := range na.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
				warnings = append(warnings, nodeSelectorTermWarnings(term, false, termsPath.Index(i))...)
			}
		}
		// Validation lets bad label values through in preferences, so they get advice instead.
		preferredPath := naPath.Child("preferredDuringSchedulingIgnoredDuringExecution")
		for i, term := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			warnings = append(warnings, nodeSelectorTermWarnings(term.Preference, true, preferredPath.Index(i).Child("preference"))...)
		}
	}

	for i, c := range spec.TopologySpreadConstraints {
		cPath := specPath.Child("topologySpreadConstraints").Index(i)
		if msg, ok := deprecatedNodeLabels[c.TopologyKey]; ok {
			warnings = append(warnings, fmt.Sprintf("%s: %s is %s", cPath.Child("topologyKey"), c.TopologyKey, msg))
		}
		if c.LabelSelector == nil {
			warnings = append(warnings, fmt.Sprintf("%s: %s", cPath.Child("labelSelector"), nullSelectorMsg))
		}
	}
	return warnings
}

// nodeSelectorTermWarnings looks only at matchExpressions; matchFields name no labels.
// k8s.io/kubernetes@v1.37.2 pkg/api/node/util.go GetWarningsForNodeSelectorTerm
func nodeSelectorTermWarnings(term corev1.NodeSelectorTerm, checkValues bool, fldPath *field.Path) []string {
	var warnings []string
	for i, expr := range term.MatchExpressions {
		exprPath := fldPath.Child("matchExpressions").Index(i)
		if msg, ok := deprecatedNodeLabels[expr.Key]; ok {
			warnings = append(warnings, fmt.Sprintf("%s: %s is %s", exprPath.Child("key"), expr.Key, msg))
		}
		if !checkValues {
			continue
		}
		for j, v := range expr.Values {
			for _, msg := range utilvalidation.IsValidLabelValue(v) {
				warnings = append(warnings, fmt.Sprintf("%s: %s is invalid, %s", exprPath.Child("values").Index(j), v, msg))
			}
		}
	}
	return warnings
}
