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
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// validateContainers validates spec.containers; volumes are the pod's validated volumes by name.
// Names only need to be unique among regular containers here: clashes with init and ephemeral
// containers are reported by their own checks, so that each clash is reported once.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainers
func validateContainers(containers []corev1.Container, os *corev1.PodOS, volumes map[string]corev1.VolumeSource, podClaimNames sets.Set[string], gracePeriod *int64, fldPath *field.Path, opts PodValidationOptions, podRestartPolicy *corev1.RestartPolicy, hostUsers bool) field.ErrorList {
	if len(containers) == 0 {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	var allErrs field.ErrorList
	names := sets.New[string]()
	for i := range containers {
		ctr := &containers[i]
		path := fldPath.Index(i)
		allErrs = append(allErrs, validateContainerCommon(ctr, volumes, podClaimNames, path, opts, podRestartPolicy, hostUsers)...)
		if names.Has(ctr.Name) {
			allErrs = append(allErrs, field.Duplicate(path.Child("name"), ctr.Name))
		} else {
			names.Insert(ctr.Name)
		}
		if ctr.Lifecycle != nil {
			allErrs = append(allErrs, validateLifecycle(ctr.Lifecycle, gracePeriod, path.Child("lifecycle"))...)
		}
		allErrs = append(allErrs, validateContainerProbes(ctr, gracePeriod, path)...)
		if opts.AllowContainerRestartPolicyRules {
			allErrs = append(allErrs, validateContainerRestartPolicy(ctr.RestartPolicy, ctr.RestartPolicyRules, path, opts)...)
		} else if ctr.RestartPolicy != nil {
			allErrs = append(allErrs, field.Forbidden(path.Child("restartPolicy"), "may not be set for non-init containers"))
		}
	}
	// Regular containers all run at once, so their host ports must not collide.
	return append(allErrs, checkHostPortConflicts(containers, fldPath)...)
}

const notForPlainInitContainers = "may not be set for init containers without restartPolicy=Always"

// validateInitContainers validates spec.initContainers, including sidecars.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateInitContainers
func validateInitContainers(containers []corev1.Container, os *corev1.PodOS, regularContainers []corev1.Container, volumes map[string]corev1.VolumeSource, podClaimNames sets.Set[string], gracePeriod *int64, fldPath *field.Path, opts PodValidationOptions, podRestartPolicy *corev1.RestartPolicy, hostUsers bool) field.ErrorList {
	var allErrs field.ErrorList
	names := sets.New[string]()
	for _, ctr := range regularContainers {
		names.Insert(ctr.Name)
	}
	for i := range containers {
		ctr := &containers[i]
		path := fldPath.Index(i)
		allErrs = append(allErrs, validateContainerCommon(ctr, volumes, podClaimNames, path, opts, podRestartPolicy, hostUsers)...)
		allErrs = append(allErrs, validateInitContainerRestartPolicy(ctr.RestartPolicy, ctr.RestartPolicyRules, path, opts)...)
		sidecar := ctr.RestartPolicy != nil && *ctr.RestartPolicy == corev1.ContainerRestartPolicyAlways

		if names.Has(ctr.Name) {
			allErrs = append(allErrs, field.Duplicate(path.Child("name"), ctr.Name))
		} else if ctr.Name != "" {
			names.Insert(ctr.Name)
		}

		// Init containers run one after another, so only ports within one of them can collide.
		// kube checks each as a list of one, which puts index 0 in the path of every conflict.
		allErrs = append(allErrs, checkHostPortConflicts([]corev1.Container{*ctr}, fldPath)...)

		if sidecar {
			// A sidecar runs beside the regular containers and so may have what they have.
			if ctr.Lifecycle != nil {
				allErrs = append(allErrs, validateLifecycle(ctr.Lifecycle, gracePeriod, path.Child("lifecycle"))...)
			}
			allErrs = append(allErrs, validateContainerProbes(ctr, gracePeriod, path)...)
		} else {
			for _, f := range []struct {
				name string
				set  bool
			}{
				{"lifecycle", ctr.Lifecycle != nil},
				{"livenessProbe", ctr.LivenessProbe != nil},
				{"readinessProbe", ctr.ReadinessProbe != nil},
				{"startupProbe", ctr.StartupProbe != nil},
			} {
				if f.set {
					allErrs = append(allErrs, field.Forbidden(path.Child(f.name), notForPlainInitContainers))
				}
			}
		}

		if !opts.AllowSidecarResizePolicy && len(ctr.ResizePolicy) > 0 {
			allErrs = append(allErrs, field.Invalid(path.Child("resizePolicy"), ctr.ResizePolicy, "must not be set for init containers"))
		}
		// A plain init container has run to completion before any resize, so there is nothing
		// to restart.
		if !sidecar && !opts.AllowExistingRestartContainerForNonSidecarInitContainer {
			for j, p := range ctr.ResizePolicy {
				if p.RestartPolicy == corev1.RestartContainer {
					allErrs = append(allErrs, field.Invalid(path.Child("resizePolicy").Index(j).Child("restartPolicy"), p.RestartPolicy, "must not be set to 'RestartContainer' for non-sidecar initContainers"))
				}
			}
		}
	}
	return allErrs
}

const notForEphemeralContainers = "cannot be set for an Ephemeral Container"

// The fields an ephemeral container may set. It is a debugging aid, not part of the workload, so
// nothing that serves or shapes the pod (ports, probes, lifecycle, resources, restart and resize
// policies) is allowed; a field added to the API is forbidden until listed here.
var ephemeralContainerAllowedFields = sets.New(
	"Name",
	"Image",
	"Command",
	"Args",
	"WorkingDir",
	"EnvFrom",
	"Env",
	"VolumeMounts",
	"VolumeDevices",
	"TerminationMessagePath",
	"TerminationMessagePolicy",
	"ImagePullPolicy",
	"SecurityContext",
	"Stdin",
	"StdinOnce",
	"TTY",
)

// validateEphemeralContainers validates spec.ephemeralContainers.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateEphemeralContainers
func validateEphemeralContainers(ephemeralContainers []corev1.EphemeralContainer, containers, initContainers []corev1.Container, volumes map[string]corev1.VolumeSource, podClaimNames sets.Set[string], fldPath *field.Path, opts PodValidationOptions, podRestartPolicy *corev1.RestartPolicy, hostUsers bool) field.ErrorList {
	if len(ephemeralContainers) == 0 {
		return nil
	}
	targets := sets.New[string]()
	for _, c := range containers {
		targets.Insert(c.Name)
	}
	for _, c := range initContainers {
		targets.Insert(c.Name)
	}
	names := targets.Clone()

	var allErrs field.ErrorList
	for i := range ephemeralContainers {
		ec := &ephemeralContainers[i]
		path := fldPath.Index(i)
		ctr := corev1.Container(ec.EphemeralContainerCommon)
		allErrs = append(allErrs, validateContainerCommon(&ctr, volumes, podClaimNames, path, opts, podRestartPolicy, hostUsers)...)
		// The image check kube leaves to pods (not templates) for other containers; ephemeral
		// containers exist only in pods.
		if ec.Image != strings.TrimSpace(ec.Image) {
			allErrs = append(allErrs, field.Invalid(path.Child("image"), ec.Image, "must not have leading or trailing whitespace"))
		}

		if names.Has(ec.Name) {
			allErrs = append(allErrs, field.Duplicate(path.Child("name"), ec.Name))
		} else {
			names.Insert(ec.Name)
		}
		if ec.TargetContainerName != "" && !targets.Has(ec.TargetContainerName) {
			allErrs = append(allErrs, field.NotFound(path.Child("targetContainerName"), ec.TargetContainerName))
		}

		allErrs = append(allErrs, forbidUnlistedFields(ec.EphemeralContainerCommon, ephemeralContainerAllowedFields, path)...)
		// Subpaths are bind mounts that outlive the container until the pod ends.
		for j, vm := range ec.VolumeMounts {
			mountPath := path.Child("volumeMounts").Index(j)
			if vm.SubPath != "" {
				allErrs = append(allErrs, field.Forbidden(mountPath.Child("subPath"), notForEphemeralContainers))
			}
			if vm.SubPathExpr != "" {
				allErrs = append(allErrs, field.Forbidden(mountPath.Child("subPathExpr"), notForEphemeralContainers))
			}
		}
	}
	return allErrs
}

// forbidUnlistedFields reports each set field of an ephemeral container that is not allowed, in
// the order of the type's fields, named as in JSON (Go name with a lower-case first letter).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateFieldAllowList
func forbidUnlistedFields(common corev1.EphemeralContainerCommon, allowed sets.Set[string], fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	v := reflect.ValueOf(common)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if allowed.Has(f.Name) || v.Field(i).IsZero() {
			continue
		}
		r, size := utf8.DecodeRuneInString(f.Name)
		allErrs = append(allErrs, field.Forbidden(fldPath.Child(string(unicode.ToLower(r))+f.Name[size:]), notForEphemeralContainers))
	}
	return allErrs
}

