package validation

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateVolumes validates spec.volumes and returns the valid ones by name, for the containers'
// volume mounts and devices to refer to.
func validateVolumes(volumes []corev1.Volume, podMeta *metav1.ObjectMeta, fldPath *field.Path, opts PodValidationOptions) (map[string]corev1.VolumeSource, field.ErrorList) {
	// TODO(C)
	vols := make(map[string]corev1.VolumeSource, len(volumes))
	for _, v := range volumes {
		vols[v.Name] = v.VolumeSource
	}
	return vols, nil
}
