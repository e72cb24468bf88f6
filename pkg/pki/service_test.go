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

package pki

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
)

func writeService(t *testing.T, o ServiceBundleOptions) *ServiceBundle {
	t.Helper()
	b, err := WriteServiceBundle(o)
	if err != nil {
		t.Fatalf("WriteServiceBundle: %v", err)
	}
	return b
}

func TestServiceBundleFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	b := writeService(t, ServiceBundleOptions{Dir: dir, Service: "pod-apiserver", Namespace: "pods", ExtraSANs: []string{"pods.example.test", "192.0.2.7"}})

	for name, mode := range map[string]os.FileMode{
		"ca.crt": 0o644, "ca.key": 0o600, "tls.crt": 0o644, "tls.key": 0o600,
		"admin.crt": 0o644, "admin.key": 0o600, "admin.kubeconfig": 0o600,
	} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), mode)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 7 {
		t.Errorf("%d files in %s, want exactly the 7 named ones", len(entries), dir)
	}

	pool := caPool(t, b.Bundle)
	serving := readCert(t, filepath.Join(dir, "tls.crt"))
	if _, err := serving.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Errorf("tls.crt does not verify against ca.crt: %v", err)
	}
	for _, name := range []string{
		"pod-apiserver", "pod-apiserver.pods", "pod-apiserver.pods.svc", "pod-apiserver.pods.svc.cluster.local",
		"localhost", "127.0.0.1", "::1", "pods.example.test", "192.0.2.7",
	} {
		if err := serving.VerifyHostname(name); err != nil {
			t.Errorf("tls.crt does not cover %s: %v", name, err)
		}
	}
	if err := serving.VerifyHostname("pod-apiserver.other.svc"); err == nil {
		t.Errorf("tls.crt covers another namespace's name")
	}

	admin := readCert(t, filepath.Join(dir, "admin.crt"))
	if admin.Subject.CommonName != "admin" || strings.Join(admin.Subject.Organization, ",") != "system:masters" {
		t.Errorf("admin.crt subject = %v", admin.Subject)
	}
	if _, err := admin.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("admin.crt does not verify as a client against ca.crt: %v", err)
	}

	cfg, err := clientcmd.LoadFromFile(b.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	cluster, user := cfg.Clusters[ctx.Cluster], cfg.AuthInfos[ctx.AuthInfo]
	caPEM, _ := os.ReadFile(filepath.Join(dir, "ca.crt"))
	adminPEM, _ := os.ReadFile(filepath.Join(dir, "admin.crt"))
	if cluster.Server != DefaultServerURL || !bytes.Equal(cluster.CertificateAuthorityData, caPEM) || cluster.CertificateAuthority != "" {
		t.Errorf("cluster = %s, CA embedded %v, CA file %q", cluster.Server, bytes.Equal(cluster.CertificateAuthorityData, caPEM), cluster.CertificateAuthority)
	}
	if !bytes.Equal(user.ClientCertificateData, adminPEM) || len(user.ClientKeyData) == 0 || user.ClientCertificate != "" || user.ClientKey != "" {
		t.Errorf("kubeconfig user does not embed admin.crt and admin.key")
	}
}

// A rerun keeps everything still valid; a new name reissues only the serving certificate; a new
// server URL goes into the kubeconfig and the serving certificate; --new-ca replaces everything.
func TestServiceBundleRerun(t *testing.T) {
	dir := t.TempDir()
	o := ServiceBundleOptions{Dir: dir, Service: "api", Namespace: "ns"}
	b := writeService(t, o)
	before := snapshot(t, b.Bundle)

	b = writeService(t, o)
	assertChanged(t, before, snapshot(t, b.Bundle))

	o.ExtraSANs = []string{"api.example.test"}
	o.ServerURL = "https://203.0.113.9:31443"
	b = writeService(t, o)
	after := snapshot(t, b.Bundle)
	assertChanged(t, before, after, b.ServingCertFile, b.ServingKeyFile)
	serving := readCert(t, b.ServingCertFile)
	for _, name := range []string{"api.example.test", "203.0.113.9", "api.ns.svc"} {
		if err := serving.VerifyHostname(name); err != nil {
			t.Errorf("reissued tls.crt does not cover %s: %v", name, err)
		}
	}
	cfg, err := clientcmd.LoadFromFile(b.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Clusters[cfg.Contexts[cfg.CurrentContext].Cluster].Server; got != o.ServerURL {
		t.Errorf("kubeconfig server = %s, want %s", got, o.ServerURL)
	}

	o.NewCA = true
	b = writeService(t, o)
	assertChanged(t, after, snapshot(t, b.Bundle), files(b.Bundle)...)
}

func TestServiceBundleRejects(t *testing.T) {
	dir := t.TempDir()
	for _, o := range []ServiceBundleOptions{
		{Dir: dir, Service: "Bad_Name", Namespace: "ns"},
		{Dir: dir, Service: "api", Namespace: ""},
		{Dir: dir, Service: "api", Namespace: "ns", ExtraSANs: []string{"not a name"}},
		{Dir: dir, Service: "api", Namespace: "ns", ServerURL: "http://127.0.0.1:6443"},
		{Dir: "", Service: "api", Namespace: "ns"},
	} {
		if _, err := WriteServiceBundle(o); err == nil {
			t.Errorf("%+v: accepted", o)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("rejected options left %d files behind", len(entries))
	}
	for _, s := range []string{"api", "api.", ".ns", "api.ns.extra", "API.ns"} {
		if _, _, err := ParseService(s); err == nil {
			t.Errorf("ParseService(%q) accepted", s)
		}
	}
	if svc, ns, err := ParseService("pod-apiserver.pods"); err != nil || svc != "pod-apiserver" || ns != "pods" {
		t.Errorf("ParseService = %q %q %v", svc, ns, err)
	}
}
