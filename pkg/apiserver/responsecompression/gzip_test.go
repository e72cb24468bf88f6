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

package responsecompression_test

import (
	"bytes"
	stdgzip "compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	kpgzip "github.com/klauspost/compress/gzip"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/features"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	featuregatetesting "k8s.io/component-base/featuregate/testing"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver/responsecompression"
	"github.com/pod-apiserver/pod-apiserver/test/typicalpod"
)

// threshold is the library's defaultGzipThresholdBytes: a body must be longer to be compressed.
const threshold = 128 * 1024

// streamingCodecs serve lists with the library's streaming encoders, as the server's API group
// does (k8s.io/apiserver/pkg/server NewDefaultAPIGroupInfo): a 1- or 4-byte first write, then
// one write per item. apiserver.Codecs without the options encode a list in one write.
var streamingCodecs = serializer.NewCodecFactory(apiserver.Scheme,
	serializer.WithStreamingCollectionEncodingToJSON(),
	serializer.WithStreamingCollectionEncodingToProtobuf())

func encoderFor(t testing.TB, codecs serializer.CodecFactory, mediaType string) runtime.Encoder {
	t.Helper()
	info, ok := runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), mediaType)
	if !ok {
		t.Fatalf("no serializer for %s", mediaType)
	}
	return codecs.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion)
}

func encodedLen(t testing.TB, encoder runtime.Encoder, obj runtime.Object) int {
	t.Helper()
	var buf bytes.Buffer
	if err := encoder.Encode(obj, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

func pod(i int) corev1.Pod {
	p := typicalpod.Pod(i)
	p.Namespace = "default"
	p.UID = types.UID(fmt.Sprintf("uid-%06d", i))
	p.ResourceVersion = fmt.Sprint(100 + i)
	p.CreationTimestamp = metav1.Unix(1700000000+int64(i), 0)
	typicalpod.SetRunning(p, i)
	return *p
}

// podList returns n pods; when size > 0 the last pod carries padding so that the list encodes to
// exactly size bytes with encoder.
func podList(t testing.TB, encoder runtime.Encoder, n, size int) *corev1.PodList {
	t.Helper()
	list := &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "12345"}}
	for i := 0; i < n; i++ {
		list.Items = append(list.Items, pod(i))
	}
	if size <= 0 {
		return list
	}
	last := &list.Items[n-1]
	pad := 0
	for range 10 {
		last.Annotations = map[string]string{"padding": strings.Repeat("p", pad)}
		got := encodedLen(t, encoder, list)
		if got == size {
			return list
		}
		pad += size - got
		if pad < 0 {
			t.Fatalf("%d pods encode to more than %d bytes", n, size)
		}
	}
	t.Fatalf("could not pad the list to %d bytes", size)
	return nil
}

// chunkEncoder writes a body of its own in the write sizes it is given, as a streaming encoder
// would, and fails after the writes when err is set.
type chunkEncoder struct {
	writes []int
	err    error
}

func (e chunkEncoder) Encode(_ runtime.Object, w io.Writer) error {
	for i, n := range e.writes {
		chunk := make([]byte, n)
		for j := range chunk {
			chunk[j] = "abcdefghijklmnopqrstuvwxyz{}[],:"[(i*7+j*j)%32]
		}
		if _, err := w.Write(chunk); err != nil {
			return err
		}
	}
	return e.err
}

func (chunkEncoder) Identifier() runtime.Identifier { return "chunk" }

func chunks(first, chunk, total int) []int {
	writes := []int{first}
	for left := total - first; left > 0; left -= chunk {
		writes = append(writes, min(chunk, left))
	}
	return writes
}

// serialize answers every request as the library's handlers answer a list.
func serialize(mediaType string, encoder runtime.Encoder, status int, obj runtime.Object) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		responsewriters.SerializeObject(mediaType, encoder, w, req, status, obj)
	})
}

// withVerb gives requests the RequestInfo the library's filter would resolve for the pods
// collection, with the given verb.
func withVerb(verb string, handler http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		info := &request.RequestInfo{IsResourceRequest: true, Path: req.URL.Path, Verb: verb, APIPrefix: "api", APIVersion: "v1", Resource: "pods"}
		handler.ServeHTTP(w, req.WithContext(request.WithRequestInfo(req.Context(), info)))
	})
}

