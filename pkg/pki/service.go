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

package pki

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// File names of a service bundle. They follow the kubernetes.io/tls Secret keys (tls.crt,
// tls.key, ca.crt) so that a kustomize secretGenerator can take the files as they are.
const (
	TLSCertName         = "tls.crt"
	TLSKeyName          = "tls.key"
	AdminKubeconfigName = "admin.kubeconfig"
)

// DefaultServerURL is where a user's machine reaches a deployed server when nothing else is said:
// a port forwarded or mapped to the host.
const DefaultServerURL = "https://127.0.0.1:6443"

// ServiceBundleOptions describe the certificates of a server deployed behind a Kubernetes Service.
type ServiceBundleOptions struct {
	// Dir receives the files.
	Dir string
	// Service and Namespace name the Service clients in the cluster reach the server through.
	Service, Namespace string
	// ExtraSANs are further DNS names or IP addresses for the serving certificate.
	ExtraSANs []string
	// ServerURL is the server address written into the admin kubeconfig; its host is added to the
	// serving certificate so that the kubeconfig verifies.
	ServerURL string
	// NewCA replaces an existing, still valid CA (and so every certificate and kubeconfig issued
	// from it). By default a rerun keeps the CA, so Secrets and kubeconfigs already handed out
	// keep working, and reissues only what is missing, expiring or lacks a requested name.
	NewCA bool
}

// ServiceBundle is what WriteServiceBundle wrote.
type ServiceBundle struct {
	*Bundle
	// Kubeconfig is the admin kubeconfig, self-contained (certificates embedded).
	Kubeconfig string
	// DNSNames and IPs are the names the serving certificate was asked to cover.
	DNSNames []string
	IPs      []net.IP
}

// ServiceDNSNames are the names a Service is reached by inside a cluster, shortest first.
func ServiceDNSNames(service, namespace string) []string {
	return []string{
		service,
		service + "." + namespace,
		service + "." + namespace + ".svc",
		service + "." + namespace + ".svc.cluster.local",
	}
}

// ParseService splits NAME.NAMESPACE and checks both are DNS labels, as Service and Namespace
// names must be.
func ParseService(s string) (service, namespace string, err error) {
	service, namespace, ok := strings.Cut(s, ".")
	if !ok || service == "" || namespace == "" {
		return "", "", fmt.Errorf("%q: want NAME.NAMESPACE", s)
	}
	for _, part := range []string{service, namespace} {
		if errs := validation.IsDNS1123Label(part); len(errs) > 0 {
			return "", "", fmt.Errorf("%q: %q: %s", s, part, strings.Join(errs, "; "))
		}
	}
	return service, namespace, nil
}

// SplitSANs sorts names and IP literals apart and rejects anything that is neither a DNS name
// (wildcards allowed) nor an IP address.
func SplitSANs(sans []string) ([]string, []net.IP, error) {
	var names []string
	var ips []net.IP
	var errs []error
	for _, s := range sans {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if ip := net.ParseIP(s); ip != nil {
			ips = append(ips, ip)
			continue
		}
		if len(validation.IsDNS1123Subdomain(strings.ToLower(s))) > 0 && len(validation.IsWildcardDNS1123Subdomain(strings.ToLower(s))) > 0 {
			errs = append(errs, fmt.Errorf("%q is neither a DNS name nor an IP address", s))
			continue
		}
		names = append(names, s)
	}
	return names, ips, errors.Join(errs...)
}

// WriteServiceBundle writes into o.Dir: ca.crt and ca.key, tls.crt and tls.key (serving, for the
// Service's DNS names, the loopback names and o.ExtraSANs), admin.crt and admin.key (CN=admin,
// O=system:masters) and admin.kubeconfig pointing at o.ServerURL. Keys are 0600.
func WriteServiceBundle(o ServiceBundleOptions) (*ServiceBundle, error) {
	if o.Dir == "" {
		return nil, errors.New("pki: empty directory")
	}
	for _, part := range []string{o.Service, o.Namespace} {
		if errs := validation.IsDNS1123Label(part); len(errs) > 0 {
			return nil, fmt.Errorf("pki: service %q.%q: %s", o.Service, o.Namespace, strings.Join(errs, "; "))
		}
	}
	serverURL := o.ServerURL
	if serverURL == "" {
		serverURL = DefaultServerURL
	}
	u, err := url.Parse(serverURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return nil, fmt.Errorf("pki: server URL %q: want https://HOST[:PORT]", serverURL)
	}
	names, ips, err := SplitSANs(append(append(append([]string{}, ServiceDNSNames(o.Service, o.Namespace)...), o.ExtraSANs...), u.Hostname()))
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	ips = append(ips, net.IPv6loopback)

	b := &Bundle{
		Dir:             o.Dir,
		CACertFile:      filepath.Join(o.Dir, CACertName),
		CAKeyFile:       filepath.Join(o.Dir, CAKeyName),
		ServingCertFile: filepath.Join(o.Dir, TLSCertName),
		ServingKeyFile:  filepath.Join(o.Dir, TLSKeyName),
		AdminCertFile:   filepath.Join(o.Dir, AdminCertName),
		AdminKeyFile:    filepath.Join(o.Dir, AdminKeyName),
	}
	if _, err := ensureFiles(b, names, ips, o.NewCA); err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(o.Dir, AdminKubeconfigName)
	if err := WriteAdminKubeconfig(kubeconfig, serverURL, b); err != nil {
		return nil, err
	}
	names, ips = normalizeSANs(names, ips)
	return &ServiceBundle{Bundle: b, Kubeconfig: kubeconfig, DNSNames: names, IPs: ips}, nil
}
