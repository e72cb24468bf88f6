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

// Package pod holds the registry of the pods resource: the strategies that give each endpoint its
// semantics and the REST storage objects that wire them to etcd.
package pod

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/operation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/prepare"
	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/qos"
	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/validation"
	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/warnings"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// podStrategy implements the main pods endpoint: create, update and delete.
type podStrategy struct {
	runtime.ObjectTyper
	names.NameGenerator
}

// Strategy is the strategy of the pods endpoint.
func Strategy(typer runtime.ObjectTyper) podStrategy {
	return podStrategy{ObjectTyper: typer, NameGenerator: names.SimpleNameGenerator}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.NamespaceScoped
func (podStrategy) NamespaceScoped() bool { return true }

// GetResetFields keeps server-side apply from recording status ownership on the main endpoint,
// where status writes are ignored.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.GetResetFields
func (podStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return map[fieldpath.APIVersion]*fieldpath.Set{
		"v1": fieldpath.NewSet(fieldpath.MakePathOrDie("status")),
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.PrepareForCreate
func (podStrategy) PrepareForCreate(ctx context.Context, obj runtime.Object) {
	pod := obj.(*corev1.Pod)
	pod.Generation = 1
	// Status belongs to the kubelet and the scheduler; a client cannot create a pod in a state.
	pod.Status = corev1.PodStatus{Phase: corev1.PodPending}
	prepare.DropDisabledFields(pod, nil)
	prepare.MarkSchedulingGated(pod, metav1.Now())
	prepare.MergeLabelKeys(pod)
	prepare.SyncAppArmorAnnotations(ctx, pod)
	// After admission, so containers that plugins or webhooks added count towards the totals.
	prepare.DefaultPodLevelResources(pod)
	pod.Status.QOSClass = qos.PodQOS(pod)
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.PrepareForUpdate
func (podStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	newPod := obj.(*corev1.Pod)
	oldPod := old.(*corev1.Pod)
	newPod.Status = oldPod.Status
	// A client that does not know pod-level resources drops them when it writes the pod back;
	// that must not read as a request to remove them.
	if newPod.Spec.Resources == nil && oldPod.Spec.Resources != nil {
		newPod.Spec.Resources = oldPod.Spec.Resources.DeepCopy()
	}
	prepare.DropDisabledFields(newPod, oldPod)
	if !apiequality.Semantic.DeepEqual(newPod.Spec, oldPod.Spec) {
		newPod.Generation = oldPod.Generation + 1
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.Validate
func (podStrategy) Validate(ctx context.Context, obj runtime.Object) field.ErrorList {
	pod := obj.(*corev1.Pod)
	return validation.ValidatePodCreate(pod, validation.OptionsFor(pod, nil))
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.WarningsOnCreate
func (podStrategy) WarningsOnCreate(ctx context.Context, obj runtime.Object) []string {
	return warnings.ForCreate(obj.(*corev1.Pod))
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.Canonicalize
func (podStrategy) Canonicalize(obj runtime.Object) {}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.AllowCreateOnUpdate
func (podStrategy) AllowCreateOnUpdate(ctx context.Context) bool { return false }

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.ValidateUpdate
func (podStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	newPod, oldPod := obj.(*corev1.Pod), old.(*corev1.Pod)
	return validation.ValidatePodUpdate(newPod, oldPod, validation.OptionsFor(newPod, oldPod))
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.WarningsOnUpdate
func (podStrategy) WarningsOnUpdate(ctx context.Context, obj, old runtime.Object) []string {
	return nil
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.AllowUnconditionalUpdate
func (podStrategy) AllowUnconditionalUpdate(ctx context.Context) bool { return true }

// CheckGracefulDelete picks the grace period of a delete. A pod that no kubelet runs (unscheduled)
// or that has finished has nothing to stop, so it goes at once instead of waiting for a kubelet
// that will never confirm.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStrategy.CheckGracefulDelete
func (podStrategy) CheckGracefulDelete(ctx context.Context, obj runtime.Object, options *metav1.DeleteOptions) bool {
	if options == nil {
		return false
	}
	pod := obj.(*corev1.Pod)
	var period int64
	switch {
	case options.GracePeriodSeconds != nil:
		period = *options.GracePeriodSeconds
	case pod.Spec.TerminationGracePeriodSeconds != nil:
		period = *pod.Spec.TerminationGracePeriodSeconds
	}
	if pod.Spec.NodeName == "" || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		period = 0
	}
	// A negative period would be read as "delete now" by some clients and "never" by others;
	// kube settles on the shortest real grace.
	if period < 0 {
		period = 1
	}
	options.GracePeriodSeconds = &period
	return true
}

// podStatusStrategy implements pods/status: only status (and metadata) may change there.
type podStatusStrategy struct {
	podStrategy
}

// StatusStrategy is the strategy of the pods/status endpoint.
func StatusStrategy(typer runtime.ObjectTyper) podStatusStrategy {
	return podStatusStrategy{Strategy(typer)}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStatusStrategy.GetResetFields
func (podStatusStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return map[fieldpath.APIVersion]*fieldpath.Set{
		"v1": fieldpath.NewSet(
			fieldpath.MakePathOrDie("spec"),
			fieldpath.MakePathOrDie("metadata", "deletionTimestamp"),
			fieldpath.MakePathOrDie("metadata", "ownerReferences"),
		),
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStatusStrategy.PrepareForUpdate
func (podStatusStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	newPod := obj.(*corev1.Pod)
	oldPod := old.(*corev1.Pod)
	newPod.Spec = oldPod.Spec
	// The generic update restores the stored deletionTimestamp; clearing it here keeps a status
	// writer from setting one.
	newPod.DeletionTimestamp = nil
	// Old kubelets wrote owner references back corrupted, which broke garbage collection.
	newPod.OwnerReferences = oldPod.OwnerReferences
	// The class is fixed at creation; old kubelets dropped it when they rejected a pod.
	if newPod.Status.QOSClass == "" {
		newPod.Status.QOSClass = oldPod.Status.QOSClass
	}
	// Writers that do not know the resource claim fields omit them; only an explicit empty
	// list clears them.
	if newPod.Status.ResourceClaimStatuses == nil {
		newPod.Status.ResourceClaimStatuses = oldPod.Status.ResourceClaimStatuses
	}
	if newPod.Status.ExtendedResourceClaimStatus == nil {
		newPod.Status.ExtendedResourceClaimStatus = oldPod.Status.ExtendedResourceClaimStatus
	}
	if newPod.Status.NodeAllocatableResourceClaimStatuses == nil {
		newPod.Status.NodeAllocatableResourceClaimStatuses = oldPod.Status.NodeAllocatableResourceClaimStatuses
	}
	keepObservedGenerations(newPod, oldPod)
	prepare.DropDisabledFields(newPod, oldPod)
}

// keepObservedGenerations keeps the generations the kubelet reported when a writer that does not
// know them sends 0: for the status, and per condition. Conditions are matched by type in order,
// since validation allows a type more than once.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go preserveOldObservedGeneration
func keepObservedGenerations(newPod, oldPod *corev1.Pod) {
	if newPod.Status.ObservedGeneration == 0 {
		newPod.Status.ObservedGeneration = oldPod.Status.ObservedGeneration
	}
	oldByType := map[corev1.PodConditionType][]int64{}
	for _, c := range oldPod.Status.Conditions {
		oldByType[c.Type] = append(oldByType[c.Type], c.ObservedGeneration)
	}
	for i := range newPod.Status.Conditions {
		c := &newPod.Status.Conditions[i]
		var previous int64
		if gens := oldByType[c.Type]; len(gens) > 0 {
			previous, oldByType[c.Type] = gens[0], gens[1:]
		}
		if c.ObservedGeneration == 0 {
			c.ObservedGeneration = previous
		}
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStatusStrategy.ValidateUpdate
func (podStatusStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	newPod, oldPod := obj.(*corev1.Pod), old.(*corev1.Pod)
	return validation.ValidatePodStatusUpdate(newPod, oldPod, validation.OptionsFor(newPod, oldPod))
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/strategy.go podStatusStrategy.WarningsOnUpdate
func (podStatusStrategy) WarningsOnUpdate(ctx context.Context, obj, old runtime.Object) []string {
	return warnings.ForStatusUpdate(obj.(*corev1.Pod), old.(*corev1.Pod))
}

var (
	_ rest.RESTCreateStrategy            = podStrategy{}
	_ rest.RESTUpdateStrategy            = podStrategy{}
	_ rest.RESTDeleteStrategy            = podStrategy{}
	_ rest.RESTGracefulDeleteStrategy    = podStrategy{}
	_ rest.ResetFieldsStrategy           = podStrategy{}
	_ rest.DeclarativeValidationStrategy = podStrategy{}
	_ rest.RESTUpdateStrategy            = podStatusStrategy{}
	_ rest.ResetFieldsStrategy           = podStatusStrategy{}
)

// ValidateDeclaratively is where kube-apiserver filters a write's whole error list, the generic
// metadata checks included, before answering: errors that repeat an earlier one word for word are
// dropped (several families report one fault more than once, e.g. a toleration checked as spec
// and as update, or a capability listed twice). No pod rule is declarative at the v1.37 defaults
// (the declarative toleration rules only shadow the hand-written ones), so filtering is all it
// does. The status strategy inherits it, as kube's does.
func (podStrategy) ValidateDeclaratively(ctx context.Context, obj, old runtime.Object, errs field.ErrorList, op operation.Type, config rest.DeclarativeValidationConfig) field.ErrorList {
	if len(errs) < 2 {
		return errs
	}
	return errs.Filter()
}

func (podStrategy) DeclarativeValidationConfig(ctx context.Context, obj, old runtime.Object) rest.DeclarativeValidationConfig {
	return rest.DeclarativeValidationConfig{}
}
