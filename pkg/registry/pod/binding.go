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

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"
	storeerr "k8s.io/apiserver/pkg/storage/errors"
	"k8s.io/apiserver/pkg/util/dryrun"

	"github.com/pod-apiserver/pod-apiserver/pkg/api/pod/prepare"
)

// File ported from:
//   k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go
//   k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go
// The helpers here that name no upstream function of their own serve the functions that do.

// BindingREST serves pods/binding: how a scheduler assigns a pod to a node.
type BindingREST struct {
	store *genericregistry.Store
}

// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go BindingREST.NamespaceScoped
func (r *BindingREST) NamespaceScoped() bool { return true }

// New returns an empty Binding, the body of a binding request.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go BindingREST.New
func (r *BindingREST) New() runtime.Object { return &corev1.Binding{} }

// Destroy does nothing: the main pods REST owns the shared storage.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go BindingREST.Destroy
func (r *BindingREST) Destroy() {}

// PreserveRequestObjectMetaSystemFieldsOnSubresourceCreate keeps the binding's uid and
// resourceVersion, which are the preconditions of the assignment.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go BindingREST.PreserveRequestObjectMetaSystemFieldsOnSubresourceCreate
func (r *BindingREST) PreserveRequestObjectMetaSystemFieldsOnSubresourceCreate() bool { return true }

// Create assigns the pod to the binding's target node.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go BindingREST.Create
func (r *BindingREST) Create(ctx context.Context, name string, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	binding, ok := obj.(*corev1.Binding)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Binding object: %#v", obj))
	}
	if name != binding.Name {
		return nil, apierrors.NewBadRequest("name in URL does not match name in Binding object")
	}
	// kube returns these as a plain aggregate, not an Invalid status, so clients see a 500.
	if errs := ValidatePodBinding(binding); len(errs) != 0 {
		return nil, errs.ToAggregate()
	}
	if createValidation != nil {
		if err := createValidation(ctx, binding.DeepCopyObject()); err != nil {
			return nil, err
		}
	}
	if err := r.assign(ctx, binding, dryrun.IsDryRun(options.DryRun)); err != nil {
		return nil, err
	}
	return &metav1.Status{Status: metav1.StatusSuccess}, nil
}

// ValidatePodBinding checks the target of a binding: a node, named as nodes are.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePodBinding
func ValidatePodBinding(binding *corev1.Binding) field.ErrorList {
	var errs field.ErrorList
	target := field.NewPath("target")
	kind := binding.Target.Kind
	if kind != "" && kind != "Node" {
		errs = append(errs, field.NotSupported(target.Child("kind"), kind, []string{"Node", "<empty>"}))
	}
	if binding.Target.Name == "" {
		errs = append(errs, field.Required(target.Child("name"), ""))
	} else if kind == "" || kind == "Node" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(binding.Target.Name, false) {
			errs = append(errs, field.Invalid(target.Child("name"), binding.Target.Name, msg))
		}
	}
	return errs
}

// assign writes the binding straight to storage, bypassing the pod strategy: a binding is not a
// spec update and bumps no generation.
// k8s.io/kubernetes@v1.37.2 pkg/registry/core/pod/storage/storage.go BindingREST.assignPod
func (r *BindingREST) assign(ctx context.Context, binding *corev1.Binding, dryRun bool) error {
	key, err := r.store.KeyFunc(ctx, binding.Name)
	if err != nil {
		return err
	}
	var preconditions *storage.Preconditions
	if binding.UID != "" || binding.ResourceVersion != "" {
		preconditions = &storage.Preconditions{}
		if binding.UID != "" {
			uid := binding.UID
			preconditions.UID = &uid
		}
		if binding.ResourceVersion != "" {
			rv := binding.ResourceVersion
			preconditions.ResourceVersion = &rv
		}
	}
	err = r.store.Storage.GuaranteedUpdate(ctx, key, &corev1.Pod{}, false, preconditions, storage.SimpleUpdate(func(obj runtime.Object) (runtime.Object, error) {
		pod := obj.(*corev1.Pod)
		switch {
		case pod.DeletionTimestamp != nil:
			return nil, fmt.Errorf("pod %s is being deleted, cannot be assigned to a host", pod.Name)
		case pod.Spec.NodeName != "":
			return nil, fmt.Errorf("pod %v is already assigned to node %q", pod.Name, pod.Spec.NodeName)
		case len(pod.Spec.SchedulingGates) != 0:
			return nil, fmt.Errorf("pod %v has non-empty .spec.schedulingGates", pod.Name)
		}
		pod.Spec.NodeName = binding.Target.Name
		// A nomination is stale once the pod is bound.
		pod.Status.NominatedNodeName = ""
		if pod.Annotations == nil {
			pod.Annotations = map[string]string{}
		}
		for k, v := range binding.Annotations {
			pod.Annotations[k] = v
		}
		// The write skips the strategy that strips these, so a binding must not bring them back.
		prepare.DropInitContainerAnnotations(pod.Annotations)
		// Topology labels arrive on the binding (kube's PodTopologyLabels admission puts them
		// there) and win over the pod's own.
		if len(binding.Labels) > 0 {
			if pod.Labels == nil {
				pod.Labels = map[string]string{}
			}
			for k, v := range binding.Labels {
				pod.Labels[k] = v
			}
		}
		setPodCondition(&pod.Status, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue})
		return pod, nil
	}), dryRun, nil)
	if err != nil {
		err = storeerr.InterpretGetError(err, corev1.Resource("pods"), binding.Name)
		err = storeerr.InterpretUpdateError(err, corev1.Resource("pods"), binding.Name)
		if _, ok := err.(*apierrors.StatusError); !ok {
			err = apierrors.NewConflict(corev1.Resource("pods/binding"), binding.Name, err)
		}
	}
	return err
}

// setPodCondition adds or replaces the condition of its type. The transition time moves only
// when the status changes.
func setPodCondition(status *corev1.PodStatus, condition corev1.PodCondition) {
	condition.LastTransitionTime = metav1.Now()
	for i := range status.Conditions {
		if status.Conditions[i].Type != condition.Type {
			continue
		}
		if status.Conditions[i].Status == condition.Status {
			condition.LastTransitionTime = status.Conditions[i].LastTransitionTime
		}
		status.Conditions[i] = condition
		return
	}
	status.Conditions = append(status.Conditions, condition)
}

var (
	_ rest.NamedCreater                   = &BindingREST{}
	_ rest.SubresourceObjectMetaPreserver = &BindingREST{}
)
