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
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
)

// The server's own clients (the Node authorizer's pod informer decodes every pod write) talk
// protobuf without gzip, as kube-apiserver's do; JSON made that informer an eighth of a create's
// CPU.
func TestLoopbackClientTalksProtobufUncompressed(t *testing.T) {
	o := parse(t, "--etcd-servers=http://127.0.0.1:1", "--cert-dir="+t.TempDir(), "--anonymous-auth")
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
	loopback := cfg.GenericConfig.LoopbackClientConfig
	if loopback.ContentType != runtime.ContentTypeProtobuf {
		t.Errorf("loopback content type %q, want %q", loopback.ContentType, runtime.ContentTypeProtobuf)
	}
	if !loopback.DisableCompression {
		t.Error("the loopback client asks for gzip")
	}
}
