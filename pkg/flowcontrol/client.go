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

// Package flowcontrol feeds API Priority and Fairness the configuration kube-apiserver starts
// with. pod-apiserver serves no flowcontrol.apiserver.k8s.io objects, so the FlowSchemas and
// PriorityLevelConfigurations live in memory, fixed to kube's mandatory and suggested sets; the
// config controller reads them through an ordinary client and informer, and may write the status
// conditions it maintains.
package flowcontrol

import (
	"context"
	"sort"
	"strconv"
	"sync"

	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap"
	flowcontrolapply "k8s.io/client-go/applyconfigurations/flowcontrol/v1"
	"k8s.io/client-go/kubernetes"
	flowcontrolclient "k8s.io/client-go/kubernetes/typed/flowcontrol/v1"
	"k8s.io/client-go/rest"
)

// Client is a kubernetes.Interface whose flowcontrol/v1 group answers from the built-in
// configuration; every other group goes to the wrapped client.
type Client struct {
	kubernetes.Interface
	v1 *v1Client
}

// NewBootstrapClient holds the configuration a fresh kube-apiserver ensures in etcd: the mandatory
// and the suggested FlowSchemas and PriorityLevelConfigurations, unchanged.
// k8s.io/kubernetes@v1.37.2 pkg/registry/flowcontrol/ensurer EnsureConfigurations
func NewBootstrapClient(other kubernetes.Interface) *Client {
	var pls []*flowcontrolv1.PriorityLevelConfiguration
	pls = append(pls, bootstrap.MandatoryPriorityLevelConfigurations...)
	pls = append(pls, bootstrap.SuggestedPriorityLevelConfigurations...)
	var fss []*flowcontrolv1.FlowSchema
	fss = append(fss, bootstrap.MandatoryFlowSchemas...)
	fss = append(fss, bootstrap.SuggestedFlowSchemas...)
	rv := &version{}
	return &Client{
		Interface: other,
		v1: &v1Client{
			flowSchemas:    newStore(rv, flowcontrolv1.Resource("flowschemas"), fss),
			priorityLevels: newStore(rv, flowcontrolv1.Resource("prioritylevelconfigurations"), pls),
		},
	}
}

// FlowcontrolV1 is the built-in configuration.
func (c *Client) FlowcontrolV1() flowcontrolclient.FlowcontrolV1Interface { return c.v1 }

// IsWatchListSemanticsUnSupported makes informers LIST and then WATCH, the protocol the in-memory
// objects speak.
func (c *Client) IsWatchListSemanticsUnSupported() bool { return true }

// Shutdown ends every open watch on the configuration.
func (c *Client) Shutdown() {
	c.v1.flowSchemas.broadcaster.Shutdown()
	c.v1.priorityLevels.broadcaster.Shutdown()
}

type v1Client struct {
	flowSchemas    *store[flowcontrolv1.FlowSchema, *flowcontrolv1.FlowSchema]
	priorityLevels *store[flowcontrolv1.PriorityLevelConfiguration, *flowcontrolv1.PriorityLevelConfiguration]
}

// RESTClient is nil: nothing here speaks HTTP, and the config controller uses only the typed calls.
func (c *v1Client) RESTClient() rest.Interface { return nil }

func (c *v1Client) FlowSchemas() flowcontrolclient.FlowSchemaInterface {
	return flowSchemas{c.flowSchemas}
}

func (c *v1Client) PriorityLevelConfigurations() flowcontrolclient.PriorityLevelConfigurationInterface {
	return priorityLevels{c.priorityLevels}
}

// version is the resourceVersion sequence shared by both kinds, as one etcd would give.
type version struct {
	mu sync.Mutex
	n  uint64
}

func (v *version) next() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	return v.n
}

func (v *version) current() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.n
}

type object[T any] interface {
	*T
	runtime.Object
	metav1.Object
}

// store holds the objects of one kind. They are never created or deleted after start; only status
// changes, so a watch that starts behind the current version catches up by replaying each object
// changed since then as MODIFIED.
type store[T any, PT object[T]] struct {
	mu          sync.Mutex
	rv          *version
	resource    schema.GroupResource
	objects     map[string]PT
	names       []string
	broadcaster *watch.Broadcaster
}

