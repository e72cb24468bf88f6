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
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

func boundPod() *corev1.Pod {
	p := basePod()
	p.Spec.NodeName = "node1"
	return p
}

func terminated(name string, code int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}
}

func running(name string) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}
}

func withContainers(restartPolicy corev1.RestartPolicy, mutate func(p *corev1.Pod)) func() *corev1.Pod {
	return func() *corev1.Pod {
		p := basePod()
		p.Spec.RestartPolicy = restartPolicy
		if mutate != nil {
			mutate(p)
		}
		return p
	}
}

func TestValidatePodStatusUpdate(t *testing.T) {
	status := field.NewPath("status")
	cs := status.Child("containerStatuses")
	ics := status.Child("initContainerStatuses")
	ecs := status.Child("ephemeralContainerStatuses")
	const notRunAgain = "may not be transitioned to non-terminated state"
	neverWithInits := withContainers(corev1.RestartPolicyNever, func(p *corev1.Pod) {
		init := p.Spec.Containers[0]
		init.Name = "i1"
		sidecar := p.Spec.Containers[0]
		sidecar.Name = "side"
		sidecar.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
		p.Spec.InitContainers = []corev1.Container{init, sidecar}
		rules := p.Spec.Containers[0]
		rules.Name = "r"
		rules.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyNever)
		rules.RestartPolicyRules = []corev1.ContainerRestartRule{{
			Action:    corev1.ContainerRestartRuleActionRestart,
			ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{42}},
		}}
		onFailure := p.Spec.Containers[0]
		onFailure.Name = "f"
		onFailure.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyOnFailure)
		p.Spec.Containers = append(p.Spec.Containers, rules, onFailure)
		p.Status.InitContainerStatuses = []corev1.ContainerStatus{terminated("i1", 0), terminated("side", 1)}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("c", 1), terminated("r", 42), terminated("f", 3)}
		p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{terminated("dbg", 0)}
	})
	claimPod := func() *corev1.Pod {
		p := boundPod()
		p.Spec.ResourceClaims = []corev1.PodResourceClaim{{Name: "cl", ResourceClaimName: ptr.To("claim1")}}
		p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
			Requests: corev1.ResourceList{"cpu": resource.MustParse("1"), "example.com/gpu": resource.MustParse("1")},
			Limits:   corev1.ResourceList{"example.com/gpu": resource.MustParse("1")},
			Claims:   []corev1.ResourceClaim{{Name: "cl", Request: "rq"}},
		}
		return p
	}

	cases := []struct {
		name   string
		old    func() *corev1.Pod
		update func(p *corev1.Pod)
		want   field.ErrorList
	}{
		{name: "unchanged", old: boundPod, update: func(p *corev1.Pod) {}},
		{name: "labels change", old: boundPod, update: func(p *corev1.Pod) { p.Labels = map[string]string{"a": "b"} }},
		{name: "unqualified finalizer", old: boundPod, update: func(p *corev1.Pod) { p.Finalizers = []string{"foo"} },
			want: field.ErrorList{field.Invalid(field.NewPath("metadata", "finalizers").Index(0), "foo", "name is neither a standard finalizer name nor is it fully qualified")}},
		{name: "annotations fixed at creation are added, sorted by key", old: boundPod, update: func(p *corev1.Pod) {
			p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x", "container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}
		}, want: field.ErrorList{
			field.Forbidden(field.NewPath("metadata", "annotations").Key("container.apparmor.security.beta.kubernetes.io/c"), "may not add AppArmor annotations"),
			field.Forbidden(field.NewPath("metadata", "annotations").Key(corev1.MirrorPodAnnotationKey), "may not add mirror pod annotation"),
		}},

		// kube checks neither phase values nor phase transitions.
		{name: "unknown phase", old: boundPod, update: func(p *corev1.Pod) { p.Status.Phase = "Bogus" }},
		{name: "terminal phase left", old: func() *corev1.Pod {
			p := boundPod()
			p.Status.Phase = corev1.PodSucceeded
			return p
		}, update: func(p *corev1.Pod) { p.Status.Phase = corev1.PodRunning }},

		{name: "conditions", old: boundPod, update: func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{
				{Type: "bad type", Status: corev1.ConditionTrue, ObservedGeneration: -2},
				{Type: corev1.PodReady, Status: corev1.ConditionTrue},
				{Type: "example.com/ok", Status: corev1.ConditionFalse},
				{Type: corev1.ContainersReady, Status: corev1.ConditionTrue},
			}
		}, want: field.ErrorList{
			field.Invalid(status.Child("conditions").Index(0).Child("observedGeneration"), int64(-2), "must be a non-negative integer"),
			field.Invalid(status.Child("conditions").Index(0).Child("Type"), "bad type", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
		}},
		{name: "nodeName changed", old: boundPod, update: func(p *corev1.Pod) { p.Spec.NodeName = "node2" },
			want: field.ErrorList{field.Forbidden(status.Child("nodeName"), "may not be changed directly")}},
		{name: "nominated on unbound pod", old: basePod, update: func(p *corev1.Pod) { p.Status.NominatedNodeName = "node2" }},
		{name: "bad nomination on unbound pod", old: basePod, update: func(p *corev1.Pod) { p.Status.NominatedNodeName = "Bad_Name" },
			want: field.ErrorList{field.Invalid(status.Child("nominatedNodeName"), "Bad_Name", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")}},
		{name: "nominated on bound pod", old: boundPod, update: func(p *corev1.Pod) { p.Status.NominatedNodeName = "node2" },
			want: field.ErrorList{field.Forbidden(status.Child("nominatedNodeName"), "may not be set on pods that are already bound to a node")}},
		{name: "bound pod keeps or clears its nomination", old: func() *corev1.Pod {
			p := boundPod()
			p.Status.NominatedNodeName = "Old_Name"
			return p
		}, update: func(p *corev1.Pod) {}},
		{name: "observedGeneration negative", old: boundPod, update: func(p *corev1.Pod) { p.Status.ObservedGeneration = -1 },
			want: field.ErrorList{field.Invalid(status.Child("observedGeneration"), int64(-1), "must be a non-negative integer")}},
		{name: "qosClass changed", old: boundPod, update: func(p *corev1.Pod) { p.Status.QOSClass = corev1.PodQOSGuaranteed },
			want: field.ErrorList{field.Invalid(status.Child("qosClass"), corev1.PodQOSGuaranteed, "field is immutable")}},

		{name: "restartPolicy Never: only what restarts may run again", old: neverWithInits, update: func(p *corev1.Pod) {
			// New statuses in another order: errors index the stored statuses.
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("f"), running("r"), running("c")}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{running("side"), running("i1")}
			p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{running("dbg")}
		}, want: field.ErrorList{
			field.Forbidden(cs.Index(0).Child("state"), notRunAgain),
			field.Forbidden(ics.Index(0).Child("state"), notRunAgain),
			field.Forbidden(ecs.Index(0).Child("state"), notRunAgain),
		}},
		{name: "restart rule not matched", old: func() *corev1.Pod {
			p := neverWithInits()
			p.Status.ContainerStatuses[1] = terminated("r", 1)
			return p
		}, update: func(p *corev1.Pod) {
			p.Status.ContainerStatuses[1] = running("r")
		}, want: field.ErrorList{field.Forbidden(cs.Index(1).Child("state"), notRunAgain)}},
		{name: "restartPolicy OnFailure", old: withContainers(corev1.RestartPolicyOnFailure, func(p *corev1.Pod) {
			d := p.Spec.Containers[0]
			d.Name = "d"
			p.Spec.Containers = append(p.Spec.Containers, d)
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("c", 0), terminated("d", 2)}
		}), update: func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("c"), running("d")}
		}, want: field.ErrorList{field.Forbidden(cs.Index(0).Child("state"), notRunAgain)}},
		{name: "restartPolicy Always", old: withContainers(corev1.RestartPolicyAlways, func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("c", 0)}
			p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{terminated("dbg", 0)}
		}), update: func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("c")}
			p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{running("dbg")}
		}, want: field.ErrorList{field.Forbidden(ecs.Index(0).Child("state"), notRunAgain)}},
		{name: "a RestartAllContainers rule lets every container run again", old: func() *corev1.Pod {
			p := neverWithInits()
			p.Spec.Containers[1].RestartPolicyRules[0].Action = corev1.ContainerRestartRuleActionRestartAllContainers
			return p
		}, update: func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{running("c"), running("r"), running("f")}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{running("i1"), running("side")}
		}},
		{name: "status of a container the spec lacks", old: withContainers(corev1.RestartPolicyAlways, func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{terminated("ghost", 0)}
		}), update: func(p *corev1.Pod) { p.Status.ContainerStatuses = []corev1.ContainerStatus{running("ghost")} },
			want: field.ErrorList{field.Forbidden(cs.Index(0).Child("state"), notRunAgain)}},

		{name: "resourceClaimStatuses", old: claimPod, update: func(p *corev1.Pod) {
			p.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "cl", ResourceClaimName: ptr.To("Bad")}, {Name: "cl"}, {Name: "nope"}}
		}, want: field.ErrorList{
			field.Invalid(status.Child("resourceClaimStatuses").Index(0).Child("resourceClaimName"), ptr.To("Bad"), "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
			field.Duplicate(status.Child("resourceClaimStatuses").Index(1).Child("name"), "cl"),
			field.Invalid(status.Child("resourceClaimStatuses").Index(2).Child("name"), "nope", "must match the name of an entry in `spec.resourceClaims`"),
		}},
		{name: "valid resourceClaimStatuses", old: claimPod, update: func(p *corev1.Pod) {
			p.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "cl", ResourceClaimName: ptr.To("claim1")}}
		}},

		{name: "container users", old: boundPod, update: func(p *corev1.Pod) {
			s := running("c")
			s.User = &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: -1, GID: -1, SupplementalGroups: []int64{5, -3}}}
			ok := running("c")
			ok.User = &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{UID: 4294967295, GID: 0}}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{s, ok}
		}, want: field.ErrorList{
			field.Invalid(cs.Index(0).Child("user", "linux", "uid"), int64(-1), "must be between 0 and 4294967295, inclusive"),
			field.Invalid(cs.Index(0).Child("user", "linux", "gid"), int64(-1), "must be between 0 and 2147483647, inclusive"),
			field.Invalid(cs.Index(0).Child("user", "linux", "supplementalGroups").Index(1), int64(-3), "must be between 0 and 2147483647, inclusive"),
		}},
		{name: "linux user of a windows pod", old: func() *corev1.Pod {
			p := boundPod()
			p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
			return p
		}, update: func(p *corev1.Pod) {
			s := running("c")
			s.User = &corev1.ContainerUser{Linux: &corev1.LinuxContainerUser{}}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{s}
		}, want: field.ErrorList{field.Forbidden(ics.Index(0).Child("user", "linux"), "cannot be set for a windows pod")}},

		{name: "allocatedResourcesStatus", old: claimPod, update: func(p *corev1.Pod) {
			s := running("c")
			s.AllocatedResourcesStatus = []corev1.ResourceStatus{
				{Name: "example.com/gpu", Resources: []corev1.ResourceHealth{{ResourceID: "a", Health: corev1.ResourceHealthStatusHealthy}, {ResourceID: "a", Health: "Bad", Message: ptr.To("")}}},
				{Name: "memory"},
				{Name: "claim:cl/rq", Resources: []corev1.ResourceHealth{{ResourceID: "b", Health: corev1.ResourceHealthStatusUnknown, Message: ptr.To(strings.Repeat("m", 1025))}}},
				{Name: "claim:cl"},
			}
			e := running("dbg")
			e.AllocatedResourcesStatus = []corev1.ResourceStatus{{Name: "cpu"}}
			ghost := running("ghost")
			ghost.AllocatedResourcesStatus = []corev1.ResourceStatus{{Name: "cpu"}}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{s, ghost}
			p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{e}
		}, want: field.ErrorList{
			field.NotSupported(cs.Index(0).Child("allocatedResourcesStatus").Index(0).Child("resources").Index(1).Child("health"), corev1.ResourceHealthStatus("Bad"), []string{"Healthy", "Unhealthy", "Unknown"}),
			field.Required(cs.Index(0).Child("allocatedResourcesStatus").Index(0).Child("resources").Index(1).Child("message"), "must be non-empty if specified"),
			field.Duplicate(cs.Index(0).Child("allocatedResourcesStatus").Index(0).Child("resources").Index(1).Child("resourceID"), corev1.ResourceID("a")),
			field.Invalid(cs.Index(0).Child("allocatedResourcesStatus").Index(1).Child("name"), corev1.ResourceName("memory"), "must match one of the container's resource requests"),
			field.TooLong(cs.Index(0).Child("allocatedResourcesStatus").Index(2).Child("resources").Index(0).Child("message"), strings.Repeat("m", 1025), 1024),
			field.Invalid(cs.Index(0).Child("allocatedResourcesStatus").Index(3).Child("name"), corev1.ResourceName("claim:cl"), "must match one of the container's resource claims as 'claim:<claimName>/<requestName>' when container.resources.claims[*].request is set or 'claim:<claimName>' when it is empty"),
			field.Forbidden(ecs.Index(0).Child("allocatedResourcesStatus"), "must not be specified in container status"),
		}},
		{name: "allocatedResourcesStatus of an extended resource claim", old: claimPod, update: func(p *corev1.Pod) {
			p.Status.ExtendedResourceClaimStatus = &corev1.PodExtendedResourceClaimStatus{
				ResourceClaimName: "ext-claim",
				RequestMappings:   []corev1.ContainerExtendedResourceRequest{{ContainerName: "c", ResourceName: "example.com/gpu", RequestName: "req-0"}},
			}
			s := running("c")
			s.AllocatedResourcesStatus = []corev1.ResourceStatus{{Name: "claim:ext-claim/req-0"}, {Name: "claim:ext-claim/req-1"}}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{s}
		}, want: field.ErrorList{
			field.Invalid(cs.Index(0).Child("allocatedResourcesStatus").Index(1).Child("name"), corev1.ResourceName("claim:ext-claim/req-1"), "must match one of the container's resource claims as 'claim:<claimName>/<requestName>' when container.resources.claims[*].request is set or 'claim:<claimName>' when it is empty"),
		}},
		{name: "extendedResourceClaimStatus", old: claimPod, update: func(p *corev1.Pod) {
			p.Status.ExtendedResourceClaimStatus = &corev1.PodExtendedResourceClaimStatus{
				RequestMappings: []corev1.ContainerExtendedResourceRequest{
					{ContainerName: "c", ResourceName: "example.com/gpu", RequestName: "req-0"},
					{ContainerName: "c", ResourceName: "example.com/fpga", RequestName: "Bad"},
					{ContainerName: "x", ResourceName: "example.com/gpu", RequestName: "req-0"},
					{ContainerName: "c", ResourceName: "example.com/gpu", RequestName: "req-0"},
				},
			}
		}, want: field.ErrorList{
			field.Invalid(status.Child("extendedResourceClaimStatus", "requestMappings").Index(1).Child("resourceName"), "example.com/fpga", "must match the extended resource name of an entry in spec.initContainers.resources.requests or spec.containers.resources.requests"),
			field.Invalid(status.Child("extendedResourceClaimStatus", "requestName"), "Bad", "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
			field.Invalid(status.Child("extendedResourceClaimStatus", "requestMappings").Index(2).Child("containerName"), "x", "must match the name of an entry in spec.initContainers.name or spec.containers.name"),
			field.Duplicate(status.Child("extendedResourceClaimStatus", "requestMappings").Index(3).Child("containerName"), "c"),
			field.Duplicate(status.Child("extendedResourceClaimStatus", "requestMappings").Index(3).Child("resourceName"), "example.com/gpu"),
			field.Duplicate(status.Child("extendedResourceClaimStatus", "requestMappings").Index(3).Child("requestName"), "req-0"),
			field.Required(status.Child("extendedResourceClaimStatus", "resourceClaimName"), ""),
		}},
		{name: "nodeAllocatableResourceClaimStatuses", old: claimPod, update: func(p *corev1.Pod) {
			p.Status.ResourceClaimStatuses = []corev1.PodResourceClaimStatus{{Name: "cl", ResourceClaimName: ptr.To("generated")}}
			p.Status.NodeAllocatableResourceClaimStatuses = []corev1.NodeAllocatableResourceClaimStatus{
				{ResourceClaimName: "claim1"},
				{ResourceClaimName: "generated", Mapping: []corev1.NodeAllocatableMappedResources{{Name: "example.com/x", Quantity: ptr.To(resource.MustParse("-1"))}}},
				{ResourceClaimName: "unknown", Overhead: []corev1.NodeAllocatableOverheadResources{{Name: "cpu"}, {Name: "memory", PerPod: ptr.To(resource.MustParse("-1"))}}},
				{},
			}
		}, want: field.ErrorList{
			field.Invalid(status.Child("nodeAllocatableResourceClaimStatuses").Index(1).Child("mapping").Index(0).Child("name"), corev1.ResourceName("example.com/x"), "must be a node allocatable resource name"),
			field.Invalid(status.Child("nodeAllocatableResourceClaimStatuses").Index(1).Child("mapping").Index(0).Child("quantity"), "-1", "must be non-negative"),
			field.Invalid(status.Child("nodeAllocatableResourceClaimStatuses").Index(2).Child("resourceClaimName"), "unknown", "no mapping found in pod reference"),
			field.Invalid(status.Child("nodeAllocatableResourceClaimStatuses").Index(2).Child("overhead").Index(0), "", "at least one of perPod or perContainer must be set"),
			field.Invalid(status.Child("nodeAllocatableResourceClaimStatuses").Index(2).Child("overhead").Index(1).Child("perPod"), "-1", "must be non-negative"),
		}},
		{name: "volumeHealth", old: func() *corev1.Pod {
			p := boundPod()
			p.Spec.Volumes = []corev1.Volume{{Name: "v", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "v", MountPath: "/v"}}
			return p
		}, update: func(p *corev1.Pod) {
			p.Status.VolumeHealth = []corev1.PodVolumeHealth{
				{Name: "v", HealthConditions: []corev1.VolumeHealthCondition{{Reason: "Fine"}, {Reason: "not ok"}}},
				{Name: "w"},
			}
		}, want: field.ErrorList{
			field.Invalid(status.Child("volumeHealth").Index(0).Child("healthConditions").Index(1).Child("reason"), "not ok", "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')"),
			field.NotFound(status.Child("volumeHealth").Index(1).Child("name"), "w"),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := tc.old()
			newPod := oldPod.DeepCopy()
			tc.update(newPod)
			opts := OptionsFor(newPod, oldPod)
			got := ValidatePodStatusUpdate(newPod, oldPod, opts)
			others := ValidatePodSpecificAnnotations(newPod.Annotations, &newPod.Spec, field.NewPath("metadata", "annotations"), opts)
			checkErrs(t, without(got, others), tc.want)
		})
	}
}

