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
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func annotate(kv ...string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Annotations[kv[i]] = kv[i+1]
		}
	}
}

const (
	tolerationsKey    = "scheduler.alpha.kubernetes.io/tolerations"
	deletionCostKey   = "controller.kubernetes.io/pod-deletion-cost"
	seccompPodKey     = "seccomp.security.alpha.kubernetes.io/pod"
	seccompCtrKey     = "container.seccomp.security.alpha.kubernetes.io/c"
	appArmorCtrPrefix = "container.apparmor.security.beta.kubernetes.io/"
)

func annotationCases() []podCase {
	return []podCase{
		{
			name: "valid pod annotations",
			pod: podWith(annotate(
				tolerationsKey, `[{"key":"k","operator":"Exists","effect":"NoSchedule"}]`,
				deletionCostKey, "-2147483648",
				seccompPodKey, "runtime/default",
				seccompCtrKey, "localhost/profiles/c.json",
				appArmorCtrPrefix+"c", "localhost/prof",
			)),
		},
		{
			name: "mirror pod annotation without nodeName",
			pod:  podWith(annotate("kubernetes.io/config.mirror", "hash")),
			want: []wantErr{invalid("metadata.annotations[kubernetes.io/config.mirror]", "must set spec.nodeName if mirror pod annotation is set")},
		},
		{
			name: "mirror pod annotation with nodeName",
			pod: podWith(annotate("kubernetes.io/config.mirror", "hash"), func(p *corev1.Pod) {
				p.Spec.NodeName = "node-1"
			}),
		},
		{
			name: "tolerations annotation not JSON",
			pod:  podWith(annotate(tolerationsKey, "abc")),
			want: []wantErr{invalid("metadata.annotations", "invalid character 'a' looking for beginning of value").
				withBody(`Invalid value: "scheduler.alpha.kubernetes.io/tolerations": invalid character 'a' looking for beginning of value`)},
		},
		{
			name: "tolerations annotation of the wrong JSON type",
			pod:  podWith(annotate(tolerationsKey, `"abc"`)),
			want: []wantErr{invalid("metadata.annotations", "json: cannot unmarshal string into Go value of type []v1.Toleration")},
		},
		{
			name: "tolerations annotation with a field of the wrong type",
			pod:  podWith(annotate(tolerationsKey, `[{"operator":1}]`)),
			want: []wantErr{invalid("metadata.annotations", "json: cannot unmarshal number into Go struct field Toleration.operator of type v1.TolerationOperator")},
		},
		{
			name: "tolerations annotation empty list",
			pod:  podWith(annotate(tolerationsKey, `[]`)),
		},
		{
			name: "pod deletion cost not a canonical int32",
			pod:  podWith(annotate(deletionCostKey, "+5")),
			want: []wantErr{invalid("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "must be a 32bit integer")},
		},
		{
			name: "pod deletion cost with leading zero",
			pod:  podWith(annotate(deletionCostKey, "007")),
			want: []wantErr{invalid("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "must be a 32bit integer")},
		},
		{
			name: "pod deletion cost above int32",
			pod:  podWith(annotate(deletionCostKey, "2147483648")),
			want: []wantErr{invalid("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "must be a 32bit integer")},
		},
		{
			name: "pod deletion cost empty",
			pod:  podWith(annotate(deletionCostKey, "")),
			want: []wantErr{invalid("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "must be a 32bit integer")},
		},
		{
			name: "seccomp annotations with bad values",
			pod: podWith(annotate(
				seccompPodKey, "default",
				seccompCtrKey, "localhost//abs/../x",
				"container.seccomp.security.alpha.kubernetes.io/other", "docker/default",
			)),
			want: []wantErr{
				invalid("metadata.annotations.seccomp.security.alpha.kubernetes.io/pod", "must be a valid seccomp profile"),
				invalid("metadata.annotations.container.seccomp.security.alpha.kubernetes.io/c", "must be a relative path"),
				invalid("metadata.annotations.container.seccomp.security.alpha.kubernetes.io/c", "must not contain '..'"),
			},
		},
		{
			name: "AppArmor annotation for a missing container with a bad profile",
			pod:  podWith(annotate(appArmorCtrPrefix+"ghost", "enforce")),
			want: []wantErr{
				invalid("metadata.annotations[container.apparmor.security.beta.kubernetes.io/ghost]", "container not found").
					withBody(`Invalid value: "ghost": container not found`),
				invalid("metadata.annotations[container.apparmor.security.beta.kubernetes.io/ghost]", `invalid AppArmor profile name: "enforce"`),
			},
		},
		{
			name: "AppArmor annotation for an init container",
			pod: podWith(annotate(appArmorCtrPrefix+"init", "unconfined"), func(p *corev1.Pod) {
				p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox", ImagePullPolicy: corev1.PullIfNotPresent, TerminationMessagePolicy: corev1.TerminationMessageReadFile,
					SecurityContext: &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}}}}
			}),
		},
	}
}

func TestPodSpecificAnnotations(t *testing.T) {
	runCreateCases(t, annotationCases())
}

func TestPodDeletionCostRelaxation(t *testing.T) {
	pod := podWith(annotate(deletionCostKey, "x"))
	if errs := ValidatePodSpecificAnnotations(pod.Annotations, &pod.Spec, nil, PodValidationOptions{AllowInvalidPodDeletionCost: true}); len(errs) != 0 {
		t.Errorf("a stored invalid cost must be allowed to stay, got %v", errs)
	}
}

// On create, an annotation beside a profile field must say the same thing.
func profileAgreementCases() []podCase {
	withCtrSeccomp := func(sp *corev1.SeccompProfile) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{SeccompProfile: sp}
		}
	}
	withCtrAppArmor := func(ap *corev1.AppArmorProfile) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{AppArmorProfile: ap}
		}
	}
	return []podCase{
		{
			name: "seccomp annotations agree with fields",
			pod: podWith(annotate(seccompPodKey, "docker/default", seccompCtrKey, "localhost/a.json"), func(p *corev1.Pod) {
				p.Spec.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
			}, withCtrSeccomp(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("a.json")})),
		},
		{
			name: "pod seccomp annotation disagrees with the field's type",
			pod: podWith(annotate(seccompPodKey, "runtime/default"), func(p *corev1.Pod) {
				p.Spec.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
			}),
			want: []wantErr{forbidden("spec.securityContext.seccompProfile.type", "seccomp type in annotation and field must match")},
		},
		{
			name: "container seccomp annotation names another localhost profile",
			pod: podWith(annotate(seccompCtrKey, "localhost/b.json"),
				withCtrSeccomp(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("a.json")})),
			want: []wantErr{forbidden("spec.containers[0].securityContext.seccompProfile.localhostProfile", "seccomp profile in annotation and field must match")},
		},
		{
			name: "container seccomp annotation unconfined against localhost field",
			pod: podWith(annotate(seccompCtrKey, "unconfined"),
				withCtrSeccomp(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("a.json")})),
			want: []wantErr{forbidden("spec.containers[0].securityContext.seccompProfile.type", "seccomp type in annotation and field must match")},
		},
		{
			name: "container seccomp annotation against a runtime default field",
			pod: podWith(annotate(seccompCtrKey, "unconfined"),
				withCtrSeccomp(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault})),
			want: []wantErr{forbidden("spec.containers[0].securityContext.seccompProfile.type", "seccomp type in annotation and field must match")},
		},
		{
			name: "AppArmor annotation disagrees with the pod-level profile a container inherits",
			pod: podWith(annotate(appArmorCtrPrefix+"c", "runtime/default"), func(p *corev1.Pod) {
				p.Spec.SecurityContext.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
			}),
			want:        []wantErr{forbidden("spec.containers[0].securityContext.appArmorProfile.type", "apparmor type in annotation and field must match")},
			unreachable: "on create kube first copies the annotation into the container's field",
		},
		{
			name: "AppArmor annotation names another localhost profile",
			pod: podWith(annotate(appArmorCtrPrefix+"c", "localhost/b"),
				withCtrAppArmor(&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr.To("a")})),
			want: []wantErr{forbidden("spec.containers[0].securityContext.appArmorProfile.localhostProfile", "apparmor profile in annotation and field must match")},
		},
		{
			name: "AppArmor annotation unconfined against runtime default field",
			pod: podWith(annotate(appArmorCtrPrefix+"c", "unconfined"),
				withCtrAppArmor(&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault})),
			want: []wantErr{forbidden("spec.containers[0].securityContext.appArmorProfile.type", "apparmor type in annotation and field must match")},
		},
		{
			name: "AppArmor annotation runtime default against localhost field",
			pod: podWith(annotate(appArmorCtrPrefix+"c", "runtime/default"),
				withCtrAppArmor(&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr.To("a")})),
			want: []wantErr{forbidden("spec.containers[0].securityContext.appArmorProfile.type", "apparmor type in annotation and field must match")},
		},
		{
			name: "AppArmor agreement is not checked for windows pods",
			pod: podWith(annotate(appArmorCtrPrefix+"c", "runtime/default"), func(p *corev1.Pod) {
				p.Spec.OS = &corev1.PodOS{Name: corev1.Windows}
				p.Spec.SecurityContext.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
			}),
			want: []wantErr{forbidden("spec.securityContext.appArmorProfile", "cannot be set for a windows pod")},
		},
	}
}

func TestProfileAnnotationsAgreeWithFieldsOnCreate(t *testing.T) {
	runCreateCases(t, profileAgreementCases())
}
