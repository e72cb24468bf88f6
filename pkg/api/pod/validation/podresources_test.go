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
	"k8s.io/utils/ptr"
)

func resourceClaimCases() []podCase {
	claims := func(c ...corev1.PodResourceClaim) func(*corev1.Pod) {
		return func(p *corev1.Pod) { p.Spec.ResourceClaims = c }
	}
	return []podCase{
		{
			name: "valid claims",
			pod: podWith(claims(
				corev1.PodResourceClaim{Name: "gpu", ResourceClaimName: ptr.To("shared-gpu")},
				corev1.PodResourceClaim{Name: "scratch", ResourceClaimTemplateName: ptr.To("scratch.template")},
			)),
		},
		{
			name: "claim names missing, repeated and malformed",
			pod: podWith(claims(
				corev1.PodResourceClaim{ResourceClaimName: ptr.To("a")},
				corev1.PodResourceClaim{Name: "gpu", ResourceClaimName: ptr.To("a")},
				corev1.PodResourceClaim{Name: "gpu", ResourceClaimName: ptr.To("b")},
				corev1.PodResourceClaim{Name: "GPU", ResourceClaimName: ptr.To("c")},
			)),
			want: []wantErr{
				required("spec.resourceClaims[0].name", ""),
				duplicate("spec.resourceClaims[2].name"),
				invalid("spec.resourceClaims[3].name", dnsLabelMsg),
			},
		},
		{
			name: "claim with both sources",
			pod:  podWith(claims(corev1.PodResourceClaim{Name: "gpu", ResourceClaimName: ptr.To("x"), ResourceClaimTemplateName: ptr.To("y")})),
			want: []wantErr{invalid("spec.resourceClaims[0]", "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified").
				withBody("Invalid value: {\"name\":\"gpu\",\"resourceClaimName\":\"x\",\"resourceClaimTemplateName\":\"y\"}: at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified")},
		},
		{
			name: "claim with no source",
			pod:  podWith(claims(corev1.PodResourceClaim{Name: "gpu"})),
			want: []wantErr{invalid("spec.resourceClaims[0]", "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`").
				withBody("Invalid value: {\"name\":\"gpu\"}: must specify one of: `resourceClaimName`, `resourceClaimTemplateName`")},
		},
		{
			name: "claim sources malformed",
			pod: podWith(claims(
				corev1.PodResourceClaim{Name: "a", ResourceClaimName: ptr.To("Bad")},
				corev1.PodResourceClaim{Name: "b", ResourceClaimTemplateName: ptr.To("bad_name")},
			)),
			want: []wantErr{
				invalid("spec.resourceClaims[0].resourceClaimName", dnsSubdomainMsg),
				invalid("spec.resourceClaims[1].resourceClaimTemplateName", dnsSubdomainMsg),
			},
		},
		{
			name: "claims of a static pod",
			pod: podWith(annotate("kubernetes.io/config.mirror", "hash"), func(p *corev1.Pod) {
				p.Spec.NodeName = "node-1"
			}, claims(
				corev1.PodResourceClaim{Name: "a", ResourceClaimName: ptr.To("x")},
				corev1.PodResourceClaim{Name: "", ResourceClaimName: ptr.To("Bad")},
			)),
			// kube's generic registry drops the repeated error before answering.
			want: []wantErr{
				forbidden("[]", "static pods do not support resource claims"),
				forbidden("[]", "static pods do not support resource claims"),
			},
		},
	}
}

func TestPodResourceClaims(t *testing.T) {
	runCreateCases(t, resourceClaimCases())
}

func TestPodResourceClaimNames(t *testing.T) {
	got := podResourceClaimNames([]corev1.PodResourceClaim{{Name: "a"}, {Name: ""}, {Name: "b"}, {Name: "a"}})
	if want := sets.New("a", "b"); !got.Equal(want) {
		t.Errorf("got %v, want %v", sets.List(got), sets.List(want))
	}
}

