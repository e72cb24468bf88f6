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

package main

import (
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"testing"

	kpgzip "github.com/klauspost/compress/gzip"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/pod-apiserver/pod-apiserver/test/typicalpod"
)

// BenchmarkClientListDecode is the client's share of a LIST's wall time in the load suite:
// client-go receiving the gzipped protobuf list of 10,000 typical running pods, decompressing it
// (Go's transport uses compress/gzip) and decoding it into a PodList with the clientset's codecs.
// It is the same on every server, so it bounds how far a faster server can bring a LIST's p50.
func BenchmarkClientListDecode(b *testing.B) {
	for _, n := range []int{10000, 50000} {
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			wire, size := gzippedPodList(b, n)
			decoder := scheme.Codecs.UniversalDeserializer()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				zr, err := stdgzip.NewReader(bytes.NewReader(wire))
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(zr)
				if err != nil {
					b.Fatal(err)
				}
				list := &corev1.PodList{}
				if _, _, err := decoder.Decode(body, nil, list); err != nil {
					b.Fatal(err)
				}
				if len(list.Items) != n {
					b.Fatalf("%d pods decoded, want %d", len(list.Items), n)
				}
			}
		})
	}
}

// gzippedPodList is a list of n typical running pods as a server sends it: protobuf, gzipped at
// the level kube uses; it returns the compressed bytes and the size before compression.
func gzippedPodList(b *testing.B, n int) ([]byte, int) {
	list := &corev1.PodList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodList"}, ListMeta: metav1.ListMeta{ResourceVersion: "1"}}
	for i := range n {
		pod := typicalpod.Pod(i)
		pod.Namespace, pod.UID, pod.ResourceVersion = "podbench", "00000000-0000-0000-0000-000000000000", "1"
		typicalpod.SetRunning(pod, i)
		list.Items = append(list.Items, *pod)
	}
	info, ok := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), runtime.ContentTypeProtobuf)
	if !ok {
		b.Fatal("no protobuf serializer")
	}
	var body bytes.Buffer
	if err := scheme.Codecs.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion).Encode(list, &body); err != nil {
		b.Fatal(err)
	}
	var wire bytes.Buffer
	zw, _ := kpgzip.NewWriterLevel(&wire, kpgzip.BestSpeed)
	if _, err := zw.Write(body.Bytes()); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return wire.Bytes(), body.Len()
}
