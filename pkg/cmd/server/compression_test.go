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

package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// The handler chain Config builds compresses lists itself: behind the library's filters the
// API handler of a list no longer sees Accept-Encoding, and the answer is still compressed;
// other requests reach it unchanged.
func TestHandlerChainCompressesLists(t *testing.T) {
	o := parse(t, "--etcd-servers=http://127.0.0.1:1", "--cert-dir="+t.TempDir(), "--anonymous-auth",
		"--authorization-mode=AlwaysAllow", "--enable-priority-and-fairness=false")
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	o.Recommended.SecureServing.Listener = listener
	o.Recommended.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := o.Complete(nil, nil); err != nil {
		t.Fatal(err)
	}
	cfg, err := o.Config()
	if err != nil {
		t.Fatal(err)
	}
	completed := cfg.GenericConfig.Complete()

	// The probe stands for the API handler: it records what the request it gets accepts and
	// answers a body above the 128 KiB the library compresses above, in one write.
	body := bytes.Repeat([]byte("pod-apiserver "), 20000)
	var mu sync.Mutex
	var seen string
	probe := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		seen = req.Header.Get("Accept-Encoding")
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write(body)
	})
	server := httptest.NewServer(completed.BuildHandlerChainFunc(probe, completed.Config))
	defer server.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()

	for _, tc := range []struct {
		path string
		// listed: the filter took the request over.
		listed bool
	}{
		{"/api/v1/pods", true},
		{"/api/v1/namespaces/default/pods", true},
		{"/api/v1/namespaces/default/pods/web", false},
		{"/api/v1/pods?watch=1", false},
		{"/version", false},
	} {
		mu.Lock()
		seen = "unset"
		mu.Unlock()
		req, err := http.NewRequest(http.MethodGet, server.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		if resp.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(gz)
			if err != nil {
				t.Fatal(err)
			}
		} else {
			got, _ = io.ReadAll(resp.Body)
		}
		resp.Body.Close()
		mu.Lock()
		handlerSaw := seen
		mu.Unlock()
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) {
			t.Errorf("GET %s: HTTP %d, %d bytes; want the probe's %d bytes", tc.path, resp.StatusCode, len(got), len(body))
		}
		// Only the filter compresses a handler's own writes: the library compresses what its
		// serializer writes, which the probe does not use.
		if compressed := resp.Header.Get("Content-Encoding") == "gzip"; compressed != tc.listed {
			t.Errorf("GET %s: Content-Encoding %q, want compressed=%v", tc.path, resp.Header.Get("Content-Encoding"), tc.listed)
		}
		wantSaw := "gzip"
		if tc.listed {
			wantSaw = ""
		}
		if handlerSaw != wantSaw {
			t.Errorf("GET %s: the API handler saw Accept-Encoding %q, want %q", tc.path, handlerSaw, wantSaw)
		}
	}
}
