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

// Package fault breaks pod-apiserver and its etcd on purpose — kill -9, SIGTERM under load, etcd
// members killed, a replica cut off from etcd, hostile request bodies — and counts what was lost.
// Every test prints its figures (run with -v) and fails on any acknowledged write that is missing,
// any crash or any leak.
package fault

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// serverBin is the pod-apiserver binary built once for the package.
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pod-apiserver-fault-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "pod-apiserver")
	build := exec.Command("go", "build", "-o", serverBin, "./cmd/pod-apiserver")
	build.Dir = repoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func repoRoot() string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
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

// process is a child process whose output goes to a log file shown when the test fails.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error
}

func startProcess(t *testing.T, name string, wrap []string, bin string, args ...string) *process {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	argv := append(append(append([]string{}, wrap...), bin), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("last output of %s:\n%s", name, tail(string(b), 3000))
			}
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill is kill -9, and waits for the process to be gone.
func (p *process) kill() {
	if !p.exited() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// wait waits up to timeout for the process to exit by itself.
func (p *process) wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return fmt.Errorf("%s still running after %v", p.name, timeout)
	}
}

// serverProcess is the pod-apiserver binary as users run it.
type serverProcess struct {
	*process
	dataDir string
	url     string
}

// startServer runs the binary (default fsync, embedded etcd unless args name --etcd-servers).
// wrap prefixes the command, e.g. to run it in a network namespace.
func startServer(t *testing.T, name, dataDir, host string, port int, wrap []string, args ...string) *serverProcess {
	t.Helper()
	args = append([]string{"--data-dir", dataDir, "--bind-address", host, "--secure-port", strconv.Itoa(port)}, args...)
	p := startProcess(t, name, wrap, serverBin, args...)
	return &serverProcess{process: p, dataDir: dataDir, url: "https://" + net.JoinHostPort(host, strconv.Itoa(port))}
}

// config is the admin's client configuration from the kubeconfig the server writes, with no
// client-side throttling and a bound on every request.
func (s *serverProcess) config(t *testing.T) *rest.Config {
	t.Helper()
	path := filepath.Join(s.dataDir, "admin.kubeconfig")
	var cfg *rest.Config
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 60*time.Second, true, func(context.Context) (bool, error) {
		if s.exited() {
			return false, fmt.Errorf("%s exited: %v", s.name, s.err)
		}
		c, err := clientcmd.BuildConfigFromFlags("", path)
		if err != nil {
			return false, nil
		}
		cfg = c
		return true, nil
	})
	if err != nil {
		t.Fatalf("no admin kubeconfig from %s: %v", s.name, err)
	}
	cfg.Host = s.url
	cfg.QPS, cfg.Burst = -1, 0
	cfg.Timeout = 10 * time.Second
	return cfg
}

// waitReady polls /readyz until it answers 200 and says how long that took from start.
func waitReady(t *testing.T, client kubernetes.Interface, start time.Time, p *process) time.Duration {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		if p != nil && p.exited() {
			return false, fmt.Errorf("%s exited: %v", p.name, p.err)
		}
		return readyz(ctx, client) == nil, nil
	})
	if err != nil {
		t.Fatalf("not ready: %v", err)
	}
	return time.Since(start)
}

func readyz(ctx context.Context, client kubernetes.Interface) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var code int
	err := client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&code).Error()
	if err == nil && code != 200 {
		err = fmt.Errorf("/readyz: %d", code)
	}
	return err
}

// etcdMember is one etcd process on loopback (or the given client host).
type etcdMember struct {
	*process
	name, dataDir   string
	clientURL       string
	peerURL         string
	listenClientURL string
}

// newEtcdMember prepares a member; host is where it listens for clients besides 127.0.0.1.
func newEtcdMember(t *testing.T, name, host string) *etcdMember {
	t.Helper()
	clientPort, peerPort := freePort(t), freePort(t)
	m := &etcdMember{
		name:      name,
		dataDir:   filepath.Join(t.TempDir(), name),
		clientURL: "http://" + net.JoinHostPort(host, strconv.Itoa(clientPort)),
		peerURL:   "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(peerPort)),
	}
	m.listenClientURL = m.clientURL
	if host != "127.0.0.1" {
		m.listenClientURL += ",http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(clientPort))
	}
	return m
}

// start runs the member (again, on the same data dir when restarted).
func (m *etcdMember) start(t *testing.T, initialCluster string) {
	t.Helper()
	bin, err := exec.LookPath("etcd")
	if err != nil {
		t.Fatalf("etcd not on PATH (make tools puts it in _output/bin): %v", err)
	}
	m.process = startProcess(t, m.name, nil, bin,
		"--name", m.name, "--data-dir", m.dataDir,
		"--listen-client-urls", m.listenClientURL, "--advertise-client-urls", m.clientURL,
		"--listen-peer-urls", m.peerURL, "--initial-advertise-peer-urls", m.peerURL,
		"--initial-cluster", initialCluster, "--initial-cluster-state", "new",
		"--log-level", "warn")
}

