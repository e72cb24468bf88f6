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
