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

package framework

import (
	"testing"
	"time"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/kubelet"
)

// UnreachableKubeletIP is a host IP the server started by StartWithKubelet trusts but where no
// kubelet answers (TEST-NET-3, RFC 5737).
const UnreachableKubeletIP = "203.0.113.1"

// StartWithKubelet runs a stand-in kubelet and a pod-apiserver that trusts it and presents the
// client certificate it wants, both until the test ends. customize runs after the kubelet
// settings are made.
func StartWithKubelet(t testing.TB, customize ...func(*server.Options)) (*TestServer, *kubelet.Server) {
	t.Helper()
	if _, err := kubelet.HostAddress(); err != nil {
		// The server trusts no loopback kubelet, so the stand-in needs a real address.
		t.Skipf("no kubelet stand-in: %v", err)
	}
	dir := t.TempDir()
	certs, err := kubelet.NewCertificates(dir)
	if err != nil {
		t.Fatal(err)
	}
	kl, err := kubelet.Start(kubelet.Config{Certificates: certs, LogDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kl.Close() })
	ts := Start(t, append([]func(*server.Options){func(o *server.Options) {
		o.Kubelet.Config.Port = uint(kl.Port)
		o.Kubelet.AllowedNetworks = []string{kl.Host + "/32", UnreachableKubeletIP + "/32"}
		o.Kubelet.Config.CertFile = certs.ClientCertFile
		o.Kubelet.Config.KeyFile = certs.ClientKeyFile
		o.Kubelet.Config.CAFile = certs.CAFile
		// Short, so that an unreachable kubelet fails a test quickly rather than hanging it.
		o.Kubelet.Config.Timeout = 2 * time.Second
	}}, customize...)...)
	return ts, kl
}
