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
	"path/filepath"

	"github.com/spf13/cobra"
	cliflag "k8s.io/component-base/cli/flag"
	"k8s.io/component-base/term"

	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
)

// NewCertsCommand is `pod-apiserver certs`: the certificates and the admin kubeconfig of a server
// deployed behind a Kubernetes Service, made on this machine with no openssl, cert-manager or Job.
func NewCertsCommand() *cobra.Command {
	var (
		out, service, serverURL string
		sans                    []string
		newCA                   bool
	)
	cmd := &cobra.Command{
		Use:   "certs --out DIR --service NAME.NAMESPACE [--tls-san NAME_OR_IP ...] [--server https://HOST:PORT]",
		Short: "Write a CA, a serving certificate for a Service, an admin certificate and an admin kubeconfig",
		Long: `certs writes, into --out:
  ca.crt, ca.key        the CA (kept on a rerun unless --new-ca)
  tls.crt, tls.key      the serving certificate for NAME, NAME.NAMESPACE, NAME.NAMESPACE.svc,
                        NAME.NAMESPACE.svc.cluster.local, localhost, 127.0.0.1, ::1, the host of
                        --server and every --tls-san
  admin.crt, admin.key  a client certificate for CN=admin, O=system:masters
  admin.kubeconfig      reaches --server as admin, trusting ca.crt, with everything embedded
Private keys are written with mode 0600. A rerun keeps the CA and every certificate that is still
valid and covers the names asked for, so Secrets and kubeconfigs already handed out keep working.
Serve with:
  --tls-cert-file=DIR/tls.crt --tls-private-key-file=DIR/tls.key --client-ca-file=DIR/ca.crt`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			if service == "" {
				return fmt.Errorf("--service is required")
			}
			name, namespace, err := pki.ParseService(service)
			if err != nil {
				return fmt.Errorf("--service: %w", err)
			}
			if _, _, err := pki.SplitSANs(sans); err != nil {
				return fmt.Errorf("--tls-san: %w", err)
			}
			b, err := pki.WriteServiceBundle(pki.ServiceBundleOptions{
				Dir: out, Service: name, Namespace: namespace, ExtraSANs: sans, ServerURL: serverURL, NewCA: newCA,
			})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "wrote %s\n", filepath.Join(b.Dir, "{ca.crt,ca.key,tls.crt,tls.key,admin.crt,admin.key,admin.kubeconfig}"))
			fmt.Fprintf(w, "serving certificate names: %v %v\n", b.DNSNames, b.IPs)
			fmt.Fprintf(w, "serve with: --tls-cert-file=%s --tls-private-key-file=%s --client-ca-file=%s\n", b.ServingCertFile, b.ServingKeyFile, b.CACertFile)
			fmt.Fprintf(w, "use with:   kubectl --kubeconfig %s get pods\n", b.Kubeconfig)
			return nil
		},
	}
	var fss cliflag.NamedFlagSets
	fs := fss.FlagSet("certs")
	fs.StringVar(&out, "out", "", "Directory to write the files into (created 0700 if missing).")
	fs.StringVar(&service, "service", "", "The Service the server is reached by in the cluster, as NAME.NAMESPACE.")
	fs.StringSliceVar(&sans, "tls-san", nil, "Further DNS name or IP address for the serving certificate (repeatable, or comma-separated).")
	fs.StringVar(&serverURL, "server", pki.DefaultServerURL, "Server URL written into admin.kubeconfig; its host is added to the serving certificate.")
	fs.BoolVar(&newCA, "new-ca", false, "Replace an existing CA, and with it every certificate and kubeconfig issued from it.")
	cmd.Flags().AddFlagSet(fs)
	// Its own help: the parent's would list the server's flags.
	cols, _, _ := term.TerminalSize(cmd.OutOrStdout())
	cliflag.SetUsageAndHelpFunc(cmd, fss, cols)
	return cmd
}
