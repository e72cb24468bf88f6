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

// Package namespace renders core/v1 Namespaces as metav1.Table with kube's columns: NAME,
// STATUS and AGE.
package namespace

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/apiserver/pkg/registry/rest"
)

// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion AddHandlers (namespaceColumnDefinitions)
var columnDefinitions = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: metav1.ObjectMeta{}.SwaggerDoc()["name"]},
	{Name: "Status", Type: "string", Description: "The status of the namespace"},
	{Name: "Age", Type: "string", Description: metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]},
}

// TableConvertor converts *corev1.Namespace and *corev1.NamespaceList into tables.
type TableConvertor struct{}

var _ rest.TableConvertor = TableConvertor{}

// ConvertToTable follows kube's printer storage: one row per namespace, the list's resource
// version and continue token carried over, no column definitions when asked for no headers.
// k8s.io/kubernetes@v1.37.2 pkg/printers/storage TableConvertor.ConvertToTable
func (TableConvertor) ConvertToTable(_ context.Context, object runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	noHeaders := false
	if tableOptions != nil {
		opts, ok := tableOptions.(*metav1.TableOptions)
		if !ok {
			return nil, fmt.Errorf("unrecognized type %T for table options, can't display tabular output", tableOptions)
		}
		noHeaders = opts != nil && opts.NoHeaders
	}
	table := &metav1.Table{}
	now := time.Now()
	switch obj := object.(type) {
	case *corev1.Namespace:
		table.Rows = []metav1.TableRow{row(obj, now)}
	case *corev1.NamespaceList:
		table.Rows = make([]metav1.TableRow, 0, len(obj.Items))
		for i := range obj.Items {
			table.Rows = append(table.Rows, row(&obj.Items[i], now))
		}
	default:
		return nil, fmt.Errorf("no table handler registered for this type %T", object)
	}
	if m, err := meta.ListAccessor(object); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
		table.Continue = m.GetContinue()
		table.RemainingItemCount = m.GetRemainingItemCount()
	} else if m, err := meta.CommonAccessor(object); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
	}
	if !noHeaders {
		table.ColumnDefinitions = columnDefinitions
	}
	return table, nil
}

// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion printNamespace
func row(ns *corev1.Namespace, now time.Time) metav1.TableRow {
	return metav1.TableRow{
		Object: runtime.RawExtension{Object: ns},
		Cells:  []interface{}{ns.Name, string(ns.Status.Phase), age(ns.CreationTimestamp, now)},
	}
}

// k8s.io/kubernetes@v1.37.2 pkg/printers/internalversion translateTimestampSince
func age(ts metav1.Time, now time.Time) string {
	if ts.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(ts.Time))
}
