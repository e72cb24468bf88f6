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

// Package pki creates and maintains the certificates pod-apiserver needs to
// serve HTTPS and to let an administrator in with kubectl without any manual
// setup: a private CA, a serving certificate and an admin client certificate.
//
// Everything lives in one directory so that a restart reuses the same CA;
// otherwise every kubeconfig handed out earlier would stop working.
package pki

import (
	"crypto"
	cryptorand "crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	certutil "k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

const (
	// AdminUser and AdminGroup make the admin certificate map to a user the
	// usual Kubernetes RBAC bootstrap treats as cluster-admin.
	AdminUser  = "admin"
	AdminGroup = "system:masters"

	servingCommonName = "pod-apiserver"
	caCommonName      = "pod-apiserver-ca"

	leafValidity = 365 * 24 * time.Hour
	// renewBefore leaves a margin so a long-running server (or a client
	// holding the old kubeconfig) is not surprised by an expiry in between
	// two restarts.
	renewBefore = 30 * 24 * time.Hour
	// backdate tolerates small clock differences between the machine that
	// issues a certificate and the one that checks it.
	backdate = time.Hour
)

// File names inside the bundle directory.
const (
	CACertName      = "ca.crt"
	CAKeyName       = "ca.key"
	ServingCertName = "serving.crt"
	ServingKeyName  = "serving.key"
	AdminCertName   = "admin.crt"
	AdminKeyName    = "admin.key"
)

// Bundle names the PEM files EnsureBundle keeps in Dir.
type Bundle struct {
	Dir string

	CACertFile string
	CAKeyFile  string

	ServingCertFile string
	ServingKeyFile  string

	AdminCertFile string
	AdminKeyFile  string
}

func newBundle(dir string) *Bundle {
	return &Bundle{
		Dir:             dir,
		CACertFile:      filepath.Join(dir, CACertName),
		CAKeyFile:       filepath.Join(dir, CAKeyName),
		ServingCertFile: filepath.Join(dir, ServingCertName),
		ServingKeyFile:  filepath.Join(dir, ServingKeyName),
		AdminCertFile:   filepath.Join(dir, AdminCertName),
		AdminKeyFile:    filepath.Join(dir, AdminKeyName),
	}
}

// EnsureBundle makes dir hold a usable CA, serving certificate and admin
// client certificate, reusing whatever is already there and still valid.
//
// The serving certificate always covers localhost and 127.0.0.1 in addition
// to servingHosts and servingIPs; an entry of servingHosts that is an IP
// literal is treated as an IP. A new CA forces new leaf certificates, since
// the old ones would no longer verify.
func EnsureBundle(dir string, servingHosts []string, servingIPs []net.IP) (*Bundle, error) {
	if dir == "" {
		return nil, errors.New("pki: empty directory")
	}
	return ensureFiles(newBundle(dir), servingHosts, servingIPs, false)
}

// ensureFiles keeps the files b names valid; with newCA the CA is replaced even if still usable, and
// with it every leaf.
func ensureFiles(b *Bundle, servingHosts []string, servingIPs []net.IP, newCA bool) (*Bundle, error) {
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("pki: creating %s: %w", b.Dir, err)
	}
	hosts, ips := normalizeSANs(servingHosts, servingIPs)
	now := time.Now()

	caCert, caKey, err := loadCA(b.CACertFile, b.CAKeyFile, now)
	if err == nil && newCA {
		err = errors.New("a new CA was asked for")
	}
	regenerated := false
	if err != nil {
		caCert, caKey, err = generateCA(b.CACertFile, b.CAKeyFile, now)
		if err != nil {
			return nil, err
		}
		regenerated = true
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)

	servingOK := !regenerated && validLeaf(b.ServingCertFile, b.ServingKeyFile, pool, x509.ExtKeyUsageServerAuth, now,
		func(c *x509.Certificate) bool { return coversSANs(c, hosts, ips) })
	if !servingOK {
		tmpl := leafTemplate(servingCommonName, nil, x509.ExtKeyUsageServerAuth)
		tmpl.DNSNames = hosts
		tmpl.IPAddresses = ips
		if err := issueLeaf(b.ServingCertFile, b.ServingKeyFile, tmpl, caCert, caKey, now); err != nil {
			return nil, fmt.Errorf("pki: serving certificate: %w", err)
		}
	}

	adminOK := !regenerated && validLeaf(b.AdminCertFile, b.AdminKeyFile, pool, x509.ExtKeyUsageClientAuth, now, isAdmin)
	if !adminOK {
		tmpl := leafTemplate(AdminUser, []string{AdminGroup}, x509.ExtKeyUsageClientAuth)
		if err := issueLeaf(b.AdminCertFile, b.AdminKeyFile, tmpl, caCert, caKey, now); err != nil {
			return nil, fmt.Errorf("pki: admin certificate: %w", err)
		}
	}

	// Files kept from an earlier run may have been loosened by hand or
	// written by an older version; private keys must not stay readable
	// by others.
	for _, f := range []string{b.CAKeyFile, b.ServingKeyFile, b.AdminKeyFile} {
		if err := tightenMode(f); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// normalizeSANs adds the loopback names every local client uses, moves IP
// literals out of the host list (a DNS SAN "127.0.0.1" would not match an
// IP connection) and drops duplicates so the comparison with an existing
// certificate does not depend on how the caller spelled its list.
func normalizeSANs(hosts []string, ips []net.IP) ([]string, []net.IP) {
	var outHosts []string
	var outIPs []net.IP
	seenHost := map[string]bool{}
	seenIP := map[string]bool{}
	addIP := func(ip net.IP) {
		if ip == nil {
			return
		}
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		if !seenIP[ip.String()] {
			seenIP[ip.String()] = true
			outIPs = append(outIPs, ip)
		}
	}
	addHost := func(h string) {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			return
		}
		if ip := net.ParseIP(h); ip != nil {
			addIP(ip)
			return
		}
		if !seenHost[h] {
			seenHost[h] = true
			outHosts = append(outHosts, h)
		}
	}
	addHost("localhost")
	addIP(net.IPv4(127, 0, 0, 1))
	for _, h := range hosts {
		addHost(h)
	}
	for _, ip := range ips {
		addIP(ip)
	}
	return outHosts, outIPs
}

// coversSANs asks for exact SAN entries rather than using VerifyHostname so
// that a wildcard in an old certificate cannot stand in for a name the
// caller explicitly asked for.
func coversSANs(c *x509.Certificate, hosts []string, ips []net.IP) bool {
	for _, h := range hosts {
		found := false
		for _, d := range c.DNSNames {
			if strings.EqualFold(d, h) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, ip := range ips {
		found := false
		for _, cip := range c.IPAddresses {
			if cip.Equal(ip) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func isAdmin(c *x509.Certificate) bool {
	if c.Subject.CommonName != AdminUser {
		return false
	}
	for _, o := range c.Subject.Organization {
		if o == AdminGroup {
			return true
		}
	}
	return false
}

// loadCA returns an error for anything that makes the stored CA unfit to
// keep issuing certificates, so the caller can simply regenerate.
func loadCA(certFile, keyFile string, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	c, key, err := loadPair(certFile, keyFile)
	if err != nil {
		return nil, nil, err
	}
	if !c.IsCA || c.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, nil, fmt.Errorf("%s is not a CA certificate", certFile)
	}
	if !fresh(c, now) {
		return nil, nil, fmt.Errorf("%s is expired, not yet valid or expiring soon", certFile)
	}
	// Catches a file replaced by something else or a cert/key pair torn
	// apart by a crash between the two writes.
	if err := c.CheckSignatureFrom(c); err != nil {
		return nil, nil, fmt.Errorf("%s is not self-signed: %w", certFile, err)
	}
	return c, key, nil
}

func validLeaf(certFile, keyFile string, roots *x509.CertPool, usage x509.ExtKeyUsage, now time.Time, extra func(*x509.Certificate) bool) bool {
	c, _, err := loadPair(certFile, keyFile)
	if err != nil {
		return false
	}
	if !fresh(c, now) {
		return false
	}
	if _, err := c.Verify(x509.VerifyOptions{
		Roots:       roots,
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{usage},
	}); err != nil {
		return false
	}
	return extra(c)
}

// fresh reports whether c is usable now and for long enough to be worth
// keeping; see renewBefore.
func fresh(c *x509.Certificate, now time.Time) bool {
	return !now.Before(c.NotBefore) && now.Add(renewBefore).Before(c.NotAfter)
}

func loadPair(certFile, keyFile string) (*x509.Certificate, crypto.Signer, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, err
	}
	certs, err := certutil.ParseCertsPEM(certPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", certFile, err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, err
	}
	key, err := parseSigner(keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(certs[0].PublicKey) {
		return nil, nil, fmt.Errorf("%s does not match %s", keyFile, certFile)
	}
	return certs[0], key, nil
}

func parseSigner(keyPEM []byte) (crypto.Signer, error) {
	k, err := keyutil.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
	return s, nil
}

func newKey() (crypto.Signer, []byte, error) {
	keyPEM, err := keyutil.MakeEllipticPrivateKeyPEM()
	if err != nil {
		return nil, nil, err
	}
	key, err := parseSigner(keyPEM)
	if err != nil {
		return nil, nil, err
	}
	return key, keyPEM, nil
}

func generateCA(certFile, keyFile string, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, keyPEM, err := newKey()
	if err != nil {
		return nil, nil, fmt.Errorf("pki: CA key: %w", err)
	}
	// The timestamp makes CAs from different generations distinguishable
	// in error messages and in kubeconfigs that still carry an old one.
	c, err := certutil.NewSelfSignedCACert(certutil.Config{
		CommonName: fmt.Sprintf("%s@%d", caCommonName, now.Unix()),
		NotBefore:  now.Add(-backdate),
	}, key)
	if err != nil {
		return nil, nil, fmt.Errorf("pki: CA certificate: %w", err)
	}
	certPEM, err := certutil.EncodeCertificates(c)
	if err != nil {
		return nil, nil, err
	}
	if err := writePair(certFile, keyFile, certPEM, keyPEM); err != nil {
		return nil, nil, fmt.Errorf("pki: writing CA: %w", err)
	}
	return c, key, nil
}

func leafTemplate(cn string, orgs []string, usage x509.ExtKeyUsage) *x509.Certificate {
	return &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn, Organization: orgs},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
}

func issueLeaf(certFile, keyFile string, tmpl, ca *x509.Certificate, caKey crypto.Signer, now time.Time) error {
	key, keyPEM, err := newKey()
	if err != nil {
		return err
	}
	serial, err := cryptorand.Int(cryptorand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	tmpl.SerialNumber = serial.Add(serial, big.NewInt(1))
	tmpl.NotBefore = now.Add(-backdate)
	tmpl.NotAfter = now.Add(leafValidity)
	// A leaf outliving its CA would only advertise a lifetime it cannot
	// have.
	if tmpl.NotAfter.After(ca.NotAfter) {
		tmpl.NotAfter = ca.NotAfter
	}
	tmpl.BasicConstraintsValid = true
	der, err := x509.CreateCertificate(cryptorand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	certPEM, err := certutil.EncodeCertificates(c)
	if err != nil {
		return err
	}
	return writePair(certFile, keyFile, certPEM, keyPEM)
}

func writePair(certFile, keyFile string, certPEM, keyPEM []byte) error {
	if err := writeFileAtomic(keyFile, keyPEM, 0o600); err != nil {
		return err
	}
	return writeFileAtomic(certFile, certPEM, 0o644)
}

// writeFileAtomic is used instead of certutil.WriteCert/keyutil.WriteKey
// because those overwrite in place: a crash half-way would leave a truncated
// CA (forcing a new one and invalidating every kubeconfig), and an existing
// file would keep its old, possibly looser, mode.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func tightenMode(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return os.Chmod(path, 0o600)
	}
	return nil
}

// readAll returns the contents of files in the order given.
func readAll(files ...string) ([][]byte, error) {
	out := make([][]byte, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}
