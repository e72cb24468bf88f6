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

package defaults_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"sigs.k8s.io/randfill"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/defaults"
	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
)

// seedPods are the recorded integration-test pods, so the fuzzers start from realistic bodies.
func seedPods(f *testing.F) []*corev1.Pod {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "..", "test", "integration", "testdata", "semantics", "*.request.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed pods: %v", err)
	}
	var pods []*corev1.Pod
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		obj, _, err := apiserver.Codecs.UniversalDeserializer().Decode(body, nil, &corev1.Pod{})
		if err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		pods = append(pods, obj.(*corev1.Pod))
	}
	return pods
}

// defaultAndValidate must never panic, and defaulting must be a fixed point: storage reads
// default every pod again, so a second pass that changed anything would make stored pods drift.
func defaultAndValidate(t *testing.T, pod *corev1.Pod) {
	defaults.Pod(pod)
	once := pod.DeepCopy()
	defaults.Pod(pod)
	if !apiequality.Semantic.DeepEqual(once, pod) {
		t.Fatalf("defaulting again changed the pod (-once +twice):\n%s", cmp.Diff(once, pod))
	}
	_ = validation.ValidatePodCreate(pod, validation.OptionsFor(pod, nil))
}

func FuzzDecodeJSONPod(f *testing.F) {
	for _, pod := range seedPods(f) {
		body, err := runtime.Encode(apiserver.Codecs.LegacyCodec(corev1.SchemeGroupVersion), pod)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"kind":"Pod","apiVersion":"v1","spec":{"containers":[{"resources":{"limits":{"cpu":"1n"}}}],"volumes":[{}]},"status":{"podIPs":[{}]}}`))
	deserializer := apiserver.Codecs.UniversalDeserializer()
	f.Fuzz(func(t *testing.T, body []byte) {
		obj, _, err := deserializer.Decode(body, nil, &corev1.Pod{})
		if err != nil {
			return
		}
		if pod, ok := obj.(*corev1.Pod); ok {
			defaultAndValidate(t, pod)
		}
	})
}

func FuzzDecodeProtobufPod(f *testing.F) {
	serializer := protobuf.NewSerializer(apiserver.Scheme, apiserver.Scheme)
	for _, pod := range seedPods(f) {
		pod.APIVersion, pod.Kind = "v1", "Pod"
		body, err := runtime.Encode(serializer, pod)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		obj, _, err := serializer.Decode(body, nil, &corev1.Pod{})
		if err != nil {
			return
		}
		if pod, ok := obj.(*corev1.Pod); ok {
			defaultAndValidate(t, pod)
		}
	})
}

// FuzzDefaultRandomPod fills whole pods at random from a seed, reaching fields a byte-level
// fuzzer rarely assembles.
func FuzzDefaultRandomPod(f *testing.F) {
	for seed := int64(0); seed < 20; seed++ {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		pod := &corev1.Pod{}
		randfill.NewWithSeed(seed).NilChance(0.5).NumElements(0, 3).MaxDepth(12).Fill(pod)
		defaultAndValidate(t, pod)
	})
}
