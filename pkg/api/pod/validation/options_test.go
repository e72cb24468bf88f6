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
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestOptionsForCreate(t *testing.T) {
	want := PodValidationOptions{
		ResourceIsPod:                                       true,
		PodLevelResourcesEnabled:                            true,
		AllowSidecarResizePolicy:                            true,
		AllowMatchLabelKeysInPodTopologySpread:              true,
		AllowMatchLabelKeysInPodTopologySpreadSelectorMerge: true,
		InPlacePodLevelResourcesVerticalScalingEnabled:      true,
		AllowContainerRestartPolicyRules:                    true,
		AllowRestartAllContainers:                           true,
		AllowRelaxedEnvironmentVariableValidation:           true,
		AllowEnvFilesValidation:                             true,
	}
	// On create the pod's own legacy forms grant nothing.
	if got := OptionsFor(legacyPod(), nil); got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := OptionsFor(basePod(), basePod()); got != want {
		t.Errorf("update of a pod that uses no legacy form:\n got  %+v\nwant %+v", got, want)
	}
}

// legacyPod uses every form that later rules reject.
func legacyPod() *corev1.Pod {
	p := basePod()
	p.Annotations = map[string]string{podDeletionCostAnnotation: "+10"}
	return p
}

func TestRatchetFromOldPod(t *testing.T) {
	type opt = func(o *PodValidationOptions) *bool
	cases := []struct {
		name    string
		gates   func(g *featureGates)
		option  opt
		invalid func(p *corev1.Pod)
		valid   func(p *corev1.Pod)
	}{
		{name: "pod deletion cost", option: func(o *PodValidationOptions) *bool { return &o.AllowInvalidPodDeletionCost },
			invalid: func(p *corev1.Pod) { p.Annotations = map[string]string{podDeletionCostAnnotation: "007"} },
			valid:   func(p *corev1.Pod) { p.Annotations = map[string]string{podDeletionCostAnnotation: "-7"} }},
		{name: "pod deletion cost out of range", option: func(o *PodValidationOptions) *bool { return &o.AllowInvalidPodDeletionCost },
			invalid: func(p *corev1.Pod) { p.Annotations = map[string]string{podDeletionCostAnnotation: "2147483648"} },
			valid:   func(p *corev1.Pod) { p.Annotations = map[string]string{podDeletionCostAnnotation: "0"} }},
		{name: "indivisible hugepages", option: func(o *PodValidationOptions) *bool { return &o.AllowIndivisibleHugePagesValues },
			invalid: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources.Limits = corev1.ResourceList{"hugepages-2Mi": resource.MustParse("3Mi")}
			},
			valid: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources.Limits = corev1.ResourceList{"hugepages-2Mi": resource.MustParse("4Mi")}
			}},
		{name: "indivisible hugepages in overhead", option: func(o *PodValidationOptions) *bool { return &o.AllowIndivisibleHugePagesValues },
			invalid: func(p *corev1.Pod) { p.Spec.Overhead = corev1.ResourceList{"hugepages-1Gi": resource.MustParse("1Mi")} },
			valid:   func(p *corev1.Pod) { p.Spec.Overhead = corev1.ResourceList{"hugepages-1Gi": resource.MustParse("2Gi")} }},
		{name: "invalid label value in pod affinity selector", option: func(o *PodValidationOptions) *bool { return &o.AllowInvalidLabelValueInSelector },
			invalid: func(p *corev1.Pod) { p.Spec.Affinity = podAntiAffinityWithValue("a b") },
			valid:   func(p *corev1.Pod) { p.Spec.Affinity = podAntiAffinityWithValue("ab") }},
		{name: "invalid label value in required node affinity", option: func(o *PodValidationOptions) *bool { return &o.AllowInvalidLabelValueInRequiredNodeAffinity },
			invalid: func(p *corev1.Pod) { p.Spec.Affinity = nodeAffinityWithValue("a b") },
			valid:   func(p *corev1.Pod) { p.Spec.Affinity = nodeAffinityWithValue("ab") }},
		{name: "invalid topology spread selector", option: func(o *PodValidationOptions) *bool { return &o.AllowInvalidTopologySpreadConstraintLabelSelector },
			invalid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(map[string]string{"a": "b c"}, nil, nil)
			},
			valid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(map[string]string{"a": "b"}, nil, nil)
			}},
		{name: "matchLabelKeys also selected on", option: func(o *PodValidationOptions) *bool { return &o.OldPodViolatesMatchLabelKeysValidation },
			invalid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(map[string]string{"app": "x"}, []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"x"}}}, []string{"app"})
			},
			valid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(nil, []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"x"}}}, []string{"app"})
			}},
		{name: "matchLabelKeys merged twice", option: func(o *PodValidationOptions) *bool { return &o.OldPodViolatesMatchLabelKeysValidation },
			invalid: func(p *corev1.Pod) {
				in := metav1.LabelSelectorRequirement{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"x"}}
				p.Spec.TopologySpreadConstraints = spreadWith(nil, []metav1.LabelSelectorRequirement{in, in}, []string{"app"})
			},
			valid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(map[string]string{"app": "x"}, nil, []string{"app"})
			}},
		{name: "matchLabelKeys without selector", option: func(o *PodValidationOptions) *bool { return &o.OldPodViolatesMatchLabelKeysValidation },
			invalid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(nil, nil, []string{"app"})
				p.Spec.TopologySpreadConstraints[0].LabelSelector = nil
			},
			valid: func(p *corev1.Pod) { p.Spec.TopologySpreadConstraints = spreadWith(nil, nil, []string{"app"}) }},
		{name: "legacy matchLabelKeys rules", gates: func(g *featureGates) { g.MatchLabelKeysInPodTopologySpreadSelectorMerge = false },
			option: func(o *PodValidationOptions) *bool { return &o.OldPodViolatesLegacyMatchLabelKeysValidation },
			invalid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(nil, []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"x"}}}, []string{"app"})
			},
			valid: func(p *corev1.Pod) {
				p.Spec.TopologySpreadConstraints = spreadWith(map[string]string{"a": "b"}, nil, []string{"app"})
			}},
		{name: "non-local token path", option: func(o *PodValidationOptions) *bool { return &o.AllowNonLocalProjectedTokenPath },
			invalid: func(p *corev1.Pod) { p.Spec.Volumes = tokenVolume("..token") },
			valid:   func(p *corev1.Pod) { p.Spec.Volumes = tokenVolume("token..x") }},
		{name: "token path climbing out", option: func(o *PodValidationOptions) *bool { return &o.AllowNonLocalProjectedTokenPath },
			invalid: func(p *corev1.Pod) { p.Spec.Volumes = tokenVolume("a/../../t") },
			valid:   func(p *corev1.Pod) { p.Spec.Volumes = tokenVolume("a/t") }},
		{name: "absolute token path", option: func(o *PodValidationOptions) *bool { return &o.AllowNonLocalProjectedTokenPath },
			invalid: func(p *corev1.Pod) { p.Spec.Volumes = tokenVolume("/t") },
			valid:   func(p *corev1.Pod) { p.Spec.Volumes = tokenVolume("t") }},
		{name: "net sysctl with hostNetwork", option: func(o *PodValidationOptions) *bool { return &o.AllowNamespacedSysctlsForHostNetAndHostIPC },
			invalid: func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "net/ipv4/ip_forward"}}
			},
			valid: func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "kernel.shmmax"}}
			}},
		{name: "ipc sysctl with hostIPC", option: func(o *PodValidationOptions) *bool { return &o.AllowNamespacedSysctlsForHostNetAndHostIPC },
			invalid: func(p *corev1.Pod) {
				p.Spec.HostIPC = true
				p.Spec.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "fs.mqueue.msg_max"}}
			},
			valid: func(p *corev1.Pod) {
				p.Spec.HostIPC = true
				p.Spec.SecurityContext.Sysctls = []corev1.Sysctl{{Name: "net.ipv4.ip_forward"}}
			}},
		{name: "sidecar resize policy", gates: func(g *featureGates) { g.InPlacePodVerticalScaling = false },
			option: func(o *PodValidationOptions) *bool { return &o.AllowSidecarResizePolicy },
			invalid: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "s", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), ResizePolicy: []corev1.ContainerResizePolicy{{ResourceName: "cpu"}}}}
			},
			valid: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "s", ResizePolicy: []corev1.ContainerResizePolicy{{ResourceName: "cpu"}}}}
			}},
		{name: "container restart rules", gates: func(g *featureGates) { g.ContainerRestartRules = false },
			option:  func(o *PodValidationOptions) *bool { return &o.AllowContainerRestartPolicyRules },
			invalid: func(p *corev1.Pod) { p.Spec.Containers[0].RestartPolicy = ptr.To(corev1.ContainerRestartPolicyNever) },
			valid: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "s", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways)}}
			}},
		{name: "restart rules on a sidecar", gates: func(g *featureGates) { g.RestartAllContainersOnContainerExits = false },
			option: func(o *PodValidationOptions) *bool { return &o.AllowRestartAllContainers },
			invalid: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "s", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), RestartPolicyRules: []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestart}}}}
			},
			valid: func(p *corev1.Pod) {
				p.Spec.Containers[0].RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestart}}
			}},
		{name: "RestartAllContainers rule", gates: func(g *featureGates) { g.RestartAllContainersOnContainerExits = false },
			option: func(o *PodValidationOptions) *bool { return &o.AllowRestartAllContainers },
			invalid: func(p *corev1.Pod) {
				p.Spec.Containers[0].RestartPolicyRules = []corev1.ContainerRestartRule{{Action: corev1.ContainerRestartRuleActionRestartAllContainers}}
			},
			valid: func(p *corev1.Pod) {}},
		{name: "RestartContainer resize policy on a plain init container", option: func(o *PodValidationOptions) *bool { return &o.AllowExistingRestartContainerForNonSidecarInitContainer },
			invalid: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "i", ResizePolicy: []corev1.ContainerResizePolicy{{ResourceName: "cpu", RestartPolicy: corev1.RestartContainer}}}}
			},
			valid: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "i", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), ResizePolicy: []corev1.ContainerResizePolicy{{ResourceName: "cpu", RestartPolicy: corev1.RestartContainer}}}}
			}},
		{name: "user namespace with volume devices", option: func(o *PodValidationOptions) *bool { return &o.AllowUserNamespacesWithVolumeDevices },
			invalid: func(p *corev1.Pod) {
				p.Spec.HostUsers = ptr.To(false)
				p.Spec.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "d", DevicePath: "/d"}}
			},
			valid: func(p *corev1.Pod) {
				p.Spec.HostUsers = ptr.To(true)
				p.Spec.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "d", DevicePath: "/d"}}
			}},
		{name: "user namespace with host network", option: func(o *PodValidationOptions) *bool { return &o.AllowUserNamespacesHostNetworkSupport },
			invalid: func(p *corev1.Pod) { p.Spec.HostUsers = ptr.To(false); p.Spec.HostNetwork = true },
			valid:   func(p *corev1.Pod) { p.Spec.HostNetwork = true }},
		{name: "empty image volume reference", option: func(o *PodValidationOptions) *bool { return &o.AllowEmptyImageVolumeReference },
			invalid: func(p *corev1.Pod) { p.Spec.Volumes = imageVolume("") },
			valid:   func(p *corev1.Pod) { p.Spec.Volumes = imageVolume("busybox") }},
		{name: "CAP_SYS_ADMIN without privilege escalation", option: func(o *PodValidationOptions) *bool { return &o.AllowSysAdminWhenPrivilegeEscalationFalse },
			invalid: func(p *corev1.Pod) { p.Spec.Containers[0].SecurityContext = sysAdmin(ptr.To(false)) },
			valid:   func(p *corev1.Pod) { p.Spec.Containers[0].SecurityContext = sysAdmin(ptr.To(true)) }},
		{name: "env file keys", gates: func(g *featureGates) { g.EnvFiles = false },
			option: func(o *PodValidationOptions) *bool { return &o.AllowEnvFilesValidation },
			invalid: func(p *corev1.Pod) {
				p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{Key: "k"}}}}
			},
			valid: func(p *corev1.Pod) { p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A", Value: "v"}} }},
		{name: "toleration comparison operators", option: func(o *PodValidationOptions) *bool { return &o.AllowTaintTolerationComparisonOperators },
			invalid: func(p *corev1.Pod) {
				p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: "k", Operator: corev1.TolerationOpGt, Value: "1"})
			},
			valid: func(p *corev1.Pod) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gates := currentGates()
			if tc.gates != nil {
				tc.gates(&gates)
			}
			for _, c := range []struct {
				mutate func(p *corev1.Pod)
				want   bool
			}{{tc.invalid, true}, {tc.valid, false}} {
				oldPod := basePod()
				c.mutate(oldPod)
				// The new pod uses no legacy form: only the stored pod may grant the relaxation.
				if got := *tc.option(ptr.To(optionsFor(basePod(), oldPod, gates))); got != c.want {
					t.Errorf("stored pod %s: got %v, want %v", map[bool]string{true: "with the legacy form", false: "without it"}[c.want], got, c.want)
				}
				if got := *tc.option(ptr.To(optionsFor(oldPod, nil, gates))); got {
					t.Errorf("create granted the relaxation")
				}
			}
		})
	}
}

