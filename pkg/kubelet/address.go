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

package kubelet

import (
	"fmt"
	"net"

	netutils "k8s.io/utils/net"
)

// ProxyableIP tells whether the server may open a connection to ip on a user's behalf: loopback,
// link-local, multicast and unspecified addresses would reach the server's own host or its
// neighbours rather than a node or a pod. pods/proxy and kubelet connections share it.
//
// Follows k8s.io/kubernetes@v1.37.2 pkg/proxy/util IsProxyableIP, and also refuses the
// unspecified and multicast addresses, which name no single host.
func ProxyableIP(ip net.IP) bool {
	return ip != nil && ip.IsGlobalUnicast()
}

// ParseNetworks parses the CIDRs of --kubelet-allowed-networks.
func ParseNetworks(cidrs []string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, c := range cidrs {
		_, n, err := netutils.ParseCIDRSloppy(c)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR: %w", c, err)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

func inNetworks(ip net.IP, nets []*net.IPNet) bool {
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
