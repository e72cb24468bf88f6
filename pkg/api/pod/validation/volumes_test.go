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
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// volErr is one expected error: its type, field path and the body a client sees (the value as
// rendered and the detail).
type volErr struct {
	typ   field.ErrorType
	field string
	body  string
}

func (e volErr) String() string { return fmt.Sprintf("%s %s: %s", e.typ, e.field, e.body) }

func asVolErrs(errs field.ErrorList) []volErr {
	var out []volErr
	for _, e := range errs {
		out = append(out, volErr{e.Type, e.Field, e.ErrorBody()})
	}
	return out
}

func checkVolErrs(t *testing.T, got field.ErrorList, want []volErr) {
	t.Helper()
	g := asVolErrs(got)
	if len(g) != len(want) {
		t.Errorf("got %d errors, want %d:\n got:  %v\n want: %v", len(g), len(want), g, want)
		return
	}
	for i := range want {
		if g[i] != want[i] {
			t.Errorf("error %d:\n got:  %v\n want: %v", i, g[i], want[i])
		}
	}
}

func volRequired(f string) volErr { return volErr{field.ErrorTypeRequired, f, "Required value"} }
func volRequiredMsg(f, detail string) volErr {
	return volErr{field.ErrorTypeRequired, f, "Required value: " + detail}
}
func volInvalid(f, value, detail string) volErr {
	return volErr{field.ErrorTypeInvalid, f, "Invalid value: " + value + ": " + detail}
}
func volForbidden(f, detail string) volErr {
	return volErr{field.ErrorTypeForbidden, f, "Forbidden: " + detail}
}
func volNotSupported(f, value, supported string) volErr {
	return volErr{field.ErrorTypeNotSupported, f, "Unsupported value: " + value + ": supported values: " + supported}
}
func volTooLong(f string, n int) volErr {
	return volErr{field.ErrorTypeTooLong, f, fmt.Sprintf("Too long: may not be more than %d bytes", n)}
}

// runVolumes validates volumes of a pod named "p".
func runVolumes(vols []corev1.Volume, opts PodValidationOptions) (map[string]corev1.VolumeSource, field.ErrorList) {
	return validateVolumes(vols, &metav1.ObjectMeta{Name: "p"}, field.NewPath("spec", "volumes"), opts)
}

// volumeCase validates one volume named "v" with the given source.
type volumeCase struct {
	name string
	src  corev1.VolumeSource
	opts PodValidationOptions
	want []volErr
}

func runVolumeCases(t *testing.T, cases []volumeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vols, errs := runVolumes([]corev1.Volume{{Name: "v", VolumeSource: tc.src}}, tc.opts)
			checkVolErrs(t, errs, tc.want)
			if _, ok := vols["v"]; ok != (len(tc.want) == 0) {
				t.Errorf("volume in map = %v, want %v", ok, len(tc.want) == 0)
			}
		})
	}
}

func emptyDir() corev1.VolumeSource {
	return corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
}

func badHostPath() corev1.VolumeSource {
	return corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{}}
}

func ephemeralSource() corev1.VolumeSource {
	return corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: validClaimTemplate()}}
}

