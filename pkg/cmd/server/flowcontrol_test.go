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
	"net"
	"testing"
)

// Priority and fairness is on by default, as in kube-apiserver, and the flag turns it off, which
// leaves the max-in-flight limits.
func TestPriorityAndFairnessFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"--enable-priority-and-fairness=false"}, false},
	} {
		o := parse(t, append([]string{"--etcd-servers=http://127.0.0.1:1", "--cert-dir=" + t.TempDir(), "--anonymous-auth"}, tc.args...)...)
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer listener.Close()
		o.Recommended.SecureServing.Listener = listener
		o.Recommended.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
		if err := o.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := o.Complete(nil, nil); err != nil {
			t.Fatal(err)
		}
		cfg, err := o.Config()
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got := cfg.GenericConfig.FlowControl != nil; got != tc.want {
			t.Errorf("%v: priority and fairness %v; want %v", tc.args, got, tc.want)
		}
	}
}
