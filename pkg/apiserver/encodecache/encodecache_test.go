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

package encodecache_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver/encodecache"
	"github.com/pod-apiserver/pod-apiserver/test/typicalpod"
)

// libraryCodecs is what the server's API group serves with: the scheme's codecs with the
// library's streaming list encoders (k8s.io/apiserver/pkg/server NewDefaultAPIGroupInfo).
func libraryCodecs() serializer.CodecFactory {
	return serializer.NewCodecFactory(apiserver.Scheme,
		serializer.WithStreamingCollectionEncodingToJSON(),
		serializer.WithStreamingCollectionEncodingToProtobuf())
}

// storedPod is a pod as the watch cache holds it: UID, resourceVersion, managed fields, status.
func storedPod(i int, rv string) corev1.Pod {
	pod := typicalpod.Pod(i)
	pod.Namespace = fmt.Sprintf("ns-%d", i%3)
	pod.UID = types.UID(fmt.Sprintf("uid-%06d", i))
	pod.ResourceVersion = rv
	pod.CreationTimestamp = metav1.Unix(1700000000+int64(i), 0)
	pod.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: "podbench", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1",
		Time: &pod.CreationTimestamp, FieldsType: "FieldsV1",
		FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:metadata":{"f:labels":{}}}`)},
	}}
	typicalpod.SetRunning(pod, i)
	return *pod
}

func encode(t testing.TB, ns runtime.NegotiatedSerializer, mediaType string, obj runtime.Object) []byte {
	t.Helper()
	return encodeTo(t, ns, mediaType, obj, corev1.SchemeGroupVersion)
}