func TestValidatePodStatusIPs(t *testing.T) {
	podIPs := field.NewPath("status", "podIPs")
	hostIPs := field.NewPath("status", "hostIPs")
	type ips struct {
		ip   string
		list []string
	}
	cases := []struct {
		name             string
		oldPod, newPod   ips
		oldHost, newHost ips
		want             field.ErrorList
	}{
		{name: "none"},
		{name: "single stack", newPod: ips{"10.0.0.1", []string{"10.0.0.1"}}, newHost: ips{"192.168.0.1", []string{"192.168.0.1"}}},
		{name: "dual stack", newPod: ips{"10.0.0.1", []string{"10.0.0.1", "fd00::1"}}, newHost: ips{"fd00::2", []string{"fd00::2", "192.168.0.1"}}},
		{name: "hostIP alone is not checked", newHost: ips{"1.2.3.4", nil}},
		{name: "two of one family", newPod: ips{"1.2.3.4", []string{"1.2.3.4", "5.6.7.8"}}, want: field.ErrorList{
			field.Invalid(podIPs, json.RawMessage(`[{"ip":"1.2.3.4"},{"ip":"5.6.7.8"}]`), "may specify no more than one IP for each IP family"),
		}},
		{name: "leading zeros", newPod: ips{"1.2.3.04", []string{"1.2.3.04"}}, want: field.ErrorList{
			field.Invalid(podIPs.Index(0), "1.2.3.04", "must not have leading 0s"),
		}},
		{name: "leading zeros kept from the stored pod", oldPod: ips{"1.2.3.04", []string{"1.2.3.04"}}, newPod: ips{"1.2.3.04", []string{"1.2.3.04"}},
			oldHost: ips{"010.0.0.1", []string{"010.0.0.1"}}, newHost: ips{"010.0.0.1", []string{"010.0.0.1"}}},
		{name: "not an IP, in a pair", newPod: ips{"garbage", []string{"garbage", "::1"}}, want: field.ErrorList{
			field.Invalid(podIPs.Index(0), "garbage", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
			field.InternalError(podIPs, fmt.Errorf("failed to check for dual stack with error:invalid IP[0]: garbage")),
			field.Invalid(podIPs, json.RawMessage(`[{"ip":"garbage"},{"ip":"::1"}]`), "may specify no more than one IP for each IP family"),
		}},
		{name: "podIPs without podIP", newPod: ips{"", []string{"1.2.3.4"}}, want: field.ErrorList{
			field.Invalid(podIPs, json.RawMessage(`[{"ip":"1.2.3.4"}]`), "podIP and podIPs must either both be set or both be unset"),
		}},
		{name: "podIP without podIPs", newPod: ips{"1.2.3.4", nil}, want: field.ErrorList{
			field.Invalid(podIPs, json.RawMessage(`null`), "podIP and podIPs must either both be set or both be unset"),
		}},
		{name: "podIP is not podIPs[0]", newPod: ips{"1.2.3.4", []string{"fd00::1", "1.2.3.4"}}, want: field.ErrorList{
			field.Invalid(podIPs.Index(0).Child("ip"), "fd00::1", "must be equal to `podIP`"),
		}},
		{name: "hostIPs without hostIP", newHost: ips{"", []string{"1.2.3.4"}}, want: field.ErrorList{
			field.Invalid(hostIPs.Index(0).Child("ip"), "1.2.3.4", "must be equal to `hostIP`"),
		}},
		{name: "three host IPs", newHost: ips{"1.2.3.4", []string{"1.2.3.4", "::ffff:1.2.3.4", "fd00::1"}}, want: field.ErrorList{
			field.Invalid(hostIPs.Index(1), "::ffff:1.2.3.4", "must not be an IPv4-mapped IPv6 address"),
			field.Invalid(hostIPs, json.RawMessage(`[{"ip":"1.2.3.4"},{"ip":"::ffff:1.2.3.4"},{"ip":"fd00::1"}]`), "may specify no more than one IP for each IP family"),
		}},
	}
	setIPs := func(p *corev1.Pod, pod, host ips) {
		p.Status.PodIP, p.Status.HostIP = pod.ip, host.ip
		for _, ip := range pod.list {
			p.Status.PodIPs = append(p.Status.PodIPs, corev1.PodIP{IP: ip})
		}
		for _, ip := range host.list {
			p.Status.HostIPs = append(p.Status.HostIPs, corev1.HostIP{IP: ip})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := boundPod()
			setIPs(oldPod, tc.oldPod, tc.oldHost)
			newPod := boundPod()
			setIPs(newPod, tc.newPod, tc.newHost)
			got := ValidatePodStatusUpdate(newPod, oldPod, OptionsFor(newPod, oldPod))
			checkErrs(t, without(got, nil), tc.want)
		})
	}
}

