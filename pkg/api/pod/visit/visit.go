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

// Package visit walks the containers of a pod spec: the one traversal the pod semantics share.
package visit

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Containers calls fn for every container of spec: init, regular, then ephemeral containers,
// each in list order, with its field path under specPath (nil paths when specPath is nil, so
// callers that need none pay nothing for them). Ephemeral containers are passed as the Container
// their common part is, so fn may change them in place. It stops when fn returns false and
// reports whether it visited every container.
// k8s.io/kubernetes@v1.37.2 pkg/api/pod/util.go VisitContainers
func Containers(spec *corev1.PodSpec, specPath *field.Path, fn func(c *corev1.Container, path *field.Path) bool) bool {
	if spec == nil {
		return true
	}
	child := func(list string, i int) *field.Path {
		if specPath == nil {
			return nil
		}
		return specPath.Child(list).Index(i)
	}
	for i := range spec.InitContainers {
		if !fn(&spec.InitContainers[i], child("initContainers", i)) {
			return false
		}
	}
	for i := range spec.Containers {
		if !fn(&spec.Containers[i], child("containers", i)) {
			return false
		}
	}
	for i := range spec.EphemeralContainers {
		if !fn((*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon), child("ephemeralContainers", i)) {
			return false
		}
	}
	return true
}

// AnyContainer tells whether some container of spec (nil: none) satisfies pred.
func AnyContainer(spec *corev1.PodSpec, pred func(*corev1.Container) bool) bool {
	return !Containers(spec, nil, func(c *corev1.Container, _ *field.Path) bool { return !pred(c) })
}
