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
	"encoding/json"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// allowPrivileged mirrors kube-apiserver's --allow-privileged, false unless the server turns it
// on, as in kube.
var allowPrivileged atomic.Bool

// SetAllowPrivileged lets privileged containers be created (kube-apiserver --allow-privileged).
func SetAllowPrivileged(allow bool) { allowPrivileged.Store(allow) }

// validateContainerSecurityContext validates a container's securityContext.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateSecurityContext
func validateContainerSecurityContext(sc *corev1.SecurityContext, fldPath *field.Path, hostUsers, allowSysAdminWhenPrivilegeEscalationFalse bool) field.ErrorList {
	if sc == nil {
		return nil
	}
	var allErrs field.ErrorList
	privileged := sc.Privileged != nil && *sc.Privileged
	if privileged && !allowPrivileged.Load() {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("privileged"), "disallowed by cluster policy"))
	}
	if sc.RunAsUser != nil {
		allErrs = append(allErrs, invalidForEachValue(*sc.RunAsUser, utilvalidation.IsValidUserID(*sc.RunAsUser), fldPath.Child("runAsUser"))...)
	}
	if sc.RunAsGroup != nil {
		allErrs = append(allErrs, invalidForEachValue(*sc.RunAsGroup, utilvalidation.IsValidGroupID(*sc.RunAsGroup), fldPath.Child("runAsGroup"))...)
	}
	if sc.ProcMount != nil {
		procMountPath := fldPath.Child("procMount")
		switch *sc.ProcMount {
		case corev1.DefaultProcMount, corev1.UnmaskedProcMount:
		default:
			allErrs = append(allErrs, field.NotSupported(procMountPath, *sc.ProcMount, []corev1.ProcMountType{corev1.DefaultProcMount, corev1.UnmaskedProcMount}))
		}
		// An unmasked /proc is only safe inside a user namespace.
		if hostUsers && *sc.ProcMount == corev1.UnmaskedProcMount {
			allErrs = append(allErrs, field.Invalid(procMountPath, sc.ProcMount, "`hostUsers` must be false to use `Unmasked`"))
		}
	}
	allErrs = append(allErrs, validateSeccompProfileField(sc.SeccompProfile, fldPath.Child("seccompProfile"))...)
	if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
		if privileged {
			allErrs = append(allErrs, field.Invalid(fldPath, kubeSecurityContextValue(sc), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
		}
		if !allowSysAdminWhenPrivilegeEscalationFalse && sc.Capabilities != nil {
			for _, c := range sc.Capabilities.Add {
				if c == "CAP_SYS_ADMIN" {
					allErrs = append(allErrs, field.Invalid(fldPath, kubeSecurityContextValue(sc), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
				}
			}
		}
	}
	allErrs = append(allErrs, validateWindowsSecurityContextOptions(sc.WindowsOptions, fldPath.Child("windowsOptions"))...)
	allErrs = append(allErrs, validateAppArmorProfileField(sc.AppArmorProfile, fldPath.Child("appArmorProfile"))...)
	return allErrs
}

// kubeSecurityContextValue renders a security context as kube shows it in an error: kube
// validates its internal type, which has no JSON tags, so the value appears with Go field names,
// in the internal field order, with nil pointers and slices as null. The shapes below reproduce
// that rendering from the v1 type.
func kubeSecurityContextValue(sc *corev1.SecurityContext) json.RawMessage {
	type capabilities struct {
		Add  []corev1.Capability
		Drop []corev1.Capability
	}
	type seLinuxOptions struct {
		User, Role, Type, Level string
	}
	type windowsOptions struct {
		GMSACredentialSpecName *string
		GMSACredentialSpec     *string
		RunAsUserName          *string
		HostProcess            *bool
	}
	type seccompProfile struct {
		Type             corev1.SeccompProfileType
		LocalhostProfile *string
	}
	type appArmorProfile struct {
		Type             corev1.AppArmorProfileType
		LocalhostProfile *string
	}
	type securityContext struct {
		Capabilities             *capabilities
		Privileged               *bool
		SELinuxOptions           *seLinuxOptions
		WindowsOptions           *windowsOptions
		RunAsUser                *int64
		RunAsGroup               *int64
		RunAsNonRoot             *bool
		ReadOnlyRootFilesystem   *bool
		AllowPrivilegeEscalation *bool
		ProcMount                *corev1.ProcMountType
		SeccompProfile           *seccompProfile
		AppArmorProfile          *appArmorProfile
	}

	out := securityContext{
		Privileged:               sc.Privileged,
		RunAsUser:                sc.RunAsUser,
		RunAsGroup:               sc.RunAsGroup,
		RunAsNonRoot:             sc.RunAsNonRoot,
		ReadOnlyRootFilesystem:   sc.ReadOnlyRootFilesystem,
		AllowPrivilegeEscalation: sc.AllowPrivilegeEscalation,
		ProcMount:                sc.ProcMount,
	}
	if c := sc.Capabilities; c != nil {
		out.Capabilities = &capabilities{Add: c.Add, Drop: c.Drop}
	}
	if o := sc.SELinuxOptions; o != nil {
		out.SELinuxOptions = &seLinuxOptions{User: o.User, Role: o.Role, Type: o.Type, Level: o.Level}
	}
	if w := sc.WindowsOptions; w != nil {
		out.WindowsOptions = &windowsOptions{GMSACredentialSpecName: w.GMSACredentialSpecName, GMSACredentialSpec: w.GMSACredentialSpec, RunAsUserName: w.RunAsUserName, HostProcess: w.HostProcess}
	}
	if p := sc.SeccompProfile; p != nil {
		out.SeccompProfile = &seccompProfile{Type: p.Type, LocalhostProfile: p.LocalhostProfile}
	}
	if p := sc.AppArmorProfile; p != nil {
		out.AppArmorProfile = &appArmorProfile{Type: p.Type, LocalhostProfile: p.LocalhostProfile}
	}
	raw, err := json.Marshal(out)
	if err != nil {
		// Cannot happen for these plain shapes; fall back to the v1 rendering.
		raw, _ = json.Marshal(sc)
	}
	return raw
}
