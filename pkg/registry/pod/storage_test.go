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

package pod_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	etcd3testing "k8s.io/apiserver/pkg/storage/etcd3/testing"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	registrypod "github.com/pod-apiserver/pod-apiserver/pkg/registry/pod"
)

// newStorage runs the pods registry straight on an etcd test server, without the HTTP stack.
func newStorage(t *testing.T) *registrypod.Storage {
	t.Helper()
	server, config := etcd3testing.NewUnsecuredEtcd3TestClientServer(t)
	t.Cleanup(func() { server.Terminate(t) })
	config.Codec = apiserver.Codecs.LegacyCodec(corev1.SchemeGroupVersion)
	options := generic.RESTOptions{
		StorageConfig:           config.ForResource(corev1.Resource("pods")),
		Decorator:               generic.UndecoratedStorage,
		DeleteCollectionWorkers: 1,
		ResourcePrefix:          "pods",
	}
	storage, err := registrypod.NewStorage(apiserver.Scheme, restOptionsGetter{options})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(storage.Pod.Destroy)
	return storage
}

type restOptionsGetter struct{ options generic.RESTOptions }

func (g restOptionsGetter) GetRESTOptions(_ schema.GroupResource, _ runtime.Object) (generic.RESTOptions, error) {
	return g.options, nil
}

// validPod is defaulted, as every pod the handlers decode is before the registry sees it.
func validPod() *corev1.Pod {
	grace := int64(30)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "foo", Labels: map[string]string{"app": "demo"}},
		Spec: corev1.PodSpec{
			RestartPolicy:                 corev1.RestartPolicyAlways,
			DNSPolicy:                     corev1.DNSClusterFirst,
			TerminationGracePeriodSeconds: &grace,
			Containers:                    []corev1.Container{{Name: "app", Image: "busybox:1.36"}},
		},
	}
	apiserver.Scheme.Default(pod)
	return pod
}

// scheduledPod is bound to a node, so deleting it waits for its grace period.
func scheduledPod() *corev1.Pod {
	pod := validPod()
	pod.Spec.NodeName = "node-1"
	return pod
}

func TestCreate(t *testing.T) {
	test := genericregistrytest.New(t, newStorage(t).Pod.Store).ReturnDeletedObject()
	noContainers := validPod()
	noContainers.Spec.Containers = nil
	badName := validPod()
	badName.Name = "Not_A_Name"
	test.TestCreate(validPod(), noContainers, badName)
}

func TestUpdate(t *testing.T) {
	test := genericregistrytest.New(t, newStorage(t).Pod.Store).ReturnDeletedObject()
	test.TestUpdate(validPod(),
		func(obj runtime.Object) runtime.Object {
			pod := obj.(*corev1.Pod)
			pod.Spec.Containers[0].Image = "busybox:1.37"
			return pod
		},
		func(obj runtime.Object) runtime.Object {
			pod := obj.(*corev1.Pod)
			pod.Spec.RestartPolicy = corev1.RestartPolicyNever
			return pod
		},
	)
}

func TestDelete(t *testing.T) {
	test := genericregistrytest.New(t, newStorage(t).Pod.Store).ReturnDeletedObject()
	test.TestDelete(validPod())
}

func TestDeleteGraceful(t *testing.T) {
	test := genericregistrytest.New(t, newStorage(t).Pod.Store).ReturnDeletedObject()
	test.TestDeleteGraceful(scheduledPod(), 30)
}

func TestGetListWatch(t *testing.T) {
	test := genericregistrytest.New(t, newStorage(t).Pod.Store).ReturnDeletedObject()
	test.TestGet(validPod())
	test.TestList(validPod())
	test.TestWatch(scheduledPod(),
		[]labels.Set{{"app": "demo"}},
		[]labels.Set{{"app": "other"}},
		[]fields.Set{{"metadata.name": "foo"}, {"spec.nodeName": "node-1"}, {"status.phase": "Pending"}},
		[]fields.Set{{"metadata.name": "bar"}, {"spec.nodeName": "node-2"}, {"spec.restartPolicy": "Never"}},
	)
}
