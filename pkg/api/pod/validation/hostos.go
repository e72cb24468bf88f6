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

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// Checks of the host namespaces a pod shares and of the operating system it targets. In v1 the
// host namespace switches sit in the spec, and kube names them there too (spec.hostNetwork...).

// validatePodHostNetworkDeps requires, for a pod on the host network, that each port of a regular
// container be published on the host under its own number (defaulting fills a missing hostPort).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodHostNetworkDeps
func validatePodHostNetworkDeps(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	if !spec.HostNetwork {
		return nil
	}
	var allErrs field.ErrorList
	for i, c := range spec.Containers {
		for j, port := range c.Ports {
			if port.HostPort != port.ContainerPort {
				allErrs = append(allErrs, field.Invalid(fldPath.Child("containers").Index(i).Child("ports").Index(j).Child("hostPort"),
					port.HostPort, "must match `containerPort` when `hostNetwork` is true"))
			}
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateShareProcessNamespace
func validateShareProcessNamespace(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	if spec.ShareProcessNamespace != nil && *spec.ShareProcessNamespace && spec.HostPID {
		return field.ErrorList{field.Invalid(fldPath.Child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled")}
	}
	return nil
}

// validateHostUsers keeps a pod in its own user namespace (hostUsers: false) from sharing the
// host's other namespaces or using raw block devices, which cannot be id-mapped.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateHostUsers
func validateHostUsers(spec *corev1.PodSpec, fldPath *field.Path, opts PodValidationOptions) field.ErrorList {
	if spec.HostUsers == nil || *spec.HostUsers {
		return nil
	}
	const detail = "when `hostUsers` is false"
	var allErrs field.ErrorList
	if spec.HostNetwork && !opts.AllowUserNamespacesHostNetworkSupport {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("hostNetwork"), detail))
	}
	// kube names these two with capitals, unlike the JSON fields.
	if spec.HostPID {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("HostPID"), detail))
	}
	if spec.HostIPC {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("HostIPC"), detail))
	}
	if !opts.AllowUserNamespacesWithVolumeDevices {
		forEachPodContainer(spec, fldPath, func(c *corev1.Container, cPath *field.Path) {
			if len(c.VolumeDevices) > 0 {
				allErrs = append(allErrs, field.Forbidden(cPath.Child("volumeDevices"), detail))
			}
		})
	}
	return allErrs
}

// validateWindowsHostProcessPod checks HostProcess containers: the pod and container settings may
// not disagree, it is all or none of the containers, and they run on the host network. They are
// privileged, which this server, like kube-apiserver by default, does not allow.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateWindowsHostProcessPod
func validateWindowsHostProcessPod(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var podHostProcess *bool
	if spec.SecurityContext != nil && spec.SecurityContext.WindowsOptions != nil {
		podHostProcess = spec.SecurityContext.WindowsOptions.HostProcess
	}
	var allErrs field.ErrorList
	containers, hostProcessContainers := 0, 0
	forEachPodContainer(spec, fldPath, func(c *corev1.Container, cPath *field.Path) {
		containers++
		var hostProcess *bool
		if c.SecurityContext != nil && c.SecurityContext.WindowsOptions != nil {
			hostProcess = c.SecurityContext.WindowsOptions.HostProcess
		}
		if podHostProcess != nil && hostProcess != nil && *podHostProcess != *hostProcess {
			allErrs = append(allErrs, field.Invalid(cPath.Child("securityContext", "windowsOptions", "hostProcess"), *hostProcess,
				fmt.Sprintf("pod hostProcess value must be identical if both are specified, was %v", *podHostProcess)))
		}
		if (hostProcess != nil && *hostProcess) || (hostProcess == nil && podHostProcess != nil && *podHostProcess) {
			hostProcessContainers++
		}
	})
	if hostProcessContainers == 0 {
		return allErrs
	}
	if hostProcessContainers != containers {
		allErrs = append(allErrs, field.Invalid(fldPath, "", "If pod contains any hostProcess containers then all containers must be HostProcess containers"))
	}
	if !spec.HostNetwork {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("hostNetwork"), false, "hostNetwork must be true if pod contains any hostProcess containers"))
	}
	if !allowPrivileged.Load() {
		allErrs = append(allErrs, field.Forbidden(fldPath, "hostProcess containers are disallowed by cluster policy"))
	}
	return allErrs
}

