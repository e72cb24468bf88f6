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

package pod

import (
	"context"
	"maps"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/client-go/tools/cache"
)

func samplePod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "web-0",
			Namespace: "prod",
			Labels:    map[string]string{"app": "web"},
		},
		Spec: corev1.PodSpec{
			NodeName:           "node-a",
			RestartPolicy:      corev1.RestartPolicyOnFailure,
			SchedulerName:      "my-scheduler",
			ServiceAccountName: "web-sa",
			HostNetwork:        true,
		},
		Status: corev1.PodStatus{
			Phase:             corev1.PodRunning,
			PodIP:             "10.0.0.7",
			PodIPs:            []corev1.PodIP{{IP: "10.0.0.7"}, {IP: "fd00::7"}},
			NominatedNodeName: "node-b",
		},
	}
}

func TestSelectableFields(t *testing.T) {
	tests := []struct {
		name string
		pod  *corev1.Pod
		want fields.Set
	}{
		{
			name: "fully populated, host network, dual stack",
			pod:  samplePod(),
			want: fields.Set{
				"metadata.name":            "web-0",
				"metadata.namespace":       "prod",
				"spec.nodeName":            "node-a",
				"spec.restartPolicy":       "OnFailure",
				"spec.schedulerName":       "my-scheduler",
				"spec.serviceAccountName":  "web-sa",
				"spec.hostNetwork":         "true",
				"status.phase":             "Running",
				"status.podIP":             "10.0.0.7",
				"status.nominatedNodeName": "node-b",
			},
		},
		{
			name: "first podIPs entry wins even if it is IPv6",
			pod: func() *corev1.Pod {
				p := samplePod()
				p.Status.PodIPs = []corev1.PodIP{{IP: "fd00::9"}, {IP: "10.0.0.9"}}
				return p
			}(),
			want: fields.Set{
				"metadata.name":            "web-0",
				"metadata.namespace":       "prod",
				"spec.nodeName":            "node-a",
				"spec.restartPolicy":       "OnFailure",
				"spec.schedulerName":       "my-scheduler",
				"spec.serviceAccountName":  "web-sa",
				"spec.hostNetwork":         "true",
				"status.phase":             "Running",
				"status.podIP":             "fd00::9",
				"status.nominatedNodeName": "node-b",
			},
		},
		{
			name: "empty pod still exposes every key, hostNetwork false",
			pod:  &corev1.Pod{},
			want: fields.Set{
				"metadata.name":            "",
				"metadata.namespace":       "",
				"spec.nodeName":            "",
				"spec.restartPolicy":       "",
				"spec.schedulerName":       "",
				"spec.serviceAccountName":  "",
				"spec.hostNetwork":         "false",
				"status.phase":             "",
				"status.podIP":             "",
				"status.nominatedNodeName": "",
			},
		},
		{
			name: "singular podIP alone is not selectable",
			pod: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"},
				Status:     corev1.PodStatus{PodIP: "10.1.1.1"},
			},
			want: fields.Set{
				"metadata.name":            "p",
				"metadata.namespace":       "ns",
				"spec.nodeName":            "",
				"spec.restartPolicy":       "",
				"spec.schedulerName":       "",
				"spec.serviceAccountName":  "",
				"spec.hostNetwork":         "false",
				"status.phase":             "",
				"status.podIP":             "",
				"status.nominatedNodeName": "",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SelectableFields(tc.pod)
			if !maps.Equal(got, tc.want) {
				t.Errorf("SelectableFields() =\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

func TestGetAttrs(t *testing.T) {
	pod := samplePod()
	l, f, err := GetAttrs(pod)
	if err != nil {
		t.Fatalf("GetAttrs(pod) error: %v", err)
	}
	if !maps.Equal(l, labels.Set{"app": "web"}) {
		t.Errorf("labels = %v, want app=web", l)
	}
	if !maps.Equal(f, SelectableFields(pod)) {
		t.Errorf("fields = %v, want %v", f, SelectableFields(pod))
	}

	for _, obj := range []runtime.Object{&corev1.Node{}, &corev1.PodList{}} {
		if _, _, err := GetAttrs(obj); err == nil {
			t.Errorf("GetAttrs(%T) returned no error", obj)
		}
	}
}

func TestConvertFieldLabel(t *testing.T) {
	tests := []struct {
		label     string
		wantLabel string
		wantErr   bool
	}{
		{label: "metadata.name", wantLabel: "metadata.name"},
		{label: "metadata.namespace", wantLabel: "metadata.namespace"},
		{label: "spec.nodeName", wantLabel: "spec.nodeName"},
		{label: "spec.restartPolicy", wantLabel: "spec.restartPolicy"},
		{label: "spec.schedulerName", wantLabel: "spec.schedulerName"},
		{label: "spec.serviceAccountName", wantLabel: "spec.serviceAccountName"},
		{label: "spec.hostNetwork", wantLabel: "spec.hostNetwork"},
		{label: "status.phase", wantLabel: "status.phase"},
		{label: "status.podIP", wantLabel: "status.podIP"},
		{label: "status.podIPs", wantLabel: "status.podIPs"},
		{label: "status.nominatedNodeName", wantLabel: "status.nominatedNodeName"},
		{label: "spec.host", wantLabel: "spec.nodeName"},

		{label: "", wantErr: true},
		{label: "metadata.uid", wantErr: true},
		{label: "metadata.labels", wantErr: true},
		{label: "spec.nodename", wantErr: true},
		{label: "spec.hostname", wantErr: true},
		{label: "status.hostIP", wantErr: true},
		{label: "status.qosClass", wantErr: true},
		{label: "spec.host.name", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			gotLabel, gotValue, err := ConvertFieldLabel(tc.label, "v")
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ConvertFieldLabel(%q) = %q, %q; want error", tc.label, gotLabel, gotValue)
				}
				if want := "field label not supported: " + tc.label; err.Error() != want {
					t.Errorf("error = %q, want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ConvertFieldLabel(%q) error: %v", tc.label, err)
			}
			if gotLabel != tc.wantLabel || gotValue != "v" {
				t.Errorf("ConvertFieldLabel(%q) = %q, %q; want %q, %q", tc.label, gotLabel, gotValue, tc.wantLabel, "v")
			}
		})
	}
}

// A selectable field the conversion rejects could never be used, and an
// accepted one that is not selectable would silently match only "".
func TestConvertFieldLabelCoversSelectableFields(t *testing.T) {
	for label := range SelectableFields(samplePod()) {
		got, _, err := ConvertFieldLabel(label, "x")
		if err != nil || got != label {
			t.Errorf("selectable field %q: ConvertFieldLabel = %q, %v", label, got, err)
		}
	}
}

func TestAddFieldLabelConversions(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	podGVK := corev1.SchemeGroupVersion.WithKind("Pod")

	// Without registration the scheme only knows the metadata fields; this
	// guards against the test passing for the wrong reason.
	if _, _, err := scheme.ConvertFieldLabel(podGVK, "spec.nodeName", "n"); err == nil {
		t.Fatal("spec.nodeName accepted before registration")
	}

	if err := AddFieldLabelConversions(scheme); err != nil {
		t.Fatalf("AddFieldLabelConversions: %v", err)
	}

	sel, err := fields.ParseSelector("spec.host=node-a,status.phase!=Failed")
	if err != nil {
		t.Fatal(err)
	}
	sel, err = sel.Transform(func(label, value string) (string, string, error) {
		return scheme.ConvertFieldLabel(podGVK, label, value)
	})
	if err != nil {
		t.Fatalf("Transform: %v", err)
	}
	if v, ok := sel.RequiresExactMatch("spec.nodeName"); !ok || v != "node-a" {
		t.Errorf("spec.host was not rewritten to spec.nodeName: %v", sel)
	}

	bad, err := fields.ParseSelector("spec.unknown=x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Transform(func(label, value string) (string, string, error) {
		return scheme.ConvertFieldLabel(podGVK, label, value)
	}); err == nil || err.Error() != "field label not supported: spec.unknown" {
		t.Errorf("unsupported label error = %v", err)
	}
}

func TestMatchPod(t *testing.T) {
	onA := samplePod()
	onB := samplePod()
	onB.Spec.NodeName = "node-b"
	onB.Spec.HostNetwork = false
	onB.Labels = map[string]string{"app": "db"}

	tests := []struct {
		label, field string
		wantA, wantB bool
	}{
		{wantA: true, wantB: true},
		{field: "spec.nodeName=node-a", wantA: true},
		{field: "spec.nodeName!=node-a", wantB: true},
		{field: "spec.hostNetwork=false", wantB: true},
		{field: "status.podIP=10.0.0.7", wantA: true, wantB: true},
		{field: "status.podIPs=10.0.0.7"},
		{field: "metadata.namespace=prod,metadata.name=web-0", wantA: true, wantB: true},
		{label: "app=db", field: "spec.nodeName=node-b", wantB: true},
		{label: "app=web", field: "spec.nodeName=node-b"},
	}
	for _, tc := range tests {
		t.Run(tc.label+";"+tc.field, func(t *testing.T) {
			ls, err := labels.Parse(tc.label)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := fields.ParseSelector(tc.field)
			if err != nil {
				t.Fatal(err)
			}
			p := MatchPod(ls, fs)
			for _, c := range []struct {
				pod  *corev1.Pod
				want bool
			}{{onA, tc.wantA}, {onB, tc.wantB}} {
				got, err := p.Matches(c.pod)
				if err != nil {
					t.Fatalf("Matches(%s): %v", c.pod.Spec.NodeName, err)
				}
				if got != c.want {
					t.Errorf("Matches(pod on %s) = %v, want %v", c.pod.Spec.NodeName, got, c.want)
				}
			}
		})
	}
}

// The cacher only uses an index when the predicate's MatcherIndex names an
// indexer that exists, so the two must line up.
func TestMatchPodUsesNodeNameIndex(t *testing.T) {
	p := MatchPod(labels.Everything(), fields.OneTermEqualSelector("spec.nodeName", "node-a"))
	if len(p.IndexFields) != 1 || p.IndexFields[0] != "spec.nodeName" {
		t.Fatalf("IndexFields = %v", p.IndexFields)
	}
	got := p.MatcherIndex(context.Background())
	want := []storage.MatchValue{{IndexName: "f:spec.nodeName", Value: "node-a"}}
	if len(got) != 1 || got[0] != want[0] {
		t.Fatalf("MatcherIndex = %v, want %v", got, want)
	}
	if _, ok := (*Indexers())[got[0].IndexName]; !ok {
		t.Errorf("no indexer named %q in %v", got[0].IndexName, *Indexers())
	}

	all := MatchPod(labels.Everything(), fields.Everything())
	if got := all.MatcherIndex(context.Background()); len(got) != 0 {
		t.Errorf("MatcherIndex without a node selector = %v, want none", got)
	}
}

func TestIndexers(t *testing.T) {
	idx := Indexers()
	if len(*idx) != 1 {
		t.Fatalf("Indexers() has %d entries, want 1: %v", len(*idx), *idx)
	}

	store := cache.NewIndexer(cache.MetaNamespaceKeyFunc, *idx)
	pods := []*corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "p1"}, Spec: corev1.PodSpec{NodeName: "node-a"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "b", Name: "p2"}, Spec: corev1.PodSpec{NodeName: "node-a"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "p3"}, Spec: corev1.PodSpec{NodeName: "node-b"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "pending"}},
	}
	for _, p := range pods {
		if err := store.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	for node, want := range map[string]int{"node-a": 2, "node-b": 1, "": 1, "node-c": 0} {
		got, err := store.ByIndex(storage.FieldIndex("spec.nodeName"), node)
		if err != nil {
			t.Fatalf("ByIndex(%q): %v", node, err)
		}
		if len(got) != want {
			t.Errorf("ByIndex(%q) returned %d pods, want %d", node, len(got), want)
		}
	}

	if _, err := NodeNameIndexFunc(&corev1.Node{}); err == nil {
		t.Error("NodeNameIndexFunc(Node) returned no error")
	}
}

func TestNodeNameTriggerFunc(t *testing.T) {
	if got := NodeNameTriggerFunc(samplePod()); got != "node-a" {
		t.Errorf("NodeNameTriggerFunc = %q, want node-a", got)
	}
	if got := NodeNameTriggerFunc(&corev1.Pod{}); got != "" {
		t.Errorf("NodeNameTriggerFunc(unscheduled) = %q, want empty", got)
	}
}