var pullPolicies = sets.New(corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever)

// validateContainerCommon holds the checks every kind of container gets.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerCommon
func validateContainerCommon(ctr *corev1.Container, volumes map[string]corev1.VolumeSource, podClaimNames sets.Set[string], path *field.Path, opts PodValidationOptions, podRestartPolicy *corev1.RestartPolicy, hostUsers bool) field.ErrorList {
	var allErrs field.ErrorList
	namePath := path.Child("name")
	if ctr.Name == "" {
		allErrs = append(allErrs, field.Required(namePath, ""))
	} else {
		allErrs = append(allErrs, validateDNS1123Label(ctr.Name, namePath)...)
	}
	// Only emptiness: a blank image is a placeholder some pod templates rely on.
	if ctr.Image == "" {
		allErrs = append(allErrs, field.Required(path.Child("image"), ""))
	}
	switch ctr.TerminationMessagePolicy {
	case corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError:
	case "":
		allErrs = append(allErrs, field.Required(path.Child("terminationMessagePolicy"), ""))
	default:
		allErrs = append(allErrs, field.NotSupported(path.Child("terminationMessagePolicy"), ctr.TerminationMessagePolicy,
			[]corev1.TerminationMessagePolicy{corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError}))
	}

	allErrs = append(allErrs, validateContainerPorts(ctr.Ports, path.Child("ports"))...)
	allErrs = append(allErrs, validateEnv(ctr.Env, path.Child("env"), opts)...)
	allErrs = append(allErrs, validateEnvFrom(ctr.EnvFrom, path.Child("envFrom"), opts)...)
	allErrs = append(allErrs, validateVolumeMounts(ctr.VolumeMounts, ctr.VolumeDevices, volumes, ctr, path.Child("volumeMounts"))...)
	allErrs = append(allErrs, validateVolumeDevices(ctr.VolumeDevices, ctr.VolumeMounts, volumes, path.Child("volumeDevices"))...)

	switch {
	case pullPolicies.Has(ctr.ImagePullPolicy):
	case ctr.ImagePullPolicy == "":
		allErrs = append(allErrs, field.Required(path.Child("imagePullPolicy"), ""))
	default:
		allErrs = append(allErrs, field.NotSupported(path.Child("imagePullPolicy"), ctr.ImagePullPolicy, sets.List(pullPolicies)))
	}

	allErrs = append(allErrs, validateContainerResourceRequirements(&ctr.Resources, podClaimNames, path.Child("resources"), opts)...)
	allErrs = append(allErrs, validateResizePolicy(ctr.ResizePolicy, path.Child("resizePolicy"), podRestartPolicy)...)
	allErrs = append(allErrs, validateContainerSecurityContext(ctr.SecurityContext, path.Child("securityContext"), hostUsers, opts.AllowSysAdminWhenPrivilegeEscalationFalse)...)
	return allErrs
}
