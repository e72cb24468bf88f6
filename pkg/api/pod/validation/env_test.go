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
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

const (
	envNameMsg       = "a valid environment variable name must consist only of printable ASCII characters other than '='"
	subdomainMsg     = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	nameRegexMsg     = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	fieldPathsList   = `supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`
	byteDivisorsText = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei"
)

func fieldRefVar(name, apiVersion, path string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: apiVersion, FieldPath: path}}}
}

func resourceRefVar(name, res, divisor string) corev1.EnvVar {
	ref := &corev1.ResourceFieldSelector{Resource: res}
	if divisor != "" {
		ref.Divisor = resource.MustParse(divisor)
	}
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: ref}}
}

func TestValidateEnv(t *testing.T) {
	cases := []struct {
		name string
		env  []corev1.EnvVar
		opts *PodValidationOptions
		want []ctrErr
	}{
		{name: "valid", env: []corev1.EnvVar{
			{Name: "A", Value: "x"},
			{Name: "1 weird-but:ok", Value: "x"},
			fieldRefVar("b", "v1", "metadata.name"),
			fieldRefVar("c", "v1", "metadata.labels['a/b']"),
			fieldRefVar("d", "v1", "metadata.annotations['A_B']"),
			fieldRefVar("e", "v1", "spec.host"),
			fieldRefVar("f", "v1", "status.podIPs"),
			resourceRefVar("g", "limits.cpu", "1m"),
			resourceRefVar("h", "requests.hugepages-2Mi", "1Mi"),
			resourceRefVar("i", "limits.memory", "0"),
			{Name: "j", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}, Key: "k.-_"}}},
			{Name: "k", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "K"}}},
			{Name: "l", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "ed", Path: "a/b", Key: "KEY"}}},
		}},
		{
			name: "names and sources",
			env: []corev1.EnvVar{
				{Name: ""},
				{Name: "a=b", Value: "x"},
				{Name: "ok", Value: "v", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}},
				{Name: "none", ValueFrom: &corev1.EnvVarSource{}},
				{Name: "two", ValueFrom: &corev1.EnvVarSource{
					FieldRef:     &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"},
					SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"},
				}},
			},
			want: []ctrErr{
				ctrRequired("env[0].name"),
				ctrInvalid("env[1].name", envNameMsg),
				ctrInvalid("env[2].valueFrom", "may not be specified when `value` is not empty").withBody("Invalid value: \"\": may not be specified when `value` is not empty"),
				ctrInvalid("env[3].valueFrom", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"),
				ctrInvalid("env[4].valueFrom", "may not have more than one field specified at a time"),
			},
		},
		{
			name: "strict names and no env files when the relaxations are off",
			opts: &PodValidationOptions{},
			env:  []corev1.EnvVar{{Name: "1abc", Value: "x"}, {Name: "none", ValueFrom: &corev1.EnvVarSource{}}},
			want: []ctrErr{
				ctrInvalid("env[0].name", "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"),
				ctrInvalid("env[1].valueFrom", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"),
			},
		},
		{
			name: "fieldRef",
			env: []corev1.EnvVar{
				fieldRefVar("a", "v2", "metadata.name"),
				fieldRefVar("b", "v1", "metadata.labels"),
				fieldRefVar("c", "v1", "metadata.labels['-bad-']"),
				fieldRefVar("d", "v1", "spec.nodeName['x']"),
				fieldRefVar("e", "v1", "status.phase"),
				fieldRefVar("f", "v1", "metadata.generateName"),
				fieldRefVar("g", "v1", "['x']"),
				fieldRefVar("h", "v1", "metadata.annotations['']"),
				fieldRefVar("i", "", "metadata.name"),
				fieldRefVar("j", "v1", ""),
			},
			want: []ctrErr{
				ctrInvalid("env[0].valueFrom.fieldRef.fieldPath", "").withBody(`Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2`),
				ctrNotSupported("env[1].valueFrom.fieldRef.fieldPath", `Unsupported value: "metadata.labels": `+fieldPathsList),
				ctrInvalid("env[2].valueFrom.fieldRef", "").withBody(`Invalid value: "-bad-": ` + nameRegexMsg),
				ctrInvalid("env[3].valueFrom.fieldRef.fieldPath", "").withBody(`Invalid value: "spec.nodeName['x']": error converting fieldPath: field label does not support subscript: spec.nodeName['x']`),
				ctrNotSupported("env[4].valueFrom.fieldRef.fieldPath", `Unsupported value: "status.phase": `+fieldPathsList),
				ctrInvalid("env[5].valueFrom.fieldRef.fieldPath", "").withBody(`Invalid value: "metadata.generateName": error converting fieldPath: field label not supported: metadata.generateName`),
				ctrInvalid("env[6].valueFrom.fieldRef.fieldPath", "").withBody(`Invalid value: "['x']": error converting fieldPath: field label not supported: ['x']`),
				ctrInvalid("env[7].valueFrom.fieldRef", "name part must be non-empty"),
				ctrInvalid("env[7].valueFrom.fieldRef", nameRegexMsg),
				ctrRequired("env[8].valueFrom.fieldRef.apiVersion"),
				ctrRequired("env[9].valueFrom.fieldRef.fieldPath"),
			},
		},
		{
			name: "resourceFieldRef",
			env: []corev1.EnvVar{
				resourceRefVar("a", "", ""),
				resourceRefVar("b", "limits.gpu", ""),
				resourceRefVar("c", "limits.cpu", "2"),
				resourceRefVar("d", "requests.memory", "3Mi"),
				resourceRefVar("e", "limits.hugepages-2Mi", "1m"),
				resourceRefVar("f", "limits.ephemeral-storage", "10"),
			},
			want: []ctrErr{
				ctrRequired("env[0].valueFrom.resourceFieldRef.resource"),
				ctrNotSupported("env[1].valueFrom.resourceFieldRef.resource", `Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"`),
				ctrInvalid("env[2].valueFrom.resourceFieldRef.divisor", "").withBody(`Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`),
				ctrInvalid("env[3].valueFrom.resourceFieldRef.divisor", "only divisor's values "+byteDivisorsText+" are supported with the memory resource"),
				ctrInvalid("env[4].valueFrom.resourceFieldRef.divisor", "only divisor's values "+byteDivisorsText+" are supported with the hugepages resource"),
				ctrInvalid("env[5].valueFrom.resourceFieldRef.divisor", "only divisor's values "+byteDivisorsText+" are supported with the local ephemeral storage resource"),
			},
		},
		{
			name: "key refs",
			env: []corev1.EnvVar{
				{Name: "a", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{}}},
				{Name: "b", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "Bad"}, Key: "a b"}}},
				{Name: "c", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s-"}, Key: ".."}}},
				{Name: "d", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{}}},
				{Name: "e", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "V_1", Path: "../x", Key: "a=b"}}},
			},
			want: []ctrErr{
				ctrInvalid("env[0].valueFrom.configMapKeyRef.name", "").withBody(`Invalid value: "": ` + subdomainMsg),
				ctrRequired("env[0].valueFrom.configMapKeyRef.key"),
				ctrInvalid("env[1].valueFrom.configMapKeyRef.name", subdomainMsg),
				ctrInvalid("env[1].valueFrom.configMapKeyRef.key", "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"),
				ctrInvalid("env[2].valueFrom.secretKeyRef.name", subdomainMsg),
				ctrInvalid("env[2].valueFrom.secretKeyRef.key", "must not be '..'"),
				ctrRequired("env[3].valueFrom.fileKeyRef.key"),
				ctrRequired("env[3].valueFrom.fileKeyRef.volumeName"),
				ctrRequired("env[3].valueFrom.fileKeyRef.path"),
				ctrInvalid("env[4].valueFrom.fileKeyRef.key", envNameMsg),
				ctrInvalid("env[4].valueFrom.fileKeyRef.volumeName", dnsLabelMsg),
				ctrInvalid("env[4].valueFrom.fileKeyRef.path", "must not contain '..'"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := ctrCreateOpts
			if tc.opts != nil {
				opts = *tc.opts
			}
			ctrCheckErrs(t, validateEnv(tc.env, field.NewPath("env"), opts), tc.want)
		})
	}
}

