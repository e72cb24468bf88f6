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
	"path"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// validateVolumeMounts validates a container's volumeMounts against the pod's volumes (by name)
// and the container's own volumeDevices. kube reports subPath, subPathExpr, mountPropagation and
// recursiveReadOnly problems on the list path, without the entry index; we keep those paths.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateVolumeMounts
func validateVolumeMounts(mounts []corev1.VolumeMount, devices []corev1.VolumeDevice, volumes map[string]corev1.VolumeSource, container *corev1.Container, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	devicePaths := make(map[string]string, len(devices))
	for _, dev := range devices {
		devicePaths[dev.Name] = dev.DevicePath
	}
	mountPaths := sets.New[string]()

	for i, mnt := range mounts {
		idxPath := fldPath.Index(i)
		if mnt.Name == "" {
			allErrs = append(allErrs, field.Required(idxPath.Child("name"), ""))
		}
		if _, ok := volumes[mnt.Name]; !ok {
			allErrs = append(allErrs, field.NotFound(idxPath.Child("name"), mnt.Name))
		}
		if mnt.MountPath == "" {
			allErrs = append(allErrs, field.Required(idxPath.Child("mountPath"), ""))
		}
		if mountPaths.Has(mnt.MountPath) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("mountPath"), mnt.MountPath, "must be unique"))
		}
		mountPaths.Insert(mnt.MountPath)

		if _, ok := devicePaths[mnt.Name]; ok {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("name"), mnt.Name, "must not already exist in volumeDevices"))
		}
		if hasMapValue(devicePaths, mnt.MountPath) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("mountPath"), mnt.MountPath, "must not already exist as a path in volumeDevices"))
		}

		if mnt.SubPath != "" {
			allErrs = append(allErrs, checkRelativeWithoutBacksteps(mnt.SubPath, fldPath.Child("subPath"))...)
		}
		if mnt.SubPathExpr != "" {
			if mnt.SubPath != "" {
				allErrs = append(allErrs, field.Invalid(idxPath.Child("subPathExpr"), mnt.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
			}
			allErrs = append(allErrs, checkRelativeWithoutBacksteps(mnt.SubPathExpr, fldPath.Child("subPathExpr"))...)
		}
		if mnt.MountPropagation != nil {
			allErrs = append(allErrs, validateMountPropagationMode(*mnt.MountPropagation, container, fldPath.Child("mountPropagation"))...)
		}
		allErrs = append(allErrs, validateRecursiveReadOnly(mnt, fldPath.Child("recursiveReadOnly"))...)
		allErrs = append(allErrs, validateMountBindOptions(mnt.BindMountOptions, idxPath.Child("bindMountOptions"))...)
		if len(mnt.BindMountOptions) > 0 {
			if src, ok := volumes[mnt.Name]; ok && src.Image != nil {
				allErrs = append(allErrs, field.Invalid(idxPath.Child("bindMountOptions"), mnt.BindMountOptions, "bindMountOptions may not be used with image volumes"))
			}
		}
	}
	return allErrs
}

func hasMapValue(m map[string]string, value string) bool {
	for _, v := range m {
		if v == value {
			return true
		}
	}
	return false
}

// checkRelativeWithoutBacksteps requires a relative path without ".." elements.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePathNoBacksteps
func checkRelativeWithoutBacksteps(targetPath string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if path.IsAbs(targetPath) {
		allErrs = append(allErrs, field.Invalid(fldPath, targetPath, "must be a relative path"))
	}
	return append(allErrs, checkNoBacksteps(targetPath, fldPath)...)
}

var mountPropagationModes = sets.New(
	corev1.MountPropagationBidirectional,
	corev1.MountPropagationHostToContainer,
	corev1.MountPropagationNone,
)

// validateMountPropagationMode: Bidirectional propagates mounts back to the host, which only a
// privileged container may do.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateMountPropagation
func validateMountPropagationMode(mode corev1.MountPropagationMode, container *corev1.Container, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if !mountPropagationModes.Has(mode) {
		allErrs = append(allErrs, field.NotSupported(fldPath, mode, sets.List(mountPropagationModes)))
	}
	sc := container.SecurityContext
	privileged := sc != nil && sc.Privileged != nil && *sc.Privileged
	if mode == corev1.MountPropagationBidirectional && !privileged {
		allErrs = append(allErrs, field.Forbidden(fldPath, "Bidirectional mount propagation is available only to privileged containers"))
	}
	return allErrs
}

