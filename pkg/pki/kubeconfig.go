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
	"os"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Names used inside the admin kubeconfig.
const (
	KubeconfigClusterName = "pod-apiserver"
	KubeconfigContextName = "pod-apiserver"
	KubeconfigUserName    = AdminUser
)

// WriteAdminKubeconfig writes a kubeconfig at path that reaches serverURL as
// the admin user of b. The certificates are embedded rather than referenced
// so the file keeps working when copied elsewhere, which is also why it is
// written with mode 0600: it carries the admin private key.
//
// The file is rewritten on every call; it is cheap and guarantees it never
// points at a stale URL or a CA that has since been replaced.
func WriteAdminKubeconfig(path, serverURL string, b *Bundle) error {
	if b == nil {
		return errors.New("pki: nil bundle")
	}
	if serverURL == "" {
		return errors.New("pki: empty server URL")
	}
	data, err := readAll(b.CACertFile, b.AdminCertFile, b.AdminKeyFile)
	if err != nil {
		return fmt.Errorf("pki: reading bundle: %w", err)
	}

	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[KubeconfigClusterName] = &clientcmdapi.Cluster{
		Server:                   serverURL,
		CertificateAuthorityData: data[0],
	}
	cfg.AuthInfos[KubeconfigUserName] = &clientcmdapi.AuthInfo{
		ClientCertificateData: data[1],
		ClientKeyData:         data[2],
	}
	cfg.Contexts[KubeconfigContextName] = &clientcmdapi.Context{
		Cluster:   KubeconfigClusterName,
		AuthInfo:  KubeconfigUserName,
		Namespace: "default",
	}
	cfg.CurrentContext = KubeconfigContextName

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pki: creating %s: %w", dir, err)
	}
	// clientcmd.WriteToFile truncates in place and keeps the mode of an
	// existing file, so write a fresh 0600 temp file (CreateTemp's mode)
	// and rename it over the target: a kubectl running at the same time
	// never sees half a file, and a loosely-permissioned old file is
	// replaced rather than reused.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("pki: writing kubeconfig: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if err := f.Close(); err != nil {
		return fmt.Errorf("pki: writing kubeconfig: %w", err)
	}
	if err := clientcmd.WriteToFile(*cfg, tmp); err != nil {
		return fmt.Errorf("pki: writing kubeconfig: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("pki: writing kubeconfig: %w", err)
	}
	return nil
}