func TestValidateVolumesNamesAndMap(t *testing.T) {
	cases := []struct {
		name    string
		podName string
		vols    []corev1.Volume
		want    []volErr
		inMap   []string
		// from gives, for a name, the index of the volume whose source the map must hold.
		from map[string]int
	}{{
		name:  "valid, distinct names",
		vols:  []corev1.Volume{{Name: "a", VolumeSource: emptyDir()}, {Name: "b-1", VolumeSource: emptyDir()}},
		inMap: []string{"a", "b-1"},
	}, {
		name:  "no volumes",
		inMap: []string{},
	}, {
		name: "empty name",
		vols: []corev1.Volume{{Name: "", VolumeSource: emptyDir()}},
		want: []volErr{volRequired("spec.volumes[0].name")},
	}, {
		name: "name not a DNS label",
		vols: []corev1.Volume{{Name: "A_b", VolumeSource: emptyDir()}, {Name: "a.b", VolumeSource: emptyDir()}},
		want: []volErr{
			volInvalid("spec.volumes[0].name", `"A_b"`, dnsLabelMsg),
			volInvalid("spec.volumes[1].name", `"a.b"`, "must not contain dots"),
		},
	}, {
		name: "name too long",
		vols: []corev1.Volume{{Name: strings.Repeat("a", 64), VolumeSource: emptyDir()}},
		want: []volErr{volInvalid("spec.volumes[0].name", `"`+strings.Repeat("a", 64)+`"`, "must be no more than 63 characters")},
	}, {
		name:  "duplicate name: the first stays in the map",
		vols:  []corev1.Volume{{Name: "a", VolumeSource: emptyDir()}, {Name: "a", VolumeSource: badHostPath()}},
		want:  []volErr{volRequired("spec.volumes[1].hostPath.path"), {field.ErrorTypeDuplicate, "spec.volumes[1].name", `Duplicate value: "a"`}},
		inMap: []string{"a"},
		from:  map[string]int{"a": 0},
	}, {
		name:  "a name first held by an invalid volume is not a duplicate later",
		vols:  []corev1.Volume{{Name: "a", VolumeSource: badHostPath()}, {Name: "a", VolumeSource: emptyDir()}, {Name: "a", VolumeSource: emptyDir()}},
		want:  []volErr{volRequired("spec.volumes[0].hostPath.path"), {field.ErrorTypeDuplicate, "spec.volumes[2].name", `Duplicate value: "a"`}},
		inMap: []string{"a"},
		from:  map[string]int{"a": 1},
	}, {
		name:  "an invalid volume is left out of the map",
		vols:  []corev1.Volume{{Name: "bad", VolumeSource: badHostPath()}, {Name: "good", VolumeSource: emptyDir()}},
		want:  []volErr{volRequired("spec.volumes[0].hostPath.path")},
		inMap: []string{"good"},
	}, {
		name: "no source",
		vols: []corev1.Volume{{Name: "a"}},
		want: []volErr{volRequiredMsg("spec.volumes[0]", "must specify a volume type")},
	}, {
		name: "claim of an ephemeral volume: reported, yet the volume stays in the map",
		vols: []corev1.Volume{
			{Name: "e", VolumeSource: ephemeralSource()},
			{Name: "c", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "p-e"}}},
		},
		want:  []volErr{volInvalid("spec.volumes[1].persistentVolumeClaim.claimName", `"p-e"`, "must not reference a PVC that gets created for an ephemeral volume")},
		inMap: []string{"e", "c"},
	}, {
		name: "claim clash reported even when the claim volume is invalid otherwise",
		vols: []corev1.Volume{
			{Name: "e", VolumeSource: ephemeralSource()},
			{Name: "c", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}, PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "p-e"}}},
		},
		want: []volErr{
			volForbidden("spec.volumes[1].persistentVolumeClaim", "may not specify more than 1 volume type"),
			volInvalid("spec.volumes[1].persistentVolumeClaim.claimName", `"p-e"`, "must not reference a PVC that gets created for an ephemeral volume"),
		},
		inMap: []string{"e"},
	}, {
		name:  "claims of other pods' ephemeral volumes are fine",
		vols:  []corev1.Volume{{Name: "c", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "q-e"}}}, {Name: "e", VolumeSource: ephemeralSource()}},
		inMap: []string{"c", "e"},
	}, {
		name:    "without a pod name the clash cannot be known",
		podName: "-",
		vols: []corev1.Volume{
			{Name: "e", VolumeSource: ephemeralSource()},
			{Name: "c", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "-e"}}},
		},
		inMap: []string{"e", "c"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			meta := &metav1.ObjectMeta{Name: "p"}
			if tc.podName == "-" {
				meta.Name = ""
			}
			vols, errs := validateVolumes(tc.vols, meta, field.NewPath("spec", "volumes"), PodValidationOptions{})
			checkVolErrs(t, errs, tc.want)
			if tc.inMap == nil {
				return
			}
			var got []string
			for n := range vols {
				got = append(got, n)
			}
			sort.Strings(got)
			want := append([]string(nil), tc.inMap...)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("map holds %v, want %v", got, want)
			}
			for n, i := range tc.from {
				if src := vols[n]; src.EmptyDir != tc.vols[i].EmptyDir || src.HostPath != tc.vols[i].HostPath {
					t.Errorf("map[%q] is not the source of volumes[%d]", n, i)
				}
			}
		})
	}
	t.Run("nil pod metadata", func(t *testing.T) {
		vols := []corev1.Volume{{Name: "e", VolumeSource: ephemeralSource()}}
		if _, errs := validateVolumes(vols, nil, field.NewPath("spec", "volumes"), PodValidationOptions{}); len(errs) != 0 {
			t.Errorf("unexpected errors: %v", errs)
		}
	})
}

