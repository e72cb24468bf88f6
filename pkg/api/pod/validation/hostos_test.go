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
	"k8s.io/utils/ptr"
)

func hostAndOSCases() []podCase {
	port := func(containerPort, hostPort int32) corev1.ContainerPort {
		return corev1.ContainerPort{ContainerPort: containerPort, HostPort: hostPort, Protocol: corev1.ProtocolTCP}
	}
	windowsOpts := func(hostProcess *bool) *corev1.WindowsSecurityContextOptions {
		return &corev1.WindowsSecurityContextOptions{HostProcess: hostProcess}
	}
	return []podCase{
		{
			name: "host network with ports published under their own number",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{port(80, 80)}
			}),
		},
		{
			name: "host network with a port published under another number",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{port(80, 80), port(443, 8443)}
			}),
			want: []wantErr{invalid("spec.containers[0].ports[1].hostPort", "must match `containerPort` when `hostNetwork` is true").
				withBody("Invalid value: 8443: must match `containerPort` when `hostNetwork` is true")},
		},
		{
			name: "host network with a port not published",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{port(80, 0)}
			}),
			want:        []wantErr{invalid("spec.containers[0].ports[0].hostPort", "must match `containerPort` when `hostNetwork` is true")},
			unreachable: "defaulting publishes the port under its own number",
		},
		{
			name: "shared process namespace with host PID",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostPID = true
				p.Spec.ShareProcessNamespace = ptr.To(true)
			}),
			want: []wantErr{invalid("spec.shareProcessNamespace", "ShareProcessNamespace and HostPID cannot both be enabled").
				withBody("Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled")},
		},
		{
			name: "own user namespace alone",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.HostUsers = ptr.To(false) }),
		},
		{
			name: "own user namespace with host namespaces and a block device",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostUsers = ptr.To(false)
				p.Spec.HostNetwork = true
				p.Spec.HostPID = true
				p.Spec.HostIPC = true
				p.Spec.Volumes = []corev1.Volume{{Name: "dev", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "claim"}}}}
				p.Spec.Containers[0].VolumeDevices = []corev1.VolumeDevice{{Name: "dev", DevicePath: "/dev/xvda"}}
			}),
			want: []wantErr{
				forbidden("spec.hostNetwork", "when `hostUsers` is false"),
				forbidden("spec.HostPID", "when `hostUsers` is false"),
				forbidden("spec.HostIPC", "when `hostUsers` is false"),
				forbidden("spec.containers[0].volumeDevices", "when `hostUsers` is false"),
			},
		},
		{
			name: "HostProcess pod on the host network",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.SecurityContext.WindowsOptions = windowsOpts(ptr.To(true))
			}),
			want: []wantErr{forbidden("spec", "hostProcess containers are disallowed by cluster policy")},
		},
		{
			name: "HostProcess settings that disagree, off the host network",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.SecurityContext.WindowsOptions = windowsOpts(ptr.To(true))
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{WindowsOptions: windowsOpts(ptr.To(false))}
				p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "d", Image: "busybox",
					ImagePullPolicy: corev1.PullIfNotPresent, TerminationMessagePolicy: corev1.TerminationMessageReadFile})
			}),
			want: []wantErr{
				invalid("spec.containers[0].securityContext.windowsOptions.hostProcess", "pod hostProcess value must be identical if both are specified, was true").
					withBody("Invalid value: false: pod hostProcess value must be identical if both are specified, was true"),
				invalid("spec", "If pod contains any hostProcess containers then all containers must be HostProcess containers"),
				invalid("spec.hostNetwork", "hostNetwork must be true if pod contains any hostProcess containers"),
				forbidden("spec", "hostProcess containers are disallowed by cluster policy"),
			},
		},
		{
			name: "HostProcess off everywhere",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.SecurityContext.WindowsOptions = windowsOpts(ptr.To(false))
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{WindowsOptions: windowsOpts(nil)}
			}),
		},
		{
			// kube keeps an empty list apart from none; a client sends one as "supplementalGroups": [].
			name: "windows pod with an empty supplementalGroups list",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
				p.Spec.SecurityContext.SupplementalGroups = []int64{}
			}),
			want:        []wantErr{forbidden("spec.securityContext.supplementalGroups", "cannot be set for a windows pod")},
			unreachable: "Go's JSON encoding omits the empty list; checked by hand with a raw request",
		},
		{
			name: "os name missing",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.OS = &corev1.PodOS{} }),
			want: []wantErr{required("spec.os.name", "")},
		},
		{
			name: "os name unknown",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.OS = &corev1.PodOS{Name: "darwin"} }),
			want: []wantErr{notSupported("spec.os", `supported values: "linux", "windows"`)},
		},
		{
			name: "linux pod with windows options",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.OS = &corev1.PodOS{Name: corev1.Linux}
				p.Spec.SecurityContext.WindowsOptions = windowsOpts(nil)
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{WindowsOptions: windowsOpts(nil)}
			}),
			want: []wantErr{
				forbidden("spec.securityContext.windowsOptions", "windows options cannot be set for a linux pod"),
				forbidden("spec.containers[0].securityContext.windowsOptions", "windows options cannot be set for a linux pod"),
			},
		},
		{
			name: "windows pod with its own options",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
				p.Spec.SecurityContext.WindowsOptions = &corev1.WindowsSecurityContextOptions{RunAsUserName: ptr.To("ContainerUser")}
			}),
		},
		{
			name: "windows pod with linux-only settings",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
				p.Spec.HostUsers = ptr.To(true)
				p.Spec.HostPID = true
				p.Spec.HostIPC = true
				p.Spec.ShareProcessNamespace = ptr.To(false)
				p.Spec.SecurityContext = &corev1.PodSecurityContext{
					AppArmorProfile:          &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault},
					SELinuxOptions:           &corev1.SELinuxOptions{},
					SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					FSGroup:                  ptr.To[int64](1),
					FSGroupChangePolicy:      ptr.To(corev1.FSGroupChangeAlways),
					Sysctls:                  []corev1.Sysctl{{Name: "kernel.domainname", Value: "x"}},
					RunAsUser:                ptr.To[int64](1),
					RunAsGroup:               ptr.To[int64](1),
					SupplementalGroups:       []int64{1},
					SupplementalGroupsPolicy: ptr.To(corev1.SupplementalGroupsPolicyMerge),
					SELinuxChangePolicy:      ptr.To(corev1.SELinuxChangePolicyRecursive),
				}
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{
					AppArmorProfile:          &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault},
					SELinuxOptions:           &corev1.SELinuxOptions{},
					SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					Capabilities:             &corev1.Capabilities{},
					ReadOnlyRootFilesystem:   ptr.To(true),
					Privileged:               ptr.To(false),
					AllowPrivilegeEscalation: ptr.To(false),
					ProcMount:                ptr.To(corev1.DefaultProcMount),
					RunAsUser:                ptr.To[int64](1),
					RunAsGroup:               ptr.To[int64](1),
				}
			}),
			want: []wantErr{
				forbidden("spec.securityContext.appArmorProfile", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.seLinuxOptions", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.seccompProfile", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.fsGroup", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.fsGroupChangePolicy", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.sysctls", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.runAsUser", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.runAsGroup", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.supplementalGroups", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.supplementalGroupsPolicy", "cannot be set for a windows pod"),
				forbidden("spec.securityContext.seLinuxChangePolicy", "cannot be set for a windows pod"),
				forbidden("spec.hostUsers", "cannot be set for a windows pod"),
				forbidden("spec.hostPID", "cannot be set for a windows pod"),
				forbidden("spec.hostIPC", "cannot be set for a windows pod"),
				forbidden("spec.shareProcessNamespace", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.appArmorProfile", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.seLinuxOptions", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.seccompProfile", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.capabilities", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.readOnlyRootFilesystem", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.privileged", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.allowPrivilegeEscalation", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.procMount", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.runAsUser", "cannot be set for a windows pod"),
				forbidden("spec.containers[0].securityContext.runAsGroup", "cannot be set for a windows pod"),
			},
		},
	}
}

func TestHostNamespacesAndOS(t *testing.T) {
	runCreateCases(t, hostAndOSCases())
}

func TestUserNamespaceRelaxations(t *testing.T) {
	spec := &corev1.PodSpec{
		HostUsers:   ptr.To(false),
		HostNetwork: true,
		Containers:  []corev1.Container{{Name: "c", VolumeDevices: []corev1.VolumeDevice{{Name: "dev", DevicePath: "/dev/xvda"}}}},
	}
	opts := PodValidationOptions{AllowUserNamespacesHostNetworkSupport: true, AllowUserNamespacesWithVolumeDevices: true}
	if got := validateHostUsers(spec, nil, opts); len(got) != 0 {
		t.Errorf("relaxations must allow host network and devices, got %v", got)
	}
}
