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
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// Texts clients see in volume errors; kube words them so, including the 1..255 range it reports
// for disk partitions although it accepts 0.
var (
	volumeFileModeMsg      = "must be a number between 0 and 0777 (octal), both inclusive"
	emptyDirModeMsg        = "must be a number between 0 and 01777 (octal), both inclusive"
	diskPartitionMsg       = utilvalidation.InclusiveRangeError(1, 255)
	moreThanOneVolumeType  = "may not specify more than 1 volume type"
	ephemeralClaimClashMsg = "must not reference a PVC that gets created for an ephemeral volume"
)

// validateVolumes validates spec.volumes and returns the valid ones by name, for the containers'
// volume mounts and devices to refer to.
//
// A volume with any error of its own is left out of the map, so mounts of it are reported as
// not found too, as kube does. Two things do not exclude a volume: a claimName that names the
// claim of one of the pod's ephemeral volumes, and a duplicate of a name whose first holder was
// itself invalid (that name was never recorded, so the later one is not a duplicate).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateVolumes
func validateVolumes(volumes []corev1.Volume, podMeta *metav1.ObjectMeta, fldPath *field.Path, opts PodValidationOptions) (map[string]corev1.VolumeSource, field.ErrorList) {
	var allErrs field.ErrorList

	// Ephemeral volumes get a claim named <pod>-<volume>; without the pod's name those names
	// are unknown and the clash with persistentVolumeClaim volumes cannot be checked.
	ephemeralClaims := sets.New[string]()
	if podMeta != nil && podMeta.Name != "" {
		for i := range volumes {
			if volumes[i].Ephemeral != nil {
				ephemeralClaims.Insert(podMeta.Name + "-" + volumes[i].Name)
			}
		}
	}

	vols := make(map[string]corev1.VolumeSource, len(volumes))
	names := sets.New[string]()
	for i := range volumes {
		vol := &volumes[i]
		idxPath := fldPath.Index(i)
		namePath := idxPath.Child("name")

		errs := validateVolumeSource(&vol.VolumeSource, idxPath, vol.Name, podMeta, opts)
		if vol.Name == "" {
			errs = append(errs, field.Required(namePath, ""))
		} else {
			errs = append(errs, validateDNS1123Label(vol.Name, namePath)...)
		}
		if names.Has(vol.Name) {
			errs = append(errs, field.Duplicate(namePath, vol.Name))
		}
		if len(errs) == 0 {
			names.Insert(vol.Name)
			vols[vol.Name] = vol.VolumeSource
		} else {
			allErrs = append(allErrs, errs...)
		}

		if pvc := vol.PersistentVolumeClaim; pvc != nil && ephemeralClaims.Has(pvc.ClaimName) {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("persistentVolumeClaim", "claimName"), pvc.ClaimName, ephemeralClaimClashMsg))
		}
	}
	return vols, allErrs
}

// volumeSourceKind is one member of the VolumeSource union, in the order kube checks them.
type volumeSourceKind struct {
	// name is the field named when this source is one too many.
	name string
	set  bool
	// validate checks the source when it is the first one set.
	validate func() field.ErrorList
	// always runs whenever the source is set, first or not.
	always func() field.ErrorList
}