// response is what a client receives: headers that tell how the body was sent, the body as sent
// and decompressed.
type response struct {
	status          int
	contentType     string
	contentEncoding string
	vary            []string
	// contentLength is only compared for uncompressed bodies: compressors differ in output size.
	contentLength string
	wire          []byte
	body          []byte
}

func (r response) String() string {
	return fmt.Sprintf("HTTP %d, Content-Type %q, Content-Encoding %q, Vary %q, %d bytes sent, %d bytes", r.status, r.contentType, r.contentEncoding, r.vary, len(r.wire), len(r.body))
}

// get serves one request through handler on a real HTTP server and reads the answer as sent:
// the client does not decompress on its own.
func get(t testing.TB, handler http.Handler, acceptEncoding string) response {
	t.Helper()
	server := httptest.NewServer(handler)
	defer server.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodGet, server.URL+"/api/v1/pods", nil)
	if err != nil {
		t.Fatal(err)
	}
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
	r := response{
		status:          resp.StatusCode,
		contentType:     resp.Header.Get("Content-Type"),
		contentEncoding: resp.Header.Get("Content-Encoding"),
		vary:            resp.Header.Values("Vary"),
		wire:            wire,
		body:            wire,
	}
	if r.contentEncoding == "gzip" {
		gz, err := stdgzip.NewReader(bytes.NewReader(wire))
		if err != nil {
			t.Fatal(err)
		}
		if r.body, err = io.ReadAll(gz); err != nil {
			t.Fatalf("decompressing: %v", err)
		}
	} else {
		r.contentLength = resp.Header.Get("Content-Length")
	}
	return r
}

// sameAnswer requires what a client sees to be the same: headers, and the body once
// decompressed. The compressed bytes may differ.
func sameAnswer(t *testing.T, name string, got, want response) {
	t.Helper()
	if got.status != want.status || got.contentType != want.contentType || got.contentEncoding != want.contentEncoding ||
		!slices.Equal(got.vary, want.vary) || got.contentLength != want.contentLength || !bytes.Equal(got.body, want.body) {
		t.Errorf("%s:\n with the filter:  %v\n the library alone: %v", name, got, want)
	}
}

var acceptEncodings = []string{"gzip", "deflate, gzip", "gzip;q=0", "br", ""}

// acceptsGzip is the library's rule, restated: a comma-separated token equal to "gzip".
func acceptsGzip(acceptEncoding string) bool {
	for _, token := range strings.Split(acceptEncoding, ",") {
		if strings.TrimSpace(token) == "gzip" {
			return true
		}
	}
	return false
}

