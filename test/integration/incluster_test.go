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
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	certutil "k8s.io/client-go/util/cert"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/pkg/embeddedetcd"
	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// httpGet sends one GET with whatever credentials cfg carries and returns the status code.
func httpGet(t *testing.T, cfg *rest.Config, path string) int {
	t.Helper()
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(strings.TrimSuffix(cfg.Host, "/") + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func expectCodes(t *testing.T, cfg *rest.Config, want int, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if got := httpGet(t, cfg, p); got != want {
			t.Errorf("GET %s: %d, want %d", p, got, want)
		}
	}
}

var probePaths = []string{"/livez", "/readyz", "/healthz", "/readyz/etcd", "/livez/ping", "/healthz/ping", "/readyz?verbose"}

// A kubelet's httpGet probe sends no credentials: the health paths answer it, and nothing else
// does. With --anonymous-auth the API answers anonymous requests 403, and health stays 200.
func TestHealthProbesWithoutCredentials(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte("devtoken,devuser,uid2,\"devs\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := framework.Start(t, func(o *server.Options) { o.TokenAuthFile = tokenFile })
	anonymous := rest.AnonymousClientConfig(ts.ClientConfig)

	expectCodes(t, anonymous, http.StatusOK, probePaths...)
	expectCodes(t, anonymous, http.StatusUnauthorized, "/api/v1/pods", "/api", "/version", "/metrics", "/openapi/v2", "/livezz", "/")
	_, err := framework.ClientFor(t, anonymous).CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{})
	if !apierrors.IsUnauthorized(err) {
		t.Errorf("anonymous list: %v, want 401 Unauthorized", err)
	}

	// Credentials that do not check out are refused even on a health path, as kube-apiserver does.
	badToken := rest.CopyConfig(anonymous)
	badToken.BearerToken = "not-a-token"
	expectCodes(t, badToken, http.StatusUnauthorized, "/readyz")

	// Any authenticated user may read health and /version (kube's system:public-info-viewer),
	// but not the API without a grant.
	dev := rest.CopyConfig(anonymous)
	dev.BearerToken = "devtoken"
	expectCodes(t, dev, http.StatusOK, "/readyz", "/livez/ping", "/version")
	expectCodes(t, dev, http.StatusForbidden, "/api/v1/pods", "/metrics")

	t.Run("anonymous-auth=true", func(t *testing.T) {
		ts := framework.Start(t, func(o *server.Options) { o.AnonymousAuth = true })
		anonymous := rest.AnonymousClientConfig(ts.ClientConfig)
		expectCodes(t, anonymous, http.StatusOK, append(probePaths, "/version")...)
		expectCodes(t, anonymous, http.StatusForbidden, "/api/v1/pods", "/api/v1/namespaces/default/pods/x", "/metrics")
		_, err := framework.ClientFor(t, anonymous).CoreV1().Pods("default").Create(context.Background(), framework.NewPod("anon", "c"), metav1.CreateOptions{})
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `User "system:anonymous" cannot create resource "pods"`) {
			t.Errorf("anonymous create: %v, want 403 for system:anonymous", err)
		}
	})
}

// servedCertificate returns the certificate the server presents when asked for serverName,
// verified against the server's CA.
func servedCertificate(t *testing.T, ts *framework.TestServer, serverName string) (*x509.Certificate, error) {
	t.Helper()
	pool, err := certutil.NewPool(filepath.Join(ts.DataDir, "pki", pki.CACertName))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", strings.TrimPrefix(ts.ClientConfig.Host, "https://"), &tls.Config{RootCAs: pool, ServerName: serverName})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0], nil
}

