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

package pod_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	registrypod "github.com/pod-apiserver/pod-apiserver/pkg/registry/pod"
)

func debugContainer(name string) corev1.EphemeralContainer {
	return corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
		Name: name, Image: "busybox", ImagePullPolicy: corev1.PullAlways,
		TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: corev1.TerminationMessageReadFile,
	}}
}

func TestEphemeralContainersPrepareForUpdate(t *testing.T) {
	now := metav1.Now()
	cases := []struct {
		name string
		// mutate changes the written pod; want changes the stored pod into the expected result.
		mutate func(n *corev1.Pod)
		want   func(w *corev1.Pod)
	}{
		{name: "nothing changed keeps the generation", mutate: func(n *corev1.Pod) {}, want: func(w *corev1.Pod) {}},
		{name: "an added container bumps the generation",
			mutate: func(n *corev1.Pod) { n.Spec.EphemeralContainers = []corev1.EphemeralContainer{debugContainer("debug")} },
			want: func(w *corev1.Pod) {
				w.Spec.EphemeralContainers = []corev1.EphemeralContainer{debugContainer("debug")}
				w.Generation = 2
			}},
		{name: "everything else is ignored",
			mutate: func(n *corev1.Pod) {
				n.Labels = map[string]string{"x": "y"}
				n.Annotations = map[string]string{"a": "b"}
				n.Finalizers = []string{"example.com/f"}
				n.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "n", UID: "u"}}
				n.DeletionTimestamp = &now
				n.Generation = 9
				n.Spec.Containers[0].Image = "busybox:9"
				n.Spec.NodeName = "n1"
				n.Status.Phase = corev1.PodRunning
			},
			want: func(w *corev1.Pod) {}},
		{name: "disabled fields of new containers are dropped",
			mutate: func(n *corev1.Pod) {
				ec := debugContainer("debug")
				ec.Lifecycle = &corev1.Lifecycle{StopSignal: ptr.To(corev1.SIGTERM)}
				n.Spec.EphemeralContainers = []corev1.EphemeralContainer{ec}
			},
			want: func(w *corev1.Pod) {
				w.Spec.EphemeralContainers = []corev1.EphemeralContainer{debugContainer("debug")}
				w.Generation = 2
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldPod := created(t)
			newPod := oldPod.DeepCopy()
			tc.mutate(newPod)
			want := oldPod.DeepCopy()
			tc.want(want)
			registrypod.EphemeralContainersStrategy(apiserver.Scheme).PrepareForUpdate(context.Background(), newPod, oldPod)
			if diff := cmp.Diff(want, newPod); diff != "" {
				t.Errorf("prepared pod (-want +got):\n%s", diff)
			}
		})
	}
}

// The subresources must not offer server-side apply reset fields: kube-apiserver v1.37 does not,
// so apply through them records ownership of whatever the request names.
func TestSubresourcesOfferNoResetFields(t *testing.T) {
	storage := newStorage(t)
	for name, r := range map[string]rest.Storage{"ephemeralcontainers": storage.EphemeralContainers, "resize": storage.Resize} {
		if _, ok := r.(rest.ResetFieldsStrategy); ok {
			t.Errorf("%s offers reset fields", name)
		}
		if _, ok := r.(rest.Patcher); !ok {
			t.Errorf("%s cannot be patched", name)
		}
	}
}
