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

package integration

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// No Namespaces are served: a validly named namespace is taken to exist, and one no Namespace
// could be named gets kube-apiserver's 404 before the pod is looked at.
func TestCreateInNamespaceThatCannotExist(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	client := ts.Client(t)
	pod := func() *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "p"},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}},
		}
	}
	if _, err := client.CoreV1().Pods("any-team").Create(context.Background(), pod(), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create in a namespace nobody made: %v", err)
	}
	for _, ns := range []string{"Bad_NS", "a.b"} {
		_, err := client.CoreV1().Pods(ns).Create(context.Background(), pod(), metav1.CreateOptions{})
		if !apierrors.IsNotFound(err) || err.Error() != `namespaces "`+ns+`" not found` {
			t.Errorf("create in %q: got %v, want 404 namespaces %q not found", ns, err, ns)
		}
	}
}
