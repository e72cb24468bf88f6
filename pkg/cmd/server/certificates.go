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
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/spf13/pflag"
	"k8s.io/klog/v2"

	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
)

// addCertificateFlags adds the flags about the certificates the server generates for itself.
func (o *Options) addCertificateFlags(fs *pflag.FlagSet) {
	fs.StringSliceVar(&o.TLSSANs, "tls-san", o.TLSSANs, "Additional DNS name or IP address for the generated serving certificate (repeatable, or comma-separated), e.g. the Service or load balancer clients reach the server by. A name the current certificate lacks makes the server issue a new one from the same CA at start. Not allowed with --tls-cert-file.")
}

func (o *Options) validateCertificateFlags() []error {
	var errs []error
	if _, _, err := pki.SplitSANs(o.TLSSANs); err != nil {
		errs = append(errs, fmt.Errorf("--tls-san: %w", err))
	}
	if len(o.TLSSANs) > 0 && o.servingCertGiven() {
		errs = append(errs, errors.New("--tls-san names the generated serving certificate; with --tls-cert-file, put the names into that certificate"))
	}
	return errs
}

func (o *Options) servingCertGiven() bool {
	ck := o.Recommended.SecureServing.ServerCert.CertKey
	return ck.CertFile != "" || ck.KeyFile != ""
}

func (o *Options) clientCAGiven() bool {
	return o.Recommended.Authentication.ClientCert.ClientCA != ""
}

// needsGeneratedCertificates tells whether the server must keep its own CA in --data-dir: only
// to sign a serving certificate that was not given, or to be the client CA when none was given.
// A server given both writes nothing there.
func (o *Options) needsGeneratedCertificates() bool {
	return !o.servingCertGiven() || !o.clientCAGiven()
}

// AdminKubeconfigUnavailable says why the server writes no admin kubeconfig, or "" when it does.
// The kubeconfig must both trust the serving certificate and carry a client certificate the
// client CA accepts; the server can promise that only when it generated both.
func (o *Options) AdminKubeconfigUnavailable() string {
	switch {
	case o.servingCertGiven() && o.clientCAGiven():
		return "--tls-cert-file and --client-ca-file are given: the server holds no client certificate that CA signed; use the kubeconfig that came with those certificates (e.g. from `pod-apiserver certs`)"
	case o.servingCertGiven():
		return "--tls-cert-file is given: the server cannot know which CA clients must trust"
	case o.clientCAGiven():
		return "--client-ca-file is given: the server holds no client certificate that CA signed"
	}
	return ""
}

// ensureCertificates prepares the generated certificates, if any are needed, and the admin
// kubeconfig, if one can work. It returns the bundle (nil if nothing was generated) and the
// kubeconfig path ("" if none).
func (o *Options) ensureCertificates() (*pki.Bundle, error) {
	if !o.needsGeneratedCertificates() {
		return nil, nil
	}
	names, ips, err := pki.SplitSANs(o.TLSSANs)
	if err != nil {
		return nil, err
	}
	return pki.EnsureBundle(o.CertificatesDir(), append(servingHosts(), names...), append(servingIPs(o), ips...))
}

// writeAdminKubeconfig writes the admin kubeconfig when one can work, and otherwise removes one
// an earlier run left, which would now fail with "certificate signed by unknown authority".
// reason is AdminKubeconfigUnavailable as the user's flags gave it (Complete fills in the
// generated files, after which the flags no longer tell).
func (o *Options) writeAdminKubeconfig(bundle *pki.Bundle, reason string) (string, error) {
	path := o.AdminKubeconfigPath()
	if reason != "" {
		klog.InfoS("Not writing an admin kubeconfig", "reason", reason)
		if err := os.Remove(path); err == nil {
			klog.InfoS("Removed an admin kubeconfig that cannot work with the given certificates", "path", path)
		}
		return "", nil
	}
	if err := pki.WriteAdminKubeconfig(path, o.ServerURL(), bundle); err != nil {
		return "", fmt.Errorf("writing admin kubeconfig: %w", err)
	}
	return path, nil
}

func servingHosts() []string {
	hosts := []string{"localhost"}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
	}
	return hosts
}

func servingIPs(o *Options) []net.IP {
	ips := []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback}
	if ip := o.Recommended.SecureServing.BindAddress; ip != nil && !ip.IsUnspecified() {
		ips = append(ips, ip)
	}
	return ips
}