func TestSELinuxChangePolicyRatchet(t *testing.T) {
	gates := currentGates()
	if got := optionsFor(basePod(), nil, gates).AllowOnlyRecursiveSELinuxChangePolicy; got {
		t.Errorf("with SELinuxMount on (v1.37), every policy is allowed; got only Recursive")
	}
	gates.SELinuxMount = false
	if got := optionsFor(basePod(), nil, gates).AllowOnlyRecursiveSELinuxChangePolicy; !got {
		t.Errorf("with SELinuxMount off, create allows only Recursive")
	}
	old := basePod()
	old.Spec.SecurityContext.SELinuxChangePolicy = ptr.To(corev1.SELinuxChangePolicyMountOption)
	if got := optionsFor(basePod(), old, gates).AllowOnlyRecursiveSELinuxChangePolicy; got {
		t.Errorf("a stored pod with a policy keeps any policy allowed")
	}
}

func TestRelaxedEnvVarRatchet(t *testing.T) {
	gates := currentGates()
	gates.RelaxedEnvironmentVariableValidation = false
	withEnv := func(name string) *corev1.Pod {
		p := basePod()
		p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: name, Value: "v"}}
		return p
	}
	cases := []struct {
		name     string
		old, new *corev1.Pod
		want     bool
	}{
		{"create", nil, withEnv("1A"), false},
		{"relaxed name kept", withEnv("1A"), withEnv("1A"), true},
		{"relaxed name added", withEnv("A"), withEnv("1A"), false},
		{"strict name kept", withEnv("A"), withEnv("A"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := optionsFor(tc.new, tc.old, gates).AllowRelaxedEnvironmentVariableValidation; got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if !OptionsFor(withEnv("1A"), nil).AllowRelaxedEnvironmentVariableValidation {
		t.Errorf("the v1.37 gate allows relaxed names on create")
	}
}

func TestSysctlNamespace(t *testing.T) {
	cases := map[string]string{
		"net.ipv4.ip_forward":              "net",
		"net/ipv4/conf/eno2.100/rp_filter": "net",
		"net.*":                            "net",
		"kernel.shmmax":                    "ipc",
		"kernel/msgmax":                    "ipc",
		"fs.mqueue.msg_max":                "ipc",
		"kernel.shm*":                      "ipc",
		"kernel.domainname":                "",
		"vm.swappiness":                    "",
		"network":                          "",
	}
	for name, want := range cases {
		if got := sysctlNamespace(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

func podAntiAffinityWithValue(v string) *corev1.Affinity {
	return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": v}},
			TopologyKey:       "zone",
		}}},
	}}
}

func nodeAffinityWithValue(v string) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "k", Operator: corev1.NodeSelectorOpIn, Values: []string{"ok", v}}}}},
	}}}
}

func spreadWith(labels map[string]string, exprs []metav1.LabelSelectorRequirement, keys []string) []corev1.TopologySpreadConstraint {
	return []corev1.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.DoNotSchedule,
		LabelSelector:  &metav1.LabelSelector{MatchLabels: labels, MatchExpressions: exprs},
		MatchLabelKeys: keys,
	}}
}

func tokenVolume(path string) []corev1.Volume {
	return []corev1.Volume{{Name: "t", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
		Sources: []corev1.VolumeProjection{{ConfigMap: &corev1.ConfigMapProjection{}}, {ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: path}}},
	}}}}
}

func imageVolume(ref string) []corev1.Volume {
	return []corev1.Volume{{Name: "i", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: ref}}}}
}

func sysAdmin(allowEscalation *bool) *corev1.SecurityContext {
	return &corev1.SecurityContext{AllowPrivilegeEscalation: allowEscalation, Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"CAP_SYS_ADMIN"}}}
}