func TestValidateEnvFrom(t *testing.T) {
	cm := func(name string) *corev1.ConfigMapEnvSource {
		return &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}
	}
	secret := func(name string) *corev1.SecretEnvSource {
		return &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}
	}
	cases := []struct {
		name    string
		sources []corev1.EnvFromSource
		want    []ctrErr
	}{
		{name: "valid", sources: []corev1.EnvFromSource{
			{ConfigMapRef: cm("ok-"), Prefix: "1_"},
			{SecretRef: secret("s")},
		}},
		{
			// kube reports a wrong number of references on the list path.
			name: "invalid",
			sources: []corev1.EnvFromSource{
				{Prefix: "a=b"},
				{ConfigMapRef: cm("x"), SecretRef: secret("y")},
				{ConfigMapRef: cm("")},
				{SecretRef: secret("Bad-")},
			},
			want: []ctrErr{
				ctrInvalid("envFrom[0].prefix", envNameMsg),
				ctrInvalid("envFrom", "must specify one of: `configMapRef` or `secretRef`"),
				ctrInvalid("envFrom", "may not have more than one field specified at a time"),
				ctrRequired("envFrom[2].configMapRef.name"),
				ctrInvalid("envFrom[3].secretRef.name", subdomainMsg),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctrCheckErrs(t, validateEnvFrom(tc.sources, field.NewPath("envFrom"), ctrCreateOpts), tc.want)
		})
	}
}
