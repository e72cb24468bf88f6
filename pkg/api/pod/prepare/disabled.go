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

// Package prepare holds the rules kube applies to a pod between decoding and validation: the
// fields the server drops or derives on create and update, shared by the pod strategies.
package prepare

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/visit"
	"github.com/pod-apiserver/pod-apiserver/pkg/features"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// Every field guarded by a feature gate (pkg/features) is cleared from writes while its gate is
// off, unless the stored pod already uses it (so that turning a gate off never makes a stored pod
// unwritable). The gates have kube's defaults and follow --feature-gates.

// DropDisabledFields clears the fields of disabled features from pod; old is the stored pod on
// update and nil on create. It also removes the legacy init-container annotations, which kube
// has ignored since v1.8.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go DropDisabledPodFields
func DropDisabledFields(pod, old *corev1.Pod) {
	var oldSpec *corev1.PodSpec
	var oldStatus *corev1.PodStatus
	if old != nil {
		oldSpec, oldStatus = &old.Spec, &old.Status
	}
	dropDisabledSpecFields(&pod.Spec, oldSpec)
	dropDisabledStatusFields(&pod.Status, oldStatus)
	DropInitContainerAnnotations(pod.Annotations)
}

var legacyInitContainerAnnotations = []string{
	"pod.beta.kubernetes.io/init-containers",
	"pod.alpha.kubernetes.io/init-containers",
	"pod.beta.kubernetes.io/init-container-statuses",
	"pod.alpha.kubernetes.io/init-container-statuses",
}

