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
	"io"
	"testing"

	kpgzip "github.com/klauspost/compress/gzip"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
)

// BenchmarkListGzip compresses the protobuf list of 10,000 typical running pods at the level
// the library uses, with the library's compressor and with the filter's, each reused through
// Reset as their pools do.
func BenchmarkListGzip(b *testing.B) {
	encoder := encoderFor(b, apiserver.Codecs, runtime.ContentTypeProtobuf)
	var body bytes.Buffer
	if err := encoder.Encode(podList(b, encoder, 10000, 0), &body); err != nil {
		b.Fatal(err)
	}
	type compressor interface {
		io.WriteCloser
		Reset(io.Writer)
	}
	run := func(b *testing.B, gw compressor) {
		var out countingWriter
		b.SetBytes(int64(body.Len()))
		b.ReportAllocs()
		for b.Loop() {
			out = 0
			gw.Reset(&out)
			if _, err := gw.Write(body.Bytes()); err != nil {
				b.Fatal(err)
			}
			if err := gw.Close(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(out)/float64(body.Len()), "ratio")
	}
	b.Run("library-compress/gzip", func(b *testing.B) {
		gw, _ := stdgzip.NewWriterLevel(nil, stdgzip.BestSpeed)
		run(b, gw)
	})
	b.Run("klauspost", func(b *testing.B) {
		gw, _ := kpgzip.NewWriterLevel(nil, kpgzip.BestSpeed)
		run(b, gw)
	})
}

// countingWriter discards what it is given and counts it.
type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
