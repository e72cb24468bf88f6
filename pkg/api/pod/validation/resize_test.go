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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// burstablePod has a regular container with cpu and memory requests below its limits, a plain
// init container and a sidecar, all with cpu requests.
func burstablePod() *corev1.Pod {
	p := basePod()
	p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
		Requests: ctrQuantities("cpu", "100m", "memory", "64Mi"),
		Limits:   ctrQuantities("cpu", "200m", "memory", "128Mi"),
	}
	initC := p.Spec.Containers[0]
	initC.Name = "init"
	initC.Resources = corev1.ResourceRequirements{Requests: ctrQuantities("cpu", "100m")}
	sidecar := initC
	sidecar.Name = "sidecar"
	sidecar.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
	p.Spec.InitContainers = []corev1.Container{initC, sidecar}
	p.Status.QOSClass = corev1.PodQOSBurstable
	return p
}

func withPodLevelResources() *corev1.Pod {
	p := burstablePod()
	p.Spec.Resources = &corev1.ResourceRequirements{Requests: ctrQuantities("cpu", "1", "memory", "1Gi"), Limits: ctrQuantities("cpu", "2")}
	return p
}

func withMemoryVolume() *corev1.Pod {
	p := burstablePod()
	p.Spec.Volumes = []corev1.Volume{
		{Name: "mem", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: ptr.To(resource.MustParse("1Gi"))}}},
		{Name: "disk", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: ptr.To(resource.MustParse("1Gi"))}}},
	}
	return p
}

