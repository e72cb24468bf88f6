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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/prepare"
	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/pkg/features"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go
// The helpers here that name no upstream function of their own serve the functions that do.

// podResizeStrategy implements pods/resize, through which the resources of a running pod's
// containers are changed in place. Only container (and init container) resources and resize
// policies, and pod-level resources, are taken from a write.
type podResizeStrategy struct {
	podStrategy
}

// ResizeStrategy is the strategy of the pods/resize endpoint.
func ResizeStrategy(typer runtime.ObjectTyper) podResizeStrategy {
	return podResizeStrategy{Strategy(typer)}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podResizeStrategy.PrepareForUpdate
func (podResizeStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	newPod := obj.(*corev1.Pod)
	oldPod := old.(*corev1.Pod)
	keepOnlyResizeChanges(newPod, oldPod)
	// A client that does not know pod-level resources drops them when it writes the pod back;
	// that must not read as a request to remove them.
	if newPod.Spec.Resources == nil && oldPod.Spec.Resources != nil {
		newPod.Spec.Resources = oldPod.Spec.Resources.DeepCopy()
	}
	// A resize that sets only some pod-level resources gets the rest derived from the
	// containers, as on create.
	prepare.DefaultPodLevelResources(newPod)
	prepare.DropDisabledFields(newPod, oldPod)
	bumpGenerationOnSpecChange(newPod, oldPod)
}

// keepOnlyResizeChanges resets newPod to oldPod except for what a resize may change. A write
// that adds, removes, renames or reorders containers is left as sent, so that validation names
// the fault instead of the change silently vanishing.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go dropNonResizeUpdates
func keepOnlyResizeChanges(newPod, oldPod *corev1.Pod) {
	if len(newPod.Spec.Containers) != len(oldPod.Spec.Containers) || len(newPod.Spec.InitContainers) != len(oldPod.Spec.InitContainers) {
		return
	}
	podResources := newPod.Spec.Resources
	volumes := newPod.Spec.Volumes
	containers := withResizeFields(newPod.Spec.Containers, oldPod.Spec.Containers)
	initContainers := withResizeFields(newPod.Spec.InitContainers, oldPod.Spec.InitContainers)

	newPod.Spec = *oldPod.Spec.DeepCopy()
	if features.Enabled(features.InPlacePodLevelResourcesVerticalScaling) {
		newPod.Spec.Resources = podResources
	}
	newPod.Spec.Containers = containers
	newPod.Spec.InitContainers = initContainers
	// Volumes stay as stored unless a resize may change emptyDir size limits.
	if features.Enabled(features.InPlacePodVerticalScalingMemoryBackedVolumes) {
		newPod.Spec.Volumes = volumes
	}
	newPod.Status = *oldPod.Status.DeepCopy()
	metav1.ResetObjectMetaForStatus(&newPod.ObjectMeta, oldPod.ObjectMeta.DeepCopy())
}

// withResizeFields returns the stored containers with the resources and resize policies of the
// new ones, or the new containers as they are when the names do not line up.
func withResizeFields(newContainers, oldContainers []corev1.Container) []corev1.Container {
	if len(newContainers) == 0 {
		return newContainers
	}
	out := make([]corev1.Container, len(oldContainers))
	for i := range oldContainers {
		if newContainers[i].Name != oldContainers[i].Name {
			return newContainers
		}
		out[i] = *oldContainers[i].DeepCopy()
		out[i].Resources = newContainers[i].Resources
		out[i].ResizePolicy = newContainers[i].ResizePolicy
	}
	return out
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podResizeStrategy.ValidateUpdate
func (podResizeStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	newPod, oldPod := obj.(*corev1.Pod), old.(*corev1.Pod)
	return validation.ValidatePodResize(newPod, oldPod, validation.OptionsFor(newPod, oldPod))
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podResizeStrategy.WarningsOnUpdate
func (podResizeStrategy) WarningsOnUpdate(ctx context.Context, obj, old runtime.Object) []string {
	return nil
}

// ResizeREST serves pods/resize. Like kube-apiserver v1.37 it offers server-side apply no reset
// fields: the strategy discards everything a resize may not change anyway.
type ResizeREST struct {
	store *genericregistry.Store
}

// New returns an empty pod.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go ResizeREST.New
func (r *ResizeREST) New() runtime.Object { return &corev1.Pod{} }

// Destroy does nothing: the main pods REST owns the shared storage.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go ResizeREST.Destroy
func (r *ResizeREST) Destroy() {}

// Get returns the pod; patches start from it.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go ResizeREST.Get
func (r *ResizeREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}

// Update resizes a pod. A subresource never creates its pod.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go ResizeREST.Update
func (r *ResizeREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

var (
	_ rest.RESTUpdateStrategy = podResizeStrategy{}
	_ rest.Patcher            = &ResizeREST{}
)