func podLevelResourceCases() []podCase {
	podResources := func(requests, limits corev1.ResourceList) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Spec.Resources = &corev1.ResourceRequirements{Requests: requests, Limits: limits}
		}
	}
	ctrResources := func(requests, limits corev1.ResourceList) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources = corev1.ResourceRequirements{Requests: requests, Limits: limits}
		}
	}
	return []podCase{
		{
			name: "valid pod-level resources",
			pod: podWith(
				podResources(ctrQuantities("cpu", "1", "memory", "1Gi", "hugepages-2Mi", "4Mi"), ctrQuantities("cpu", "2", "memory", "2Gi", "hugepages-2Mi", "4Mi")),
				ctrResources(ctrQuantities("cpu", "500m", "memory", "1Gi", "hugepages-2Mi", "2Mi"), ctrQuantities("cpu", "2", "memory", "1Gi", "hugepages-2Mi", "2Mi")),
			),
		},
		{
			name: "pod-level resources of a windows pod",
			pod: podWith(podResources(ctrQuantities("cpu", "2"), ctrQuantities("cpu", "1", "example.com/gpu", "1")), func(p *corev1.Pod) {
				p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
			}),
			want: []wantErr{forbidden("spec.resources", "may not be set for a windows pod")},
		},
		{
			name: "resource names not allowed at pod level",
			pod: podWith(podResources(
				ctrQuantities("cpu", "1", "ephemeral-storage", "1Gi", "example.com/gpu", "1"),
				ctrQuantities("cpu", "1", "ephemeral-storage", "1Gi", "example.com/gpu", "1", "foo", "1"),
			)),
			want: []wantErr{
				notSupported("spec.resources.limits[ephemeral-storage]", `supported values: "cpu", "hugepages-", "memory"`).
					withBody(`Unsupported value: "ephemeral-storage": supported values: "cpu", "hugepages-", "memory"`),
				notSupported("spec.resources.limits[example.com/gpu]", `supported values: "cpu", "hugepages-", "memory"`),
				invalid("spec.resources.limits[foo]", "must be a standard resource type or fully qualified"),
				notSupported("spec.resources.requests[ephemeral-storage]", `supported values: "cpu", "hugepages-", "memory"`),
				notSupported("spec.resources.requests[example.com/gpu]", `supported values: "cpu", "hugepages-", "memory"`),
			},
		},
		{
			name: "pod request above pod limit",
			pod:  podWith(podResources(ctrQuantities("cpu", "2"), ctrQuantities("cpu", "1"))),
			want: []wantErr{invalid("spec.resources.requests", "must be less than or equal to cpu limit of 1").withBody(`Invalid value: "2": must be less than or equal to cpu limit of 1`)},
		},
		{
			name: "huge pages alone and not in whole pages",
			pod:  podWith(podResources(ctrQuantities("hugepages-2Mi", "3Mi"), ctrQuantities("hugepages-2Mi", "3Mi"))),
			want: []wantErr{
				invalid("spec.resources.limits[hugepages-2Mi]", "3Mi is not positive integer multiple of hugepages-2Mi"),
				invalid("spec.resources.requests[hugepages-2Mi]", "3Mi is not positive integer multiple of hugepages-2Mi"),
				forbidden("spec.resources", "HugePages require cpu or memory"),
			},
		},
		{
			name: "huge pages request different from limit",
			pod:  podWith(podResources(ctrQuantities("memory", "1Gi", "hugepages-2Mi", "2Mi"), ctrQuantities("memory", "1Gi", "hugepages-2Mi", "4Mi"))),
			want: []wantErr{invalid("spec.resources.requests", "must be equal to hugepages-2Mi limit of 4Mi")},
		},
		{
			name:        "huge pages request without limit",
			pod:         podWith(podResources(ctrQuantities("memory", "1Gi", "hugepages-2Mi", "2Mi"), nil)),
			want:        []wantErr{required("spec.resources.limits", "Limit must be set for non overcommitable resources")},
			unreachable: "kube fills the pod limits from the requests before validation",
		},
		{
			name: "pod-level claims",
			pod: podWith(podResources(ctrQuantities("cpu", "1"), nil), func(p *corev1.Pod) {
				p.Spec.Resources.Claims = []corev1.ResourceClaim{{Name: "gpu"}}
			}),
			want: []wantErr{
				forbidden("spec.resources.claims", "claims may not be set for Resources at pod-level"),
				notFound("spec.resources.claims[0]", "must be one of the names in pod.spec.resourceClaims which is empty"),
			},
		},
		{
			name: "pod requests below the containers' requests",
			pod: podWith(
				podResources(ctrQuantities("cpu", "1", "memory", "1Gi"), nil),
				ctrResources(ctrQuantities("cpu", "1500m", "memory", "512Mi"), nil),
			),
			want: []wantErr{invalid("spec.resources.requests[cpu]", "must be greater than or equal to aggregate container requests of 1500m").
				withBody(`Invalid value: "1": must be greater than or equal to aggregate container requests of 1500m`)},
		},
		{
			name: "container limit above the pod limit",
			pod: podWith(
				podResources(ctrQuantities("memory", "2Gi"), ctrQuantities("memory", "2Gi")),
				ctrResources(ctrQuantities("memory", "1Gi"), ctrQuantities("memory", "3Gi")),
			),
			want: []wantErr{invalid("spec.resources.containers[0][memory].limits", "must be less than or equal to pod limits of 2Gi").
				withBody(`Invalid value: "3Gi": must be less than or equal to pod limits of 2Gi`)},
		},
		{
			name: "pod huge page limit below the containers' limits",
			pod: func() *corev1.Pod {
				p := podWith(
					podResources(ctrQuantities("memory", "1Gi", "hugepages-2Mi", "2Mi"), ctrQuantities("memory", "1Gi", "hugepages-2Mi", "2Mi")),
					ctrResources(ctrQuantities("memory", "100Mi", "hugepages-2Mi", "2Mi"), ctrQuantities("memory", "100Mi", "hugepages-2Mi", "2Mi")),
				)
				second := *p.Spec.Containers[0].DeepCopy()
				second.Name = "d"
				p.Spec.Containers = append(p.Spec.Containers, second)
				return p
			}(),
			want: []wantErr{
				invalid("spec.resources.requests[hugepages-2Mi]", "must be greater than or equal to aggregate container requests of 4Mi"),
				invalid("spec.resources.limits[hugepages-2Mi]", "must be greater than or equal to aggregate container limits of 4Mi"),
			},
		},
	}
}

func TestPodLevelResources(t *testing.T) {
	runCreateCases(t, podLevelResourceCases())
}

func TestPodLevelClaimRefs(t *testing.T) {
	claims := []corev1.ResourceClaim{
		{Name: ""},
		{Name: "gpu", Request: "a"},
		{Name: "gpu", Request: "a"},
		{Name: "gpu"},
		{Name: "gpu", Request: "Bad"},
		{Name: "other"},
	}
	got := validatePodLevelClaimRefs(claims, sets.New("gpu", "net"), field.NewPath("claims"))
	expectErrors(t, got, []wantErr{
		required("claims[0]", ""),
		duplicate("claims[2]"),
		duplicate("claims[3]"),
		duplicate("claims[4]"),
		notFound("claims[5]", "must be one of the names in pod.spec.resourceClaims: gpu, net"),
	})
}

func TestIndivisibleHugePagesRelaxation(t *testing.T) {
	got := validatePodLevelHugePagesValue("hugepages-2Mi", resource.MustParse("3Mi"), nil, PodValidationOptions{AllowIndivisibleHugePagesValues: true})
	if len(got) != 0 {
		t.Errorf("a stored pod may keep its huge page value, got %v", got)
	}
}
