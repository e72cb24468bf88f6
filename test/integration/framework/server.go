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

// Package framework starts a real pod-apiserver in the test process: real TLS on a free loopback
// port, a real etcd (embedded by default, or the external etcd named by $POD_APISERVER_TEST_ETCD),
// and an admin client configuration read from the kubeconfig the server writes.
package framework

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	utilcompatibility "k8s.io/apiserver/pkg/util/compatibility"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
)

// ExternalEtcdEnv names an etcd endpoint (e.g. http://127.0.0.1:2379) to use instead of the
// embedded etcd. Each test server then gets its own key prefix on it.
const ExternalEtcdEnv = "POD_APISERVER_TEST_ETCD"

// TestServer is a running pod-apiserver.
type TestServer struct {
	// ClientConfig authenticates as the admin of the server (system:masters).
	ClientConfig *rest.Config
	// Kubeconfig is the admin kubeconfig the server wrote.
	Kubeconfig string
	// DataDir is the server's --data-dir; a restarted server given it finds its pods again.
	DataDir string
	// Options are the options the server runs with.
	Options *server.Options

	stop     context.CancelFunc
	done     chan error
	stopOnce sync.Once
}

var settleGlobals sync.Once

// Start runs a pod-apiserver until the test ends. customize may change the options before start.
func Start(t testing.TB, customize ...func(*server.Options)) *TestServer {
	t.Helper()
	return StartInDir(t, t.TempDir(), customize...)
}

// StartInDir runs a pod-apiserver on dataDir until the test ends.
func StartInDir(t testing.TB, dataDir string, customize ...func(*server.Options)) *TestServer {
	t.Helper()
	return StartAt(t, dataDir, 0, customize...)
}

// StartAt runs a pod-apiserver on dataDir and the given loopback port (0 picks a free one).
func StartAt(t testing.TB, dataDir string, port int, customize ...func(*server.Options)) *TestServer {
	t.Helper()
	settleGlobals.Do(func() {
		if err := utilcompatibility.DefaultComponentGlobalsRegistry.Set(); err != nil {
			t.Fatalf("settling feature gates: %v", err)
		}
	})

	listener, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	o := server.NewOptions()
	o.DataDir = dataDir
	o.EmbeddedEtcdUnsafeNoFsync = true
	o.Recommended.SecureServing.Listener = listener
	o.Recommended.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
	if endpoint := os.Getenv(ExternalEtcdEnv); endpoint != "" {
		o.Recommended.Etcd.StorageConfig.Transport.ServerList = []string{endpoint}
		o.Recommended.Etcd.StorageConfig.Prefix = "/" + prefixFor(dataDir)
	}
	for _, c := range customize {
		c(o)
	}
	return run(t, o, nil)
}

// StartWithClientConfig runs a pod-apiserver on dataDir that clients reach with clientConfig
// rather than with a kubeconfig the server writes: for servers given their own certificates.
// Unlike Start it leaves --data-dir untouched and ignores $POD_APISERVER_TEST_ETCD: customize
// names the etcd (or leaves the embedded one).
func StartWithClientConfig(t testing.TB, dataDir string, clientConfig *rest.Config, customize ...func(*server.Options)) *TestServer {
	t.Helper()
	settleGlobals.Do(func() {
		if err := utilcompatibility.DefaultComponentGlobalsRegistry.Set(); err != nil {
			t.Fatalf("settling feature gates: %v", err)
		}
	})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	o := server.NewOptions()
	o.DataDir = dataDir
	o.EmbeddedEtcdUnsafeNoFsync = true
	o.Recommended.SecureServing.Listener = listener
	o.Recommended.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
	for _, c := range customize {
		c(o)
	}
	cfg := rest.CopyConfig(clientConfig)
	cfg.Host = "https://" + listener.Addr().String()
	return run(t, o, cfg)
}

func run(t testing.TB, o *server.Options, clientConfig *rest.Config) *TestServer {
	t.Helper()
	if err := o.Validate(); err != nil {
		t.Fatalf("options: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ts := &TestServer{DataDir: o.DataDir, Options: o, stop: cancel, done: make(chan error, 1), Kubeconfig: o.AdminKubeconfigPath(), ClientConfig: clientConfig}
	if clientConfig != nil {
		ts.Kubeconfig = ""
	}
	go func() { ts.done <- server.Run(ctx, o, nil) }()
	t.Cleanup(func() { ts.Stop(t) })

	if err := ts.waitReady(t); err != nil {
		t.Fatalf("server did not become ready: %v", err)
	}
	return ts
}

// prefixFor gives every data dir its own etcd key space on a shared external etcd, stable across
// restarts on the same dir.
func prefixFor(dataDir string) string {
	file := filepath.Join(dataDir, "test-etcd-prefix")
	if b, err := os.ReadFile(file); err == nil {
		return string(b)
	}
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	prefix := "registry-" + hex.EncodeToString(buf)
	_ = os.MkdirAll(dataDir, 0o700)
	_ = os.WriteFile(file, []byte(prefix), 0o600)
	return prefix
}

func (ts *TestServer) waitReady(t testing.TB) error {
	return wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-ts.done:
			if err == nil {
				err = errors.New("server exited")
			}
			ts.done <- err
			return false, err
		default:
		}
		if ts.ClientConfig == nil {
			cfg, err := clientcmd.BuildConfigFromFlags("", ts.Kubeconfig)
			if err != nil {
				return false, nil
			}
			// Tests drive hundreds of requests; client-side throttling would only slow them down.
			cfg.QPS, cfg.Burst = 1000, 2000
			ts.ClientConfig = cfg
		}
		client, err := kubernetes.NewForConfig(ts.ClientConfig)
		if err != nil {
			return false, err
		}
		result := client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx)
		var status int
		result.StatusCode(&status)
		return status == 200, nil
	})
}

// Port is the port the server listens on.
func (ts *TestServer) Port() int { return ts.Options.Recommended.SecureServing.BindPort }

// EtcdEndpoint is where the server's etcd answers: the embedded member's socket or the external etcd.
func (ts *TestServer) EtcdEndpoint() string {
	if endpoint := os.Getenv(ExternalEtcdEnv); endpoint != "" {
		return endpoint
	}
	return "unix://" + filepath.Join(ts.Options.EmbeddedEtcdDir(), "client.sock")
}

// EtcdPrefix is the key prefix under which the server stores its objects.
func (ts *TestServer) EtcdPrefix() string { return ts.Options.Recommended.Etcd.StorageConfig.Prefix }

// Stop drains the server and closes its etcd; it is safe to call more than once.
func (ts *TestServer) Stop(t testing.TB) {
	ts.stopOnce.Do(func() {
		ts.stop()
		select {
		case err := <-ts.done:
			if err != nil {
				t.Errorf("server stopped with error: %v", err)
			}
		case <-time.After(2 * time.Minute):
			t.Errorf("server did not stop within 2 minutes")
		}
	})
}

// Client is a typed clientset for the admin.
func (ts *TestServer) Client(t testing.TB) kubernetes.Interface {
	t.Helper()
	return ClientFor(t, ts.ClientConfig)
}

// ClientFor is a typed clientset for config.
func ClientFor(t testing.TB, config *rest.Config) kubernetes.Interface {
	t.Helper()
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	return client
}