func newStore[T any, PT object[T]](rv *version, resource schema.GroupResource, objs []PT) *store[T, PT] {
	s := &store[T, PT]{
		rv:          rv,
		resource:    resource,
		objects:     map[string]PT{},
		broadcaster: watch.NewBroadcaster(100, watch.WaitIfChannelFull),
	}
	for _, o := range objs {
		c := o.DeepCopyObject().(PT)
		c.SetResourceVersion(strconv.FormatUint(rv.next(), 10))
		c.SetGeneration(1)
		s.objects[c.GetName()] = c
		s.names = append(s.names, c.GetName())
	}
	sort.Strings(s.names)
	return s
}

func (s *store[T, PT]) get(name string) (PT, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[name]
	if !ok {
		return nil, apierrors.NewNotFound(s.resource, name)
	}
	return o.DeepCopyObject().(PT), nil
}

func (s *store[T, PT]) list() ([]T, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := make([]T, 0, len(s.names))
	for _, name := range s.names {
		items = append(items, *(s.objects[name].DeepCopyObject().(PT)))
	}
	return items, strconv.FormatUint(s.rv.current(), 10)
}

func (s *store[T, PT]) watch(opts metav1.ListOptions) (watch.Interface, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from, _ := strconv.ParseUint(opts.ResourceVersion, 10, 64)
	var missed []watch.Event
	for _, name := range s.names {
		o := s.objects[name]
		if rv, _ := strconv.ParseUint(o.GetResourceVersion(), 10, 64); rv > from {
			missed = append(missed, watch.Event{Type: watch.Modified, Object: o.DeepCopyObject()})
		}
	}
	return s.broadcaster.WatchWithPrefix(missed)
}

// update changes one object in place and tells the watchers.
func (s *store[T, PT]) update(name string, change func(PT)) (PT, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[name]
	if !ok {
		return nil, apierrors.NewNotFound(s.resource, name)
	}
	o = o.DeepCopyObject().(PT)
	change(o)
	o.SetResourceVersion(strconv.FormatUint(s.rv.next(), 10))
	s.objects[name] = o
	if err := s.broadcaster.Action(watch.Modified, o.DeepCopyObject()); err != nil {
		return nil, err
	}
	return o.DeepCopyObject().(PT), nil
}

// readOnly answers every change but a status condition: the configuration is built in.
func (s *store[T, PT]) readOnly(verb string) error {
	return apierrors.NewMethodNotSupported(s.resource, verb)
}

type flowSchemas struct {
	*store[flowcontrolv1.FlowSchema, *flowcontrolv1.FlowSchema]
}

func (c flowSchemas) Get(_ context.Context, name string, _ metav1.GetOptions) (*flowcontrolv1.FlowSchema, error) {
	return c.get(name)
}

func (c flowSchemas) List(_ context.Context, _ metav1.ListOptions) (*flowcontrolv1.FlowSchemaList, error) {
	items, rv := c.list()
	return &flowcontrolv1.FlowSchemaList{ListMeta: metav1.ListMeta{ResourceVersion: rv}, Items: items}, nil
}

func (c flowSchemas) Watch(_ context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	return c.watch(opts)
}

// ApplyStatus takes the conditions the config controller maintains (Dangling), merged by type as
// server-side apply merges the conditions list.
func (c flowSchemas) ApplyStatus(_ context.Context, fs *flowcontrolapply.FlowSchemaApplyConfiguration, _ metav1.ApplyOptions) (*flowcontrolv1.FlowSchema, error) {
	if fs == nil || fs.Name == nil {
		return nil, apierrors.NewBadRequest("flowSchema provided to ApplyStatus must not be nil and must have a name")
	}
	return c.update(*fs.Name, func(o *flowcontrolv1.FlowSchema) {
		if fs.Status == nil {
			return
		}
		for _, ac := range fs.Status.Conditions {
			cond := flowcontrolv1.FlowSchemaCondition{}
			if ac.Type != nil {
				cond.Type = *ac.Type
			}
			if ac.Status != nil {
				cond.Status = *ac.Status
			}
			if ac.LastTransitionTime != nil {
				cond.LastTransitionTime = *ac.LastTransitionTime
			}
			if ac.Reason != nil {
				cond.Reason = *ac.Reason
			}
			if ac.Message != nil {
				cond.Message = *ac.Message
			}
			replaced := false
			for i := range o.Status.Conditions {
				if o.Status.Conditions[i].Type == cond.Type {
					o.Status.Conditions[i], replaced = cond, true
				}
			}
			if !replaced {
				o.Status.Conditions = append(o.Status.Conditions, cond)
			}
		}
	})
}

