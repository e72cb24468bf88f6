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

package defaults

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// inPod is the smallest pod a client can send.
func inPod() *corev1.Pod {
	return &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}
}

// outPod is inPod as kube returns it from defaulting.
func outPod() *corev1.Pod {
	return &corev1.Pod{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "c", Image: "busybox:1.36", ImagePullPolicy: corev1.PullIfNotPresent,
			TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: corev1.TerminationMessageReadFile,
		}},
		RestartPolicy:                 corev1.RestartPolicyAlways,
		TerminationGracePeriodSeconds: ptr.To[int64](30),
		DNSPolicy:                     corev1.DNSClusterFirst,
		SecurityContext:               &corev1.PodSecurityContext{},
		SchedulerName:                 "default-scheduler",
		EnableServiceLinks:            ptr.To(true),
	}}
}

func q(s string) resource.Quantity { return resource.MustParse(s) }

func TestPod(t *testing.T) {
	cases := []struct {
		name string
		in   func(*corev1.Pod)
		want func(*corev1.Pod)
	}{
		{name: "minimal pod", in: func(*corev1.Pod) {}, want: func(*corev1.Pod) {}},
		{
			name: "set fields are kept",
			in: func(p *corev1.Pod) {
				p.Spec.RestartPolicy = corev1.RestartPolicyNever
				p.Spec.DNSPolicy = corev1.DNSDefault
				p.Spec.SchedulerName = "other"
				p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](0)
				p.Spec.EnableServiceLinks = ptr.To(false)
				p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](7)}
				p.Spec.Containers[0].ImagePullPolicy = corev1.PullNever
				p.Spec.Containers[0].TerminationMessagePath = "/tmp/x"
				p.Spec.Containers[0].TerminationMessagePolicy = corev1.TerminationMessageFallbackToLogsOnError
			},
			want: func(p *corev1.Pod) {
				p.Spec.RestartPolicy = corev1.RestartPolicyNever
				p.Spec.DNSPolicy = corev1.DNSDefault
				p.Spec.SchedulerName = "other"
				p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](0)
				p.Spec.EnableServiceLinks = ptr.To(false)
				p.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](7)}
				p.Spec.Containers[0].ImagePullPolicy = corev1.PullNever
				p.Spec.Containers[0].TerminationMessagePath = "/tmp/x"
				p.Spec.Containers[0].TerminationMessagePolicy = corev1.TerminationMessageFallbackToLogsOnError
			},
		},
		{
			name: "negative grace period becomes 1",
			in:   func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](-5) },
			want: func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](1) },
		},
		{
			name: "deprecated service account fills the name",
			in:   func(p *corev1.Pod) { p.Spec.DeprecatedServiceAccount = "old" },
			want: func(p *corev1.Pod) { p.Spec.DeprecatedServiceAccount, p.Spec.ServiceAccountName = "old", "old" },
		},
		{
			name: "service account name wins over the deprecated one",
			in:   func(p *corev1.Pod) { p.Spec.DeprecatedServiceAccount, p.Spec.ServiceAccountName = "old", "new" },
			want: func(p *corev1.Pod) { p.Spec.DeprecatedServiceAccount, p.Spec.ServiceAccountName = "new", "new" },
		},
		{
			name: "pull policy follows the tag",
			in: func(p *corev1.Pod) {
				p.Spec.Containers[0].Image = "busybox"
				p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "busybox:latest"}, {Name: "j", Image: "Bad Image"}}
				p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "e", Image: "x@sha256:" + hex64()}}}
			},
			want: func(p *corev1.Pod) {
				p.Spec.Containers[0].Image = "busybox"
				p.Spec.Containers[0].ImagePullPolicy = corev1.PullAlways
				init := p.Spec.Containers[0]
				init.Name, init.Image = "i", "busybox:latest"
				unparsable := init
				unparsable.Name, unparsable.Image, unparsable.ImagePullPolicy = "j", "Bad Image", corev1.PullIfNotPresent
				p.Spec.InitContainers = []corev1.Container{init, unparsable}
				eph := p.Spec.Containers[0]
				eph.Name, eph.Image, eph.ImagePullPolicy = "e", "x@sha256:"+hex64(), corev1.PullIfNotPresent
				p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon(eph)}}
			},
		},
		{
			name: "requests come from limits for regular and init containers only",
			in: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
					Limits:   corev1.ResourceList{"cpu": q("1"), "memory": q("1Gi")},
					Requests: corev1.ResourceList{"cpu": q("100m")},
				}
				p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "busybox:1.36", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": q("100u")}}}}
				p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "e", Image: "busybox:1.36",
					Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": q("1")}}}}}
			},
			want: func(p *corev1.Pod) {
				p.Spec.Containers[0].Resources = corev1.ResourceRequirements{
					Limits:   corev1.ResourceList{"cpu": q("1"), "memory": q("1Gi")},
					Requests: corev1.ResourceList{"cpu": q("100m"), "memory": q("1Gi")},
				}
				init := p.Spec.Containers[0]
				init.Name = "i"
				init.Resources = corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": q("1m")}, Requests: corev1.ResourceList{"cpu": q("1m")}}
				p.Spec.InitContainers = []corev1.Container{init}
				eph := p.Spec.Containers[0]
				eph.Name = "e"
				eph.Resources = corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": q("1")}}
				p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon(eph)}}
			},
		},
		{
			name: "every resource list is rounded up to milli units",
			in: func(p *corev1.Pod) {
				p.Spec.Overhead = corev1.ResourceList{"cpu": q("1.0001")}
				p.Spec.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{"memory": q("1.5")}, Requests: corev1.ResourceList{"cpu": q("1n")}}
				p.Status.AllocatedResources = corev1.ResourceList{"cpu": q("1u")}
				p.Status.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": q("1u")}}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", AllocatedResources: corev1.ResourceList{"cpu": q("1u")},
					Resources: &corev1.ResourceRequirements{Requests: corev1.ResourceList{"cpu": q("1u")}}}}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "i", AllocatedResources: corev1.ResourceList{"cpu": q("1u")}}}
				p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: "e", AllocatedResources: corev1.ResourceList{"cpu": q("1u")}}}
			},
			want: func(p *corev1.Pod) {
				p.Spec.Overhead = corev1.ResourceList{"cpu": q("1001m")}
				p.Spec.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{"memory": q("1500m")}, Requests: corev1.ResourceList{"cpu": q("1m")}}
				p.Status.AllocatedResources = corev1.ResourceList{"cpu": q("1m")}
				p.Status.Resources = &corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": q("1m")}}
				p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", AllocatedResources: corev1.ResourceList{"cpu": q("1m")},
					Resources: &corev1.ResourceRequirements{Requests: corev1.ResourceList{"cpu": q("1m")}}}}
				p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "i", AllocatedResources: corev1.ResourceList{"cpu": q("1m")}}}
				p.Status.EphemeralContainerStatuses = []corev1.ContainerStatus{{Name: "e", AllocatedResources: corev1.ResourceList{"cpu": q("1m")}}}
			},
		},
		{
			name: "host network turns container ports into host ports",
			in: func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80}, {ContainerPort: 53, HostPort: 53, Protocol: corev1.ProtocolUDP}}
				p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "busybox:1.36", Ports: []corev1.ContainerPort{{ContainerPort: 9090}}}}
			},
			want: func(p *corev1.Pod) {
				p.Spec.HostNetwork = true
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 80, Protocol: corev1.ProtocolTCP}, {ContainerPort: 53, HostPort: 53, Protocol: corev1.ProtocolUDP}}
				init := p.Spec.Containers[0]
				init.Name = "i"
				init.Ports = []corev1.ContainerPort{{ContainerPort: 9090, HostPort: 9090, Protocol: corev1.ProtocolTCP}}
				p.Spec.InitContainers = []corev1.Container{init}
			},
		},
		{
			name: "ports without host network keep no host port",
			in:   func(p *corev1.Pod) { p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80}} },
			want: func(p *corev1.Pod) {
				p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}}
			},
		},
		{
			name: "env field references and file keys",
			in: func(p *corev1.Pod) {
				p.Spec.Containers[0].Env = []corev1.EnvVar{
					{Name: "A", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
					{Name: "B", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v2", FieldPath: "metadata.name"}}},
					{Name: "C", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "v", Path: "p", Key: "k"}}},
					{Name: "D", Value: "d"},
				}
			},
			want: func(p *corev1.Pod) {
				p.Spec.Containers[0].Env = []corev1.EnvVar{
					{Name: "A", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}},
					{Name: "B", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v2", FieldPath: "metadata.name"}}},
					{Name: "C", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "v", Path: "p", Key: "k", Optional: ptr.To(false)}}},
					{Name: "D", Value: "d"},
				}
			},
		},
		{
			name: "probes and lifecycle handlers",
			in: func(p *corev1.Pod) {
				c := &p.Spec.Containers[0]
				c.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(80)}}}
				c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9}}, PeriodSeconds: 3, InitialDelaySeconds: 0}
				c.StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(1)}},
					TimeoutSeconds: 5, SuccessThreshold: 2, FailureThreshold: 7}
				c.Lifecycle = &corev1.Lifecycle{
					PostStart: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/start", Scheme: corev1.URISchemeHTTPS}},
					PreStop:   &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{}},
				}
			},
			want: func(p *corev1.Pod) {
				c := &p.Spec.Containers[0]
				c.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(80), Path: "/", Scheme: corev1.URISchemeHTTP}},
					TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3}
				c.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9, Service: ptr.To("")}},
					TimeoutSeconds: 1, PeriodSeconds: 3, SuccessThreshold: 1, FailureThreshold: 3}
				c.StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(1)}},
					TimeoutSeconds: 5, PeriodSeconds: 10, SuccessThreshold: 2, FailureThreshold: 7}
				c.Lifecycle = &corev1.Lifecycle{
					PostStart: &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/start", Scheme: corev1.URISchemeHTTPS}},
					PreStop:   &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Scheme: corev1.URISchemeHTTP}},
				}
			},
		},
		{
			name: "volume sources",
			in: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{
					{Name: "none"},
					{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}},
					{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}},
					{Name: "cm", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{DefaultMode: ptr.To[int32](0o400)}}},
					{Name: "dapi", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{{Path: "l", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}}}}}},
					{Name: "proj", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
						{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "t"}},
						{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{Path: "n", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}}},
					}}}},
					{Name: "iscsi", VolumeSource: corev1.VolumeSource{ISCSI: &corev1.ISCSIVolumeSource{TargetPortal: "t"}}},
					{Name: "rbd", VolumeSource: corev1.VolumeSource{RBD: &corev1.RBDVolumeSource{RBDImage: "i"}}},
					{Name: "azure", VolumeSource: corev1.VolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "d"}}},
					{Name: "scaleio", VolumeSource: corev1.VolumeSource{ScaleIO: &corev1.ScaleIOVolumeSource{System: "s"}}},
					{Name: "image", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "quay.io/x/data"}}},
					{Name: "image2", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "quay.io/x/data:v2"}}},
					{Name: "eph", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
						Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": q("1.0001Mi")}}}}}}},
				}
			},
			want: func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{
					{Name: "none", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/", Type: ptr.To(corev1.HostPathUnset)}}},
					{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", DefaultMode: ptr.To[int32](0o644)}}},
					{Name: "cm", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{DefaultMode: ptr.To[int32](0o400)}}},
					{Name: "dapi", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{DefaultMode: ptr.To[int32](0o644),
						Items: []corev1.DownwardAPIVolumeFile{{Path: "l", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels"}}}}}},
					{Name: "proj", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{DefaultMode: ptr.To[int32](0o644), Sources: []corev1.VolumeProjection{
						{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "t", ExpirationSeconds: ptr.To[int64](3600)}},
						{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{Path: "n", FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}}}},
					}}}},
					{Name: "iscsi", VolumeSource: corev1.VolumeSource{ISCSI: &corev1.ISCSIVolumeSource{TargetPortal: "t", ISCSIInterface: "default"}}},
					{Name: "rbd", VolumeSource: corev1.VolumeSource{RBD: &corev1.RBDVolumeSource{RBDImage: "i", RBDPool: "rbd", RadosUser: "admin", Keyring: "/etc/ceph/keyring"}}},
					{Name: "azure", VolumeSource: corev1.VolumeSource{AzureDisk: &corev1.AzureDiskVolumeSource{DiskName: "d",
						CachingMode: ptr.To(corev1.AzureDataDiskCachingReadWrite), FSType: ptr.To("ext4"), ReadOnly: ptr.To(false), Kind: ptr.To(corev1.AzureSharedBlobDisk)}}},
					{Name: "scaleio", VolumeSource: corev1.VolumeSource{ScaleIO: &corev1.ScaleIOVolumeSource{System: "s", StorageMode: "ThinProvisioned", FSType: "xfs"}}},
					{Name: "image", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "quay.io/x/data", PullPolicy: corev1.PullAlways}}},
					{Name: "image2", VolumeSource: corev1.VolumeSource{Image: &corev1.ImageVolumeSource{Reference: "quay.io/x/data:v2", PullPolicy: corev1.PullIfNotPresent}}},
					{Name: "eph", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
						Spec: corev1.PersistentVolumeClaimSpec{VolumeMode: ptr.To(corev1.PersistentVolumeFilesystem),
							Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": q("1048680858m")}}}}}}},
				}
			},
		},
		{
			name: "pod IP fills pod IPs",
			in:   func(p *corev1.Pod) { p.Status.PodIP = "10.0.0.1" },
			want: func(p *corev1.Pod) { p.Status.PodIP, p.Status.PodIPs = "10.0.0.1", []corev1.PodIP{{IP: "10.0.0.1"}} },
		},
		{
			name: "pod IPs fill pod IP",
			in:   func(p *corev1.Pod) { p.Status.PodIPs = []corev1.PodIP{{IP: "10.0.0.1"}, {IP: "fd00::1"}} },
			want: func(p *corev1.Pod) {
				p.Status.PodIP, p.Status.PodIPs = "10.0.0.1", []corev1.PodIP{{IP: "10.0.0.1"}, {IP: "fd00::1"}}
			},
		},
		{
			name: "pod IP wins over mismatching pod IPs",
			in: func(p *corev1.Pod) {
				p.Status.PodIP, p.Status.PodIPs = "10.0.0.2", []corev1.PodIP{{IP: "10.0.0.1"}, {IP: "fd00::1"}}
			},
			want: func(p *corev1.Pod) { p.Status.PodIP, p.Status.PodIPs = "10.0.0.2", []corev1.PodIP{{IP: "10.0.0.2"}} },
		},
		{
			name: "host IPs are left alone",
			in:   func(p *corev1.Pod) { p.Status.HostIP = "10.0.0.2" },
			want: func(p *corev1.Pod) { p.Status.HostIP = "10.0.0.2" },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, want := inPod(), outPod()
			tc.in(got)
			tc.want(want)
			Pod(got)
			if !apiequality.Semantic.DeepEqual(got, want) {
				t.Fatalf("defaulted pod differs (-want +got):\n%s", cmp.Diff(want, got))
			}
			again := got.DeepCopy()
			Pod(again)
			if !apiequality.Semantic.DeepEqual(got, again) {
				t.Errorf("defaulting twice changed the pod (-once +twice):\n%s", cmp.Diff(got, again))
			}
		})
	}
}

func TestPodList(t *testing.T) {
	list := &corev1.PodList{Items: []corev1.Pod{*inPod(), *inPod()}}
	PodList(list)
	for i := range list.Items {
		if !apiequality.Semantic.DeepEqual(&list.Items[i], outPod()) {
			t.Errorf("item %d not defaulted: %s", i, cmp.Diff(outPod(), &list.Items[i]))
		}
	}
}

func hex64() string { return "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }
