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
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
)

// The generic handlers only default what the scheme's decoder defaults; a pod decoded by the
// server's codecs, as a v1 body or as a list, must come out defaulted.
func TestServerSchemeDefaultsDecodedPods(t *testing.T) {
	decoder := apiserver.Codecs.UniversalDecoder(corev1.SchemeGroupVersion)
	cases := map[string]string{
		"pod":  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}`,
		"list": `{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			obj, err := runtime.Decode(decoder, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			var pod *corev1.Pod
			switch o := obj.(type) {
			case *corev1.Pod:
				pod = o
			case *corev1.PodList:
				pod = &o.Items[0]
			default:
				t.Fatalf("decoded %T", obj)
			}
			if pod.Spec.RestartPolicy != corev1.RestartPolicyAlways || pod.Spec.Containers[0].ImagePullPolicy != corev1.PullAlways {
				t.Errorf("not defaulted: restartPolicy %q imagePullPolicy %q", pod.Spec.RestartPolicy, pod.Spec.Containers[0].ImagePullPolicy)
			}
		})
	}
}
