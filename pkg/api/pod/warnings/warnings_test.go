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
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

const badLabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

// basePod is a valid, defaulted pod that draws no warning.
func basePod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"},
		Spec: corev1.PodSpec{
			Containers:                    []corev1.Container{{Name: "c", Image: "busybox"}},
			TerminationGracePeriodSeconds: ptr.To[int64](30),
		},
	}
}

func q(s string) resource.Quantity { return resource.MustParse(s) }

func TestForCreate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*corev1.Pod)
		want   []string
	}{
		{name: "nothing to say", mutate: func(*corev1.Pod) {}},
		{
			name:   "a dotted name",
			mutate: func(p *corev1.Pod) { p.Name = "a.b" },
			want: []string{
				"metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
			},
		},
		{
			name:   "a long dotted name lists every reason",
			mutate: func(p *corev1.Pod) { p.Name = strings.Repeat("b", 63) + ".c" },
			want: []string{
				"metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must be no more than 63 characters must not contain dots]",
			},
		},
		{
			name: "deprecated node labels and null selectors, in kube's order",
			mutate: func(p *corev1.Pod) {
				p.Spec.NodeSelector = map[string]string{"kubernetes.io/os": "linux", "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64"}
				p.Spec.Affinity = &corev1.Affinity{
					NodeAffinity: &corev1.NodeAffinity{
						RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{
							{MatchExpressions: []corev1.NodeSelectorRequirement{
								{Key: "failure-domain.beta.kubernetes.io/zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}},
							}},
						}},
						PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 1, Preference: corev1.NodeSelectorTerm{
							MatchExpressions: []corev1.NodeSelectorRequirement{
								{Key: "node-role.kubernetes.io/master", Operator: corev1.NodeSelectorOpIn, Values: []string{"a b", "ok"}},
							},
							MatchFields: []corev1.NodeSelectorRequirement{{Key: "beta.kubernetes.io/arch", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}},
						}}},
					},
					PodAffinity: &corev1.PodAffinity{
						RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{TopologyKey: "z"}, {TopologyKey: "z", LabelSelector: &metav1.LabelSelector{}}},
					},
					PodAntiAffinity: &corev1.PodAntiAffinity{
						PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "z"}}},
					},
				}
				p.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{
					{MaxSkew: 1, TopologyKey: "beta.kubernetes.io/instance-type", WhenUnsatisfiable: corev1.DoNotSchedule},
					{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: &metav1.LabelSelector{}},
				}
			},
			want: []string{
				`spec.nodeSelector[beta.kubernetes.io/arch]: deprecated since v1.14; use "kubernetes.io/arch" instead`,
				`spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead`,
				`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key: failure-domain.beta.kubernetes.io/zone is deprecated since v1.17; use "topology.kubernetes.io/zone" instead`,
				`spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].key: node-role.kubernetes.io/master is use "node-role.kubernetes.io/control-plane" instead`,
				`spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0]: a b is invalid, ` + badLabelValueMsg,
				`spec.topologySpreadConstraints[0].topologyKey: beta.kubernetes.io/instance-type is deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`,
				`spec.topologySpreadConstraints[0].labelSelector: a null labelSelector results in matching no pod`,
				`spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector: a null labelSelector results in matching no pod`,
				`spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector: a null labelSelector results in matching no pod`,
			},
		},
		{
			name: "annotations no longer read; seccomp annotations only without the field",
			mutate: func(p *corev1.Pod) {
				p.Annotations = map[string]string{
					"security.alpha.kubernetes.io/unsafe-sysctls":             "",
					"scheduler.alpha.kubernetes.io/critical-pod":              "",
					"security.alpha.kubernetes.io/sysctls":                    "a=b",
					"seccomp.security.alpha.kubernetes.io/pod":                "runtime/default",
					"container.seccomp.security.alpha.kubernetes.io/c":        "runtime/default",
					"container.seccomp.security.alpha.kubernetes.io/d":        "runtime/default",
					"container.seccomp.security.alpha.kubernetes.io/init":     "runtime/default",
					"container.seccomp.security.alpha.kubernetes.io/notthere": "runtime/default",
				}
				p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox"}}
				p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "d", Image: "busybox", SecurityContext: &corev1.SecurityContext{
					SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
				}})
			},
			want: []string{
				`metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]: non-functional in v1.16+; use the "priorityClassName" field instead`,
				`metadata.annotations[security.alpha.kubernetes.io/sysctls]: non-functional in v1.11+; use the "sysctls" field instead`,
				`metadata.annotations[security.alpha.kubernetes.io/unsafe-sysctls]: non-functional in v1.11+; use the "sysctls" field instead`,
				`metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: non-functional in v1.27+; use the "seccompProfile" field instead`,
				`metadata.annotations[container.seccomp.security.alpha.kubernetes.io/init]: non-functional in v1.27+; use the "seccompProfile" field instead`,
				`metadata.annotations[container.seccomp.security.alpha.kubernetes.io/c]: non-functional in v1.27+; use the "seccompProfile" field instead`,
			},
		},
		{
			name: "the pod seccomp field silences the pod annotation",
			mutate: func(p *corev1.Pod) {
				p.Annotations = map[string]string{"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}
				p.Spec.SecurityContext = &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
			},
		},
		{
			name: "retired volume types and fractional claim sizes",
			mutate: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{
					{Name: "a", VolumeSource: corev1.VolumeSource{PhotonPersistentDisk: &corev1.PhotonPersistentDiskVolumeSource{}}},
					{Name: "b", VolumeSource: corev1.VolumeSource{GitRepo: &corev1.GitRepoVolumeSource{}}},
					{Name: "c", VolumeSource: corev1.VolumeSource{ScaleIO: &corev1.ScaleIOVolumeSource{}}},
					{Name: "d", VolumeSource: corev1.VolumeSource{Flocker: &corev1.FlockerVolumeSource{}}},
					{Name: "e", VolumeSource: corev1.VolumeSource{StorageOS: &corev1.StorageOSVolumeSource{}}},
					{Name: "f", VolumeSource: corev1.VolumeSource{Quobyte: &corev1.QuobyteVolumeSource{}}},
					{Name: "g", VolumeSource: corev1.VolumeSource{Glusterfs: &corev1.GlusterfsVolumeSource{}}},
					{Name: "h", VolumeSource: corev1.VolumeSource{CephFS: &corev1.CephFSVolumeSource{}}},
					{Name: "i", VolumeSource: corev1.VolumeSource{RBD: &corev1.RBDVolumeSource{}}},
					{Name: "j", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
						Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceStorage: q("1500m")},
							Limits:   corev1.ResourceList{corev1.ResourceStorage: q("0.5")},
						}},
					}}}},
					{Name: "k", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
						Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceStorage: q("1Gi")},
						}},
					}}}},
					{Name: "l", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}},
				}
			},
			want: []string{
				"spec.volumes[0].photonPersistentDisk: deprecated in v1.11, non-functional in v1.16+",
				"spec.volumes[1].gitRepo: deprecated in v1.11, and disabled by default in v1.33+",
				"spec.volumes[2].scaleIO: deprecated in v1.16, non-functional in v1.22+",
				"spec.volumes[3].flocker: deprecated in v1.22, non-functional in v1.25+",
				"spec.volumes[4].storageOS: deprecated in v1.22, non-functional in v1.25+",
				"spec.volumes[5].quobyte: deprecated in v1.22, non-functional in v1.25+",
				"spec.volumes[6].glusterfs: deprecated in v1.25, non-functional in v1.26+",
				"spec.volumes[7].cephfs: deprecated in v1.28, non-functional in v1.31+",
				"spec.volumes[8].rbd: deprecated in v1.28, non-functional in v1.31+",
				`spec.volumes[9].ephemeral.volumeClaimTemplate.spec.resources.requests[storage]: fractional byte value "1500m" is invalid, must be an integer`,
				`spec.volumes[9].ephemeral.volumeClaimTemplate.spec.resources.limits[storage]: fractional byte value "500m" is invalid, must be an integer`,
			},
		},
		{
			name: "overlapping volume paths",
			mutate: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{
					{Name: "cm", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
						LocalObjectReference: corev1.LocalObjectReference{Name: "c1"},
						Items:                []corev1.KeyToPath{{Key: "a", Path: "p"}, {Key: "b", Path: "p/"}, {Key: "c", Path: "p/q"}, {Key: "d", Path: "pq"}, {Key: "e", Path: ""}},
					}}},
					{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
						SecretName: "s1", Items: []corev1.KeyToPath{{Key: "a", Path: "x/y"}, {Key: "b", Path: "x"}},
					}}},
					{Name: "d", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{
						Items: []corev1.DownwardAPIVolumeFile{{Path: "l"}, {Path: "l"}},
					}}},
					{Name: "pr", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
						{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "c2"}, Items: []corev1.KeyToPath{{Key: "a", Path: "t"}}}},
						{},
						{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "s2"}, Items: []corev1.KeyToPath{{Key: "a", Path: "t/u"}}}},
						{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "t/x/"}},
						{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{Path: "t/u/v"}}}},
						{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "noitems"}}},
						{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{SignerName: ptr.To("example.com/s"), Path: "cb"}},
						{PodCertificate: &corev1.PodCertificateProjection{CredentialBundlePath: "cb", KeyPath: "k"}},
						{ClusterTrustBundle: &corev1.ClusterTrustBundleProjection{Name: ptr.To("b1"), Path: "k/"}},
					}}}},
				}
			},
			want: []string{
				`volume "cm" (ConfigMap "c1"): overlapping paths: "p" with "p"`,
				// Once per earlier item; the server drops the repeated text.
				`volume "cm" (ConfigMap "c1"): overlapping paths: "p/q" with "p"`,
				`volume "cm" (ConfigMap "c1"): overlapping paths: "p/q" with "p"`,
				`volume "s" (Secret "s1"): overlapping paths: "x" with "x/y"`,
				`volume "d" (DownwardAPI): overlapping paths: "l" with "l"`,
				`volume "pr" (Projected) has no sources provided`,
				`volume "pr" (Projected): overlapping paths: "t/u" (Secret "s2") with "t" (ConfigMap "c2")`,
				`volume "pr" (Projected): overlapping paths: "t/x" (ServiceAccountToken) with "t" (ConfigMap "c2")`,
				`volume "pr" (Projected): overlapping paths: "t/u/v" (DownwardAPI) with "t" (ConfigMap "c2")`,
				`volume "pr" (Projected): overlapping paths: "t/u/v" (DownwardAPI) with "t/u" (Secret "s2")`,
				`volume "pr" (Projected): overlapping paths: "cb" (PodCertificate credential bundle) with "cb" (ClusterTrustBundle "example.com/s")`,
				`volume "pr" (Projected): overlapping paths: "k" (ClusterTrustBundle "b1") with "k" (PodCertificate key)`,
			},
		},
		{
			name: "duplicate host alias IPs and pull secrets, empty pull secret names",
			mutate: func(p *corev1.Pod) {
				p.Spec.HostAliases = []corev1.HostAlias{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}, {IP: "10.0.0.1"}}
				p.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "s"}, {Name: ""}, {Name: "s"}, {Name: ""}}
			},
			want: []string{
				`spec.hostAliases[2].ip: duplicate ip "10.0.0.1"`,
				`spec.imagePullSecrets[2].name: duplicate name "s"`,
				`spec.imagePullSecrets[3].name: duplicate name ""`,
				`spec.imagePullSecrets[1].name: invalid empty name ""`,
				`spec.imagePullSecrets[3].name: invalid empty name ""`,
			},
		},
		{
			name: "fractional bytes in overhead and every kind of container",
			mutate: func(p *corev1.Pod) {
				p.Spec.Overhead = corev1.ResourceList{corev1.ResourceMemory: q("0.5"), corev1.ResourceEphemeralStorage: q("1.5"), corev1.ResourceCPU: q("0.5")}
				p.Spec.InitContainers = []corev1.Container{{Name: "i", Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceMemory: q("1500m"), corev1.ResourceEphemeralStorage: q("2500m")},
					Limits:   corev1.ResourceList{corev1.ResourceMemory: q("1500m"), corev1.ResourceEphemeralStorage: q("2500m")},
				}}}
				p.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: q("1Gi"), corev1.ResourceCPU: q("100m")}
				p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
					Name: "e", Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceMemory: q("1m")}},
				}}}
			},
			want: []string{
				`spec.overhead[memory]: fractional byte value "500m" is invalid, must be an integer`,
				`spec.overhead[ephemeral-storage]: fractional byte value "1500m" is invalid, must be an integer`,
				`spec.initContainers[0].resources.limits[memory]: fractional byte value "1500m" is invalid, must be an integer`,
				`spec.initContainers[0].resources.requests[memory]: fractional byte value "1500m" is invalid, must be an integer`,
				`spec.initContainers[0].resources.limits[ephemeral-storage]: fractional byte value "2500m" is invalid, must be an integer`,
				`spec.initContainers[0].resources.requests[ephemeral-storage]: fractional byte value "2500m" is invalid, must be an integer`,
				`spec.ephemeralContainers[0].resources.requests[memory]: fractional byte value "1m" is invalid, must be an integer`,
			},
		},
		{
			name: "env names defined twice",
			mutate: func(p *corev1.Pod) {
				p.Spec.Containers[0].Env = []corev1.EnvVar{
					{Name: "A", Value: "1"},
					{Name: "A", Value: "$(A)x"},
					{Name: "A", Value: "$(A)"},
					{Name: "A", Value: "plain"},
					{Name: "A", Value: "$(A)", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
					{Name: "B"},
				}
			},
			want: []string{
				`spec.containers[0].env[2]: hides previous definition of "A", which may be dropped when using apply`,
				`spec.containers[0].env[3]: hides previous definition of "A", which may be dropped when using apply`,
				`spec.containers[0].env[4]: hides previous definition of "A", which may be dropped when using apply`,
			},
		},
		{
			name: "ports across containers",
			mutate: func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "i", Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 80, Protocol: corev1.ProtocolTCP}}}}
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{
					{Name: "web", ContainerPort: 80, Protocol: corev1.ProtocolTCP},
					{ContainerPort: 80, Protocol: corev1.ProtocolTCP, HostPort: 8080},
					{ContainerPort: 80, Protocol: corev1.ProtocolTCP, HostPort: 8080, HostIP: "10.0.0.1"},
					{ContainerPort: 81, Protocol: corev1.ProtocolTCP, HostIP: "10.0.0.2"},
					{ContainerPort: 82, Protocol: corev1.ProtocolUDP, HostPort: 9000, HostIP: "10.0.0.3"},
					{ContainerPort: 82, Protocol: corev1.ProtocolUDP, HostPort: 9000, HostIP: "10.0.0.4"},
					{ContainerPort: 80, Protocol: corev1.ProtocolUDP},
				}
				p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "d", Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 90, Protocol: corev1.ProtocolTCP}}})
			},
			want: []string{
				"spec.containers[0].ports[0]: duplicate port definition with spec.initContainers[0].ports[0]",
				"spec.containers[0].ports[1]: overlapping port definition with spec.initContainers[0].ports[0]",
				"spec.containers[0].ports[1]: overlapping port definition with spec.containers[0].ports[0]",
				"spec.containers[0].ports[2]: overlapping port definition with spec.initContainers[0].ports[0]",
				"spec.containers[0].ports[2]: overlapping port definition with spec.containers[0].ports[0]",
				"spec.containers[0].ports[2]: dangerously ambiguous port definition with spec.containers[0].ports[1]",
				"spec.containers[0].ports[3]: hostIP set without hostPort: {Name: HostPort:0 ContainerPort:81 Protocol:TCP HostIP:10.0.0.2}",
				`spec.containers[0].ports[0]: duplicate port name "web" with spec.initContainers[0].ports[0], services and probes that select ports by name will use spec.initContainers[0].ports[0]`,
				`spec.containers[1].ports[0]: duplicate port name "web" with spec.initContainers[0].ports[0], services and probes that select ports by name will use spec.initContainers[0].ports[0]`,
			},
		},
		{
			name:   "negative grace period (defaulting makes it 1 for pods)",
			mutate: func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](-1) },
			want:   []string{"spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1"},
		},
		{
			name: "non-canonical IPv6 in DNS nameservers and host aliases",
			mutate: func(p *corev1.Pod) {
				p.Spec.DNSConfig = &corev1.PodDNSConfig{Nameservers: []string{"1.2.3.4", "2001:db8:0::1", "::1"}}
				p.Spec.HostAliases = []corev1.HostAlias{{IP: "2001:DB8::1"}, {IP: "10.0.0.1"}}
			},
			want: []string{
				`spec.dnsConfig.nameservers[1]: IPv6 address "2001:db8:0::1" should be in RFC 5952 canonical format ("2001:db8::1")`,
				`spec.hostAliases[0].ip: IPv6 address "2001:DB8::1" should be in RFC 5952 canonical format ("2001:db8::1")`,
			},
		},
		{
			name: "legacy IPv4 forms, which only stored pods can still hold",
			mutate: func(p *corev1.Pod) {
				p.Spec.HostAliases = []corev1.HostAlias{{IP: "010.0.0.2"}, {IP: "::ffff:1.2.3.4"}}
			},
			want: []string{
				`spec.hostAliases[0].ip: non-standard IP address "010.0.0.2" is invalid: use "10.0.0.2"`,
				`spec.hostAliases[1].ip: non-standard IP address "::ffff:1.2.3.4" is invalid: use "1.2.3.4"`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := basePod()
			tc.mutate(pod)
			got := ForCreate(pod)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %d warnings:\n%s\nwant %d:\n%s", len(got), lines(got), len(tc.want), lines(tc.want))
			}
		})
	}
}