// validatePodOS checks spec.os and, once its name is valid, the settings that OS cannot honour.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateOS
func validatePodOS(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	if spec.OS == nil {
		return nil
	}
	osPath := fldPath.Child("os")
	switch spec.OS.Name {
	case "":
		return field.ErrorList{field.Required(osPath.Child("name"), "")}
	case corev1.Linux:
		return validateLinuxPod(spec, fldPath)
	case corev1.Windows:
		return validateWindowsPod(spec, fldPath)
	}
	// kube reports the unsupported name on spec.os itself.
	return field.ErrorList{field.NotSupported(osPath, spec.OS.Name, []corev1.OSName{corev1.Linux, corev1.Windows})}
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateLinux
func validateLinuxPod(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	const detail = "windows options cannot be set for a linux pod"
	var allErrs field.ErrorList
	if spec.SecurityContext != nil && spec.SecurityContext.WindowsOptions != nil {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("securityContext", "windowsOptions"), detail))
	}
	forEachPodContainer(spec, fldPath, func(c *corev1.Container, cPath *field.Path) {
		if c.SecurityContext != nil && c.SecurityContext.WindowsOptions != nil {
			allErrs = append(allErrs, field.Forbidden(cPath.Child("securityContext", "windowsOptions"), detail))
		}
	})
	return allErrs
}

// validateWindowsPod forbids the Linux-only settings, in kube's order.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateWindows
func validateWindowsPod(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	forbid := func(set bool, p *field.Path) {
		if set {
			allErrs = append(allErrs, field.Forbidden(p, "cannot be set for a windows pod"))
		}
	}
	if sc := spec.SecurityContext; sc != nil {
		scPath := fldPath.Child("securityContext")
		forbid(sc.AppArmorProfile != nil, scPath.Child("appArmorProfile"))
		forbid(sc.SELinuxOptions != nil, scPath.Child("seLinuxOptions"))
		forbid(sc.SeccompProfile != nil, scPath.Child("seccompProfile"))
		forbid(sc.FSGroup != nil, scPath.Child("fsGroup"))
		forbid(sc.FSGroupChangePolicy != nil, scPath.Child("fsGroupChangePolicy"))
		forbid(len(sc.Sysctls) > 0, scPath.Child("sysctls"))
		forbid(sc.RunAsUser != nil, scPath.Child("runAsUser"))
		forbid(sc.RunAsGroup != nil, scPath.Child("runAsGroup"))
		forbid(sc.SupplementalGroups != nil, scPath.Child("supplementalGroups"))
		forbid(sc.SupplementalGroupsPolicy != nil, scPath.Child("supplementalGroupsPolicy"))
		forbid(sc.SELinuxChangePolicy != nil, scPath.Child("seLinuxChangePolicy"))
	}
	forbid(spec.HostUsers != nil, fldPath.Child("hostUsers"))
	forbid(spec.HostPID, fldPath.Child("hostPID"))
	forbid(spec.HostIPC, fldPath.Child("hostIPC"))
	forbid(spec.ShareProcessNamespace != nil, fldPath.Child("shareProcessNamespace"))
	forEachPodContainer(spec, fldPath, func(c *corev1.Container, cPath *field.Path) {
		sc := c.SecurityContext
		if sc == nil {
			return
		}
		scPath := cPath.Child("securityContext")
		forbid(sc.AppArmorProfile != nil, scPath.Child("appArmorProfile"))
		forbid(sc.SELinuxOptions != nil, scPath.Child("seLinuxOptions"))
		forbid(sc.SeccompProfile != nil, scPath.Child("seccompProfile"))
		forbid(sc.Capabilities != nil, scPath.Child("capabilities"))
		forbid(sc.ReadOnlyRootFilesystem != nil, scPath.Child("readOnlyRootFilesystem"))
		forbid(sc.Privileged != nil, scPath.Child("privileged"))
		forbid(sc.AllowPrivilegeEscalation != nil, scPath.Child("allowPrivilegeEscalation"))
		forbid(sc.ProcMount != nil, scPath.Child("procMount"))
		forbid(sc.RunAsUser != nil, scPath.Child("runAsUser"))
		forbid(sc.RunAsGroup != nil, scPath.Child("runAsGroup"))
	})
	return allErrs
}
