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

package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// schedErr is one expected error: its type, field path and detail text.
type schedErr struct {
	typ    field.ErrorType
	field  string
	detail string
}

// Detail texts that come from the shared format checks; they are what kube prints too.
const (
	badLabelNameMsg  = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	emptyNamePartMsg = "name part must be non-empty"
	badLabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	badDNSLabelMsg   = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	badSubdomainMsg  = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	inOrNotInMsg     = "must be specified when `operator` is 'In' or 'NotIn'"
	existsMsg        = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
	dupLabelKeyMsg   = "exists in both matchLabelKeys and labelSelector"
	noSelectorMsg    = "must not be specified when labelSelector is not set"
)

func checkSchedErrs(t *testing.T, got field.ErrorList, want []schedErr) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(got), len(want), got)
		return
	}
	for i, w := range want {
		g := got[i]
		if g.Type != w.typ || g.Field != w.field || g.Detail != w.detail {
			t.Errorf("error %d: got {%s %s %q}, want {%s %s %q}", i, g.Type, g.Field, g.Detail, w.typ, w.field, w.detail)
		}
	}
}

func nodeAffinity(required *corev1.NodeSelector, preferred ...corev1.PreferredSchedulingTerm) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution:  required,
		PreferredDuringSchedulingIgnoredDuringExecution: preferred,
	}}
}

func requiredTerms(terms ...corev1.NodeSelectorTerm) *corev1.NodeSelector {
	return &corev1.NodeSelector{NodeSelectorTerms: terms}
}

func labelReq(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorRequirement {
	return corev1.NodeSelectorRequirement{Key: key, Operator: op, Values: values}
}

func exprTerm(reqs ...corev1.NodeSelectorRequirement) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchExpressions: reqs}
}

func fieldTerm(reqs ...corev1.NodeSelectorRequirement) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchFields: reqs}
}

