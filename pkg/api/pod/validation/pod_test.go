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
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

const (
	dnsLabelMsg     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	dnsSubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)

// The messages above are the library's; they are spelled out so that a change in them shows.
func TestFormatMessages(t *testing.T) {
	if got := utilvalidation.IsDNS1123Label("A"); len(got) != 1 || got[0] != dnsLabelMsg {
		t.Errorf("DNS label message changed: %q", got)
	}
	if got := utilvalidation.IsDNS1123Subdomain("A"); len(got) != 1 || got[0] != dnsSubdomainMsg {
		t.Errorf("DNS subdomain message changed: %q", got)
	}
}

func podSpecCases() []podCase {
	return []podCase{
		{
			name: "many scalar fields set validly",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
				p.Spec.DNSPolicy = corev1.DNSDefault
				p.Spec.NodeSelector = map[string]string{"example.com/disk": "ssd"}
				p.Spec.ServiceAccountName = "builder"
				p.Spec.DeprecatedServiceAccount = "builder" //nolint:staticcheck
				p.Spec.NodeName = "node-1.example"
				p.Spec.ActiveDeadlineSeconds = ptr.To[int64](3600)
				p.Spec.Hostname = "web-0"
				p.Spec.Subdomain = "web"
				p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](0)
				p.Finalizers = []string{"kubernetes", "example.com/keep"}
			}),
		},
		{
			name:        "terminationGracePeriodSeconds missing",
			pod:         podWith(func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = nil }),
			unreachable: "defaulted to 30",
			want:        []wantErr{required("spec.terminationGracePeriodSeconds", "")},
		},
		{
			name:        "terminationGracePeriodSeconds negative",
			pod:         podWith(func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](-1) }),
			unreachable: "defaulted to 1",
			want:        []wantErr{invalid("spec.terminationGracePeriodSeconds", "must be greater than or equal to 0")},
		},
		{
			name: "restartPolicy unknown",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.RestartPolicy = "Sometimes" }),
			want: []wantErr{notSupported("spec.restartPolicy", `supported values: "Always", "OnFailure", "Never"`).
				withBody(`Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`)},
		},
		{
			name:        "restartPolicy empty",
			pod:         podWith(func(p *corev1.Pod) { p.Spec.RestartPolicy = "" }),
			unreachable: "defaulted to Always",
			want:        []wantErr{required("spec.restartPolicy", "")},
		},
		{
			name: "dnsPolicy unknown",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.DNSPolicy = "Cluster" }),
			want: []wantErr{notSupported("spec.dnsPolicy", `supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`)},
		},
		{
			name:        "dnsPolicy empty",
			pod:         podWith(func(p *corev1.Pod) { p.Spec.DNSPolicy = "" }),
			unreachable: "defaulted to ClusterFirst",
			want:        []wantErr{required("spec.dnsPolicy", "")},
		},
		{
			name: "nodeSelector key invalid",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.NodeSelector = map[string]string{"bad key": "v"} }),
			want: []wantErr{invalid("spec.nodeSelector", "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")},
		},
		{
			name: "serviceAccountName invalid",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.ServiceAccountName = "Builder"
				p.Spec.DeprecatedServiceAccount = "Builder" //nolint:staticcheck
			}),
			want: []wantErr{invalid("spec.serviceAccountName", dnsSubdomainMsg)},
		},
		{
			name: "deprecated service account alias differs",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.ServiceAccountName = "builder"
				p.Spec.DeprecatedServiceAccount = "other" //nolint:staticcheck
			}),
			want:        []wantErr{invalid("spec.deprecatedServiceAccount", `must be the same as serviceAccountName: "builder"`)},
			unreachable: "defaulting copies serviceAccountName into the alias",
		},
		{
			name: "nodeName invalid",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.NodeName = "Node_1" }),
			want: []wantErr{invalid("spec.nodeName", dnsSubdomainMsg)},
		},
		{
			name: "activeDeadlineSeconds zero",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To[int64](0) }),
			want: []wantErr{invalid("spec.activeDeadlineSeconds", "must be between 1 and 2147483647, inclusive")},
		},
		{
			name: "activeDeadlineSeconds above int32",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To[int64](1 << 31) }),
			want: []wantErr{invalid("spec.activeDeadlineSeconds", "must be between 1 and 2147483647, inclusive")},
		},
		{
			name: "hostname and subdomain not DNS labels",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.Hostname = "web.0"
				p.Spec.Subdomain = "Web"
			}),
			want: []wantErr{invalid("spec.hostname", "must not contain dots"), invalid("spec.subdomain", dnsLabelMsg)},
		},
		{
			name:        "preemptionPolicy unknown",
			pod:         podWith(func(p *corev1.Pod) { p.Spec.PreemptionPolicy = ptr.To[corev1.PreemptionPolicy]("Always") }),
			unreachable: "Priority admission rejects a preemptionPolicy it did not compute",
			want: []wantErr{notSupported("spec.preemptionPolicy", `supported values: "PreemptLowerPriority", "Never"`).
				withBody(`Unsupported value: "Always": supported values: "PreemptLowerPriority", "Never"`)},
		},
		{
			name:        "preemptionPolicy empty",
			pod:         podWith(func(p *corev1.Pod) { p.Spec.PreemptionPolicy = ptr.To[corev1.PreemptionPolicy]("") }),
			unreachable: "Priority admission rejects a preemptionPolicy it did not compute",
			want:        []wantErr{required("spec.preemptionPolicy", "")},
		},
		{
			name: "image with surrounding whitespace",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.Containers[0].Image = " busybox"
				p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "busybox\t", ImagePullPolicy: corev1.PullIfNotPresent, TerminationMessagePolicy: corev1.TerminationMessageReadFile}}
			}),
			want: []wantErr{
				invalid("spec.containers[0].image", "must not have leading or trailing whitespace"),
				invalid("spec.initContainers[0].image", "must not have leading or trailing whitespace"),
			},
		},
		{
			name: "projected service account token without a service account",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{{Name: "token", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
					DefaultMode: ptr.To[int32](0o644),
					Sources: []corev1.VolumeProjection{
						{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}},
						{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr.To[int64](3600)}},
					},
				}}}}
			}),
			want: []wantErr{forbidden("spec.volumes[0].projected.sources[1].serviceAccountToken", "must not be specified when serviceAccountName is not set")},
		},
		{
			name: "projected service account token with a service account",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.ServiceAccountName = "sa"
				p.Spec.DeprecatedServiceAccount = "sa" //nolint:staticcheck
				p.Spec.Volumes = []corev1.Volume{{Name: "token", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
					DefaultMode: ptr.To[int32](0o644),
					Sources:     []corev1.VolumeProjection{{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: ptr.To[int64](3600)}}},
				}}}}
			}),
		},
		{
			name: "ephemeral containers on create",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
					Name: "debug", Image: "busybox", ImagePullPolicy: corev1.PullIfNotPresent, TerminationMessagePolicy: corev1.TerminationMessageReadFile,
				}}}
			}),
			want: []wantErr{forbidden("spec.ephemeralContainers", "cannot be set on create")},
		},
		{
			name: "nodeName with scheduling gates",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.NodeName = "node-1"
				p.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/gate"}}
			}),
			want: []wantErr{forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared")},
		},
		{
			name: "unprefixed finalizer kube does not know",
			pod:  podWith(func(p *corev1.Pod) { p.Finalizers = []string{"orphan", "keep"} }),
			want: []wantErr{invalid("metadata.finalizers[1]", "name is neither a standard finalizer name nor is it fully qualified")},
		},
		{
			name: "fileKeyRef to a missing and to a non-emptyDir volume",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.Volumes = []corev1.Volume{
					{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}, DefaultMode: ptr.To[int32](0o644)}}},
					{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
				}
				p.Spec.Containers[0].Env = []corev1.EnvVar{
					{Name: "A", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "scratch", Path: "env", Key: "A", Optional: ptr.To(false)}}},
					{Name: "B", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "gone", Path: "env", Key: "B", Optional: ptr.To(false)}}},
					{Name: "C", ValueFrom: &corev1.EnvVarSource{FileKeyRef: &corev1.FileKeySelector{VolumeName: "cfg", Path: "env", Key: "C", Optional: ptr.To(false)}}},
				}
			}),
			want: []wantErr{
				notFound("spec.containers[0].env[1].valueFrom.fileKeyRef.volumeName", ""),
				invalid("spec.containers[0].env[2].valueFrom.fileKeyRef.volumeName", "referenced volume must be of type emptyDir"),
			},
		},
	}
}

