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

package fault

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// countingInformer is a pod informer whose full syncs are counted, whether a LIST or a watch that
// streams the initial state (client-go's WatchListClient): a relist would show as a second.
func countingInformer(client kubernetes.Interface, ns string, lists *atomic.Int32) cache.SharedIndexInformer {
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			lists.Add(1)
			return client.CoreV1().Pods(ns).List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			if opts.SendInitialEvents != nil && *opts.SendInitialEvents {
				lists.Add(1)
			}
			return client.CoreV1().Pods(ns).Watch(ctx, opts)
		},
	}
	return cache.NewSharedIndexInformer(lw, &corev1.Pod{}, 0, cache.Indexers{})
}

// informerMatchesList compares the informer's store with a fresh consistent LIST, names and
// resourceVersions.
func informerMatchesList(ctx context.Context, client kubernetes.Interface, ns string, inf cache.SharedIndexInformer) (bool, string) {
	list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err.Error()
	}
	store := map[string]string{}
	for _, obj := range inf.GetStore().List() {
		p := obj.(*corev1.Pod)
		store[p.Name] = p.ResourceVersion
	}
	if len(store) != len(list.Items) {
		return false, fmt.Sprintf("informer holds %d pods, LIST returns %d", len(store), len(list.Items))
	}
	for _, p := range list.Items {
		if store[p.Name] != p.ResourceVersion {
			return false, fmt.Sprintf("pod %s: informer has resourceVersion %q, LIST %q", p.Name, store[p.Name], p.ResourceVersion)
		}
	}
	return true, ""
}

// TestEtcdKilledUnderWriterAndInformer kills the etcd process under a server that a writer and an
// informer use, for 5 s and then for 30 s, and restarts it on the same data: no acknowledged write
// is lost, and the informer ends equal to a fresh LIST without ever listing again.
func TestEtcdKilledUnderWriterAndInformer(t *testing.T) {
	members := startEtcdCluster(t, 1, "127.0.0.1")
	etcd := members[0]
	ts := framework.Start(t, func(o *server.Options) {
		o.Recommended.Etcd.StorageConfig.Transport.ServerList = []string{etcd.clientURL}
	})
	cfg := *ts.ClientConfig
	cfg.Timeout = 10 * time.Second
	client := mustClient(t, &cfg)
	const ns = "etcdkill"

	var lists atomic.Int32
	inf := countingInformer(client, ns, &lists)
	stop := make(chan struct{})
	defer close(stop)
	go inf.Run(stop)
	waitFor(t, 30*time.Second, "informer sync", inf.HasSynced)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newWriter(t, client, ns, "w")
	wg := w.run(ctx, 1)
	for _, outage := range []time.Duration{5 * time.Second, 30 * time.Second} {
		before := w.ackedCount()
		waitFor(t, time.Minute, "writes before the kill", func() bool { return w.ackedCount() >= before+50 })
		_, failedBefore, _ := w.snapshot()
		etcd.kill()
		killedAt := time.Now()
		// The outage's length is the fault under test: etcd stays down until it has lasted that
		// long, while the writer and the informer keep going against the server.
		waitFor(t, outage+time.Minute, fmt.Sprintf("a %v etcd outage", outage), func() bool { return time.Since(killedAt) >= outage })
		etcd.start(t, clusterString(members))
		restartedAt := time.Now()
		afterRestart := w.ackedCount()
		waitFor(t, 2*time.Minute, "a write after etcd returns", func() bool { return w.ackedCount() > afterRestart })
		recovered := time.Since(restartedAt)
		_, failed, _ := w.snapshot()
		t.Logf("etcd down %v: writes resumed %.2fs after its restart (%.2fs after the kill); %d writes failed", outage, recovered.Seconds(), time.Since(killedAt).Seconds(), failed-failedBefore)
	}
	waitFor(t, time.Minute, "writes after the last restart", func() bool { return w.ackedCount() >= 150 })
	cancel()
	wg.Wait()
	acked, failed, longest := w.snapshot()

	lost := missing(t, client, ns, acked)
	var why string
	_ = wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		var ok bool
		ok, why = informerMatchesList(ctx, client, ns, inf)
		return ok, nil
	})
	t.Logf("etcd killed twice: %d acknowledged writes, %d missing, %d failed, longest gap %.2fs; informer full syncs %d", len(acked), len(lost), failed, longest.Seconds(), lists.Load())
	if len(lost) > 0 {
		t.Errorf("acknowledged writes lost: %v", lost[:min(5, len(lost))])
	}
	if why != "" {
		t.Errorf("informer differs from LIST: %s", why)
	}
	if n := lists.Load(); n != 1 {
		t.Errorf("the informer listed %d times; want 1 (no relist)", n)
	}
}

