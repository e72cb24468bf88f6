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
	"fmt"
	"reflect"

	admissionv1 "k8s.io/api/admission/v1"
	admissionv1beta1 "k8s.io/api/admission/v1beta1"
	corev1 "k8s.io/api/core/v1"
	imagepolicyv1alpha1 "k8s.io/api/imagepolicy/v1alpha1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// addBuiltinKinds makes every built-in kind decodable, as in kube-apiserver's scheme, which holds
// all API groups: a body of another kind sent to a pod endpoint then fails on conversion, with
// kube's message, instead of on an unregistered kind. client-go's scheme lacks the groups kube
// holds but serves no client of: admission and imagepolicy.
func addBuiltinKinds(scheme *runtime.Scheme) error {
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme, admissionv1.AddToScheme, admissionv1beta1.AddToScheme, imagepolicyv1alpha1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	return nil
}

// hubNames are the names kube gives the types a pod endpoint decodes into: its internal types,
// which its conversion errors name by their Go package.
var hubNames = map[reflect.Type]string{
	reflect.TypeOf(corev1.Pod{}):        "core.Pod",
	reflect.TypeOf(corev1.Binding{}):    "core.Binding",
	reflect.TypeOf(policyv1.Eviction{}): "policy.Eviction",
}

// addUnknownConversionErrors makes decoding a body of another kind into one of hubNames fail
// with the text kube gives: here the hub types are the v1 ones, whose Go package the generic
// "unknown conversion" error would name instead. Conversions registered later (a real one, such
// as Eviction v1beta1 to v1) replace these.
func addUnknownConversionErrors(scheme *runtime.Scheme) error {
	sources := map[reflect.Type]bool{}
	for _, t := range scheme.AllKnownTypes() {
		sources[t] = true
	}
	for dest, name := range hubNames {
		for src := range sources {
			if src == dest {
				continue
			}
			message := fmt.Sprintf("converting (%s) to (%s): unknown conversion", src, name)
			err := scheme.AddConversionFunc(reflect.New(src).Interface(), reflect.New(dest).Interface(),
				func(_, _ interface{}, _ conversion.Scope) error {
					return fmt.Errorf("%s", message)
				})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
