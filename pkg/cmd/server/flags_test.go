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
	"sort"
	"testing"

	"github.com/spf13/pflag"
)

// flagMeanings says what each flag of the command does in pod-apiserver. A flag that would do
// nothing here is hidden (inertFlags) or not offered at all.
var flagMeanings = map[string]string{
	// pod-apiserver's own
	"data-dir":                      "embedded etcd data, generated certificates, admin kubeconfig",
	"token-auth-file":               "static bearer tokens",
	"allow-privileged":              "admits privileged containers",
	"anonymous-auth":                "lets requests without credentials in as system:anonymous",
	"auto-create-namespaces":        "creates a missing namespace on create",
	"namespace-controller":          "runs the in-process namespace controller",
	"embedded-etcd-unsafe-no-fsync": "tests only (hidden)",
	"list-encoding-cache-mb":        "size of the list encoding cache (hidden)",
	"tls-san":                       "extra names of the generated serving certificate",
	// generic server
	"advertise-address":                           "address in /api's serverAddressByClientCIDRs",
	"cors-allowed-origins":                        "CORS filter",
	"external-hostname":                           "external address of the server (OpenAPI, redirects)",
	"goaway-chance":                               "HTTP/2 GOAWAY to rebalance clients",
	"livez-grace-period":                          "livez grace at start",
	"max-mutating-requests-inflight":              "in-flight limit / APF seats",
	"max-requests-inflight":                       "in-flight limit / APF seats",
	"min-request-timeout":                         "watch timeout floor",
	"request-timeout":                             "request timeout",
	"shutdown-delay-duration":                     "graceful shutdown",
	"shutdown-send-retry-after":                   "graceful shutdown",
	"shutdown-watch-termination-grace-period":     "graceful shutdown of watches",
	"storage-initialization-timeout":              "waits for storage at start",
	"strict-transport-security-directives":        "HSTS header",
	"emulated-version":                            "kube version emulated by the feature gates and discovery",
	"min-compatibility-version":                   "compatibility version of the feature gates",
	"feature-gates":                               "library and logging feature gates",
	"emulation-forward-compatible":                "inert (hidden)",
	"runtime-config-emulation-forward-compatible": "inert (hidden)",
	// etcd
	"delete-collection-workers":                   "parallel deletes of deletecollection",
	"enable-garbage-collector":                    "orphan and foreground deletion finalizers",
	"encryption-provider-config":                  "encryption of pods at rest",
	"encryption-provider-config-automatic-reload": "encryption of pods at rest",
	"etcd-cafile":                                 "external etcd TLS",
	"etcd-certfile":                               "external etcd TLS",
	"etcd-keyfile":                                "external etcd TLS",
	"etcd-compaction-interval":                    "etcd compaction",
	"etcd-count-metric-poll-period":               "object count metric",
	"etcd-db-metric-poll-interval":                "database size metric",
	"etcd-healthcheck-timeout":                    "/healthz/etcd",
	"etcd-readycheck-timeout":                     "/readyz/etcd",
	"etcd-prefix":                                 "key prefix",
	"etcd-servers":                                "external etcd instead of the embedded one",
	"etcd-servers-overrides":                      "etcd per resource (pods, events)",
	"lease-reuse-duration-seconds":                "etcd lease reuse for events' TTL",
	"storage-backend":                             "etcd3 only",
	"storage-media-type":                          "storage encoding",
	"watch-cache":                                 "watch cache",
	"watch-cache-sizes":                           "watch cache",
	// secure serving
	"bind-address":                     "listen address",
	"cert-dir":                         "self-signed certificate folder",
	"disable-http2-serving":            "HTTP/2",
	"http2-max-streams-per-connection": "HTTP/2",
	"permit-address-sharing":           "SO_REUSEADDR",
	"permit-port-sharing":              "SO_REUSEPORT",
	"secure-port":                      "listen port",
	"tls-cert-file":                    "serving certificate",
	"tls-private-key-file":             "serving certificate",
	"tls-cipher-suites":                "TLS",
	"tls-curve-preferences":            "TLS",
	"tls-min-version":                  "TLS",
	"tls-sni-cert-key":                 "SNI certificates",
	// authentication
	"authentication-kubeconfig":              "delegated authentication",
	"authentication-skip-lookup":             "delegated authentication",
	"authentication-token-webhook-cache-ttl": "delegated authentication",
	"authentication-tolerate-lookup-failure": "delegated authentication",
	"client-ca-file":                         "client certificates",
	"requestheader-allowed-names":            "front proxy",
	"requestheader-client-ca-file":           "front proxy",
	"requestheader-extra-headers-prefix":     "front proxy",
	"requestheader-group-headers":            "front proxy",
	"requestheader-uid-headers":              "front proxy",
	"requestheader-username-headers":         "front proxy",
	// authorization
	"authorization-always-allow-paths":             "paths allowed to everyone",
	"authorization-kubeconfig":                     "Webhook mode",
	"authorization-mode":                           "authorizer chain",
	"authorization-webhook-cache-authorized-ttl":   "Webhook mode",
	"authorization-webhook-cache-unauthorized-ttl": "Webhook mode",
	// auditing: the library's audit backends, applied as they are
	"audit-log-batch-buffer-size": "audit", "audit-log-batch-max-size": "audit", "audit-log-batch-max-wait": "audit",
	"audit-log-batch-throttle-burst": "audit", "audit-log-batch-throttle-enable": "audit", "audit-log-batch-throttle-qps": "audit",
	"audit-log-compress": "audit", "audit-log-format": "audit", "audit-log-maxage": "audit", "audit-log-maxbackup": "audit",
	"audit-log-maxsize": "audit", "audit-log-mode": "audit", "audit-log-path": "audit", "audit-log-truncate-enabled": "audit",
	"audit-log-truncate-max-batch-size": "audit", "audit-log-truncate-max-event-size": "audit", "audit-log-version": "audit",
	"audit-policy-file": "audit", "audit-webhook-batch-buffer-size": "audit", "audit-webhook-batch-max-size": "audit",
	"audit-webhook-batch-max-wait": "audit", "audit-webhook-batch-throttle-burst": "audit", "audit-webhook-batch-throttle-enable": "audit",
	"audit-webhook-batch-throttle-qps": "audit", "audit-webhook-config-file": "audit", "audit-webhook-initial-backoff": "audit",
	"audit-webhook-mode": "audit", "audit-webhook-truncate-enabled": "audit", "audit-webhook-truncate-max-batch-size": "audit",
	"audit-webhook-truncate-max-event-size": "audit", "audit-webhook-version": "audit",
	// features
	"contention-profiling":         "pprof",
	"debug-socket-path":            "pprof on a unix socket",
	"enable-priority-and-fairness": "API Priority and Fairness",
	"profiling":                    "pprof",
	// admission
	"admission-control-config-file": "inert (hidden)",
	"disable-admission-plugins":     "pod admission chain",
	"enable-admission-plugins":      "pod admission chain",
	// traces
	"tracing-config-file": "OpenTelemetry tracing",
	// kubelet
	"kubelet-allowed-networks":        "kubelet at status.hostIP",
	"kubelet-certificate-authority":   "kubelet TLS",
	"kubelet-client-certificate":      "kubelet TLS",
	"kubelet-client-key":              "kubelet TLS",
	"kubelet-cluster-kubeconfig":      "Nodes locate kubelets; node-reading admission",
	"kubelet-port":                    "kubelet port",
	"kubelet-preferred-address-types": "kubelet address",
	"kubelet-timeout":                 "kubelet requests",
	// pod host
	"pod-host-kubeconfig": "streams through the syncer's host cluster",
	"pod-host-namespace":  "streams through the syncer's host cluster",
	"pod-host-owner":      "streams through the syncer's host cluster",
	// logs
	"log-flush-frequency":       "logging",
	"log-json-info-buffer-size": "logging",
	"log-json-split-stream":     "logging",
	"log-text-info-buffer-size": "logging",
	"log-text-split-stream":     "logging",
	"logging-format":            "logging",
	"v":                         "logging",
	"vmodule":                   "logging",
	// deprecated by the library, which hides them
	"audit-webhook-batch-initial-backoff": "audit",
	"default-watch-cache-size":            "watch cache",
	// global
	"version": "prints the version",
	"help":    "help",
}

