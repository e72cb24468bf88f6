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
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// startWithTokens runs a server that also authenticates the users of a static token file, each
// line token,user,uid,"groups".
func startWithTokens(t *testing.T, lines string, customize ...func(*server.Options)) *framework.TestServer {
	t.Helper()
	file := filepath.Join(t.TempDir(), "tokens.csv")
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	return framework.Start(t, append([]func(*server.Options){func(o *server.Options) { o.TokenAuthFile = file }}, customize...)...)
}

// clientWithToken is a client of ts authenticating with a bearer token instead of the admin
// certificate.
func clientWithToken(t *testing.T, ts *framework.TestServer, token string) kubernetes.Interface {
	t.Helper()
	cfg := rest.AnonymousClientConfig(ts.ClientConfig)
	cfg.BearerToken = token
	return framework.ClientFor(t, cfg)
}

// wantForbidden checks a 403 Forbidden with exactly kube-apiserver's message.
func wantForbidden(t *testing.T, what string, err error, message string) {
	t.Helper()
	status, ok := err.(apierrors.APIStatus)
	if !ok {
		t.Errorf("%s: %v, want 403", what, err)
		return
	}
	s := status.Status()
	if s.Code != 403 || s.Reason != metav1.StatusReasonForbidden || s.Message != message {
		t.Errorf("%s: %d %s %q\nwant 403 Forbidden %q", what, s.Code, s.Reason, s.Message, message)
	}
}

