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
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
)

const fileModeMsg = "must be a number between 0 and 0777 (octal), both inclusive"

func TestValidateHostPathAndEmptyDirVolumes(t *testing.T) {
	hostPath := func(p string, typ *corev1.HostPathType) corev1.VolumeSource {
		return corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: p, Type: typ}}
	}
	emptyDirOf := func(e corev1.EmptyDirVolumeSource) corev1.VolumeSource {
		return corev1.VolumeSource{EmptyDir: &e}
	}
	const hostPathTypeList = `"", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"`
	runVolumeCases(t, []volumeCase{
		{name: "hostPath valid, defaulted type", src: hostPath("/var/log", ptr.To(corev1.HostPathUnset))},
		{name: "hostPath valid, socket", src: hostPath("/run/x.sock", ptr.To(corev1.HostPathSocket))},
		{name: "hostPath relative and dotted names are fine", src: hostPath("x/..y/.../z..", nil)},
		{name: "hostPath path required, type then unchecked", src: hostPath("", ptr.To(corev1.HostPathType("Bogus"))),
			want: []volErr{volRequired("spec.volumes[0].hostPath.path")}},
		{name: "hostPath backstep and bad type", src: hostPath("/a/../b", ptr.To(corev1.HostPathType("Bogus"))),
			want: []volErr{
				volInvalid("spec.volumes[0].hostPath.path", `"/a/../b"`, "must not contain '..'"),
				volNotSupported("spec.volumes[0].hostPath.type", `"Bogus"`, hostPathTypeList),
			}},
		{name: "hostPath only backsteps, reported once", src: hostPath("../..", nil),
			want: []volErr{volInvalid("spec.volumes[0].hostPath.path", `"../.."`, "must not contain '..'")}},

		{name: "emptyDir valid", src: emptyDirOf(corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: ptr.To(resource.MustParse("0"))})},
		{name: "emptyDir any medium is accepted", src: emptyDirOf(corev1.EmptyDirVolumeSource{Medium: "Bogus"})},
		{name: "emptyDir negative sizeLimit", src: emptyDirOf(corev1.EmptyDirVolumeSource{SizeLimit: ptr.To(resource.MustParse("-1Mi"))}),
			want: []volErr{volForbidden("spec.volumes[0].emptyDir.sizeLimit", "SizeLimit field must be a valid resource quantity")}},
		{name: "emptyDir mode kept from an old pod, in range", src: emptyDirOf(corev1.EmptyDirVolumeSource{Mode: ptr.To[int32](01777)})},
		{name: "emptyDir mode kept from an old pod, out of range", src: emptyDirOf(corev1.EmptyDirVolumeSource{Mode: ptr.To[int32](02000)}),
			want: []volErr{volInvalid("spec.volumes[0].emptyDir.mode", "1024", "must be a number between 0 and 01777 (octal), both inclusive")}},
	})
}

