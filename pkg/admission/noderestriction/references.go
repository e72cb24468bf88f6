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

package noderestriction

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// hasAPIObjectReference tells whether a pod needs any API object to run, and names the first
// kind it references: a mirror pod runs from a file on its node and must need nothing else.
//
// k8s.io/kubernetes@v1.37.2 pkg/api/pod HasAPIObjectReference
func hasAPIObjectReference(pod *corev1.Pod) (bool, string, error) {
	if pod.Spec.ServiceAccountName != "" {
		return true, "serviceaccounts", nil
	}
	if referencesSecret(pod) {
		return true, "secrets", nil
	}
	if referencesConfigMap(pod) {
		return true, "configmaps", nil
	}
	if len(pod.Spec.ResourceClaims) > 0 {
		return true, "resourceclaims", nil
	}
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.AWSElasticBlockStore != nil, v.AzureDisk != nil, v.CephFS != nil, v.Cinder != nil,
			v.DownwardAPI != nil, v.EmptyDir != nil, v.FC != nil, v.FlexVolume != nil, v.Flocker != nil, v.GCEPersistentDisk != nil,
			v.GitRepo != nil, v.HostPath != nil, v.Image != nil, v.ISCSI != nil, v.NFS != nil, v.PhotonPersistentDisk != nil,
			v.PortworxVolume != nil, v.Quobyte != nil, v.RBD != nil, v.ScaleIO != nil, v.StorageOS != nil, v.VsphereVolume != nil:
			continue
		case v.ConfigMap != nil:
			return true, "configmaps (via configmap volumes)", nil
		case v.Secret != nil:
			return true, "secrets (via secret volumes)", nil
		case v.CSI != nil:
			return true, "csidrivers (via CSI volumes)", nil
		case v.Glusterfs != nil:
			return true, "endpoints (via glusterFS volumes)", nil
		case v.PersistentVolumeClaim != nil:
			return true, "persistentvolumeclaims", nil
		case v.Ephemeral != nil:
			return true, "persistentvolumeclaims (via ephemeral volumes)", nil
		case v.AzureFile != nil:
			return true, "secrets (via azureFile volumes)", nil
		case v.Projected != nil:
			for _, s := range v.Projected.Sources {
				switch {
				case s.ConfigMap != nil:
					return true, "configmaps (via projected volumes)", nil
				case s.Secret != nil:
					return true, "secrets (via projected volumes)", nil
				case s.ServiceAccountToken != nil:
					return true, "serviceaccounts (via projected volumes)", nil
				case s.ClusterTrustBundle != nil:
					return true, "clustertrustbundles", nil
				case s.PodCertificate != nil:
					return true, "podcertificates", nil
				case s.DownwardAPI != nil:
					continue
				default:
					return true, "", fmt.Errorf("unknown source for projected volume %q", v.Name)
				}
			}
		default:
			return true, "", fmt.Errorf("unknown volume type for volume  %q", v.Name)
		}
	}
	return false, "", nil
}

// allContainers visits init, regular and ephemeral containers, as kube's AllContainers does.
func allContainers(spec *corev1.PodSpec, visit func(envFrom []corev1.EnvFromSource, env []corev1.EnvVar) bool) bool {
	for i := range spec.InitContainers {
		if visit(spec.InitContainers[i].EnvFrom, spec.InitContainers[i].Env) {
			return true
		}
	}
	for i := range spec.Containers {
		if visit(spec.Containers[i].EnvFrom, spec.Containers[i].Env) {
			return true
		}
	}
	for i := range spec.EphemeralContainers {
		c := &spec.EphemeralContainers[i].EphemeralContainerCommon
		if visit(c.EnvFrom, c.Env) {
			return true
		}
	}
	return false
}

// referencesSecret tells whether VisitPodSecretNames would visit any non-empty name.
//
// k8s.io/kubernetes@v1.37.2 pkg/api/pod VisitPodSecretNames
func referencesSecret(pod *corev1.Pod) bool {
	for _, r := range pod.Spec.ImagePullSecrets {
		if r.Name != "" {
			return true
		}
	}
	if allContainers(&pod.Spec, func(envFrom []corev1.EnvFromSource, env []corev1.EnvVar) bool {
		for _, e := range envFrom {
			if e.SecretRef != nil && e.SecretRef.Name != "" {
				return true
			}
		}
		for _, e := range env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name != "" {
				return true
			}
		}
		return false
	}) {
		return true
	}
	for i := range pod.Spec.Volumes {
		s := &pod.Spec.Volumes[i].VolumeSource
		var name string
		switch {
		case s.AzureFile != nil:
			name = s.AzureFile.SecretName
		case s.CephFS != nil && s.CephFS.SecretRef != nil:
			name = s.CephFS.SecretRef.Name
		case s.Cinder != nil && s.Cinder.SecretRef != nil:
			name = s.Cinder.SecretRef.Name
		case s.FlexVolume != nil && s.FlexVolume.SecretRef != nil:
			name = s.FlexVolume.SecretRef.Name
		case s.Projected != nil:
			for _, src := range s.Projected.Sources {
				if src.Secret != nil && src.Secret.Name != "" {
					return true
				}
			}
		case s.RBD != nil && s.RBD.SecretRef != nil:
			name = s.RBD.SecretRef.Name
		case s.Secret != nil:
			name = s.Secret.SecretName
		case s.ScaleIO != nil && s.ScaleIO.SecretRef != nil:
			name = s.ScaleIO.SecretRef.Name
		case s.ISCSI != nil && s.ISCSI.SecretRef != nil:
			name = s.ISCSI.SecretRef.Name
		case s.StorageOS != nil && s.StorageOS.SecretRef != nil:
			name = s.StorageOS.SecretRef.Name
		case s.CSI != nil && s.CSI.NodePublishSecretRef != nil:
			name = s.CSI.NodePublishSecretRef.Name
		}
		if name != "" {
			return true
		}
	}
	return false
}

// referencesConfigMap tells whether VisitPodConfigmapNames would visit any non-empty name.
//
// k8s.io/kubernetes@v1.37.2 pkg/api/pod VisitPodConfigmapNames
func referencesConfigMap(pod *corev1.Pod) bool {
	if allContainers(&pod.Spec, func(envFrom []corev1.EnvFromSource, env []corev1.EnvVar) bool {
		for _, e := range envFrom {
			if e.ConfigMapRef != nil && e.ConfigMapRef.Name != "" {
				return true
			}
		}
		for _, e := range env {
			if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil && e.ValueFrom.ConfigMapKeyRef.Name != "" {
				return true
			}
		}
		return false
	}) {
		return true
	}
	for i := range pod.Spec.Volumes {
		s := &pod.Spec.Volumes[i].VolumeSource
		switch {
		case s.Projected != nil:
			for _, src := range s.Projected.Sources {
				if src.ConfigMap != nil && src.ConfigMap.Name != "" {
					return true
				}
			}
		case s.ConfigMap != nil && s.ConfigMap.Name != "":
			return true
		}
	}
	return false
}
