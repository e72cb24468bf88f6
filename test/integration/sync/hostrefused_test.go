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
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// TestSyncHostRefused: a pod the host's API server refuses (its namespace is terminating, then
// gone) stays Pending with reason HostRefused and the host's own message, and is offered again
// until the cause is removed: once the host namespace exists again it runs. It has a loop of
// its own, as it deletes the host namespace.
func TestSyncHostRefused(t *testing.T) {
	if os.Getenv(HostKubeconfigEnv) != "" {
		t.Skip("deletes the host namespace, which another host cluster may need")
	}
	l := startLoop(t, syncer.Policy{}, func(c *syncer.Config) { c.HostRetry = 200 * time.Millisecond })
	ctx := context.Background()
	namespaces := l.hostClient.CoreV1().Namespaces()

	// A pod with a finalizer keeps the host namespace Terminating once it is deleted.
	holder := framework.NewPod("holder")
	holder.Finalizers = []string{"example.com/hold"}
	if _, err := l.hostClient.CoreV1().Pods(hostNamespace).Create(ctx, holder, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := namespaces.Delete(ctx, hostNamespace, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "host namespace terminating", func() (bool, string) {
		n, err := namespaces.Get(ctx, hostNamespace, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return n.Status.Phase == corev1.NamespaceTerminating, string(n.Status.Phase)
	})

	const ns = "host-refused"
	ensureNamespace(t, l.virtualClient, ns)
	l.create(t, ns, framework.NewPod("app"))
	waitHostRefused(t, l, ns, "app", "unable to create new content in namespace "+hostNamespace+" because it is being terminated")
	if out := l.kubectl(t, "get", "pod", "-n", ns, "app", "--no-headers"); !strings.Contains(out, " "+syncer.ReasonHostRefused+" ") {
		t.Errorf("kubectl get does not show the refusal: %q", out)
	}

	// The holder lets go: the namespace is gone, and the pod is refused for that now.
	if _, err := l.hostClient.CoreV1().Pods(hostNamespace).Patch(ctx, "holder", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "host namespace gone", func() (bool, string) {
		_, err := namespaces.Get(ctx, hostNamespace, metav1.GetOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
	waitHostRefused(t, l, ns, "app", fmt.Sprintf("namespaces %q not found", hostNamespace))

	// The operator makes the namespace again: the pod is offered again and runs.
	ensureNamespace(t, l.hostClient, hostNamespace)
	p := l.waitRunning(t, ns, "app")
	if p.Status.Reason != "" || hasCondition(p, corev1.PodScheduled, corev1.ConditionFalse, syncer.ReasonHostRefused) {
		t.Errorf("a pod that runs still shows the refusal: reason %q, conditions %+v", p.Status.Reason, p.Status.Conditions)
	}
	if pods := l.hostPodsOf(t, ns); len(pods) != 1 {
		t.Errorf("%d host pods for one virtual pod", len(pods))
	}
}

// waitHostRefused waits for the virtual pod to be Pending, not scheduled, with reason HostRefused
// and a message carrying the host's own words.
func waitHostRefused(t *testing.T, l *loop, namespace, name, hostMessage string) {
	t.Helper()
	eventually(t, 30*time.Second, name+" refused by the host: "+hostMessage, func() (bool, string) {
		p, err := l.virtualClient.CoreV1().Pods(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == syncer.ReasonHostRefused &&
				strings.Contains(c.Message, hostMessage) {
				return p.Status.Phase == corev1.PodPending && p.Status.Reason == syncer.ReasonHostRefused && p.Status.Message == c.Message,
					fmt.Sprintf("%s %s %q", p.Status.Phase, p.Status.Reason, p.Status.Message)
			}
		}
		return false, fmt.Sprintf("%s %q, conditions %+v", p.Status.Reason, p.Status.Message, p.Status.Conditions)
	})
}
