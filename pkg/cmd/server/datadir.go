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
	"os"
)

// privateDirMode keeps the data folder to the server's user: it holds the CA key, the admin
// credentials and the embedded etcd's unauthenticated socket.
const privateDirMode os.FileMode = 0o700

// prepareDataDir creates --data-dir and its certificates folder, or makes existing ones private,
// when the server will write there: for the embedded etcd, or for certificates it generates (and
// the admin kubeconfig, written only then). A server given an etcd and its certificates leaves
// --data-dir alone. A folder whose mode cannot be fixed (another user's, a read-only mount) stops
// the start: what the server writes there must not be readable or replaceable by other local
// users.
func (o *Options) prepareDataDir() error {
	var dirs []string
	if o.UsesEmbeddedEtcd() || o.needsGeneratedCertificates() {
		dirs = append(dirs, o.DataDir)
	}
	if o.needsGeneratedCertificates() {
		dirs = append(dirs, o.CertificatesDir())
	}
	for _, dir := range dirs {
		if err := makePrivateDir(dir); err != nil {
			return err
		}
	}
	return nil
}

func makePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, privateDirMode); err != nil {
		return fmt.Errorf("--data-dir: creating %s: %w", dir, err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("--data-dir: %s is not a directory", dir)
	}
	if info.Mode().Perm() == privateDirMode {
		return nil
	}
	if err := os.Chmod(dir, privateDirMode); err != nil {
		return fmt.Errorf("--data-dir: %s has mode %#o and cannot be made private (%#o): %w; fix its owner or mode, or choose another folder", dir, info.Mode().Perm(), privateDirMode, err)
	}
	return nil
}
