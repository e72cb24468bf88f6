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
	genericapiserver "k8s.io/apiserver/pkg/server"
	utilflowcontrol "k8s.io/apiserver/pkg/util/flowcontrol"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/pod-apiserver/pod-apiserver/pkg/flowcontrol"
)

// applyFeatures sets profiling and, unless --enable-priority-and-fairness=false, API Priority and
// Fairness on the configuration kube-apiserver starts with. As in kube, the seats of all priority
// levels together are --max-requests-inflight plus --max-mutating-requests-inflight.
// k8s.io/kubernetes@v1.37.2 pkg/controlplane/apiserver/config.go BuildGenericConfig
func (o *Options) applyFeatures(cfg *genericapiserver.Config, loopback *rest.Config) error {
	features := o.Recommended.Features
	if !features.EnablePriorityAndFairness {
		return features.ApplyTo(cfg, nil, nil)
	}
	other, err := kubernetes.NewForConfig(loopback)
	if err != nil {
		return err
	}
	client := flowcontrol.NewBootstrapClient(other)
	// The configuration never changes but for status, so the informers need no resync.
	factory := informers.NewSharedInformerFactory(client, 0)
	if err := features.ApplyTo(cfg, client, factory); err != nil {
		return err
	}
	cfg.FlowControl = &bootstrapFlowControl{Interface: cfg.FlowControl, factory: factory, client: client}
	return nil
}

// bootstrapFlowControl starts the informers on the built-in configuration with the config
// controller, which the generic server runs in a post-start hook, and closes them with it.
type bootstrapFlowControl struct {
	utilflowcontrol.Interface
	factory informers.SharedInformerFactory
	client  *flowcontrol.Client
}

func (f *bootstrapFlowControl) Run(stopCh <-chan struct{}) error {
	f.factory.Start(stopCh)
	defer func() {
		f.client.Shutdown()
		f.factory.Shutdown()
	}()
	return f.Interface.Run(stopCh)
}