// DropInitContainerAnnotations removes the pre-v1.8 init container annotations from annotations.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go DropInitContainerAnnotations
func DropInitContainerAnnotations(annotations map[string]string) {
	for _, key := range legacyInitContainerAnnotations {
		delete(annotations, key)
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go dropDisabledFields
func dropDisabledSpecFields(spec, old *corev1.PodSpec) {
	if !features.Enabled(features.ContainerStopSignals) && !visit.AnyContainer(old, func(c *corev1.Container) bool { return c.Lifecycle != nil && c.Lifecycle.StopSignal != nil }) {
		visit.Containers(spec, nil, func(c *corev1.Container, _ *field.Path) bool {
			if c.Lifecycle != nil && c.Lifecycle.StopSignal != nil {
				c.Lifecycle.StopSignal = nil
				if *c.Lifecycle == (corev1.Lifecycle{}) {
					c.Lifecycle = nil
				}
			}
			return true
		})
	}
	if !features.Enabled(features.H2CContainerProbe) && !visit.AnyContainer(old, usesHTTPProtocol) {
		visit.Containers(spec, nil, func(c *corev1.Container, _ *field.Path) bool {
			for _, action := range httpGetActions(c) {
				action.Protocol = nil
			}
			return true
		})
	}
	if !features.Enabled(features.GRPCContainerProbeTLS) && !visit.AnyContainer(old, usesGRPCMode) {
		visit.Containers(spec, nil, func(c *corev1.Container, _ *field.Path) bool {
			for _, probe := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
				if probe != nil && probe.GRPC != nil {
					probe.GRPC.Mode = nil
				}
			}
			return true
		})
	}
	if !features.Enabled(features.EmptyDirVolumeMode) && !usesEmptyDirMode(old) {
		for i := range spec.Volumes {
			if spec.Volumes[i].EmptyDir != nil {
				spec.Volumes[i].EmptyDir.Mode = nil
			}
		}
	}
	if !features.Enabled(features.VolumeBindMountOptions) && !visit.AnyContainer(old, usesBindMountOptions) {
		visit.Containers(spec, nil, func(c *corev1.Container, _ *field.Path) bool {
			for i := range c.VolumeMounts {
				c.VolumeMounts[i].BindMountOptions = nil
			}
			return true
		})
	}
	if !features.Enabled(features.AtomicWriteVolumeUserFields) && !usesVolumeUserFields(old) {
		dropVolumeUserFields(spec)
	}
	if !features.Enabled(features.GenericWorkload) && (old == nil || old.SchedulingGroup == nil) {
		spec.SchedulingGroup = nil
	}
	if !features.Enabled(features.EvictionRequestAPI) && (old == nil || len(old.EvictionResponders) == 0) {
		spec.EvictionResponders = nil
	}
}

func httpGetActions(c *corev1.Container) []*corev1.HTTPGetAction {
	var actions []*corev1.HTTPGetAction
	for _, probe := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if probe != nil && probe.HTTPGet != nil {
			actions = append(actions, probe.HTTPGet)
		}
	}
	if c.Lifecycle != nil {
		for _, handler := range []*corev1.LifecycleHandler{c.Lifecycle.PostStart, c.Lifecycle.PreStop} {
			if handler != nil && handler.HTTPGet != nil {
				actions = append(actions, handler.HTTPGet)
			}
		}
	}
	return actions
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go httpProbeProtocolInUse
func usesHTTPProtocol(c *corev1.Container) bool {
	for _, action := range httpGetActions(c) {
		if action.Protocol != nil {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go grpcProbeModeInUse
func usesGRPCMode(c *corev1.Container) bool {
	for _, probe := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if probe != nil && probe.GRPC != nil && probe.GRPC.Mode != nil {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go bindMountOptionsInUse
func usesBindMountOptions(c *corev1.Container) bool {
	for _, mount := range c.VolumeMounts {
		if len(mount.BindMountOptions) > 0 {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go emptyDirVolumeModeInUse
func usesEmptyDirMode(spec *corev1.PodSpec) bool {
	if spec == nil {
		return false
	}
	for _, v := range spec.Volumes {
		if v.EmptyDir != nil && v.EmptyDir.Mode != nil {
			return true
		}
	}
	return false
}

// volumeUserFields visits every user field of the atomic-writer volumes (secret, configMap,
// downwardAPI and projected) of spec, stopping when visit returns false.
func volumeUserFields(spec *corev1.PodSpec, visit func(**int64) bool) {
	keyToPaths := func(items []corev1.KeyToPath) bool {
		for i := range items {
			if !visit(&items[i].User) {
				return false
			}
		}
		return true
	}
	downwardFiles := func(items []corev1.DownwardAPIVolumeFile) bool {
		for i := range items {
			if !visit(&items[i].User) {
				return false
			}
		}
		return true
	}
	for i := range spec.Volumes {
		src := &spec.Volumes[i].VolumeSource
		// Only the first source counts: a volume with several is invalid anyway, and kube
		// looks at the same one.
		switch {
		case src.Secret != nil:
			if !visit(&src.Secret.DefaultUser) || !keyToPaths(src.Secret.Items) {
				return
			}
		case src.ConfigMap != nil:
			if !visit(&src.ConfigMap.DefaultUser) || !keyToPaths(src.ConfigMap.Items) {
				return
			}
		case src.DownwardAPI != nil:
			if !visit(&src.DownwardAPI.DefaultUser) || !downwardFiles(src.DownwardAPI.Items) {
				return
			}
		case src.Projected != nil:
			if !visit(&src.Projected.DefaultUser) {
				return
			}
			for j := range src.Projected.Sources {
				p := &src.Projected.Sources[j]
				var ok bool
				switch {
				case p.Secret != nil:
					ok = keyToPaths(p.Secret.Items)
				case p.DownwardAPI != nil:
					ok = downwardFiles(p.DownwardAPI.Items)
				case p.ConfigMap != nil:
					ok = keyToPaths(p.ConfigMap.Items)
				case p.ServiceAccountToken != nil:
					ok = visit(&p.ServiceAccountToken.User)
				case p.ClusterTrustBundle != nil:
					ok = visit(&p.ClusterTrustBundle.User)
				case p.PodCertificate != nil:
					ok = visit(&p.PodCertificate.User)
				default:
					ok = true
				}
				if !ok {
					return
				}
			}
		}
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go atomicWriteVolumeUserFieldsInUse
func usesVolumeUserFields(spec *corev1.PodSpec) bool {
	if spec == nil {
		return false
	}
	used := false
	volumeUserFields(spec, func(user **int64) bool {
		used = *user != nil
		return !used
	})
	return used
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go dropDisabledAtomicWriteVolumeUserFields
func dropVolumeUserFields(spec *corev1.PodSpec) {
	volumeUserFields(spec, func(user **int64) bool {
		*user = nil
		return true
	})
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go dropDisabledPodStatusFields
func dropDisabledStatusFields(status, old *corev1.PodStatus) {
	if !features.Enabled(features.ImageVolumeWithDigest) && !usesVolumeStatus(old) {
		for _, statuses := range [][]corev1.ContainerStatus{status.InitContainerStatuses, status.ContainerStatuses, status.EphemeralContainerStatuses} {
			for i := range statuses {
				for j := range statuses[i].VolumeMounts {
					statuses[i].VolumeMounts[j].VolumeStatus = nil
				}
			}
		}
	}
	if !features.Enabled(features.DRANodeAllocatableResources) && (old == nil || len(old.NodeAllocatableResourceClaimStatuses) == 0) {
		status.NodeAllocatableResourceClaimStatuses = nil
	}
	if !features.Enabled(features.CSIVolumeHealth) && (old == nil || len(old.VolumeHealth) == 0) {
		status.VolumeHealth = nil
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go volumeHealthInUse
func usesVolumeStatus(status *corev1.PodStatus) bool {
	if status == nil {
		return false
	}
	for _, statuses := range [][]corev1.ContainerStatus{status.InitContainerStatuses, status.ContainerStatuses, status.EphemeralContainerStatuses} {
		for _, s := range statuses {
			for _, mount := range s.VolumeMounts {
				if mount.VolumeStatus != nil {
					return true
				}
			}
		}
	}
	return false
}
