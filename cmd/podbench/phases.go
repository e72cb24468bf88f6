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

package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/pod-apiserver/pod-apiserver/test/typicalpod"
)

var allPhases = []string{
	"create", "get", "status", "patch",
	"list-rv0", "list-consistent", "list-paged", "list-node", "list-label",
	"watch", "delete",
}

// extraPhases run only when asked for: list-all lists the pods of every namespace, what
// `kubectl get pods -A` and a cluster-wide informer's relist do, so it measures whatever the
// server holds rather than the suite's pods.
var extraPhases = []string{"list-all"}

const (
	benchLabel = "podbench"
)

type bench struct {
	cfg    config
	client kubernetes.Interface

	mu   sync.Mutex
	pods []*corev1.Pod
}

func (b *bench) phase(name string) (func(context.Context) (phaseResult, error), bool) {
	switch name {
	case "create":
		return b.create, true
	case "get":
		return b.get, true
	case "status":
		return b.status, true
	case "patch":
		return b.patch, true
	case "list-rv0":
		return b.list(metav1.ListOptions{ResourceVersion: "0"}), true
	case "list-consistent":
		return b.list(metav1.ListOptions{}), true
	case "list-paged":
		return b.list(metav1.ListOptions{Limit: 500}), true
	case "list-node":
		return b.list(metav1.ListOptions{FieldSelector: "spec.nodeName=node-3"}), true
	case "list-label":
		return b.list(metav1.ListOptions{LabelSelector: "group=g3"}), true
	case "list-all":
		return b.listIn(metav1.NamespaceAll, metav1.ListOptions{}), true
	case "watch":
		return b.watchFanOut, true
	case "delete":
		return b.delete, true
	}
	return nil, false
}

// prepare creates the namespace on servers that serve namespaces and, before creating, clears
// pods a previous run left behind.
func (b *bench) prepare(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: b.cfg.namespace}}
	if _, err := b.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil &&
		!apierrors.IsAlreadyExists(err) && !apierrors.IsNotFound(err) {
		return fmt.Errorf("creating namespace: %w", err)
	}
	// A run that creates starts from no pods; one that only reads measures what is there.
	if strings.Contains(","+b.cfg.phases+",", ",create,") {
		b.cleanup(ctx)
	}
	b.pods = make([]*corev1.Pod, b.cfg.pods)
	return nil
}

func (b *bench) cleanup(ctx context.Context) {
	zero := int64(0)
	_ = b.client.CoreV1().Pods(b.cfg.namespace).DeleteCollection(ctx,
		metav1.DeleteOptions{GracePeriodSeconds: &zero}, metav1.ListOptions{LabelSelector: "app=" + benchLabel})
}

