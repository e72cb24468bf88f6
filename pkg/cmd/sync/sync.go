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

// Package sync holds the `pod-apiserver sync` command: it runs the pods of a pod-apiserver on a
// host cluster (pkg/syncer), optionally as the leader of several replicas.
package sync

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	cliflag "k8s.io/component-base/cli/flag"
	componentbaseconfig "k8s.io/component-base/config"
	componentbaseoptions "k8s.io/component-base/config/options"
	"k8s.io/component-base/logs"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/klog/v2"

	"github.com/pod-apiserver/pod-apiserver/pkg/gcsetting"
	"github.com/pod-apiserver/pod-apiserver/pkg/syncer"
)

// inClusterNamespaceFile is where a pod finds its own namespace.
const inClusterNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// Options are the flags of `pod-apiserver sync`.
type Options struct {
	// Kubeconfig reaches the pod-apiserver; empty means in-cluster configuration.
	Kubeconfig string
	// HostKubeconfig reaches the host cluster; empty means in-cluster configuration.
	HostKubeconfig string
	// HostNamespace receives the host pods; empty means the syncer's own namespace in-cluster.
	HostNamespace string
	Owner         string
	Workers       int
	QPS           float32
	Burst         int
	Policy        syncer.Policy
	LeaderElect   componentbaseconfig.LeaderElectionConfiguration
	Logs          *logsapi.LoggingConfiguration
}

// NewOptions returns the defaults.
func NewOptions() *Options {
	return &Options{
		Owner:   syncer.DefaultOwner,
		Workers: 16,
		QPS:     100,
		Burst:   200,
		LeaderElect: componentbaseconfig.LeaderElectionConfiguration{
			// Off by default: a host that is itself a pod-apiserver serves no Leases.
			LeaderElect:   false,
			LeaseDuration: metav1.Duration{Duration: 15 * time.Second},
			RenewDeadline: metav1.Duration{Duration: 10 * time.Second},
			RetryPeriod:   metav1.Duration{Duration: 2 * time.Second},
			ResourceLock:  resourcelock.LeasesResourceLock,
			ResourceName:  "pod-apiserver-sync",
		},
		Logs: logsapi.NewLoggingConfiguration(),
	}
}

// Flags returns the flags, grouped for help output.
func (o *Options) Flags() cliflag.NamedFlagSets {
	var fss cliflag.NamedFlagSets
	fs := fss.FlagSet("sync")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "Kubeconfig of the pod-apiserver whose pods are run. Empty: the in-cluster configuration.")
	fs.StringVar(&o.HostKubeconfig, "host-kubeconfig", o.HostKubeconfig, "Kubeconfig of the host cluster that runs the pods. Empty: the in-cluster configuration.")
	fs.StringVar(&o.HostNamespace, "host-namespace", o.HostNamespace, "Host namespace of the host pods. Empty: the namespace the syncer runs in.")
	fs.StringVar(&o.Owner, "owner", o.Owner, "Value of the "+syncer.OwnerLabel+" label on this syncer's host pods; syncers of different pod-apiservers sharing a host namespace need different owners. Part of the host pod names.")
	fs.IntVar(&o.Workers, "workers", o.Workers, "Pods synced at once.")
	fs.Float32Var(&o.QPS, "kube-api-qps", o.QPS, "Queries per second to each API server.")
	fs.IntVar(&o.Burst, "kube-api-burst", o.Burst, "Burst of queries to each API server.")

	ps := fss.FlagSet("host pod policy")
	ps.BoolVar(&o.Policy.AllowHostNetwork, "allow-host-network", false, "Run pods that ask for the host's network namespace.")
	ps.BoolVar(&o.Policy.AllowHostPID, "allow-host-pid", false, "Run pods that ask for the host's PID namespace.")
	ps.BoolVar(&o.Policy.AllowHostIPC, "allow-host-ipc", false, "Run pods that ask for the host's IPC namespace.")
	ps.BoolVar(&o.Policy.AllowHostPorts, "allow-host-ports", false, "Run pods with host ports.")
	ps.BoolVar(&o.Policy.AllowHostPath, "allow-host-path", false, "Run pods with hostPath volumes.")
	ps.BoolVar(&o.Policy.AllowPrivileged, "allow-privileged", false, "Run privileged containers.")
	ps.StringSliceVar(&o.Policy.AllowedCapabilities, "allowed-capabilities", nil, "Capabilities containers may add (ALL for any).")

	componentbaseoptions.BindLeaderElectionFlags(&o.LeaderElect, fss.FlagSet("leader election"))
	logsapi.AddFlags(o.Logs, fss.FlagSet("logs"))
	return fss
}

