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

package apiserver

import (
	"bytes"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/test/typicalpod"
)

// The steps every pod write takes in the server, measured one by one and together on the pod
// the load tool writes.

func encodedPod(b *testing.B, mediaType string) []byte {
	b.Helper()
	info, ok := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), mediaType)
	if !ok {
		b.Fatalf("no serializer for %s", mediaType)
	}
	encoder := Codecs.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion)
	var buf bytes.Buffer
	if err := encoder.Encode(typicalpod.Pod(1), &buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchmarkDecode(b *testing.B, mediaType string) {
	data := encodedPod(b, mediaType)
	info, _ := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), mediaType)
	decoder := Codecs.DecoderToVersion(info.Serializer, corev1.SchemeGroupVersion)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := decoder.Decode(data, nil, &corev1.Pod{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeJSON(b *testing.B)     { benchmarkDecode(b, runtime.ContentTypeJSON) }
func BenchmarkDecodeProtobuf(b *testing.B) { benchmarkDecode(b, runtime.ContentTypeProtobuf) }

func benchmarkEncode(b *testing.B, mediaType string) {
	info, _ := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), mediaType)
	encoder := Codecs.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion)
	pod := typicalpod.Pod(1)
	Scheme.Default(pod)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := encoder.Encode(pod, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkEncodeJSON(b *testing.B)     { benchmarkEncode(b, runtime.ContentTypeJSON) }
func BenchmarkEncodeProtobuf(b *testing.B) { benchmarkEncode(b, runtime.ContentTypeProtobuf) }

func BenchmarkDefault(b *testing.B) {
	template := typicalpod.Pod(1)
	b.ReportAllocs()
	for b.Loop() {
		Scheme.Default(template.DeepCopy())
	}
}

func BenchmarkValidateCreate(b *testing.B) {
	pod := typicalpod.Pod(1)
	pod.Namespace = "default"
	Scheme.Default(pod)
	opts := validation.OptionsFor(pod, nil)
	b.ReportAllocs()
	for b.Loop() {
		if errs := validation.ValidatePodCreate(pod, opts); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkStorageRoundTrip is what a create costs the server outside of etcd: the body decoded,
// defaulted and validated, then encoded to protobuf for storage.
func BenchmarkStorageRoundTrip(b *testing.B) {
	data := encodedPod(b, runtime.ContentTypeJSON)
	info, _ := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	decoder := Codecs.DecoderToVersion(info.Serializer, corev1.SchemeGroupVersion)
	storageEncoder := protobuf.NewSerializer(Scheme, Scheme)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		obj, _, err := decoder.Decode(data, nil, &corev1.Pod{})
		if err != nil {
			b.Fatal(err)
		}
		pod := obj.(*corev1.Pod)
		// The namespace comes from the URL in the server.
		pod.Namespace = "default"
		if errs := validation.ValidatePodCreate(pod, validation.OptionsFor(pod, nil)); len(errs) != 0 {
			b.Fatal(errs)
		}
		buf.Reset()
		if err := storageEncoder.Encode(pod, &buf); err != nil {
			b.Fatal(err)
		}
	}
}
