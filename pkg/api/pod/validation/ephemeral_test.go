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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

func validClaimTemplate() *corev1.PersistentVolumeClaimTemplate {
	return &corev1.PersistentVolumeClaimTemplate{
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
			VolumeMode:  ptr.To(corev1.PersistentVolumeFilesystem),
		},
	}
}

func ephemeralWith(mutate func(*corev1.PersistentVolumeClaimTemplate)) corev1.VolumeSource {
	tmpl := validClaimTemplate()
	mutate(tmpl)
	return corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: tmpl}}
}

func TestValidateEphemeralVolume(t *testing.T) {
	const spec = "spec.volumes[0].ephemeral.volumeClaimTemplate.spec"
	const meta = "spec.volumes[0].ephemeral.volumeClaimTemplate.metadata"
	const accessModes = `"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`
	runVolumeCases(t, []volumeCase{
		{name: "valid", src: ephemeralWith(func(*corev1.PersistentVolumeClaimTemplate) {})},
		{name: "valid, everything a template may hold", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Labels = map[string]string{"app": "x"}
			c.Annotations = map[string]string{"Example.com/Any": "x"}
			c.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod}
			c.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}
			c.Spec.StorageClassName = ptr.To("fast")
			c.Spec.VolumeAttributesClassName = ptr.To("gold")
			c.Spec.VolumeMode = ptr.To(corev1.PersistentVolumeBlock)
			c.Spec.VolumeName = "Any_Name"
			c.Spec.Resources.Limits = corev1.ResourceList{"bogus": resource.MustParse("-1")}
			c.Spec.DataSource = &corev1.TypedLocalObjectReference{APIGroup: ptr.To("snapshot.storage.k8s.io"), Kind: "VolumeSnapshot", Name: "s"}
			c.Spec.DataSourceRef = &corev1.TypedObjectReference{APIGroup: ptr.To("snapshot.storage.k8s.io"), Kind: "VolumeSnapshot", Name: "s"}
		})},
		{name: "empty class names are not checked", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec.StorageClassName = ptr.To("")
			c.Spec.VolumeAttributesClassName = ptr.To("")
		})},
		{name: "template required", src: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].ephemeral.volumeClaimTemplate")}},
		{name: "metadata: only labels and annotations", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.ObjectMeta = metav1.ObjectMeta{
				Name: "x", GenerateName: "g", Namespace: "n", UID: "u", ResourceVersion: "1", Generation: 3,
				Finalizers: []string{"f"}, OwnerReferences: []metav1.OwnerReference{{Name: "o"}},
				Labels: map[string]string{"a b": "c"}, Annotations: map[string]string{"A b": "x"},
			}
		}),
			want: []volErr{
				volInvalid(meta+".annotations", `"A b"`, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
				volInvalid(meta+".labels", `"a b"`, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
				volForbidden(meta+".name", "cannot be set"),
				volForbidden(meta+".generateName", "cannot be set"),
				volForbidden(meta+".namespace", "cannot be set"),
				volForbidden(meta+".uID", "cannot be set"),
				volForbidden(meta+".resourceVersion", "cannot be set"),
				volForbidden(meta+".generation", "cannot be set"),
				volForbidden(meta+".ownerReferences", "cannot be set"),
				volForbidden(meta+".finalizers", "cannot be set"),
			}},
		{name: "access modes", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, corev1.ReadWriteOnce, "Bogus"}
		}),
			want: []volErr{
				volNotSupported(spec+".accessModes", `"Bogus"`, accessModes),
				volForbidden(spec+".accessModes", "may not use ReadWriteOncePod with other access modes"),
			}},
		{name: "an unsupported mode beside ReadWriteOncePod is not another mode", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, "Bogus"}
		}),
			want: []volErr{volNotSupported(spec+".accessModes", `"Bogus"`, accessModes)}},
		{name: "access modes and storage required", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec = corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}
		}),
			want: []volErr{
				volRequiredMsg(spec+".accessModes", "at least 1 access mode is required"),
				volRequired(spec + ".resources[storage]"),
			}},
		{name: "storage must be positive", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("0")
		}),
			want: []volErr{volInvalid(spec+".resources[storage]", `"0"`, "must be greater than zero")}},
		{name: "negative storage", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("-1Gi")
		}),
			want: []volErr{volInvalid(spec+".resources[storage]", `"-1Gi"`, "must be greater than zero")}},
		{name: "fractional storage is allowed", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("1500m")
		})},
		{name: "selector, class names, volume mode", src: ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) {
			c.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "k", Operator: metav1.LabelSelectorOpIn}}}
			c.Spec.StorageClassName = ptr.To("Bad_Name")
			c.Spec.VolumeMode = ptr.To(corev1.PersistentVolumeMode("Bogus"))
			c.Spec.VolumeAttributesClassName = ptr.To("Bad_Name")
		}),
			want: []volErr{
				volRequiredMsg(spec+".selector.matchExpressions[0].values", "must be specified when `operator` is 'In' or 'NotIn'"),
				volInvalid(spec+".storageClassName", `"Bad_Name"`, dnsSubdomainMsg),
				volNotSupported(spec+".volumeMode", `"Bogus"`, `"Block", "Filesystem"`),
				volInvalid(spec+".volumeAttributesClassName", `"Bad_Name"`, dnsSubdomainMsg),
			}},
	})
}

