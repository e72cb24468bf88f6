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
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func keysOf(errs field.ErrorList) []errKey {
	var out []errKey
	for _, e := range errs {
		out = append(out, keyOf(e))
	}
	return out
}

func debugContainer(name string) corev1.EphemeralContainer {
	return corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
		Name:                     name,
		Image:                    "busybox",
		TerminationMessagePath:   "/dev/termination-log",
		TerminationMessagePolicy: corev1.TerminationMessageReadFile,
		ImagePullPolicy:          corev1.PullAlways,
	}}
}

func withEphemeral(names ...string) func() *corev1.Pod {
	return func() *corev1.Pod {
		p := basePod()
		for _, n := range names {
			p.Spec.EphemeralContainers = append(p.Spec.EphemeralContainers, debugContainer(n))
		}
		return p
	}
}

func TestValidatePodEphemeralContainersUpdate(t *testing.T) {
	ecPath := field.NewPath("spec", "ephemeralContainers")
	cases := []struct {
		name   string
		old    func() *corev1.Pod
		update func(p *corev1.Pod)
		want   field.ErrorList
	}{
		{name: "unchanged", old: basePod, update: func(p *corev1.Pod) {}},
		{name: "first added", old: basePod, update: func(p *corev1.Pod) {
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{debugContainer("debug")}
			p.Spec.EphemeralContainers[0].TargetContainerName = "c"
		}},
		{name: "another added", old: withEphemeral("a"), update: func(p *corev1.Pod) {
			p.Spec.EphemeralContainers = append(p.Spec.EphemeralContainers, debugContainer("b"))
		}},
		{name: "reordered: matched by name", old: withEphemeral("a", "b"), update: func(p *corev1.Pod) {
			ec := p.Spec.EphemeralContainers
			ec[0], ec[1] = ec[1], ec[0]
		}},
		{name: "removed", old: withEphemeral("a", "b"), update: func(p *corev1.Pod) { p.Spec.EphemeralContainers = nil },
			want: field.ErrorList{
				field.Forbidden(ecPath, "existing ephemeral containers \"a\" may not be removed\n"),
				field.Forbidden(ecPath, "existing ephemeral containers \"b\" may not be removed\n"),
			}},
		{name: "changed: a diff of the v1 container", old: withEphemeral("a"), update: func(p *corev1.Pod) {
			p.Spec.EphemeralContainers[0].Image = "busybox:2"
		}, want: field.ErrorList{field.Forbidden(ecPath, "existing ephemeral containers \"a\" may not be changed\n"+
			"@@ -1,6 +1,6 @@\n {\n  \"name\": \"a\",\n- \"image\": \"busybox\",\n+ \"image\": \"busybox:2\",\n  \"resources\": {},\n  \"terminationMessagePath\": \"/dev/termination-log\",\n  \"terminationMessagePolicy\": \"File\",\n")}},
		{name: "changed target", old: withEphemeral("a"), update: func(p *corev1.Pod) {
			p.Spec.EphemeralContainers[0].TargetContainerName = "c"
		}, want: field.ErrorList{field.Forbidden(ecPath, "existing ephemeral containers \"a\" may not be changed\n"+
			"@@ -4,5 +4,6 @@\n  \"resources\": {},\n  \"terminationMessagePath\": \"/dev/termination-log\",\n  \"terminationMessagePolicy\": \"File\",\n- \"imagePullPolicy\": \"Always\"\n+ \"imagePullPolicy\": \"Always\",\n+ \"targetContainerName\": \"c\"\n }\n")}},
		{name: "new container invalid", old: basePod, update: func(p *corev1.Pod) {
			ec := debugContainer("c")
			ec.Ports = []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}}
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{ec}
		}, want: field.ErrorList{
			field.Duplicate(ecPath.Index(0).Child("name"), "c"),
			field.Forbidden(ecPath.Index(0).Child("ports"), "cannot be set for an Ephemeral Container"),
		}},
		{name: "name changed", old: basePod, update: func(p *corev1.Pod) { p.Name = "other" },
			want: field.ErrorList{field.Invalid(field.NewPath("metadata", "name"), "other", "field is immutable")}},
		{name: "mirror annotation added", old: basePod, update: func(p *corev1.Pod) {
			p.Spec.NodeName = "n1"
			p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"}
		}, want: field.ErrorList{
			// The new spec is a different pod here; only the annotation check names this fault.
			field.Forbidden(field.NewPath("metadata", "annotations").Key(corev1.MirrorPodAnnotationKey), "may not add mirror pod annotation"),
		}},
		{name: "static pod: its error alone", old: func() *corev1.Pod {
			p := basePod()
			p.Spec.NodeName = "n1"
			p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"}
			return p
		}, update: func(p *corev1.Pod) {
			p.Name = "other"
			p.Spec.EphemeralContainers = []corev1.EphemeralContainer{debugContainer("debug")}
		}, want: field.ErrorList{field.Forbidden(field.NewPath(""), "static pods do not support ephemeral containers")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := tc.old()
			newPod := oldPod.DeepCopy()
			tc.update(newPod)
			checkErrs(t, keysOf(ValidatePodEphemeralContainersUpdate(newPod, oldPod, OptionsFor(newPod, oldPod))), tc.want)
		})
	}
}

func TestStaticPodErrorPathIsKubes(t *testing.T) {
	// kube's clients see the root path of these errors as "[]".
	if got := field.Forbidden(field.NewPath(""), "x").Field; got != "[]" {
		t.Errorf("root path renders as %q", got)
	}
}
