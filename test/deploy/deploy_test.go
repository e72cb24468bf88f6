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

package deploy

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/pod-apiserver/pod-apiserver/pkg/gcsetting"
	"github.com/pod-apiserver/pod-apiserver/test/manifests/render"
)

const (
	manifestsDir = "../../manifests"
	// serviceName is the name the serving certificate is made for and clients verify.
	serviceName = "pod-apiserver.pod-apiserver.svc"
	testNS      = "default"
)

// requireDocker skips with the reason when Docker cannot run here, except in CI, where a missing
// Docker is a failure: the deployment would go unproven.
func requireDocker(t *testing.T) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	if _, err := exec.LookPath("docker"); err != nil {
		fail("docker is not installed: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := docker(ctx, "info", "--format", "{{.ServerVersion}}"); err != nil {
		fail("the Docker daemon cannot be reached: %v", err)
	}
}

// imagesDir is where `make image` writes the archives.
func imagesDir() string {
	if d := os.Getenv("POD_APISERVER_IMAGES"); d != "" {
		return d
	}
	return "../../_output/images"
}

// loadImages runs `docker load` on each archive and returns the loaded images' sizes.
func loadImages(t *testing.T, ctx context.Context, refs []string) {
	t.Helper()
	for _, name := range []string{"pod-apiserver.tar", "etcd.tar"} {
		path := filepath.Join(imagesDir(), name)
		info, err := os.Stat(path)
		if err != nil {
			missing := t.Skipf
			if os.Getenv("CI") == "true" {
				missing = t.Fatalf
			}
			missing("image archive: %v (make test-deploy runs make image first)", err)
			return
		}
		out, err := docker(ctx, "load", "-i", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("figure: %s: archive %.1f MiB; %s", name, float64(info.Size())/(1<<20), out)
	}
	for _, ref := range refs {
		size, err := docker(ctx, "image", "inspect", "-f", "{{.Size}}", ref)
		if err != nil {
			t.Fatalf("the manifests' image %s was not loaded from the archives: %v", ref, err)
		}
		t.Logf("figure: image %s: %s bytes", ref, size)
	}
}

// repoBin is a binary that make builds into _output/bin.
func repoBin(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("../../_output/bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		missing := t.Skipf
		if os.Getenv("CI") == "true" {
			missing = t.Fatalf
		}
		missing("%v (make test-deploy builds it first)", err)
	}
	return path
}

// certs runs `pod-apiserver certs` as hack/kind-up.sh does, for a server reached from this
// machine at serverURL, and returns the folder holding ca.crt, tls.crt, tls.key, admin.* and
// admin.kubeconfig.
func certs(t *testing.T, ctx context.Context, serverURL string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "certs")
	out, err := exec.CommandContext(ctx, repoBin(t, "pod-apiserver"), "certs", "--out", dir,
		"--service", "pod-apiserver.pod-apiserver", "--server", serverURL).CombinedOutput()
	if err != nil {
		t.Fatalf("pod-apiserver certs: %v\n%s", err, out)
	}
	return dir
}

// clientFor reaches one replica by its address while verifying the certificate for the Service's
// name, as an in-cluster client of the Service would.
func clientFor(t *testing.T, certDir string, p *Pod) kubernetes.Interface {
	t.Helper()
	cfg := &rest.Config{
		Host: "https://" + p.IP + ":6443",
		TLSClientConfig: rest.TLSClientConfig{
			ServerName: serviceName,
			CAFile:     filepath.Join(certDir, "ca.crt"),
			CertFile:   filepath.Join(certDir, "admin.crt"),
			KeyFile:    filepath.Join(certDir, "admin.key"),
		},
		Timeout: 10 * time.Second,
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func newPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "deploy-test"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox:1.36"}}},
	}
}