func TestValidateEphemeralDataSources(t *testing.T) {
	const spec = "spec.volumes[0].ephemeral.volumeClaimTemplate.spec"
	const pvcOnly = "must be 'PersistentVolumeClaim' when referencing the default apiGroup"
	ds := func(group *string, kind, name string) *corev1.TypedLocalObjectReference {
		return &corev1.TypedLocalObjectReference{APIGroup: group, Kind: kind, Name: name}
	}
	ref := func(group *string, kind, name string, ns *string) *corev1.TypedObjectReference {
		return &corev1.TypedObjectReference{APIGroup: group, Kind: kind, Name: name, Namespace: ns}
	}
	withSources := func(d *corev1.TypedLocalObjectReference, r *corev1.TypedObjectReference) corev1.VolumeSource {
		return ephemeralWith(func(c *corev1.PersistentVolumeClaimTemplate) { c.Spec.DataSource, c.Spec.DataSourceRef = d, r })
	}
	runVolumeCases(t, []volumeCase{
		{name: "another claim", src: withSources(ds(nil, "PersistentVolumeClaim", "c"), nil)},
		{name: "ref only, cross-namespace", src: withSources(nil, ref(ptr.To("example.com"), "Populator", "x", ptr.To("other")))},
		{name: "equal source and ref, empty group same as none", src: withSources(ds(ptr.To(""), "PersistentVolumeClaim", "c"), ref(ptr.To(""), "PersistentVolumeClaim", "c", nil))},
		{name: "dataSource kind and name required", src: withSources(ds(nil, "", ""), nil),
			want: []volErr{
				volRequired(spec + ".dataSource.name"),
				volRequired(spec + ".dataSource.kind"),
				volInvalid(spec+".dataSource", `""`, pvcOnly),
			}},
		{name: "core group only for claims; bad group", src: withSources(ds(nil, "Snap", "s"), ref(ptr.To("Bad_Group"), "Snap", "s", nil)),
			want: []volErr{
				volInvalid(spec+".dataSource", `"Snap"`, pvcOnly),
				volInvalid(spec+".dataSourceRef.apiGroup", `"Bad_Group"`, dnsSubdomainMsg),
				volInvalid(spec, "{}", "must match dataSourceRef"),
			}},
		{name: "source and ref differ (nil and empty group differ too)", src: withSources(ds(nil, "PersistentVolumeClaim", "a"), ref(ptr.To(""), "PersistentVolumeClaim", "a", nil)),
			want: []volErr{volInvalid(spec, "{}", "must match dataSourceRef")}},
		{name: "ref namespace excludes a dataSource", src: withSources(ds(nil, "PersistentVolumeClaim", "a"), ref(nil, "PersistentVolumeClaim", "a", ptr.To("Bad_NS"))),
			want: []volErr{
				volInvalid(spec+".dataSourceRef.namespace", `"Bad_NS"`, dnsLabelMsg),
				volInvalid(spec, "{}", "may not be specified when dataSourceRef.namespace is specified"),
			}},
		{name: "an empty ref namespace is no namespace", src: withSources(ds(nil, "PersistentVolumeClaim", "a"), ref(nil, "PersistentVolumeClaim", "b", ptr.To(""))),
			want: []volErr{volInvalid(spec, "{}", "must match dataSourceRef")}},
	})
}

func TestValidateEphemeralClaimName(t *testing.T) {
	longPod := strings.Repeat("p", 240)
	vols := []corev1.Volume{{Name: strings.Repeat("v", 20), VolumeSource: ephemeralSource()}}
	want := []volErr{volInvalid("spec.volumes[0].name", `"`+vols[0].Name+`"`,
		`PVC name "`+longPod+"-"+vols[0].Name+`": must be no more than 253 characters`)}
	_, errs := validateVolumes(vols, &metav1.ObjectMeta{Name: longPod}, field.NewPath("spec", "volumes"), PodValidationOptions{})
	checkVolErrs(t, errs, want)

	_, errs = validateVolumes(vols, &metav1.ObjectMeta{Name: strings.Repeat("p", 200)}, field.NewPath("spec", "volumes"), PodValidationOptions{})
	checkVolErrs(t, errs, nil)
}
