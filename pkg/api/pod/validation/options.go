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
	"path"
	"path/filepath"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/visit"
	"github.com/pod-apiserver/pod-apiserver/pkg/features"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// PodValidationOptions switches the relaxations validation grants. Most exist so that an update
// of a pod stored under older, looser rules is not rejected for what it already had; on create
// they are all off except where a v1.37 default feature gate turns them on.
type PodValidationOptions struct {
	AllowInvalidPodDeletionCost                             bool
	AllowInvalidLabelValueInSelector                        bool
	AllowIndivisibleHugePagesValues                         bool
	AllowInvalidTopologySpreadConstraintLabelSelector       bool
	AllowNonLocalProjectedTokenPath                         bool
	AllowNamespacedSysctlsForHostNetAndHostIPC              bool
	AllowRelaxedEnvironmentVariableValidation               bool
	AllowOnlyRecursiveSELinuxChangePolicy                   bool
	AllowSidecarResizePolicy                                bool
	AllowInvalidLabelValueInRequiredNodeAffinity            bool
	OldPodViolatesMatchLabelKeysValidation                  bool
	AllowEnvFilesValidation                                 bool
	AllowContainerRestartPolicyRules                        bool
	AllowExistingRestartContainerForNonSidecarInitContainer bool
	AllowUserNamespacesWithVolumeDevices                    bool
	AllowTaintTolerationComparisonOperators                 bool
	AllowUserNamespacesHostNetworkSupport                   bool
	AllowRestartAllContainers                               bool
	AllowImageVolumeWithDigest                              bool
	AllowEmptyImageVolumeReference                          bool
	AllowSysAdminWhenPrivilegeEscalationFalse               bool

	// ResourceIsPod is true when the spec belongs to a Pod rather than to a template; some rules
	// (such as hostPort defaulting under hostNetwork) only hold for real pods.
	ResourceIsPod bool
	// PodLevelResourcesEnabled allows spec.resources.
	PodLevelResourcesEnabled bool
	// InPlacePodLevelResourcesVerticalScalingEnabled lets a resize change spec.resources.
	InPlacePodLevelResourcesVerticalScalingEnabled bool
	// InPlacePodVerticalScalingMemoryBackedVolumesEnabled lets a resize change memory-backed
	// emptyDir volumes.
	InPlacePodVerticalScalingMemoryBackedVolumesEnabled bool
	// AllowMatchLabelKeysInPodTopologySpread allows topologySpreadConstraints[*].matchLabelKeys.
	AllowMatchLabelKeysInPodTopologySpread bool
	// AllowMatchLabelKeysInPodTopologySpreadSelectorMerge selects the current matchLabelKeys
	// rules (keys were merged into the labelSelector on create) over the legacy ones.
	AllowMatchLabelKeysInPodTopologySpreadSelectorMerge bool
	// OldPodViolatesLegacyMatchLabelKeysValidation is set when the stored pod breaks the
	// matchLabelKeys rules that applied before the selector merge.
	OldPodViolatesLegacyMatchLabelKeysValidation bool
}

// featureGates holds the feature gates that change pod validation, read once per request so
// that one validation sees one setting.
type featureGates struct {
	PodDeletionCost                                bool
	PodLevelResources                              bool
	InPlacePodVerticalScaling                      bool
	MatchLabelKeysInPodTopologySpread              bool
	MatchLabelKeysInPodTopologySpreadSelectorMerge bool
	InPlacePodLevelResourcesVerticalScaling        bool
	InPlacePodVerticalScalingMemoryBackedVolumes   bool
	ContainerRestartRules                          bool
	RestartAllContainersOnContainerExits           bool
	ImageVolumeWithDigest                          bool
	RelaxedEnvironmentVariableValidation           bool
	EnvFiles                                       bool
	UserNamespacesHostNetworkSupport               bool
	SELinuxMount                                   bool
	TaintTolerationComparisonOperators             bool
}