func TestValidateSecretAndConfigMapVolumes(t *testing.T) {
	secret := func(s corev1.SecretVolumeSource) corev1.VolumeSource { return corev1.VolumeSource{Secret: &s} }
	configMap := func(c corev1.ConfigMapVolumeSource) corev1.VolumeSource { return corev1.VolumeSource{ConfigMap: &c} }
	cmRef := corev1.LocalObjectReference{Name: "cm"}
	runVolumeCases(t, []volumeCase{
		{name: "secret valid", src: secret(corev1.SecretVolumeSource{SecretName: "s", DefaultMode: ptr.To[int32](0644),
			Items: []corev1.KeyToPath{{Key: "k", Path: "a/b", Mode: ptr.To[int32](0)}, {Key: "k", Path: "c..d", Mode: ptr.To[int32](0777)}}})},
		{name: "secret name required", src: secret(corev1.SecretVolumeSource{DefaultMode: ptr.To[int32](0644)}),
			want: []volErr{volRequired("spec.volumes[0].secret.secretName")}},
		{name: "secret defaultMode out of range", src: secret(corev1.SecretVolumeSource{SecretName: "s", DefaultMode: ptr.To[int32](01000)}),
			want: []volErr{volInvalid("spec.volumes[0].secret.defaultMode", "512", fileModeMsg)}},
		{name: "secret negative defaultMode", src: secret(corev1.SecretVolumeSource{SecretName: "s", DefaultMode: ptr.To[int32](-1)}),
			want: []volErr{volInvalid("spec.volumes[0].secret.defaultMode", "-1", fileModeMsg)}},
		{name: "secret items", src: secret(corev1.SecretVolumeSource{SecretName: "s", Items: []corev1.KeyToPath{
			{},
			{Key: "k", Path: "/abs"},
			{Key: "k", Path: "..x"},
			{Key: "k", Path: "../x"},
			{Key: "k", Path: "..", Mode: ptr.To[int32](-1)},
			{Key: "k", Path: "ok", Mode: ptr.To[int32](01000)},
		}}),
			want: []volErr{
				volRequired("spec.volumes[0].secret.items[0].key"),
				volRequired("spec.volumes[0].secret.items[0].path"),
				volInvalid("spec.volumes[0].secret.items[1].path", `"/abs"`, "must be a relative path"),
				volInvalid("spec.volumes[0].secret.items[2].path", `"..x"`, "must not start with '..'"),
				volInvalid("spec.volumes[0].secret.items[3].path", `"../x"`, "must not contain '..'"),
				volInvalid("spec.volumes[0].secret.items[4].path", `".."`, "must not contain '..'"),
				volInvalid("spec.volumes[0].secret.items[4].path", `".."`, "must not start with '..'"),
				volInvalid("spec.volumes[0].secret.items[4].mode", "-1", fileModeMsg),
				volInvalid("spec.volumes[0].secret.items[5].mode", "512", fileModeMsg),
			}},
		{name: "secret user fields kept from an old pod", src: secret(corev1.SecretVolumeSource{SecretName: "s", DefaultUser: ptr.To[int64](-1),
			Items: []corev1.KeyToPath{{Key: "k", Path: "p", User: ptr.To[int64](1 << 31)}}}),
			want: []volErr{
				volInvalid("spec.volumes[0].secret.defaultUser", "-1", "must be between 0 and 2147483647, inclusive"),
				volInvalid("spec.volumes[0].secret.items[0].user", "2147483648", "must be between 0 and 2147483647, inclusive"),
			}},

		{name: "configMap valid", src: configMap(corev1.ConfigMapVolumeSource{LocalObjectReference: cmRef, DefaultMode: ptr.To[int32](0400),
			Items: []corev1.KeyToPath{{Key: "k", Path: "p"}}})},
		{name: "configMap name required, defaultMode, items", src: configMap(corev1.ConfigMapVolumeSource{DefaultMode: ptr.To[int32](-1),
			Items: []corev1.KeyToPath{{Key: "k", Path: "..."}, {Key: "", Path: "a/../b"}}}),
			want: []volErr{
				volRequired("spec.volumes[0].configMap.name"),
				volInvalid("spec.volumes[0].configMap.defaultMode", "-1", fileModeMsg),
				volInvalid("spec.volumes[0].configMap.items[0].path", `"..."`, "must not start with '..'"),
				volRequired("spec.volumes[0].configMap.items[1].key"),
				volInvalid("spec.volumes[0].configMap.items[1].path", `"a/../b"`, "must not contain '..'"),
			}},
	})
}