// waitReady polls every pod's readiness probe until all pass.
func waitReady(t *testing.T, ctx context.Context, c *Cluster, pods []*Pod, timeout time.Duration) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		for _, p := range pods {
			if !Ready(ctx, p) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		for _, p := range pods {
			if probe := p.Pod.Spec.Containers[0].ReadinessProbe; probe != nil && !Ready(ctx, p) {
				code, err := Probe(context.Background(), p, probe)
				t.Errorf("%s not ready: readiness probe %s answers %d %v", p.Pod.Name, probe.HTTPGet.Path, code, err)
			}
		}
		t.Fatalf("pods not ready within %v: %v", timeout, err)
	}
}

// up renders overlay, loads the images and runs every replica; it returns once all are ready and
// reports how long that took from `docker load`.
func up(t *testing.T, ctx context.Context, overlay, name string) (c *Cluster, certDir, kubeconfig string) {
	t.Helper()
	// The first replica stands in for the Service's node port, published on this machine as
	// manifests/kind/cluster.yaml publishes it; the kubeconfig users get names that address.
	port := freePort(t)
	certDir = certs(t, ctx, fmt.Sprintf("https://127.0.0.1:%d", port))
	objs, err := render.Objects(manifestsDir, overlay, certDir)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, w := range render.Workloads(objs) {
		refs = append(refs, w.Template.Spec.Containers[0].Image)
	}
	start := time.Now()
	loadImages(t, ctx, refs)
	// A suffix of its own, so two runs on one Docker daemon do not collide.
	name = fmt.Sprintf("%s-%04x", name, rand.IntN(1<<16))
	c, err = Start(ctx, name, t.TempDir(), objs, map[string]string{"pod-apiserver-0": fmt.Sprintf("127.0.0.1:%d:6443", port)})
	t.Cleanup(c.Remove)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range c.Pods {
				t.Logf("log of %s:\n%s", p.Pod.Name, c.Logs(context.Background(), p))
			}
		}
	})
	waitReady(t, ctx, c, c.Pods, 2*time.Minute)
	t.Logf("figure: %s: docker load to all %d pods ready: %v", overlay, len(c.Pods), time.Since(start).Round(10*time.Millisecond))
	return c, certDir, filepath.Join(certDir, "admin.kubeconfig")
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// checkKubectl runs the README's line: the real kubectl with the kubeconfig the certs subcommand
// wrote, from this machine.
func checkKubectl(t *testing.T, ctx context.Context, kubeconfig string) {
	t.Helper()
	out, err := exec.CommandContext(ctx, repoBin(t, "kubectl"), "--kubeconfig", kubeconfig, "get", "pods", "-A").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl --kubeconfig admin.kubeconfig get pods -A: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "across-replicas") {
		t.Errorf("kubectl get pods -A does not list the pod made through replica 1:\n%s", out)
	}
}

// checkProbes runs every probe of every pod once: each must answer 200.
func checkProbes(t *testing.T, ctx context.Context, c *Cluster) {
	t.Helper()
	for _, p := range c.Pods {
		ctr := p.Pod.Spec.Containers[0]
		for what, probe := range map[string]*corev1.Probe{"liveness": ctr.LivenessProbe, "readiness": ctr.ReadinessProbe, "startup": ctr.StartupProbe} {
			if probe == nil {
				continue
			}
			code, err := Probe(ctx, p, probe)
			if err != nil || code != 200 {
				t.Errorf("%s %s probe %s: %d %v", p.Pod.Name, what, probe.HTTPGet.Path, code, err)
			}
		}
	}
}