func TestValidateVolumesOneSource(t *testing.T) {
	runVolumeCases(t, []volumeCase{{
		name: "one source",
		src:  corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/x"}},
	}, {
		name: "only the first source is validated, each later one is forbidden under kube's names",
		src: corev1.VolumeSource{
			EmptyDir:          &corev1.EmptyDirVolumeSource{},
			HostPath:          &corev1.HostPathVolumeSource{},
			GCEPersistentDisk: &corev1.GCEPersistentDiskVolumeSource{},
			Secret:            &corev1.SecretVolumeSource{},
			CephFS:            &corev1.CephFSVolumeSource{},
			DownwardAPI:       &corev1.DownwardAPIVolumeSource{},
			Image:             &corev1.ImageVolumeSource{},
		},
		want: []volErr{
			volForbidden("spec.volumes[0].hostPath", "may not specify more than 1 volume type"),
			volForbidden("spec.volumes[0].gcePersistentDisk", "may not specify more than 1 volume type"),
			volForbidden("spec.volumes[0].secret", "may not specify more than 1 volume type"),
			volForbidden("spec.volumes[0].cephFS", "may not specify more than 1 volume type"),
			volForbidden("spec.volumes[0].downwarAPI", "may not specify more than 1 volume type"),
			volForbidden("spec.volumes[0].image", "may not specify more than 1 volume type"),
		},
	}, {
		name: "the first in kube's order is validated whichever the client wrote first",
		src: corev1.VolumeSource{
			Image:             &corev1.ImageVolumeSource{Reference: "x", PullPolicy: corev1.PullAlways},
			GCEPersistentDisk: &corev1.GCEPersistentDiskVolumeSource{Partition: 300},
			CephFS:            &corev1.CephFSVolumeSource{},
		},
		want: []volErr{
			volRequired("spec.volumes[0].persistentDisk.pdName"),
			volInvalid("spec.volumes[0].persistentDisk.partition", "300", "must be between 1 and 255, inclusive"),
			volForbidden("spec.volumes[0].cephFS", "may not specify more than 1 volume type"),
			volForbidden("spec.volumes[0].image", "may not specify more than 1 volume type"),
		},
	}, {
		name: "every other kind after emptyDir",
		src: corev1.VolumeSource{
			EmptyDir:              &corev1.EmptyDirVolumeSource{},
			GitRepo:               &corev1.GitRepoVolumeSource{},
			AWSElasticBlockStore:  &corev1.AWSElasticBlockStoreVolumeSource{},
			NFS:                   &corev1.NFSVolumeSource{},
			Glusterfs:             &corev1.GlusterfsVolumeSource{},
			Flocker:               &corev1.FlockerVolumeSource{},
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{},
			RBD:                   &corev1.RBDVolumeSource{},
			Cinder:                &corev1.CinderVolumeSource{},
			Quobyte:               &corev1.QuobyteVolumeSource{},
			FC:                    &corev1.FCVolumeSource{},
			FlexVolume:            &corev1.FlexVolumeSource{},
			ConfigMap:             &corev1.ConfigMapVolumeSource{},
			AzureFile:             &corev1.AzureFileVolumeSource{},
			VsphereVolume:         &corev1.VsphereVirtualDiskVolumeSource{},
			PhotonPersistentDisk:  &corev1.PhotonPersistentDiskVolumeSource{},
			PortworxVolume:        &corev1.PortworxVolumeSource{},
			AzureDisk:             &corev1.AzureDiskVolumeSource{},
			StorageOS:             &corev1.StorageOSVolumeSource{},
			Projected:             &corev1.ProjectedVolumeSource{},
			ScaleIO:               &corev1.ScaleIOVolumeSource{},
			CSI:                   &corev1.CSIVolumeSource{},
			Ephemeral:             &corev1.EphemeralVolumeSource{},
		},
		want: func() []volErr {
			var w []volErr
			for _, n := range []string{"gitRepo", "awsElasticBlockStore", "nfs", "glusterfs", "flocker", "persistentVolumeClaim",
				"rbd", "cinder", "quobyte", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk",
				"portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral"} {
				w = append(w, volForbidden("spec.volumes[0]."+n, "may not specify more than 1 volume type"))
			}
			return w
		}(),
	}, {
		name: "iSCSI initiator name length is checked even when iscsi is not the first source",
		src: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{},
			ISCSI:    &corev1.ISCSIVolumeSource{TargetPortal: strings.Repeat("t", 63), InitiatorName: ptr.To("x")},
		},
		want: []volErr{
			volForbidden("spec.volumes[0].iscsi", "may not specify more than 1 volume type"),
			volInvalid("spec.volumes[0].name", `"v"`, "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified."),
		},
	}})
}
