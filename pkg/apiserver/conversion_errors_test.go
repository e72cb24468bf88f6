package apiserver

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestDecodeOtherKind holds the errors of bodies of the wrong kind to kube's words, which name
// kube's internal types; bodies of the right kind must still decode.
func TestDecodeOtherKind(t *testing.T) {
	info, ok := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	if !ok {
		t.Fatal("no JSON serializer")
	}
	tests := []struct {
		name    string
		body    string
		into    runtime.Object
		hub     schema.GroupVersion
		wantErr string
	}{
		{"binding as pod", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"x"}}`, &corev1.Pod{}, internalCore,
			"converting (v1.Binding) to (core.Pod): unknown conversion"},
		{"pod as eviction", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}`, &policyv1.Eviction{}, internalPolicy,
			"converting (v1.Pod) to (policy.Eviction): unknown conversion"},
		{"eviction as binding", `{"apiVersion":"policy/v1beta1","kind":"Eviction","metadata":{"name":"x"}}`, &corev1.Binding{}, internalCore,
			"converting (v1beta1.Eviction) to (core.Binding): unknown conversion"},
		{"deployment as pod", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"}}`, &corev1.Pod{}, internalCore,
			"converting (v1.Deployment) to (core.Pod): unknown conversion"},
		{"pdb as eviction", `{"apiVersion":"policy/v1beta1","kind":"PodDisruptionBudget","metadata":{"name":"x"}}`, &policyv1.Eviction{}, internalPolicy,
			"converting (v1beta1.PodDisruptionBudget) to (policy.Eviction): unknown conversion"},
		{"unknown group", `{"apiVersion":"foo/v1","kind":"Job","metadata":{"name":"x"}}`, &corev1.Pod{}, internalCore,
			`no kind "Job" is registered for version "foo/v1" in scheme "pkg/runtime/scheme.go:111"`},
		{"pod", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}`, &corev1.Pod{}, internalCore, ""},
		{"binding", `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"x"}}`, &corev1.Binding{}, internalCore, ""},
		{"eviction v1beta1", `{"apiVersion":"policy/v1beta1","kind":"Eviction","metadata":{"name":"x"}}`, &policyv1.Eviction{}, internalPolicy, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decoder := Codecs.DecoderToVersion(info.Serializer, tt.hub)
			_, _, err := decoder.Decode([]byte(tt.body), nil, tt.into)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