// TestEtcdLeaderLossUnderTwoReplicas kills the leader of a 3-member etcd while two replicas of
// the server take writes: no acknowledged write is lost, and each replica's gap is printed.
func TestEtcdLeaderLossUnderTwoReplicas(t *testing.T) {
	members := startEtcdCluster(t, 3, "127.0.0.1")
	var endpoints []string
	for _, m := range members {
		endpoints = append(endpoints, m.clientURL)
	}
	etcdClient, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer etcdClient.Close()
	var replicas []*framework.TestServer
	for i := 0; i < 2; i++ {
		replicas = append(replicas, framework.Start(t, func(o *server.Options) {
			o.Recommended.Etcd.StorageConfig.Transport.ServerList = endpoints
		}))
	}
	const ns = "leaderloss"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var writers []*writer
	for i, r := range replicas {
		cfg := *r.ClientConfig
		cfg.Timeout = 10 * time.Second
		w := newWriter(t, mustClient(t, &cfg), ns, fmt.Sprintf("replica%d", i))
		writers = append(writers, w)
	}
	// A create every 10 ms per replica, whatever earlier ones are doing: the gap without any
	// acknowledged write is then the replica's unavailability, not the wait of the requests caught
	// in flight on the dead leader (they time out after 5 s and count as failed).
	var waits []func()
	for _, w := range writers {
		waits = append(waits, w.runOpenLoop(ctx, 10*time.Millisecond, 1000).Wait)
	}
	for _, w := range writers {
		waitFor(t, time.Minute, "writes before the kill", func() bool { return w.ackedCount() >= 50 })
	}

	leader := findLeader(t, etcdClient, members)
	var ackedAtKill []int
	for _, w := range writers {
		ackedAtKill = append(ackedAtKill, w.ackedCount())
	}
	leader.kill()
	t.Logf("killed etcd leader %s", leader.name)
	for i, w := range writers {
		waitFor(t, time.Minute, "writes after the kill", func() bool { return w.ackedCount() >= ackedAtKill[i]+100 })
	}
	cancel()
	for _, wait := range waits {
		wait()
	}

	var all []string
	for i, w := range writers {
		acked, failed, longest := w.snapshot()
		all = append(all, acked...)
		t.Logf("replica %d: %d acknowledged writes, %d failed (first: %v), longest gap without a write %.2fs", i, len(acked), failed, w.firstError(), longest.Seconds())
	}
	for i, r := range replicas {
		lost := missing(t, r.Client(t), ns, all)
		t.Logf("replica %d: %d of %d acknowledged writes missing from its LIST", i, len(lost), len(all))
		if len(lost) > 0 {
			t.Errorf("replica %d lost acknowledged writes: %v", i, lost[:min(5, len(lost))])
		}
	}
}

// findLeader asks the members which of them leads.
func findLeader(t *testing.T, c *clientv3.Client, members []*etcdMember) *etcdMember {
	t.Helper()
	var leader *etcdMember
	waitFor(t, 30*time.Second, "an etcd leader", func() bool {
		for _, m := range members {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			st, err := c.Status(ctx, m.clientURL)
			cancel()
			if err == nil && st.Leader != 0 && st.Leader == st.Header.MemberId {
				leader = m
				return true
			}
		}
		return false
	})
	return leader
}
