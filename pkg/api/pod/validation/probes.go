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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// File ported from k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go.
// The helpers here that name no upstream function of their own serve the functions that do.

// probeKind selects the rules that differ between the three probes of a container.
type probeKind int

const (
	livenessProbe probeKind = iota
	readinessProbe
	startupProbe
)

// validateContainerProbes validates the liveness, readiness and startup probes, in that order.
func validateContainerProbes(ctr *corev1.Container, gracePeriod *int64, path *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	allErrs = append(allErrs, validateProbeOfKind(ctr.LivenessProbe, livenessProbe, gracePeriod, path.Child("livenessProbe"))...)
	allErrs = append(allErrs, validateProbeOfKind(ctr.ReadinessProbe, readinessProbe, gracePeriod, path.Child("readinessProbe"))...)
	allErrs = append(allErrs, validateProbeOfKind(ctr.StartupProbe, startupProbe, gracePeriod, path.Child("startupProbe"))...)
	return allErrs
}

// validateProbeOfKind: liveness and startup probes decide on one success, so successThreshold
// must be 1; a readiness probe never kills the container, so it has no grace period.
func validateProbeOfKind(probe *corev1.Probe, kind probeKind, gracePeriod *int64, fldPath *field.Path) field.ErrorList {
	if probe == nil {
		return nil
	}
	allErrs := validateProbe(probe, gracePeriod, fldPath)
	switch kind {
	case livenessProbe, startupProbe:
		if probe.SuccessThreshold != 1 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("successThreshold"), probe.SuccessThreshold, "must be 1"))
		}
	case readinessProbe:
		if probe.TerminationGracePeriodSeconds != nil {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("terminationGracePeriodSeconds"), probe.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
		}
	}
	return allErrs
}

// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateProbe
func validateProbe(probe *corev1.Probe, gracePeriod *int64, fldPath *field.Path) field.ErrorList {
	h := &probe.ProbeHandler
	allErrs := validateHandlerActions(handlerActions{exec: h.Exec, httpGet: h.HTTPGet, tcpSocket: h.TCPSocket, grpc: h.GRPC}, gracePeriod, fldPath)
	allErrs = append(allErrs, validateNonnegativeField(int64(probe.InitialDelaySeconds), fldPath.Child("initialDelaySeconds"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(probe.TimeoutSeconds), fldPath.Child("timeoutSeconds"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(probe.PeriodSeconds), fldPath.Child("periodSeconds"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(probe.SuccessThreshold), fldPath.Child("successThreshold"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(probe.FailureThreshold), fldPath.Child("failureThreshold"))...)
	if g := probe.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
	}
	return allErrs
}

// handlerActions gathers the actions of a probe or lifecycle handler; a probe has no sleep and a
// lifecycle handler no grpc.
type handlerActions struct {
	exec      *corev1.ExecAction
	httpGet   *corev1.HTTPGetAction
	tcpSocket *corev1.TCPSocketAction
	grpc      *corev1.GRPCAction
	sleep     *corev1.SleepAction
}

// validateHandlerActions requires exactly one action; the first set one (in the order exec,
// httpGet, tcpSocket, grpc, sleep) is validated and every later one forbidden.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateHandler
func validateHandlerActions(h handlerActions, gracePeriod *int64, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	chosen := false
	take := func(set bool, name string, validate func(*field.Path) field.ErrorList) {
		if !set {
			return
		}
		if chosen {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child(name), "may not specify more than 1 handler type"))
			return
		}
		chosen = true
		allErrs = append(allErrs, validate(fldPath.Child(name))...)
	}
	take(h.exec != nil, "exec", func(p *field.Path) field.ErrorList {
		if len(h.exec.Command) == 0 {
			return field.ErrorList{field.Required(p.Child("command"), "")}
		}
		return nil
	})
	take(h.httpGet != nil, "httpGet", func(p *field.Path) field.ErrorList { return validateHTTPGet(h.httpGet, p) })
	take(h.tcpSocket != nil, "tcpSocket", func(p *field.Path) field.ErrorList {
		return validatePortNumberOrName(h.tcpSocket.Port, p.Child("port"))
	})
	take(h.grpc != nil, "grpc", func(p *field.Path) field.ErrorList { return validateGRPC(h.grpc, p) })
	take(h.sleep != nil, "sleep", func(p *field.Path) field.ErrorList { return validateSleep(h.sleep, gracePeriod, p) })
	if !chosen {
		allErrs = append(allErrs, field.Required(fldPath, "must specify a handler type"))
	}
	return allErrs
}

var (
	httpGetSchemes   = sets.New(corev1.URISchemeHTTP, corev1.URISchemeHTTPS)
	httpGetProtocols = sets.New(corev1.HTTPProtocolHTTP1, corev1.HTTPProtocolHTTP2)
	grpcProbeModes   = sets.New(corev1.GRPCProbeModePlaintext, corev1.GRPCProbeModeTLS)
)

// validateHTTPGet validates an httpGet action. protocol is dropped by the strategy while the
// H2CContainerProbe gate is off; its rules are kept for when it is on.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateHTTPGetAction
func validateHTTPGet(get *corev1.HTTPGetAction, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if get.Path == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("path"), ""))
	}
	allErrs = append(allErrs, validatePortNumberOrName(get.Port, fldPath.Child("port"))...)
	if !httpGetSchemes.Has(get.Scheme) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("scheme"), get.Scheme, sets.List(httpGetSchemes)))
	}
	for _, header := range get.HTTPHeaders {
		allErrs = append(allErrs, invalidForEach(header.Name, utilvalidation.IsHTTPHeaderName(header.Name), fldPath.Child("httpHeaders"))...)
	}
	if p := get.Protocol; p != nil {
		switch {
		case !httpGetProtocols.Has(*p):
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("protocol"), *p, sets.List(httpGetProtocols)))
		case *p == corev1.HTTPProtocolHTTP2 && get.Scheme != corev1.URISchemeHTTP:
			allErrs = append(allErrs, field.Invalid(fldPath.Child("protocol"), *p, "is only supported with HTTP (H2C)"))
		case *p == corev1.HTTPProtocolHTTP2 && get.Host != "":
			allErrs = append(allErrs, field.Invalid(fldPath.Child("host"), get.Host, "must be empty when `protocol` is \"HTTP2\""))
		}
	}
	return allErrs
}

