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

package validation

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

const dnsSubdomainUnderscoreMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')"

func dnsCases() []podCase {
	withDNS := func(policy corev1.DNSPolicy, config *corev1.PodDNSConfig) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Spec.DNSPolicy = policy
			p.Spec.DNSConfig = config
		}
	}
	manySearches := make([]string, 33)
	for i := range manySearches {
		manySearches[i] = fmt.Sprintf("s%d.example", i)
	}
	longSearches := []string{strings.Repeat("a", 63) + "." + strings.Repeat("b", 63)}
	for len(strings.Join(longSearches, " ")) <= 2048 {
		longSearches = append(longSearches, longSearches[0])
	}
	return []podCase{
		{
			name: "valid resolver settings",
			pod: podWith(withDNS(corev1.DNSNone, &corev1.PodDNSConfig{
				Nameservers: []string{"1.1.1.1", "2001:db8::1"},
				Searches:    []string{"svc.cluster.local.", ".", "_tcp.example"},
				Options:     []corev1.PodDNSConfigOption{{Name: "ndots", Value: ptr.To("2")}, {Name: "edns0"}},
			}), func(p *corev1.Pod) {
				p.Spec.HostAliases = []corev1.HostAlias{{IP: "10.0.0.1", Hostnames: []string{"db.local", "db"}}}
				p.Spec.HostnameOverride = ptr.To("host.example")
			}),
		},
		{
			name: "dnsPolicy None without dnsConfig",
			pod:  podWith(withDNS(corev1.DNSNone, nil)),
			want: []wantErr{required("spec.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")},
		},
		{
			name: "dnsPolicy None without nameservers stops there",
			pod:  podWith(withDNS(corev1.DNSNone, &corev1.PodDNSConfig{Searches: []string{"-bad"}})),
			want: []wantErr{required("spec.dnsConfig.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None")},
		},
		{
			name: "nameservers too many and malformed",
			pod:  podWith(withDNS(corev1.DNSClusterFirst, &corev1.PodDNSConfig{Nameservers: []string{"1.1.1.1", "1.2.3", "010.1.1.1", "::ffff:1.2.3.4"}})),
			want: []wantErr{
				invalid("spec.dnsConfig.nameservers", "must not have more than 3 nameservers").
					withBody(`Invalid value: ["1.1.1.1","1.2.3","010.1.1.1","::ffff:1.2.3.4"]: must not have more than 3 nameservers`),
				invalid("spec.dnsConfig.nameservers[1]", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
				invalid("spec.dnsConfig.nameservers[2]", "must not have leading 0s"),
				invalid("spec.dnsConfig.nameservers[3]", "must not be an IPv4-mapped IPv6 address"),
			},
		},
		{
			name: "too many search paths",
			pod:  podWith(withDNS(corev1.DNSClusterFirst, &corev1.PodDNSConfig{Searches: manySearches})),
			want: []wantErr{invalid("spec.dnsConfig.searches", "must not have more than 32 search paths")},
		},
		{
			name: "search list too long",
			pod:  podWith(withDNS(corev1.DNSClusterFirst, &corev1.PodDNSConfig{Searches: longSearches})),
			want: []wantErr{invalid("spec.dnsConfig.searches", "must not have more than 2048 characters (including spaces) in the search list")},
		},
		{
			name: "search path and option malformed",
			pod: podWith(withDNS(corev1.DNSClusterFirst, &corev1.PodDNSConfig{
				Searches: []string{"ok.example", "Bad.example.", ".."},
				Options:  []corev1.PodDNSConfigOption{{Name: "ndots"}, {Value: ptr.To("1")}},
			})),
			want: []wantErr{
				invalid("spec.dnsConfig.searches[1]", dnsSubdomainUnderscoreMsg).withBody(`Invalid value: "Bad.example": ` + dnsSubdomainUnderscoreMsg),
				invalid("spec.dnsConfig.searches[2]", dnsSubdomainUnderscoreMsg),
				required("spec.dnsConfig.options[1]", "must not be empty"),
			},
		},
		{
			name: "host aliases malformed",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostAliases = []corev1.HostAlias{{IP: "10.0.0.1"}, {IP: "", Hostnames: []string{"ok", "Not_OK"}}}
			}),
			want: []wantErr{
				invalid("spec.hostAliases[1].ip", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
				invalid("spec.hostAliases[1].hostnames[1]", dnsSubdomainMsg),
			},
		},
		{
			name: "hostname override with FQDN hostname and host network",
			pod: podWith(func(p *corev1.Pod) {
				p.Spec.HostnameOverride = ptr.To("Host")
				p.Spec.SetHostnameAsFQDN = ptr.To(true)
				p.Spec.HostNetwork = true
			}),
			want: []wantErr{
				forbidden("spec.hostnameOverride", "may not be specified when setHostnameAsFQDN is true"),
				forbidden("spec.hostnameOverride", "may not be specified when hostNetwork is true"),
				invalid("spec.hostnameOverride", dnsSubdomainMsg),
			},
		},
		{
			name: "hostname override too long",
			pod:  podWith(func(p *corev1.Pod) { p.Spec.HostnameOverride = ptr.To(strings.Repeat("h", 65)) }),
			want: []wantErr{tooLong("spec.hostnameOverride", "may not be more than 64 bytes")},
		},
	}
}

func TestDNSAndHostnames(t *testing.T) {
	runCreateCases(t, dnsCases())
}
