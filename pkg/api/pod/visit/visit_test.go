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

package visit

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func spec() *corev1.PodSpec {
	return &corev1.PodSpec{
		InitContainers:      []corev1.Container{{Name: "i0"}, {Name: "i1"}},
		Containers:          []corev1.Container{{Name: "c0"}},
		EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "e0"}}},
	}
}

func TestContainersOrderAndPaths(t *testing.T) {
	var got []string
	all := Containers(spec(), field.NewPath("spec"), func(c *corev1.Container, p *field.Path) bool {
		got = append(got, c.Name+"@"+p.String())
		return true
	})
	want := []string{"i0@spec.initContainers[0]", "i1@spec.initContainers[1]", "c0@spec.containers[0]", "e0@spec.ephemeralContainers[0]"}
	if !all || !reflect.DeepEqual(got, want) {
		t.Fatalf("visited %q (all %v), want %q", got, all, want)
	}
}

func TestContainersStopsAndChangesInPlace(t *testing.T) {
	s := spec()
	var seen []string
	all := Containers(s, nil, func(c *corev1.Container, p *field.Path) bool {
		if p != nil {
			t.Errorf("path %v without a spec path", p)
		}
		c.Image = "x"
		seen = append(seen, c.Name)
		return c.Name != "c0"
	})
	if all || !reflect.DeepEqual(seen, []string{"i0", "i1", "c0"}) {
		t.Fatalf("visited %q (all %v), want to stop at c0", seen, all)
	}
	if s.Containers[0].Image != "x" || s.EphemeralContainers[0].Image != "" {
		t.Fatalf("changes not made in place or made past the stop: %+v", s)
	}
	Containers(s, nil, func(c *corev1.Container, _ *field.Path) bool { c.Image = "y"; return true })
	if s.EphemeralContainers[0].Image != "y" {
		t.Fatal("an ephemeral container was not changed in place")
	}
}

func TestAnyContainer(t *testing.T) {
	if !AnyContainer(spec(), func(c *corev1.Container) bool { return c.Name == "e0" }) {
		t.Error("e0 not found")
	}
	if AnyContainer(spec(), func(c *corev1.Container) bool { return c.Name == "nope" }) {
		t.Error("found a container that is not there")
	}
	if AnyContainer(nil, func(*corev1.Container) bool { return true }) {
		t.Error("a nil spec has containers")
	}
}
