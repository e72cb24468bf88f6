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
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func parse(t *testing.T, args ...string) *Options {
	t.Helper()
	o := NewOptions()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	for _, set := range o.Flags().FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return o
}

func TestDefaultsServeLikeKubeAPIServer(t *testing.T) {
	o := parse(t)
	if err := o.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	etcd := o.Recommended.Etcd
	checks := map[string]bool{
		"embedded etcd by default":      o.UsesEmbeddedEtcd(),
		"protobuf storage":              etcd.DefaultStorageMediaType == "application/vnd.kubernetes.protobuf",
		"keys under /registry":          etcd.StorageConfig.Prefix == "/registry",
		"watch cache on":                etcd.EnableWatchCache,
		"serves https://127.0.0.1:6443": o.ServerURL() == "https://127.0.0.1:6443",
		"anonymous requests refused":    !o.AnonymousAuth,
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("default: %s does not hold", what)
		}
	}
}

func TestFlags(t *testing.T) {
	o := parse(t, "--etcd-servers=https://10.0.0.1:2379,https://10.0.0.2:2379", "--etcd-prefix=/other",
		"--secure-port=7443", "--bind-address=0.0.0.0", "--data-dir=elsewhere", "--anonymous-auth",
		"--shutdown-watch-termination-grace-period=2s", "--max-requests-inflight=10")
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.UsesEmbeddedEtcd() || len(o.Recommended.Etcd.StorageConfig.Transport.ServerList) != 2 {
		t.Errorf("--etcd-servers did not select the external etcd: %v", o.Recommended.Etcd.StorageConfig.Transport.ServerList)
	}
	if o.ServerURL() != "https://127.0.0.1:7443" || o.DataDir != "elsewhere" || !o.AnonymousAuth || o.ServerRun.MaxRequestsInFlight != 10 {
		t.Errorf("flags not applied: url %s dir %s anonymous %v inflight %d", o.ServerURL(), o.DataDir, o.AnonymousAuth, o.ServerRun.MaxRequestsInFlight)
	}
}

func TestInvalidFlagsAreRejected(t *testing.T) {
	cases := map[string][]string{
		"unknown admission plugin":  {"--enable-admission-plugins=NoSuchPlugin"},
		"generic plugin not served": {"--enable-admission-plugins=MutatingAdmissionWebhook"},
		"missing token file":        {"--token-auth-file=does-not-exist.csv"},
		"empty data dir":            {"--data-dir="},
		"negative watch grace":      {"--shutdown-watch-termination-grace-period=-1s"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			err := parse(t, args...).Validate()
			if err == nil {
				t.Fatalf("%v validated", args)
			}
			if !strings.Contains(err.Error(), "invalid options") {
				t.Errorf("error %q", err)
			}
		})
	}
}
