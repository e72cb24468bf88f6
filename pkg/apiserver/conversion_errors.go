package apiserver

import (
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
)

// hubTypeNames are the names kube gives the types a request body is decoded into. kube decodes
// into its internal types (packages core and policy); here the v1 types are the hub, and the
// generic converter would name them v1.Pod and v1.Eviction in the error a client sees when a body
// of some other kind is sent.
var hubTypeNames = map[reflect.Type]string{
	reflect.TypeOf(corev1.Pod{}):        "core.Pod",
	reflect.TypeOf(corev1.Binding{}):    "core.Binding",
	reflect.TypeOf(policyv1.Eviction{}): "policy.Eviction",
}

// addUnknownConversionErrors makes every known type that has no conversion into a hub type fail
// with kube's words. It must run after every type is registered.
func addUnknownConversionErrors(scheme *runtime.Scheme) error {
	sources := map[reflect.Type]bool{}
	for _, t := range scheme.AllKnownTypes() {
		sources[t] = true
	}
	for source := range sources {
		for hub, hubName := range hubTypeNames {
			// policy/v1beta1 evictions have a real conversion (addEvictionV1beta1).
			if source == hub || (source == reflect.TypeOf(policyv1beta1.Eviction{}) && hub == reflect.TypeOf(policyv1.Eviction{})) {
				continue
			}
			text := fmt.Sprintf("converting (%s) to (%s): unknown conversion", source, hubName)
			fn := func(_, _ interface{}, _ conversion.Scope) error { return fmt.Errorf("%s", text) }
			if err := scheme.AddConversionFunc(reflect.New(source).Interface(), reflect.New(hub).Interface(), fn); err != nil {
				return err
			}
		}
	}
	return nil
}
