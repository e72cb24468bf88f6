package validation

import corev1 "k8s.io/api/core/v1"

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
}

// OptionsFor returns the options for validating newPod; oldPod is nil on create. Relaxations are
// granted on update only when the stored pod already relies on them.
func OptionsFor(newPod, oldPod *corev1.Pod) PodValidationOptions {
	opts := PodValidationOptions{
		// Feature gates on by default in v1.37.
		AllowSidecarResizePolicy:                  true,
		AllowContainerRestartPolicyRules:          true,
		AllowRestartAllContainers:                 true,
		AllowRelaxedEnvironmentVariableValidation: true,
		AllowEnvFilesValidation:                   true,
	}
	if oldPod == nil {
		return opts
	}
	ratchetFromOldPod(&opts, oldPod)
	return opts
}
