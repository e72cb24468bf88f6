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
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

func TestValidateContainerRestartPolicy(t *testing.T) {
	rule := func(action corev1.ContainerRestartRuleAction, op corev1.ContainerRestartRuleOnExitCodesOperator, values ...int32) corev1.ContainerRestartRule {
		return corev1.ContainerRestartRule{Action: action, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: op, Values: values}}
	}
	manyRules := make([]corev1.ContainerRestartRule, 21)
	manyCodes := make([]int32, 256)
	for i := range manyRules {
		manyRules[i] = rule(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleOnExitCodesOpIn, manyCodes...)
	}
	cases := []struct {
		name       string
		policy     *corev1.ContainerRestartPolicy
		rules      []corev1.ContainerRestartRule
		restartAll bool
		want       []ctrErr
	}{
		{name: "nothing set"},
		{name: "policy only", policy: ptr.To(corev1.ContainerRestartPolicyNever)},
		{name: "rules", policy: ptr.To(corev1.ContainerRestartPolicyNever), restartAll: true, rules: []corev1.ContainerRestartRule{
			rule(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleOnExitCodesOpNotIn, 0),
			rule(corev1.ContainerRestartRuleActionRestartAllContainers, corev1.ContainerRestartRuleOnExitCodesOpIn, 1),
		}},
		{
			name:   "invalid policy and rules",
			policy: ptr.To(corev1.ContainerRestartPolicy("Sometimes")),
			rules: []corev1.ContainerRestartRule{
				rule("Jump", "Between", 1),
				{Action: corev1.ContainerRestartRuleActionRestart},
				rule(corev1.ContainerRestartRuleActionRestartAllContainers, corev1.ContainerRestartRuleOnExitCodesOpIn, 1),
			},
			want: []ctrErr{
				ctrNotSupported("c.restartPolicy", `Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"`),
				ctrNotSupported("c.restartPolicyRules[0].action", `Unsupported value: "Jump": supported values: "Restart"`),
				ctrNotSupported("c.restartPolicyRules[0].exitCodes.operator", `Unsupported value: "Between": supported values: "In", "NotIn"`),
				ctrRequired("c.restartPolicyRules[1].exitCodes").withBody("Required value: must be specified"),
				ctrNotSupported("c.restartPolicyRules[2].action", `Unsupported value: "RestartAllContainers": supported values: "Restart"`),
			},
		},
		{
			name:       "rules without policy",
			restartAll: true,
			rules:      []corev1.ContainerRestartRule{rule(corev1.ContainerRestartRuleActionRestartAllContainers, corev1.ContainerRestartRuleOnExitCodesOpIn, 1)},
			want:       []ctrErr{ctrRequired("c.restartPolicy").withBody("Required value: must specify restartPolicy when restart rules are used")},
		},
		{
			name:   "too many rules and exit codes",
			policy: ptr.To(corev1.ContainerRestartPolicyNever),
			rules:  manyRules,
			want: func() []ctrErr {
				want := []ctrErr{{typ: field.ErrorTypeTooMany, field: "c.restartPolicyRules", body: "Too many: 21: must have at most 20 items"}}
				for i := range manyRules {
					want = append(want, ctrErr{typ: field.ErrorTypeTooMany, field: field.NewPath("c", "restartPolicyRules").Index(i).Child("exitCodes", "values").String(), body: "Too many: 256: must have at most 255 items"})
				}
				return want
			}(),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := PodValidationOptions{AllowContainerRestartPolicyRules: true, AllowRestartAllContainers: tc.restartAll}
			ctrCheckErrs(t, validateContainerRestartPolicy(tc.policy, tc.rules, field.NewPath("c"), opts), tc.want)
		})
	}
}

func TestValidateRegularContainerRestartRules(t *testing.T) {
	in := corev1.ContainerRestartRuleOnExitCodesOpIn
	c := ctrValid("c", func(c *corev1.Container) {
		c.RestartPolicy = ptr.To(corev1.ContainerRestartPolicy("Sometimes"))
		c.RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestartAllContainers, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: in, Values: []int32{1}}}}
	})
	ctrCheckErrs(t, validateOneContainer(c, nil), []ctrErr{
		ctrNotSupported("spec.containers[0].restartPolicy", `Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"`),
	})
}

func TestValidateResizePolicy(t *testing.T) {
	cases := []struct {
		name     string
		policies []corev1.ContainerResizePolicy
		never    bool
		want     []ctrErr
	}{
		{name: "valid", policies: []corev1.ContainerResizePolicy{
			{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.NotRequired},
			{ResourceName: corev1.ResourceMemory, RestartPolicy: corev1.RestartContainer},
		}},
		{
			// kube reports unknown and missing values on the list path.
			name: "invalid",
			policies: []corev1.ContainerResizePolicy{
				{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.NotRequired},
				{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.RestartContainer},
				{},
				{ResourceName: "gpu", RestartPolicy: "Maybe"},
			},
			want: []ctrErr{
				ctrDuplicate("r[1]", `Duplicate value: "cpu"`),
				ctrRequired("r"),
				ctrRequired("r"),
				ctrNotSupported("r", `Unsupported value: "gpu": supported values: "cpu", "memory"`),
				ctrNotSupported("r", `Unsupported value: "Maybe": supported values: "NotRequired", "RestartContainer"`),
			},
		},
		{
			name:  "pod never restarts",
			never: true,
			policies: []corev1.ContainerResizePolicy{
				{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.RestartContainer},
				{ResourceName: corev1.ResourceMemory, RestartPolicy: corev1.NotRequired},
			},
			want: []ctrErr{ctrInvalid("r", "").withBody(`Invalid value: "RestartContainer": must be 'NotRequired' when pod ` + "`restartPolicy`" + ` is 'Never'`)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			policy := ctrAlways
			if tc.never {
				policy = ctrNever
			}
			ctrCheckErrs(t, validateResizePolicy(tc.policies, field.NewPath("r"), policy), tc.want)
		})
	}
}
