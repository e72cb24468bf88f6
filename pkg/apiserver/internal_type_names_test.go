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
	"net/http"
	"net/http/httptest"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestWithInternalTypeNames holds the 406 answers to kube's words in every format, and checks
// that other answers and other requests are left alone.
func TestWithInternalTypeNames(t *testing.T) {
	const partialList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
	tests := []struct {
		name      string
		accept    string
		mediaType string
		code      int
		message   string
		want      string
	}{
		{"pod as list, json", partialList, runtime.ContentTypeJSON, http.StatusNotAcceptable,
			"you requested PartialObjectMetadataList, but the requested object is not a list (*v1.Pod)",
			"you requested PartialObjectMetadataList, but the requested object is not a list (*core.Pod)"},
		{"list as object, yaml", "application/yaml;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", runtime.ContentTypeYAML, http.StatusNotAcceptable,
			"you requested PartialObjectMetadata, but the requested object is a list (*v1.PodList)",
			"you requested PartialObjectMetadata, but the requested object is a list (*core.PodList)"},
		{"list as object, protobuf", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", runtime.ContentTypeProtobuf, http.StatusNotAcceptable,
			"you requested PartialObjectMetadata, but the requested object is a list (*v1.PodList)",
			"you requested PartialObjectMetadata, but the requested object is a list (*core.PodList)"},
		{"other codes pass", partialList, runtime.ContentTypeJSON, http.StatusNotFound,
			`pods "(*v1.Pod)" not found`, `pods "(*v1.Pod)" not found`},
		{"other requests pass", runtime.ContentTypeJSON, runtime.ContentTypeJSON, http.StatusNotAcceptable,
			"not a list (*v1.Pod)", "not a list (*v1.Pod)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, ok := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), tt.mediaType)
			if !ok {
				t.Fatalf("no serializer for %s", tt.mediaType)
			}
			status := &metav1.Status{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Status"}, Status: metav1.StatusFailure, Code: int32(tt.code), Message: tt.message}
			var encoded bytes.Buffer
			if err := info.Serializer.Encode(status, &encoded); err != nil {
				t.Fatal(err)
			}
			handler := withInternalTypeNames(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.mediaType)
				w.WriteHeader(tt.code)
				_, _ = w.Write(encoded.Bytes())
			}))
			req := httptest.NewRequest(http.MethodGet, "/api/v1/pods", nil)
			req.Header.Set("Accept", tt.accept)
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code != tt.code {
				t.Fatalf("code %d, want %d", rec.Code, tt.code)
			}
			obj, _, err := info.Serializer.Decode(rec.Body.Bytes(), nil, &metav1.Status{})
			if err != nil {
				t.Fatalf("answer does not decode: %v", err)
			}
			if got := obj.(*metav1.Status).Message; got != tt.want {
				t.Errorf("message %q, want %q", got, tt.want)
			}
		})
	}
}