// startEtcdCluster starts n members on loopback and waits until they elect a leader.
func startEtcdCluster(t *testing.T, n int, host string) []*etcdMember {
	t.Helper()
	var members []*etcdMember
	var peers []string
	for i := 0; i < n; i++ {
		m := newEtcdMember(t, fmt.Sprintf("m%d", i), host)
		members = append(members, m)
		peers = append(peers, m.name+"="+m.peerURL)
	}
	for _, m := range members {
		m.start(t, strings.Join(peers, ","))
	}
	return members
}

func clusterString(members []*etcdMember) string {
	var peers []string
	for _, m := range members {
		peers = append(peers, m.name+"="+m.peerURL)
	}
	return strings.Join(peers, ",")
}

// writer creates pods one after another (or with several workers) and remembers every create the
// server acknowledged, the failures and the longest time without an acknowledgement.
type writer struct {
	client  kubernetes.Interface
	ns      string
	prefix  string
	timeout time.Duration

	mu       sync.Mutex
	acked    []string
	failed   int
	lastOK   time.Time
	longest  time.Duration
	firstErr error
	seq      atomic.Int64
}

// ensureNamespace creates ns, as kube's NamespaceLifecycle refuses pods in a namespace nobody made.
func ensureNamespace(t testing.TB, client kubernetes.Interface, ns string) {
	t.Helper()
	_, err := client.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
}

// newWriter also creates the namespace it writes to.
func newWriter(t testing.TB, client kubernetes.Interface, ns, prefix string) *writer {
	ensureNamespace(t, client, ns)
	return &writer{client: client, ns: ns, prefix: prefix, timeout: 5 * time.Second, lastOK: time.Now()}
}

func testPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"fault": "test"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox:1.36"}}},
	}
}

// run writes with workers goroutines until ctx ends or stop says so.
func (w *writer) run(ctx context.Context, workers int) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := w.createOne(ctx); err != nil && ctx.Err() == nil {
					// A down server refuses at once; don't spin.
					select {
					case <-ctx.Done():
					case <-time.After(20 * time.Millisecond):
					}
				}
			}
		}()
	}
	return &wg
}

// runOpenLoop starts a create every interval whatever the earlier ones are doing (up to
// maxInFlight at once), so that requests stuck on a dead member do not hide that the server
// answers new ones: the longest gap between acknowledgements is then the server's unavailability.
func (w *writer) runOpenLoop(ctx context.Context, interval time.Duration, maxInFlight int) *sync.WaitGroup {
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxInFlight)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			select {
			case slots <- struct{}{}:
			default:
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				w.createOne(ctx)
			}()
		}
	}()
	return &wg
}

// createOne creates one pod and records the outcome.
func (w *writer) createOne(ctx context.Context) error {
	name := fmt.Sprintf("%s-%06d", w.prefix, w.seq.Add(1))
	rctx, cancel := context.WithTimeout(ctx, w.timeout)
	_, err := w.client.CoreV1().Pods(w.ns).Create(rctx, testPod(name), metav1.CreateOptions{})
	cancel()
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if err == nil {
		if gap := now.Sub(w.lastOK); gap > w.longest {
			w.longest = gap
		}
		w.lastOK = now
		w.acked = append(w.acked, name)
	} else if ctx.Err() == nil {
		w.failed++
		if w.firstErr == nil {
			w.firstErr = err
		}
	}
	return err
}

func (w *writer) ackedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

// firstError is the first failed write's error, for the figures.
func (w *writer) firstError() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.firstErr
}

func (w *writer) snapshot() (acked []string, failed int, longest time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.acked...), w.failed, w.longest
}

// waitFor polls cond every 20ms for up to timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), 20*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		return cond(), nil
	}); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// missing lists the acknowledged names a consistent LIST does not return.
func missing(t *testing.T, client kubernetes.Interface, ns string, acked []string) []string {
	t.Helper()
	var list *corev1.PodList
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		l, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		list = l
		return true, nil
	})
	if err != nil {
		t.Fatalf("listing pods: %v", err)
	}
	present := map[string]bool{}
	for _, p := range list.Items {
		present[p.Name] = true
	}
	var lost []string
	for _, name := range acked {
		if !present[name] {
			lost = append(lost, name)
		}
	}
	sort.Strings(lost)
	return lost
}

func mustClient(t *testing.T, cfg *rest.Config) kubernetes.Interface {
	t.Helper()
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
