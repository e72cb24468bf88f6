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

// mountTestVolumes stands in for the pod's validated volumes.
var mountTestVolumes = map[string]corev1.VolumeSource{
	"ed":    {EmptyDir: &corev1.EmptyDirVolumeSource{}},
	"pvc":   {PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "x"}},
	"eph":   {Ephemeral: &corev1.EphemeralVolumeSource{}},
	"image": {Image: &corev1.ImageVolumeSource{Reference: "img"}},
}

func TestValidateVolumeMounts(t *testing.T) {
	bidi := ptr.To(corev1.MountPropagationBidirectional)
	cases := []struct {
		name       string
		privileged bool
		mounts     []corev1.VolumeMount
		devices    []corev1.VolumeDevice
		want       []ctrErr
	}{
		{name: "valid", mounts: []corev1.VolumeMount{
			{Name: "ed", MountPath: "/a", SubPath: "x/y"},
			{Name: "ed", MountPath: "/b", SubPathExpr: "$(POD)"},
			{Name: "ed", MountPath: "/c", MountPropagation: ptr.To(corev1.MountPropagationHostToContainer)},
			{Name: "ed", MountPath: "/d", ReadOnly: true, RecursiveReadOnly: ptr.To(corev1.RecursiveReadOnlyIfPossible)},
			{Name: "ed", MountPath: "/e", SubPath: "..x/..."},
			{Name: "pvc", MountPath: "/f", BindMountOptions: []string{"noexec", "nodev"}},
		}},
		{name: "bidirectional for a privileged container", privileged: true, mounts: []corev1.VolumeMount{{Name: "ed", MountPath: "/a", MountPropagation: bidi}}},
		{
			// kube reports subPath, subPathExpr, mountPropagation and recursiveReadOnly on the list.
			name: "invalid",
			mounts: []corev1.VolumeMount{
				{Name: "ed", MountPath: "/a"},
				{},
				{Name: "missing", MountPath: "/a"},
				{Name: "ed", MountPath: "/b", SubPath: "/abs/../x"},
				{Name: "ed", MountPath: "/c", SubPath: "x", SubPathExpr: "../$(X)"},
				{Name: "ed", MountPath: "/d", MountPropagation: bidi},
				{Name: "ed", MountPath: "/e", MountPropagation: ptr.To(corev1.MountPropagationMode("Sideways"))},
				{Name: "ed", MountPath: "/f", RecursiveReadOnly: ptr.To(corev1.RecursiveReadOnlyEnabled), MountPropagation: ptr.To(corev1.MountPropagationHostToContainer)},
				{Name: "ed", MountPath: "/g", RecursiveReadOnly: ptr.To(corev1.RecursiveReadOnlyMode("Sometimes"))},
				{Name: "ed", MountPath: "/h", RecursiveReadOnly: ptr.To(corev1.RecursiveReadOnlyDisabled), MountPropagation: bidi},
			},
			want: []ctrErr{
				ctrRequired("volumeMounts[1].name"),
				ctrNotFound("volumeMounts[1].name", `Not found: ""`),
				ctrRequired("volumeMounts[1].mountPath"),
				ctrNotFound("volumeMounts[2].name", `Not found: "missing"`),
				ctrInvalid("volumeMounts[2].mountPath", "must be unique"),
				ctrInvalid("volumeMounts.subPath", "must be a relative path").withBody(`Invalid value: "/abs/../x": must be a relative path`),
				ctrInvalid("volumeMounts.subPath", "must not contain '..'"),
				ctrInvalid("volumeMounts[4].subPathExpr", "subPathExpr and subPath are mutually exclusive"),
				ctrInvalid("volumeMounts.subPathExpr", "must not contain '..'"),
				ctrForbidden("volumeMounts.mountPropagation", "Bidirectional mount propagation is available only to privileged containers"),
				ctrNotSupported("volumeMounts.mountPropagation", `Unsupported value: "Sideways": supported values: "Bidirectional", "HostToContainer", "None"`),
				ctrForbidden("volumeMounts.recursiveReadOnly", "may only be specified when readOnly is true"),
				ctrForbidden("volumeMounts.recursiveReadOnly", "may only be specified when mountPropagation is None or not specified"),
				ctrNotSupported("volumeMounts.recursiveReadOnly", `Unsupported value: "Sometimes": supported values: "Disabled", "Enabled", "IfPossible"`),
				ctrForbidden("volumeMounts.mountPropagation", "Bidirectional mount propagation is available only to privileged containers"),
			},
		},
		{
			name:    "clash with volumeDevices",
			mounts:  []corev1.VolumeMount{{Name: "pvc", MountPath: "/dev/x"}},
			devices: []corev1.VolumeDevice{{Name: "pvc", DevicePath: "/dev/x"}},
			want: []ctrErr{
				ctrInvalid("volumeMounts[0].name", "must not already exist in volumeDevices"),
				ctrInvalid("volumeMounts[0].mountPath", "must not already exist as a path in volumeDevices"),
			},
		},
		{
			name: "bindMountOptions",
			mounts: []corev1.VolumeMount{
				{Name: "ed", MountPath: "/a", BindMountOptions: []string{"noexec", "rw", "noexec"}},
				{Name: "image", MountPath: "/b", BindMountOptions: []string{"nosuid"}},
			},
			want: []ctrErr{
				ctrNotSupported("volumeMounts[0].bindMountOptions[1]", `Unsupported value: "rw": supported values: "nodev", "noexec", "nosuid"`),
				ctrDuplicate("volumeMounts[0].bindMountOptions[2]", `Duplicate value: "noexec"`),
				ctrInvalid("volumeMounts[1].bindMountOptions", "bindMountOptions may not be used with image volumes"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctr := &corev1.Container{Name: "c", SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(tc.privileged)}}
			ctrCheckErrs(t, validateVolumeMounts(tc.mounts, tc.devices, mountTestVolumes, ctr, field.NewPath("volumeMounts")), tc.want)
		})
	}
}