// checkCreateReadWatch creates a pod through one replica and sees it read and watched through the
// other.
func checkCreateReadWatch(t *testing.T, ctx context.Context, one, two kubernetes.Interface) {
	t.Helper()
	list, err := two.CoreV1().Pods(testNS).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := two.CoreV1().Pods(testNS).Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion, FieldSelector: "metadata.name=across-replicas"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	created, err := one.CoreV1().Pods(testNS).Create(ctx, newPod("across-replicas"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-w.ResultChan():
		pod, ok := ev.Object.(*corev1.Pod)
		if ev.Type != watch.Added || !ok || pod.UID != created.UID {
			t.Fatalf("watch through replica 2: %s %v", ev.Type, ev.Object)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("replica 2's watch did not see the pod created through replica 1")
	}
	got, err := two.CoreV1().Pods(testNS).Get(ctx, "across-replicas", metav1.GetOptions{})
	if err != nil || got.UID != created.UID {
		t.Fatalf("read through replica 2: %v %v", got, err)
	}
}

// writer creates pods one after another through whichever replica is in service, as a client of
// the Service would, and records every create the server acknowledged.
type writer struct {
	mu       sync.Mutex
	clients  map[string]kubernetes.Interface // replica name -> client; removed while out of service
	acked    []string
	failures []string
	n        int
}

func (w *writer) setClient(name string, c kubernetes.Interface) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c == nil {
		delete(w.clients, name)
	} else {
		w.clients[name] = c
	}
}

// write makes one pod through the next replica in service.
func (w *writer) write(ctx context.Context, prefix string) error {
	w.mu.Lock()
	names := make([]string, 0, len(w.clients))
	for n := range w.clients {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		w.mu.Unlock()
		return errors.New("no replica in service")
	}
	client := w.clients[names[w.n%len(names)]]
	name := fmt.Sprintf("%s-%05d", prefix, w.n)
	w.n++
	w.mu.Unlock()
	_, err := client.CoreV1().Pods(testNS).Create(ctx, newPod(name), metav1.CreateOptions{})
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil && !apierrors.IsAlreadyExists(err) {
		// A write the writer itself abandoned on stopping is neither acknowledged nor refused.
		if ctx.Err() == nil {
			w.failures = append(w.failures, name+": "+err.Error())
		}
		return err
	}
	w.acked = append(w.acked, name)
	return nil
}

func (w *writer) ackedNames() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.acked...)
}

func (w *writer) takeFailures() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := w.failures
	w.failures = nil
	return f
}

// waitWrites waits until the running writer has n more acknowledged writes.
func waitWrites(t *testing.T, ctx context.Context, w *writer, n int) {
	t.Helper()
	mark := len(w.ackedNames())
	if err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		return len(w.ackedNames()) >= mark+n, nil
	}); err != nil {
		t.Fatalf("the writer made no progress: %v", err)
	}
}