func TestForStatusUpdate(t *testing.T) {
	cases := []struct {
		name    string
		podIPs  []string
		hostIPs []string
		want    []string
	}{
		{name: "no IPs"},
		{name: "canonical IPs", podIPs: []string{"10.0.0.1", "2001:db8::1"}, hostIPs: []string{"192.168.0.1"}},
		{
			name:    "non-canonical IPv6",
			podIPs:  []string{"2001:DB8::1", "10.0.0.1"},
			hostIPs: []string{"2001:db8:0:0::2"},
			want: []string{
				`status.podIPs[0].ip: IPv6 address "2001:DB8::1" should be in RFC 5952 canonical format ("2001:db8::1")`,
				`status.hostIPs[0].ip: IPv6 address "2001:db8:0:0::2" should be in RFC 5952 canonical format ("2001:db8::2")`,
			},
		},
		{
			name:   "legacy IPv4 forms",
			podIPs: []string{"10.0.0.1", "::ffff:10.0.0.2"}, hostIPs: []string{"10.0.0.1", "010.0.0.01"},
			want: []string{
				`status.podIPs[1].ip: non-standard IP address "::ffff:10.0.0.2" is invalid: use "10.0.0.2"`,
				`status.hostIPs[1].ip: non-standard IP address "010.0.0.01" is invalid: use "10.0.0.1"`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := basePod()
			for _, ip := range tc.podIPs {
				pod.Status.PodIPs = append(pod.Status.PodIPs, corev1.PodIP{IP: ip})
			}
			for _, ip := range tc.hostIPs {
				pod.Status.HostIPs = append(pod.Status.HostIPs, corev1.HostIP{IP: ip})
			}
			got := ForStatusUpdate(pod, basePod())
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %d warnings:\n%s\nwant %d:\n%s", len(got), lines(got), len(tc.want), lines(tc.want))
			}
		})
	}
}

func lines(ss []string) string {
	return "  " + strings.Join(ss, "\n  ")
}
