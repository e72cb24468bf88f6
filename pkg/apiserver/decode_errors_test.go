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
	"testing"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestDecodeOtherKind decodes bodies the way the create handler does, into the hub version, and
// checks the texts kube-apiserver v1.37.2 answers with (after "X in version ... cannot be handled
// as a Y: ").
func TestDecodeOtherKind(t *testing.T) {
	info, ok := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	if !ok {
		t.Fatal("no JSON serializer")
	}
	tests := []struct {
		name    string
		body    string
		into    runtime.Object
		group   string
		wantErr string
	}{
		{name: "pod", body: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}`, into: &corev1.Pod{}},
		{name: "core kind into pod", body: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"p"}}`, into: &corev1.Pod{},
			wantErr: "converting (v1.Service) to (core.Pod): unknown conversion"},
		{name: "pod list into pod", body: `{"apiVersion":"v1","kind":"PodList","items":[]}`, into: &corev1.Pod{},
			wantErr: "converting (v1.PodList) to (core.Pod): unknown conversion"},
		{name: "meta kind into pod", body: `{"apiVersion":"v1","kind":"Status"}`, into: &corev1.Pod{},
			wantErr: "converting (v1.Status) to (core.Pod): unknown conversion"},
		{name: "other group into pod", body: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"p"}}`, into: &corev1.Pod{},
			wantErr: "converting (v1.Deployment) to (core.Pod): unknown conversion"},
		{name: "group client-go lacks", body: `{"apiVersion":"imagepolicy.k8s.io/v1alpha1","kind":"ImageReview"}`, into: &corev1.Pod{},
			wantErr: "converting (v1alpha1.ImageReview) to (core.Pod): unknown conversion"},
		{name: "admission review", body: `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, into: &corev1.Pod{},
			wantErr: "converting (v1.AdmissionReview) to (core.Pod): unknown conversion"},
		{name: "kind kube does not know", body: `{"apiVersion":"v1","kind":"PodStatusResult"}`, into: &corev1.Pod{},
			wantErr: `no kind "PodStatusResult" is registered for version "v1" in scheme "pkg/runtime/scheme.go:111"`},
		{name: "pod into binding", body: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}`, into: &corev1.Binding{},
			wantErr: "converting (v1.Pod) to (core.Binding): unknown conversion"},
		{name: "pod into eviction", body: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}`, into: &policyv1.Eviction{}, group: policyv1.GroupName,
			wantErr: "converting (v1.Pod) to (policy.Eviction): unknown conversion"},
		{name: "v1beta1 eviction still converts", body: `{"apiVersion":"policy/v1beta1","kind":"Eviction","metadata":{"name":"p"}}`, into: &policyv1.Eviction{}, group: policyv1.GroupName},
		{name: "v1beta1 budget into eviction", body: `{"apiVersion":"policy/v1beta1","kind":"PodDisruptionBudget","metadata":{"name":"p"}}`, into: &policyv1.Eviction{}, group: policyv1.GroupName,
			wantErr: "converting (v1beta1.PodDisruptionBudget) to (policy.Eviction): unknown conversion"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			decoder := Codecs.DecoderToVersion(info.Serializer, schema.GroupVersion{Group: tc.group, Version: runtime.APIVersionInternal})
			obj, _, err := decoder.Decode([]byte(tc.body), nil, tc.into)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if obj.(interface{ GetName() string }).GetName() != "p" {
					t.Errorf("decoded %#v", obj)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
		})
	}
}
