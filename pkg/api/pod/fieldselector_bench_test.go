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