// TestSameAnswersAsTheLibrary serves lists through the library's SerializeObject alone and behind
// the filter, for each write pattern the library distinguishes, around the threshold, and each
// Accept-Encoding, and requires the same answer.
func TestSameAnswersAsTheLibrary(t *testing.T) {
	type tc struct {
		name      string
		mediaType string
		encoder   runtime.Encoder
		status    int
		obj       runtime.Object
		// compressed is whether a client accepting gzip receives it compressed.
		compressed bool
	}
	var cases []tc
	for _, codec := range []struct {
		name   string
		codecs serializer.CodecFactory
	}{{"single write", apiserver.Codecs}, {"streaming", streamingCodecs}} {
		for _, mediaType := range []string{runtime.ContentTypeJSON, runtime.ContentTypeProtobuf} {
			encoder := encoderFor(t, codec.codecs, mediaType)
			for _, size := range []struct {
				name       string
				pods, size int
				compressed bool
			}{
				{"one pod", 1, 0, false},
				{"exactly the threshold", 2, threshold, false},
				{"one byte above the threshold", 2, threshold + 1, true},
				{"200 pods", 200, 0, true},
			} {
				cases = append(cases, tc{
					name:      fmt.Sprintf("%s %s, %s", codec.name, mediaType, size.name),
					mediaType: mediaType, encoder: encoder, status: http.StatusOK,
					obj: podList(t, encoder, size.pods, size.size), compressed: size.compressed,
				})
			}
		}
	}
	jsonEncoder := encoderFor(t, apiserver.Codecs, runtime.ContentTypeJSON)
	for _, c := range []struct {
		name       string
		writes     []int
		compressed bool
	}{
		{"first write of 1 byte, buffered to the threshold", chunks(1, 1000, threshold), false},
		{"first write of 1 byte, buffered past the threshold", chunks(1, 1000, threshold+1), true},
		{"first write of 4 bytes, then one large write", []int{4, 1 << 20}, true},
		{"first write of 5 bytes is not streaming", []int{5, 1 << 20}, false},
		{"first write above the threshold", []int{threshold + 1, 10}, true},
		{"first write at the threshold", []int{threshold, 1 << 20}, false},
		{"first write of 0 bytes", []int{0, 3, threshold}, true},
		{"nothing written", nil, false},
	} {
		cases = append(cases, tc{name: "chunks: " + c.name, mediaType: "text/plain", encoder: chunkEncoder{writes: c.writes},
			status: http.StatusOK, obj: &corev1.PodList{}, compressed: c.compressed})
	}
	cases = append(cases,
		tc{name: "error status", mediaType: runtime.ContentTypeJSON, encoder: jsonEncoder, status: http.StatusNotFound,
			obj: &apierrors.NewNotFound(corev1.Resource("pods"), "missing").ErrStatus},
		tc{name: "large error status", mediaType: runtime.ContentTypeJSON, encoder: jsonEncoder, status: http.StatusConflict,
			obj: &apierrors.NewConflict(corev1.Resource("pods"), "busy", errors.New(strings.Repeat("m", 2*threshold))).ErrStatus, compressed: true},
		tc{name: "created", mediaType: runtime.ContentTypeJSON, encoder: jsonEncoder, status: http.StatusCreated,
			obj: podList(t, jsonEncoder, 200, 0), compressed: true},
		// Once compression started, a failing encoder's error status follows in the same stream,
		// under the status already sent.
		tc{name: "encoder fails after the threshold", mediaType: runtime.ContentTypeJSON,
			encoder: chunkEncoder{writes: chunks(1, 4096, threshold+4096), err: errors.New("broken item")},
			status:  http.StatusOK, obj: &corev1.PodList{}, compressed: true},
	)

	for _, c := range cases {
		library := withVerb("list", serialize(c.mediaType, c.encoder, c.status, c.obj))
		filtered := withVerb("list", responsecompression.WithListGzip(serialize(c.mediaType, c.encoder, c.status, c.obj)))
		for _, ae := range acceptEncodings {
			name := fmt.Sprintf("%s, Accept-Encoding %q", c.name, ae)
			want := get(t, library, ae)
			got := get(t, filtered, ae)
			sameAnswer(t, name, got, want)
			// Guard against comparing two answers that are both wrong the same way.
			if wantGzip := c.compressed && acceptsGzip(ae); (want.contentEncoding == "gzip") != wantGzip {
				t.Errorf("%s: the library answered %v; the case expects compressed=%v", name, want, wantGzip)
			}
			if want.status != c.status {
				t.Errorf("%s: status %d, want %d", name, want.status, c.status)
			}
		}
	}
}

// With APIResponseCompression off the library compresses nothing, and neither does the filter.
func TestFeatureGateOff(t *testing.T) {
	featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, features.APIResponseCompression, false)
	encoder := encoderFor(t, streamingCodecs, runtime.ContentTypeProtobuf)
	list := podList(t, encoder, 200, 0)
	var seen string
	probe := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		seen = req.Header.Get("Accept-Encoding")
		responsewriters.SerializeObject(runtime.ContentTypeProtobuf, encoder, w, req, http.StatusOK, list)
	})
	want := get(t, withVerb("list", probe), "gzip")
	got := get(t, withVerb("list", responsecompression.WithListGzip(probe)), "gzip")
	sameAnswer(t, "feature gate off", got, want)
	if got.contentEncoding != "" {
		t.Errorf("compressed with the feature gate off: %v", got)
	}
	if seen != "gzip" {
		t.Errorf("with the feature gate off the handler saw Accept-Encoding %q, want the request unchanged", seen)
	}
}

