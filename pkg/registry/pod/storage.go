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

package pod

import (
	"context"
	"net/http"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	podapi "github.com/pod-apiserver/pod-apiserver/pkg/api/pod"
	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet"
	podprinters "github.com/pod-apiserver/pod-apiserver/pkg/printers/pod"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// Storage holds one REST object per served pods endpoint.
type Storage struct {
	Pod                 *REST
	Status              *StatusREST
	EphemeralContainers *EphemeralContainersREST
	Resize              *ResizeREST
	Binding             *BindingREST
	Eviction            *EvictionREST
	Log                 *LogREST
	Exec                *ExecREST
	Attach              *AttachREST
	PortForward         *PortForwardREST
	Proxy               *ProxyREST
}

// Connections are what the subresources that leave the server need.
type Connections struct {
	// Kubelet locates the kubelet of a pod for log, exec, attach and portforward.
	Kubelet kubelet.ConnectionInfoGetter
	// ProxyTransport carries pods/proxy requests to pod IPs.
	ProxyTransport http.RoundTripper
	// Authorizer re-checks WebSocket (GET) exec, attach and portforward as create.
	Authorizer authorizer.Authorizer
	// AfterDelete, if set, runs once a pod is gone from storage (e.g. to drop what is cached of it).
	AfterDelete genericregistry.AfterDeleteFunc
}

// REST serves the pods resource itself.
type REST struct {
	*genericregistry.Store
}

// ShortNames lets kubectl accept "po".
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go REST.ShortNames
func (*REST) ShortNames() []string { return []string{"po"} }

// Categories puts pods in "kubectl get all".
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go REST.Categories
func (*REST) Categories() []string { return []string{"all"} }

// NewStorage builds the pods registry over the storage that optsGetter describes (etcd, with the
// watch cache when enabled).
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go NewStorage
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (*Storage, error) {
	return NewStorageWithConnections(scheme, optsGetter, Connections{})
}

// NewStorageWithConnections is NewStorage with the kubelet and pod connections of conns. Missing
// ones get defaults: kubelets at the pod's host IP on port 10250, unverified, and no
// authorizer, which refuses WebSocket streams.
func NewStorageWithConnections(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter, conns Connections) (*Storage, error) {
	if conns.Kubelet == nil {
		getter, err := kubelet.NewHostIPGetter(kubelet.Config{})
		if err != nil {
			return nil, err
		}
		conns.Kubelet = getter
	}
	if conns.ProxyTransport == nil {
		conns.ProxyTransport = kubelet.NewProxyTransport(0)
	}
	strategy := Strategy(scheme)
	store := &genericregistry.Store{
		NewFunc:                   func() runtime.Object { return &corev1.Pod{} },
		NewListFunc:               func() runtime.Object { return &corev1.PodList{} },
		PredicateFunc:             podapi.MatchPod,
		DefaultQualifiedResource:  corev1.Resource("pods"),
		SingularQualifiedResource: corev1.Resource("pod"),

		CreateStrategy:      strategy,
		UpdateStrategy:      strategy,
		DeleteStrategy:      strategy,
		ResetFieldsStrategy: strategy,
		ReturnDeletedObject: true,

		TableConvertor: podprinters.TableConvertor{},
		AfterDelete:    conns.AfterDelete,
	}
	options := &generic.StoreOptions{
		RESTOptions: optsGetter,
		AttrFunc:    podapi.GetAttrs,
		TriggerFunc: map[string]storage.IndexerFunc{"spec.nodeName": podapi.NodeNameTriggerFunc},
		Indexers:    podapi.Indexers(),
	}
	if err := store.CompleteWithOptions(options); err != nil {
		return nil, err
	}

	// The status endpoint shares the store (and so the etcd client and watch cache) and differs
	// only in how updates are prepared and validated.
	statusStore := *store
	statusStrategy := StatusStrategy(scheme)
	statusStore.UpdateStrategy = statusStrategy
	statusStore.ResetFieldsStrategy = statusStrategy
	ephemeralStore := *store
	ephemeralStore.UpdateStrategy = EphemeralContainersStrategy(scheme)
	resizeStore := *store
	resizeStore.UpdateStrategy = ResizeStrategy(scheme)

	stream := streamREST{store: store, kubelet: conns.Kubelet, authorizer: conns.Authorizer}
	return &Storage{
		Pod:                 &REST{store},
		Status:              &StatusREST{store: &statusStore},
		EphemeralContainers: &EphemeralContainersREST{store: &ephemeralStore},
		Resize:              &ResizeREST{store: &resizeStore},
		Binding:             &BindingREST{store: store},
		Eviction:            &EvictionREST{store: &statusStore},
		Log:                 &LogREST{store: store, kubelet: conns.Kubelet},
		Exec:                &ExecREST{stream},
		Attach:              &AttachREST{stream},
		PortForward:         &PortForwardREST{stream},
		Proxy:               &ProxyREST{store: store, transport: conns.ProxyTransport},
	}, nil
}

// StatusREST serves pods/status.
type StatusREST struct {
	store *genericregistry.Store
}

// New returns an empty pod.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go StatusREST.New
func (r *StatusREST) New() runtime.Object { return &corev1.Pod{} }

// Destroy does nothing: the main pods REST owns the shared storage.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go StatusREST.Destroy
func (r *StatusREST) Destroy() {}

// Get returns the pod, whose status is part of it.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go StatusREST.Get
func (r *StatusREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}

// Update writes the status of a pod. Creating through the status endpoint is never allowed.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go StatusREST.Update
func (r *StatusREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

// GetResetFields tells server-side apply which fields the status endpoint ignores.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go StatusREST.GetResetFields
func (r *StatusREST) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return r.store.GetResetFields()
}

// ConvertToTable prints the pod as the main endpoint does.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go StatusREST.ConvertToTable
func (r *StatusREST) ConvertToTable(ctx context.Context, object runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	return r.store.ConvertToTable(ctx, object, tableOptions)
}

var (
	_ rest.StandardStorage     = &REST{}
	_ rest.ShortNamesProvider  = &REST{}
	_ rest.CategoriesProvider  = &REST{}
	_ rest.Patcher             = &StatusREST{}
	_ rest.ResetFieldsStrategy = &StatusREST{}
)
