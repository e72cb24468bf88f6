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
	"net"
	"path"
	"regexp"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// The legacy in-tree volume drivers. Most no longer work on a v1.37 node (gitRepo's driver is
// switched off by a locked gate, others were removed or migrated to CSI), but the API server
// still accepts and validates them as before; only warnings tell the client.

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateGitRepoVolumeSource
func validateGitRepoVolume(gitRepo *corev1.GitRepoVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if gitRepo.Repository == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("repository"), ""))
	}
	return append(allErrs, volumeRelativePath(gitRepo.Directory, fldPath.Child("directory"))...)
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateGCEPersistentDiskVolumeSource
func validateGCEPersistentDiskVolume(pd *corev1.GCEPersistentDiskVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if pd.PDName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("pdName"), ""))
	}
	if pd.Partition < 0 || pd.Partition > 255 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("partition"), pd.Partition, diskPartitionMsg))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateAWSElasticBlockStoreVolumeSource
func validateAWSElasticBlockStoreVolume(ebs *corev1.AWSElasticBlockStoreVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if ebs.VolumeID == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("volumeID"), ""))
	}
	if ebs.Partition < 0 || ebs.Partition > 255 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("partition"), ebs.Partition, diskPartitionMsg))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateNFSVolumeSource
func validateNFSVolume(nfs *corev1.NFSVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if nfs.Server == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("server"), ""))
	}
	if nfs.Path == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	}
	// An empty path is reported twice, as kube does.
	if !path.IsAbs(nfs.Path) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("path"), nfs.Path, "must be an absolute path"))
	}
	return allErrs
}

// iSCSI names: iqn.yyyy-mm.reversed.domain[:identifier], eui.<16 hex>, naa.<32 hex>. The iqn
// pattern is not anchored at the start, as in kube.
var (
	iscsiIQN = regexp.MustCompile(`iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`)
	iscsiEUI = regexp.MustCompile(`^eui.[[:alnum:]]{16}$`)
	iscsiNAA = regexp.MustCompile(`^naa.[[:alnum:]]{32}$`)
)

const iscsiNameFormatMsg = "must be valid format"

// iscsiNameErrors checks an IQN or initiator name; what it says of a name without a known prefix
// is the caller's.
func iscsiNameErrors(name string, fldPath *field.Path) field.ErrorList {
	var re *regexp.Regexp
	switch {
	case strings.HasPrefix(name, "iqn"):
		re = iscsiIQN
	case strings.HasPrefix(name, "eui"):
		re = iscsiEUI
	case strings.HasPrefix(name, "naa"):
		re = iscsiNAA
	default:
		return field.ErrorList{field.Invalid(fldPath, name, "must be valid format starting with iqn, eui, or naa")}
	}
	if !re.MatchString(name) {
		return field.ErrorList{field.Invalid(fldPath, name, iscsiNameFormatMsg)}
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateISCSIVolumeSource
func validateISCSIVolume(iscsi *corev1.ISCSIVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if iscsi.TargetPortal == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("targetPortal"), ""))
	}
	if iscsi.IQN == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("iqn"), ""))
	} else {
		allErrs = append(allErrs, iscsiNameErrors(iscsi.IQN, fldPath.Child("iqn"))...)
	}
	if iscsi.Lun < 0 || iscsi.Lun > 255 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("lun"), iscsi.Lun, utilvalidation.InclusiveRangeError(0, 255)))
	}
	if (iscsi.DiscoveryCHAPAuth || iscsi.SessionCHAPAuth) && iscsi.SecretRef == nil {
		allErrs = append(allErrs, field.Required(fldPath.Child("secretRef"), ""))
	}
	if iscsi.InitiatorName != nil {
		allErrs = append(allErrs, iscsiNameErrors(*iscsi.InitiatorName, fldPath.Child("initiatorname"))...)
	}
	return allErrs
}

