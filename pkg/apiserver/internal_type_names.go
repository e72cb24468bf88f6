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
	"mime"
	"net/http"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/endpoints/responsewriter"
)

// internalTypeNames maps the Go types the generic handlers name in a 406 answer (a pod asked for
// as PartialObjectMetadataList, a pod list as PartialObjectMetadata) to the names kube gives: its
// handlers hold internal types there, ours hold the v1 types.
var internalTypeNames = strings.NewReplacer(
	"(*v1.PodList)", "(*core.PodList)",
	"(*v1.NamespaceList)", "(*core.NamespaceList)",
	"(*v1.Namespace)", "(*core.Namespace)",
	"(*v1.Pod)", "(*core.Pod)",
)

// withInternalTypeNames rewrites those answers. Only requests that ask for partial object
// metadata can get them, so every other request passes untouched and unbuffered.
func withInternalTypeNames(handler http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.Contains(strings.Join(req.Header.Values("Accept"), ","), "PartialObjectMetadata") {
			handler.ServeHTTP(w, req)
			return
		}
		rw := &notAcceptableRewriter{ResponseWriter: w}
		handler.ServeHTTP(responsewriter.WrapForHTTP1Or2(rw), req)
		rw.finish()
	})
}

// notAcceptableRewriter holds back a 406 answer until it is complete, then fixes its message.
type notAcceptableRewriter struct {
	http.ResponseWriter
	held bool
	body bytes.Buffer
}

func (w *notAcceptableRewriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *notAcceptableRewriter) WriteHeader(code int) {
	if code == http.StatusNotAcceptable {
		w.held = true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *notAcceptableRewriter) Write(data []byte) (int, error) {
	if w.held {
		return w.body.Write(data)
	}
	return w.ResponseWriter.Write(data)
}

func (w *notAcceptableRewriter) finish() {
	if !w.held {
		return
	}
	body := renameInternalTypes(w.body.Bytes(), w.Header().Get("Content-Type"))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.ResponseWriter.WriteHeader(http.StatusNotAcceptable)
	_, _ = w.ResponseWriter.Write(body)
}

// renameInternalTypes fixes the message of an encoded Status. Text formats are edited in place,
// which keeps their layout (pretty or not); binary ones carry lengths, so they are decoded and
// encoded again.
func renameInternalTypes(body []byte, contentType string) []byte {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return body
	}
	if mediaType == runtime.ContentTypeJSON || mediaType == runtime.ContentTypeYAML {
		return []byte(internalTypeNames.Replace(string(body)))
	}
	info, ok := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), mediaType)
	if !ok {
		return body
	}
	obj, _, err := info.Serializer.Decode(body, nil, &metav1.Status{})
	status, ok := obj.(*metav1.Status)
	if err != nil || !ok {
		return body
	}
	status.Message = internalTypeNames.Replace(status.Message)
	status.APIVersion, status.Kind = "v1", "Status"
	var out bytes.Buffer
	if err := info.Serializer.Encode(status, &out); err != nil {
		return body
	}
	return out.Bytes()
}