func TestValidateNodeAffinity(t *testing.T) {
	const req = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
	const pref = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"
	cases := []struct {
		name     string
		affinity *corev1.Affinity
		opts     PodValidationOptions
		want     []schedErr
	}{
		{name: "nil affinity"},
		{name: "empty node affinity", affinity: nodeAffinity(nil)},
		{
			name: "every operator with the right number of values",
			affinity: nodeAffinity(requiredTerms(
				exprTerm(labelReq("a", corev1.NodeSelectorOpIn, "x", "y"), labelReq("b", corev1.NodeSelectorOpNotIn, "x"),
					labelReq("example.com/c", corev1.NodeSelectorOpExists), labelReq("d", corev1.NodeSelectorOpDoesNotExist),
					labelReq("e", corev1.NodeSelectorOpGt, "1"), labelReq("f", corev1.NodeSelectorOpLt, "9")),
				fieldTerm(labelReq("metadata.name", corev1.NodeSelectorOpIn, "node-1"), labelReq("metadata.name", corev1.NodeSelectorOpNotIn, "n.example.com")),
			)),
		},
		{
			name:     "no required terms",
			affinity: nodeAffinity(requiredTerms()),
			want:     []schedErr{{field.ErrorTypeRequired, req, "must have at least one node selector term"}},
		},
		{name: "an empty term is fine", affinity: nodeAffinity(requiredTerms(corev1.NodeSelectorTerm{}))},
		{
			name: "value counts per operator",
			affinity: nodeAffinity(requiredTerms(exprTerm(
				labelReq("a", corev1.NodeSelectorOpIn), labelReq("a", corev1.NodeSelectorOpNotIn),
				labelReq("b", corev1.NodeSelectorOpExists, "x"), labelReq("b", corev1.NodeSelectorOpDoesNotExist, "x"),
				labelReq("c", corev1.NodeSelectorOpGt), labelReq("c", corev1.NodeSelectorOpLt, "1", "2"),
			))),
			want: []schedErr{
				{field.ErrorTypeRequired, req + "[0].matchExpressions[0].values", inOrNotInMsg},
				{field.ErrorTypeRequired, req + "[0].matchExpressions[1].values", inOrNotInMsg},
				{field.ErrorTypeForbidden, req + "[0].matchExpressions[2].values", existsMsg},
				{field.ErrorTypeForbidden, req + "[0].matchExpressions[3].values", existsMsg},
				{field.ErrorTypeRequired, req + "[0].matchExpressions[4].values", "must be specified single value when `operator` is 'Lt' or 'Gt'"},
				{field.ErrorTypeRequired, req + "[0].matchExpressions[5].values", "must be specified single value when `operator` is 'Lt' or 'Gt'"},
			},
		},
		{
			name:     "bad operator, key and value, in that order",
			affinity: nodeAffinity(requiredTerms(exprTerm(labelReq("bad key", "Foo", "a b")))),
			want: []schedErr{
				{field.ErrorTypeInvalid, req + "[0].matchExpressions[0].operator", "not a valid selector operator"},
				{field.ErrorTypeInvalid, req + "[0].matchExpressions[0].key", badLabelNameMsg},
				{field.ErrorTypeInvalid, req + "[0].matchExpressions[0].values[0]", badLabelValueMsg},
			},
		},
		{
			name:     "bad required label value tolerated for a stored pod",
			affinity: nodeAffinity(requiredTerms(exprTerm(labelReq("a", corev1.NodeSelectorOpIn, "ok", "a b")))),
			opts:     PodValidationOptions{AllowInvalidLabelValueInRequiredNodeAffinity: true},
		},
		{
			name:     "bad required label value rejected otherwise",
			affinity: nodeAffinity(requiredTerms(corev1.NodeSelectorTerm{}, exprTerm(labelReq("a", corev1.NodeSelectorOpIn, "ok", "a b")))),
			want:     []schedErr{{field.ErrorTypeInvalid, req + "[1].matchExpressions[0].values[1]", badLabelValueMsg}},
		},
		{
			name: "matchFields: one value, In or NotIn, metadata.name only, node names",
			affinity: nodeAffinity(requiredTerms(fieldTerm(
				labelReq("metadata.name", corev1.NodeSelectorOpIn, "a", "b"),
				labelReq("metadata.name", corev1.NodeSelectorOpNotIn),
				labelReq("metadata.name", corev1.NodeSelectorOpExists, "A_B"),
				labelReq("spec.unschedulable", corev1.NodeSelectorOpIn, "Not_A_Name"),
			))),
			want: []schedErr{
				{field.ErrorTypeRequired, req + "[0].matchFields[0].values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"},
				{field.ErrorTypeRequired, req + "[0].matchFields[1].values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"},
				{field.ErrorTypeInvalid, req + "[0].matchFields[2].operator", "not a valid selector operator"},
				{field.ErrorTypeInvalid, req + "[0].matchFields[2].values[0]", badSubdomainMsg},
				{field.ErrorTypeInvalid, req + "[0].matchFields[3].key", "not a valid field selector key"},
			},
		},
		{
			name: "preferred weights 1 and 100 and any label value",
			affinity: nodeAffinity(nil,
				corev1.PreferredSchedulingTerm{Weight: 1, Preference: exprTerm(labelReq("a", corev1.NodeSelectorOpIn, "a b"))},
				corev1.PreferredSchedulingTerm{Weight: 100}),
		},
		{
			name: "preferred weights out of range and bad preference",
			affinity: nodeAffinity(nil,
				corev1.PreferredSchedulingTerm{Weight: 0, Preference: exprTerm(labelReq("bad key", corev1.NodeSelectorOpIn))},
				corev1.PreferredSchedulingTerm{Weight: 101, Preference: fieldTerm(labelReq("metadata.name", corev1.NodeSelectorOpIn))},
				corev1.PreferredSchedulingTerm{Weight: -1}),
			want: []schedErr{
				{field.ErrorTypeInvalid, pref + "[0].weight", "must be in the range 1-100"},
				{field.ErrorTypeRequired, pref + "[0].preference.matchExpressions[0].values", inOrNotInMsg},
				{field.ErrorTypeInvalid, pref + "[0].preference.matchExpressions[0].key", badLabelNameMsg},
				{field.ErrorTypeInvalid, pref + "[1].weight", "must be in the range 1-100"},
				{field.ErrorTypeRequired, pref + "[1].preference.matchFields[0].values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"},
				{field.ErrorTypeInvalid, pref + "[2].weight", "must be in the range 1-100"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkSchedErrs(t, validateAffinity(tc.affinity, tc.opts, field.NewPath("spec", "affinity")), tc.want)
		})
	}
}

func selector(matchLabels map[string]string, exprs ...metav1.LabelSelectorRequirement) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: matchLabels, MatchExpressions: exprs}
}

