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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestAuthorizationModeFlags(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		modes   []string
		wantErr string
	}{
		{args: nil, modes: []string{"Node"}},
		{args: []string{"--authorization-kubeconfig", kubeconfig}, modes: []string{"Node", "Webhook"}},
		{args: []string{"--authorization-mode", "AlwaysAllow"}, modes: []string{"AlwaysAllow"}},
		{args: []string{"--authorization-mode", "Node,AlwaysDeny"}, modes: []string{"Node", "AlwaysDeny"}},
		{args: []string{"--authorization-mode", "Webhook,Node", "--authorization-kubeconfig", kubeconfig}, modes: []string{"Webhook", "Node"}},
		{args: []string{"--authorization-mode", "Node,Webhook"}, wantErr: "--authorization-mode Webhook needs --authorization-kubeconfig"},
		{args: []string{"--authorization-mode", "Node", "--authorization-kubeconfig", kubeconfig}, wantErr: "--authorization-mode does not include Webhook"},
		{args: []string{"--authorization-mode", "RBAC"}, wantErr: `unsupported mode "RBAC"`},
		{args: []string{"--authorization-mode", "Node,Node"}, wantErr: `"Node" given more than once`},
	} {
		o := parse(t, tc.args...)
		err := o.Validate()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		if got := o.authorizationModes(); !slices.Equal(got, tc.modes) {
			t.Errorf("%v: modes %v, want %v", tc.args, got, tc.modes)
		}
	}
}

// A pod's mounted ServiceAccount token (the in-cluster configuration) does not switch the
// webhook on: only --authorization-kubeconfig does.
func TestInClusterConfigDoesNotEnableWebhook(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
	t.Setenv("KUBERNETES_SERVICE_PORT", "443")
	o := parse(t)
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := o.authorizationModes(); !slices.Equal(got, []string{"Node"}) {
		t.Errorf("modes %v in a pod with a ServiceAccount, want [Node]", got)
	}
}
