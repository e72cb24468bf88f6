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
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func TestValidateGitRepoVolume(t *testing.T) {
	// The GitRepoVolumeDriver gate only switches off the kubelet's driver: the API server still
	// accepts the volume (with a deprecation warning) and validates it.
	gitRepo := func(repo, dir string) corev1.VolumeSource {
		return corev1.VolumeSource{GitRepo: &corev1.GitRepoVolumeSource{Repository: repo, Directory: dir}}
	}
	runVolumeCases(t, []volumeCase{
		{name: "valid", src: gitRepo("https://example.com/r.git", "")},
		{name: "valid directory", src: gitRepo("r", "a/..b/.")},
		{name: "repository required; directory relative without backsteps", src: gitRepo("", "/abs/../x"),
			want: []volErr{
				volRequired("spec.volumes[0].gitRepo.repository"),
				volInvalid("spec.volumes[0].gitRepo.directory", `"/abs/../x"`, "must be a relative path"),
				volInvalid("spec.volumes[0].gitRepo.directory", `"/abs/../x"`, "must not contain '..'"),
			}},
		{name: "a directory starting with .. is fine here", src: gitRepo("r", "..x")},
	})
}

func TestValidateNetworkVolumes(t *testing.T) {
	const registryMsg = "must be a host:port pair or multiple pairs separated by commas"
	runVolumeCases(t, []volumeCase{
		{name: "nfs valid", src: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "s", Path: "/export"}}},
		{name: "nfs empty", src: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{}},
			want: []volErr{
				volRequired("spec.volumes[0].nfs.server"),
				volRequired("spec.volumes[0].nfs.path"),
				volInvalid("spec.volumes[0].nfs.path", `""`, "must be an absolute path"),
			}},
		{name: "nfs relative path", src: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "s", Path: "rel"}},
			want: []volErr{volInvalid("spec.volumes[0].nfs.path", `"rel"`, "must be an absolute path")}},

		{name: "glusterfs valid", src: corev1.VolumeSource{Glusterfs: &corev1.GlusterfsVolumeSource{EndpointsName: "e", Path: "p"}}},
		{name: "glusterfs empty", src: corev1.VolumeSource{Glusterfs: &corev1.GlusterfsVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].glusterfs.endpoints"), volRequired("spec.volumes[0].glusterfs.path")}},

		{name: "cephfs valid", src: corev1.VolumeSource{CephFS: &corev1.CephFSVolumeSource{Monitors: []string{"m"}}}},
		{name: "cephfs monitors, under cephfs", src: corev1.VolumeSource{CephFS: &corev1.CephFSVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].cephfs.monitors")}},

		{name: "rbd valid", src: corev1.VolumeSource{RBD: &corev1.RBDVolumeSource{CephMonitors: []string{"m"}, RBDImage: "i"}}},
		{name: "rbd empty", src: corev1.VolumeSource{RBD: &corev1.RBDVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].rbd.monitors"), volRequired("spec.volumes[0].rbd.image")}},

		{name: "quobyte valid", src: corev1.VolumeSource{Quobyte: &corev1.QuobyteVolumeSource{Registry: "a:1,b:2", Volume: "v"}}},
		{name: "quobyte empty", src: corev1.VolumeSource{Quobyte: &corev1.QuobyteVolumeSource{}},
			want: []volErr{volRequiredMsg("spec.volumes[0].quobyte.registry", registryMsg), volRequired("spec.volumes[0].quobyte.volume")}},
		{name: "quobyte long tenant hides a bad registry", src: corev1.VolumeSource{Quobyte: &corev1.QuobyteVolumeSource{Registry: "bad", Tenant: strings.Repeat("t", 65), Volume: "v"}},
			want: []volErr{volRequiredMsg("spec.volumes[0].quobyte.tenant", "must be a UUID and may not exceed a length of 64 characters")}},
		{name: "quobyte one error per bad pair", src: corev1.VolumeSource{Quobyte: &corev1.QuobyteVolumeSource{Registry: "h,i:2,j", Tenant: strings.Repeat("t", 64), Volume: "v"}},
			want: []volErr{
				volInvalid("spec.volumes[0].quobyte.registry", `"h,i:2,j"`, registryMsg),
				volInvalid("spec.volumes[0].quobyte.registry", `"h,i:2,j"`, registryMsg),
			}},

		{name: "flocker by name", src: corev1.VolumeSource{Flocker: &corev1.FlockerVolumeSource{DatasetName: "d"}}},
		{name: "flocker by uuid", src: corev1.VolumeSource{Flocker: &corev1.FlockerVolumeSource{DatasetUUID: "u"}}},
		{name: "flocker neither", src: corev1.VolumeSource{Flocker: &corev1.FlockerVolumeSource{}},
			want: []volErr{volRequiredMsg("spec.volumes[0].flocker", "one of datasetName and datasetUUID is required")}},
		{name: "flocker both, slash in name", src: corev1.VolumeSource{Flocker: &corev1.FlockerVolumeSource{DatasetName: "a/b", DatasetUUID: "u"}},
			want: []volErr{
				volInvalid("spec.volumes[0].flocker", `"resource"`, "datasetName and datasetUUID can not be specified simultaneously"),
				volInvalid("spec.volumes[0].flocker.datasetName", `"a/b"`, "must not contain '/'"),
			}},

		{name: "storageos valid", src: corev1.VolumeSource{StorageOS: &corev1.StorageOSVolumeSource{VolumeName: "v", VolumeNamespace: "ns", SecretRef: &corev1.LocalObjectReference{Name: "s"}}}},
		{name: "storageos empty", src: corev1.VolumeSource{StorageOS: &corev1.StorageOSVolumeSource{SecretRef: &corev1.LocalObjectReference{}}},
			want: []volErr{volRequired("spec.volumes[0].storageos.volumeName"), volRequired("spec.volumes[0].storageos.secretRef.name")}},
		{name: "storageos names are DNS labels", src: corev1.VolumeSource{StorageOS: &corev1.StorageOSVolumeSource{VolumeName: "Bad_V", VolumeNamespace: "Bad_NS"}},
			want: []volErr{
				volInvalid("spec.volumes[0].storageos.volumeName", `"Bad_V"`, dnsLabelMsg),
				volInvalid("spec.volumes[0].storageos.volumeNamespace", `"Bad_NS"`, dnsLabelMsg),
			}},

		{name: "scaleIO valid", src: corev1.VolumeSource{ScaleIO: &corev1.ScaleIOVolumeSource{Gateway: "g", System: "s", VolumeName: "v"}}},
		{name: "scaleIO empty", src: corev1.VolumeSource{ScaleIO: &corev1.ScaleIOVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].scaleIO.gateway"), volRequired("spec.volumes[0].scaleIO.system"), volRequired("spec.volumes[0].scaleIO.volumeName")}},

		{name: "portworx", src: corev1.VolumeSource{PortworxVolume: &corev1.PortworxVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].portworxVolume.volumeID")}},
		{name: "portworx valid", src: corev1.VolumeSource{PortworxVolume: &corev1.PortworxVolumeSource{VolumeID: "v"}}},
	})
}

func TestValidateISCSIVolume(t *testing.T) {
	const p = "spec.volumes[0].iscsi"
	iscsi := func(mutate func(*corev1.ISCSIVolumeSource)) corev1.VolumeSource {
		s := &corev1.ISCSIVolumeSource{TargetPortal: "10.0.0.1:3260", IQN: "iqn.2015-02.example.com:test", ISCSIInterface: "default"}
		mutate(s)
		return corev1.VolumeSource{ISCSI: s}
	}
	runVolumeCases(t, []volumeCase{
		{name: "valid", src: iscsi(func(*corev1.ISCSIVolumeSource) {})},
		{name: "valid eui and naa, initiator, chap with secret", src: iscsi(func(s *corev1.ISCSIVolumeSource) {
			s.IQN = "eui.02004567A425678D"
			s.InitiatorName = ptr.To("naa." + strings.Repeat("0", 32))
			s.SessionCHAPAuth = true
			s.SecretRef = &corev1.LocalObjectReference{Name: "s"}
			s.Lun = 255
		})},
		{name: "empty", src: iscsi(func(s *corev1.ISCSIVolumeSource) { *s = corev1.ISCSIVolumeSource{Lun: 256, DiscoveryCHAPAuth: true} }),
			want: []volErr{
				volRequired(p + ".targetPortal"),
				volRequired(p + ".iqn"),
				volInvalid(p+".lun", "256", "must be between 0 and 255, inclusive"),
				volRequired(p + ".secretRef"),
			}},
		{name: "bad names", src: iscsi(func(s *corev1.ISCSIVolumeSource) {
			s.IQN = "foo"
			s.InitiatorName = ptr.To("iqn.bad")
		}),
			want: []volErr{
				volInvalid(p+".iqn", `"foo"`, "must be valid format starting with iqn, eui, or naa"),
				volInvalid(p+".initiatorname", `"iqn.bad"`, "must be valid format"),
			}},
		{name: "bad eui and initiator prefix", src: iscsi(func(s *corev1.ISCSIVolumeSource) {
			s.IQN = "eui.1234"
			s.InitiatorName = ptr.To("bar")
		}),
			want: []volErr{
				volInvalid(p+".iqn", `"eui.1234"`, "must be valid format"),
				volInvalid(p+".initiatorname", `"bar"`, "must be valid format starting with iqn, eui, or naa"),
			}},
		{name: "negative lun", src: iscsi(func(s *corev1.ISCSIVolumeSource) { s.Lun = -1 }),
			want: []volErr{volInvalid(p+".lun", "-1", "must be between 0 and 255, inclusive")}},
		{name: "volume name and portal too long for a custom initiator", src: iscsi(func(s *corev1.ISCSIVolumeSource) {
			s.TargetPortal = strings.Repeat("t", 63)
			s.InitiatorName = ptr.To("iqn.2015-02.example.com:test")
		}),
			want: []volErr{volInvalid("spec.volumes[0].name", `"v"`, "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.")}},
		{name: "length allowed without a custom initiator", src: iscsi(func(s *corev1.ISCSIVolumeSource) { s.TargetPortal = strings.Repeat("t", 63) })},
		{name: "64 in all is allowed", src: iscsi(func(s *corev1.ISCSIVolumeSource) {
			s.TargetPortal = strings.Repeat("t", 62)
			s.InitiatorName = ptr.To("iqn.2015-02.example.com:test")
		})},
	})
}

func TestValidateDiskVolumes(t *testing.T) {
	const blobURIs = `"https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"`
	const managedURIs = `"/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"`
	azureDisk := func(uri string, kind corev1.AzureDataDiskKind, caching corev1.AzureDataDiskCachingMode) corev1.VolumeSource {
		return corev1.VolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "d", DataDiskURI: uri, Kind: &kind, CachingMode: &caching}}
	}
	runVolumeCases(t, []volumeCase{
		{name: "gce valid, partition 0 accepted", src: corev1.VolumeSource{GCEPersistentDisk: &corev1.GCEPersistentDiskVolumeSource{PDName: "pd"}}},
		{name: "gce checks report under persistentDisk", src: corev1.VolumeSource{GCEPersistentDisk: &corev1.GCEPersistentDiskVolumeSource{Partition: 256}},
			want: []volErr{
				volRequired("spec.volumes[0].persistentDisk.pdName"),
				volInvalid("spec.volumes[0].persistentDisk.partition", "256", "must be between 1 and 255, inclusive"),
			}},
		{name: "aws valid", src: corev1.VolumeSource{AWSElasticBlockStore: &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: "v", Partition: 255}}},
		{name: "aws", src: corev1.VolumeSource{AWSElasticBlockStore: &corev1.AWSElasticBlockStoreVolumeSource{Partition: -1}},
			want: []volErr{
				volRequired("spec.volumes[0].awsElasticBlockStore.volumeID"),
				volInvalid("spec.volumes[0].awsElasticBlockStore.partition", "-1", "must be between 1 and 255, inclusive"),
			}},
		{name: "cinder valid", src: corev1.VolumeSource{Cinder: &corev1.CinderVolumeSource{VolumeID: "v"}}},
		{name: "cinder", src: corev1.VolumeSource{Cinder: &corev1.CinderVolumeSource{SecretRef: &corev1.LocalObjectReference{}}},
			want: []volErr{volRequired("spec.volumes[0].cinder.volumeID"), volRequired("spec.volumes[0].cinder.secretRef.name")}},
		{name: "vsphere", src: corev1.VolumeSource{VsphereVolume: &corev1.VsphereVirtualDiskVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].vsphereVolume.volumePath")}},
		{name: "photon", src: corev1.VolumeSource{PhotonPersistentDisk: &corev1.PhotonPersistentDiskVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].photonPersistentDisk.pdID")}},

		{name: "fc valid by wwns", src: corev1.VolumeSource{FC: &corev1.FCVolumeSource{TargetWWNs: []string{"w"}, Lun: ptr.To[int32](0)}}},
		{name: "fc valid by wwids", src: corev1.VolumeSource{FC: &corev1.FCVolumeSource{WWIDs: []string{"w"}, Lun: ptr.To[int32](-1)}}},
		{name: "fc neither", src: corev1.VolumeSource{FC: &corev1.FCVolumeSource{}},
			want: []volErr{volRequiredMsg("spec.volumes[0].fc.targetWWNs", "must specify either targetWWNs or wwids, but not both")}},
		{name: "fc both, lun required", src: corev1.VolumeSource{FC: &corev1.FCVolumeSource{TargetWWNs: []string{"x"}, WWIDs: []string{"y"}}},
			want: []volErr{
				volInvalid("spec.volumes[0].fc.targetWWNs", `["x"]`, "targetWWNs and wwids can not be specified simultaneously"),
				volRequiredMsg("spec.volumes[0].fc.lun", "lun is required if targetWWNs is specified"),
			}},
		{name: "fc lun range", src: corev1.VolumeSource{FC: &corev1.FCVolumeSource{TargetWWNs: []string{"x"}, Lun: ptr.To[int32](256)}},
			want: []volErr{volInvalid("spec.volumes[0].fc.lun", "256", "must be between 0 and 255, inclusive")}},

		{name: "azureFile valid", src: corev1.VolumeSource{AzureFile: &corev1.AzureFileVolumeSource{SecretName: "s", ShareName: "x"}}},
		{name: "azureFile", src: corev1.VolumeSource{AzureFile: &corev1.AzureFileVolumeSource{}},
			want: []volErr{volRequired("spec.volumes[0].azureFile.secretName"), volRequired("spec.volumes[0].azureFile.shareName")}},
		{name: "azureDisk shared blob", src: azureDisk("https://a.blob.core.windows.net/c/d.vhd", corev1.AzureSharedBlobDisk, corev1.AzureDataDiskCachingReadWrite)},
		{name: "azureDisk managed", src: azureDisk("/subscriptions/x", corev1.AzureManagedDisk, corev1.AzureDataDiskCachingNone)},
		{name: "azureDisk unset kind and caching skip the URI checks", src: corev1.VolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "d", DataDiskURI: "x"}}},
		{name: "azureDisk empty, bad enums", src: corev1.VolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{
			Kind: ptr.To(corev1.AzureDataDiskKind("Bogus")), CachingMode: ptr.To(corev1.AzureDataDiskCachingMode("Bogus"))}},
			want: []volErr{
				volRequired("spec.volumes[0].azureDisk.diskName"),
				volRequired("spec.volumes[0].azureDisk.diskURI"),
				volNotSupported("spec.volumes[0].azureDisk.cachingMode", `"Bogus"`, `"None", "ReadOnly", "ReadWrite"`),
				volNotSupported("spec.volumes[0].azureDisk.kind", `"Bogus"`, `"Dedicated", "Managed", "Shared"`),
				volNotSupported("spec.volumes[0].azureDisk.diskURI", `""`, blobURIs),
			}},
		{name: "azureDisk blob needs a URL", src: azureDisk("http://x", corev1.AzureDedicatedBlobDisk, corev1.AzureDataDiskCachingReadOnly),
			want: []volErr{volNotSupported("spec.volumes[0].azureDisk.diskURI", `"http://x"`, blobURIs)}},
		{name: "azureDisk managed needs a resource ID", src: azureDisk("https://x", corev1.AzureManagedDisk, corev1.AzureDataDiskCachingReadOnly),
			want: []volErr{volNotSupported("spec.volumes[0].azureDisk.diskURI", `"https://x"`, managedURIs)}},
	})
}