// TestContainerStateTransitionsWithoutRestartRules covers the rules kube applies when the
// ContainerRestartRules gate is off: only pod restart policies and sidecars count.
func TestContainerStateTransitionsWithoutRestartRules(t *testing.T) {
	gates := currentGates()
	gates.ContainerRestartRules = false
	path := field.NewPath("status", "initContainerStatuses")
	spec := basePod().Spec
	plain := spec.Containers[0]
	plain.Name = "i1"
	sidecar := plain
	sidecar.Name = "side"
	sidecar.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
	spec.InitContainers = []corev1.Container{plain, sidecar}
	cases := []struct {
		name          string
		restartPolicy corev1.RestartPolicy
		old, new      []corev1.ContainerStatus
		want          field.ErrorList
	}{
		{"Always", corev1.RestartPolicyAlways, []corev1.ContainerStatus{terminated("i1", 0)}, []corev1.ContainerStatus{running("i1")}, nil},
		{"OnFailure after a failure", corev1.RestartPolicyOnFailure, []corev1.ContainerStatus{terminated("i1", 1)}, []corev1.ContainerStatus{running("i1")}, nil},
		{"OnFailure after success", corev1.RestartPolicyOnFailure, []corev1.ContainerStatus{terminated("i1", 0)}, []corev1.ContainerStatus{running("i1")},
			field.ErrorList{field.Forbidden(path.Index(0).Child("state"), "may not be transitioned to non-terminated state")}},
		{"Never, sidecar restarts", corev1.RestartPolicyNever, []corev1.ContainerStatus{terminated("side", 0)}, []corev1.ContainerStatus{running("side")}, nil},
		{"Never, every running duplicate is reported", corev1.RestartPolicyNever, []corev1.ContainerStatus{running("side"), terminated("i1", 0)}, []corev1.ContainerStatus{running("i1"), running("i1")},
			field.ErrorList{
				field.Forbidden(path.Index(1).Child("state"), "may not be transitioned to non-terminated state"),
				field.Forbidden(path.Index(1).Child("state"), "may not be transitioned to non-terminated state"),
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := &corev1.Pod{Spec: *spec.DeepCopy()}
			oldPod.Spec.RestartPolicy = tc.restartPolicy
			oldPod.Status.InitContainerStatuses = tc.old
			newPod := oldPod.DeepCopy()
			newPod.Status.InitContainerStatuses = tc.new
			opts := optionsFor(newPod, oldPod, gates)
			got := validateContainerStateTransitions(newPod.Status.InitContainerStatuses, oldPod.Status.InitContainerStatuses, oldPod.Spec.InitContainers, &oldPod.Spec, true, path, opts)
			checkErrs(t, without(got, nil), tc.want)
		})
	}
}

