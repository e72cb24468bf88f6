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

package apiserver

import (
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
)

// addEvictionV1beta1 lets pods/eviction accept policy/v1beta1 bodies. The policy/v1 Eviction is
// the hub, so a v1beta1 body is decoded into its own type and converted.
func addEvictionV1beta1(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(policyv1beta1.SchemeGroupVersion, &policyv1beta1.Eviction{})
	if err := scheme.AddConversionFunc((*policyv1beta1.Eviction)(nil), (*policyv1.Eviction)(nil), func(a, b interface{}, _ conversion.Scope) error {
		in, out := a.(*policyv1beta1.Eviction), b.(*policyv1.Eviction)
		out.ObjectMeta = in.ObjectMeta
		out.DeleteOptions = copyDeleteOptions(in.DeleteOptions)
		return nil
	}); err != nil {
		return err
	}
	return scheme.AddConversionFunc((*policyv1.Eviction)(nil), (*policyv1beta1.Eviction)(nil), func(a, b interface{}, _ conversion.Scope) error {
		in, out := a.(*policyv1.Eviction), b.(*policyv1beta1.Eviction)
		out.ObjectMeta = in.ObjectMeta
		out.DeleteOptions = copyDeleteOptions(in.DeleteOptions)
		return nil
	})
}

// copyDeleteOptions keeps the TypeMeta out: it names the meta group of whichever version the
// body was sent in and means nothing once converted.
func copyDeleteOptions(in *metav1.DeleteOptions) *metav1.DeleteOptions {
	if in == nil {
		return nil
	}
	out := in.DeepCopy()
	out.TypeMeta = metav1.TypeMeta{}
	return out
}
