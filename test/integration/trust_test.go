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
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
	"github.com/pod-apiserver/pod-apiserver/test/procnet"
)

// The server listens where the README says and nowhere else: TCP on the secure port only, and
// the embedded etcd's client socket file inside the data folder; no abstract unix socket.
func TestServerListeners(t *testing.T) {
	if os.Getenv(framework.ExternalEtcdEnv) != "" {
		t.Skip("the embedded etcd's sockets are the subject")
	}
	ts := framework.Start(t)
	_, _ = ts.Client(t).CoreV1().Pods("default").List(t.Context(), metav1.ListOptions{})

	listeners, err := procnet.Listeners(0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"tcp " + net.JoinHostPort("127.0.0.1", strconv.Itoa(ts.Port())):      true,
		"unix " + filepath.Join(ts.Options.EmbeddedEtcdDir(), "client.sock"): true,
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
}

// A data folder left world-writable (or with loose files from an older version) is made private
// on start: folders 0700, keys and the admin kubeconfig 0600, nothing writable by others.
func TestDataDirModesFixedOnStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	pkiDir := filepath.Join(dir, "pki")
	if err := os.MkdirAll(pkiDir, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, pkiDir} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	ts := framework.StartInDir(t, dir)
	port := ts.Port()
	ts.Stop(t)

	// A second start over files loosened by hand fixes them too.
	for _, f := range []string{"ca.key", "admin.key", "serving.key"} {
		if err := os.Chmod(filepath.Join(pkiDir, f), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	// The same port: the framework reads the kubeconfig left by the first run.
	framework.StartAt(t, dir, port)

	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := info.Mode()
		rel, _ := filepath.Rel(dir, path)
		switch {
		case mode.IsDir():
			if path == dir || path == pkiDir {
				if mode.Perm() != 0o700 {
					t.Errorf("%s: mode %#o, want 0700", rel, mode.Perm())
				}
			}
			if mode.Perm()&0o022 != 0 {
				t.Errorf("%s: folder writable by others (%#o)", rel, mode.Perm())
			}
		case mode&fs.ModeSocket != 0:
			// Reachable only through the 0700 folders above it.
		default:
			if mode.Perm()&0o022 != 0 {
				t.Errorf("%s: writable by others (%#o)", rel, mode.Perm())
			}
			if (strings.HasSuffix(path, ".key") || strings.HasSuffix(path, ".kubeconfig")) && mode.Perm() != 0o600 {
				t.Errorf("%s: mode %#o, want 0600", rel, mode.Perm())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A --data-dir that is not a folder stops the start with a message naming it.
func TestDataDirNotAFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o := server.NewOptions()
	o.DataDir = file
	err := server.Run(t.Context(), o, nil)
	if err == nil || !strings.Contains(err.Error(), "--data-dir") {
		t.Fatalf("start on a file: %v, want an error naming --data-dir", err)
	}
}