// parallel runs op for indexes 0..n-1 on the configured number of workers, timing each call.
func (b *bench) parallel(ctx context.Context, name string, n int, op func(ctx context.Context, i int) error) (phaseResult, error) {
	r := &recorder{}
	stop := progress(ctx, name, n, r)
	defer stop()
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range max(1, b.cfg.workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := time.Now()
				err := op(ctx, i)
				r.observe(time.Since(t), err)
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return r.result(time.Since(start)), ctx.Err()
}

func (b *bench) store(i int, pod *corev1.Pod) {
	b.mu.Lock()
	b.pods[i] = pod
	b.mu.Unlock()
}

func (b *bench) load(i int) *corev1.Pod {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pods[i]
}

func (b *bench) create(ctx context.Context) (phaseResult, error) {
	return b.parallel(ctx, "create", b.cfg.pods, func(ctx context.Context, i int) error {
		created, err := b.client.CoreV1().Pods(b.cfg.namespace).Create(ctx, typicalpod.Pod(i), metav1.CreateOptions{})
		if err == nil {
			b.store(i, created)
		}
		return err
	})
}

func (b *bench) get(ctx context.Context) (phaseResult, error) {
	return b.parallel(ctx, "get", b.cfg.pods, func(ctx context.Context, i int) error {
		_, err := b.client.CoreV1().Pods(b.cfg.namespace).Get(ctx, podName(i), metav1.GetOptions{})
		return err
	})
}

// status reports every pod running, as a kubelet does once its containers start.
func (b *bench) status(ctx context.Context) (phaseResult, error) {
	return b.parallel(ctx, "status", b.cfg.pods, func(ctx context.Context, i int) error {
		pod := b.load(i)
		if pod == nil {
			return errors.New("pod was not created")
		}
		pod = pod.DeepCopy()
		typicalpod.SetRunning(pod, i)
		updated, err := b.client.CoreV1().Pods(b.cfg.namespace).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
		if err == nil {
			b.store(i, updated)
		}
		return err
	})
}

func (b *bench) patch(ctx context.Context) (phaseResult, error) {
	return b.parallel(ctx, "patch", b.cfg.pods, func(ctx context.Context, i int) error {
		body := []byte(`{"metadata":{"annotations":{"podbench/patched":"` + strconv.Itoa(i) + `"}}}`)
		_, err := b.client.CoreV1().Pods(b.cfg.namespace).Patch(ctx, podName(i), types.StrategicMergePatchType, body, metav1.PatchOptions{})
		return err
	})
}

// list reads the pods listRepeats times, one list after the other, so that each latency is that
// of a list alone on the server.
func (b *bench) list(opts metav1.ListOptions) func(context.Context) (phaseResult, error) {
	return b.listIn(b.cfg.namespace, opts)
}

func (b *bench) listIn(namespace string, opts metav1.ListOptions) func(context.Context) (phaseResult, error) {
	return func(ctx context.Context) (phaseResult, error) {
		r := &recorder{}
		items := 0
		start := time.Now()
		for range b.cfg.listRepeats {
			t := time.Now()
			n, err := b.listAll(ctx, namespace, opts)
			r.observe(time.Since(t), err)
			items = n
			if ctx.Err() != nil {
				break
			}
		}
		res := r.result(time.Since(start))
		res.Items = items
		return res, ctx.Err()
	}
}

func (b *bench) listAll(ctx context.Context, namespace string, opts metav1.ListOptions) (int, error) {
	items := 0
	for {
		list, err := b.client.CoreV1().Pods(namespace).List(ctx, opts)
		if err != nil {
			return items, err
		}
		items += len(list.Items)
		if list.Continue == "" {
			return items, nil
		}
		opts.Continue = list.Continue
	}
}

// watchFanOut opens watchers on a few pods, then updates those pods and measures the time from
// the start of each update until each watcher has seen it.
//
// One fan-out takes a second or two, so a pause of the server's garbage collector or of the
// scheduler decides its p99; the phase runs watchRounds fan-outs and pools their latencies.
func (b *bench) watchFanOut(ctx context.Context) (phaseResult, error) {
	r := &recorder{}
	var elapsed time.Duration
	for round := range max(1, b.cfg.watchRounds) {
		start := time.Now()
		err := b.watchRound(ctx, r, round)
		elapsed += time.Since(start)
		if err != nil {
			return r.result(elapsed), err
		}
	}
	// Throughput here is deliveries per second over all watchers.
	return r.result(elapsed), ctx.Err()
}

func (b *bench) watchRound(ctx context.Context, r *recorder, round int) error {
	pods := max(1, min(b.cfg.workers, b.cfg.watchUpdates))
	podsClient := b.client.CoreV1().Pods(b.cfg.namespace)
	targets := make([]*corev1.Pod, pods)
	for i := range targets {
		pod := typicalpod.Pod(b.cfg.pods + i)
		pod.Name = fmt.Sprintf("watched-%d-%d", round, i)
		pod.Labels["watched"] = "true"
		created, err := podsClient.Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		targets[i] = created
	}
	list, err := podsClient.List(ctx, metav1.ListOptions{LabelSelector: "watched=true", Limit: 1})
	if err != nil {
		return err
	}

	var sentMu sync.Mutex
	sent := map[string]time.Time{}
	watchCtx, cancelWatches := context.WithCancel(ctx)
	defer cancelWatches()
	var received sync.WaitGroup
	for range b.cfg.watchers {
		w, err := podsClient.Watch(watchCtx, metav1.ListOptions{LabelSelector: "watched=true", ResourceVersion: list.ResourceVersion})
		if err != nil {
			return err
		}
		received.Add(1)
		go func() {
			defer received.Done()
			defer w.Stop()
			seen := 0
			for seen < b.cfg.watchUpdates {
				select {
				case <-watchCtx.Done():
					for range b.cfg.watchUpdates - seen {
						r.observe(0, errors.New("update not delivered before the deadline"))
					}
					return
				case ev, ok := <-w.ResultChan():
					if !ok {
						for range b.cfg.watchUpdates - seen {
							r.observe(0, errors.New("watch closed early"))
						}
						return
					}
					if ev.Type != watch.Modified {
						continue
					}
					now := time.Now()
					pod := ev.Object.(*corev1.Pod)
					sentMu.Lock()
					at, ok := sent[pod.Annotations["podbench/update"]]
					sentMu.Unlock()
					if ok {
						seen++
						r.observe(now.Sub(at), nil)
					}
				}
			}
		}()
	}

	stop := progress(ctx, "watch", b.cfg.watchUpdates*b.cfg.watchers*max(1, b.cfg.watchRounds), r)
	var writers sync.WaitGroup
	var writeErr error
	var writeErrOnce sync.Once
	for p := range pods {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for u := p; u < b.cfg.watchUpdates; u += pods {
				key := strconv.Itoa(u)
				body := []byte(`{"metadata":{"annotations":{"podbench/update":"` + key + `"}}}`)
				sentMu.Lock()
				sent[key] = time.Now()
				sentMu.Unlock()
				if _, err := podsClient.Patch(ctx, targets[p].Name, types.MergePatchType, body, metav1.PatchOptions{}); err != nil {
					writeErrOnce.Do(func() { writeErr = err })
					return
				}
			}
		}()
	}
	writers.Wait()
	deadline := time.AfterFunc(60*time.Second, cancelWatches)
	received.Wait()
	deadline.Stop()
	stop()
	zero := int64(0)
	for _, t := range targets {
		_ = podsClient.Delete(context.Background(), t.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	}
	return writeErr
}

func (b *bench) delete(ctx context.Context) (phaseResult, error) {
	zero := int64(0)
	return b.parallel(ctx, "delete", b.cfg.pods, func(ctx context.Context, i int) error {
		return b.client.CoreV1().Pods(b.cfg.namespace).Delete(ctx, podName(i), metav1.DeleteOptions{GracePeriodSeconds: &zero})
	})
}

func podName(i int) string { return typicalpod.Name(i) }
