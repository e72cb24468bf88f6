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

// Package sync runs the whole pod loop on one machine: a pod-apiserver (the virtual side), a
// second pod-apiserver as the host cluster with a stand-in node and kubelet, and the syncer
// between them.
package sync

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodedeclaredfeatures"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/podresize"
	"github.com/pod-apiserver/pod-apiserver/pkg/cmd/server"
	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
	"github.com/pod-apiserver/pod-apiserver/test/kubelet"
)

const (
	hostNamespace = "tenant-a"
	nodeName      = "node-1"
	// HostKubeconfigEnv names a kubeconfig of another host cluster (e.g. kube-apiserver) to run
	// the loop against instead of a second pod-apiserver. Its pods must be made to run by
	// something else: the stand-in node then plays its node.
	HostKubeconfigEnv = "POD_APISERVER_SYNC_HOST_KUBECONFIG"
)

// loop is a virtual pod-apiserver, a host with a node, and a syncer that can be stopped and
// started again.
type loop struct {
	virtual       *framework.TestServer
	virtualClient kubernetes.Interface
	hostConfig    *rest.Config
	hostClient    kubernetes.Interface
	kubelet       *kubelet.Server
	policy        syncer.Policy
	configure     []func(*syncer.Config)

	mu         sync.Mutex
	stopSyncer func()
}

// noNodes turns off the admission plugins that judge a resize of a bound pod by its Node: neither
// server of the loop serves Nodes, and without them every resize is refused as "node not found".
func noNodes(o *server.Options) {
	o.Recommended.Admission.DisablePlugins = append(o.Recommended.Admission.DisablePlugins, podresize.PluginName, nodedeclaredfeatures.PluginName)
}

// startLoop starts a loop; configure changes the syncer's configuration.
func startLoop(t testing.TB, policy syncer.Policy, configure ...func(*syncer.Config)) *loop {
	t.Helper()
	l := &loop{policy: policy, configure: configure}
	hostKubeconfig := os.Getenv(HostKubeconfigEnv)
	if hostKubeconfig == "" {
		host, kl := framework.StartWithKubelet(t, noNodes)
		l.kubelet, hostKubeconfig = kl, host.Kubeconfig
		l.hostConfig = host.ClientConfig
	} else {
		cfg, err := clientcmd.BuildConfigFromFlags("", hostKubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		cfg.QPS, cfg.Burst = 1000, 2000
		l.hostConfig = cfg
	}
	l.hostClient = framework.ClientFor(t, l.hostConfig)
	ensureNamespace(t, l.hostClient, hostNamespace)

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	kubelet.RunNode(ctx, kubelet.NodeConfig{Client: l.hostClient, Namespace: hostNamespace, Name: nodeName, HostIP: "127.0.0.1"})

	l.virtual = framework.Start(t, func(o *server.Options) {
		o.PodHost.Kubeconfig = hostKubeconfig
		o.PodHost.Namespace = hostNamespace
		// So that the syncer, not the server, is what refuses privileged pods.
		o.AllowPrivileged = true
		noNodes(o)
	})
	l.virtualClient = l.virtual.Client(t)
	l.startSyncer(t)
	t.Cleanup(func() { l.stop(t) })
	return l
}

// startSyncer runs a syncer until stop or the end of the test.
func (l *loop) startSyncer(t testing.TB) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	config := syncer.Config{
		Virtual: l.virtualClient, Host: l.hostClient, HostNamespace: hostNamespace,
		Policy: l.policy, Workers: 16,
	}
	for _, c := range l.configure {
		c(&config)
	}
	controller := syncer.New(config)
	go func() { done <- controller.Run(ctx) }()
	l.stopSyncer = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("syncer: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("syncer did not stop")
		}
	}
}

func (l *loop) stop(t testing.TB) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopSyncer != nil {
		l.stopSyncer()
		l.stopSyncer = nil
	}
}

// ensureNamespace creates a namespace where Namespaces are served; a server that serves none
// takes every validly named namespace to exist.
func ensureNamespace(t testing.TB, client kubernetes.Interface, name string) {
	t.Helper()
	_, err := client.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) && !apierrors.IsNotFound(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
}

func (l *loop) hostPod(t testing.TB, namespace, name string) (*corev1.Pod, error) {
	t.Helper()
	return l.hostClient.CoreV1().Pods(hostNamespace).Get(context.Background(), syncer.HostName(syncer.DefaultOwner, namespace, name), metav1.GetOptions{})
}

// hostPodsOf lists the host pods that run virtual pods of namespace.
func (l *loop) hostPodsOf(t testing.TB, namespace string) []corev1.Pod {
	t.Helper()
	list, err := l.hostClient.CoreV1().Pods(hostNamespace).List(context.Background(), metav1.ListOptions{
		LabelSelector: labels.Set{syncer.OwnerLabel: syncer.DefaultOwner}.String(),
	})
	if err != nil {
		t.Fatal(err)
	}
	var pods []corev1.Pod
	for _, p := range list.Items {
		if p.Annotations[syncer.NamespaceAnnotation] == namespace {
			pods = append(pods, p)
		}
	}
	return pods
}

// eventually polls cond until it holds, failing the test with the last reason after timeout.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	var last string
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		ok, reason := cond()
		last = reason
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: not within %v: %s", what, timeout, last)
	}
}

// waitRunning waits for the virtual pod to show Running, ready, with an IP and a node.
func (l *loop) waitRunning(t testing.TB, namespace, name string) *corev1.Pod {
	t.Helper()
	var pod *corev1.Pod
	eventually(t, 30*time.Second, "pod "+namespace+"/"+name+" running", func() (bool, string) {
		p, err := l.virtualClient.CoreV1().Pods(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		pod = p
		return isRunning(p), string(p.Status.Phase) + " node=" + p.Spec.NodeName + " ip=" + p.Status.PodIP
	})
	return pod
}

func isRunning(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodRunning || p.Spec.NodeName == "" || p.Status.PodIP == "" {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func (l *loop) waitGone(t testing.TB, namespace, name string) {
	t.Helper()
	eventually(t, 30*time.Second, "pod "+namespace+"/"+name+" gone", func() (bool, string) {
		_, err := l.virtualClient.CoreV1().Pods(namespace).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, ""
		}
		return false, "still there"
	})
}

func (l *loop) create(t testing.TB, namespace string, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	created, err := l.virtualClient.CoreV1().Pods(namespace).Create(context.Background(), pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %s: %v", pod.Name, err)
	}
	return created
}

// kubectl runs the real kubectl against the virtual server.
func (l *loop) kubectl(t testing.TB, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("kubectl")
	if err != nil {
		dir, _ := os.Getwd()
		for ; dir != "/"; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
		}
		path = filepath.Join(dir, "_output", "bin", "kubectl")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"--kubeconfig", l.virtual.Kubeconfig}, args...)...)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("kubectl %s: %v", strings.Join(args, " "), err)
	}
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var parameterCodec = scheme.ParameterCodec