// validateVolumeSource checks that exactly one source is set and validates the first one. The
// field paths are kube's, slips included: cephFS/cephfs, downwarAPI, gcePersistentDisk's
// checks under persistentDisk.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateVolumeSource
func validateVolumeSource(src *corev1.VolumeSource, fldPath *field.Path, volName string, podMeta *metav1.ObjectMeta, opts PodValidationOptions) field.ErrorList {
	kinds := []volumeSourceKind{
		{name: "emptyDir", set: src.EmptyDir != nil, validate: func() field.ErrorList {
			return validateEmptyDirVolume(src.EmptyDir, fldPath.Child("emptyDir"))
		}},
		{name: "hostPath", set: src.HostPath != nil, validate: func() field.ErrorList {
			return validateHostPathVolume(src.HostPath, fldPath.Child("hostPath"))
		}},
		{name: "gitRepo", set: src.GitRepo != nil, validate: func() field.ErrorList {
			return validateGitRepoVolume(src.GitRepo, fldPath.Child("gitRepo"))
		}},
		{name: "gcePersistentDisk", set: src.GCEPersistentDisk != nil, validate: func() field.ErrorList {
			return validateGCEPersistentDiskVolume(src.GCEPersistentDisk, fldPath.Child("persistentDisk"))
		}},
		{name: "awsElasticBlockStore", set: src.AWSElasticBlockStore != nil, validate: func() field.ErrorList {
			return validateAWSElasticBlockStoreVolume(src.AWSElasticBlockStore, fldPath.Child("awsElasticBlockStore"))
		}},
		{name: "secret", set: src.Secret != nil, validate: func() field.ErrorList {
			return validateSecretVolume(src.Secret, fldPath.Child("secret"))
		}},
		{name: "nfs", set: src.NFS != nil, validate: func() field.ErrorList {
			return validateNFSVolume(src.NFS, fldPath.Child("nfs"))
		}},
		{name: "iscsi", set: src.ISCSI != nil, validate: func() field.ErrorList {
			return validateISCSIVolume(src.ISCSI, fldPath.Child("iscsi"))
		}, always: func() field.ErrorList {
			return validateISCSIInitiatorNameLength(src.ISCSI, volName, fldPath.Child("name"))
		}},
		{name: "glusterfs", set: src.Glusterfs != nil, validate: func() field.ErrorList {
			return validateGlusterfsVolume(src.Glusterfs, fldPath.Child("glusterfs"))
		}},
		{name: "flocker", set: src.Flocker != nil, validate: func() field.ErrorList {
			return validateFlockerVolume(src.Flocker, fldPath.Child("flocker"))
		}},
		{name: "persistentVolumeClaim", set: src.PersistentVolumeClaim != nil, validate: func() field.ErrorList {
			return validatePersistentVolumeClaimVolume(src.PersistentVolumeClaim, fldPath.Child("persistentVolumeClaim"))
		}},
		{name: "rbd", set: src.RBD != nil, validate: func() field.ErrorList {
			return validateRBDVolume(src.RBD, fldPath.Child("rbd"))
		}},
		{name: "cinder", set: src.Cinder != nil, validate: func() field.ErrorList {
			return validateCinderVolume(src.Cinder, fldPath.Child("cinder"))
		}},
		{name: "cephFS", set: src.CephFS != nil, validate: func() field.ErrorList {
			return validateCephFSVolume(src.CephFS, fldPath.Child("cephfs"))
		}},
		{name: "quobyte", set: src.Quobyte != nil, validate: func() field.ErrorList {
			return validateQuobyteVolume(src.Quobyte, fldPath.Child("quobyte"))
		}},
		{name: "downwarAPI", set: src.DownwardAPI != nil, validate: func() field.ErrorList {
			return validateDownwardAPIVolume(src.DownwardAPI, fldPath.Child("downwardAPI"))
		}},
		{name: "fc", set: src.FC != nil, validate: func() field.ErrorList {
			return validateFCVolume(src.FC, fldPath.Child("fc"))
		}},
		{name: "flexVolume", set: src.FlexVolume != nil, validate: func() field.ErrorList {
			return validateFlexVolume(src.FlexVolume, fldPath.Child("flexVolume"))
		}},
		{name: "configMap", set: src.ConfigMap != nil, validate: func() field.ErrorList {
			return validateConfigMapVolume(src.ConfigMap, fldPath.Child("configMap"))
		}},
		{name: "azureFile", set: src.AzureFile != nil, validate: func() field.ErrorList {
			return validateAzureFileVolume(src.AzureFile, fldPath.Child("azureFile"))
		}},
		{name: "vsphereVolume", set: src.VsphereVolume != nil, validate: func() field.ErrorList {
			return validateVsphereVolume(src.VsphereVolume, fldPath.Child("vsphereVolume"))
		}},
		{name: "photonPersistentDisk", set: src.PhotonPersistentDisk != nil, validate: func() field.ErrorList {
			return validatePhotonPersistentDiskVolume(src.PhotonPersistentDisk, fldPath.Child("photonPersistentDisk"))
		}},
		{name: "portworxVolume", set: src.PortworxVolume != nil, validate: func() field.ErrorList {
			return validatePortworxVolume(src.PortworxVolume, fldPath.Child("portworxVolume"))
		}},
		{name: "azureDisk", set: src.AzureDisk != nil, validate: func() field.ErrorList {
			return validateAzureDiskVolume(src.AzureDisk, fldPath.Child("azureDisk"))
		}},
		{name: "storageos", set: src.StorageOS != nil, validate: func() field.ErrorList {
			return validateStorageOSVolume(src.StorageOS, fldPath.Child("storageos"))
		}},
		{name: "projected", set: src.Projected != nil, validate: func() field.ErrorList {
			return validateProjectedVolume(src.Projected, fldPath.Child("projected"), opts)
		}},
		{name: "scaleIO", set: src.ScaleIO != nil, validate: func() field.ErrorList {
			return validateScaleIOVolume(src.ScaleIO, fldPath.Child("scaleIO"))
		}},
		{name: "csi", set: src.CSI != nil, validate: func() field.ErrorList {
			return validateCSIVolume(src.CSI, fldPath.Child("csi"))
		}},
		{name: "ephemeral", set: src.Ephemeral != nil, validate: func() field.ErrorList {
			errs := validateEphemeralVolume(src.Ephemeral, fldPath.Child("ephemeral"))
			return append(errs, validateEphemeralClaimName(podMeta, volName, fldPath.Child("name"))...)
		}},
		{name: "image", set: src.Image != nil, validate: func() field.ErrorList {
			return validateImageVolume(src.Image, fldPath.Child("image"), opts)
		}},
	}

	var allErrs field.ErrorList
	found := false
	for _, k := range kinds {
		if !k.set {
			continue
		}
		if found {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child(k.name), moreThanOneVolumeType))
		} else {
			found = true
			allErrs = append(allErrs, k.validate()...)
		}
		if k.always != nil {
			allErrs = append(allErrs, k.always()...)
		}
	}
	if !found {
		allErrs = append(allErrs, field.Required(fldPath, "must specify a volume type"))
	}
	return allErrs
}

