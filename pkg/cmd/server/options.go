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

// Package server holds the pod-apiserver command: its flags, how they turn into a server
// configuration, and the run loop that ties the server to its etcd.
package server

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	utilcompatibility "k8s.io/apiserver/pkg/util/compatibility"
	cliflag "k8s.io/component-base/cli/flag"
	logsapi "k8s.io/component-base/logs/api/v1"

	"github.com/pod-apiserver/pod-apiserver/pkg/apiserver"
)

const (
	defaultEtcdPathPrefix = "/registry"
	defaultSecurePort     = 6443
	protobufMediaType     = "application/vnd.kubernetes.protobuf"
	// defaultListEncodingCacheMB holds both encodings (protobuf, JSON) of about 50,000 typical pods.
	defaultListEncodingCacheMB = 256
)

// Options are everything a user can set on the command line.
type Options struct {
	// DataDir holds the embedded etcd, the generated certificates and the admin kubeconfig.
	DataDir string
	// TokenAuthFile is a static token file (token,user,uid,"group1,group2") as kube-apiserver reads it.
	TokenAuthFile string
	// AnonymousAuth lets requests without credentials through as system:anonymous.
	AnonymousAuth bool
	// AllowPrivileged admits privileged containers and Windows HostProcess pods.
	AllowPrivileged bool
	// TLSSANs are extra names and IPs for the generated serving certificate (certificates.go).
	TLSSANs []string
	// NamespaceController runs the in-process namespace controller, which empties and removes
	// deleted namespaces. Off, deleted namespaces stay Terminating until something else
	// finalizes them, as with a kube-apiserver that has no controller manager.
	NamespaceController bool
	// AutoCreateNamespaces creates the namespace of a create in a namespace that does not exist,
	// instead of kube's 404.
	AutoCreateNamespaces bool
	// EmbeddedEtcdUnsafeNoFsync speeds up the embedded etcd at the cost of durability (tests only).
	EmbeddedEtcdUnsafeNoFsync bool
	// ListEncodingCacheMB bounds the pod encodings kept to serve lists; 0 turns the cache off.
	ListEncodingCacheMB int

	// generatedClientCA is set when Complete made the generated CA the client CA (delegatedauth.go).
	generatedClientCA string

	ServerRun   *genericoptions.ServerRunOptions
	Recommended *genericoptions.RecommendedOptions
	Logs        *logsapi.LoggingConfiguration
	Kubelet     *KubeletOptions
	PodHost     *PodHostOptions
	// Authorization holds --authorization-mode; Recommended.Authorization the webhook's flags.
	Authorization *AuthorizationOptions
}

// NewOptions returns the defaults: embedded etcd under ./pod-apiserver-data, HTTPS on
// 127.0.0.1:6443, client certificates from the generated CA, protobuf storage.
func NewOptions() *Options {
	storageVersion := apiserver.Codecs.LegacyCodec(corev1.SchemeGroupVersion)
	recommended := genericoptions.NewRecommendedOptions(defaultEtcdPathPrefix, storageVersion)
	recommended.Etcd.DefaultStorageMediaType = protobufMediaType
	recommended.Etcd.StorageConfig.EncodeVersioner = schema.GroupVersions{corev1.SchemeGroupVersion}
	recommended.SecureServing.BindPort = defaultSecurePort
	recommended.SecureServing.BindAddress = net.ParseIP("127.0.0.1")
	// A standalone server has no kube-apiserver to look up client CAs or delegate to; one given
	// with --authentication-kubeconfig is asked for them unless --authentication-skip-lookup
	// (delegatedauth.go).
	recommended.Authentication.RemoteKubeConfigFileOptional = true
	recommended.Authentication.SkipInClusterLookup = false
	recommended.Authorization.RemoteKubeConfigFileOptional = true
	// No Nodes are served and there is no core cluster to read them from.
	recommended.CoreAPI = nil
	// Only the tracing exporter would dial through an egress selector: etcd, kubelets and the
	// webhooks connect directly, so --egress-selector-config-file would promise what it does not do.
	recommended.EgressSelector = nil
	serverRun := genericoptions.NewServerRunOptions()
	// Open watches would otherwise hold a SIGTERM for the whole shutdown timeout (a minute):
	// give them a short grace and then close them, so clients reconnect elsewhere promptly.
	serverRun.ShutdownWatchTerminationGracePeriod = 5 * time.Second
	o := &Options{
		NamespaceController: true,
		DataDir:             "pod-apiserver-data",
		ListEncodingCacheMB: defaultListEncodingCacheMB,
		ServerRun:           serverRun,
		Recommended:         recommended,
		Logs:                logsapi.NewLoggingConfiguration(),
		Kubelet:             NewKubeletOptions(),
		PodHost:             NewPodHostOptions(),

		Authorization: &AuthorizationOptions{},
	}
	// The generic webhook and admission policy plugins read configuration kinds this server does
	// not serve; only NamespaceLifecycle and the pod plugins are offered.
	offerPodAdmission(recommended.Admission, &o.AutoCreateNamespaces)
	return o
}

