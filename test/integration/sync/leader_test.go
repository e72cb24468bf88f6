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
	"os"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	synccmd "github.com/pod-apiserver/pod-apiserver/pkg/cmd/sync"
	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// TestSyncLeaderElection runs two `pod-apiserver sync` replicas with --leader-elect: one holds
// the Lease in the host namespace and syncs; when it stops, the other takes over. It needs a host
// that serves Leases (POD_APISERVER_SYNC_HOST_KUBECONFIG, e.g. kube-apiserver): pod-apiserver
// serves none.
func TestSyncLeaderElection(t *testing.T) {
	hostKubeconfig := os.Getenv(HostKubeconfigEnv)
	if hostKubeconfig == "" {
		t.Skip("the host is a pod-apiserver, which serves no Leases")
	}
	l := startLoop(t, syncer.Policy{})
	l.stop(t)
	const ns = "leader"
	ensureNamespace(t, l.virtualClient, ns)

	replica := func() (context.CancelFunc, chan error) {
		o := synccmd.NewOptions()
		o.Kubeconfig, o.HostKubeconfig, o.HostNamespace = l.virtual.Kubeconfig, hostKubeconfig, hostNamespace
		o.LeaderElect.LeaderElect = true
		o.LeaderElect.LeaseDuration = metav1.Duration{Duration: 3 * time.Second}
		o.LeaderElect.RenewDeadline = metav1.Duration{Duration: 2 * time.Second}
		o.LeaderElect.RetryPeriod = metav1.Duration{Duration: 500 * time.Millisecond}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- synccmd.Run(ctx, o) }()
		return cancel, done
	}
	stopA, doneA := replica()
	stopB, doneB := replica()
	defer stopB()

	l.create(t, ns, framework.NewPod("first"))
	l.waitRunning(t, ns, "first")
	holder := func() string {
		lease, err := l.hostClient.CoordinationV1().Leases(hostNamespace).Get(context.Background(), "pod-apiserver-sync", metav1.GetOptions{})
		if err != nil || lease.Spec.HolderIdentity == nil {
			return ""
		}
		return *lease.Spec.HolderIdentity
	}
	if holder() == "" {
		t.Fatal("no replica holds the lease while pods sync")
	}

	// Stop one replica (leader or not): the other leads, and pods still run.
	stopA()
	<-doneA
	eventually(t, 30*time.Second, "a leader", func() (bool, string) { return holder() != "", "no holder" })
	l.create(t, ns, framework.NewPod("second"))
	l.waitRunning(t, ns, "second")
	stopB()
	<-doneB
	// Both stopped: the last leader released the lease.
	eventually(t, 10*time.Second, "lease released", func() (bool, string) { return holder() == "", holder() })
}