// leader finds the etcd member that leads, from its metrics.
func leader(t *testing.T, ctx context.Context, members []*Pod) *Pod {
	t.Helper()
	var found *Pod
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		for _, m := range members {
			body, err := get(ctx, "http://"+m.IP+":2381/metrics")
			if err == nil && strings.Contains(body, "\netcd_server_is_leader 1\n") {
				found = m
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("no etcd member says it leads: %v", err)
	}
	return found
}

// run writes steadily until ctx ends.
func (w *writer) run(ctx context.Context, prefix string, done chan<- struct{}) {
	defer close(done)
	for ctx.Err() == nil {
		_ = w.write(ctx, prefix)
		time.Sleep(20 * time.Millisecond)
	}
}

// checkNothingLost lists the pods through client and reports every acknowledged name missing.
func checkNothingLost(t *testing.T, ctx context.Context, client kubernetes.Interface, acked []string) {
	t.Helper()
	list, err := client.CoreV1().Pods(testNS).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, p := range list.Items {
		have[p.Name] = true
	}
	var lost []string
	for _, name := range acked {
		if !have[name] {
			lost = append(lost, name)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d acknowledged writes lost: %v", len(lost), len(acked), lost)
	}
}

func stopExpectingZero(t *testing.T, ctx context.Context, c *Cluster, p *Pod) {
	t.Helper()
	start := time.Now()
	code, err := c.StopPod(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Errorf("%s exited %d on SIGTERM, want 0; log:\n%s", p.Pod.Name, code, c.Logs(ctx, p))
	}
	t.Logf("%s: SIGTERM to exit %d in %v", p.Pod.Name, code, time.Since(start).Round(time.Millisecond))
}

// TestDeployBase runs the base: one etcd member and two server replicas.
func TestDeployBase(t *testing.T) {
	requireDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c, certDir, kubeconfig := up(t, ctx, "base", "base")
	checkProbes(t, ctx, c)
	servers := c.PodsOf("pod-apiserver")
	if len(servers) != 2 {
		t.Fatalf("%d server replicas, want 2", len(servers))
	}
	checkCreateReadWatch(t, ctx, clientFor(t, certDir, servers[0]), clientFor(t, certDir, servers[1]))
	checkKubectl(t, ctx, kubeconfig)
	checkGCSizedToLimit(t, ctx, certDir, servers)
	for _, p := range append(servers, c.PodsOf("etcd")...) {
		stopExpectingZero(t, ctx, c, p)
	}
}

// TestDeployEtcd3 runs overlays/etcd-3 and takes it through the losses a cluster sees: an etcd
// member, a server replica, and a rolling restart of the replicas under a steady writer.
func TestDeployEtcd3(t *testing.T) {
	requireDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	c, certDir, kubeconfig := up(t, ctx, "overlays/etcd-3", "etcd3")
	checkProbes(t, ctx, c)
	servers, members := c.PodsOf("pod-apiserver"), c.PodsOf("etcd")
	if len(servers) != 2 || len(members) != 3 {
		t.Fatalf("%d server replicas and %d etcd members, want 2 and 3", len(servers), len(members))
	}
	clients := []kubernetes.Interface{clientFor(t, certDir, servers[0]), clientFor(t, certDir, servers[1])}
	checkCreateReadWatch(t, ctx, clients[0], clients[1])
	checkKubectl(t, ctx, kubeconfig)

	w := &writer{clients: map[string]kubernetes.Interface{servers[0].Pod.Name: clients[0], servers[1].Pod.Name: clients[1]}}

	t.Run("losing an etcd member", func(t *testing.T) {
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go w.run(wctx, "member-loss", done)
		waitWrites(t, ctx, w, 10)
		// The leader: losing it costs an election, the slower case.
		lost := leader(t, ctx, members)
		killed := time.Now()
		if _, err := docker(ctx, "kill", lost.Container); err != nil {
			t.Fatal(err)
		}
		var recovered time.Duration
		err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			// Every replica must write again.
			for _, client := range clients {
				// A short deadline: a request stuck on the lost member must not hide the recovery.
				wctx, cancel := context.WithTimeout(ctx, time.Second)
				_, err := client.CoreV1().Pods(testNS).Create(wctx, newPod(fmt.Sprintf("probe-write-%d", time.Now().UnixNano())), metav1.CreateOptions{})
				cancel()
				if err != nil {
					return false, nil
				}
			}
			recovered = time.Since(killed)
			return true, nil
		})
		if err != nil {
			t.Fatalf("writes did not resume after losing %s: %v", lost.Pod.Name, err)
		}
		t.Logf("figure: writes through every replica resumed %v after killing the etcd leader %s", recovered.Round(time.Millisecond), lost.Pod.Name)
		waitWrites(t, ctx, w, 20)
		stop()
		<-done
		// Writes refused while the members elected a new leader were never acknowledged.
		refused := w.takeFailures()
		t.Logf("member loss: %d writes acknowledged, %d refused during the election %q", len(w.ackedNames()), len(refused), refused)

		if err := c.StartPod(ctx, lost); err != nil {
			t.Fatal(err)
		}
		back := time.Now()
		waitReady(t, ctx, c, []*Pod{lost}, time.Minute)
		t.Logf("figure: etcd member %s ready again %v after its restart", lost.Pod.Name, time.Since(back).Round(time.Millisecond))
		for i := 0; i < 10; i++ {
			if err := w.write(ctx, "member-back"); err != nil {
				t.Errorf("write with three members again: %v", err)
			}
		}
		checkNothingLost(t, ctx, clients[1], w.ackedNames())
	})

	t.Run("losing a server replica", func(t *testing.T) {
		w.setClient(servers[0].Pod.Name, nil)
		stopExpectingZero(t, ctx, c, servers[0])
		for i := 0; i < 10; i++ {
			if err := w.write(ctx, "one-replica"); err != nil {
				t.Errorf("write with one replica: %v", err)
			}
		}
		checkNothingLost(t, ctx, clients[1], w.ackedNames())
		if err := c.StartPod(ctx, servers[0]); err != nil {
			t.Fatal(err)
		}
		waitReady(t, ctx, c, servers[:1], time.Minute)
		clients[0] = clientFor(t, certDir, servers[0])
		w.setClient(servers[0].Pod.Name, clients[0])
	})

	t.Run("rolling restart under a steady writer", func(t *testing.T) {
		before := len(w.ackedNames())
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go w.run(wctx, "rolling", done)
		for i, p := range servers {
			// As the endpoints controller does for a terminating pod: out of the Service first.
			w.setClient(p.Pod.Name, nil)
			stopExpectingZero(t, ctx, c, p)
			if err := c.StartPod(ctx, p); err != nil {
				t.Fatal(err)
			}
			waitReady(t, ctx, c, []*Pod{p}, time.Minute)
			clients[i] = clientFor(t, certDir, p)
			w.setClient(p.Pod.Name, clients[i])
		}
		// Some writes on the restarted replicas too before the writer stops.
		waitWrites(t, ctx, w, 10)
		stop()
		<-done
		acked, failures := w.ackedNames(), w.takeFailures()
		t.Logf("rolling restart: %d writes acknowledged during it, %d refused", len(acked)-before, len(failures))
		if len(acked)-before < 10 {
			t.Errorf("only %d writes during the rolling restart: the writer did not keep going", len(acked)-before)
		}
		if len(failures) > 0 {
			t.Errorf("writes failed while a replica was always in service: %s", strings.Join(failures, "; "))
		}
		checkNothingLost(t, ctx, clients[0], acked)
		checkNothingLost(t, ctx, clients[1], acked)
	})

	t.Run("SIGTERM", func(t *testing.T) {
		for _, p := range append(servers, members...) {
			stopExpectingZero(t, ctx, c, p)
		}
	})
}

