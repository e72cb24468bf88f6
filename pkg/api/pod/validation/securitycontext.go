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
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/component-helpers/node/util/sysctl"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// The security profile checks are shared by the pod and the container security contexts.

// validatePodSpecSecurityContext validates spec.securityContext and the sysctls' agreement with
// the host namespaces the pod shares.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodSpecSecurityContext
func validatePodSpecSecurityContext(securityContext *corev1.PodSecurityContext, spec *corev1.PodSpec, specPath, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	if securityContext == nil {
		return nil
	}
	var allErrs field.ErrorList
	sc := securityContext
	if sc.FSGroup != nil {
		allErrs = append(allErrs, invalidForEachInt(*sc.FSGroup, utilvalidation.IsValidGroupID(*sc.FSGroup), fldPath.Child("fsGroup"))...)
	}
	if sc.RunAsUser != nil {
		allErrs = append(allErrs, invalidForEachInt(*sc.RunAsUser, utilvalidation.IsValidUserID(*sc.RunAsUser), fldPath.Child("runAsUser"))...)
	}
	if sc.RunAsGroup != nil {
		allErrs = append(allErrs, invalidForEachInt(*sc.RunAsGroup, utilvalidation.IsValidGroupID(*sc.RunAsGroup), fldPath.Child("runAsGroup"))...)
	}
	for i, gid := range sc.SupplementalGroups {
		allErrs = append(allErrs, invalidForEachInt(gid, utilvalidation.IsValidGroupID(gid), fldPath.Child("supplementalGroups").Index(i))...)
	}
	if len(sc.Sysctls) > 0 {
		allErrs = append(allErrs, validateSysctls(sc.Sysctls, spec, fldPath.Child("sysctls"), opts)...)
	}
	if p := sc.FSGroupChangePolicy; p != nil && *p != corev1.FSGroupChangeOnRootMismatch && *p != corev1.FSGroupChangeAlways {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("fsGroupChangePolicy"), p,
			[]corev1.PodFSGroupChangePolicy{corev1.FSGroupChangeAlways, corev1.FSGroupChangeOnRootMismatch}))
	}
	allErrs = append(allErrs, validateSeccompProfileField(sc.SeccompProfile, fldPath.Child("seccompProfile"))...)
	allErrs = append(allErrs, validateWindowsSecurityContextOptions(sc.WindowsOptions, fldPath.Child("windowsOptions"))...)
	allErrs = append(allErrs, validateAppArmorProfileField(sc.AppArmorProfile, fldPath.Child("appArmorProfile"))...)
	if p := sc.SupplementalGroupsPolicy; p != nil && *p != corev1.SupplementalGroupsPolicyMerge && *p != corev1.SupplementalGroupsPolicyStrict {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("supplementalGroupsPolicy"), p,
			[]corev1.SupplementalGroupsPolicy{corev1.SupplementalGroupsPolicyMerge, corev1.SupplementalGroupsPolicyStrict}))
	}
	if sc.SELinuxChangePolicy != nil {
		allErrs = append(allErrs, validateSELinuxChangePolicy(*sc.SELinuxChangePolicy, fldPath.Child("seLinuxChangePolicy"), opts)...)
	}
	return allErrs
}

