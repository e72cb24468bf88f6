package server

import (
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/admission"
	genericoptions "k8s.io/apiserver/pkg/server/options"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/defaulttolerationseconds"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/priority"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/runtimeclass"
)

// podAdmissionOrder lists the admission plugins offered, in kube-apiserver's chain order.
var podAdmissionOrder = []string{
	priority.PluginName,
	defaulttolerationseconds.PluginName,
	runtimeclass.PluginName,
}

// offerPodAdmission registers the pod admission plugins on o, all on by default as in
// kube-apiserver; --disable-admission-plugins turns them off.
func offerPodAdmission(o *genericoptions.AdmissionOptions) {
	o.Plugins = admission.NewPlugins()
	priority.Register(o.Plugins)
	defaulttolerationseconds.Register(o.Plugins)
	runtimeclass.Register(o.Plugins)
	o.RecommendedPluginOrder = append([]string(nil), podAdmissionOrder...)
	o.DefaultOffPlugins = sets.New[string]()
}