// Validate checks the flags.
func (o *Options) Validate() error {
	var errs []string
	if o.Workers < 1 {
		errs = append(errs, "--workers must be at least 1")
	}
	if o.Owner == "" || len(o.Owner) > 63 {
		errs = append(errs, "--owner must be a label value of 1 to 63 characters")
	}
	if o.LeaderElect.LeaderElect && o.LeaderElect.ResourceLock != resourcelock.LeasesResourceLock {
		errs = append(errs, "--leader-elect-resource-lock must be leases")
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid options: %s", strings.Join(errs, "; "))
	}
	return nil
}

// NewCommand returns `pod-apiserver sync`.
func NewCommand(ctx context.Context) *cobra.Command {
	o := NewOptions()
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Run the pods of a pod-apiserver on a host cluster and reflect them back",
		Long: `sync creates, for each pod of a pod-apiserver, a pod in one namespace of a host cluster, and
writes the host pod's node and status back to it. Pods that need objects pod-apiserver does not
serve, or host privileges the operator has not allowed, are refused with a condition saying why.`,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return fmt.Errorf("unexpected arguments: %q", args)
			}
			if err := o.Validate(); err != nil {
				return err
			}
			if err := logsapi.ValidateAndApply(o.Logs, nil); err != nil {
				return err
			}
			gcsetting.ApplyAndLog()
			return Run(ctx, o)
		},
	}
	fss := o.Flags()
	for _, fs := range fss.FlagSets {
		cmd.Flags().AddFlagSet(fs)
	}
	cliflag.SetUsageAndHelpFunc(cmd, fss, 0)
	return cmd
}

// Run syncs until ctx is done, as leader when leader election is on.
func Run(ctx context.Context, o *Options) error {
	defer logs.FlushLogs()
	virtual, err := restConfig(o.Kubeconfig, o)
	if err != nil {
		return fmt.Errorf("--kubeconfig: %w", err)
	}
	host, err := restConfig(o.HostKubeconfig, o)
	if err != nil {
		return fmt.Errorf("--host-kubeconfig: %w", err)
	}
	namespace := o.HostNamespace
	if namespace == "" {
		b, err := os.ReadFile(inClusterNamespaceFile)
		if err != nil {
			return fmt.Errorf("--host-namespace is empty and the syncer does not run in a cluster: %w", err)
		}
		namespace = strings.TrimSpace(string(b))
	}
	virtualClient, err := kubernetes.NewForConfig(rest.AddUserAgent(virtual, "pod-apiserver-sync"))
	if err != nil {
		return err
	}
	hostClient, err := kubernetes.NewForConfig(rest.AddUserAgent(host, "pod-apiserver-sync"))
	if err != nil {
		return err
	}
	controller := syncer.New(syncer.Config{
		Virtual: virtualClient, Host: hostClient, HostNamespace: namespace,
		Owner: o.Owner, Policy: o.Policy, Workers: o.Workers,
	})
	if !o.LeaderElect.LeaderElect {
		return controller.Run(ctx)
	}

	id, err := os.Hostname()
	if err != nil {
		return err
	}
	id += "_" + string(uuid.NewUUID())
	lockNamespace := o.LeaderElect.ResourceNamespace
	if lockNamespace == "" {
		lockNamespace = namespace
	}
	lock, err := resourcelock.New(o.LeaderElect.ResourceLock, lockNamespace, o.LeaderElect.ResourceName,
		hostClient.CoreV1(), hostClient.CoordinationV1(), resourcelock.ResourceLockConfig{Identity: id})
	if err != nil {
		return err
	}
	runErr := make(chan error, 1)
	leaderCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	leaderelection.RunOrDie(leaderCtx, leaderelection.LeaderElectionConfig{
		Lock:            lock,
		LeaseDuration:   o.LeaderElect.LeaseDuration.Duration,
		RenewDeadline:   o.LeaderElect.RenewDeadline.Duration,
		RetryPeriod:     o.LeaderElect.RetryPeriod.Duration,
		ReleaseOnCancel: true,
		Name:            o.LeaderElect.ResourceName,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(ctx context.Context) {
				runErr <- controller.Run(ctx)
				cancel()
			},
			// Losing the lease while the context lives means another replica leads now: stop,
			// and let the restart policy make this one a candidate again.
			OnStoppedLeading: func() { cancel() },
		},
	})
	select {
	case err := <-runErr:
		if err == nil && ctx.Err() == nil {
			return fmt.Errorf("lost the leader lease")
		}
		return err
	default:
		if ctx.Err() == nil {
			return fmt.Errorf("lost the leader lease")
		}
		return nil
	}
}

func restConfig(kubeconfig string, o *Options) (*rest.Config, error) {
	var config *rest.Config
	var err error
	if kubeconfig == "" {
		config, err = rest.InClusterConfig()
	} else {
		config, err = clientcmd.BuildConfigFromFlags("", kubeconfig)
	}
	if err != nil {
		return nil, err
	}
	config.QPS, config.Burst = o.QPS, o.Burst
	klog.V(4).InfoS("API server", "host", config.Host)
	return config, nil
}