// currentGates reads the gates from the process's feature gate (--feature-gates).
func currentGates() featureGates {
	return featureGates{
		PodDeletionCost:                                features.Enabled(features.PodDeletionCost),
		PodLevelResources:                              features.Enabled(features.PodLevelResources),
		InPlacePodVerticalScaling:                      features.Enabled(features.InPlacePodVerticalScaling),
		MatchLabelKeysInPodTopologySpread:              features.Enabled(features.MatchLabelKeysInPodTopologySpread),
		MatchLabelKeysInPodTopologySpreadSelectorMerge: features.Enabled(features.MatchLabelKeysInPodTopologySpreadSelectorMerge),
		InPlacePodLevelResourcesVerticalScaling:        features.Enabled(features.InPlacePodLevelResourcesVerticalScaling),
		InPlacePodVerticalScalingMemoryBackedVolumes:   features.Enabled(features.InPlacePodVerticalScalingMemoryBackedVolumes),
		ContainerRestartRules:                          features.Enabled(features.ContainerRestartRules),
		RestartAllContainersOnContainerExits:           features.Enabled(features.RestartAllContainersOnContainerExits),
		ImageVolumeWithDigest:                          features.Enabled(features.ImageVolumeWithDigest),
		RelaxedEnvironmentVariableValidation:           features.Enabled(features.RelaxedEnvironmentVariableValidation),
		EnvFiles:                                       features.Enabled(features.EnvFiles),
		UserNamespacesHostNetworkSupport:               features.Enabled(features.UserNamespacesHostNetworkSupport),
		SELinuxMount:                                   features.Enabled(features.SELinuxMount),
		TaintTolerationComparisonOperators:             features.Enabled(features.TaintTolerationComparisonOperators),
	}
}

// OptionsFor returns the options for validating newPod; oldPod is nil on create. Relaxations are
// granted on update only when the stored pod already relies on them.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go GetValidationOptionsFromPodSpecAndMeta
func OptionsFor(newPod, oldPod *corev1.Pod) PodValidationOptions {
	return optionsFor(newPod, oldPod, currentGates())
}

func optionsFor(newPod, oldPod *corev1.Pod, gates featureGates) PodValidationOptions {
	opts := PodValidationOptions{
		ResourceIsPod:                                       true,
		AllowInvalidPodDeletionCost:                         !gates.PodDeletionCost,
		PodLevelResourcesEnabled:                            gates.PodLevelResources,
		AllowSidecarResizePolicy:                            gates.InPlacePodVerticalScaling,
		AllowMatchLabelKeysInPodTopologySpread:              gates.MatchLabelKeysInPodTopologySpread,
		AllowMatchLabelKeysInPodTopologySpreadSelectorMerge: gates.MatchLabelKeysInPodTopologySpreadSelectorMerge,
		InPlacePodLevelResourcesVerticalScalingEnabled:      gates.InPlacePodLevelResourcesVerticalScaling,
		InPlacePodVerticalScalingMemoryBackedVolumesEnabled: gates.InPlacePodVerticalScalingMemoryBackedVolumes,
		AllowContainerRestartPolicyRules:                    gates.ContainerRestartRules,
		AllowRestartAllContainers:                           gates.RestartAllContainersOnContainerExits,
		AllowImageVolumeWithDigest:                          gates.ImageVolumeWithDigest,
		AllowRelaxedEnvironmentVariableValidation:           gates.RelaxedEnvironmentVariableValidation,
		AllowEnvFilesValidation:                             gates.EnvFiles,
		AllowUserNamespacesHostNetworkSupport:               gates.UserNamespacesHostNetworkSupport,
		AllowTaintTolerationComparisonOperators:             gates.TaintTolerationComparisonOperators,
		// Without SELinuxMount only Recursive may be used, unless the stored pod has a policy.
		AllowOnlyRecursiveSELinuxChangePolicy: !gates.SELinuxMount,
	}
	if newPod != nil && oldPod != nil && !opts.AllowRelaxedEnvironmentVariableValidation {
		opts.AllowRelaxedEnvironmentVariableValidation = keepsRelaxedEnvVarName(&newPod.Spec, &oldPod.Spec)
	}
	if oldPod == nil {
		return opts
	}
	ratchetFromOldPod(&opts, oldPod)
	return opts
}

