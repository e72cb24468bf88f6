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
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateContainerResourceRequirements(t *testing.T) {
	const qualifiedMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	cases := []struct {
		name   string
		res    corev1.ResourceRequirements
		claims sets.Set[string]
		opts   PodValidationOptions
		want   []ctrErr
	}{
		{name: "empty"},
		{name: "valid", res: corev1.ResourceRequirements{
			Limits:   ctrQuantities("cpu", "2", "memory", "1Gi", "example.com/gpu", "2", "hugepages-2Mi", "4Mi", "kubernetes.io/x", "1"),
			Requests: ctrQuantities("cpu", "500m", "memory", "1Gi", "example.com/gpu", "2", "hugepages-2Mi", "4Mi", "ephemeral-storage", "1Gi"),
		}},
		{
			// Keys are reported in sorted order, limits before requests (kube's order is random).
			name: "names, quantities and request against limit",
			res: corev1.ResourceRequirements{
				Limits:   ctrQuantities("cpu", "1", "example.com/gpu", "2", "hugepages-2Mi", "3Mi", "foo", "1", "requests.foo/x", "1", "a b", "1"),
				Requests: ctrQuantities("cpu", "2", "memory", "-1", "example.com/gpu", "1", "example.com/fpga", "500m", "pods", "1", "hugepages-2Mi", "3Mi"),
			},
			want: []ctrErr{
				ctrInvalid("r.limits[a b]", "").withBody(`Invalid value: "a b": ` + qualifiedMsg),
				ctrInvalid("r.limits[a b]", "must be a standard resource for containers"),
				ctrInvalid("r.limits[foo]", "must be a standard resource type or fully qualified"),
				ctrInvalid("r.limits[foo]", "").withBody(`Invalid value: "foo": must be a standard resource for containers`),
				ctrInvalid("r.limits[hugepages-2Mi]", "").withBody(`Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi`),
				ctrInvalid("r.limits[requests.foo/x]", "doesn't follow extended resource name standard"),
				ctrInvalid("r.requests", "").withBody(`Invalid value: "2": must be less than or equal to cpu limit of 1`),
				ctrInvalid("r.requests[example.com/fpga]", "").withBody(`Invalid value: "500m": must be an integer`),
				ctrRequired("r.limits").withBody("Required value: Limit must be set for non overcommitable resources"),
				ctrInvalid("r.requests", "").withBody(`Invalid value: "1": must be equal to example.com/gpu limit of 2`),
				ctrInvalid("r.requests[hugepages-2Mi]", "3Mi is not positive integer multiple of hugepages-2Mi"),
				ctrInvalid("r.requests[memory]", "").withBody(`Invalid value: "-1": must be greater than or equal to 0`),
				ctrInvalid("r.requests[pods]", "must be a standard resource for containers"),
			},
		},
		{
			name: "hugepages need cpu or memory; a bad page size divides nothing",
			res: corev1.ResourceRequirements{
				Limits:   ctrQuantities("hugepages-2Mi", "2Mi", "hugepages-abc", "1"),
				Requests: ctrQuantities("hugepages-2Mi", "2Mi", "hugepages-abc", "1"),
			},
			want: []ctrErr{
				ctrInvalid("r.limits[hugepages-abc]", "1 is not positive integer multiple of hugepages-abc"),
				ctrInvalid("r.requests[hugepages-abc]", "1 is not positive integer multiple of hugepages-abc"),
				ctrForbidden("r", "HugePages require cpu or memory"),
			},
		},
		{
			name: "indivisible hugepages tolerated on update",
			opts: PodValidationOptions{AllowIndivisibleHugePagesValues: true},
			res:  corev1.ResourceRequirements{Limits: ctrQuantities("memory", "1Gi", "hugepages-2Mi", "3Mi")},
		},
		{
			name:   "claims",
			claims: sets.New("a", "b"),
			res: corev1.ResourceRequirements{Claims: []corev1.ResourceClaim{
				{Name: ""}, {Name: "a"}, {Name: "a"}, {Name: "b", Request: "r1"}, {Name: "b", Request: "r1"}, {Name: "b"}, {Name: "zz", Request: "Bad_R"},
			}},
			want: []ctrErr{
				ctrRequired("r.claims[0]"),
				ctrDuplicate("r.claims[2]", `Duplicate value: "a"`),
				ctrDuplicate("r.claims[4]", `Duplicate value: "b/r1"`),
				ctrDuplicate("r.claims[5]", `Duplicate value: "b"`),
				ctrInvalid("r.claims[6].request", dnsLabelMsg),
				ctrNotFound("r.claims[6]", `Not found: "zz": must be one of the names in pod.spec.resourceClaims: a, b`),
			},
		},
		{
			name: "claims without pod claims",
			res:  corev1.ResourceRequirements{Claims: []corev1.ResourceClaim{{Name: "a"}}},
			want: []ctrErr{ctrNotFound("r.claims[0]", `Not found: "a": must be one of the names in pod.spec.resourceClaims which is empty`)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctrCheckErrs(t, validateContainerResourceRequirements(&tc.res, tc.claims, field.NewPath("r"), tc.opts), tc.want)
		})
	}
}

func TestValidateResourceQuantityValue(t *testing.T) {
	cases := []struct {
		name     string
		resource corev1.ResourceName
		value    string
		want     []ctrErr
	}{
		{name: "fraction of a cpu", resource: corev1.ResourceCPU, value: "1m"},
		{name: "negative", resource: corev1.ResourceMemory, value: "-1Ki", want: []ctrErr{ctrInvalid("q", "").withBody(`Invalid value: "-1Ki": must be greater than or equal to 0`)}},
		{name: "whole extended resource", resource: "example.com/gpu", value: "3"},
		{name: "fractional extended resource", resource: "example.com/gpu", value: "1.5", want: []ctrErr{ctrInvalid("q", "").withBody(`Invalid value: "1500m": must be an integer`)}},
		{name: "fractional object count", resource: corev1.ResourcePods, value: "100m", want: []ctrErr{ctrInvalid("q", "must be an integer")}},
		{name: "negative fraction of an extended resource", resource: "example.com/gpu", value: "-500m", want: []ctrErr{
			ctrInvalid("q", "must be greater than or equal to 0"),
			ctrInvalid("q", "must be an integer"),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctrCheckErrs(t, validateResourceQuantityValue(tc.resource, resource.MustParse(tc.value), field.NewPath("q")), tc.want)
		})
	}
}