// Flags groups the flags for help output, as kube components do.
func (o *Options) Flags() cliflag.NamedFlagSets {
	var fss cliflag.NamedFlagSets
	fs := fss.FlagSet("pod-apiserver")
	fs.StringVar(&o.DataDir, "data-dir", o.DataDir, "Directory for the embedded etcd's data, the generated certificates and the admin kubeconfig.")
	fs.StringVar(&o.TokenAuthFile, "token-auth-file", o.TokenAuthFile, "If set, the file that will be used to secure the secure port of the API server via token authentication (lines of token,user,uid,\"group1,group2\").")
	fs.BoolVar(&o.AllowPrivileged, "allow-privileged", o.AllowPrivileged, "If true, allow privileged containers. [default=false]")
	fs.BoolVar(&o.AnonymousAuth, "anonymous-auth", o.AnonymousAuth, "Enables anonymous requests to the secure port. Requests that are not rejected by another authentication method are treated as anonymous requests, with a username of system:anonymous and a group of system:unauthenticated. Without it, only /healthz, /livez, /readyz and the checks under them accept anonymous requests (for kubelet probes).")
	fs.BoolVar(&o.AutoCreateNamespaces, "auto-create-namespaces", o.AutoCreateNamespaces, "Create a namespace that does not exist when something is first created in it, instead of answering 404 as kube-apiserver does. Needs the NamespaceLifecycle admission plugin (on by default).")
	fs.BoolVar(&o.NamespaceController, "namespace-controller", o.NamespaceController, "Run the namespace controller, which deletes the pods of a deleted namespace and then the namespace. Turn it off when a kube-controller-manager does that job for this server's etcd data.")
	fs.BoolVar(&o.EmbeddedEtcdUnsafeNoFsync, "embedded-etcd-unsafe-no-fsync", o.EmbeddedEtcdUnsafeNoFsync, "Disable fsync in the embedded etcd. Loses data on a crash; for tests only.")
	_ = fs.MarkHidden("embedded-etcd-unsafe-no-fsync")
	o.addCertificateFlags(fs)
	fs.IntVar(&o.ListEncodingCacheMB, "list-encoding-cache-mb", o.ListEncodingCacheMB, "MiB of pod encodings kept to serve lists without encoding unchanged pods again; 0 disables.")
	_ = fs.MarkHidden("list-encoding-cache-mb")

	o.ServerRun.AddUniversalFlags(fss.FlagSet("generic"))
	o.Recommended.Etcd.AddFlags(fss.FlagSet("etcd"))
	o.Recommended.SecureServing.AddFlags(fss.FlagSet("secure serving"))
	o.Recommended.Authentication.AddFlags(fss.FlagSet("authentication"))
	o.Recommended.Authorization.AddFlags(fss.FlagSet("authorization"))
	o.Authorization.AddFlags(fss.FlagSet("authorization"))
	o.Recommended.Audit.AddFlags(fss.FlagSet("auditing"))
	o.Recommended.Features.AddFlags(fss.FlagSet("features"))
	o.Recommended.Admission.AddFlags(fss.FlagSet("admission"))
	hideInert(fss)
	o.Recommended.Traces.AddFlags(fss.FlagSet("traces"))
	o.Kubelet.AddFlags(fss.FlagSet("kubelet"))
	o.PodHost.AddFlags(fss.FlagSet("pod host"))
	logsapi.AddFlags(o.Logs, fss.FlagSet("logs"))
	utilcompatibility.DefaultComponentGlobalsRegistry.AddFlags(fss.FlagSet("global"))
	return fss
}

