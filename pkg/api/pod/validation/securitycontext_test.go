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
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

const idRangeMsg = "must be between 0 and 2147483647, inclusive"

const sysctlNameMsg = `must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`

func withPodSC(mutate func(sc *corev1.PodSecurityContext)) func(*corev1.Pod) {
	return func(p *corev1.Pod) { mutate(p.Spec.SecurityContext) }
}

func podSecurityContextCases() []podCase {
	return []podCase{
		{
			name: "valid pod security context",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.FSGroup = ptr.To[int64](0)
				sc.RunAsUser = ptr.To[int64](2147483647)
				sc.RunAsGroup = ptr.To[int64](1000)
				sc.SupplementalGroups = []int64{1, 2}
				sc.Sysctls = []corev1.Sysctl{{Name: "kernel.shm_rmid_forced", Value: "0"}, {Name: "net/ipv4/ip_local_port_range", Value: "1024 65535"}}
				sc.FSGroupChangePolicy = ptr.To(corev1.FSGroupChangeOnRootMismatch)
				sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("profiles/a.json")}
				sc.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr.To("k8s-apparmor")}
				sc.SupplementalGroupsPolicy = ptr.To(corev1.SupplementalGroupsPolicyStrict)
				sc.SELinuxChangePolicy = ptr.To(corev1.SELinuxChangePolicyMountOption)
			})),
		},
		{
			name: "ids out of range",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.FSGroup = ptr.To[int64](-1)
				sc.RunAsUser = ptr.To[int64](1 << 31)
				sc.RunAsGroup = ptr.To[int64](-1)
				sc.SupplementalGroups = []int64{1, -2}
			})),
			want: []wantErr{
				invalid("spec.securityContext.fsGroup", idRangeMsg).withBody("Invalid value: -1: " + idRangeMsg),
				invalid("spec.securityContext.runAsUser", idRangeMsg),
				invalid("spec.securityContext.runAsGroup", idRangeMsg),
				invalid("spec.securityContext.supplementalGroups[1]", idRangeMsg),
			},
		},
		{
			name: "sysctl names",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.Sysctls = []corev1.Sysctl{{Name: ""}, {Name: "Kernel.Foo"}, {Name: "kernel.msgmax"}, {Name: "kernel.msgmax"}, {Name: strings.Repeat("a", 254)}}
			})),
			want: []wantErr{
				required("spec.securityContext.sysctls[0].name", ""),
				invalid("spec.securityContext.sysctls[1].name", sysctlNameMsg),
				duplicate("spec.securityContext.sysctls[3].name"),
				invalid("spec.securityContext.sysctls[4].name", sysctlNameMsg),
			},
		},
		{
			name: "namespaced sysctls of shared host namespaces",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.HostIPC = true
				p.Spec.SecurityContext.Sysctls = []corev1.Sysctl{
					{Name: "net.core.somaxconn", Value: "1"},
					{Name: "kernel.shmmax", Value: "1"},
					{Name: "fs.mqueue.msg_max", Value: "1"},
					{Name: "kernel.domainname", Value: "x"},
				}
			}),
			want: []wantErr{
				invalid("spec.securityContext.sysctls[0].name", "may not be specified when 'hostNetwork' is true"),
				invalid("spec.securityContext.sysctls[1].name", "may not be specified when 'hostIPC' is true"),
				invalid("spec.securityContext.sysctls[2].name", "may not be specified when 'hostIPC' is true"),
			},
		},
		{
			name: "policies not supported",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.FSGroupChangePolicy = ptr.To[corev1.PodFSGroupChangePolicy]("Never")
				sc.SupplementalGroupsPolicy = ptr.To[corev1.SupplementalGroupsPolicy]("Union")
				sc.SELinuxChangePolicy = ptr.To[corev1.PodSELinuxChangePolicy]("Relabel")
			})),
			want: []wantErr{
				notSupported("spec.securityContext.fsGroupChangePolicy", `supported values: "Always", "OnRootMismatch"`).
					withBody(`Unsupported value: "Never": supported values: "Always", "OnRootMismatch"`),
				notSupported("spec.securityContext.supplementalGroupsPolicy", `supported values: "Merge", "Strict"`),
				notSupported("spec.securityContext.seLinuxChangePolicy", `supported values: "MountOption", "Recursive"`),
			},
		},
		{
			name: "seccomp type missing",
			pod:  podWith(withPodSC(func(sc *corev1.PodSecurityContext) { sc.SeccompProfile = &corev1.SeccompProfile{} })),
			want: []wantErr{required("spec.securityContext.seccompProfile.type", "type is required when seccompProfile is set")},
		},
		{
			name: "seccomp type unknown",
			pod:  podWith(withPodSC(func(sc *corev1.PodSecurityContext) { sc.SeccompProfile = &corev1.SeccompProfile{Type: "Strict"} })),
			want: []wantErr{notSupported("spec.securityContext.seccompProfile.type", `supported values: "Localhost", "RuntimeDefault", "Unconfined"`)},
		},
		{
			name: "seccomp localhost without profile",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost}
			})),
			want: []wantErr{required("spec.securityContext.seccompProfile.localhostProfile", "must be set when seccomp type is Localhost")},
		},
		{
			name: "seccomp localhost profile escaping its directory",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("/etc/../x.json")}
			})),
			want: []wantErr{
				invalid("spec.securityContext.seccompProfile.localhostProfile", "must be a relative path"),
				invalid("spec.securityContext.seccompProfile.localhostProfile", "must not contain '..'"),
			},
		},
		{
			name: "seccomp localhost profile given with another type",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault, LocalhostProfile: ptr.To("x")}
			})),
			want: []wantErr{invalid("spec.securityContext.seccompProfile.localhostProfile", "can only be set when seccomp type is Localhost").
				withBody(`Invalid value: {"type":"RuntimeDefault","localhostProfile":"x"}: can only be set when seccomp type is Localhost`)},
		},
		{
			name: "AppArmor localhost without profile",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost}
			})),
			want: []wantErr{required("spec.securityContext.appArmorProfile.localhostProfile", "must be set when AppArmor type is Localhost")},
		},
		{
			name: "AppArmor localhost profile empty",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr.To("")}
			})),
			want: []wantErr{required("spec.securityContext.appArmorProfile.localhostProfile", "must be set when AppArmor type is Localhost")},
		},
		{
			name: "AppArmor localhost profile padded and too long",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr.To(" " + strings.Repeat("a", 4095))}
			})),
			want: []wantErr{
				invalid("spec.securityContext.appArmorProfile.localhostProfile", "must not be padded with whitespace"),
				tooLong("spec.securityContext.appArmorProfile.localhostProfile", "may not be more than 4095 bytes"),
			},
		},
		{
			name: "AppArmor localhost profile given with another type",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined, LocalhostProfile: ptr.To("a")}
			})),
			want: []wantErr{invalid("spec.securityContext.appArmorProfile.localhostProfile", "can only be set when AppArmor type is Localhost").
				withBody(`Invalid value: "a": can only be set when AppArmor type is Localhost`)},
		},
		{
			name: "AppArmor type missing",
			pod:  podWith(withPodSC(func(sc *corev1.PodSecurityContext) { sc.AppArmorProfile = &corev1.AppArmorProfile{} })),
			want: []wantErr{required("spec.securityContext.appArmorProfile.type", "type is required when appArmorProfile is set")},
		},
		{
			name: "AppArmor type unknown",
			pod:  podWith(withPodSC(func(sc *corev1.PodSecurityContext) { sc.AppArmorProfile = &corev1.AppArmorProfile{Type: "Complain"} })),
			want: []wantErr{notSupported("spec.securityContext.appArmorProfile.type", `supported values: "Localhost", "RuntimeDefault", "Unconfined"`)},
		},
		{
			name: "valid windows options",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.WindowsOptions = &corev1.WindowsSecurityContextOptions{
					GMSACredentialSpecName: ptr.To("gmsa-spec"),
					GMSACredentialSpec:     ptr.To("{}"),
					RunAsUserName:          ptr.To(`NT AUTHORITY\NETWORK SERVICE`),
				}
			})),
		},
		{
			name: "windows GMSA spec name and empty spec",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.WindowsOptions = &corev1.WindowsSecurityContextOptions{GMSACredentialSpecName: ptr.To("Spec"), GMSACredentialSpec: ptr.To("")}
			})),
			want: []wantErr{
				invalid("spec.securityContext.windowsOptions.gmsaCredentialSpecName", dnsSubdomainMsg),
				invalid("spec.securityContext.windowsOptions.gmsaCredentialSpec", "gmsaCredentialSpec cannot be an empty string"),
			},
		},
		{
			name: "windows GMSA spec too large",
			pod: podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
				sc.WindowsOptions = &corev1.WindowsSecurityContextOptions{GMSACredentialSpec: ptr.To(strings.Repeat("x", 64*1024+1))}
			})),
			want: []wantErr{invalid("spec.securityContext.windowsOptions.gmsaCredentialSpec", "gmsaCredentialSpec size must be under 64 KiB")},
		},
	}
}

