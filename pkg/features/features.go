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

// Package features registers the Kubernetes feature gates that pod semantics depend on, with the
// versioned defaults kube-apiserver has, into the process's feature gate, so that --feature-gates
// switches them here as it does on kube-apiserver.
//
// k8s.io/kubernetes@v1.37.2 pkg/features/kube_features.go defaultVersionedKubernetesFeatureGates
// k8s.io/kubernetes@v1.37.2 pkg/features/kube_features.go defaultKubernetesFeatureGateDependencies
//
// Upgrading: take each gate's versioned specs and dependencies from the new release's
// kube_features.go (docs/upgrading.md); the names must stay identical to kube's.
package features

import (
	"k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/version"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
)

// The gates, named as kube names them. Each comment says what the gate changes here.
const (
	// PodDeletionCost lets the controller.kubernetes.io/pod-deletion-cost annotation be validated as an int32.
	PodDeletionCost featuregate.Feature = "PodDeletionCost"

	// PodLevelResources allows spec.resources.
	PodLevelResources featuregate.Feature = "PodLevelResources"

	// InPlacePodVerticalScaling allows resize policies on sidecars and the resize subresource.
	InPlacePodVerticalScaling featuregate.Feature = "InPlacePodVerticalScaling"

	// MatchLabelKeysInPodTopologySpread allows topologySpreadConstraints[*].matchLabelKeys.
	MatchLabelKeysInPodTopologySpread featuregate.Feature = "MatchLabelKeysInPodTopologySpread"

	// MatchLabelKeysInPodTopologySpreadSelectorMerge merges matchLabelKeys into the labelSelector on create.
	MatchLabelKeysInPodTopologySpreadSelectorMerge featuregate.Feature = "MatchLabelKeysInPodTopologySpreadSelectorMerge"

	// InPlacePodLevelResourcesVerticalScaling lets a resize change spec.resources.
	InPlacePodLevelResourcesVerticalScaling featuregate.Feature = "InPlacePodLevelResourcesVerticalScaling"

	// InPlacePodVerticalScalingMemoryBackedVolumes lets a resize change memory-backed emptyDir volumes.
	InPlacePodVerticalScalingMemoryBackedVolumes featuregate.Feature = "InPlacePodVerticalScalingMemoryBackedVolumes"

	// ContainerRestartRules allows containers[*].restartPolicyRules and a restartPolicy on regular containers.
	ContainerRestartRules featuregate.Feature = "ContainerRestartRules"

	// RestartAllContainersOnContainerExits allows the RestartAllContainers restart rule action.
	RestartAllContainersOnContainerExits featuregate.Feature = "RestartAllContainersOnContainerExits"

	// ImageVolumeWithDigest keeps status volumeMounts[*].volumeStatus.
	ImageVolumeWithDigest featuregate.Feature = "ImageVolumeWithDigest"

	// RelaxedEnvironmentVariableValidation allows any printable ASCII but = in environment variable names.
	RelaxedEnvironmentVariableValidation featuregate.Feature = "RelaxedEnvironmentVariableValidation"

	// EnvFiles allows env[*].valueFrom.fileKeyRef.
	EnvFiles featuregate.Feature = "EnvFiles"

	// UserNamespacesHostNetworkSupport allows hostUsers: false together with hostNetwork.
	UserNamespacesHostNetworkSupport featuregate.Feature = "UserNamespacesHostNetworkSupport"

	// SELinuxMount allows every spec.securityContext.seLinuxChangePolicy value.
	SELinuxMount featuregate.Feature = "SELinuxMount"

	// TaintTolerationComparisonOperators allows the Lt and Gt toleration operators.
	TaintTolerationComparisonOperators featuregate.Feature = "TaintTolerationComparisonOperators"

	// ContainerStopSignals keeps containers[*].lifecycle.stopSignal.
	ContainerStopSignals featuregate.Feature = "ContainerStopSignals"

	// H2CContainerProbe keeps the httpGet protocol field of probes and lifecycle hooks.
	H2CContainerProbe featuregate.Feature = "H2CContainerProbe"

	// GRPCContainerProbeTLS keeps probes[*].grpc.mode.
	GRPCContainerProbeTLS featuregate.Feature = "GRPCContainerProbeTLS"

	// EmptyDirVolumeMode keeps volumes[*].emptyDir.mode.
	EmptyDirVolumeMode featuregate.Feature = "EmptyDirVolumeMode"

	// VolumeBindMountOptions keeps volumeMounts[*].bindMountOptions.
	VolumeBindMountOptions featuregate.Feature = "VolumeBindMountOptions"

	// AtomicWriteVolumeUserFields keeps the user fields of secret, configMap, downwardAPI and projected volumes.
	AtomicWriteVolumeUserFields featuregate.Feature = "AtomicWriteVolumeUserFields"

	// GenericWorkload keeps spec.schedulingGroup.
	GenericWorkload featuregate.Feature = "GenericWorkload"

	// EvictionRequestAPI keeps spec.evictionResponders.
	EvictionRequestAPI featuregate.Feature = "EvictionRequestAPI"

	// DRANodeAllocatableResources keeps status.nodeAllocatableResourceClaimStatuses.
	DRANodeAllocatableResources featuregate.Feature = "DRANodeAllocatableResources"

	// CSIVolumeHealth keeps status.volumeHealth.
	CSIVolumeHealth featuregate.Feature = "CSIVolumeHealth"

	// NodeDeclaredFeatures a dependency of several gates above.
	NodeDeclaredFeatures featuregate.Feature = "NodeDeclaredFeatures"

	// ImageVolume a dependency of ImageVolumeWithDigest.
	ImageVolume featuregate.Feature = "ImageVolume"

	// UserNamespacesSupport a dependency of UserNamespacesHostNetworkSupport.
	UserNamespacesSupport featuregate.Feature = "UserNamespacesSupport"

	// DynamicResourceAllocation a dependency of DRANodeAllocatableResources.
	DynamicResourceAllocation featuregate.Feature = "DynamicResourceAllocation"
)