// checkGCSizedToLimit reads from each server's own metrics that it found its container's memory
// limit: the Go soft limit at gcsetting.LimitRatio of it and GOGC raised below it.
func checkGCSizedToLimit(t *testing.T, ctx context.Context, certDir string, servers []*Pod) {
	t.Helper()
	for _, p := range servers {
		limit, ok := p.Pod.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory]
		if !ok {
			t.Fatalf("%s: the manifest sets no memory limit", p.Container)
		}
		raw, err := clientFor(t, certDir, p).CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
		if err != nil {
			t.Fatalf("%s: /metrics: %v", p.Container, err)
		}
		got := map[string]string{}
		for _, line := range strings.Split(string(raw), "\n") {
			if f := strings.Fields(line); len(f) == 2 && (f[0] == "go_gc_gomemlimit_bytes" || f[0] == "go_gc_gogc_percent") {
				got[f[0]] = f[1]
			}
		}
		wantLimit := float64(int64(float64(limit.Value()) * gcsetting.LimitRatio))
		if v, err := strconv.ParseFloat(got["go_gc_gomemlimit_bytes"], 64); err != nil || v != wantLimit {
			t.Errorf("%s: go_gc_gomemlimit_bytes %q, want %.0f (%v of the %s limit)", p.Container, got["go_gc_gomemlimit_bytes"], wantLimit, gcsetting.LimitRatio, limit.String())
		}
		if v, err := strconv.Atoi(got["go_gc_gogc_percent"]); err != nil || v != gcsetting.LimitedGCPercent {
			t.Errorf("%s: go_gc_gogc_percent %q, want %d", p.Container, got["go_gc_gogc_percent"], gcsetting.LimitedGCPercent)
		}
	}
}