func TestContainerShouldRestart(t *testing.T) {
	rule := func(action corev1.ContainerRestartRuleAction, op corev1.ContainerRestartRuleOnExitCodesOperator, codes ...int32) corev1.ContainerRestartRule {
		return corev1.ContainerRestartRule{Action: action, ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: op, Values: codes}}
	}
	cases := []struct {
		name      string
		podPolicy corev1.RestartPolicy
		policy    *corev1.ContainerRestartPolicy
		rules     []corev1.ContainerRestartRule
		exitCode  int32
		allowAll  bool
		want      bool
	}{
		{"pod Always", corev1.RestartPolicyAlways, nil, nil, 0, true, true},
		{"pod OnFailure, failed", corev1.RestartPolicyOnFailure, nil, nil, 1, true, true},
		{"pod OnFailure, succeeded", corev1.RestartPolicyOnFailure, nil, nil, 0, true, false},
		{"pod Never", corev1.RestartPolicyNever, nil, nil, 1, true, false},
		{"container Always over pod Never", corev1.RestartPolicyNever, ptr.To(corev1.ContainerRestartPolicyAlways), nil, 0, true, true},
		{"container Never over pod Always", corev1.RestartPolicyAlways, ptr.To(corev1.ContainerRestartPolicyNever), nil, 1, true, false},
		{"rules ignored without a container policy", corev1.RestartPolicyNever, nil, []corev1.ContainerRestartRule{rule(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleOnExitCodesOpIn, 1)}, 1, true, false},
		{"In rule matches", corev1.RestartPolicyNever, ptr.To(corev1.ContainerRestartPolicyNever), []corev1.ContainerRestartRule{rule(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleOnExitCodesOpIn, 1, 2)}, 2, true, true},
		{"NotIn rule matches", corev1.RestartPolicyNever, ptr.To(corev1.ContainerRestartPolicyNever), []corev1.ContainerRestartRule{rule(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleOnExitCodesOpNotIn, 1)}, 2, true, true},
		{"NotIn rule does not match", corev1.RestartPolicyNever, ptr.To(corev1.ContainerRestartPolicyNever), []corev1.ContainerRestartRule{rule(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleOnExitCodesOpNotIn, 1)}, 1, true, false},
		{"RestartAllContainers with its gate", corev1.RestartPolicyNever, ptr.To(corev1.ContainerRestartPolicyNever), []corev1.ContainerRestartRule{rule(corev1.ContainerRestartRuleActionRestartAllContainers, corev1.ContainerRestartRuleOnExitCodesOpIn, 1)}, 1, true, true},
		{"RestartAllContainers without its gate falls back", corev1.RestartPolicyNever, ptr.To(corev1.ContainerRestartPolicyOnFailure), []corev1.ContainerRestartRule{rule(corev1.ContainerRestartRuleActionRestartAllContainers, corev1.ContainerRestartRuleOnExitCodesOpIn, 0)}, 0, false, false},
		{"first matching rule decides, even with an unknown action", corev1.RestartPolicyAlways, ptr.To(corev1.ContainerRestartPolicyNever), []corev1.ContainerRestartRule{
			{Action: "Unknown", ExitCodes: &corev1.ContainerRestartRuleOnExitCodes{Operator: corev1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{3}}},
			rule(corev1.ContainerRestartRuleActionRestart, corev1.ContainerRestartRuleOnExitCodesOpIn, 3),
		}, 3, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &corev1.Container{Name: "c", RestartPolicy: tc.policy, RestartPolicyRules: tc.rules}
			spec := &corev1.PodSpec{RestartPolicy: tc.podPolicy, Containers: []corev1.Container{*c}}
			if got := containerShouldRestart(c, spec, tc.exitCode, PodValidationOptions{AllowRestartAllContainers: tc.allowAll}); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