// hiddenTuning are flags that work but are kept out of the help: for tests and tuning.
var hiddenTuning = map[string]bool{"embedded-etcd-unsafe-no-fsync": true, "list-encoding-cache-mb": true}

// Every flag the command takes is in flagMeanings, and is hidden when it does nothing here: a
// new option set or library upgrade that brings flags fails here until each is judged.
func TestEveryFlagMeansSomething(t *testing.T) {
	cmd := NewCommand(t.Context())
	seen := map[string]bool{}
	var unjudged []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		seen[f.Name] = true
		if _, ok := flagMeanings[f.Name]; !ok {
			unjudged = append(unjudged, f.Name)
		}
		_, inert := inertFlags[f.Name]
		switch {
		case inert && !f.Hidden:
			t.Errorf("--%s does nothing here but is in the help", f.Name)
		case f.Hidden && !inert && f.Deprecated == "" && !hiddenTuning[f.Name]:
			t.Errorf("--%s is hidden but not listed in inertFlags", f.Name)
		}
	})
	sort.Strings(unjudged)
	for _, name := range unjudged {
		t.Errorf("--%s has no entry in flagMeanings: say what it does here, or hide it (inertFlags) or drop it", name)
	}
	for name := range flagMeanings {
		if !seen[name] {
			t.Errorf("flagMeanings names --%s, which the command does not have", name)
		}
	}
	for _, gone := range []string{"egress-selector-config-file"} {
		if seen[gone] {
			t.Errorf("--%s is offered", gone)
		}
	}
}
