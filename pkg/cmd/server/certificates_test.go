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
)

func TestTLSSANFlag(t *testing.T) {
	o := parse(t, "--tls-san=pod-apiserver.pods.svc,10.96.0.10", "--tls-san", "*.example.test", "--tls-san=::1")
	if got := strings.Join(o.TLSSANs, " "); got != "pod-apiserver.pods.svc 10.96.0.10 *.example.test ::1" {
		t.Errorf("--tls-san = %q", got)
	}
	if errs := o.validateCertificateFlags(); len(errs) != 0 {
		t.Errorf("valid SANs rejected: %v", errs)
	}
	for _, args := range [][]string{
		{"--tls-san=not a name"},
		{"--tls-san=under_score.example"},
		{"--tls-san=a.example", "--tls-cert-file=x.crt", "--tls-private-key-file=x.key"},
	} {
		if err := parse(t, args...).Validate(); err == nil || !strings.Contains(err.Error(), "--tls-san") {
			t.Errorf("%v: %v, want a --tls-san error", args, err)
		}
	}
}

// The server generates a CA only when it uses it, and writes an admin kubeconfig only when the
// kubeconfig can work: when it both signed the serving certificate and is the client CA.
func TestGeneratedCertificatesAndKubeconfig(t *testing.T) {
	for _, tc := range []struct {
		args              []string
		generate, kubecfg bool
		reasonContains    string
	}{
		{nil, true, true, ""},
		{[]string{"--tls-cert-file=s.crt", "--tls-private-key-file=s.key"}, true, false, "--tls-cert-file is given"},
		{[]string{"--client-ca-file=ca.crt"}, true, false, "--client-ca-file is given"},
		{[]string{"--tls-cert-file=s.crt", "--tls-private-key-file=s.key", "--client-ca-file=ca.crt"}, false, false, "--tls-cert-file and --client-ca-file are given"},
	} {
		o := parse(t, tc.args...)
		if got := o.needsGeneratedCertificates(); got != tc.generate {
			t.Errorf("%v: generates certificates = %v, want %v", tc.args, got, tc.generate)
		}
		reason := o.AdminKubeconfigUnavailable()
		if (reason == "") != tc.kubecfg || !strings.Contains(reason, tc.reasonContains) {
			t.Errorf("%v: no-kubeconfig reason %q", tc.args, reason)
		}
	}
}