func TestValidateDownwardAPIVolume(t *testing.T) {
	downward := func(items ...corev1.DownwardAPIVolumeFile) corev1.VolumeSource {
		return corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{DefaultMode: ptr.To[int32](0644), Items: items}}
	}
	fieldRef := func(p, fieldPath string) corev1.DownwardAPIVolumeFile {
		return corev1.DownwardAPIVolumeFile{Path: p, FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: fieldPath}}
	}
	resRef := func(p, ctr, res, divisor string) corev1.DownwardAPIVolumeFile {
		f := corev1.DownwardAPIVolumeFile{Path: p, ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: ctr, Resource: res}}
		if divisor != "" {
			f.ResourceFieldRef.Divisor = resource.MustParse(divisor)
		}
		return f
	}
	const fieldPaths = `"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"`
	const resources = `"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"`
	const bytesMsg = "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the "
	const qualifiedNameMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	const base = "spec.volumes[0].downwardAPI"
	runVolumeCases(t, []volumeCase{
		{name: "valid field refs", src: downward(
			fieldRef("name", "metadata.name"), fieldRef("ns", "metadata.namespace"), fieldRef("uid", "metadata.uid"),
			fieldRef("labels", "metadata.labels"), fieldRef("annotations", "metadata.annotations"),
			fieldRef("l", "metadata.labels['app.kubernetes.io/name']"), fieldRef("a", "metadata.annotations['Example.COM/X']"),
		)},
		{name: "valid resource refs", src: downward(
			resRef("a", "c", "limits.cpu", "1m"), resRef("b", "c", "requests.memory", "1Mi"),
			resRef("c", "c", "limits.ephemeral-storage", "1Gi"), resRef("d", "c", "requests.hugepages-2Mi", "1Ki"),
			resRef("e", "c", "limits.hugepages-1Gi", ""), resRef("f", "c", "requests.cpu", "1000m"), resRef("g", "c", "requests.cpu", "0"),
		)},
		{name: "defaultMode out of range", src: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{DefaultMode: ptr.To[int32](01000)}},
			want: []volErr{volInvalid(base+".defaultMode", "512", fileModeMsg)}},
		{name: "item errors are reported on the volume's path, not the item's", src: downward(
			corev1.DownwardAPIVolumeFile{},
			corev1.DownwardAPIVolumeFile{Path: "/x", Mode: ptr.To[int32](01000), FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"},
				ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "c", Resource: "limits.cpu"}},
		),
			want: []volErr{
				volRequired(base + ".path"),
				volRequiredMsg(base, "one of fieldRef and resourceFieldRef is required"),
				volInvalid(base+".path", `"/x"`, "must be a relative path"),
				volInvalid(base, `"resource"`, "fieldRef and resourceFieldRef can not be specified simultaneously"),
				volInvalid(base+".mode", "512", fileModeMsg),
			}},
		{name: "fieldRef apiVersion and fieldPath required", src: downward(
			corev1.DownwardAPIVolumeFile{Path: "a", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
			corev1.DownwardAPIVolumeFile{Path: "b", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1"}},
		),
			want: []volErr{volRequired(base + ".fieldRef.apiVersion"), volRequired(base + ".fieldRef.fieldPath")}},
		{name: "fieldRef conversion errors", src: downward(
			corev1.DownwardAPIVolumeFile{Path: "a", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v2", FieldPath: "metadata.name"}},
			fieldRef("b", "bogus"),
			fieldRef("c", "metadata.name['x']"),
			fieldRef("d", "['x']"),
		),
			want: []volErr{
				volInvalid(base+".fieldRef.fieldPath", `"metadata.name"`, "error converting fieldPath: unsupported pod version: v2"),
				volInvalid(base+".fieldRef.fieldPath", `"bogus"`, "error converting fieldPath: field label not supported: bogus"),
				volInvalid(base+".fieldRef.fieldPath", `"metadata.name['x']"`, "error converting fieldPath: field label does not support subscript: metadata.name['x']"),
				volInvalid(base+".fieldRef.fieldPath", `"['x']"`, "error converting fieldPath: field label not supported: ['x']"),
			}},
		{name: "pod fields env vars may use but volumes may not; spec.host is spec.nodeName", src: downward(
			fieldRef("a", "spec.nodeName"), fieldRef("b", "status.podIP"), fieldRef("c", "spec.host"),
		),
			want: []volErr{
				volNotSupported(base+".fieldRef.fieldPath", `"spec.nodeName"`, fieldPaths),
				volNotSupported(base+".fieldRef.fieldPath", `"status.podIP"`, fieldPaths),
				volNotSupported(base+".fieldRef.fieldPath", `"spec.nodeName"`, fieldPaths),
			}},
		{name: "subscript keys: labels as written, annotations lowercased", src: downward(
			fieldRef("a", "metadata.labels['a b']"), fieldRef("b", "metadata.annotations['A B']"),
		),
			want: []volErr{
				volInvalid(base+".fieldRef", `"a b"`, qualifiedNameMsg),
				volInvalid(base+".fieldRef", `"a b"`, qualifiedNameMsg),
			}},
		{name: "resourceFieldRef requirements, one at a time", src: downward(
			resRef("a", "", "", ""), resRef("b", "c", "", ""), resRef("c", "c", "limits.foo", "3"), resRef("d", "c", "requests.hugepages-", ""),
		),
			want: []volErr{
				volRequired(base + ".resourceFieldRef.containerName"),
				volRequired(base + ".resourceFieldRef.resource"),
				volNotSupported(base+".resourceFieldRef.resource", `"limits.foo"`, resources),
			}},
		{name: "divisors, checked even when the container name is missing", src: downward(
			resRef("a", "", "limits.cpu", "2"),
			resRef("b", "c", "limits.memory", "1m"),
			resRef("c", "c", "requests.ephemeral-storage", "7"),
			resRef("d", "c", "limits.hugepages-2Mi", "1m"),
		),
			want: []volErr{
				volRequired(base + ".resourceFieldRef.containerName"),
				volInvalid(base+".resourceFieldRef.divisor", `"limits.cpu"`, "only divisor's values 1m and 1 are supported with the cpu resource"),
				volInvalid(base+".resourceFieldRef.divisor", `"limits.memory"`, bytesMsg+"memory resource"),
				volInvalid(base+".resourceFieldRef.divisor", `"requests.ephemeral-storage"`, bytesMsg+"local ephemeral storage resource"),
				volInvalid(base+".resourceFieldRef.divisor", `"limits.hugepages-2Mi"`, bytesMsg+"hugepages resource"),
			}},
	})
}

