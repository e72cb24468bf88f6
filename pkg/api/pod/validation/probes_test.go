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

package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
)

func TestValidateContainerProbes(t *testing.T) {
	withHandler := func(h corev1.ProbeHandler) func(*corev1.Probe) {
		return func(p *corev1.Probe) { p.ProbeHandler = h }
	}
	headerMsg := "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"
	cases := []struct {
		name                         string
		liveness, readiness, startup *corev1.Probe
		want                         []ctrErr
	}{
		{name: "none"},
		{
			name:      "valid",
			liveness:  ctrProbe(),
			readiness: ctrProbe(withHandler(corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("http")}}), func(p *corev1.Probe) { p.SuccessThreshold = 3 }),
			startup:   ctrProbe(withHandler(corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 9000}}), func(p *corev1.Probe) { p.TerminationGracePeriodSeconds = ptr.To[int64](5) }),
		},
		{
			name:     "no handler",
			liveness: ctrProbe(withHandler(corev1.ProbeHandler{})),
			want:     []ctrErr{ctrRequired("c.livenessProbe").withBody("Required value: must specify a handler type")},
		},
		{
			// Only the first handler is validated; each later one is forbidden.
			name: "several handlers",
			liveness: ctrProbe(withHandler(corev1.ProbeHandler{
				Exec:      &corev1.ExecAction{},
				HTTPGet:   &corev1.HTTPGetAction{Scheme: "FTP"},
				TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("x")},
				GRPC:      &corev1.GRPCAction{Port: 1},
			})),
			want: []ctrErr{
				ctrRequired("c.livenessProbe.exec.command"),
				ctrForbidden("c.livenessProbe.httpGet", "may not specify more than 1 handler type"),
				ctrForbidden("c.livenessProbe.tcpSocket", "may not specify more than 1 handler type"),
				ctrForbidden("c.livenessProbe.grpc", "may not specify more than 1 handler type"),
			},
		},
		{
			name: "numbers",
			liveness: ctrProbe(func(p *corev1.Probe) {
				p.InitialDelaySeconds, p.TimeoutSeconds, p.PeriodSeconds, p.SuccessThreshold, p.FailureThreshold = -1, -1, -1, -1, -1
				p.TerminationGracePeriodSeconds = ptr.To[int64](0)
			}),
			readiness: ctrProbe(func(p *corev1.Probe) { p.SuccessThreshold = 3; p.TerminationGracePeriodSeconds = ptr.To[int64](5) }),
			startup:   ctrProbe(func(p *corev1.Probe) { p.SuccessThreshold = 2; p.TerminationGracePeriodSeconds = ptr.To[int64](-3) }),
			want: []ctrErr{
				ctrInvalid("c.livenessProbe.initialDelaySeconds", "must be greater than or equal to 0"),
				ctrInvalid("c.livenessProbe.timeoutSeconds", "must be greater than or equal to 0"),
				ctrInvalid("c.livenessProbe.periodSeconds", "must be greater than or equal to 0"),
				ctrInvalid("c.livenessProbe.successThreshold", "must be greater than or equal to 0"),
				ctrInvalid("c.livenessProbe.failureThreshold", "must be greater than or equal to 0"),
				ctrInvalid("c.livenessProbe.terminationGracePeriodSeconds", "").withBody("Invalid value: 0: must be greater than 0"),
				ctrInvalid("c.livenessProbe.successThreshold", "").withBody("Invalid value: -1: must be 1"),
				ctrInvalid("c.readinessProbe.terminationGracePeriodSeconds", "").withBody("Invalid value: 5: must not be set for readinessProbes"),
				ctrInvalid("c.startupProbe.terminationGracePeriodSeconds", "must be greater than 0"),
				ctrInvalid("c.startupProbe.successThreshold", "must be 1"),
			},
		},
		{
			name: "httpGet and grpc",
			liveness: ctrProbe(withHandler(corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Port:        intstr.FromString("Bad_Port"),
				Scheme:      "FTP",
				HTTPHeaders: []corev1.HTTPHeader{{Name: "bad header"}, {Name: ""}},
			}})),
			readiness: ctrProbe(withHandler(corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(70000), Scheme: corev1.URISchemeHTTPS}})),
			startup:   ctrProbe(withHandler(corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 0}})),
			want: []ctrErr{
				ctrRequired("c.livenessProbe.httpGet.path"),
				ctrInvalid("c.livenessProbe.httpGet.port", "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
				ctrNotSupported("c.livenessProbe.httpGet.scheme", `Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`),
				ctrInvalid("c.livenessProbe.httpGet.httpHeaders", "").withBody(`Invalid value: "bad header": ` + headerMsg),
				ctrInvalid("c.livenessProbe.httpGet.httpHeaders", "").withBody(`Invalid value: "": ` + headerMsg),
				ctrInvalid("c.readinessProbe.httpGet.port", "").withBody("Invalid value: 70000: must be between 1 and 65535, inclusive"),
				ctrInvalid("c.startupProbe.grpc.port", "").withBody("Invalid value: 0: must be between 1 and 65535, inclusive"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &corev1.Container{LivenessProbe: tc.liveness, ReadinessProbe: tc.readiness, StartupProbe: tc.startup}
			ctrCheckErrs(t, validateContainerProbes(c, ctrGrace, field.NewPath("c")), tc.want)
		})
	}
}

