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

package pod

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func newParameterScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := AddParameterConversions(scheme); err != nil {
		t.Fatalf("AddParameterConversions: %v", err)
	}
	return scheme
}

func mustParseQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestDecodeParameters(t *testing.T) {
	sinceTime := metav1.NewTime(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))

	tests := []struct {
		name  string
		query string
		into  runtime.Object
		want  runtime.Object
	}{
		{
			name:  "exec with repeated command",
			query: "container=app&stdin=true&stdout=1&stderr=false&tty=0&command=sh&command=-c&command=echo+hi",
			into:  &corev1.PodExecOptions{},
			want: &corev1.PodExecOptions{
				Container: "app", Stdin: true, Stdout: true,
				Command: []string{"sh", "-c", "echo hi"},
			},
		},
		{
			// kubectl sends bare or empty flags; apimachinery reads any value
			// other than false/0 as true.
			name:  "exec bare and empty booleans are true",
			query: "stdout&stderr=&tty=FALSE&command=ls",
			into:  &corev1.PodExecOptions{},
			want:  &corev1.PodExecOptions{Stdout: true, Stderr: true, Command: []string{"ls"}},
		},
		{
			name:  "apiVersion and kind in the query are ignored",
			query: "apiVersion=v2&kind=Other&command=date",
			into:  &corev1.PodExecOptions{},
			want:  &corev1.PodExecOptions{Command: []string{"date"}},
		},
		{
			name:  "unknown keys are ignored",
			query: "container=c&bogus=1",
			into:  &corev1.PodAttachOptions{},
			want:  &corev1.PodAttachOptions{Container: "c"},
		},
		{
			name:  "attach",
			query: "container=c&stdin=1&stdout=true&stderr=true&tty=true",
			into:  &corev1.PodAttachOptions{},
			want:  &corev1.PodAttachOptions{Container: "c", Stdin: true, Stdout: true, Stderr: true, TTY: true},
		},
		{
			name: "log with every field",
			query: "container=app&follow=true&previous=1&sinceSeconds=30&sinceTime=2024-01-02T03:04:05Z" +
				"&timestamps=true&tailLines=10&limitBytes=2048&insecureSkipTLSVerifyBackend=true&stream=Stderr",
			into: &corev1.PodLogOptions{},
			want: &corev1.PodLogOptions{
				Container: "app", Follow: true, Previous: true,
				SinceSeconds: new(int64(30)), SinceTime: &sinceTime, Timestamps: true,
				TailLines: new(int64(10)), LimitBytes: new(int64(2048)),
				InsecureSkipTLSVerifyBackend: true, Stream: new("Stderr"),
			},
		},
		{
			name:  "log sinceTime with offset, tailLines zero",
			query: "sinceTime=2024-01-02T05:04:05%2B02:00&tailLines=0",
			into:  &corev1.PodLogOptions{},
			want:  &corev1.PodLogOptions{SinceTime: &sinceTime, TailLines: new(int64(0))},
		},
		{
			name:  "log first of repeated values wins",
			query: "tailLines=3&tailLines=4&container=a&container=b",
			into:  &corev1.PodLogOptions{},
			want:  &corev1.PodLogOptions{Container: "a", TailLines: new(int64(3))},
		},
		{
			name:  "log negative limitBytes is left for validation",
			query: "limitBytes=-1",
			into:  &corev1.PodLogOptions{},
			want:  &corev1.PodLogOptions{LimitBytes: new(int64(-1))},
		},
		{
			name:  "portforward repeated and comma separated ports",
			query: "ports=8080&ports=443,9090",
			into:  &corev1.PodPortForwardOptions{},
			want:  &corev1.PodPortForwardOptions{Ports: []int32{8080, 443, 9090}},
		},
		{
			name:  "proxy path",
			query: "path=%2Fhealthz%3Fverbose",
			into:  &corev1.PodProxyOptions{},
			want:  &corev1.PodProxyOptions{Path: "/healthz?verbose"},
		},
	}

	codec := runtime.NewParameterCodec(newParameterScheme(t))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := codec.DecodeParameters(mustParseQuery(t, tc.query), corev1.SchemeGroupVersion, tc.into); err != nil {
				t.Fatalf("DecodeParameters: %v", err)
			}
			if !apiequality.Semantic.DeepEqual(tc.into, tc.want) {
				t.Errorf("got  %+v\nwant %+v", tc.into, tc.want)
			}
		})
	}
}