func TestValidatePVCSCSIAndImageVolumes(t *testing.T) {
	pvc := func(name string) corev1.VolumeSource {
		return corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: name}}
	}
	csi := func(driver string, secret *corev1.LocalObjectReference) corev1.VolumeSource {
		return corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: driver, NodePublishSecretRef: secret}}
	}
	image := func(ref string, policy corev1.PullPolicy) corev1.VolumeSource {
		return corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: ref, PullPolicy: policy}}
	}
	longDriver := strings.Repeat("a", 60) + ".com"
	runVolumeCases(t, []volumeCase{
		{name: "pvc valid", src: pvc("claim")},
		{name: "pvc name is not otherwise checked", src: pvc("Not_A_Name")},
		{name: "pvc claimName required", src: pvc(""), want: []volErr{volRequired("spec.volumes[0].persistentVolumeClaim.claimName")}},

		{name: "csi valid, driver case-insensitive", src: csi("Example.COM", &corev1.LocalObjectReference{Name: "s"})},
		{name: "csi driver required", src: csi("", nil), want: []volErr{volRequired("spec.volumes[0].csi.driver")}},
		{name: "csi driver format", src: csi("-x_", nil),
			want: []volErr{volInvalid("spec.volumes[0].csi.driver", `"-x_"`, dnsSubdomainMsg)}},
		{name: "csi driver too long", src: csi(longDriver, nil), want: []volErr{volTooLong("spec.volumes[0].csi.driver", 63)}},
		{name: "csi secret name required", src: csi("x", &corev1.LocalObjectReference{}),
			want: []volErr{volRequired("spec.volumes[0].csi.nodePublishSecretRef.name")}},
		{name: "csi bad secret name is reported on csi.name", src: csi("x", &corev1.LocalObjectReference{Name: "Bad_Name"}),
			want: []volErr{volInvalid("spec.volumes[0].csi.name", `"Bad_Name"`, dnsSubdomainMsg)}},

		{name: "image valid", src: image("busybox:1.36", corev1.PullIfNotPresent)},
		{name: "image reference required", src: image("", corev1.PullNever), want: []volErr{volRequired("spec.volumes[0].image.reference")}},
		{name: "image empty reference kept from an old pod", src: image("", corev1.PullAlways), opts: PodValidationOptions{AllowEmptyImageVolumeReference: true}},
		{name: "image pull policy", src: image("x", "Sometimes"),
			want: []volErr{volNotSupported("spec.volumes[0].image.pullPolicy", `"Sometimes"`, `"Always", "IfNotPresent", "Never"`)}},
		{name: "image pull policy required (defaulting normally sets it)", src: image("x", ""),
			want: []volErr{volRequired("spec.volumes[0].image.pullPolicy")}},
	})
}