var versionedGates = map[featuregate.Feature]featuregate.VersionedSpecs{
	PodDeletionCost: {
		{Version: version.MustParse("1.21"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.22"), Default: true, PreRelease: featuregate.Beta},
	},
	PodLevelResources: {
		{Version: version.MustParse("1.32"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.34"), Default: true, PreRelease: featuregate.Beta},
	},
	InPlacePodVerticalScaling: {
		{Version: version.MustParse("1.27"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.33"), Default: true, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.35"), Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	},
	MatchLabelKeysInPodTopologySpread: {
		{Version: version.MustParse("1.25"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.27"), Default: true, PreRelease: featuregate.Beta},
	},
	MatchLabelKeysInPodTopologySpreadSelectorMerge: {
		{Version: version.MustParse("1.34"), Default: true, PreRelease: featuregate.Beta},
	},
	InPlacePodLevelResourcesVerticalScaling: {
		{Version: version.MustParse("1.35"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.Beta},
	},
	InPlacePodVerticalScalingMemoryBackedVolumes: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},
	ContainerRestartRules: {
		{Version: version.MustParse("1.34"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.35"), Default: true, PreRelease: featuregate.Beta},
	},
	RestartAllContainersOnContainerExits: {
		{Version: version.MustParse("1.35"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.Beta},
	},
	ImageVolumeWithDigest: {
		{Version: version.MustParse("1.35"), Default: false, PreRelease: featuregate.Alpha},
	},
	RelaxedEnvironmentVariableValidation: {
		{Version: version.MustParse("1.30"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.32"), Default: true, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.34"), Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	},
	EnvFiles: {
		{Version: version.MustParse("1.34"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.35"), Default: true, PreRelease: featuregate.Beta},
	},
	UserNamespacesHostNetworkSupport: {
		{Version: version.MustParse("1.35"), Default: false, PreRelease: featuregate.Alpha},
	},
	SELinuxMount: {
		{Version: version.MustParse("1.30"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.33"), Default: false, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.37"), Default: true, PreRelease: featuregate.GA},
	},
	TaintTolerationComparisonOperators: {
		{Version: version.MustParse("1.35"), Default: false, PreRelease: featuregate.Alpha},
	},
	ContainerStopSignals: {
		{Version: version.MustParse("1.33"), Default: false, PreRelease: featuregate.Alpha},
	},
	H2CContainerProbe: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},
	GRPCContainerProbeTLS: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},
	EmptyDirVolumeMode: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},
	VolumeBindMountOptions: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},
	AtomicWriteVolumeUserFields: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},
	GenericWorkload: {
		{Version: version.MustParse("1.35"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Beta},
	},
	EvictionRequestAPI: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},
	DRANodeAllocatableResources: {
		{Version: version.MustParse("1.36"), Default: false, PreRelease: featuregate.Alpha},
	},
	CSIVolumeHealth: {
		{Version: version.MustParse("1.21"), Default: false, PreRelease: featuregate.Alpha},
	},
	NodeDeclaredFeatures: {
		{Version: version.MustParse("1.35"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.37"), Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	},
	ImageVolume: {
		{Version: version.MustParse("1.31"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.33"), Default: false, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.35"), Default: true, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	},
	UserNamespacesSupport: {
		{Version: version.MustParse("1.25"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.30"), Default: false, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.33"), Default: true, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	},
	DynamicResourceAllocation: {
		{Version: version.MustParse("1.26"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.32"), Default: false, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.34"), Default: true, PreRelease: featuregate.GA},
		{Version: version.MustParse("1.35"), Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	},
}

var dependencies = map[featuregate.Feature][]featuregate.Feature{
	PodDeletionCost:                                {},
	PodLevelResources:                              {},
	InPlacePodVerticalScaling:                      {},
	MatchLabelKeysInPodTopologySpread:              {},
	MatchLabelKeysInPodTopologySpreadSelectorMerge: {MatchLabelKeysInPodTopologySpread},
	InPlacePodLevelResourcesVerticalScaling:        {InPlacePodVerticalScaling, PodLevelResources, NodeDeclaredFeatures},
	InPlacePodVerticalScalingMemoryBackedVolumes:   {InPlacePodVerticalScaling, NodeDeclaredFeatures},
	ContainerRestartRules:                          {},
	RestartAllContainersOnContainerExits:           {ContainerRestartRules, NodeDeclaredFeatures},
	ImageVolumeWithDigest:                          {ImageVolume},
	RelaxedEnvironmentVariableValidation:           {},
	EnvFiles:                                       {},
	UserNamespacesHostNetworkSupport:               {UserNamespacesSupport, NodeDeclaredFeatures},
	SELinuxMount:                                   {},
	TaintTolerationComparisonOperators:             {},
	ContainerStopSignals:                           {},
	H2CContainerProbe:                              {NodeDeclaredFeatures},
	GRPCContainerProbeTLS:                          {},
	EmptyDirVolumeMode:                             {},
	VolumeBindMountOptions:                         {},
	AtomicWriteVolumeUserFields:                    {},
	GenericWorkload:                                {},
	EvictionRequestAPI:                             {},
	DRANodeAllocatableResources:                    {DynamicResourceAllocation},
	CSIVolumeHealth:                                {},
	NodeDeclaredFeatures:                           {},
	ImageVolume:                                    {},
	UserNamespacesSupport:                          {},
	DynamicResourceAllocation:                      {},
}

func init() {
	runtime.Must(utilfeature.DefaultMutableFeatureGate.AddVersioned(versionedGates))
	runtime.Must(utilfeature.DefaultMutableFeatureGate.AddDependencies(dependencies))
}

// Enabled reports whether gate is on in the process's feature gate.
func Enabled(gate featuregate.Feature) bool {
	return utilfeature.DefaultFeatureGate.Enabled(gate)
}