func TestDecodeParametersErrors(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		into    runtime.Object
		wantErr string
	}{
		{"tailLines not a number", "tailLines=ten", &corev1.PodLogOptions{}, `parsing "ten": invalid syntax`},
		{"sinceSeconds fractional", "sinceSeconds=1.5", &corev1.PodLogOptions{}, `parsing "1.5": invalid syntax`},
		{"limitBytes overflow", "limitBytes=9223372036854775808", &corev1.PodLogOptions{}, "value out of range"},
		{"sinceTime not RFC3339", "sinceTime=2024-01-02", &corev1.PodLogOptions{}, "cannot parse"},
		{"port above 65535", "ports=65536", &corev1.PodPortForwardOptions{}, "cannot convert to []int32"},
		{"negative port", "ports=80,-1", &corev1.PodPortForwardOptions{}, "cannot convert to []int32"},
		{"empty port", "ports=", &corev1.PodPortForwardOptions{}, "cannot convert to []int32"},
	}

	codec := runtime.NewParameterCodec(newParameterScheme(t))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := codec.DecodeParameters(mustParseQuery(t, tc.query), corev1.SchemeGroupVersion, tc.into)
			if err == nil {
				t.Fatalf("DecodeParameters(%q) succeeded: %+v", tc.query, tc.into)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

// Guards against the decode tests passing because the codec found some
// other route; without the registration there is none.
func TestDecodeParametersNeedsRegistration(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	codec := runtime.NewParameterCodec(scheme)
	for _, into := range []runtime.Object{
		&corev1.PodLogOptions{}, &corev1.PodExecOptions{}, &corev1.PodAttachOptions{},
		&corev1.PodPortForwardOptions{}, &corev1.PodProxyOptions{},
	} {
		err := codec.DecodeParameters(url.Values{"container": {"c"}}, corev1.SchemeGroupVersion, into)
		if err == nil {
			t.Errorf("%T decoded without registered conversions", into)
		}
	}
}

// Upstream conversions assign every field, so stale values in a reused
// object must not survive a decode.
func TestConversionsResetAbsentFields(t *testing.T) {
	t.Run("exec", func(t *testing.T) {
		out := &corev1.PodExecOptions{Stdin: true, TTY: true, Container: "old", Command: []string{"old"}}
		if err := ConvertURLValuesToPodExecOptions(&url.Values{"stdout": {"true"}}, out, nil); err != nil {
			t.Fatal(err)
		}
		want := &corev1.PodExecOptions{Stdout: true}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("got %+v, want %+v", out, want)
		}
	})
	t.Run("log", func(t *testing.T) {
		now := metav1.Now()
		out := &corev1.PodLogOptions{
			Container: "old", Follow: true, SinceSeconds: new(int64(1)), SinceTime: &now,
			TailLines: new(int64(1)), LimitBytes: new(int64(1)), Stream: new("All"),
		}
		// A key with no values counts as absent; in particular sinceTime must
		// stay nil rather than become a zero time.
		in := url.Values{"previous": {"true"}, "sinceTime": {}, "tailLines": nil}
		if err := ConvertURLValuesToPodLogOptions(&in, out, nil); err != nil {
			t.Fatal(err)
		}
		want := &corev1.PodLogOptions{Previous: true}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("got %+v, want %+v", out, want)
		}
	})
	t.Run("portforward replaces rather than appends", func(t *testing.T) {
		out := &corev1.PodPortForwardOptions{Ports: []int32{1}}
		if err := ConvertURLValuesToPodPortForwardOptions(&url.Values{"ports": {"2"}}, out, nil); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(out.Ports, []int32{2}) {
			t.Errorf("Ports = %v, want [2]", out.Ports)
		}
		if err := ConvertURLValuesToPodPortForwardOptions(&url.Values{}, out, nil); err != nil {
			t.Fatal(err)
		}
		if out.Ports != nil {
			t.Errorf("Ports = %v, want nil", out.Ports)
		}
	})
	t.Run("attach and proxy", func(t *testing.T) {
		a := &corev1.PodAttachOptions{Stdin: true, Container: "old"}
		if err := ConvertURLValuesToPodAttachOptions(&url.Values{}, a, nil); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, &corev1.PodAttachOptions{}) {
			t.Errorf("attach = %+v, want zero", a)
		}
		p := &corev1.PodProxyOptions{Path: "/old"}
		if err := ConvertURLValuesToPodProxyOptions(&url.Values{}, p, nil); err != nil {
			t.Fatal(err)
		}
		if p.Path != "" {
			t.Errorf("proxy path = %q, want empty", p.Path)
		}
	})
}

func TestExecCommandDoesNotAliasQuery(t *testing.T) {
	in := url.Values{"command": {"ls", "-l"}}
	out := &corev1.PodExecOptions{}
	if err := ConvertURLValuesToPodExecOptions(&in, out, nil); err != nil {
		t.Fatal(err)
	}
	in["command"][0] = "rm"
	if out.Command[0] != "ls" {
		t.Errorf("Command = %v; changed with the query", out.Command)
	}
}

func TestLogStreamIsCopied(t *testing.T) {
	in := url.Values{"stream": {"Stdout", "Stderr"}}
	out := &corev1.PodLogOptions{}
	if err := ConvertURLValuesToPodLogOptions(&in, out, nil); err != nil {
		t.Fatal(err)
	}
	in["stream"][0] = "All"
	if out.Stream == nil || *out.Stream != "Stdout" {
		t.Errorf("Stream = %v, want Stdout", out.Stream)
	}
}
