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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Certificates are the files of a throwaway PKI: the kubelet's serving certificate and the
// client certificate the API server presents to it, both from one CA, plus a client certificate
// from another CA that the kubelet must refuse.
type Certificates struct {
	CAFile                          string
	ServingCertFile, ServingKeyFile string
	ClientCertFile, ClientKeyFile   string
	ForeignCertFile, ForeignKeyFile string
}

// NewCertificates writes a fresh PKI under dir.
func NewCertificates(dir string) (*Certificates, error) {
	c := &Certificates{
		CAFile:          filepath.Join(dir, "kubelet-ca.crt"),
		ServingCertFile: filepath.Join(dir, "kubelet.crt"),
		ServingKeyFile:  filepath.Join(dir, "kubelet.key"),
		ClientCertFile:  filepath.Join(dir, "apiserver-kubelet-client.crt"),
		ClientKeyFile:   filepath.Join(dir, "apiserver-kubelet-client.key"),
		ForeignCertFile: filepath.Join(dir, "foreign-client.crt"),
		ForeignKeyFile:  filepath.Join(dir, "foreign-client.key"),
	}
	ca, caKey, err := issue(nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "kubelet-ca"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, c.CAFile, "")
	if err != nil {
		return nil, err
	}
	ips := []net.IP{net.ParseIP("127.0.0.1")}
	if host, err := HostAddress(); err == nil {
		ips = append(ips, net.ParseIP(host))
	}
	if _, _, err := issue(ca, caKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "kubelet"}, IPAddresses: ips, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, c.ServingCertFile, c.ServingKeyFile); err != nil {
		return nil, err
	}
	if _, _, err := issue(ca, caKey, &x509.Certificate{
		Subject:  pkix.Name{CommonName: "kube-apiserver-kubelet-client", Organization: []string{"kubeadm:cluster-admins"}},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, c.ClientCertFile, c.ClientKeyFile); err != nil {
		return nil, err
	}
	other, otherKey, err := issue(nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "foreign-ca"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, "", "")
	if err != nil {
		return nil, err
	}
	if _, _, err := issue(other, otherKey, &x509.Certificate{
		Subject:  pkix.Name{CommonName: "kube-apiserver-kubelet-client"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, c.ForeignCertFile, c.ForeignKeyFile); err != nil {
		return nil, err
	}
	return c, nil
}

// issue signs tmpl with parent (self-signed when parent is nil) and writes what file names are given.
func issue(parent *x509.Certificate, parentKey *ecdsa.PrivateKey, tmpl *x509.Certificate, certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	if certFile != "" {
		if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			return nil, nil, err
		}
	}
	if keyFile != "" {
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
			return nil, nil, err
		}
	}
	return cert, key, nil
}