func TestValidateVolumeDevices(t *testing.T) {
	cases := []struct {
		name    string
		devices []corev1.VolumeDevice
		mounts  []corev1.VolumeMount
		want    []ctrErr
	}{
		{name: "valid", devices: []corev1.VolumeDevice{{Name: "pvc", DevicePath: "/dev/a"}, {Name: "eph", DevicePath: "/dev/b"}}},
		{
			name:   "invalid",
			mounts: []corev1.VolumeMount{{Name: "pvc", MountPath: "/m"}},
			devices: []corev1.VolumeDevice{
				{Name: "pvc", DevicePath: "/dev/a"},
				{Name: "pvc", DevicePath: "/dev/a"},
				{Name: "ed", DevicePath: "/m"},
				{},
				{Name: "nope", DevicePath: "/dev/../x"},
				{Name: "eph", DevicePath: "/dev/../x"},
			},
			want: []ctrErr{
				ctrInvalid("volumeDevices[0].name", "must not already exist in volumeMounts"),
				ctrInvalid("volumeDevices[1].name", "must be unique"),
				ctrInvalid("volumeDevices[1].devicePath", "must be unique"),
				ctrInvalid("volumeDevices[1].name", "must not already exist in volumeMounts"),
				ctrInvalid("volumeDevices[2].name", "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"),
				ctrInvalid("volumeDevices[2].devicePath", "must not already exist as a path in volumeMounts"),
				ctrRequired("volumeDevices[3].name"),
				ctrNotFound("volumeDevices[3].name", `Not found: ""`),
				ctrRequired("volumeDevices[3].devicePath"),
				ctrNotFound("volumeDevices[4].name", `Not found: "nope"`),
				ctrInvalid("volumeDevices[4].devicePath", "can not contain backsteps ('..')"),
				// A path with backsteps is not remembered, so the same path again is not a duplicate.
				ctrInvalid("volumeDevices[5].devicePath", "can not contain backsteps ('..')"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctrCheckErrs(t, validateVolumeDevices(tc.devices, tc.mounts, mountTestVolumes, field.NewPath("volumeDevices")), tc.want)
		})
	}
}
