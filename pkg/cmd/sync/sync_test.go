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

package sync

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestCommandFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--workers=0", "--host-namespace=x"}, "--workers must be at least 1"},
		{[]string{"--owner=", "--host-namespace=x"}, "--owner must be a label value"},
		{[]string{"--leader-elect", "--leader-elect-resource-lock=endpoints", "--host-namespace=x"}, "--leader-elect-resource-lock must be leases"},
		{[]string{"extra"}, `unexpected arguments: ["extra"]`},
		// Outside a cluster an empty --kubeconfig has nothing to fall back on.
		{[]string{"--host-namespace=x"}, "--kubeconfig: unable to load in-cluster configuration"},
	}
	for _, tc := range cases {
		cmd := NewCommand(context.Background())
		cmd.SetArgs(tc.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
