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

// Package defaults fills in the fields a v1 Pod gets when kube-apiserver decodes one: what a
// client leaves out comes back with the values kube documents (restartPolicy Always, probe
// periods, volume modes, ...). The server registers it on its scheme so every decoded pod, from a
// request body or from etcd, is defaulted the same way.
package defaults

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.defaults.go
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go
// The helpers here that name no upstream function of their own serve the functions that do.

// RegisterDefaults makes scheme default Pods and PodLists whenever it decodes them.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/zz_generated.defaults.go RegisterDefaults
func RegisterDefaults(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&corev1.Pod{}, func(obj interface{}) { Pod(obj.(*corev1.Pod)) })
	scheme.AddTypeDefaultingFunc(&corev1.PodList{}, func(obj interface{}) { PodList(obj.(*corev1.PodList)) })
	return nil
}

// PodList defaults every pod of list.
func PodList(list *corev1.PodList) {
	for i := range list.Items {
		Pod(&list.Items[i])
	}
}

// Pod fills in the defaults of pod in place. Applying it twice changes nothing the second time.
//
// The steps run in kube's order because some read what an earlier one wrote: container requests
// are copied from limits before quantities are rounded, and a negative grace period becomes 1
// before a missing one becomes 30.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_Pod
func Pod(pod *corev1.Pod) {
	podOnlyDefaults(pod)
	specDefaults(&pod.Spec)
	for i := range pod.Spec.Volumes {
		volumeDefaults(&pod.Spec.Volumes[i])
	}
	for i := range pod.Spec.InitContainers {
		containerDefaults(&pod.Spec.InitContainers[i])
	}
	for i := range pod.Spec.Containers {
		containerDefaults(&pod.Spec.Containers[i])
	}
	for i := range pod.Spec.EphemeralContainers {
		containerDefaults((*corev1.Container)(&pod.Spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	roundUpToMilli(pod.Spec.Overhead)
	if pod.Spec.Resources != nil {
		roundUpToMilli(pod.Spec.Resources.Limits)
		roundUpToMilli(pod.Spec.Resources.Requests)
	}
	statusDefaults(&pod.Status)
}

// podOnlyDefaults are the defaults kube gives a Pod but not a pod template: templates were
// never defaulted this way and changing that would alter stored workloads.
func podOnlyDefaults(pod *corev1.Pod) {
	spec := &pod.Spec
	if spec.TerminationGracePeriodSeconds != nil && *spec.TerminationGracePeriodSeconds < 0 {
		spec.TerminationGracePeriodSeconds = ptr.To[int64](1)
	}
	// A container that states only limits is taken to request what it is limited to.
	for _, containers := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range containers {
			requestsFromLimits(&containers[i].Resources)
		}
	}
	if spec.EnableServiceLinks == nil {
		spec.EnableServiceLinks = ptr.To(corev1.DefaultEnableServiceLinks)
	}
	// On the host network a container port is a host port; saying so explicitly lets the
	// scheduler see port conflicts.
	if spec.HostNetwork {
		for _, containers := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
			for i := range containers {
				for j := range containers[i].Ports {
					if containers[i].Ports[j].HostPort == 0 {
						containers[i].Ports[j].HostPort = containers[i].Ports[j].ContainerPort
					}
				}
			}
		}
	}
}

func requestsFromLimits(resources *corev1.ResourceRequirements) {
	if resources.Limits == nil {
		return
	}
	if resources.Requests == nil {
		resources.Requests = corev1.ResourceList{}
	}
	for name, limit := range resources.Limits {
		if _, set := resources.Requests[name]; !set {
			resources.Requests[name] = limit.DeepCopy()
		}
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_PodSpec
func specDefaults(spec *corev1.PodSpec) {
	// serviceAccount is the old name of serviceAccountName; the new name wins and both always
	// read the same afterwards.
	if spec.ServiceAccountName == "" {
		spec.ServiceAccountName = spec.DeprecatedServiceAccount
	}
	spec.DeprecatedServiceAccount = spec.ServiceAccountName
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = corev1.DNSClusterFirst
	}
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = corev1.RestartPolicyAlways
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = ptr.To[int64](corev1.DefaultTerminationGracePeriodSeconds)
	}
	if spec.SchedulerName == "" {
		spec.SchedulerName = corev1.DefaultSchedulerName
	}
}

// containerDefaults serves regular, init and ephemeral containers alike.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_Container
func containerDefaults(c *corev1.Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = pullPolicyFor(c.Image)
	}
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = corev1.ProtocolTCP
		}
	}
	for i := range c.Env {
		from := c.Env[i].ValueFrom
		if from == nil {
			continue
		}
		fieldRefDefaults(from.FieldRef)
		if from.FileKeyRef != nil && from.FileKeyRef.Optional == nil {
			from.FileKeyRef.Optional = ptr.To(false)
		}
	}
	roundUpToMilli(c.Resources.Limits)
	roundUpToMilli(c.Resources.Requests)
	for _, probe := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		probeDefaults(probe)
	}
	if c.Lifecycle != nil {
		for _, handler := range []*corev1.LifecycleHandler{c.Lifecycle.PostStart, c.Lifecycle.PreStop} {
			if handler != nil {
				httpGetDefaults(handler.HTTPGet)
			}
		}
	}
}

