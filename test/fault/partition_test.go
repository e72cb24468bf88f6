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
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
)

// netnsLab is a network namespace joined to the host by two veth pairs: one carries etcd traffic,
// the other the test's requests to the server inside, so etcd can be cut off alone.
type netnsLab struct {
	ns                 string
	etcdHost, etcdPeer string // host side and namespace side of the etcd link
	hostIP, nsEtcdIP   string
	serveNsIP          string
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// newNetnsLab needs root and iproute2, as in CI; without them the test is skipped with the reason.
func newNetnsLab(t *testing.T) *netnsLab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("network namespaces need iproute2 (ip)")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	// A /30 per link in 10.x.y.0/24, random so that parallel runs do not meet.
	subnet := fmt.Sprintf("10.%d.%d", 100+int(b[0])%100, b[1])
	lab := &netnsLab{
		ns:        "pfault-" + id,
		etcdHost:  "pf" + id + "e0",
		etcdPeer:  "pf" + id + "e1",
		hostIP:    subnet + ".1",
		nsEtcdIP:  subnet + ".2",
		serveNsIP: subnet + ".6",
	}
	serveHost, servePeer := "pf"+id+"s0", "pf"+id+"s1"
	t.Cleanup(func() {
		_ = ipCmd("netns", "del", lab.ns)
		_ = ipCmd("link", "del", lab.etcdHost)
		_ = ipCmd("link", "del", serveHost)
	})
	steps := [][]string{
		{"netns", "add", lab.ns},
		{"netns", "exec", lab.ns, "ip", "link", "set", "lo", "up"},
		{"link", "add", lab.etcdHost, "type", "veth", "peer", "name", lab.etcdPeer},
		{"link", "set", lab.etcdPeer, "netns", lab.ns},
		{"addr", "add", lab.hostIP + "/30", "dev", lab.etcdHost},
		{"link", "set", lab.etcdHost, "up"},
		{"netns", "exec", lab.ns, "ip", "addr", "add", lab.nsEtcdIP + "/30", "dev", lab.etcdPeer},
		{"netns", "exec", lab.ns, "ip", "link", "set", lab.etcdPeer, "up"},
		{"link", "add", serveHost, "type", "veth", "peer", "name", servePeer},
		{"link", "set", servePeer, "netns", lab.ns},
		{"addr", "add", subnet + ".5/30", "dev", serveHost},
		{"link", "set", serveHost, "up"},
		{"netns", "exec", lab.ns, "ip", "addr", "add", lab.serveNsIP + "/30", "dev", servePeer},
		{"netns", "exec", lab.ns, "ip", "link", "set", servePeer, "up"},
	}
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			t.Fatal(err)
		}
	}
	return lab
}

// cut drops the etcd link on the host side: packets from the replica vanish, as in a partition,
// rather than being refused.
func (l *netnsLab) cut(t *testing.T) {
	t.Helper()
	if err := ipCmd("link", "set", l.etcdHost, "down"); err != nil {
		t.Fatal(err)
	}
}

func (l *netnsLab) heal(t *testing.T) {
	t.Helper()
	if err := ipCmd("link", "set", l.etcdHost, "up"); err != nil {
		t.Fatal(err)
	}
}

// TestPartitionedReplica cuts one of two replicas off from etcd while the other writes: the cut-off
// replica goes unready and answers no consistent read with old data, and recovers when healed.
func TestPartitionedReplica(t *testing.T) {
	lab := newNetnsLab(t)
	etcd := newEtcdMember(t, "etcd", lab.hostIP)
	etcd.start(t, clusterString([]*etcdMember{etcd}))
	etcdLoopback := strings.Replace(etcd.clientURL, lab.hostIP, "127.0.0.1", 1)

	start := time.Now()
	a := startServer(t, "replica-a", filepath.Join(t.TempDir(), "a"), "127.0.0.1", freePort(t), nil, "--etcd-servers", etcdLoopback)
	b := startServer(t, "replica-b", filepath.Join(t.TempDir(), "b"), lab.serveNsIP, freePort(t), []string{"ip", "netns", "exec", lab.ns}, "--etcd-servers", etcd.clientURL)
	clientA, clientB := mustClient(t, a.config(t)), mustClient(t, b.config(t))
	// Reads of the cut-off replica give up after a bound, as a client with a deadline would.
	shortB := b.config(t)
	shortB.Timeout = 3 * time.Second
	readerB := mustClient(t, shortB)
	waitReady(t, clientA, start, a.process)
	waitReady(t, clientB, start, b.process)

	ctx := context.Background()
	const ns = "partition"
	ensureNamespace(t, clientA, ns)
	created, err := clientA.CoreV1().Pods(ns).Create(ctx, testPod("probe"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "replica b to see the pod", func() bool {
		p, err := clientB.CoreV1().Pods(ns).Get(ctx, "probe", metav1.GetOptions{})
		return err == nil && p.ResourceVersion == created.ResourceVersion
	})

	lab.cut(t)
	cutAt := time.Now()
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		return readyz(ctx, clientB) != nil, nil
	}); err != nil {
		t.Fatalf("replica b stayed ready while cut off from etcd: %v", err)
	}
	unreadyIn := time.Since(cutAt)
	if err := readyz(ctx, clientA); err != nil {
		t.Fatalf("replica a, not cut off, is not ready: %v", err)
	}

	// The other replica moves the pod on; the cut-off one must not answer with the old version.
	patch := []byte(`{"metadata":{"labels":{"moved":"on"}}}`)
	updated, err := clientA.CoreV1().Pods(ns).Patch(ctx, "probe", types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	attempts, stale, failed := 0, 0, 0
	for i := 0; i < 2; i++ {
		attempts += 2
		if p, err := readerB.CoreV1().Pods(ns).Get(ctx, "probe", metav1.GetOptions{}); err == nil {
			if p.ResourceVersion != updated.ResourceVersion {
				stale++
				t.Errorf("cut-off replica answered a consistent GET with resourceVersion %s; the pod is at %s", p.ResourceVersion, updated.ResourceVersion)
			}
		} else {
			failed++
		}
		if l, err := readerB.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{}); err == nil {
			for _, p := range l.Items {
				if p.Name == "probe" && p.ResourceVersion != updated.ResourceVersion {
					stale++
					t.Errorf("cut-off replica answered a consistent LIST with resourceVersion %s; the pod is at %s", p.ResourceVersion, updated.ResourceVersion)
				}
			}
		} else {
			failed++
		}
	}
	partitioned := time.Since(cutAt)

	lab.heal(t)
	healedAt := time.Now()
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		if readyz(ctx, clientB) != nil {
			return false, nil
		}
		p, err := clientB.CoreV1().Pods(ns).Get(ctx, "probe", metav1.GetOptions{})
		return err == nil && p.ResourceVersion == updated.ResourceVersion, nil
	}); err != nil {
		t.Fatalf("replica b did not recover after the partition healed: %v", err)
	}
	t.Logf("partition: replica unready %.2fs after the cut; %d consistent reads during %.1fs cut off: %d failed or timed out, %d stale; ready with the new version %.2fs after healing",
		unreadyIn.Seconds(), attempts, partitioned.Seconds(), failed, stale, time.Since(healedAt).Seconds())
}
