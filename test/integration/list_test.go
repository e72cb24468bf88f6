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
	"fmt"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// createPods creates n pods named <prefix>-<i> with 8 concurrent clients.
func createPods(t *testing.T, client kubernetes.Interface, namespace, prefix string, n int, mutate func(int, *corev1.Pod)) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				pod := framework.NewPod(fmt.Sprintf("%s-%04d", prefix, i))
				if mutate != nil {
					mutate(i, pod)
				}
				if _, err := client.CoreV1().Pods(namespace).Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("creating pods: %v", err)
	}
}

func TestPaginationAndSelectors(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ts.CreateNamespaces(t, "paged")
	ctx := context.Background()
	client := ts.Client(t)
	const total = 1200
	createPods(t, client, "paged", "p", total, func(i int, pod *corev1.Pod) {
		pod.Labels["parity"] = []string{"even", "odd"}[i%2]
		if i%10 == 0 {
			pod.Spec.NodeName = "node-a"
		}
		if i%100 == 0 {
			pod.Spec.RestartPolicy = corev1.RestartPolicyNever
		}
	})
	pods := client.CoreV1().Pods("paged")

	t.Run("paged list is one consistent snapshot", func(t *testing.T) {
		first, err := pods.List(ctx, metav1.ListOptions{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Items) != 500 || first.Continue == "" {
			t.Fatalf("first page: %d items, continue %q", len(first.Items), first.Continue)
		}
		if first.RemainingItemCount == nil || *first.RemainingItemCount != total-500 {
			t.Errorf("remainingItemCount = %v, want %d", first.RemainingItemCount, total-500)
		}
		// A pod created after the first page must not appear in later pages of the same list.
		createPods(t, client, "paged", "zz-late", 1, nil)
		seen := map[string]bool{}
		for _, p := range first.Items {
			seen[p.Name] = true
		}
		token := first.Continue
		for token != "" {
			page, err := pods.List(ctx, metav1.ListOptions{Limit: 500, Continue: token})
			if err != nil {
				t.Fatal(err)
			}
			if page.ResourceVersion != first.ResourceVersion {
				t.Errorf("page resourceVersion %s differs from the snapshot's %s", page.ResourceVersion, first.ResourceVersion)
			}
			for _, p := range page.Items {
				if seen[p.Name] {
					t.Errorf("pod %s listed twice", p.Name)
				}
				seen[p.Name] = true
			}
			token = page.Continue
		}
		if len(seen) != total || seen["zz-late-0000"] {
			t.Errorf("pages held %d pods (late pod seen: %v), want exactly the %d of the snapshot", len(seen), seen["zz-late-0000"], total)
		}
	})

	t.Run("label selector", func(t *testing.T) {
		list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "parity=odd"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != total/2 {
			t.Errorf("parity=odd: %d pods, want %d", len(list.Items), total/2)
		}
		list, err = pods.List(ctx, metav1.ListOptions{LabelSelector: "parity in (even),app=demo"})
		if err != nil || len(list.Items) != total/2 {
			t.Errorf("parity in (even): %d pods (%v), want %d", len(list.Items), err, total/2)
		}
	})

	fieldCases := []struct {
		selector string
		want     int
	}{
		{"spec.nodeName=node-a", total / 10},
		{"spec.host=node-a", total / 10},
		{"spec.nodeName!=node-a", total - total/10 + 1},
		{"spec.restartPolicy=Never", total / 100},
		{"metadata.name=p-0007", 1},
		{"metadata.namespace=paged,status.phase=Pending", total + 1},
		{"spec.hostNetwork=false,spec.nodeName=node-a", total / 10},
		{"status.podIP=", total + 1},
		{"status.nominatedNodeName=x", 0},
		{"spec.schedulerName=x,spec.serviceAccountName=", 0},
	}
	for _, tc := range fieldCases {
		t.Run("field selector "+tc.selector, func(t *testing.T) {
			list, err := pods.List(ctx, metav1.ListOptions{FieldSelector: tc.selector})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Items) != tc.want {
				t.Errorf("%s: %d pods, want %d", tc.selector, len(list.Items), tc.want)
			}
		})
	}

	t.Run("all namespaces with a node selector from the watch cache", func(t *testing.T) {
		list, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=node-a", ResourceVersion: "0"})
		if err != nil || len(list.Items) != total/10 {
			t.Errorf("got %d pods (%v), want %d", len(list.Items), err, total/10)
		}
	})

	t.Run("unknown field selector is a 400", func(t *testing.T) {
		_, err := pods.List(ctx, metav1.ListOptions{FieldSelector: "spec.containers=x"})
		if !apierrors.IsBadRequest(err) {
			t.Errorf("got %v, want BadRequest", err)
		}
	})

	t.Run("exact resourceVersion of a past state", func(t *testing.T) {
		before, err := pods.List(ctx, metav1.ListOptions{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		createPods(t, client, "paged", "zz-after", 1, nil)
		list, err := pods.List(ctx, metav1.ListOptions{ResourceVersion: before.ResourceVersion, ResourceVersionMatch: metav1.ResourceVersionMatchExact})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != total+1 {
			t.Errorf("list at rv %s: %d pods, want %d", before.ResourceVersion, len(list.Items), total+1)
		}
	})
}
