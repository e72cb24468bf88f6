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
	"encoding/json"
	"os"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

// basePod is a pod as kube-apiserver stores it after defaulting and admission, so that only the
// checks under test can reject it.
func basePod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p1", Namespace: "ns", UID: "uid-1", ResourceVersion: "5", Generation: 1},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name:                     "c",
				Image:                    "nginx",
				TerminationMessagePath:   "/dev/termination-log",
				TerminationMessagePolicy: corev1.TerminationMessageReadFile,
				ImagePullPolicy:          corev1.PullAlways,
			}},
			RestartPolicy:                 corev1.RestartPolicyAlways,
			TerminationGracePeriodSeconds: ptr.To[int64](30),
			DNSPolicy:                     corev1.DNSClusterFirst,
			SecurityContext:               &corev1.PodSecurityContext{},
			SchedulerName:                 corev1.DefaultSchedulerName,
			Tolerations: []corev1.Toleration{
				{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
				{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
			},
			Priority:           ptr.To[int32](0),
			EnableServiceLinks: ptr.To(true),
			PreemptionPolicy:   ptr.To(corev1.PreemptLowerPriority),
		},
		Status: corev1.PodStatus{Phase: corev1.PodPending, QOSClass: corev1.PodQOSBestEffort},
	}
}

func gatedPod() *corev1.Pod {
	p := basePod()
	p.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "a"}}
	p.Spec.NodeSelector = map[string]string{"x": "1"}
	p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a"}}},
		}}},
	}}
	return p
}

// errKey is what a client sees of an error: its type, field and message body.
type errKey struct{ typ, field, body string }

func keyOf(e *field.Error) errKey { return errKey{string(e.Type), e.Field, e.ErrorBody()} }

// without removes from got one occurrence of each error in others, leaving the errors only the
// checks under test added.
func without(got, others field.ErrorList) []errKey {
	pending := map[errKey]int{}
	for _, e := range others {
		pending[keyOf(e)]++
	}
	var out []errKey
	for _, e := range got {
		k := keyOf(e)
		if pending[k] > 0 {
			pending[k]--
			continue
		}
		out = append(out, k)
	}
	return out
}

func checkErrs(t *testing.T, got []errKey, want field.ErrorList) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n got %q\nwant %v", len(got), len(want), got, want)
	}
	for i := range want {
		if w := keyOf(want[i]); got[i] != w {
			t.Errorf("error %d:\n got %q\nwant %q", i, got[i], w)
		}
	}
}

const forbiddenPrefix = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"

