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

package namespace

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"
	storageerr "k8s.io/apiserver/pkg/storage/errors"
	"k8s.io/apiserver/pkg/util/dryrun"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	nsprinters "github.com/pod-apiserver/pod-apiserver/pkg/printers/namespace"
)

// Storage holds one REST object per served namespaces endpoint.
type Storage struct {
	Namespace *REST
	Status    *StatusREST
	Finalize  *FinalizeREST
}

// REST serves the namespaces resource. It is not the generic store itself because a delete
// first only marks the namespace Terminating.
type REST struct {
	store  *genericregistry.Store
	status *genericregistry.Store
}

// StatusREST serves namespaces/status.
type StatusREST struct {
	store *genericregistry.Store
}

// FinalizeREST serves namespaces/finalize.
type FinalizeREST struct {
	store *genericregistry.Store
}

// NewStorage builds the namespaces registry over the storage optsGetter describes.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace/storage NewREST
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (*Storage, error) {
	strategy := Strategy(scheme)
	store := &genericregistry.Store{
		NewFunc:                   func() runtime.Object { return &corev1.Namespace{} },
		NewListFunc:               func() runtime.Object { return &corev1.NamespaceList{} },
		PredicateFunc:             MatchNamespace,
		DefaultQualifiedResource:  corev1.Resource("namespaces"),
		SingularQualifiedResource: corev1.Resource("namespace"),

		CreateStrategy:      strategy,
		UpdateStrategy:      strategy,
		DeleteStrategy:      strategy,
		ResetFieldsStrategy: strategy,
		ReturnDeletedObject: true,

		ShouldDeleteDuringUpdate: ShouldDeleteNamespaceDuringUpdate,

		TableConvertor: nsprinters.TableConvertor{},
	}
	options := &generic.StoreOptions{RESTOptions: optsGetter, AttrFunc: GetAttrs}
	if err := store.CompleteWithOptions(options); err != nil {
		return nil, err
	}

	statusStore := *store
	statusStrategy := StatusStrategy(scheme)
	statusStore.UpdateStrategy = statusStrategy
	statusStore.ResetFieldsStrategy = statusStrategy

	finalizeStore := *store
	finalizeStrategy := FinalizeStrategy(scheme)
	finalizeStore.UpdateStrategy = finalizeStrategy
	finalizeStore.ResetFieldsStrategy = finalizeStrategy

	return &Storage{
		Namespace: &REST{store: store, status: &statusStore},
		Status:    &StatusREST{store: &statusStore},
		Finalize:  &FinalizeREST{store: &finalizeStore},
	}, nil
}

func (r *REST) NamespaceScoped() bool                  { return r.store.NamespaceScoped() }
func (r *REST) GetSingularName() string                { return r.store.GetSingularName() }
func (r *REST) New() runtime.Object                    { return r.store.New() }
func (r *REST) Destroy()                               { r.store.Destroy() }
func (r *REST) NewList() runtime.Object                { return r.store.NewList() }
func (r *REST) StorageVersion() runtime.GroupVersioner { return r.store.StorageVersion() }

// ShortNames lets kubectl accept "ns".
func (r *REST) ShortNames() []string { return []string{"ns"} }

func (r *REST) List(ctx context.Context, options *metainternalversion.ListOptions) (runtime.Object, error) {
	return r.store.List(ctx, options)
}

func (r *REST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	return r.store.Create(ctx, obj, createValidation, options)
}

func (r *REST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, forceAllowCreate, options)
}

func (r *REST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}

func (r *REST) Watch(ctx context.Context, options *metainternalversion.ListOptions) (watch.Interface, error) {
	return r.store.Watch(ctx, options)
}

func (r *REST) ConvertToTable(ctx context.Context, object runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	return r.store.ConvertToTable(ctx, object, tableOptions)
}

func (r *REST) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return r.store.GetResetFields()
}