// ratchetFromOldPod grants the relaxations the stored pod already relies on, so that it stays
// updatable under rules that became stricter after it was written.
func ratchetFromOldPod(opts *PodValidationOptions, oldPod *corev1.Pod) {
	spec := &oldPod.Spec
	opts.AllowExistingRestartContainerForNonSidecarInitContainer = hasRestartContainerResizeOnPlainInitContainer(spec)
	opts.AllowEnvFilesValidation = opts.AllowEnvFilesValidation || usesEnvFileKeyRef(spec)
	opts.AllowUserNamespacesHostNetworkSupport = opts.AllowUserNamespacesHostNetworkSupport ||
		(spec.HostUsers != nil && !*spec.HostUsers && spec.HostNetwork)
	if opts.AllowOnlyRecursiveSELinuxChangePolicy && spec.SecurityContext != nil && spec.SecurityContext.SELinuxChangePolicy != nil {
		opts.AllowOnlyRecursiveSELinuxChangePolicy = false
	}
	opts.AllowTaintTolerationComparisonOperators = opts.AllowTaintTolerationComparisonOperators || usesTolerationComparison(spec)

	opts.AllowIndivisibleHugePagesValues = usesIndivisibleHugePages(spec)
	opts.AllowInvalidLabelValueInSelector = hasInvalidPodAffinitySelector(spec)
	opts.AllowInvalidLabelValueInRequiredNodeAffinity = hasInvalidRequiredNodeAffinityValue(spec)
	opts.AllowInvalidTopologySpreadConstraintLabelSelector = hasInvalidSpreadSelector(spec)
	if opts.AllowMatchLabelKeysInPodTopologySpread {
		if opts.AllowMatchLabelKeysInPodTopologySpreadSelectorMerge {
			opts.OldPodViolatesMatchLabelKeysValidation = violatesSpreadMatchLabelKeys(spec)
		} else {
			opts.OldPodViolatesLegacyMatchLabelKeysValidation = violatesLegacySpreadMatchLabelKeys(spec)
		}
	}
	opts.AllowNonLocalProjectedTokenPath = hasNonLocalTokenPath(spec)
	opts.AllowNamespacedSysctlsForHostNetAndHostIPC = hasSysctlForHostNamespace(spec)
	opts.AllowSidecarResizePolicy = opts.AllowSidecarResizePolicy || hasSidecarResizePolicy(spec)
	opts.AllowContainerRestartPolicyRules = opts.AllowContainerRestartPolicyRules || usesContainerRestartRules(spec)
	opts.AllowRestartAllContainers = opts.AllowRestartAllContainers || usesRestartAllContainers(spec)
	opts.AllowUserNamespacesWithVolumeDevices = hasUserNamespaceWithVolumeDevices(spec)
	opts.AllowEmptyImageVolumeReference = hasEmptyImageVolumeReference(spec)
	opts.AllowSysAdminWhenPrivilegeEscalationFalse = hasSysAdminWithoutEscalation(spec)

	if !opts.AllowInvalidPodDeletionCost {
		if v, ok := oldPod.Annotations[podDeletionCostAnnotation]; ok && !isValidDeletionCost(v) {
			opts.AllowInvalidPodDeletionCost = true
		}
	}
}

const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

// isValidDeletionCost reports whether v is a plain int32: no sign but '-', no leading zeros.
func isValidDeletionCost(v string) bool {
	if v == "" {
		return false
	}
	if c := v[0]; c != '-' && !(c >= '1' && c <= '9') && v != "0" {
		return false
	}
	_, err := strconv.ParseInt(v, 10, 32)
	return err == nil
}

