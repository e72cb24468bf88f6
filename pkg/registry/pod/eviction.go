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
	"fmt"
	"reflect"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/wait"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/util/dryrun"
	"k8s.io/client-go/util/retry"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/eviction.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// evictionRetry is kube's backoff for evictions racing other writers of the pod.
var evictionRetry = wait.Backoff{Steps: 20, Duration: 500 * time.Millisecond, Factor: 1.0, Jitter: 0.1}

var evictionKind = policyv1.SchemeGroupVersion.WithKind("Eviction")

// EvictionREST serves pods/eviction. This server holds no PodDisruptionBudgets, so no budget
// can refuse an eviction: every accepted eviction marks the pod and deletes it gracefully.
type EvictionREST struct {
	// store is the status store: the DisruptionTarget condition is a status write.
	store *genericregistry.Store
}

// GroupVersionKind reports policy/v1 Eviction in discovery, whatever version /api is.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/eviction.go EvictionREST.GroupVersionKind
func (r *EvictionREST) GroupVersionKind(schema.GroupVersion) schema.GroupVersionKind {
	return evictionKind
}

// AcceptsGroupVersion lets clients still on policy/v1beta1 send their Eviction bodies.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/eviction.go EvictionREST.AcceptsGroupVersion
func (r *EvictionREST) AcceptsGroupVersion(gv schema.GroupVersion) bool {
	return gv == policyv1.SchemeGroupVersion || gv == policyv1beta1.SchemeGroupVersion
}

// New returns an empty Eviction, the body of an eviction request.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/eviction.go EvictionREST.New
func (r *EvictionREST) New() runtime.Object { return &policyv1.Eviction{} }

// Destroy does nothing: the main pods REST owns the shared storage.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/eviction.go EvictionREST.Destroy
func (r *EvictionREST) Destroy() {}

// Create evicts the pod.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/eviction.go EvictionREST.Create
func (r *EvictionREST) Create(ctx context.Context, name string, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	eviction, ok := obj.(*policyv1.Eviction)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Eviction object: %T", obj))
	}
	if name != eviction.Name {
		return nil, apierrors.NewBadRequest("name in URL does not match name in Eviction object")
	}
	if do := eviction.DeleteOptions; do != nil && do.IgnoreStoreReadErrorWithClusterBreakingPotential != nil && *do.IgnoreStoreReadErrorWithClusterBreakingPotential {
		errs := field.ErrorList{field.Invalid(field.NewPath("deleteOptions", "ignoreStoreReadErrorWithClusterBreakingPotential"), true, "can not be set for pod eviction, try after removing the option")}
		return nil, apierrors.NewInvalid(evictionKind.GroupKind(), name, errs)
	}
	deleteOptions, err := evictionDeleteOptions(eviction, options)
	if err != nil {
		return nil, err
	}
	if createValidation != nil {
		if err := createValidation(ctx, eviction.DeepCopyObject()); err != nil {
			return nil, err
		}
	}

	callerSetRV := deleteOptions.Preconditions != nil && deleteOptions.Preconditions.ResourceVersion != nil
	shouldRetry := apierrors.IsConflict
	if callerSetRV {
		// The caller asked for one exact version; retrying against a newer one would defeat it.
		shouldRetry = func(error) bool { return false }
	}
	err = retry.OnError(evictionRetry, shouldRetry, func() error {
		obj, err := r.store.Get(ctx, name, &metav1.GetOptions{})
		if err != nil {
			return err
		}
		pod := obj.(*corev1.Pod)
		opts := deleteOptions
		// A pending pod could turn ready between the read and the delete; with budgets that
		// would matter, so kube pins the version it looked at. Running pods are deleted as
		// asked, since no budget guards them here.
		if pod.Status.Phase == corev1.PodPending && pod.DeletionTimestamp == nil && !callerSetRV {
			opts = opts.DeepCopy()
			if opts.Preconditions == nil {
				opts.Preconditions = &metav1.Preconditions{}
			}
			rv := pod.ResourceVersion
			opts.Preconditions.ResourceVersion = &rv
		}
		return r.markAndDelete(ctx, name, opts)
	})
	if err != nil {
		return nil, err
	}
	return &metav1.Status{Status: metav1.StatusSuccess}, nil
}