// pullPolicyFor pulls a moving "latest" image on every start and anything else only when the
// node lacks it.
func pullPolicyFor(image string) corev1.PullPolicy {
	if tag, _ := imageTag(image); tag == "latest" {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_Probe
func probeDefaults(probe *corev1.Probe) {
	if probe == nil {
		return
	}
	if probe.TimeoutSeconds == 0 {
		probe.TimeoutSeconds = 1
	}
	if probe.PeriodSeconds == 0 {
		probe.PeriodSeconds = 10
	}
	if probe.SuccessThreshold == 0 {
		probe.SuccessThreshold = 1
	}
	if probe.FailureThreshold == 0 {
		probe.FailureThreshold = 3
	}
	httpGetDefaults(probe.HTTPGet)
	if probe.GRPC != nil && probe.GRPC.Service == nil {
		probe.GRPC.Service = ptr.To("")
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_HTTPGetAction
func httpGetDefaults(action *corev1.HTTPGetAction) {
	if action == nil {
		return
	}
	if action.Path == "" {
		action.Path = "/"
	}
	if action.Scheme == "" {
		action.Scheme = corev1.URISchemeHTTP
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_ObjectFieldSelector
func fieldRefDefaults(ref *corev1.ObjectFieldSelector) {
	if ref != nil && ref.APIVersion == "" {
		ref.APIVersion = "v1"
	}
}

func downwardAPIItemsDefaults(items []corev1.DownwardAPIVolumeFile) {
	for i := range items {
		fieldRefDefaults(items[i].FieldRef)
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_Volume
func volumeDefaults(v *corev1.Volume) {
	src := &v.VolumeSource
	// A volume that names no source is scratch space.
	if ptr.AllPtrFieldsNil(src) {
		src.EmptyDir = &corev1.EmptyDirVolumeSource{}
	}
	if src.Image != nil && src.Image.PullPolicy == "" {
		src.Image.PullPolicy = pullPolicyFor(src.Image.Reference)
	}
	if src.HostPath != nil && src.HostPath.Type == nil {
		src.HostPath.Type = ptr.To(corev1.HostPathUnset)
	}
	if src.Secret != nil && src.Secret.DefaultMode == nil {
		src.Secret.DefaultMode = ptr.To(corev1.SecretVolumeSourceDefaultMode)
	}
	if src.ISCSI != nil && src.ISCSI.ISCSIInterface == "" {
		src.ISCSI.ISCSIInterface = "default"
	}
	if src.RBD != nil {
		defaultString(&src.RBD.RBDPool, "rbd")
		defaultString(&src.RBD.RadosUser, "admin")
		defaultString(&src.RBD.Keyring, "/etc/ceph/keyring")
	}
	if src.DownwardAPI != nil {
		if src.DownwardAPI.DefaultMode == nil {
			src.DownwardAPI.DefaultMode = ptr.To(corev1.DownwardAPIVolumeSourceDefaultMode)
		}
		downwardAPIItemsDefaults(src.DownwardAPI.Items)
	}
	if src.ConfigMap != nil && src.ConfigMap.DefaultMode == nil {
		src.ConfigMap.DefaultMode = ptr.To(corev1.ConfigMapVolumeSourceDefaultMode)
	}
	if disk := src.AzureDisk; disk != nil {
		if disk.CachingMode == nil {
			disk.CachingMode = ptr.To(corev1.AzureDataDiskCachingReadWrite)
		}
		if disk.FSType == nil {
			disk.FSType = ptr.To("ext4")
		}
		if disk.ReadOnly == nil {
			disk.ReadOnly = ptr.To(false)
		}
		if disk.Kind == nil {
			disk.Kind = ptr.To(corev1.AzureSharedBlobDisk)
		}
	}
	if src.Projected != nil {
		if src.Projected.DefaultMode == nil {
			src.Projected.DefaultMode = ptr.To(corev1.ProjectedVolumeSourceDefaultMode)
		}
		for i := range src.Projected.Sources {
			projection := &src.Projected.Sources[i]
			if projection.DownwardAPI != nil {
				downwardAPIItemsDefaults(projection.DownwardAPI.Items)
			}
			if token := projection.ServiceAccountToken; token != nil && token.ExpirationSeconds == nil {
				token.ExpirationSeconds = ptr.To[int64](60 * 60)
			}
		}
	}
	if src.ScaleIO != nil {
		defaultString(&src.ScaleIO.StorageMode, "ThinProvisioned")
		defaultString(&src.ScaleIO.FSType, "xfs")
	}
	if src.Ephemeral != nil && src.Ephemeral.VolumeClaimTemplate != nil {
		claim := &src.Ephemeral.VolumeClaimTemplate.Spec
		if claim.VolumeMode == nil {
			claim.VolumeMode = ptr.To(corev1.PersistentVolumeFilesystem)
		}
		roundUpToMilli(claim.Resources.Limits)
		roundUpToMilli(claim.Resources.Requests)
	}
}

func defaultString(s *string, value string) {
	if *s == "" {
		*s = value
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_PodStatus
func statusDefaults(status *corev1.PodStatus) {
	// podIP predates podIPs; older kubelets write only podIP, so it wins when the two disagree.
	switch {
	case status.PodIP != "" && (len(status.PodIPs) == 0 || status.PodIPs[0].IP != status.PodIP):
		status.PodIPs = []corev1.PodIP{{IP: status.PodIP}}
	case status.PodIP == "" && len(status.PodIPs) > 0:
		status.PodIP = status.PodIPs[0].IP
	}
	for _, statuses := range [][]corev1.ContainerStatus{status.InitContainerStatuses, status.ContainerStatuses, status.EphemeralContainerStatuses} {
		for i := range statuses {
			roundUpToMilli(statuses[i].AllocatedResources)
			if statuses[i].Resources != nil {
				roundUpToMilli(statuses[i].Resources.Limits)
				roundUpToMilli(statuses[i].Resources.Requests)
			}
		}
	}
	roundUpToMilli(status.AllocatedResources)
	if status.Resources != nil {
		roundUpToMilli(status.Resources.Limits)
		roundUpToMilli(status.Resources.Requests)
	}
}

// roundUpToMilli keeps quantities finer than a thousandth out of the API: kube has always
// rounded them up rather than reject them, so clients depend on it.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/v1/defaults.go SetDefaults_ResourceList
func roundUpToMilli(list corev1.ResourceList) {
	for name, quantity := range list {
		quantity.RoundUp(resource.Milli)
		list[name] = quantity
	}
}
