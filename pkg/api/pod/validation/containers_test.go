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
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

func TestValidateContainersCommon(t *testing.T) {
	cases := []struct {
		name       string
		containers []corev1.Container
		want       []ctrErr
	}{
		{name: "valid", containers: []corev1.Container{ctrValid("c"), ctrValid("d")}},
		{name: "no containers", want: []ctrErr{ctrRequired("spec.containers")}},
		{
			name: "bad name, image, policies and duplicate",
			containers: []corev1.Container{
				ctrValid("C_1", func(c *corev1.Container) { c.Image = "" }),
				ctrValid("C_1", func(c *corev1.Container) { c.ImagePullPolicy = "Sometimes"; c.TerminationMessagePolicy = "X" }),
			},
			want: []ctrErr{
				ctrInvalid("spec.containers[0].name", dnsLabelMsg),
				ctrRequired("spec.containers[0].image"),
				ctrInvalid("spec.containers[1].name", dnsLabelMsg),
				ctrNotSupported("spec.containers[1].terminationMessagePolicy", `Unsupported value: "X": supported values: "File", "FallbackToLogsOnError"`),
				ctrNotSupported("spec.containers[1].imagePullPolicy", `Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`),
				ctrDuplicate("spec.containers[1].name", `Duplicate value: "C_1"`),
			},
		},
		{
			name: "missing policies are required",
			containers: []corev1.Container{ctrValid("c", func(c *corev1.Container) {
				c.ImagePullPolicy = ""
				c.TerminationMessagePolicy = ""
			})},
			want: []ctrErr{ctrRequired("spec.containers[0].terminationMessagePolicy"), ctrRequired("spec.containers[0].imagePullPolicy")},
		},
		{
			name:       "unnamed containers are also duplicates",
			containers: []corev1.Container{ctrValid(""), ctrValid("")},
			want: []ctrErr{
				ctrRequired("spec.containers[0].name"),
				ctrRequired("spec.containers[1].name"),
				ctrDuplicate("spec.containers[1].name", `Duplicate value: ""`),
			},
		},
		{
			// Whitespace around the image is checked for pods by the pod-level check, not here.
			name:       "whitespace image is left to the pod check",
			containers: []corev1.Container{ctrValid("c", func(c *corev1.Container) { c.Image = " busybox" })},
		},
		{
			name: "stdin, tty, command and workingDir have no rules",
			containers: []corev1.Container{ctrValid("c", func(c *corev1.Container) {
				c.StdinOnce, c.TTY, c.WorkingDir, c.Command, c.Args = true, true, "rel/../x", []string{""}, []string{""}
			})},
		},
		{
			name: "host ports conflict across regular containers",
			containers: []corev1.Container{
				ctrValid("c", func(c *corev1.Container) {
					c.Ports = []corev1.ContainerPort{
						{ContainerPort: 80, HostPort: 8080, Protocol: corev1.ProtocolTCP},
						{ContainerPort: 81, HostPort: 8080, Protocol: corev1.ProtocolTCP},
					}
				}),
				ctrValid("d", func(c *corev1.Container) {
					c.Ports = []corev1.ContainerPort{
						{ContainerPort: 80, HostPort: 8080, Protocol: corev1.ProtocolTCP},
						{ContainerPort: 80, HostPort: 8080, Protocol: corev1.ProtocolUDP},
						{ContainerPort: 80, HostPort: 8080, HostIP: "1.2.3.4", Protocol: corev1.ProtocolTCP},
					}
				}),
			},
			want: []ctrErr{
				ctrDuplicate("spec.containers[0].ports[1].hostPort", `Duplicate value: "TCP//8080"`),
				ctrDuplicate("spec.containers[1].ports[0].hostPort", `Duplicate value: "TCP//8080"`),
			},
		},
		{
			name: "probes and lifecycle are validated on regular containers",
			containers: []corev1.Container{ctrValid("c", func(c *corev1.Container) {
				c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{}}
				c.StartupProbe = ctrProbe(func(p *corev1.Probe) { p.SuccessThreshold = 2 })
			})},
			want: []ctrErr{
				ctrRequired("spec.containers[0].lifecycle.preStop").withBody("Required value: must specify a handler type"),
				ctrInvalid("spec.containers[0].startupProbe.successThreshold", "must be 1"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := validateContainers(tc.containers, nil, nil, nil, ctrGrace, ctrContainersP, ctrCreateOpts, ctrAlways, true)
			ctrCheckErrs(t, got, tc.want)
		})
	}
}

