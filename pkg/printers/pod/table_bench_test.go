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
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/pod-apiserver/pod-apiserver/test/typicalpod"
)

// BenchmarkConvertListToTable is the cost of `kubectl get pods` on a page of 500 running pods.
func BenchmarkConvertListToTable(b *testing.B) {
	list := &corev1.PodList{}
	for i := range 500 {
		pod := typicalpod.Pod(i)
		typicalpod.SetRunning(pod, i)
		list.Items = append(list.Items, *pod)
	}
	convertor := NewTableConvertor()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := convertor.ConvertToTable(context.Background(), list, nil); err != nil {
			b.Fatal(err)
		}
	}
}