func runAsUserNameCases() []podCase {
	userName := func(name string) *corev1.Pod {
		return podWith(withPodSC(func(sc *corev1.PodSecurityContext) {
			sc.WindowsOptions = &corev1.WindowsSecurityContextOptions{RunAsUserName: ptr.To(name)}
		}))
	}
	const p = "spec.securityContext.windowsOptions.runAsUserName"
	return []podCase{
		{name: "user only", pod: userName("ContainerUser")},
		{name: "netbios domain", pod: userName(`CORP\svc`)},
		{name: "empty", pod: userName(""), want: []wantErr{invalid(p, "runAsUserName cannot be an empty string")}},
		{
			name: "control character",
			pod:  userName("a\x01b"),
			want: []wantErr{invalid(p, "runAsUserName cannot contain control characters").
				withBody(`Invalid value: "a\u0001b": runAsUserName cannot contain control characters`)},
		},
		{name: "two backslashes", pod: userName(`a\b\c`), want: []wantErr{invalid(p, "runAsUserName cannot contain more than one backslash")}},
		{
			name: "domain too long and not a name",
			pod:  userName(strings.Repeat("d", 256) + `\u`),
			want: []wantErr{
				invalid(p, "runAsUserName's Domain length must be under 256 characters"),
				invalid(p, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"),
			},
		},
		{name: "bad domain", pod: userName(`do:m\u`), want: []wantErr{invalid(p, "runAsUserName's Domain doesn't match the NetBios nor the DNS format")}},
		{name: "empty user", pod: userName(`dom\`), want: []wantErr{invalid(p, "runAsUserName's User cannot be empty")}},
		{name: "user too long", pod: userName(strings.Repeat("u", 105)), want: []wantErr{invalid(p, "runAsUserName's User length must not be longer than 104 characters")}},
		{name: "user of dots", pod: userName(". ."), want: []wantErr{invalid(p, "runAsUserName's User cannot contain only periods or spaces")}},
		{
			name: "user with a forbidden character",
			pod:  userName("a<b"),
			want: []wantErr{invalid(p, `runAsUserName's User cannot contain the following characters: "/\:;|=,+*?<>@[]`).
				withBody(`Invalid value: "a\u003cb": runAsUserName's User cannot contain the following characters: "/\:;|=,+*?<>@[]`)},
		},
	}
}

func TestPodSecurityContext(t *testing.T) {
	runCreateCases(t, podSecurityContextCases())
}

func TestRunAsUserName(t *testing.T) {
	runCreateCases(t, runAsUserNameCases())
}

func TestSELinuxChangePolicyOnlyRecursive(t *testing.T) {
	sc := &corev1.PodSecurityContext{SELinuxChangePolicy: ptr.To(corev1.SELinuxChangePolicyMountOption)}
	got := validatePodSpecSecurityContext(sc, &corev1.PodSpec{}, nil, nil, PodValidationOptions{AllowOnlyRecursiveSELinuxChangePolicy: true})
	expectErrors(t, got, []wantErr{notSupported("seLinuxChangePolicy", `supported values: "Recursive"`)})
}

func TestNamespacedSysctlsRelaxation(t *testing.T) {
	spec := &corev1.PodSpec{HostNetwork: true}
	sc := &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: "net.core.somaxconn"}}}
	if got := validatePodSpecSecurityContext(sc, spec, nil, nil, PodValidationOptions{AllowNamespacedSysctlsForHostNetAndHostIPC: true}); len(got) != 0 {
		t.Errorf("a stored pod may keep its sysctls, got %v", got)
	}
}