// Delete enforces the life cycle of a namespace: the first delete marks it Terminating (and
// records the propagation finalizers the options ask for); only once its spec.finalizers are
// gone, which the namespace controller does after emptying it, does a delete remove it.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace/storage REST.Delete
func (r *REST) Delete(ctx context.Context, name string, deleteValidation rest.ValidateObjectFunc, options *metav1.DeleteOptions) (runtime.Object, bool, error) {
	nsObj, err := r.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, false, err
	}
	namespace := nsObj.(*corev1.Namespace)

	if options == nil {
		options = metav1.NewDeleteOptions(0)
	}
	if options.Preconditions == nil {
		options.Preconditions = &metav1.Preconditions{}
	}
	if options.Preconditions.UID == nil {
		options.Preconditions.UID = &namespace.UID
	} else if *options.Preconditions.UID != namespace.UID {
		return nil, false, apierrors.NewConflict(corev1.Resource("namespaces"), name,
			fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *options.Preconditions.UID, namespace.UID))
	}
	if options.Preconditions.ResourceVersion != nil && *options.Preconditions.ResourceVersion != namespace.ResourceVersion {
		return nil, false, apierrors.NewConflict(corev1.Resource("namespaces"), name,
			fmt.Errorf("Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *options.Preconditions.ResourceVersion, namespace.ResourceVersion))
	}

	if namespace.DeletionTimestamp.IsZero() {
		key, err := r.store.KeyFunc(ctx, name)
		if err != nil {
			return nil, false, err
		}
		preconditions := storage.Preconditions{UID: options.Preconditions.UID, ResourceVersion: options.Preconditions.ResourceVersion}
		out := r.store.NewFunc()
		err = r.store.Storage.GuaranteedUpdate(
			ctx, key, out, false, &preconditions,
			storage.SimpleUpdate(func(existing runtime.Object) (runtime.Object, error) {
				existingNamespace, ok := existing.(*corev1.Namespace)
				if !ok {
					return nil, fmt.Errorf("expected *corev1.Namespace, got %v", existing)
				}
				if err := deleteValidation(ctx, existingNamespace); err != nil {
					return nil, err
				}
				if existingNamespace.DeletionTimestamp.IsZero() {
					now := metav1.Now()
					existingNamespace.DeletionTimestamp = &now
				}
				existingNamespace.Status.Phase = corev1.NamespaceTerminating
				existingNamespace.Finalizers = propagationFinalizers(options, existingNamespace.Finalizers)
				return existingNamespace, nil
			}),
			dryrun.IsDryRun(options.DryRun),
			nil,
		)
		if err != nil {
			err = storageerr.InterpretGetError(err, corev1.Resource("namespaces"), name)
			err = storageerr.InterpretUpdateError(err, corev1.Resource("namespaces"), name)
			if _, ok := err.(*apierrors.StatusError); !ok {
				err = apierrors.NewInternalError(err)
			}
			return nil, false, err
		}
		return out, false, nil
	}

	if len(namespace.Spec.Finalizers) != 0 {
		return namespace, false, nil
	}
	return r.store.Delete(ctx, name, deleteValidation, options)
}

// propagationFinalizers adds or removes the orphan and foreground finalizers as the delete
// options ask, leaving the list untouched when nothing changes. kube builds the new list from a
// map, so its order is no part of the API.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace/storage REST.Delete (finalizer part)
func propagationFinalizers(options *metav1.DeleteOptions, finalizers []string) []string {
	current := map[string]bool{}
	for _, f := range finalizers {
		current[f] = true
	}
	shouldHave := map[string]bool{
		metav1.FinalizerOrphanDependents: shouldHaveOrphanFinalizer(options, current[metav1.FinalizerOrphanDependents]),
		metav1.FinalizerDeleteDependents: shouldHaveDeleteDependentsFinalizer(options, current[metav1.FinalizerDeleteDependents]),
	}
	changed := false
	for _, f := range []string{metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents} {
		changed = current[f] != shouldHave[f] || changed
		if shouldHave[f] {
			current[f] = true
		} else {
			delete(current, f)
		}
	}
	if !changed {
		return finalizers
	}
	out := []string{}
	for _, f := range finalizers {
		if current[f] {
			out = append(out, f)
			delete(current, f)
		}
	}
	for _, f := range []string{metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents} {
		if current[f] {
			out = append(out, f)
		}
	}
	return out
}

// ShouldDeleteNamespaceDuringUpdate removes a terminating namespace when an update (the
// finalize of the namespace controller) leaves it without spec.finalizers.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace/storage ShouldDeleteNamespaceDuringUpdate
func ShouldDeleteNamespaceDuringUpdate(ctx context.Context, key string, obj, existing runtime.Object) bool {
	ns, ok := obj.(*corev1.Namespace)
	if !ok {
		utilruntime.HandleError(fmt.Errorf("unexpected type %T", obj))
		return false
	}
	return len(ns.Spec.Finalizers) == 0 && genericregistry.ShouldDeleteDuringUpdate(ctx, key, obj, existing)
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace/storage shouldHaveOrphanFinalizer
func shouldHaveOrphanFinalizer(options *metav1.DeleteOptions, have bool) bool {
	//nolint:staticcheck // SA1019 kube still honours the deprecated field
	if options.OrphanDependents != nil {
		return *options.OrphanDependents
	}
	if options.PropagationPolicy != nil {
		return *options.PropagationPolicy == metav1.DeletePropagationOrphan
	}
	return have
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/namespace/storage shouldHaveDeleteDependentsFinalizer
func shouldHaveDeleteDependentsFinalizer(options *metav1.DeleteOptions, have bool) bool {
	//nolint:staticcheck // SA1019 kube still honours the deprecated field
	if options.OrphanDependents != nil {
		return !*options.OrphanDependents
	}
	if options.PropagationPolicy != nil {
		return *options.PropagationPolicy == metav1.DeletePropagationForeground
	}
	return have
}

func (r *StatusREST) New() runtime.Object { return r.store.New() }

// Destroy does nothing: the main REST owns the shared storage.
func (r *StatusREST) Destroy() {}

func (r *StatusREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}

// Update writes the status; a subresource never creates.
func (r *StatusREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

func (r *StatusREST) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return r.store.GetResetFields()
}

func (r *StatusREST) ConvertToTable(ctx context.Context, object runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	return r.store.ConvertToTable(ctx, object, tableOptions)
}

func (r *FinalizeREST) New() runtime.Object { return r.store.New() }

// Destroy does nothing: the main REST owns the shared storage.
func (r *FinalizeREST) Destroy() {}

// Update writes spec.finalizers; a subresource never creates.
func (r *FinalizeREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

func (r *FinalizeREST) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return r.store.GetResetFields()
}

var (
	_ rest.Getter                 = &REST{}
	_ rest.Lister                 = &REST{}
	_ rest.CreaterUpdater         = &REST{}
	_ rest.GracefulDeleter        = &REST{}
	_ rest.Watcher                = &REST{}
	_ rest.ShortNamesProvider     = &REST{}
	_ rest.SingularNameProvider   = &REST{}
	_ rest.StorageVersionProvider = &REST{}
	_ rest.ResetFieldsStrategy    = &REST{}
	_ rest.Patcher                = &StatusREST{}
	_ rest.Updater                = &FinalizeREST{}
)
