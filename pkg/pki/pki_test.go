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
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	certutil "k8s.io/client-go/util/cert"
)

func ensure(t *testing.T, dir string, hosts []string, ips []net.IP) *Bundle {
	t.Helper()
	b, err := EnsureBundle(dir, hosts, ips)
	if err != nil {
		t.Fatalf("EnsureBundle: %v", err)
	}
	return b
}

func files(b *Bundle) []string {
	return []string{b.CACertFile, b.CAKeyFile, b.ServingCertFile, b.ServingKeyFile, b.AdminCertFile, b.AdminKeyFile}
}

func snapshot(t *testing.T, b *Bundle) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for _, f := range files(b) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = data
	}
	return m
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	certs, err := certutil.CertsFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return certs[0]
}

func caPool(t *testing.T, b *Bundle) *x509.CertPool {
	t.Helper()
	pool, err := certutil.NewPool(b.CACertFile)
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

// assertChanged fails unless exactly the files in changed differ between
// before and after.
func assertChanged(t *testing.T, before, after map[string][]byte, changed ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, f := range changed {
		want[f] = true
	}
	for f, old := range before {
		same := bytes.Equal(old, after[f])
		if want[f] && same {
			t.Errorf("%s was not regenerated", filepath.Base(f))
		}
		if !want[f] && !same {
			t.Errorf("%s changed but should have been reused", filepath.Base(f))
		}
	}
}

func TestEnsureBundleCreatesAndReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	b := ensure(t, dir, nil, nil)

	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("dir mode = %o, want 700", got)
	}
	for _, f := range []string{b.CAKeyFile, b.ServingKeyFile, b.AdminKeyFile} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode = %o, want 600", filepath.Base(f), got)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 6 {
		t.Errorf("dir holds %d entries, want the 6 PEM files only", len(entries))
	}

	ca := readCert(t, b.CACertFile)
	if !ca.IsCA {
		t.Error("CA certificate is not a CA")
	}
	if d := ca.NotAfter.Sub(time.Now()); d < 9*365*24*time.Hour {
		t.Errorf("CA valid for only %v", d)
	}
	serving := readCert(t, b.ServingCertFile)
	if d := serving.NotAfter.Sub(time.Now()); d < 360*24*time.Hour || d > 366*24*time.Hour {
		t.Errorf("serving cert valid for %v, want about a year", d)
	}

	before := snapshot(t, b)
	b2 := ensure(t, dir, nil, nil)
	if *b2 != *b {
		t.Errorf("second bundle %+v differs from first %+v", b2, b)
	}
	assertChanged(t, before, snapshot(t, b2))
}

