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

package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// kubeAPIServerEnv names a kube-apiserver v1.37.2 binary (as for make bench); without it the test
// that delegates authentication to a real cluster cannot run.
const kubeAPIServerEnv = "KUBE_APISERVER"

func startProcess(t *testing.T, logName string, name string, args ...string) {
	t.Helper()
	log, err := os.Create(filepath.Join(t.TempDir(), logName))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("%s:\n%s", logName, b)
		}
		log.Close()
	})
}

// Authentication delegated to a real kube-apiserver, as overlays/delegated-auth deploys it: a
// ServiceAccount token of the cluster is reviewed there (and the user it names is what
// authorization sees), a client certificate of the cluster's client CA, learnt from
// kube-system/extension-apiserver-authentication, is accepted, and the server's own admin
// certificate and the anonymous health probes keep working.
func TestDelegatedAuthenticationToKubeAPIServer(t *testing.T) {
	kas := os.Getenv(kubeAPIServerEnv)
	if kas == "" {
		t.Skipf("set %s to a kube-apiserver v1.37.2 binary to delegate authentication to a real cluster", kubeAPIServerEnv)
	}
	etcd, err := exec.LookPath("etcd")
	if err != nil {
		t.Fatalf("etcd not on PATH (hack/install-tools.sh builds it into _output/bin): %v", err)
	}
	dir := t.TempDir()
	clientPort, peerPort, kasPort := freePort(t), freePort(t), freePort(t)
	clientURL := "http://127.0.0.1:" + strconv.Itoa(clientPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	startProcess(t, "etcd.log", etcd, "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", clientURL, "--advertise-client-urls", clientURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL, "--initial-cluster", "default="+peerURL)

	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	saKeyFile := filepath.Join(dir, "sa.key")
	if err := os.WriteFile(saKeyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}), 0o600); err != nil {
		t.Fatal(err)
	}
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte("admintoken,admin,admin,system:masters\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clusterCA, err := pki.WriteServiceBundle(pki.ServiceBundleOptions{Dir: filepath.Join(dir, "cluster"), Service: "kubernetes", Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	startProcess(t, "kube-apiserver.log", kas, "--etcd-servers="+clientURL, "--secure-port="+strconv.Itoa(kasPort),
		"--bind-address=127.0.0.1", "--cert-dir="+filepath.Join(dir, "kas-certs"),
		"--service-account-issuer=https://kubernetes.default.svc", "--service-account-key-file="+saKeyFile,
		"--service-account-signing-key-file="+saKeyFile, "--token-auth-file="+tokens, "--authorization-mode=RBAC",
		"--service-cluster-ip-range=10.96.0.0/16", "--client-ca-file="+clusterCA.CACertFile,
		"--disable-admission-plugins=ServiceAccount")

	kasConfig := &rest.Config{Host: fmt.Sprintf("https://127.0.0.1:%d", kasPort), BearerToken: "admintoken", TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
	kasClient := kubernetes.NewForConfigOrDie(kasConfig)
	ctx := context.Background()
	err = wait.PollUntilContextTimeout(ctx, time.Second, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := kasClient.CoreV1().ConfigMaps("kube-system").Get(ctx, "extension-apiserver-authentication", metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("kube-apiserver did not publish extension-apiserver-authentication: %v", err)
	}
	if _, err := kasClient.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "reader"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := kasClient.CoreV1().ServiceAccounts("default").CreateToken(ctx, "reader", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	kubeconfig := clientcmdapi.NewConfig()
	kubeconfig.Clusters["kind"] = &clientcmdapi.Cluster{Server: kasConfig.Host, InsecureSkipTLSVerify: true}
	kubeconfig.AuthInfos["delegator"] = &clientcmdapi.AuthInfo{Token: "admintoken"}
	kubeconfig.Contexts["kind"] = &clientcmdapi.Context{Cluster: "kind", AuthInfo: "delegator"}
	kubeconfig.CurrentContext = "kind"
	kubeconfigPath := filepath.Join(dir, "authentication.kubeconfig")
	if err := clientcmd.WriteToFile(*kubeconfig, kubeconfigPath); err != nil {
		t.Fatal(err)
	}

	ts := framework.Start(t, func(o *server.Options) { o.Recommended.Authentication.RemoteKubeConfigFile = kubeconfigPath })
	anonymous := rest.AnonymousClientConfig(ts.ClientConfig)

	sa := rest.CopyConfig(anonymous)
	sa.BearerToken = tr.Status.Token
	_, err = framework.ClientFor(t, sa).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `User "system:serviceaccount:default:reader"`) {
		t.Errorf("ServiceAccount token: %v, want 403 naming the ServiceAccount", err)
	}
	bad := rest.CopyConfig(anonymous)
	bad.BearerToken = "not-a-token"
	if _, err := framework.ClientFor(t, bad).CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); !apierrors.IsUnauthorized(err) {
		t.Errorf("a token the cluster does not know: %v, want 401", err)
	}
	clusterAdmin := rest.CopyConfig(anonymous)
	clusterAdmin.TLSClientConfig.CertFile, clusterAdmin.TLSClientConfig.KeyFile = clusterCA.AdminCertFile, clusterCA.AdminKeyFile
	// The cluster's CA is read by an informer on the ConfigMap, which may sync a moment after the
	// server is ready.
	var lastErr error
	if err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, lastErr = framework.ClientFor(t, clusterAdmin).CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		return lastErr == nil, nil
	}); err != nil {
		t.Errorf("client certificate of the cluster's client CA (system:masters): %v", lastErr)
	}
	if _, err := ts.Client(t).CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("the server's own admin kubeconfig: %v", err)
	}
	if _, err := framework.ClientFor(t, anonymous).CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); !apierrors.IsUnauthorized(err) {
		t.Errorf("anonymous API request: %v, want 401", err)
	}
	if err := framework.ClientFor(t, anonymous).Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx).Error(); err != nil {
		t.Errorf("anonymous /readyz: %v", err)
	}
}
