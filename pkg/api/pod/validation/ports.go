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

var containerPortProtocols = sets.New(corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)

// validateContainerPorts validates a container's ports list.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go validateContainerPorts
func validateContainerPorts(ports []corev1.ContainerPort, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	names := sets.New[string]()
	for i, port := range ports {
		idxPath := fldPath.Index(i)
		if port.Name != "" {
			if msgs := utilvalidation.IsValidPortName(port.Name); len(msgs) > 0 {
				allErrs = append(allErrs, invalidForEach(port.Name, msgs, idxPath.Child("name"))...)
			} else if names.Has(port.Name) {
				allErrs = append(allErrs, field.Duplicate(idxPath.Child("name"), port.Name))
			} else {
				names.Insert(port.Name)
			}
		}
		if port.ContainerPort == 0 {
			allErrs = append(allErrs, field.Required(idxPath.Child("containerPort"), ""))
		} else {
			allErrs = append(allErrs, invalidForEachValue(port.ContainerPort, utilvalidation.IsValidPortNum(int(port.ContainerPort)), idxPath.Child("containerPort"))...)
		}
		if port.HostPort != 0 {
			allErrs = append(allErrs, invalidForEachValue(port.HostPort, utilvalidation.IsValidPortNum(int(port.HostPort)), idxPath.Child("hostPort"))...)
		}
		switch {
		case port.Protocol == "":
			allErrs = append(allErrs, field.Required(idxPath.Child("protocol"), ""))
		case !containerPortProtocols.Has(port.Protocol):
			allErrs = append(allErrs, field.NotSupported(idxPath.Child("protocol"), port.Protocol, sets.List(containerPortProtocols)))
		}
	}
	return allErrs
}

// validatePortNumberOrName validates a probe or handler port: a number in range or an
// IANA_SVC_NAME.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go ValidatePortNumOrName
func validatePortNumberOrName(port intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	switch port.Type {
	case intstr.Int:
		return invalidForEachValue(port.IntValue(), utilvalidation.IsValidPortNum(port.IntValue()), fldPath)
	case intstr.String:
		return invalidForEach(port.StrVal, utilvalidation.IsValidPortName(port.StrVal), fldPath)
	default:
		return field.ErrorList{field.InternalError(fldPath, fmt.Errorf("unknown type: %v", port.Type))}
	}
}

// checkHostPortConflicts reports a host port used twice by the given containers, keyed by
// protocol, host IP and port.
// k8s.io/kubernetes@v1.37.2 pkg/apis/core/validation/validation.go checkHostPortConflicts
func checkHostPortConflicts(containers []corev1.Container, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	used := sets.New[string]()
	for ci, ctr := range containers {
		portsPath := fldPath.Index(ci).Child("ports")
		for pi, port := range ctr.Ports {
			if port.HostPort == 0 {
				continue
			}
			key := fmt.Sprintf("%s/%s/%d", port.Protocol, port.HostIP, port.HostPort)
			if used.Has(key) {
				allErrs = append(allErrs, field.Duplicate(portsPath.Index(pi).Child("hostPort"), key))
			} else {
				used.Insert(key)
			}
		}
	}
	return allErrs
}