func encodeTo(t testing.TB, ns runtime.NegotiatedSerializer, mediaType string, obj runtime.Object, gv runtime.GroupVersioner) []byte {
	t.Helper()
	info, ok := runtime.SerializerInfoForMediaType(ns.SupportedMediaTypes(), mediaType)
	if !ok {
		t.Fatalf("no serializer for %s", mediaType)
	}
	var buf bytes.Buffer
	encoder := ns.EncoderForVersion(info.Serializer, gv)
	if err := encodeWith(encoder, obj, &buf, &runtime.Allocator{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var mediaTypes = []string{runtime.ContentTypeProtobuf, runtime.ContentTypeJSON, runtime.ContentTypeYAML}

// The lists the cache serves are byte for byte the library's, whether the items are held or
// not, for lists of every shape, and a changed pod is never served from its older encoding.
func TestListBytesMatchLibrary(t *testing.T) {
	library := libraryCodecs()
	cache := encodecache.New(64 << 20)
	cached := encodecache.NegotiatedSerializer(library, cache)

	many := make([]corev1.Pod, 50)
	for i := range many {
		many[i] = storedPod(i, fmt.Sprint(100+i))
	}
	html := storedPod(7, "77")
	html.Annotations = map[string]string{"a": `<b>&"quoted" é ✓ \u2028`}
	typed := storedPod(8, "88")
	typed.TypeMeta = metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"}
	noUID := storedPod(9, "99")
	noUID.UID = ""
	remaining := int64(12)
	lists := map[string]*corev1.PodList{
		"nil items":   {ListMeta: metav1.ListMeta{ResourceVersion: "5"}},
		"empty items": {ListMeta: metav1.ListMeta{ResourceVersion: "5"}, Items: []corev1.Pod{}},
		"many":        {ListMeta: metav1.ListMeta{ResourceVersion: "200"}, Items: many},
		"page": {ListMeta: metav1.ListMeta{ResourceVersion: "200", Continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MjAwfQ", RemainingItemCount: &remaining},
			Items: many[:10]},
		"html, typed, no uid": {ListMeta: metav1.ListMeta{ResourceVersion: "300"}, Items: []corev1.Pod{html, typed, noUID}},
	}
	for name, list := range lists {
		for _, mediaType := range mediaTypes {
			// Twice: the first fills the cache, the second is served from it.
			for round := 0; round < 2; round++ {
				want := encode(t, library, mediaType, list.DeepCopy())
				got := encode(t, cached, mediaType, list.DeepCopy())
				if !bytes.Equal(got, want) {
					t.Errorf("%s, %s, round %d: bytes differ from the library's\n got: %q\nwant: %q", name, mediaType, round, got, want)
				}
			}
		}
	}
	if n, _ := cache.Stats(); n == 0 {
		t.Fatal("nothing was cached: the test did not exercise the cache")
	}

	// The handlers' response writer buffers a response for compression only when its first
	// write is as short as a streaming encoder's; the first write must be the library's.
	for _, mediaType := range mediaTypes {
		for _, list := range lists {
			want, got := firstWrite(t, library, mediaType, list.DeepCopy()), firstWrite(t, cached, mediaType, list.DeepCopy())
			if got != want {
				t.Errorf("%s: first write of %d bytes, the library's is %d", mediaType, got, want)
			}
		}
	}

	// A pod updated (new resourceVersion, new content) is encoded again; a pod whose item type
	// meta differs from the held encoding's is too.
	for _, change := range []func(p *corev1.Pod){
		func(p *corev1.Pod) { p.ResourceVersion = "1000"; p.Labels["changed"] = "yes" },
		func(p *corev1.Pod) { p.TypeMeta = metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"} },
	} {
		list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "1000"}, Items: []corev1.Pod{*many[3].DeepCopy()}}
		change(&list.Items[0])
		for _, mediaType := range mediaTypes {
			want := encode(t, library, mediaType, list.DeepCopy())
			got := encode(t, cached, mediaType, list.DeepCopy())
			if !bytes.Equal(got, want) {
				t.Errorf("changed pod, %s: served stale or different bytes\n got: %q\nwant: %q", mediaType, got, want)
			}
		}
	}
}

// Objects other than pod lists pass through (tables and metadata-only lists are encoded by the
// handlers with the meta codecs, not this serializer; the server test covers them).
func TestOtherObjectsPassThrough(t *testing.T) {
	library := libraryCodecs()
	cached := encodecache.NegotiatedSerializer(library, encodecache.New(1<<20))
	pod := storedPod(1, "10")
	for _, mediaType := range mediaTypes {
		want := encode(t, library, mediaType, pod.DeepCopy())
		got := encode(t, cached, mediaType, pod.DeepCopy())
		if !bytes.Equal(got, want) {
			t.Errorf("pod, %s: bytes differ", mediaType)
		}
	}
}

// The budget bounds what is held; a newer version of a pod replaces the older one.
func TestBudget(t *testing.T) {
	library := libraryCodecs()
	cache := encodecache.New(64 << 10)
	cached := encodecache.NegotiatedSerializer(library, cache)
	list := &corev1.PodList{}
	for i := 0; i < 200; i++ {
		list.Items = append(list.Items, storedPod(i, "1"))
	}
	encode(t, cached, runtime.ContentTypeProtobuf, list)
	encode(t, cached, runtime.ContentTypeJSON, list)
	n, size := cache.Stats()
	if size > 64<<10 || n == 0 || n >= 200 {
		t.Fatalf("held %d entries, %d bytes; want some, within 64 KiB", n, size)
	}

	cache = encodecache.New(64 << 20)
	cached = encodecache.NegotiatedSerializer(library, cache)
	encode(t, cached, runtime.ContentTypeProtobuf, list)
	_, before := cache.Stats()
	for i := range list.Items {
		list.Items[i].ResourceVersion = "2"
	}
	encode(t, cached, runtime.ContentTypeProtobuf, list)
	n, after := cache.Stats()
	if n != 200 || after != before {
		t.Fatalf("after updating every pod: %d entries, %d bytes; want 200 entries, %d bytes (one version per pod)", n, after, before)
	}
	cache.Forget(list.Items[0].UID)
	if n, _ := cache.Stats(); n != 199 {
		t.Fatalf("after Forget: %d entries, want 199", n)
	}
	if _, same := encodecache.NegotiatedSerializer(library, nil).(serializer.CodecFactory); encodecache.New(0) != nil || !same {
		t.Fatal("a zero budget must disable the cache")
	}
}

// BenchmarkListEncode encodes a list of 10,000 stored pods through the library's streaming
// encoder and through the cache (held: every LIST after the first), in the same binary.
func BenchmarkListEncode(b *testing.B) {
	list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "20000"}}
	for i := 0; i < 10000; i++ {
		list.Items = append(list.Items, storedPod(i, fmt.Sprint(10000+i)))
	}
	library := libraryCodecs()
	for _, mediaType := range []string{runtime.ContentTypeProtobuf, runtime.ContentTypeJSON} {
		for _, variant := range []string{"library", "cached"} {
			ns := runtime.NegotiatedSerializer(library)
			if variant == "cached" {
				ns = encodecache.NegotiatedSerializer(library, encodecache.New(1<<30))
			}
			info, _ := runtime.SerializerInfoForMediaType(ns.SupportedMediaTypes(), mediaType)
			encoder := ns.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion)
			b.Run(mediaType+"/"+variant, func(b *testing.B) {
				var n countingWriter
				alloc := &runtime.Allocator{}
				if err := encodeWith(encoder, list, &n, alloc); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := encodeWith(encoder, list, io.Discard, alloc); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// encodeWith encodes as the handlers do: with an allocator when the encoder takes one.
func encodeWith(e runtime.Encoder, obj runtime.Object, w io.Writer, alloc runtime.MemoryAllocator) error {
	if withAlloc, ok := e.(runtime.EncoderWithAllocator); ok {
		return withAlloc.EncodeWithAllocator(obj, w, alloc)
	}
	return e.Encode(obj, w)
}

type firstWriteRecorder struct{ first int }

func (r *firstWriteRecorder) Write(p []byte) (int, error) {
	if r.first < 0 {
		r.first = len(p)
	}
	return len(p), nil
}

func firstWrite(t *testing.T, ns runtime.NegotiatedSerializer, mediaType string, obj runtime.Object) int {
	t.Helper()
	info, _ := runtime.SerializerInfoForMediaType(ns.SupportedMediaTypes(), mediaType)
	r := &firstWriteRecorder{first: -1}
	if err := encodeWith(ns.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion), obj, r, &runtime.Allocator{}); err != nil {
		t.Fatal(err)
	}
	return r.first
}