// A node (system:node:<name>, group system:nodes) reads and writes only the pods bound to it, as
// kube-apiserver's Node authorizer and NodeRestriction admission allow, with their messages. Every
// message here was recorded from kube-apiserver v1.37.2 run with --authorization-mode=Node,RBAC
// --enable-admission-plugins=NodeRestriction and the same token file.
func TestNodeRestriction(t *testing.T) {
	ts := startWithTokens(t, "node-a-token,system:node:node-a,uid-a,\"system:nodes\"\n")
	admin := ts.Client(t)
	nodeA := clientWithToken(t, ts, "node-a-token")
	ctx := context.Background()
	adminPods := admin.CoreV1().Pods("default")
	pods := nodeA.CoreV1().Pods("default")

	for name, nodeName := range map[string]string{"pod-a": "node-a", "pod-b": "node-b", "pod-a2": "node-a", "pod-b2": "node-b"} {
		pod := framework.NewPod(name)
		pod.Spec.NodeName = nodeName
		if _, err := adminPods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// The authorizer learns of pods through an informer, as kube's node graph does.
	var own *corev1.Pod
	if err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		var err error
		own, err = pods.Get(ctx, "pod-a", metav1.GetOptions{})
		return err == nil, nil
	}); err != nil {
		t.Fatalf("node-a never read its own pod: %v", err)
	}

	t.Run("own pod status", func(t *testing.T) {
		own.Status.Phase = corev1.PodRunning
		own.Status.HostIP = "192.0.2.10"
		own.Status.HostIPs = []corev1.HostIP{{IP: "192.0.2.10"}}
		updated, err := pods.UpdateStatus(ctx, own, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if updated.Status.Phase != corev1.PodRunning {
			t.Errorf("phase %s", updated.Status.Phase)
		}
		updated.Labels["stolen"] = "yes"
		_, err = pods.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
		wantForbidden(t, "labels through status", err, `pods "pod-a" is forbidden: node "node-a" cannot update labels through pod status`)
	})

	t.Run("other node's pod status", func(t *testing.T) {
		other, err := adminPods.Get(ctx, "pod-b", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		other.Status.Phase = corev1.PodFailed
		_, err = pods.UpdateStatus(ctx, other, metav1.UpdateOptions{})
		wantForbidden(t, "update status", err, `pods "pod-b" is forbidden: node "node-a" can only update pod status for pods with spec.nodeName set to itself`)
		_, err = pods.Patch(ctx, "pod-b", "application/merge-patch+json", []byte(`{"status":{"phase":"Failed"}}`), metav1.PatchOptions{}, "status")
		wantForbidden(t, "patch status", err, `pods "pod-b" is forbidden: node "node-a" can only update pod status for pods with spec.nodeName set to itself`)
		after, err := adminPods.Get(ctx, "pod-b", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if after.Status.Phase == corev1.PodFailed {
			t.Errorf("node-a changed the status of node-b's pod")
		}
	})

	t.Run("reads", func(t *testing.T) {
		_, err := pods.Get(ctx, "pod-b", metav1.GetOptions{})
		wantForbidden(t, "get", err, `pods "pod-b" is forbidden: User "system:node:node-a" cannot get resource "pods" in API group "" in the namespace "default": node: no relationship found between node 'node-a' and this object`)
		list, err := pods.List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=node-a"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 2 {
			t.Errorf("node-a listed %d pods, want its 2", len(list.Items))
		}
		_, err = pods.List(ctx, metav1.ListOptions{})
		wantForbidden(t, "list", err, `pods is forbidden: User "system:node:node-a" cannot list resource "pods" in API group "" in the namespace "default": node: can only list/watch pods with spec.nodeName field selector`)
		_, err = nodeA.CoreV1().Pods("").Watch(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=node-b"})
		wantForbidden(t, "watch", err, `pods is forbidden: User "system:node:node-a" cannot watch resource "pods" in API group "" at the cluster scope: node: can only list/watch pods with spec.nodeName field selector`)
	})

	t.Run("writes", func(t *testing.T) {
		_, err := pods.Update(ctx, own, metav1.UpdateOptions{})
		wantForbidden(t, "update", err, `pods "pod-a" is forbidden: User "system:node:node-a" cannot update resource "pods" in API group "" in the namespace "default"`)

		plain := framework.NewPod("made-by-node")
		plain.Spec.NodeName = "node-a"
		_, err = pods.Create(ctx, plain, metav1.CreateOptions{})
		wantForbidden(t, "create", err, `pods "made-by-node" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "node-a" can only create mirror pods`)

		mirror := framework.NewPod("mirror-elsewhere")
		mirror.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"}
		mirror.Spec.NodeName = "node-b"
		_, err = pods.Create(ctx, mirror, metav1.CreateOptions{})
		wantForbidden(t, "create mirror elsewhere", err, `pods "mirror-elsewhere" is forbidden: node "node-a" can only create pods with spec.nodeName set to itself`)

		mirror = framework.NewPod("mirror-unowned")
		mirror.Annotations = map[string]string{corev1.MirrorPodAnnotationKey: "x"}
		mirror.Spec.NodeName = "node-a"
		_, err = pods.Create(ctx, mirror, metav1.CreateOptions{})
		wantForbidden(t, "create unowned mirror", err, `pods "mirror-unowned" is forbidden: node "node-a" can only create pods with an owner reference set to itself`)

		// A mirror pod owned by its Node: no Node objects are served, so the owner cannot be
		// verified, as in a cluster where the Node is gone.
		mirror.Name = "mirror-owned"
		mirror.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "node-a", UID: "uid-a", Controller: ptr.To(true)}}
		_, err = pods.Create(ctx, mirror, metav1.CreateOptions{})
		if status, ok := err.(apierrors.APIStatus); !ok || status.Status().Code != 404 || status.Status().Message != `node "node-a" not found` || status.Status().Details.Kind != "node" {
			t.Errorf("create owned mirror: %v, want 404 node \"node-a\" not found", err)
		}

		err = pods.Delete(ctx, "pod-b", metav1.DeleteOptions{})
		wantForbidden(t, "delete", err, `pods "pod-b" is forbidden: node "node-a" can only delete pods with spec.nodeName set to itself`)
		err = pods.EvictV1(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "pod-b2", Namespace: "default"}})
		wantForbidden(t, "evict", err, `pods "pod-b2" is forbidden: node node-a can only evict pods with spec.nodeName set to itself`)
		for _, name := range []string{"pod-b", "pod-b2"} {
			if _, err := adminPods.Get(ctx, name, metav1.GetOptions{}); err != nil {
				t.Errorf("%s after node-a's attempts: %v", name, err)
			}
		}

		if err := pods.EvictV1(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "pod-a2", Namespace: "default"}}); err != nil {
			t.Errorf("evicting its own pod: %v", err)
		}
		if err := pods.Delete(ctx, "pod-a", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Errorf("deleting its own pod: %v", err)
		}
	})
}

