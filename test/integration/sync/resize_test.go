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

package sync

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// testResize: a resize of a running pod through pod-apiserver's pods/resize is carried to the
// host pod in place, through the host's pods/resize.
func testResize(t *testing.T, l *loop) {
	const ns = "resize"
	ensureNamespace(t, l.virtualClient, ns)
	ctx := context.Background()
	pods := l.virtualClient.CoreV1().Pods(ns)
	pod := framework.NewPod("app")
	// Burstable before and after: a resize may not change the QoS class.
	pod.Spec.Containers[0].Resources = corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
	l.create(t, ns, pod)
	pod = l.waitRunning(t, ns, "app")
	before, err := l.hostPod(t, ns, "app")
	if err != nil {
		t.Fatal(err)
	}

	want := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("150m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("300m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
	}
	pod.Spec.Containers[0].Resources = want
	resized, err := pods.UpdateResize(ctx, "app", pod, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("resize through pod-apiserver: %v", err)
	}
	if !apiequality.Semantic.DeepEqual(resized.Spec.Containers[0].Resources, want) {
		t.Fatalf("virtual pod after resize: %+v", resized.Spec.Containers[0].Resources)
	}

	hostName := syncer.HostName(syncer.DefaultOwner, ns, "app")
	eventually(t, 30*time.Second, "resize carried down", func() (bool, string) {
		// Read through the host's resize subresource, which is what the syncer writes.
		h := &corev1.Pod{}
		err := l.hostClient.CoreV1().RESTClient().Get().Namespace(hostNamespace).Resource("pods").Name(hostName).SubResource("resize").Do(ctx).Into(h)
		if err != nil {
			return false, err.Error()
		}
		got := h.Spec.Containers[0].Resources
		return apiequality.Semantic.DeepEqual(got, want), fmt.Sprintf("host resources %+v", got)
	})
	after, err := l.hostPod(t, ns, "app")
	if err != nil {
		t.Fatal(err)
	}
	if after.UID != before.UID {
		t.Errorf("host pod was replaced (uid %s, was %s), not resized in place", after.UID, before.UID)
	}
	if after.Status.QOSClass != corev1.PodQOSBurstable {
		t.Errorf("host pod QoS after resize: %q", after.Status.QOSClass)
	}
	// The stand-in node carries the resize out at once and reports it; the report comes back.
	eventually(t, 30*time.Second, "resized resources reported", func() (bool, string) {
		p, err := pods.Get(ctx, "app", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		s := p.Status.ContainerStatuses
		if len(s) != 1 || s[0].Resources == nil {
			return false, fmt.Sprintf("%+v", s)
		}
		return isRunning(p) && s[0].RestartCount == 0 && apiequality.Semantic.DeepEqual(*s[0].Resources, want) &&
				apiequality.Semantic.DeepEqual(s[0].AllocatedResources, want.Requests) &&
				apiequality.Semantic.DeepEqual(p.Spec.Containers[0].Resources, want),
			fmt.Sprintf("running %v, restarts %d, status resources %+v, allocated %+v", isRunning(p), s[0].RestartCount, *s[0].Resources, s[0].AllocatedResources)
	})
}
