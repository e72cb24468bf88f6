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
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// TestKubectlNamespaces: what a new user types first works as against kube-apiserver, and
// kubectl's messages for a missing pod outside default are kube's.
func TestKubectlNamespaces(t *testing.T) {
	t.Logf("kubectl: %s", kubectlBinary(t))
	ts := framework.Start(t)
	kc := ts.Kubeconfig
	client := ts.Client(t)

	expectOutput(t, mustKubectl(t, kc, "", "create", "namespace", "team-a"), "namespace/team-a created")

	t.Run("not-found-messages", func(t *testing.T) {
		// After a NotFound outside default kubectl looks the namespace up; only when that
		// succeeds does it print the pod's own NotFound. These are the texts kubectl printed
		// against kube-apiserver v1.37.2.
		const want = `Error from server (NotFound): pods "missing" not found`
		// kubectl logs words the same answer its own way, as it does against kube-apiserver.
		const wantLogs = `error: error from server (NotFound): pods "missing" not found in namespace "team-a"`
		for _, args := range [][]string{
			{"get", "pod", "missing"},
			{"describe", "pod", "missing"},
			{"label", "pod", "missing", "a=b"},
			{"annotate", "pod", "missing", "a=b"},
			{"patch", "pod", "missing", "-p", `{"metadata":{"labels":{"a":"b"}}}`},
			{"exec", "missing", "--", "true"},
			{"logs", "missing"},
		} {
			_, stderr, err := runKubectl(t, kc, "", append([]string{"-n", "team-a"}, args...)...)
			expected := want
			if args[0] == "logs" {
				expected = wantLogs
			}
			if err == nil || strings.TrimSpace(stderr) != expected {
				t.Errorf("kubectl -n team-a %s: err %v, stderr %q, want %q", strings.Join(args, " "), err, stderr, expected)
			}
		}
		// A namespace that does not exist is named as such, as kube does.
		_, stderr, err := runKubectl(t, kc, "", "get", "pod", "missing", "-n", "nowhere")
		if err == nil || strings.TrimSpace(stderr) != `Error from server (NotFound): namespaces "nowhere" not found` {
			t.Errorf("kubectl get pod missing -n nowhere: err %v, stderr %q", err, stderr)
		}
		_, stderr, err = runKubectl(t, kc, "", "run", "p", "--image=busybox:1.36", "-n", "nowhere")
		if err == nil || strings.TrimSpace(stderr) != `Error from server (NotFound): namespaces "nowhere" not found` {
			t.Errorf("kubectl run -n nowhere: err %v, stderr %q", err, stderr)
		}
	})

	t.Run("get-ns", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "get", "ns")
		rows := expectHeader(t, out, "NAME STATUS AGE")
		for _, name := range []string{"default", "kube-node-lease", "kube-public", "kube-system", "team-a"} {
			expectCells(t, rowFor(t, out, rows, 0, name), name, "Active", "*")
		}
		expectOutput(t, mustKubectl(t, kc, "", "get", "ns", "team-a", "-o", "jsonpath={.spec.finalizers} {.status.phase} {.metadata.labels}"),
			`["kubernetes"] Active {"kubernetes.io/metadata.name":"team-a"}`)
		expectOutput(t, mustKubectl(t, kc, "", "get", "ns", "--field-selector", "metadata.name=team-a", "-o", "name"), "namespace/team-a")
	})

	t.Run("apply-namespace-with-pods-then-delete-it", func(t *testing.T) {
		manifest := `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
` + strings.Replace(podManifest("cart", "    app: cart", "busybox:1.36"), "metadata:\n", "metadata:\n  namespace: shop\n", 1) + `---
` + strings.Replace(podManifest("till", "    app: till", "busybox:1.36"), "metadata:\n", "metadata:\n  namespace: shop\n", 1)
		out := mustKubectl(t, kc, manifest, "apply", "-f", "-")
		expectOutput(t, out, "namespace/shop created\npod/cart created\npod/till created")
		pods, err := client.CoreV1().Pods("shop").List(context.Background(), metav1.ListOptions{})
		if err != nil || len(pods.Items) != 2 {
			t.Fatalf("pods in shop: %v %+v", err, pods)
		}
		// kubectl delete waits until the namespace is gone, which takes the namespace controller
		// deleting its pods and finalizing it.
		expectOutput(t, mustKubectl(t, kc, "", "delete", "ns", "shop"), `namespace "shop" deleted`)
		if _, err := client.CoreV1().Namespaces().Get(context.Background(), "shop", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("namespace after kubectl delete: %v", err)
		}
		pods, err = client.CoreV1().Pods("shop").List(context.Background(), metav1.ListOptions{})
		if err != nil || len(pods.Items) != 0 {
			t.Errorf("pods after the namespace went: %v %+v", err, pods)
		}
	})

	t.Run("api-resources-and-explain", func(t *testing.T) {
		out := mustKubectl(t, kc, "", "api-resources", "--no-headers")
		for _, re := range []string{
			`(?m)^namespaces\s+ns\s+v1\s+false\s+Namespace$`,
			`(?m)^pods\s+po\s+v1\s+true\s+Pod$`,
			`(?m)^selfsubjectreviews\s+authentication\.k8s\.io/v1\s+false\s+SelfSubjectReview$`,
			`(?m)^selfsubjectaccessreviews\s+authorization\.k8s\.io/v1\s+false\s+SelfSubjectAccessReview$`,
			`(?m)^selfsubjectrulesreviews\s+authorization\.k8s\.io/v1\s+false\s+SelfSubjectRulesReview$`,
		} {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("api-resources lacks %s:\n%s", re, out)
			}
		}
		out = mustKubectl(t, kc, "", "explain", "ns.spec.finalizers")
		if !strings.Contains(out, "KIND:       Namespace") || !strings.Contains(out, "FIELD: finalizers <[]string>") {
			t.Errorf("explain ns.spec.finalizers:\n%s", out)
		}
	})

	t.Run("auth-admin", func(t *testing.T) {
		expectOutput(t, mustKubectl(t, kc, "", "auth", "can-i", "create", "pods", "-n", "team-a"), "yes")
		expectOutput(t, mustKubectl(t, kc, "", "auth", "can-i", "delete", "namespaces"), "yes")
		list := mustKubectl(t, kc, "", "auth", "can-i", "--list")
		if !regexp.MustCompile(`(?m)^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$`).MatchString(list) {
			t.Errorf("can-i --list for the admin:\n%s", list)
		}
		whoami := mustKubectl(t, kc, "", "auth", "whoami")
		if !regexp.MustCompile(`(?m)^Username\s+admin$`).MatchString(whoami) || !regexp.MustCompile(`(?m)^Groups\s+\[system:masters system:authenticated\]$`).MatchString(whoami) {
			t.Errorf("whoami for the admin:\n%s", whoami)
		}
	})
}

