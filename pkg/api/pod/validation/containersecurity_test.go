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

func TestValidateContainerSecurityContext(t *testing.T) {
	// The rendering kube gives its internal SecurityContext, recorded from kube-apiserver v1.37.2.
	const fullValue = `{"Capabilities":{"Add":["CAP_SYS_ADMIN","CAP_SYS_ADMIN"],"Drop":["ALL"]},"Privileged":null,"SELinuxOptions":{"User":"u","Role":"","Type":"","Level":"s0"},"WindowsOptions":{"GMSACredentialSpecName":null,"GMSACredentialSpec":null,"RunAsUserName":"x\u003cy","HostProcess":null},"RunAsUser":null,"RunAsGroup":null,"RunAsNonRoot":true,"ReadOnlyRootFilesystem":false,"AllowPrivilegeEscalation":false,"ProcMount":"Unmasked","SeccompProfile":{"Type":"RuntimeDefault","LocalhostProfile":null},"AppArmorProfile":null}`
	const privValue = `{"Capabilities":null,"Privileged":true,"SELinuxOptions":null,"WindowsOptions":null,"RunAsUser":null,"RunAsGroup":null,"RunAsNonRoot":null,"ReadOnlyRootFilesystem":null,"AllowPrivilegeEscalation":false,"ProcMount":null,"SeccompProfile":null,"AppArmorProfile":null}`
	sysAdminMsg := "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"
	cases := []struct {
		name            string
		sc              *corev1.SecurityContext
		hostUsers       bool
		allowPrivileged bool
		allowSysAdmin   bool
		want            []ctrErr
	}{
		{name: "none", hostUsers: true},
		{name: "valid", hostUsers: true, sc: &corev1.SecurityContext{
			RunAsUser: ptr.To[int64](0), RunAsGroup: ptr.To[int64](2147483647), ProcMount: ptr.To(corev1.DefaultProcMount),
			AllowPrivilegeEscalation: ptr.To(false), Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "SYS_ADMIN"}},
		}},
		{
			name:      "ids and procMount",
			hostUsers: true,
			sc:        &corev1.SecurityContext{RunAsUser: ptr.To[int64](-1), RunAsGroup: ptr.To[int64](4294967296), ProcMount: ptr.To(corev1.ProcMountType("Weird"))},
			want: []ctrErr{
				ctrInvalid("sc.runAsUser", "").withBody("Invalid value: -1: must be between 0 and 2147483647, inclusive"),
				ctrInvalid("sc.runAsGroup", "").withBody("Invalid value: 4294967296: must be between 0 and 2147483647, inclusive"),
				ctrNotSupported("sc.procMount", `Unsupported value: "Weird": supported values: "Default", "Unmasked"`),
			},
		},
		{name: "unmasked procMount in a user namespace", sc: &corev1.SecurityContext{ProcMount: ptr.To(corev1.UnmaskedProcMount)}},
		{
			name:      "unmasked with host users; no privilege escalation with CAP_SYS_ADMIN, once per entry",
			hostUsers: true,
			sc: &corev1.SecurityContext{
				ProcMount:                ptr.To(corev1.UnmaskedProcMount),
				AllowPrivilegeEscalation: ptr.To(false),
				Capabilities:             &corev1.Capabilities{Add: []corev1.Capability{"CAP_SYS_ADMIN", "CAP_SYS_ADMIN"}, Drop: []corev1.Capability{"ALL"}},
				SELinuxOptions:           &corev1.SELinuxOptions{User: "u", Level: "s0"},
				RunAsNonRoot:             ptr.To(true),
				ReadOnlyRootFilesystem:   ptr.To(false),
				WindowsOptions:           &corev1.WindowsSecurityContextOptions{RunAsUserName: ptr.To("x<y")},
				SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			want: []ctrErr{
				ctrInvalid("sc.procMount", "").withBody("Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`"),
				ctrInvalid("sc", "").withBody("Invalid value: " + fullValue + ": " + sysAdminMsg),
				ctrInvalid("sc", "").withBody("Invalid value: " + fullValue + ": " + sysAdminMsg),
				ctrInvalid("sc.windowsOptions.runAsUserName", "").withBody(`Invalid value: "x\u003cy": runAsUserName's User cannot contain the following characters: "/\:;|=,+*?<>@[]`),
			},
		},
		{
			name:          "CAP_SYS_ADMIN tolerated on update",
			hostUsers:     true,
			allowSysAdmin: true,
			sc:            &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"CAP_SYS_ADMIN"}}},
		},
		{
			name:      "privileged is disallowed by default, and conflicts with no privilege escalation",
			hostUsers: true,
			sc:        &corev1.SecurityContext{Privileged: ptr.To(true), AllowPrivilegeEscalation: ptr.To(false)},
			want: []ctrErr{
				ctrForbidden("sc.privileged", "disallowed by cluster policy"),
				ctrInvalid("sc", "").withBody("Invalid value: " + privValue + ": cannot set `allowPrivilegeEscalation` to false and `privileged` to true"),
			},
		},
		{name: "privileged when the server allows it", hostUsers: true, allowPrivileged: true, sc: &corev1.SecurityContext{Privileged: ptr.To(true)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			SetAllowPrivileged(tc.allowPrivileged)
			defer SetAllowPrivileged(false)
			ctrCheckErrs(t, validateContainerSecurityContext(tc.sc, field.NewPath("sc"), tc.hostUsers, tc.allowSysAdmin), tc.want)
		})
	}
}