func TestValidatePodResize(t *testing.T) {
	specPath := field.NewPath("spec")
	c0 := specPath.Child("containers").Index(0)
	onlyCPUMemory := field.Forbidden(specPath, "only cpu and memory resources are mutable")
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}}
	cases := []struct {
		name   string
		old    func() *corev1.Pod
		update func(p *corev1.Pod)
		opts   func(o *PodValidationOptions)
		want   field.ErrorList
	}{
		{name: "unchanged", old: burstablePod, update: func(p *corev1.Pod) {}},
		{name: "cpu and memory changed", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests = ctrQuantities("cpu", "150m", "memory", "100Mi")
			p.Spec.Containers[0].Resources.Limits = ctrQuantities("cpu", "300m", "memory", "100Mi")
		}},
		// The strategy takes resize policies from the write, but kube's validation then refuses
		// any change of them.
		{name: "resize policy changed", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: corev1.ResourceMemory, RestartPolicy: corev1.RestartContainer}}
		}, want: field.ErrorList{onlyCPUMemory}},
		{name: "request added", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.InitContainers[0].Resources.Requests["memory"] = resource.MustParse("10Mi")
		}},
		{name: "QoS class would change: the recorded class is shown", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests = ctrQuantities("cpu", "200m", "memory", "128Mi")
			for i := range p.Spec.InitContainers {
				p.Spec.InitContainers[i].Resources = corev1.ResourceRequirements{Requests: ctrQuantities("cpu", "1", "memory", "1Mi"), Limits: ctrQuantities("cpu", "1", "memory", "1Mi")}
			}
		}, want: field.ErrorList{field.Invalid(specPath, corev1.PodQOSBurstable, "Pod QOS Class may not change as a result of resizing")}},
		{name: "other resource changed", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests["ephemeral-storage"] = resource.MustParse("1Gi")
		}, want: field.ErrorList{onlyCPUMemory}},
		{name: "other field changed: reported only when all else passes", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.ActiveDeadlineSeconds = ptr.To[int64](10)
		}, want: field.ErrorList{onlyCPUMemory}},
		{name: "claims changed", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.ResourceClaims = []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimName: ptr.To("gpu")}}
			p.Spec.Containers[0].Resources.Claims = []corev1.ResourceClaim{{Name: "gpu"}}
		}, want: field.ErrorList{onlyCPUMemory}},
		{name: "requests removed", old: burstablePod, update: func(p *corev1.Pod) {
			delete(p.Spec.Containers[0].Resources.Requests, "memory")
		}, want: field.ErrorList{field.Forbidden(c0.Child("resources", "requests"), "resource requests cannot be removed")}},
		{name: "limits removed", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Limits = nil
		}, want: field.ErrorList{field.Forbidden(c0.Child("resources", "limits"), "resource limits cannot be removed")}},
		{name: "init container request removed", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.InitContainers[0].Resources.Requests = nil
		}, want: field.ErrorList{field.Forbidden(specPath.Child("initContainers").Index(0).Child("resources", "requests"), "resource requests cannot be removed")}},
		{name: "init container: other resource changed", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.InitContainers[1].Resources.Limits = ctrQuantities("ephemeral-storage", "1Gi")
		}, want: field.ErrorList{field.Forbidden(specPath.Child("initContainers").Index(1), "only cpu and memory resources for init or sidecar containers are mutable")}},
		{name: "init container with RestartContainer policy resized", old: func() *corev1.Pod {
			p := burstablePod()
			p.Spec.InitContainers[0].ResizePolicy = []corev1.ContainerResizePolicy{{ResourceName: corev1.ResourceCPU, RestartPolicy: corev1.RestartContainer}}
			return p
		}, update: func(p *corev1.Pod) {
			p.Spec.InitContainers[0].Resources.Requests["cpu"] = resource.MustParse("150m")
		}, want: field.ErrorList{field.Forbidden(specPath.Child("initContainers").Index(0), "non-sidecar init containers with a resize policy of RestartContainer cannot be resized")}},
		{name: "sidecar resized", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.InitContainers[1].Resources.Requests["cpu"] = resource.MustParse("150m")
		}},

		{name: "container renamed", old: burstablePod, update: func(p *corev1.Pod) { p.Spec.Containers[0].Name = "x" },
			want: field.ErrorList{field.Forbidden(c0.Child("name"), "containers may not be renamed or reordered on resize")}},
		{name: "containers added and init containers reordered", old: burstablePod, update: func(p *corev1.Pod) {
			c := p.Spec.Containers[0]
			c.Name = "d"
			p.Spec.Containers = append(p.Spec.Containers, c)
			ic := p.Spec.InitContainers
			ic[0], ic[1] = ic[1], ic[0]
		}, want: field.ErrorList{
			field.Forbidden(specPath.Child("containers"), "containers may not be added or removed on resize"),
			field.Forbidden(specPath.Child("initContainers").Index(0).Child("name"), "initContainers may not be renamed or reordered on resize"),
			field.Forbidden(specPath.Child("initContainers").Index(1).Child("name"), "initContainers may not be renamed or reordered on resize"),
		}},
		{name: "init container removed", old: burstablePod, update: func(p *corev1.Pod) { p.Spec.InitContainers = p.Spec.InitContainers[1:] },
			want: field.ErrorList{field.Forbidden(specPath.Child("initContainers"), "initContainers may not be added or removed on resize")}},

		{name: "static pod: its error alone", old: func() *corev1.Pod {
			p := burstablePod()
			p.Spec.NodeName = "n1"
			p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"}
			return p
		}, update: func(p *corev1.Pod) {
			p.Name = "other"
			p.Spec.Containers[0].Resources.Requests["cpu"] = resource.MustParse("150m")
		}, want: field.ErrorList{field.Forbidden(field.NewPath(""), "static pods cannot be resized")}},
		{name: "windows pod", old: func() *corev1.Pod {
			p := burstablePod()
			p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
			return p
		}, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests["cpu"] = resource.MustParse("150m")
		}, want: field.ErrorList{field.Forbidden(field.NewPath(""), "windows pods cannot be resized")}},
		{name: "name changed", old: burstablePod, update: func(p *corev1.Pod) { p.Name = "other" },
			want: field.ErrorList{field.Invalid(field.NewPath("metadata", "name"), "other", "field is immutable")}},

		{name: "running on a node that reports no resources", old: func() *corev1.Pod {
			p := burstablePod()
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", State: running}}
			return p
		}, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests["cpu"] = resource.MustParse("150m")
		}, want: field.ErrorList{field.Forbidden(specPath, "Pod running on node without support for resize")}},
		{name: "running on a node that reports resources", old: func() *corev1.Pod {
			p := burstablePod()
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", State: running, Resources: &corev1.ResourceRequirements{}}}
			return p
		}, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources.Requests["cpu"] = resource.MustParse("150m")
		}},

		{name: "pod-level cpu and memory changed", old: withPodLevelResources, update: func(p *corev1.Pod) {
			p.Spec.Resources.Requests = ctrQuantities("cpu", "1500m", "memory", "2Gi")
		}},
		{name: "pod-level resources set where there were none", old: burstablePod, update: func(p *corev1.Pod) {
			p.Spec.Resources = &corev1.ResourceRequirements{Requests: ctrQuantities("cpu", "1")}
		}},
		{name: "pod-level resources removed", old: withPodLevelResources, update: func(p *corev1.Pod) { p.Spec.Resources = nil },
			want: field.ErrorList{field.Forbidden(specPath.Child("resources"), "pod-level resources cannot be removed")}},
		{name: "pod-level request and limit removed", old: withPodLevelResources, update: func(p *corev1.Pod) {
			p.Spec.Resources.Requests = ctrQuantities("cpu", "1")
			p.Spec.Resources.Limits = nil
		}, want: field.ErrorList{
			field.Forbidden(specPath.Child("resources", "requests"), "pod-level resource requests cannot be removed"),
			field.Forbidden(specPath.Child("resources", "limits"), "pod-level resource limits cannot be removed"),
		}},
		{name: "pod-level other resource changed", old: withPodLevelResources, update: func(p *corev1.Pod) {
			p.Spec.Resources.Limits["hugepages-2Mi"] = resource.MustParse("2Mi")
		}, want: field.ErrorList{field.Forbidden(specPath, "only cpu and memory resources are mutable at pod-level")}},
		{name: "pod-level resize without its feature", old: withPodLevelResources, update: func(p *corev1.Pod) {
			p.Spec.Containers[0].Name = "renamed" // not reported: the gate stops the checks
		}, opts: func(o *PodValidationOptions) { o.InPlacePodLevelResourcesVerticalScalingEnabled = false },
			want: field.ErrorList{field.Forbidden(field.NewPath(""), "resize of pods with pod-level resources is forbidden when InPlacePodLevelResourcesVerticalScalingEnabled feature gate is disabled")}},

		{name: "volume changed", old: withMemoryVolume, update: func(p *corev1.Pod) {
			p.Spec.Volumes[0].EmptyDir.SizeLimit = ptr.To(resource.MustParse("2Gi"))
		}, want: field.ErrorList{field.Forbidden(specPath.Child("volumes"), "volumes are immutable on resize when InPlacePodVerticalScalingMemoryBackedVolumes feature gate is disabled")}},
		{name: "memory volume grown with its feature", old: withMemoryVolume, update: func(p *corev1.Pod) {
			p.Spec.Volumes[0].EmptyDir.SizeLimit = ptr.To(resource.MustParse("2Gi"))
		}, opts: func(o *PodValidationOptions) { o.InPlacePodVerticalScalingMemoryBackedVolumesEnabled = true }},
		{name: "disk volume grown with the feature", old: withMemoryVolume, update: func(p *corev1.Pod) {
			p.Spec.Volumes[1].EmptyDir.SizeLimit = ptr.To(resource.MustParse("2Gi"))
		}, opts: func(o *PodValidationOptions) { o.InPlacePodVerticalScalingMemoryBackedVolumesEnabled = true },
			want: field.ErrorList{field.Forbidden(specPath.Child("volumes").Index(1).Child("emptyDir", "sizeLimit"), "sizeLimit is only mutable for memory-backed emptyDir volumes")}},
		{name: "size limit removed with the feature", old: withMemoryVolume, update: func(p *corev1.Pod) {
			p.Spec.Volumes[0].EmptyDir.SizeLimit = nil
		}, opts: func(o *PodValidationOptions) { o.InPlacePodVerticalScalingMemoryBackedVolumesEnabled = true },
			want: field.ErrorList{field.Forbidden(specPath.Child("volumes").Index(0).Child("emptyDir", "sizeLimit"), "adding or removing sizeLimit on an existing volume is not allowed")}},
		{name: "medium changed with the feature", old: withMemoryVolume, update: func(p *corev1.Pod) {
			p.Spec.Volumes[1].EmptyDir.Medium = corev1.StorageMediumMemory
		}, opts: func(o *PodValidationOptions) { o.InPlacePodVerticalScalingMemoryBackedVolumesEnabled = true },
			want: field.ErrorList{field.Forbidden(specPath.Child("volumes").Index(1), "only sizeLimit of memory-backed emptyDir volumes is mutable on resize")}},
		{name: "volumes renamed and removed with the feature", old: withMemoryVolume, update: func(p *corev1.Pod) {
			p.Spec.Volumes[0].Name = "x"
		}, opts: func(o *PodValidationOptions) { o.InPlacePodVerticalScalingMemoryBackedVolumesEnabled = true },
			want: field.ErrorList{field.Forbidden(specPath.Child("volumes").Index(0).Child("name"), "volumes may not be renamed or reordered on resize")}},
		{name: "volume added with the feature", old: withMemoryVolume, update: func(p *corev1.Pod) {
			p.Spec.Volumes = p.Spec.Volumes[:1]
		}, opts: func(o *PodValidationOptions) { o.InPlacePodVerticalScalingMemoryBackedVolumesEnabled = true },
			want: field.ErrorList{field.Forbidden(specPath.Child("volumes"), "volumes may not be added or removed on resize")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := tc.old()
			newPod := oldPod.DeepCopy()
			tc.update(newPod)
			opts := OptionsFor(newPod, oldPod)
			if tc.opts != nil {
				tc.opts(&opts)
			}
			got := ValidatePodResize(newPod, oldPod, opts)
			// Errors of the pod's own validity are tested elsewhere; here only the resize rules.
			others := validatePodMetadataAndSpec(newPod, opts)
			checkErrs(t, without(got, others), tc.want)
		})
	}
}