func TestValidateContainersRestartPolicyWithoutRulesFeature(t *testing.T) {
	opts := ctrCreateOpts
	opts.AllowContainerRestartPolicyRules = false
	c := ctrValid("c", func(c *corev1.Container) { c.RestartPolicy = ctrSidecar })
	got := validateContainers([]corev1.Container{c}, nil, nil, nil, ctrGrace, ctrContainersP, opts, ctrAlways, true)
	ctrCheckErrs(t, got, []ctrErr{ctrForbidden("spec.containers[0].restartPolicy", "may not be set for non-init containers")})
}

func TestValidateInitContainers(t *testing.T) {
	initPath := ctrSpecPath.Child("initContainers")
	notForInit := "may not be set for init containers without restartPolicy=Always"
	cases := []struct {
		name    string
		regular []corev1.Container
		init    []corev1.Container
		policy  *corev1.RestartPolicy
		want    []ctrErr
	}{
		{name: "valid", init: []corev1.Container{ctrValid("i")}},
		{
			name:    "names unique across regular and init",
			regular: []corev1.Container{ctrValid("c")},
			init:    []corev1.Container{ctrValid("c"), ctrValid("i"), ctrValid("i"), ctrValid("")},
			want: []ctrErr{
				ctrDuplicate("spec.initContainers[0].name", `Duplicate value: "c"`),
				ctrDuplicate("spec.initContainers[2].name", `Duplicate value: "i"`),
				ctrRequired("spec.initContainers[3].name"),
			},
		},
		{
			name:    "an unnamed regular container makes unnamed init containers duplicates",
			regular: []corev1.Container{ctrValid("")},
			init:    []corev1.Container{ctrValid(""), ctrValid("")},
			want: []ctrErr{
				ctrRequired("spec.initContainers[0].name"),
				ctrDuplicate("spec.initContainers[0].name", `Duplicate value: ""`),
				ctrRequired("spec.initContainers[1].name"),
				ctrDuplicate("spec.initContainers[1].name", `Duplicate value: ""`),
			},
		},
		{
			// kube checks each init container as a list of one, so the index in the path is 0.
			name: "host ports conflict only within one init container",
			init: []corev1.Container{
				ctrValid("i1", func(c *corev1.Container) {
					c.Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 8080, Protocol: corev1.ProtocolTCP}}
				}),
				ctrValid("i2", func(c *corev1.Container) {
					c.Ports = []corev1.ContainerPort{
						{ContainerPort: 80, HostPort: 8080, Protocol: corev1.ProtocolTCP},
						{ContainerPort: 81, HostPort: 8080, Protocol: corev1.ProtocolTCP},
					}
				}),
			},
			want: []ctrErr{ctrDuplicate("spec.initContainers[0].ports[1].hostPort", `Duplicate value: "TCP//8080"`)},
		},
		{
			name: "plain init container: no lifecycle, probes or RestartContainer resize",
			init: []corev1.Container{ctrValid("i", func(c *corev1.Container) {
				c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"x"}}}}
				c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = ctrProbe(), ctrProbe(), ctrProbe()
				c.ResizePolicy = []corev1.ContainerResizePolicy{
					{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.RestartContainer},
					{ResourceName: corev1.ResourceMemory, RestartPolicy: corev1.NotRequired},
				}
			})},
			want: []ctrErr{
				ctrForbidden("spec.initContainers[0].lifecycle", notForInit),
				ctrForbidden("spec.initContainers[0].livenessProbe", notForInit),
				ctrForbidden("spec.initContainers[0].readinessProbe", notForInit),
				ctrForbidden("spec.initContainers[0].startupProbe", notForInit),
				ctrInvalid("spec.initContainers[0].resizePolicy[0].restartPolicy", "must not be set to 'RestartContainer' for non-sidecar initContainers").
					withBody(`Invalid value: "RestartContainer": must not be set to 'RestartContainer' for non-sidecar initContainers`),
			},
		},
		{
			name: "sidecar: lifecycle, probes, resize and rules are validated, not forbidden",
			init: []corev1.Container{ctrValid("i", func(c *corev1.Container) {
				c.RestartPolicy = ctrSidecar
				c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{}}
				c.LivenessProbe = ctrProbe(func(p *corev1.Probe) { p.SuccessThreshold = 2 })
				c.ReadinessProbe, c.StartupProbe = ctrProbe(), ctrProbe()
				c.ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.RestartContainer}}
				c.RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestart,
					ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{1}}}}
			})},
			want: []ctrErr{
				ctrRequired("spec.initContainers[0].lifecycle.preStop").withBody("Required value: must specify a handler type"),
				ctrInvalid("spec.initContainers[0].livenessProbe.successThreshold", "must be 1"),
			},
		},
		{
			name:   "sidecar resize with RestartContainer in a never-restarting pod",
			policy: ctrNever,
			init: []corev1.Container{ctrValid("i", func(c *corev1.Container) {
				c.RestartPolicy = ctrSidecar
				c.ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.RestartContainer}}
			})},
			want: []ctrErr{ctrInvalid("spec.initContainers[0].resizePolicy", "must be 'NotRequired' when pod `restartPolicy` is 'Never'")},
		},
		{
			name: "init restart policies and rules",
			init: []corev1.Container{
				ctrValid("i", func(c *corev1.Container) {
					c.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyOnFailure)
					c.RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestartAllContainers,
						ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{1}}}}
				}),
				ctrValid("j", func(c *corev1.Container) { c.RestartPolicy = ptr.To(corev1.ContainerRestartPolicy("Bogus")) }),
				ctrValid("k", func(c *corev1.Container) {
					c.RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestart}}
				}),
			},
			want: []ctrErr{
				ctrNotSupported("spec.initContainers[1].restartPolicy", `Unsupported value: "Bogus": supported values: "Always", "Never", "OnFailure"`),
				ctrRequired("spec.initContainers[2].restartPolicy").withBody("Required value: must specify restartPolicy when restart rules are used"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			policy := tc.policy
			if policy == nil {
				policy = ctrAlways
			}
			regular := tc.regular
			if regular == nil {
				regular = []corev1.Container{ctrValid("c")}
			}
			got := validateInitContainers(tc.init, nil, regular, nil, nil, ctrGrace, initPath, ctrCreateOpts, policy, true)
			ctrCheckErrs(t, got, tc.want)
		})
	}
}

