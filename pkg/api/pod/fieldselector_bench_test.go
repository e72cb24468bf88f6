package pod

import (
	"testing"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/pod-apiserver/pod-apiserver/test/typicalpod"
)

// BenchmarkMatchPod is what the watch cache spends per pod and per watcher or list filtering on
// a field selector as a kubelet's (spec.nodeName) and a label selector.
func BenchmarkMatchPod(b *testing.B) {
	pod := typicalpod.Pod(3)
	typicalpod.SetRunning(pod, 3)
	predicate := MatchPod(labels.SelectorFromSet(labels.Set{"group": "g3"}),
		fields.ParseSelectorOrDie("spec.nodeName=node-3,status.phase=Running"))
	b.ReportAllocs()
	for b.Loop() {
		matched, err := predicate.Matches(pod)
		if err != nil || !matched {
			b.Fatalf("matched %v, err %v", matched, err)
		}
	}
}
