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
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/noderestriction"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodes"
	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
)

func noPods(_, name string) (*corev1.Pod, error) {
	return nil, apierrors.NewNotFound(corev1.Resource("pods"), name)
}

// admitNewPod runs the admission chain the flags build over a new pod.
func admitNewPod(t *testing.T, args ...string) *corev1.Pod {
	t.Helper()
	o := parse(t, args...)
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg := genericapiserver.NewConfig(apiserver.Codecs)
	// NamespaceLifecycle admits pods only into namespaces it has seen.
	client := kubefake.NewClientset(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns"}})
	factory := informers.NewSharedInformerFactory(client, 0)
	if err := o.Recommended.Admission.ApplyTo(cfg, factory, client,
		fake.NewSimpleDynamicClient(runtime.NewScheme()), cfg.FeatureGate, cfg.EffectiveVersion,
		nodes.NewInitializer(nodes.None{}), noderestriction.NewInitializer(noPods)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() {
		cancel()
		factory.Shutdown()
	}()
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}}
	attrs := admission.NewAttributesRecord(pod, nil, corev1.SchemeGroupVersion.WithKind("Pod"), "ns", "p",
		corev1.SchemeGroupVersion.WithResource("pods"), "", admission.Create, &metav1.CreateOptions{}, false, nil)
	if err := cfg.AdmissionControl.(admission.MutationInterface).Admit(context.Background(), attrs, nil); err != nil {
		t.Fatal(err)
	}
	return pod
}

func TestAdmissionPluginFlags(t *testing.T) {
	cases := []struct {
		args                      []string
		wantPriority, wantDefault bool
	}{
		{args: nil, wantPriority: true, wantDefault: true},
		{args: []string{"--enable-admission-plugins=Priority"}, wantPriority: true, wantDefault: true},
		{args: []string{"--disable-admission-plugins=Priority"}, wantPriority: false, wantDefault: true},
		{args: []string{"--disable-admission-plugins=DefaultTolerationSeconds"}, wantPriority: true, wantDefault: false},
		{args: []string{"--disable-admission-plugins=Priority,DefaultTolerationSeconds"}, wantPriority: false, wantDefault: false},
	}
	for _, tc := range cases {
		pod := admitNewPod(t, tc.args...)
		if got := pod.Spec.Priority != nil; got != tc.wantPriority {
			t.Errorf("%v: Priority ran %v, want %v", tc.args, got, tc.wantPriority)
		}
		if got := len(pod.Spec.Tolerations) == 2; got != tc.wantDefault {
			t.Errorf("%v: DefaultTolerationSeconds ran %v, want %v", tc.args, got, tc.wantDefault)
		}
	}
}

func TestUnknownAdmissionPluginsAreRejected(t *testing.T) {
	for _, arg := range []string{"--enable-admission-plugins=ServiceAccount", "--disable-admission-plugins=LimitRanger"} {
		if err := parse(t, arg).Validate(); err == nil {
			t.Errorf("%s validated", arg)
		}
	}
}