func TestValidateFlexVolume(t *testing.T) {
	const reserved = "kubernetes.io and k8s.io namespaces are reserved"
	runVolumeCases(t, []volumeCase{
		{name: "valid", src: corev1.VolumeSource{FlexVolume: &corev1.FlexVolumeSource{Driver: "d",
			Options: map[string]string{"foo/bar": "1", "kubernetes.io.x/y": "2", "xkubernetes.io": "3", "a": "4"}}}},
		{name: "driver required; reserved namespaces in any case, sorted", src: corev1.VolumeSource{FlexVolume: &corev1.FlexVolumeSource{
			Options: map[string]string{"k8s.io": "1", "a.kubernetes.io/x": "2", "Sub.K8S.IO/z": "3", "kubernetes.io/y": "4"}}},
			want: []volErr{
				volRequired("spec.volumes[0].flexVolume.driver"),
				volInvalid("spec.volumes[0].flexVolume.options[Sub.K8S.IO/z]", `"Sub.K8S.IO/z"`, reserved),
				volInvalid("spec.volumes[0].flexVolume.options[a.kubernetes.io/x]", `"a.kubernetes.io/x"`, reserved),
				volInvalid("spec.volumes[0].flexVolume.options[k8s.io]", `"k8s.io"`, reserved),
				volInvalid("spec.volumes[0].flexVolume.options[kubernetes.io/y]", `"kubernetes.io/y"`, reserved),
			}},
	})
}