func TestValidateInitContainerRestartPolicyFeatureCombinations(t *testing.T) {
	rule := []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestart,
		ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn}}}
	p := field.NewPath("spec", "initContainers").Index(0)
	cases := []struct {
		name                  string
		rulesOn, restartAllOn bool
		policy                corev1.ContainerRestartPolicy
		rules                 []corev1.ContainerRestartRule
		want                  []ctrErr
	}{
		{name: "rules off: Always only", policy: corev1.ContainerRestartPolicyOnFailure,
			want: []ctrErr{ctrNotSupported("spec.initContainers[0].restartPolicy", `Unsupported value: "OnFailure": supported values: "Always"`)}},
		{name: "rules off: Always with rules is not checked", policy: corev1.ContainerRestartPolicyAlways, rules: rule},
		{name: "rules on, restart-all off: sidecar may not have rules", rulesOn: true, policy: corev1.ContainerRestartPolicyAlways, rules: rule,
			want: []ctrErr{ctrForbidden("spec.initContainers[0].restartPolicyRules", "restartPolicyRules are not allowed for init containers with restart policy Always")}},
		{name: "both on: sidecar rules validated", rulesOn: true, restartAllOn: true, policy: corev1.ContainerRestartPolicyAlways, rules: rule},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := PodValidationOptions{AllowContainerRestartPolicyRules: tc.rulesOn, AllowRestartAllContainers: tc.restartAllOn}
			ctrCheckErrs(t, validateInitContainerRestartPolicy(&tc.policy, tc.rules, p, opts), tc.want)
		})
	}
}