// allContainers returns the init, regular and ephemeral containers of spec, in that order.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go VisitContainers
func allContainers(spec *corev1.PodSpec) []*corev1.Container {
	out := make([]*corev1.Container, 0, len(spec.InitContainers)+len(spec.Containers)+len(spec.EphemeralContainers))
	visit.Containers(spec, nil, func(c *corev1.Container, _ *field.Path) bool {
		out = append(out, c)
		return true
	})
	return out
}

func isSidecar(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// keepsRelaxedEnvVarName reports whether the new spec keeps an env var name that only the
// relaxed rules accept and that the stored spec already had.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go relaxedEnvVarUsed
func keepsRelaxedEnvVarName(newSpec, oldSpec *corev1.PodSpec) bool {
	oldNames := envVarNames(oldSpec)
	if len(oldNames) == 0 {
		return false
	}
	for name := range envVarNames(newSpec) {
		strict := len(utilvalidation.IsEnvVarName(name)) == 0
		relaxed := len(utilvalidation.IsRelaxedEnvVarName(name)) == 0
		if !strict && relaxed && oldNames[name] {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go gatherPodEnvVarNames
func envVarNames(spec *corev1.PodSpec) map[string]bool {
	names := map[string]bool{}
	for _, c := range allContainers(spec) {
		for _, e := range c.Env {
			names[e.Name] = true
		}
		for _, e := range c.EnvFrom {
			names[e.Prefix] = true
		}
	}
	return names
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasEnvFileKeyRef
func usesEnvFileKeyRef(spec *corev1.PodSpec) bool {
	for _, c := range allContainers(spec) {
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.FileKeyRef != nil {
				return true
			}
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go taintTolerationComparisonOperatorsInUse
func usesTolerationComparison(spec *corev1.PodSpec) bool {
	for _, t := range spec.Tolerations {
		if t.Operator == corev1.TolerationOpLt || t.Operator == corev1.TolerationOpGt {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasRestartContainerForNonSidecarInitContainer
func hasRestartContainerResizeOnPlainInitContainer(spec *corev1.PodSpec) bool {
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		if isSidecar(c) {
			continue
		}
		for _, p := range c.ResizePolicy {
			if p.RestartPolicy == corev1.RestartContainer {
				return true
			}
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go usesIndivisibleHugePagesValues
func usesIndivisibleHugePages(spec *corev1.PodSpec) bool {
	for _, c := range allContainers(spec) {
		if hasIndivisibleHugePages(c.Resources.Limits) || hasIndivisibleHugePages(c.Resources.Requests) {
			return true
		}
	}
	return hasIndivisibleHugePages(spec.Overhead)
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go checkContainerUseIndivisibleHugePagesValues
func hasIndivisibleHugePages(list corev1.ResourceList) bool {
	for name, q := range list {
		if strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) && !isHugePageValueDivisible(name, q) {
			return true
		}
	}
	return false
}

// isHugePageValueDivisible reports whether q is a whole number of the pages the resource name
// gives the size of; an unparsable or fractional page size divides nothing.
func isHugePageValueDivisible(name corev1.ResourceName, q resource.Quantity) bool {
	pageSize, err := resource.ParseQuantity(strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
	if err != nil || pageSize.Sign() <= 0 || pageSize.MilliValue()%1000 != 0 {
		return false
	}
	return q.Value()%pageSize.Value() == 0
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasInvalidLabelValueInAffinitySelector
func hasInvalidPodAffinitySelector(spec *corev1.PodSpec) bool {
	if spec.Affinity == nil {
		return false
	}
	var terms []corev1.PodAffinityTerm
	if a := spec.Affinity.PodAffinity; a != nil {
		terms = append(terms, a.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	if a := spec.Affinity.PodAntiAffinity; a != nil {
		terms = append(terms, a.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	for _, t := range terms {
		if !isStrictlyValidSelector(t.LabelSelector) || !isStrictlyValidSelector(t.NamespaceSelector) {
			return true
		}
	}
	return false
}

func isStrictlyValidSelector(sel *metav1.LabelSelector) bool {
	return len(metavalidation.ValidateLabelSelector(sel, metavalidation.LabelSelectorValidationOptions{}, nil)) == 0
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasInvalidLabelValueInRequiredNodeAffinity
func hasInvalidRequiredNodeAffinityValue(spec *corev1.PodSpec) bool {
	if spec.Affinity == nil || spec.Affinity.NodeAffinity == nil || spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return false
	}
	for _, term := range spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, expr := range term.MatchExpressions {
			for _, v := range expr.Values {
				if len(utilvalidation.IsValidLabelValue(v)) > 0 {
					return true
				}
			}
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasInvalidTopologySpreadConstraintLabelSelector
func hasInvalidSpreadSelector(spec *corev1.PodSpec) bool {
	for _, c := range spec.TopologySpreadConstraints {
		if !isStrictlyValidSelector(c.LabelSelector) {
			return true
		}
	}
	return false
}

// violatesSpreadMatchLabelKeys applies the current matchLabelKeys rules: keys need a selector,
// must be label names, and may not be selected on besides the merged expression.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasInvalidTopologySpreadConstrainMatchLabelKeys
func violatesSpreadMatchLabelKeys(spec *corev1.PodSpec) bool {
	for _, c := range spec.TopologySpreadConstraints {
		if len(c.MatchLabelKeys) == 0 {
			continue
		}
		if c.LabelSelector == nil {
			return true
		}
		for _, key := range c.MatchLabelKeys {
			if len(metavalidation.ValidateLabelName(key, nil)) > 0 {
				return true
			}
		}
		keys := map[string]bool{}
		for _, key := range c.MatchLabelKeys {
			keys[key] = true
		}
		// Create merged each key into matchExpressions once; a key seen before (in matchLabels
		// or an earlier expression) means the user also selected on it.
		seen := map[string]bool{}
		for key := range c.LabelSelector.MatchLabels {
			seen[key] = true
		}
		for _, expr := range c.LabelSelector.MatchExpressions {
			if keys[expr.Key] && seen[expr.Key] {
				return true
			}
			seen[expr.Key] = true
		}
	}
	return false
}

// violatesLegacySpreadMatchLabelKeys applies the rules from before the selector merge, under
// which a matchLabelKeys key could not appear in the selector at all.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasLegacyInvalidTopologySpreadConstrainMatchLabelKeys
func violatesLegacySpreadMatchLabelKeys(spec *corev1.PodSpec) bool {
	for _, c := range spec.TopologySpreadConstraints {
		if len(c.MatchLabelKeys) == 0 {
			continue
		}
		if c.LabelSelector == nil {
			return true
		}
		for _, key := range c.MatchLabelKeys {
			if len(metavalidation.ValidateLabelName(key, nil)) > 0 {
				return true
			}
			if _, ok := c.LabelSelector.MatchLabels[key]; ok {
				return true
			}
			for _, expr := range c.LabelSelector.MatchExpressions {
				if expr.Key == key {
					return true
				}
			}
		}
	}
	return false
}

// hasNonLocalTokenPath reports a projected service account token path that is absolute or
// climbs out of the volume.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasNonLocalProjectedTokenPath
func hasNonLocalTokenPath(spec *corev1.PodSpec) bool {
	for _, v := range spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken == nil {
				continue
			}
			p := src.ServiceAccountToken.Path
			if path.IsAbs(p) || strings.HasPrefix(p, "..") {
				return true
			}
			for _, part := range strings.Split(filepath.ToSlash(p), "/") {
				if part == ".." {
					return true
				}
			}
		}
	}
	return false
}

// hasSysctlForHostNamespace reports a network sysctl on a hostNetwork pod or an IPC sysctl on a
// hostIPC pod, which the kernel would apply to the host.
func hasSysctlForHostNamespace(spec *corev1.PodSpec) bool {
	if spec.SecurityContext == nil {
		return false
	}
	for _, s := range spec.SecurityContext.Sysctls {
		switch sysctlNamespace(s.Name) {
		case "net":
			if spec.HostNetwork {
				return true
			}
		case "ipc":
			if spec.HostIPC {
				return true
			}
		}
	}
	return false
}

// sysctlNamespace names the kernel namespace ("net", "ipc" or "") a sysctl belongs to; slash
// separated names are read as their dotted form.
func sysctlNamespace(name string) string {
	if i := strings.IndexAny(name, "./"); i >= 0 && name[i] == '/' {
		name = strings.Map(func(r rune) rune {
			switch r {
			case '.':
				return '/'
			case '/':
				return '.'
			}
			return r
		}, name)
	}
	if i := strings.IndexByte(name, '*'); i >= 0 {
		name = name[:i]
	}
	switch name {
	case "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
		"kernel.shm", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.msg":
		return "ipc"
	}
	switch {
	case strings.HasPrefix(name, "net."):
		return "net"
	case strings.HasPrefix(name, "fs.mqueue."):
		return "ipc"
	}
	return ""
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasRestartableInitContainerResizePolicy
func hasSidecarResizePolicy(spec *corev1.PodSpec) bool {
	for i := range spec.InitContainers {
		if isSidecar(&spec.InitContainers[i]) && len(spec.InitContainers[i].ResizePolicy) > 0 {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go containerRestartRulesInUse
func usesContainerRestartRules(spec *corev1.PodSpec) bool {
	for _, c := range spec.InitContainers {
		if (c.RestartPolicy != nil && *c.RestartPolicy != corev1.ContainerRestartPolicyAlways) || len(c.RestartPolicyRules) > 0 {
			return true
		}
	}
	for _, c := range spec.Containers {
		if c.RestartPolicy != nil {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go restartAllContainersActionInUse
func usesRestartAllContainers(spec *corev1.PodSpec) bool {
	if hasRestartAllContainersRule(spec) {
		return true
	}
	// The same gate also lets sidecars carry restart rules.
	for i := range spec.InitContainers {
		if isSidecar(&spec.InitContainers[i]) && len(spec.InitContainers[i].RestartPolicyRules) > 0 {
			return true
		}
	}
	return false
}

// hasRestartAllContainersRule reports a regular or init container rule that restarts the whole
// pod, which lets every container leave the terminated state.
func hasRestartAllContainersRule(spec *corev1.PodSpec) bool {
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range cs {
			for _, r := range c.RestartPolicyRules {
				if r.Action == corev1.ContainerRestartRuleActionRestartAllContainers {
					return true
				}
			}
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasUserNamespacesWithVolumeDevices
func hasUserNamespaceWithVolumeDevices(spec *corev1.PodSpec) bool {
	if spec.HostUsers == nil || *spec.HostUsers {
		return false
	}
	for _, c := range allContainers(spec) {
		if len(c.VolumeDevices) > 0 {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasEmptyImageVolumeReference
func hasEmptyImageVolumeReference(spec *corev1.PodSpec) bool {
	for _, v := range spec.Volumes {
		if v.Image != nil && v.Image.Reference == "" {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go hasSysAdminAndPrivilegeEscalationFalse
func hasSysAdminWithoutEscalation(spec *corev1.PodSpec) bool {
	for _, c := range allContainers(spec) {
		sc := c.SecurityContext
		if sc == nil || sc.Capabilities == nil || (sc.AllowPrivilegeEscalation != nil && *sc.AllowPrivilegeEscalation) {
			continue
		}
		for _, capability := range sc.Capabilities.Add {
			if capability == "CAP_SYS_ADMIN" {
				return true
			}
		}
	}
	return false
}