// The filter is the compressor of lists: the handler no longer sees that the client accepts
// gzip, yet the answer is compressed, and not by compress/gzip.
func TestListsAreCompressedByTheFilter(t *testing.T) {
	encoder := encoderFor(t, apiserver.Codecs, runtime.ContentTypeProtobuf)
	list := podList(t, encoder, 200, 0)
	var seen []string
	probe := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		seen = req.Header.Values("Accept-Encoding")
		if _, ok := w.(http.Flusher); !ok {
			t.Errorf("the handler's writer is %T, not a Flusher", w)
		}
		//nolint:staticcheck // SA1019: the library's filters still look for it.
		if _, ok := w.(http.CloseNotifier); !ok {
			t.Errorf("the handler's writer is %T, not a CloseNotifier", w)
		}
		responsewriters.SerializeObject(runtime.ContentTypeProtobuf, encoder, w, req, http.StatusOK, list)
	})
	got := get(t, withVerb("list", responsecompression.WithListGzip(probe)), "deflate, gzip")
	if len(seen) != 0 {
		t.Errorf("the handler of a list saw Accept-Encoding %q; want it removed", seen)
	}
	if got.contentEncoding != "gzip" {
		t.Fatalf("a list of %d bytes was answered %v, want gzip", len(got.body), got)
	}
	// compress/gzip's output does not depend on how the body was written: had the library
	// compressed, the bytes sent would be these.
	var std bytes.Buffer
	gw, _ := stdgzip.NewWriterLevel(&std, stdgzip.BestSpeed)
	_, _ = gw.Write(got.body)
	_ = gw.Close()
	if bytes.Equal(got.wire, std.Bytes()) {
		t.Errorf("the list was compressed by compress/gzip, not by the filter")
	}
	// The list was written in one write: klauspost's output for it is what was sent.
	var kp bytes.Buffer
	kw, _ := kpgzip.NewWriterLevel(&kp, kpgzip.BestSpeed)
	_, _ = kw.Write(got.body)
	_ = kw.Close()
	if !bytes.Equal(got.wire, kp.Bytes()) {
		t.Errorf("the bytes sent (%d) are not klauspost's gzip of the body (%d)", len(got.wire), kp.Len())
	}
}

// Requests other than lists reach the handler unchanged, and the library compresses them
// itself when it would.
func TestOtherRequestsAreLeftToTheLibrary(t *testing.T) {
	encoder := encoderFor(t, apiserver.Codecs, runtime.ContentTypeJSON)
	big := pod(1)
	big.Annotations = map[string]string{"padding": strings.Repeat("x", 2*threshold)}
	for _, verb := range []string{"get", "watch", "create"} {
		var seen string
		probe := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			seen = req.Header.Get("Accept-Encoding")
			responsewriters.SerializeObject(runtime.ContentTypeJSON, encoder, w, req, http.StatusOK, &big)
		})
		want := get(t, withVerb(verb, probe), "gzip")
		got := get(t, withVerb(verb, responsecompression.WithListGzip(probe)), "gzip")
		sameAnswer(t, verb, got, want)
		if seen != "gzip" {
			t.Errorf("%s: the handler saw Accept-Encoding %q, want the request unchanged", verb, seen)
		}
		if got.contentEncoding != "gzip" || !bytes.Equal(got.wire, want.wire) {
			t.Errorf("%s: answered %v; want the library's own compressed bytes", verb, got)
		}
	}
	// Without RequestInfo (the filter placed outside the library's chain) nothing changes either.
	var seen string
	probe := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { seen = req.Header.Get("Accept-Encoding") })
	get(t, responsecompression.WithListGzip(probe), "gzip")
	if seen != "gzip" {
		t.Errorf("without RequestInfo the handler saw Accept-Encoding %q, want the request unchanged", seen)
	}
}