func TestValidatePodUpdate(t *testing.T) {
	specPath := field.NewPath("spec")
	termsPath := specPath.Child("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
	validInit := corev1.Container{Name: "i", Image: "busybox", TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: corev1.TerminationMessageReadFile, ImagePullPolicy: corev1.PullAlways}
	cases := []struct {
		name   string
		old    func() *corev1.Pod
		update func(p *corev1.Pod)
		want   field.ErrorList
	}{
		{name: "unchanged", old: basePod, update: func(p *corev1.Pod) {}},
		{name: "labels and annotations change", old: basePod, update: func(p *corev1.Pod) {
			p.Labels = map[string]string{"a": "b"}
			p.Annotations = map[string]string{"x": "y"}
		}},
		{name: "name changes", old: basePod, update: func(p *corev1.Pod) { p.Name = "p2" },
			want: field.ErrorList{field.Invalid(field.NewPath("metadata", "name"), "p2", "field is immutable")}},
		{name: "standard finalizer", old: basePod, update: func(p *corev1.Pod) { p.Finalizers = []string{"orphan", "example.com/f"} }},
		{name: "unqualified finalizer", old: basePod, update: func(p *corev1.Pod) { p.Finalizers = []string{"foo"} },
			want: field.ErrorList{field.Invalid(field.NewPath("metadata", "finalizers").Index(0), "foo", "name is neither a standard finalizer name nor is it fully qualified")}},

		{name: "image changes", old: basePod, update: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "nginx:2" }},
		{name: "image with whitespace", old: basePod, update: func(p *corev1.Pod) { p.Spec.Containers[0].Image = " nginx" },
			want: field.ErrorList{field.Invalid(specPath.Child("containers").Index(0).Child("image"), " nginx", "must not have leading or trailing whitespace")}},
		{name: "container added", old: basePod, update: func(p *corev1.Pod) {
			c := p.Spec.Containers[0]
			c.Name = "d"
			p.Spec.Containers = append(p.Spec.Containers, c)
			p.Spec.RestartPolicy = corev1.RestartPolicyNever // not reported: the count stops the checks
		}, want: field.ErrorList{field.Forbidden(specPath.Child("containers"), "pod updates may not add or remove containers")}},
		{name: "init container added", old: basePod, update: func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{validInit}
		}, want: field.ErrorList{field.Forbidden(specPath.Child("initContainers"), "pod updates may not add or remove containers")}},
		{name: "init image changes", old: func() *corev1.Pod {
			p := basePod()
			p.Spec.InitContainers = []corev1.Container{validInit}
			return p
		}, update: func(p *corev1.Pod) { p.Spec.InitContainers[0].Image = "busybox:2" }},

		{name: "deadline set", old: basePod, update: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To[int64](10) }},
		{name: "deadline lowered", old: withDeadline(10), update: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To[int64](5) }},
		{name: "deadline raised", old: withDeadline(10), update: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To[int64](20) },
			want: field.ErrorList{field.Invalid(specPath.Child("activeDeadlineSeconds"), int64(20), "must be less than or equal to previous value")}},
		{name: "deadline removed", old: withDeadline(10), update: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = nil },
			want: field.ErrorList{field.Invalid(specPath.Child("activeDeadlineSeconds"), (*int64)(nil), "must not update from a positive integer to nil value")}},
		{name: "deadline negative", old: withDeadline(10), update: func(p *corev1.Pod) {
			p.Spec.ActiveDeadlineSeconds = ptr.To[int64](-1)
			p.Spec.Tolerations = nil // not reported: a bad deadline stops the checks
		}, want: field.ErrorList{field.Invalid(specPath.Child("activeDeadlineSeconds"), int64(-1), "must be between 0 and 2147483647, inclusive")}},

		{name: "toleration added", old: basePod, update: func(p *corev1.Pod) {
			p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists})
		}},
		{name: "tolerationSeconds changed", old: basePod, update: func(p *corev1.Pod) { p.Spec.Tolerations[0].TolerationSeconds = ptr.To[int64](5) }},
		{name: "toleration effect changed", old: basePod, update: func(p *corev1.Pod) {
			p.Spec.Tolerations[0].Effect = corev1.TaintEffectNoSchedule
			p.Spec.Tolerations[0].TolerationSeconds = nil
		},
			want: field.ErrorList{field.Forbidden(specPath.Child("tolerations"), "existing toleration can not be modified except its tolerationSeconds")}},
		{name: "toleration removed", old: basePod, update: func(p *corev1.Pod) { p.Spec.Tolerations = p.Spec.Tolerations[1:] },
			want: field.ErrorList{field.Forbidden(specPath.Child("tolerations"), "existing toleration can not be modified except its tolerationSeconds")}},

		{name: "gate removed", old: gatedPod, update: func(p *corev1.Pod) { p.Spec.SchedulingGates = nil }},
		{name: "gate added", old: gatedPod, update: func(p *corev1.Pod) {
			p.Spec.SchedulingGates = append(p.Spec.SchedulingGates, corev1.PodSchedulingGate{Name: "b"})
		}, want: field.ErrorList{field.Forbidden(specPath.Child("schedulingGates").Index(1).Child("name"), "only deletion is allowed, but found new scheduling gate 'b'")}},
		{name: "gate swapped", old: gatedPod, update: func(p *corev1.Pod) { p.Spec.SchedulingGates = []corev1.PodSchedulingGate{{Name: "c"}} },
			want: field.ErrorList{field.Forbidden(specPath.Child("schedulingGates").Index(0).Child("name"), "only deletion is allowed, but found new scheduling gate 'c'")}},

		{name: "grace period from negative to 1", old: withGrace(-5), update: func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](1) }},
		{name: "grace period from 30 to 1", old: basePod, update: func(p *corev1.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](1) },
			want: field.ErrorList{field.Forbidden(specPath, forbiddenPrefix+`@@ -10,7 +10,7 @@
   }
  ],
  "restartPolicy": "Always",
- "terminationGracePeriodSeconds": 30,
+ "terminationGracePeriodSeconds": 1,
  "dnsPolicy": "ClusterFirst",
  "securityContext": {},
  "schedulerName": "default-scheduler",
`)}},
		{name: "nodeSelector added on a scheduled-for pod", old: basePod, update: func(p *corev1.Pod) { p.Spec.NodeSelector = map[string]string{"a": "b"} },
			want: field.ErrorList{field.Forbidden(specPath, forbiddenPrefix+`@@ -12,6 +12,9 @@
  "restartPolicy": "Always",
  "terminationGracePeriodSeconds": 30,
  "dnsPolicy": "ClusterFirst",
+ "nodeSelector": {
+  "a": "b"
+ },
  "securityContext": {},
  "schedulerName": "default-scheduler",
  "tolerations": [
`)}},

		{name: "gated: nodeSelector added to", old: gatedPod, update: func(p *corev1.Pod) { p.Spec.NodeSelector["y"] = "2" }},
		{name: "gated: nodeSelector changed", old: gatedPod, update: func(p *corev1.Pod) { p.Spec.NodeSelector = map[string]string{"x": "2", "y": "3"} },
			want: field.ErrorList{field.Invalid(specPath.Child("nodeSelector"), map[string]string{"x": "2", "y": "3"}, "only additions to spec.nodeSelector are allowed (no mutations or deletions)")}},
		{name: "gated: expression appended", old: gatedPod, update: func(p *corev1.Pod) {
			t := &p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0]
			t.MatchExpressions = append(t.MatchExpressions, corev1.NodeSelectorRequirement{Key: "k", Operator: corev1.NodeSelectorOpExists})
			t.MatchFields = []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"n"}}}
		}},
		{name: "gated: preferred terms and pod affinity untouched", old: gatedPod, update: func(p *corev1.Pod) {
			p.Spec.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution = []corev1.PreferredSchedulingTerm{{
				Weight: 1, Preference: corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "k", Operator: corev1.NodeSelectorOpExists}}},
			}}
		}},
		{name: "gated: expression changed", old: gatedPod, update: func(p *corev1.Pod) {
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values = []string{"b"}
		}, want: field.ErrorList{field.Invalid(termsPath.Index(0), json.RawMessage(`{"matchExpressions":[{"key":"zone","operator":"In","values":["b"]}]}`), "only additions are allowed (no mutations or deletions)")}},
		{name: "gated: term added", old: gatedPod, update: func(p *corev1.Pod) {
			n := p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
			n.NodeSelectorTerms = append(n.NodeSelectorTerms, corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"n"}}}})
		}, want: field.ErrorList{field.Invalid(termsPath, json.RawMessage(`[{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]},{"matchFields":[{"key":"metadata.name","operator":"In","values":["n"]}]}]`), "no additions/deletions to non-empty NodeSelectorTerms list are allowed")}},
		{name: "gated: required affinity set where there was none", old: func() *corev1.Pod {
			p := gatedPod()
			p.Spec.Affinity = nil
			return p
		}, update: func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "k", Operator: corev1.NodeSelectorOpExists}}}},
			}}}
		}},
		{name: "gated: required affinity removed", old: gatedPod, update: func(p *corev1.Pod) { p.Spec.Affinity = nil },
			want: field.ErrorList{field.Invalid(termsPath, json.RawMessage(`null`), "no additions/deletions to non-empty NodeSelectorTerms list are allowed")}},

		{name: "AppArmor annotation added", old: basePod, update: func(p *corev1.Pod) {
			p.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}
		}, want: field.ErrorList{field.Forbidden(field.NewPath("metadata", "annotations").Key("container.apparmor.security.beta.kubernetes.io/c"), "may not add AppArmor annotations")}},
		{name: "AppArmor annotation removed", old: func() *corev1.Pod {
			p := basePod()
			p.Annotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}}
			return p
		}, update: func(p *corev1.Pod) { p.Annotations = nil },
			want: field.ErrorList{field.Forbidden(field.NewPath("metadata", "annotations").Key("container.apparmor.security.beta.kubernetes.io/c"), "may not remove or update AppArmor annotations")}},
		{name: "mirror annotation changed", old: func() *corev1.Pod {
			p := basePod()
			p.Spec.NodeName = "node1"
			p.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "a"}
			return p
		}, update: func(p *corev1.Pod) { p.Annotations[corev1.MirrorPodAnnotationKey] = "b" },
			want: field.ErrorList{field.Forbidden(field.NewPath("metadata", "annotations").Key(corev1.MirrorPodAnnotationKey), "may not remove or update mirror pod annotation")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := tc.old()
			newPod := oldPod.DeepCopy()
			tc.update(newPod)
			opts := OptionsFor(newPod, oldPod)
			got := ValidatePodUpdate(newPod, oldPod, opts)
			others := validatePodMetadataAndSpec(newPod, opts)
			checkErrs(t, without(got, others), tc.want)
		})
	}
}