// validateGRPC validates a grpc probe; mode is dropped by the strategy while the
// GRPCContainerProbeTLS gate is off.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateGRPCAction
func validateGRPC(grpc *corev1.GRPCAction, fldPath *field.Path) field.ErrorList {
	allErrs := validatePortNumberOrName(intstr.FromInt32(grpc.Port), fldPath.Child("port"))
	if grpc.Mode != nil && !grpcProbeModes.Has(*grpc.Mode) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("mode"), *grpc.Mode, sets.List(grpcProbeModes)))
	}
	return allErrs
}

// validateSleep bounds a sleep by the pod's grace period, after which the container is killed
// anyway; without a grace period (itself an error reported elsewhere) nothing is checked.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateSleepAction
func validateSleep(sleep *corev1.SleepAction, gracePeriod *int64, fldPath *field.Path) field.ErrorList {
	if gracePeriod != nil && (sleep.Seconds < 0 || sleep.Seconds > *gracePeriod) {
		return field.ErrorList{field.Invalid(fldPath, sleep.Seconds, fmt.Sprintf("must be non-negative and less than terminationGracePeriodSeconds (%d)", *gracePeriod))}
	}
	return nil
}

// validateLifecycle validates postStart and preStop. lifecycle.stopSignal is dropped by the
// strategy while the ContainerStopSignals gate is off, so it is not validated here.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateLifecycle
func validateLifecycle(lifecycle *corev1.Lifecycle, gracePeriod *int64, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, hook := range []struct {
		name    string
		handler *corev1.LifecycleHandler
	}{{"postStart", lifecycle.PostStart}, {"preStop", lifecycle.PreStop}} {
		if h := hook.handler; h != nil {
			allErrs = append(allErrs, validateHandlerActions(handlerActions{exec: h.Exec, httpGet: h.HTTPGet, tcpSocket: h.TCPSocket, sleep: h.Sleep}, gracePeriod, fldPath.Child(hook.name))...)
		}
	}
	return allErrs
}
