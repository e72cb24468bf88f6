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
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
	"github.com/pod-apiserver/pod-apiserver/pkg/kubelet"
)

// KubeletOptions say how the server reaches kubelets for pods/log, exec, attach and
// portforward. The flag names and defaults are kube-apiserver's.
type KubeletOptions struct {
	Config kubelet.Config
	// ClusterKubeconfig points at the cluster whose kubelets run the pods. Its Node objects then
	// locate the kubelets, as in kube-apiserver; without it, each pod's status.hostIP does.
	ClusterKubeconfig string
	// AllowedNetworks are the CIDRs of --kubelet-allowed-networks.
	AllowedNetworks []string
}

// NewKubeletOptions returns kube-apiserver's defaults.
func NewKubeletOptions() *KubeletOptions {
	return &KubeletOptions{Config: kubelet.Config{
		Port:                  kubelet.DefaultPort,
		PreferredAddressTypes: append([]string(nil), kubelet.DefaultPreferredAddressTypes...),
		Timeout:               kubelet.DefaultTimeout,
	}}
}

// AddFlags registers the kubelet flags.
func (o *KubeletOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.ClusterKubeconfig, "kubelet-cluster-kubeconfig", o.ClusterKubeconfig, "Kubeconfig of the cluster whose kubelets run the pods. When set, kubelets are located from its Node objects (--kubelet-preferred-address-types, and the kubelet port the Node reports); otherwise at each pod's status.hostIP and --kubelet-port, within --kubelet-allowed-networks.")
	fs.StringSliceVar(&o.AllowedNetworks, "kubelet-allowed-networks", o.AllowedNetworks, "CIDRs where kubelets may be reached when --kubelet-cluster-kubeconfig is not given. A pod's status.hostIP is used as its kubelet's address only when it is inside one of them and is not a loopback, link-local, multicast or unspecified address; otherwise pods/log, exec, attach and portforward answer as for a missing Node. Empty (the default): no kubelet is reached without Node objects.")
	fs.StringSliceVar(&o.Config.PreferredAddressTypes, "kubelet-preferred-address-types", o.Config.PreferredAddressTypes, "List of the preferred NodeAddressTypes to use for kubelet connections.")
	fs.UintVar(&o.Config.Port, "kubelet-port", o.Config.Port, "Kubelet port, used when no Node reports one.")
	fs.DurationVar(&o.Config.Timeout, "kubelet-timeout", o.Config.Timeout, "Timeout for kubelet operations.")
	fs.StringVar(&o.Config.CertFile, "kubelet-client-certificate", o.Config.CertFile, "Path to a client cert file for TLS.")
	fs.StringVar(&o.Config.KeyFile, "kubelet-client-key", o.Config.KeyFile, "Path to a client key file for TLS.")
	fs.StringVar(&o.Config.CAFile, "kubelet-certificate-authority", o.Config.CAFile, "Path to a cert file for the certificate authority.")
}

// Validate checks the kubelet flags.
func (o *KubeletOptions) Validate() []error {
	var errs []error
	if (o.Config.CertFile == "") != (o.Config.KeyFile == "") {
		errs = append(errs, fmt.Errorf("--kubelet-client-certificate and --kubelet-client-key must be given together"))
	}
	if o.Config.Port == 0 || o.Config.Port > 65535 {
		errs = append(errs, fmt.Errorf("--kubelet-port %d must be between 1 and 65535", o.Config.Port))
	}
	if _, err := kubelet.ParseNetworks(o.AllowedNetworks); err != nil {
		errs = append(errs, fmt.Errorf("--kubelet-allowed-networks: %w", err))
	}
	if len(o.AllowedNetworks) > 0 && o.ClusterKubeconfig != "" {
		errs = append(errs, fmt.Errorf("--kubelet-allowed-networks applies only without --kubelet-cluster-kubeconfig, whose Node objects locate the kubelets"))
	}
	if o.Config.Timeout < 0 {
		errs = append(errs, fmt.Errorf("--kubelet-timeout must not be negative"))
	}
	return errs
}

// ApplyTo builds the kubelet locator and the pod proxy transport of cfg. clusterNodes are the
// Nodes of --kubelet-cluster-kubeconfig's cluster, nil without one.
func (o *KubeletOptions) ApplyTo(cfg *apiserver.Config, clusterNodes corev1client.NodeInterface) error {
	if clusterNodes != nil {
		var err error
		if cfg.Kubelet, err = kubelet.NewNodeGetter(clusterNodes, o.Config); err != nil {
			return err
		}
	} else {
		allowed, err := kubelet.ParseNetworks(o.AllowedNetworks)
		if err != nil {
			return fmt.Errorf("--kubelet-allowed-networks: %w", err)
		}
		config := o.Config
		config.AllowedNetworks = allowed
		if cfg.Kubelet, err = kubelet.NewHostIPGetter(config); err != nil {
			return err
		}
	}
	cfg.ProxyTransport = kubelet.NewProxyTransport(o.Config.Timeout)
	return nil
}

// nodeLookupTimeout keeps a slow cluster from holding a log or exec request forever.
func nodeLookupTimeout(t time.Duration) time.Duration {
	if t <= 0 {
		t = kubelet.DefaultTimeout
	}
	return 2 * t
}

// clusterNodes is the one client of --kubelet-cluster-kubeconfig's cluster: the kubelet locator and
// the admission plugins that judge a pod by its node read its Nodes. Nil without the flag.
func (s *sharedState) clusterNodes(o *KubeletOptions) (corev1client.NodeInterface, error) {
	if o.ClusterKubeconfig == "" || s.nodes != nil {
		return s.nodes, nil
	}
	restConfig, err := clientcmd.BuildConfigFromFlags("", o.ClusterKubeconfig)
	if err != nil {
		return nil, fmt.Errorf("--kubelet-cluster-kubeconfig: %w", err)
	}
	restConfig.Timeout = nodeLookupTimeout(o.Config.Timeout)
	client, err := kubernetes.NewForConfig(restConfig)
	if err != nil {
		return nil, fmt.Errorf("--kubelet-cluster-kubeconfig: %w", err)
	}
	s.nodes = client.CoreV1().Nodes()
	return s.nodes, nil
}
