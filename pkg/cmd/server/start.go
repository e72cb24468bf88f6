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
	"context"
	"fmt"

	"github.com/spf13/cobra"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	utilcompatibility "k8s.io/apiserver/pkg/util/compatibility"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	cliflag "k8s.io/component-base/cli/flag"
	"k8s.io/component-base/cli/globalflag"
	"k8s.io/component-base/logs"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/component-base/term"
	"k8s.io/component-base/version/verflag"
	"k8s.io/klog/v2"

	synccmd "github.com/pod-apiserver/pod-apiserver/pkg/cmd/sync"
	"github.com/pod-apiserver/pod-apiserver/pkg/embeddedetcd"
	"github.com/pod-apiserver/pod-apiserver/pkg/gcsetting"
	"github.com/pod-apiserver/pod-apiserver/pkg/version"
	genericapiserver "k8s.io/apiserver/pkg/server"

	// Registers the JSON log format for --logging-format=json.
	_ "k8s.io/component-base/logs/json/register"
)

func init() {
	// Logging features (such as contextual logging) are switched with --feature-gates.
	utilruntime.Must(logsapi.AddFeatureGates(utilfeature.DefaultMutableFeatureGate))
}

// NewCommand returns the pod-apiserver command; it runs until ctx is cancelled.
func NewCommand(ctx context.Context) *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use:   "pod-apiserver",
		Short: "A Kubernetes-compatible API server for core/v1 Pods, stored in etcd",
		Long: `pod-apiserver serves the core/v1 Pod API at /api/v1 as kube-apiserver does, so that kubectl
and client-go work against it. With no flags it starts an embedded etcd in --data-dir, serves HTTPS
on 127.0.0.1:6443 and writes an admin kubeconfig into --data-dir.`,
		SilenceUsage: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			// Feature gates and the emulated version must be settled right after flag parsing,
			// before anything reads them.
			return utilcompatibility.DefaultComponentGlobalsRegistry.Set()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch cmd.Flags().Lookup("version").Value.String() {
			case "raw":
				fmt.Fprintf(cmd.OutOrStdout(), "%#v\n", version.Get())
				return nil
			case "true":
				fmt.Fprintf(cmd.OutOrStdout(), "pod-apiserver %s\n", version.Get())
				return nil
			}
			if len(args) != 0 {
				return fmt.Errorf("unexpected arguments: %q", args)
			}
			if err := logsapi.ValidateAndApply(o.Logs, utilcompatibility.DefaultComponentGlobalsRegistry.FeatureGateFor("kube")); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			gcsetting.ApplyAndLog()
			return Run(ctx, o, func(kubeconfig string) {
				fmt.Fprintf(cmd.OutOrStdout(), "pod-apiserver is serving at %s\nadmin kubeconfig: %s\n", o.ServerURL(), kubeconfig)
			})
		},
	}
	fss := o.Flags()
	verflag.AddFlags(fss.FlagSet("global"))
	globalflag.AddGlobalFlags(fss.FlagSet("global"), cmd.Name(), logs.SkipLoggingConfigurationFlags())
	for _, fs := range fss.FlagSets {
		cmd.Flags().AddFlagSet(fs)
	}
	cmd.AddCommand(NewCertsCommand())
	cmd.AddCommand(synccmd.NewCommand(ctx))
	cols, _, _ := term.TerminalSize(cmd.OutOrStdout())
	cliflag.SetUsageAndHelpFunc(cmd, fss, cols)
	return cmd
}

// Run starts etcd (unless external), the certificates and the server, and blocks until ctx is
// cancelled and the server has drained. ready is called once the server answers requests, with
// the admin kubeconfig's path or "none written: " and the reason.
func Run(ctx context.Context, o *Options, ready func(kubeconfig string)) error {
	if err := o.prepareDataDir(); err != nil {
		return err
	}
	noKubeconfig := o.AdminKubeconfigUnavailable()
	bundle, err := o.ensureCertificates()
	if err != nil {
		return fmt.Errorf("preparing certificates: %w", err)
	}

	var etcdServers []string
	if o.UsesEmbeddedEtcd() {
		etcd, err := embeddedetcd.Start(embeddedetcd.Config{Dir: o.EmbeddedEtcdDir(), UnsafeNoFsync: o.EmbeddedEtcdUnsafeNoFsync})
		if err != nil {
			return err
		}
		// Deferred first, so it runs last: etcd must outlive the server's in-flight requests.
		defer etcd.Close()
		etcdServers = []string{etcd.ClientURL()}
		go func() {
			if err, ok := <-etcd.Err(); ok && err != nil {
				klog.ErrorS(err, "Embedded etcd failed")
			}
		}()
	}

	if err := o.Complete(etcdServers, bundle); err != nil {
		return err
	}
	config, err := o.Config()
	if err != nil {
		return err
	}
	server, err := config.Complete().New()
	if err != nil {
		return err
	}
	kubeconfig, err := o.writeAdminKubeconfig(bundle, noKubeconfig)
	if err != nil {
		return err
	}
	if ready != nil {
		server.GenericAPIServer.AddPostStartHookOrDie("announce-kubeconfig", func(genericapiserver.PostStartHookContext) error {
			if kubeconfig == "" {
				kubeconfig = "none written: " + noKubeconfig
			}
			ready(kubeconfig)
			return nil
		})
	}
	return server.GenericAPIServer.PrepareRun().RunWithContext(ctx)
}