// volumePathWithoutBacksteps rejects a path with a ".." element, once however many it has.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePathNoBacksteps
func volumePathWithoutBacksteps(p string, fldPath *field.Path) field.ErrorList {
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." {
			return field.ErrorList{field.Invalid(fldPath, p, "must not contain '..'")}
		}
	}
	return nil
}

// volumeRelativePath requires a relative path that stays below its base.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateLocalDescendingPath
func volumeRelativePath(p string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if path.IsAbs(p) {
		allErrs = append(allErrs, field.Invalid(fldPath, p, "must be a relative path"))
	}
	return append(allErrs, volumePathWithoutBacksteps(p, fldPath)...)
}

// volumeFilePath is volumeRelativePath for a file a volume projects, which also may not start
// with ".." (kube keeps such names for the atomic writer's own files).
func volumeFilePath(p string, fldPath *field.Path) field.ErrorList {
	allErrs := volumeRelativePath(p, fldPath)
	// "../x" was already reported as a backstep.
	if strings.HasPrefix(p, "..") && !strings.HasPrefix(p, "../") {
		allErrs = append(allErrs, field.Invalid(fldPath, p, "must not start with '..'"))
	}
	return allErrs
}

func validateVolumeFileMode(mode *int32, fldPath *field.Path) field.ErrorList {
	if mode != nil && (*mode < 0 || *mode > 0777) {
		return field.ErrorList{field.Invalid(fldPath, *mode, volumeFileModeMsg)}
	}
	return nil
}

// validateVolumeFileUser checks the owner fields of projected files. The AtomicWriteVolumeUserFields
// gate is off, so they are only ever set on pods stored before; kube still checks them then.
func validateVolumeFileUser(user *int64, fldPath *field.Path) field.ErrorList {
	if user == nil {
		return nil
	}
	return invalidForEachValue(*user, utilvalidation.IsValidUserID(*user), fldPath)
}