func TestValidateEphemeralContainers(t *testing.T) {
	ephPath := ctrSpecPath.Child("ephemeralContainers")
	notForEph := "cannot be set for an Ephemeral Container"
	eph := func(name, target string, mutate ...func(*corev1.EphemeralContainerCommon)) corev1.EphemeralContainer {
		c := ctrValid(name)
		e := corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon(c), TargetContainerName: target}
		for _, m := range mutate {
			m(&e.EphemeralContainerCommon)
		}
		return e
	}
	volumes := map[string]corev1.VolumeSource{"ed": {EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	cases := []struct {
		name string
		eph  []corev1.EphemeralContainer
		want []ctrErr
	}{
		{name: "none"},
		{name: "valid", eph: []corev1.EphemeralContainer{eph("e", "c", func(e *corev1.EphemeralContainerCommon) {
			e.Stdin, e.TTY, e.Command = true, true, []string{"sh"}
			e.VolumeMounts = []corev1.VolumeMount{{Name: "ed", MountPath: "/x"}}
		})}},
		{
			name: "forbidden fields, target, names, image whitespace and subpaths",
			eph: []corev1.EphemeralContainer{
				eph("c", "nope", func(e *corev1.EphemeralContainerCommon) {
					e.Image = " busybox "
					e.Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}}
					e.Resources = corev1.ResourceRequirements{Limits: ctrQuantities("cpu", "1"), Requests: ctrQuantities("cpu", "1")}
					e.ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.NotRequired}}
					e.RestartPolicy = ctrSidecar
					e.RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestart,
						ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{1}}}}
					e.LivenessProbe, e.ReadinessProbe, e.StartupProbe = ctrProbe(), ctrProbe(), ctrProbe()
					e.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"x"}}}}
					e.VolumeMounts = []corev1.VolumeMount{{Name: "ed", MountPath: "/a", SubPath: "x"}, {Name: "ed", MountPath: "/b", SubPathExpr: "$(X)"}}
				}),
				eph("e1", "i"),
				eph("e1", "c"),
				eph("E_2", "", func(e *corev1.EphemeralContainerCommon) {
					e.Image = ""
					e.Resources.Claims = []corev1.ResourceClaim{{Name: "x"}}
				}),
			},
			want: []ctrErr{
				ctrInvalid("spec.ephemeralContainers[0].image", "must not have leading or trailing whitespace"),
				ctrDuplicate("spec.ephemeralContainers[0].name", `Duplicate value: "c"`),
				ctrNotFound("spec.ephemeralContainers[0].targetContainerName", `Not found: "nope"`),
				ctrForbidden("spec.ephemeralContainers[0].ports", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].resources", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].resizePolicy", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].restartPolicy", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].restartPolicyRules", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].livenessProbe", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].readinessProbe", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].startupProbe", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].lifecycle", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].volumeMounts[0].subPath", notForEph),
				ctrForbidden("spec.ephemeralContainers[0].volumeMounts[1].subPathExpr", notForEph),
				ctrDuplicate("spec.ephemeralContainers[2].name", `Duplicate value: "e1"`),
				ctrInvalid("spec.ephemeralContainers[3].name", dnsLabelMsg),
				ctrRequired("spec.ephemeralContainers[3].image"),
				ctrNotFound("spec.ephemeralContainers[3].resources.claims[0]", `Not found: "x": must be one of the names in pod.spec.resourceClaims which is empty`),
				ctrForbidden("spec.ephemeralContainers[3].resources", notForEph),
			},
		},
		{
			name: "unnamed ephemeral container and a clash with an init container",
			eph:  []corev1.EphemeralContainer{eph("i", ""), eph("", "")},
			want: []ctrErr{
				ctrDuplicate("spec.ephemeralContainers[0].name", `Duplicate value: "i"`),
				ctrRequired("spec.ephemeralContainers[1].name"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := validateEphemeralContainers(tc.eph, []corev1.Container{ctrValid("c")}, []corev1.Container{ctrValid("i")}, volumes, sets.New[string](), ephPath, ctrCreateOpts, ctrAlways, true)
			ctrCheckErrs(t, got, tc.want)
		})
	}
}
