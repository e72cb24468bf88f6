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

// Package responsecompression gzips LIST responses with github.com/klauspost/compress instead of
// the standard library's compress/gzip, which the library's response writer uses without a hook
// and which takes about twice the CPU at the same level. Clients see what the library would have
// sent: the same thresholds, Accept-Encoding rule, feature gate and headers; only the compressed
// bytes differ, and they decompress to the same body.
package responsecompression

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/klauspost/compress/gzip"

	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/endpoints/responsewriter"
	"k8s.io/apiserver/pkg/features"
)

// The library's decision rule, which clients can observe (whether a response is compressed), so
// the values must stay those of the library version in go.mod.
const (
	// gzipThresholdBytes: a response whose first write, or whose buffered start, is no longer
	// than this is sent uncompressed.
	//
	// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/writers.go defaultGzipThresholdBytes
	gzipThresholdBytes = 128 * 1024
	// streamingFirstWriteBytes: a first write this short comes from a streaming encoder (the
	// JSON list encoder writes "{", protobuf its 4-byte prefix), so the writer buffers until it
	// can tell the response's size.
	//
	// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/writers.go firstWriteStreamingThresholdBytes
	streamingFirstWriteBytes = 4
	// gzipLevel is the library's level (BestSpeed).
	//
	// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/compression.go gzipContentEncodingLevel
	gzipLevel = gzip.BestSpeed
)

// gzipWriters reuses compressors across responses: each holds some hundreds of KiB of state.
//
// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/compression.go NewGzipWriterPoolOrDie
var gzipWriters = sync.Pool{
	New: func() any {
		gw, err := gzip.NewWriterLevel(nil, gzipLevel)
		if err != nil {
			// Only an invalid level fails, and the level is a constant.
			panic(err)
		}
		return gw
	},
}

// WithListGzip serves resource LIST requests that accept gzip with a response writer that
// compresses as the library would, and hides Accept-Encoding from handler so the library's own
// writer does not compress a second time. It belongs right around the API handler, inside the
// filters that resolve RequestInfo. Every other request (watches, which the library never
// compresses, single objects, non-resource paths) reaches handler unchanged.
func WithListGzip(handler http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		info, ok := request.RequestInfoFrom(req.Context())
		if !ok || !info.IsResourceRequest || info.Verb != "list" ||
			responsewriters.ContentEncodingSupported(req, features.APIResponseCompression) != "gzip" {
			handler.ServeHTTP(w, req)
			return
		}
		inner := req.WithContext(req.Context())
		inner.Header = req.Header.Clone()
		inner.Header.Del("Accept-Encoding")

		lw := &listWriter{hw: w}
		handler.ServeHTTP(responsewriter.WrapForHTTP1Or2(lw), inner)
		// Not deferred: a panicking handler propagates as it would from the library, and the
		// panic filters decide what the client sees.
		lw.finish()
	})
}

// listWriter decides, from the handler's writes, whether to compress exactly as the library's
// writer does, and compresses with klauspost's gzip. It holds back the status until the first
// byte of body so that Content-Encoding can still be set.
//
// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/writers.go deferredResponseWriter
type listWriter struct {
	hw http.ResponseWriter
	// status is the first final status the handler set, 0 if none yet.
	status int
	// committed is set once hw has been given the status: the decision is made.
	committed bool
	// gw is the compressor once the decision was to compress.
	gw *gzip.Writer
	// buffering is set while a streaming encoder's writes are held until the size is known.
	buffering bool
	buffer    []byte
}

var _ responsewriter.UserProvidedDecorator = &listWriter{}

func (w *listWriter) Unwrap() http.ResponseWriter { return w.hw }

func (w *listWriter) Header() http.Header { return w.hw.Header() }

// WriteHeader records the status until the first write shows whether the body is compressed.
func (w *listWriter) WriteHeader(code int) {
	switch {
	case w.committed:
		// Let the server report the superfluous call, as it would without this writer.
		w.hw.WriteHeader(code)
	case code >= 100 && code < 200 && code != http.StatusSwitchingProtocols:
		// Informational statuses go out at once and do not fix the final one.
		w.hw.WriteHeader(code)
	case w.status == 0:
		w.status = code
	}
}

// Write applies the library's rule to the first write: above the threshold compress, above the
// streaming size send as is, otherwise hold the writes until they pass the threshold (compress)
// or the handler returns (send as is).
//
// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/writers.go deferredResponseWriter.Write
func (w *listWriter) Write(p []byte) (int, error) {
	switch {
	case w.committed:
		return w.send(p)
	case !w.buffering && len(p) > gzipThresholdBytes:
		w.commit(true)
		return w.send(p)
	case !w.buffering && len(p) > streamingFirstWriteBytes:
		w.commit(false)
		return w.send(p)
	}
	if !w.buffering {
		w.buffering = true
		// An empty list is about 80 bytes; start there to spare the first reallocations.
		w.buffer = make([]byte, 0, max(80, len(p)))
	}
	w.buffer = append(w.buffer, p...)
	if len(w.buffer) <= gzipThresholdBytes {
		return len(p), nil
	}
	w.commit(true)
	buffered := w.buffer
	w.buffering, w.buffer = false, nil
	// The caller's bytes were taken even if sending failed: report them with the error.
	_, err := w.send(buffered)
	return len(p), err
}

// send writes body bytes once the decision is made.
func (w *listWriter) send(p []byte) (int, error) {
	if w.gw != nil {
		return w.gw.Write(p)
	}
	return w.hw.Write(p)
}

// commit sends the status and, when compressing, the headers the library sets for it, and
// takes a compressor. An encoding the handler set itself is left alone.
//
// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/writers.go deferredResponseWriter.unbufferedWrite
func (w *listWriter) commit(compress bool) {
	w.committed = true
	header := w.hw.Header()
	if compress && header.Get("Content-Encoding") == "" {
		header.Set("Content-Encoding", "gzip")
		header.Add("Vary", "Accept-Encoding")
		// A length set for the uncompressed body would be wrong (the library never sets one).
		header.Del("Content-Length")
		gw := gzipWriters.Get().(*gzip.Writer)
		gw.Reset(w.hw)
		w.gw = gw
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	w.hw.WriteHeader(status)
}

// Flush sends what is compressed so far. Before the decision there is nothing to send, and
// flushing the status would fix the headers without Content-Encoding, so it waits.
func (w *listWriter) Flush() {
	if !w.committed {
		return
	}
	if w.gw != nil {
		if err := w.gw.Flush(); err != nil {
			return
		}
	}
	if f, ok := w.hw.(http.Flusher); ok {
		f.Flush()
	}
}

// finish completes the response once the handler returned: a held back start goes out
// uncompressed, a status without body goes out alone, a compressed body is terminated and its
// compressor returned to the pool.
//
// k8s.io/apiserver@v0.37.2 pkg/endpoints/handlers/responsewriters/writers.go deferredResponseWriter.Close
func (w *listWriter) finish() {
	switch {
	case w.buffering:
		w.commit(false)
		buffered := w.buffer
		w.buffering, w.buffer = false, nil
		if _, err := w.hw.Write(buffered); err != nil {
			utilruntime.HandleError(fmt.Errorf("writing a list response: %w", err))
		}
	case !w.committed:
		if w.status != 0 {
			w.commit(false)
		}
	case w.gw != nil:
		gw := w.gw
		w.gw = nil
		if err := gw.Close(); err != nil {
			utilruntime.HandleError(fmt.Errorf("completing a gzip list response: %w", err))
		}
		// Drop the reference to the response before pooling.
		gw.Reset(nil)
		gzipWriters.Put(gw)
	}
}
