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

package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pod-apiserver/pod-apiserver/test/procnet"
)

func TestMain(m *testing.M) {
	// In the child DialUnixAs starts, dial and exit before any test runs.
	procnet.ChildMain()
	os.Exit(m.Run())
}

// The real binary, with its defaults, listens where the README says and nowhere else: TCP on the
// secure port, and the embedded etcd's socket file, which another local user cannot connect to;
// no abstract unix socket, no etcd peer or client port.
func TestBinaryListeners(t *testing.T) {
	bin := buildServer(t)
	// A parent every user may enter, so that only the server's own modes keep others out.
	parent, err := os.MkdirTemp("", "pod-apiserver-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(parent, "data")
	if err := os.MkdirAll(dataDir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dataDir, 0o777); err != nil {
		t.Fatal(err)
	}
	srv, kubeconfig, port := startBinary(t, bin, dataDir, 0)
	mustKubectl(t, kubeconfig, "", "get", "pods")

	listeners, err := procnet.Listeners(srv.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dataDir, "etcd", "client.sock")
	want := map[string]bool{
		"tcp " + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)): true,
		"unix " + sock: true,
	}
	for _, l := range listeners {
		t.Logf("listening: %s", l)
		if l.Abstract() {
			t.Errorf("abstract unix socket %s: no file mode protects it", l.Address)
		}
		if !want[l.String()] {
			t.Errorf("unexpected listener %s", l)
		}
		delete(want, l.String())
	}
	for missing := range want {
		t.Errorf("expected listener %s not found", missing)
	}
	info, err := os.Stat(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("--data-dir left at %#o, want 0700", info.Mode().Perm())
	}

	if os.Geteuid() != 0 {
		t.Skip("connecting as another user needs root to switch to it")
	}
	for _, l := range listeners {
		if l.Network != "unix" {
			continue
		}
		dialErr, err := procnet.DialUnixAs(l.Address, procnet.NobodyUID, procnet.NobodyUID)
		if err != nil {
			t.Fatal(err)
		}
		if dialErr == nil || !strings.Contains(dialErr.Error(), syscall.EACCES.Error()) {
			t.Errorf("uid %d dialling %s: %v, want %v", procnet.NobodyUID, l.Address, dialErr, syscall.EACCES)
		}
	}
}