func selReq(key string, op metav1.LabelSelectorOperator, values ...string) metav1.LabelSelectorRequirement {
	return metav1.LabelSelectorRequirement{Key: key, Operator: op, Values: values}
}

func TestValidatePodAffinity(t *testing.T) {
	const aff = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution"
	const anti = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution"
	required := func(terms ...corev1.PodAffinityTerm) *corev1.Affinity {
		return &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: terms}}
	}
	preferredAnti := func(terms ...corev1.WeightedPodAffinityTerm) *corev1.Affinity {
		return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: terms}}
	}
	cases := []struct {
		name     string
		affinity *corev1.Affinity
		opts     PodValidationOptions
		want     []schedErr
	}{
		{
			name: "valid terms, null selector included",
			affinity: &corev1.Affinity{
				PodAffinity: &corev1.PodAffinity{
					RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
						{TopologyKey: "zone"},
						{LabelSelector: selector(map[string]string{"a": "b"}, selReq("c", metav1.LabelSelectorOpIn, "d")),
							NamespaceSelector: selector(nil), Namespaces: []string{"ns1", "ns-2"}, TopologyKey: "topology.kubernetes.io/zone"},
					},
					PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
						{Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "z"}},
					},
				},
				PodAntiAffinity: &corev1.PodAntiAffinity{
					RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: "z"}},
					PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
						{Weight: 100, PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "z"}},
					},
				},
			},
		},
		{
			name: "selectors, namespaces and an empty topology key",
			affinity: required(corev1.PodAffinityTerm{
				LabelSelector:     selector(map[string]string{"a b": "x"}, selReq("k", metav1.LabelSelectorOpIn, "a b")),
				NamespaceSelector: selector(nil, selReq("k", "Foo")),
				Namespaces:        []string{"Bad_NS", "ok", "x.y"},
			}),
			want: []schedErr{
				{field.ErrorTypeInvalid, aff + "[0].labelSelector.matchLabels", badLabelNameMsg},
				{field.ErrorTypeInvalid, aff + "[0].labelSelector.matchExpressions[0].values[0]", badLabelValueMsg},
				{field.ErrorTypeInvalid, aff + "[0].namespaceSelector.matchExpressions[0].operator", "not a valid selector operator"},
				{field.ErrorTypeInvalid, aff + "[0].namespace", badDNSLabelMsg},
				{field.ErrorTypeInvalid, aff + "[0].namespace", "must not contain dots"},
				{field.ErrorTypeRequired, aff + "[0].topologyKey", "can not be empty"},
				{field.ErrorTypeInvalid, aff + "[0].topologyKey", emptyNamePartMsg},
				{field.ErrorTypeInvalid, aff + "[0].topologyKey", badLabelNameMsg},
			},
		},
		{
			name: "bad selector values tolerated for a stored pod, in both selectors",
			affinity: required(corev1.PodAffinityTerm{
				LabelSelector:     selector(nil, selReq("k", metav1.LabelSelectorOpIn, "a b")),
				NamespaceSelector: selector(nil, selReq("k", metav1.LabelSelectorOpNotIn, "c d")),
				TopologyKey:       "z",
			}),
			opts: PodValidationOptions{AllowInvalidLabelValueInSelector: true},
		},
		{
			name: "bad namespace selector value rejected otherwise",
			affinity: required(corev1.PodAffinityTerm{
				NamespaceSelector: selector(nil, selReq("k", metav1.LabelSelectorOpNotIn, "c d")),
				TopologyKey:       "z",
			}),
			want: []schedErr{{field.ErrorTypeInvalid, aff + "[0].namespaceSelector.matchExpressions[0].values[0]", badLabelValueMsg}},
		},
		{
			name: "label keys need a selector",
			affinity: required(corev1.PodAffinityTerm{
				TopologyKey: "z", MatchLabelKeys: []string{"app"}, MismatchLabelKeys: []string{"tier"},
			}),
			want: []schedErr{
				{field.ErrorTypeForbidden, aff + "[0].matchLabelKeys", noSelectorMsg},
				{field.ErrorTypeForbidden, aff + "[0].mismatchLabelKeys", noSelectorMsg},
			},
		},
		{
			// As after the create-time merge of the pod's app=x and tier=y labels.
			name: "merged keys are fine once",
			affinity: required(corev1.PodAffinityTerm{
				LabelSelector: selector(map[string]string{"other": "v"},
					selReq("app", metav1.LabelSelectorOpIn, "x"), selReq("tier", metav1.LabelSelectorOpNotIn, "y")),
				TopologyKey: "z", MatchLabelKeys: []string{"app"}, MismatchLabelKeys: []string{"tier"},
			}),
		},
		{
			name: "a mismatch key may repeat a selector key",
			affinity: required(corev1.PodAffinityTerm{
				LabelSelector: selector(map[string]string{"tier": "v"}, selReq("tier", metav1.LabelSelectorOpNotIn, "y")),
				TopologyKey:   "z", MismatchLabelKeys: []string{"tier"},
			}),
		},
		{
			name: "a match key also in the selector is reported at the term index",
			affinity: required(
				corev1.PodAffinityTerm{
					LabelSelector: selector(map[string]string{"app": "v"}, selReq("app", metav1.LabelSelectorOpIn, "x")),
					TopologyKey:   "z", MatchLabelKeys: []string{"app"},
				},
				corev1.PodAffinityTerm{
					LabelSelector: selector(nil, selReq("app", metav1.LabelSelectorOpExists), selReq("tier", metav1.LabelSelectorOpIn, "y"), selReq("app", metav1.LabelSelectorOpIn, "x")),
					TopologyKey:   "z", MatchLabelKeys: []string{"tier", "app"},
				},
			),
			want: []schedErr{
				{field.ErrorTypeInvalid, aff + "[0][0]", dupLabelKeyMsg},
				{field.ErrorTypeInvalid, aff + "[1][1]", dupLabelKeyMsg},
			},
		},
		{
			name: "a match key only in matchLabels, not merged, passes",
			affinity: required(corev1.PodAffinityTerm{
				LabelSelector: selector(map[string]string{"nolabel": "v"}), TopologyKey: "z", MatchLabelKeys: []string{"nolabel"},
			}),
		},
		{
			name: "weights, key names and keys in both lists",
			affinity: preferredAnti(corev1.WeightedPodAffinityTerm{
				Weight: 0,
				PodAffinityTerm: corev1.PodAffinityTerm{
					LabelSelector:     selector(nil, selReq("app", metav1.LabelSelectorOpIn, "x"), selReq("app", metav1.LabelSelectorOpIn, "x"), selReq("app", metav1.LabelSelectorOpNotIn, "x")),
					TopologyKey:       "bad key",
					MatchLabelKeys:    []string{"app", "bad key", "app"},
					MismatchLabelKeys: []string{"app", "nolabel"},
				},
			}, corev1.WeightedPodAffinityTerm{Weight: 101, PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "z"}}),
			// kube repeats the duplicate-key error per repetition; the server drops the
			// repeats when it reports them.
			want: []schedErr{
				{field.ErrorTypeInvalid, anti + "[0].weight", "must be in the range 1-100"},
				{field.ErrorTypeInvalid, anti + "[0].podAffinityTerm.matchLabelKeys[1]", badLabelNameMsg},
				{field.ErrorTypeInvalid, anti + "[0].podAffinityTerm[2]", dupLabelKeyMsg},
				{field.ErrorTypeInvalid, anti + "[0].podAffinityTerm[2]", dupLabelKeyMsg},
				{field.ErrorTypeInvalid, anti + "[0].podAffinityTerm.matchLabelKeys[0]", "exists in both matchLabelKeys and mismatchLabelKeys"},
				{field.ErrorTypeInvalid, anti + "[0].podAffinityTerm.matchLabelKeys[2]", "exists in both matchLabelKeys and mismatchLabelKeys"},
				{field.ErrorTypeInvalid, anti + "[0].podAffinityTerm.topologyKey", badLabelNameMsg},
				{field.ErrorTypeInvalid, anti + "[1].weight", "must be in the range 1-100"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkSchedErrs(t, validateAffinity(tc.affinity, tc.opts, field.NewPath("spec", "affinity")), tc.want)
		})
	}
}

