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
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

func nextEvent(t *testing.T, w watch.Interface, timeout time.Duration) watch.Event {
	t.Helper()
	select {
	case ev, ok := <-w.ResultChan():
		if !ok {
			t.Fatal("watch closed")
		}
		return ev
	case <-time.After(timeout):
		t.Fatal("no watch event in time")
	}
	return watch.Event{}
}

func TestWatchFromResourceVersionWithBookmarks(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ts.CreateNamespaces(t, "elsewhere")
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")

	first, err := pods.Create(ctx, framework.NewPod("w1"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Create(ctx, framework.NewPod("w2"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Patch(ctx, "w1", types.MergePatchType, []byte(`{"metadata":{"labels":{"step":"2"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}

	// From the first pod's resourceVersion the watch replays everything after it.
	w, err := pods.Watch(ctx, metav1.ListOptions{ResourceVersion: first.ResourceVersion, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if ev := nextEvent(t, w, 10*time.Second); ev.Type != watch.Added || ev.Object.(*corev1.Pod).Name != "w2" {
		t.Errorf("first event %s %s, want ADDED w2", ev.Type, ev.Object.(*corev1.Pod).Name)
	}
	if ev := nextEvent(t, w, 10*time.Second); ev.Type != watch.Modified || ev.Object.(*corev1.Pod).Labels["step"] != "2" {
		t.Errorf("second event %s, want MODIFIED with label step=2", ev.Type)
	}
	if err := pods.Delete(ctx, "w2", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A graceful delete first records deletionTimestamp, then removes the key (grace 0 for an
	// unscheduled pod), so watchers see both steps as with kube-apiserver.
	if ev := nextEvent(t, w, 10*time.Second); ev.Type != watch.Modified || ev.Object.(*corev1.Pod).DeletionTimestamp == nil {
		t.Errorf("event %s, want MODIFIED with deletionTimestamp", ev.Type)
	}
	if ev := nextEvent(t, w, 10*time.Second); ev.Type != watch.Deleted {
		t.Errorf("event %s, want DELETED", ev.Type)
	}

	// The watch cache sends a bookmark about once a minute and shortly before a watch with a
	// deadline ends, but only when the store has moved past the last event the watcher got: a
	// write this watcher does not see (another namespace) moves it.
	bw, err := pods.Watch(ctx, metav1.ListOptions{ResourceVersion: first.ResourceVersion, AllowWatchBookmarks: true, TimeoutSeconds: ptr.To[int64](5)})
	if err != nil {
		t.Fatal(err)
	}
	defer bw.Stop()
	elsewhere, err := ts.Client(t).CoreV1().Pods("elsewhere").Create(ctx, framework.NewPod("unseen"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(30 * time.Second)
	for sawBookmark := false; !sawBookmark; {
		select {
		case ev, ok := <-bw.ResultChan():
			if !ok {
				t.Fatal("watch ended without a bookmark")
			}
			if ev.Type != watch.Bookmark {
				continue
			}
			sawBookmark = true
			if rv := ev.Object.(*corev1.Pod).ResourceVersion; rv != elsewhere.ResourceVersion {
				t.Errorf("bookmark at resourceVersion %q, want %q (the unseen write)", rv, elsewhere.ResourceVersion)
			}
		case <-deadline:
			t.Fatal("no bookmark")
		}
	}
}

func TestWatchTimeoutSecondsEndsTheWatch(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	w, err := ts.Client(t).CoreV1().Pods("default").Watch(context.Background(), metav1.ListOptions{TimeoutSeconds: ptr.To[int64](1)})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	select {
	case _, ok := <-w.ResultChan():
		for ok {
			_, ok = <-w.ResultChan()
		}
	case <-time.After(20 * time.Second):
		t.Fatal("watch with timeoutSeconds=1 still open after 20s")
	}
}

func TestWatchList(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx := context.Background()
	pods := ts.Client(t).CoreV1().Pods("default")
	for _, name := range []string{"a", "b", "c"} {
		if _, err := pods.Create(ctx, framework.NewPod(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := pods.Watch(ctx, metav1.ListOptions{
		SendInitialEvents:    ptr.To(true),
		ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan,
		AllowWatchBookmarks:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	added := map[string]bool{}
	for {
		ev := nextEvent(t, w, 20*time.Second)
		if ev.Type == watch.Added {
			added[ev.Object.(*corev1.Pod).Name] = true
			continue
		}
		if ev.Type != watch.Bookmark {
			t.Fatalf("unexpected %s before the initial-events bookmark", ev.Type)
		}
		pod := ev.Object.(*corev1.Pod)
		if pod.Annotations[metav1.InitialEventsAnnotationKey] != "true" {
			continue
		}
		break
	}
	if len(added) != 3 {
		t.Errorf("initial events named %v, want a, b and c", added)
	}
}

func TestInformerSeesAddsUpdatesAndDeletes(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := ts.Client(t)
	if _, err := client.CoreV1().Pods("default").Create(ctx, framework.NewPod("before"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	factory := informers.NewSharedInformerFactory(client, 0)
	informer := factory.Core().V1().Pods().Informer()
	events := make(chan string, 100)
	_, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj interface{}) { events <- "add " + obj.(*corev1.Pod).Name },
		UpdateFunc: func(_, obj interface{}) {
			events <- "update " + obj.(*corev1.Pod).Name + " " + obj.(*corev1.Pod).Labels["v"]
		},
		DeleteFunc: func(obj interface{}) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			events <- "delete " + obj.(*corev1.Pod).Name
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
		t.Fatal("informer did not sync")
	}
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-events:
			if got != want {
				t.Errorf("event %q, want %q", got, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no event, want %q", want)
		}
	}
	expect("add before")

	pods := client.CoreV1().Pods("default")
	if _, err := pods.Create(ctx, framework.NewPod("after"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("add after")
	if _, err := pods.Patch(ctx, "after", types.MergePatchType, []byte(`{"metadata":{"labels":{"v":"2"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("update after 2")
	if err := pods.Delete(ctx, "after", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	expect("update after 2")
	expect("delete after")
	if n := len(informer.GetStore().List()); n != 1 {
		t.Errorf("informer store holds %d pods, want 1", n)
	}
}
