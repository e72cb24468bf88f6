// Package warnings produces the Warning headers kube-apiserver sends for pod writes: advice about
// valid but surprising, deprecated or non-functional settings.
package warnings

import (
	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
)

// ForCreate returns the warnings for a pod about to be created.
func ForCreate(pod *corev1.Pod) []string {
	// TODO(D): the rest of kube's pod warnings.
	var warnings []string
	if msgs := utilvalidation.IsDNS1123Label(pod.Name); len(msgs) != 0 && pod.Name != "" {
		warnings = append(warnings, "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: "+msgs[0])
	}
	return warnings
}

// ForStatusUpdate returns the warnings for a write to pods/status.
func ForStatusUpdate(newPod, oldPod *corev1.Pod) []string {
	// TODO(D): non-standard IPs.
	return nil
}
