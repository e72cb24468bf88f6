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

package flowcontrol

import (
	"context"
	"testing"
	"time"

	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap"
	flowcontrolapply "k8s.io/client-go/applyconfigurations/flowcontrol/v1"
)

func TestBootstrapClient(t *testing.T) {
	ctx := context.Background()
	c := NewBootstrapClient(nil)
	defer c.Shutdown()
	fc := c.FlowcontrolV1()

	pls, err := fc.PriorityLevelConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(bootstrap.MandatoryPriorityLevelConfigurations) + len(bootstrap.SuggestedPriorityLevelConfigurations); len(pls.Items) != want {
		t.Errorf("%d priority levels; want kube's %d", len(pls.Items), want)
	}
	fss, err := fc.FlowSchemas().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(bootstrap.MandatoryFlowSchemas) + len(bootstrap.SuggestedFlowSchemas); len(fss.Items) != want {
		t.Errorf("%d flow schemas; want kube's %d", len(fss.Items), want)
	}

	// A watch from the LIST's version sees the status the config controller writes.
	w, err := fc.FlowSchemas().Watch(ctx, metav1.ListOptions{ResourceVersion: fss.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	apply := flowcontrolapply.FlowSchema("global-default").WithStatus(flowcontrolapply.FlowSchemaStatus().WithConditions(
		flowcontrolapply.FlowSchemaCondition().WithType(flowcontrolv1.FlowSchemaConditionDangling).WithStatus(flowcontrolv1.ConditionFalse).WithReason("Found")))
	if _, err := fc.FlowSchemas().ApplyStatus(ctx, apply, metav1.ApplyOptions{FieldManager: "test", Force: true}); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-w.ResultChan():
		fs, ok := ev.Object.(*flowcontrolv1.FlowSchema)
		if ev.Type != watch.Modified || !ok || fs.Name != "global-default" || len(fs.Status.Conditions) != 1 || fs.Status.Conditions[0].Reason != "Found" {
			t.Errorf("watch event %s %#v; want MODIFIED global-default with the Dangling condition", ev.Type, ev.Object)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event for the status change")
	}

	// A watch that starts behind the change replays it.
	late, err := fc.FlowSchemas().Watch(ctx, metav1.ListOptions{ResourceVersion: fss.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer late.Stop()
	select {
	case ev := <-late.ResultChan():
		if fs, ok := ev.Object.(*flowcontrolv1.FlowSchema); !ok || fs.Name != "global-default" {
			t.Errorf("late watch replayed %#v; want global-default", ev.Object)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a watch from before the change did not replay it")
	}

	// Nothing else can change the built-in configuration.
	if _, err := fc.FlowSchemas().Create(ctx, &flowcontrolv1.FlowSchema{}, metav1.CreateOptions{}); !apierrors.IsMethodNotSupported(err) {
		t.Errorf("create: %v; want MethodNotSupported", err)
	}
	if err := fc.PriorityLevelConfigurations().Delete(ctx, "global-default", metav1.DeleteOptions{}); !apierrors.IsMethodNotSupported(err) {
		t.Errorf("delete: %v; want MethodNotSupported", err)
	}
	if _, err := fc.FlowSchemas().Get(ctx, "nope", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get of a missing schema: %v; want NotFound", err)
	}
}
