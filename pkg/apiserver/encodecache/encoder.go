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

package encodecache

import (
	"encoding/binary"
	"encoding/json"
	"io"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// protobufPrefix is the magic number the protobuf serializer writes before every object
// (k8s.io/apimachinery/pkg/runtime/serializer/protobuf protoEncodingPrefix).
var protobufPrefix = []byte{0x6b, 0x38, 0x73, 0x00}

// listSerializer writes a PodList from cached item encodings and passes every other object to
// the library's serializer. Its identifier is the library serializer's, as the bytes are the same.
type listSerializer struct {
	runtime.Serializer
	cache  *Cache
	format format
}

var _ runtime.EncoderWithAllocator = &listSerializer{}

func (s *listSerializer) Encode(obj runtime.Object, w io.Writer) error {
	return s.EncodeWithAllocator(obj, w, nil)
}

func (s *listSerializer) EncodeWithAllocator(obj runtime.Object, w io.Writer, memAlloc runtime.MemoryAllocator) error {
	if list, ok := obj.(*corev1.PodList); ok {
		switch s.format {
		case formatProtobuf:
			return s.cache.encodeProtobufList(list, w)
		case formatJSON:
			return s.cache.encodeJSONList(list, w)
		}
	}
	if withAlloc, ok := s.Serializer.(runtime.EncoderWithAllocator); ok && memAlloc != nil {
		return withAlloc.EncodeWithAllocator(obj, w, memAlloc)
	}
	return s.Serializer.Encode(obj, w)
}

// item returns the encoding of pod in format f, from the cache or by encoding it (and keeping it).
func (c *Cache) item(pod *corev1.Pod, f format) ([]byte, error) {
	uid, rv := pod.UID, pod.ResourceVersion
	cacheable := c != nil && uid != "" && rv != ""
	if cacheable {
		if data := c.get(uid, rv, pod.APIVersion, pod.Kind, f); data != nil {
			return data, nil
		}
	}
	var data []byte
	var err error
	switch f {
	case formatProtobuf:
		data, err = pod.Marshal()
	default:
		// What json.Encoder.Encode writes for the item, less its trailing newline, as the
		// library's streaming list encoder writes it.
		data, err = json.Marshal(pod)
	}
	if err != nil {
		return nil, err
	}
	if cacheable {
		c.put(uid, rv, pod.APIVersion, pod.Kind, f, data)
	}
	return data, nil
}

// encodeProtobufList writes what the library's streaming protobuf list encoder writes
// (k8s.io/apimachinery/pkg/runtime/serializer/protobuf streamingEncodeUnknownList): the prefix,
// then a runtime.Unknown whose raw bytes are the ListMeta (field 1) and each item (field 2).
func (c *Cache) encodeProtobufList(list *corev1.PodList, w io.Writer) error {
	items := make([][]byte, len(list.Items))
	listMetaSize := list.ListMeta.Size()
	total := 1 + varintSize(uint64(listMetaSize)) + listMetaSize
	for i := range list.Items {
		data, err := c.item(&list.Items[i], formatProtobuf)
		if err != nil {
			return err
		}
		items[i] = data
		total += 1 + varintSize(uint64(len(data))) + len(data)
	}
	listMeta, err := list.ListMeta.Marshal()
	if err != nil {
		return err
	}
	// The prefix alone first, as the library writes it (see encodeJSONList).
	if _, err := w.Write(protobufPrefix); err != nil {
		return err
	}
	gvk := list.GetObjectKind().GroupVersionKind()
	unk := runtime.Unknown{TypeMeta: runtime.TypeMeta{Kind: gvk.Kind, APIVersion: gvk.GroupVersion().String()}}
	_, err = unk.MarshalToWriter(w, total, func(w io.Writer) (int, error) {
		header := make([]byte, 1+binary.MaxVarintLen64)
		size, err := writeField(w, header, 0xa, listMeta)
		if err != nil {
			return size, err
		}
		for _, data := range items {
			n, err := writeField(w, header, 0x12, data)
			size += n
			if err != nil {
				return size, err
			}
		}
		return size, nil
	})
	return err
}

// writeField writes a length-delimited protobuf field: its tag, its length, its bytes.
func writeField(w io.Writer, header []byte, tag byte, data []byte) (int, error) {
	header[0] = tag
	n := 1 + binary.PutUvarint(header[1:], uint64(len(data)))
	written, err := w.Write(header[:n])
	if err != nil {
		return written, err
	}
	m, err := w.Write(data)
	return written + m, err
}

func varintSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// encodeJSONList writes what the library's streaming JSON list encoder writes
// (k8s.io/apimachinery/pkg/runtime/serializer/json streamEncoder.encodeList).
//
// The first write is the opening brace alone, as the library's: the handlers' response writer
// decides by the size of the first write whether a response is streamed (and so buffered until
// it is large enough to compress) or written whole.
func (c *Cache) encodeJSONList(list *corev1.PodList, w io.Writer) error {
	if _, err := w.Write([]byte{'{'}); err != nil {
		return err
	}
	buf := make([]byte, 0, 256)
	var err error
	if list.Kind != "" {
		if buf, err = appendKeyValue(buf, "kind", list.Kind); err != nil {
			return err
		}
		buf = append(buf, ',')
	}
	if list.APIVersion != "" {
		if buf, err = appendKeyValue(buf, "apiVersion", list.APIVersion); err != nil {
			return err
		}
		buf = append(buf, ',')
	}
	if buf, err = appendKeyValue(buf, "metadata", list.ListMeta); err != nil {
		return err
	}
	buf = append(buf, ',')
	if list.Items == nil {
		buf = append(buf, `"items":null}`+"\n"...)
		_, err := w.Write(buf)
		return err
	}
	buf = append(buf, `"items":[`...)
	if _, err := w.Write(buf); err != nil {
		return err
	}
	comma := []byte{','}
	for i := range list.Items {
		data, err := c.item(&list.Items[i], formatJSON)
		if err != nil {
			return err
		}
		if i > 0 {
			if _, err := w.Write(comma); err != nil {
				return err
			}
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	_, err = w.Write([]byte("]}\n"))
	return err
}

func appendKeyValue(buf []byte, key string, value any) ([]byte, error) {
	k, err := json.Marshal(key)
	if err != nil {
		return buf, err
	}
	v, err := json.Marshal(value)
	if err != nil {
		return buf, err
	}
	buf = append(buf, k...)
	buf = append(buf, ':')
	return append(buf, v...), nil
}