func (c flowSchemas) Create(context.Context, *flowcontrolv1.FlowSchema, metav1.CreateOptions) (*flowcontrolv1.FlowSchema, error) {
	return nil, c.readOnly("create")
}

func (c flowSchemas) Update(context.Context, *flowcontrolv1.FlowSchema, metav1.UpdateOptions) (*flowcontrolv1.FlowSchema, error) {
	return nil, c.readOnly("update")
}

func (c flowSchemas) UpdateStatus(context.Context, *flowcontrolv1.FlowSchema, metav1.UpdateOptions) (*flowcontrolv1.FlowSchema, error) {
	return nil, c.readOnly("update")
}

func (c flowSchemas) Delete(context.Context, string, metav1.DeleteOptions) error {
	return c.readOnly("delete")
}

func (c flowSchemas) DeleteCollection(context.Context, metav1.DeleteOptions, metav1.ListOptions) error {
	return c.readOnly("deletecollection")
}

func (c flowSchemas) Patch(context.Context, string, types.PatchType, []byte, metav1.PatchOptions, ...string) (*flowcontrolv1.FlowSchema, error) {
	return nil, c.readOnly("patch")
}

func (c flowSchemas) Apply(context.Context, *flowcontrolapply.FlowSchemaApplyConfiguration, metav1.ApplyOptions) (*flowcontrolv1.FlowSchema, error) {
	return nil, c.readOnly("patch")
}

type priorityLevels struct {
	*store[flowcontrolv1.PriorityLevelConfiguration, *flowcontrolv1.PriorityLevelConfiguration]
}

func (c priorityLevels) Get(_ context.Context, name string, _ metav1.GetOptions) (*flowcontrolv1.PriorityLevelConfiguration, error) {
	return c.get(name)
}

func (c priorityLevels) List(_ context.Context, _ metav1.ListOptions) (*flowcontrolv1.PriorityLevelConfigurationList, error) {
	items, rv := c.list()
	return &flowcontrolv1.PriorityLevelConfigurationList{ListMeta: metav1.ListMeta{ResourceVersion: rv}, Items: items}, nil
}

func (c priorityLevels) Watch(_ context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	return c.watch(opts)
}

func (c priorityLevels) Create(context.Context, *flowcontrolv1.PriorityLevelConfiguration, metav1.CreateOptions) (*flowcontrolv1.PriorityLevelConfiguration, error) {
	return nil, c.readOnly("create")
}

func (c priorityLevels) Update(context.Context, *flowcontrolv1.PriorityLevelConfiguration, metav1.UpdateOptions) (*flowcontrolv1.PriorityLevelConfiguration, error) {
	return nil, c.readOnly("update")
}

func (c priorityLevels) UpdateStatus(context.Context, *flowcontrolv1.PriorityLevelConfiguration, metav1.UpdateOptions) (*flowcontrolv1.PriorityLevelConfiguration, error) {
	return nil, c.readOnly("update")
}

func (c priorityLevels) Delete(context.Context, string, metav1.DeleteOptions) error {
	return c.readOnly("delete")
}

func (c priorityLevels) DeleteCollection(context.Context, metav1.DeleteOptions, metav1.ListOptions) error {
	return c.readOnly("deletecollection")
}

func (c priorityLevels) Patch(context.Context, string, types.PatchType, []byte, metav1.PatchOptions, ...string) (*flowcontrolv1.PriorityLevelConfiguration, error) {
	return nil, c.readOnly("patch")
}

func (c priorityLevels) Apply(context.Context, *flowcontrolapply.PriorityLevelConfigurationApplyConfiguration, metav1.ApplyOptions) (*flowcontrolv1.PriorityLevelConfiguration, error) {
	return nil, c.readOnly("patch")
}

func (c priorityLevels) ApplyStatus(context.Context, *flowcontrolapply.PriorityLevelConfigurationApplyConfiguration, metav1.ApplyOptions) (*flowcontrolv1.PriorityLevelConfiguration, error) {
	return nil, c.readOnly("patch")
}