// TestKubectlAuthUsers: kubectl auth can-i and whoami for a token-file user under the default
// authorization (only system:masters is allowed anything) and for users whose every request
// is delegated to an authorization webhook.
func TestKubectlAuthUsers(t *testing.T) {
	t.Logf("kubectl: %s", kubectlBinary(t))
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte("devtoken,devuser,uid-dev,\"devs\"\nhooktoken,hookuser,uid-hook,\"hookers\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("token-file-user", func(t *testing.T) {
		ts := framework.Start(t, func(o *server.Options) { o.TokenAuthFile = tokens })
		dev := userKubeconfig(t, ts.Kubeconfig, "devtoken")
		if out, _, err := runKubectl(t, dev, "", "auth", "can-i", "create", "pods"); err == nil || strings.TrimSpace(out) != "no" {
			t.Errorf("can-i create pods: %v %q, want no", err, out)
		}
		expectOutput(t, mustKubectl(t, dev, "", "auth", "can-i", "create", "selfsubjectaccessreviews.authorization.k8s.io"), "yes")
		whoami := mustKubectl(t, dev, "", "auth", "whoami", "-o", "jsonpath={.status.userInfo}")
		expectOutput(t, whoami, `{"groups":["devs","system:authenticated"],"uid":"uid-dev","username":"devuser"}`)
		list := mustKubectl(t, dev, "", "auth", "can-i", "--list")
		for _, re := range []string{
			`(?m)^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$`,
			`(?m)^selfsubjectreviews\.authentication\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$`,
		} {
			if !regexp.MustCompile(re).MatchString(list) {
				t.Errorf("can-i --list lacks %s:\n%s", re, list)
			}
		}
		if strings.Contains(list, "*.*") {
			t.Errorf("can-i --list gives an unprivileged user everything:\n%s", list)
		}
	})

	t.Run("delegated-user", func(t *testing.T) {
		webhook := startAuthorizationWebhook(t)
		ts := framework.Start(t, func(o *server.Options) {
			o.TokenAuthFile = tokens
			o.Recommended.Authorization.RemoteKubeConfigFile = webhook
		})
		ts.CreateNamespaces(t, "team-w")
		createPodIn(t, ts, "team-w", "w1")
		hook := userKubeconfig(t, ts.Kubeconfig, "hooktoken")
		expectOutput(t, mustKubectl(t, hook, "", "auth", "can-i", "get", "pods", "-n", "team-w"), "yes")
		expectOutput(t, mustKubectl(t, hook, "", "auth", "can-i", "list", "pods", "-n", "team-w"), "yes")
		if out, _, err := runKubectl(t, hook, "", "auth", "can-i", "delete", "pods", "-n", "team-w"); err == nil || strings.TrimSpace(out) != "no" {
			t.Errorf("can-i delete pods: %v %q, want no", err, out)
		}
		if out, _, err := runKubectl(t, hook, "", "auth", "can-i", "get", "pods", "-n", "default"); err == nil || strings.TrimSpace(out) != "no" {
			t.Errorf("can-i get pods in default: %v %q, want no", err, out)
		}
		// What the webhook answered is what the server does.
		expectOutput(t, mustKubectl(t, hook, "", "get", "pods", "-n", "team-w", "-o", "name"), "pod/w1")
		if _, stderr, err := runKubectl(t, hook, "", "delete", "pod", "w1", "-n", "team-w"); err == nil ||
			strings.TrimSpace(stderr) != `Error from server (Forbidden): pods "w1" is forbidden: User "hookuser" cannot delete resource "pods" in API group "" in the namespace "team-w"` {
			t.Errorf("delete pods as the delegated user: %v %s", err, stderr)
		}
		whoami := mustKubectl(t, hook, "", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
		expectOutput(t, whoami, "hookuser")
		list, stderr, err := runKubectl(t, hook, "", "auth", "can-i", "--list", "-n", "team-w")
		if err != nil || !strings.Contains(list, "selfsubjectaccessreviews.authorization.k8s.io") {
			t.Errorf("can-i --list for the delegated user: %v\n%s\n%s", err, list, stderr)
		}
		// The admin is still allowed everything before the webhook is asked.
		expectOutput(t, mustKubectl(t, ts.Kubeconfig, "", "auth", "can-i", "delete", "pods", "-n", "team-w"), "yes")
	})
}