// validateISCSIInitiatorNameLength bounds the name the node gives the iSCSI interface it creates
// for a custom initiator. It runs even when iscsi is not the volume's first source.
func validateISCSIInitiatorNameLength(iscsi *corev1.ISCSIVolumeSource, volName string, fldPath *field.Path) field.ErrorList {
	if iscsi.InitiatorName != nil && len(volName+":"+iscsi.TargetPortal) > 64 {
		return field.ErrorList{field.Invalid(fldPath, volName, "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.")}
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateGlusterfsVolumeSource
func validateGlusterfsVolume(glusterfs *corev1.GlusterfsVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if glusterfs.EndpointsName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("endpoints"), ""))
	}
	if glusterfs.Path == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateFlockerVolumeSource
func validateFlockerVolume(flocker *corev1.FlockerVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if flocker.DatasetName == "" && flocker.DatasetUUID == "" {
		allErrs = append(allErrs, field.Required(fldPath, "one of datasetName and datasetUUID is required"))
	}
	if flocker.DatasetName != "" && flocker.DatasetUUID != "" {
		allErrs = append(allErrs, field.Invalid(fldPath, "resource", "datasetName and datasetUUID can not be specified simultaneously"))
	}
	if strings.Contains(flocker.DatasetName, "/") {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("datasetName"), flocker.DatasetName, "must not contain '/'"))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateRBDVolumeSource
func validateRBDVolume(rbd *corev1.RBDVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(rbd.CephMonitors) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("monitors"), ""))
	}
	if rbd.RBDImage == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("image"), ""))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateCinderVolumeSource
func validateCinderVolume(cinder *corev1.CinderVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if cinder.VolumeID == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("volumeID"), ""))
	}
	if cinder.SecretRef != nil && cinder.SecretRef.Name == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("secretRef", "name"), ""))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateCephFSVolumeSource
func validateCephFSVolume(cephfs *corev1.CephFSVolumeSource, fldPath *field.Path) field.ErrorList {
	if len(cephfs.Monitors) == 0 {
		return field.ErrorList{field.Required(fldPath.Child("monitors"), "")}
	}
	return nil
}

const registryMsg = "must be a host:port pair or multiple pairs separated by commas"

// validateQuobyteVolume reports a too long tenant only when the registry is set, and then
// instead of checking the registry, as kube does.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateQuobyteVolumeSource
func validateQuobyteVolume(quobyte *corev1.QuobyteVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch {
	case quobyte.Registry == "":
		allErrs = append(allErrs, field.Required(fldPath.Child("registry"), registryMsg))
	case len(quobyte.Tenant) >= 65:
		allErrs = append(allErrs, field.Required(fldPath.Child("tenant"), "must be a UUID and may not exceed a length of 64 characters"))
	default:
		// One error for each bad pair, each naming the whole registry.
		for _, pair := range strings.Split(quobyte.Registry, ",") {
			if _, _, err := net.SplitHostPort(pair); err != nil {
				allErrs = append(allErrs, field.Invalid(fldPath.Child("registry"), quobyte.Registry, registryMsg))
			}
		}
	}
	if quobyte.Volume == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("volume"), ""))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateFCVolumeSource
func validateFCVolume(fc *corev1.FCVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(fc.TargetWWNs) == 0 && len(fc.WWIDs) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("targetWWNs"), "must specify either targetWWNs or wwids, but not both"))
	}
	if len(fc.TargetWWNs) != 0 && len(fc.WWIDs) != 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("targetWWNs"), fc.TargetWWNs, "targetWWNs and wwids can not be specified simultaneously"))
	}
	if len(fc.TargetWWNs) != 0 {
		if fc.Lun == nil {
			allErrs = append(allErrs, field.Required(fldPath.Child("lun"), "lun is required if targetWWNs is specified"))
		} else if *fc.Lun < 0 || *fc.Lun > 255 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("lun"), *fc.Lun, utilvalidation.InclusiveRangeError(0, 255)))
		}
	}
	return allErrs
}