// The fields dropped while their feature gates are off keep kube's rules.
func TestValidateGatedProbeFields(t *testing.T) {
	h2 := ptr.To(corev1.HTTPProtocolHTTP2)
	cases := []struct {
		name string
		get  *corev1.HTTPGetAction
		grpc *corev1.GRPCAction
		want []ctrErr
	}{
		{name: "h2c", get: &corev1.HTTPGetAction{Path: "/", Port: ctrPort(80), Scheme: corev1.URISchemeHTTP, Protocol: h2}},
		{name: "h2 over https", get: &corev1.HTTPGetAction{Path: "/", Port: ctrPort(80), Scheme: corev1.URISchemeHTTPS, Protocol: h2},
			want: []ctrErr{ctrInvalid("p.httpGet.protocol", "is only supported with HTTP (H2C)")}},
		{name: "h2 with host", get: &corev1.HTTPGetAction{Path: "/", Port: ctrPort(80), Scheme: corev1.URISchemeHTTP, Host: "h", Protocol: h2},
			want: []ctrErr{ctrInvalid("p.httpGet.host", "must be empty when `protocol` is \"HTTP2\"")}},
		{name: "unknown protocol", get: &corev1.HTTPGetAction{Path: "/", Port: ctrPort(80), Scheme: corev1.URISchemeHTTP, Protocol: ptr.To(corev1.HTTPProtocol("SPDY"))},
			want: []ctrErr{ctrNotSupported("p.httpGet.protocol", `Unsupported value: "SPDY": supported values: "HTTP1", "HTTP2"`)}},
		{name: "grpc tls", grpc: &corev1.GRPCAction{Port: 1, Mode: ptr.To(corev1.GRPCProbeModeTLS)}},
		{name: "grpc unknown mode", grpc: &corev1.GRPCAction{Port: 1, Mode: ptr.To(corev1.GRPCProbeMode("quic"))},
			want: []ctrErr{ctrNotSupported("p.grpc.mode", `Unsupported value: "quic": supported values: "Plaintext", "TLS"`)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := validateHandlerActions(handlerActions{httpGet: tc.get, grpc: tc.grpc}, ctrGrace, field.NewPath("p"))
			ctrCheckErrs(t, got, tc.want)
		})
	}
}

func TestValidateLifecycle(t *testing.T) {
	exec := &corev1.ExecAction{Command: []string{"a"}}
	cases := []struct {
		name      string
		lifecycle corev1.Lifecycle
		grace     *int64
		noGrace   bool
		want      []ctrErr
	}{
		{name: "valid", lifecycle: corev1.Lifecycle{
			PostStart: &corev1.LifecycleHandler{Exec: exec},
			PreStop:   &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 30}},
		}},
		{name: "sleep zero with zero grace", grace: ptr.To[int64](0), lifecycle: corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{}}}},
		{name: "sleep unchecked without a grace period", noGrace: true, lifecycle: corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: -1}}}},
		{
			name:      "sleep beyond grace and empty handler",
			lifecycle: corev1.Lifecycle{PostStart: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 31}}, PreStop: &corev1.LifecycleHandler{}},
			want: []ctrErr{
				ctrInvalid("l.postStart.sleep", "").withBody("Invalid value: 31: must be non-negative and less than terminationGracePeriodSeconds (30)"),
				ctrRequired("l.preStop").withBody("Required value: must specify a handler type"),
			},
		},
		{
			name:      "several handlers and negative sleep",
			lifecycle: corev1.Lifecycle{PostStart: &corev1.LifecycleHandler{Exec: exec, Sleep: &corev1.SleepAction{Seconds: 1}}, PreStop: &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: -1}}},
			want: []ctrErr{
				ctrForbidden("l.postStart.sleep", "may not specify more than 1 handler type"),
				ctrInvalid("l.preStop.sleep", "must be non-negative and less than terminationGracePeriodSeconds (30)"),
			},
		},
		{
			// httpGet comes before tcpSocket in kube's order, whatever the order in the request.
			name:  "httpGet is taken, tcpSocket forbidden and not validated",
			grace: ptr.To[int64](0),
			lifecycle: corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{
				TCPSocket: &corev1.TCPSocketAction{Port: ctrPort(0)},
				HTTPGet:   &corev1.HTTPGetAction{Path: "/", Port: ctrPort(1), Scheme: corev1.URISchemeHTTP},
			}},
			want: []ctrErr{
				ctrForbidden("l.preStop.tcpSocket", "may not specify more than 1 handler type"),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			grace := tc.grace
			if grace == nil && !tc.noGrace {
				grace = ctrGrace
			}
			ctrCheckErrs(t, validateLifecycle(&tc.lifecycle, grace, field.NewPath("l")), tc.want)
		})
	}
}
