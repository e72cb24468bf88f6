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
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// gzipExchange is an answer as sent on the wire, and its body decompressed.
type gzipExchange struct {
	status          int
	contentType     string
	contentEncoding string
	vary            []string
	wire, body      []byte
}

func (e gzipExchange) String() string {
	return fmt.Sprintf("HTTP %d, Content-Type %q, Content-Encoding %q, Vary %q, %d bytes sent, %d bytes", e.status, e.contentType, e.contentEncoding, e.vary, len(e.wire), len(e.body))
}

// plainHTTPClient authenticates as cfg does, over a transport that never asks for compression
// on its own nor decompresses: what the request names is what the server sees, and the body
// is read as sent.
func plainHTTPClient(t *testing.T, cfg *rest.Config) *http.Client {
	t.Helper()
	tlsConfig, err := rest.TLSConfigFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{TLSClientConfig: tlsConfig, DisableCompression: true}
	t.Cleanup(transport.CloseIdleConnections)
	rt, err := rest.HTTPWrappersForConfig(cfg, transport)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: rt}
}

func getWithEncoding(t *testing.T, client *http.Client, cfg *rest.Config, path, accept, acceptEncoding string) gzipExchange {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(cfg.Host, "/")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	wire, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	e := gzipExchange{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"),
		contentEncoding: resp.Header.Get("Content-Encoding"), vary: resp.Header.Values("Vary"), wire: wire, body: wire}
	if e.contentEncoding == "gzip" {
		gz, err := gzip.NewReader(bytes.NewReader(wire))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if e.body, err = io.ReadAll(gz); err != nil {
			t.Fatalf("GET %s: decompressing: %v", path, err)
		}
	}
	if e.status != http.StatusOK {
		t.Fatalf("GET %s (Accept-Encoding %q): %v: %s", path, acceptEncoding, e, e.body)
	}
	return e
}

// TestListGzip checks, against a running server, the compression clients see on lists: as
// kube-apiserver's (above 128 KiB, for clients naming gzip, never on watches), produced by the
// server's list gzip filter rather than by the library.
func TestListGzip(t *testing.T) {
	t.Parallel()
	ts := framework.Start(t)
	ts.CreateNamespaces(t, "gzip-large", "gzip-small")
	ctx := context.Background()
	client := ts.Client(t)
	for i := 0; i < 12; i++ {
		pod := framework.NewPod(fmt.Sprintf("gz-%02d", i))
		pod.Namespace = "gzip-large"
		// 16 KiB each: the list passes the 128 KiB above which responses are compressed.
		pod.Annotations = map[string]string{"padding": strings.Repeat("x", 16<<10)}
		if _, err := client.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	small := framework.NewPod("gz-small")
	small.Namespace = "gzip-small"
	if _, err := client.CoreV1().Pods(small.Namespace).Create(ctx, small, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg := ts.ClientConfig
	hc := plainHTTPClient(t, cfg)
	const large = "/api/v1/namespaces/gzip-large/pods"

	for _, accept := range []string{"application/json", "application/vnd.kubernetes.protobuf"} {
		t.Run(accept, func(t *testing.T) {
			// A resourceVersion makes the two answers the same list.
			rv := latestRV(t, cfg)
			path := large + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact"
			plain := getWithEncoding(t, hc, cfg, path, accept, "")
			if plain.contentEncoding != "" || len(plain.body) <= 128<<10 {
				t.Fatalf("without Accept-Encoding: %v; want an uncompressed list above 128 KiB", plain)
			}
			for _, ae := range []string{"gzip", "deflate, gzip"} {
				got := getWithEncoding(t, hc, cfg, path, accept, ae)
				if got.contentEncoding != "gzip" || !slices.Equal(got.vary, []string{"Accept-Encoding"}) || got.contentType != plain.contentType {
					t.Errorf("Accept-Encoding %q: %v; want gzip, Vary Accept-Encoding, Content-Type %q", ae, got, plain.contentType)
				}
				if !bytes.Equal(got.body, plain.body) {
					t.Errorf("Accept-Encoding %q: the list decompresses to %d bytes that differ from the %d sent uncompressed", ae, len(got.body), len(plain.body))
				}
				// compress/gzip's output depends only on the bytes: had the library's writer
				// compressed the list, these would be the bytes sent.
				var std bytes.Buffer
				gw, _ := gzip.NewWriterLevel(&std, gzip.BestSpeed)
				_, _ = gw.Write(got.body)
				_ = gw.Close()
				if bytes.Equal(got.wire, std.Bytes()) {
					t.Errorf("Accept-Encoding %q: the list was compressed by the library's compress/gzip writer, not by the list gzip filter", ae)
				}
			}
			for _, ae := range []string{"gzip;q=0", "br"} {
				if got := getWithEncoding(t, hc, cfg, path, accept, ae); got.contentEncoding != "" || !bytes.Equal(got.body, plain.body) {
					t.Errorf("Accept-Encoding %q: %v; want the uncompressed list", ae, got)
				}
			}
			got := getWithEncoding(t, hc, cfg, "/api/v1/namespaces/gzip-small/pods", accept, "gzip")
			if got.contentEncoding != "" || len(got.body) == 0 || len(got.body) > 128<<10 {
				t.Errorf("a list below 128 KiB: %v; want it uncompressed", got)
			}
			// Watches are never compressed, however much they send: from resourceVersion 0 the
			// watch replays every pod.
			got = getWithEncoding(t, hc, cfg, large+"?watch=1&timeoutSeconds=1&resourceVersion=0", accept, "gzip")
			if got.contentEncoding != "" || len(got.body) <= 128<<10 {
				t.Errorf("a watch replaying 12 pods of 16 KiB: %v; want more than 128 KiB, uncompressed", got)
			}
		})
	}
}
