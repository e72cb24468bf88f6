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

package sync

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	"k8s.io/utils/ptr"

	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
	"github.com/pod-apiserver/pod-apiserver/test/integration/framework"
)

// ScalePodsEnv sets how many pods TestSync/Scale creates at once (200 by default).
const ScalePodsEnv = "POD_APISERVER_SYNC_SCALE_PODS"

// TestSync runs one loop (virtual pod-apiserver, host, stand-in node and kubelet, syncer) through
// the life of pods. The syncer's policy allows host IPC and nothing else.
func TestSync(t *testing.T) {
	l := startLoop(t, syncer.Policy{AllowHostIPC: true})
	t.Run("RunsPods", func(t *testing.T) { testRunsPods(t, l) })
	t.Run("Streams", func(t *testing.T) { testStreams(t, l) })
	t.Run("Deletion", func(t *testing.T) { testDeletion(t, l) })
	t.Run("Refusals", func(t *testing.T) { testRefusals(t, l) })
	t.Run("Updates", func(t *testing.T) { testUpdates(t, l) })
	t.Run("Resize", func(t *testing.T) { testResize(t, l) })
	t.Run("RestartConverges", func(t *testing.T) { testRestart(t, l) })
	t.Run("Scale", func(t *testing.T) { testScale(t, l) })
}

