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
	"errors"
	"net"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"

	"github.com/pod-apiserver/pod-apiserver/pkg/pki"
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

// flagValues is what the options hold, as the flags show it.
func flagValues(o *Options) map[string]string {
	values := map[string]string{}
	for _, fs := range o.Flags().FlagSets {
		fs.VisitAll(func(f *pflag.Flag) { values[f.Name] = f.Value.String() })
	}
	return values
}

func changedFlags(before, after map[string]string) []string {
	var changed []string
	for name, v := range after {
		if before[name] != v {
			changed = append(changed, name)
		}
	}
	sort.Strings(changed)
	return changed
}

// Complete derives what the flags leave open; Validate and Config only read.
func TestCompleteIsTheOnlyStepThatChangesOptions(t *testing.T) {
	o := parse(t, "--anonymous-auth", "--cert-dir="+t.TempDir())
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	o.Recommended.SecureServing.Listener = listener

	given := flagValues(o)
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if changed := changedFlags(given, flagValues(o)); len(changed) > 0 {
		t.Errorf("Validate changed %v", changed)
	}

	bundle, err := pki.EnsureBundle(filepath.Join(t.TempDir(), "pki"), []string{"localhost"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Complete([]string{"http://127.0.0.1:1"}, bundle); err != nil {
		t.Fatal(err)
	}
	completed := flagValues(o)
	// secure-port: the listener handed in decides it.
	want := []string{"client-ca-file", "etcd-servers", "secure-port", "tls-cert-file", "tls-private-key-file"}
	if changed := changedFlags(given, completed); !slices.Equal(changed, want) {
		t.Errorf("Complete changed %v, want %v", changed, want)
	}
	if o.UsesEmbeddedEtcd() || !o.clientCAIsGenerated() {
		t.Errorf("after Complete: embedded etcd %v, generated client CA %v", o.UsesEmbeddedEtcd(), o.clientCAIsGenerated())
	}

	if err := o.Validate(); err != nil {
		t.Fatalf("completed options do not validate: %v", err)
	}
	if _, err := o.Config(); err != nil {
		t.Fatal(err)
	}
	if changed := changedFlags(completed, flagValues(o)); len(changed) > 0 {
		t.Errorf("Validate or Config changed %v", changed)
	}
}

// Every mistake on a command line is reported at once, one a line.
func TestValidateReportsEveryProblem(t *testing.T) {
	args := []string{"--data-dir=", "--kubelet-port=0", "--tls-san=a b",
		"--shutdown-watch-termination-grace-period=-1s", "--enable-admission-plugins=NoSuchPlugin"}
	err := parse(t, args...).Validate()
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		t.Fatalf("Validate(%v) = %v, want an aggregate", args, err)
	}
	if len(agg.Errors()) < len(args) {
		t.Errorf("%d problems reported for %d bad flags: %v", len(agg.Errors()), len(args), agg.Errors())
	}
	lines := strings.Split(err.Error(), "\n")
	if lines[0] != "invalid options:" || len(lines) != len(agg.Errors())+1 {
		t.Fatalf("not one problem a line:\n%s", err)
	}
	for _, flag := range []string{"--data-dir", "--kubelet-port", "--tls-san", "shutdown-watch-termination-grace-period", "NoSuchPlugin"} {
		found := 0
		for _, line := range lines[1:] {
			if strings.Contains(line, flag) {
				found++
			}
		}
		if found == 0 {
			t.Errorf("no line names %s:\n%s", flag, err)
		}
	}

}
