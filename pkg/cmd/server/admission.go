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

package server

import (
	"slices"

	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/admission"
	genericapiserver "k8s.io/apiserver/pkg/server"
	genericoptions "k8s.io/apiserver/pkg/server/options"

	"github.com/pod-apiserver/pod-apiserver/pkg/admission/defaulttolerationseconds"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/namespacelifecycle"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodedeclaredfeatures"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/noderestriction"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/nodes"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/podresize"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/priority"
	"github.com/pod-apiserver/pod-apiserver/pkg/admission/runtimeclass"
)

// podAdmissionOrder lists the admission plugins offered, in kube-apiserver's chain order.
var podAdmissionOrder = []string{
	namespacelifecycle.PluginName,
	noderestriction.PluginName,
	priority.PluginName,
	defaulttolerationseconds.PluginName,
	runtimeclass.PluginName,
	nodedeclaredfeatures.PluginName,
	podresize.PluginName,
}

// offerPodAdmission registers the pod admission plugins on o, all on by default as in
// kube-apiserver; --disable-admission-plugins turns them off.
func offerPodAdmission(o *genericoptions.AdmissionOptions, autoCreateNamespaces *bool) {
	o.Plugins = admission.NewPlugins()
	namespacelifecycle.Register(o.Plugins, autoCreateNamespaces)
	noderestriction.Register(o.Plugins)
	priority.Register(o.Plugins)
	defaulttolerationseconds.Register(o.Plugins)
	runtimeclass.Register(o.Plugins)
	nodedeclaredfeatures.Register(o.Plugins)
	podresize.Register(o.Plugins)
	o.RecommendedPluginOrder = append([]string(nil), podAdmissionOrder...)
	o.DefaultOffPlugins = sets.New[string]()
}

// podAdmissionInitializers give the plugins that judge a pod by its node the Nodes of the cluster
// named by --kubelet-cluster-kubeconfig. Without one the server acts as a cluster that has no
// Nodes yet, as kube-apiserver does before kubelets register: an update that needs to look at
// the pod's node (a resize of a bound pod) is refused with "node not found".
//
// NodeRestriction (on by default here, since the Node authorizer is: it leaves pod writes of nodes
// to this plugin) finds existing pods through the Node authorizer's pod informer.
func (o *Options) podAdmissionInitializers(cfg *genericapiserver.Config, shared *sharedState) ([]admission.PluginInitializer, error) {
	var getter nodes.Getter = nodes.None{}
	clusterNodes, err := shared.clusterNodes(o.Kubelet)
	if err != nil {
		return nil, err
	}
	if clusterNodes != nil {
		getter = clusterNodes
	}
	initializers := []admission.PluginInitializer{nodes.NewInitializer(getter)}
	if !slices.Contains(o.Recommended.Admission.DisablePlugins, noderestriction.PluginName) {
		pods, err := shared.nodePodGetter(cfg)
		if err != nil {
			return nil, err
		}
		initializers = append(initializers, noderestriction.NewInitializer(pods))
	}
	return initializers, nil
}