// --tls-san names go into the generated serving certificate; a name it lacks makes a restart
// issue a new serving certificate from the same CA, so kubeconfigs handed out keep working.
func TestTLSSANs(t *testing.T) {
	dataDir := t.TempDir()
	ts := framework.StartInDir(t, dataDir, func(o *server.Options) {
		o.TLSSANs = []string{"pod-apiserver.pods.svc", "192.0.2.10"}
	})
	cert, err := servedCertificate(t, ts, "pod-apiserver.pods.svc")
	if err != nil {
		t.Fatalf("serving certificate does not verify for a --tls-san name: %v", err)
	}
	if err := cert.VerifyHostname("192.0.2.10"); err != nil {
		t.Errorf("serving certificate lacks the --tls-san IP: %v", err)
	}
	if _, err := servedCertificate(t, ts, "later.example.test"); err == nil {
		t.Fatalf("serving certificate verifies for a name nobody asked for")
	}
	caBefore, err := os.ReadFile(filepath.Join(dataDir, "pki", pki.CACertName))
	if err != nil {
		t.Fatal(err)
	}
	oldKubeconfig, err := clientcmd.BuildConfigFromFlags("", ts.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	port := ts.Port()
	ts.Stop(t)

	ts = framework.StartAt(t, dataDir, port, func(o *server.Options) {
		o.TLSSANs = []string{"pod-apiserver.pods.svc", "192.0.2.10", "later.example.test"}
	})
	if _, err := servedCertificate(t, ts, "later.example.test"); err != nil {
		t.Errorf("restarted with a new --tls-san, the serving certificate does not verify for it: %v", err)
	}
	caAfter, err := os.ReadFile(filepath.Join(dataDir, "pki", pki.CACertName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(caBefore, caAfter) {
		t.Errorf("a new --tls-san replaced the CA")
	}
	// The earlier kubeconfig (same CA, same admin certificate) still works.
	if _, err := framework.ClientFor(t, oldKubeconfig).CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Errorf("kubeconfig from before the new SAN: %v", err)
	}
}

// writeCerts runs `pod-apiserver certs` as a user would.
func writeCerts(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := server.NewCertsCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"--out", dir}, args...))
	if err := cmd.Execute(); err != nil {
		t.Fatalf("certs: %v\n%s", err, out.String())
	}
}

func startEtcd(t *testing.T) string {
	t.Helper()
	etcd, err := embeddedetcd.Start(embeddedetcd.Config{Dir: filepath.Join(t.TempDir(), "etcd"), UnsafeNoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(etcd.Close)
	return etcd.ClientURL()
}

// The files `certs` writes, given to a server on an external etcd: client-go reaches it through
// admin.kubeconfig under every DNS name of the Service (and under no other), and the server
// writes nothing at all to --data-dir, which here cannot even be created (as on a read-only root
// filesystem with no volume).
func TestCertsFilesServeTheServiceName(t *testing.T) {
	certs := filepath.Join(t.TempDir(), "certs")
	writeCerts(t, certs, "--service", "pod-apiserver.pods", "--tls-san", "pods.example.test")
	etcd := startEtcd(t)

	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(notADir, "data")

	kubeconfig, err := clientcmd.BuildConfigFromFlags("", filepath.Join(certs, pki.AdminKubeconfigName))
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig.TLSClientConfig.ServerName = "pod-apiserver.pods.svc"
	ts := framework.StartWithClientConfig(t, dataDir, kubeconfig, func(o *server.Options) {
		o.Recommended.SecureServing.ServerCert.CertKey.CertFile = filepath.Join(certs, pki.TLSCertName)
		o.Recommended.SecureServing.ServerCert.CertKey.KeyFile = filepath.Join(certs, pki.TLSKeyName)
		o.Recommended.Authentication.ClientCert.ClientCA = filepath.Join(certs, pki.CACertName)
		o.Recommended.Etcd.StorageConfig.Transport.ServerList = []string{etcd}
	})
	ctx := context.Background()

	for _, name := range append(pki.ServiceDNSNames("pod-apiserver", "pods"), "pods.example.test", "localhost") {
		cfg := rest.CopyConfig(ts.ClientConfig)
		cfg.TLSClientConfig.ServerName = name
		pod, err := framework.ClientFor(t, cfg).CoreV1().Pods("default").Create(ctx, framework.NewPod("via-"+strings.ReplaceAll(name, ".", "-"), "c"), metav1.CreateOptions{})
		if err != nil {
			t.Errorf("as %s: %v", name, err)
			continue
		}
		if pod.ManagedFields[0].Manager == "" {
			t.Errorf("as %s: no field manager", name)
		}
	}
	list, err := ts.Client(t).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 6 {
		t.Errorf("list: %d pods, %v", len(list.Items), err)
	}

	wrong := rest.CopyConfig(ts.ClientConfig)
	wrong.TLSClientConfig.ServerName = "pod-apiserver.other.svc"
	_, err = framework.ClientFor(t, wrong).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "certificate is valid for") {
		t.Errorf("a name outside the certificate: %v, want a certificate name error", err)
	}

	// The admin certificate belongs to the given CA; a client certificate from elsewhere does not.
	other := filepath.Join(t.TempDir(), "other")
	writeCerts(t, other, "--service", "pod-apiserver.pods")
	stranger, err := clientcmd.BuildConfigFromFlags("", filepath.Join(other, pki.AdminKubeconfigName))
	if err != nil {
		t.Fatal(err)
	}
	stranger.TLSClientConfig.CAData = ts.ClientConfig.TLSClientConfig.CAData
	stranger.TLSClientConfig.ServerName = "pod-apiserver.pods.svc"
	stranger.Host = ts.ClientConfig.Host
	_, err = framework.ClientFor(t, stranger).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if !apierrors.IsUnauthorized(err) {
		t.Errorf("client certificate of another CA: %v, want 401", err)
	}

	ts.Stop(t)
	if _, err := os.Lstat(dataDir); !os.IsNotExist(err) && !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("--data-dir: %v, want it never created", err)
	}
	if fi, err := os.Stat(notADir); err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		t.Errorf("the data dir's parent was changed: %v %v", fi, err)
	}
}

