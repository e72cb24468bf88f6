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

package embeddedetcd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/pod-apiserver/pod-apiserver/test/procnet"
)

func TestMain(m *testing.M) {
	procnet.ChildMain()
	os.Exit(m.Run())
}

// worldTraversableDir returns a folder whose parent every user may enter, so that only the
// server's own modes decide whether another user reaches its sockets.
func worldTraversableDir(t *testing.T) string {
	t.Helper()
	parent, err := os.MkdirTemp("", "embeddedetcd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(parent, "etcd")
}

func start(t *testing.T, dir string) *Server {
	t.Helper()
	s, err := Start(Config{Dir: dir, UnsafeNoFsync: true, StartTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func put(t *testing.T, s *Server, key, value string) {
	t.Helper()
	c := client(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Put(ctx, key, value); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s *Server, key string) string {
	t.Helper()
	c := client(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := c.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) == 0 {
		return ""
	}
	return string(resp.Kvs[0].Value)
}

func client(t *testing.T, s *Server) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{s.ClientURL()}, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// The member listens on its client socket file and nothing else: no TCP port, no peer listener
// and no abstract socket, which no file mode protects.
func TestListensOnlyOnItsClientSocket(t *testing.T) {
	dir := worldTraversableDir(t)
	s := start(t, dir)
	defer s.Close()
	put(t, s, "k", "v")

	listeners, err := procnet.Listeners(0)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "client.sock")
	if len(listeners) != 1 || listeners[0].Network != "unix" || listeners[0].Address != want {
		t.Fatalf("listeners of the process: %v, want only unix %s", listeners, want)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("mode of %s: %v, want 0700", dir, info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(dir, "peer.sock")); !os.IsNotExist(err) {
		t.Errorf("peer.sock exists (%v); a single member needs no peer listener", err)
	}
}

// Another local user cannot connect to the member; the same dialler connects once the modes let
// it, so the refusal comes from the folder's mode and not from the dialler.
func TestOtherUserIsRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("connecting as another user needs root to switch to it")
	}
	dir := worldTraversableDir(t)
	s := start(t, dir)
	defer s.Close()
	sock := filepath.Join(dir, "client.sock")

	dialErr, err := procnet.DialUnixAs(sock, procnet.NobodyUID, procnet.NobodyUID)
	if err != nil {
		t.Fatal(err)
	}
	if dialErr == nil || !strings.Contains(dialErr.Error(), syscall.EACCES.Error()) {
		t.Fatalf("uid %d dialling %s: %v, want %v", procnet.NobodyUID, sock, dialErr, syscall.EACCES)
	}

	// Control: open the modes up and the same dialler gets through.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sock, 0o777); err != nil {
		t.Fatal(err)
	}
	dialErr, err = procnet.DialUnixAs(sock, procnet.NobodyUID, procnet.NobodyUID)
	if err != nil {
		t.Fatal(err)
	}
	if dialErr != nil {
		t.Fatalf("control: uid %d could not dial an open socket: %v", procnet.NobodyUID, dialErr)
	}
}

// A restart on the same folder finds the data, and the mode is fixed again if it was loosened.
func TestRestartOnSameDir(t *testing.T) {
	dir := worldTraversableDir(t)
	s := start(t, dir)
	put(t, s, "k", "v1")
	s.Close()

	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	s = start(t, dir)
	defer s.Close()
	if got := get(t, s, "k"); got != "v1" {
		t.Fatalf("after restart k=%q, want v1", got)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o700 {
		t.Errorf("mode after restart: %v, want 0700", info.Mode().Perm())
	}
}

// Sockets left behind by a killed process (and the peer socket of older versions) do not stop
// a start.
func TestStaleSockets(t *testing.T) {
	dir := worldTraversableDir(t)
	s := start(t, dir)
	put(t, s, "k", "v1")
	s.Close()

	for _, name := range []string{"client.sock", "peer.sock"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s = start(t, dir)
	defer s.Close()
	if got := get(t, s, "k"); got != "v1" {
		t.Fatalf("after restart over stale sockets k=%q, want v1", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "peer.sock")); !os.IsNotExist(err) {
		t.Errorf("stale peer.sock was not removed: %v", err)
	}
}