func TestValidateTolerations(t *testing.T) {
	const p = "spec.tolerations"
	cases := []struct {
		name        string
		tolerations []corev1.Toleration
		opts        PodValidationOptions
		want        []schedErr
	}{
		{
			name: "valid",
			tolerations: []corev1.Toleration{
				{Operator: corev1.TolerationOpExists},
				{Key: "k", Effect: corev1.TaintEffectNoSchedule},
				{Key: "example.com/k", Operator: corev1.TolerationOpEqual, Value: "v", Effect: corev1.TaintEffectPreferNoSchedule},
				{Key: "k", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](-5)},
			},
		},
		{
			name:        "empty key requires Exists; tolerationSeconds requires NoExecute; value checked",
			tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpEqual, Value: "a b", Effect: "Foo", TolerationSeconds: ptr.To[int64](5)}},
			want: []schedErr{
				{field.ErrorTypeInvalid, p + "[0].operator", "operator must be Exists when `key` is empty, which means \"match all values and all keys\""},
				{field.ErrorTypeInvalid, p + "[0].effect", "effect must be 'NoExecute' when `tolerationSeconds` is set"},
				{field.ErrorTypeInvalid, p + "[0].operator", badLabelValueMsg},
				{field.ErrorTypeNotSupported, p + "[0].effect", `supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`},
			},
		},
		{
			name:        "empty operator with empty key",
			tolerations: []corev1.Toleration{{}},
			want:        []schedErr{{field.ErrorTypeInvalid, p + "[0].operator", "operator must be Exists when `key` is empty, which means \"match all values and all keys\""}},
		},
		{
			name:        "tolerationSeconds with an empty effect",
			tolerations: []corev1.Toleration{{Key: "k", TolerationSeconds: ptr.To[int64](0)}},
			want:        []schedErr{{field.ErrorTypeInvalid, p + "[0].effect", "effect must be 'NoExecute' when `tolerationSeconds` is set"}},
		},
		{
			name: "Exists with a value, unknown operator, bad key",
			tolerations: []corev1.Toleration{
				{Key: "k", Operator: corev1.TolerationOpExists, Value: "v"},
				{Key: "bad key", Operator: "Bogus"},
			},
			want: []schedErr{
				{field.ErrorTypeInvalid, p + "[0].operator", "value must be empty when `operator` is 'Exists'"},
				{field.ErrorTypeInvalid, p + "[1].key", badLabelNameMsg},
				{field.ErrorTypeNotSupported, p + "[1].operator", `supported values: "Equal", "Exists"`},
			},
		},
		{
			name: "comparison operators are not supported by default",
			tolerations: []corev1.Toleration{
				{Key: "k", Operator: corev1.TolerationOpLt, Value: "5"},
				{Key: "k", Operator: corev1.TolerationOpGt, Value: "abc"},
			},
			want: []schedErr{
				{field.ErrorTypeNotSupported, p + "[0].operator", `supported values: "Equal", "Exists", "Lt", "Gt"`},
				{field.ErrorTypeNotSupported, p + "[1].operator", `supported values: "Equal", "Exists", "Lt", "Gt"`},
			},
		},
		{
			name: "comparison operators for a pod that already used them",
			opts: PodValidationOptions{AllowTaintTolerationComparisonOperators: true},
			tolerations: []corev1.Toleration{
				{Key: "k", Operator: corev1.TolerationOpLt, Value: "5"},
				{Key: "k", Operator: corev1.TolerationOpGt, Value: "-9223372036854775808"},
				{Key: "k", Operator: corev1.TolerationOpLt, Value: "0", Effect: corev1.TaintEffectNoSchedule},
			},
		},
		{
			name: "comparison operators need a decimal int64",
			opts: PodValidationOptions{AllowTaintTolerationComparisonOperators: true},
			tolerations: []corev1.Toleration{
				{Key: "k", Operator: corev1.TolerationOpLt, Value: "abc"},
				{Key: "k", Operator: corev1.TolerationOpGt, Value: "007"},
				{Key: "k", Operator: corev1.TolerationOpGt, Value: "9223372036854775808"},
			},
			want: []schedErr{
				{field.ErrorTypeInvalid, p + "[0].value", "must be a valid decimal integer in canonical form"},
				{field.ErrorTypeInvalid, p + "[0].value", `strconv.ParseInt: parsing "abc": invalid syntax`},
				{field.ErrorTypeInvalid, p + "[1].value", "must be a valid decimal integer in canonical form"},
				{field.ErrorTypeInvalid, p + "[2].value", `strconv.ParseInt: parsing "9223372036854775808": value out of range`},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkSchedErrs(t, validateTolerations(tc.tolerations, field.NewPath("spec", "tolerations"), tc.opts), tc.want)
		})
	}
}

