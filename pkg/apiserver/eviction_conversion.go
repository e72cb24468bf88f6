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