// inertFlags come with the library's option sets but change nothing here; they stay accepted, so
// command lines written for kube-apiserver still parse, and out of the help.
var inertFlags = map[string]string{
	"admission-control-config-file":               "none of the offered admission plugins reads a configuration",
	"emulation-forward-compatible":                "only v1 pods are served: no beta or alpha API is enabled by an emulated version",
	"runtime-config-emulation-forward-compatible": "there is no --runtime-config",
}

func hideInert(fss cliflag.NamedFlagSets) {
	for _, fs := range fss.FlagSets {
		for name := range inertFlags {
			if fs.Lookup(name) != nil {
				_ = fs.MarkHidden(name)
			}
		}
	}
}

// UsesEmbeddedEtcd tells whether the server must start its own etcd: it does unless
// --etcd-servers names one.
func (o *Options) UsesEmbeddedEtcd() bool {
	return len(o.Recommended.Etcd.StorageConfig.Transport.ServerList) == 0
}

// CertificatesDir is where generated certificates are kept.
func (o *Options) CertificatesDir() string { return filepath.Join(o.DataDir, "pki") }

// EmbeddedEtcdDir is where the embedded etcd keeps its data.
func (o *Options) EmbeddedEtcdDir() string { return filepath.Join(o.DataDir, "etcd") }

// AdminKubeconfigPath is where the admin kubeconfig is written.
func (o *Options) AdminKubeconfigPath() string { return filepath.Join(o.DataDir, "admin.kubeconfig") }

// ServerURL is the address clients on this machine use to reach the server.
func (o *Options) ServerURL() string {
	host := "127.0.0.1"
	if ip := o.Recommended.SecureServing.BindAddress; ip != nil && !ip.IsUnspecified() {
		host = ip.String()
	}
	return "https://" + net.JoinHostPort(host, strconv.Itoa(o.Recommended.SecureServing.BindPort))
}

// Validate checks the flags, before or after Complete, without changing them. The error is a
// k8s.io/apimachinery/pkg/util/errors.Aggregate of every problem found.
func (o *Options) Validate() error {
	var errs []error
	if o.DataDir == "" {
		errs = append(errs, fmt.Errorf("--data-dir must not be empty"))
	}
	// Before Complete the embedded etcd has no address yet: the other etcd flags are checked on a
	// copy that names a stand-in.
	etcd := *o.Recommended.Etcd
	if o.UsesEmbeddedEtcd() {
		etcd.StorageConfig.Transport.ServerList = []string{"unix://embedded"}
	}
	errs = append(errs, o.ServerRun.Validate()...)
	errs = append(errs, etcd.Validate()...)
	errs = append(errs, o.Recommended.SecureServing.Validate()...)
	errs = append(errs, o.Recommended.Authentication.Validate()...)
	errs = append(errs, o.Recommended.Authorization.Validate()...)
	errs = append(errs, o.Authorization.Validate(o.Recommended.Authorization.RemoteKubeConfigFile)...)
	errs = append(errs, o.Recommended.Audit.Validate()...)
	errs = append(errs, o.Recommended.Features.Validate()...)
	errs = append(errs, o.Recommended.Admission.Validate()...)
	errs = append(errs, o.Kubelet.Validate()...)
	errs = append(errs, o.PodHost.Validate()...)
	errs = append(errs, o.validateCertificateFlags()...)
	errs = append(errs, utilcompatibility.DefaultComponentGlobalsRegistry.Validate()...)
	if o.TokenAuthFile != "" {
		if _, err := os.Stat(o.TokenAuthFile); err != nil {
			errs = append(errs, fmt.Errorf("--token-auth-file: %w", err))
		}
	}
	if agg := utilerrors.NewAggregate(errs); agg != nil {
		return invalidOptions{agg}
	}
	return nil
}

// invalidOptions is every problem Validate found. It prints one a line, so that a long command
// line's mistakes can be read and fixed in one go.
type invalidOptions struct{ utilerrors.Aggregate }

func (e invalidOptions) Error() string {
	msg := "invalid options:"
	for _, err := range e.Errors() {
		msg += "\n  " + err.Error()
	}
	return msg
}
