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
	"k8s.io/apimachinery/pkg/runtime"
)

// NegotiatedSerializer serves PodLists in protobuf and compact JSON through cache, and
// everything else (pretty JSON, YAML, tables, metadata-only lists, single objects, watch
// events) as the wrapped serializer does. A nil cache returns the wrapped serializer itself.
func NegotiatedSerializer(wrapped runtime.NegotiatedSerializer, cache *Cache) runtime.NegotiatedSerializer {
	if cache == nil {
		return wrapped
	}
	return &negotiatedSerializer{NegotiatedSerializer: wrapped, cache: cache}
}

type negotiatedSerializer struct {
	runtime.NegotiatedSerializer
	cache *Cache
}

func (n *negotiatedSerializer) SupportedMediaTypes() []runtime.SerializerInfo {
	infos := n.NegotiatedSerializer.SupportedMediaTypes()
	out := make([]runtime.SerializerInfo, len(infos))
	for i, info := range infos {
		out[i] = info
		var f format
		switch info.MediaType {
		case runtime.ContentTypeProtobuf:
			f = formatProtobuf
		case runtime.ContentTypeJSON:
			f = formatJSON
		default:
			continue
		}
		if info.Serializer != nil {
			out[i].Serializer = &listSerializer{Serializer: info.Serializer, cache: n.cache, format: f}
		}
	}
	return out
}