// evictionDeleteOptions merges the request's dryRun into the eviction's own delete options; the
// two may not disagree.
func evictionDeleteOptions(eviction *policyv1.Eviction, options *metav1.CreateOptions) (*metav1.DeleteOptions, error) {
	if eviction.DeleteOptions == nil {
		return &metav1.DeleteOptions{DryRun: options.DryRun}, nil
	}
	switch {
	case len(eviction.DeleteOptions.DryRun) == 0:
		eviction.DeleteOptions.DryRun = options.DryRun
	case len(options.DryRun) == 0:
	case !reflect.DeepEqual(options.DryRun, eviction.DeleteOptions.DryRun):
		return nil, fmt.Errorf("Non-matching dry-run options in request and content: %v and %v", options.DryRun, eviction.DeleteOptions.DryRun)
	}
	return eviction.DeleteOptions, nil
}

// markAndDelete records why the pod goes (the DisruptionTarget condition) and then deletes it
// gracefully. A dry run writes nothing, so it skips the condition.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/eviction.go addConditionAndDeletePod
func (r *EvictionREST) markAndDelete(ctx context.Context, name string, options *metav1.DeleteOptions) error {
	if !dryrun.IsDryRun(options.DryRun) {
		checkPreconditions := func(_ context.Context, _, old runtime.Object) (runtime.Object, error) {
			pod := old.(*corev1.Pod).DeepCopy()
			if p := options.Preconditions; p != nil {
				if p.UID != nil && *p.UID != "" && *p.UID != pod.UID {
					return nil, apierrors.NewConflict(schema.GroupResource{Resource: "Pod"}, pod.Name,
						fmt.Errorf("the UID in the precondition (%s) does not match the UID in record (%s). The object might have been deleted and then recreated", *p.UID, pod.UID))
				}
				if p.ResourceVersion != nil && *p.ResourceVersion != "" && *p.ResourceVersion != pod.ResourceVersion {
					return nil, apierrors.NewConflict(schema.GroupResource{Resource: "Pod"}, pod.Name,
						fmt.Errorf("the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record (%s). The object might have been modified", *p.ResourceVersion, pod.ResourceVersion))
				}
			}
			return pod, nil
		}
		addCondition := func(_ context.Context, obj, _ runtime.Object) (runtime.Object, error) {
			pod := obj.(*corev1.Pod)
			setPodCondition(&pod.Status, corev1.PodCondition{
				Type:    corev1.DisruptionTarget,
				Status:  corev1.ConditionTrue,
				Reason:  "EvictionByEvictionAPI",
				Message: "Eviction API: evicting",
			})
			return pod, nil
		}
		// The transformers run in order: check against the latest pod, then change it.
		info := rest.DefaultUpdatedObjectInfo(nil, checkPreconditions, addCondition)
		updated, _, err := r.store.Update(ctx, name, info, rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			return err
		}
		// The condition write moved the version the caller's precondition named.
		if options.Preconditions != nil && options.Preconditions.ResourceVersion != nil {
			rv, err := meta.NewAccessor().ResourceVersion(updated)
			if err != nil {
				return err
			}
			options = options.DeepCopy()
			options.Preconditions.ResourceVersion = &rv
		}
	}
	_, _, err := r.store.Delete(ctx, name, rest.ValidateAllObjectFunc, options)
	return err
}

var (
	_ rest.NamedCreater             = &EvictionREST{}
	_ rest.GroupVersionKindProvider = &EvictionREST{}
	_ rest.GroupVersionAcceptor     = &EvictionREST{}
)