func createPodIn(t *testing.T, ts *framework.TestServer, namespace, name string) {
	t.Helper()
	pod := simplePod(name)
	if _, err := ts.Client(t).CoreV1().Pods(namespace).Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// userKubeconfig writes a kubeconfig for the admin's server that authenticates with token.
func userKubeconfig(t *testing.T, adminKubeconfig, token string) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(adminKubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	for name := range cfg.AuthInfos {
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: token}
	}
	path := filepath.Join(t.TempDir(), "user.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// startAuthorizationWebhook serves SubjectAccessReviews over HTTPS as an authorization webhook
// does: hookuser may get, list and watch pods in team-w; nothing else is allowed. It returns the
// kubeconfig that points at it.
func startAuthorizationWebhook(t *testing.T) string {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var review authorizationv1.SubjectAccessReview
		if err := json.NewDecoder(r.Body).Decode(&review); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ra := review.Spec.ResourceAttributes
		review.Status = authorizationv1.SubjectAccessReviewStatus{}
		if review.Spec.User == "hookuser" && ra != nil && ra.Group == "" && ra.Resource == "pods" && ra.Namespace == "team-w" &&
			(ra.Verb == "get" || ra.Verb == "list" || ra.Verb == "watch") {
			review.Status.Allowed = true
			review.Status.Reason = "team-w readers"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(&review)
	}))
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["webhook"] = &clientcmdapi.Cluster{Server: srv.URL, CertificateAuthorityData: ca}
	cfg.AuthInfos["server"] = &clientcmdapi.AuthInfo{}
	cfg.Contexts["webhook"] = &clientcmdapi.Context{Cluster: "webhook", AuthInfo: "server"}
	cfg.CurrentContext = "webhook"
	path := filepath.Join(t.TempDir(), "webhook.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}