// testRunsPods: a pod created in pod-apiserver runs as a host pod and shows Running, ready, with
// an IP and a node, in kubectl get -o wide.
func testRunsPods(t *testing.T, l *loop) {
	const ns = "run"
	ensureNamespace(t, l.virtualClient, ns)
	pod := framework.NewPod("web")
	pod.Spec.Containers[0].Env = []corev1.EnvVar{
		{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
		{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
	}
	created := l.create(t, ns, pod)
	running := l.waitRunning(t, ns, "web")
	if running.Spec.NodeName != nodeName || running.Status.HostIP != "127.0.0.1" || running.Status.StartTime == nil ||
		len(running.Status.ContainerStatuses) != 1 || !running.Status.ContainerStatuses[0].Ready || running.Status.QOSClass != corev1.PodQOSBestEffort {
		t.Errorf("virtual pod status: node %q, status %+v", running.Spec.NodeName, running.Status)
	}

	host, err := l.hostPod(t, ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(host.Name, "web-x-run-x-") || len(host.Name) > 63 {
		t.Errorf("host pod name %q", host.Name)
	}
	if host.Labels[syncer.OwnerLabel] != syncer.DefaultOwner || host.Labels[syncer.UIDLabel] != string(created.UID) ||
		host.Annotations[syncer.NamespaceAnnotation] != ns || host.Annotations[syncer.NameAnnotation] != "web" {
		t.Errorf("host pod origin: labels %v, annotations %v", host.Labels, host.Annotations)
	}
	if ptr.Deref(host.Spec.EnableServiceLinks, true) || ptr.Deref(host.Spec.AutomountServiceAccountToken, true) || host.Spec.Hostname != "web" {
		t.Errorf("host pod safety settings: automount %v, service links %v, hostname %q",
			host.Spec.AutomountServiceAccountToken, host.Spec.EnableServiceLinks, host.Spec.Hostname)
	}
	env := host.Spec.Containers[0].Env
	if env[0].Value != "web" || env[0].ValueFrom != nil || env[1].Value != ns || env[2].ValueFrom == nil {
		t.Errorf("host pod env (virtual metadata as values, status fields kept): %+v", env)
	}

	out := l.kubectl(t, "get", "pods", "-n", ns, "-o", "wide")
	t.Logf("kubectl get pods -o wide:\n%s", out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("kubectl get: %q", out)
	}
	fieldsOf := strings.Fields(lines[1])
	// NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES
	if len(fieldsOf) < 7 || fieldsOf[0] != "web" || fieldsOf[1] != "1/1" || fieldsOf[2] != "Running" || fieldsOf[3] != "0" ||
		fieldsOf[5] != running.Status.PodIP || fieldsOf[6] != nodeName {
		t.Errorf("kubectl get pods -o wide row: %q", lines[1])
	}
}

// testStreams: logs, exec, attach and port-forward through pod-apiserver reach the stand-in
// kubelet through the host's API, over SPDY and WebSocket.
func testStreams(t *testing.T, l *loop) {
	if l.kubelet == nil {
		t.Skip("the host's kubelets are not this test's stand-in")
	}
	const ns = "streams"
	ensureNamespace(t, l.virtualClient, ns)
	l.create(t, ns, framework.NewPod("logger"))
	l.waitRunning(t, ns, "logger")
	hostName := syncer.HostName(syncer.DefaultOwner, ns, "logger")
	f, err := os.Create(l.kubelet.LogFile(hostNamespace, hostName, "app"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("2026-01-01T00:00:00Z one\n2026-01-01T00:00:01Z two\n")
	_ = f.Close()

	ctx := context.Background()
	body, err := l.virtualClient.CoreV1().Pods(ns).GetLogs("logger", &corev1.PodLogOptions{TailLines: ptr.To[int64](1)}).DoRaw(ctx)
	if err != nil || string(body) != "two\n" {
		t.Errorf("logs through the host: %q, %v", body, err)
	}
	if out := l.kubectl(t, "logs", "-n", ns, "logger"); out != "one\ntwo\n" {
		t.Errorf("kubectl logs: %q", out)
	}

	u := l.virtualClient.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("logger").SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Command: []string{"echo", "hello"}, Stdout: true}, parameterCodec).URL()
	executors := map[string]func(*url.URL) (remotecommand.Executor, error){
		"spdy": func(u *url.URL) (remotecommand.Executor, error) {
			return remotecommand.NewSPDYExecutor(l.virtual.ClientConfig, "POST", u)
		},
		"websocket": func(u *url.URL) (remotecommand.Executor, error) {
			return remotecommand.NewWebSocketExecutor(l.virtual.ClientConfig, "GET", u.String())
		},
	}
	for name, newExecutor := range executors {
		exec, err := newExecutor(u)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &out}); err != nil || out.String() != "hello\n" {
			t.Errorf("exec over %s through the host: %q, %v", name, out.String(), err)
		}
	}
	if out := l.kubectl(t, "exec", "-n", ns, "logger", "--", "echo", "from", "kubectl"); out != "from kubectl\n" {
		t.Errorf("kubectl exec: %q", out)
	}

	// attach joins the stand-in's "cat": stdin comes back.
	u = l.virtualClient.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("logger").SubResource("attach").
		VersionedParams(&corev1.PodAttachOptions{Stdin: true, Stdout: true}, parameterCodec).URL()
	attach, err := remotecommand.NewWebSocketExecutor(l.virtual.ClientConfig, "GET", u.String())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := attach.StreamWithContext(ctx, remotecommand.StreamOptions{Stdin: strings.NewReader("typed\n"), Stdout: &out}); err != nil || out.String() != "typed\n" {
		t.Errorf("attach through the host: %q, %v", out.String(), err)
	}

	// port-forward reaches a port of the "pod": the stand-in forwards it to a local echo server.
	echo := startEcho(t)
	u = l.virtualClient.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").Name("logger").SubResource("portforward").URL()
	rt, upgrader, err := spdy.RoundTripperFor(l.virtual.ClientConfig)
	if err != nil {
		t.Fatal(err)
	}
	stop, ready := make(chan struct{}), make(chan struct{})
	defer close(stop)
	pf, err := portforward.NewOnAddresses(spdy.NewDialer(upgrader, &http.Client{Transport: rt}, "POST", u),
		[]string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", echo)}, stop, ready, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = pf.ForwardPorts() }()
	<-ready
	ports, err := pf.GetPorts()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", ports[0].Local))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_, _ = conn.Write([]byte("ping"))
	reply := make([]byte, 4)
	if _, err := io.ReadFull(conn, reply); err != nil || string(reply) != "ping" {
		t.Errorf("port-forward through the host: %q, %v", reply, err)
	}
	var reached int
	for _, r := range l.kubelet.Requests() {
		if strings.Contains(r, "/"+hostNamespace+"/"+hostName+"/") {
			reached++
		}
	}
	if reached < 5 {
		t.Errorf("the stand-in kubelet saw %d requests for the host pod: %v", reached, l.kubelet.Requests())
	}
}

// startEcho serves a TCP echo on a free loopback port until the test ends.
func startEcho(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(c, c); _ = c.Close() }()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// testDeletion: a graceful deletion in pod-apiserver deletes the host pod with the same grace and
// finishes once it is gone; a host pod deleted from outside fails the virtual pod.
func testDeletion(t *testing.T, l *loop) {
	const ns = "deletion"
	ensureNamespace(t, l.virtualClient, ns)
	ctx := context.Background()
	l.create(t, ns, framework.NewPod("graceful"))
	l.waitRunning(t, ns, "graceful")
	hostName := syncer.HostName(syncer.DefaultOwner, ns, "graceful")
	w, err := l.hostClient.CoreV1().Pods(hostNamespace).Watch(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", hostName).String()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := l.virtualClient.CoreV1().Pods(ns).Delete(ctx, "graceful", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](17)}); err != nil {
		t.Fatal(err)
	}
	var grace *int64
	timeout := time.After(30 * time.Second)
	for grace == nil {
		select {
		case ev := <-w.ResultChan():
			if p, ok := ev.Object.(*corev1.Pod); ok && p.DeletionTimestamp != nil {
				grace = p.DeletionGracePeriodSeconds
			}
		case <-timeout:
			t.Fatal("the host pod was not deleted")
		}
	}
	if *grace != 17 {
		t.Errorf("host pod deleted with grace %d, want 17", *grace)
	}
	l.waitGone(t, ns, "graceful")
	if _, err := l.hostPod(t, ns, "graceful"); !apierrors.IsNotFound(err) {
		t.Errorf("host pod after deletion: %v", err)
	}

	l.create(t, ns, framework.NewPod("outside"))
	l.waitRunning(t, ns, "outside")
	if err := l.hostClient.CoreV1().Pods(hostNamespace).Delete(ctx, syncer.HostName(syncer.DefaultOwner, ns, "outside"), metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "virtual pod failed", func() (bool, string) {
		p, err := l.virtualClient.CoreV1().Pods(ns).Get(ctx, "outside", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		return p.Status.Phase == corev1.PodFailed && p.Status.Reason == syncer.ReasonHostPodDeleted &&
			hasCondition(p, corev1.DisruptionTarget, corev1.ConditionTrue, syncer.ReasonHostPodDeleted) &&
			p.Status.ContainerStatuses[0].State.Terminated != nil, fmt.Sprintf("%s %s", p.Status.Phase, p.Status.Reason)
	})
	if pods := l.hostPodsOf(t, ns); len(pods) != 0 {
		t.Errorf("a failed pod's host pod was made again: %v", pods[0].Name)
	}
	// Its streams have nowhere to go: the server says so rather than reaching another pod.
	_, err = l.virtualClient.CoreV1().Pods(ns).GetLogs("outside", &corev1.PodLogOptions{}).DoRaw(ctx)
	if !apierrors.IsServiceUnavailable(err) {
		t.Errorf("logs of a pod whose host pod is gone: %v", err)
	}
	// A failed pod goes at once, as in kube.
	if err := l.virtualClient.CoreV1().Pods(ns).Delete(ctx, "outside", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	l.waitGone(t, ns, "outside")
}

func hasCondition(p *corev1.Pod, typ corev1.PodConditionType, status corev1.ConditionStatus, reason string) bool {
	return slices.ContainsFunc(p.Status.Conditions, func(c corev1.PodCondition) bool {
		return c.Type == typ && c.Status == status && c.Reason == reason
	})
}

// testRefusals: pods needing objects pod-apiserver does not serve, or host privileges not
// allowed, stay Pending with a condition naming the field, and get no host pod.
func testRefusals(t *testing.T, l *loop) {
	const ns = "refusals"
	ensureNamespace(t, l.virtualClient, ns)
	cases := map[string]struct {
		mutate func(*corev1.Pod)
		field  string
		// reason is the syncer's refusal unless the host's API server is the one that refuses.
		reason string
	}{
		"configmap-volume": {func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "c", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}}}}
		}, "spec.volumes[0]", ""},
		"secret-volume": {func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s"}}}}
		}, "spec.volumes[0]", ""},
		"pvc": {func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "d", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "d"}}}}
		}, "spec.volumes[0]", ""},
		"token": {func(p *corev1.Pod) {
			p.Spec.ServiceAccountName = "default"
			p.Spec.Volumes = []corev1.Volume{{Name: "t", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}}}}}}}
		}, "spec.volumes[0].projected.sources[0]", ""},
		"env-from": {func(p *corev1.Pod) {
			p.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}}}
		}, "spec.containers[0].envFrom", ""},
		"env-secret": {func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}}
		}, "spec.containers[0].env[0].valueFrom.secretKeyRef", ""},
		"pull-secret": {func(p *corev1.Pod) {
			p.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "regcred"}}
		}, "spec.imagePullSecrets", ""},
		"service-account": {func(p *corev1.Pod) { p.Spec.ServiceAccountName = "robot" }, "spec.serviceAccountName", ""},
		"host-network":    {func(p *corev1.Pod) { p.Spec.HostNetwork = true }, "spec.hostNetwork", ""},
		"host-pid":        {func(p *corev1.Pod) { p.Spec.HostPID = true }, "spec.hostPID", ""},
		"host-path": {func(p *corev1.Pod) {
			p.Spec.Volumes = []corev1.Volume{{Name: "h", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}}}
		}, "spec.volumes[0].hostPath", ""},
		"host-port": {func(p *corev1.Pod) {
			p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 80, HostPort: 8080}}
		}, "spec.containers[0].ports[0].hostPort", ""},
		"privileged": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
		}, "spec.containers[0].securityContext.privileged", ""},
		"capabilities": {func(p *corev1.Pod) {
			p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}}}
		}, "spec.containers[0].securityContext.capabilities.add[0]", ""},
	}
	for name, tc := range cases {
		pod := framework.NewPod(name)
		tc.mutate(pod)
		l.create(t, ns, pod)
	}
	// Allowed by the loop's policy: runs.
	allowed := framework.NewPod("host-ipc")
	allowed.Spec.HostIPC = true
	l.create(t, ns, allowed)
	l.waitRunning(t, ns, "host-ipc")

	ctx := context.Background()
	for name, tc := range cases {
		if tc.reason == "" {
			tc.reason = syncer.ReasonSyncRefused
		}
		eventually(t, 30*time.Second, name+" refused", func() (bool, string) {
			p, err := l.virtualClient.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == tc.reason {
					if !strings.Contains(c.Message, tc.field+": ") {
						t.Errorf("%s: message %q does not name %s", name, c.Message, tc.field)
					}
					return p.Status.Phase == corev1.PodPending && p.Status.Reason == tc.reason, string(p.Status.Phase)
				}
			}
			return false, fmt.Sprintf("conditions %+v", p.Status.Conditions)
		})
	}
	if pods := l.hostPodsOf(t, ns); len(pods) != 1 || pods[0].Annotations[syncer.NameAnnotation] != "host-ipc" {
		t.Errorf("host pods of refused pods: %d", len(pods))
	}
	out := l.kubectl(t, "describe", "pod", "-n", ns, "secret-volume")
	if !strings.Contains(out, "Reason:       "+syncer.ReasonSyncRefused) || !strings.Contains(out, "spec.volumes[0]: volume \"s\" of type secret needs objects pod-apiserver does not serve") {
		t.Errorf("kubectl describe does not show the refusal:\n%s", out)
	}
	if out := l.kubectl(t, "get", "pod", "-n", ns, "host-pid", "--no-headers"); !strings.Contains(out, " "+syncer.ReasonSyncRefused+" ") {
		t.Errorf("kubectl get does not show the refusal: %q", out)
	}
}