func withDeadline(d int64) func() *corev1.Pod {
	return func() *corev1.Pod {
		p := basePod()
		p.Spec.ActiveDeadlineSeconds = &d
		return p
	}
}

func withGrace(g int64) func() *corev1.Pod {
	return func() *corev1.Pod {
		p := basePod()
		p.Spec.TerminationGracePeriodSeconds = &g
		return p
	}
}

// TestValidatePodUpdateDiffNamesTheChanges replays an update that kube-apiserver v1.37.2 rejected
// (the testdata hold the stored pod and the update). kube's detail diffs its internal structs;
// ours diffs the v1 JSON (see docs/design.md), so the changed values are checked, not the text.
func TestValidatePodUpdateDiffNamesTheChanges(t *testing.T) {
	load := func(name string) *corev1.Pod {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		p := &corev1.Pod{}
		if err := json.Unmarshal(raw, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	oldPod, newPod := load("update-old.json"), load("update-new.json")
	opts := OptionsFor(newPod, oldPod)
	got := without(ValidatePodUpdate(newPod, oldPod, opts), validatePodMetadataAndSpec(newPod, opts))
	if len(got) != 1 || got[0].field != "spec" || got[0].typ != string(field.ErrorTypeForbidden) {
		t.Fatalf("got %q, want one Forbidden error on spec", got)
	}
	body := strings.TrimPrefix(got[0].body, "Forbidden: ")
	if !strings.HasPrefix(body, "pod updates may not change fields other than `spec.containers[*].image`,") {
		t.Errorf("detail does not start as kube's:\n%s", body)
	}
	for _, line := range []string{
		`-    "sizeLimit": "100Mi"`, `+    "sizeLimit": "200Mi"`,
		`-     "value": "1"`, `+     "value": "2"`,
		`- "restartPolicy": "Always",`, `+ "restartPolicy": "OnFailure",`,
		`-  "disk": "ssd"`, `+  "disk": "hdd"`,
	} {
		if !strings.Contains(body, "\n"+line+"\n") {
			t.Errorf("diff lacks the line %q:\n%s", line, body)
		}
	}
}

func TestValidateOnlyRemovedSchedulingGates(t *testing.T) {
	path := field.NewPath("spec", "schedulingGates")
	gates := func(names ...string) []corev1.PodSchedulingGate {
		var out []corev1.PodSchedulingGate
		for _, n := range names {
			out = append(out, corev1.PodSchedulingGate{Name: n})
		}
		return out
	}
	cases := []struct {
		name     string
		old, new []corev1.PodSchedulingGate
		want     field.ErrorList
	}{
		{"all removed", gates("a", "b"), nil, nil},
		{"one removed", gates("a", "b"), gates("b"), nil},
		{"two added, in list order", gates("a"), gates("x", "a", "y"), field.ErrorList{
			field.Forbidden(path.Index(0).Child("name"), "only deletion is allowed, but found new scheduling gate 'x'"),
			field.Forbidden(path.Index(2).Child("name"), "only deletion is allowed, but found new scheduling gate 'y'"),
		}},
		{"repeated new gate reported at its last index", nil, gates("x", "x"), field.ErrorList{
			field.Forbidden(path.Index(1).Child("name"), "only deletion is allowed, but found new scheduling gate 'x'"),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := validateOnlyRemovedSchedulingGates(tc.new, tc.old, path)
			checkErrs(t, without(got, nil), tc.want)
		})
	}
}
