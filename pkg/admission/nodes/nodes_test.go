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

package nodes

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
)

// The plugins tell a missing node from an unreadable one by the NotFound status.
func TestNoneFindsNoNode(t *testing.T) {
	_, err := None{}.Get(context.Background(), "n1", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) || err.Error() != `nodes "n1" not found` {
		t.Errorf("got %v", err)
	}
}

type wanting struct {
	*admission.Handler
	got Getter
}

func (w *wanting) SetNodes(g Getter)             { w.got = g }
func (w *wanting) ValidateInitialization() error { return nil }

func TestInitializerHandsOutTheGetter(t *testing.T) {
	p := &wanting{Handler: admission.NewHandler(admission.Update)}
	NewInitializer(None{}).Initialize(p)
	if _, ok := p.got.(None); !ok {
		t.Errorf("plugin got %T", p.got)
	}
	// Plugins that do not want Nodes are left alone.
	NewInitializer(None{}).Initialize(admission.NewHandler(admission.Update))
}