func TestValidateTopologySpreadConstraints(t *testing.T) {
	const p = "spec.topologySpreadConstraints"
	honor, ignore, bad := corev1.NodeInclusionPolicyHonor, corev1.NodeInclusionPolicyIgnore, corev1.NodeInclusionPolicy("Bad")
	tsc := func(key string, action corev1.UnsatisfiableConstraintAction) corev1.TopologySpreadConstraint {
		return corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: key, WhenUnsatisfiable: action}
	}
	with := func(c corev1.TopologySpreadConstraint, f func(*corev1.TopologySpreadConstraint)) corev1.TopologySpreadConstraint {
		f(&c)
		return c
	}
	cases := []struct {
		name        string
		constraints []corev1.TopologySpreadConstraint
		opts        PodValidationOptions
		want        []schedErr
	}{
		{
			name: "valid",
			constraints: []corev1.TopologySpreadConstraint{
				with(tsc("zone", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) {
					c.MinDomains = ptr.To[int32](3)
					c.NodeAffinityPolicy, c.NodeTaintsPolicy = &honor, &ignore
					// As merged at create from the pod's app=x label.
					c.LabelSelector = selector(map[string]string{"k": "v"}, selReq("app", metav1.LabelSelectorOpIn, "x"))
					c.MatchLabelKeys = []string{"app"}
				}),
				tsc("zone", corev1.ScheduleAnyway),
				tsc("node", corev1.DoNotSchedule),
			},
		},
		{
			name: "every field wrong",
			constraints: []corev1.TopologySpreadConstraint{with(tsc("", "Foo"), func(c *corev1.TopologySpreadConstraint) {
				c.MaxSkew = 0
				c.MinDomains = ptr.To[int32](0)
				c.NodeAffinityPolicy, c.NodeTaintsPolicy = &bad, &bad
				c.LabelSelector = selector(map[string]string{"a": "b c"})
				c.MatchLabelKeys = []string{"bad key"}
			})},
			want: []schedErr{
				{field.ErrorTypeInvalid, p + "[0].maxSkew", "must be greater than zero"},
				{field.ErrorTypeRequired, p + "[0].topologyKey", "can not be empty"},
				{field.ErrorTypeNotSupported, p + "[0].whenUnsatisfiable", `supported values: "DoNotSchedule", "ScheduleAnyway"`},
				{field.ErrorTypeInvalid, p + "[0].minDomains", "must be greater than zero"},
				{field.ErrorTypeInvalid, p + "[0].minDomains", "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not Foo"},
				{field.ErrorTypeNotSupported, p + "[0].nodeAffinityPolicy", `supported values: "Honor", "Ignore"`},
				{field.ErrorTypeNotSupported, p + "[0].nodeTaintsPolicy", `supported values: "Honor", "Ignore"`},
				{field.ErrorTypeInvalid, p + "[0].matchLabelKeys[0]", badLabelNameMsg},
				{field.ErrorTypeInvalid, p + "[0].labelSelector.matchLabels", badLabelValueMsg},
			},
		},
		{
			name: "a repeated pair is reported on each earlier constraint once",
			constraints: []corev1.TopologySpreadConstraint{
				tsc("zone", corev1.ScheduleAnyway), tsc("zone", corev1.ScheduleAnyway), tsc("zone", corev1.DoNotSchedule), tsc("zone", corev1.ScheduleAnyway),
			},
			want: []schedErr{
				{field.ErrorTypeDuplicate, p + "[0].{topologyKey, whenUnsatisfiable}", ""},
				{field.ErrorTypeDuplicate, p + "[1].{topologyKey, whenUnsatisfiable}", ""},
			},
		},
		{
			name: "minDomains only with DoNotSchedule; negative skew",
			constraints: []corev1.TopologySpreadConstraint{
				with(tsc("zone", corev1.ScheduleAnyway), func(c *corev1.TopologySpreadConstraint) { c.MinDomains = ptr.To[int32](2) }),
				with(tsc("node", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) {
					c.MaxSkew = -1
					c.MinDomains = ptr.To[int32](-3)
				}),
			},
			want: []schedErr{
				{field.ErrorTypeInvalid, p + "[0].minDomains", "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"},
				{field.ErrorTypeInvalid, p + "[1].maxSkew", "must be greater than zero"},
				{field.ErrorTypeInvalid, p + "[1].minDomains", "must be greater than zero"},
			},
		},
		{
			name: "matchLabelKeys without a selector; keys also in the selector",
			constraints: []corev1.TopologySpreadConstraint{
				with(tsc("a", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) { c.MatchLabelKeys = []string{"app"} }),
				with(tsc("b", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) {
					c.LabelSelector = selector(map[string]string{"app": "q"}, selReq("app", metav1.LabelSelectorOpIn, "x"))
					c.MatchLabelKeys = []string{"app"}
				}),
				with(tsc("c", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) {
					c.LabelSelector = selector(nil, selReq("app", metav1.LabelSelectorOpIn, "x"), selReq("app", metav1.LabelSelectorOpIn, "x"))
					c.MatchLabelKeys = []string{"tier", "app"}
				}),
				// Not merged (the pod lacks the label), so named once: accepted.
				with(tsc("d", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) {
					c.LabelSelector = selector(map[string]string{"nolabel": "q"})
					c.MatchLabelKeys = []string{"nolabel"}
				}),
			},
			want: []schedErr{
				{field.ErrorTypeForbidden, p + "[0].matchLabelKeys", noSelectorMsg},
				{field.ErrorTypeInvalid, p + "[1][0]", dupLabelKeyMsg},
				{field.ErrorTypeInvalid, p + "[2][1]", dupLabelKeyMsg},
			},
		},
		{
			name: "the legacy matchLabelKeys rule for a stored pod that breaks the merged one",
			opts: PodValidationOptions{OldPodViolatesMatchLabelKeysValidation: true},
			constraints: []corev1.TopologySpreadConstraint{
				with(tsc("a", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) { c.MatchLabelKeys = []string{"app"} }),
				with(tsc("b", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) {
					c.LabelSelector = selector(map[string]string{"nolabel": "q"})
					c.MatchLabelKeys = []string{"bad key", "nolabel"}
				}),
			},
			want: []schedErr{
				{field.ErrorTypeForbidden, p + "[0].matchLabelKeys", noSelectorMsg},
				{field.ErrorTypeInvalid, p + "[1].matchLabelKeys[0]", badLabelNameMsg},
				{field.ErrorTypeInvalid, p + "[1].matchLabelKeys[1]", dupLabelKeyMsg},
			},
		},
		{
			name: "an invalid selector tolerated for a stored pod",
			opts: PodValidationOptions{AllowInvalidTopologySpreadConstraintLabelSelector: true},
			constraints: []corev1.TopologySpreadConstraint{with(tsc("a", corev1.DoNotSchedule), func(c *corev1.TopologySpreadConstraint) {
				c.LabelSelector = selector(map[string]string{"bad key": "b c"}, selReq("k", "Foo"))
			})},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := validateTopologySpreadConstraints(tc.constraints, field.NewPath("spec", "topologySpreadConstraints"), tc.opts)
			checkSchedErrs(t, got, tc.want)
		})
	}
}

