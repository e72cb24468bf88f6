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
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateContainerPorts(t *testing.T) {
	cases := []struct {
		name  string
		ports []corev1.ContainerPort
		want  []ctrErr
	}{
		{name: "valid", ports: []corev1.ContainerPort{
			{Name: "http", ContainerPort: 80, HostPort: 8080, Protocol: corev1.ProtocolTCP},
			{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP},
			{ContainerPort: 9, Protocol: corev1.ProtocolSCTP},
		}},
		{
			name: "invalid",
			ports: []corev1.ContainerPort{
				{Name: "http", ContainerPort: 80, Protocol: corev1.ProtocolTCP},
				{Name: "http", ContainerPort: 70000, HostPort: -1, Protocol: "ICMP"},
				{Name: "Bad_Name", Protocol: corev1.ProtocolUDP},
				{Name: "123", ContainerPort: 81, Protocol: corev1.ProtocolTCP},
				{Name: "thisnameiswaytoolong", ContainerPort: 82},
			},
			want: []ctrErr{
				ctrDuplicate("ports[1].name", `Duplicate value: "http"`),
				ctrInvalid("ports[1].containerPort", "").withBody("Invalid value: 70000: must be between 1 and 65535, inclusive"),
				ctrInvalid("ports[1].hostPort", "").withBody("Invalid value: -1: must be between 1 and 65535, inclusive"),
				ctrNotSupported("ports[1].protocol", `Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`),
				ctrInvalid("ports[2].name", "").withBody(`Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`),
				ctrRequired("ports[2].containerPort"),
				ctrInvalid("ports[3].name", "").withBody(`Invalid value: "123": must contain at least one letter (a-z)`),
				ctrInvalid("ports[4].name", "").withBody(`Invalid value: "thisnameiswaytoolong": must be no more than 15 characters`),
				ctrRequired("ports[4].protocol"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctrCheckErrs(t, validateContainerPorts(tc.ports, field.NewPath("ports")), tc.want)
		})
	}
}

func TestValidatePortNumberOrName(t *testing.T) {
	cases := []struct {
		name string
		port intstr.IntOrString
		want []ctrErr
	}{
		{name: "number", port: intstr.FromInt32(8080)},
		{name: "name", port: intstr.FromString("http")},
		{name: "zero", port: intstr.FromInt32(0), want: []ctrErr{ctrInvalid("port", "").withBody("Invalid value: 0: must be between 1 and 65535, inclusive")}},
		{name: "long name", port: intstr.FromString("averyveryverylongname"), want: []ctrErr{ctrInvalid("port", "must be no more than 15 characters")}},
		{name: "unknown type", port: intstr.IntOrString{Type: 7}, want: []ctrErr{{typ: field.ErrorTypeInternal, field: "port", detail: "unknown type: 7"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctrCheckErrs(t, validatePortNumberOrName(tc.port, field.NewPath("port")), tc.want)
		})
	}
}
