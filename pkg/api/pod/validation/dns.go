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

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// Limits of the resolver configuration, as libc name resolution imposes them.
const (
	maxDNSNameservers     = 3
	maxDNSSearchPaths     = 32
	maxDNSSearchListChars = 2048
	maxHostnameOverride   = 64
)

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateDNSPolicy
func validateDNSPolicy(policy *corev1.DNSPolicy, fldPath *field.Path) field.ErrorList {
	switch *policy {
	case corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone:
		return nil
	case "":
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return field.ErrorList{field.NotSupported(fldPath, policy,
		[]corev1.DNSPolicy{corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone})}
}

// validatePodDNSConfig validates spec.dnsConfig, which must carry a nameserver when the pod
// resolves through it alone (dnsPolicy None).
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validatePodDNSConfig
func validatePodDNSConfig(config *corev1.PodDNSConfig, policy corev1.DNSPolicy, fldPath *field.Path) field.ErrorList {
	if policy == corev1.DNSNone {
		if config == nil {
			return field.ErrorList{field.Required(fldPath, fmt.Sprintf("must provide `dnsConfig` when `dnsPolicy` is %s", corev1.DNSNone))}
		}
		if len(config.Nameservers) == 0 {
			return field.ErrorList{field.Required(fldPath.Child("nameservers"), fmt.Sprintf("must provide at least one DNS nameserver when `dnsPolicy` is %s", corev1.DNSNone))}
		}
	}
	if config == nil {
		return nil
	}
	var allErrs field.ErrorList
	nsPath := fldPath.Child("nameservers")
	if len(config.Nameservers) > maxDNSNameservers {
		allErrs = append(allErrs, field.Invalid(nsPath, config.Nameservers, fmt.Sprintf("must not have more than %v nameservers", maxDNSNameservers)))
	}
	for i, ns := range config.Nameservers {
		allErrs = append(allErrs, utilvalidation.IsValidIPForLegacyField(nsPath.Index(i), ns, true, nil)...)
	}
	searchPath := fldPath.Child("searches")
	if len(config.Searches) > maxDNSSearchPaths {
		allErrs = append(allErrs, field.Invalid(searchPath, config.Searches, fmt.Sprintf("must not have more than %v search paths", maxDNSSearchPaths)))
	}
	// The resolver joins the list with spaces, and the limit counts them.
	if len(strings.Join(config.Searches, " ")) > maxDNSSearchListChars {
		allErrs = append(allErrs, field.Invalid(searchPath, config.Searches, fmt.Sprintf("must not have more than %v characters (including spaces) in the search list", maxDNSSearchListChars)))
	}
	for i, search := range config.Searches {
		if search == "." {
			continue
		}
		allErrs = append(allErrs, validateDNS1123SubdomainWithUnderscore(strings.TrimSuffix(search, "."), searchPath.Index(i))...)
	}
	for i, option := range config.Options {
		if option.Name == "" {
			allErrs = append(allErrs, field.Required(fldPath.Child("options").Index(i), "must not be empty"))
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidateHostAliases
func validateHostAliases(aliases []corev1.HostAlias, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, alias := range aliases {
		allErrs = append(allErrs, utilvalidation.IsValidIPForLegacyField(fldPath.Index(i).Child("ip"), alias.IP, true, nil)...)
		for j, hostname := range alias.Hostnames {
			allErrs = append(allErrs, validateDNS1123Subdomain(hostname, fldPath.Index(i).Child("hostnames").Index(j))...)
		}
	}
	return allErrs
}

// validateHostnameOverride checks spec.hostnameOverride, which replaces the pod's hostname and so
// cannot coexist with a hostname taken from the FQDN or from the host.
func validateHostnameOverride(spec *corev1.PodSpec, fldPath *field.Path) field.ErrorList {
	if spec.HostnameOverride == nil {
		return nil
	}
	var allErrs field.ErrorList
	overridePath := fldPath.Child("hostnameOverride")
	if spec.SetHostnameAsFQDN != nil && *spec.SetHostnameAsFQDN {
		allErrs = append(allErrs, field.Forbidden(overridePath, "may not be specified when setHostnameAsFQDN is true"))
	}
	if spec.HostNetwork {
		allErrs = append(allErrs, field.Forbidden(overridePath, "may not be specified when hostNetwork is true"))
	}
	if len(*spec.HostnameOverride) > maxHostnameOverride {
		allErrs = append(allErrs, field.TooLong(overridePath, "", maxHostnameOverride))
	}
	return append(allErrs, validateDNS1123Subdomain(*spec.HostnameOverride, overridePath)...)
}