func TestValidateGates(t *testing.T) {
	t.Run("readiness gates", func(t *testing.T) {
		got := validateReadinessGates([]corev1.PodReadinessGate{
			{ConditionType: "example.com/ready"}, {ConditionType: "bad key"}, {ConditionType: "Ready"},
		}, field.NewPath("spec", "readinessGates"))
		checkSchedErrs(t, got, []schedErr{{field.ErrorTypeInvalid, "spec.readinessGates[1].conditionType", badLabelNameMsg}})
	})
	t.Run("scheduling gates", func(t *testing.T) {
		got := validateSchedulingGates([]corev1.PodSchedulingGate{
			{Name: "a"}, {Name: "example.com/b"}, {Name: "a"}, {Name: ""}, {Name: "a"},
		}, field.NewPath("spec", "schedulingGates"))
		checkSchedErrs(t, got, []schedErr{
			{field.ErrorTypeDuplicate, "spec.schedulingGates[2]", ""},
			{field.ErrorTypeInvalid, "spec.schedulingGates[3]", emptyNamePartMsg},
			{field.ErrorTypeInvalid, "spec.schedulingGates[3]", badLabelNameMsg},
			{field.ErrorTypeDuplicate, "spec.schedulingGates[4]", ""},
		})
	})
	t.Run("no gates", func(t *testing.T) {
		checkSchedErrs(t, validateSchedulingGates(nil, field.NewPath("spec", "schedulingGates")), nil)
		checkSchedErrs(t, validateReadinessGates(nil, field.NewPath("spec", "readinessGates")), nil)
	})
}