func invalidForEachInt(value int64, msgs []string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, msg := range msgs {
		allErrs = append(allErrs, field.Invalid(fldPath, value, msg))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateSELinuxChangePolicy
func validateSELinuxChangePolicy(policy corev1.PodSELinuxChangePolicy, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	if opts.AllowOnlyRecursiveSELinuxChangePolicy {
		if policy != corev1.SELinuxChangePolicyRecursive {
			return field.ErrorList{field.NotSupported(fldPath, policy, []corev1.PodSELinuxChangePolicy{corev1.SELinuxChangePolicyRecursive})}
		}
		return nil
	}
	if policy != corev1.SELinuxChangePolicyRecursive && policy != corev1.SELinuxChangePolicyMountOption {
		return field.ErrorList{field.NotSupported(fldPath, policy,
			[]corev1.PodSELinuxChangePolicy{corev1.SELinuxChangePolicyMountOption, corev1.SELinuxChangePolicyRecursive})}
	}
	return nil
}

const sysctlMaxLength = 253

// sysctlNamePattern is a sysctl name: dot- or slash-separated segments of lower-case
// alphanumerics, '-' and '_', each starting and ending alphanumeric. Its text is part of the
// error message.
var sysctlNamePattern = regexp.MustCompile(`^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateSysctls
func validateSysctls(sysctls []corev1.Sysctl, spec *corev1.PodSpec, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, s := range sysctls {
		namePath := fldPath.Index(i).Child("name")
		switch {
		case s.Name == "":
			allErrs = append(allErrs, field.Required(namePath, ""))
		case len(s.Name) > sysctlMaxLength || !sysctlNamePattern.MatchString(s.Name):
			allErrs = append(allErrs, field.Invalid(namePath, s.Name, fmt.Sprintf("must have at most %d characters and match regex %s", sysctlMaxLength, sysctlNamePattern)))
		case seen.Has(s.Name):
			allErrs = append(allErrs, field.Duplicate(namePath, s.Name))
		}
		if !opts.AllowNamespacedSysctlsForHostNetAndHostIPC {
			// A namespaced sysctl would change the host's own namespace when the pod shares it.
			ns, _, _ := sysctl.GetNamespace(s.Name)
			switch {
			case spec.HostNetwork && ns == sysctl.NetNamespace:
				allErrs = append(allErrs, field.Invalid(namePath, s.Name, "may not be specified when 'hostNetwork' is true"))
			case spec.HostIPC && ns == sysctl.IPCNamespace:
				allErrs = append(allErrs, field.Invalid(namePath, s.Name, "may not be specified when 'hostIPC' is true"))
			}
		}
		seen.Insert(s.Name)
	}
	return allErrs
}

// validateSeccompProfileField validates a seccompProfile of the pod or of a container.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateSeccompProfileField
func validateSeccompProfileField(sp *corev1.SeccompProfile, fldPath *field.Path) field.ErrorList {
	if sp == nil {
		return nil
	}
	var allErrs field.ErrorList
	switch sp.Type {
	case corev1.SeccompProfileTypeLocalhost, corev1.SeccompProfileTypeRuntimeDefault, corev1.SeccompProfileTypeUnconfined:
	case "":
		allErrs = append(allErrs, field.Required(fldPath.Child("type"), "type is required when seccompProfile is set"))
	default:
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("type"), sp.Type,
			[]corev1.SeccompProfileType{corev1.SeccompProfileTypeLocalhost, corev1.SeccompProfileTypeRuntimeDefault, corev1.SeccompProfileTypeUnconfined}))
	}
	switch {
	case sp.Type == corev1.SeccompProfileTypeLocalhost && sp.LocalhostProfile == nil:
		allErrs = append(allErrs, field.Required(fldPath.Child("localhostProfile"), "must be set when seccomp type is Localhost"))
	case sp.Type == corev1.SeccompProfileTypeLocalhost:
		allErrs = append(allErrs, validateSeccompLocalPath(*sp.LocalhostProfile, fldPath.Child("localhostProfile"))...)
	case sp.LocalhostProfile != nil:
		allErrs = append(allErrs, field.Invalid(fldPath.Child("localhostProfile"), sp, "can only be set when seccomp type is Localhost"))
	}
	return allErrs
}

// validateSeccompLocalPath requires a path relative to the node's seccomp directory that cannot
// climb out of it.
func validateSeccompLocalPath(p string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if path.IsAbs(p) {
		allErrs = append(allErrs, field.Invalid(fldPath, p, "must be a relative path"))
	}
	for _, part := range strings.Split(filepath.ToSlash(p), "/") {
		if part == ".." {
			allErrs = append(allErrs, field.Invalid(fldPath, p, "must not contain '..'"))
			break
		}
	}
	return allErrs
}

// maxAppArmorLocalhostProfileLength is PATH_MAX less the terminating NUL.
const maxAppArmorLocalhostProfileLength = 4095

// validateAppArmorProfileField validates an appArmorProfile of the pod or of a container.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateAppArmorProfileField
func validateAppArmorProfileField(profile *corev1.AppArmorProfile, fldPath *field.Path) field.ErrorList {
	if profile == nil {
		return nil
	}
	var allErrs field.ErrorList
	localPath := fldPath.Child("localhostProfile")
	switch profile.Type {
	case corev1.AppArmorProfileTypeLocalhost:
		if profile.LocalhostProfile == nil {
			return field.ErrorList{field.Required(localPath, "must be set when AppArmor type is Localhost")}
		}
		name := *profile.LocalhostProfile
		if strings.TrimSpace(name) != name {
			allErrs = append(allErrs, field.Invalid(localPath, name, "must not be padded with whitespace"))
		} else if name == "" {
			allErrs = append(allErrs, field.Required(localPath, "must be set when AppArmor type is Localhost"))
		}
		if len(name) > maxAppArmorLocalhostProfileLength {
			allErrs = append(allErrs, field.TooLong(localPath, "", maxAppArmorLocalhostProfileLength))
		}
	case corev1.AppArmorProfileTypeRuntimeDefault, corev1.AppArmorProfileTypeUnconfined:
		if profile.LocalhostProfile != nil {
			allErrs = append(allErrs, field.Invalid(localPath, profile.LocalhostProfile, "can only be set when AppArmor type is Localhost"))
		}
	case "":
		allErrs = append(allErrs, field.Required(fldPath.Child("type"), "type is required when appArmorProfile is set"))
	default:
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("type"), profile.Type,
			[]corev1.AppArmorProfileType{corev1.AppArmorProfileTypeLocalhost, corev1.AppArmorProfileTypeRuntimeDefault, corev1.AppArmorProfileTypeUnconfined}))
	}
	return allErrs
}

// Limits of Windows account names and GMSA credential specs, as Windows and kube set them.
const (
	maxGMSACredentialSpecKiB     = 64
	maxRunAsUserNameDomainLength = 256
	maxRunAsUserNameUserLength   = 104
)

var (
	controlCharsPattern = regexp.MustCompile(`[[:cntrl:]]+`)
	// A NetBIOS domain: up to 15 characters, none of \/:*?"<>| and not starting with a dot.
	netBIOSDomainPattern = regexp.MustCompile(`^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$`)
	// A DNS domain of case-insensitive labels.
	dnsDomainPattern = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)
	// Characters Windows refuses in a user name.
	forbiddenUserNameChars = regexp.MustCompile(`["/\\:;|=,\+\*\?<>@\[\]]`)
	onlyDotsOrSpaces       = regexp.MustCompile(`^[\. ]+$`)
)

// validateWindowsSecurityContextOptions validates windowsOptions of the pod or of a container.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateWindowsSecurityContextOptions
func validateWindowsSecurityContextOptions(windowsOptions *corev1.WindowsSecurityContextOptions, fldPath *field.Path) field.ErrorList {
	if windowsOptions == nil {
		return nil
	}
	var allErrs field.ErrorList
	if name := windowsOptions.GMSACredentialSpecName; name != nil {
		for _, msg := range utilvalidation.IsDNS1123Subdomain(*name) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("gmsaCredentialSpecName"), name, msg))
		}
	}
	if spec := windowsOptions.GMSACredentialSpec; spec != nil {
		specPath := fldPath.Child("gmsaCredentialSpec")
		if len(*spec) == 0 {
			allErrs = append(allErrs, field.Invalid(specPath, spec, "gmsaCredentialSpec cannot be an empty string"))
		} else if len(*spec) > maxGMSACredentialSpecKiB*1024 {
			allErrs = append(allErrs, field.Invalid(specPath, spec, fmt.Sprintf("gmsaCredentialSpec size must be under %d KiB", maxGMSACredentialSpecKiB)))
		}
	}
	if windowsOptions.RunAsUserName != nil {
		allErrs = append(allErrs, validateRunAsUserName(windowsOptions.RunAsUserName, fldPath.Child("runAsUserName"))...)
	}
	return allErrs
}