// testUpdates: what kube lets change on a running pod is carried to the host pod.
func testUpdates(t *testing.T, l *loop) {
	const ns = "updates"
	ensureNamespace(t, l.virtualClient, ns)
	ctx := context.Background()
	pods := l.virtualClient.CoreV1().Pods(ns)
	l.create(t, ns, framework.NewPod("app"))
	pod := l.waitRunning(t, ns, "app")

	pod.Spec.Containers[0].Image = "busybox:1.37"
	pod.Spec.ActiveDeadlineSeconds = ptr.To[int64](3600)
	pod.Spec.Tolerations = append(pod.Spec.Tolerations, corev1.Toleration{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "tenant", Effect: corev1.TaintEffectNoSchedule})
	if _, err := pods.Update(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "update carried down", func() (bool, string) {
		h, err := l.hostPod(t, ns, "app")
		if err != nil {
			return false, err.Error()
		}
		return h.Spec.Containers[0].Image == "busybox:1.37" && ptr.Deref(h.Spec.ActiveDeadlineSeconds, 0) == 3600 &&
				slices.ContainsFunc(h.Spec.Tolerations, func(t corev1.Toleration) bool { return t.Key == "dedicated" }),
			fmt.Sprintf("image %s deadline %v tolerations %v", h.Spec.Containers[0].Image, h.Spec.ActiveDeadlineSeconds, h.Spec.Tolerations)
	})
	// The stand-in node restarts the container for its new image; the restart shows up.
	eventually(t, 30*time.Second, "restart reported", func() (bool, string) {
		p, err := pods.Get(ctx, "app", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		s := p.Status.ContainerStatuses
		return len(s) == 1 && s[0].Image == "busybox:1.37" && s[0].RestartCount == 1, fmt.Sprintf("%+v", s)
	})

	pod, err := pods.Get(ctx, "app", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Spec.EphemeralContainers = append(pod.Spec.EphemeralContainers, corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
		Name: "debugger", Image: "busybox:1.36", TerminationMessagePolicy: corev1.TerminationMessageReadFile, ImagePullPolicy: corev1.PullIfNotPresent,
	}, TargetContainerName: "app"})
	if _, err := pods.UpdateEphemeralContainers(ctx, "app", pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "ephemeral container running", func() (bool, string) {
		p, err := pods.Get(ctx, "app", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		s := p.Status.EphemeralContainerStatuses
		return len(s) == 1 && s[0].Name == "debugger" && s[0].State.Running != nil, fmt.Sprintf("%+v", s)
	})

	// An ephemeral container that reads a secret cannot be carried down: the pod says so and
	// keeps running as it was.
	pod, err = pods.Get(ctx, "app", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Spec.EphemeralContainers = append(pod.Spec.EphemeralContainers, corev1.EphemeralContainer{EphemeralContainerCommon: corev1.EphemeralContainerCommon{
		Name: "leaky", Image: "busybox:1.36", TerminationMessagePolicy: corev1.TerminationMessageReadFile, ImagePullPolicy: corev1.PullIfNotPresent,
		Env: []corev1.EnvVar{{Name: "S", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}},
	}})
	if _, err := pods.UpdateEphemeralContainers(ctx, "app", pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "Synced=False", func() (bool, string) {
		p, err := pods.Get(ctx, "app", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		for _, c := range p.Status.Conditions {
			if c.Type == syncer.SyncedCondition && c.Status == corev1.ConditionFalse && c.Reason == syncer.ReasonSyncRefused &&
				strings.Contains(c.Message, "spec.ephemeralContainers[1].env[0].valueFrom.secretKeyRef: ") {
				return isRunning(p), "not running"
			}
		}
		return false, fmt.Sprintf("%+v", p.Status.Conditions)
	})
	if h, err := l.hostPod(t, ns, "app"); err != nil || len(h.Spec.EphemeralContainers) != 1 {
		t.Errorf("host pod ephemeral containers: %v", err)
	}
}

// testRestart: a syncer stopped while pods come and go converges when it starts again: pods
// created meanwhile run, host pods of pods deleted meanwhile and foreign orphans are deleted,
// and no virtual pod has more than one host pod.
func testRestart(t *testing.T, l *loop) {
	const ns = "restart"
	ensureNamespace(t, l.virtualClient, ns)
	ctx := context.Background()
	pods := l.virtualClient.CoreV1().Pods(ns)
	for _, name := range []string{"kept", "removed"} {
		l.create(t, ns, framework.NewPod(name))
		l.waitRunning(t, ns, name)
	}
	// Stopped mid-way: these pods are at every stage, from not seen to running.
	var burst []string
	for i := range 30 {
		burst = append(burst, fmt.Sprintf("burst-%02d", i))
		l.create(t, ns, framework.NewPod(burst[i]))
	}
	l.stop(t)

	for _, name := range []string{"new-1", "new-2"} {
		l.create(t, ns, framework.NewPod(name))
	}
	if err := pods.Delete(ctx, "removed", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	orphan := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: syncer.HostName(syncer.DefaultOwner, ns, "never-existed"), Namespace: hostNamespace,
			Labels:      map[string]string{syncer.OwnerLabel: syncer.DefaultOwner, syncer.UIDLabel: "0"},
			Annotations: map[string]string{syncer.NamespaceAnnotation: ns, syncer.NameAnnotation: "never-existed"},
		},
		Spec: framework.NewPod("x").Spec,
	}
	if _, err := l.hostClient.CoreV1().Pods(hostNamespace).Create(ctx, orphan, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Another owner's pod in the same namespace is not this syncer's business.
	foreign := orphan.DeepCopy()
	foreign.Name = syncer.HostName("other", ns, "never-existed")
	foreign.Labels[syncer.OwnerLabel] = "other"
	if _, err := l.hostClient.CoreV1().Pods(hostNamespace).Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	l.startSyncer(t)
	want := append([]string{"kept", "new-1", "new-2"}, burst...)
	for _, name := range want {
		l.waitRunning(t, ns, name)
	}
	slices.Sort(want)
	eventually(t, 30*time.Second, "no orphans", func() (bool, string) {
		var names []string
		for _, p := range l.hostPodsOf(t, ns) {
			names = append(names, p.Annotations[syncer.NameAnnotation])
		}
		slices.Sort(names)
		return slices.Equal(names, want), strings.Join(names, ",")
	})
	if _, err := l.hostClient.CoreV1().Pods(hostNamespace).Get(ctx, foreign.Name, metav1.GetOptions{}); err != nil {
		t.Errorf("another owner's host pod: %v", err)
	}
	_ = l.hostClient.CoreV1().Pods(hostNamespace).Delete(ctx, foreign.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
}

// testScale: many pods created at once are all reported running; the time is logged.
func testScale(t *testing.T, l *loop) {
	n := 200
	if v := os.Getenv(ScalePodsEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	const ns = "scale"
	ensureNamespace(t, l.virtualClient, ns)
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 50)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := l.virtualClient.CoreV1().Pods(ns).Create(ctx, framework.NewPod(fmt.Sprintf("pod-%04d", i)), metav1.CreateOptions{}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	created := time.Since(start)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A list every 100ms: a watch consumer this busy would be closed by the server as slow.
	eventually(t, 5*time.Minute, "all pods running", func() (bool, string) {
		list, err := l.virtualClient.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		running := 0
		for i := range list.Items {
			if isRunning(&list.Items[i]) {
				running++
			}
		}
		return running == n, fmt.Sprintf("%d of %d running", running, n)
	})
	elapsed := time.Since(start)
	t.Logf("%d pods: created in %v, all running (Ready, with IP and node) %v after the first create; %v per pod",
		n, created.Round(time.Millisecond), elapsed.Round(time.Millisecond), (elapsed / time.Duration(n)).Round(time.Microsecond))
	if hostPods := l.hostPodsOf(t, ns); len(hostPods) != n {
		t.Errorf("%d host pods for %d virtual pods", len(hostPods), n)
	}
}

// BenchmarkSyncPods is the whole loop's cost per pod: create in pod-apiserver, host pod made,
// bound and run by the stand-in node, node and status written back; ns/op is per pod.
func BenchmarkSyncPods(b *testing.B) {
	l := startLoop(b, syncer.Policy{})
	const ns = "bench"
	ensureNamespace(b, l.virtualClient, ns)
	ctx := context.Background()
	b.ResetTimer()
	// b.N, not b.Loop: the wait for the pods to run belongs in the measured time.
	for i := range b.N {
		l.create(b, ns, framework.NewPod(fmt.Sprintf("pod-%d", i)))
	}
	eventually(b, 10*time.Minute, "all pods running", func() (bool, string) {
		list, err := l.virtualClient.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err.Error()
		}
		running := 0
		for i := range list.Items {
			if isRunning(&list.Items[i]) {
				running++
			}
		}
		return running == len(list.Items), fmt.Sprintf("%d of %d running", running, len(list.Items))
	})
}