var recursiveReadOnlyModes = sets.New(
	corev1.RecursiveReadOnlyDisabled,
	corev1.RecursiveReadOnlyIfPossible,
	corev1.RecursiveReadOnlyEnabled,
)

// validateRecursiveReadOnly: a recursive read-only mount must itself be read-only and must not
// propagate mounts.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateMountRecursiveReadOnly
func validateRecursiveReadOnly(mnt corev1.VolumeMount, fldPath *field.Path) field.ErrorList {
	if mnt.RecursiveReadOnly == nil {
		return nil
	}
	var allErrs field.ErrorList
	switch *mnt.RecursiveReadOnly {
	case corev1.RecursiveReadOnlyDisabled:
	case corev1.RecursiveReadOnlyEnabled, corev1.RecursiveReadOnlyIfPossible:
		if !mnt.ReadOnly {
			allErrs = append(allErrs, field.Forbidden(fldPath, "may only be specified when readOnly is true"))
		}
		if mnt.MountPropagation != nil && *mnt.MountPropagation != corev1.MountPropagationNone {
			allErrs = append(allErrs, field.Forbidden(fldPath, "may only be specified when mountPropagation is None or not specified"))
		}
	default:
		allErrs = append(allErrs, field.NotSupported(fldPath, *mnt.RecursiveReadOnly, sets.List(recursiveReadOnlyModes)))
	}
	return allErrs
}

var bindMountOptions = sets.New(
	string(corev1.BindMountOptionNoExec),
	string(corev1.BindMountOptionNoDev),
	string(corev1.BindMountOptionNoSUID),
)

// validateMountBindOptions checks bindMountOptions, which the strategy drops while the
// VolumeBindMountOptions gate is off; kept so the rule holds once it is on.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateBindMountOptions
func validateMountBindOptions(options []string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, opt := range options {
		if !bindMountOptions.Has(opt) {
			allErrs = append(allErrs, field.NotSupported(fldPath.Index(i), opt, sets.List(bindMountOptions)))
		}
		if seen.Has(opt) {
			allErrs = append(allErrs, field.Duplicate(fldPath.Index(i), opt))
		}
		seen.Insert(opt)
	}
	return allErrs
}

// validateVolumeDevices validates a container's volumeDevices: block devices come only from
// PVC-backed volumes (a claim or a generic ephemeral volume) and must not clash with mounts.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateVolumeDevices
func validateVolumeDevices(devices []corev1.VolumeDevice, mounts []corev1.VolumeMount, volumes map[string]corev1.VolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	mountPaths := make(map[string]string, len(mounts))
	for _, mnt := range mounts {
		mountPaths[mnt.Name] = mnt.MountPath
	}
	names := sets.New[string]()
	paths := sets.New[string]()

	for i, dev := range devices {
		idxPath := fldPath.Index(i)
		src, found := volumes[dev.Name]
		if dev.Name == "" {
			allErrs = append(allErrs, field.Required(idxPath.Child("name"), ""))
		}
		if names.Has(dev.Name) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("name"), dev.Name, "must be unique"))
		}
		if found && src.PersistentVolumeClaim == nil && src.Ephemeral == nil {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("name"), dev.Name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
		}
		if !found {
			allErrs = append(allErrs, field.NotFound(idxPath.Child("name"), dev.Name))
		}
		if dev.DevicePath == "" {
			allErrs = append(allErrs, field.Required(idxPath.Child("devicePath"), ""))
		}
		if paths.Has(dev.DevicePath) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("devicePath"), dev.DevicePath, "must be unique"))
		}
		if dev.DevicePath != "" && len(checkNoBacksteps(dev.DevicePath, fldPath)) > 0 {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("devicePath"), dev.DevicePath, "can not contain backsteps ('..')"))
		} else {
			paths.Insert(dev.DevicePath)
		}
		if _, ok := mountPaths[dev.Name]; ok {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("name"), dev.Name, "must not already exist in volumeMounts"))
		}
		if hasMapValue(mountPaths, dev.DevicePath) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("devicePath"), dev.DevicePath, "must not already exist as a path in volumeMounts"))
		}
		if dev.Name != "" {
			names.Insert(dev.Name)
		}
	}
	return allErrs
}