func TestValidatePodSpecScalars(t *testing.T) {
	runCreateCases(t, podSpecCases())
}

// Priority and runtime classes are looked up by admission before validation in kube, so the
// reference cannot show these; the rules are those of every object name.
func TestClassNames(t *testing.T) {
	runCreateCases(t, []podCase{
		{
			name: "valid class names",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.PriorityClassName = "high.example"
				p.Spec.RuntimeClassName = ptr.To("gvisor")
			}),
		},
		{
			name: "invalid class names",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.PriorityClassName = "High"
				p.Spec.RuntimeClassName = ptr.To("")
			}),
			want: []wantErr{
				invalid("spec.priorityClassName", dnsSubdomainMsg),
				invalid("spec.runtimeClassName", dnsSubdomainMsg),
			},
		},
	})
}

// The update path runs the same metadata and spec checks without the create-only ones.
func TestMetadataAndSpecSkipsCreateOnlyChecks(t *testing.T) {
	pod := podWith(func(p *corev1.Pod) {
		p.Spec.NodeName = "node-1"
		p.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "example.com/gate"}}
		p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](-5)
	})
	expectErrors(t, validatePodMetadataAndSpec(pod, PodValidationOptions{}), []wantErr{
		invalid("spec.terminationGracePeriodSeconds", "must be greater than or equal to 0"),
	})
}

func TestForEachPodContainerOrder(t *testing.T) {
	spec := &corev1.PodSpec{
		Containers:          []corev1.Container{{Name: "c0"}, {Name: "c1"}},
		InitContainers:      []corev1.Container{{Name: "i0"}},
		EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "e0"}}},
	}
	var seen []string
	forEachPodContainer(spec, field.NewPath("spec"), func(c *corev1.Container, p *field.Path) {
		seen = append(seen, c.Name+"@"+p.String())
	})
	want := "i0@spec.initContainers[0] c0@spec.containers[0] c1@spec.containers[1] e0@spec.ephemeralContainers[0]"
	if got := strings.Join(seen, " "); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