// validateRunAsUserName checks a Windows account name, "User" or "Domain\User". Like kube, it
// reports the pointer, whose JSON rendering differs from a quoted string for some characters.
func validateRunAsUserName(namePtr *string, fldPath *field.Path) field.ErrorList {
	name := *namePtr
	invalid := func(msg string) *field.Error { return field.Invalid(fldPath, namePtr, msg) }
	if name == "" {
		return field.ErrorList{invalid("runAsUserName cannot be an empty string")}
	}
	if controlCharsPattern.MatchString(name) {
		return field.ErrorList{invalid("runAsUserName cannot contain control characters")}
	}
	parts := strings.Split(name, `\`)
	if len(parts) > 2 {
		return field.ErrorList{invalid("runAsUserName cannot contain more than one backslash")}
	}
	user, domain, hasDomain := parts[0], "", false
	if len(parts) == 2 {
		domain, user, hasDomain = parts[0], parts[1], true
	}
	var allErrs field.ErrorList
	if len(domain) >= maxRunAsUserNameDomainLength {
		allErrs = append(allErrs, invalid(fmt.Sprintf("runAsUserName's Domain length must be under %d characters", maxRunAsUserNameDomainLength)))
	}
	if hasDomain && !netBIOSDomainPattern.MatchString(domain) && !dnsDomainPattern.MatchString(domain) {
		allErrs = append(allErrs, invalid("runAsUserName's Domain doesn't match the NetBios nor the DNS format"))
	}
	if len(user) == 0 {
		allErrs = append(allErrs, invalid("runAsUserName's User cannot be empty"))
	} else if len(user) > maxRunAsUserNameUserLength {
		allErrs = append(allErrs, invalid(fmt.Sprintf("runAsUserName's User length must not be longer than %d characters", maxRunAsUserNameUserLength)))
	}
	if onlyDotsOrSpaces.MatchString(user) {
		allErrs = append(allErrs, invalid(`runAsUserName's User cannot contain only periods or spaces`))
	}
	if forbiddenUserNameChars.MatchString(user) {
		allErrs = append(allErrs, invalid(`runAsUserName's User cannot contain the following characters: "/\:;|=,+*?<>@[]`))
	}
	return allErrs
}
