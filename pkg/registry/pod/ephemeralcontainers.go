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

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/prepare"
	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go
// The helpers here that name no upstream function of their own serve the functions that do.

// podEphemeralContainersStrategy implements pods/ephemeralcontainers, through which debuggers
// (kubectl debug) add containers to a running pod. Nothing but the list of ephemeral containers
// is taken from a write.
type podEphemeralContainersStrategy struct {
	podStrategy
}

// EphemeralContainersStrategy is the strategy of the pods/ephemeralcontainers endpoint.
func EphemeralContainersStrategy(typer runtime.ObjectTyper) podEphemeralContainersStrategy {
	return podEphemeralContainersStrategy{Strategy(typer)}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podEphemeralContainersStrategy.PrepareForUpdate
func (podEphemeralContainersStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	newPod := obj.(*corev1.Pod)
	oldPod := old.(*corev1.Pod)
	ephemeral := newPod.Spec.EphemeralContainers
	newPod.Spec = *oldPod.Spec.DeepCopy()
	newPod.Spec.EphemeralContainers = ephemeral
	newPod.Status = *oldPod.Status.DeepCopy()
	// Labels, annotations, finalizers and owners are not this endpoint's to change either.
	metav1.ResetObjectMetaForStatus(&newPod.ObjectMeta, oldPod.ObjectMeta.DeepCopy())
	prepare.DropDisabledFields(newPod, oldPod)
	bumpGenerationOnSpecChange(newPod, oldPod)
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podEphemeralContainersStrategy.ValidateUpdate
func (podEphemeralContainersStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	newPod, oldPod := obj.(*corev1.Pod), old.(*corev1.Pod)
	return validation.ValidatePodEphemeralContainersUpdate(newPod, oldPod, validation.OptionsFor(newPod, oldPod))
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podEphemeralContainersStrategy.WarningsOnUpdate
func (podEphemeralContainersStrategy) WarningsOnUpdate(ctx context.Context, obj, old runtime.Object) []string {
	return nil
}

// bumpGenerationOnSpecChange records a change of the desired state, which the kubelet reports
// back as status.observedGeneration.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go updatePodGeneration
func bumpGenerationOnSpecChange(newPod, oldPod *corev1.Pod) {
	if !apiequality.Semantic.DeepEqual(newPod.Spec, oldPod.Spec) {
		newPod.Generation = oldPod.Generation + 1
	}
}

// EphemeralContainersREST serves pods/ephemeralcontainers. Like kube-apiserver v1.37 it offers
// server-side apply no reset fields: the strategy discards everything but the ephemeral
// containers anyway.
type EphemeralContainersREST struct {
	store *genericregistry.Store
}

// New returns an empty pod.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go EphemeralContainersREST.New
func (r *EphemeralContainersREST) New() runtime.Object { return &corev1.Pod{} }

// Destroy does nothing: the main pods REST owns the shared storage.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go EphemeralContainersREST.Destroy
func (r *EphemeralContainersREST) Destroy() {}

// Get returns the pod; patches start from it.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go EphemeralContainersREST.Get
func (r *EphemeralContainersREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}

// Update writes the ephemeral containers of a pod. A subresource never creates its pod.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go EphemeralContainersREST.Update
func (r *EphemeralContainersREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

var (
	_ rest.RESTUpdateStrategy = podEphemeralContainersStrategy{}
	_ rest.Patcher            = &EphemeralContainersREST{}
)
