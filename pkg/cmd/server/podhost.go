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
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet/hostapi"
	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
)

// PodHostOptions point pods/log, exec, attach and portforward at the host cluster where
// `pod-apiserver sync` runs the pods, instead of at kubelets.
type PodHostOptions struct {
	Kubeconfig string
	Namespace  string
	Owner      string
}

// NewPodHostOptions returns the defaults: off.
func NewPodHostOptions() *PodHostOptions { return &PodHostOptions{Owner: syncer.DefaultOwner} }

// AddFlags registers the flags.
func (o *PodHostOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Namespace, "pod-host-namespace", o.Namespace, "Host namespace where the syncer (pod-apiserver sync) runs the pods (the syncer's --host-namespace). When set, pods/log, exec, attach and portforward go to the host pod's same subresource through the host's API server, not to a kubelet.")
	fs.StringVar(&o.Kubeconfig, "pod-host-kubeconfig", o.Kubeconfig, "Kubeconfig of the host cluster of --pod-host-namespace. Empty: the in-cluster configuration.")
	fs.StringVar(&o.Owner, "pod-host-owner", o.Owner, "The syncer's --owner.")
}

// Validate checks the flags.
func (o *PodHostOptions) Validate() []error {
	if o.Kubeconfig != "" && o.Namespace == "" {
		return []error{fmt.Errorf("--pod-host-namespace is required with --pod-host-kubeconfig")}
	}
	if o.Namespace != "" && o.Owner == "" {
		return []error{fmt.Errorf("--pod-host-owner must not be empty")}
	}
	return nil
}

// ApplyTo installs the host streams in cfg when a host is configured.
func (o *PodHostOptions) ApplyTo(cfg *apiserver.Config) error {
	if o.Namespace == "" {
		return nil
	}
	// With an empty path this is the in-cluster configuration.
	restConfig, err := clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	if err != nil {
		return fmt.Errorf("--pod-host-kubeconfig: %w", err)
	}
	streams, err := hostapi.New(hostapi.Config{Host: restConfig, Namespace: o.Namespace, Owner: o.Owner}, cfg.GenericConfig.Authorization.Authorizer)
	if err != nil {
		return fmt.Errorf("--pod-host-kubeconfig: %w", err)
	}
	cfg.PodStreams = func(pods rest.Getter) map[string]rest.Storage { return streams.Storage(pods) }
	return nil
}