// A handler that sets its status and flushes before writing still gets its body compressed,
// under that status: the flush waits for the decision. As with net/http, the first status wins.
func TestFlushBeforeTheFirstWrite(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), threshold/8)
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusAccepted)
		w.(http.Flusher).Flush()
		_, _ = w.Write(body[:10])
		w.(http.Flusher).Flush()
		_, _ = w.Write(body[10:])
		w.(http.Flusher).Flush()
	})
	got := get(t, withVerb("list", responsecompression.WithListGzip(handler)), "gzip")
	// The first write (10 bytes) is not a streaming one: the library would not compress.
	if got.status != http.StatusAccepted || got.contentEncoding != "" || !bytes.Equal(got.body, body) {
		t.Errorf("got %v", got)
	}
	handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		w.WriteHeader(http.StatusTeapot)
		w.(http.Flusher).Flush()
		_, _ = w.Write(body[:1])
		w.(http.Flusher).Flush()
		_, _ = w.Write(body[1:])
		w.(http.Flusher).Flush()
		_, _ = w.Write(body)
	})
	got = get(t, withVerb("list", responsecompression.WithListGzip(handler)), "gzip")
	if got.status != http.StatusAccepted || got.contentEncoding != "gzip" || !bytes.Equal(got.body, append(slices.Clip(body), body...)) {
		t.Errorf("got %v", got)
	}
}

// A panic in the handler propagates, as it does from the library's writer.
func TestHandlerPanicPropagates(t *testing.T) {
	handler := responsecompression.WithListGzip(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = w.Write(make([]byte, threshold+1))
		panic("handler failed")
	}))
	req := httptest.NewRequest(http.MethodGet, "/api/v1/pods", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req = req.WithContext(request.WithRequestInfo(req.Context(), &request.RequestInfo{IsResourceRequest: true, Verb: "list"}))
	defer func() {
		if r := recover(); r != "handler failed" {
			t.Errorf("recovered %v, want the handler's panic", r)
		}
	}()
	handler.ServeHTTP(httptest.NewRecorder(), req)
	t.Error("the handler's panic did not propagate")
}

// Compressors are pooled: concurrent lists must not share one (run with -race).
func TestConcurrentLists(t *testing.T) {
	encoder := encoderFor(t, streamingCodecs, runtime.ContentTypeJSON)
	list := podList(t, encoder, 200, 0)
	// Encoding sets the object's type meta: each request encodes its own copy, as in the server.
	perRequest := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		responsewriters.SerializeObject(runtime.ContentTypeJSON, encoder, w, req, http.StatusOK, list.DeepCopy())
	})
	server := httptest.NewServer(withVerb("list", responsecompression.WithListGzip(perRequest)))
	defer server.Close()
	want := get(t, withVerb("list", serialize(runtime.ContentTypeJSON, encoder, http.StatusOK, list)), "")
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				req, _ := http.NewRequest(http.MethodGet, server.URL, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				gz, err := stdgzip.NewReader(resp.Body)
				if err != nil {
					t.Error(err)
					resp.Body.Close()
					return
				}
				body, err := io.ReadAll(gz)
				resp.Body.Close()
				if err != nil || !bytes.Equal(body, want.body) {
					t.Errorf("concurrent list: %v, %d bytes, want %d", err, len(body), len(want.body))
				}
			}
		})
	}
	wg.Wait()
}

// The one answer that differs from the library's: a streaming encoder that fails before the
// threshold. The library, still holding the start, drops it and answers the error alone under
// the error's status; behind the filter the library's writer no longer holds anything back, so
// the start went out, and the answer is the one a client not accepting gzip gets from the
// library. Encoding a list fails only on objects the encoder cannot represent.
func TestEncoderFailingBeforeTheThreshold(t *testing.T) {
	encoder := chunkEncoder{writes: chunks(1, 1000, 10000), err: errors.New("broken item")}
	handler := serialize(runtime.ContentTypeJSON, encoder, http.StatusOK, &corev1.PodList{})
	library := get(t, withVerb("list", handler), "gzip")
	uncompressed := get(t, withVerb("list", handler), "")
	got := get(t, withVerb("list", responsecompression.WithListGzip(handler)), "gzip")
	sameAnswer(t, "failing encoder, compared with the library not compressing", got, uncompressed)
	if library.status != http.StatusInternalServerError || got.status != http.StatusOK {
		t.Errorf("the library answered %v, the filter %v: the difference is not the documented one", library, got)
	}
}