// Given only --client-ca-file, the server still signs its own serving certificate (its CA is
// used) but writes no admin kubeconfig, and removes one an earlier run left, whose client
// certificate the given CA does not accept.
func TestClientCAGivenWritesNoAdminKubeconfig(t *testing.T) {
	certs := filepath.Join(t.TempDir(), "certs")
	writeCerts(t, certs, "--service", "pod-apiserver.pods")
	dataDir := t.TempDir()
	stale := filepath.Join(dataDir, "admin.kubeconfig")
	if err := os.WriteFile(stale, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The serving CA the server will keep using, made beforehand so the client can trust it.
	bundle, err := pki.EnsureBundle(filepath.Join(dataDir, "pki"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	given, err := clientcmd.BuildConfigFromFlags("", filepath.Join(certs, pki.AdminKubeconfigName))
	if err != nil {
		t.Fatal(err)
	}
	given.TLSClientConfig.CAData = nil
	given.TLSClientConfig.CAFile = bundle.CACertFile
	ts := framework.StartWithClientConfig(t, dataDir, given, func(o *server.Options) {
		o.Recommended.Authentication.ClientCert.ClientCA = filepath.Join(certs, pki.CACertName)
	})
	if _, err := ts.Client(t).CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Fatalf("admin of the given CA: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("admin.kubeconfig: %v, want none", err)
	}
	if _, err := os.Stat(bundle.CACertFile); err != nil {
		t.Errorf("the serving CA: %v", err)
	}
}

// With --authentication-kubeconfig the server authenticates as aggregated API servers do, and
// first reads the cluster's requestheader settings (and client CA, when --client-ca-file is not
// given) from kube-system/extension-apiserver-authentication, unless --authentication-skip-lookup.
// A cluster that cannot be reached therefore fails the start only when the lookup is on. A second
// pod-apiserver stands in for a reachable cluster: it has no such ConfigMap (which, as for
// aggregated servers, means no front proxy) and serves no TokenReview, so tokens are refused,
// while client certificates, health probes and the 401 for anonymous API requests are as without
// delegation: the library's own anonymous fallback is not let through.
func TestDelegatedAuthentication(t *testing.T) {
	cluster := framework.Start(t)

	unreachable, err := clientcmd.LoadFromFile(cluster.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	for _, c := range unreachable.Clusters {
		c.Server = "https://" + closedAddr
	}
	unreachablePath := filepath.Join(t.TempDir(), "unreachable.kubeconfig")
	if err := clientcmd.WriteToFile(*unreachable, unreachablePath); err != nil {
		t.Fatal(err)
	}
	configure := func(skipLookup bool) error {
		o := server.NewOptions()
		o.DataDir = t.TempDir()
		o.Recommended.Authentication.RemoteKubeConfigFile = unreachablePath
		o.Recommended.Authentication.SkipInClusterLookup = skipLookup
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer listener.Close()
		o.Recommended.SecureServing.Listener = listener
		bundle, err := pki.EnsureBundle(o.CertificatesDir(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Complete([]string{cluster.EtcdEndpoint()}, bundle); err != nil {
			return err
		}
		_, err = o.Config()
		return err
	}
	if err := configure(false); err == nil || !strings.Contains(err.Error(), "configmap") {
		t.Errorf("lookup in an unreachable cluster: %v, want the start to fail on the ConfigMap", err)
	}
	if err := configure(true); err != nil {
		t.Errorf("--authentication-skip-lookup with an unreachable cluster: %v", err)
	}

	ts := framework.Start(t, func(o *server.Options) {
		o.Recommended.Authentication.RemoteKubeConfigFile = cluster.Kubeconfig
	})
	if _, err := ts.Client(t).CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{}); err != nil {
		t.Errorf("admin client certificate: %v", err)
	}
	anonymous := rest.AnonymousClientConfig(ts.ClientConfig)
	expectCodes(t, anonymous, http.StatusOK, probePaths...)
	expectCodes(t, anonymous, http.StatusUnauthorized, "/api/v1/pods", "/version")
	withToken := rest.CopyConfig(anonymous)
	withToken.BearerToken = "some-service-account-token"
	expectCodes(t, withToken, http.StatusUnauthorized, "/api/v1/pods", "/readyz")
}