// validateFlexVolume keeps the kubernetes.io and k8s.io option namespaces for the system. Kube
// walks the options map in random order; sorted keys give a stable order instead.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateFlexVolumeSource
func validateFlexVolume(flex *corev1.FlexVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if flex.Driver == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("driver"), ""))
	}
	keys := make([]string, 0, len(flex.Options))
	for k := range flex.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ns := k
		if before, _, found := strings.Cut(k, "/"); found {
			ns = before
		}
		ns = "." + strings.ToLower(ns)
		if strings.HasSuffix(ns, ".kubernetes.io") || strings.HasSuffix(ns, ".k8s.io") {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("options").Key(k), k, "kubernetes.io and k8s.io namespaces are reserved"))
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateAzureFile
func validateAzureFileVolume(azure *corev1.AzureFileVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if azure.SecretName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("secretName"), ""))
	}
	if azure.ShareName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("shareName"), ""))
	}
	return allErrs
}

var (
	azureCachingModes = []corev1.AzureDataDiskCachingMode{
		corev1.AzureDataDiskCachingNone, corev1.AzureDataDiskCachingReadOnly, corev1.AzureDataDiskCachingReadWrite,
	}
	azureDiskKinds = []corev1.AzureDataDiskKind{
		corev1.AzureDedicatedBlobDisk, corev1.AzureManagedDisk, corev1.AzureSharedBlobDisk,
	}
	azureManagedDiskURIs = []string{"/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"}
	azureBlobDiskURIs    = []string{"https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"}
)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateAzureDisk
func validateAzureDiskVolume(azure *corev1.AzureDiskVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if azure.DiskName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("diskName"), ""))
	}
	if azure.DataDiskURI == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("diskURI"), ""))
	}
	if m := azure.CachingMode; m != nil && !containsValue(azureCachingModes, *m) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("cachingMode"), *m, azureCachingModes))
	}
	if k := azure.Kind; k != nil && !containsValue(azureDiskKinds, *k) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("kind"), *k, azureDiskKinds))
	}
	// A managed disk is named by its resource ID, a blob disk by its URL.
	if k := azure.Kind; k != nil {
		if *k == corev1.AzureManagedDisk && !strings.HasPrefix(azure.DataDiskURI, "/subscriptions/") {
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("diskURI"), azure.DataDiskURI, azureManagedDiskURIs))
		}
		if *k != corev1.AzureManagedDisk && !strings.HasPrefix(azure.DataDiskURI, "https://") {
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("diskURI"), azure.DataDiskURI, azureBlobDiskURIs))
		}
	}
	return allErrs
}

func containsValue[T comparable](values []T, v T) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateVsphereVolumeSource
func validateVsphereVolume(vsphere *corev1.VsphereVirtualDiskVolumeSource, fldPath *field.Path) field.ErrorList {
	if vsphere.VolumePath == "" {
		return field.ErrorList{field.Required(fldPath.Child("volumePath"), "")}
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePhotonPersistentDiskVolumeSource
func validatePhotonPersistentDiskVolume(photon *corev1.PhotonPersistentDiskVolumeSource, fldPath *field.Path) field.ErrorList {
	if photon.PdID == "" {
		return field.ErrorList{field.Required(fldPath.Child("pdID"), "")}
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePortworxVolumeSource
func validatePortworxVolume(portworx *corev1.PortworxVolumeSource, fldPath *field.Path) field.ErrorList {
	if portworx.VolumeID == "" {
		return field.ErrorList{field.Required(fldPath.Child("volumeID"), "")}
	}
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateScaleIOVolumeSource
func validateScaleIOVolume(sio *corev1.ScaleIOVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if sio.Gateway == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("gateway"), ""))
	}
	if sio.System == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("system"), ""))
	}
	if sio.VolumeName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("volumeName"), ""))
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateStorageOSVolumeSource
func validateStorageOSVolume(storageos *corev1.StorageOSVolumeSource, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if storageos.VolumeName == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("volumeName"), ""))
	} else {
		allErrs = append(allErrs, validateDNS1123Label(storageos.VolumeName, fldPath.Child("volumeName"))...)
	}
	if storageos.VolumeNamespace != "" {
		allErrs = append(allErrs, validateDNS1123Label(storageos.VolumeNamespace, fldPath.Child("volumeNamespace"))...)
	}
	if storageos.SecretRef != nil && storageos.SecretRef.Name == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("secretRef", "name"), ""))
	}
	return allErrs
}