func TestServingCertCoversDefaultsAndRequestedSANs(t *testing.T) {
	dir := t.TempDir()
	b := ensure(t, dir, []string{"API.example.test", "10.9.8.7"}, []net.IP{net.ParseIP("::1")})
	c := readCert(t, b.ServingCertFile)

	for _, name := range []string{"localhost", "api.example.test", "127.0.0.1", "10.9.8.7", "::1"} {
		if _, err := c.Verify(x509.VerifyOptions{
			DNSName:   name,
			Roots:     caPool(t, b),
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}); err != nil {
			t.Errorf("serving cert does not verify for %q: %v", name, err)
		}
	}
	// An IP passed as a host must become an IP SAN, or clients dialing the
	// IP would reject the certificate.
	for _, d := range c.DNSNames {
		if net.ParseIP(d) != nil {
			t.Errorf("IP %q ended up as a DNS SAN", d)
		}
	}
	if _, err := c.Verify(x509.VerifyOptions{
		Roots:     caPool(t, b),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err == nil {
		t.Error("serving cert unexpectedly valid for client auth")
	}
}

func TestMissingServingCertRegeneratesOnlyIt(t *testing.T) {
	dir := t.TempDir()
	b := ensure(t, dir, nil, nil)
	before := snapshot(t, b)

	if err := os.Remove(b.ServingCertFile); err != nil {
		t.Fatal(err)
	}
	b = ensure(t, dir, nil, nil)
	assertChanged(t, before, snapshot(t, b), b.ServingCertFile, b.ServingKeyFile)

	if _, err := readCert(t, b.ServingCertFile).Verify(x509.VerifyOptions{
		Roots:     caPool(t, b),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}); err != nil {
		t.Errorf("regenerated serving cert does not verify against the kept CA: %v", err)
	}
	if _, err := tls.LoadX509KeyPair(b.ServingCertFile, b.ServingKeyFile); err != nil {
		t.Errorf("regenerated serving cert and key do not match: %v", err)
	}
}

func TestNewSANRegeneratesServingCert(t *testing.T) {
	dir := t.TempDir()
	b := ensure(t, dir, []string{"a.example.test"}, nil)
	before := snapshot(t, b)

	b = ensure(t, dir, []string{"a.example.test", "b.example.test"}, []net.IP{net.ParseIP("192.0.2.10")})
	after := snapshot(t, b)
	assertChanged(t, before, after, b.ServingCertFile, b.ServingKeyFile)
	c := readCert(t, b.ServingCertFile)
	for _, name := range []string{"a.example.test", "b.example.test", "192.0.2.10", "localhost", "127.0.0.1"} {
		if err := c.VerifyHostname(name); err != nil {
			t.Errorf("new serving cert does not cover %q: %v", name, err)
		}
	}

	// Asking for less than the certificate already covers is no reason to
	// churn it.
	b = ensure(t, dir, []string{"b.example.test"}, nil)
	assertChanged(t, after, snapshot(t, b))
}

func TestInvalidCARegeneratesEverything(t *testing.T) {
	dir := t.TempDir()
	b := ensure(t, dir, nil, nil)
	before := snapshot(t, b)

	if err := os.WriteFile(b.CACertFile, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	b = ensure(t, dir, nil, nil)
	assertChanged(t, before, snapshot(t, b), files(b)...)

	pool := caPool(t, b)
	for f, usage := range map[string]x509.ExtKeyUsage{
		b.ServingCertFile: x509.ExtKeyUsageServerAuth,
		b.AdminCertFile:   x509.ExtKeyUsageClientAuth,
	} {
		if _, err := readCert(t, f).Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
			t.Errorf("%s does not verify against the new CA: %v", filepath.Base(f), err)
		}
	}
}

func TestMismatchedKeyIsReplaced(t *testing.T) {
	dir := t.TempDir()
	b := ensure(t, dir, nil, nil)
	before := snapshot(t, b)

	// The admin key paired with the serving cert: both parse, neither
	// matches.
	if err := os.WriteFile(b.ServingKeyFile, before[b.AdminKeyFile], 0o600); err != nil {
		t.Fatal(err)
	}
	b = ensure(t, dir, nil, nil)
	after := snapshot(t, b)
	assertChanged(t, before, after, b.ServingCertFile, b.ServingKeyFile)
	if _, err := tls.X509KeyPair(after[b.ServingCertFile], after[b.ServingKeyFile]); err != nil {
		t.Errorf("serving pair still mismatched: %v", err)
	}
}

func TestExpiringLeafIsRenewed(t *testing.T) {
	dir := t.TempDir()
	b := ensure(t, dir, nil, nil)

	// Reissue the admin cert as if it had been created almost a year ago.
	caCert, caKey, err := loadPair(b.CACertFile, b.CAKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-leafValidity + 10*24*time.Hour)
	tmpl := leafTemplate(AdminUser, []string{AdminGroup}, x509.ExtKeyUsageClientAuth)
	if err := issueLeaf(b.AdminCertFile, b.AdminKeyFile, tmpl, caCert, caKey, past); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, b)
	if left := time.Until(readCert(t, b.AdminCertFile).NotAfter); left > 11*24*time.Hour {
		t.Fatalf("test setup: admin cert still valid for %v", left)
	}

	b = ensure(t, dir, nil, nil)
	assertChanged(t, before, snapshot(t, b), b.AdminCertFile, b.AdminKeyFile)
	if left := time.Until(readCert(t, b.AdminCertFile).NotAfter); left < 360*24*time.Hour {
		t.Errorf("renewed admin cert valid for only %v", left)
	}
}

func TestLooseKeyModeIsTightened(t *testing.T) {
	dir := t.TempDir()
	b := ensure(t, dir, nil, nil)
	if err := os.Chmod(b.CAKeyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	b = ensure(t, dir, nil, nil)
	fi, err := os.Stat(b.CAKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("CA key mode = %o, want 600", got)
	}
}

func TestAdminCert(t *testing.T) {
	b := ensure(t, t.TempDir(), nil, nil)
	c := readCert(t, b.AdminCertFile)

	if _, err := c.Verify(x509.VerifyOptions{
		Roots:     caPool(t, b),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		t.Errorf("admin cert does not verify for client auth: %v", err)
	}
	if _, err := c.Verify(x509.VerifyOptions{
		Roots:     caPool(t, b),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}); err == nil {
		t.Error("admin cert unexpectedly valid for server auth")
	}
	if c.Subject.CommonName != "admin" {
		t.Errorf("CN = %q, want admin", c.Subject.CommonName)
	}
	if len(c.Subject.Organization) != 1 || c.Subject.Organization[0] != "system:masters" {
		t.Errorf("O = %q, want [system:masters]", c.Subject.Organization)
	}
	if c.IsCA {
		t.Error("admin cert is a CA")
	}
}

func writeKubeconfig(t *testing.T, b *Bundle, serverURL string) (string, *rest.Config) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kube", "admin.kubeconfig")
	if err := WriteAdminKubeconfig(path, serverURL, b); err != nil {
		t.Fatalf("WriteAdminKubeconfig: %v", err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("BuildConfigFromFlags: %v", err)
	}
	return path, cfg
}

func TestAdminKubeconfig(t *testing.T) {
	b := ensure(t, t.TempDir(), nil, nil)
	const url = "https://127.0.0.1:6443"
	path, cfg := writeKubeconfig(t, b, url)

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("kubeconfig mode = %o, want 600", got)
	}

	files := snapshot(t, b)
	if cfg.Host != url {
		t.Errorf("Host = %q, want %q", cfg.Host, url)
	}
	if !bytes.Equal(cfg.TLSClientConfig.CAData, files[b.CACertFile]) {
		t.Error("CAData is not the bundle CA")
	}
	if !bytes.Equal(cfg.TLSClientConfig.CertData, files[b.AdminCertFile]) {
		t.Error("CertData is not the admin cert")
	}
	if !bytes.Equal(cfg.TLSClientConfig.KeyData, files[b.AdminKeyFile]) {
		t.Error("KeyData is not the admin key")
	}
	if cfg.TLSClientConfig.Insecure {
		t.Error("kubeconfig disables TLS verification")
	}

	raw, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if raw.CurrentContext != "pod-apiserver" {
		t.Errorf("current-context = %q", raw.CurrentContext)
	}
	ctx := raw.Contexts[raw.CurrentContext]
	if ctx == nil || ctx.Cluster != "pod-apiserver" || ctx.AuthInfo != "admin" || ctx.Namespace != "default" {
		t.Errorf("context = %+v", ctx)
	}

	// A changed URL must replace the old one, not leave it behind.
	const url2 = "https://localhost:7443"
	if err := WriteAdminKubeconfig(path, url2, b); err != nil {
		t.Fatal(err)
	}
	cfg2, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg2.Host != url2 {
		t.Errorf("after rewrite Host = %q, want %q", cfg2.Host, url2)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("kubeconfig dir holds %d entries, want 1 (temp files left behind?)", len(entries))
	}
}

func TestTLSRoundTripWithKubeconfig(t *testing.T) {
	b := ensure(t, t.TempDir(), nil, []net.IP{net.ParseIP("127.0.0.1")})

	servingPair, err := tls.LoadX509KeyPair(b.ServingCertFile, b.ServingKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			http.Error(w, "no client certificate", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{servingPair},
		ClientCAs:    caPool(t, b),
		ClientAuth:   tls.RequireAndVerifyClientCert,
	}
	// The negative checks below cause handshake failures on purpose; keep
	// the server from logging them as if something went wrong.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()

	_, cfg := writeKubeconfig(t, b, srv.URL)
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatalf("HTTPClientFor: %v", err)
	}
	resp, err := client.Get(srv.URL + "/")
	if err != nil {
		t.Fatalf("GET with kubeconfig credentials: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "admin" {
		t.Errorf("got %d %q, want 200 \"admin\"", resp.StatusCode, body)
	}

	// Without the client certificate the same server must refuse, which
	// shows the success above really depended on the admin cert.
	anon := rest.AnonymousClientConfig(cfg)
	anonClient, err := rest.HTTPClientFor(anon)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := anonClient.Get(srv.URL + "/"); err == nil {
		resp.Body.Close()
		t.Error("server accepted a client without a certificate")
	}

	// And a client trusting some other CA must not accept the serving cert.
	other := ensure(t, t.TempDir(), nil, nil)
	_, otherCfg := writeKubeconfig(t, other, srv.URL)
	otherClient, err := rest.HTTPClientFor(otherCfg)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := otherClient.Get(srv.URL + "/"); err == nil {
		resp.Body.Close()
		t.Error("client trusting another CA accepted the serving cert")
	}
}