// Anyone outside system:masters and system:nodes is denied (403, not 500) when no webhook is
// configured, even where a ServiceAccount token is mounted: only --authorization-kubeconfig turns
// delegated authorization on.
func TestAuthorizationWithoutWebhook(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
	t.Setenv("KUBERNETES_SERVICE_PORT", "1")
	ts := startWithTokens(t, "alice-token,alice,uid-alice,\"team\"\n")
	if modes := ts.Options.Authorization.Modes; len(modes) != 0 {
		t.Fatalf("modes %v set by default", modes)
	}
	_, err := clientWithToken(t, ts, "alice-token").CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{})
	wantForbidden(t, "alice list", err, `pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"`)
}

// --authorization-mode=AlwaysAllow lets any authenticated user in; AlwaysDeny keeps everyone but
// system:masters out.
func TestAuthorizationModes(t *testing.T) {
	for _, tc := range []struct {
		mode  string
		allow bool
	}{{"AlwaysAllow", true}, {"AlwaysDeny", false}} {
		t.Run(tc.mode, func(t *testing.T) {
			ts := startWithTokens(t, "alice-token,alice,uid-alice,\"team\"\n", func(o *server.Options) {
				o.Authorization.Modes = []string{tc.mode}
			})
			_, err := clientWithToken(t, ts, "alice-token").CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{})
			if tc.allow && err != nil {
				t.Errorf("alice: %v", err)
			}
			if !tc.allow {
				wantForbidden(t, "alice", err, `pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default": alwaysdeny: Everything is forbidden.`)
			}
			if _, err := ts.Client(t).CoreV1().Pods("default").List(context.Background(), metav1.ListOptions{}); err != nil {
				t.Errorf("admin: %v", err)
			}
		})
	}
}

// nodeCertConfig is a client of ts authenticating as node nodeName with a client certificate
// (CN=system:node:<name>, O=system:nodes) signed by the server's generated CA, as a kubelet's.
func nodeCertConfig(t *testing.T, ts *framework.TestServer, nodeName string) *rest.Config {
	t.Helper()
	pkiDir := ts.Options.CertificatesDir()
	caPair, err := tls.LoadX509KeyPair(filepath.Join(pkiDir, "ca.crt"), filepath.Join(pkiDir, "ca.key"))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caPair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "system:node:" + nodeName, Organization: []string{"system:nodes"}},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caPair.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.AnonymousClientConfig(ts.ClientConfig)
	cfg.CertData = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	cfg.KeyData = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	return cfg
}

// The same restriction for a kubelet that authenticates with a client certificate.
func TestNodeRestrictionClientCertificate(t *testing.T) {
	ts := framework.Start(t)
	ctx := context.Background()
	adminPods := ts.Client(t).CoreV1().Pods("default")
	for name, nodeName := range map[string]string{"on-a": "node-a", "on-b": "node-b"} {
		pod := framework.NewPod(name)
		pod.Spec.NodeName = nodeName
		if _, err := adminPods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pods := framework.ClientFor(t, nodeCertConfig(t, ts, "node-b")).CoreV1().Pods("default")
	patch := []byte(`{"status":{"phase":"Running"}}`)
	if err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := pods.Get(ctx, "on-b", metav1.GetOptions{})
		return err == nil, nil
	}); err != nil {
		t.Fatalf("node-b never read its own pod: %v", err)
	}
	if _, err := pods.Patch(ctx, "on-b", "application/merge-patch+json", patch, metav1.PatchOptions{}, "status"); err != nil {
		t.Errorf("node-b writing its own pod's status: %v", err)
	}
	_, err := pods.Patch(ctx, "on-a", "application/merge-patch+json", patch, metav1.PatchOptions{}, "status")
	wantForbidden(t, "node-b writing node-a's pod status", err, `pods "on-a" is forbidden: node "node-b" can only update pod status for pods with spec.nodeName set to itself`)
}
